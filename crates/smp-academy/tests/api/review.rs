//! Instructor review: the gradebook, notes signed with the instructor's server-held key,
//! marking from submitted through in review to released, the trainee's view, exports, and
//! rescoring.

use reqwest::StatusCode;
use smp_core::attempt::ToolKind;
use smp_core::persona::Persona;
use smp_core::signing::{SignatureCheck, TrustedKeys};

use crate::helpers::{TestApp, ana_depth, attempt_file};

async fn a_signed_note_is_seen_once_released(app: TestApp) {
    let a = app.academy().await;
    let (_, v) = app.upload(&a.ana, ana_depth().to_string(), "").await;
    let id = v["id"].as_i64().unwrap();
    let marta = app.sign_in("marta").await;
    let ana = app.sign_in("ana").await;
    // The instructor's page: the result, the criteria, the plots.
    let (status, html) = app.get_as(&marta, &format!("/attempts/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "id=\"criteria\"",
        "depth of every impression",
        "distance to the nearest dot",
        "over the sessions",
        "picture.png",
        "Start review",
    ] {
        assert!(html.contains(part), "the page shows {part}");
    }
    let png = app
        .client
        .get(app.url(&format!("/attempts/{id}/picture.png")))
        .header("cookie", &marta.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG"));
    // A note (pinned to a place) and an override, each signed.
    let r = app
        .post_form(
            &marta,
            &format!("/attempts/{id}/notes"),
            &[
                ("text", "Lift between <dots>."),
                ("pin", "place"),
                ("x_mm", "12.5"),
                ("y_mm", "8"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &marta,
            &format!("/attempts/{id}/override"),
            &[("total", "72"), ("passed", "yes"), ("reason", "tablet lag")],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_as(&marta, &format!("/attempts/{id}")).await;
    assert!(html.contains("Lift between &#60;dots&#62;."), "escaped");
    assert!(html.contains("[signed by Marta Costa]"), "{html}");
    assert!(html.contains("in review"));
    // Not released: the trainee sees no notes, in the page or the API.
    let (_, html) = app.get_as(&ana, &format!("/attempts/{id}")).await;
    assert!(html.contains("once it is released") && !html.contains("Lift between"));
    let api: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/attempts/{id}")))
        .bearer_auth(&a.ana)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(api["state"], "in_review");
    assert!(api.get("notes").is_none());
    // A trainee cannot release.
    let r = app
        .post_form(
            &ana,
            &format!("/attempts/{id}/state"),
            &[("to", "released")],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post_form(
            &marta,
            &format!("/attempts/{id}/state"),
            &[("to", "released")],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.get_as(&ana, &format!("/attempts/{id}")).await;
    assert!(
        html.contains("Lift between &#60;dots&#62;.") && html.contains("[signed by Marta Costa]")
    );
    assert!(html.contains("Grade overridden by Marta Costa"));
    // The file handed out carries the signed notes; the core checks them offline against the
    // academy's trusted keys.
    let keys = app
        .client
        .get(app.url("/api/trusted-keys"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let path = app.dir.path().join("downloaded-keys.ron");
    std::fs::write(&path, &keys).unwrap();
    let trusted = TrustedKeys::load(&path).unwrap();
    assert_eq!(trusted.keys.len(), 2);
    let file = app
        .client
        .get(app.url(&format!("/api/attempts/{id}/file")))
        .bearer_auth(&a.ana)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let attempt = crate::helpers::parse(&file);
    let hash = smp_core::notes::content_hash(&file);
    assert_eq!(
        hash,
        smp_core::notes::content_hash(ana_depth()),
        "the work is the trainee's bytes"
    );
    let notes = attempt.review.unwrap();
    assert_eq!(
        smp_core::signing::check_comment(&hash, &notes.comments[0], &trusted),
        SignatureCheck::Signed("Marta Costa".into())
    );
    assert_eq!(
        smp_core::signing::check_override(&hash, notes.override_grade.as_ref().unwrap(), &trusted),
        SignatureCheck::Signed("Marta Costa".into())
    );
    // The trainee's list and page.
    let (_, me) = app.get_as(&ana, "/me").await;
    assert!(me.contains("released") && me.contains("<svg"));
}

async fn the_gradebook_shows_best_latest_flags_and_late(app: TestApp) {
    let a = app.academy().await;
    let heavy = attempt_file("depth-drill", Persona::HeavyHand, 1, "Ana", ToolKind::Pen);
    let (_, v1) = app.upload(&a.ana, heavy, "").await;
    let (_, v2) = app.upload(&a.ana, ana_depth().to_string(), "").await;
    let synthetic = attempt_file(
        "spacing-drill",
        Persona::Clumper,
        1,
        "Bo",
        ToolKind::Synthetic,
    );
    let (_, v3) = app.upload(&a.bo, synthetic, "").await;
    let marta = app.sign_in("marta").await;
    let (status, html) = app.get_as(&marta, &format!("/courses/{}", a.course)).await;
    assert_eq!(status, StatusCode::OK);
    let best = format!(
        "best {:.1}",
        v2["total"]
            .as_f64()
            .unwrap()
            .max(v1["total"].as_f64().unwrap())
    );
    assert!(html.contains(&best), "{best}");
    assert!(html.contains(&format!("latest {:.1}", v2["total"].as_f64().unwrap())));
    assert!(html.contains("2 attempt(s)"));
    assert!(html.contains("flag synthetic") && html.contains("late"));
    // The CSV: a row per trainee and assignment.
    let csv = app
        .client
        .get(app.url(&format!("/courses/{}/gradebook.csv", a.course)))
        .header("cookie", &marta.cookie)
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1 + 2 * 2);
    assert!(csv.lines().any(|l| l.starts_with("SMP-1,bo,Bo,")
        && l.contains("synthetic")
        && l.ends_with(&format!(",{}", v3["id"]))));
    // Releasing a whole assignment.
    let r = app
        .post_form(
            &marta,
            &format!("/assignments/{}/release", a.depth),
            &[],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let list: serde_json::Value = app
        .client
        .get(app.url("/api/attempts"))
        .bearer_auth(&a.ana)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let states: Vec<&str> = list["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["released", "released"]);
    let (_, html) = app.get_as(&marta, &format!("/attempts/{}", v3["id"])).await;
    assert!(
        html.contains("submitted"),
        "the other assignment is untouched"
    );
}

async fn the_csv_is_formula_safe(app: TestApp) {
    let a = app.academy().await;
    smp_academy::admin::add_user(
        &app.state,
        smp_academy::domain::Role::Trainee,
        &smp_academy::domain::Username::parse("eve").unwrap(),
        &smp_academy::domain::ShownName::parse("=HYPERLINK(\"http://x\",\"y\")").unwrap(),
        None,
    )
    .await
    .unwrap();
    smp_academy::admin::enroll(
        &app.state,
        &smp_academy::domain::CourseCode::parse("SMP-1").unwrap(),
        &smp_academy::domain::Username::parse("eve").unwrap(),
    )
    .await
    .unwrap();
    let marta = app.sign_in("marta").await;
    let (_, csv) = app
        .get_as(&marta, &format!("/courses/{}/gradebook.csv", a.course))
        .await;
    let eve: Vec<&str> = csv.lines().filter(|l| l.contains(",eve,")).collect();
    assert_eq!(eve.len(), 2);
    for l in eve {
        assert!(
            l.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
            "{l}"
        );
    }
    // And the page escapes it.
    let (_, html) = app.get_as(&marta, &format!("/courses/{}", a.course)).await;
    assert!(html.contains("=HYPERLINK(&#34;http://x&#34;"));
}

async fn rescore_restores_the_servers_numbers(app: TestApp) {
    let a = app.academy().await;
    let (_, v) = app.upload(&a.ana, ana_depth().to_string(), "").await;
    let id = v["id"].as_i64().unwrap();
    let total = v["total"].as_f64().unwrap();
    sqlx::query("UPDATE attempts SET total = 1.5, passed = 0 WHERE id = $1")
        .bind(id)
        .execute(&app.state.db.pool)
        .await
        .unwrap();
    let report = smp_academy::admin::rescore(&app.state, None).await.unwrap();
    assert_eq!(report.attempts, 1);
    assert_eq!(report.changed.len(), 1);
    assert_eq!(report.changed[0].after, total);
    let v: serde_json::Value = app
        .client
        .get(app.url(&format!("/api/attempts/{id}")))
        .bearer_auth(&a.ana)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["total"].as_f64().unwrap(), total);
    assert_eq!(v["passed"], true);
    let again = smp_academy::admin::rescore(
        &app.state,
        Some(&smp_academy::domain::CourseCode::parse("SMP-1").unwrap()),
    )
    .await
    .unwrap();
    assert_eq!((again.attempts, again.changed.len()), (1, 0));
}

async fn instructors_list_their_courses_work_only(app: TestApp) {
    let a = app.academy().await;
    let (_, v) = app.upload(&a.ana, ana_depth().to_string(), "").await;
    let id = v["id"].as_i64().unwrap();
    let cy = attempt_file("depth-drill", Persona::Expert, 4, "Cy", ToolKind::Pen);
    let (s, _) = app.upload(&a.cy, cy, "").await;
    assert_eq!(s, StatusCode::CREATED);
    let get = |path: String| {
        let req = app.client.get(app.url(&path)).bearer_auth(&a.marta_token);
        async move {
            let r = req.send().await.unwrap();
            let status = r.status();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    // Marta's course: Ana's attempt; Ines's course: not found; no course: a clear 400.
    let (s, v) = get(format!("/api/attempts?course={}", a.course)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let list = v["attempts"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0]["id"].as_i64(), list[0]["trainee"].as_str()),
        (Some(id), Some("ana"))
    );
    let (s, _) = get(format!("/api/attempts?course={}", a.course + 1)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = get("/api/attempts".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("?course=ID"));
    let (_, v) = get("/api/assignments".into()).await;
    let courses: Vec<&str> = v["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["course"].as_str().unwrap())
        .collect();
    assert_eq!(
        courses,
        ["SMP-1", "SMP-1"],
        "only the courses Marta teaches"
    );
    // A comment pinned to a moment; a session out of range is refused.
    let marta = app.sign_in("marta").await;
    let r = app
        .post_form(
            &marta,
            &format!("/attempts/{id}/notes"),
            &[
                ("text", "Slow down here."),
                ("pin", "moment"),
                ("session", "1"),
                ("t_s", "12.5"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .post_form(
            &marta,
            &format!("/attempts/{id}/notes"),
            &[
                ("text", "x"),
                ("pin", "moment"),
                ("session", "9"),
                ("t_s", "1"),
            ],
            true,
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (_, html) = app.get_as(&marta, &format!("/attempts/{id}")).await;
    assert!(html.contains("Slow down here.") && html.contains("[signed by Marta Costa]"));
    assert_eq!(
        html.matches("class=\"note-text\"").count(),
        1,
        "the refused note is not stored"
    );
    // A new password ends the account's sessions.
    smp_academy::admin::set_password(
        &app.state,
        &smp_academy::domain::Username::parse("marta").unwrap(),
        smp_academy::domain::Password::new("another-long-password".into()).unwrap(),
    )
    .await
    .unwrap();
    let r = app
        .client
        .get(app.url("/courses"))
        .header("cookie", &marta.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "signed out");
    assert_eq!(r.headers()["location"], "/");
}

crate::on_both!(
    a_signed_note_is_seen_once_released,
    the_gradebook_shows_best_latest_flags_and_late,
    the_csv_is_formula_safe,
    rescore_restores_the_servers_numbers,
    instructors_list_their_courses_work_only,
);
