//! What is drawn on the head besides the skin: the plan (zones, the hairline and its transition
//! band) as lines lying on the skin, and the needle's cursor, a ring in the skin's plane coloured
//! by the outcome the pressure would give at the needle's angle there. Lines are seen by the head
//! camera only (their own render layer), so the flat skin's camera never draws them.

use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::surface::Head;

use super::orbit::HEAD_LAYER;
use crate::AppSystems;
use crate::input::{HandPressure, PenHover, PointerOverUi};
use crate::scalp::{Overlay, hairline_band, predicted_on};
use crate::screen::Screen;
use crate::session::Practice;
use crate::theme::outcome_color;

/// Lines drawn on the head (seen by the head camera only).
#[derive(Default, Reflect, GizmoConfigGroup)]
pub struct HeadGizmos;

pub(crate) fn plugin(app: &mut App) {
    app.init_gizmo_group::<HeadGizmos>();
    app.add_systems(Startup, |mut store: ResMut<GizmoConfigStore>| {
        let (config, _) = store.config_mut::<HeadGizmos>();
        config.render_layers = RenderLayers::layer(HEAD_LAYER);
        config.line.width = 1.5;
    });
    app.add_systems(
        Update,
        (
            // The editor draws its draft's shapes itself, live; the design step shows the face
            // bare but for the marker (the plan would give the answer away).
            draw_plan.run_if(
                not(in_state(Screen::Title))
                    .and_then(not(in_state(Screen::Editor)))
                    .and_then(not(in_state(Screen::Design))),
            ),
            draw_cursor.run_if(in_state(Screen::Practice)),
        )
            .in_set(AppSystems::View),
    );
}

/// Marks (heatmaps, selections, pins) laid on the head's skin, just above it so the skin's
/// flat triangles do not swallow them.
pub struct OnHead<'a, 'w, 's> {
    /// Where the lines go.
    pub gizmos: &'a mut Gizmos<'w, 's, HeadGizmos>,
    /// The head the marks are on.
    pub head: &'a Head,
}

impl OnHead<'_, '_, '_> {
    /// The place on the skin for `at` (map mm), lifted, and the rotation that lays a flat mark
    /// in the skin's plane there.
    fn frame(&self, at: Point) -> Option<Isometry3d> {
        let p = on_skin(self.head, at, LIFT_MM)?;
        let n = self.head.normal_at_map(at)?;
        let normal = Vec3::new(n.x as f32, n.y as f32, n.z as f32);
        Some(Isometry3d::new(p, Quat::from_rotation_arc(Vec3::Z, normal)))
    }
}

impl crate::marks::MarkPen for OnHead<'_, '_, '_> {
    fn max_dots(&self) -> usize {
        // Each mark is found on the curved skin and drawn in 3D: fewer than on a plane.
        6_000
    }

    fn ring(&mut self, at: Point, radius_mm: f32, color: Color) {
        if let Some(flat) = self.frame(at) {
            // Small rings need few sides; large ones (selections) stay round.
            let sides = if radius_mm < 0.5 { 8 } else { 32 };
            self.gizmos.circle(flat, radius_mm, color).resolution(sides);
        }
    }

    fn square(&mut self, centre: Point, side_mm: f32, color: Color) {
        if let Some(flat) = self.frame(centre) {
            self.gizmos.rect(flat, Vec2::splat(side_mm), color);
        }
    }

    fn cross(&mut self, at: Point, arm_mm: f32, color: Color) {
        if let Some(flat) = self.frame(at) {
            let (x, y) = (flat.rotation * Vec3::X, flat.rotation * Vec3::Y);
            let c = Vec3::from(flat.translation);
            self.gizmos.line(c - x * arm_mm, c + x * arm_mm, color);
            self.gizmos.line(c - y * arm_mm, c + y * arm_mm, color);
        }
    }
}

/// The plan's lines laid on the head, for one level (found once: thousands of skin points).
#[derive(Resource)]
struct PlanOnHead {
    level_hash: String,
    design: Option<smp_core::geometry::Polyline>,
    lines: Vec<(Vec<Vec3>, Color)>,
}

/// How far lines float above the skin, mm: enough not to sink into the mesh's flat triangles.
const LIFT_MM: f64 = 0.6;
/// The longest step between two points of a line on the skin, mm of map.
const STEP_MM: f64 = 2.0;

/// `at` on the skin, `lift` mm above it, in world units (mm, head frame).
pub(crate) fn on_skin(head: &Head, at: Point, lift: f64) -> Option<Vec3> {
    let p = head.point_at(at)?;
    let n = head.normal_at_map(at)?;
    let q = p + n * lift;
    Some(Vec3::new(q.x as f32, q.y as f32, q.z as f32))
}

/// A map polyline on the skin, its long edges cut in short steps so it follows the curve.
pub(crate) fn line_on_skin(head: &Head, points: &[Point]) -> Vec<Vec3> {
    line_above_skin(head, points, LIFT_MM)
}

/// [`line_on_skin`], `lift` mm above the skin (to lie over lines drawn on it).
pub(crate) fn line_above_skin(head: &Head, points: &[Point], lift: f64) -> Vec<Vec3> {
    let mut out = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let steps = ((a.distance(b) / STEP_MM).ceil() as usize).clamp(1, 500);
        for k in 0..steps {
            if let Some(p) = on_skin(head, a.lerp(b, k as f64 / steps as f64), lift) {
                out.push(p);
            }
        }
    }
    if let Some(p) = points.last().and_then(|&l| on_skin(head, l, lift)) {
        out.push(p);
    }
    out
}

fn draw_plan(
    mut commands: Commands,
    mut gizmos: Gizmos<HeadGizmos>,
    overlay: Res<Overlay>,
    practice: Option<Res<Practice>>,
    cached: Option<Res<PlanOnHead>>,
) {
    let Some(practice) = practice else { return };
    let plan = &practice.level.plan;
    let Some(head) = plan.head() else { return };
    if !overlay.0 {
        return;
    }
    // The plan changes once within a level: when the design makes the tattooing's band.
    let design = practice.attempt.design.as_ref().map(|d| &d.hairline);
    let Some(cached) =
        cached.filter(|c| c.level_hash == practice.level.hash && c.design.as_ref() == design)
    else {
        let mut lines = Vec::new();
        for zone in &plan.zones {
            let mut pts = zone.outline.vertices.clone();
            if let Some(&first) = pts.first() {
                pts.push(first);
            }
            lines.push((line_on_skin(&head, &pts), Color::srgb(0.1, 0.45, 0.9)));
        }
        if let Some(hl) = &plan.hairline {
            lines.push((
                line_on_skin(&head, &hl.line.vertices),
                Color::srgb(0.9, 0.3, 0.1),
            ));
            lines.push((
                line_on_skin(&head, &hairline_band(plan)),
                Color::srgba(0.9, 0.5, 0.1, 0.7),
            ));
        }
        commands.insert_resource(PlanOnHead {
            level_hash: practice.level.hash.clone(),
            design: design.cloned(),
            lines,
        });
        return;
    };
    for (line, colour) in &cached.lines {
        gizmos.linestrip(line.iter().copied(), *colour);
    }
}

fn draw_cursor(
    mut gizmos: Gizmos<HeadGizmos>,
    hover: Res<PenHover>,
    hand: Res<HandPressure>,
    practice: Option<Res<Practice>>,
    over_ui: Res<PointerOverUi>,
) {
    let (Some(practice), Some(at)) = (practice, hover.at) else {
        return;
    };
    let Some(head) = practice.level.plan.head() else {
        return;
    };
    if over_ui.0 {
        return;
    }
    let (Some(p), Some(n)) = (on_skin(&head, at, LIFT_MM), head.normal_at_map(at)) else {
        return;
    };
    let pressure = if hover.pressure > 0.0 {
        hover.pressure
    } else {
        hand.0
    };
    let (_, outcome) = predicted_on(&practice, pressure, at, hover.axis);
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    let r = ((needle.diameter_mm * needle.group.dot_factor() * 0.5) as f32).max(0.05);
    let normal = Vec3::new(n.x as f32, n.y as f32, n.z as f32);
    let flat = Isometry3d::new(p, Quat::from_rotation_arc(Vec3::Z, normal));
    gizmos.circle(flat, r, outcome_color(outcome));
    gizmos.circle(flat, r * 4.0, outcome_color(outcome).with_alpha(0.5));
    // The needle's axis, a short stroke out of the skin where the pen's top would be.
    if let Some(axis) = hover.axis {
        let out = SkinVec3::new(-axis.x, -axis.y, -axis.z) * 6.0;
        gizmos.line(
            p,
            p + Vec3::new(out.x as f32, out.y as f32, out.z as f32),
            outcome_color(outcome).with_alpha(0.8),
        );
    }
}
