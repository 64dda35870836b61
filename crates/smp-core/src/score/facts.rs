//! What the criteria share: where each impression lies relative to the plan, its nearest
//! neighbour, and the pieces each criterion hands back (its score, reason, places, measure).

use serde::{Deserialize, Serialize};

use crate::geometry::Point;
use crate::plan::ReferencePlan;
use crate::replay::Replay;
use crate::skin::DepthOutcome;

/// A place on the scalp that cost points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Where, mm.
    pub at: Point,
    /// What is wrong there.
    pub note: String,
}

/// Most places listed per criterion.
pub const MAX_PLACES: usize = 12;

/// How many impressions ended in each depth outcome.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// In the epidermis: fade away.
    pub shallow: usize,
    /// In the target window.
    pub ideal: usize,
    /// In the lower dermis.
    pub deep: usize,
    /// In the subcutis.
    pub blowout: usize,
}

impl OutcomeCounts {
    /// Counts one impression of outcome `o`.
    pub fn add(&mut self, o: DepthOutcome) {
        match o {
            DepthOutcome::Shallow => self.shallow += 1,
            DepthOutcome::Ideal => self.ideal += 1,
            DepthOutcome::Deep => self.deep += 1,
            DepthOutcome::Blowout => self.blowout += 1,
        }
    }

    /// Impressions counted.
    pub fn total(&self) -> usize {
        self.shallow + self.ideal + self.deep + self.blowout
    }
}

/// The physical measure a criterion scored, before its curve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    /// What was measured, in words (e.g. "coverage of the plan").
    pub name: String,
    /// Its value, in `unit`.
    pub value: f64,
    /// The unit ("share" for 0..1 fractions, "ratio", "mm", "days").
    pub unit: String,
}

/// What one criterion found: its score (0–100), the reason, the places and the measure.
pub(super) struct Judged {
    pub(super) score: f64,
    pub(super) reason: String,
    pub(super) places: Vec<Place>,
    pub(super) measure: Option<Measure>,
}

impl Judged {
    pub(super) fn new(score: f64, reason: impl Into<String>, places: Vec<Place>) -> Self {
        Judged {
            score,
            reason: reason.into(),
            places,
            measure: None,
        }
    }

    /// The same, saying which measure was scored.
    pub(super) fn measured(mut self, name: &str, value: f64, unit: &str) -> Self {
        self.measure = Some(Measure {
            name: name.into(),
            value,
            unit: unit.into(),
        });
        self
    }
}

/// Where an impression lies relative to the plan, computed once and shared by the criteria.
#[derive(Clone, Copy)]
pub(super) struct Placement {
    /// Zone containing it.
    pub(super) zone: Option<usize>,
    /// Planned final density there, dots per cm² (0 outside the zones).
    pub(super) planned_per_cm2: f64,
    /// Arc position along the hairline and distance from it, mm (when the level has one).
    pub(super) hairline: Option<(f64, f64)>,
}

/// What the criteria share: positions, placements and nearest neighbours.
pub(super) struct Facts<'a> {
    pub(super) plan: &'a ReferencePlan,
    pub(super) replay: &'a Replay,
    /// Every impression's entry point, in the order made.
    pub(super) points: Vec<Point>,
    pub(super) placement: Vec<Placement>,
    /// Each impression's nearest other impression (index, mm), over all impressions.
    pub(super) nearest: Vec<Option<(usize, f64)>>,
    /// The plan's zones, prepared for many containment tests.
    pub(super) zones: crate::plan::ZoneIndex,
}

impl Facts<'_> {
    /// Whether impression `i` lies in a zone of the plan.
    pub(super) fn inside(&self, i: usize) -> bool {
        self.placement[i].zone.is_some()
    }
}
