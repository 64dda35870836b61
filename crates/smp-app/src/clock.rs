//! The session clock: seconds since the trainee first touched the skin in the current session,
//! stamped on live pen samples. It stands at 0 until that first touch, so reading the brief or
//! looking around costs no time.

use bevy::prelude::*;

use crate::screen::Screen;
use crate::wake::Wake;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<SessionClock>();
    app.init_resource::<ClockRunning>();
    app.add_systems(
        PreUpdate,
        advance.run_if(in_state(Screen::Practice).and_then(|r: Res<ClockRunning>| r.0)),
    );
    app.add_systems(
        Update,
        wake_for_next_second
            .run_if(in_state(Screen::Practice).and_then(|r: Res<ClockRunning>| r.0)),
    );
}

/// Seconds since the current session's first touch (the time stamped on live pen samples).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct SessionClock(pub f64);

/// Whether the session clock runs: from the first touch of a session (or a resumed session
/// that had begun) until the session ends.
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct ClockRunning(pub bool);

/// Real time, not the game clock: frames come only when something is due, and a second between
/// two frames is a second of the session (the game clock would cap it at a quarter).
fn advance(time: Res<Time<Real>>, mut clock: ResMut<SessionClock>) {
    clock.0 += time.delta_secs_f64();
}

/// The HUD shows whole seconds: the next frame is due when the next one begins.
fn wake_for_next_second(clock: Res<SessionClock>, mut wake: ResMut<Wake>) {
    let into_second = clock.0.rem_euclid(1.0);
    wake.within(1.0 - into_second + 0.002);
}
