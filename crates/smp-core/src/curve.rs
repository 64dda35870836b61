//! How a measure becomes a score: monotonic, piecewise-linear curves through anchor points that
//! a level sets (with defaults from the craft). A measure at its `full` anchor earns 100, at its
//! `pass` anchor [`PASS_SCORE`] (what an instructor would call a bare pass), at its `zero`
//! anchor nothing; between anchors the score is linear, beyond them it is held.

use serde::{Deserialize, Serialize};

/// The score a measure at its `pass` anchor earns.
pub const PASS_SCORE: f64 = 70.0;

/// Anchors of a one-sided measure. When `full < pass < zero`, less is better (a share of faults);
/// when `full > pass > zero`, more is better (a coverage).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Anchors {
    /// Where the measure earns 100.
    pub full: f64,
    /// Where it earns [`PASS_SCORE`].
    pub pass: f64,
    /// Where it earns 0.
    pub zero: f64,
}

impl Anchors {
    /// Anchors at these three values.
    pub const fn new(full: f64, pass: f64, zero: f64) -> Self {
        Self { full, pass, zero }
    }

    /// The score of measure `m`, 0–100. Not a number scores 0.
    pub fn score(&self, m: f64) -> f64 {
        if m.is_nan() {
            return 0.0;
        }
        // Put the measure on a "less is better" axis.
        let flip = self.full > self.zero;
        let (m, full, pass, zero) = if flip {
            (-m, -self.full, -self.pass, -self.zero)
        } else {
            (m, self.full, self.pass, self.zero)
        };
        if m <= full {
            100.0
        } else if m <= pass {
            100.0 - (100.0 - PASS_SCORE) * (m - full) / (pass - full)
        } else if m < zero {
            PASS_SCORE * (zero - m) / (zero - pass)
        } else {
            0.0
        }
    }

    /// What makes these anchors unusable, if anything: they must be finite and strictly in
    /// order (`full < pass < zero` or `full > pass > zero`).
    pub fn problem(&self) -> Option<String> {
        let v = [self.full, self.pass, self.zero];
        if v.iter().any(|x| !x.is_finite()) {
            return Some("anchors must be finite numbers".into());
        }
        let rising = self.full < self.pass && self.pass < self.zero;
        let falling = self.full > self.pass && self.pass > self.zero;
        (!(rising || falling)).then(|| {
            format!(
                "anchors (full: {}, pass: {}, zero: {}) must be strictly in order",
                self.full, self.pass, self.zero
            )
        })
    }
}

/// How far outside a band of full marks a measure may go before it earns a bare pass and
/// nothing: the same distance on either side.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Falloff {
    /// Distance outside the band that earns [`PASS_SCORE`].
    pub pass: f64,
    /// Distance outside the band that earns 0.
    pub zero: f64,
}

impl Falloff {
    /// A falloff of these two distances.
    pub const fn new(pass: f64, zero: f64) -> Self {
        Self { pass, zero }
    }

    /// The score of `m` against the band `lo..=hi` (100 inside), falling off on both sides.
    pub fn score(&self, m: f64, lo: f64, hi: f64) -> f64 {
        let below = Anchors::new(lo, lo - self.pass, lo - self.zero).score(m);
        let above = Anchors::new(hi, hi + self.pass, hi + self.zero).score(m);
        below.min(above)
    }

    /// What makes this falloff unusable, if anything: `0 < pass < zero`, both finite.
    pub fn problem(&self) -> Option<String> {
        let ok = self.pass.is_finite() && self.zero.is_finite() && 0.0 < self.pass;
        (!(ok && self.pass < self.zero)).then(|| {
            format!(
                "falloff (pass: {}, zero: {}) needs 0 < pass < zero",
                self.pass, self.zero
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn less_is_better_anchors() {
        let a = Anchors::new(0.02, 0.10, 0.40);
        assert_eq!(a.score(0.0), 100.0);
        assert_eq!(a.score(0.02), 100.0);
        assert!((a.score(0.06) - 85.0).abs() < 1e-9);
        assert_eq!(a.score(0.10), PASS_SCORE);
        assert!((a.score(0.25) - 35.0).abs() < 1e-9);
        assert_eq!(a.score(0.40), 0.0);
        assert_eq!(a.score(7.0), 0.0);
        assert_eq!(a.score(f64::NAN), 0.0);
        assert!(a.problem().is_none());
    }

    #[test]
    fn more_is_better_anchors() {
        let a = Anchors::new(0.97, 0.90, 0.50);
        assert_eq!(a.score(1.0), 100.0);
        assert_eq!(a.score(0.90), PASS_SCORE);
        assert_eq!(a.score(0.2), 0.0);
        assert!(a.score(0.95) > a.score(0.93));
    }

    #[test]
    fn curves_never_rise_as_the_measure_worsens() {
        let a = Anchors::new(0.02, 0.10, 0.40);
        let mut last = f64::INFINITY;
        for i in 0..=1000 {
            let s = a.score(i as f64 / 1000.0);
            assert!(s <= last);
            last = s;
        }
    }

    #[test]
    fn bands_give_full_marks_inside_and_fall_off_on_both_sides() {
        let f = Falloff::new(0.15, 0.45);
        let (lo, hi) = (1.1, 1.75);
        for m in [1.1, 1.4, 1.6, 1.62, 1.72, 1.75] {
            assert_eq!(f.score(m, lo, hi), 100.0, "{m}");
        }
        assert!((f.score(0.95, lo, hi) - PASS_SCORE).abs() < 1e-9);
        assert!((f.score(1.9, lo, hi) - PASS_SCORE).abs() < 1e-9);
        assert_eq!(f.score(0.5, lo, hi), 0.0);
        assert_eq!(f.score(2.2, lo, hi), 0.0);
        assert!(f.problem().is_none());
        assert!(Falloff::new(0.5, 0.2).problem().is_some());
    }

    #[test]
    fn unordered_anchors_are_refused() {
        assert!(Anchors::new(0.1, 0.1, 0.3).problem().is_some());
        assert!(Anchors::new(0.1, 0.3, 0.2).problem().is_some());
        assert!(Anchors::new(f64::NAN, 0.3, 0.5).problem().is_some());
    }
}
