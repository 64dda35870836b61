//! Crispness: small, round, crisp dots.
//!
//! Measure: the share of impressions that are smeared, either dragged while in the skin (a tail
//! longer than half the fresh dot: a shaking or moving hand) or entered at a slant (a dot more
//! than `max_elongation` times longer than wide: the needle not upright to the skin). Curve:
//! `smeared` anchors.

use super::facts::{Facts, Judged, MAX_PLACES, Place};

pub(super) fn judge(f: &Facts) -> Judged {
    let imps = &f.replay.impressions;
    let n = imps.len();
    if n == 0 {
        return Judged::new(0.0, "no impressions were made", vec![]);
    }
    let t = &f.plan.thresholds;
    let dragged = |p: &crate::replay::PlacedImpression| {
        p.impression.tail.length() > 0.5 * p.impression.fresh_diameter_mm
    };
    let slanted = |p: &crate::replay::PlacedImpression| p.impression.elongation > t.max_elongation;
    let (mut drag, mut slant, mut smeared) = (0usize, 0usize, Vec::new());
    let mut tail_sum = 0.0;
    for p in imps {
        let (d, s) = (dragged(p), slanted(p));
        drag += usize::from(d);
        slant += usize::from(s);
        tail_sum += p.impression.tail.length();
        if d || s {
            smeared.push(p);
        }
    }
    let share = smeared.len() as f64 / n as f64;
    let mut reason = format!(
        "{} of {n} dots ({:.1}%) smeared (full marks up to {:.0}%, a bare pass at {:.0}%): {drag} dragged a tail while in the skin (mean drag {:.2} mm), {slant} entered at a slant.",
        smeared.len(),
        100.0 * share,
        100.0 * t.smeared.full,
        100.0 * t.smeared.pass,
        tail_sum / n as f64,
    );
    if drag > slant && share > t.smeared.full {
        reason.push_str(
            " A shaking or moving hand drags the needle: steady the hand and lift straight out.",
        );
    } else if share > t.smeared.full && f.plan.head().is_some() {
        // The text of a flat skin stays as it was: stored scores keep their reasons.
        reason.push_str(
            " Hold the needle upright to the skin: a slanted entry makes a long, shallow dot. Where the scalp turns away, turn the head (or move around it) so the needle stays square to the skin under it.",
        );
    } else if share > t.smeared.full {
        reason.push_str(
            " Hold the needle upright to the skin: a slanted entry makes a long, shallow dot.",
        );
    }
    smeared.sort_by(|a, b| {
        b.impression
            .tail
            .length()
            .total_cmp(&a.impression.tail.length())
            .then(a.index.cmp(&b.index))
    });
    let places = smeared
        .iter()
        .take(MAX_PLACES)
        .map(|p| Place {
            at: p.impression.at,
            note: format!(
                "#{} dragged {:.2} mm, {:.1}× longer than wide",
                p.index + 1,
                p.impression.tail.length(),
                p.impression.elongation
            ),
        })
        .collect();
    Judged::new(t.smeared.score(share), reason, places).measured("share smeared", share, "share")
}
