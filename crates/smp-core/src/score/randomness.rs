//! Randomness: does the pattern look like hair, over the area actually worked?
//!
//! Two measures over the dots inside the zones:
//!
//! - the **Clark–Evans ratio**: each dot's distance to its nearest neighbour against what a
//!   random pattern of the same local density would give (0.5 / √density), averaged. 1 is
//!   random, about 2 a square grid, below 1 clumps. The density is that of the *worked* area
//!   (the squares of about two planned spacings that hold any dot), scaled by the plan's local
//!   density, so an unfinished zone is not mistaken for clumps and a planned gradient is not
//!   either. Dots near a zone's edge or the edge of the worked area are left out (their
//!   neighbours are cut off). Full marks inside the level's natural band, falling off on both
//!   sides (`clark_evans`, `clark_evans_falloff`).
//! - **alignment**: how much the directions to the nearest neighbours pile up on a few angles
//!   (the larger of the 4-fold and 6-fold order, 0 for any direction as in nature, 1 for rows),
//!   over all the dots and over each session's own. It gives away a grid, even grids laid in
//!   several sessions at an offset, whose ratio can look natural. Curve: `alignment` anchors.
//!
//! The criterion scores the worse of the two.

use super::facts::{Facts, Judged, MAX_PLACES, Place};
use crate::geometry::Point;
use crate::parallel;

/// How strongly the directions of `vectors` pile up on 4 or 6 angles: the larger of the mean
/// resultant lengths of 4θ and 6θ, 0..1.
pub fn alignment(angles_rad: &[f64]) -> f64 {
    if angles_rad.is_empty() {
        return 0.0;
    }
    // The terms on every core, summed in order on one: the same bits as a plain loop.
    let terms = parallel::map(angles_rad.len(), |i| {
        let a = angles_rad[i];
        [
            (4.0 * a).cos(),
            (4.0 * a).sin(),
            (6.0 * a).cos(),
            (6.0 * a).sin(),
        ]
    });
    let mut sum = [0.0f64; 4];
    for t in &terms {
        for (s, v) in sum.iter_mut().zip(t) {
            *s += v;
        }
    }
    let n = angles_rad.len() as f64;
    (sum[0].hypot(sum[1]) / n).max(sum[2].hypot(sum[3]) / n)
}

pub(super) fn judge(f: &Facts) -> Judged {
    let plan = f.plan;
    let t = &plan.thresholds;
    let inside: Vec<usize> = (0..f.points.len())
        .filter(|&i| f.inside(i) && f.placement[i].planned_per_cm2 > 0.0)
        .collect();
    if inside.len() < 20 {
        return Judged::new(
            0.0,
            format!(
                "only {} dots inside the zones: too few to judge how natural the placement is",
                inside.len()
            ),
            vec![],
        );
    }
    let pts: Vec<Point> = inside.iter().map(|&i| f.points[i]).collect();
    // Neighbours among the dots in the zones only: strays outside do not shape the pattern.
    let nearest: Vec<Option<(usize, f64)>> = if inside.len() == f.points.len() {
        f.nearest.clone()
    } else {
        f.nearest_among(&inside)
    };
    // The density the plan expects by now (dots per mm²), per dot.
    let done = f.replay.sessions.len().max(1);
    let fraction = plan
        .sessions
        .get(done - 1)
        .map_or(1.0, |s| s.density_fraction);
    let lambda_plan: Vec<f64> = inside
        .iter()
        .map(|&i| f.placement[i].planned_per_cm2 / 100.0 * fraction)
        .collect();
    let mut sorted = lambda_plan.clone();
    sorted.sort_by(f64::total_cmp);
    let median_plan = sorted[sorted.len() / 2].max(1e-9);
    // The worked area: squares of about two planned spacings that hold any dot.
    let cell = (2.0 / median_plan.sqrt()).clamp(0.2, 50.0);
    let (w, h) = plan.canvas_mm;
    let cols = (w / cell).ceil() as usize + 1;
    let rows = (h / cell).ceil() as usize + 1;
    let cell_of = |p: Point| {
        let cx = ((p.x_mm / cell).floor().max(0.0) as usize).min(cols - 1);
        let cy = ((p.y_mm / cell).floor().max(0.0) as usize).min(rows - 1);
        cy * cols + cx
    };
    let mut count = vec![0u32; cols * rows];
    for p in &pts {
        count[cell_of(*p)] += 1;
    }
    // The zone's share of each worked square, by 4 × 4 samples.
    let worked: Vec<usize> = (0..count.len()).filter(|&c| count[c] > 0).collect();
    let in_zone_share = |c: usize| {
        let (x0, y0) = ((c % cols) as f64 * cell, (c / cols) as f64 * cell);
        let hits = (0..16)
            .filter(|k| {
                let p = Point::new(
                    x0 + (*k % 4) as f64 * cell / 4.0 + cell / 8.0,
                    y0 + (*k / 4) as f64 * cell / 4.0 + cell / 8.0,
                );
                f.zones.zone_at(p).is_some()
            })
            .count();
        hits as f64 / 16.0
    };
    let shares = parallel::map(worked.len(), |k| in_zone_share(worked[k]));
    // On a head each square stands for the skin under it (the map's area is not the skin's).
    let worked_area: f64 = match &f.skin {
        super::facts::Skin::Flat => shares.iter().sum::<f64>() * cell * cell,
        super::facts::Skin::Head { .. } => {
            let skin = parallel::map(worked.len(), |k| {
                let c = worked[k];
                let centre = Point::new(
                    ((c % cols) as f64 + 0.5) * cell,
                    ((c / cols) as f64 + 0.5) * cell,
                );
                shares[k] * f.area_factor(centre)
            });
            skin.iter().sum::<f64>() * cell * cell
        }
    };
    let zone_area = plan.zone_area_mm2();
    let lambda_worked = inside.len() as f64 / worked_area.max(1e-9);
    let mean_plan = lambda_plan.iter().sum::<f64>() / lambda_plan.len() as f64;
    // A square beside a dot that lies in a zone yet holds no dot marks the worked area's edge.
    let empty_zone_square = |cx: isize, cy: isize| {
        if cx < 0 || cy < 0 || cx >= cols as isize || cy >= rows as isize {
            return false;
        }
        let c = cy as usize * cols + cx as usize;
        count[c] == 0 && {
            let centre = Point::new((cx as f64 + 0.5) * cell, (cy as f64 + 0.5) * cell);
            f.zones.zone_at(centre).is_some()
        }
    };
    let judged = parallel::map(inside.len(), |k| {
        let i = inside[k];
        let p = f.points[i];
        let (_, d) = nearest[k]?;
        let lambda = lambda_worked * lambda_plan[k] / mean_plan.max(1e-12);
        let expected = 0.5 / lambda.sqrt();
        let near_zone_edge = f.placement[i]
            .zone
            .is_some_and(|z| f.zones.is_near_edge(z, p, 2.0 * expected));
        let c = cell_of(p);
        let (cx, cy) = ((c % cols) as isize, (c / cols) as isize);
        let near_work_edge =
            (-1..=1).any(|dy| (-1..=1).any(|dx| empty_zone_square(cx + dx, cy + dy)));
        Some((k, d / expected, near_zone_edge || near_work_edge))
    });
    let mut ratios: Vec<(usize, f64)> = judged
        .iter()
        .flatten()
        .filter(|(_, _, edge)| !edge)
        .map(|(k, r, _)| (*k, *r))
        .collect();
    let interior = ratios.len();
    if interior < 10 {
        // Too little interior (clumps, or a thin zone): judge every dot against the worked area.
        ratios = judged.iter().flatten().map(|(k, r, _)| (*k, *r)).collect();
    }
    let n = ratios.len().max(1) as f64;
    let r = ratios.iter().map(|(_, r)| r).sum::<f64>() / n;
    let angles: Vec<f64> = ratios
        .iter()
        .filter_map(|(k, _)| {
            let (j, _) = nearest[*k]?;
            Some((pts[j] - pts[*k]).angle_rad())
        })
        .collect();
    // Each session's own dots too: grids laid at different spacings in different sessions mix
    // their directions, while each session's grid still has its rows.
    let mut order = alignment(&angles);
    let sessions = f.replay.sessions.len();
    if sessions > 1 {
        // Sessions on their own threads; the largest order wins, whatever finishes first.
        let per_session = parallel::map_each(sessions, |s| {
            let chosen: Vec<usize> = inside
                .iter()
                .copied()
                .filter(|&i| f.replay.impressions[i].session == s)
                .collect();
            if chosen.len() < 20 {
                return 0.0;
            }
            let own: Vec<Point> = chosen.iter().map(|&i| f.points[i]).collect();
            let own_angles: Vec<f64> = f
                .nearest_among(&chosen)
                .iter()
                .enumerate()
                .filter_map(|(k, nn)| nn.map(|(j, _)| (own[j] - own[k]).angle_rad()))
                .collect();
            alignment(&own_angles)
        });
        for o in per_session {
            order = order.max(o);
        }
    }
    let (lo, hi) = t.clark_evans;
    let ce_score = t.clark_evans_falloff.score(r, lo, hi);
    let align_score = t.alignment.score(order);
    let ce_verdict = if r < lo {
        "dots bunch into clumps"
    } else if r > hi {
        "spacing is too even, like a grid: natural hair is random"
    } else {
        "natural"
    };
    let align_verdict = if order > t.alignment.full {
        "nearest neighbours line up in rows, like a grid: natural hair is random"
    } else {
        "no rows"
    };
    let mut reason = format!(
        "Over the worked area ({:.0} of the {:.0} cm² planned, {interior} dots away from its edges): Clark–Evans ratio {r:.2} (1 = random, about 2 = grid; natural {lo:.2}–{hi:.2}): {ce_verdict}; alignment of neighbours {order:.2} (full marks up to {:.2}): {align_verdict}.",
        worked_area / 100.0,
        zone_area / 100.0,
        t.alignment.full,
    );
    if ce_score >= 100.0 && align_score >= 100.0 {
        reason.push_str(" The placement looks like hair.");
    }
    let mut clumped: Vec<(usize, f64)> =
        ratios.iter().filter(|(_, r)| *r < 0.25).copied().collect();
    clumped.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let places = clumped
        .iter()
        .take(MAX_PLACES)
        .map(|&(k, _)| Place {
            at: pts[k],
            note: format!("#{} sits in a clump", inside[k] + 1),
        })
        .collect();
    Judged::new(ce_score.min(align_score), reason, places).measured(
        "Clark–Evans ratio over the worked area",
        r,
        "ratio",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_align_and_random_directions_do_not() {
        let rows: Vec<f64> = (0..100)
            .map(|i| (i % 4) as f64 * std::f64::consts::FRAC_PI_2 + 0.01)
            .collect();
        assert!(alignment(&rows) > 0.99);
        let diagonal = vec![std::f64::consts::FRAC_PI_4; 50];
        assert!(alignment(&diagonal) > 0.99);
        let hex: Vec<f64> = (0..60)
            .map(|i| (i % 6) as f64 * std::f64::consts::PI / 3.0)
            .collect();
        assert!(alignment(&hex) > 0.99);
        let mut s = crate::rng::Stream::new(1, crate::rng::Purpose::Persona, 0);
        let random: Vec<f64> = (0..500)
            .map(|_| s.range(0.0, std::f64::consts::TAU))
            .collect();
        assert!(alignment(&random) < 0.15, "{}", alignment(&random));
        assert_eq!(alignment(&[]), 0.0);
    }
}
