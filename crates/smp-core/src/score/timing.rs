//! Timing: the days of healing between sessions.
//!
//! Measure: each gap, in days, against the level's band (`min_gap_days` to `max_gap_days`,
//! full marks inside). Working before the scalp has healed makes pigment migrate and
//! over-saturate (`early_days` falloff); coming back long after loses the plan's thread
//! (`late_days` falloff). The criterion is the mean over the gaps of the sessions done; a
//! single-session level has nothing to time and scores full marks.

use super::facts::Judged;
use crate::attempt::Attempt;
use crate::curve::Anchors;
use crate::plan::ReferencePlan;

/// The score of a gap of `days` on `plan`.
pub fn gap_score(plan: &ReferencePlan, days: f64) -> f64 {
    let t = &plan.thresholds;
    let (lo, hi) = (plan.min_gap_days, plan.max_gap_days);
    let early = Anchors::new(lo, lo - t.early_days.pass, lo - t.early_days.zero).score(days);
    let late = Anchors::new(hi, hi + t.late_days.pass, hi + t.late_days.zero).score(days);
    early.min(late)
}

pub(super) fn judge(plan: &ReferencePlan, attempt: &Attempt) -> Judged {
    if plan.sessions.len() == 1 {
        return Judged::new(
            100.0,
            "A single-session level: nothing to time between sessions.",
            vec![],
        );
    }
    let mut sum = 0.0;
    let mut gaps = 0;
    let mut worst: Option<(f64, f64)> = None;
    let mut parts = Vec::new();
    for (i, s) in attempt.sessions.iter().enumerate().skip(1) {
        let g = s.days_since_previous;
        let note = if g < plan.min_gap_days {
            "before the scalp had healed: pigment migrates and over-saturates"
        } else if g > plan.max_gap_days {
            "a long gap: the plan loses its thread"
        } else {
            "well healed"
        };
        let gs = gap_score(plan, g);
        if worst.is_none_or(|(s, _)| gs < s) {
            worst = Some((gs, g));
        }
        sum += gs;
        gaps += 1;
        parts.push(format!("{g:.0} days before session {} ({note})", i + 1));
    }
    if gaps == 0 {
        return Judged::new(
            100.0,
            "Only the first session was done: no gap to time yet.",
            vec![],
        );
    }
    let judged = Judged::new(
        sum / gaps as f64,
        format!(
            "Planned gap {:.0}–{:.0} days: {}.",
            plan.min_gap_days,
            plan.max_gap_days,
            parts.join("; ")
        ),
        vec![],
    );
    match worst {
        Some((_, days)) => judged.measured("days between sessions (the worst gap)", days, "days"),
        None => judged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::Level;

    #[test]
    fn gaps_inside_the_band_score_full_and_early_gaps_fall_off() {
        let plan = Level::find("three-sessions", None).unwrap().plan;
        let (lo, hi) = (plan.min_gap_days, plan.max_gap_days);
        assert_eq!(gap_score(&plan, lo), 100.0);
        assert_eq!(gap_score(&plan, hi), 100.0);
        assert_eq!(gap_score(&plan, lo - 3.0), 70.0);
        assert!(gap_score(&plan, 1.0) < 10.0);
        assert!(gap_score(&plan, hi + 30.0) < 70.0);
        let mut last = 100.0;
        for d in 0..=20 {
            let s = gap_score(&plan, lo - d as f64 * 0.5);
            assert!(s <= last);
            last = s;
        }
    }
}
