//! A designed hairline drawn over a picture of the head, with the lines it is measured from: the
//! glabella's level, the outer canthus verticals and the mid-pupil lines (thin, teal), the
//! mid-frontal point (a ringed cross) and the design itself (a marker's pink). An instructor reads the
//! rules off the picture as off a client's head marked with a pencil.

use crate::design::measure;
use crate::geometry::{Point, Polyline, Vec3};
use crate::surface::{Head, Landmark};

use super::head::Camera;
use super::picture::Picture;

/// The design's colour.
pub const DESIGN_RGB: [u8; 3] = [225, 40, 140];
/// The rule lines' colour.
pub const RULE_RGB: [u8; 3] = [40, 175, 165];

/// How far above the glabella the verticals reach, mm.
const RULES_REACH_MM: f64 = 130.0;

/// Draws `line` (a design on `head`'s scalp map) and its rule lines over `picture`, which
/// `draw_head` took through `camera`. Parts of the line on skin turned away from the camera are
/// left out.
pub fn draw_design(head: &Head, camera: &Camera, picture: &mut Picture, line: &Polyline) {
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
    // The rules, from the face's landmarks.
    if let Some(g) = head.landmark_3d(Landmark::Glabella) {
        let up = Vec3::new(0.0, 0.0, RULES_REACH_MM);
        let mut xs = Vec::new();
        for lm in [
            Landmark::OuterCanthusLeft,
            Landmark::OuterCanthusRight,
            Landmark::PupilLeft,
            Landmark::PupilRight,
        ] {
            if let Some(p) = head.landmark_3d(lm) {
                let at_level = Vec3::new(p.x, p.y, g.z);
                let (a, b) = (project(at_level), project(at_level + up));
                xs.push(a.x_mm);
                picture.polyline(&[a, b], 1.0, RULE_RGB, 0.8, width);
            }
        }
        let level = project(g);
        let (lo, hi) = xs.iter().fold((level.x_mm, level.x_mm), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
        let margin = 20.0 * px_per_mm;
        picture.polyline(
            &[
                Point::new(lo - margin, level.y_mm),
                Point::new(hi + margin, level.y_mm),
            ],
            1.0,
            RULE_RGB,
            0.8,
            width,
        );
        picture.polyline(&[level, project(g + up)], 1.0, RULE_RGB, 0.5, width);
    }
    // The design, a run at a time where the skin faces the camera.
    let mut run: Vec<Point> = Vec::new();
    let flush = |run: &mut Vec<Point>, picture: &mut Picture| {
        if run.len() >= 2 {
            picture.polyline(run, 1.0, DESIGN_RGB, 0.95, 2.5 * width);
        }
        run.clear();
    };
    for pair in line.vertices.windows(2) {
        let steps = ((pair[0].distance(pair[1]) / 0.5).ceil() as usize).clamp(1, 4000);
        for k in 0..steps {
            let at = pair[0].lerp(pair[1], k as f64 / steps as f64);
            let facing = head
                .normal_at_map(at)
                .is_some_and(|n| n.dot(camera.toward_eye) > 0.05);
            match head.point_at(at).filter(|_| facing) {
                Some(p) => run.push(project(p)),
                None => flush(&mut run, picture),
            }
        }
    }
    if let Some(p) = line
        .vertices
        .last()
        .and_then(|&l| head.point_at(l))
        .filter(|_| !run.is_empty())
    {
        run.push(project(p));
    }
    flush(&mut run, picture);
    // The mid-frontal point.
    if let Ok(m) = measure(head, line)
        && let Some(p) = head.point_at(m.mfp)
    {
        picture.marker(project(p), 1.0, DESIGN_RGB);
    }
}
