//! From a window position to the skin: the ray from the head camera's eye through the pixel, where
//! it first meets the head (the core's [`Head::locate`]), and the needle's axis along it.
//!
//! Kept as a resource computed from the camera each frame, like the flat skin's
//! [`crate::camera::PointerToCanvas`], so the input path needs no camera and headless tests drive
//! a head with window events alone.

use std::sync::Arc;

use bevy::prelude::*;
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::surface::Head;

use super::orbit::{FOV_RAD, Orbit};

/// How window positions reach the head this frame: the camera's eye and axes (head frame, mm)
/// and the part of the window it draws in.
#[derive(Resource, Clone, Debug)]
pub struct PointerToHead {
    /// The head the pen works on.
    pub head: Arc<Head>,
    /// The camera's place, mm.
    pub eye: SkinVec3,
    /// Unit vector the camera looks along.
    pub forward: SkinVec3,
    /// Unit vector to the picture's right.
    pub right: SkinVec3,
    /// Unit vector to the picture's top.
    pub up: SkinVec3,
    /// Tangent of half the vertical field of view (dimensionless).
    pub tan_half_fov: f64,
    /// The drawn part of the window: top-left corner and size, logical px.
    pub viewport: Rect,
}

/// Where a window position reaches the head.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SkinHit {
    /// The place on the scalp map, mm.
    pub at: Point,
    /// The needle's axis, into the skin (unit, head frame).
    pub axis: SkinVec3,
}

impl PointerToHead {
    /// The mapping for `orbit` drawn into `viewport` (logical px).
    pub fn new(head: Arc<Head>, orbit: &Orbit, viewport: Rect) -> Self {
        let eye = orbit.eye();
        let forward = (orbit.target - eye).normalize_or(Vec3::NEG_Y);
        let up_hint = if orbit.pitch > 1.5 { Vec3::Y } else { Vec3::Z };
        let right = forward.cross(up_hint).normalize_or(Vec3::X);
        let up = right.cross(forward);
        let v = |a: Vec3| SkinVec3::new(f64::from(a.x), f64::from(a.y), f64::from(a.z));
        Self {
            head,
            eye: v(eye),
            forward: v(forward),
            right: v(right),
            up: v(up),
            tan_half_fov: (f64::from(FOV_RAD) / 2.0).tan(),
            viewport,
        }
    }

    /// The unit direction of the ray through window position `pos` (logical px).
    pub fn ray(&self, pos: Vec2) -> SkinVec3 {
        let size = self.viewport.size().max(Vec2::ONE);
        let rel = (pos - self.viewport.min) / size;
        let aspect = f64::from(size.x / size.y);
        let (nx, ny) = (f64::from(rel.x) * 2.0 - 1.0, 1.0 - f64::from(rel.y) * 2.0);
        (self.forward
            + self.right * (nx * self.tan_half_fov * aspect)
            + self.up * (ny * self.tan_half_fov))
            .normalized()
    }

    /// Where the point `p` (head frame, mm) is seen in the window, logical px: the inverse of
    /// [`PointerToHead::ray`]. `None` behind the camera.
    pub fn window_pos(&self, p: SkinVec3) -> Option<Vec2> {
        let d = p - self.eye;
        let depth = d.dot(self.forward);
        if depth <= 0.0 {
            return None;
        }
        let size = self.viewport.size().max(Vec2::ONE);
        let aspect = f64::from(size.x / size.y);
        let nx = d.dot(self.right) / (depth * self.tan_half_fov * aspect);
        let ny = d.dot(self.up) / (depth * self.tan_half_fov);
        let rel = Vec2::new(((nx + 1.0) / 2.0) as f32, ((1.0 - ny) / 2.0) as f32);
        Some(self.viewport.min + rel * size)
    }

    /// Where window position `pos` reaches the scalp map, and the needle's axis: along the ray,
    /// leaned by the pen's tilt (rad; toward the picture's right and bottom, as a tablet reports
    /// it: the pen's top leaning right sends the tip's axis left). `None` off the head, or off
    /// its map.
    pub fn hit(&self, pos: Vec2, tilt_x_rad: f64, tilt_y_rad: f64) -> Option<SkinHit> {
        let ray = self.ray(pos);
        let at = self.head.locate(self.eye, ray)?;
        let lean = |t: f64| {
            if t.is_finite() {
                t.clamp(-1.4, 1.4).sin()
            } else {
                0.0
            }
        };
        let axis = (ray - self.right * lean(tilt_x_rad) + self.up * lean(tilt_y_rad)).normalized();
        Some(SkinHit { at, axis })
    }
}

/// The part of the window the head is drawn in: left of the side panel, below the top bar
/// (logical px). The same split as the flat skin's fit.
pub fn head_viewport(window: &Window, panels: &crate::camera::PanelsPx) -> Rect {
    let (panel, bar) = (panels.right, panels.top);
    let w = (window.width() - panel).max(200.0);
    let h = (window.height() - bar).max(200.0);
    Rect::new(0.0, bar, w, bar + h)
}
