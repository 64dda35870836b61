//! One impression ready to draw: where it is and how it looks on the chosen day.

use crate::geometry::{Point, Vec2};
use crate::healing::Appearance;
use crate::replay::Replay;

/// One impression ready to draw: where and how it looks on the chosen day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dot {
    /// Centre, mm.
    pub at: Point,
    /// Look on the day.
    pub look: Appearance,
    /// Length over width of the dot (oblique entry).
    pub elongation: f64,
    /// Direction of the long axis, rad.
    pub direction_rad: f64,
    /// Drag tail vector, mm.
    pub tail: Vec2,
}

impl Dot {
    /// How `p` looks `age_days` days after it was made.
    pub fn of(p: &crate::replay::PlacedImpression, age_days: f64) -> Dot {
        Dot {
            at: p.impression.at,
            look: p.healing.appearance(age_days.max(0.0)),
            elongation: p.impression.elongation,
            direction_rad: p.impression.tilt_direction_rad,
            tail: p.impression.tail,
        }
    }
}

/// Every impression of `replay` as it looks `days_after` days after the last session.
pub fn dots_on_day(replay: &Replay, days_after: f64) -> Vec<Dot> {
    let last = replay.last_session_day();
    replay
        .impressions
        .iter()
        .map(|p| Dot::of(p, last - p.made_on_day + days_after))
        .collect()
}

/// How far from its centre a dot can colour pixels, mm (redness halo and tail included).
pub fn reach_mm(d: &Dot) -> f64 {
    let r = 0.5 * d.look.diameter_mm * d.elongation * (1.0 + d.look.softness);
    let halo = if d.look.redness > 0.01 {
        1.5 * d.look.diameter_mm
    } else {
        0.0
    };
    r.max(halo) + d.tail.length() + 0.05
}
