//! The trainer: a ring of Bevy plugins over the engine-free core (`smp-core`).
//!
//! One plugin per file. Each screen is a [`Screen`] state with its own file under [`screens`];
//! its systems run only in that state and the entities it spawns are despawned when it is left.
//! Every frame runs the [`AppSystems`] in order: pen samples arrive, the session advances, the
//! view follows.
//!
//! [`logic_plugin`] (the attempt in progress, the input path, autosave, the replay driver,
//! review and calibration logic) runs headless under `MinimalPlugins` for tests; [`plugin`] adds
//! the window's pen backends, the scalp view and the screens' panels.

use std::path::PathBuf;

use bevy::prelude::*;

pub mod autosave;
pub mod calibration;
pub mod camera;
pub mod clock;
pub mod cross_section;
pub mod design_step;
#[cfg(feature = "dev")]
mod dev;
pub mod editor;
pub mod head_view;
pub mod input;
pub mod loading;
pub mod marks;
pub mod notice;
pub mod replay_driver;
pub mod review;
pub mod scalp;
mod screen;
pub mod screens;
mod screenshot;
pub mod session;
pub mod submission;
pub mod theme;
pub mod third_party;
pub mod wake;
pub mod widgets;
mod window;

pub use bevy;
pub use marks::Heatmap;
pub use screens::Screen;

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
    /// The academy's trusted instructor keys (default: the data folder's trusted-keys.ron).
    pub trusted_keys: Option<PathBuf>,
}

/// The fixed order of each frame's work.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Pen samples and keys arrive (tablet, mouse, replay).
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
        (AppSystems::Input, AppSystems::Update, AppSystems::View).chain(),
    );
    app.add_plugins((
        clock::plugin,
        input::plugin,
        session::plugin,
        design_step::plugin,
        autosave::plugin,
        replay_driver::plugin,
        calibration::plugin,
        review::plugin,
        notice::plugin,
        loading::plugin,
        wake::plugin,
        submission::plugin,
    ));
    #[cfg(feature = "dev")]
    app.add_plugins(dev::plugin);
}

/// The whole trainer, for a real window.
pub fn plugin(app: &mut App) {
    logic_plugin(app);
    app.add_plugins((
        camera::plugin,
        editor::plugin,
        head_view::plugin,
        third_party::octotablet::pen_backends_plugin,
        scalp::plugin,
        screens::plugin,
        screenshot::plugin,
        window::plugin,
        wake::render_plugin,
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
    // Frames run on input and when something promised is due, never on a fixed rate: see `wake`.
    app.insert_resource(wake::winit_settings());
    // The render thread stamps each frame's time when it presents it, so the main world would
    // see a frame's time one frame late: after a quiet minute, the frame after a touch would
    // count the whole minute (a session clock jumping, a held pan key flinging the view). Without
    // the stamps, each frame reads the time itself; the render thread's stamps are then dropped.
    app.world_mut()
        .remove_resource::<bevy::time::TimeReceiver>();
    app.add_plugins(third_party::egui::plugin);
    app.insert_resource(options);
    plugin(&mut app);
    match app.run() {
        AppExit::Success => std::process::ExitCode::SUCCESS,
        AppExit::Error(code) => std::process::ExitCode::from(code.get()),
    }
}
