//! The 100,000-impression full-head attempt: rescoring it (replay + all criteria), drawing it at
//! 4096 px on its short side, and drawing it to PNG bytes at 10 px/mm as `render` does. Targets
//! on a 2-core machine: scoring under 50 ms, the 4096 px image under 1 s, the PNG under 100 ms.

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use smp_core::persona::Persona;
use smp_core::render::{Compositor, dots_on_day};
use smp_core::simulate::simulate;
use smp_core::{Level, replay, score};

fn full_head(c: &mut Criterion) {
    let level = Level::find("full-head", None).expect("shipped level");
    let attempt = simulate(&level, Persona::Expert, 1, "bench", "2026-11-21");
    let replayed = replay::replay(&level.plan, &attempt);
    assert!(replayed.impressions.len() >= 90_000);

    let mut group = c.benchmark_group("full_head");
    group.sample_size(10);
    group.bench_function("replay_and_score_100k", |b| {
        b.iter(|| {
            let r = replay::replay(&level.plan, &attempt);
            score::score(&level.plan, &attempt, &r)
        });
    });
    group.bench_function("score_only_100k", |b| {
        b.iter(|| score::score(&level.plan, &attempt, &replayed));
    });

    let compositor = Compositor::new(&level.plan);
    // 4096 px on the canvas's short side (300 mm): a 4915 × 4096 image, more pixels than 4096².
    let px_per_mm = 4096.0 / level.plan.canvas_mm.1;
    group.bench_function("render_4096_day42", |b| {
        b.iter(|| {
            let dots = dots_on_day(&replayed, 42.0);
            compositor
                .render(&dots, px_per_mm)
                .expect("size is in range")
        });
    });
    group.bench_function("render_png_10px_per_mm_day42", |b| {
        b.iter(|| {
            let dots = dots_on_day(&replayed, 42.0);
            compositor
                .render_png(&dots, 10.0)
                .expect("size is in range")
        });
    });
    group.bench_function("render_then_png_rgba_10px_per_mm_day42", |b| {
        b.iter(|| {
            let dots = dots_on_day(&replayed, 42.0);
            let (w, h, px) = compositor.render(&dots, 10.0).expect("size is in range");
            smp_core::report::encode_png(w, h, &px).expect("encodes")
        });
    });
    group.finish();
}

/// The same work on the head (`head-full`, about 100,000 impressions): scoring within 1.5× of the
/// flat full head (above, in the same run), and the front view at 2048 × 2048 as `render` draws
/// it (with its PNG).
fn head_full(c: &mut Criterion) {
    use smp_core::render::{Camera, draw_head};
    use smp_core::surface::{Surface, View};
    let level = Level::find("head-full", None).expect("shipped level");
    let attempt = simulate(&level, Persona::Expert, 1, "bench", "2026-11-21");
    let replayed = replay::replay(&level.plan, &attempt);
    assert!(replayed.impressions.len() >= 90_000);
    let mut group = c.benchmark_group("head_full");
    group.sample_size(10);
    group.bench_function("replay_and_score_100k", |b| {
        b.iter(|| {
            let r = replay::replay(&level.plan, &attempt);
            score::score(&level.plan, &attempt, &r)
        });
    });
    group.bench_function("score_only_100k", |b| {
        b.iter(|| score::score(&level.plan, &attempt, &replayed));
    });
    let Surface::Head(head) = level.plan.surface() else {
        panic!("head-full is on a head")
    };
    let compositor = Compositor::new(&level.plan);
    let camera = Camera::of_view(&head, View::Front);
    group.bench_function("front_view_2048_png_day42", |b| {
        b.iter(|| {
            let dots = dots_on_day(&replayed, 42.0);
            draw_head(&head, &compositor, &dots, &camera, 2048, 2048)
                .and_then(|p| p.to_png())
                .expect("draws")
        });
    });
    group.finish();
}

criterion_group!(benches, full_head, head_full);
criterion_main!(benches);
