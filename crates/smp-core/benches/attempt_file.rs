//! Reading the full-head attempt (about 100,000 impressions, 300,000 pen samples): the format 2
//! file (samples as blocks) on one core and on all, against serde_json reading the same numbers
//! and against the same attempt in format 1 (samples as RON tuples). Targets on a 2-core
//! machine: format 2 within 1.5× of serde_json (it was 9.6× slower in format 1).

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use smp_core::persona::Persona;
use smp_core::simulate::simulate;
use smp_core::{Attempt, Level, parallel};

fn read_full_head(c: &mut Criterion) {
    let level = Level::find("full-head", None).expect("shipped level");
    let attempt = simulate(&level, Persona::Expert, 1, "bench", "2026-11-21");
    let format_2 = attempt.to_ron();
    let format_1 = ron::ser::to_string_pretty(
        &Attempt {
            format_version: 1,
            ..attempt.clone()
        },
        ron::ser::PrettyConfig::new()
            .depth_limit(4)
            .struct_names(false),
    )
    .expect("plain data serializes");
    // The same numbers as JSON: one array of seven per sample, as serde_json writes floats.
    let rows: Vec<[f64; 7]> = attempt
        .sessions
        .iter()
        .flat_map(|s| &s.samples)
        .map(|s| {
            let [t, x, y, p, tx, ty] = s.numbers();
            [t, x, y, p, tx, ty, f64::from(u8::from(s.contact))]
        })
        .collect();
    let json = serde_json::to_string(&rows).expect("finite numbers");
    let samples = attempt.sample_count();
    eprintln!(
        "{samples} samples: format 2 {} bytes, format 1 {} bytes, JSON {} bytes",
        format_2.len(),
        format_1.len(),
        json.len()
    );
    let path = Path::new("full-head.ron");

    let mut group = c.benchmark_group("attempt_file");
    group.sample_size(10);
    group.bench_function("format_2_all_cores", |b| {
        parallel::limit_threads(0);
        b.iter(|| Attempt::parse(path, &format_2).expect("valid"));
    });
    group.bench_function("format_2_one_core", |b| {
        parallel::limit_threads(1);
        b.iter(|| Attempt::parse(path, &format_2).expect("valid"));
        parallel::limit_threads(0);
    });
    group.bench_function("serde_json_same_numbers", |b| {
        b.iter(|| serde_json::from_str::<Vec<[f64; 7]>>(&json).expect("valid"));
    });
    group.bench_function("format_1", |b| {
        b.iter(|| Attempt::parse(path, &format_1).expect("valid"));
    });
    group.bench_function("write_format_2", |b| {
        b.iter(|| attempt.to_ron());
    });
    group.finish();
}

criterion_group!(benches, read_full_head);
criterion_main!(benches);
