//! What the criteria share: where each impression lies relative to the plan, its nearest
//! neighbour, and the pieces each criterion hands back (its score, reason, places, measure).

use serde::{Deserialize, Serialize};

use crate::geometry::{Point, Vec3};
use crate::plan::ReferencePlan;
use crate::replay::Replay;
use crate::skin::DepthOutcome;
use crate::surface::Surface;

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

/// The skin the impressions lie on, for the measures that depend on it.
pub(super) enum Skin {
    /// A flat practice skin: the canvas is the skin.
    Flat,
    /// A head: its surface, each impression's place in 3D (mm), and the least skin length a
    /// map millimetre stands for.
    Head {
        surface: Surface,
        positions: Vec<Vec3>,
        /// Around each impression, the least skin length a map millimetre stands for (a little
        /// less, for what changes over a search).
        stretch: Vec<f64>,
    },
}

impl Skin {
    /// The skin of `plan`, with the 3D places of `points` on a head.
    pub(super) fn of(plan: &ReferencePlan, points: &[Point]) -> Skin {
        Skin::with_places(plan, points, |surface, i| {
            surface.point(points[i]).unwrap_or_default()
        })
    }

    /// The skin of `plan` under `replay`'s impressions (whose 3D places replay measured once);
    /// `points` are their entry points.
    pub(super) fn under(plan: &ReferencePlan, replay: &Replay, points: &[Point]) -> Skin {
        Skin::with_places(plan, points, |surface, i| match replay.on_skin.get(i) {
            Some(&p) => p,
            None => surface.point(points[i]).unwrap_or_default(),
        })
    }

    fn with_places(
        plan: &ReferencePlan,
        points: &[Point],
        place: impl Fn(&Surface, usize) -> Vec3 + Sync,
    ) -> Skin {
        let Some(head) = plan.head() else {
            return Skin::Flat;
        };
        let surface = Surface::Head(head);
        let (positions, stretch): (Vec<Vec3>, Vec<f64>) = crate::parallel::map(points.len(), |i| {
            let stretch = surface
                .local(points[i])
                .map_or(0.05, |m| 0.9 * m.least_stretch);
            (place(&surface, i), stretch)
        })
        .into_iter()
        .unzip();
        Skin::Head {
            surface,
            positions,
            stretch,
        }
    }
}

impl Skin {
    /// The nearest other point to each of `points` (the points this skin was made for).
    pub(super) fn all_nearest(&self, points: &[Point]) -> Vec<Option<(usize, f64)>> {
        match self {
            Skin::Flat => crate::spatial::all_nearest(points),
            Skin::Head {
                positions, stretch, ..
            } => crate::spatial::all_nearest_on_skin(points, positions, stretch),
        }
    }
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
    /// The skin: flat, or a head with the impressions' places in 3D.
    pub(super) skin: Skin,
}

impl Facts<'_> {
    /// Whether impression `i` lies in a zone of the plan.
    pub(super) fn inside(&self, i: usize) -> bool {
        self.placement[i].zone.is_some()
    }

    /// The nearest other impression to each of the impressions `chosen` (indices into the
    /// attempt), among them only: (position in `chosen`, distance on the skin, mm).
    pub(super) fn nearest_among(&self, chosen: &[usize]) -> Vec<Option<(usize, f64)>> {
        let pts: Vec<Point> = chosen.iter().map(|&i| self.points[i]).collect();
        match &self.skin {
            Skin::Flat => crate::spatial::all_nearest(&pts),
            Skin::Head {
                positions, stretch, ..
            } => {
                let pos: Vec<Vec3> = chosen.iter().map(|&i| positions[i]).collect();
                let st: Vec<f64> = chosen.iter().map(|&i| stretch[i]).collect();
                crate::spatial::all_nearest_on_skin(&pts, &pos, &st)
            }
        }
    }

    /// Skin area a map square of one mm² at `p` stands for (1 on a flat skin).
    pub(super) fn area_factor(&self, p: Point) -> f64 {
        match &self.skin {
            Skin::Flat => 1.0,
            Skin::Head { surface, .. } => surface.local(p).map_or(1.0, |m| m.area_element),
        }
    }
}
