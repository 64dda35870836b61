//! The camera that looks at the scalp: 1 world unit = 1 mm, canvas y pointing down the screen,
//! so canvas point (x, y) sits at world (x, −y).

use bevy::prelude::*;
use smp_core::geometry::Point;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn);
}

/// Marks the camera that looks at the scalp.
#[derive(Component)]
pub struct ScalpCamera;

fn spawn(mut commands: Commands) {
    commands.spawn((Camera2d, ScalpCamera, Transform::default()));
}

/// Window position (logical px) to canvas mm, through the scalp camera.
pub fn to_canvas(camera: &(&Camera, &GlobalTransform), window_pos: Vec2) -> Option<Point> {
    let world = camera.0.viewport_to_world_2d(camera.1, window_pos).ok()?;
    Some(Point::new(world.x as f64, -world.y as f64))
}

/// A canvas point (mm, y down) in world units (mm, y up).
pub fn world(p: Point) -> Vec2 {
    Vec2::new(p.x_mm as f32, -p.y_mm as f32)
}
