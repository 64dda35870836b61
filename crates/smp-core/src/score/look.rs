//! Shade and needle, as the result shows them: the settings act through the skin.
//!
//! For each session done, the dot an ideal impression makes with the session's needle and
//! shade (at the middle of the depth window, a normal tap, healed six weeks on this skin) is
//! compared with the dot the plan's needle and shade make:
//!
//! - **size**: the healed diameter over the planned one. A bigger needle group or point makes
//!   heavier dots (the "helmet" look); a finer one, faint ones. Full marks inside `dot_size`,
//!   falling off by `dot_size_falloff`.
//! - **tone**: how many stops (doublings of contrast) darker or lighter the pigment shows than
//!   the planned shade's: a dark shade in a first session is too dark. Curve: `tone_stops`.
//!
//! A session scores the worse of the two; the criterion is the mean over the sessions done
//! (sessions not done are the density criterion's business).

use super::facts::Judged;
use crate::attempt::Attempt;
use crate::healing::{HealingInputs, SETTLED_DAY};
use crate::needle::{Needle, Shade};
use crate::plan::ReferencePlan;
use crate::skin::DepthOutcome;

/// The healed (six-week) diameter of an ideal impression by `needle` in `shade` on `plan`'s
/// skin, mm: a straight tap of 80 ms at the middle of the depth window.
pub fn healed_dot_mm(plan: &ReferencePlan, needle: &Needle, shade: Shade) -> f64 {
    let force = (plan.depth_window.centre_mm() / needle.protrusion_mm).clamp(0.0, 1.0);
    HealingInputs {
        outcome: DepthOutcome::Ideal,
        fresh_diameter_mm: needle.fresh_dot_mm(force, 0.08),
        spread_factor: 1.0,
        shade,
        skin_type: plan.skin.skin_type,
        sun_exposure: plan.skin.sun_exposure,
        scar_fade: 1.0,
        scar_retention: 1.0,
        inflamed: 0.0,
    }
    .appearance(SETTLED_DAY)
    .diameter_mm
}

/// How many stops darker (positive) or lighter `done` shows than `planned`.
pub fn tone_stops(planned: Shade, done: Shade) -> f64 {
    (planned.luminance() / done.luminance()).log2()
}

pub(super) fn judge(plan: &ReferencePlan, attempt: &Attempt) -> Judged {
    let t = &plan.thresholds;
    let mut parts = Vec::new();
    let mut sum = 0.0;
    let mut sessions = 0;
    let mut worst_ratio: f64 = 1.0;
    for (i, (sp, done)) in plan.sessions.iter().zip(&attempt.sessions).enumerate() {
        let planned_mm = healed_dot_mm(plan, &sp.needle, sp.shade);
        let done_mm = healed_dot_mm(plan, &done.needle, done.shade);
        let ratio = done_mm / planned_mm.max(1e-9);
        if (ratio.ln()).abs() > worst_ratio.ln().abs() {
            worst_ratio = ratio;
        }
        let size = t.dot_size_falloff.score(ratio, t.dot_size.0, t.dot_size.1);
        let stops = tone_stops(sp.shade, done.shade);
        let tone = t.tone_stops.score(stops.abs());
        sum += size.min(tone);
        sessions += 1;
        let mut notes = Vec::new();
        if ratio > t.dot_size.1 || ratio < t.dot_size.0 {
            notes.push(format!(
                "dots heal {done_mm:.2} mm across against {planned_mm:.2} mm planned ({} instead of {}): {}",
                done.needle.label(),
                sp.needle.label(),
                if ratio > 1.0 {
                    "heavy dots, the \"helmet\" look"
                } else {
                    "faint, thin dots"
                }
            ));
        }
        if stops.abs() > t.tone_stops.full {
            notes.push(format!(
                "{} shade instead of {}: {:.1} stops {}{}",
                done.shade.name(),
                sp.shade.name(),
                stops.abs(),
                if stops > 0.0 { "darker" } else { "lighter" },
                if stops > 0.0 && i == 0 {
                    ", too dark for a first session"
                } else if stops > 0.0 {
                    ", too dark"
                } else {
                    ", too light to match"
                }
            ));
        }
        parts.push(format!(
            "session {}: {}",
            i + 1,
            if notes.is_empty() {
                format!(
                    "{} in {} shade as planned, dots heal {done_mm:.2} mm across",
                    done.needle.label(),
                    done.shade.name()
                )
            } else {
                notes.join("; ")
            }
        ));
    }
    let score = if sessions > 0 {
        sum / sessions as f64
    } else {
        0.0
    };
    Judged::new(score, parts.join("; ") + ".", vec![]).measured(
        "healed dot size over the plan's (furthest session)",
        worst_ratio,
        "ratio",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::Level;
    use crate::needle::NeedleGroup;

    #[test]
    fn a_bigger_needle_heals_bigger_and_a_darker_shade_counts_in_stops() {
        let plan = Level::find("depth-drill", None).unwrap().plan;
        let fine = plan.sessions[0].needle;
        let heavy = Needle {
            group: NeedleGroup::ThreeRl,
            diameter_mm: 0.35,
            ..fine
        };
        let a = healed_dot_mm(&plan, &fine, Shade::Dark);
        let b = healed_dot_mm(&plan, &heavy, Shade::Dark);
        assert!((0.10..=0.16).contains(&a), "{a}");
        assert!(b > 2.0 * a);
        let t = plan.thresholds;
        assert!(t.dot_size_falloff.score(b / a, t.dot_size.0, t.dot_size.1) < 40.0);
        assert!(tone_stops(Shade::Light, Shade::Black) > 3.0);
        assert!(tone_stops(Shade::Dark, Shade::Light) < -1.0);
        assert_eq!(tone_stops(Shade::Medium, Shade::Medium), 0.0);
        assert!(t.tone_stops.score(tone_stops(Shade::Light, Shade::Black)) < 20.0);
    }
}
