//! `--screenshot` for the review screen and the editor: once the screen has settled, write the
//! window to a PNG and quit. (Replays take theirs in `replay_driver`.)

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};

use crate::Options;
use crate::screen::Screen;
use crate::wake::Wake;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<ScreenShot>();
    app.add_systems(Last, take_when_settled.before(crate::wake::AskTheLoop));
}

/// Progress of the screenshot.
#[derive(Resource, Default)]
struct ScreenShot {
    /// Frames spent on the screen to capture.
    frames: u32,
    /// Taken and being written.
    taken: bool,
    /// Written.
    written: bool,
}

/// Frames to wait on the screen first: the scalp's tiles are uploaded and the panels laid out.
const SETTLE_FRAMES: u32 = 30;

fn take_when_settled(
    mut commands: Commands,
    options: Option<Res<Options>>,
    state: Res<State<Screen>>,
    mut shot: ResMut<ScreenShot>,
    mut exit: MessageWriter<AppExit>,
    mut wake: ResMut<Wake>,
) {
    let Some(options) = options else { return };
    let Some(path): Option<PathBuf> = options.screenshot.clone() else {
        return;
    };
    if options.replay.is_some() || options.review.is_none() && options.edit.is_none() {
        return;
    }
    if shot.written {
        exit.write(AppExit::Success);
        return;
    }
    // Settling, capturing and writing take frames, and nobody may be there to move the mouse.
    wake.next_frame();
    if shot.taken || !matches!(state.get(), Screen::Review | Screen::Editor) {
        return;
    }
    shot.frames += 1;
    if shot.frames < SETTLE_FRAMES {
        return;
    }
    shot.taken = true;
    capture(&mut commands, path).observe(
        |_: On<ScreenshotCaptured>, mut shot: ResMut<ScreenShot>| {
            shot.written = true;
        },
    );
}

/// Captures the window to a PNG at `path`; observe `ScreenshotCaptured` on the returned entity
/// to know when it is written.
pub(crate) fn capture<'a>(commands: &'a mut Commands, path: PathBuf) -> EntityCommands<'a> {
    info!("screenshot: {}", path.display());
    let mut shot = commands.spawn(Screenshot::primary_window());
    shot.observe(save_to_disk(path));
    shot
}
