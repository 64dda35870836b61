//! Attempts made as another tool would make them (taps at chosen places and pressures), each
//! with one known fault: it fails, its total is below the pass mark, the fault's criterion is
//! the lowest, and the reason says what an instructor would say.

use smp_core::attempt::{Attempt, Device, SessionRecord, ToolKind};
use smp_core::geometry::Point;
use smp_core::needle::{Needle, NeedleGroup, Shade};
use smp_core::pen::{PenSample, PressureCurve, tap};
use smp_core::persona::Persona;
use smp_core::score::{CriterionKind, Score};
use smp_core::simulate::{scored_attempt, simulate};
use smp_core::{Level, replay, score};

use crate::support::level;

/// The expert's places on `level`, session by session.
fn expert_places(level: &Level) -> Vec<Vec<Point>> {
    let a = simulate(level, Persona::Expert, 21, "t", "2026-11-21");
    let r = replay::replay(&level.plan, &a);
    r.sessions
        .iter()
        .map(|s| {
            r.impressions[s.range.clone()]
                .iter()
                .map(|p| p.impression.at)
                .collect()
        })
        .collect()
}

/// The raw pressure that sends a straight tap to `depth_mm` with the level's first needle.
fn pressure_for(level: &Level, depth_mm: f64) -> f64 {
    depth_mm / level.plan.sessions[0].needle.protrusion_mm
}

fn ideal(level: &Level) -> f64 {
    pressure_for(level, level.plan.depth_window.centre_mm())
}

/// An attempt of these sessions: (days since the previous, needle, shade, samples).
fn attempt(level: &Level, sessions: Vec<(f64, Needle, Shade, Vec<PenSample>)>) -> Attempt {
    let device = Device {
        tool: ToolKind::Pen,
        pressure_levels: 8192,
        name: "another tool".into(),
        hardware_id: None,
    };
    let sessions = sessions
        .into_iter()
        .map(|(days, needle, shade, samples)| SessionRecord {
            days_since_previous: days,
            needle,
            shade,
            samples,
        })
        .collect();
    scored_attempt(
        level,
        "Other Tool",
        "2026-11-21",
        device,
        PressureCurve::Linear,
        5,
        sessions,
    )
}

/// Taps at `places`, each at the pressure `pressure(k)` gives the k-th.
fn taps(places: &[Point], pressure: impl Fn(usize) -> f64) -> Vec<PenSample> {
    places
        .iter()
        .enumerate()
        .flat_map(|(k, p)| tap(1.0 + 1.1 * k as f64, *p, pressure(k)))
        .collect()
}

/// A one-session attempt of taps on `level`.
fn one_session(level: &Level, samples: Vec<PenSample>) -> Attempt {
    let s = &level.plan.sessions[0];
    attempt(level, vec![(0.0, s.needle, s.shade, samples)])
}

fn score_of(level: &Level, a: &Attempt) -> Score {
    score::score(&level.plan, a, &replay::replay(&level.plan, a))
}

/// The attempt fails, below the pass mark, with `kind` the lowest criterion and `word` in its
/// reason.
fn fails_for(level: &Level, a: &Attempt, kind: CriterionKind, word: &str) {
    let s = score_of(level, a);
    let c = s.criterion(kind).unwrap();
    let lowest = s
        .criteria
        .iter()
        .filter(|c| c.weight > 0.0)
        .map(|c| c.score)
        .fold(f64::INFINITY, f64::min);
    assert!(!s.passed, "{kind:?} fault passed: {}", s.verdict());
    assert!(s.total < s.pass_mark, "{}", s.verdict());
    assert_eq!(
        c.score, lowest,
        "{kind:?} is not the lowest: {:?}",
        s.criteria
    );
    assert!(c.reason.contains(word), "{kind:?}: {}", c.reason);
    // The total is capped by the lowest failing criterion (this one, or one tied with it).
    let capped = s.capped_by.and_then(|k| s.criterion(k)).map(|c| c.score);
    assert_eq!(capped, Some(lowest), "{}", s.verdict());
}

#[test]
fn the_same_work_done_well_passes() {
    let lvl = level("depth-drill");
    let places = &expert_places(&lvl)[0];
    let s = score_of(&lvl, &one_session(&lvl, taps(places, |_| ideal(&lvl))));
    assert!(s.passed && s.total > 90.0, "{}", s.verdict());
}

#[test]
fn shallow_work_fails_on_depth_and_all_shallow_earns_nothing() {
    let lvl = level("depth-drill");
    let places = &expert_places(&lvl)[0];
    let shallow = pressure_for(&lvl, 0.13);
    let half = one_session(
        &lvl,
        taps(places, |k| if k % 2 == 0 { shallow } else { ideal(&lvl) }),
    );
    fails_for(&lvl, &half, CriterionKind::Depth, "fade away");
    let all = one_session(&lvl, taps(places, |_| shallow));
    assert_eq!(
        score_of(&lvl, &all)
            .criterion(CriterionKind::Depth)
            .unwrap()
            .score,
        0.0
    );
}

#[test]
fn blowouts_fail_on_depth_and_more_never_scores_better() {
    let lvl = level("depth-drill");
    let places = &expert_places(&lvl)[0];
    let blow = 1.0;
    let depth = |share: usize| {
        let a = one_session(
            &lvl,
            taps(places, |k| if k % 100 < share { blow } else { ideal(&lvl) }),
        );
        score_of(&lvl, &a)
            .criterion(CriterionKind::Depth)
            .unwrap()
            .score
    };
    let scores: Vec<f64> = [0, 5, 10, 25, 50, 100].iter().map(|&s| depth(s)).collect();
    assert!(scores.windows(2).all(|w| w[1] <= w[0]), "{scores:?}");
    assert_eq!(scores[5], 0.0);
    let half = one_session(
        &lvl,
        taps(places, |k| if k % 2 == 0 { blow } else { ideal(&lvl) }),
    );
    fails_for(&lvl, &half, CriterionKind::Depth, "blue-grey");
}

#[test]
fn a_lattice_fails_on_randomness_as_a_grid() {
    let lvl = level("spacing-drill");
    let n = expert_places(&lvl)[0].len();
    let side = (600.0 / n as f64).sqrt();
    let mut lattice = Vec::new();
    let mut y = 5.0 + side / 2.0;
    while y < 25.0 {
        let mut x = 5.0 + side / 2.0;
        while x < 35.0 {
            lattice.push(Point::new(x, y));
            x += side;
        }
        y += side;
    }
    let a = one_session(&lvl, taps(&lattice, |_| ideal(&lvl)));
    fails_for(&lvl, &a, CriterionKind::Randomness, "grid");
}

#[test]
fn clusters_fail_as_clumps() {
    let lvl = level("spacing-drill");
    let places = &expert_places(&lvl)[0];
    // Every fifth place is the centre of five dots 0.1 mm apart.
    let clusters: Vec<Point> = places
        .iter()
        .step_by(5)
        .flat_map(|c| (0..5).map(move |k| Point::new(c.x_mm + 0.1 * k as f64, c.y_mm)))
        .collect();
    let s = score_of(&lvl, &one_session(&lvl, taps(&clusters, |_| ideal(&lvl))));
    assert!(!s.passed);
    let r = s.criterion(CriterionKind::Randomness).unwrap();
    let sp = s.criterion(CriterionKind::Spacing).unwrap();
    assert!(
        r.score < 30.0 && r.reason.contains("clumps"),
        "{}",
        r.reason
    );
    assert!(
        sp.score < 30.0 && sp.reason.contains("clump"),
        "{}",
        sp.reason
    );
}

#[test]
fn an_unfinished_zone_fails_on_density_and_is_not_called_clumped() {
    let lvl = level("spacing-drill");
    let places: Vec<Point> = expert_places(&lvl)[0]
        .iter()
        .filter(|p| p.x_mm < 5.0 + 0.4 * 30.0)
        .copied()
        .collect();
    let a = one_session(&lvl, taps(&places, |_| ideal(&lvl)));
    fails_for(&lvl, &a, CriterionKind::Density, "unfinished");
    let s = score_of(&lvl, &a);
    let r = s.criterion(CriterionKind::Randomness).unwrap();
    assert_eq!(r.score, 100.0, "{}", r.reason);
    assert!(!r.reason.contains("clumps"), "{}", r.reason);
}

#[test]
fn dots_outside_the_plan_cost_the_same_on_a_drill_as_at_a_hairline_and_not_density() {
    for id in ["spacing-drill", "soft-hairline"] {
        let lvl = level(id);
        let places = &expert_places(&lvl)[0];
        let (w, _) = lvl.plan.canvas_mm;
        // Three dots in ten moved to the canvas's front edge, outside every zone.
        let moved: Vec<Point> = places
            .iter()
            .enumerate()
            .map(|(k, p)| {
                if k % 10 < 3 {
                    Point::new(p.x_mm.min(w - 0.5), 0.5)
                } else {
                    *p
                }
            })
            .collect();
        let a = one_session(&lvl, taps(&moved, |_| ideal(&lvl)));
        fails_for(&lvl, &a, CriterionKind::Hairline, "outside the plan");
        let s = score_of(&lvl, &a);
        assert_eq!(
            s.criterion(CriterionKind::Hairline).unwrap().score,
            0.0,
            "{id}"
        );
    }
}

#[test]
fn rushed_sessions_fail_on_timing() {
    let lvl = level("crown-blend");
    let places = expert_places(&lvl);
    let sessions = places
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let sp = &lvl.plan.sessions[i];
            (
                if i == 0 { 0.0 } else { 3.0 },
                sp.needle,
                sp.shade,
                taps(p, |_| ideal(&lvl)),
            )
        })
        .collect();
    fails_for(
        &lvl,
        &attempt(&lvl, sessions),
        CriterionKind::Timing,
        "before the scalp had healed",
    );
}

#[test]
fn the_wrong_needle_fails_through_the_dots_it_makes() {
    let lvl = level("depth-drill");
    let places = &expert_places(&lvl)[0];
    let sp = &lvl.plan.sessions[0];
    let heavy = Needle {
        group: NeedleGroup::ThreeRl,
        diameter_mm: 0.35,
        ..sp.needle
    };
    let a = attempt(
        &lvl,
        vec![(0.0, heavy, sp.shade, taps(places, |_| ideal(&lvl)))],
    );
    fails_for(&lvl, &a, CriterionKind::ShadeNeedle, "helmet");
    // The bigger needle really makes bigger dots in the skin, fresh and healed.
    let r = replay::replay(&lvl.plan, &a);
    let good = replay::replay(&lvl.plan, &one_session(&lvl, taps(places, |_| ideal(&lvl))));
    let size = |r: &replay::Replay| r.impressions[0].healing.appearance(42.0).diameter_mm;
    assert!(size(&r) > 2.0 * size(&good));
    assert!(
        r.impressions[0].impression.fresh_diameter_mm
            > 2.0 * good.impressions[0].impression.fresh_diameter_mm
    );
    // And too dark a shade in a first session is named.
    let dark = attempt(&level("three-sessions"), {
        let l = level("three-sessions");
        let p = &expert_places(&l)[0];
        vec![(
            0.0,
            l.plan.sessions[0].needle,
            Shade::Black,
            taps(p, |_| ideal(&l)),
        )]
    });
    let s = score_of(&level("three-sessions"), &dark);
    let c = s.criterion(CriterionKind::ShadeNeedle).unwrap();
    assert!(
        c.reason.contains("too dark for a first session"),
        "{}",
        c.reason
    );
}

#[test]
fn a_shaking_hand_fails_on_crispness() {
    let lvl = level("depth-drill");
    let places = &expert_places(&lvl)[0];
    // Each tap wanders 0.3 mm between pen-down and pen-up.
    let samples: Vec<PenSample> = places
        .iter()
        .enumerate()
        .flat_map(|(k, p)| {
            let mut t = tap(1.0 + 1.1 * k as f64, *p, ideal(&lvl));
            let wobble = 0.3 * if k % 2 == 0 { 1.0 } else { -1.0 };
            t[1].at = Point::new(p.x_mm + wobble, p.y_mm);
            t[2].at = t[1].at;
            t
        })
        .collect();
    fails_for(
        &lvl,
        &one_session(&lvl, samples),
        CriterionKind::Crispness,
        "shaking",
    );
}
