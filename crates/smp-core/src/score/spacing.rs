//! Spacing: dots far enough apart to heal as separate dots.
//!
//! Measure: the share of impressions whose nearest other impression is closer than the level's
//! `min_spacing_mm` (the two heal into one clump). Curve: the level's `too_close` anchors. Every
//! impression counts, wherever and however deep it went: the needle placed it there.

use super::facts::{Facts, Judged, MAX_PLACES, Place};

/// The share of `nearest` distances below `min_mm` (0 with no impressions).
pub(super) fn too_close_share(nearest: &[Option<(usize, f64)>], min_mm: f64) -> f64 {
    if nearest.is_empty() {
        return 0.0;
    }
    let close = nearest
        .iter()
        .filter(|nn| nn.is_some_and(|(_, d)| d < min_mm))
        .count();
    close as f64 / nearest.len() as f64
}

pub(super) fn judge(f: &Facts) -> Judged {
    let n = f.points.len();
    if n < 2 {
        return Judged::new(
            0.0,
            "fewer than two impressions: no spacing to judge",
            vec![],
        );
    }
    let min = f.plan.min_spacing_mm;
    let t = &f.plan.thresholds.too_close;
    let share = too_close_share(&f.nearest, min);
    let distances: Vec<f64> = f.nearest.iter().flatten().map(|(_, d)| *d).collect();
    let mean = distances.iter().sum::<f64>() / distances.len().max(1) as f64;
    let close = (share * n as f64).round() as usize;
    let mut reason = format!(
        "{close} of {n} dots ({:.1}%) are closer than the {min:.2} mm minimum to another (full marks up to {:.0}%, a bare pass at {:.0}%); mean distance to the nearest dot {mean:.2} mm.",
        100.0 * share,
        100.0 * t.full,
        100.0 * t.pass,
    );
    if share > t.full {
        reason.push_str(" Dots that close heal into one clump: leave room between impressions.");
    }
    let mut order: Vec<(usize, f64)> = f
        .nearest
        .iter()
        .enumerate()
        .filter_map(|(i, nn)| nn.filter(|(_, d)| *d < min).map(|(_, d)| (i, d)))
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    let places = order
        .iter()
        .take(MAX_PLACES)
        .map(|&(i, d)| Place {
            at: f.points[i],
            note: format!("#{} only {d:.2} mm from its neighbour", i + 1),
        })
        .collect();
    Judged::new(t.score(share), reason, places).measured(
        "share closer than the minimum",
        share,
        "share",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_counts_each_dot_closer_than_the_minimum() {
        let nn = [
            Some((1, 0.3)),
            Some((0, 0.3)),
            Some((3, 0.9)),
            Some((2, 0.9)),
            None,
        ];
        assert!((too_close_share(&nn, 0.5) - 0.4).abs() < 1e-12);
        assert_eq!(too_close_share(&nn, 0.2), 0.0);
        assert_eq!(too_close_share(&[], 0.5), 0.0);
        let t = crate::plan::Thresholds::default().too_close;
        assert!(t.score(0.4) < t.score(0.1));
    }
}
