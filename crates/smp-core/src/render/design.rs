//! A designed hairline drawn over a picture of the head, with the lines it is measured from laid on
//! the skin ([`crate::design::rule_lines`]: the glabella's level, the midline, the outer canthus
//! verticals and the mid-pupil lines; thin, teal), the
//! mid-frontal point (a ringed cross), the measured method's points C and D (teal crosses) and the
//! design itself (a marker's pink). An instructor reads the
//! rules off the picture as off a client's head marked with a pencil.

use crate::design::{DesignTargets, measure, rule_lines};
use crate::geometry::{Point, Polyline, Vec3};
use crate::surface::Head;

use super::head::Camera;
use super::picture::Picture;

/// The design's colour.
pub const DESIGN_RGB: [u8; 3] = [225, 40, 140];
/// The rule lines' colour.
pub const RULE_RGB: [u8; 3] = [40, 175, 165];

/// Draws `line` (a design on `head`'s scalp map) and its rule lines ([`rule_lines`]) over
/// `picture`, which `draw_head` took through `camera`, with the mid-frontal point and, in the
/// rule lines' colour, where the measured method puts C and D for it (`targets`' spans). Parts
/// of the lines on skin turned away from the camera are left out.
pub fn draw_design(
    head: &Head,
    camera: &Camera,
    picture: &mut Picture,
    line: &Polyline,
    targets: &DesignTargets,
) {
    let px_per_mm = f64::from(picture.width) / camera.width_mm;
    let right = camera.up.cross(camera.toward_eye);
    let (cx, cy) = (
        f64::from(picture.width) / 2.0,
        f64::from(picture.height) / 2.0,
    );
    let project = |p: Vec3| {
        let d = p - camera.target;
        Point::new(
            cx + d.dot(right) * px_per_mm,
            cy - d.dot(camera.up) * px_per_mm,
        )
    };
    let width = (f64::from(picture.width) / 700.0).max(1.0);
    // Whether the skin at a map place faces the camera.
    let facing = |at: Point| {
        head.normal_at_map(at)
            .is_some_and(|n| n.dot(camera.toward_eye) > 0.05)
    };
    // A map polyline on the skin, a run at a time where the skin faces the camera.
    let mut on_skin = |points: &[Point], rgb: [u8; 3], alpha: f64, width_px: f64| {
        let mut run: Vec<Point> = Vec::new();
        let flush = |run: &mut Vec<Point>, picture: &mut Picture| {
            if run.len() >= 2 {
                picture.polyline(run, 1.0, rgb, alpha, width_px);
            }
            run.clear();
        };
        let mut places: Vec<Point> = points
            .windows(2)
            .flat_map(|pair| {
                let steps = ((pair[0].distance(pair[1]) / 0.5).ceil() as usize).clamp(1, 4000);
                (0..steps).map(move |k| pair[0].lerp(pair[1], k as f64 / steps as f64))
            })
            .collect();
        places.extend(points.last());
        for at in places {
            match head.point_at(at).filter(|_| facing(at)) {
                Some(p) => run.push(project(p)),
                None => flush(&mut run, picture),
            }
        }
        flush(&mut run, picture);
    };
    for rule in rule_lines(head) {
        on_skin(&rule, RULE_RGB, 0.8, width);
    }
    on_skin(&line.vertices, DESIGN_RGB, 0.95, 2.5 * width);
    let Ok(m) = measure(head, line, targets) else {
        return;
    };
    // The method's points, then the mid-frontal point over them.
    let method = [m.frontotemporal_mm, m.temporal_peak_mm];
    for (_, at) in method.into_iter().flatten().flatten() {
        if let Some(p) = head.point_at(at).filter(|_| facing(at)) {
            picture.marker(project(p), 1.0, RULE_RGB);
        }
    }
    if let Some(p) = head.point_at(m.mfp) {
        picture.marker(project(p), 1.0, DESIGN_RGB);
    }
}
