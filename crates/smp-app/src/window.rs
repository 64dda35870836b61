//! The trainer's window: never larger than the screen it opens on, so every panel is reachable
//! from an 800 × 600 display up to 4K.

use bevy::prelude::*;
use bevy::window::{Monitor, PrimaryMonitor, PrimaryWindow, WindowPosition};

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Update, fit_to_monitor);
}

/// Shrinks the window to the primary monitor (with room for a title bar) once the monitor is
/// known; a window that fits is left as the user or window manager made it.
fn fit_to_monitor(
    monitors: Query<&Monitor, With<PrimaryMonitor>>,
    mut windows: Query<&mut Window, With<PrimaryWindow>>,
    mut done: Local<bool>,
) {
    if *done {
        return;
    }
    let (Ok(monitor), Ok(mut window)) = (monitors.single(), windows.single_mut()) else {
        return;
    };
    *done = true;
    let scale = monitor.scale_factor.max(0.5) as f32;
    let screen = Vec2::new(
        monitor.physical_width as f32 / scale,
        monitor.physical_height as f32 / scale,
    );
    if screen.x < 100.0 || screen.y < 100.0 {
        return;
    }
    let room = Vec2::new(screen.x, screen.y - 40.0);
    let size = Vec2::new(window.resolution.width(), window.resolution.height());
    if size.x > room.x || size.y > room.y {
        let fitted = size.min(room);
        window.resolution.set(fitted.x, fitted.y);
        window.position = WindowPosition::Centered(MonitorSelection::Primary);
        info!("window fitted to the screen: {} × {}", fitted.x, fitted.y);
    }
}
