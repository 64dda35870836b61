//! Scoring an attempt against its reference plan, as an instructor would.
//!
//! Every criterion names a physical measure of the result (the weighted share of impressions
//! that do not heal as intended, the share too close to another, the coverage of the plan, the
//! Clark–Evans ratio over the worked area, …) and maps it to 0–100 through a monotonic curve
//! whose anchors are the level's thresholds ([`crate::curve`]). Each says why it scored what it
//! did and points at the places that cost points. A fault is charged to one criterion: depth
//! judges outcomes, density judges where dots were placed (whatever their depth), randomness the
//! pattern over the area actually worked, placement the dots outside the plan, crispness the
//! shape of each dot (drag and slant).
//!
//! The total is the weighted mean; a weighted criterion under the level's floor fails the
//! attempt and caps the total below the pass mark, so a reader never sees a failing total above
//! it. `docs/scoring.md` documents every curve, with a calibration table this module produces.

use crate::attempt::Attempt;
use crate::geometry::Point;
use crate::parallel;
use crate::plan::ReferencePlan;
use crate::replay::Replay;
use crate::surface::Surface;

mod card;
mod crispness;
mod density;
mod depth;
mod design;
mod facts;
mod hairline;
mod look;
mod randomness;
mod spacing;
mod timing;
mod verify;

pub use card::{Criterion, CriterionKind, SCORING_VERSION, Score};
pub use density::{DensityCell, density_map};
pub use facts::{MAX_PLACES, Measure, OutcomeCounts, Place};
pub use verify::{Difference, Verification};

use card::{combine, round2};
use facts::{Facts, Placement};

/// Each of `points`' nearest other point on `plan`'s skin (index, mm): on a flat skin the
/// distance on the canvas, on a head the distance on the skin.
pub fn nearest_on_skin(plan: &ReferencePlan, points: &[Point]) -> Vec<Option<(usize, f64)>> {
    facts::Skin::of(plan, points).all_nearest(points)
}

/// Each of `replay`'s impressions' nearest other impression on `plan`'s skin (index, mm), as
/// [`nearest_on_skin`] measures it, from the places replay measured on the skin.
pub fn nearest_between(plan: &ReferencePlan, replay: &Replay) -> Vec<Option<(usize, f64)>> {
    let points: Vec<Point> = replay.impressions.iter().map(|p| p.impression.at).collect();
    facts::Skin::under(plan, replay, &points).all_nearest(&points)
}

/// Scores a replayed attempt. Deterministic: the same inputs give the same score bit for bit.
/// On a level with a design step the tattooing is judged against the trainee's own design
/// ([`ReferencePlan::tattooed_with`]).
pub fn score(plan: &ReferencePlan, attempt: &Attempt, replay: &Replay) -> Score {
    let followed = plan.tattooed_with(attempt.design.as_ref());
    let plan: &ReferencePlan = &followed;
    let points: Vec<Point> = replay.impressions.iter().map(|p| p.impression.at).collect();
    let hairline_lengths = plan
        .hairline
        .as_ref()
        .map(|h| h.line.cumulative_lengths())
        .unwrap_or_default();
    let zones = plan.zone_index();
    let surface = plan.surface();
    let placement = parallel::map(points.len(), |i| {
        let p = points[i];
        let zone = zones.zone_at(p);
        let hairline = plan.hairline.as_ref().map(|h| {
            let (s, d, nearest) = h.line.closest_place_with(p, &hairline_lengths);
            // On a head the distance is measured on the skin.
            match &surface {
                Surface::Flat { .. } => (s, d),
                Surface::Head(head) => {
                    (s, crate::plan::hairline_distance_from(d, nearest, p, head))
                }
            }
        });
        let planned_per_cm2 = match (zone, &plan.hairline, hairline) {
            (None, _, _) => 0.0,
            (Some(z), Some(h), Some((_, d))) => plan.zones[z].density.at(p) * h.ramp(d),
            (Some(z), _, _) => plan.zones[z].density.at(p),
        };
        Placement {
            zone,
            planned_per_cm2,
            hairline,
        }
    });
    let skin = facts::Skin::under(plan, replay, &points);
    let nearest = skin.all_nearest(&points);
    let facts = Facts {
        plan,
        replay,
        points,
        placement,
        nearest,
        zones,
        skin,
    };

    let mut outcomes = OutcomeCounts::default();
    for p in &replay.impressions {
        outcomes.add(p.tissue.outcome);
    }
    // A level with a design step judges the design too; others keep their eight criteria.
    let design_step = plan.design.map(|t| (CriterionKind::Design, t.weight));
    let criteria: Vec<Criterion> = CriterionKind::ALL
        .into_iter()
        .zip(plan.weights.as_array())
        .chain(design_step)
        .map(|(kind, weight)| {
            let mut j = match kind {
                CriterionKind::Depth => depth::judge(&facts, &outcomes),
                CriterionKind::Spacing => spacing::judge(&facts),
                CriterionKind::Density => density::judge(&facts),
                CriterionKind::Randomness => randomness::judge(&facts),
                CriterionKind::Hairline => hairline::judge(&facts),
                CriterionKind::ShadeNeedle => look::judge(plan, attempt),
                CriterionKind::Timing => timing::judge(plan, attempt),
                CriterionKind::Crispness => crispness::judge(&facts),
                CriterionKind::Design => {
                    design::judge(plan, attempt, &plan.design.unwrap_or_default())
                }
            };
            j.places.truncate(MAX_PLACES);
            Criterion {
                kind,
                score: round2(j.score.clamp(0.0, 100.0)),
                weight,
                reason: j.reason,
                places: j.places,
                measure: j.measure,
            }
        })
        .collect();
    let (total, passed, below_floor, capped_by) = combine(plan, &criteria);
    Score {
        total,
        passed,
        pass_mark: plan.pass_mark,
        below_floor,
        capped_by,
        impressions: replay.impressions.len(),
        outcomes,
        criteria,
        sanitize: replay.sanitize_total(),
        feather_touches: replay.sessions.iter().map(|s| s.feather_touches).sum(),
        scoring_version: SCORING_VERSION,
    }
}
