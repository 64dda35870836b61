//! Marks laid over the scalp: heatmaps (each dot by its depth outcome or spacing, cells by
//! density against the plan), selections and pins. Drawn through a [`MarkPen`], so the same marks
//! lie on the flat skin's plane or on the head's skin.

use bevy::prelude::*;
use smp_core::geometry::Point;

use crate::camera::world;
use crate::theme::rgb;

/// Which heatmap is laid over the scalp.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Heatmap {
    /// None.
    #[default]
    None,
    /// Each dot coloured by its depth outcome.
    Outcome,
    /// Each dot coloured by the distance to its nearest neighbour.
    Spacing,
    /// Cells coloured by density against the plan.
    Density,
}

/// Where marks over the scalp are drawn: the flat skin's plane, or the head's skin
/// ([`crate::head_view::overlay::OnHead`]). Places are on the scalp map, mm.
pub trait MarkPen {
    /// How many dot marks at most are worth drawing in one frame.
    fn max_dots(&self) -> usize;
    /// A ring of `radius_mm` around `at`.
    fn ring(&mut self, at: Point, radius_mm: f32, color: Color);
    /// A square of side `side_mm` centred on `centre`.
    fn square(&mut self, centre: Point, side_mm: f32, color: Color);
    /// A cross of arm `arm_mm` on `at` (a pin).
    fn cross(&mut self, at: Point, arm_mm: f32, color: Color);
}

impl MarkPen for Gizmos<'_, '_> {
    fn max_dots(&self) -> usize {
        20_000
    }

    fn ring(&mut self, at: Point, radius_mm: f32, color: Color) {
        self.circle_2d(Isometry2d::from_translation(world(at)), radius_mm, color);
    }

    fn square(&mut self, centre: Point, side_mm: f32, color: Color) {
        self.rect_2d(
            Isometry2d::from_translation(world(centre)),
            Vec2::splat(side_mm),
            color,
        );
    }

    fn cross(&mut self, at: Point, arm_mm: f32, color: Color) {
        let c = world(at);
        self.line_2d(c - Vec2::X * arm_mm, c + Vec2::X * arm_mm, color);
        self.line_2d(c - Vec2::Y * arm_mm, c + Vec2::Y * arm_mm, color);
    }
}

/// Draws `heatmap` over the scalp for `impressions` (with each one's nearest other dot: index, mm)
/// and the density cells. Markers are capped so that huge attempts stay fluid.
pub fn draw_heatmap(
    pen: &mut impl MarkPen,
    heatmap: Heatmap,
    plan: &smp_core::plan::ReferencePlan,
    impressions: &[smp_core::replay::PlacedImpression],
    nearest: &[Option<(usize, f64)>],
    density: &[smp_core::score::DensityCell],
) {
    use smp_core::palette::{outcome_rgb, spacing_rgb};
    use smp_core::report::density_error;
    let step = impressions.len().div_ceil(pen.max_dots().max(1)).max(1);
    match heatmap {
        Heatmap::None => {}
        Heatmap::Outcome => {
            for p in impressions.iter().step_by(step) {
                pen.ring(p.impression.at, 0.25, rgb(outcome_rgb(p.tissue.outcome)));
            }
        }
        Heatmap::Spacing => {
            for (p, nn) in impressions.iter().zip(nearest).step_by(step) {
                let Some((_, d)) = nn else { continue };
                pen.ring(
                    p.impression.at,
                    0.25,
                    rgb(spacing_rgb(d / plan.min_spacing_mm)),
                );
            }
        }
        Heatmap::Density => {
            // Blue where too sparse, red where too dense, nothing where it matches the plan.
            for cell in density {
                let Some(error) = density_error(cell.planned, cell.placed) else {
                    continue;
                };
                if error.abs() < 0.1 {
                    continue;
                }
                let [r, g, b] = smp_core::palette::density_rgb(error);
                let color = Color::srgba_u8(r, g, b, (error.abs().min(1.0) * 255.0) as u8);
                let side = cell.side_mm as f32 * 0.92;
                pen.square(cell.centre, side, color);
                pen.square(cell.centre, side * 0.6, color);
            }
        }
    }
}
