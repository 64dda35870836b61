//! Where the head camera is (`Orbit`: angles, distance, the five views), its field of view, and
//! the render layer the head's camera and everything it sees are on. Plain data with no systems,
//! so the pen's ray (`pick`) and the screens read it without depending on the controls.

use bevy::prelude::*;
use smp_core::surface::View;

/// The render layer of everything only the head camera sees.
pub const HEAD_LAYER: usize = 1;

/// Marks the 3D camera that looks at the head.
#[derive(Component)]
pub struct HeadCamera;

/// Where the head camera is: angles around the head's centre and distance, in the head frame
/// (mm; x to the client's right, y to the front, z up).
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct Orbit {
    /// The point looked at, mm.
    pub target: Vec3,
    /// Angle around the vertical from the front toward the client's right, rad.
    pub yaw: f32,
    /// Angle above the horizontal, rad (π/2 looks straight down).
    pub pitch: f32,
    /// Distance from the target, mm.
    pub distance: f32,
}

/// Nearest the camera may come: the skin then fills a few millimetres of the window.
pub const MIN_DISTANCE_MM: f32 = 130.0;
/// Farthest: the whole head with room around it.
pub const MAX_DISTANCE_MM: f32 = 900.0;
/// The camera's vertical field of view, rad.
pub const FOV_RAD: f32 = 0.5;

impl Default for Orbit {
    fn default() -> Self {
        Orbit::of_view(View::Front)
    }
}

impl Orbit {
    /// The whole head from `view`.
    pub fn of_view(view: View) -> Orbit {
        let (yaw, pitch) = match view {
            View::Front => (0.0, 0.25),
            View::Right => (std::f32::consts::FRAC_PI_2, 0.2),
            View::Left => (-std::f32::consts::FRAC_PI_2, 0.2),
            View::Back => (std::f32::consts::PI, 0.2),
            View::Top => (0.0, std::f32::consts::FRAC_PI_2 - 0.02),
        };
        Orbit {
            target: Vec3::new(0.0, 0.0, 10.0),
            yaw,
            pitch,
            distance: 700.0,
        }
    }

    /// The camera's place, mm.
    pub fn eye(&self) -> Vec3 {
        let (sy, cy) = self.yaw.sin_cos();
        let (sp, cp) = self.pitch.sin_cos();
        self.target + Vec3::new(sy * cp, cy * cp, sp) * self.distance
    }

    /// The camera's transform: at [`Orbit::eye`], looking at the target, z up.
    pub fn transform(&self) -> Transform {
        // Straight down, "up" on the picture is toward the face.
        let up = if self.pitch > 1.5 { Vec3::Y } else { Vec3::Z };
        Transform::from_translation(self.eye()).looking_at(self.target, up)
    }
}

/// The orbit that looks square at the skin at `point` (head frame, mm) from close by.
pub fn orbit_facing(point: Vec3, distance: f32) -> Orbit {
    let target = Vec3::new(0.0, 0.0, 10.0);
    let d = (point - target).normalize_or(Vec3::Y);
    Orbit {
        target,
        yaw: d.x.atan2(d.y),
        pitch: d.z.clamp(-1.0, 1.0).asin().clamp(-1.2, 1.55),
        distance: distance.clamp(MIN_DISTANCE_MM, MAX_DISTANCE_MM),
    }
}

/// The whole head seen from the side the level's work is on: square to the skin at the middle
/// of its zones (and hairline), from the usual distance. A crown is seen from above and behind,
/// a hairline from the front.
pub fn facing_the_work(
    head: &smp_core::surface::Head,
    plan: &smp_core::plan::ReferencePlan,
) -> Orbit {
    let points: Vec<smp_core::geometry::Point> = plan
        .zones
        .iter()
        .flat_map(|z| z.outline.vertices.iter().copied())
        .chain(
            plan.hairline
                .iter()
                .flat_map(|h| h.line.vertices.iter().copied()),
        )
        .filter(|p| p.is_finite())
        .collect();
    if points.is_empty() {
        return Orbit::default();
    }
    let n = points.len() as f64;
    let mid = smp_core::geometry::Point::new(
        points.iter().map(|p| p.x_mm).sum::<f64>() / n,
        points.iter().map(|p| p.y_mm).sum::<f64>() / n,
    );
    match head.point_at(mid) {
        Some(p) => orbit_facing(
            Vec3::new(p.x as f32, p.y as f32, p.z as f32),
            Orbit::default().distance,
        ),
        None => Orbit::default(),
    }
}
