//! Under load on SQLite: 50 simultaneous uploads of mixed attempts (full heads among them) are
//! all stored and scored; none is refused with "database is locked".

use std::time::Instant;

use reqwest::StatusCode;
use smp_academy::domain::{CourseCode, Policy, Role, ShownName, Username};
use smp_core::attempt::ToolKind;
use smp_core::persona::Persona;

use crate::helpers::{Backend, TestApp, attempt_file, full_head};

/// `n` trainees (token only) enrolled in a course with the depth and spacing drills and the
/// full head assigned: their tokens.
pub async fn crowd(app: &smp_academy::startup::AppState, n: usize) -> Vec<String> {
    let code = CourseCode::parse("LOAD").unwrap();
    smp_academy::admin::add_course(app, &code, &ShownName::parse("Load").unwrap())
        .await
        .unwrap();
    let due = smp_academy::time::parse_due("2099-01-01").unwrap();
    for level in ["depth-drill", "spacing-drill", "full-head"] {
        smp_academy::admin::assign(app, &code, level, None, due, Policy::AtMost(3))
            .await
            .unwrap();
    }
    let mut tokens = Vec::new();
    for i in 0..n {
        let u = Username::parse(&format!("t{i:03}")).unwrap();
        smp_academy::admin::add_user(
            app,
            Role::Trainee,
            &u,
            &ShownName::parse(&format!("T{i}")).unwrap(),
            None,
        )
        .await
        .unwrap();
        smp_academy::admin::enroll(app, &code, &u).await.unwrap();
        tokens.push(
            smp_academy::admin::make_token(app, &u, "load")
                .await
                .unwrap(),
        );
    }
    tokens
}

/// The files of a mixed load: every 16th a full head, the rest drills by every persona.
pub fn mixed_files(n: usize) -> Vec<String> {
    let personas = [
        Persona::Expert,
        Persona::HeavyHand,
        Persona::LightHand,
        Persona::Clumper,
        Persona::Gridder,
        Persona::Drifter,
    ];
    (0..n)
        .map(|i| {
            if i % 16 == 5 {
                full_head().to_string()
            } else {
                let level = if i % 2 == 0 {
                    "depth-drill"
                } else {
                    "spacing-drill"
                };
                attempt_file(
                    level,
                    personas[i % personas.len()],
                    i as u64,
                    &format!("T{i}"),
                    ToolKind::Pen,
                )
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_simultaneous_uploads_are_all_stored_on_sqlite() {
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    const N: usize = 50;
    let tokens = crowd(&app.state, N).await;
    let files = tokio::task::spawn_blocking(|| mixed_files(N))
        .await
        .unwrap();
    let heads = files.iter().filter(|f| f.len() > 5_000_000).count();
    assert!(heads >= 3, "full heads among them");
    let start = Instant::now();
    let uploads = tokens.iter().zip(files).map(|(t, f)| app.upload(t, f, ""));
    let answers = futures_util::future::join_all(uploads).await;
    let elapsed = start.elapsed();
    for (s, v) in &answers {
        assert_eq!(*s, StatusCode::CREATED, "{v}");
        assert!(!v.to_string().contains("locked"));
    }
    assert_eq!(app.attempts_stored().await, N as i64);
    println!(
        "{N} simultaneous uploads ({heads} full heads) stored and scored in {:.2} s",
        elapsed.as_secs_f64()
    );
}
