//! Short messages for the trainee and the help overlay's switch, shared by every screen.

use bevy::prelude::*;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<Notice>();
    app.init_resource::<HelpShown>();
}

/// A message shown for a few seconds at the bottom of the window.
#[derive(Resource, Default, Debug, Clone)]
pub struct Notice {
    /// The text, if any.
    pub text: Option<String>,
    /// When it was first shown, s of app time (`None` until the overlay shows it).
    pub since_s: Option<f64>,
}

impl Notice {
    /// Shows `text` from now on.
    pub fn show(&mut self, text: impl Into<String>) {
        self.text = Some(text.into());
        self.since_s = None;
    }
}

/// Whether the keyboard-shortcut help is shown.
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct HelpShown(pub bool);
