//! Submissions: rescored, compared, flagged, kept by content hash; every refusal clear and
//! nothing stored half; the attempt policy.

use reqwest::StatusCode;
use smp_core::attempt::ToolKind;
use smp_core::persona::Persona;

use crate::helpers::{TestApp, ana_depth, attempt_file, parse};

async fn an_upload_is_rescored_and_kept_whole(app: TestApp) {
    let a = app.academy().await;
    let text = ana_depth();
    let (s, v) = app
        .upload(&a.ana, text.to_string(), "?name=%2Fhome%2Fana%2Fmine.ron")
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let stored = parse(text).score.unwrap();
    assert_eq!(v["total"].as_f64().unwrap(), stored.total);
    assert_eq!(v["verification"], "verified");
    assert_eq!(v["flags"].as_array().unwrap().len(), 0, "{v}");
    assert_eq!(v["state"], "submitted");
    assert_eq!(v["assignment"], a.depth);
    assert_eq!(v["late"], false);
    assert_eq!(v["criteria"].as_array().unwrap().len(), 8);
    // The bytes are kept whole under their hash.
    let id = v["id"].as_i64().unwrap();
    let file = app
        .client
        .get(app.url(&format!("/api/attempts/{id}/file")))
        .bearer_auth(&a.ana)
        .send()
        .await
        .unwrap();
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.contains(&format!("attempt-{id}-mine.ron")),
        "{disposition}"
    );
    assert_eq!(file.bytes().await.unwrap(), text.as_bytes());
    assert_eq!(app.files_kept(), (1, 0));
    // The same bytes again: the same attempt, not a second one.
    let (s, v2) = app.upload(&a.ana, text.to_string(), "").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v2["duplicate"], true);
    assert_eq!(v2["id"], id);
    assert_eq!(app.attempts_stored().await, 1);
    // Late when after the due date (the spacing drill was due in 2000).
    let spacing = attempt_file("spacing-drill", Persona::Clumper, 2, "Ana", ToolKind::Pen);
    let (s, v) = app.upload(&a.ana, spacing, "").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["late"], true);
    assert_eq!(v["passed"], false);
}

async fn the_stored_score_is_compared_never_trusted(app: TestApp) {
    let a = app.academy().await;
    let original = parse(ana_depth());
    // An edited total: the server's own total stands, and the file is flagged.
    let mut edited = original.clone();
    // (The expert's true total is 100: claim less, so that the edit shows.)
    edited.score.as_mut().unwrap().total = 42.0;
    edited.seed = 2; // other bytes than the original's
    let (s, v) = app.upload(&a.ana, edited.to_ron(), "").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["verification"], "mismatch", "{v}");
    assert_eq!(v["flags"], serde_json::json!(["mismatch"]));
    assert_eq!(
        v["total"].as_f64().unwrap(),
        100.0,
        "the server's total, not the file's 42"
    );
    // Scored by older rules, made by a program, another name on it, another level file.
    let mut older = original.clone();
    older.score.as_mut().unwrap().scoring_version = 1;
    older.device.tool = ToolKind::Synthetic;
    older.trainee = "Someone Else".into();
    older.level_hash = format!("sha256:{}", "0".repeat(64));
    let (s, v) = app.upload(&a.bo, older.to_ron(), "").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["verification"], "level changed");
    assert_eq!(
        v["flags"],
        serde_json::json!(["level-changed", "older-version", "synthetic", "other-name"])
    );
    // Scored by older rules that gave other numbers: rescored, and said so. (Older rules that
    // gave the same numbers verify, still flagged as older.)
    let mut old = original.clone();
    let stored = old.score.as_mut().unwrap();
    stored.scoring_version = 1;
    stored.total -= 1.0;
    let (s, v) = app.upload(&a.ana, old.to_ron(), "").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["verification"], "older version");
    assert_eq!(v["flags"], serde_json::json!(["older-version"]));
}

async fn refusals_are_clear_and_store_nothing(app: TestApp) {
    let a = app.academy().await;
    let check = |status: StatusCode, v: &serde_json::Value, want: StatusCode, says: &str| {
        assert_eq!(status, want, "{v}");
        let e = v["error"].as_str().unwrap_or_default();
        assert!(e.contains(says), "{e:?} should say {says:?}");
        assert_eq!(v["status"], want.as_u16());
    };
    // Not an attempt: the file's line and column.
    let (s, v) = app
        .upload(
            &a.ana,
            "(\n  format_version: 2,\n  level_id: 5,\n)".to_string(),
            "?name=x.ron",
        )
        .await;
    check(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "x.ron:3:12: Expected string",
    );
    let (s, v) = app
        .upload(&a.ana, vec![0xffu8, 0xfe, 0x00], "?name=bin.ron")
        .await;
    check(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bin.ron:1:1: not UTF-8",
    );
    let (s, v) = app.upload(&a.ana, String::new(), "").await;
    check(s, &v, StatusCode::UNPROCESSABLE_ENTITY, "attempt.ron:1:1");
    // An unknown level, and a level not assigned to this trainee: where the file names it.
    let unknown = ana_depth().replacen(
        "level_id: \"depth-drill\"",
        "level_id: \"no-such-level\"",
        1,
    );
    let (s, v) = app.upload(&a.ana, unknown, "?name=u.ron").await;
    check(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "u.ron:3:5: no level with id \"no-such-level\" among the academy's levels",
    );
    let hairline = attempt_file("soft-hairline", Persona::Expert, 1, "Ana", ToolKind::Pen);
    let (s, v) = app.upload(&a.ana, hairline, "").await;
    check(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "is not assigned in any of your courses",
    );
    let (s, v) = app
        .upload(
            &a.ana,
            ana_depth().to_string(),
            &format!("?assignment={}", a.spacing),
        )
        .await;
    check(
        s,
        &v,
        StatusCode::UNPROCESSABLE_ENTITY,
        "is not one of yours",
    );
    // An instructor does not submit.
    let (s, v) = app
        .upload(&a.marta_token, ana_depth().to_string(), "")
        .await;
    check(s, &v, StatusCode::FORBIDDEN, "instructor");
    assert_eq!(app.attempts_stored().await, 0);
    assert_eq!(
        app.files_kept(),
        (0, 0),
        "nothing kept, nothing left behind"
    );
}

async fn the_attempt_policy_holds(app: TestApp) {
    let a = app.academy().await;
    // At most 2 attempts at the depth drill.
    for seed in 1..=2 {
        let f = attempt_file("depth-drill", Persona::HeavyHand, seed, "Bo", ToolKind::Pen);
        let (s, v) = app.upload(&a.bo, f, "").await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let f = attempt_file("depth-drill", Persona::Expert, 3, "Bo", ToolKind::Pen);
    let (s, v) = app.upload(&a.bo, f, "").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("at most 2 attempts"));
    // Until passed: fails are taken, a pass closes it.
    let fail = attempt_file("spacing-drill", Persona::Clumper, 1, "Bo", ToolKind::Pen);
    let pass = attempt_file("spacing-drill", Persona::Expert, 1, "Bo", ToolKind::Pen);
    let again = attempt_file("spacing-drill", Persona::Expert, 2, "Bo", ToolKind::Pen);
    let (s, v) = app.upload(&a.bo, fail, "").await;
    assert_eq!(
        (s, v["passed"].as_bool()),
        (StatusCode::CREATED, Some(false)),
        "{v}"
    );
    let (s, v) = app.upload(&a.bo, pass, "").await;
    assert_eq!(
        (s, v["passed"].as_bool()),
        (StatusCode::CREATED, Some(true)),
        "{v}"
    );
    let (s, v) = app.upload(&a.bo, again, "").await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["error"].as_str().unwrap().contains("passed"));
    assert_eq!(app.attempts_stored().await, 4);
    // The trainee's view of it.
    let r = app
        .client
        .get(app.url("/api/assignments"))
        .bearer_auth(&a.bo)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    let list = v["assignments"].as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(list.iter().all(|x| x["open"] == false), "{v}");
}

async fn the_browser_uploads_through_the_same_api(app: TestApp) {
    let a = app.academy().await;
    let ana = app.sign_in("ana").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", ana.csrf.clone())
        .text("assignment", a.depth.to_string())
        .part(
            "file",
            reqwest::multipart::Part::text(ana_depth().to_string()).file_name("evening.ron"),
        );
    let r = app
        .client
        .post(app.url("/api/attempts"))
        .header("cookie", &ana.cookie)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/attempts/"));
    let (status, html) = app.get_as(&ana, &to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("evening") || html.contains("Depth control"));
    // A refusal in the browser is a page saying why.
    let form = reqwest::multipart::Form::new()
        .text("csrf", ana.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::text("nonsense").file_name("n.ron"),
        );
    let r = app
        .client
        .post(app.url("/api/attempts"))
        .header("cookie", &ana.cookie)
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("n.ron:1:1"));
}

/// The trainer's client (`smp-submit`: the results screen's button and `smp-trainer submit`)
/// against a real academy: stored with its receipt, a second time a duplicate, a refusal with
/// the academy's reason, a wrong token refused.
async fn the_trainers_client_submits(app: TestApp) {
    let a = app.academy().await;
    let file = app.dir.path().join("mine.ron");
    std::fs::write(&file, ana_depth()).unwrap();
    let base = app.base.clone();
    let (first, second, wrong_assignment, wrong_token, instructor) =
        tokio::task::spawn_blocking(move || {
            let ana = smp_submit::Academy::new(&base, &a.ana).unwrap();
            let marta = smp_submit::Academy::new(&base, &a.marta_token).unwrap();
            let nobody = smp_submit::Academy::new(&base, "smpd_not-a-token").unwrap();
            (
                ana.submit(&file, Some(a.depth as u64)),
                ana.submit(&file, Some(a.depth as u64)),
                ana.submit(&file, Some(999_999)),
                nobody.submit(&file, None),
                marta.submit(&file, None),
            )
        })
        .await
        .unwrap();
    let first = first.expect("stored");
    let stored = parse(ana_depth()).score.unwrap();
    assert_eq!(first.total, stored.total);
    assert!(first.passed && !first.duplicate && !first.late);
    assert_eq!(first.verification, "verified");
    assert!(
        first
            .describe()
            .starts_with(&format!("attempt {} stored: ", first.id)),
        "{}",
        first.describe()
    );
    let second = second.expect("a duplicate is not an error");
    assert!(second.duplicate);
    assert_eq!(second.id, first.id);
    for (e, status) in [
        (wrong_assignment.unwrap_err(), 422),
        (wrong_token.unwrap_err(), 401),
        (instructor.unwrap_err(), 403),
    ] {
        assert_eq!(e.exit_code(), 1);
        match e {
            smp_submit::SubmitError::Refused { status: s, why, .. } => {
                assert_eq!(s, status, "{why}");
                assert!(!why.is_empty());
            }
            other => panic!("expected a refusal, got {other}"),
        }
    }
    assert_eq!(app.attempts_stored().await, 1);
}

crate::on_both!(
    the_trainers_client_submits,
    an_upload_is_rescored_and_kept_whole,
    the_stored_score_is_compared_never_trusted,
    refusals_are_clear_and_store_nothing,
    the_attempt_policy_holds,
    the_browser_uploads_through_the_same_api,
);

async fn over_the_limit(backend: crate::helpers::Backend) {
    let Some(app) = TestApp::spawn_with(backend, |s| s.upload_limit = 64 * 1024).await else {
        return;
    };
    let a = app.academy().await;
    let big = "x".repeat(200 * 1024);
    // Declared too big (Content-Length), and sent without a length (chunked): both refused.
    let (s, v) = app.upload(&a.ana, big.clone(), "").await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("65536-byte limit"),
        "{v}"
    );
    let chunks: Vec<Result<String, std::io::Error>> =
        (0..50).map(|_| Ok("y".repeat(8 * 1024))).collect();
    let stream = futures_util::stream::iter(chunks);
    let (s, v) = app
        .upload(&a.ana, reqwest::Body::wrap_stream(stream), "")
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    // The browser's form too.
    let ana = app.sign_in("ana").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", ana.csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::text(big).file_name("big.ron"),
        );
    let r = app
        .client
        .post(app.url("/api/attempts"))
        .header("cookie", &ana.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.attempts_stored().await, 0);
    assert_eq!(
        app.files_kept(),
        (0, 0),
        "nothing kept, nothing left behind"
    );
    // Under the limit is fine.
    let (s, v) = app.upload(&a.ana, ana_depth().to_string(), "").await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_upload_over_the_limit_is_refused_on_sqlite() {
    over_the_limit(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_upload_over_the_limit_is_refused_on_postgres() {
    over_the_limit(crate::helpers::Backend::Postgres).await;
}
