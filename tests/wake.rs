//! Issue 22: frames come when something is due, not on a fixed rate and not only on input.
//! Headless, each promise asks for its frame (`Wake`); in a real window under Xvfb, with no
//! input at all, a scripted replay and a review write their screenshots and exit.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use smp_app::Screen;
use smp_app::bevy::prelude::*;
use smp_app::clock::{ClockRunning, SessionClock};
use smp_app::replay_driver::{ReplayDriver, ReplayPhase, practice_for_replay};
use smp_app::session::Practice;
use smp_app::wake::Wake;
use smp_core::Level;
use smp_core::persona::Persona;
use smp_core::simulate::simulate;

use crate::instrument::{button, moved, start, with_mouse};
use crate::support::{smp, temp_dir, text};

/// Seconds from now until the frame the last update asked for (`None`: no frame asked for).
fn due_in(app: &App) -> Option<f64> {
    let asked = app.world().resource::<Wake>().asked();
    assert!(!asked.next_frame, "no frame is wanted at once: {asked:?}");
    asked
        .at
        .map(|at| at.saturating_duration_since(Instant::now()).as_secs_f64())
}

#[test]
fn a_session_asks_for_a_frame_at_each_second_of_its_clock_and_for_its_autosave() {
    let dir = temp_dir("wake-session");
    let level = Level::find("depth-drill", None).unwrap();
    let mut app = with_mouse(&dir);
    start(&mut app, &level, false);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Practice
    );
    // Reading the brief: the clock stands, nothing moves, nothing is due.
    app.update();
    assert_eq!(
        due_in(&app),
        None,
        "an untouched session sleeps until input"
    );

    // A tap starts the clock; its dot is unsaved work.
    for e in [moved(60.0, 60.0), button(true), button(false)] {
        app.world_mut().write_message(e);
    }
    app.update();
    assert!(app.world().resource::<ClockRunning>().0);
    assert_eq!(app.world().resource::<Practice>().impressions.len(), 1);
    // Put the clock 0.3 s into a second: the next frame is due when the next second begins.
    app.world_mut().resource_mut::<SessionClock>().0 = 12.3;
    app.update();
    let clock = app.world().resource::<SessionClock>().0;
    let wait = due_in(&app).expect("a running clock asks for its next second");
    let to_next_second = 1.0 - clock.rem_euclid(1.0);
    assert!(
        (wait - to_next_second).abs() < 0.05 && wait <= 1.0,
        "asked for a frame in {wait:.3} s; the clock ({clock:.3} s) turns in {to_next_second:.3} s"
    );

    // The tap was autosaved (the clock is past the interval); with the clock stopped nothing
    // is due any more.
    app.world_mut().resource_mut::<ClockRunning>().0 = false;
    app.update();
    assert_eq!(due_in(&app), None);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_replay_asks_for_every_frame_until_it_is_done_then_for_none() {
    let dir = temp_dir("wake-replay");
    let level = Level::find("depth-drill", None).unwrap();
    let attempt = simulate(&level, Persona::Expert, 4, "t", "2026-11-30");
    let mut app = crate::app::headless(&dir);
    app.insert_resource(practice_for_replay(level, &attempt));
    app.insert_resource(ReplayDriver::new(attempt, 400.0));
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Practice);
    let mut frames = 0;
    while app.world().resource::<ReplayDriver>().phase != ReplayPhase::Done {
        app.update();
        frames += 1;
        assert!(frames < 20_000, "the replay ends");
        if app.world().resource::<ReplayDriver>().phase != ReplayPhase::Done {
            assert!(
                app.world().resource::<Wake>().asked().next_frame,
                "frame {frames}: a replay in progress asks for the next frame"
            );
        }
    }
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Results
    );
    app.update();
    let asked = app.world().resource::<Wake>().asked();
    assert!(!asked.next_frame && asked.at.is_none(), "{asked:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn resuming_runs_on_its_own_thread_and_lands_on_the_same_practice() {
    use smp_app::loading::LoadJob;
    let dir = temp_dir("wake-resume");
    let level = Level::find("three-sessions", None).unwrap();
    let attempt = simulate(&level, Persona::Drifter, 7, "t", "2026-11-30");
    // Saved in the middle of its second session.
    let mut saved = attempt.clone();
    saved.sessions.truncate(2);
    let half = saved.sessions[1].samples.len() / 2;
    saved.sessions[1].samples.truncate(half);
    let expected = Practice::resume(level.clone(), saved.clone(), true);

    let mut app = crate::app::headless(&dir);
    app.update();
    app.insert_resource(LoadJob::resume(level, saved, true, Some(0.4), false));
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Loading);
    let mut frames = 0;
    while *app.world().resource::<State<Screen>>().get() != Screen::Practice {
        // Nobody touches anything: each frame asks for the next one (the progress, the screen
        // change) until the practice is there.
        if frames > 0 {
            let asked = app.world().resource::<Wake>().asked();
            assert!(
                asked.next_frame || asked.at.is_some(),
                "frame {frames}: {asked:?}"
            );
        }
        app.update();
        frames += 1;
        assert!(frames < 10_000, "the resume finishes");
        std::thread::sleep(Duration::from_millis(2));
    }
    let practice = app.world().resource::<Practice>();
    assert_eq!(practice.impressions, expected.impressions);
    assert_eq!(practice.session_number(), 2);
    assert_eq!(
        app.world().resource::<SessionClock>().0,
        expected.live_clock().0,
        "the clock goes on from the autosave"
    );
    assert!(app.world().get_resource::<LoadJob>().is_none());
    std::fs::remove_dir_all(dir).unwrap();
}

/// An X server of our own for one test, ended when dropped.
struct Xvfb {
    server: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on a free display; `None` when Xvfb is not installed.
    fn start() -> Option<Xvfb> {
        let pid = std::process::id();
        for n in 0..50 {
            let number = 200 + (pid as usize + n * 7) % 700;
            if Path::new(&format!("/tmp/.X{number}-lock")).exists() {
                continue;
            }
            let server = Command::new("Xvfb")
                .args([
                    &format!(":{number}"),
                    "-screen",
                    "0",
                    "1280x900x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .ok()?;
            let mut x = Xvfb {
                server,
                display: format!(":{number}"),
            };
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if socket.exists() {
                    return Some(x);
                }
                if x.server.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        None
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // SIGTERM lets the server remove its socket and lock file; SIGKILL would leave them.
        #[cfg(unix)]
        if let Ok(pid) = i32::try_from(self.server.id()) {
            // Safety: kill(2) on our own child's pid, with a plain signal number.
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
        }
        #[cfg(not(unix))]
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Runs the trainer with `args` on `display` with no input, until it exits or `limit` passes;
/// returns its exit status (`None`: still running at the limit, then killed) and its log.
fn run_untouched(
    display: &str,
    data: &Path,
    args: &[&str],
    limit: Duration,
) -> (Option<std::process::ExitStatus>, String) {
    let log_path = data.join(format!("log-{}.txt", args[0]));
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_smp-trainer"))
        .args(args)
        .env("DISPLAY", display)
        .env_remove("WAYLAND_DISPLAY")
        .env("SMP_TRAINER_DATA", data)
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("run smp-trainer");
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    (
        status,
        std::fs::read_to_string(&log_path).unwrap_or_default(),
    )
}

/// The fraction of a screenshot's pixels that are skin-coloured (warm and light: red well
/// above blue), against the trainer's dark grey background and panels.
fn skin_fraction(path: &Path) -> f64 {
    let picture = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    let warm = picture
        .pixels()
        .filter(|p| {
            let [r, g, b] = p.0.map(i32::from);
            r > 70 && r > b + 25 && g > b
        })
        .count();
    warm as f64 / f64::from(picture.width() * picture.height()).max(1.0)
}

/// The fraction of the pixels left of a screen's side panel (440 px, and a margin) within a few
/// levels of `rgb`: the scalp's part of the window, not the panel's coloured words.
fn colour_fraction(path: &Path, rgb: [u8; 3]) -> f64 {
    let picture = image::open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .to_rgb8();
    let left = picture.width().saturating_sub(460);
    let near = picture
        .enumerate_pixels()
        .filter(|(x, _, _)| *x < left)
        .map(|(_, _, p)| p)
        .filter(|p| {
            p.0.iter()
                .zip(rgb)
                .all(|(&a, b)| (i32::from(a) - i32::from(b)).abs() <= 40)
        })
        .count();
    near as f64 / f64::from(left * picture.height()).max(1.0)
}

fn is_png(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n") && b.len() > 1000)
}

/// The real event loop (winit on X11, Mesa's software Vulkan), with no input event from start
/// to end: `play --replay … --screenshot … --exit-when-done` and `review … --screenshot …` each
/// write their pictures and exit by themselves. Needs Xvfb and a Vulkan driver; `.ci/run`
/// installs both and sets `SMP_WINDOW_TESTS=require`, elsewhere the test says it was skipped.
#[test]
fn scripted_runs_finish_in_a_real_window_with_no_input() {
    let required = std::env::var("SMP_WINDOW_TESTS").is_ok_and(|v| v == "require");
    let Some(x) = Xvfb::start() else {
        assert!(
            !required,
            "SMP_WINDOW_TESTS=require but Xvfb could not be started"
        );
        eprintln!("skipped: no Xvfb here (install xvfb and mesa-vulkan-drivers to run it)");
        return;
    };
    let dir = temp_dir("wake-window");
    let attempt = dir.join("a.ron");
    let a = attempt.to_str().unwrap();
    let o = smp(&[
        "simulate",
        "--level",
        "depth-drill",
        "--persona",
        "expert",
        "--seed",
        "2",
        "--out",
        a,
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));

    let shot = dir.join("shot.png");
    let (status, log) = run_untouched(
        &x.display,
        &dir,
        &[
            "play",
            "--replay",
            a,
            "--speed",
            "50",
            "--screenshot",
            shot.to_str().unwrap(),
            "--exit-when-done",
        ],
        Duration::from_secs(300),
    );
    let status = status.unwrap_or_else(|| panic!("play never exited without input:\n{log}"));
    assert!(status.success(), "play: {status}\n{log}");
    assert!(is_png(&shot), "the results screenshot\n{log}");
    assert!(
        is_png(&dir.join("shot-practice.png")),
        "the practice screenshot\n{log}"
    );

    let review = dir.join("review.png");
    let (status, log) = run_untouched(
        &x.display,
        &dir,
        &["review", a, "--screenshot", review.to_str().unwrap()],
        Duration::from_secs(300),
    );
    let status = status.unwrap_or_else(|| panic!("review never exited without input:\n{log}"));
    assert!(status.success(), "review: {status}\n{log}");
    assert!(is_png(&review), "the review screenshot\n{log}");
    // The pictures show the skin, not an empty window: the practice skin fills much of the
    // window beside the panel.
    for shot in [dir.join("shot-practice.png"), review] {
        let warm = skin_fraction(&shot);
        assert!(
            warm > 0.15,
            "{}: only {warm:.3} of it is skin",
            shot.display()
        );
    }

    // A head level in the same window: the head is drawn, lit, in the middle of the view.
    let on_head = dir.join("head.ron");
    let o = smp(&[
        "simulate",
        "--level",
        "head-crown",
        "--persona",
        "expert",
        "--seed",
        "2",
        "--out",
        on_head.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let head_shot = dir.join("head.png");
    let (status, log) = run_untouched(
        &x.display,
        &dir,
        &[
            "play",
            "--replay",
            on_head.to_str().unwrap(),
            "--speed",
            "5000",
            "--screenshot",
            head_shot.to_str().unwrap(),
            "--exit-when-done",
        ],
        Duration::from_secs(400),
    );
    let status = status.unwrap_or_else(|| panic!("play on a head never exited:\n{log}"));
    assert!(status.success(), "play on a head: {status}\n{log}");
    let warm = skin_fraction(&dir.join("head-practice.png"));
    assert!(
        warm > 0.08,
        "the head covers only {warm:.3} of the window\n{log}"
    );
    // Its review, on the head, with the depth heatmap laid on the skin (green rings: ideal).
    let head_review = dir.join("head-review.png");
    let (status, log) = run_untouched(
        &x.display,
        &dir,
        &[
            "review",
            on_head.to_str().unwrap(),
            "--heatmap",
            "depth",
            "--screenshot",
            head_review.to_str().unwrap(),
        ],
        Duration::from_secs(300),
    );
    let status = status.unwrap_or_else(|| panic!("review on a head never exited:\n{log}"));
    assert!(status.success(), "review on a head: {status}\n{log}");
    let warm = skin_fraction(&head_review);
    assert!(
        warm > 0.08,
        "the reviewed head covers only {warm:.3} of the window\n{log}"
    );
    let ideal = colour_fraction(&head_review, [51, 191, 77]);
    assert!(
        ideal > 0.0005,
        "no depth heatmap on the reviewed head ({ideal:.5} of it)\n{log}"
    );
    drop(x);
    std::fs::remove_dir_all(dir).unwrap();
}
