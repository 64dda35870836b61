//! The score card: the criteria, their results, and how the total and verdict follow from them.

use serde::{Deserialize, Serialize};

use super::facts::{Measure, OutcomeCounts, Place};
use crate::attempt::{StoredCriterion, StoredScore};
use crate::pen::SanitizeReport;
use crate::plan::ReferencePlan;

/// The version of the scoring rules. Stored with every score, so a file scored by an older
/// version is reported as such instead of looking tampered. Version 1 had no field for it.
pub const SCORING_VERSION: u32 = 3;

/// The criteria, in the order they are reported and weighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Depth control: the weighted share of impressions that do not heal as intended.
    Depth,
    /// The share of impressions closer than the minimum spacing to another.
    Spacing,
    /// Coverage of the plan and over-saturation, per session.
    Density,
    /// Natural randomness over the worked area: neither grid nor clumps.
    Randomness,
    /// Staying inside the plan; at hairline levels a soft, irregular front.
    Hairline,
    /// The dots' size and tone as the session's needle and shade make them, against the plan.
    ShadeNeedle,
    /// Days of healing between sessions.
    Timing,
    /// Crisp, round dots: no drag while in the skin, no slanted entry.
    Crispness,
    /// The hairline designed before tattooing, against the rules of hairline design (levels with
    /// a design step only; not in [`CriterionKind::ALL`]).
    Design,
}

impl CriterionKind {
    /// The criteria every level scores, in report order ([`CriterionKind::Design`] follows them
    /// on a level with a design step).
    pub const ALL: [CriterionKind; 8] = [
        CriterionKind::Depth,
        CriterionKind::Spacing,
        CriterionKind::Density,
        CriterionKind::Randomness,
        CriterionKind::Hairline,
        CriterionKind::ShadeNeedle,
        CriterionKind::Timing,
        CriterionKind::Crispness,
    ];

    /// Name as in files and reports.
    pub fn name(self) -> &'static str {
        match self {
            CriterionKind::Depth => "depth",
            CriterionKind::Spacing => "spacing",
            CriterionKind::Density => "density",
            CriterionKind::Randomness => "randomness",
            CriterionKind::Hairline => "hairline",
            CriterionKind::ShadeNeedle => "shade_needle",
            CriterionKind::Timing => "timing",
            CriterionKind::Crispness => "crispness",
            CriterionKind::Design => "design",
        }
    }
}

/// One criterion's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Which criterion.
    pub kind: CriterionKind,
    /// Score, 0–100 (rounded to 0.01).
    pub score: f64,
    /// Weight in the total, from the level.
    pub weight: f64,
    /// Why it scored what it did: the measure, its target, and what an instructor would say.
    pub reason: String,
    /// Where points were lost, worst first (at most [`MAX_PLACES`]).
    pub places: Vec<Place>,
    /// The measure the curve scored, when there was one to take.
    pub measure: Option<Measure>,
}

/// The full result of scoring an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Weighted total, 0–100 (rounded to 0.01); below the pass mark whenever the attempt fails.
    pub total: f64,
    /// Whether the attempt passed: the total reached the pass mark and no weighted criterion is
    /// below the floor.
    pub passed: bool,
    /// The level's pass mark.
    pub pass_mark: f64,
    /// Weighted criteria that scored below the level's floor (each fails the attempt).
    pub below_floor: Vec<CriterionKind>,
    /// The criterion whose failure capped the total, if one did.
    pub capped_by: Option<CriterionKind>,
    /// Impressions made.
    pub impressions: usize,
    /// Impressions per depth outcome.
    pub outcomes: OutcomeCounts,
    /// Each criterion, in [`CriterionKind::ALL`] order.
    pub criteria: Vec<Criterion>,
    /// Repairs made to the pen samples.
    pub sanitize: SanitizeReport,
    /// Pen-downs too light to break the skin.
    pub feather_touches: usize,
    /// The version of the scoring rules that gave this score ([`SCORING_VERSION`]).
    pub scoring_version: u32,
}

impl Score {
    /// The part of the score stored in attempt files.
    pub fn stored(&self) -> StoredScore {
        StoredScore {
            total: self.total,
            passed: self.passed,
            criteria: self
                .criteria
                .iter()
                .map(|c| StoredCriterion {
                    name: c.kind.name().into(),
                    score: c.score,
                })
                .collect(),
            scoring_version: self.scoring_version,
        }
    }

    /// A criterion by kind.
    pub fn criterion(&self, kind: CriterionKind) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.kind == kind)
    }

    /// The verdict in one sentence: the total, passed or failed, and what failed it.
    pub fn verdict(&self) -> String {
        let mut s = format!(
            "{:.2} / 100: {} (pass mark {:.0})",
            self.total,
            if self.passed { "PASSED" } else { "FAILED" },
            self.pass_mark
        );
        if let Some(k) = self.capped_by
            && let Some(c) = self.criterion(k)
        {
            s.push_str(&format!(
                "; {} scored {:.1}, below the floor: that fails the attempt and caps the total",
                k.name(),
                c.score
            ));
        } else if !self.passed {
            s.push_str("; the total is below the pass mark");
        }
        s
    }
}

/// `x` rounded to 0.01 (0 when not a number).
pub(super) fn round2(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round() / 100.0
    } else {
        0.0
    }
}

/// The total and verdict from the criteria: the weighted mean, capped below the pass mark when
/// a weighted criterion is under the floor: at half the pass mark for a criterion of 0, rising
/// to just under the pass mark for one just under the floor.
pub(super) fn combine(
    plan: &ReferencePlan,
    criteria: &[Criterion],
) -> (f64, bool, Vec<CriterionKind>, Option<CriterionKind>) {
    let weight_sum: f64 = criteria.iter().map(|c| c.weight).sum();
    let mean = if weight_sum > 0.0 {
        criteria.iter().map(|c| c.score * c.weight).sum::<f64>() / weight_sum
    } else {
        0.0
    };
    let floor = plan.thresholds.criterion_floor;
    let failing: Vec<&Criterion> = criteria
        .iter()
        .filter(|c| c.weight > 0.0 && c.score < floor)
        .collect();
    let worst = failing
        .iter()
        .min_by(|a, b| a.score.total_cmp(&b.score).then(a.kind.cmp(&b.kind)));
    let mut total = mean;
    let mut capped_by = None;
    if let Some(w) = worst {
        // Half the pass mark at a criterion of 0, just under the pass mark at the floor.
        let cap = plan.pass_mark * (0.5 + 0.5 * w.score / floor);
        if cap < total {
            total = cap;
            capped_by = Some(w.kind);
        }
    }
    let mut total = round2(total);
    let passed = failing.is_empty() && total >= plan.pass_mark;
    if !passed && total >= plan.pass_mark {
        // Rounding must not lift a failing total onto the pass mark.
        total = round2(((plan.pass_mark - 0.01) * 100.0).floor() / 100.0).max(0.0);
    }
    (
        total,
        passed,
        failing.iter().map(|c| c.kind).collect(),
        capped_by,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::levels::Level;

    fn criterion(kind: CriterionKind, score: f64, weight: f64) -> Criterion {
        Criterion {
            kind,
            score,
            weight,
            reason: String::new(),
            places: vec![],
            measure: None,
        }
    }

    #[test]
    fn a_criterion_under_the_floor_fails_and_caps_the_total_below_the_pass_mark() {
        let plan = Level::find("depth-drill", None).unwrap().plan;
        let all_good: Vec<Criterion> = CriterionKind::ALL
            .iter()
            .map(|&k| criterion(k, 95.0, 1.0))
            .collect();
        let (total, passed, below, capped) = combine(&plan, &all_good);
        assert_eq!(
            (total, passed, below.is_empty(), capped),
            (95.0, true, true, None)
        );
        let mut one_bad = all_good.clone();
        one_bad[0].score = 30.0;
        let (total, passed, below, capped) = combine(&plan, &one_bad);
        assert!(!passed);
        assert_eq!(below, vec![CriterionKind::Depth]);
        assert_eq!(capped, Some(CriterionKind::Depth));
        assert!((total - plan.pass_mark * 0.75).abs() < 0.01, "{total}");
        // Just under the floor: still below the pass mark after rounding.
        one_bad[0].score = 59.99;
        let (total, passed, _, _) = combine(&plan, &one_bad);
        assert!(!passed && total < plan.pass_mark, "{total}");
        // A criterion of weight 0 cannot fail the attempt.
        one_bad[0].weight = 0.0;
        one_bad[0].score = 0.0;
        assert!(combine(&plan, &one_bad).1);
    }

    #[test]
    fn a_low_total_fails_without_a_cap() {
        let plan = Level::find("depth-drill", None).unwrap().plan;
        let c: Vec<Criterion> = CriterionKind::ALL
            .iter()
            .map(|&k| criterion(k, 65.0, 1.0))
            .collect();
        let (total, passed, below, capped) = combine(&plan, &c);
        assert_eq!((total, passed, below.len(), capped), (65.0, false, 0, None));
    }
}
