//! kill -9 in the middle of uploads loses no submission the server had acknowledged. The real
//! program runs as a child process; its log never holds a token or a password.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

use crate::helpers::{Backend, pg_url};
use crate::load::{crowd, mixed_files};

struct Server {
    child: Child,
    base: String,
    log: std::sync::Arc<std::sync::Mutex<String>>,
}

fn start(data: &std::path::Path, database: Option<&str>) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_smp-academy"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env("NO_COLOR", "1");
    match database {
        Some(url) => cmd.env("SMP_ACADEMY_DATABASE", url),
        None => cmd.env_remove("SMP_ACADEMY_DATABASE"),
    };
    let mut child = cmd.spawn().expect("the server starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let log2 = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let addr = line[at + "listening on http://".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_string();
                let _ = tx.send(addr);
            }
            let mut l = log2.lock().unwrap();
            l.push_str(&line);
            l.push('\n');
        }
    });
    let base = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it listens");
    Server { child, base, log }
}

async fn kill_nine_loses_nothing_acknowledged(backend: Backend) {
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            if pg_url().is_none() {
                println!("skipped: no PostgreSQL (set SMP_ACADEMY_TEST_PG to a server's URL)");
                return;
            }
            Some(crate::helpers::fresh_pg_database().await)
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let mut settings = smp_academy::Settings::new(dir.path());
    settings.database_url = database.clone();
    const N: usize = 32;
    let tokens = {
        let state = smp_academy::startup::AppState::open(settings)
            .await
            .unwrap();
        let t = crowd(&state, N).await;
        state.db.pool.close().await;
        t
    };
    let files = tokio::task::spawn_blocking(|| mixed_files(N))
        .await
        .unwrap();
    let mut server = start(dir.path(), database.as_deref());
    let client = reqwest::Client::new();
    let (ack_tx, mut ack_rx) = tokio::sync::mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    for (i, (token, file)) in tokens
        .iter()
        .cloned()
        .zip(files.iter().cloned())
        .enumerate()
    {
        let (client, base, ack) = (client.clone(), server.base.clone(), ack_tx.clone());
        tasks.push(tokio::spawn(async move {
            let r = client
                .post(format!("http://{base}/api/attempts"))
                .bearer_auth(&token)
                .body(file)
                .send()
                .await;
            if let Ok(r) = r
                && r.status() == StatusCode::CREATED
                && let Ok(v) = r.json::<serde_json::Value>().await
            {
                let _ = ack.send((i, v["id"].as_i64().unwrap()));
            }
        }));
    }
    drop(ack_tx);
    // Kill it hard once a third are acknowledged (the rest are in flight).
    let mut acked = Vec::new();
    while acked.len() < N / 3 {
        match tokio::time::timeout(Duration::from_secs(120), ack_rx.recv()).await {
            Ok(Some(a)) => acked.push(a),
            _ => break,
        }
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    for t in tasks {
        let _ = t.await;
    }
    while let Ok(a) = ack_rx.try_recv() {
        acked.push(a);
    }
    assert!(
        !acked.is_empty() && acked.len() < N,
        "killed in the middle: {} of {N} acknowledged",
        acked.len()
    );
    let log = server.log.lock().unwrap().clone();
    // Started again on the same data: every acknowledged attempt is there, byte for byte.
    let mut again = start(dir.path(), database.as_deref());
    for (i, id) in &acked {
        let r = client
            .get(format!("http://{}/api/attempts/{id}/file", again.base))
            .bearer_auth(&tokens[*i])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "attempt {id} survived");
        assert_eq!(
            r.bytes().await.unwrap(),
            files[*i].as_bytes(),
            "attempt {id} whole"
        );
    }
    // And the ones cut off can be sent again.
    let r = client
        .post(format!("http://{}/api/attempts", again.base))
        .bearer_auth(&tokens[N - 1])
        .body(files[N - 1].clone())
        .send()
        .await
        .unwrap();
    assert!(r.status() == StatusCode::CREATED || r.status() == StatusCode::OK);
    again.child.kill().unwrap();
    again.child.wait().unwrap();
    let log = log + &again.log.lock().unwrap();
    assert!(log.contains("attempt") && log.contains("stored"), "{log}");
    for t in &tokens {
        assert!(!log.contains(t.as_str()), "a token in the log");
    }
    assert!(!log.contains(crate::helpers::PASSWORD));
    println!(
        "killed with {} of {N} acknowledged; all there after the restart",
        acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_nine_loses_nothing_acknowledged_on_sqlite() {
    kill_nine_loses_nothing_acknowledged(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_nine_loses_nothing_acknowledged_on_postgres() {
    kill_nine_loses_nothing_acknowledged(Backend::Postgres).await;
}
