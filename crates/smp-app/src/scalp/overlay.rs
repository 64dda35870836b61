//! The plan drawn over a flat skin: zones, scars, hairline and its transition band.

use bevy::prelude::*;
use smp_core::geometry::Point;

use crate::camera::world;
use crate::session::Practice;

/// Whether the plan overlay (zones, hairline, transition band) is shown: at first, so a trainee
/// sees what the level wants.
#[derive(Resource)]
pub struct Overlay(pub bool);

impl Default for Overlay {
    fn default() -> Self {
        Self(true)
    }
}

pub(super) fn draw_overlay(
    mut gizmos: Gizmos,
    overlay: Res<Overlay>,
    practice: Option<Res<Practice>>,
) {
    let Some(practice) = practice else { return };
    let plan = &practice.level.plan;
    // A head's plan lies on the head (see `head_view::overlay`).
    if plan.head().is_some() {
        return;
    }
    let (w, h) = (plan.canvas_mm.0 as f32, plan.canvas_mm.1 as f32);
    // The canvas edge, always.
    gizmos.rect_2d(
        Isometry2d::from_translation(Vec2::new(w / 2.0, -h / 2.0)),
        Vec2::new(w, h),
        Color::srgba(0.2, 0.2, 0.2, 0.6),
    );
    if !overlay.0 {
        return;
    }
    for zone in &plan.zones {
        let mut pts: Vec<Vec2> = zone.outline.vertices.iter().map(|p| world(*p)).collect();
        if let Some(first) = pts.first().copied() {
            pts.push(first);
        }
        gizmos.linestrip_2d(pts, Color::srgb(0.1, 0.45, 0.9));
    }
    if let Some(hl) = &plan.hairline {
        gizmos.linestrip_2d(
            hl.line.vertices.iter().map(|p| world(*p)),
            Color::srgb(0.9, 0.3, 0.1),
        );
        gizmos.linestrip_2d(
            hairline_band(plan).into_iter().map(world),
            Color::srgba(0.9, 0.5, 0.1, 0.7),
        );
    }
}

/// The back edge of the hairline's transition band, on the plan's canvas: the line moved by the
/// band's depth toward the zones (empty without a hairline).
pub fn hairline_band(plan: &smp_core::plan::ReferencePlan) -> Vec<Point> {
    let Some(hl) = &plan.hairline else {
        return Vec::new();
    };
    let v = &hl.line.vertices;
    v.iter()
        .enumerate()
        .map(|(i, p)| {
            let (a, b) = (v[i.saturating_sub(1)], v[(i + 1).min(v.len() - 1)]);
            let (dx, dy) = (b.x_mm - a.x_mm, b.y_mm - a.y_mm);
            let len = dx.hypot(dy).max(1e-9);
            let n = Point::new(-dy / len, dx / len);
            let t = hl.transition_mm;
            let fwd = Point::new(p.x_mm + n.x_mm * t, p.y_mm + n.y_mm * t);
            let back = Point::new(p.x_mm - n.x_mm * t, p.y_mm - n.y_mm * t);
            if plan.zone_at(fwd).is_some() {
                fwd
            } else {
                back
            }
        })
        .collect()
}
