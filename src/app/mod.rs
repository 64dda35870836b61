//! The trainer: a thin Bevy layer over the engine-free core. One plugin per file; screens are
//! [`Screen`] states whose entities are despawned on exit; input, update and UI run as system
//! sets in that order every frame.
//!
//! [`logic_plugin`] (practice session, input path, autosave, replay driver) runs headless under
//! `MinimalPlugins` for tests; [`plugin`] adds the window, pen backends, scalp and panels.

use std::path::PathBuf;

use bevy::prelude::*;

pub mod autosave;
pub mod calibration;
pub mod editor;
pub mod input;
pub mod practice;
pub mod replay_driver;
pub mod review;
mod review_view;
mod scalp;
mod screenshot;
mod ui;

pub use scalp::Heatmap;

/// What the trainer was asked to do on the command line.
#[derive(Resource, Clone, Debug, Default)]
pub struct Options {
    /// Level to open (id or path); `None` opens the title screen.
    pub level: Option<String>,
    /// Folder of extra levels.
    pub levels_dir: Option<PathBuf>,
    /// Attempt whose samples to replay through the input path.
    pub replay: Option<PathBuf>,
    /// Replay speed factor.
    pub speed: f64,
    /// Where to write screenshots once the replay and scoring are done (the results screen;
    /// the practice screen goes beside it as `NAME-practice.png`).
    pub screenshot: Option<PathBuf>,
    /// Quit when the replay is done (and screenshots written).
    pub exit_when_done: bool,
    /// Attempt to open for review.
    pub review: Option<PathBuf>,
    /// Heatmap the review opens with.
    pub heatmap: Heatmap,
    /// Days of healing the review opens showing (`None`: as the work was made).
    pub day: Option<f64>,
    /// Level file to open in the editor (`Some("")`: a blank canvas).
    pub edit: Option<String>,
}

/// The screens of the trainer.
#[derive(States, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Curriculum and level select.
    #[default]
    Title,
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
}

/// The fixed order of each frame's work.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppSet {
    /// Pen samples arrive (tablet, mouse or replay).
    Input,
    /// Samples become impressions; sessions advance.
    Update,
    /// What the trainee sees follows.
    View,
}

/// Everything but the window: runs under `MinimalPlugins` (tests) as under `DefaultPlugins`.
pub fn logic_plugin(app: &mut App) {
    app.init_state::<Screen>();
    app.configure_sets(
        Update,
        (AppSet::Input, AppSet::Update, AppSet::View).chain(),
    );
    app.add_plugins((
        input::plugin,
        practice::plugin,
        autosave::plugin,
        replay_driver::plugin,
        calibration::plugin,
        review::plugin,
    ));
}

/// The whole trainer, for a real window.
pub fn plugin(app: &mut App) {
    logic_plugin(app);
    app.add_plugins((
        input::pen_backends_plugin,
        scalp::plugin,
        ui::plugin,
        review_view::plugin,
        editor::plugin,
        screenshot::plugin,
    ));
}

/// Opens the trainer window and runs until it closes.
pub fn run(options: Options) -> std::process::ExitCode {
    let mut app = App::new();
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "smp-trainer".into(),
                    resolution: (1400u32, 900u32).into(),
                    ..default()
                }),
                ..default()
            })
            .set(bevy::log::LogPlugin {
                filter: "wgpu=error,naga=warn,bevy_render=warn,bevy_winit=warn".into(),
                ..default()
            }),
    );
    // The pen must be read every frame even without window events: keep updating continuously.
    app.insert_resource(bevy::winit::WinitSettings::continuous());
    app.add_plugins(bevy_egui::EguiPlugin::default());
    // Frame rate in the HUD: a trainee sees at once if the machine cannot keep up.
    app.add_plugins(bevy::diagnostic::FrameTimeDiagnosticsPlugin::default());
    app.insert_resource(options);
    plugin(&mut app);
    match app.run() {
        AppExit::Success => std::process::ExitCode::SUCCESS,
        AppExit::Error(code) => std::process::ExitCode::from(code.get()),
    }
}
