//! A session being tattooed live: raw pen samples in, placed impressions out. It uses the same
//! stroke builder and placement as [`crate::replay`], so a live session and a replay of its
//! samples agree bit for bit.

use crate::attempt::{Attempt, SessionRecord};
use crate::needle::{Impression, Needle, Shade};
use crate::pen::{PenSample, StrokeBuilder};
use crate::plan::ReferencePlan;
use crate::replay::{PlacedImpression, SessionContext, inflammation};

/// One session in progress.
pub struct LiveSession {
    builder: StrokeBuilder,
    /// The session as recorded so far (every raw sample, in order).
    pub record: SessionRecord,
    /// Session index, 0-based.
    pub session: usize,
    /// Day of this session on the attempt's timeline.
    pub day: f64,
    /// How inflamed the skin still was when it started, 0..1.
    pub inflamed: f64,
    /// Index over the whole attempt of this session's first impression.
    first_index: usize,
    /// Impressions made in this session so far.
    pub impressions: Vec<PlacedImpression>,
}

impl LiveSession {
    /// Starts session `attempt.sessions.len()` of `attempt` on `plan`, after
    /// `days_since_previous` days of healing (ignored for the first session). `impressions_before`
    /// is the number of impressions made in earlier sessions.
    pub fn start(
        plan: &ReferencePlan,
        attempt: &Attempt,
        impressions_before: usize,
        days_since_previous: f64,
        needle: Needle,
        shade: Shade,
    ) -> Self {
        let session = attempt.sessions.len();
        let days = if session == 0 {
            0.0
        } else {
            days_since_previous.max(0.0)
        };
        let day = attempt
            .sessions
            .iter()
            .skip(1)
            .map(|s| s.days_since_previous.max(0.0))
            .sum::<f64>()
            + days;
        Self {
            builder: StrokeBuilder::new(plan.canvas_mm),
            record: SessionRecord {
                days_since_previous: days,
                needle,
                shade,
                samples: Vec::new(),
            },
            session,
            day,
            inflamed: inflammation(plan, session, days),
            first_index: impressions_before,
            impressions: Vec::new(),
        }
    }

    /// Whether the pen is down.
    pub fn in_contact(&self) -> bool {
        self.builder.in_contact()
    }

    /// Records one raw sample; returns the impression it completes (at pen-up), if any.
    pub fn push(
        &mut self,
        plan: &ReferencePlan,
        curve: &crate::pen::PressureCurve,
        seed: u64,
        sample: PenSample,
    ) -> Option<PlacedImpression> {
        self.record.samples.push(sample);
        let stroke = self.builder.push(&sample)?;
        let imp = Impression::from_stroke(&stroke, curve, &self.record.needle)?;
        Some(self.place(plan, seed, imp))
    }

    fn place(&mut self, plan: &ReferencePlan, seed: u64, imp: Impression) -> PlacedImpression {
        let context = SessionContext {
            plan,
            seed,
            record: &self.record,
            session: self.session,
            day: self.day,
            inflamed: self.inflamed,
        };
        let placed = context.place(imp, self.first_index + self.impressions.len());
        self.impressions.push(placed);
        placed
    }

    /// Ends the session: a stroke still in contact becomes its last impression (as replay does).
    /// Returns that impression, if any, and the finished record.
    pub fn finish(
        mut self,
        plan: &ReferencePlan,
        curve: &crate::pen::PressureCurve,
        seed: u64,
    ) -> (
        Option<PlacedImpression>,
        SessionRecord,
        Vec<PlacedImpression>,
    ) {
        let last = self
            .builder
            .finish()
            .and_then(|s| Impression::from_stroke(&s, curve, &self.record.needle))
            .map(|imp| self.place(plan, seed, imp));
        (last, self.record, self.impressions)
    }
}
