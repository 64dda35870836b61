//! The score never rewards a worse result: turning an impression's outcome worse never raises
//! the depth criterion or the total; moving a dot from inside the plan to outside always raises
//! the share outside the plan, and never raises the total when the dot crowded no other (else
//! its move relieves a spacing fault as it makes a stray) and the placement criterion was not
//! already at 0; taking dots away from a zone never raises its coverage.

use proptest::prelude::*;
use smp_core::geometry::Point;
use smp_core::persona::Persona;
use smp_core::replay::Replay;
use smp_core::score::{CriterionKind, Score};
use smp_core::simulate::simulate;
use smp_core::skin::DepthOutcome;
use smp_core::{Attempt, Level, replay, score};

/// A small attempt (to keep hundreds of cases quick) at `level_id` by `persona`.
fn case(level_id: &str, persona: Persona, seed: u64) -> (Level, Attempt, Replay) {
    let level = Level::find(level_id, None).unwrap();
    let mut a = simulate(&level, persona, seed, "t", "2026-11-21");
    for s in &mut a.sessions {
        s.samples.truncate(900);
    }
    let r = replay::replay(&level.plan, &a);
    (level, a, r)
}

fn rescore(level: &Level, a: &Attempt, r: &Replay) -> Score {
    score::score(&level.plan, a, r)
}

fn crit(s: &Score, k: CriterionKind) -> f64 {
    s.criterion(k).unwrap().score
}

const LEVELS: [&str; 4] = ["depth-drill", "soft-hairline", "crown-blend", "strip-scar"];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        max_global_rejects: 8192,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_worse_outcome_never_raises_depth_or_the_total(
        level in 0usize..LEVELS.len(),
        persona in 0usize..Persona::ALL.len(),
        seed in 0u64..4,
        pick in 0usize..10_000,
        step in 0u8..3,
    ) {
        let (lvl, a, mut r) = case(LEVELS[level], Persona::ALL[persona], seed);
        prop_assume!(!r.impressions.is_empty());
        let before = rescore(&lvl, &a, &r);
        let n = r.impressions.len();
        let p = &mut r.impressions[pick % n];
        let worse = match (p.tissue.outcome, step) {
            (DepthOutcome::Ideal, 0) => DepthOutcome::Shallow,
            (DepthOutcome::Ideal, 1) => DepthOutcome::Deep,
            (DepthOutcome::Ideal | DepthOutcome::Deep, _) => DepthOutcome::Blowout,
            (DepthOutcome::Shallow, _) => DepthOutcome::Blowout,
            (DepthOutcome::Blowout, _) => DepthOutcome::Blowout,
        };
        p.tissue.outcome = worse;
        p.healing.outcome = worse;
        let after = rescore(&lvl, &a, &r);
        prop_assert!(crit(&after, CriterionKind::Depth) <= crit(&before, CriterionKind::Depth));
        prop_assert!(after.total <= before.total, "{} -> {}", before.total, after.total);
    }

    #[test]
    fn moving_a_dot_out_of_the_plan_never_raises_the_total(
        level in 0usize..LEVELS.len(),
        persona in 0usize..Persona::ALL.len(),
        seed in 0u64..4,
        pick in 0usize..10_000,
        fx in 0.0f64..1.0,
        fy in 0.0f64..1.0,
    ) {
        let (lvl, a, mut r) = case(LEVELS[level], Persona::ALL[persona], seed);
        let plan = &lvl.plan;
        // A dot whose removal relieves a fault of its old neighbourhood (it was too close to
        // another) trades one fault for another when it moves out: those are left out here.
        let points: Vec<Point> = r.impressions.iter().map(|p| p.impression.at).collect();
        let well_spaced = |i: usize| {
            points
                .iter()
                .enumerate()
                .all(|(j, q)| j == i || q.distance(points[i]) >= 2.0 * plan.min_spacing_mm)
        };
        let inside: Vec<usize> = (0..r.impressions.len())
            .filter(|&i| plan.zone_at(points[i]).is_some() && well_spaced(i))
            .collect();
        prop_assume!(!inside.is_empty());
        // Along the canvas's front edge, which no shipped zone reaches.
        let to = Point::new(fx * plan.canvas_mm.0, 0.5 * fy);
        prop_assert!(plan.zone_at(to).is_none());
        let before = rescore(&lvl, &a, &r);
        // Once every stray dot already costs all the placement criterion has, one more cannot
        // cost more: those attempts are left out too.
        prop_assume!(crit(&before, CriterionKind::Hairline) > 0.0);
        r.impressions[inside[pick % inside.len()]].impression.at = to;
        let after = rescore(&lvl, &a, &r);
        let outside = |s: &Score| {
            s.criterion(CriterionKind::Hairline).unwrap().measure.as_ref().unwrap().value
        };
        prop_assert!(outside(&after) > outside(&before));
        prop_assert!(after.total <= before.total, "{} -> {}", before.total, after.total);
    }

    #[test]
    fn taking_dots_away_never_raises_coverage(
        level in 0usize..LEVELS.len(),
        seed in 0u64..4,
        keep_every in 2usize..6,
    ) {
        let (lvl, a, r) = case(LEVELS[level], Persona::Expert, seed);
        let coverage = |r: &Replay| {
            rescore(&lvl, &a, r)
                .criterion(CriterionKind::Density)
                .unwrap()
                .measure
                .as_ref()
                .unwrap()
                .value
        };
        let full = coverage(&r);
        let mut fewer = r.clone();
        let mut k = 0;
        fewer.impressions.retain(|_| { k += 1; k % keep_every != 0 });
        let less = coverage(&fewer);
        prop_assert!(less <= full, "{full} -> {less}");
        fewer.impressions.clear();
        prop_assert!(coverage(&fewer) <= less);
    }
}
