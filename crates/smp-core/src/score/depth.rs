//! Depth: how many impressions heal as intended.
//!
//! Measure: the weighted share of impressions that do not,
//! `(w_shallow · shallow + w_deep · deep + w_blowout · blowout) / impressions`, with the level's outcome weights (a blowout is worse
//! than a dot that fades). Curve: the level's `depth_fault` anchors. The mean and spread of depth
//! are reported, not scored: an even hand that blows out every dot is no better for it.

use super::facts::{Facts, Judged, MAX_PLACES, OutcomeCounts, Place};
use crate::skin::DepthOutcome;

/// The weighted fault share of `counts` under `plan`'s outcome weights (0 with no impressions).
pub(super) fn fault_share(counts: &OutcomeCounts, weights: &crate::plan::OutcomeWeights) -> f64 {
    let n = counts.total();
    if n == 0 {
        return 0.0;
    }
    (weights.shallow * counts.shallow as f64
        + weights.deep * counts.deep as f64
        + weights.blowout * counts.blowout as f64)
        / n as f64
}

pub(super) fn judge(f: &Facts, counts: &OutcomeCounts) -> Judged {
    let imps = &f.replay.impressions;
    let n = imps.len();
    if n == 0 {
        return Judged::new(0.0, "no impressions were made", vec![]);
    }
    let t = &f.plan.thresholds;
    let fault = fault_share(counts, &t.outcome_weights);
    let score = t.depth_fault.score(fault);
    let w = &f.plan.depth_window;
    let nf = n as f64;
    let mean = imps.iter().map(|p| p.tissue.depth_mm).sum::<f64>() / nf;
    let sd = (imps
        .iter()
        .map(|p| (p.tissue.depth_mm - mean).powi(2))
        .sum::<f64>()
        / nf)
        .sqrt();
    let pct = |k: usize| 100.0 * k as f64 / nf;
    let mut reason = format!(
        "{n} impressions: {} ideal ({:.0}%), {} shallow ({:.0}%), {} deep ({:.0}%), {} blowouts ({:.0}%); weighted fault share {:.1}% (full marks up to {:.0}%, a bare pass at {:.0}%). Mean depth {mean:.2} mm against a {:.2}–{:.2} mm window, spread {sd:.2} mm.",
        counts.ideal,
        pct(counts.ideal),
        counts.shallow,
        pct(counts.shallow),
        counts.deep,
        pct(counts.deep),
        counts.blowout,
        pct(counts.blowout),
        100.0 * fault,
        100.0 * t.depth_fault.full,
        100.0 * t.depth_fault.pass,
        w.min_mm,
        w.max_mm,
    );
    let share = |k: usize| k as f64 / nf;
    let ow = &t.outcome_weights;
    let cost = [
        (ow.blowout * share(counts.blowout), DepthOutcome::Blowout),
        (ow.deep * share(counts.deep), DepthOutcome::Deep),
        (ow.shallow * share(counts.shallow), DepthOutcome::Shallow),
    ];
    if share(counts.shallow) >= 0.05 && share(counts.deep + counts.blowout) >= 0.05 {
        reason.push_str(&format!(
            " Depth wanders from too shallow to too deep (spread {sd:.2} mm): an inconsistent hand; keep the pressure even."
        ));
    }
    let worst = cost
        .iter()
        .filter(|(c, _)| *c > 0.0)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match worst.map(|(_, o)| *o) {
        Some(DepthOutcome::Blowout) => reason.push_str(
            " Blowouts went through the dermis into the fat and heal as blue-grey blotches: press lighter.",
        ),
        Some(DepthOutcome::Deep) => reason.push_str(
            " Deep dots spread and look bluish for good: press lighter.",
        ),
        Some(DepthOutcome::Shallow) => reason.push_str(
            " Shallow dots stay in the epidermis and fade away within weeks: press a little firmer.",
        ),
        _ => reason.push_str(" Every dot heals as intended."),
    }
    // Worst first: blowouts, then deep, then shallow; the furthest from the window first.
    let mut bad: Vec<&crate::replay::PlacedImpression> = imps
        .iter()
        .filter(|p| p.tissue.outcome != DepthOutcome::Ideal)
        .collect();
    let miss = |p: &crate::replay::PlacedImpression| {
        let d = p.tissue.depth_mm;
        (d - w.max_mm).max(w.min_mm - d)
    };
    bad.sort_by(|a, b| {
        let rank = |p: &crate::replay::PlacedImpression| match p.tissue.outcome {
            DepthOutcome::Blowout => 0,
            DepthOutcome::Deep => 1,
            _ => 2,
        };
        rank(a)
            .cmp(&rank(b))
            .then(miss(b).total_cmp(&miss(a)))
            .then(a.index.cmp(&b.index))
    });
    let places = bad
        .iter()
        .take(MAX_PLACES)
        .map(|p| Place {
            at: p.impression.at,
            note: format!(
                "#{} {} at {:.2} mm",
                p.index + 1,
                p.tissue.outcome.name(),
                p.tissue.depth_mm
            ),
        })
        .collect();
    Judged::new(score, reason, places).measured("weighted fault share", fault, "share")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::OutcomeWeights;

    fn counts(shallow: usize, ideal: usize, deep: usize, blowout: usize) -> OutcomeCounts {
        OutcomeCounts {
            shallow,
            ideal,
            deep,
            blowout,
        }
    }

    #[test]
    fn worse_outcomes_never_lower_the_fault_share() {
        let w = OutcomeWeights::default();
        let base = counts(10, 80, 7, 3);
        let f0 = fault_share(&base, &w);
        // ideal → shallow, ideal → deep, deep → blowout, shallow → blowout
        for worse in [
            counts(11, 79, 7, 3),
            counts(10, 79, 8, 3),
            counts(10, 80, 6, 4),
            counts(9, 80, 7, 4),
        ] {
            assert!(fault_share(&worse, &w) >= f0);
        }
        assert_eq!(fault_share(&counts(0, 50, 0, 0), &w), 0.0);
        assert_eq!(fault_share(&counts(0, 0, 0, 0), &w), 0.0);
    }

    #[test]
    fn all_shallow_or_all_blown_out_earns_nothing_and_half_blown_out_no_more() {
        let t = crate::plan::Thresholds::default();
        let score = |c: OutcomeCounts| t.depth_fault.score(fault_share(&c, &t.outcome_weights));
        assert_eq!(score(counts(100, 0, 0, 0)), 0.0);
        assert_eq!(score(counts(0, 0, 0, 100)), 0.0);
        assert_eq!(score(counts(0, 50, 0, 50)), 0.0);
        assert_eq!(score(counts(50, 50, 0, 0)), 0.0);
        assert_eq!(score(counts(0, 100, 0, 0)), 100.0);
        assert!(score(counts(5, 95, 0, 0)) > score(counts(0, 95, 0, 5)));
    }
}
