//! Resuming a big attempt takes seconds (a full head: some 300,000 samples fed back through the
//! needle and 50 MB of scalp painted). It runs on its own thread while the loading screen shows
//! how far it has got, so the window never freezes.

use std::sync::Arc;
use std::thread::JoinHandle;

use bevy::prelude::*;
use smp_core::attempt::Attempt;
use smp_core::levels::Level;
use smp_core::progress::{Meter, Shared};

use crate::AppSystems;
use crate::clock::{ClockRunning, SessionClock};
use crate::input::HandPressure;
use crate::notice::Notice;
use crate::scalp::PreparedScalp;
use crate::screen::Screen;
use crate::session::Practice;
use crate::wake::Wake;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        finish_loading
            .in_set(AppSystems::Update)
            .run_if(in_state(Screen::Loading).and_then(resource_exists::<LoadJob>)),
    );
}

/// Something loading on its own thread.
#[derive(Resource)]
pub struct LoadJob {
    /// What is loading, in words ("Resuming Full head").
    pub title: String,
    /// How far it has got.
    pub meter: Arc<Shared>,
    job: Option<JoinHandle<Resumed>>,
    /// The mouse's hand pressure the session had.
    hand_pressure: Option<f64>,
}

/// A practice rebuilt from an autosave, and its scalp painted.
struct Resumed {
    practice: Practice,
    scalp: Option<PreparedScalp>,
}

impl LoadJob {
    /// Starts rebuilding the practice saved as `attempt` (its last session still being
    /// tattooed if `in_progress`); with `paint`, the scalp is painted on the same thread.
    pub fn resume(
        level: Level,
        attempt: Attempt,
        in_progress: bool,
        hand_pressure: Option<f64>,
        paint: bool,
    ) -> Self {
        let title = format!("Resuming {}", level.plan.title);
        let meter = Arc::new(Shared::default());
        let watched = Arc::clone(&meter);
        let job = std::thread::spawn(move || {
            let practice = Practice::resume_metered(level, attempt, in_progress, watched.as_ref());
            let scalp = paint.then(|| {
                watched.stage("painting the scalp", 1, "canvas");
                let scalp = PreparedScalp::paint(&practice);
                watched.advance(1);
                scalp
            });
            Resumed { practice, scalp }
        });
        Self {
            title,
            meter,
            job: Some(job),
            hand_pressure,
        }
    }

    /// Whether the work is done (the next frame takes it).
    pub fn is_finished(&self) -> bool {
        self.job.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

/// Takes the finished work to the practice screen; until then, asks for a frame a tenth of a
/// second on so the progress moves without input.
fn finish_loading(
    mut commands: Commands,
    mut job: ResMut<LoadJob>,
    mut next: ResMut<NextState<Screen>>,
    mut notice: ResMut<Notice>,
    mut wake: ResMut<Wake>,
) {
    if !job.is_finished() {
        wake.within(0.1);
        return;
    }
    let Some(handle) = job.job.take() else { return };
    commands.remove_resource::<LoadJob>();
    match handle.join() {
        Ok(Resumed { practice, scalp }) => {
            // The session goes on where it stopped: its clock, and the mouse's pressure.
            let (t, began) = practice.live_clock();
            commands.insert_resource(SessionClock(t));
            commands.insert_resource(ClockRunning(began));
            if let Some(h) = job.hand_pressure {
                commands.insert_resource(HandPressure(h.clamp(0.0, 1.0)));
            }
            if let Some(scalp) = scalp {
                commands.insert_resource(scalp);
            }
            next.set(practice.first_screen());
            commands.insert_resource(practice);
        }
        Err(_) => {
            // The autosave stays on disk: nothing is lost by a failed resume.
            error!("resuming failed on its thread");
            notice.show("Could not resume the attempt; its autosave is kept.");
            next.set(Screen::Title);
        }
    }
}
