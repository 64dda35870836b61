//! The academy in a real browser: headless Chromium driven through WebDriver (chromedriver and
//! fantoccini). Sign in (and a wrong password refused); an instructor opens a submitted attempt
//! from the gradebook and writes a note signed with their key; the trainee does not see it
//! before it is released, nor another trainee's attempt at all; the instructor releases it;
//! the trainee then sees the signed note.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them). Without them the
//! test says so and passes, unless `SMP_ACADEMY_BROWSER_TESTS=require` (as `.ci/run` sets).
//! `SMP_ACADEMY_CHROMIUM` and `SMP_ACADEMY_CHROMEDRIVER` name other binaries;
//! `SMP_ACADEMY_SCREENSHOTS=DIR` keeps screenshots of the gradebook, the attempt's review page,
//! the trainee's page and the released feedback as the trainee sees it.

#[allow(
    dead_code,
    reason = "the API tests' helpers, of which this binary uses a few"
)]
#[path = "api/helpers.rs"]
mod helpers;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt as _;
use helpers::{Backend, PASSWORD, TestApp};
use smp_core::attempt::ToolKind;
use smp_core::persona::Persona;

/// A program on the PATH (or the one an environment variable names).
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// chromedriver, running until dropped (ended by its process id).
struct Driver {
    child: Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_driver(chromedriver: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let start = Instant::now();
    loop {
        if let Ok(r) = reqwest::get(format!("{}/status", driver.url)).await
            && r.status().is_success()
        {
            return driver;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "chromedriver answers within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn browser(driver: &Driver, chromium: &Path, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), "chrome".into());
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless",
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--window-size=1280,1400",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a Chromium session")
}

const WAIT: Duration = Duration::from_secs(30);

/// The text of the element `css`, once it is there.
async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} on the page: {e}"))
        .text()
        .await
        .unwrap()
}

/// The visible text of the whole page.
async fn page_text(c: &Client) -> String {
    text_of(c, "body").await
}

/// Signs in through the form; the page it lands on is waited for with `then`.
async fn sign_in(c: &Client, base: &str, username: &str, password: &str, then: &str) {
    c.goto(&format!("{base}/")).await.unwrap();
    c.find(Locator::Css("#username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Css("#password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css("#sign-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(then))
        .await
        .unwrap_or_else(|e| panic!("{username} lands on a page with {then}: {e}"));
}

/// Signs out with the header's button, and waits for the sign-in page.
async fn sign_out(c: &Client) {
    c.find(Locator::Css("form.signout button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#sign-in"))
        .await
        .unwrap();
}

async fn screenshot(c: &Client, name: &str) {
    if let Some(dir) = std::env::var_os("SMP_ACADEMY_SCREENSHOTS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }
}

async fn review_and_release(c: &Client, app: &TestApp) {
    let base = app.base.as_str();
    let a = app.academy().await;
    let (s, ana) = app
        .upload(&a.ana, helpers::ana_depth().to_string(), "")
        .await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{ana}");
    let ana_id = ana["id"].as_i64().unwrap();
    let bo_file = helpers::attempt_file("depth-drill", Persona::HeavyHand, 3, "Bo", ToolKind::Pen);
    let (s, bo) = app.upload(&a.bo, bo_file, "").await;
    assert_eq!(s, reqwest::StatusCode::CREATED, "{bo}");
    let bo_id = bo["id"].as_i64().unwrap();
    // A wrong password is refused on the page.
    sign_in(c, base, "marta", "not-her-password", "#signin-error").await;
    // The instructor: courses, the gradebook, the attempt from its cell.
    sign_in(c, base, "marta", PASSWORD, "a[href^='/courses/']").await;
    c.find(Locator::Css(&format!("a[href='/courses/{}']", a.course)))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let book = text_of(c, "#gradebook").await;
    assert!(
        book.contains("Ana") && book.contains("Bo") && book.contains("submitted"),
        "{book}"
    );
    screenshot(c, "gradebook").await;
    c.find(Locator::Css(&format!(
        "#gradebook a[href='/attempts/{ana_id}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let criteria = text_of(c, "#criteria").await;
    assert!(
        criteria.contains("depth") && criteria.contains("spacing"),
        "{criteria}"
    );
    assert_eq!(text_of(c, "#state").await, "submitted");
    assert!(text_of(c, "#no-notes").await.contains("No comments yet"));
    let note = "Keep the needle square to the skin at the temples.";
    c.find(Locator::Css("#note-text"))
        .await
        .unwrap()
        .send_keys(note)
        .await
        .unwrap();
    c.find(Locator::Css("#add-note"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let comments = text_of(c, "#comments").await;
    assert!(comments.contains(note), "{comments}");
    assert!(
        comments.contains("[signed by Marta Costa]"),
        "the note is signed: {comments}"
    );
    assert_eq!(
        text_of(c, "#state").await,
        "in review",
        "writing a note starts the review"
    );
    sign_out(c).await;
    // The trainee, before the release: the attempt, no note; another's attempt, nothing.
    sign_in(c, base, "ana", PASSWORD, "#attempts").await;
    c.goto(&format!("{base}/attempts/{ana_id}")).await.unwrap();
    assert!(
        text_of(c, "#not-released")
            .await
            .contains("once it is released")
    );
    let text = page_text(c).await;
    assert!(!text.contains(note), "no feedback before the release");
    c.goto(&format!("{base}/attempts/{bo_id}")).await.unwrap();
    let text = page_text(c).await;
    assert!(text.contains("404 Not Found"), "{text}");
    assert!(!text.contains("Bo") && c.find(Locator::Css("#criteria")).await.is_err());
    c.goto(&format!("{base}/attempts/{bo_id}/file"))
        .await
        .unwrap();
    assert!(page_text(c).await.contains("404 Not Found"), "nor its file");
    c.goto(&format!("{base}/me")).await.unwrap();
    sign_out(c).await;
    // The instructor releases it.
    sign_in(c, base, "marta", PASSWORD, "a[href^='/courses/']").await;
    c.goto(&format!("{base}/attempts/{ana_id}")).await.unwrap();
    c.find(Locator::Css("#release"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//span[@id='state' and normalize-space(.)='released']",
        ))
        .await
        .expect("the attempt is released");
    screenshot(c, "attempt").await;
    sign_out(c).await;
    // The trainee now sees the signed note, from their page.
    sign_in(c, base, "ana", PASSWORD, "#attempts").await;
    let mine = text_of(c, "#attempts").await;
    assert!(
        mine.contains("released") && mine.contains("feedback"),
        "{mine}"
    );
    screenshot(c, "trainee").await;
    c.find(Locator::Css(&format!(
        "#attempts a[href='/attempts/{ana_id}#notes']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let comments = text_of(c, "#comments").await;
    assert!(
        comments.contains(note) && comments.contains("[signed by Marta Costa]"),
        "{comments}"
    );
    screenshot(c, "feedback").await;
    sign_out(c).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_instructor_reviews_and_a_trainee_sees_the_feedback() {
    let required = std::env::var("SMP_ACADEMY_BROWSER_TESTS").is_ok_and(|v| v == "require");
    let chromium = program(
        "SMP_ACADEMY_CHROMIUM",
        &["chromium", "chromium-browser", "google-chrome"],
    );
    let chromedriver = program("SMP_ACADEMY_CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(chromedriver)) = (chromium, chromedriver) else {
        assert!(
            !required,
            "SMP_ACADEMY_BROWSER_TESTS=require but chromium or chromedriver is missing"
        );
        println!("skipped: no chromium and chromedriver (Debian: chromium, chromium-driver)");
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let profile = tempfile::tempdir().unwrap();
    let driver = start_driver(&chromedriver).await;
    let client = browser(&driver, &chromium, profile.path()).await;
    // The browser is closed (and Chromium with it) whether the steps pass or not.
    let outcome = std::panic::AssertUnwindSafe(review_and_release(&client, &app))
        .catch_unwind()
        .await;
    let _ = client.close().await;
    drop(driver);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
