//! The calibration table of `docs/scoring.md`: attempts made to measure (a share of the dots
//! shallow, deep or blown out; patterns of a chosen Clark–Evans ratio; a zone covered to a
//! chosen share) scored on the drills, so the document shows what each measure earns and can
//! never go stale (a test compares it with the file).

use std::fmt::Write as _;

use crate::attempt::{Device, SessionRecord, ToolKind};
use crate::geometry::Point;
use crate::levels::Level;
use crate::pen::{PenSample, PressureCurve, tap};
use crate::persona::Persona;
use crate::rng::{Purpose, Stream};
use crate::score::{self, CriterionKind, Score};
use crate::simulate::{scored_attempt, simulate};
use crate::skin::DepthOutcome;
use crate::{replay, spatial};

/// An attempt of taps at `spots`, each at its own raw pressure, scored on `level`.
fn scored_taps(level: &Level, spots: &[(Point, f64)]) -> Score {
    let samples: Vec<PenSample> = spots
        .iter()
        .enumerate()
        .flat_map(|(k, (at, p))| tap(1.0 + k as f64, *at, *p))
        .collect();
    let plan = &level.plan;
    let session = SessionRecord {
        days_since_previous: 0.0,
        needle: plan.sessions[0].needle,
        shade: plan.sessions[0].shade,
        samples,
    };
    let device = Device {
        tool: ToolKind::Synthetic,
        pressure_levels: 0,
        name: "scoring table".into(),
        hardware_id: None,
    };
    let a = scored_attempt(
        level,
        "table",
        "2026-01-01",
        device,
        PressureCurve::Linear,
        7,
        vec![session],
    );
    score::score(plan, &a, &replay::replay(plan, &a))
}

/// The raw pressure whose straight tap lands at `depth_mm` with `level`'s first needle.
fn pressure_for(level: &Level, depth_mm: f64) -> f64 {
    (depth_mm / level.plan.sessions[0].needle.protrusion_mm).clamp(0.0, 1.0)
}

/// The depth in tissue that gives `outcome` on `level`, well inside its band.
fn depth_of(level: &Level, outcome: DepthOutcome) -> f64 {
    let p = &level.plan;
    match outcome {
        DepthOutcome::Shallow => 0.5 * (p.skin.epidermis_mm + p.depth_window.min_mm),
        DepthOutcome::Ideal => p.depth_window.centre_mm(),
        DepthOutcome::Deep => 0.5 * (p.depth_window.max_mm + p.skin.subcutis_mm()),
        DepthOutcome::Blowout => 1.12 * p.skin.subcutis_mm(),
    }
}

/// The expert's spots on `level` (where a careful artist would tap).
fn expert_spots(level: &Level) -> Vec<Point> {
    let a = simulate(level, Persona::Expert, 11, "table", "2026-01-01");
    replay::replay(&level.plan, &a)
        .impressions
        .iter()
        .map(|p| p.impression.at)
        .collect()
}

fn verdict(s: &Score) -> &'static str {
    if s.passed { "passed" } else { "failed" }
}

fn depth_rows(out: &mut String) {
    let level = Level::find("depth-drill", None).expect("shipped level");
    let spots = expert_spots(&level);
    let ideal = pressure_for(&level, depth_of(&level, DepthOutcome::Ideal));
    let _ = writeln!(
        out,
        "| fault | share of impressions | outcomes (shallow / ideal / deep / blowout) | depth | total | verdict |\n|---|---|---|---|---|---|"
    );
    for fault in [
        DepthOutcome::Shallow,
        DepthOutcome::Deep,
        DepthOutcome::Blowout,
    ] {
        let bad = pressure_for(&level, depth_of(&level, fault));
        for pct in [0u32, 5, 10, 25, 50, 100] {
            // Every k-th tap goes wrong, spread evenly over the attempt.
            let n = spots.len();
            let wrong = (n as f64 * pct as f64 / 100.0).round() as usize;
            let taps: Vec<(Point, f64)> = spots
                .iter()
                .enumerate()
                .map(|(k, at)| {
                    let is_bad = (k * wrong) / n != ((k + 1) * wrong) / n;
                    (*at, if is_bad { bad } else { ideal })
                })
                .collect();
            let s = scored_taps(&level, &taps);
            let o = s.outcomes;
            let _ = writeln!(
                out,
                "| {} | {pct}% | {} / {} / {} / {} | {:.1} | {:.1} | {} |",
                fault.name(),
                o.shallow,
                o.ideal,
                o.deep,
                o.blowout,
                s.criterion(CriterionKind::Depth).map_or(0.0, |c| c.score),
                s.total,
                verdict(&s)
            );
        }
    }
}

/// A pattern of `n` spots in the drill square `(x0, y0)–(x1, y1)` whose Clark–Evans ratio rises
/// with `k` (0..1): clusters below 1, spaced darts above, a jittered grid at the top.
fn pattern(n: usize, b: (f64, f64, f64, f64), k: f64, seed: u64) -> Vec<Point> {
    let (x0, y0, x1, y1) = b;
    let mut rng = Stream::new(seed, Purpose::Persona, 99);
    let area = (x1 - x0) * (y1 - y0);
    let spacing = (area / n as f64).sqrt();
    let inside = |p: Point| p.x_mm > x0 && p.x_mm < x1 && p.y_mm > y0 && p.y_mm < y1;
    let mut out = Vec::with_capacity(n);
    if k < 0.3 {
        // Clusters: parents at random, children around them; tighter clusters at lower k.
        let sd = spacing * (0.05 + 1.2 * k);
        while out.len() < n {
            let c = Point::new(rng.range(x0, x1), rng.range(y0, y1));
            for _ in 0..6 {
                let p = Point::new(c.x_mm + rng.gauss(0.0, sd), c.y_mm + rng.gauss(0.0, sd));
                if out.len() < n && inside(p) {
                    out.push(p);
                }
            }
        }
    } else if k < 0.8 {
        // Darts with a minimum distance: random at 0, as even as darts get at the top.
        let r = spacing * 0.95 * (k - 0.3) / 0.5;
        let mut grid = spatial::GrowingGrid::new((x1 + 1.0, y1 + 1.0), spacing.max(0.1));
        let mut tries = 0;
        while out.len() < n && tries < n * 500 {
            tries += 1;
            let p = Point::new(rng.range(x0, x1), rng.range(y0, y1));
            if !grid.any_within(p, r) {
                grid.insert(p);
                out.push(p);
            }
        }
    } else {
        // A square grid, its jitter shrinking as k rises.
        let jitter = spacing * 0.3 * (1.0 - k) / 0.2;
        let cols = ((x1 - x0) / spacing).floor() as usize;
        let rows = n.div_ceil(cols.max(1));
        for r in 0..rows {
            for c in 0..cols {
                let p = Point::new(
                    x0 + (c as f64 + 0.5) * spacing + rng.gauss(0.0, jitter),
                    y0 + (r as f64 + 0.5) * spacing + rng.gauss(0.0, jitter),
                );
                if out.len() < n && inside(p) {
                    out.push(p);
                }
            }
        }
    }
    out
}

fn randomness_rows(out: &mut String) {
    let level = Level::find("spacing-drill", None).expect("shipped level");
    let n = expert_spots(&level).len();
    let ideal = pressure_for(&level, depth_of(&level, DepthOutcome::Ideal));
    let b = (5.0, 5.0, 35.0, 25.0);
    let _ = writeln!(
        out,
        "| target ratio | pattern | Clark–Evans ratio | alignment | randomness | spacing | total | verdict |\n|---|---|---|---|---|---|---|---|"
    );
    let ratio_of = |s: &Score| {
        s.criterion(CriterionKind::Randomness)
            .and_then(|c| c.measure.as_ref())
            .map_or(0.0, |m| m.value)
    };
    for target in [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.2] {
        // The pattern parameter that comes closest to the target ratio (the ratio rises with it).
        let score_at = |k: f64| {
            let taps: Vec<(Point, f64)> = pattern(n, b, k, 3)
                .into_iter()
                .map(|p| (p, ideal))
                .collect();
            scored_taps(&level, &taps)
        };
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..14 {
            let mid = 0.5 * (lo + hi);
            if ratio_of(&score_at(mid)) < target {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let k = 0.5 * (lo + hi);
        let s = score_at(k);
        let c = s.criterion(CriterionKind::Randomness).expect("randomness");
        let alignment = c
            .reason
            .split("alignment of neighbours ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .unwrap_or("?")
            .to_string();
        let kind = if k < 0.3 {
            "clusters"
        } else if k < 0.8 {
            "spaced at random"
        } else {
            "jittered grid"
        };
        let _ = writeln!(
            out,
            "| {target:.2} | {kind} | {:.2} | {alignment} | {:.1} | {:.1} | {:.1} | {} |",
            ratio_of(&s),
            c.score,
            s.criterion(CriterionKind::Spacing).map_or(0.0, |c| c.score),
            s.total,
            verdict(&s)
        );
    }
}

fn coverage_rows(out: &mut String) {
    let level = Level::find("spacing-drill", None).expect("shipped level");
    let spots = expert_spots(&level);
    let ideal = pressure_for(&level, depth_of(&level, DepthOutcome::Ideal));
    let _ = writeln!(
        out,
        "| zone done (from the left) | coverage | density | randomness | total | verdict |\n|---|---|---|---|---|---|"
    );
    for pct in [20u32, 30, 40, 50, 60, 70, 80, 90, 95, 100] {
        // The left part of the square worked at full density, the rest left undone.
        let edge = 5.0 + 30.0 * pct as f64 / 100.0;
        let taps: Vec<(Point, f64)> = spots
            .iter()
            .filter(|p| p.x_mm <= edge)
            .map(|p| (*p, ideal))
            .collect();
        let s = scored_taps(&level, &taps);
        let d = s.criterion(CriterionKind::Density).expect("density");
        let _ = writeln!(
            out,
            "| {pct}% | {:.1}% | {:.1} | {:.1} | {:.1} | {} |",
            100.0 * d.measure.as_ref().map_or(0.0, |m| m.value),
            d.score,
            s.criterion(CriterionKind::Randomness)
                .map_or(0.0, |c| c.score),
            s.total,
            verdict(&s)
        );
    }
}

/// The calibration tables as Markdown: depth on the depth drill; randomness and coverage on
/// the spacing drill.
pub fn markdown() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "### Depth: share of impressions shallow, deep or blown out (depth drill)\n"
    );
    depth_rows(&mut out);
    let _ = writeln!(out, "\n### Randomness: Clark–Evans ratio (spacing drill)\n");
    randomness_rows(&mut out);
    let _ = writeln!(
        out,
        "\n### Density: coverage of the plan (spacing drill, an unfinished square)\n"
    );
    coverage_rows(&mut out);
    out
}
