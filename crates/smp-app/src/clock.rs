//! The session clock: seconds since the current session started, stamped on live pen samples.

use bevy::prelude::*;

use crate::screen::Screen;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<SessionClock>();
    app.add_systems(PreUpdate, advance.run_if(in_state(Screen::Practice)));
}

/// Seconds since the current session started (the time stamped on live pen samples).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct SessionClock(pub f64);

fn advance(time: Res<Time>, mut clock: ResMut<SessionClock>) {
    clock.0 += time.delta_secs_f64();
}
