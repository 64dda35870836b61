//! Grading a class: 1,000 generated attempts (every persona, on the two drills) in a folder,
//! read, replayed, scored and verified by `grade_dir`; and 200 mixed attempts (every persona on
//! every level but the full head) on one core and on all. Targets on a 2-core machine: seconds
//! for the 1,000; under 0.6 s for the 200 on both cores.

#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use smp_core::Level;
use smp_core::grade::{grade_dir, summarize};
use smp_core::parallel;
use smp_core::persona::Persona;
use smp_core::simulate::simulate;

fn class_of_1000(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("smp-bench-class-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let levels = [
        Level::find("depth-drill", None).unwrap(),
        Level::find("spacing-drill", None).unwrap(),
    ];
    for i in 0..1000u64 {
        let level = &levels[(i % 2) as usize];
        let persona = Persona::ALL[(i % 7) as usize];
        let a = simulate(
            level,
            persona,
            i,
            &format!("trainee {:02}", i % 40),
            "2026-11-21",
        );
        a.save(&dir.join(format!("{i:04}.ron"))).unwrap();
    }
    let mut group = c.benchmark_group("grade");
    group.sample_size(10);
    group.bench_function("class_of_1000_attempts", |b| {
        b.iter(|| {
            let rows = grade_dir(&dir, None, &Default::default()).unwrap();
            assert_eq!(rows.len(), 1000);
            summarize(&rows)
        });
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn class_of_200_mixed(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("smp-bench-mixed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let levels: Vec<Level> = [
        "depth-drill",
        "spacing-drill",
        "soft-hairline",
        "crown-blend",
        "strip-scar",
        "three-sessions",
    ]
    .map(|id| Level::find(id, None).unwrap())
    .into();
    for i in 0..200u64 {
        let level = &levels[(i as usize) % levels.len()];
        let persona = Persona::ALL[(i / levels.len() as u64) as usize % Persona::ALL.len()];
        let a = simulate(
            level,
            persona,
            i,
            &format!("trainee {:02}", i % 20),
            "2026-11-21",
        );
        a.save(&dir.join(format!("{i:03}.ron"))).unwrap();
    }
    let mut group = c.benchmark_group("grade");
    group.sample_size(10);
    for (name, threads) in [
        ("class_of_200_mixed_all_cores", 0),
        ("class_of_200_mixed_one_core", 1),
    ] {
        group.bench_function(name, |b| {
            parallel::limit_threads(threads);
            b.iter(|| {
                let rows = grade_dir(&dir, None, &Default::default()).unwrap();
                assert_eq!(rows.len(), 200);
                summarize(&rows)
            });
            parallel::limit_threads(0);
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, class_of_1000, class_of_200_mixed);
criterion_main!(benches);
