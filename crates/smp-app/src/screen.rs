//! The trainer's screens as a state (each has its file under `screens/`), and how a screen's
//! systems are added so that they run only while it is shown.

use bevy::ecs::system::ScheduleSystem;
use bevy::prelude::*;

use crate::AppSystems;

/// The screens of the trainer.
#[derive(States, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Curriculum and level select.
    #[default]
    Title,
    /// Designing the hairline on the head with a marker, before tattooing (levels with a design
    /// step).
    Design,
    /// Tattooing a session.
    Practice,
    /// Healing days between two sessions.
    BetweenSessions,
    /// The score and the healed result.
    Results,
    /// Fitting the trainee's pressure curve.
    Calibration,
    /// An instructor reviewing an attempt.
    Review,
    /// Editing a level.
    Editor,
    /// Opening something big (resuming a full head) on another thread, with its progress.
    Loading,
}

/// Adding a screen's systems so that they run only while it is shown.
pub trait ScreenSystems {
    /// Adds `systems` to the frame's `set` (see [`AppSystems`]), run only on `screen`.
    fn add_screen_systems<M>(
        &mut self,
        screen: Screen,
        set: AppSystems,
        systems: impl IntoScheduleConfigs<ScheduleSystem, M>,
    ) -> &mut Self;

    /// Adds `panel`, a system that lays out egui panels, run only on `screen`.
    fn add_screen_panel<M>(
        &mut self,
        screen: Screen,
        panel: impl IntoScheduleConfigs<ScheduleSystem, M>,
    ) -> &mut Self;
}

impl ScreenSystems for App {
    fn add_screen_systems<M>(
        &mut self,
        screen: Screen,
        set: AppSystems,
        systems: impl IntoScheduleConfigs<ScheduleSystem, M>,
    ) -> &mut Self {
        self.add_systems(Update, systems.in_set(set).run_if(in_state(screen)))
    }

    fn add_screen_panel<M>(
        &mut self,
        screen: Screen,
        panel: impl IntoScheduleConfigs<ScheduleSystem, M>,
    ) -> &mut Self {
        self.add_systems(
            bevy_egui::EguiPrimaryContextPass,
            panel.run_if(in_state(screen)),
        )
    }
}
