//! Synthetic trainees rank the way an instructor would.

use smp_core::persona::Persona;
use smp_core::simulate::simulate;
use smp_core::{Level, replay, score};

/// Points by which the expert must beat every other persona on every level.
const CLEAR_MARGIN: f64 = 5.0;

fn total(level: &Level, persona: Persona, seed: u64) -> (f64, bool) {
    let a = simulate(level, persona, seed, persona.name(), "2026-11-21");
    let s = score::score(&level.plan, &a, &replay::replay(&level.plan, &a));
    (s.total, s.passed)
}

#[test]
fn expert_ranks_clearly_above_every_other_persona_on_every_shipped_level() {
    let levels = Level::shipped();
    assert_eq!(
        levels.len(),
        smp_core::levels::SHIPPED.len(),
        "every shipped level parses"
    );
    for level in &levels {
        let (expert, passed) = total(level, Persona::Expert, 5);
        assert!(passed, "{}: the expert fails with {expert}", level.plan.id);
        for other in Persona::ALL.into_iter().filter(|p| *p != Persona::Expert) {
            let (t, _) = total(level, other, 5);
            assert!(
                expert >= t + CLEAR_MARGIN,
                "{}: expert {expert} vs {other} {t}",
                level.plan.id
            );
        }
    }
}

#[test]
fn faulty_hands_fail_the_depth_drill_for_the_right_reason() {
    let level = Level::find("depth-drill", None).unwrap();
    for (persona, fault) in [
        (Persona::LightHand, "shallow"),
        (Persona::HeavyHand, "blowouts"),
    ] {
        let a = simulate(&level, persona, 8, "t", "2026-11-21");
        let s = score::score(&level.plan, &a, &replay::replay(&level.plan, &a));
        assert!(!s.passed, "{persona} passed with {}", s.total);
        let depth = s.criterion(score::CriterionKind::Depth).unwrap();
        assert!(
            depth.score < 60.0 && depth.reason.contains(fault),
            "{persona}: {} {}",
            depth.score,
            depth.reason
        );
        assert!(!depth.places.is_empty());
    }
}

#[test]
fn a_grid_and_clumps_lose_on_randomness_and_a_rusher_on_the_hairline() {
    let level = Level::find("soft-hairline", None).unwrap();
    let crit = |p: Persona, k: score::CriterionKind| {
        let a = simulate(&level, p, 4, "t", "2026-11-21");
        score::score(&level.plan, &a, &replay::replay(&level.plan, &a))
            .criterion(k)
            .unwrap()
            .score
    };
    let expert = crit(Persona::Expert, score::CriterionKind::Randomness);
    assert!(crit(Persona::Gridder, score::CriterionKind::Randomness) < expert - 30.0);
    assert!(crit(Persona::Clumper, score::CriterionKind::Randomness) < expert - 30.0);
    assert!(
        crit(Persona::Rusher, score::CriterionKind::Hairline)
            < crit(Persona::Expert, score::CriterionKind::Hairline) - 30.0
    );
}

#[test]
fn the_full_head_level_is_sized_for_about_100k_impressions() {
    let level = Level::find("full-head", None).unwrap();
    let a = simulate(&level, Persona::Expert, 1, "t", "2026-11-21");
    let n = replay::replay(&level.plan, &a).impressions.len();
    assert!((90_000..=110_000).contains(&n), "{n}");
}
