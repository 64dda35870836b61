//! The camera that looks at the scalp: 1 world unit = 1 mm, canvas y pointing down the screen,
//! so canvas point (x, y) sits at world (x, −y).

use bevy::prelude::*;
use smp_core::geometry::Point;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<PanelsPx>();
    app.add_systems(Startup, spawn);
    // Before input: the pen reads window positions through this frame's view.
    app.add_systems(PreUpdate, follow_camera);
}

/// How window positions map to the canvas this frame (the scalp camera is a 2D orthographic
/// view: a scale and an offset). Kept as a resource so the input path needs no camera, and tests
/// can drive it with window events alone.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct PointerToCanvas {
    /// Canvas point at window position (0, 0), mm.
    pub origin: Point,
    /// Canvas mm per logical pixel.
    pub mm_per_px: f64,
}

impl PointerToCanvas {
    /// The canvas point under window position `pos` (logical px).
    pub fn at(&self, pos: Vec2) -> Point {
        Point::new(
            self.origin.x_mm + f64::from(pos.x) * self.mm_per_px,
            self.origin.y_mm + f64::from(pos.y) * self.mm_per_px,
        )
    }
}

fn follow_camera(
    cameras: Query<(&Camera, &GlobalTransform), With<ScalpCamera>>,
    mut commands: Commands,
    current: Option<Res<PointerToCanvas>>,
) {
    let Ok(camera) = cameras.single() else { return };
    let (Some(o), Some(one)) = (
        to_canvas(&camera, Vec2::ZERO),
        to_canvas(&camera, Vec2::new(1.0, 0.0)),
    ) else {
        return;
    };
    let mapping = PointerToCanvas {
        origin: o,
        mm_per_px: one.x_mm - o.x_mm,
    };
    if current.is_none_or(|c| *c != mapping) {
        commands.insert_resource(mapping);
    }
}

/// Marks the camera that looks at the scalp.
#[derive(Component)]
pub struct ScalpCamera;

fn spawn(mut commands: Commands) {
    commands.spawn((
        Camera2d,
        // Colours as painted: the canvas is already the skin's colour, and with Bevy's 3D
        // features on, a film curve would ask for tables we do not ship (the tiles then vanish).
        bevy::core_pipeline::tonemapping::Tonemapping::None,
        Msaa::Off,
        ScalpCamera,
        Transform::default(),
    ));
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

/// Width of the side panel the scalp is fitted beside, logical px.
pub const SIDE_PANEL_PX: f32 = 460.0;
/// Height of the top bar the scalp is fitted below, logical px.
pub const TOP_BAR_PX: f32 = 30.0;

/// How much of the window the current screen's panels take (logical px): the right-hand panel's
/// width and the top bar's height. Each screen's panel writes what egui laid out, so the head
/// fills exactly the part left free.
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct PanelsPx {
    /// Width of the right-hand panel, logical px.
    pub right: f32,
    /// Height of the top bar, logical px.
    pub top: f32,
}

impl Default for PanelsPx {
    fn default() -> Self {
        PanelsPx {
            right: SIDE_PANEL_PX,
            top: TOP_BAR_PX,
        }
    }
}

impl PanelsPx {
    /// Records a right-hand panel `width` px wide (changing the resource only when it differs,
    /// so an idle screen stays idle).
    pub fn set_right(this: &mut ResMut<PanelsPx>, width: f32) {
        if width.is_finite() && width > 0.0 && (this.right - width).abs() > 0.5 {
            this.right = width;
        }
    }

    /// Records a top bar `height` px high (0 for none).
    pub fn set_top(this: &mut ResMut<PanelsPx>, height: f32) {
        if height.is_finite() && height >= 0.0 && (this.top - height).abs() > 0.5 {
            this.top = height;
        }
    }
}
