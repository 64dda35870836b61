//! One file per screen, each a plugin whose systems run only in its [`Screen`] state, and the
//! help and notices shown over all of them.

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;

use crate::input::{KeyboardOverUi, PointerOverUi};
pub use crate::screen::Screen;

pub mod between_sessions;
pub mod calibration;
pub mod design;
pub mod editor;
pub mod help;
pub mod loading;
pub mod practice;
pub mod results;
pub mod review;
pub mod title;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(PreUpdate, pointer_over_ui);
    app.add_systems(
        PreUpdate,
        drop_unchanged_modifiers
            .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
            .before(bevy_egui::EguiPreUpdateSet::BeginPass),
    );
    app.add_plugins((
        title::plugin,
        calibration::plugin,
        design::plugin,
        practice::plugin,
        between_sessions::plugin,
        results::plugin,
        review::plugin,
        editor::plugin,
        help::plugin,
        loading::plugin,
    ));
}

/// bevy_egui reports the modifier keys to egui every frame, changed or not, and egui answers
/// any input with a repaint: the window would redraw forever. Only a change is passed on.
fn drop_unchanged_modifiers(
    mut inputs: Query<&mut bevy_egui::EguiInput>,
    mut last: Local<Option<bevy_egui::egui::Modifiers>>,
) {
    for mut input in &mut inputs {
        input.0.events.retain(|e| match e {
            bevy_egui::egui::Event::ModifiersChanged(m) => {
                let changed = *last != Some(*m);
                *last = Some(*m);
                changed
            }
            _ => true,
        });
    }
}

/// Tells the input path whether the pointer is over a panel (its strokes and wheel are the
/// panel's) and whether a text field has the keyboard (its keys are text, not shortcuts).
fn pointer_over_ui(
    wants: Option<Res<EguiWantsInput>>,
    mut over: ResMut<PointerOverUi>,
    mut typing: ResMut<KeyboardOverUi>,
) {
    over.0 = wants.as_ref().is_some_and(|w| w.wants_any_pointer_input());
    typing.0 = wants.is_some_and(|w| w.wants_any_keyboard_input());
}
