//! The attempt being tattooed: raw pen input in, impressions out, sessions one after another,
//! and the score at the end. The logic lives in plain methods on [`Practice`]; systems only
//! move messages and states.

use std::path::PathBuf;

use bevy::prelude::*;
use smp_core::attempt::{Attempt, Device, FORMAT_VERSION, ToolKind};
use smp_core::levels::Level;
use smp_core::live::LiveSession;
use smp_core::needle::{Needle, Shade};
use smp_core::pen::{PenSample, PressureCurve};
use smp_core::progress::{Meter, Quiet};
use smp_core::replay::PlacedImpression;
use smp_core::score::Score;
use smp_core::{replay, score};

use crate::AppSystems;
use crate::clock::{ClockRunning, SessionClock};
use crate::input::{PenBackend, PenInput};
use crate::screen::Screen;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Practice), start_session_on_enter);
    app.add_systems(
        Update,
        apply_pen_input
            .in_set(AppSystems::Update)
            .in_set(PracticeSystems)
            .run_if(in_state(Screen::Practice)),
    );
}

/// The systems that turn pen input into impressions (autosave runs after them).
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PracticeSystems;

/// The attempt in progress and everything derived from it.
#[derive(Resource)]
pub struct Practice {
    /// The level. On a level with a design step, once the trainee has designed the hairline,
    /// its plan is the one the tattooing follows ([`Practice::set_design`]); its hash stays the
    /// level file's.
    pub level: Level,
    /// Finished sessions (and, once done, the stored score).
    pub attempt: Attempt,
    /// The session being tattooed, if one is.
    pub live: Option<LiveSession>,
    /// Every impression so far, in order.
    pub impressions: Vec<PlacedImpression>,
    /// Impressions the scalp view has not drawn yet start here.
    pub drawn: usize,
    /// Days of healing chosen before the next session.
    pub next_gap_days: f64,
    /// Needle and shade chosen for the next session (the plan's by default).
    pub next_needle: Needle,
    /// Shade chosen for the next session.
    pub next_shade: Shade,
    /// The score, once every session is done.
    pub score: Option<Score>,
    /// Where the finished attempt was saved.
    pub saved_to: Option<PathBuf>,
    /// A pen-down that landed on a panel: its stroke goes to the panel, not the skin.
    ignoring_stroke: bool,
}

impl Practice {
    /// A new attempt at `level` by `trainee` with this device and curve.
    pub fn new(
        level: Level,
        trainee: &str,
        device: Device,
        pressure_curve: PressureCurve,
        seed: u64,
    ) -> Self {
        let attempt = Attempt {
            format_version: FORMAT_VERSION,
            level_id: level.plan.id.clone(),
            level_hash: level.hash.clone(),
            app_version: env!("CARGO_PKG_VERSION").into(),
            trainee: trainee.into(),
            date: today(),
            device,
            pressure_curve,
            seed,
            sessions: Vec::new(),
            design: None,
            score: None,
            review: None,
        };
        let first = &level.plan.sessions[0];
        let (next_needle, next_shade) = (first.needle, first.shade);
        Self {
            level,
            attempt,
            live: None,
            impressions: Vec::new(),
            drawn: 0,
            next_gap_days: 0.0,
            next_needle,
            next_shade,
            score: None,
            saved_to: None,
            ignoring_stroke: false,
        }
    }

    /// A new practice that continues `attempt`'s identity: its trainee, device, pressure curve,
    /// seed and date (for resuming and for replays).
    pub fn continuing(level: Level, attempt: &Attempt) -> Self {
        let mut p = Practice::new(
            level,
            &attempt.trainee,
            attempt.device.clone(),
            attempt.pressure_curve.clone(),
            attempt.seed,
        );
        p.attempt.date = attempt.date.clone();
        if let Some(design) = &attempt.design {
            p.set_design(design.clone());
        }
        p
    }

    /// Whether the level asks for a design before tattooing and none is drawn yet.
    pub fn needs_design(&self) -> bool {
        self.level.plan.design.is_some() && self.attempt.design.is_none()
    }

    /// Keeps the trainee's hairline design in the attempt (format 4) and makes the plan the one
    /// the tattooing follows: the band behind the designed line
    /// ([`smp_core::plan::ReferencePlan::tattooed_with`]; following it again changes nothing, so
    /// the score, which follows it itself, sees the same plan).
    pub fn set_design(&mut self, design: smp_core::design::DesignDrawing) {
        self.level.plan = self.level.plan.tattooed_with(Some(&design)).into_owned();
        self.attempt.format_version = smp_core::attempt::DESIGN_FORMAT_VERSION;
        self.attempt.design = Some(design);
    }

    /// The screen an attempt starts on: the design step while a design is wanted, else the
    /// practice.
    pub fn first_screen(&self) -> Screen {
        if self.needs_design() {
            Screen::Design
        } else {
            Screen::Practice
        }
    }

    /// Sessions the level plans.
    pub fn planned_sessions(&self) -> usize {
        self.level.plan.sessions.len()
    }

    /// Starts the next session with the chosen gap, needle and shade (no-op if one is running
    /// or all are done).
    pub fn start_session(&mut self) {
        if self.live.is_some() || self.attempt.sessions.len() >= self.planned_sessions() {
            return;
        }
        let plan = &self.level.plan;
        self.live = Some(LiveSession::start(
            plan,
            &self.attempt,
            self.impressions.len(),
            self.next_gap_days,
            self.next_needle,
            self.next_shade,
        ));
    }

    /// Takes one pen sample. Returns the index of the impression it completed, if any.
    pub fn accept(&mut self, input: &PenInput) -> Option<usize> {
        let live = self.live.as_mut()?;
        // A stroke that starts over a panel belongs to the panel, to its pen-up.
        if self.ignoring_stroke || (!live.in_contact() && input.sample.contact && input.over_ui) {
            self.ignoring_stroke = input.sample.contact;
            return None;
        }
        let placed = live.push(
            &self.level.plan,
            &self.attempt.pressure_curve,
            self.attempt.seed,
            input.sample,
        )?;
        self.impressions.push(placed);
        Some(self.impressions.len() - 1)
    }

    /// Ends the session being tattooed. Returns true when that was the last one (and scores).
    pub fn finish_session(&mut self) -> bool {
        if let Some(live) = self.live.take() {
            let plan = &self.level.plan;
            let (last, record, _) =
                live.finish(plan, &self.attempt.pressure_curve, self.attempt.seed);
            self.impressions.extend(last);
            self.attempt.sessions.push(record);
            self.ignoring_stroke = false;
        }
        let done = self.attempt.sessions.len() >= self.planned_sessions();
        if done {
            self.compute_score();
        } else {
            let next = &self.level.plan.sessions[self.attempt.sessions.len()];
            self.next_needle = next.needle;
            self.next_shade = next.shade;
            self.next_gap_days = self.level.plan.min_gap_days;
        }
        done
    }

    /// Scores the finished sessions and stores the score in the attempt.
    pub fn compute_score(&mut self) {
        let plan = &self.level.plan;
        let s = score::score(plan, &self.attempt, &replay::replay(plan, &self.attempt));
        self.attempt.score = Some(s.stored());
        self.score = Some(s);
    }

    /// The attempt with the session in progress included (for autosave and saving mid-way).
    pub fn attempt_so_far(&self) -> Attempt {
        let mut a = self.attempt.clone();
        if let Some(live) = &self.live {
            a.sessions.push(live.record.clone());
        }
        a
    }

    /// Current session number, 1-based (the next one between sessions).
    pub fn session_number(&self) -> usize {
        self.attempt.sessions.len() + 1
    }

    /// Rebuilds a practice from an attempt saved mid-session: finished sessions are replayed,
    /// and the unfinished one continues live with its samples fed back in.
    pub fn resume(level: Level, saved: Attempt, last_session_in_progress: bool) -> Self {
        Self::resume_metered(level, saved, last_session_in_progress, &Quiet)
    }

    /// [`Practice::resume`], telling `meter` how far it has got: the finished sessions replayed
    /// (stage "replaying", one step), then the session in progress fed back (stage "resuming",
    /// in samples).
    pub fn resume_metered(
        level: Level,
        saved: Attempt,
        last_session_in_progress: bool,
        meter: &dyn Meter,
    ) -> Self {
        let mut p = Practice::continuing(level, &saved);
        let mut sessions = saved.sessions;
        let partial = if last_session_in_progress {
            sessions.pop()
        } else {
            None
        };
        p.attempt.sessions = sessions;
        meter.stage("replaying", 1, "sessions");
        p.impressions = replay::replay(&p.level.plan, &p.attempt).impressions;
        meter.advance(1);
        if let Some(record) = partial {
            // Reported in batches: a report per sample would cost more than the sample.
            const BATCH: usize = 4096;
            meter.stage("resuming", record.samples.len() as u64, "samples");
            p.next_gap_days = record.days_since_previous;
            p.next_needle = record.needle;
            p.next_shade = record.shade;
            p.start_session();
            let last = record.samples.last().copied();
            let count = record.samples.len();
            for (k, s) in record.samples.into_iter().enumerate() {
                p.accept(&PenInput {
                    sample: s,
                    over_ui: false,
                });
                if (k + 1) % BATCH == 0 {
                    meter.advance(BATCH as u64);
                }
            }
            meter.advance((count % BATCH) as u64);
            // The pen was down when the autosave was taken: lift it where and when it last was,
            // so that dot is made rather than lost (the next real sample comes much later).
            if let Some(last) = last
                && p.live.as_ref().is_some_and(|l| l.in_contact())
            {
                p.accept(&PenInput {
                    sample: PenSample {
                        pressure: 0.0,
                        contact: false,
                        ..last
                    },
                    over_ui: false,
                });
            }
        } else if p.attempt.sessions.len() < p.planned_sessions() {
            p.finish_session();
        }
        p
    }
}

/// How many impressions `attempt`'s samples make (pen-downs that broke the skin or not).
pub fn replayed_count(attempt: &Attempt) -> usize {
    attempt
        .sessions
        .iter()
        .map(|s| {
            smp_core::pen::strokes(&s.samples, (f64::MAX, f64::MAX))
                .0
                .len()
        })
        .sum()
}

impl Practice {
    /// Where the session clock stands for the live session: its last sample's time, and whether
    /// it had begun (a touch). A resumed session continues from there instead of from 0, so its
    /// times never run backwards.
    pub fn live_clock(&self) -> (f64, bool) {
        let Some(live) = &self.live else {
            return (0.0, false);
        };
        let samples = &live.record.samples;
        let t = samples
            .iter()
            .map(|s| s.t_s)
            .filter(|t| t.is_finite())
            .fold(0.0, f64::max);
        (t, samples.iter().any(|s| s.contact))
    }
}

/// Starts a new attempt at `level` by `trainee` on the pen `backend` (the mouse when none):
/// a fresh seed from the clock, the tool's calibrated pressure curve, then the practice screen.
pub fn begin_practice(
    commands: &mut Commands,
    level: Level,
    trainee: &str,
    backend: Option<&PenBackend>,
    next: &mut NextState<Screen>,
) {
    let device = device_for(backend.unwrap_or(&PenBackend::Mouse {
        reason: "no window".into(),
    }));
    // A fresh seed per attempt, from the clock; it is stored in the attempt file.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    // The tool's calibrated curve (linear until calibrated); the attempt records it.
    let curve = crate::calibration::Calibrations::load(&smp_core::files::data_dir())
        .curve_for(&crate::calibration::tool_key(backend));
    let practice = Practice::new(level, trainee, device, curve, seed);
    next.set(practice.first_screen());
    commands.insert_resource(practice);
}

/// Today's date, `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

/// The device record for live input.
pub fn device_for(backend: &PenBackend) -> Device {
    match backend {
        PenBackend::Tablet { name, hardware_id } => Device {
            tool: ToolKind::Pen,
            pressure_levels: 65_536,
            name: name.clone(),
            hardware_id: hardware_id.clone(),
        },
        PenBackend::Mouse { .. } => Device {
            tool: ToolKind::Mouse,
            pressure_levels: 0,
            name: "mouse".into(),
            hardware_id: None,
        },
    }
}

fn start_session_on_enter(
    practice: Option<ResMut<Practice>>,
    mut clock: ResMut<SessionClock>,
    mut running: ResMut<ClockRunning>,
) {
    if let Some(mut p) = practice
        && p.live.is_none()
    {
        p.start_session();
        // The clock starts at the first touch.
        clock.0 = 0.0;
        running.0 = false;
    }
}

fn apply_pen_input(mut reader: MessageReader<PenInput>, practice: Option<ResMut<Practice>>) {
    let Some(mut practice) = practice else {
        reader.clear();
        return;
    };
    for input in reader.read() {
        practice.accept(input);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn today_is_a_plausible_date() {
        let d = super::today();
        assert_eq!(d.len(), 10);
        assert!(d.as_str() >= "2024-01-01", "{d}");
    }
}
