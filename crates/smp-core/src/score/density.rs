//! Density: was the plan done, and not overdone?
//!
//! The canvas is cut into squares of the level's `density_cell_mm`. In each, the plan wants a
//! number of dots by the end of each session (its density times the session's share), and the
//! trainee placed some inside the zones, whatever their depth (depth is the depth criterion's
//! business). Two measures, each with its curve:
//!
//! - **coverage**: the share of the planned dots placed where planned. A square counts as
//!   reached once it holds its planned count less one random fluctuation (√planned, at most half
//!   of it); below that it counts in proportion, an empty square not at all. Curve: `coverage`
//!   anchors. An unfinished zone is low coverage.
//! - **over-density**: dots beyond the plan (more than two fluctuations over it) as a share of
//!   the planned dots. Curve: `over_density` anchors.
//!
//! A session scores the worse of the two. A course scores 70% its final state and 30% the mean
//! of the sessions before (session 1 too dense is a fault of its own). Dots outside the zones do
//! not count here: the placement criterion charges them.

use super::facts::{Facts, Judged, MAX_PLACES, Place};
use crate::geometry::Point;
use crate::parallel;
use crate::plan::{ReferencePlan, ZoneIndex};
use crate::replay::Replay;
use crate::surface::Surface;

/// One square of the density comparison: what the plan wanted there and what was placed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DensityCell {
    /// Centre of the square, mm.
    pub centre: Point,
    /// Side of the square, mm.
    pub side_mm: f64,
    /// Dots planned in it by the end of the last session.
    pub planned: f64,
    /// Dots placed in it inside the zones.
    pub placed: f64,
}

/// The planned dots per cell at the end of the last session.
struct Cells {
    side_mm: f64,
    cols: usize,
    centres: Vec<Point>,
    planned: Vec<f64>,
}

impl Cells {
    /// The planned dots per cell: density (per cm² of skin) times the skin each sub-square
    /// stands for (on a head, its map area times the area element there).
    fn new(plan: &ReferencePlan) -> Self {
        let surface = plan.surface();
        let head = matches!(surface, Surface::Head(_));
        let c = plan.thresholds.density_cell_mm;
        let (w, h) = plan.canvas_mm;
        let (cols, rows) = ((w / c).ceil() as usize, (h / c).ceil() as usize);
        const SUB: usize = 8;
        let centres: Vec<Point> = (0..cols * rows)
            .map(|i| Point::new(((i % cols) as f64 + 0.5) * c, ((i / cols) as f64 + 0.5) * c))
            .collect();
        let zones = plan.zone_index();
        // A cell wholly outside every zone's bounds plans nothing: its sub-squares need no look.
        let reach = crate::geometry::bounds_of(
            &plan
                .zones
                .iter()
                .flat_map(|z| z.outline.vertices.iter().copied())
                .collect::<Vec<_>>(),
        );
        let planned = parallel::map(cols * rows, |i| {
            let (x0, y0) = ((i % cols) as f64 * c, (i / cols) as f64 * c);
            if x0 > reach.max.x_mm
                || y0 > reach.max.y_mm
                || x0 + c < reach.min.x_mm
                || y0 + c < reach.min.y_mm
            {
                return 0.0;
            }
            let mut sum = 0.0;
            for sy in 0..SUB {
                for sx in 0..SUB {
                    let p = Point::new(
                        x0 + (sx as f64 + 0.5) * c / SUB as f64,
                        y0 + (sy as f64 + 0.5) * c / SUB as f64,
                    );
                    let density = plan.final_density_in(&zones, p);
                    sum += if head && density > 0.0 {
                        density * surface.local(p).map_or(0.0, |m| m.area_element)
                    } else {
                        density
                    };
                }
            }
            sum / (SUB * SUB) as f64 * c * c / 100.0
        });
        Cells {
            side_mm: c,
            cols,
            centres,
            planned,
        }
    }

    fn cell_of(&self, p: Point) -> Option<usize> {
        let (q, r) = (
            (p.x_mm / self.side_mm).floor(),
            (p.y_mm / self.side_mm).floor(),
        );
        if q < 0.0 || r < 0.0 || q >= self.cols as f64 {
            return None;
        }
        let i = r as usize * self.cols + q as usize;
        (i < self.centres.len()).then_some(i)
    }
}

/// Placed dots (inside the zones) per cell, cumulative by session: `[session][cell]`.
fn placed(cells: &Cells, zones: &ZoneIndex, replay: &Replay, sessions: usize) -> Vec<Vec<f64>> {
    let mut out = vec![vec![0.0f64; cells.centres.len()]; sessions];
    for p in &replay.impressions {
        if zones.zone_at(p.impression.at).is_none() {
            continue;
        }
        if let Some(i) = cells.cell_of(p.impression.at) {
            for layer in out.iter_mut().skip(p.session) {
                layer[i] += 1.0;
            }
        }
    }
    out
}

/// The coverage of `planned` by `placed`, 0..1 (1 when nothing is planned): the share of the
/// planned dots in squares holding their count less one random fluctuation (√planned, at most
/// half of it), pro rata below that; an empty square covers nothing.
pub fn coverage(planned: &[f64], placed: &[f64]) -> f64 {
    let (mut covered, mut total) = (0.0, 0.0);
    for (&t, &a) in planned.iter().zip(placed) {
        if t > 0.0 {
            let needed = (t - t.sqrt()).max(0.5 * t);
            covered += t * (a / needed).min(1.0);
            total += t;
        }
    }
    if total > 0.0 { covered / total } else { 1.0 }
}

/// Dots beyond the plan (more than two fluctuations over it), as a share of the planned dots.
pub fn over_density(planned: &[f64], placed: &[f64]) -> f64 {
    let total: f64 = planned.iter().sum();
    let excess: f64 = planned
        .iter()
        .zip(placed)
        .map(|(&t, &a)| (a - t - 2.0 * t.sqrt()).max(0.0))
        .sum();
    if total > 0.0 {
        excess / total
    } else if excess > 0.0 {
        1.0
    } else {
        0.0
    }
}

pub(super) fn judge(f: &Facts) -> Judged {
    let plan = f.plan;
    let t = &plan.thresholds;
    let cells = Cells::new(plan);
    let planned_sessions = plan.sessions.len();
    let done = f.replay.sessions.len();
    let layers = placed(&cells, &f.zones, f.replay, planned_sessions.max(done));
    let session = |s: usize| {
        let fraction = plan.sessions.get(s).map_or(1.0, |sp| sp.density_fraction);
        let want: Vec<f64> = cells.planned.iter().map(|p| p * fraction).collect();
        let cov = coverage(&want, &layers[s]);
        let over = over_density(&want, &layers[s]);
        (
            cov,
            over,
            t.coverage.score(cov).min(t.over_density.score(over)),
        )
    };
    let last = planned_sessions - 1;
    let (cov, over, final_score) = session(last);
    let earlier: Vec<(f64, f64, f64)> = (0..last).map(session).collect();
    let score = if earlier.is_empty() {
        final_score
    } else {
        0.7 * final_score + 0.3 * earlier.iter().map(|e| e.2).sum::<f64>() / earlier.len() as f64
    };
    let target_total: f64 = cells.planned.iter().sum();
    let placed_total: f64 = layers[last].iter().sum();
    let mut reason = format!(
        "{placed_total:.0} dots placed in the zones against about {target_total:.0} planned: {:.0}% of the plan covered (full marks from {:.0}%, a bare pass at {:.0}%), {:.0}% beyond it (full marks up to {:.0}%).",
        100.0 * cov,
        100.0 * t.coverage.full,
        100.0 * t.coverage.pass,
        100.0 * over,
        100.0 * t.over_density.full,
    );
    if cov < t.coverage.full {
        reason.push_str(if done < planned_sessions {
            " The plan is unfinished: sessions are missing."
        } else {
            " Parts of the zones are unfinished or too sparse."
        });
    }
    if over > t.over_density.full {
        reason.push_str(
            " Parts are denser than planned: over-saturated skin heals into a dark patch.",
        );
    }
    if !earlier.is_empty() {
        let parts: Vec<String> = earlier
            .iter()
            .enumerate()
            .map(|(s, (c, o, sc))| {
                format!(
                    "session {}: {:.0}% covered, {:.0}% beyond ({:.0} points)",
                    s + 1,
                    100.0 * c,
                    100.0 * o,
                    sc
                )
            })
            .collect();
        reason.push_str(&format!(
            " Against each session's share of the plan: {}.",
            parts.join("; ")
        ));
    }
    if done < planned_sessions {
        reason.push_str(&format!(
            " Only {done} of {planned_sessions} sessions were done."
        ));
    }
    // The squares furthest from the plan, worst first.
    let final_layer = &layers[last];
    let err_of = |i: usize| {
        let (a, p) = (final_layer[i], cells.planned[i]);
        (a - p).abs() - p.sqrt()
    };
    let mut order: Vec<usize> = (0..cells.centres.len()).collect();
    order.sort_by(|&a, &b| err_of(b).total_cmp(&err_of(a)).then(a.cmp(&b)));
    let places = order
        .into_iter()
        .filter(|&i| err_of(i) >= 1.0)
        .take(MAX_PLACES)
        .map(|i| {
            let (a, p) = (final_layer[i], cells.planned[i]);
            let what = if a > p { "too dense" } else { "too sparse" };
            Place {
                at: cells.centres[i],
                note: format!(
                    "{what}: {a:.0} dots where about {p:.0} were planned in this {:.0} mm square",
                    cells.side_mm
                ),
            }
        })
        .collect();
    Judged::new(score, reason, places).measured("coverage of the plan", cov, "share")
}

/// The final density comparison square by square, as the density criterion sees it (for
/// heatmaps).
pub fn density_map(plan: &ReferencePlan, replay: &Replay) -> Vec<DensityCell> {
    let cells = Cells::new(plan);
    let layers = placed(
        &cells,
        &plan.zone_index(),
        replay,
        1.max(replay.sessions.len()),
    );
    let last = layers.len() - 1;
    cells
        .centres
        .iter()
        .zip(&cells.planned)
        .zip(&layers[last])
        .map(|((&centre, &planned), &placed)| DensityCell {
            centre,
            side_mm: cells.side_mm,
            planned,
            placed,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_never_rises_when_dots_are_taken_away() {
        let planned = [20.0, 20.0, 5.0, 0.0, 0.4];
        let mut placed = [22.0, 15.0, 6.0, 3.0, 0.0];
        let mut last = coverage(&planned, &placed);
        assert!(last > 0.9 && last <= 1.0);
        for i in [0, 0, 1, 1, 2, 0, 1, 2, 3] {
            placed[i] = (placed[i] - 3.0_f64).max(0.0);
            let c = coverage(&planned, &placed);
            assert!(c <= last, "{c} > {last}");
            last = c;
        }
        assert_eq!(coverage(&[0.0], &[4.0]), 1.0);
    }

    #[test]
    fn a_zone_forty_percent_done_is_low_coverage_and_a_doubled_one_is_over_dense() {
        let planned = vec![22.5; 10];
        let mut forty = vec![0.0; 10];
        forty[..4].fill(22.0);
        let c = coverage(&planned, &forty);
        assert!(c < 0.6, "{c}");
        let t = crate::plan::Thresholds::default();
        assert!(t.coverage.score(c) < 20.0);
        let doubled = vec![45.0; 10];
        assert_eq!(coverage(&planned, &doubled), 1.0);
        assert!(over_density(&planned, &doubled) > 0.5);
        assert_eq!(over_density(&planned, &planned), 0.0);
    }
}
