//! A session being tattooed live: raw pen samples in, placed impressions out. It uses the same
//! stroke builder and placement as [`crate::replay`], so a live session and a replay of its
//! samples agree bit for bit.

use crate::attempt::{Attempt, SessionRecord};
use crate::needle::{Impression, Needle, Shade};
use crate::pen::{PenSample, PressureCurve, StrokeBuilder};
use crate::plan::ReferencePlan;
use crate::replay::{PlacedImpression, SessionContext, inflammation};
use crate::surface::Surface;

/// One session in progress.
pub struct LiveSession {
    builder: StrokeBuilder,
    /// The skin tattooed (the plan's, kept for the session).
    surface: Surface,
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
    /// The skin's scars, prepared once for the session.
    scars: Vec<crate::geometry::PolygonIndex>,
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
        let surface = plan.surface();
        Self {
            builder: StrokeBuilder::on(&surface),
            surface,
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
            scars: crate::replay::scar_index(plan),
        }
    }

    /// Whether the pen is down.
    pub fn in_contact(&self) -> bool {
        self.builder.in_contact()
    }

    /// Records one raw sample, at the precision the attempt file keeps (so the work scored live
    /// is the work saved); returns the impression it completes (at pen-up), if any.
    pub fn push(
        &mut self,
        plan: &ReferencePlan,
        curve: &PressureCurve,
        seed: u64,
        sample: PenSample,
    ) -> Option<PlacedImpression> {
        // On a head, a pen over a flat picture of the scalp map (no axis of its own) holds the
        // needle square to the skin under it, leaned by its tilt; the file records that axis.
        let sample = match (&self.surface, sample.axis) {
            (Surface::Head(_), None) => PenSample {
                axis: crate::needle::axis_over_map(
                    &self.surface,
                    sample.at,
                    sample.tilt_x_rad,
                    sample.tilt_y_rad,
                ),
                ..sample
            },
            _ => sample,
        }
        .at_device_precision();
        self.record.samples.push(sample);
        let stroke = self.builder.push(&sample)?;
        let imp = Impression::from_stroke_on(&stroke, curve, &self.record.needle, &self.surface)?;
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
            scars: &self.scars,
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
        curve: &PressureCurve,
        seed: u64,
    ) -> (
        Option<PlacedImpression>,
        SessionRecord,
        Vec<PlacedImpression>,
    ) {
        let last = self
            .builder
            .finish()
            .and_then(|s| Impression::from_stroke_on(&s, curve, &self.record.needle, &self.surface))
            .map(|imp| self.place(plan, seed, imp));
        (last, self.record, self.impressions)
    }
}

/// What the needle would do before it goes in, for the trainer's depth gauge: the depth (mm)
/// `needle` would reach at raw `pressure` through the trainee's `curve` with the needle at
/// `angle_rad` to the skin's normal (0 square to it), and the outcome that depth has on `plan`'s
/// skin. The tissue's own variation and inflamed skin are left out: they are not known before.
pub fn predicted_depth(
    plan: &ReferencePlan,
    curve: &PressureCurve,
    needle: &Needle,
    pressure: f64,
    angle_rad: f64,
) -> (f64, crate::skin::DepthOutcome) {
    let angle = if angle_rad.is_finite() {
        angle_rad.clamp(0.0, crate::needle::MAX_TILT_RAD)
    } else {
        0.0
    };
    let depth = needle.protrusion_mm * curve.apply(pressure) * angle.cos();
    (
        depth,
        crate::skin::DepthOutcome::classify(depth, &plan.depth_window, &plan.skin),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Point;
    use crate::levels::Level;
    use crate::persona::Persona;
    use crate::simulate::simulate;

    #[test]
    fn a_stroke_open_at_the_end_becomes_the_last_impression() {
        let level = Level::find("depth-drill", None).unwrap();
        let empty = {
            let mut a = simulate(&level, Persona::Expert, 1, "t", "2026-11-21");
            a.sessions.clear();
            a
        };
        let needle = level.plan.sessions[0].needle;
        let shade = level.plan.sessions[0].shade;
        let mut live = LiveSession::start(&level.plan, &empty, 0, 0.0, needle, shade);
        let down = PenSample {
            t_s: 1.0,
            at: Point::new(10.0, 10.0),
            pressure: 0.23,
            tilt_x_rad: 0.0,
            tilt_y_rad: 0.0,
            contact: true,
            axis: None,
        };
        assert!(
            live.push(&level.plan, &PressureCurve::Linear, 1, down)
                .is_none()
        );
        assert!(live.in_contact());
        let (last, record, made) = live.finish(&level.plan, &PressureCurve::Linear, 1);
        assert!(last.is_some());
        assert_eq!(made.len(), 1);
        assert_eq!(record.samples, vec![down]);
    }
}
