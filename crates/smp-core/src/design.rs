//! A designed hairline measured against the face, by the published rules of hairline design
//! (`../shared/domain/smp-facts.md`, "Hairline design"): the height of the mid-frontal point
//! above the glabella, the measured method's frontotemporal points and temporal peaks, the
//! middle half parallel to the brows, left–right symmetry, no straight runs, a gentle wave, and
//! the mid-frontal point off the forehead's vertical plane. A design is a line drawn on the head's scalp map from one temple
//! to the other; every length here is measured on the skin, mm.

use serde::{Deserialize, Serialize};

use crate::geometry::{Point, Polygon, Polyline, Vec3};
use crate::limits::{MAX_DESIGN_POINTS, MAX_DESIGN_STROKES, MAX_HAIRLINE_VERTICES};
use crate::surface::{Head, Landmark};

/// A hairline designed on the head, as the attempt file keeps it: the marker's strokes in the
/// order they were drawn (those undone are gone) and the hairline that results, from one temple
/// to the other. Places are on the head's scalp map, mm.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignDrawing {
    /// The marker's strokes, each a run of map places, mm.
    pub strokes: Vec<Vec<Point>>,
    /// The designed hairline, temple to temple, map mm.
    pub hairline: Polyline,
}

impl DesignDrawing {
    /// The drawing the marker's `strokes` make (map mm, in the order drawn): the hairline runs
    /// across the map from the strokes' leftmost end to the rightmost, each stroke taken in that
    /// direction and joined in order of where it starts; a stroke that starts within
    /// [`JOIN_MM`] of the line drawn so far continues it from that place (so a part can be
    /// redrawn), otherwise it is joined end to start. The line keeps a place every millimetre at
    /// most, thinned evenly to [`MAX_HAIRLINE_VERTICES`]. `None` without two distinct places.
    pub fn from_strokes(strokes: Vec<Vec<Point>>) -> Option<DesignDrawing> {
        let mut runs: Vec<Vec<Point>> = strokes
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| {
                let mut run = s.clone();
                if run[0].x_mm > run[run.len() - 1].x_mm {
                    run.reverse();
                }
                run
            })
            .collect();
        // A stable sort: strokes starting at the same place keep the order they were drawn.
        runs.sort_by(|a, b| a[0].x_mm.total_cmp(&b[0].x_mm));
        let mut line: Vec<Point> = Vec::new();
        for run in runs {
            if let Some((at, d)) = line
                .iter()
                .enumerate()
                .map(|(i, p)| (i, p.distance(run[0])))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                && d <= JOIN_MM
            {
                line.truncate(at);
            }
            line.extend(run);
        }
        let mut kept: Vec<Point> = Vec::new();
        for p in line {
            if kept.last().is_none_or(|q| q.distance(p) >= 1.0) {
                kept.push(p);
            }
        }
        if kept.len() > MAX_HAIRLINE_VERTICES {
            let n = kept.len();
            let last = MAX_HAIRLINE_VERTICES - 1;
            kept = (0..=last).map(|k| kept[k * (n - 1) / last]).collect();
        }
        (kept.len() >= 2).then_some(DesignDrawing {
            strokes,
            hairline: Polyline { vertices: kept },
        })
    }

    /// What is wrong with the drawing as a file holds it, if anything: too many strokes or
    /// points, a hairline of fewer than two points, or a place that is not a finite number within
    /// `bound_mm` of the map's origin.
    pub fn problem(&self, bound_mm: f64) -> Option<String> {
        if let Some(p) = stroke_limits(&self.strokes) {
            return Some(p);
        }
        let n = self.hairline.vertices.len();
        if !(2..=MAX_HAIRLINE_VERTICES).contains(&n) {
            return Some(format!(
                "the designed hairline has {n} points (2 to {MAX_HAIRLINE_VERTICES})"
            ));
        }
        if let Some(p) = self
            .strokes
            .iter()
            .flatten()
            .chain(&self.hairline.vertices)
            .find(|p| !on_design_map(**p, bound_mm))
        {
            return Some(format!(
                "the design has a place ({}, {}) outside 0–{bound_mm} mm",
                p.x_mm, p.y_mm
            ));
        }
        None
    }
}

/// What is wrong with marker strokes' count, if anything: more strokes than
/// [`MAX_DESIGN_STROKES`] or more places in all than [`MAX_DESIGN_POINTS`].
pub fn stroke_limits(strokes: &[Vec<Point>]) -> Option<String> {
    if strokes.len() > MAX_DESIGN_STROKES {
        return Some(format!(
            "{} marker strokes is more than the {MAX_DESIGN_STROKES} limit",
            strokes.len()
        ));
    }
    let points: usize = strokes.iter().map(Vec::len).sum();
    (points > MAX_DESIGN_POINTS)
        .then(|| format!("{points} marker points is more than the {MAX_DESIGN_POINTS} limit"))
}

/// Whether `p` is a finite place within `bound_mm` of the map's origin on both axes.
pub fn on_design_map(p: Point, bound_mm: f64) -> bool {
    p.is_finite() && (0.0..=bound_mm).contains(&p.x_mm) && (0.0..=bound_mm).contains(&p.y_mm)
}

/// What a level asks of a design (an academy can set its own): the level's `design` field. Every
/// field may be left out for its default.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DesignTargets {
    /// Where the mid-frontal point may lie above the glabella, along the skin, mm (lowest,
    /// highest): 70–100 mm in the literature, narrower for a given client.
    pub mfp_height_mm: (f64, f64),
    /// The largest left–right difference that still reads as natural, mm.
    pub max_asymmetry_mm: f64,
    /// The longest run of the line that may look ruler-straight from the front, mm.
    pub max_straight_mm: f64,
    /// How far at least the skin's normal at the mid-frontal point tilts up from level, degrees:
    /// below it the point lies on the forehead's vertical plane, where the frontalis moves it.
    pub min_mfp_tilt_deg: f64,
    /// The design criterion's weight in the total.
    pub weight: f64,
    /// How deep the tattooing step's zone reaches behind the designed line, on the map, mm.
    pub band_mm: f64,
    /// The least waviness that reads natural, mm: how far the line strays, root mean square,
    /// from the smooth curve through it seen from the front. A perfect curve looks drawn.
    pub min_wave_mm: f64,
    /// The measured method's span, mm along the skin round the head: from the mid-frontal point
    /// B to each frontotemporal point C at B's height, and from the glabella to each point E
    /// near the outer canthus (Garg & Garg: 80).
    pub frontotemporal_mm: f64,
    /// How far the temporal peak D lies from C on the line from C to E, mm (Garg & Garg: about
    /// 50).
    pub temporal_peak_mm: f64,
    /// How far the line may pass from the method's points C and D and still follow it, mm.
    pub method_tolerance_mm: f64,
    /// How far the middle half of the line may fall (positive) or rise (negative) against the
    /// brows, from the mid-frontal point out to the mid-pupil lines seen from the front, mm
    /// (lowest, highest). Parallel to the brows is 0; falling reads feminine or teenage, rising
    /// reads mature.
    pub middle_fall_mm: (f64, f64),
}

impl Default for DesignTargets {
    fn default() -> Self {
        DesignTargets {
            mfp_height_mm: (70.0, 100.0),
            max_asymmetry_mm: 2.0,
            max_straight_mm: 20.0,
            min_mfp_tilt_deg: MIN_MFP_TILT_DEG,
            weight: 2.0,
            band_mm: 25.0,
            min_wave_mm: 0.3,
            frontotemporal_mm: 80.0,
            temporal_peak_mm: 50.0,
            method_tolerance_mm: 8.0,
            middle_fall_mm: (-5.0, 5.0),
        }
    }
}

impl DesignTargets {
    /// What is wrong with the targets as a level gives them (the field and what), if anything.
    pub fn problem(&self) -> Option<String> {
        let (lo, hi) = self.mfp_height_mm;
        let finite = [
            lo,
            hi,
            self.max_asymmetry_mm,
            self.max_straight_mm,
            self.min_mfp_tilt_deg,
            self.weight,
            self.band_mm,
            self.min_wave_mm,
            self.frontotemporal_mm,
            self.temporal_peak_mm,
            self.method_tolerance_mm,
            self.middle_fall_mm.0,
            self.middle_fall_mm.1,
        ]
        .iter()
        .all(|v| v.is_finite());
        if !finite {
            return Some("design targets must be numbers".into());
        }
        if !(30.0..=150.0).contains(&lo) || !(30.0..=150.0).contains(&hi) || lo >= hi {
            return Some(format!(
                "design: mfp_height_mm ({lo}, {hi}) must be a band within 30–150 mm, lowest first"
            ));
        }
        for (field, value, least, most) in [
            ("max_asymmetry_mm", self.max_asymmetry_mm, 0.5, 20.0),
            ("max_straight_mm", self.max_straight_mm, 5.0, 200.0),
            ("min_mfp_tilt_deg", self.min_mfp_tilt_deg, 0.0, 80.0),
            ("weight", self.weight, 0.0, 10.0),
            ("band_mm", self.band_mm, 5.0, 80.0),
            ("min_wave_mm", self.min_wave_mm, 0.0, 5.0),
            ("frontotemporal_mm", self.frontotemporal_mm, 40.0, 120.0),
            ("temporal_peak_mm", self.temporal_peak_mm, 10.0, 80.0),
            ("method_tolerance_mm", self.method_tolerance_mm, 1.0, 100.0),
        ] {
            if !(least..=most).contains(&value) {
                return Some(format!("design: {field} must be {least}–{most}"));
            }
        }
        let (fall_lo, fall_hi) = self.middle_fall_mm;
        if !(-30.0..=30.0).contains(&fall_lo)
            || !(-30.0..=30.0).contains(&fall_hi)
            || fall_lo >= fall_hi
        {
            return Some(format!(
                "design: middle_fall_mm ({fall_lo}, {fall_hi}) must be a range within ±30 mm, lowest first"
            ));
        }
        None
    }
}

/// The default [`DesignTargets::min_mfp_tilt_deg`], degrees: on the shipped heads the skin's
/// normal tilts up this much about 60 mm above the glabella, where the forehead starts to turn
/// back toward the crown.
pub const MIN_MFP_TILT_DEG: f64 = 25.0;

/// A run of the line shorter than this, measured from the front, mm, is not worth calling
/// straight (any smooth curve is straight over a few millimetres).
const STRAIGHT_TOLERANCE_MM: f64 = 0.5;

/// A stroke that starts this close to the line drawn so far continues it from there, map mm.
pub const JOIN_MM: f64 = 5.0;

/// The step at which the line is walked, map mm.
const STEP_MM: f64 = 1.0;

/// What was measured on a design.
#[derive(Clone, Debug, PartialEq)]
pub struct DesignMeasures {
    /// The mid-frontal point: where the line crosses the face's midline (map mm).
    pub mfp: Point,
    /// Its height above the glabella along the skin, mm.
    pub mfp_height_mm: f64,
    /// The largest distance between the left half mirrored and the right half, mm, and where on
    /// the left half (map mm).
    pub asymmetry_mm: (f64, Point),
    /// The longest run that looks straight from the front, mm along it, and its middle (map mm).
    pub longest_straight_mm: (f64, Point),
    /// How far the skin's normal at the mid-frontal point tilts up from level, degrees.
    pub mfp_tilt_deg: f64,
    /// The line's waviness seen from the front, between the frontotemporal points: the root
    /// mean square of its distance (up and down) from the quartic through it by least squares,
    /// mm.
    pub wave_mm: f64,
    /// How far the line passes from the method's frontotemporal points C (client's left, then
    /// right), mm along the skin, and the points (map mm); `None` where the method's points
    /// fall off the map.
    pub frontotemporal_mm: Option<[(f64, Point); 2]>,
    /// How far the line passes from the method's temporal peaks D, as for C.
    pub temporal_peak_mm: Option<[(f64, Point); 2]>,
    /// How far the line falls against the brows from the mid-frontal point to the mid-pupil
    /// lines, seen from the front, mm (negative: it rises); `None` when it does not reach both.
    pub middle_fall_mm: Option<f64>,
}

/// A side of the face, as the client has it (the client's left is the map's smaller x).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The client's left.
    Left,
    /// The client's right.
    Right,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Left => "left",
            Side::Right => "right",
        })
    }
}

/// A point of the measured method a hairline passes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MethodPoint {
    /// C, where the front of the line meets the temple.
    Frontotemporal,
    /// D, the temporal peak, on the way from C down to E.
    TemporalPeak,
}

impl std::fmt::Display for MethodPoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MethodPoint::Frontotemporal => "frontotemporal point C",
            MethodPoint::TemporalPeak => "temporal peak D",
        })
    }
}

/// A rule a design breaks, with its figures.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DesignFault {
    /// The line does not cross the face's midline, so it has no mid-frontal point.
    #[error("the line does not cross the middle of the forehead: draw it from temple to temple")]
    NoMidline,
    /// The head has no face to measure from.
    #[error("this head has no face to measure a hairline from")]
    NoFace,
    /// The mid-frontal point is too low.
    #[error(
        "too low: the mid-frontal point is {height_mm:.0} mm above the glabella, under the {min_mm:.0} mm this client allows"
    )]
    TooLow {
        /// Measured height, mm.
        height_mm: f64,
        /// Lowest allowed, mm.
        min_mm: f64,
    },
    /// The mid-frontal point is too high.
    #[error(
        "too high: the mid-frontal point is {height_mm:.0} mm above the glabella, over the {max_mm:.0} mm this client allows"
    )]
    TooHigh {
        /// Measured height, mm.
        height_mm: f64,
        /// Highest allowed, mm.
        max_mm: f64,
    },
    /// The two sides differ by more than reads as natural.
    #[error(
        "lopsided: the two sides differ by {difference_mm:.1} mm (up to {max_mm:.0} mm reads as natural)"
    )]
    Lopsided {
        /// The largest difference, mm.
        difference_mm: f64,
        /// Allowed, mm.
        max_mm: f64,
        /// Where, on the left half (map mm).
        at: Point,
    },
    /// A long run of the line is straight: it looks drawn.
    #[error(
        "straight: {length_mm:.0} mm of the line run ruler-straight seen from the front (a natural hairline waves; at most {max_mm:.0} mm)"
    )]
    Straight {
        /// The run's length, mm.
        length_mm: f64,
        /// Allowed, mm.
        max_mm: f64,
        /// Its middle (map mm).
        at: Point,
    },
    /// The line is a perfect curve: it looks drawn, not grown.
    #[error(
        "too regular: the line strays only {wave_mm:.2} mm from a smooth curve seen from the front (a natural hairline waves gently, at least {min_mm:.1} mm)"
    )]
    TooRegular {
        /// Measured waviness, mm.
        wave_mm: f64,
        /// Required, mm.
        min_mm: f64,
    },
    /// The line passes too far from a point where the measured method puts it.
    #[error(
        "off the method: the line passes {distance_mm:.0} mm from the {point} on the client's {side} (within {max_mm:.0} mm follows the method)"
    )]
    OffTheMethod {
        /// Which point.
        point: MethodPoint,
        /// On which side.
        side: Side,
        /// How far the line passes from it, mm.
        distance_mm: f64,
        /// Allowed, mm.
        max_mm: f64,
        /// The point (map mm).
        at: Point,
    },
    /// The middle half of the line is not parallel to the brows.
    #[error(
        "not parallel to the brows: the middle half {} {:.1} mm from the mid-frontal point to the mid-pupil lines ({}; this client's range is {:.0} to {:.0} mm, falling positive)",
        if *fall_mm >= 0.0 { "falls" } else { "rises" },
        fall_mm.abs(),
        if *fall_mm >= 0.0 { "converging with the brows reads feminine or teenage" } else { "diverging from the brows reads mature" },
        range_mm.0,
        range_mm.1
    )]
    NotParallelToBrows {
        /// How far it falls (negative: rises), mm.
        fall_mm: f64,
        /// The allowed range, mm.
        range_mm: (f64, f64),
    },
    /// The mid-frontal point lies on the forehead's vertical plane.
    #[error(
        "on the forehead: at the mid-frontal point the skin tilts up only {tilt_deg:.0}° (at least {min_deg:.0}°): the line sits on the forehead's vertical plane, where frowning moves it"
    )]
    OnForeheadPlane {
        /// Measured tilt, degrees.
        tilt_deg: f64,
        /// Required, degrees.
        min_deg: f64,
    },
}

/// Where the skin is seen from straight in front at `x` across and `z` up, mm in the head's frame
/// (the face looks along +y): a map place, or `None` past the head.
pub fn seen_from_front(head: &Head, x: f64, z: f64) -> Option<Point> {
    head.locate(Vec3::new(x, 1000.0, z), Vec3::new(0.0, -1.0, 0.0))
}

/// The height `z` (head frame, mm) at which the forehead's midline lies `height_mm` above the
/// glabella along the skin; `None` on a head without a face.
pub fn z_at_height(head: &Head, height_mm: f64) -> Option<f64> {
    let glabella = head.landmark(Landmark::Glabella)?;
    let g = head.landmark_3d(Landmark::Glabella)?.z;
    // Over the top of the head the ray misses: higher than any height asked for.
    let above = |z: f64| {
        seen_from_front(head, 0.0, z)
            .and_then(|p| head.along_skin_mm(glabella, p))
            .unwrap_or(f64::INFINITY)
    };
    let (mut lo, mut hi) = (g + 1.0, g + 150.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if above(mid) < height_mm {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(0.5 * (lo + hi))
}

/// A hairline as the eye draws it seen from the front: its mid-frontal point `height_mm` above
/// the glabella, then `drop(x)` mm lower at `x` mm across (negative: the client's left), every
/// 2 mm out to `half_width_mm` each side. `None` where the line would leave the head.
pub fn drawn_from_front(
    head: &Head,
    height_mm: f64,
    half_width_mm: f64,
    drop: impl Fn(f64) -> f64,
) -> Option<Polyline> {
    let top = z_at_height(head, height_mm)?;
    let n = (half_width_mm / 2.0).round() as i32;
    let vertices = (-n..=n)
        .map(|k| {
            let x = f64::from(k) * 2.0;
            seen_from_front(head, x, top - drop(x))
        })
        .collect::<Option<Vec<Point>>>()?;
    Some(Polyline { vertices })
}

/// The lines a design is measured from, laid on the skin as a pencil would on the client: the
/// glabella's level across the forehead, the midline, the outer canthus verticals and the
/// mid-pupil lines, each up to 130 mm above the glabella, as places on the scalp map (mm; each
/// line only where it lies on the map). Empty on a head without a face.
pub fn rule_lines(head: &Head) -> Vec<Vec<Point>> {
    let Some(g) = head.landmark_3d(Landmark::Glabella) else {
        return Vec::new();
    };
    let on_skin = |points: &mut dyn Iterator<Item = (f64, f64)>| -> Vec<Point> {
        points
            .filter_map(|(x, z)| seen_from_front(head, x, z))
            .filter(|&p| head.contains(p))
            .collect()
    };
    let mut lines = vec![on_skin(&mut (-35..=35).map(|k| (f64::from(k) * 2.0, g.z)))];
    let mut xs = vec![0.0];
    for lm in [
        Landmark::OuterCanthusLeft,
        Landmark::OuterCanthusRight,
        Landmark::PupilLeft,
        Landmark::PupilRight,
    ] {
        xs.extend(head.landmark_3d(lm).map(|p| p.x));
    }
    for x in xs {
        lines.push(on_skin(
            &mut (0..=65).map(|k| (x, g.z + f64::from(k) * 2.0)),
        ));
    }
    lines.retain(|l| l.len() >= 2);
    lines
}

/// The points of the measured method of hairline design (Garg & Garg, J Cutan Aesthet Surg
/// 2017; `../shared/domain/smp-facts.md`) on a head, as map places, the client's left side
/// first: B the mid-frontal point, E 80 mm along the skin horizontally from the glabella (near
/// the outer canthus), C the frontotemporal points 80 mm along the skin horizontally from B, and
/// D the temporal peaks on C–E, 50 mm from C (a level can set both spans).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MethodPoints {
    /// B, the mid-frontal point.
    pub mfp: Point,
    /// E on each side.
    pub lateral: [Point; 2],
    /// C on each side.
    pub frontotemporal: [Point; 2],
    /// D on each side.
    pub temporal_peak: [Point; 2],
}

/// Where the skin is met at height `z` (head frame, mm) coming in horizontally from outside
/// at `deg` degrees from straight ahead, to the client's left (`side` −1) or right (+1): the map
/// place and the 3D point; `None` off the map.
fn at_azimuth(head: &Head, z: f64, side: f64, deg: f64) -> Option<(Point, Vec3)> {
    let a = deg.to_radians();
    let inward = Vec3::new(-side * a.sin(), -a.cos(), 0.0);
    let place = head.locate(Vec3::new(0.0, 0.0, z) - inward * 1000.0, inward)?;
    Some((place, head.point_at(place)?))
}

/// The azimuths (degrees from straight ahead, as [`at_azimuth`] takes them) at which the skin
/// lies `distances` mm (ascending) along it from the face's midline at height `z`, going round
/// the head horizontally to `side`; `None` off the map or past 120°.
fn azimuths_round(head: &Head, z: f64, side: f64, distances: &[f64]) -> Option<Vec<f64>> {
    const STEP_DEG: f64 = 0.5;
    let mut out = Vec::with_capacity(distances.len());
    let mut wanted = distances.iter().copied().peekable();
    let (mut previous, mut walked) = (at_azimuth(head, z, side, 0.0)?.1, 0.0);
    for k in 1..=240 {
        let next = at_azimuth(head, z, side, f64::from(k) * STEP_DEG)?.1;
        let step = (next - previous).length();
        while let Some(mm) = wanted.next_if(|&mm| walked + step >= mm) {
            let t = if step > 0.0 {
                (mm - walked) / step
            } else {
                0.0
            };
            out.push((f64::from(k) - 1.0 + t.clamp(0.0, 1.0)) * STEP_DEG);
        }
        if wanted.peek().is_none() {
            return Some(out);
        }
        walked += step;
        previous = next;
    }
    None
}

/// The place `mm` along the skin from the face's midline at height `z` (head frame), going round
/// the head horizontally to `side` (as [`azimuths_round`]); `None` off the map.
fn round_the_head(head: &Head, z: f64, side: f64, mm: f64) -> Option<Point> {
    let deg = *azimuths_round(head, z, side, &[mm])?.first()?;
    Some(at_azimuth(head, z, side, deg)?.0)
}

/// The method's points on `head` for a mid-frontal point `height_mm` above the glabella along
/// the skin, with the spans `targets` gives ([`DesignTargets::frontotemporal_mm`],
/// [`DesignTargets::temporal_peak_mm`]); `None` on a head without a face or where a point falls
/// off the map.
pub fn method_points(head: &Head, height_mm: f64, targets: &DesignTargets) -> Option<MethodPoints> {
    let top = z_at_height(head, height_mm)?;
    method_points_at(head, top, targets)
}

/// [`method_points`] for a mid-frontal point at height `top` in the head's frame, mm.
fn method_points_at(head: &Head, top: f64, targets: &DesignTargets) -> Option<MethodPoints> {
    let glabella = head.landmark_3d(Landmark::Glabella)?;
    let mfp = seen_from_front(head, 0.0, top)?;
    let (across, down) = (targets.frontotemporal_mm, targets.temporal_peak_mm);
    let mut lateral = [Point::default(); 2];
    let mut frontotemporal = [Point::default(); 2];
    let mut temporal_peak = [Point::default(); 2];
    for (i, side) in [-1.0, 1.0].into_iter().enumerate() {
        let e = round_the_head(head, glabella.z, side, across)?;
        let c = round_the_head(head, top, side, across)?;
        // D: along C–E, where the skin lies `down` from C (straight through, within a fraction
        // of a millimetre of along the skin at this curvature).
        // The span must fit between C and E, or there is no D on C–E.
        if head.chord_mm(c, e)? < down {
            return None;
        }
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            if head.chord_mm(c, c.lerp(e, mid))? < down {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        lateral[i] = e;
        frontotemporal[i] = c;
        temporal_peak[i] = c.lerp(e, 0.5 * (lo + hi));
    }
    Some(MethodPoints {
        mfp,
        lateral,
        frontotemporal,
        temporal_peak,
    })
}

/// A hairline drawn by the measured method on `head`, as an artist walks a tape round the
/// head: its mid-frontal point `height_mm` above the glabella; at `s` mm along the skin round the
/// head from it (negative: the client's left), `fall(s)` mm below its height, out to the
/// frontotemporal points C; then from each end on to the temporal peak D, waving `tail_wave_mm`
/// across its course. Runs from the client's left temple to the right one (map mm), a place
/// every 2 mm or so; `None` where the method's points or the line leave the map.
pub fn drawn_by_method(
    head: &Head,
    height_mm: f64,
    targets: &DesignTargets,
    fall: impl Fn(f64) -> f64,
    tail_wave_mm: f64,
) -> Option<Polyline> {
    let top = z_at_height(head, height_mm)?;
    let points = method_points_at(head, top, targets)?;
    let across = targets.frontotemporal_mm;
    let n = (across / 2.0).ceil() as usize;
    let distances: Vec<f64> = (1..=n).map(|k| across * k as f64 / n as f64).collect();
    let mut halves = Vec::with_capacity(2);
    for side in [-1.0, 1.0] {
        let half = azimuths_round(head, top, side, &distances)?
            .into_iter()
            .zip(&distances)
            .map(|(deg, &s)| Some(at_azimuth(head, top - fall(side * s), side, deg)?.0))
            .collect::<Option<Vec<Point>>>()?;
        halves.push(half);
    }
    let middle = seen_from_front(head, 0.0, top - fall(0.0))?;
    // `side` −1 on the client's left: the two tails wave as each other's mirror.
    let tail = |from: Point, to: Point, side: f64| -> Vec<Point> {
        let (dx, dy) = (to.x_mm - from.x_mm, to.y_mm - from.y_mm);
        let length = dx.hypot(dy);
        let steps = ((length / 2.0).ceil() as usize).max(1);
        // Whole half-waves about 7 mm long, so both ends stay where they are.
        let half_waves = (length / 7.0).round().max(1.0);
        (1..=steps)
            .map(|k| {
                let t = k as f64 / steps as f64;
                let off =
                    side * tail_wave_mm * (std::f64::consts::PI * half_waves * t).sin() / length;
                Point::new(from.x_mm + dx * t - dy * off, from.y_mm + dy * t + dx * off)
            })
            .collect()
    };
    let (left, right) = (&halves[0], &halves[1]);
    let mut vertices: Vec<Point> = tail(*left.last()?, points.temporal_peak[0], -1.0);
    vertices.reverse();
    vertices.extend(left.iter().rev());
    vertices.push(middle);
    vertices.extend(right);
    vertices.extend(tail(*right.last()?, points.temporal_peak[1], 1.0));
    Some(Polyline { vertices })
}

/// How a trained artist designs for `targets` on `head` by the measured method, with a hand's
/// imprecision (seeded by `seed`): the mid-frontal point near the middle of the band; level with
/// the brows out to the frontotemporal points with a gentle wave; then down to the temporal
/// peaks; the two sides drawn as two strokes that meet in the middle.
pub fn expert_design(head: &Head, targets: &DesignTargets, seed: u64) -> Option<DesignDrawing> {
    use std::f64::consts::TAU;
    let mut hand = crate::rng::Stream::new(seed, crate::rng::Purpose::Design, 0);
    let (lo, hi) = targets.mfp_height_mm;
    let height = (0.5 * (lo + hi) + 1.5 * hand.normal()).clamp(lo + 1.0, hi - 1.0);
    // One wave about 12 mm long whose length and height drift along the line, so it is not a
    // regular ripple (a long, low wave would run straight where it turns).
    let wave = hand.range(1.0, 1.2);
    let per_mm = hand.range(0.45, 0.55);
    let drift = hand.range(0.0008, 0.0015);
    let phase = hand.range(0.0, TAU);
    let swell = hand.range(0.0, TAU);
    let tail_wave = hand.range(0.8, 1.1);
    // A hand's side-to-side error: well inside what reads as symmetric.
    let lean = 0.2 * hand.normal().clamp(-2.0, 2.0) / 54.0;
    let line = drawn_by_method(
        head,
        height,
        targets,
        |s| {
            let u = s.abs();
            let height = wave * (1.0 + 0.2 * (0.07 * u + swell).sin());
            lean * s - height * ((u * (per_mm + drift * u) + phase).cos() - phase.cos())
        },
        tail_wave,
    )?;
    let mid_x = head.map_size_mm().0 / 2.0;
    let middle = line
        .vertices
        .iter()
        .position(|p| p.x_mm >= mid_x)
        .unwrap_or(line.vertices.len() / 2);
    Some(DesignDrawing {
        strokes: vec![
            line.vertices[..=middle].to_vec(),
            line.vertices[middle..].to_vec(),
        ],
        hairline: line,
    })
}

/// The band `depth_mm` deep behind `line` on the map: the line itself in front, and behind it
/// the line's course (the line smoothed over about 15 mm) moved back by `depth_mm`,
/// perpendicular to it, so a hand's waves and waver do not fold or scallop the back edge. Behind is the side away from the face: the map's
/// front is toward −y.
pub fn band_behind(line: &Polyline, depth_mm: f64) -> Polygon {
    let points = walk(line);
    let n = points.len();
    if n < 2 {
        return Polygon::new(line.vertices.clone());
    }
    // Which side of the line's course is behind: the one the line's normals point to on
    // average toward +y.
    let toward_back: f64 = points
        .windows(2)
        .map(|w| w[1].x_mm - w[0].x_mm)
        .sum::<f64>()
        .signum();
    let reach = 8;
    // At most about MAX_HAIRLINE_VERTICES places on the back edge, its last at the line's end.
    let step = (n / MAX_HAIRLINE_VERTICES).max(2);
    let mut back: Vec<Point> = (0..n - 1)
        .step_by(step)
        .chain(std::iter::once(n - 1))
        .filter_map(|i| {
            let (first, last) = (i.saturating_sub(reach), (i + reach).min(n - 1));
            let (a, b) = (points[first], points[last]);
            let (dx, dy) = (b.x_mm - a.x_mm, b.y_mm - a.y_mm);
            let length = dx.hypot(dy);
            // From the line's course, not its every wave: a wave a few millimetres long would
            // come out of a 25 mm offset as a row of cusps.
            let near = &points[first..=last];
            let k = near.len() as f64;
            let (cx, cy) = near
                .iter()
                .fold((0.0, 0.0), |(x, y), p| (x + p.x_mm / k, y + p.y_mm / k));
            (length > 0.0).then(|| {
                let s = toward_back * depth_mm / length;
                Point::new(cx - dy * s, cy + dx * s)
            })
        })
        .collect();
    back.dedup();
    let mut vertices = line.vertices.clone();
    vertices.extend(back.into_iter().rev());
    Polygon { vertices }
}

/// The points of `line` every [`STEP_MM`] of map length (its vertices included).
fn walk(line: &Polyline) -> Vec<Point> {
    let mut out = Vec::new();
    for pair in line.vertices.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let steps = ((a.distance(b) / STEP_MM).ceil() as usize).clamp(1, 10_000);
        out.extend((0..steps).map(|k| a.lerp(b, k as f64 / steps as f64)));
    }
    out.extend(line.vertices.last().copied());
    out
}

/// Where `line` crosses the map's vertical midline `x = mid_x` nearest to the front (smallest
/// y: the map's front is toward −y).
fn midline_crossing(line: &Polyline, mid_x: f64) -> Option<Point> {
    line.vertices
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w[0], w[1]);
            let (da, db) = (a.x_mm - mid_x, b.x_mm - mid_x);
            if da == 0.0 {
                return Some(a);
            }
            if da * db > 0.0 || da == db {
                return None;
            }
            Some(a.lerp(b, da / (da - db)))
        })
        .min_by(|p, q| p.y_mm.total_cmp(&q.y_mm))
}

/// Measures `line` on `head`, with the method's spans from `targets`. `Err` when the line
/// cannot be measured (no midline crossing, a head without a face, a place off the map).
pub fn measure(
    head: &Head,
    line: &Polyline,
    targets: &DesignTargets,
) -> Result<DesignMeasures, DesignFault> {
    let glabella = head
        .landmark(Landmark::Glabella)
        .ok_or(DesignFault::NoFace)?;
    let mid_x = head.map_size_mm().0 / 2.0;
    let mfp = midline_crossing(line, mid_x).ok_or(DesignFault::NoMidline)?;
    let mfp_height_mm = head
        .along_skin_mm(glabella, mfp)
        .ok_or(DesignFault::NoMidline)?;
    let mfp_3d = head.point_at(mfp).ok_or(DesignFault::NoMidline)?;
    let normal = head.normal_at_map(mfp).ok_or(DesignFault::NoMidline)?;
    let mfp_tilt_deg = normal.z.clamp(-1.0, 1.0).asin().to_degrees();

    let points = walk(line);
    // Symmetry: each point of the left half mirrored across the midline, against the line.
    let mut asymmetry = (0.0, mfp);
    for &p in points.iter().filter(|p| p.x_mm < mid_x) {
        let mirrored = Point::new(2.0 * mid_x - p.x_mm, p.y_mm);
        let d = off_the_line(head, line, mirrored).unwrap_or(0.0);
        if d > asymmetry.0 {
            asymmetry = (d, p);
        }
    }
    let longest_straight_mm = longest_straight(head, &points);
    let seen: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|&p| head.point_at(p).map(|v| (v.x, v.z)))
        .collect();
    // The method's points for the line's own mid-frontal point.
    let method = method_points_at(head, mfp_3d.z, targets);
    // A point whose distance cannot be measured is not passed.
    let passing =
        |at: [Point; 2]| at.map(|c| (off_the_line(head, line, c).unwrap_or(f64::INFINITY), c));
    // The quartic describes the front of the line; past C it turns down the temples.
    let frontal = method
        .and_then(|m| {
            let reach = |c: Point| head.point_at(c).map(|v| v.x.abs());
            Some(reach(m.frontotemporal[0])?.min(reach(m.frontotemporal[1])?))
        })
        .unwrap_or(f64::INFINITY);
    let front: Vec<(f64, f64)> = seen
        .iter()
        .copied()
        .filter(|s| s.0.abs() <= frontal)
        .collect();
    Ok(DesignMeasures {
        mfp,
        mfp_height_mm,
        asymmetry_mm: asymmetry,
        longest_straight_mm,
        mfp_tilt_deg,
        wave_mm: waviness(&front),
        frontotemporal_mm: method.map(|m| passing(m.frontotemporal)),
        temporal_peak_mm: method.map(|m| passing(m.temporal_peak)),
        middle_fall_mm: middle_fall(head, &seen, mfp_3d),
    })
}

/// How far `p` lies from `line`, mm along the skin (from the line's nearest place on the map);
/// `None` where it cannot be measured.
fn off_the_line(head: &Head, line: &Polyline, p: Point) -> Option<f64> {
    let (_, _, nearest) = line.closest_place_with(p, &[]);
    nearest.and_then(|q| head.chord_mm(p, q))
}

/// How far the line `seen` from the front (x across, z up, mm) falls against the brows from the
/// mid-frontal point `mfp` to the mid-pupil lines: the mean of its falls there, each less the
/// brows' own; `None` without the landmarks or where the line does not reach both lines.
fn middle_fall(head: &Head, seen: &[(f64, f64)], mfp: Vec3) -> Option<f64> {
    let brow = [Landmark::BrowLeft, Landmark::BrowRight].map(|l| head.landmark_3d(l));
    let (left, right) = (brow[0]?, brow[1]?);
    let brow_at = |x: f64| left.z + (right.z - left.z) * (x - left.x) / (right.x - left.x);
    let mut falls = 0.0;
    for pupil in [Landmark::PupilLeft, Landmark::PupilRight] {
        let x = head.landmark_3d(pupil)?.x;
        // The highest crossing, should the line double back.
        let z = seen
            .windows(2)
            .filter_map(|w| {
                let (a, b) = (w[0], w[1]);
                let (da, db) = (a.0 - x, b.0 - x);
                (da * db <= 0.0 && da != db).then(|| a.1 + (b.1 - a.1) * da / (da - db))
            })
            .max_by(f64::total_cmp)?;
        falls += (mfp.z - brow_at(mfp.x)) - (z - brow_at(x));
    }
    Some(falls / 2.0)
}

/// The longest run of `points` that lies within [`STRAIGHT_TOLERANCE_MM`] of a straight line
/// seen from the front (the skin's places projected on the face's plane: x across, z up): its
/// length along the run, mm, and its middle.
fn longest_straight(head: &Head, points: &[Point]) -> (f64, Point) {
    let seen: Vec<Option<(f64, f64)>> = points
        .iter()
        .map(|&p| head.point_at(p).map(|v: Vec3| (v.x, v.z)))
        .collect();
    let mut best = (0.0, points.first().copied().unwrap_or_default());
    for i in 0..seen.len() {
        let Some(a) = seen[i] else { continue };
        let mut length = 0.0;
        let mut previous = a;
        for j in i + 1..seen.len() {
            let Some(b) = seen[j] else { break };
            length += (b.0 - previous.0).hypot(b.1 - previous.1);
            previous = b;
            let (dx, dz) = (b.0 - a.0, b.1 - a.1);
            let chord = dx.hypot(dz);
            if chord == 0.0 {
                continue;
            }
            let straight = seen[i + 1..j].iter().all(|q| {
                q.is_some_and(|q| {
                    ((q.0 - a.0) * dz - (q.1 - a.1) * dx).abs() / chord <= STRAIGHT_TOLERANCE_MM
                })
            });
            if !straight {
                break;
            }
            if length > best.0 {
                best = (length, points[(i + j) / 2]);
            }
        }
    }
    best
}

/// How far the points `(x, z)` (mm, seen from the front) stray from the quartic z(x) fitted to
/// them by least squares: the root mean square of the residuals, mm (0 for fewer than six).
fn waviness(seen: &[(f64, f64)]) -> f64 {
    const TERMS: usize = 5;
    if seen.len() <= TERMS {
        return 0.0;
    }
    // x in tenths of a decimetre keeps the normal equations well conditioned.
    let powers = |x: f64| {
        let u = x / 50.0;
        [1.0, u, u * u, u * u * u, u * u * u * u]
    };
    let mut a = [[0.0f64; TERMS + 1]; TERMS];
    for &(x, z) in seen {
        let p = powers(x);
        for i in 0..TERMS {
            for j in 0..TERMS {
                a[i][j] += p[i] * p[j];
            }
            a[i][TERMS] += p[i] * z;
        }
    }
    // Gaussian elimination with partial pivoting.
    for col in 0..TERMS {
        let pivot = (col..TERMS)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        if a[col][col].abs() < 1e-12 {
            return 0.0;
        }
        let pivot_row = a[col];
        for below in a.iter_mut().skip(col + 1) {
            let f = below[col] / pivot_row[col];
            for (cell, p) in below.iter_mut().zip(pivot_row).skip(col) {
                *cell -= f * p;
            }
        }
    }
    let mut c = [0.0f64; TERMS];
    for row in (0..TERMS).rev() {
        let tail: f64 = (row + 1..TERMS).map(|k| a[row][k] * c[k]).sum();
        c[row] = (a[row][TERMS] - tail) / a[row][row];
    }
    let squares: f64 = seen
        .iter()
        .map(|&(x, z)| {
            let fit: f64 = powers(x).iter().zip(&c).map(|(p, c)| p * c).sum();
            (z - fit).powi(2)
        })
        .sum();
    (squares / seen.len() as f64).sqrt()
}

/// The rules `measures` break against `targets`, in the order the rules are listed.
pub fn faults(measures: &DesignMeasures, targets: &DesignTargets) -> Vec<DesignFault> {
    let mut out = Vec::new();
    let (lo, hi) = targets.mfp_height_mm;
    if measures.mfp_height_mm < lo {
        out.push(DesignFault::TooLow {
            height_mm: measures.mfp_height_mm,
            min_mm: lo,
        });
    }
    if measures.mfp_height_mm > hi {
        out.push(DesignFault::TooHigh {
            height_mm: measures.mfp_height_mm,
            max_mm: hi,
        });
    }
    if measures.mfp_tilt_deg < targets.min_mfp_tilt_deg {
        out.push(DesignFault::OnForeheadPlane {
            tilt_deg: measures.mfp_tilt_deg,
            min_deg: targets.min_mfp_tilt_deg,
        });
    }
    if measures.asymmetry_mm.0 > targets.max_asymmetry_mm {
        out.push(DesignFault::Lopsided {
            difference_mm: measures.asymmetry_mm.0,
            max_mm: targets.max_asymmetry_mm,
            at: measures.asymmetry_mm.1,
        });
    }
    for (point, found) in [
        (MethodPoint::Frontotemporal, measures.frontotemporal_mm),
        (MethodPoint::TemporalPeak, measures.temporal_peak_mm),
    ] {
        for (side, (distance_mm, at)) in [Side::Left, Side::Right]
            .into_iter()
            .zip(found.into_iter().flatten())
        {
            if distance_mm > targets.method_tolerance_mm {
                out.push(DesignFault::OffTheMethod {
                    point,
                    side,
                    distance_mm,
                    max_mm: targets.method_tolerance_mm,
                    at,
                });
            }
        }
    }
    if let Some(fall_mm) = measures.middle_fall_mm {
        let (lo, hi) = targets.middle_fall_mm;
        if !(lo..=hi).contains(&fall_mm) {
            out.push(DesignFault::NotParallelToBrows {
                fall_mm,
                range_mm: targets.middle_fall_mm,
            });
        }
    }
    if measures.wave_mm < targets.min_wave_mm {
        out.push(DesignFault::TooRegular {
            wave_mm: measures.wave_mm,
            min_mm: targets.min_wave_mm,
        });
    }
    if measures.longest_straight_mm.0 > targets.max_straight_mm {
        out.push(DesignFault::Straight {
            length_mm: measures.longest_straight_mm.0,
            max_mm: targets.max_straight_mm,
            at: measures.longest_straight_mm.1,
        });
    }
    out
}
