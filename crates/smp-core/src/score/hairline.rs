//! Placement and the hairline: staying inside the plan, and (where the level has a hairline) a
//! soft, irregular front.
//!
//! - **outside**: the share of impressions outside every zone, less the sentinels allowed just
//!   ahead of a hairline (within `sentinel_mm`, up to `sentinel_share` of the impressions).
//!   Every stray dot costs from the first: a dot on the forehead stays there. Curve: `outside`.
//! - **softness** (hairline levels): the density in the front third of the transition zone
//!   against its back third, compared with the plan's ratio. Curve: `softness` anchors on the
//!   difference.
//! - **irregularity** (hairline levels): how much the front row wanders: the standard deviation
//!   of the front-most dot's distance to the line, per 5 mm of line, over the dot spacing the
//!   plan gives at the line (random placement wanders about 0.2–0.3 of it, a ruler nearly 0).
//!   Curve: `front_row_wander` (or, when a level gives it, `hairline_irregularity_mm` in mm).
//!
//! The criterion scores the worst of its parts, so the same share of stray dots costs the same
//! on a drill as at a hairline.

use super::facts::{Facts, Judged, MAX_PLACES, Place};
use crate::curve::Anchors;

/// The share of impressions outside the plan beyond the allowed sentinels, and the counts:
/// (share, outside, sentinels kept).
pub(super) fn outside_share(f: &Facts) -> (f64, usize, usize) {
    let n = f.points.len();
    if n == 0 {
        return (0.0, 0, 0);
    }
    let t = &f.plan.thresholds;
    let (mut outside, mut sentinels) = (0usize, 0usize);
    for pl in &f.placement {
        if pl.zone.is_some() {
            continue;
        }
        match pl.hairline {
            Some((_, d)) if d <= t.sentinel_mm => sentinels += 1,
            _ => outside += 1,
        }
    }
    let allowed = (t.sentinel_share * n as f64).floor() as usize;
    let kept = sentinels.min(allowed);
    let stray = outside + sentinels - kept;
    (stray as f64 / n as f64, stray, kept)
}

pub(super) fn judge(f: &Facts) -> Judged {
    let plan = f.plan;
    let t = &plan.thresholds;
    let n = f.points.len();
    if n == 0 {
        return Judged::new(0.0, "no impressions were made", vec![]);
    }
    let (share, stray, sentinels) = outside_share(f);
    let out_score = t.outside.score(share);
    let places: Vec<Place> = (0..n)
        .filter(|&i| !f.inside(i))
        .filter(|&i| {
            f.placement[i]
                .hairline
                .is_none_or(|(_, d)| d > t.sentinel_mm)
        })
        .take(MAX_PLACES)
        .map(|i| Place {
            at: f.points[i],
            note: format!("#{} is outside the planned zones", i + 1),
        })
        .collect();
    let out_text = format!(
        "{stray} of {n} dots ({:.1}%) outside the plan (a bare pass at {:.0}%)",
        100.0 * share,
        100.0 * t.outside.pass
    );
    let Some(h) = &plan.hairline else {
        let mut reason =
            format!("{out_text}. This level has no hairline: staying inside the plan is judged.");
        if stray > 0 {
            reason.push_str(" Dots outside the plan stay where they are: keep inside the zones.");
        }
        return Judged::new(out_score, reason, places).measured(
            "share outside the plan",
            share,
            "share",
        );
    };
    let tr = h.transition_mm;
    // Softness: density in the front third of the transition zone against the back third.
    let (mut front, mut back) = (0usize, 0usize);
    // Irregularity: the front-most dot per 5 mm of line, as a signed distance (ahead < 0).
    let bin_mm = 5.0;
    // The line lies on the canvas (at most 1000 mm a side, 400 points): a bounded count.
    let bins = (h.line.length_mm() / bin_mm).ceil().clamp(1.0, 1.0e6) as usize;
    let mut frontmost = vec![f64::INFINITY; bins];
    for pl in &f.placement {
        let Some((s, d)) = pl.hairline else { continue };
        let inside = pl.zone.is_some();
        let signed = if inside { d } else { -d };
        if inside && tr > 0.0 {
            if d < tr / 3.0 {
                front += 1;
            } else if d >= 2.0 * tr / 3.0 && d < tr {
                back += 1;
            }
        }
        if signed >= -t.sentinel_mm && signed <= tr.max(bin_mm) {
            let b = ((s / bin_mm) as usize).min(bins - 1);
            frontmost[b] = frontmost[b].min(signed);
        }
    }
    let wanted = h.ramp(tr / 6.0) / h.ramp(5.0 * tr / 6.0);
    let (soft_score, soft_text) = if tr <= 0.0 {
        (100.0, "no transition zone planned".to_string())
    } else if back == 0 {
        (0.0, "the back of the transition zone is empty".to_string())
    } else {
        let ratio = front as f64 / back as f64;
        let text = if ratio > wanted + t.softness.full {
            "the front edge is as dense as behind it: a hard line"
        } else if ratio < wanted - t.softness.full {
            "the front edge is too thin"
        } else {
            "density rises softly behind the line"
        };
        (
            t.softness.score((ratio - wanted).abs()),
            format!("front-to-back density {ratio:.2} (planned {wanted:.2}): {text}"),
        )
    };
    let filled: Vec<f64> = frontmost
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    // The spacing the plan gives at the line: the scale a front row wanders on.
    let at_line = h.line.vertices[h.line.vertices.len() / 2];
    let density_at_line = plan
        .zones
        .iter()
        .map(|z| z.density.at(at_line))
        .fold(0.0, f64::max)
        * h.front_fraction.max(0.05)
        / 100.0;
    let spacing_mm = 1.0 / density_at_line.max(1e-6).sqrt();
    let (line_score, line_text) = if filled.len() < 3 {
        (
            0.0,
            "too few dots along the hairline to judge its shape".to_string(),
        )
    } else {
        let mean = filled.iter().sum::<f64>() / filled.len() as f64;
        let sd =
            (filled.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / filled.len() as f64).sqrt();
        let (anchors, natural_mm) = match t.hairline_irregularity_mm {
            Some(v) => (Anchors::new(v, 0.6 * v, 0.2 * v), v),
            None => {
                let w = t.front_row_wander;
                let mm = |x: f64| x * spacing_mm;
                (Anchors::new(mm(w.full), mm(w.pass), mm(w.zero)), mm(w.full))
            }
        };
        let text = if sd < natural_mm {
            "too straight, like a ruler"
        } else {
            "naturally irregular"
        };
        (
            anchors.score(sd),
            format!(
                "the front row wanders {sd:.2} mm (natural from {natural_mm:.2} mm at this density): {text}"
            ),
        )
    };
    let score = out_score.min(soft_score).min(line_score);
    Judged::new(
        score,
        format!("{out_text}; {sentinels} sentinel dots just ahead of the line; {soft_text}; {line_text}."),
        places,
    )
    .measured("share outside the plan", share, "share")
}
