//! The session clock: seconds since the trainee first touched the skin in the current session,
//! stamped on live pen samples. It stands at 0 until that first touch, so reading the brief or
//! looking around costs no time.

use bevy::prelude::*;

use crate::screen::Screen;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<SessionClock>();
    app.init_resource::<ClockRunning>();
    app.add_systems(
        PreUpdate,
        advance.run_if(in_state(Screen::Practice).and_then(|r: Res<ClockRunning>| r.0)),
    );
}

/// Seconds since the current session's first touch (the time stamped on live pen samples).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct SessionClock(pub f64);

/// Whether the session clock runs: from the first touch of a session (or a resumed session
/// that had begun) until the session ends.
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct ClockRunning(pub bool);

fn advance(time: Res<Time>, mut clock: ResMut<SessionClock>) {
    clock.0 += time.delta_secs_f64();
}
