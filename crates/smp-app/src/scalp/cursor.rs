//! The needle's cursor on a flat skin, and the depth the session's needle would reach under it.

use bevy::prelude::*;
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::skin::DepthOutcome;

use crate::camera::world;
use crate::input::{HandPressure, PenHover, PointerOverUi};
use crate::session::Practice;
use crate::theme::outcome_color;

/// Depth (mm) and outcome the session's needle would give at raw `pressure` at `at`: on a head
/// along `axis` (the needle's, into the skin), at its angle to the skin there; square to the skin
/// otherwise.
pub fn predicted_on(
    practice: &Practice,
    pressure: f64,
    at: Point,
    axis: Option<SkinVec3>,
) -> (f64, DepthOutcome) {
    let plan = &practice.level.plan;
    let angle = axis
        .filter(|_| plan.head().is_some())
        .and_then(|axis| smp_core::needle::entry_angle(&plan.surface(), at, axis))
        .map(|(angle, _)| angle);
    let Some(angle) = angle else {
        return predicted(practice, pressure);
    };
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    smp_core::live::predicted_depth(
        plan,
        &practice.attempt.pressure_curve,
        &needle,
        pressure,
        angle,
    )
}

/// Outcome a straight needle would give at raw `pressure` with the session's needle.
pub fn predicted(practice: &Practice, pressure: f64) -> (f64, DepthOutcome) {
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    let depth = needle.protrusion_mm * practice.attempt.pressure_curve.apply(pressure);
    (
        depth,
        DepthOutcome::classify(
            depth,
            &practice.level.plan.depth_window,
            &practice.level.plan.skin,
        ),
    )
}

pub(super) fn draw_cursor(
    mut gizmos: Gizmos,
    hover: Res<PenHover>,
    hand: Res<HandPressure>,
    practice: Option<Res<Practice>>,
    over_ui: Res<PointerOverUi>,
) {
    let (Some(practice), Some(at)) = (practice, hover.at) else {
        return;
    };
    if over_ui.0 || practice.level.plan.head().is_some() {
        return;
    }
    // Hovering pens report no pressure: show what the hand pressure would do.
    let (_, outcome) = predicted(
        &practice,
        if hover.pressure > 0.0 {
            hover.pressure
        } else {
            hand.0
        },
    );
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    let r = (needle.diameter_mm * needle.group.dot_factor() * 0.5) as f32;
    let c = world(at);
    gizmos.circle_2d(
        Isometry2d::from_translation(c),
        r.max(0.05),
        outcome_color(outcome),
    );
    gizmos.circle_2d(
        Isometry2d::from_translation(c),
        r.max(0.05) * 4.0,
        outcome_color(outcome).with_alpha(0.5),
    );
}
