//! Long commands show progress on a terminal and nothing extra anywhere else: `grade`,
//! `simulate`, `render` and `report` run once with standard error on a pseudo-terminal and once
//! with it on a pipe. On the pipe, standard error is exactly the lines the command always
//! printed; on the terminal, the bar names its stage and counts; standard output is the same
//! byte for byte either way.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::support::{smp, temp_dir, text};

/// Runs `smp-trainer args` with standard error on a new pseudo-terminal (standard output on a
/// pipe): returns standard output and everything written to the terminal.
#[cfg(unix)]
fn on_a_terminal(args: &[&str]) -> (Output, String) {
    use std::io::Read;
    use std::os::fd::{FromRawFd, OwnedFd};

    let (mut master, mut slave) = (0, 0);
    // Safety: openpty writes two new descriptors into the two integers; the null pointers ask
    // for no name, no settings and no window size.
    let rc = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(rc, 0, "openpty: {}", std::io::Error::last_os_error());
    // Safety: both descriptors were just opened and nothing else owns them.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut master = std::fs::File::from(master);
    let mut command = Command::new(env!("CARGO_BIN_EXE_smp-trainer"));
    command
        .args(args)
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(slave));
    let child = command.spawn().expect("run smp-trainer");
    // Our copy of the terminal's other end goes, so reading ends when the child's does.
    drop(command);
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        // Linux answers EIO once the last writer has gone: that is the end.
        while let Ok(n) = master.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    let out = child.wait_with_output().expect("wait for smp-trainer");
    let seen = reader.join().expect("terminal reader");
    (out, text(&seen))
}

fn simulate_args<'a>(out: &'a str, level: &'a str, seed: &'a str) -> Vec<&'a str> {
    vec![
        "simulate",
        "--level",
        level,
        "--persona",
        "expert",
        "--seed",
        seed,
        "--out",
        out,
    ]
}

/// No bar, no carriage return, no escape sequence.
fn assert_plain(stderr: &[u8], expected: &str, what: &str) {
    let err = text(stderr);
    assert_eq!(err, expected, "{what}: standard error on a pipe");
}

/// The bar was drawn on the terminal and shows each of `words` (stages, units).
fn assert_bar(seen: &str, words: &[&str], what: &str) {
    for word in words {
        assert!(
            seen.contains(word),
            "{what}: the terminal should show {word:?}: {seen:?}"
        );
    }
    // Drawn in place and cleared: the cursor goes back over it.
    assert!(
        seen.contains('\r') || seen.contains('\u{1b}'),
        "{what}: {seen:?}"
    );
}

#[cfg(unix)]
#[test]
fn long_commands_show_progress_on_a_terminal_and_nothing_extra_on_a_pipe() {
    let dir = temp_dir("progress");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    let class = dir.join("class");
    std::fs::create_dir_all(&class).unwrap();

    // simulate: the same attempt either way; its one line on stdout, nothing on stderr.
    let (piped_file, tty_file) = (path("class/a.ron"), path("b.ron"));
    let piped = smp(&simulate_args(&piped_file, "spacing-drill", "4"));
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert_plain(&piped.stderr, "", "simulate");
    let (tty, seen) = on_a_terminal(&simulate_args(&tty_file, "spacing-drill", "4"));
    assert!(tty.status.success(), "{seen}");
    assert_bar(&seen, &["placing", "impressions", "scoring"], "simulate");
    assert_eq!(
        std::fs::read(&piped_file).unwrap(),
        std::fs::read(&tty_file).unwrap(),
        "simulate writes the same attempt with or without a terminal"
    );
    assert_eq!(
        text(&piped.stdout).replace(&piped_file, "FILE"),
        text(&tty.stdout).replace(&tty_file, "FILE")
    );
    for seed in ["5", "6"] {
        let o = smp(&simulate_args(
            &path(&format!("class/{seed}.ron")),
            "depth-drill",
            seed,
        ));
        assert!(o.status.success());
    }

    // grade: the table on stdout, the one summary line on stderr.
    let class_dir = class.to_str().unwrap();
    let piped = smp(&["grade", class_dir]);
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert_plain(
        &piped.stderr,
        &format!(
            "{class_dir}: 3 attempts graded, 0 could not be read, 0 do not verify, 3 made by a synthetic trainee, 0 overrides not signed by a trusted instructor\n"
        ),
        "grade",
    );
    let (tty, seen) = on_a_terminal(&["grade", class_dir]);
    assert!(tty.status.success(), "{seen}");
    assert_bar(&seen, &["grading", "3/3 files"], "grade");
    assert_eq!(piped.stdout, tty.stdout, "grade's table");
    assert!(
        seen.ends_with(&text(&piped.stderr).replace('\n', "\r\n")),
        "{seen:?}"
    );

    // render: one line on stdout, nothing on stderr; the same picture either way.
    let (piped_png, tty_png) = (path("day42-a.png"), path("day42-b.png"));
    let render = |png: &str| {
        vec![
            "render".to_string(),
            piped_file.clone(),
            "--day".into(),
            "42".into(),
            "--out".into(),
            png.into(),
            "--px-per-mm".into(),
            "4".into(),
        ]
    };
    let args = render(&piped_png);
    let piped = smp(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert_plain(&piped.stderr, "", "render");
    let args = render(&tty_png);
    let (tty, seen) = on_a_terminal(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(tty.status.success(), "{seen}");
    assert_bar(&seen, &["replaying", "painting", "bands"], "render");
    assert_eq!(
        std::fs::read(&piped_png).unwrap(),
        std::fs::read(&tty_png).unwrap()
    );

    // report: the two paths on stdout, nothing on stderr.
    let (piped_page, tty_page) = (path("a.html"), path("b.html"));
    let piped = smp(&["report", &piped_file, "--out", &piped_page]);
    assert!(piped.status.success(), "{}", text(&piped.stderr));
    assert_plain(&piped.stderr, "", "report");
    assert_eq!(
        text(&piped.stdout),
        format!("{piped_page}\n{}\n", path("a.png"))
    );
    let (tty, seen) = on_a_terminal(&["report", &piped_file, "--out", &tty_page]);
    assert!(tty.status.success(), "{seen}");
    assert_bar(
        &seen,
        &["scoring", "drawing", "compressing", "writing"],
        "report",
    );
    assert!(Path::new(&tty_page).is_file());
    std::fs::remove_dir_all(dir).unwrap();
}
