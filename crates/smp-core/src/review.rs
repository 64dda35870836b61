//! Instructor review of an attempt: the attempt opened read-only with its recomputed score and
//! tamper check, a player that steps through its impressions in time, the facts of any single
//! impression, the level's model attempt for comparison, and the instructor's notes (comments
//! and an override grade), which live in their own section of the attempt file.

use std::path::{Path, PathBuf};

use crate::attempt::Attempt;
use crate::files::FileError;
use crate::geometry::Point;
use crate::levels::{Level, LevelError};
use crate::notes::{self, NotesError, ReviewNotes};
use crate::plan::ModelAttempt;
use crate::replay::{self, Replay};
use crate::score::{self, CriterionKind, DensityCell, Score, Verification};
use crate::signing::{self, InstructorKey, SignatureCheck, TrustedKeys};
use crate::skin::DepthOutcome;

/// Writes `notes` into the attempt file at `path` (temp file, then rename), replacing any
/// notes it had. Every other byte of the file is kept; the file must read as an attempt before
/// and after, or nothing is written. With a `key`, every note that has no intact signature (a
/// new or an edited one) is signed with it; intact signatures, anyone's, are kept.
pub fn save_notes(
    path: &Path,
    notes: &ReviewNotes,
    key: Option<&InstructorKey>,
) -> Result<(), NotesError> {
    let mut notes = notes.clone();
    if let Some(key) = key {
        let text = crate::files::read_bounded(path, crate::files::FileKind::Attempt)?;
        let hash = notes::content_hash(&text);
        let nobody = TrustedKeys::default();
        for c in &mut notes.comments {
            if !matches!(
                signing::check_comment(&hash, c, &nobody),
                SignatureCheck::Untrusted(_) | SignatureCheck::Signed(_)
            ) {
                c.signature = None;
                c.signature = Some(key.sign_comment(&hash, c));
            }
        }
        if let Some(g) = &mut notes.override_grade
            && !matches!(
                signing::check_override(&hash, g, &nobody),
                SignatureCheck::Untrusted(_) | SignatureCheck::Signed(_)
            )
        {
            g.signature = None;
            g.signature = Some(key.sign_override(&hash, g));
        }
    }
    notes::save(path, &notes, |text| Attempt::parse(path, text).map(|_| ()))
}

/// When each impression was made on a single review clock: the sessions one after another,
/// [`Timeline::SESSION_GAP_S`] apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// Review-clock time each session starts at, s.
    pub session_starts_s: Vec<f64>,
    /// Review-clock time of each impression, s (never decreasing).
    pub times_s: Vec<f64>,
    /// Length of the whole clock, s.
    pub duration_s: f64,
}

impl Timeline {
    /// Seconds of review clock between one session's end and the next one's start.
    pub const SESSION_GAP_S: f64 = 2.0;

    /// The timeline of a replayed attempt.
    pub fn new(replay: &Replay) -> Self {
        let mut starts = Vec::with_capacity(replay.sessions.len());
        let mut t0 = 0.0;
        for s in &replay.sessions {
            starts.push(t0);
            let last = replay.impressions[s.range.clone()]
                .iter()
                .map(|p| p.impression.t_s)
                .fold(s.duration_s.max(0.0), f64::max);
            t0 += last + Self::SESSION_GAP_S;
        }
        let mut times = Vec::with_capacity(replay.impressions.len());
        let mut latest = 0.0f64;
        for p in &replay.impressions {
            let t = starts[p.session] + p.impression.t_s.max(0.0);
            // Replay already orders samples; the running maximum keeps "shown at t" a prefix.
            latest = latest.max(t);
            times.push(latest);
        }
        Timeline {
            session_starts_s: starts,
            times_s: times,
            duration_s: (t0 - Self::SESSION_GAP_S).max(latest),
        }
    }

    /// How many impressions had been made by review-clock time `t_s`.
    pub fn made_by(&self, t_s: f64) -> usize {
        self.times_s.partition_point(|&t| t <= t_s)
    }

    /// The session running at review-clock time `t_s` (0-based).
    pub fn session_at(&self, t_s: f64) -> usize {
        self.session_starts_s
            .partition_point(|&s| s <= t_s)
            .saturating_sub(1)
    }

    /// The moment (session, seconds into it) of review-clock time `t_s`.
    pub fn moment(&self, t_s: f64) -> (usize, f64) {
        let s = self.session_at(t_s);
        (
            s,
            t_s - self.session_starts_s.get(s).copied().unwrap_or(0.0),
        )
    }

    /// Review-clock time of a moment.
    pub fn time_of(&self, session: usize, t_s: f64) -> f64 {
        self.session_starts_s
            .get(session)
            .copied()
            .unwrap_or(self.duration_s)
            + t_s
    }
}

/// Replay speeds offered, × real time.
pub const SPEEDS: [f64; 9] = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0];

/// The review's replay controls: where on the timeline, how many impressions are shown, and
/// whether and how fast it plays.
#[derive(Clone, Debug, PartialEq)]
pub struct Player {
    /// Review-clock time, s.
    pub t_s: f64,
    /// Impressions shown: the first `shown` of the attempt.
    pub shown: usize,
    /// Whether time runs.
    pub playing: bool,
    /// × real time (0.25–50).
    pub speed: f64,
}

impl Player {
    /// A player at the end of the attempt (everything shown), paused.
    pub fn at_end(timeline: &Timeline) -> Self {
        Player {
            t_s: timeline.duration_s,
            shown: timeline.times_s.len(),
            playing: false,
            speed: 1.0,
        }
    }

    /// Sets the speed, kept within 0.25–50×.
    pub fn set_speed(&mut self, speed: f64) {
        self.speed = if speed.is_finite() {
            speed.clamp(0.25, 50.0)
        } else {
            1.0
        };
    }

    /// Starts playing; from the start when at the end.
    pub fn play(&mut self, timeline: &Timeline) {
        if self.shown >= timeline.times_s.len() && self.t_s >= timeline.duration_s {
            self.seek(timeline, 0.0);
        }
        self.playing = true;
    }

    /// Moves to review-clock time `t_s` (clamped to the timeline).
    pub fn seek(&mut self, timeline: &Timeline, t_s: f64) {
        let t = if t_s.is_finite() {
            t_s.clamp(0.0, timeline.duration_s)
        } else {
            0.0
        };
        self.t_s = t;
        self.shown = timeline.made_by(t);
    }

    /// Moves to review-clock time `t_s` and pauses there.
    pub fn jump(&mut self, timeline: &Timeline, t_s: f64) {
        self.seek(timeline, t_s);
        self.playing = false;
    }

    /// Lets `dt_s` seconds of real time pass; stops at the end.
    pub fn advance(&mut self, timeline: &Timeline, dt_s: f64) {
        if !self.playing || !dt_s.is_finite() || dt_s <= 0.0 {
            return;
        }
        let t = self.t_s + dt_s * self.speed;
        if t >= timeline.duration_s {
            self.jump(timeline, timeline.duration_s);
        } else {
            self.seek(timeline, t);
        }
    }

    /// Shows one more impression (pauses).
    pub fn step_forward(&mut self, timeline: &Timeline) {
        self.playing = false;
        if self.shown < timeline.times_s.len() {
            self.t_s = timeline.times_s[self.shown];
            self.shown += 1;
        }
    }

    /// Shows one impression fewer (pauses).
    pub fn step_back(&mut self, timeline: &Timeline) {
        self.playing = false;
        if self.shown > 0 {
            self.shown -= 1;
            // Just before the removed impression, so that playing on brings it back.
            self.t_s = if self.shown == 0 {
                0.0
            } else {
                timeline.times_s[self.shown - 1]
            };
        }
    }
}

/// A criterion one impression counted in, and how.
#[derive(Clone, Debug, PartialEq)]
pub struct Effect {
    /// The criterion.
    pub criterion: CriterionKind,
    /// Whether it cost points there.
    pub cost: bool,
    /// What about it.
    pub note: String,
}

/// Everything about one impression an instructor may ask.
#[derive(Clone, Debug, PartialEq)]
pub struct ImpressionFacts {
    /// Index in the attempt.
    pub index: usize,
    /// Session, counted from 0.
    pub session: usize,
    /// Seconds into the session.
    pub t_s: f64,
    /// Where, mm.
    pub at: Point,
    /// Raw pen pressure at its peak, 0..1.
    pub pressure: f64,
    /// Force after the pressure curve, 0..1.
    pub force: f64,
    /// Needle tilt from the vertical, degrees.
    pub tilt_deg: f64,
    /// Depth the pigment reached, mm.
    pub depth_mm: f64,
    /// What that depth means.
    pub outcome: DepthOutcome,
    /// Distance to the nearest other dot, mm.
    pub nearest_mm: Option<f64>,
    /// The criteria it counted in.
    pub effects: Vec<Effect>,
}

/// The level's model attempt, replayed and scored.
#[derive(Clone, Debug)]
pub struct ModelRun {
    /// The model attempt.
    pub attempt: Attempt,
    /// Its impressions.
    pub replay: Replay,
    /// Its score.
    pub score: Score,
}

/// Why an attempt cannot be reviewed.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The attempt file is unreadable or invalid.
    #[error(transparent)]
    Attempt(#[from] FileError),
    /// Its level cannot be found or read.
    #[error(transparent)]
    Level(#[from] LevelError),
}

/// Why a level's model attempt could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The model attempt's file is unreadable or invalid.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file named is not inside the level's folder.
    #[error("the model attempt {0:?} is not a file inside the level's folder")]
    Outside(String),
    /// It has more sessions than the level plans.
    #[error("the model attempt has {sessions} sessions but the level plans {planned}")]
    Sessions {
        /// Sessions in the model attempt.
        sessions: usize,
        /// Sessions the level plans.
        planned: usize,
    },
}

/// An attempt opened for review: read-only, rescored from its samples.
#[derive(Clone, Debug)]
pub struct ReviewedAttempt {
    /// The attempt file.
    pub path: PathBuf,
    /// Its level; on a level with a design step, its plan is the one the tattooing followed
    /// ([`crate::plan::ReferencePlan::tattooed_with`]).
    pub level: Level,
    /// The attempt as read.
    pub attempt: Attempt,
    /// Every impression, replayed from the samples.
    pub replay: Replay,
    /// The score recomputed from the samples.
    pub score: Score,
    /// What comparing the stored score with the recomputed one found.
    pub verification: Verification,
    /// Each impression's nearest other dot (index, mm).
    pub nearest: Vec<Option<(usize, f64)>>,
    /// Planned against visible density, cell by cell.
    pub density: Vec<DensityCell>,
    /// When each impression was made.
    pub timeline: Timeline,
    /// The level's model attempt, if it has one (or why it could not be made).
    pub model: Option<Result<ModelRun, std::sync::Arc<ModelError>>>,
    /// The attempt's content hash (its file without the review section), which instructors'
    /// signatures cover.
    pub content_hash: String,
    /// The instructors whose signatures count.
    pub trusted: TrustedKeys,
}

impl ReviewedAttempt {
    /// Opens the attempt at `path`, finding its level by id (shipped levels, then `levels_dir`).
    /// Instructors' signatures count when their keys are in the data folder's trusted-keys
    /// file (see [`ReviewedAttempt::open_trusting`]).
    pub fn open(path: &Path, levels_dir: Option<&Path>) -> Result<Self, ReviewError> {
        let trusted = TrustedKeys::load_or_default(None)?;
        Self::open_trusting(path, levels_dir, trusted)
    }

    /// Opens the attempt at `path`, counting signatures by the keys in `trusted`.
    pub fn open_trusting(
        path: &Path,
        levels_dir: Option<&Path>,
        trusted: TrustedKeys,
    ) -> Result<Self, ReviewError> {
        let attempt = Attempt::load(path)?;
        let level = Level::for_attempt(path, &attempt, levels_dir)?;
        let mut r = Self::new(path, level, attempt)?;
        r.trusted = trusted;
        Ok(r)
    }

    /// Reviews `attempt` (read from `path`) against `level`.
    pub fn new(path: &Path, mut level: Level, attempt: Attempt) -> Result<Self, ReviewError> {
        level.fits(path, &attempt)?;
        // On a level with a design step the work is shown and measured against the band behind
        // the trainee's own line, as it is scored (the level's hash is unchanged).
        level.plan = level
            .plan
            .tattooed_with(attempt.design.as_ref())
            .into_owned();
        let replayed = replay::replay(&level.plan, &attempt);
        let score = score::score(&level.plan, &attempt, &replayed);
        let verification = score.verify(&attempt, &level.hash);
        let nearest = score::nearest_between(&level.plan, &replayed);
        let density = score::density_map(&level.plan, &replayed);
        let timeline = Timeline::new(&replayed);
        let model = model_run(&level).map(|r| r.map_err(std::sync::Arc::new));
        // The file as it is on disk (or, for an attempt not saved, as it would be written).
        let content_hash = notes::content_hash(
            &crate::files::read_bounded(path, crate::files::FileKind::Attempt)
                .unwrap_or_else(|_| attempt.to_ron()),
        );
        Ok(ReviewedAttempt {
            content_hash,
            trusted: TrustedKeys::default(),
            path: path.into(),
            level,
            attempt,
            replay: replayed,
            score,
            verification,
            nearest,
            density,
            timeline,
            model,
        })
    }

    /// What the signature of comment `i` says.
    pub fn comment_check(&self, i: usize) -> Option<SignatureCheck> {
        let c = self.attempt.review.as_ref()?.comments.get(i)?;
        Some(signing::check_comment(&self.content_hash, c, &self.trusted))
    }

    /// What the signature of the override grade says, when there is one.
    pub fn override_check(&self) -> Option<SignatureCheck> {
        let g = self.attempt.review.as_ref()?.override_grade.as_ref()?;
        Some(signing::check_override(
            &self.content_hash,
            g,
            &self.trusted,
        ))
    }

    /// Whether the stored score is confirmed by the samples.
    pub fn verified(&self) -> bool {
        self.verification.is_verified()
    }

    /// The notes in the file (empty when it has none).
    pub fn notes(&self) -> ReviewNotes {
        self.attempt.review.clone().unwrap_or_default()
    }

    /// The facts of impression `index`, or `None` past the end.
    pub fn inspect(&self, index: usize) -> Option<ImpressionFacts> {
        let p = self.replay.impressions.get(index)?;
        let plan = &self.level.plan;
        let imp = &p.impression;
        let nearest_mm = self.nearest.get(index).copied().flatten().map(|(_, d)| d);
        let mut effects = Vec::new();
        let w = &plan.depth_window;
        effects.push(Effect {
            criterion: CriterionKind::Depth,
            cost: p.tissue.outcome != DepthOutcome::Ideal,
            note: format!(
                "{:.2} mm: {} (target {:.2}–{:.2} mm)",
                p.tissue.depth_mm,
                p.tissue.outcome.name(),
                w.min_mm,
                w.max_mm
            ),
        });
        if let Some(d) = nearest_mm {
            let close = d < plan.min_spacing_mm;
            effects.push(Effect {
                criterion: CriterionKind::Spacing,
                cost: close,
                note: format!(
                    "{d:.2} mm from the nearest dot ({} the {:.2} mm minimum)",
                    if close { "closer than" } else { "at least" },
                    plan.min_spacing_mm
                ),
            });
        }
        if plan.zone_at(imp.at).is_none() {
            effects.push(Effect {
                criterion: if plan.hairline.is_some() {
                    CriterionKind::Hairline
                } else {
                    CriterionKind::Density
                },
                cost: true,
                note: "outside every treatment zone".into(),
            });
        }
        if let (Some(record), Some(planned)) = (
            self.attempt.sessions.get(p.session),
            plan.sessions.get(p.session),
        ) && (record.needle.group != planned.needle.group || record.shade != planned.shade)
        {
            effects.push(Effect {
                criterion: CriterionKind::ShadeNeedle,
                cost: true,
                note: format!(
                    "made with {} in {} shade; the plan asks for {} in {}",
                    record.needle.label(),
                    record.shade.name(),
                    planned.needle.label(),
                    planned.shade.name()
                ),
            });
        }
        if p.session > 0
            && let Some(record) = self.attempt.sessions.get(p.session)
            && record.days_since_previous < plan.min_gap_days
        {
            effects.push(Effect {
                criterion: CriterionKind::Timing,
                cost: true,
                note: format!(
                    "made {:.0} days after the previous session, on skin still healing (at least {:.0})",
                    record.days_since_previous, plan.min_gap_days
                ),
            });
        }
        // The places the score itself pointed at, near this impression.
        let near = (2.0 * plan.min_spacing_mm).max(1.0);
        for c in &self.score.criteria {
            for place in &c.places {
                let d = (place.at.x_mm - imp.at.x_mm).hypot(place.at.y_mm - imp.at.y_mm);
                if d <= near
                    && !effects
                        .iter()
                        .any(|e| e.criterion == c.kind && e.note == place.note)
                {
                    effects.push(Effect {
                        criterion: c.kind,
                        cost: true,
                        note: format!("{} ({d:.1} mm away)", place.note),
                    });
                }
            }
        }
        Some(ImpressionFacts {
            index,
            session: p.session,
            t_s: imp.t_s,
            at: imp.at,
            pressure: imp.pressure,
            force: imp.force,
            tilt_deg: imp.tilt_rad.to_degrees(),
            depth_mm: p.tissue.depth_mm,
            outcome: p.tissue.outcome,
            nearest_mm,
            effects,
        })
    }

    /// The shown impression nearest to `at` within `radius_mm`, among the first `shown`.
    pub fn impression_near(&self, at: Point, radius_mm: f64, shown: usize) -> Option<usize> {
        self.replay.impressions[..shown.min(self.replay.impressions.len())]
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    i,
                    (p.impression.at.x_mm - at.x_mm).hypot(p.impression.at.y_mm - at.y_mm),
                )
            })
            .filter(|(_, d)| *d <= radius_mm)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// Days after the start of the attempt of the session running at review-clock `t_s`.
    pub fn day_at(&self, t_s: f64) -> f64 {
        let s = self.timeline.session_at(t_s);
        self.replay.sessions.get(s).map_or(0.0, |s| s.day)
    }
}

/// The model attempt file `name` of a level in `dir`: a relative path that stays inside the
/// level's folder, links resolved.
fn model_file(dir: &Path, name: &str) -> Result<PathBuf, ModelError> {
    let outside = || ModelError::Outside(crate::text::for_terminal(name));
    if !crate::plan::is_plain_relative_path(name) {
        return Err(outside());
    }
    let path = dir.join(name);
    let root = std::fs::canonicalize(dir).map_err(|_| outside())?;
    let real = std::fs::canonicalize(&path).map_err(|_| outside())?;
    if !real.starts_with(&root) {
        return Err(outside());
    }
    Ok(real)
}

/// The level's model attempt, replayed and scored; `None` when the level names none.
pub fn model_run(level: &Level) -> Option<Result<ModelRun, ModelError>> {
    let attempt = match level.plan.model_attempt.as_ref()? {
        ModelAttempt::Simulated { persona, seed } => Ok(crate::simulate::simulate(
            level,
            *persona,
            *seed,
            "model attempt",
            "2026-01-01",
        )),
        ModelAttempt::File(name) => {
            let dir = level.origin.parent().unwrap_or(Path::new("."));
            model_file(dir, name).and_then(|p| Attempt::load(&p).map_err(ModelError::from))
        }
    };
    Some(attempt.and_then(|attempt| {
        if attempt.sessions.len() > level.plan.sessions.len() {
            return Err(ModelError::Sessions {
                sessions: attempt.sessions.len(),
                planned: level.plan.sessions.len(),
            });
        }
        let replayed = replay::replay(&level.plan, &attempt);
        let score = score::score(&level.plan, &attempt, &replayed);
        Ok(ModelRun {
            attempt,
            replay: replayed,
            score,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persona::Persona;

    fn opened() -> ReviewedAttempt {
        let level = Level::find("three-sessions", None).unwrap();
        let mut a = crate::simulate::simulate(&level, Persona::Expert, 2, "t", "2026-11-21");
        for s in &mut a.sessions {
            s.samples.truncate(30);
        }
        let r = replay::replay(&level.plan, &a);
        a.score = Some(score::score(&level.plan, &a, &r).stored());
        ReviewedAttempt::new(Path::new("a.ron"), level, a).unwrap()
    }

    #[test]
    fn the_timeline_puts_sessions_one_after_another() {
        let r = opened();
        let tl = &r.timeline;
        assert_eq!(tl.session_starts_s.len(), 3);
        assert!(tl.times_s.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(tl.made_by(-1.0), 0);
        assert_eq!(tl.made_by(tl.duration_s), r.replay.impressions.len());
        let first_of_2 = r.replay.sessions[1].range.start;
        let t = tl.times_s[first_of_2];
        assert_eq!(tl.session_at(t), 1);
        let (s, t_in) = tl.moment(t);
        assert_eq!(s, 1);
        assert!((tl.time_of(s, t_in) - t).abs() < 1e-9);
        assert!(r.verified());
    }

    #[test]
    fn the_player_steps_seeks_and_stops_at_the_end() {
        let r = opened();
        let tl = &r.timeline;
        let n = tl.times_s.len();
        let mut p = Player::at_end(tl);
        assert_eq!(p.shown, n);
        p.step_back(tl);
        assert_eq!(p.shown, n - 1);
        p.step_forward(tl);
        assert_eq!(p.shown, n);
        p.seek(tl, 0.0);
        assert_eq!(p.shown, tl.made_by(0.0));
        p.set_speed(1e9);
        assert_eq!(p.speed, 50.0);
        p.set_speed(f64::NAN);
        assert_eq!(p.speed, 1.0);
        p.play(tl);
        p.advance(tl, tl.duration_s + 10.0);
        assert!(!p.playing);
        assert_eq!(p.shown, n);
        p.jump(tl, f64::INFINITY);
        assert_eq!(p.t_s, 0.0);
    }

    #[test]
    fn inspection_names_what_each_impression_cost() {
        let r = opened();
        let f = r.inspect(0).unwrap();
        assert_eq!(f.index, 0);
        assert!(
            f.effects
                .iter()
                .any(|e| e.criterion == CriterionKind::Depth)
        );
        assert!(r.inspect(r.replay.impressions.len()).is_none());
        let at = r.replay.impressions[3].impression.at;
        assert_eq!(
            r.impression_near(at, 0.01, r.replay.impressions.len()),
            Some(3)
        );
        assert_eq!(r.impression_near(at, 0.01, 3), None, "not shown yet");
    }
}
