//! Replaying an attempt against its level: every pen sample through sanitizing, the needle and
//! the tissue, giving the impressions as they landed in the skin.

use crate::attempt::{Attempt, SessionRecord};
use crate::geometry::{PolygonIndex, Vec3};
use crate::healing::HealingInputs;
use crate::needle::Impression;
use crate::parallel;
use crate::pen::{self, SanitizeReport};
use crate::plan::ReferencePlan;
use crate::skin::{self, TissueResponse};
use crate::surface::Surface;

/// Extra depth when working on skin that has not healed (fully inflamed), mm: swollen tissue
/// lets pigment migrate deeper.
pub const INFLAMED_EXTRA_DEPTH_MM: f64 = 0.15;

/// An impression with the tissue's answer and everything its healing depends on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlacedImpression {
    /// Index over the whole attempt, in the order made.
    pub index: usize,
    /// Session it was made in, 0-based.
    pub session: usize,
    /// What the pen did.
    pub impression: Impression,
    /// Where the pigment went.
    pub tissue: TissueResponse,
    /// Inputs to its healing.
    pub healing: HealingInputs,
    /// Day on the attempt's timeline when it was made (first session = day 0).
    pub made_on_day: f64,
}

/// One session of a replay.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionReplay {
    /// Day on the attempt's timeline the session took place.
    pub day: f64,
    /// How inflamed the skin still was when it started, 0..1.
    pub inflamed: f64,
    /// Impressions made in it (a range of [`Replay::impressions`]).
    pub range: std::ops::Range<usize>,
    /// Raw samples that arrived.
    pub samples: usize,
    /// Pen-downs too light to break the skin.
    pub feather_touches: usize,
    /// Repairs made to the samples.
    pub sanitize: SanitizeReport,
    /// Session duration, first to last sample, s.
    pub duration_s: f64,
}

/// The whole attempt as it landed in the skin.
#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    /// Every impression in order.
    pub impressions: Vec<PlacedImpression>,
    /// Every session in order.
    pub sessions: Vec<SessionReplay>,
    /// On a head, each impression's entry point as a point of the skin in the head's frame, mm,
    /// in the impressions' order (measured once here: scoring and the heatmaps measure
    /// distances between them); empty on a flat skin.
    pub on_skin: Vec<Vec3>,
}

impl Replay {
    /// Day of the last session on the attempt's timeline.
    pub fn last_session_day(&self) -> f64 {
        self.sessions.last().map_or(0.0, |s| s.day)
    }

    /// Repairs over all sessions.
    pub fn sanitize_total(&self) -> SanitizeReport {
        let mut r = SanitizeReport::default();
        for s in &self.sessions {
            r.add(&s.sanitize);
        }
        r
    }
}

/// What placing an impression in one session depends on, besides the impression.
pub struct SessionContext<'a> {
    /// The level's plan.
    pub plan: &'a ReferencePlan,
    /// The attempt's seed.
    pub seed: u64,
    /// The session as done (needle, shade).
    pub record: &'a SessionRecord,
    /// Session index, 0-based.
    pub session: usize,
    /// Day of the session on the attempt's timeline.
    pub day: f64,
    /// How inflamed the skin still was, 0..1.
    pub inflamed: f64,
    /// The skin's scars, prepared for many containment tests ([`scar_index`]).
    pub scars: &'a [PolygonIndex],
}

/// The scars of `plan`'s skin, prepared for many containment tests, in file order.
pub fn scar_index(plan: &ReferencePlan) -> Vec<PolygonIndex> {
    plan.skin
        .scars
        .iter()
        .map(|s| PolygonIndex::new(&s.outline))
        .collect()
}

impl SessionContext<'_> {
    /// The tissue's response to impression number `index` (over the whole attempt). Live input
    /// and replay both place impressions through this, so they agree bit for bit.
    pub fn place(&self, imp: Impression, index: usize) -> PlacedImpression {
        let plan = self.plan;
        let tissue = skin::respond(
            imp.nominal_depth_mm,
            INFLAMED_EXTRA_DEPTH_MM * self.inflamed,
            &plan.depth_window,
            &plan.skin,
            self.seed,
            index as u64,
        );
        let scar = self
            .scars
            .iter()
            .position(|s| s.contains(imp.at))
            .map(|i| &plan.skin.scars[i]);
        let healing = HealingInputs {
            outcome: tissue.outcome,
            fresh_diameter_mm: imp.fresh_diameter_mm,
            spread_factor: tissue.spread_factor,
            shade: self.record.shade,
            skin_type: plan.skin.skin_type,
            sun_exposure: plan.skin.sun_exposure,
            scar_fade: scar.map_or(1.0, |s| s.fade_factor),
            scar_retention: scar.map_or(1.0, |s| s.retention),
            inflamed: self.inflamed,
        };
        PlacedImpression {
            index,
            session: self.session,
            impression: imp,
            tissue,
            healing,
            made_on_day: self.day,
        }
    }
}

/// How inflamed the skin is after `days_since_previous` days of healing, 0..1 (0 in the first
/// session, and once the level's minimum gap has passed).
pub fn inflammation(plan: &ReferencePlan, session: usize, days_since_previous: f64) -> f64 {
    if session == 0 || plan.min_gap_days <= 0.0 {
        0.0
    } else {
        (1.0 - days_since_previous / plan.min_gap_days).clamp(0.0, 1.0)
    }
}

/// Replays `attempt` on `plan`. Deterministic: depends only on the two.
pub fn replay(plan: &ReferencePlan, attempt: &Attempt) -> Replay {
    let mut impressions = Vec::new();
    let mut sessions = Vec::new();
    let mut day = 0.0;
    let scars = scar_index(plan);
    let surface = plan.surface();
    for (s_index, record) in attempt.sessions.iter().enumerate() {
        let inflamed = inflammation(plan, s_index, record.days_since_previous);
        if s_index > 0 {
            day += record.days_since_previous.max(0.0);
        }
        let (strokes, sanitize) = pen::strokes_on(&record.samples, &surface);
        let start = impressions.len();
        // On a head each impression asks the skin its normal: on all cores, kept in order.
        let made: Vec<Impression> = parallel::map(strokes.len(), |k| {
            Impression::from_stroke_on(
                &strokes[k],
                &attempt.pressure_curve,
                &record.needle,
                &surface,
            )
        })
        .into_iter()
        .flatten()
        .collect();
        let feather_touches = strokes.len() - made.len();
        // Each impression's tissue response depends only on it and its index: compute them on all
        // cores, in order.
        let context = SessionContext {
            plan,
            seed: attempt.seed,
            record,
            session: s_index,
            day,
            inflamed,
            scars: &scars,
        };
        let placed = parallel::map(made.len(), |k| context.place(made[k], start + k));
        impressions.extend(placed);
        let finite_times = record
            .samples
            .iter()
            .map(|s| s.t_s)
            .filter(|t| t.is_finite());
        let (lo, hi) = finite_times.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), t| {
            (lo.min(t), hi.max(t))
        });
        sessions.push(SessionReplay {
            day,
            inflamed,
            range: start..impressions.len(),
            samples: record.samples.len(),
            feather_touches,
            sanitize,
            duration_s: if hi >= lo { hi - lo } else { 0.0 },
        });
    }
    // The head's map → skin is the costly part of measuring on a head: done once, on all cores.
    let on_skin = match &surface {
        Surface::Flat { .. } => Vec::new(),
        Surface::Head(head) => parallel::map(impressions.len(), |i| {
            head.point_at(impressions[i].impression.at)
                .unwrap_or_default()
        }),
    };
    Replay {
        impressions,
        sessions,
        on_skin,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attempt::{Device, FORMAT_VERSION, ToolKind};
    use crate::geometry::Point;
    use crate::levels::Level;
    use crate::pen::{PenSample, PressureCurve};
    use crate::skin::DepthOutcome;

    fn tap(t: f64, x: f64, pressure: f64) -> [PenSample; 2] {
        let s = |t_s, contact| PenSample {
            t_s,
            at: Point::new(x, 12.0),
            pressure: if contact { pressure } else { 0.0 },
            tilt_x_rad: 0.0,
            tilt_y_rad: 0.0,
            contact,
            axis: None,
        };
        [s(t, true), s(t + 0.05, false)]
    }

    fn attempt(level: &Level, sessions: Vec<(f64, Vec<PenSample>)>) -> Attempt {
        Attempt {
            format_version: FORMAT_VERSION,
            level_id: level.plan.id.clone(),
            level_hash: level.hash.clone(),
            app_version: "test".into(),
            trainee: "t".into(),
            date: "2026-11-21".into(),
            device: Device {
                tool: ToolKind::Pen,
                pressure_levels: 0,
                name: String::new(),
                hardware_id: None,
            },
            pressure_curve: PressureCurve::Linear,
            seed: 3,
            sessions: sessions
                .into_iter()
                .enumerate()
                .map(|(i, (days, samples))| SessionRecord {
                    days_since_previous: days,
                    needle: level.plan.sessions[i].needle,
                    shade: level.plan.sessions[i].shade,
                    samples,
                })
                .collect(),
            design: None,
            score: None,
            review: None,
        }
    }

    #[test]
    fn each_tap_is_one_impression_with_its_outcome_and_day() {
        let level = Level::find("crown-blend", None).unwrap();
        let s1: Vec<PenSample> = [tap(1.0, 20.0, 0.23), tap(2.0, 22.0, 0.7)].concat();
        let s2: Vec<PenSample> = [tap(1.0, 30.0, 0.23), tap(1.5, 31.0, 0.01)].concat();
        let r = replay(&level.plan, &attempt(&level, vec![(0.0, s1), (12.0, s2)]));
        assert_eq!(r.impressions.len(), 3, "the feather touch makes none");
        assert_eq!(r.sessions[1].feather_touches, 1);
        assert_eq!(r.impressions[0].tissue.outcome, DepthOutcome::Ideal);
        assert_eq!(r.impressions[1].tissue.outcome, DepthOutcome::Deep);
        assert_eq!(r.impressions[2].session, 1);
        assert_eq!(r.impressions[2].made_on_day, 12.0);
        assert_eq!(r.sessions[1].range, 2..3);
        assert_eq!(r.last_session_day(), 12.0);
        assert_eq!(
            r.impressions.iter().map(|p| p.index).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn working_on_unhealed_skin_inflames_it() {
        let level = Level::find("crown-blend", None).unwrap();
        assert_eq!(inflammation(&level.plan, 0, 0.0), 0.0);
        assert_eq!(inflammation(&level.plan, 1, 0.0), 1.0);
        assert!((inflammation(&level.plan, 1, 5.0) - 0.5).abs() < 1e-12);
        assert_eq!(inflammation(&level.plan, 1, 30.0), 0.0);
        let early = replay(
            &level.plan,
            &attempt(
                &level,
                vec![(0.0, vec![]), (2.0, tap(1.0, 30.0, 0.23).to_vec())],
            ),
        );
        let healed = replay(
            &level.plan,
            &attempt(
                &level,
                vec![(0.0, vec![]), (14.0, tap(1.0, 30.0, 0.23).to_vec())],
            ),
        );
        let (e, h) = (&early.impressions[0], &healed.impressions[0]);
        assert!(e.tissue.depth_mm > h.tissue.depth_mm + 0.05);
        assert!(e.healing.inflamed > 0.5 && h.healing.inflamed == 0.0);
    }
}
