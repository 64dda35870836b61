//! egui in the window, through bevy_egui: its plugin, added where the window is opened (the
//! headless tests run without it). The look of the panels is [`crate::theme`].

use bevy::prelude::*;

pub(crate) fn plugin(app: &mut App) {
    app.add_plugins(bevy_egui::EguiPlugin::default());
}
