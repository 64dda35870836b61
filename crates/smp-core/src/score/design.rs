//! The design criterion: the hairline the trainee designed before tattooing, against the rules
//! of hairline design and the level's targets ([`crate::design`]). The worst broken rule sets
//! the score; every broken rule is named in the reason.

use crate::attempt::Attempt;
use crate::design::{DesignFault, DesignTargets, faults, measure};
use crate::plan::ReferencePlan;

use super::facts::{Judged, Place};

/// Points lost per mm the mid-frontal point lies outside the band.
const PER_MM_OFF_BAND: f64 = 8.0;
/// Points lost per mm of left–right difference over the allowance.
const PER_MM_LOPSIDED: f64 = 15.0;
/// Points lost per mm of straight run over the allowance.
const PER_MM_STRAIGHT: f64 = 1.5;
/// Points lost per mm of waviness short of the least asked (a perfect curve at the default
/// 0.3 mm leaves 55).
const PER_MM_TOO_REGULAR: f64 = 150.0;
/// Points lost per degree the mid-frontal point's skin tilts less than asked.
const PER_DEG_ON_FOREHEAD: f64 = 4.0;
/// Points lost per mm the line passes further from a method's point than allowed.
const PER_MM_OFF_METHOD: f64 = 4.0;
/// Points lost per mm the middle half falls or rises beyond the range asked.
const PER_MM_NOT_PARALLEL: f64 = 6.0;

/// What one broken rule leaves of 100.
fn left_of(fault: &DesignFault) -> f64 {
    let lost = match *fault {
        DesignFault::NoMidline | DesignFault::NoFace => 100.0,
        DesignFault::TooLow { height_mm, min_mm } => PER_MM_OFF_BAND * (min_mm - height_mm),
        DesignFault::TooHigh { height_mm, max_mm } => PER_MM_OFF_BAND * (height_mm - max_mm),
        DesignFault::Lopsided {
            difference_mm,
            max_mm,
            ..
        } => PER_MM_LOPSIDED * (difference_mm - max_mm),
        DesignFault::Straight {
            length_mm, max_mm, ..
        } => PER_MM_STRAIGHT * (length_mm - max_mm),
        DesignFault::TooRegular { wave_mm, min_mm } => PER_MM_TOO_REGULAR * (min_mm - wave_mm),
        DesignFault::OnForeheadPlane { tilt_deg, min_deg } => {
            PER_DEG_ON_FOREHEAD * (min_deg - tilt_deg)
        }
        DesignFault::OffTheMethod {
            distance_mm,
            max_mm,
            ..
        } => PER_MM_OFF_METHOD * (distance_mm - max_mm),
        DesignFault::NotParallelToBrows {
            fall_mm,
            range_mm: (lo, hi),
        } => PER_MM_NOT_PARALLEL * (lo - fall_mm).max(fall_mm - hi),
    };
    // A figure that could not be measured (NaN) loses everything, never nothing.
    if lost.is_nan() {
        return 0.0;
    }
    (100.0 - lost).clamp(0.0, 100.0)
}

/// Judges `attempt`'s design against `targets` on `plan`'s head.
pub(super) fn judge(plan: &ReferencePlan, attempt: &Attempt, targets: &DesignTargets) -> Judged {
    let Some(drawing) = &attempt.design else {
        return Judged::new(0.0, "no hairline was designed before tattooing", Vec::new());
    };
    let Some(head) = plan.head() else {
        return Judged::new(0.0, "a design is judged on a head", Vec::new());
    };
    let measures = match measure(&head, &drawing.hairline, targets) {
        Ok(m) => m,
        Err(fault) => return Judged::new(0.0, fault.to_string(), Vec::new()),
    };
    let broken = faults(&measures, targets);
    let (lo, hi) = targets.mfp_height_mm;
    let farthest = |found: Option<[(f64, crate::geometry::Point); 2]>| {
        found.map_or("not measurable".to_string(), |[l, r]| {
            format!("{:.1} / {:.1} mm", l.0, r.0)
        })
    };
    let (fall_lo, fall_hi) = targets.middle_fall_mm;
    let figures = format!(
        "mid-frontal point {:.0} mm above the glabella (target {lo:.0}–{hi:.0}), frontotemporal points C passed within {}, temporal peaks D within {} (left / right, up to {:.0}), middle half falling {} against the brows (target {fall_lo:.0} to {fall_hi:.0}), sides within {:.1} mm (up to {:.0}), longest straight run {:.0} mm (up to {:.0}), waving {:.2} mm (at least {:.1}), skin tilting {:.0}° there (at least {:.0}°)",
        measures.mfp_height_mm,
        farthest(measures.frontotemporal_mm),
        farthest(measures.temporal_peak_mm),
        targets.method_tolerance_mm,
        measures
            .middle_fall_mm
            // (+ 0.0: no "-0.0" for a line that is level to the tenth of a millimetre.)
            .map_or("not measurable".to_string(), |f| {
                format!("{:.1} mm", (f * 10.0).round() / 10.0 + 0.0)
            }),
        measures.asymmetry_mm.0,
        targets.max_asymmetry_mm,
        measures.longest_straight_mm.0,
        targets.max_straight_mm,
        measures.wave_mm,
        targets.min_wave_mm,
        measures.mfp_tilt_deg,
        targets.min_mfp_tilt_deg
    );
    let score = broken.iter().map(left_of).fold(100.0, f64::min);
    let reason = if broken.is_empty() {
        format!("the design follows the rules: {figures}")
    } else {
        let named: Vec<String> = broken.iter().map(ToString::to_string).collect();
        format!("{} ({figures})", named.join("; "))
    };
    let places = broken
        .iter()
        .map(|f| {
            let at = match f {
                DesignFault::Lopsided { at, .. }
                | DesignFault::Straight { at, .. }
                | DesignFault::OffTheMethod { at, .. } => *at,
                _ => measures.mfp,
            };
            Place {
                at,
                note: f.to_string(),
            }
        })
        .collect();
    Judged::new(score, reason, places).measured(
        "mid-frontal point above the glabella",
        measures.mfp_height_mm,
        "mm",
    )
}
