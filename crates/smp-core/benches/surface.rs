//! The procedural head: rays from a camera 400 mm away located on the scalp (target: 20 µs a ray
//! on a 2-core machine), the scalp map both ways, the area element, a path on the skin, a zone's
//! area, and building a head (its map tables).

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use smp_core::geometry::{Point, Polygon, Vec3};
use smp_core::rng::{Purpose, Stream};
use smp_core::surface::{Head, HeadShape, Region};

/// `n` seeded places on the head's scalp.
fn scalp_places(head: &Head, n: usize) -> Vec<Point> {
    let mut rng = Stream::new(7, Purpose::Persona, 0);
    let (w, h) = head.map_size_mm();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let at = Point::new(rng.range(0.0, w), rng.range(0.0, h));
        if head.region(at) == Some(Region::Scalp) {
            out.push(at);
        }
    }
    out
}

fn surface(c: &mut Criterion) {
    let head = Head::named("adult-male").expect("shipped head");
    let places = scalp_places(&head, 1024);
    let mut rng = Stream::new(8, Purpose::Persona, 0);
    // A camera 400 mm from the head's centre, on the side of each target, a little off its
    // direction.
    let rays: Vec<(Vec3, Vec3)> = places
        .iter()
        .map(|&at| {
            let target = head.point_at(at).expect("on the map");
            let jitter = Vec3::new(
                rng.range(-0.3, 0.3),
                rng.range(-0.3, 0.3),
                rng.range(-0.3, 0.3),
            );
            let camera = (target.normalized() + jitter).normalized() * 400.0;
            (camera, target - camera)
        })
        .collect();
    let directions: Vec<Vec3> = places
        .iter()
        .map(|&at| head.point_at(at).expect("on the map"))
        .collect();
    let (w, _) = head.map_size_mm();
    let centre = Point::new(w / 2.0, w / 2.0);
    let crown = Polygon::new(
        (0..180)
            .map(|k| {
                let a = k as f64 / 180.0 * std::f64::consts::TAU;
                Point::new(
                    centre.x_mm + 30.0 * a.cos(),
                    centre.y_mm + 20.0 + 30.0 * a.sin(),
                )
            })
            .collect(),
    );

    let mut group = c.benchmark_group("surface");
    let mut k = 0usize;
    group.bench_function("locate", |b| {
        b.iter(|| {
            k = (k + 1) % rays.len();
            let (origin, direction) = rays[k];
            head.locate(black_box(origin), black_box(direction))
        });
    });
    group.bench_function("to_map", |b| {
        b.iter(|| {
            k = (k + 1) % directions.len();
            head.to_map(black_box(directions[k]))
        });
    });
    group.bench_function("from_map", |b| {
        b.iter(|| {
            k = (k + 1) % places.len();
            head.from_map(black_box(places[k]))
        });
    });
    group.bench_function("area_element", |b| {
        b.iter(|| {
            k = (k + 1) % places.len();
            head.area_element(black_box(places[k]))
        });
    });
    group.bench_function("along_skin_30mm", |b| {
        b.iter(|| {
            k = (k + 1) % places.len();
            let a = places[k];
            head.along_skin_mm(black_box(a), black_box(Point::new(a.x_mm + 30.0, a.y_mm)))
        });
    });
    group.bench_function("area_mm2_crown_disc", |b| {
        b.iter(|| head.area_mm2(black_box(&crown)));
    });
    group.sample_size(10);
    let shape = HeadShape::shipped("adult-male").expect("shipped shape");
    group.bench_function("head_new", |b| {
        b.iter(|| Head::new(black_box(shape.clone())));
    });
    group.finish();
}

criterion_group!(benches, surface);
criterion_main!(benches);
