//! Scoring an attempt against its reference plan. Every criterion scores 0–100 and says why, in
//! plain words, with the places on the scalp that cost points.

use serde::{Deserialize, Serialize};

use crate::attempt::{Attempt, StoredCriterion, StoredScore};
use crate::geometry::Point;
use crate::healing::SETTLED_DAY;
use crate::parallel;
use crate::pen::SanitizeReport;
use crate::plan::ReferencePlan;
use crate::replay::Replay;
use crate::skin::DepthOutcome;
use crate::spatial::StaticGrid;

/// The criteria, in the order they are reported and weighted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// Depth control: outcome counts, bias and spread of depth.
    Depth,
    /// Nearest-neighbour spacing and merged dots.
    Spacing,
    /// Density and coverage against the plan, per session.
    Density,
    /// Natural randomness: neither grid nor clumps.
    Randomness,
    /// Staying inside the plan; a soft, irregular hairline.
    Hairline,
    /// The planned shade and needle in each session.
    ShadeNeedle,
    /// Days of healing between sessions.
    Timing,
}

impl CriterionKind {
    /// All criteria in report order.
    pub const ALL: [CriterionKind; 7] = [
        CriterionKind::Depth,
        CriterionKind::Spacing,
        CriterionKind::Density,
        CriterionKind::Randomness,
        CriterionKind::Hairline,
        CriterionKind::ShadeNeedle,
        CriterionKind::Timing,
    ];

    /// Name as in files and reports.
    pub fn name(self) -> &'static str {
        match self {
            CriterionKind::Depth => "depth",
            CriterionKind::Spacing => "spacing",
            CriterionKind::Density => "density",
            CriterionKind::Randomness => "randomness",
            CriterionKind::Hairline => "hairline",
            CriterionKind::ShadeNeedle => "shade_needle",
            CriterionKind::Timing => "timing",
        }
    }
}

/// A place on the scalp that cost points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// Where, mm.
    pub at: Point,
    /// What is wrong there.
    pub note: String,
}

/// One criterion's result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Which criterion.
    pub kind: CriterionKind,
    /// Score, 0–100 (rounded to 0.01).
    pub score: f64,
    /// Weight in the total, from the level.
    pub weight: f64,
    /// Why it scored what it did.
    pub reason: String,
    /// Where points were lost (at most [`MAX_PLACES`]).
    pub places: Vec<Place>,
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
    fn add(&mut self, o: DepthOutcome) {
        match o {
            DepthOutcome::Shallow => self.shallow += 1,
            DepthOutcome::Ideal => self.ideal += 1,
            DepthOutcome::Deep => self.deep += 1,
            DepthOutcome::Blowout => self.blowout += 1,
        }
    }
}

/// The full result of scoring an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Weighted total, 0–100 (rounded to 0.01).
    pub total: f64,
    /// Whether the total reached the pass mark.
    pub passed: bool,
    /// The level's pass mark.
    pub pass_mark: f64,
    /// Weighted criteria that scored below the level's floor (each fails the attempt).
    pub below_floor: Vec<CriterionKind>,
    /// Impressions made.
    pub impressions: usize,
    /// Impressions per depth outcome.
    pub outcomes: OutcomeCounts,
    /// Each criterion, in [`CriterionKind::ALL`] order.
    pub criteria: Vec<Criterion>,
    /// Repairs made to the pen samples.
    pub sanitize: SanitizeReport,
    /// Pen-downs too light to break the skin.
    pub feather_touches: usize,
}

impl Score {
    /// The part of the score stored in attempt files.
    pub fn stored(&self) -> StoredScore {
        StoredScore {
            total: self.total,
            passed: self.passed,
            criteria: self
                .criteria
                .iter()
                .map(|c| StoredCriterion {
                    name: c.kind.name().into(),
                    score: c.score,
                })
                .collect(),
        }
    }

    /// Whether a stored score is exactly this one (every number bit for bit, criteria in any
    /// order).
    pub fn matches(&self, stored: &StoredScore) -> bool {
        self.differences(stored).is_empty()
    }

    /// Compares `attempt`'s stored score with this one, number by number (criteria matched by
    /// name, in any order), and the attempt's level hash with `level_hash`, the current file's.
    pub fn verify(&self, attempt: &Attempt, level_hash: &str) -> Verification {
        let Some(stored) = &attempt.score else {
            return Verification::NotStored;
        };
        let differences = self.differences(stored);
        if !differences.is_empty() {
            return Verification::Mismatch(differences);
        }
        if attempt.level_hash != level_hash {
            return Verification::LevelChanged {
                attempt_hash: attempt.level_hash.clone(),
                level_hash: level_hash.to_string(),
            };
        }
        Verification::Verified
    }

    /// Every number of `stored` that is not exactly this score's.
    pub fn differences(&self, stored: &StoredScore) -> Vec<Difference> {
        let mut out = Vec::new();
        if stored.total.to_bits() != self.total.to_bits() {
            out.push(Difference::Total {
                stored: stored.total,
                recomputed: self.total,
            });
        }
        if stored.passed != self.passed {
            out.push(Difference::Verdict {
                stored: stored.passed,
                recomputed: self.passed,
            });
        }
        for c in &self.criteria {
            let s = stored.criteria.iter().find(|s| s.name == c.kind.name());
            if s.is_none_or(|s| s.score.to_bits() != c.score.to_bits()) {
                out.push(Difference::Criterion {
                    name: c.kind.name().to_string(),
                    stored: s.map(|s| s.score),
                    recomputed: Some(c.score),
                });
            }
        }
        for s in &stored.criteria {
            if !self.criteria.iter().any(|c| c.kind.name() == s.name) {
                out.push(Difference::Criterion {
                    name: s.name.clone(),
                    stored: Some(s.score),
                    recomputed: None,
                });
            }
        }
        out
    }

    /// A criterion by kind.
    pub fn criterion(&self, kind: CriterionKind) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.kind == kind)
    }
}

/// One number of a stored score that the samples do not give.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// The total.
    Total {
        /// As stored.
        stored: f64,
        /// As the samples give it.
        recomputed: f64,
    },
    /// Passed or failed.
    Verdict {
        /// As stored.
        stored: bool,
        /// As the samples give it.
        recomputed: bool,
    },
    /// One criterion's score (`None`: the criterion is missing on that side).
    Criterion {
        /// The criterion's name.
        name: String,
        /// As stored.
        stored: Option<f64>,
        /// As the samples give it.
        recomputed: Option<f64>,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let num = |v: &Option<f64>| v.map_or("missing".to_string(), |v| format!("{v}"));
        match self {
            Difference::Total { stored, recomputed } => {
                write!(f, "total stored {stored} recomputed {recomputed}")
            }
            Difference::Verdict { stored, recomputed } => {
                let word = |p: &bool| if *p { "passed" } else { "failed" };
                write!(
                    f,
                    "verdict stored {} recomputed {}",
                    word(stored),
                    word(recomputed)
                )
            }
            Difference::Criterion {
                name,
                stored,
                recomputed,
            } => write!(
                f,
                "{name} stored {} recomputed {}",
                num(stored),
                num(recomputed)
            ),
        }
    }
}

/// What comparing an attempt's stored score with the recomputed one found.
#[derive(Clone, Debug, PartialEq)]
pub enum Verification {
    /// Every stored number equals the recomputed one, and the level file is the one the
    /// attempt was made on. This says the stored score is what the samples give; it does not
    /// say who or what made the samples.
    Verified,
    /// The file holds no stored score: the recomputed one stands alone.
    NotStored,
    /// Stored numbers differ from what the samples give (the file was edited, or damaged).
    Mismatch(Vec<Difference>),
    /// The level file is not the one the attempt was made on.
    LevelChanged {
        /// The level hash recorded in the attempt.
        attempt_hash: String,
        /// The hash of the level file scored against.
        level_hash: String,
    },
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Verification {
    /// Whether the stored score is confirmed.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified)
    }

    /// The verification in words.
    pub fn describe(&self) -> String {
        match self {
            Verification::Verified => "the stored score matches the samples".into(),
            Verification::NotStored => "the file holds no stored score".into(),
            Verification::Mismatch(d) => {
                let list: Vec<String> = d.iter().map(ToString::to_string).collect();
                format!("MISMATCH: {}", list.join("; "))
            }
            Verification::LevelChanged { .. } => {
                "the level file has changed since the attempt was made (hash differs)".into()
            }
        }
    }
}

fn round2(x: f64) -> f64 {
    if x.is_finite() {
        (x * 100.0).round() / 100.0
    } else {
        0.0
    }
}

fn unit(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Where an impression lies relative to the plan, computed once and shared by the criteria.
#[derive(Clone, Copy)]
struct Placement {
    /// Zone containing it.
    zone: Option<usize>,
    /// Planned final density there, dots per cm².
    planned_per_cm2: f64,
    /// Arc position along the hairline and distance from it, mm (when the level has one).
    hairline: Option<(f64, f64)>,
}

/// What the criteria share: positions, placements, healed sizes and the spatial index.
struct Facts<'a> {
    plan: &'a ReferencePlan,
    replay: &'a Replay,
    points: Vec<Point>,
    placement: Vec<Placement>,
    healed_diameter_mm: Vec<f64>,
    grid: StaticGrid,
    nearest: Vec<Option<(usize, f64)>>,
}

/// Scores a replayed attempt. Deterministic: the same inputs give the same score bit for bit.
pub fn score(plan: &ReferencePlan, attempt: &Attempt, replay: &Replay) -> Score {
    let points: Vec<Point> = replay.impressions.iter().map(|p| p.impression.at).collect();
    let last_day = replay.last_session_day();
    let imps = &replay.impressions;
    let healed_diameter_mm = parallel::map(imps.len(), |i| {
        imps[i]
            .healing
            .appearance(last_day - imps[i].made_on_day + SETTLED_DAY)
            .diameter_mm
    });
    let hairline_lengths = plan
        .hairline
        .as_ref()
        .map(|h| h.line.cumulative_lengths())
        .unwrap_or_default();
    let placement = parallel::map(points.len(), |i| {
        let p = points[i];
        let zone = plan.zone_at(p);
        let hairline = plan
            .hairline
            .as_ref()
            .map(|h| h.line.closest_with(p, &hairline_lengths));
        let planned_per_cm2 = match (zone, &plan.hairline, hairline) {
            (None, _, _) => 0.0,
            (Some(z), Some(h), Some((_, d))) => plan.zones[z].density.at(p) * h.ramp(d),
            (Some(z), _, _) => plan.zones[z].density.at(p),
        };
        Placement {
            zone,
            planned_per_cm2,
            hairline,
        }
    });
    let grid = StaticGrid::new(&points, 0.25);
    let nearest = grid.all_nearest();
    let facts = Facts {
        plan,
        replay,
        points,
        placement,
        healed_diameter_mm,
        grid,
        nearest,
    };

    let mut outcomes = OutcomeCounts::default();
    for p in &replay.impressions {
        outcomes.add(p.tissue.outcome);
    }
    let weights = plan.weights.as_array();
    let criteria: Vec<Criterion> = CriterionKind::ALL
        .iter()
        .zip(weights)
        .map(|(&kind, weight)| {
            let (score, reason, places) = match kind {
                CriterionKind::Depth => depth(&facts, &outcomes),
                CriterionKind::Spacing => spacing(&facts),
                CriterionKind::Density => density(&facts),
                CriterionKind::Randomness => randomness(&facts),
                CriterionKind::Hairline => hairline(&facts),
                CriterionKind::ShadeNeedle => shade_needle(plan, attempt),
                CriterionKind::Timing => timing(plan, attempt),
            };
            let mut places = places;
            places.truncate(MAX_PLACES);
            Criterion {
                kind,
                score: round2(100.0 * unit(score)),
                weight,
                reason,
                places,
            }
        })
        .collect();
    let weight_sum: f64 = criteria.iter().map(|c| c.weight).sum();
    let total = if weight_sum > 0.0 {
        round2(criteria.iter().map(|c| c.score * c.weight).sum::<f64>() / weight_sum)
    } else {
        0.0
    };
    let below_floor: Vec<CriterionKind> = criteria
        .iter()
        .filter(|c| c.weight > 0.0 && c.score < plan.thresholds.criterion_floor)
        .map(|c| c.kind)
        .collect();
    Score {
        total,
        passed: total >= plan.pass_mark && below_floor.is_empty(),
        pass_mark: plan.pass_mark,
        below_floor,
        impressions: replay.impressions.len(),
        outcomes,
        criteria,
        sanitize: replay.sanitize_total(),
        feather_touches: replay.sessions.iter().map(|s| s.feather_touches).sum(),
    }
}

type Judged = (f64, String, Vec<Place>);

fn depth(f: &Facts, counts: &OutcomeCounts) -> Judged {
    let imps = &f.replay.impressions;
    let n = imps.len();
    if n == 0 {
        return (0.0, "no impressions were made".into(), vec![]);
    }
    let w = &f.plan.depth_window;
    let nf = n as f64;
    let quality = (counts.ideal as f64 + 0.25 * counts.shallow as f64 + 0.35 * counts.deep as f64
        - 1.5 * counts.blowout as f64)
        / nf;
    let mean = imps.iter().map(|p| p.tissue.depth_mm).sum::<f64>() / nf;
    let sd = (imps
        .iter()
        .map(|p| (p.tissue.depth_mm - mean).powi(2))
        .sum::<f64>()
        / nf)
        .sqrt();
    let spread_ratio = sd / w.width_mm();
    let consistency = unit(1.0 - (spread_ratio - 0.3));
    let score = 0.8 * unit(quality) + 0.2 * consistency;
    let bias = mean - w.centre_mm();
    let pct = |k: usize| 100.0 * k as f64 / nf;
    let mut reason = format!(
        "{n} impressions: {} ideal ({:.0}%), {} shallow ({:.0}%), {} deep ({:.0}%), {} blowouts ({:.0}%). Mean depth {mean:.2} mm against a {:.2}–{:.2} mm window ({}{bias:.2} mm), spread {sd:.2} mm.",
        counts.ideal,
        pct(counts.ideal),
        counts.shallow,
        pct(counts.shallow),
        counts.deep,
        pct(counts.deep),
        counts.blowout,
        pct(counts.blowout),
        w.min_mm,
        w.max_mm,
        if bias >= 0.0 { "+" } else { "" },
    );
    if counts.blowout > 0 {
        reason.push_str(
            " Blowouts went through the dermis into the fat and heal as blue-grey blotches.",
        );
    } else if pct(counts.shallow) > 20.0 {
        reason.push_str(" Shallow dots stay in the epidermis and fade away within weeks: press a little firmer.");
    } else if pct(counts.deep) > 20.0 {
        reason.push_str(" Deep dots spread and look bluish: press lighter.");
    }
    // Worst first: blowouts, then deep, then shallow, each in the order made.
    let mut bad: Vec<&crate::replay::PlacedImpression> = imps
        .iter()
        .filter(|p| p.tissue.outcome != DepthOutcome::Ideal)
        .collect();
    bad.sort_by_key(|p| {
        (
            match p.tissue.outcome {
                DepthOutcome::Blowout => 0,
                DepthOutcome::Deep => 1,
                _ => 2,
            },
            p.index,
        )
    });
    let places = bad
        .iter()
        .take(MAX_PLACES)
        .map(|p| Place {
            at: p.impression.at,
            note: format!(
                "#{} {} at {:.2} mm",
                p.index + 1,
                p.tissue.outcome.name(),
                p.tissue.depth_mm
            ),
        })
        .collect();
    (score, reason, places)
}

fn spacing(f: &Facts) -> Judged {
    let n = f.points.len();
    if n < 2 {
        return (
            0.0,
            "fewer than two impressions: no spacing to judge".into(),
            vec![],
        );
    }
    let min = f.plan.min_spacing_mm;
    let mut too_close = 0;
    let mut places = Vec::new();
    let mut nn_sum = 0.0;
    for (i, nn) in f.nearest.iter().enumerate() {
        let Some((_, d)) = nn else { continue };
        nn_sum += d;
        if *d < min {
            too_close += 1;
            if places.len() < MAX_PLACES / 2 {
                places.push(Place {
                    at: f.points[i],
                    note: format!("#{} only {d:.2} mm from its neighbour", i + 1),
                });
            }
        }
    }
    // Merged: the healed dots touch (pigment bridges into a clump).
    let max_d = f.healed_diameter_mm.iter().cloned().fold(0.0, f64::max);
    let merged = parallel::map(n, |i| {
        let ri = 0.5 * f.healed_diameter_mm[i];
        let mut touches = false;
        f.grid.within(f.points[i], ri + 0.5 * max_d, |j| {
            touches |=
                j != i && f.points[i].distance(f.points[j]) < ri + 0.5 * f.healed_diameter_mm[j];
        });
        touches
    });
    let merged_count = merged.iter().filter(|m| **m).count();
    for (i, _) in merged
        .iter()
        .enumerate()
        .filter(|(_, m)| **m)
        .take(MAX_PLACES / 2)
    {
        places.push(Place {
            at: f.points[i],
            note: format!("#{} merges with a neighbour after healing", i + 1),
        });
    }
    let nf = n as f64;
    let (close_frac, merged_frac) = (too_close as f64 / nf, merged_count as f64 / nf);
    let score = 1.0 - 2.0 * close_frac - 3.0 * merged_frac;
    let reason = format!(
        "Mean distance to the nearest dot {:.2} mm; {too_close} dots ({:.0}%) closer than the {min:.2} mm minimum; {merged_count} ({:.0}%) merge into clumps once healed.",
        nn_sum / nf,
        100.0 * close_frac,
        100.0 * merged_frac
    );
    (score, reason, places)
}

/// One square of the density comparison: what the plan wanted there and what healed visibly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DensityCell {
    /// Centre of the square, mm.
    pub centre: Point,
    /// Side of the square, mm.
    pub side_mm: f64,
    /// Dots planned in it by the end of the last session.
    pub planned: f64,
    /// Dots in it that stay visible after healing (all but shallow ones).
    pub visible: f64,
}

/// The final density comparison square by square, as the density criterion sees it (for
/// heatmaps).
pub fn density_map(plan: &ReferencePlan, replay: &Replay) -> Vec<DensityCell> {
    let cells = density_cells(plan);
    let c = plan.thresholds.density_cell_mm;
    let cols = (plan.canvas_mm.0 / c).ceil() as usize;
    let mut visible = vec![0.0; cells.centres.len()];
    for p in replay
        .impressions
        .iter()
        .filter(|p| p.tissue.outcome != DepthOutcome::Shallow)
    {
        let (q, r) = (
            (p.impression.at.x_mm / c).floor(),
            (p.impression.at.y_mm / c).floor(),
        );
        let i = r as usize * cols + q as usize;
        if q >= 0.0 && r >= 0.0 && (q as usize) < cols && i < visible.len() {
            visible[i] += 1.0;
        }
    }
    cells
        .centres
        .iter()
        .zip(&cells.target_final)
        .zip(visible)
        .map(|((&centre, &planned), visible)| DensityCell {
            centre,
            side_mm: c,
            planned,
            visible,
        })
        .collect()
}

/// Target and visible counts on the density cells.
struct DensityCells {
    centres: Vec<Point>,
    /// Target dots per cell at the end of the last session.
    target_final: Vec<f64>,
}

fn density_cells(plan: &ReferencePlan) -> DensityCells {
    let c = plan.thresholds.density_cell_mm;
    let (w, h) = plan.canvas_mm;
    let (cols, rows) = ((w / c).ceil() as usize, (h / c).ceil() as usize);
    const SUB: usize = 8;
    let centres: Vec<Point> = (0..cols * rows)
        .map(|i| Point::new(((i % cols) as f64 + 0.5) * c, ((i / cols) as f64 + 0.5) * c))
        .collect();
    let target_final = parallel::map(cols * rows, |i| {
        let (x0, y0) = ((i % cols) as f64 * c, (i / cols) as f64 * c);
        let mut sum = 0.0;
        for sy in 0..SUB {
            for sx in 0..SUB {
                let p = Point::new(
                    x0 + (sx as f64 + 0.5) * c / SUB as f64,
                    y0 + (sy as f64 + 0.5) * c / SUB as f64,
                );
                sum += plan.final_density_at(p);
            }
        }
        sum / (SUB * SUB) as f64 * c * c / 100.0
    });
    DensityCells {
        centres,
        target_final,
    }
}

fn density(f: &Facts) -> Judged {
    let plan = f.plan;
    let cells = density_cells(plan);
    let c = plan.thresholds.density_cell_mm;
    let cols = (plan.canvas_mm.0 / c).ceil() as usize;
    let cell_of = |p: Point| -> Option<usize> {
        let (q, r) = ((p.x_mm / c).floor(), (p.y_mm / c).floor());
        if q < 0.0 || r < 0.0 || q >= cols as f64 {
            return None;
        }
        let i = r as usize * cols + q as usize;
        (i < cells.centres.len()).then_some(i)
    };
    let sessions = f.replay.sessions.len();
    let planned = plan.sessions.len();
    // Visible (healed, not shallow) dots per cell, cumulative per session.
    let mut visible = vec![vec![0.0f64; cells.centres.len()]; planned.max(sessions)];
    for p in &f.replay.impressions {
        if p.tissue.outcome == DepthOutcome::Shallow {
            continue;
        }
        if let Some(i) = cell_of(p.impression.at) {
            for layer in visible.iter_mut().skip(p.session) {
                layer[i] += 1.0;
            }
        }
    }
    // Error beyond what randomness alone gives (√target), relative to the planned total.
    let judge = |s: usize| -> (f64, f64, usize) {
        let fraction = plan.sessions.get(s).map_or(1.0, |sp| sp.density_fraction);
        let (mut err, mut total, mut covered_w) = (0.0, 0.0, 0.0);
        let mut worst = 0;
        let mut worst_err = -1.0;
        for (i, t_final) in cells.target_final.iter().enumerate() {
            let t = t_final * fraction;
            let a = visible[s][i];
            let e = ((a - t).abs() - t.sqrt()).max(0.0);
            err += e;
            total += t;
            if t > 0.0 && a >= 0.5 * t {
                covered_w += t;
            }
            if e > worst_err {
                worst_err = e;
                worst = i;
            }
        }
        if total <= 0.0 {
            return (0.0, 0.0, worst);
        }
        let accuracy = unit(1.0 - err / total);
        let coverage = covered_w / total;
        (0.6 * accuracy + 0.4 * coverage, coverage, worst)
    };
    let (final_score, coverage, _) = judge(planned - 1);
    let per_session: Vec<f64> = (0..planned)
        .map(|s| if s < sessions { judge(s).0 } else { 0.0 })
        .collect();
    let score = if planned > 1 {
        0.7 * final_score
            + 0.3 * per_session[..planned - 1].iter().sum::<f64>() / (planned - 1) as f64
    } else {
        final_score
    };
    let last = &visible[planned - 1];
    let target_total: f64 = cells.target_final.iter().sum();
    let visible_total: f64 = last.iter().sum();
    let mut reason = format!(
        "{visible_total:.0} visible dots after healing against about {target_total:.0} planned; {:.0}% of the planned area reached at least half its density.",
        100.0 * coverage
    );
    if planned > 1 {
        let parts: Vec<String> = per_session
            .iter()
            .enumerate()
            .map(|(s, v)| format!("{:.0} after session {}", 100.0 * v, s + 1))
            .collect();
        reason.push_str(&format!(" Density against the plan: {}.", parts.join(", ")));
    }
    if sessions < planned {
        reason.push_str(&format!(
            " Only {sessions} of {planned} sessions were done."
        ));
    }
    // The cells furthest from the plan, worst first.
    let mut order: Vec<usize> = (0..cells.centres.len()).collect();
    let err_of = |i: usize| (last[i] - cells.target_final[i]).abs() - cells.target_final[i].sqrt();
    order.sort_by(|&a, &b| err_of(b).total_cmp(&err_of(a)).then(a.cmp(&b)));
    let places = order
        .into_iter()
        .filter(|&i| err_of(i) >= 1.0)
        .take(MAX_PLACES)
        .map(|i| {
            let (a, t) = (last[i], cells.target_final[i]);
            let what = if a > t { "too dense" } else { "too sparse" };
            Place {
                at: cells.centres[i],
                note: format!("{what}: {a:.0} dots where about {t:.0} were planned"),
            }
        })
        .collect();
    (score, reason, places)
}

fn randomness(f: &Facts) -> Judged {
    let plan = f.plan;
    let inside: Vec<usize> = (0..f.points.len())
        .filter(|&i| f.placement[i].zone.is_some())
        .collect();
    if inside.len() < 20 {
        return (
            0.0,
            format!(
                "only {} dots inside the zones: too few to judge how natural the placement is",
                inside.len()
            ),
            vec![],
        );
    }
    // Local Clark–Evans: compare each dot's nearest-neighbour distance with what a random
    // pattern of the planned local density (scaled to the trainee's overall density) would give,
    // so a planned density gradient is not mistaken for clumping. Dots near zone edges, whose
    // neighbours are cut off, are left out.
    let planned_total: f64 = inside
        .iter()
        .map(|&i| f.placement[i].planned_per_cm2)
        .sum::<f64>();
    let mean_planned = planned_total / inside.len() as f64;
    let actual_density_per_mm2 = inside.len() as f64 / plan.zone_area_mm2().max(1e-9);
    let judged = parallel::map(inside.len(), |k| {
        let i = inside[k];
        let p = f.points[i];
        let planned = f.placement[i].planned_per_cm2.max(1e-6);
        let lambda = actual_density_per_mm2 * planned / mean_planned.max(1e-6);
        let expected = 0.5 / lambda.sqrt();
        let zone = f.placement[i].zone.map(|z| &plan.zones[z]);
        if zone.is_some_and(|z| z.outline.is_near_edge(p, 2.0 * expected)) {
            return None;
        }
        f.nearest[i].map(|(_, d)| (i, d / expected))
    });
    let mut ratios = Vec::with_capacity(judged.len());
    let mut places = Vec::new();
    for (i, r) in judged.into_iter().flatten() {
        ratios.push(r);
        if r < 0.25 && places.len() < MAX_PLACES {
            places.push(Place {
                at: f.points[i],
                note: format!("#{} sits in a clump", i + 1),
            });
        }
    }
    if ratios.len() < 10 {
        ratios = inside
            .iter()
            .filter_map(|&i| f.nearest[i].map(|(_, d)| d * 2.0 * actual_density_per_mm2.sqrt()))
            .collect();
    }
    let n = ratios.len() as f64;
    let r = ratios.iter().sum::<f64>() / n;
    let cv = (ratios.iter().map(|x| (x - r).powi(2)).sum::<f64>() / n).sqrt() / r.max(1e-9);
    let (lo, hi) = plan.thresholds.clark_evans;
    let band = if r < lo {
        unit(1.0 - (lo - r) / 0.3)
    } else if r > hi {
        unit(1.0 - (r - hi) / 0.3)
    } else {
        1.0
    };
    // Too little variation in neighbour distances is what gives a grid away, even a grid laid
    // twice at an offset (whose Clark–Evans ratio can look natural).
    let irregular = unit((cv - 0.06) / 0.10);
    let score = band * (0.25 + 0.75 * irregular);
    let verdict = if r < lo {
        "dots bunch into clumps"
    } else if r > hi || cv < 0.12 {
        "spacing is too regular, like a grid: natural hair is random"
    } else {
        "placement looks natural"
    };
    let reason = format!(
        "Clark–Evans ratio {r:.2} (1 = random, about 2 = grid; natural {lo:.2}–{hi:.2}) and nearest-neighbour variation {:.0}%: {verdict}.",
        100.0 * cv
    );
    (score, reason, places)
}

fn hairline(f: &Facts) -> Judged {
    let plan = f.plan;
    let n = f.points.len();
    if n == 0 {
        return (0.0, "no impressions were made".into(), vec![]);
    }
    let sentinel_mm = plan.thresholds.sentinel_mm;
    let mut outside = Vec::new();
    let mut sentinels = 0usize;
    for (i, pl) in f.placement.iter().enumerate() {
        if pl.zone.is_some() {
            continue;
        }
        match pl.hairline {
            Some((_, d)) if d <= sentinel_mm => sentinels += 1,
            _ => outside.push(i),
        }
    }
    // A few sentinels ahead of the line look natural; many read as a smudged line.
    let allowed_sentinels = (0.02 * n as f64).ceil() as usize;
    let excess = sentinels.saturating_sub(allowed_sentinels);
    let outside_frac = (outside.len() + excess) as f64 / n as f64;
    let placement = unit(1.0 - 5.0 * outside_frac);
    let places: Vec<Place> = outside
        .iter()
        .take(MAX_PLACES)
        .map(|&i| Place {
            at: f.points[i],
            note: format!("#{} is outside the planned zones", i + 1),
        })
        .collect();
    let placement_text = format!(
        "{} dots ({:.1}%) outside the plan",
        outside.len() + excess,
        100.0 * outside_frac
    );
    let Some(h) = &plan.hairline else {
        return (
            placement,
            format!(
                "{placement_text}. This level has no hairline: only staying inside the plan is judged."
            ),
            places,
        );
    };
    let t = h.transition_mm;
    // Softness: density in the front third of the transition zone against the back third.
    let (mut front, mut back) = (0usize, 0usize);
    // Irregularity: the front-most dot per 5 mm of hairline, as a signed distance (ahead < 0).
    let bin_mm = 5.0;
    let bins = (h.line.length_mm() / bin_mm).ceil().max(1.0) as usize;
    let mut frontmost = vec![f64::INFINITY; bins];
    for pl in &f.placement {
        let Some((s, d)) = pl.hairline else { continue };
        let inside = pl.zone.is_some();
        let signed = if inside { d } else { -d };
        if inside && t > 0.0 {
            if d < t / 3.0 {
                front += 1;
            } else if d >= 2.0 * t / 3.0 && d < t {
                back += 1;
            }
        }
        if signed >= -sentinel_mm && signed <= t.max(bin_mm) {
            let b = ((s / bin_mm) as usize).min(bins - 1);
            frontmost[b] = frontmost[b].min(signed);
        }
    }
    let wanted = h.ramp(t / 6.0) / h.ramp(5.0 * t / 6.0);
    let (softness, soft_text) = if t <= 0.0 {
        (1.0, "no transition zone planned".to_string())
    } else if back == 0 {
        (0.0, "the back of the transition zone is empty".to_string())
    } else {
        let ratio = front as f64 / back as f64;
        let text = if ratio > wanted + 0.25 {
            "the front edge is as dense as behind it: a hard line"
        } else if ratio < wanted - 0.25 {
            "the front edge is too thin"
        } else {
            "density rises softly behind the line"
        };
        (
            unit(1.0 - (ratio - wanted).abs() / 0.5),
            format!("front-to-back density {ratio:.2} (planned {wanted:.2}): {text}"),
        )
    };
    let filled: Vec<f64> = frontmost
        .iter()
        .cloned()
        .filter(|x| x.is_finite())
        .collect();
    let (irregular, line_text) = if filled.len() < 3 {
        (
            0.0,
            "too few dots along the hairline to judge its shape".to_string(),
        )
    } else {
        let mean = filled.iter().sum::<f64>() / filled.len() as f64;
        let sd =
            (filled.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / filled.len() as f64).sqrt();
        let want = plan.thresholds.hairline_irregularity_mm;
        let text = if sd < want {
            "too straight, like a ruler"
        } else {
            "naturally irregular"
        };
        (
            if want > 0.0 { unit(sd / want) } else { 1.0 },
            format!("the front row wanders {sd:.2} mm: {text}"),
        )
    };
    let score = 0.5 * placement + 0.3 * softness + 0.2 * irregular;
    (
        score,
        format!(
            "{placement_text}; {sentinels} sentinel dots ahead of the line; {soft_text}; {line_text}."
        ),
        places,
    )
}

fn shade_needle(plan: &ReferencePlan, attempt: &Attempt) -> Judged {
    let mut parts = Vec::new();
    let mut sum = 0.0;
    for (i, sp) in plan.sessions.iter().enumerate() {
        let Some(done) = attempt.sessions.get(i) else {
            parts.push(format!("session {}: not done", i + 1));
            continue;
        };
        let mut s = 1.0;
        let mut notes = Vec::new();
        if done.shade != sp.shade {
            s -= 0.5;
            notes.push(format!(
                "{} shade instead of {}",
                done.shade.name(),
                sp.shade.name()
            ));
        }
        if !done.needle.matches(&sp.needle) {
            s -= 0.5;
            notes.push(format!(
                "{} instead of {}",
                done.needle.label(),
                sp.needle.label()
            ));
        }
        sum += s;
        parts.push(format!(
            "session {}: {}",
            i + 1,
            if notes.is_empty() {
                "as planned".into()
            } else {
                notes.join(", ")
            }
        ));
    }
    (
        sum / plan.sessions.len() as f64,
        parts.join("; ") + ".",
        vec![],
    )
}

fn timing(plan: &ReferencePlan, attempt: &Attempt) -> Judged {
    let planned = plan.sessions.len();
    if planned == 1 {
        let done = !attempt.sessions.is_empty();
        return (
            if done { 1.0 } else { 0.0 },
            "a single-session level: nothing to time between sessions.".into(),
            vec![],
        );
    }
    let mut sum = 0.0;
    let mut parts = Vec::new();
    for i in 1..planned {
        let Some(s) = attempt.sessions.get(i) else {
            parts.push(format!("session {} not done", i + 1));
            continue;
        };
        let g = s.days_since_previous;
        let (part, note) = if g < plan.min_gap_days {
            (
                unit(g / plan.min_gap_days).powi(2),
                "before the scalp had healed: pigment migrates and over-saturates",
            )
        } else if g > plan.max_gap_days {
            (
                unit(1.0 - (g - plan.max_gap_days) / plan.max_gap_days.max(1.0)),
                "a long gap",
            )
        } else {
            (1.0, "well healed")
        };
        sum += part;
        parts.push(format!("{g:.0} days before session {} ({note})", i + 1));
    }
    let reason = format!(
        "Planned gap {:.0}–{:.0} days: {}.",
        plan.min_gap_days,
        plan.max_gap_days,
        parts.join("; ")
    );
    (sum / (planned - 1) as f64, reason, vec![])
}
