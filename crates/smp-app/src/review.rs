//! Reviewing an attempt: the attempt opened read-only, a player over its impressions, and the
//! scalp showing the work as it was at the player's moment (or healed some days after it).
//! The instructor's notes are edited here and written to the file's own review section.
//! Runs headless; the panel and clicks are in `review_view`.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use smp_core::attempt::SessionRecord;
use smp_core::notes::{Comment, NotesError, OverrideGrade, Pin, ReviewNotes};
use smp_core::review::{Player, ReviewError, ReviewedAttempt};
use smp_core::signing::InstructorKey;

use crate::marks::Heatmap;
use crate::scalp::{ScalpView, ShownDay};
use crate::screen::Screen;
use crate::session::{Practice, today};
use crate::{AppSystems, Options};

pub(crate) fn plugin(app: &mut App) {
    app.add_message::<OpenReview>();
    app.init_resource::<ShownDay>();
    app.add_systems(Startup, open_from_options);
    app.add_systems(Update, open_requested.in_set(AppSystems::Input));
    app.add_systems(
        Update,
        (advance_player, show_moment)
            .chain()
            .in_set(AppSystems::Update)
            .run_if(in_state(Screen::Review)),
    );
    app.add_systems(OnExit(Screen::Review), |mut commands: Commands| {
        commands.remove_resource::<Review>();
    });
}

/// Asks for an attempt file to be opened for review.
#[derive(Message, Clone, Debug)]
pub struct OpenReview(pub PathBuf);

/// Why the last request to open a review failed (shown on the title screen).
#[derive(Resource, Clone, Debug)]
pub struct ReviewOpenFailed(pub String);

/// The attempt under review and what the instructor does with it.
#[derive(Resource)]
pub struct Review {
    /// The attempt, rescored.
    pub opened: ReviewedAttempt,
    /// Where the replay is.
    pub player: Player,
    /// The notes as edited.
    pub notes: ReviewNotes,
    /// The notes as in the file.
    pub saved: ReviewNotes,
    /// The impression being inspected.
    pub selected: Option<usize>,
    /// Days of healing after the player's moment to show; `None` shows it as it was then.
    pub healed_days: Option<f64>,
    /// Whether the model attempt is drawn as a ghost.
    pub ghost: bool,
    /// Heatmap over the scalp.
    pub heatmap: Heatmap,
}

impl Review {
    /// Opens the attempt at `path` for review, at its end; signatures count when their keys
    /// are in `trusted_keys` (default: the data folder's trusted-keys.ron).
    pub fn open(
        path: &Path,
        levels_dir: Option<&Path>,
        trusted_keys: Option<&Path>,
    ) -> Result<Self, ReviewError> {
        let trusted = smp_core::signing::TrustedKeys::load_or_default(trusted_keys)?;
        let opened = ReviewedAttempt::open_trusting(path, levels_dir, trusted)?;
        let player = Player::at_end(&opened.timeline);
        let notes = opened.notes();
        Ok(Review {
            opened,
            player,
            saved: notes.clone(),
            notes,
            selected: None,
            healed_days: None,
            ghost: false,
            heatmap: Heatmap::None,
        })
    }

    /// Whether `at` lies on the level's canvas.
    pub fn on_scalp(&self, at: smp_core::geometry::Point) -> bool {
        let (w, h) = self.opened.level.plan.canvas_mm;
        at.is_finite() && (0.0..=w).contains(&at.x_mm) && (0.0..=h).contains(&at.y_mm)
    }

    /// Whether the notes have changes not yet written.
    pub fn unsaved(&self) -> bool {
        self.notes != self.saved
    }

    /// Adds a comment by `author` pinned to `pin`; refuses empty or over-long text, and a place
    /// off the scalp (it could only come from a click that was not on the scalp).
    pub fn add_comment(&mut self, author: &str, pin: Pin, text: &str) -> Result<(), NotesError> {
        if let Pin::Place(at) = pin
            && !self.on_scalp(at)
        {
            return Err(NotesError::Invalid(format!(
                "the place ({:.1}, {:.1}) mm is off the scalp: click the scalp to choose one",
                at.x_mm, at.y_mm
            )));
        }
        let mut notes = self.notes.clone();
        notes.comments.push(Comment {
            author: author.trim().to_string(),
            date: today(),
            pin,
            text: text.trim().to_string(),
            signature: None,
        });
        if let Some(p) = notes.problem() {
            return Err(NotesError::Invalid(p));
        }
        self.notes = notes;
        Ok(())
    }

    /// Sets (or with `None`, removes) the override grade; a grade needs a reason.
    pub fn set_override(
        &mut self,
        grade: Option<(f64, bool, &str)>,
        instructor: &str,
    ) -> Result<(), NotesError> {
        let mut notes = self.notes.clone();
        notes.override_grade = grade.map(|(total, passed, reason)| OverrideGrade {
            total,
            passed,
            reason: reason.trim().to_string(),
            instructor: instructor.trim().to_string(),
            date: today(),
            signature: None,
        });
        if let Some(p) = notes.problem() {
            return Err(NotesError::Invalid(p));
        }
        self.notes = notes;
        Ok(())
    }

    /// Writes the notes into the attempt file's review section, signing new and changed notes
    /// with this instructor's key (made in the data folder on first use), and reads the file
    /// back so the signatures show.
    pub fn save_notes(&mut self) -> Result<(), NotesError> {
        let key_dir = smp_core::files::data_dir().join("keys");
        let key = InstructorKey::load_or_create(&key_dir)
            .map_err(|e| NotesError::Invalid(format!("no instructor key: {e}")))?;
        self.save_notes_with(&key)
    }

    /// [`Review::save_notes`] with a given key.
    pub fn save_notes_with(&mut self, key: &InstructorKey) -> Result<(), NotesError> {
        smp_core::review::save_notes(&self.opened.path, &self.notes, Some(key))?;
        let attempt = smp_core::Attempt::load(&self.opened.path)?;
        self.notes = attempt.review.clone().unwrap_or_default();
        self.saved = self.notes.clone();
        self.opened.attempt.review = attempt.review;
        Ok(())
    }

    /// The session the player's moment is in (0-based).
    pub fn session(&self) -> usize {
        self.opened.timeline.session_at(self.player.t_s)
    }

    /// A display practice for the scalp view: this attempt's level and identity, nothing made.
    pub fn display_practice(&self) -> Practice {
        Practice::continuing(self.opened.level.clone(), &self.opened.attempt)
    }

    /// Makes `practice` hold exactly the impressions made by the player's moment, in the
    /// sessions so far. Returns whether work was taken away (the view must redraw all).
    pub fn sync(&self, practice: &mut Practice) -> bool {
        let session = self.session();
        if practice.attempt.sessions.len() != session + 1 {
            // The scalp is seen on the day of this session: only the gaps matter, not samples.
            practice.attempt.sessions = self.opened.attempt.sessions
                [..=session.min(self.opened.attempt.sessions.len().saturating_sub(1))]
                .iter()
                .map(|s| SessionRecord {
                    days_since_previous: s.days_since_previous,
                    needle: s.needle,
                    shade: s.shade,
                    samples: Vec::new(),
                })
                .collect();
        }
        let all = &self.opened.replay.impressions;
        let shown = self.player.shown.min(all.len());
        let have = practice.impressions.len();
        if have > shown {
            practice.impressions.truncate(shown);
            true
        } else {
            practice.impressions.extend_from_slice(&all[have..shown]);
            false
        }
    }
}

fn open_from_options(options: Option<Res<Options>>, mut open: MessageWriter<OpenReview>) {
    if let Some(path) = options.and_then(|o| o.review.clone()) {
        open.write(OpenReview(path));
    }
}

fn open_requested(
    mut commands: Commands,
    mut requests: MessageReader<OpenReview>,
    options: Option<Res<Options>>,
    mut next: ResMut<NextState<Screen>>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some(OpenReview(path)) = requests.read().last().cloned() else {
        return;
    };
    let levels_dir = options.as_ref().and_then(|o| o.levels_dir.clone());
    let trusted_keys = options.as_ref().and_then(|o| o.trusted_keys.clone());
    match Review::open(&path, levels_dir.as_deref(), trusted_keys.as_deref()) {
        Ok(mut review) => {
            if let Some(o) = &options {
                review.heatmap = o.heatmap;
                review.healed_days = o.day;
            }
            info!(
                "review: {} ({}: {})",
                path.display(),
                if review.opened.verified() {
                    "verified"
                } else {
                    "NOT VERIFIED"
                },
                review.opened.verification
            );
            commands.insert_resource(review.display_practice());
            commands.insert_resource(review);
            commands.remove_resource::<ReviewOpenFailed>();
            next.set(Screen::Review);
        }
        Err(e) => {
            error!("{e}");
            // Asked for on the command line with a screenshot to take: nothing to show.
            if options
                .as_ref()
                .is_some_and(|o| o.review.as_deref() == Some(path.as_path()) && o.exit_when_done)
            {
                exit.write(AppExit::from(2u8));
            }
            commands.insert_resource(ReviewOpenFailed(e.to_string()));
        }
    }
}

fn advance_player(
    time: Res<Time<Real>>,
    review: Option<ResMut<Review>>,
    mut wake: ResMut<crate::wake::Wake>,
) {
    let Some(mut review) = review else { return };
    let review = &mut *review;
    review
        .player
        .advance(&review.opened.timeline, time.delta_secs_f64());
    // A playing replay moves every frame.
    if review.player.playing {
        wake.next_frame();
    }
}

fn show_moment(
    review: Option<Res<Review>>,
    practice: Option<ResMut<Practice>>,
    view: Option<ResMut<ScalpView>>,
    mut shown_day: ResMut<ShownDay>,
) {
    let (Some(review), Some(mut practice)) = (review, practice) else {
        return;
    };
    let before = practice.impressions.len();
    let taken_away = review.sync(&mut practice);
    let added = practice.impressions.len() > before;
    if shown_day.0 != review.healed_days {
        shown_day.0 = review.healed_days;
    }
    // New work is drawn fresh as it comes; anything else redraws the whole scalp.
    if let Some(mut view) = view
        && (taken_away || (added && review.healed_days.is_some()))
    {
        view.invalidate();
    }
}
