//! Signing in and out, sessions, cookies, CSRF, and who may see what.

use reqwest::StatusCode;

use crate::helpers::{PASSWORD, TestApp, cookie_of, hidden_csrf};

async fn root_answers_with_the_sign_in_page(app: TestApp) {
    let r = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(r.headers()["x-frame-options"], "DENY");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("Sign in to the academy"));
    assert!(html.contains("name=\"password\"") && hidden_csrf(&html).is_some());
    // Pages need a session: without one, the browser is sent to sign in.
    let r = app.client.get(app.url("/courses/1")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/");
}

async fn signing_in_takes_the_password_and_the_forms_proof(app: TestApp) {
    app.academy().await;
    let page = app.client.get(app.url("/")).send().await.unwrap();
    let proof = cookie_of(&page, "smp_signin").unwrap();
    let csrf = hidden_csrf(&page.text().await.unwrap()).unwrap();
    let post = |fields: Vec<(&'static str, String)>, cookie: Option<String>| {
        let mut req = app.client.post(app.url("/sign-in")).form(&fields);
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        req.send()
    };
    // A wrong password, and no such account: the same answer.
    for who in ["ana", "nobody"] {
        let r = post(
            vec![
                ("username", who.into()),
                ("password", "wrong-password".into()),
                ("csrf", csrf.clone()),
            ],
            Some(format!("smp_signin={proof}")),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        assert!(cookie_of(&r, "smp_session").is_none());
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Wrong user name or password.")
        );
    }
    // No proof, or a proof that is not the cookie's: refused before the password is looked at.
    for (cookie, form_csrf) in [
        (None, csrf.clone()),
        (Some(format!("smp_signin={proof}")), "0".repeat(64)),
        (Some("smp_signin=".to_string()), String::new()),
    ] {
        let r = post(
            vec![
                ("username", "ana".into()),
                ("password", PASSWORD.into()),
                ("csrf", form_csrf),
            ],
            cookie,
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(cookie_of(&r, "smp_session").is_none());
    }
    let r = post(
        vec![
            ("username", "ANA".into()),
            ("password", PASSWORD.into()),
            ("csrf", csrf.clone()),
        ],
        Some(format!("smp_signin={proof}")),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("smp_session="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"),
        "{set}"
    );
    // The session is stored as a hash, never as the cookie's value.
    let value = cookie_of(&r, "smp_session").unwrap();
    let stored: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE id_hash = $1")
            .bind(&value)
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap(),
        "n",
    )
    .unwrap();
    assert_eq!(stored, 0);
    let cookie = format!("smp_session={value}");
    let home = app
        .client
        .get(app.url("/home"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(home.headers()["location"], "/me");
    let me = app
        .client
        .get(app.url("/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    let html = me.text().await.unwrap();
    assert!(html.contains("My work"));
    let session_csrf = hidden_csrf(&html).unwrap();
    // Signing out needs the session's proof too.
    let r = app
        .client
        .post(app.url("/sign-out"))
        .header("cookie", &cookie)
        .form(&[("csrf", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(app.url("/sign-out"))
        .header("cookie", &cookie)
        .form(&[("csrf", session_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let me = app
        .client
        .get(app.url("/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::SEE_OTHER, "the session is gone");
}

async fn every_form_needs_its_csrf_proof(app: TestApp) {
    let a = app.academy().await;
    let (s, v) = app
        .upload(&a.ana, crate::helpers::ana_depth().to_string(), "")
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    let marta = app.sign_in("marta").await;
    let ana = app.sign_in("ana").await;
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/attempts/{id}/notes"),
            vec![("text", "a note"), ("pin", "attempt")],
        ),
        (
            format!("/attempts/{id}/override"),
            vec![("total", "75"), ("passed", "yes"), ("reason", "lag")],
        ),
        (format!("/attempts/{id}/state"), vec![("to", "released")]),
        (format!("/assignments/{}/release", a.depth), vec![]),
    ];
    for (path, fields) in &forms {
        for csrf in [None, Some("0".repeat(64))] {
            let mut f = fields.clone();
            if let Some(c) = &csrf {
                f.push(("csrf", c));
            }
            let r = app.post_form(&marta, path, &f, false).await;
            assert_eq!(
                r.status(),
                StatusCode::FORBIDDEN,
                "{path} without its proof"
            );
            assert!(r.text().await.unwrap().contains("CSRF"));
        }
    }
    // Another session's proof is not this one's.
    let r = app
        .client
        .post(app.url(&format!("/attempts/{id}/state")))
        .header("cookie", &marta.cookie)
        .form(&[("to", "released"), ("csrf", ana.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // The browser's upload form too (its csrf part comes first), and a session's raw upload
    // (the proof in X-CSRF-Token).
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::text(crate::helpers::ana_depth().to_string()).file_name("a.ron"),
    );
    let r = app
        .client
        .post(app.url("/api/attempts"))
        .header("cookie", &ana.cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .client
        .post(app.url("/api/attempts"))
        .header("cookie", &ana.cookie)
        .body(crate::helpers::ana_depth().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Nothing changed.
    let (_, v) = app.get_as(&marta, &format!("/attempts/{id}")).await;
    assert!(v.contains("No comments yet."));
    assert_eq!(app.attempts_stored().await, 1);
}

async fn a_trainee_cannot_open_anothers_attempt(app: TestApp) {
    let a = app.academy().await;
    let (s, v) = app
        .upload(&a.ana, crate::helpers::ana_depth().to_string(), "")
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_i64().unwrap();
    // Bo (same course) and Cy (another) get "not found", as for an attempt that does not exist.
    for token in [&a.bo, &a.cy] {
        for path in [
            format!("/api/attempts/{id}"),
            format!("/api/attempts/{id}/file"),
            "/api/attempts/999999".to_string(),
        ] {
            let r = app
                .client
                .get(app.url(&path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        }
    }
    let bo = app.sign_in("bo").await;
    for path in [
        format!("/attempts/{id}"),
        format!("/attempts/{id}/picture.png"),
        format!("/attempts/{id}/file"),
    ] {
        let (status, _) = app.get_as(&bo, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // An instructor of another course neither; a trainee sees no gradebook.
    let ines = app.sign_in("ines").await;
    assert_eq!(
        app.get_as(&ines, &format!("/attempts/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_as(&ines, &format!("/courses/{}", a.course)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_as(&bo, &format!("/courses/{}", a.course)).await.0,
        StatusCode::NOT_FOUND
    );
    // Ana and her instructor do.
    let ana = app.sign_in("ana").await;
    assert_eq!(
        app.get_as(&ana, &format!("/attempts/{id}")).await.0,
        StatusCode::OK
    );
    let marta = app.sign_in("marta").await;
    assert_eq!(
        app.get_as(&marta, &format!("/attempts/{id}")).await.0,
        StatusCode::OK
    );
    let list = app
        .client
        .get(app.url("/api/attempts"))
        .bearer_auth(&a.bo)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = list.json().await.unwrap();
    assert_eq!(
        v["attempts"].as_array().unwrap().len(),
        0,
        "Bo's list holds only Bo's"
    );
}

async fn the_api_wants_a_valid_token(app: TestApp) {
    let a = app.academy().await;
    for auth in [
        None,
        Some("Bearer nope"),
        Some("Bearer smpd_0000"),
        Some("Basic YW5hOnB3"),
    ] {
        for (method, path) in [
            ("POST", "/api/attempts"),
            ("GET", "/api/attempts"),
            ("GET", "/api/me"),
            ("GET", "/api/attempts/1"),
        ] {
            let mut req = app.client.request(method.parse().unwrap(), app.url(path));
            if let Some(h) = auth {
                req = req.header("authorization", h);
            }
            if method == "POST" {
                req = req.body(crate::helpers::ana_depth().to_string());
            }
            let r = req.send().await.unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNAUTHORIZED,
                "{method} {path} with {auth:?}"
            );
            assert_eq!(r.headers()["www-authenticate"], "Bearer");
            let v: serde_json::Value = r.json().await.unwrap();
            assert!(v["error"].as_str().unwrap().contains("token"));
        }
    }
    assert_eq!(app.attempts_stored().await, 0);
    // A revoked token is no token.
    let me = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth(&a.bo)
        .send()
        .await
        .unwrap();
    assert_eq!(
        me.json::<serde_json::Value>().await.unwrap()["username"],
        "bo"
    );
    smp_academy::admin::revoke_tokens(
        &app.state,
        &smp_academy::domain::Username::parse("bo").unwrap(),
    )
    .await
    .unwrap();
    let me = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth(&a.bo)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

crate::on_both!(
    root_answers_with_the_sign_in_page,
    signing_in_takes_the_password_and_the_forms_proof,
    every_form_needs_its_csrf_proof,
    a_trainee_cannot_open_anothers_attempt,
    the_api_wants_a_valid_token,
);
