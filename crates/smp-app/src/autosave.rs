//! The trainee's data folder: finished attempts, best scores per level, and the autosave of the
//! session in progress (written every few seconds with a safe write, offered for resume after a
//! crash).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use smp_core::attempt::Attempt;
use smp_core::files::{self, FileKind};

use smp_core::levels::Level;

use crate::AppSystems;
use crate::clock::{ClockRunning, SessionClock};
use crate::input::{HandPressure, PenBackend};
use crate::screen::Screen;
use crate::session::{Practice, PracticeSystems, begin_practice};
use crate::wake::Wake;

/// Seconds between autosaves while a session runs.
pub const AUTOSAVE_EVERY_S: f64 = 3.0;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<Autosave>();
    app.add_message::<StartPractice>();
    app.add_systems(Update, start_practice.run_if(in_state(Screen::Title)));
    app.add_systems(
        Update,
        autosave
            .in_set(AppSystems::Update)
            .after(PracticeSystems)
            .run_if(in_state(Screen::Practice)),
    );
}

pub use smp_core::files::data_dir;

/// What the autosave file holds: the attempt so far, and whether its last session was still
/// being tattooed.
#[derive(Serialize, Deserialize)]
pub struct AutosaveFile {
    /// The attempt, the unfinished session last.
    pub attempt: Attempt,
    /// Whether the last session was unfinished.
    pub session_in_progress: bool,
    /// The mouse's hand pressure when saved (files from before it was kept have none).
    #[serde(default)]
    pub hand_pressure: Option<f64>,
}

impl AutosaveFile {
    /// Whether it holds any work (a pen sample); an empty one is not worth offering.
    pub fn has_work(&self) -> bool {
        self.attempt.sample_count() > 0
    }

    /// What would be lost by discarding it, in words.
    pub fn describe(&self) -> String {
        let level = crate::session::replayed_count(&self.attempt);
        format!(
            "an unfinished attempt at {:?} by {} ({} impressions in {} session{})",
            self.attempt.level_id,
            self.attempt.trainee,
            level,
            self.attempt.sessions.len(),
            if self.attempt.sessions.len() == 1 {
                ""
            } else {
                "s"
            }
        )
    }
}

/// Asks to start a new attempt (the title screen's Start). With an unfinished attempt
/// autosaved, nothing starts unless `discard_unfinished` says the trainee chose to lose it:
/// [`ConfirmDiscard`] asks them first.
#[derive(Message, Clone)]
pub struct StartPractice {
    /// The level to practise.
    pub level: Level,
    /// The trainee's name.
    pub trainee: String,
    /// The trainee chose to discard the unfinished attempt.
    pub discard_unfinished: bool,
}

/// A new attempt waits on the trainee's choice: resume the unfinished one, discard it, or
/// neither.
#[derive(Resource, Clone)]
pub struct ConfirmDiscard {
    /// The level asked for.
    pub level: Level,
    /// The trainee's name.
    pub trainee: String,
    /// What would be lost, in words.
    pub unfinished: String,
}

fn start_practice(
    mut starts: MessageReader<StartPractice>,
    mut autosave: ResMut<Autosave>,
    backend: Option<Res<PenBackend>>,
    mut hand: ResMut<HandPressure>,
    mut commands: Commands,
    mut next: ResMut<NextState<Screen>>,
) {
    for start in starts.read() {
        if !start.discard_unfinished
            && let Some(pending) = autosave.pending().filter(AutosaveFile::has_work)
        {
            commands.insert_resource(ConfirmDiscard {
                level: start.level.clone(),
                trainee: start.trainee.clone(),
                unfinished: pending.describe(),
            });
            continue;
        }
        // Chosen by the trainee (or there was nothing to lose).
        autosave.clear();
        commands.remove_resource::<ConfirmDiscard>();
        *hand = HandPressure::default();
        begin_practice(
            &mut commands,
            start.level.clone(),
            &start.trainee,
            backend.as_deref(),
            &mut next,
        );
    }
}

/// Autosave bookkeeping.
#[derive(Resource)]
pub struct Autosave {
    /// Where the autosave goes.
    pub path: PathBuf,
    /// Session clock at the last save, s.
    last_saved_s: f64,
    /// Samples recorded at the last save (nothing new: no write).
    last_samples: usize,
    /// A write running on its own thread: serializing a full head (tens of MB) would stall
    /// frames on the main thread.
    in_flight: Option<std::thread::JoinHandle<Result<(), files::FileError>>>,
}

impl Default for Autosave {
    fn default() -> Self {
        Self {
            path: data_dir().join("autosave.ron"),
            last_saved_s: 0.0,
            last_samples: 0,
            in_flight: None,
        }
    }
}

impl Autosave {
    /// Autosave to `path` (instead of the data folder).
    pub fn at(path: PathBuf) -> Self {
        Self {
            path,
            last_saved_s: 0.0,
            last_samples: 0,
            in_flight: None,
        }
    }

    /// Writes the practice's attempt so far now (temp file, then rename).
    pub fn write(
        &mut self,
        practice: &Practice,
        now_s: f64,
        hand_pressure: f64,
    ) -> Result<(), files::FileError> {
        self.finish_in_flight();
        let file = snapshot(practice, hand_pressure);
        save_file(&self.path, &file)?;
        self.last_saved_s = now_s;
        self.last_samples = file.attempt.sample_count();
        Ok(())
    }

    /// Starts writing the attempt so far on a background thread (unless one still runs; then
    /// the next frame tries again). The copy taken here is what gets saved.
    pub fn write_in_background(&mut self, practice: &Practice, now_s: f64, hand_pressure: f64) {
        if self.in_flight.as_ref().is_some_and(|h| !h.is_finished()) {
            return;
        }
        self.finish_in_flight();
        let file = snapshot(practice, hand_pressure);
        self.last_saved_s = now_s;
        self.last_samples = file.attempt.sample_count();
        let path = self.path.clone();
        self.in_flight = Some(std::thread::spawn(move || save_file(&path, &file)));
    }

    /// Waits for a background write, reporting its error.
    fn finish_in_flight(&mut self) {
        if let Some(handle) = self.in_flight.take() {
            match handle.join() {
                Ok(Err(e)) => warn!("autosave: {e}"),
                Err(_) => warn!("autosave: the writing thread failed"),
                Ok(Ok(())) => {}
            }
        }
    }

    /// Removes the autosave (the attempt was finished or abandoned on purpose).
    pub fn clear(&mut self) {
        // A write still running would bring the file back.
        self.finish_in_flight();
        let _ = std::fs::remove_file(&self.path);
        self.last_samples = 0;
    }

    /// The autosave left by a session that did not finish, if any and readable.
    pub fn pending(&self) -> Option<AutosaveFile> {
        let text = files::read_bounded(&self.path, FileKind::Autosave).ok()?;
        let file: AutosaveFile = files::parse_ron(&self.path, &text).ok()?;
        file.attempt.problem().is_none().then_some(file)
    }
}

fn autosave(
    practice: Option<Res<Practice>>,
    mut autosave: ResMut<Autosave>,
    clock: Res<SessionClock>,
    hand: Res<HandPressure>,
    running: Res<ClockRunning>,
    mut wake: ResMut<Wake>,
) {
    let Some(practice) = practice else { return };
    let elapsed = clock.0 - autosave.last_saved_s;
    let samples = practice.attempt.sample_count()
        + practice.live.as_ref().map_or(0, |l| l.record.samples.len());
    // Due after the interval, or at once if the clock was reset (a new session).
    if (0.0..AUTOSAVE_EVERY_S).contains(&elapsed) {
        if samples != autosave.last_samples && running.0 {
            // Work not yet on disk: a frame when it is due (by the running clock), touched or not.
            wake.within(AUTOSAVE_EVERY_S - elapsed);
        }
        return;
    }
    if samples == autosave.last_samples {
        autosave.last_saved_s = clock.0;
        return;
    }
    autosave.write_in_background(&practice, clock.0, hand.0);
}

impl Drop for Autosave {
    fn drop(&mut self) {
        // Leaving the app normally: let the last write land.
        self.finish_in_flight();
    }
}

fn snapshot(practice: &Practice, hand_pressure: f64) -> AutosaveFile {
    AutosaveFile {
        attempt: practice.attempt_so_far(),
        session_in_progress: practice.live.is_some(),
        hand_pressure: Some(hand_pressure),
    }
}

fn save_file(path: &Path, file: &AutosaveFile) -> Result<(), files::FileError> {
    let text = ron::ser::to_string_pretty(file, ron::ser::PrettyConfig::new().depth_limit(4))
        .unwrap_or_default();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    files::write_atomically(path, text.as_bytes())
}

/// Best and latest result per level, kept in the data folder.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
pub struct Progress {
    /// Level id → record.
    pub levels: BTreeMap<String, LevelRecord>,
}

/// One level's history.
#[derive(Serialize, Deserialize, Default, Clone, Debug)]
pub struct LevelRecord {
    /// Best total, 0–100.
    pub best: f64,
    /// Latest total.
    pub latest: f64,
    /// Whether any attempt passed.
    pub passed: bool,
    /// Attempts scored.
    pub attempts: u32,
}

impl Progress {
    fn path(dir: &Path) -> PathBuf {
        dir.join("progress.ron")
    }

    /// The progress in `dir` (empty if none or unreadable).
    pub fn load(dir: &Path) -> Self {
        files::read_bounded(&Self::path(dir), FileKind::Progress)
            .ok()
            .and_then(|t| files::parse_ron(&Self::path(dir), &t).ok())
            .unwrap_or_default()
    }

    /// Records a scored attempt and saves (safely).
    pub fn record(
        dir: &Path,
        level_id: &str,
        total: f64,
        passed: bool,
    ) -> Result<Self, files::FileError> {
        let mut p = Self::load(dir);
        let r = p.levels.entry(level_id.to_string()).or_default();
        r.best = if r.attempts == 0 {
            total
        } else {
            r.best.max(total)
        };
        r.latest = total;
        r.passed |= passed;
        r.attempts += 1;
        let _ = std::fs::create_dir_all(dir);
        let text =
            ron::ser::to_string_pretty(&p, ron::ser::PrettyConfig::new()).unwrap_or_default();
        files::write_atomically(&Self::path(dir), text.as_bytes())?;
        Ok(p)
    }
}

/// Saves a finished attempt under `dir/attempts/` (safe write) and returns its path.
pub fn save_attempt(dir: &Path, attempt: &Attempt) -> Result<PathBuf, files::FileError> {
    let folder = dir.join("attempts");
    let _ = std::fs::create_dir_all(&folder);
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let path = folder.join(format!("{}-{}-{stamp}.ron", attempt.level_id, attempt.date));
    attempt.save(&path)?;
    Ok(path)
}
