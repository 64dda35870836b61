//! Development aids (feature `dev`): every screen change is logged.

use bevy::prelude::*;
use bevy::state::state::StateTransitionEvent;

use crate::screen::Screen;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Update, log_screen_changes);
}

fn log_screen_changes(mut changes: MessageReader<StateTransitionEvent<Screen>>) {
    for c in changes.read() {
        info!("screen: {:?} -> {:?}", c.exited, c.entered);
    }
}
