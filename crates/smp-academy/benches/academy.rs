//! The academy's benchmarks, end to end over HTTP on loopback against a server on SQLite:
//!
//! - `gradebook_200x10`: an instructor's gradebook page of a course with 200 trainees and 10
//!   assignments, two attempts in every cell (4 000 attempts): the queries and the page rendered
//!   (target ≤ 100 ms).
//! - `upload_full_head`: a full-head attempt (the expert on `full-head`, about 15 MB) uploaded
//!   with a device token, streamed to disk, checked, rescored and stored (target ≤ 1 s). Each
//!   upload differs from the last by a trailing comment, so none is taken as a duplicate.
//! - `load_50_mixed`: 50 simultaneous uploads by 50 trainees, drills by six personas with three
//!   full heads among them, all stored and scored: submissions per second is 50 over its time.
//!
//! `cargo bench -p smp-academy`; figures in the README's Performance section.

#![allow(
    missing_docs,
    reason = "criterion_group! makes an undocumented public function"
)]

#[allow(
    dead_code,
    reason = "the API tests' helpers, of which the benchmarks use a few"
)]
#[path = "../tests/api/helpers.rs"]
mod helpers;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use helpers::{Backend, TestApp};
use smp_academy::admin;
use smp_academy::domain::{CourseCode, Policy, Role, ShownName, Username};
use smp_core::attempt::ToolKind;
use smp_core::persona::Persona;

/// 198 more trainees in SMP-1 (200 with Ana and Bo), 8 more assignments (10), and two attempts
/// by every trainee at every assignment, stored directly (their scores made up: the page only
/// reads them).
async fn big_course(app: &TestApp) -> i64 {
    let a = app.academy().await;
    let s = &app.state;
    let code = CourseCode::parse("SMP-1").unwrap();
    let due = smp_academy::time::parse_due("2099-12-31").unwrap();
    for i in 0..8 {
        let level = if i % 2 == 0 {
            "depth-drill"
        } else {
            "spacing-drill"
        };
        let title = ShownName::parse(&format!("Drill {}", i + 3)).unwrap();
        admin::assign(s, &code, level, Some(&title), due, Policy::AtMost(5))
            .await
            .unwrap();
    }
    for i in 0..198 {
        let u = Username::parse(&format!("trainee{i:03}")).unwrap();
        let n = ShownName::parse(&format!("Trainee {i:03}")).unwrap();
        admin::add_user(s, Role::Trainee, &u, &n, None)
            .await
            .unwrap();
        admin::enroll(s, &code, &u).await.unwrap();
    }
    let mut tx = s.db.begin_write().await.unwrap();
    let hash = format!("sha256:{}", "0".repeat(64));
    sqlx::query("INSERT INTO blobs (hash, size, created_at) VALUES ($1, 1, 0)")
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .unwrap();
    let assignments: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, level_id FROM assignments WHERE course_id = $1")
            .bind(a.course)
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    let trainees: Vec<(i64,)> =
        sqlx::query_as("SELECT user_id FROM enrollments WHERE course_id = $1")
            .bind(a.course)
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    assert_eq!((assignments.len(), trainees.len()), (10, 200));
    let mut n = 0i64;
    for (t,) in &trainees {
        for (assignment, level) in &assignments {
            for k in 0..2i64 {
                n += 1;
                let total = (n * 37 % 100) as f64;
                sqlx::query(
                    "INSERT INTO attempts (assignment_id, trainee_id, blob_hash, content_hash, file_name, submitted_at, via, level_id, level_hash, trainee_name, device, impressions, total, passed, scoring_version, verification, verification_detail, flags, criteria, late, state) \
                     VALUES ($1, $2, $3, $4, 'a.ron', $5, 'api', $6, $7, 'T', 'pen', 240, $8, $9, 2, 'verified', 'verified', $10, '[]', 0, $11)",
                )
                .bind(assignment)
                .bind(t)
                .bind(&hash)
                .bind(&hash)
                .bind(1_796_000_000 + n)
                .bind(level)
                .bind(&hash)
                .bind(total)
                .bind(i64::from(total >= 70.0))
                .bind(if n % 9 == 0 { "synthetic" } else { "" })
                .bind(if k == 0 { "released" } else { "submitted" })
                .execute(&mut *tx)
                .await
                .unwrap();
            }
        }
    }
    tx.commit().await.unwrap();
    a.course
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    // The gradebook of 200 trainees × 10 assignments.
    let (app, course, marta) = rt.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
        let course = big_course(&app).await;
        let marta = app.sign_in("marta").await;
        (app, course, marta)
    });
    let path = format!("/courses/{course}");
    let (status, html) = rt.block_on(app.get_as(&marta, &path));
    assert_eq!(status, reqwest::StatusCode::OK);
    assert_eq!(
        html.matches("attempt(s)").count(),
        2000,
        "every cell filled"
    );
    let mut group = c.benchmark_group("academy");
    group.sample_size(30);
    group.bench_function("gradebook_200x10", |b| {
        b.to_async(&rt).iter(|| async {
            let (status, html) = app.get_as(&marta, &path).await;
            assert_eq!(status, reqwest::StatusCode::OK);
            html.len()
        });
    });

    // A full-head attempt uploaded, checked, rescored and stored.
    let (app, tokens, head) = rt.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
        let s = &app.state;
        let code = CourseCode::parse("HEAD").unwrap();
        admin::add_course(s, &code, &ShownName::parse("Heads").unwrap())
            .await
            .unwrap();
        let due = smp_academy::time::parse_due("2099-12-31").unwrap();
        admin::assign(s, &code, "full-head", None, due, Policy::AtMost(1000))
            .await
            .unwrap();
        let mut tokens = Vec::new();
        for i in 0..4 {
            let u = Username::parse(&format!("head{i}")).unwrap();
            admin::add_user(
                s,
                Role::Trainee,
                &u,
                &ShownName::parse("Ana").unwrap(),
                None,
            )
            .await
            .unwrap();
            admin::enroll(s, &code, &u).await.unwrap();
            tokens.push(admin::make_token(s, &u, "bench").await.unwrap());
        }
        let head = tokio::task::spawn_blocking(|| helpers::full_head().to_string())
            .await
            .unwrap();
        (app, tokens, head)
    });
    println!("full-head attempt file: {:.1} MB", head.len() as f64 / 1e6);
    let n = AtomicUsize::new(0);
    // Slow routines: the same number of uploads in every sample (one, at these times).
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    group.bench_function("upload_full_head", |b| {
        b.to_async(&rt).iter(|| async {
            let i = n.fetch_add(1, Ordering::Relaxed);
            let body = format!("{head}\n// upload {i}\n");
            let (status, v) = app.upload(&tokens[i % tokens.len()], body, "").await;
            assert_eq!(status, reqwest::StatusCode::CREATED, "{v}");
            assert_eq!(v["passed"], true);
        });
    });

    // 50 simultaneous mixed uploads.
    let (app, tokens, files) = rt.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
        let s = &app.state;
        let code = CourseCode::parse("LOAD").unwrap();
        admin::add_course(s, &code, &ShownName::parse("Load").unwrap())
            .await
            .unwrap();
        let due = smp_academy::time::parse_due("2099-12-31").unwrap();
        for level in ["depth-drill", "spacing-drill", "full-head"] {
            admin::assign(s, &code, level, None, due, Policy::AtMost(1000))
                .await
                .unwrap();
        }
        let mut tokens = Vec::new();
        for i in 0..50 {
            let u = Username::parse(&format!("load{i:02}")).unwrap();
            admin::add_user(
                s,
                Role::Trainee,
                &u,
                &ShownName::parse(&format!("T{i}")).unwrap(),
                None,
            )
            .await
            .unwrap();
            admin::enroll(s, &code, &u).await.unwrap();
            tokens.push(admin::make_token(s, &u, "bench").await.unwrap());
        }
        let files = tokio::task::spawn_blocking(|| {
            let personas = [
                Persona::Expert,
                Persona::HeavyHand,
                Persona::LightHand,
                Persona::Clumper,
                Persona::Gridder,
                Persona::Drifter,
            ];
            (0..50usize)
                .map(|i| {
                    if i % 16 == 5 {
                        helpers::full_head().to_string()
                    } else {
                        let level = if i % 2 == 0 {
                            "depth-drill"
                        } else {
                            "spacing-drill"
                        };
                        helpers::attempt_file(
                            level,
                            personas[i % personas.len()],
                            i as u64,
                            &format!("T{i}"),
                            ToolKind::Pen,
                        )
                    }
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap();
        (app, tokens, files)
    });
    let round = AtomicUsize::new(0);
    group.bench_function("load_50_mixed", |b| {
        b.to_async(&rt).iter(|| async {
            let r = round.fetch_add(1, Ordering::Relaxed);
            let uploads = tokens
                .iter()
                .zip(&files)
                .map(|(t, f)| app.upload(t, format!("{f}\n// round {r}\n"), ""));
            for (status, v) in futures_util::future::join_all(uploads).await {
                assert_eq!(status, reqwest::StatusCode::CREATED, "{v}");
            }
        });
    });
    group.finish();
}

criterion_group!(academy, benches);
criterion_main!(academy);
