//! Synthetic trainees are graded the way an instructor would grade them: on every shipped level
//! and several seeds the expert passes and leads every other persona by at least ten points;
//! every faulty persona fails, loses most in the criterion of its fault, and the reason there
//! names the fault.

use smp_core::persona::Persona;
use smp_core::score::{CriterionKind, Score};
use smp_core::simulate::simulate;
use smp_core::{Level, replay, score};

/// Points by which the expert must beat every other persona on every level.
const CLEAR_MARGIN: f64 = 10.0;

fn scored(level: &Level, persona: Persona, seed: u64) -> Score {
    let a = simulate(level, persona, seed, persona.name(), "2026-11-21");
    score::score(&level.plan, &a, &replay::replay(&level.plan, &a))
}

/// The criteria a persona's fault is charged to, and a word the reason must say.
fn fault(p: Persona) -> (&'static [CriterionKind], &'static [&'static str]) {
    use CriterionKind::*;
    match p {
        Persona::Expert => (&[], &[]),
        Persona::LightHand => (&[Depth], &["shallow"]),
        Persona::HeavyHand => (&[Depth], &["blowout", "deep"]),
        Persona::Drifter => (&[Depth], &["inconsistent"]),
        Persona::Gridder => (&[Randomness, Spacing], &["grid", "rows", "closer than"]),
        Persona::Clumper => (&[Randomness, Spacing], &["clump"]),
        // Works anywhere, too soon, in black, in a hurry: each is its own fault.
        Persona::Rusher => (
            &[Hairline, Timing, ShadeNeedle, Crispness],
            &["outside", "healed", "darker", "dragged"],
        ),
        // On a head: a needle square to the screen goes in at a slant where the scalp turns.
        Persona::OneAngle => (&[Crispness, Depth], &["slant", "shallow"]),
        // On a head: spaced and counted by the map, the dots crowd where the map shows more
        // than the skin.
        Persona::MapSpacer => (&[Spacing, Density], &["closer than", "dense", "beyond"]),
        // On a level with a design step: the design, too low or ruled straight.
        Persona::LowDesigner => (&[Design], &["too low"]),
        Persona::StraightDesigner => (&[Design], &["straight"]),
    }
}

fn check_level(level: &Level, seeds: &[u64]) {
    let id = &level.plan.id;
    for &seed in seeds {
        let expert = scored(level, Persona::Expert, seed);
        assert!(
            expert.passed,
            "{id} seed {seed}: the expert fails: {}",
            expert.verdict()
        );
        let faults: &[Persona] = if level.plan.head().is_some() {
            &Persona::HEAD_FAULTS
        } else {
            &Persona::FLAT_FAULTS
        };
        // A level whose zones the map barely distorts cannot teach spacing by the map (and
        // `levels check` says so): there the map spacer is an expert. On a level with a design
        // step the zone is the band behind the trainee's own design, whose distortion the level
        // cannot promise (the expert's band reaches down the temples, where the map stretches
        // only a small share of it): such a level teaches the design.
        let teaches = |p: Persona| {
            p != Persona::MapSpacer
                || (level.plan.design.is_none()
                    && level
                        .plan
                        .map_distortion_share()
                        .is_some_and(|s| s >= smp_core::plan::MIN_DISTORTED_SHARE))
        };
        for &persona in faults.iter().filter(|&&p| teaches(p)) {
            let s = scored(level, persona, seed);
            assert!(
                expert.total >= s.total + CLEAR_MARGIN,
                "{id} seed {seed}: expert {} vs {persona} {}",
                expert.total,
                s.total
            );
            assert!(
                !s.passed,
                "{id} seed {seed}: {persona} passes: {}",
                s.verdict()
            );
            assert!(
                s.total < s.pass_mark,
                "{id}: a failing total is below the pass mark"
            );
            let (criteria, words) = fault(persona);
            let lowest = s
                .criteria
                .iter()
                .filter(|c| c.weight > 0.0)
                .map(|c| c.score)
                .fold(f64::INFINITY, f64::min);
            let theirs: Vec<_> = s
                .criteria
                .iter()
                .filter(|c| criteria.contains(&c.kind) && c.score <= lowest)
                .collect();
            assert!(
                !theirs.is_empty(),
                "{id} seed {seed}: {persona} loses most elsewhere: {:?}",
                s.criteria
                    .iter()
                    .map(|c| (c.kind.name(), c.score))
                    .collect::<Vec<_>>()
            );
            assert!(
                theirs
                    .iter()
                    .any(|c| words.iter().any(|w| c.reason.contains(w))),
                "{id} seed {seed}: {persona}'s reason does not name the fault: {}",
                theirs[0].reason
            );
        }
    }
}

#[test]
fn every_level_but_the_full_head_grades_every_persona_as_an_instructor_would() {
    let levels = Level::shipped();
    assert_eq!(
        levels.len(),
        smp_core::levels::SHIPPED.len(),
        "every shipped level parses"
    );
    for level in levels
        .iter()
        .filter(|l| l.plan.head().is_none() && l.plan.id != "full-head")
    {
        check_level(level, &[3, 5, 8]);
    }
}

#[test]
fn every_head_level_but_the_full_head_grades_every_persona_as_an_instructor_would() {
    for level in Level::shipped()
        .iter()
        .filter(|l| l.plan.head().is_some() && l.plan.id != "head-full")
    {
        check_level(level, &[3, 5]);
    }
}

#[test]
fn the_full_head_on_the_head_grades_every_persona_as_an_instructor_would() {
    check_level(&Level::find("head-full", None).unwrap(), &[5]);
}

#[test]
fn the_full_head_grades_every_persona_as_an_instructor_would() {
    check_level(&Level::find("full-head", None).unwrap(), &[5, 6]);
}

#[test]
fn the_full_head_level_is_sized_for_about_100k_impressions() {
    let level = Level::find("full-head", None).unwrap();
    let a = simulate(&level, Persona::Expert, 1, "t", "2026-11-21");
    let n = replay::replay(&level.plan, &a).impressions.len();
    assert!((90_000..=110_000).contains(&n), "{n}");
}
