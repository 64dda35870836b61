//! One file per screen, each a plugin whose systems run only in its [`Screen`] state, and the
//! help and notices shown over all of them.

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;

use crate::input::PointerOverUi;
pub use crate::screen::Screen;

pub mod between_sessions;
pub mod calibration;
pub mod editor;
pub mod help;
pub mod practice;
pub mod results;
pub mod review;
pub mod title;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, pointer_over_ui);
    app.add_plugins((
        title::plugin,
        calibration::plugin,
        practice::plugin,
        between_sessions::plugin,
        results::plugin,
        review::plugin,
        editor::plugin,
        help::plugin,
    ));
}

/// Tells the input path whether the pointer is over a panel (its strokes are the panel's).
fn pointer_over_ui(wants: Option<Res<EguiWantsInput>>, mut over: ResMut<PointerOverUi>) {
    over.0 = wants.is_some_and(|w| w.wants_any_pointer_input());
}
