//! The trainer's logic headless (Bevy with `MinimalPlugins` and our plugins, no GPU): pen
//! samples through the input path give the core's impressions and score, none is dropped,
//! panels keep their strokes, and autosave plus resume lose at most the last seconds.

use std::time::Duration;

use smp_app::autosave::{AUTOSAVE_EVERY_S, Autosave, AutosaveFile};
use smp_app::bevy::prelude::*;
use smp_app::bevy::state::app::StatesPlugin;
use smp_app::bevy::time::TimeUpdateStrategy;
use smp_app::input::PenInput;
use smp_app::replay_driver::{ReplayDriver, ReplayPhase, practice_for_replay};
use smp_app::session::Practice;
use smp_app::{Screen, logic_plugin};
use smp_core::attempt::Attempt;
use smp_core::geometry::Point;
use smp_core::pen::PenSample;
use smp_core::persona::Persona;
use smp_core::simulate::simulate;
use smp_core::{Level, files, replay, score};

use crate::support::{attempt_from, smp, temp_dir, with_stored_total};

pub(crate) const FRAME: Duration = Duration::from_nanos(16_666_667);

pub(crate) fn headless(autosave_dir: &std::path::Path) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, StatesPlugin));
    app.insert_resource(TimeUpdateStrategy::ManualDuration(FRAME));
    app.add_plugins(logic_plugin);
    app.insert_resource(Autosave::at(autosave_dir.join("autosave.ron")));
    app
}

/// Replays `attempt` through the app at `speed` until done (or `max_frames`).
fn play(app: &mut App, level: Level, attempt: Attempt, speed: f64, max_frames: usize) {
    app.insert_resource(practice_for_replay(level, &attempt));
    app.insert_resource(ReplayDriver::new(attempt, speed));
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Practice);
    for _ in 0..max_frames {
        app.update();
        if app.world().resource::<ReplayDriver>().phase == ReplayPhase::Done {
            return;
        }
    }
}

#[test]
fn impressions_outcomes_and_score_match_the_core() {
    let dir = temp_dir("app-match");
    let level = Level::find("three-sessions", None).unwrap();
    let attempt = simulate(&level, Persona::Drifter, 9, "t", "2026-11-21");
    let mut app = headless(&dir);
    play(&mut app, level.clone(), attempt.clone(), 400.0, 20_000);
    assert_eq!(
        app.world().resource::<ReplayDriver>().phase,
        ReplayPhase::Done
    );
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Results
    );
    let practice = app.world().resource::<Practice>();
    let core = replay::replay(&level.plan, &attempt);
    assert_eq!(practice.impressions, core.impressions);
    assert_eq!(practice.attempt.sessions, attempt.sessions);
    let s = practice.score.as_ref().expect("scored");
    assert!(s.matches(attempt.score.as_ref().unwrap()));
    assert_eq!(
        s.outcomes,
        score::score(&level.plan, &attempt, &core).outcomes
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_replay_draws_the_design_with_the_marker_before_it_tattoos() {
    use smp_app::design_step::Marker;

    let dir = temp_dir("app-design-replay");
    let level = Level::find("design-young", None).unwrap();
    let attempt = simulate(&level, Persona::Expert, 2, "t", "2026-12-01");
    let design = attempt.design.clone().expect("the expert designs first");
    let mut app = headless(&dir);
    // The design step reads the keyboard.
    app.add_plugins(smp_app::bevy::input::InputPlugin);
    app.insert_resource(practice_for_replay(level.clone(), &attempt));
    let driver = ReplayDriver::new(attempt.clone(), 400.0).drawing_the_design();
    assert_eq!(driver.first_screen(), Screen::Design);
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(driver.first_screen());
    app.insert_resource(driver);
    // The design step, until every stroke is drawn.
    let mut frames = 0;
    while matches!(
        app.world().resource::<ReplayDriver>().phase,
        ReplayPhase::Designing { .. }
    ) {
        app.update();
        frames += 1;
        assert!(frames < 2_000, "the drawing never ends");
    }
    assert!(frames > 1, "drawn over frames, not at once");
    let marker = app.world().resource::<Marker>();
    assert_eq!(marker.strokes.len(), design.strokes.len());
    for (drawn, recorded) in marker.strokes.iter().zip(&design.strokes) {
        assert_eq!(drawn.first(), recorded.first());
        assert_eq!(drawn.last(), recorded.last());
    }
    // A replay is nobody's design in progress: no draft is left beside the autosave.
    let drafts = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().starts_with("design-draft"))
        })
        .count();
    assert_eq!(drafts, 0);
    // Then the tattooing, behind the attempt's own design, to the same score.
    for _ in 0..20_000 {
        app.update();
        if app.world().resource::<ReplayDriver>().phase == ReplayPhase::Done {
            break;
        }
    }
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Results
    );
    let practice = app.world().resource::<Practice>();
    assert_eq!(practice.attempt.design.as_ref(), Some(&design));
    let s = practice.score.as_ref().expect("scored");
    assert!(s.matches(attempt.score.as_ref().unwrap()));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn no_sample_is_dropped_at_1000_samples_per_second_and_60_frames_per_second() {
    let dir = temp_dir("app-1khz");
    let level = Level::find("depth-drill", None).unwrap();
    // Three seconds of a 1 kHz pen: hovering, with a tap every 100 ms.
    let samples: Vec<PenSample> = (0..3000)
        .map(|i| {
            let t = i as f64 / 1000.0;
            let in_tap = i % 100 < 40;
            let at = Point::new(
                6.0 + (i / 100) as f64 * 0.9,
                10.0 + (i % 100) as f64 * 0.001,
            );
            PenSample {
                t_s: t,
                at,
                pressure: if in_tap { 0.23 } else { 0.0 },
                tilt_x_rad: 0.0,
                tilt_y_rad: 0.0,
                contact: in_tap,
                axis: None,
            }
        })
        .collect();
    let attempt = attempt_from(&level, samples.clone());
    let mut app = headless(&dir);
    play(&mut app, level.clone(), attempt, 1.0, 400);
    let practice = app.world().resource::<Practice>();
    let recorded = &practice.attempt.sessions[0].samples;
    assert_eq!(recorded.len(), samples.len(), "every sample recorded");
    // Kept at the precision the attempt file holds (0.1 ms, 1 µm), in order, none changed
    // otherwise.
    let at_file_precision: Vec<PenSample> =
        samples.iter().map(|s| s.at_device_precision()).collect();
    assert!(
        recorded == &at_file_precision,
        "in order, unchanged but for the file's precision"
    );
    assert_eq!(practice.impressions.len(), 30);
    // It took about 3 s of 60 fps frames: many samples per frame, none lost.
    let frames = app
        .world()
        .resource::<smp_app::bevy::diagnostic::FrameCount>()
        .0;
    assert!((180..260).contains(&frames), "{frames} frames");
    std::fs::remove_dir_all(dir).unwrap();
}

trait WithPressure {
    fn with_pressure(self, p: f64) -> Self;
}

impl WithPressure for PenInput {
    fn with_pressure(mut self, p: f64) -> Self {
        self.sample.pressure = p;
        self
    }
}

fn input(t_s: f64, x: f64, contact: bool, over_ui: bool) -> PenInput {
    PenInput {
        sample: PenSample {
            t_s,
            at: Point::new(x, 12.0),
            pressure: if contact { 0.23 } else { 0.0 },
            tilt_x_rad: 0.0,
            tilt_y_rad: 0.0,
            contact,
            axis: None,
        },
        over_ui,
    }
}

#[test]
fn a_stroke_that_starts_over_a_panel_does_not_tattoo() {
    let dir = temp_dir("app-ui");
    let level = Level::find("depth-drill", None).unwrap();
    let mut app = headless(&dir);
    let attempt = attempt_from(&level, vec![]);
    app.insert_resource(practice_for_replay(level, &attempt));
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Practice);
    app.update();
    let strokes = [
        // Pen-down on a panel, dragged onto the skin: the panel's.
        [
            input(1.0, 10.0, true, true),
            input(1.05, 11.0, true, false),
            input(1.1, 11.0, false, false),
        ],
        // Pen-down on the skin, wandering over a panel: the skin's.
        [
            input(2.0, 15.0, true, false),
            input(2.05, 15.0, true, true),
            input(2.1, 15.0, false, true),
        ],
        // Plain tap on the skin.
        [
            input(3.0, 20.0, true, false),
            input(3.05, 20.0, true, false),
            input(3.1, 20.0, false, false),
        ],
    ];
    for stroke in strokes {
        for i in stroke {
            app.world_mut().write_message(i);
        }
        app.update();
    }
    let practice = app.world().resource::<Practice>();
    let xs: Vec<f64> = practice
        .impressions
        .iter()
        .map(|p| p.impression.at.x_mm)
        .collect();
    assert_eq!(xs, vec![15.0, 20.0]);
    // Only the skin's samples are in the attempt.
    assert_eq!(practice.live.as_ref().unwrap().record.samples.len(), 6);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn autosave_and_resume_lose_at_most_the_last_few_seconds() {
    let dir = temp_dir("app-autosave");
    let level = Level::find("spacing-drill", None).unwrap();
    let attempt = simulate(&level, Persona::Expert, 5, "t", "2026-11-21");
    let mut app = headless(&dir);
    app.insert_resource(practice_for_replay(level.clone(), &attempt));
    app.insert_resource(ReplayDriver::new(attempt.clone(), 1.0));
    app.world_mut()
        .resource_mut::<NextState<Screen>>()
        .set(Screen::Practice);
    // Run 20 s of the session, then "crash": the app is dropped without any shutdown.
    let crash_at_s = 20.0;
    let frames = (crash_at_s / FRAME.as_secs_f64()) as usize;
    for _ in 0..frames {
        app.update();
    }
    let live_samples = app
        .world()
        .resource::<Practice>()
        .live
        .as_ref()
        .unwrap()
        .record
        .samples
        .len();
    drop(app);

    let path = dir.join("autosave.ron");
    let text = files::read_bounded(&path, files::FileKind::Autosave).unwrap();
    let saved: AutosaveFile = files::parse_ron(&path, &text).unwrap();
    assert!(saved.session_in_progress);
    let kept = &saved.attempt.sessions[0].samples;
    assert!(kept.len() <= live_samples);
    // Everything older than the autosave interval (plus a frame) is in the file.
    let lost_window = AUTOSAVE_EVERY_S + 2.0 * FRAME.as_secs_f64();
    let must_have = attempt.sessions[0]
        .samples
        .iter()
        .filter(|s| s.t_s <= crash_at_s - lost_window)
        .count();
    assert!(
        kept.len() >= must_have,
        "kept {} of the {} samples older than {lost_window} s",
        kept.len(),
        must_have
    );
    assert_eq!(&attempt.sessions[0].samples[..kept.len()], kept.as_slice());

    // Resume: the same impressions, the session still open for more.
    let resumed = Practice::resume(level.clone(), saved.attempt.clone(), true);
    let mut prefix = attempt.clone();
    prefix.sessions[0].samples.truncate(kept.len());
    let expected = replay::replay(&level.plan, &prefix).impressions;
    // A pen that was down when the autosave was taken is lifted there: its dot is made.
    assert!(!resumed.live.as_ref().is_some_and(|l| l.in_contact()));
    assert_eq!(resumed.impressions.len(), expected.len());
    // The clock goes on from the last sample, never back to 0.
    let last_t = kept.last().map_or(0.0, |s| s.t_s);
    assert_eq!(resumed.live_clock().0, last_t);
    assert!(saved.hand_pressure.is_some());
    assert_eq!(
        resumed.impressions[..],
        expected[..resumed.impressions.len()]
    );
    assert!(resumed.live.is_some());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn calibration_fits_the_trainees_own_touch() {
    use smp_app::calibration::{CalibrationRun, TAPS_PER_LEVEL};
    let mut run = CalibrationRun::default();
    assert_eq!(run.stage(), 0);
    let mut t = 0.0;
    // A heavy-handed trainee: light 0.3, medium 0.55, firm 0.85 (with some scatter).
    for (level, pressure) in [(0, 0.3), (1, 0.55), (2, 0.85)] {
        for k in 0..TAPS_PER_LEVEL {
            assert_eq!(run.stage(), level);
            let p = pressure + 0.01 * (k as f64 - 2.0);
            for (dt, pr, contact) in [(0.0, p * 0.5, true), (0.03, p, true), (0.06, 0.0, false)] {
                run.push(&input(t + dt, 20.0, contact, false).with_pressure(pr));
            }
            t += 1.0;
        }
    }
    assert_eq!(run.stage(), 3);
    let curve = run.result().unwrap().unwrap();
    // Their normal touch now lands in the middle of the depth drill's window.
    let level = Level::find("depth-drill", None).unwrap();
    let needle = level.plan.sessions[0].needle;
    let depth = needle.protrusion_mm * curve.apply(0.55);
    let w = level.plan.depth_window;
    assert!(depth > w.min_mm && depth < w.max_mm, "{depth}");
    // And a linear curve would have sent it deep.
    assert!(needle.protrusion_mm * 0.55 > w.max_mm);
}

#[test]
fn review_replay_shows_the_attempts_impressions_at_every_step() {
    use smp_app::review::{OpenReview, Review};
    let dir = temp_dir("app-review");
    let level = Level::find("three-sessions", None).unwrap();
    let attempt = simulate(&level, Persona::Clumper, 5, "t", "2026-11-21");
    let path = dir.join("attempt.ron");
    attempt.save(&path).unwrap();
    let expected = replay::replay(&level.plan, &attempt).impressions;
    let mut app = headless(&dir);
    app.update();
    app.world_mut().write_message(OpenReview(path.clone()));
    app.update();
    app.update();
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Review
    );
    assert!(app.world().resource::<Review>().opened.verified());
    // Opened at the end: everything shown, in the last session's day.
    assert_eq!(app.world().resource::<Practice>().impressions, expected);
    assert_eq!(app.world().resource::<Practice>().attempt.sessions.len(), 3);

    let back_to_start = |app: &mut App| {
        let mut review = app.world_mut().resource_mut::<Review>();
        let tl = review.opened.timeline.clone();
        review.player.seek(&tl, 0.0);
        review.player.shown = 0;
    };
    back_to_start(&mut app);
    app.update();
    assert!(app.world().resource::<Practice>().impressions.is_empty());
    for k in 1..=expected.len() {
        {
            let mut review = app.world_mut().resource_mut::<Review>();
            let tl = review.opened.timeline.clone();
            review.player.step_forward(&tl);
        }
        app.update();
        let practice = app.world().resource::<Practice>();
        assert_eq!(practice.impressions.len(), k);
        assert_eq!(practice.impressions[k - 1], expected[k - 1], "step {k}");
        assert_eq!(
            practice.attempt.sessions.len(),
            expected[k - 1].session + 1,
            "the scalp is seen on the day of impression {k}'s session"
        );
    }
    // Stepping back takes work away again.
    for _ in 0..10 {
        let mut review = app.world_mut().resource_mut::<Review>();
        let tl = review.opened.timeline.clone();
        review.player.step_back(&tl);
    }
    app.update();
    assert_eq!(
        app.world().resource::<Practice>().impressions[..],
        expected[..expected.len() - 10]
    );
    // Playing at 50× from the start reaches every impression, in order.
    back_to_start(&mut app);
    {
        let mut review = app.world_mut().resource_mut::<Review>();
        let tl = review.opened.timeline.clone();
        review.player.set_speed(50.0);
        review.player.play(&tl);
    }
    let mut seen = 0;
    for _ in 0..200_000 {
        app.update();
        let n = app.world().resource::<Practice>().impressions.len();
        assert!(n >= seen);
        seen = n;
        if !app.world().resource::<Review>().player.playing {
            break;
        }
    }
    assert_eq!(app.world().resource::<Practice>().impressions, expected);
    // Nothing was written: the review is read-only.
    assert_eq!(Attempt::load(&path).unwrap(), attempt);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_tampered_attempt_opens_for_review_flagged() {
    use smp_app::review::{OpenReview, Review};
    let dir = temp_dir("app-review-tamper");
    let level = Level::find("depth-drill", None).unwrap();
    let path = dir.join("attempt.ron");
    simulate(&level, Persona::Expert, 5, "t", "2026-11-21")
        .save(&path)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, with_stored_total(&text, 12.5)).unwrap();
    let mut app = headless(&dir);
    app.update();
    app.world_mut().write_message(OpenReview(path));
    app.update();
    let review = app.world().resource::<Review>();
    assert!(!review.opened.verified(), "{}", review.opened.verification);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_level_drawn_in_the_editor_passes_levels_check_and_loads_in_practice() {
    use smp_app::editor::{Editor, Tool};
    use smp_core::editor::LevelDraft;
    let dir = temp_dir("app-editor");
    let path = dir.join("levels").join("temple.ron");
    let mut editor = Editor::new(LevelDraft::blank(), path.clone());
    editor.draft.plan.id = "temple".into();
    let p = |x: f64, y: f64| Point::new(x, y);
    editor.tool = Tool::Zone;
    editor.drawing = vec![p(10.0, 30.0), p(110.0, 30.0), p(110.0, 75.0)];
    assert!(editor.finish_shape().is_ok());
    editor.tool = Tool::Hairline;
    editor.drawing = vec![p(10.0, 30.0)];
    assert!(
        editor.finish_shape().is_err(),
        "a hairline needs two points"
    );
    editor.drawing.push(p(60.0, 25.0));
    editor.drawing.push(p(110.0, 30.0));
    assert!(editor.finish_shape().is_ok());
    editor.tool = Tool::Zone;
    editor.drawing = vec![p(10.0, 30.0), p(110.0, 75.0)];
    assert!(editor.finish_shape().is_err(), "a zone needs three points");
    editor.drawing.clear();
    assert!(editor.problems().is_empty(), "{:?}", editor.problems());
    editor.save().unwrap();
    let out = smp(&["levels", "check", dir.join("levels").to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let level = Level::load(&path).unwrap();
    assert_eq!(level.plan, editor.draft.plan);
    let attempt = simulate(&level, Persona::Expert, 3, "t", "2026-11-21");
    let mut app = headless(&dir);
    play(&mut app, level.clone(), attempt.clone(), 400.0, 20_000);
    let practice = app.world().resource::<Practice>();
    let expected = replay::replay(&level.plan, &attempt);
    assert!(expected.impressions.len() > 100);
    assert_eq!(practice.impressions, expected.impressions);
    assert!(practice.score.as_ref().is_some_and(|s| s.passed));
    std::fs::remove_dir_all(dir).unwrap();
}

/// A one-shot academy on a loopback port: reads one request whole, answers `status` with
/// `body`, and hands back what it was sent.
fn one_shot_academy(
    status: &'static str,
    body: String,
) -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 65536];
        loop {
            let n = s.read(&mut buf).unwrap();
            got.extend_from_slice(&buf[..n]);
            if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if got.len() >= end + 4 + len {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let answer = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(answer.as_bytes()).unwrap();
        String::from_utf8_lossy(&got).into_owned()
    });
    (url, handle)
}

/// Runs frames until the notice says something (the answer comes from another thread).
fn notice_after_submitting(app: &mut App) -> String {
    for _ in 0..2_000 {
        app.update();
        if let Some(t) = &app.world().resource::<smp_app::notice::Notice>().text {
            return t.clone();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no answer from the academy was shown");
}

#[test]
fn the_results_screen_submits_to_the_academy_and_says_its_answer() {
    use smp_app::bevy::ecs::system::RunSystemOnce;
    use smp_app::submission::{AcademyForm, Submitting, submit};
    let dir = temp_dir("app-submit");
    let level = Level::find("depth-drill", None).unwrap();
    let file = dir.join("mine.ron");
    simulate(&level, Persona::Expert, 1, "Ana", "2026-11-21")
        .save(&file)
        .unwrap();
    let sent_bytes = std::fs::read_to_string(&file).unwrap();
    let (url, academy) = one_shot_academy(
        "201 Created",
        r#"{"id":7,"total":96.5,"passed":true,"verification":"verified","flags":[],"late":false,"duplicate":false}"#.into(),
    );
    let mut app = headless(&dir);
    let form = AcademyForm {
        server: url.clone(),
        token: "smpd_ana".into(),
        assignment: "3".into(),
        remember: true,
        last: None,
    };
    // As the button does: the settings kept, the file sent on its own thread.
    let (settings_dir, sent) = (dir.clone(), file.clone());
    app.world_mut()
        .run_system_once(move |mut commands: Commands| {
            let mut form = form.clone();
            submit(&mut commands, &mut form, &settings_dir, &sent)
        })
        .unwrap()
        .unwrap();
    assert!(app.world().contains_resource::<Submitting>());
    let said = notice_after_submitting(&mut app);
    assert_eq!(said, "Academy: attempt 7 stored: 96.50 passed (verified)");
    assert!(!app.world().contains_resource::<Submitting>());
    assert_eq!(
        app.world().resource::<AcademyForm>().last.as_deref(),
        Some(said.as_str())
    );
    let request = academy.join().unwrap();
    assert!(
        request.starts_with("POST /api/attempts?name=mine.ron&assignment=3 HTTP/1.1\r\n"),
        "{request}"
    );
    assert!(request.contains("Authorization: Bearer smpd_ana\r\n"));
    assert!(request.ends_with(&sent_bytes), "the attempt went whole");
    // Remembered for next time.
    let again = AcademyForm::load(&dir);
    assert_eq!(
        (again.server.as_str(), again.token.as_str(), again.remember),
        (url.as_str(), "smpd_ana", true)
    );

    // A refusal is said with the academy's reason.
    let (url, academy) = one_shot_academy(
        "422 Unprocessable Entity",
        r#"{"error":"level \"depth-drill\" is not assigned in any of your courses"}"#.into(),
    );
    app.world_mut()
        .resource_mut::<smp_app::notice::Notice>()
        .text = None;
    let client = smp_submit::Academy::new(&url, "smpd_ana").unwrap();
    app.insert_resource(Submitting::start(client, file.clone(), None));
    let said = notice_after_submitting(&mut app);
    academy.join().unwrap();
    assert!(
        said.starts_with("Not submitted: the academy refused mine.ron (422): level"),
        "{said}"
    );
    // A form that names no academy, or a wordy assignment, does not start.
    let mut blank = AcademyForm::default();
    assert!(blank.academy().is_err());
    blank.server = url;
    blank.token = "t".into();
    blank.assignment = "three".into();
    assert!(blank.academy().unwrap_err().contains("not a number"));
    std::fs::remove_dir_all(dir).unwrap();
}
