//! `smp-academy admin …` sets an academy up from nothing, as a script would.

use std::io::Write;
use std::process::{Command, Stdio};

fn run(data: &std::path::Path, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smp-academy"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("SMP_ACADEMY_DATABASE")
        .env_remove("SMP_ACADEMY_PASSWORD")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_academy_is_set_up_from_nothing_by_a_script() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = |args: &[&str], stdin: Option<&str>| {
        let (code, out, err) = run(d, args, stdin);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
        out
    };
    ok(
        &[
            "admin",
            "init",
            "--username",
            "boss",
            "--name",
            "The Admin",
            "--password-stdin",
        ],
        Some("admin-password\n"),
    );
    ok(
        &[
            "admin",
            "add-instructor",
            "--username",
            "marta",
            "--name",
            "Marta Costa",
            "--password-stdin",
        ],
        Some("marta-password\n"),
    );
    ok(
        &[
            "admin",
            "add-trainee",
            "--username",
            "ana",
            "--name",
            "Ana",
            "--password-stdin",
        ],
        Some("ana-password\n"),
    );
    let out = ok(
        &["admin", "add-trainee", "--username", "bo", "--name", "Bo"],
        None,
    );
    assert!(out.contains("no password"));
    ok(
        &[
            "admin",
            "add-course",
            "--code",
            "SMP-1",
            "--title",
            "Foundations",
        ],
        None,
    );
    ok(
        &[
            "admin",
            "teach",
            "--course",
            "SMP-1",
            "--instructor",
            "marta",
        ],
        None,
    );
    ok(
        &[
            "admin",
            "enroll",
            "--course",
            "SMP-1",
            "--trainee",
            "ana",
            "--trainee",
            "bo",
        ],
        None,
    );
    let out = ok(
        &[
            "admin",
            "assign",
            "--course",
            "SMP-1",
            "--level",
            "depth-drill",
            "--due",
            "2026-12-24",
            "--max-attempts",
            "3",
        ],
        None,
    );
    assert!(
        out.contains("due 2026-12-24 23:59 UTC, at most 3 attempts"),
        "{out}"
    );
    let out = ok(
        &[
            "admin",
            "assign",
            "--course",
            "SMP-1",
            "--level",
            "spacing-drill",
            "--due",
            "2026-12-24T09:30",
        ],
        None,
    );
    assert!(out.contains("until passed"), "{out}");
    let token = ok(
        &["admin", "token", "--user", "ana", "--label", "Ana's tablet"],
        None,
    );
    assert!(token.trim().starts_with("smpd_") && token.trim().len() == 5 + 64);
    let out = ok(&["admin", "revoke-tokens", "--user", "ana"], None);
    assert!(out.contains("1 token(s) of ana revoked"), "{out}");
    let out = ok(
        &[
            "admin",
            "set-password",
            "--username",
            "bo",
            "--password-stdin",
        ],
        Some("bo-password-1\n"),
    );
    assert!(out.contains("password of bo set"), "{out}");
    let keys = ok(&["admin", "trusted-keys"], None);
    assert!(keys.contains("Marta Costa") && keys.contains("ed25519:"));
    smp_core::signing::TrustedKeys::load(&d.join("trusted-keys.ron")).unwrap();
    // The instructor's secret key is readable by its owner only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::read_dir(d.join("keys"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path()
            .join("instructor.key");
        assert_eq!(
            std::fs::metadata(key).unwrap().permissions().mode() & 0o077,
            0
        );
    }
    // Refusals: bad input exits 2, a conflict 1; each says why.
    for (args, stdin, code, says) in [
        (
            vec![
                "admin",
                "init",
                "--username",
                "boss2",
                "--name",
                "X",
                "--password-stdin",
            ],
            Some("another-password\n"),
            1,
            "has an admin already",
        ),
        (
            vec!["admin", "add-trainee", "--username", "ana", "--name", "Ana"],
            None,
            1,
            "already has an account",
        ),
        (
            vec!["admin", "add-trainee", "--username", "a b", "--name", "X"],
            None,
            2,
            "not a user name",
        ),
        (
            vec![
                "admin",
                "add-trainee",
                "--username",
                "cy",
                "--name",
                "Cy",
                "--password-stdin",
            ],
            Some("short\n"),
            2,
            "8–1024 characters",
        ),
        (
            vec![
                "admin",
                "assign",
                "--course",
                "SMP-1",
                "--level",
                "nope",
                "--due",
                "2026-12-24",
            ],
            None,
            2,
            "no level with id",
        ),
        (
            vec![
                "admin",
                "assign",
                "--course",
                "SMP-1",
                "--level",
                "depth-drill",
                "--due",
                "someday",
            ],
            None,
            2,
            "YYYY-MM-DD",
        ),
        (
            vec!["admin", "enroll", "--course", "SMP-9", "--trainee", "ana"],
            None,
            2,
            "no course SMP-9",
        ),
        (
            vec!["admin", "teach", "--course", "SMP-1", "--instructor", "ana"],
            None,
            2,
            "is a trainee",
        ),
    ] {
        let (c, out, err) = run(d, &args, stdin);
        assert_eq!(c, code, "{args:?}: {out}{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // Rescoring an academy with nothing in it.
    let out = ok(&["rescore"], None);
    assert!(out.contains("0 attempt(s) rescored"), "{out}");
    // The help says how to start.
    let (c, out, _) = run(d, &["--help"], None);
    assert_eq!(c, 0);
    assert!(out.contains("serve") && out.contains("admin") && out.contains("rescore"));
}
