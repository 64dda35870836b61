//! The nearest-neighbour pass every score starts with: spread-out dots (the grid's case) against
//! dots stacked on one spot (the k-d tree's case, quadratic on the grid before issue 10).

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use smp_core::geometry::Point;
use smp_core::rng::{Purpose, Stream};
use smp_core::spatial::all_nearest;

fn nearest(c: &mut Criterion) {
    let mut rng = Stream::new(1, Purpose::Persona, 0);
    let spread: Vec<Point> = (0..100_000)
        .map(|_| Point::new(rng.range(0.0, 300.0), rng.range(0.0, 250.0)))
        .collect();
    let stacked = vec![Point::new(3.0, 3.0); 40_000];
    let near_stacked: Vec<Point> = (0..40_000)
        .map(|k| Point::new(3.0 + 1e-6 * (k % 200) as f64, 3.0 + 1e-6 * (k / 200) as f64))
        .collect();
    let mut group = c.benchmark_group("nearest");
    group.sample_size(20);
    group.bench_function("spread_100k", |b| b.iter(|| all_nearest(&spread)));
    group.bench_function("stacked_40k", |b| b.iter(|| all_nearest(&stacked)));
    group.bench_function("near_stacked_40k", |b| {
        b.iter(|| all_nearest(&near_stacked));
    });
    group.finish();
}

criterion_group!(benches, nearest);
criterion_main!(benches);
