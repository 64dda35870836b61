//! The per-frame CPU work of adding one impression while tattooing: the live session places it
//! and the tiled canvas redraws the pixels it reaches. It must not grow with the number of
//! impressions already made: compare an empty full head with one holding ~100,000, on the flat
//! full head and on the head (where the needle's angle to the skin is found too).

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use smp_core::geometry::Point;
use smp_core::live::LiveSession;
use smp_core::pen::{PressureCurve, tap};
use smp_core::persona::Persona;
use smp_core::render::{Compositor, Dot, TileCanvas, dots_on_day};
use smp_core::simulate::simulate;
use smp_core::{Level, replay};

fn add_one(c: &mut Criterion) {
    // The flat full head's canvas, and on the head a square of the mid-scalp and crown.
    for (group_name, id, origin, side) in [
        ("add_one_impression", "full-head", (60.0, 60.0), (240, 200)),
        (
            "add_one_impression_on_the_head",
            "head-full",
            (220.0, 230.0),
            (140, 140),
        ),
    ] {
        add_one_on(c, group_name, id, origin, side);
    }
}

fn add_one_on(c: &mut Criterion, group_name: &str, id: &str, origin: (f64, f64), side: (u64, u64)) {
    let level = Level::find(id, None).expect("shipped level");
    let plan = &level.plan;
    let compositor = Compositor::new(plan);
    let full = simulate(&level, Persona::Expert, 1, "bench", "2026-11-21");
    let existing: Vec<Dot> = dots_on_day(&replay::replay(plan, &full), 0.0);
    // The trainer's working scale for the full head: 8 px/mm in 256 px tiles.
    let px_per_mm = 8.0;
    let empty_canvas = TileCanvas::new(&compositor, px_per_mm, 256).unwrap();
    let mut full_canvas = TileCanvas::new(&compositor, px_per_mm, 256).unwrap();
    full_canvas.set_dots(&compositor, existing.clone());
    let mut empty_attempt = full.clone();
    empty_attempt.sessions.clear();

    let mut group = c.benchmark_group(group_name);
    group.sample_size(30);
    for (name, canvas, before) in [
        ("with_0_existing", empty_canvas, 0usize),
        ("with_100k_existing", full_canvas, existing.len()),
    ] {
        let mut canvas = canvas;
        let mut live = LiveSession::start(
            plan,
            &empty_attempt,
            before,
            0.0,
            plan.sessions[0].needle,
            plan.sessions[0].shade,
        );
        let mut t = 0.0;
        // Each iteration adds one more impression to the same canvas (a few hundred more than
        // `before` by the end, which is negligible next to 100,000).
        group.bench_function(name, |b| {
            b.iter(|| {
                t += 1.0;
                // Spread over the scalp, as a session is: density never piles up in one place.
                let k = t as u64;
                let at = Point::new(
                    origin.0 + (k.wrapping_mul(7919) % side.0) as f64 + 0.37,
                    origin.1 + (k.wrapping_mul(104_729) % side.1) as f64 + 0.61,
                );
                let mut made = None;
                for s in tap(t, at, 0.23) {
                    made = made.or(live.push(plan, &PressureCurve::Linear, 7, s));
                }
                let p = made.expect("a tap makes an impression");
                let dot = Dot::of(&p, 0.0);
                canvas.add_dot(&compositor, dot);
                canvas.take_dirty().len()
            });
        });
    }
    group.finish();
}

criterion_group!(benches, add_one);
criterion_main!(benches);
