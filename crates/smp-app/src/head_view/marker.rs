//! The design step's marks on the head: the marker's strokes in surgical-marker violet, the stroke
//! being drawn, the symmetry guide (the midline and each stroke mirrored across it, faint), the
//! rule lines, the tape along the skin, and the marker's tip under the pen. Each finished stroke
//! is laid on the skin once and kept: the skin's points cost a search each.

use bevy::prelude::*;
use smp_core::geometry::Point;
use smp_core::surface::{Head, Landmark, View};

use super::overlay::{HeadGizmos, line_on_skin, on_skin};
use crate::AppSystems;
use crate::design_step::{Marker, MarkerTool, mirrored};
use crate::input::{PenHover, PointerOverUi};
use crate::screen::Screen;
use crate::session::Practice;

/// The marker's ink: a surgical skin marker's gentian violet.
pub const INK: Color = Color::srgb(0.42, 0.12, 0.62);
/// The symmetry guide: the ink, faint.
const GUIDE: Color = Color::srgba(0.42, 0.12, 0.62, 0.45);
/// The rule lines (the colour `render` draws them in).
const RULE: Color = Color::srgb(0.1, 0.62, 0.6);
/// The tape.
const TAPE: Color = Color::srgb(0.95, 0.75, 0.1);
/// The edge of the hair the client still has: shaved stubble reads as a shadow on the head,
/// too fine for the whole head's texture, so its edge is drawn.
pub const HAIR_EDGE: Color = Color::srgb(0.3, 0.2, 0.14);

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Design), |mut commands: Commands| {
        commands.insert_resource(MarksOnHead::default());
    });
    app.add_systems(
        Update,
        (face_the_client, draw_marks)
            .chain()
            .in_set(AppSystems::View)
            .run_if(in_state(Screen::Design)),
    );
}

/// Where the design step looks from: in front of the face, close enough to see the forehead
/// from the brows to the top of the head.
pub fn design_orbit(head: &Head) -> super::orbit::Orbit {
    let front = super::orbit::Orbit::of_view(View::Front);
    let brows = head
        .landmark_3d(Landmark::Glabella)
        .map_or(40.0, |g| g.z as f32 + 40.0);
    super::orbit::Orbit {
        target: Vec3::new(0.0, 0.0, brows),
        pitch: 0.15,
        distance: 430.0,
        ..front
    }
}

/// A hairline is designed facing the client: once per design step, as soon as the head is
/// shown, the camera goes in front of the face ([`design_orbit`]).
fn face_the_client(
    marks: Option<ResMut<MarksOnHead>>,
    orbit: Option<ResMut<super::orbit::Orbit>>,
    practice: Option<Res<Practice>>,
) {
    let (Some(mut marks), Some(mut orbit)) = (marks, orbit) else {
        return;
    };
    if marks.faced {
        return;
    }
    if let Some(head) = practice.and_then(|p| p.level.plan.head()) {
        *orbit = design_orbit(&head);
        marks.faced = true;
    }
}

/// The marks laid on the skin, kept between frames.
#[derive(Resource, Default)]
struct MarksOnHead {
    /// Per finished stroke: its places, the stroke on the skin, and its mirror image.
    strokes: Vec<(Vec<Point>, Vec<Vec3>, Vec<Vec3>)>,
    /// The stroke being drawn on the skin, as far as it is laid.
    drawing: Vec<Vec3>,
    /// How many of its places are laid.
    drawing_laid: usize,
    /// The rule lines (the midline second), once found.
    rules: Option<Vec<Vec<Vec3>>>,
    /// Whether the camera was put in front of the face.
    faced: bool,
    /// The marker's revision the finished strokes were laid for.
    laid_revision: Option<u64>,
    /// The edges of the client's remaining hair on the skin, once found.
    hair: Option<Vec<Vec<Vec3>>>,
    /// The measured method's points (B, C, D, E) and its C–E lines on the skin, once found.
    method: Option<(Vec<Vec3>, Vec<Vec<Vec3>>)>,
}

impl MarksOnHead {
    /// Lays on the skin every finished stroke not laid yet (and its mirror image), dropping
    /// those undone.
    fn lay_strokes(&mut self, marker: &Marker, head: &Head) {
        let n = marker.strokes.len();
        self.strokes.truncate(n);
        for (i, stroke) in marker.strokes.iter().enumerate() {
            if self.strokes.get(i).is_some_and(|(s, ..)| s == stroke) {
                continue;
            }
            let laid = (
                stroke.clone(),
                line_on_skin(head, stroke),
                line_on_skin(head, &mirror(head, stroke)),
            );
            self.strokes.truncate(i);
            self.strokes.push(laid);
        }
    }

    fn follow(
        &mut self,
        marker: &Marker,
        head: &Head,
        hair: &[smp_core::skin::HairRegion],
        targets: &smp_core::design::DesignTargets,
    ) {
        self.hair.get_or_insert_with(|| {
            hair.iter()
                .map(|h| {
                    let mut edge = h.outline.vertices.clone();
                    edge.extend(edge.first().copied());
                    line_on_skin(head, &edge)
                })
                .collect()
        });
        // The finished strokes change only with the marker's revision: nothing to compare
        // frame after frame meanwhile.
        if self.laid_revision != Some(marker.revision) {
            self.lay_strokes(marker, head);
            self.laid_revision = Some(marker.revision);
        }
        match &marker.drawing {
            None => {
                self.drawing.clear();
                self.drawing_laid = 0;
            }
            Some(line) => {
                if line.len() < self.drawing_laid {
                    self.drawing.clear();
                    self.drawing_laid = 0;
                }
                // Only the new part: from the last place laid.
                let from = self.drawing_laid.saturating_sub(1);
                let mut new = line_on_skin(head, &line[from..]);
                if self.drawing_laid > 0 && !new.is_empty() {
                    new.remove(0);
                }
                self.drawing.extend(new);
                self.drawing_laid = line.len();
            }
        }
        if marker.rules && self.method.is_none() {
            // For a mid-frontal point in the middle of this client's band.
            let (lo, hi) = targets.mfp_height_mm;
            let found = smp_core::design::method_points(head, 0.5 * (lo + hi), targets);
            self.method = Some(found.map_or_else(Default::default, |m| {
                let mut points = vec![m.mfp];
                points.extend(m.frontotemporal);
                points.extend(m.temporal_peak);
                points.extend(m.lateral);
                let marks = points
                    .iter()
                    .filter_map(|&p| on_skin(head, p, 0.6))
                    .collect();
                let lines = (0..2)
                    .map(|i| line_on_skin(head, &[m.frontotemporal[i], m.lateral[i]]))
                    .collect();
                (marks, lines)
            }));
        }
        if marker.rules || marker.guide {
            self.rules.get_or_insert_with(|| {
                smp_core::design::rule_lines(head)
                    .iter()
                    .map(|l| line_on_skin(head, l))
                    .collect()
            });
        }
    }
}

fn mirror(head: &Head, stroke: &[Point]) -> Vec<Point> {
    stroke.iter().map(|&p| mirrored(head, p)).collect()
}

fn draw_marks(
    mut gizmos: Gizmos<HeadGizmos>,
    marker: Option<Res<Marker>>,
    marks: Option<ResMut<MarksOnHead>>,
    practice: Option<Res<Practice>>,
    hover: Res<PenHover>,
    over_ui: Res<PointerOverUi>,
) {
    let (Some(marker), Some(mut marks)) = (marker, marks) else {
        return;
    };
    let Some(practice) = practice else { return };
    let Some(head) = practice.level.plan.head() else {
        return;
    };
    marks.follow(
        &marker,
        &head,
        &practice.level.plan.skin.hair,
        &practice.level.plan.design.unwrap_or_default(),
    );
    for edge in marks.hair.iter().flatten() {
        gizmos.linestrip(edge.iter().copied(), HAIR_EDGE);
    }
    // The mirror images first: where the two sides agree the ink stays on top.
    if marker.guide {
        for (_, _, image) in &marks.strokes {
            gizmos.linestrip(image.iter().copied(), GUIDE);
        }
    }
    for (_, line, _) in &marks.strokes {
        gizmos.linestrip(line.iter().copied(), INK);
    }
    gizmos.linestrip(marks.drawing.iter().copied(), INK);
    if let Some(rules) = &marks.rules {
        for (i, line) in rules.iter().enumerate() {
            // The guide alone shows the midline; the rule lines show all of them.
            if marker.rules || (marker.guide && i == 1) {
                gizmos.linestrip(line.iter().copied(), RULE);
            }
        }
    }
    if marker.rules
        && let Some((points, lines)) = &marks.method
    {
        for p in points {
            gizmos.sphere(Isometry3d::from_translation(*p), 1.0, RULE);
        }
        for line in lines {
            gizmos.linestrip(line.iter().copied(), RULE.with_alpha(0.5));
        }
    }
    if let Some(tape) = &marker.tape {
        match &tape.pulled {
            Some((_, path)) => {
                gizmos.linestrip(
                    path.iter().map(|p| {
                        let v = Vec3::new(p.x as f32, p.y as f32, p.z as f32);
                        // Lifted off the skin along the head's radius, so the mesh does not
                        // swallow it.
                        v + v.normalize_or_zero() * 0.8
                    }),
                    TAPE,
                );
            }
            None => {
                gizmos.linestrip(line_on_skin(&head, &[tape.from, tape.to]), TAPE);
            }
        }
        for end in [tape.from, tape.to] {
            if let Some(p) = on_skin(&head, end, 0.6) {
                gizmos.sphere(Isometry3d::from_translation(p), 0.8, TAPE);
            }
        }
    }
    // The tip under the pen: a small ring of ink, or the tape's end.
    if let (Some(at), false) = (hover.at, over_ui.0)
        && let (Some(p), Some(n)) = (on_skin(&head, at, 0.6), head.normal_at_map(at))
    {
        let normal = Vec3::new(n.x as f32, n.y as f32, n.z as f32);
        let flat = Isometry3d::new(p, Quat::from_rotation_arc(Vec3::Z, normal));
        let colour = match marker.tool {
            MarkerTool::Marker => INK,
            MarkerTool::Tape => TAPE,
        };
        gizmos.circle(flat, 1.2, colour);
    }
}
