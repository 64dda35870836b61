//! `smp-trainer play --replay ATTEMPT`: drives the trainer without a person, feeding the
//! attempt's pen samples through the same input path a tablet uses, at the attempt's own pace
//! times `--speed`; then scores, optionally takes screenshots, and optionally quits.

use std::path::PathBuf;

use bevy::prelude::*;
use smp_core::attempt::Attempt;
use smp_core::levels::Level;

use smp_core::geometry::Point;
use smp_core::pen::PenSample;

use crate::autosave::Autosave;
use crate::clock::{ClockRunning, SessionClock};
use crate::design_step::Marker;
use crate::input::PenInput;
use crate::screen::Screen;
use crate::session::Practice;
use crate::wake::Wake;
use crate::{AppSystems, Options};

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Startup, start_replay);
    app.add_systems(
        Update,
        (draw_design, feed_samples)
            .in_set(AppSystems::Input)
            .run_if(resource_exists::<ReplayDriver>),
    );
    app.add_systems(
        Update,
        (finish_replay, keep_going)
            .chain()
            .in_set(AppSystems::View)
            .run_if(resource_exists::<ReplayDriver>),
    );
}

/// A replay runs by itself to its end (samples, screenshots, `--exit-when-done`): every frame
/// until then, with or without input.
fn keep_going(driver: Res<ReplayDriver>, mut wake: ResMut<Wake>) {
    if driver.phase != ReplayPhase::Done {
        wake.next_frame();
    }
}

/// Where a replay is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReplayPhase {
    /// Drawing the attempt's hairline design with the marker, stroke by stroke, on the design
    /// step; then the tattooing.
    Designing {
        /// The stroke being drawn.
        stroke: usize,
        /// Its next place.
        place: usize,
    },
    /// Feeding samples.
    Playing,
    /// All samples fed; waiting `frames` more frames for the practice screenshot.
    PracticeShot {
        /// Frames still to wait.
        frames: u32,
    },
    /// Waiting for the practice screenshot to be written before the session closes.
    PracticeShotWriting,
    /// On the results screen; waiting `frames` frames before its screenshot.
    ResultsShot {
        /// Frames still to wait.
        frames: u32,
    },
    /// Waiting for the screenshots to be written.
    Writing,
    /// Finished.
    Done,
}

/// A replay in progress.
#[derive(Resource)]
pub struct ReplayDriver {
    /// The attempt being replayed.
    pub attempt: Attempt,
    /// Session being fed, 0-based.
    pub session: usize,
    /// Next sample of that session.
    pub next: usize,
    /// Speed factor.
    pub speed: f64,
    /// Replay clock within the session, s (of the attempt's own time).
    pub clock: f64,
    /// Where it is.
    pub phase: ReplayPhase,
    /// Screenshots asked for and not yet written.
    pub pending_shots: u32,
}

impl ReplayDriver {
    /// A driver for `attempt` at `speed` (clamped to 0.01–10,000).
    pub fn new(attempt: Attempt, speed: f64) -> Self {
        let speed = if speed.is_finite() {
            speed.clamp(0.01, 10_000.0)
        } else {
            1.0
        };
        Self {
            attempt,
            session: 0,
            next: 0,
            speed,
            clock: 0.0,
            phase: ReplayPhase::Playing,
            pending_shots: 0,
        }
    }

    /// The same driver drawing the attempt's design on the design step first, when it holds
    /// one (the design the tattooing follows stays the attempt's own, as recorded).
    pub fn drawing_the_design(mut self) -> Self {
        if self.attempt.design.is_some() {
            self.phase = ReplayPhase::Designing {
                stroke: 0,
                place: 0,
            };
        }
        self
    }

    /// The screen the replay starts on.
    pub fn first_screen(&self) -> Screen {
        match self.phase {
            ReplayPhase::Designing { .. } => Screen::Design,
            _ => Screen::Practice,
        }
    }
}

/// Marker places drawn per second of replay at speed 1 (a hand draws a hairline in seconds).
const DESIGN_PLACES_PER_S: f64 = 60.0;

/// Sets up a practice that replays `attempt` on `level` (its trainee, device, curve and seed).
pub fn practice_for_replay(level: Level, attempt: &Attempt) -> Practice {
    let mut p = Practice::continuing(level, attempt);
    if let Some(first) = attempt.sessions.first() {
        p.next_needle = first.needle;
        p.next_shade = first.shade;
    }
    p
}

fn start_replay(
    mut commands: Commands,
    options: Option<Res<Options>>,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(options) = options else { return };
    let Some(path) = &options.replay else { return };
    let loaded = Attempt::load(path)
        .map_err(|e| e.to_string())
        .and_then(|attempt| {
            // A level named on the command line is the user's choice; the attempt's own
            // level_id is an id, never a path.
            let dir = options.levels_dir.as_deref();
            let level = match &options.level {
                Some(arg) => Level::find(arg, dir),
                None => Level::for_attempt(path, &attempt, dir),
            }
            .map_err(|e| e.to_string())?;
            level.fits(path, &attempt).map_err(|e| e.to_string())?;
            Ok((attempt, level))
        });
    match loaded {
        Ok((attempt, level)) => {
            commands.insert_resource(practice_for_replay(level, &attempt));
            let driver = ReplayDriver::new(attempt, options.speed).drawing_the_design();
            next.set(driver.first_screen());
            commands.insert_resource(driver);
            // A replay is nobody's unfinished work: its autosave goes to a temporary file, so
            // the trainee's own autosave is neither replaced nor offered for a replay.
            commands.insert_resource(Autosave::at(
                std::env::temp_dir().join(format!("smp-trainer-play-{}.ron", std::process::id())),
            ));
        }
        Err(e) => {
            error!("play: {e}");
            eprintln!("smp-trainer: {e}");
            exit.write(AppExit::from(2u8));
        }
    }
}

/// Draws the attempt's design stroke by stroke through the pen's input path, at
/// [`DESIGN_PLACES_PER_S`] times the speed; when all are drawn, on to the tattooing.
fn draw_design(
    time: Res<Time<Real>>,
    state: Res<State<Screen>>,
    mut driver: ResMut<ReplayDriver>,
    marker: Option<ResMut<Marker>>,
    mut next: ResMut<NextState<Screen>>,
    mut out: MessageWriter<PenInput>,
) {
    let ReplayPhase::Designing { stroke, place } = driver.phase else {
        return;
    };
    let Some(mut marker) = marker.filter(|_| *state.get() == Screen::Design) else {
        return;
    };
    // Nobody's design in progress: no draft is kept for it, and none read before counts.
    if !marker.replaying {
        marker.replaying = true;
        marker.strokes.clear();
        marker.undone.clear();
        driver.clock = 0.0;
        driver.next = 0;
    }
    let driver = &mut *driver;
    let strokes: &[Vec<Point>] = driver
        .attempt
        .design
        .as_ref()
        .map_or(&[], |d| d.strokes.as_slice());
    // The places whose time has come (the clock keeps the fractions between frames); `next`
    // counts those drawn.
    driver.clock += time.delta_secs_f64() * driver.speed;
    let due = ((driver.clock * DESIGN_PLACES_PER_S) as usize).saturating_sub(driver.next);
    let (mut stroke, mut place) = (stroke, place);
    let pen = |at: Point, contact: bool| PenInput {
        sample: PenSample {
            t_s: 0.0,
            at,
            pressure: if contact { 0.3 } else { 0.0 },
            tilt_x_rad: 0.0,
            tilt_y_rad: 0.0,
            contact,
            axis: None,
        },
        over_ui: false,
    };
    for _ in 0..due {
        driver.next += 1;
        let Some(run) = strokes.get(stroke) else {
            break;
        };
        match run.get(place) {
            Some(&at) => {
                out.write(pen(at, true));
                place += 1;
            }
            None => {
                // The pen lifts at the stroke's end.
                if let Some(&last) = run.last() {
                    out.write(pen(last, false));
                }
                stroke += 1;
                place = 0;
            }
        }
    }
    driver.phase = if stroke < strokes.len() {
        ReplayPhase::Designing { stroke, place }
    } else {
        // The tattooing follows the attempt's recorded design, already set on the practice.
        next.set(Screen::Practice);
        driver.clock = 0.0;
        driver.next = 0;
        ReplayPhase::Playing
    };
}

fn feed_samples(
    time: Res<Time<Real>>,
    state: Res<State<Screen>>,
    mut driver: ResMut<ReplayDriver>,
    practice: Option<Res<Practice>>,
    (mut clock, mut running): (ResMut<SessionClock>, ResMut<ClockRunning>),
    mut out: MessageWriter<PenInput>,
) {
    let (Some(practice), ReplayPhase::Playing) = (practice, driver.phase) else {
        return;
    };
    if *state.get() != Screen::Practice || practice.live.is_none() {
        return;
    }
    driver.clock += time.delta_secs_f64() * driver.speed;
    let driver = &mut *driver;
    let Some(record) = driver.attempt.sessions.get(driver.session) else {
        return;
    };
    let samples = &record.samples;
    let mut i = driver.next;
    // Every sample whose time has come, in order; a sample without a usable time goes at once.
    while let Some(s) = samples.get(i) {
        if s.t_s.is_finite() && s.t_s > driver.clock {
            break;
        }
        out.write(PenInput {
            sample: *s,
            over_ui: false,
        });
        i += 1;
    }
    driver.next = i;
    // The replay keeps the attempt's own time: its clock runs from the start.
    clock.0 = driver.clock;
    running.0 = true;
    if i < samples.len() {
        return;
    }
    // This session's samples are all in (they reach the skin in this frame's update, before
    // `finish_replay` closes the session in the view set): next session, or the end.
    driver.phase = ReplayPhase::PracticeShot { frames: 3 };
}

fn finish_replay(
    mut commands: Commands,
    options: Option<Res<Options>>,
    mut driver: ResMut<ReplayDriver>,
    practice: Option<ResMut<Practice>>,
    state: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut clock: ResMut<SessionClock>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(mut practice) = practice else { return };
    let shots = options.as_ref().and_then(|o| o.screenshot.clone());
    let exit_when_done = options.as_ref().is_some_and(|o| o.exit_when_done);
    match driver.phase {
        ReplayPhase::Designing { .. } | ReplayPhase::Playing => {}
        ReplayPhase::PracticeShot { frames } => {
            let last = driver.session + 1 >= driver.attempt.sessions.len();
            if !last {
                // Between sessions: heal the days the trainee chose and go on.
                practice.finish_session();
                let next_session = &driver.attempt.sessions[driver.session + 1];
                practice.next_gap_days = next_session.days_since_previous;
                practice.next_needle = next_session.needle;
                practice.next_shade = next_session.shade;
                practice.start_session();
                driver.session += 1;
                driver.next = 0;
                driver.clock = 0.0;
                clock.0 = 0.0;
                driver.phase = ReplayPhase::Playing;
            } else if frames > 0 {
                driver.phase = ReplayPhase::PracticeShot { frames: frames - 1 };
            } else {
                if let Some(path) = &shots {
                    take_screenshot(&mut commands, practice_shot_path(path));
                    driver.pending_shots += 1;
                }
                driver.phase = ReplayPhase::PracticeShotWriting;
            }
        }
        ReplayPhase::PracticeShotWriting => {
            // The practice screen must be captured as it was, before the session closes.
            if driver.pending_shots == 0 {
                practice.finish_session();
                next.set(Screen::Results);
                driver.phase = ReplayPhase::ResultsShot { frames: 8 };
            }
        }
        ReplayPhase::ResultsShot { frames } => {
            if *state.get() != Screen::Results {
                return;
            }
            if frames > 0 {
                driver.phase = ReplayPhase::ResultsShot { frames: frames - 1 };
                return;
            }
            if let Some(path) = &shots {
                take_screenshot(&mut commands, path.clone());
                driver.pending_shots += 1;
            }
            let verified = practice
                .score
                .as_ref()
                .zip(driver.attempt.score.as_ref())
                .is_some_and(|(s, stored)| s.matches(stored));
            if let Some(s) = &practice.score {
                info!(
                    "replay done: total {:.2}, {}, stored score {}",
                    s.total,
                    if s.passed { "passed" } else { "failed" },
                    if verified { "verified" } else { "NOT verified" }
                );
            }
            driver.phase = ReplayPhase::Writing;
        }
        ReplayPhase::Writing => {
            if driver.pending_shots == 0 {
                driver.phase = ReplayPhase::Done;
                if exit_when_done {
                    exit.write(AppExit::Success);
                }
            }
        }
        ReplayPhase::Done => {}
    }
}

/// `results.png` → `results-practice.png`.
pub fn practice_shot_path(path: &std::path::Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "screenshot".into());
    path.with_file_name(format!("{stem}-practice.png"))
}

fn take_screenshot(commands: &mut Commands, path: PathBuf) {
    use bevy::render::view::screenshot::ScreenshotCaptured;
    crate::screenshot::capture(commands, path).observe(
        |_: On<ScreenshotCaptured>, mut driver: ResMut<ReplayDriver>| {
            driver.pending_shots = driver.pending_shots.saturating_sub(1);
        },
    );
}
