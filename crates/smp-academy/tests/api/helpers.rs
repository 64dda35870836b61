//! Spawning the academy for a test: on a random port, with a fresh data folder and database
//! each (SQLite in the folder; or a fresh PostgreSQL database when `SMP_ACADEMY_TEST_PG` gives
//! a server's URL), and attempt files made by the core's personas.

use std::sync::OnceLock;

use reqwest::StatusCode;
use smp_academy::domain::{CourseCode, Password, Policy, Role, ShownName, Username};
use smp_academy::startup::AppState;
use smp_academy::{Application, Settings, admin};
use smp_core::Attempt;
use smp_core::attempt::ToolKind;
use smp_core::persona::Persona;

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file in the test's data folder.
    Sqlite,
    /// A fresh database on the server `SMP_ACADEMY_TEST_PG` names.
    Postgres,
}

/// The PostgreSQL server's URL for tests, if one is given.
pub fn pg_url() -> Option<String> {
    std::env::var("SMP_ACADEMY_TEST_PG")
        .ok()
        .filter(|s| !s.is_empty())
}

/// A fresh database on the test PostgreSQL server: its URL.
pub async fn fresh_pg_database() -> String {
    let base = pg_url().expect("SMP_ACADEMY_TEST_PG");
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
        .await
        .expect("connecting to the test PostgreSQL");
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).unwrap();
    let name: String = format!(
        "smp_test_{}",
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    // A name made here of hex digits: nothing from outside goes into this statement.
    sqlx::Executor::execute(
        &mut conn,
        sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
    )
    .await
    .expect("creating a test database");
    // postgres://user@host:port/db?params → the same with the new database.
    let (head, params) = match base.split_once('?') {
        Some((h, p)) => (h.to_string(), format!("?{p}")),
        None => (base.clone(), String::new()),
    };
    let root = match head.rfind('/') {
        Some(i) if i > head.find("//").map_or(0, |j| j + 1) => head[..i].to_string(),
        _ => head,
    };
    format!("{root}/{name}{params}")
}

/// A running academy.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Its state (the same database and data folder).
    pub state: AppState,
    /// A client that follows no redirects and keeps no cookies.
    pub client: reqwest::Client,
    /// Its data folder (removed at the end).
    pub dir: tempfile::TempDir,
}

/// What [`TestApp::academy`] set up.
pub struct Academy {
    /// Ana's device token (trainee in SMP-1).
    pub ana: String,
    /// Bo's device token (trainee in SMP-1).
    pub bo: String,
    /// Cy's device token (trainee in SMP-2, taught by Ines).
    pub cy: String,
    /// Marta's device token (an instructor: may not submit).
    pub marta_token: String,
    /// The depth drill in SMP-1: at most 2 attempts.
    pub depth: i64,
    /// The spacing drill in SMP-1: until passed, due in the past.
    pub spacing: i64,
    /// SMP-1's id.
    pub course: i64,
}

/// Passwords of the test academy's accounts.
pub const PASSWORD: &str = "a-long-test-password";

impl TestApp {
    /// An academy on `backend` with the default limits, or `None` (with a line saying so) when
    /// PostgreSQL is asked for and none is given.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    /// As [`TestApp::spawn`], with settings changed by `tweak`.
    pub async fn spawn_with(
        backend: Backend,
        tweak: impl FnOnce(&mut Settings),
    ) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut settings = Settings::new(dir.path());
        settings.listen = "127.0.0.1:0".parse().unwrap();
        match backend {
            Backend::Sqlite => {}
            Backend::Postgres => {
                if pg_url().is_none() {
                    println!("skipped: no PostgreSQL (set SMP_ACADEMY_TEST_PG to a server's URL)");
                    return None;
                }
                settings.database_url = Some(fresh_pg_database().await);
            }
        }
        tweak(&mut settings);
        let app = Application::build(settings)
            .await
            .expect("the academy starts");
        let addr = app.local_addr().unwrap();
        let state = app.state().clone();
        tokio::spawn(app.run_until(std::future::pending()));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Some(TestApp {
            base: format!("http://{addr}"),
            state,
            client,
            dir,
        })
    }

    /// A URL on the academy.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The test academy: admin `boss`; instructors `marta` (SMP-1) and `ines` (SMP-2); trainees
    /// `ana` and `bo` (SMP-1) and `cy` (SMP-2), all with [`PASSWORD`]; in SMP-1 the depth drill
    /// (at most 2 attempts, due in 2099) and the spacing drill (until passed, due in 2000); in
    /// SMP-2 the depth drill.
    pub async fn academy(&self) -> Academy {
        let s = &self.state;
        let u = |n: &str| Username::parse(n).unwrap();
        let n = |n: &str| ShownName::parse(n).unwrap();
        let p = || Some(Password::new(PASSWORD.into()).unwrap());
        admin::init(s, &u("boss"), &n("The Admin"), p().unwrap())
            .await
            .unwrap();
        admin::add_user(s, Role::Instructor, &u("marta"), &n("Marta Costa"), p())
            .await
            .unwrap();
        admin::add_user(s, Role::Instructor, &u("ines"), &n("Ines Ng"), p())
            .await
            .unwrap();
        for t in ["ana", "bo", "cy"] {
            let name = format!("{}{}", t[..1].to_uppercase(), &t[1..]);
            admin::add_user(s, Role::Trainee, &u(t), &n(&name), p())
                .await
                .unwrap();
        }
        let c1 = CourseCode::parse("SMP-1").unwrap();
        let c2 = CourseCode::parse("SMP-2").unwrap();
        let course = admin::add_course(s, &c1, &n("Foundations")).await.unwrap();
        admin::add_course(s, &c2, &n("Evening class"))
            .await
            .unwrap();
        admin::teach(s, &c1, &u("marta")).await.unwrap();
        admin::teach(s, &c2, &u("ines")).await.unwrap();
        admin::enroll(s, &c1, &u("ana")).await.unwrap();
        admin::enroll(s, &c1, &u("bo")).await.unwrap();
        admin::enroll(s, &c2, &u("cy")).await.unwrap();
        let far = smp_academy::time::parse_due("2099-12-31").unwrap();
        let past = smp_academy::time::parse_due("2000-01-01").unwrap();
        let depth = admin::assign(s, &c1, "depth-drill", None, far, Policy::AtMost(2))
            .await
            .unwrap();
        let spacing = admin::assign(s, &c1, "spacing-drill", None, past, Policy::UntilPassed)
            .await
            .unwrap();
        admin::assign(s, &c2, "depth-drill", None, far, Policy::AtMost(5))
            .await
            .unwrap();
        Academy {
            ana: admin::make_token(s, &u("ana"), "tablet").await.unwrap(),
            bo: admin::make_token(s, &u("bo"), "tablet").await.unwrap(),
            cy: admin::make_token(s, &u("cy"), "tablet").await.unwrap(),
            marta_token: admin::make_token(s, &u("marta"), "laptop").await.unwrap(),
            depth,
            spacing,
            course,
        }
    }

    /// Uploads `body` as an attempt file with a device token.
    pub async fn upload(
        &self,
        token: &str,
        body: impl Into<reqwest::Body>,
        query: &str,
    ) -> (StatusCode, serde_json::Value) {
        let r = self
            .client
            .post(self.url(&format!("/api/attempts{query}")))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(body)
            .send()
            .await
            .expect("the upload is answered");
        let status = r.status();
        let text = r.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }

    /// A browser session of `username`: its cookie header value and its CSRF proof.
    pub async fn sign_in(&self, username: &str) -> Session {
        let page = self.client.get(self.url("/")).send().await.unwrap();
        let signin_cookie = cookie_of(&page, "smp_signin").expect("a sign-in cookie");
        let html = page.text().await.unwrap();
        let csrf = hidden_csrf(&html).expect("a CSRF field");
        let r = self
            .client
            .post(self.url("/sign-in"))
            .header("cookie", format!("smp_signin={signin_cookie}"))
            .form(&[
                ("username", username),
                ("password", PASSWORD),
                ("csrf", &csrf),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{username} signs in");
        let session = cookie_of(&r, "smp_session").expect("a session cookie");
        let cookie = format!("smp_session={session}");
        let home = self
            .client
            .get(self.url("/courses"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let me = self
            .client
            .get(self.url("/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let html = if home.status() == StatusCode::OK {
            home.text().await.unwrap()
        } else {
            me.text().await.unwrap()
        };
        Session {
            cookie,
            csrf: hidden_csrf(&html).expect("the page's CSRF proof"),
        }
    }

    /// GET as a session.
    pub async fn get_as(&self, s: &Session, path: &str) -> (StatusCode, String) {
        let r = self
            .client
            .get(self.url(path))
            .header("cookie", &s.cookie)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.text().await.unwrap())
    }

    /// POST a form as a session (its CSRF proof added unless `csrf` is false).
    pub async fn post_form(
        &self,
        s: &Session,
        path: &str,
        fields: &[(&str, &str)],
        csrf: bool,
    ) -> reqwest::Response {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        if csrf {
            form.push(("csrf", &s.csrf));
        }
        self.client
            .post(self.url(path))
            .header("cookie", &s.cookie)
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Attempts stored.
    pub async fn attempts_stored(&self) -> i64 {
        sqlx::Row::try_get(
            &sqlx::query("SELECT COUNT(*) AS n FROM attempts")
                .fetch_one(&self.state.db.pool)
                .await
                .unwrap(),
            "n",
        )
        .unwrap()
    }

    /// Files kept under `blobs/` and left in `tmp/`.
    pub fn files_kept(&self) -> (usize, usize) {
        let count = |d: &str| walk(&self.dir.path().join(d));
        (count("blobs"), count("tmp"))
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |rd| {
        rd.flatten()
            .map(|e| {
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

/// A browser session.
pub struct Session {
    /// The `Cookie` header value.
    pub cookie: String,
    /// The session's CSRF proof.
    pub csrf: String,
}

/// A cookie set by a response.
pub fn cookie_of(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            let (pair, _) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = pair.split_once('=')?;
            (k == name).then(|| val.to_string())
        })
}

/// The first hidden CSRF field of a page.
pub fn hidden_csrf(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(html[at..].split('"').next()?.to_string())
}

/// An attempt by `persona` at `level` (seeded), as its file's bytes; `tool` as the file claims.
pub fn attempt_file(
    level: &str,
    persona: Persona,
    seed: u64,
    trainee: &str,
    tool: ToolKind,
) -> String {
    let level = smp_core::Level::by_id(level, None).unwrap();
    let mut a = smp_core::simulate::simulate(&level, persona, seed, trainee, "2026-11-21");
    a.device.tool = tool;
    a.to_ron()
}

/// The expert's depth drill by a pen, named Ana, as bytes (made once).
pub fn ana_depth() -> &'static str {
    static F: OnceLock<String> = OnceLock::new();
    F.get_or_init(|| attempt_file("depth-drill", Persona::Expert, 1, "Ana", ToolKind::Pen))
}

/// A full-head attempt (the expert on `full-head`, about 15 MB), made once.
pub fn full_head() -> &'static str {
    static F: OnceLock<String> = OnceLock::new();
    F.get_or_init(|| attempt_file("full-head", Persona::Expert, 1, "Ana", ToolKind::Pen))
}

/// An attempt parsed back from its bytes.
pub fn parse(text: &str) -> Attempt {
    Attempt::parse(std::path::Path::new("t.ron"), text).unwrap()
}

/// Runs each test body on SQLite, and on PostgreSQL when one is given.
#[macro_export]
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(app) = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
