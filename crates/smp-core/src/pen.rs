//! Pen samples as tablets send them, the trainee's pressure curve, and the sanitizing pass that
//! turns a raw sample stream into strokes (one pen-down to pen-up each).

use serde::{Deserialize, Serialize};

use crate::geometry::{Point, Vec3};
use crate::surface::Surface;

/// One sample from the pen. Written in files as a tuple
/// `(t_s, x_mm, y_mm, pressure, tilt_x_rad, tilt_y_rad, contact)`, on a head with the needle's
/// axis after it: `(…, contact, axis_x, axis_y, axis_z)`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "SampleTuple", into = "SampleTuple")]
pub struct PenSample {
    /// Time since the session started, s.
    pub t_s: f64,
    /// Position on the level canvas, mm: on a head, the place on its scalp map.
    pub at: Point,
    /// Raw pressure from the device, 0..1 (values outside are clamped when sanitizing).
    pub pressure: f64,
    /// Tilt towards +x, rad (0 = upright).
    pub tilt_x_rad: f64,
    /// Tilt towards +y, rad (0 = upright).
    pub tilt_y_rad: f64,
    /// Whether the pen tip touches the surface.
    pub contact: bool,
    /// On a head: the needle's axis in the head's frame, pointing into the skin (a unit
    /// vector, dimensionless). The angle between it and the skin's normal sets the entry; the
    /// tilt fields then only record what the pen reported. `None` on a flat skin, where the
    /// tilt is the angle to the skin.
    pub axis: Option<Vec3>,
}

/// A sample as a RON tuple: seven fields, or ten with the needle's axis.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum SampleTuple {
    Flat(f64, f64, f64, f64, f64, f64, bool),
    OnHead(f64, f64, f64, f64, f64, f64, bool, f64, f64, f64),
}

impl From<SampleTuple> for PenSample {
    fn from(tuple: SampleTuple) -> Self {
        let ((t_s, x, y, pressure, tilt_x_rad, tilt_y_rad, contact), axis) = match tuple {
            SampleTuple::Flat(t, x, y, p, tx, ty, c) => ((t, x, y, p, tx, ty, c), None),
            SampleTuple::OnHead(t, x, y, p, tx, ty, c, ax, ay, az) => {
                ((t, x, y, p, tx, ty, c), Some(Vec3::new(ax, ay, az)))
            }
        };
        Self {
            t_s,
            at: Point::new(x, y),
            pressure,
            tilt_x_rad,
            tilt_y_rad,
            contact,
            axis,
        }
    }
}

impl From<PenSample> for SampleTuple {
    fn from(s: PenSample) -> Self {
        let [t, x, y, p, tx, ty] = s.numbers();
        match s.axis {
            None => SampleTuple::Flat(t, x, y, p, tx, ty, s.contact),
            Some(a) => SampleTuple::OnHead(t, x, y, p, tx, ty, s.contact, a.x, a.y, a.z),
        }
    }
}

impl PenSample {
    /// The sample's numbers in the order files hold them: `t_s` (s), `x_mm`, `y_mm` (mm),
    /// `pressure` (0..1), `tilt_x_rad`, `tilt_y_rad` (rad); `contact` follows them.
    pub fn numbers(&self) -> [f64; 6] {
        [
            self.t_s,
            self.at.x_mm,
            self.at.y_mm,
            self.pressure,
            self.tilt_x_rad,
            self.tilt_y_rad,
        ]
    }

    /// The sample at the precision a tablet has, which is what attempt files keep: time to
    /// 0.1 ms, position to 1 µm, pressure to 1e-5 (finer than 8,192 levels), tilt to 1e-4 rad,
    /// the axis's components to 1e-5 (about 0.001°).
    /// Rounded to the nearest decimal, so the shortest text that reads back exactly is short.
    pub fn at_device_precision(self) -> PenSample {
        PenSample {
            t_s: to_decimals(self.t_s, 1e4),
            at: Point::new(
                to_decimals(self.at.x_mm, 1e3),
                to_decimals(self.at.y_mm, 1e3),
            ),
            pressure: to_decimals(self.pressure, 1e5),
            tilt_x_rad: to_decimals(self.tilt_x_rad, 1e4),
            tilt_y_rad: to_decimals(self.tilt_y_rad, 1e4),
            contact: self.contact,
            axis: self.axis.map(|a| {
                Vec3::new(
                    to_decimals(a.x, 1e5),
                    to_decimals(a.y, 1e5),
                    to_decimals(a.z, 1e5),
                )
            }),
        }
    }

    /// The same sample on a flat skin (no axis): what a head sample's map place and pen tilt
    /// alone say.
    pub fn without_axis(self) -> PenSample {
        PenSample { axis: None, ..self }
    }
}

/// `x` rounded to the nearest multiple of `1 / per_unit` (a power of ten), as the f64 nearest
/// that decimal: dividing the whole count by `per_unit` rounds once, exactly as reading the
/// decimal's text would. Values too large to count (or not finite) are kept as they are.
fn to_decimals(x: f64, per_unit: f64) -> f64 {
    let count = (x * per_unit).round();
    if count.abs() < 9.0e15 {
        count / per_unit
    } else {
        x
    }
}

/// Why a trainee's taps gave no pressure curve.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    /// A tap reported no pressure (or nonsense).
    #[error("every tap must have a pressure above 0")]
    NoPressure,
    /// The three touches are not clearly distinct and rising.
    #[error(
        "light {light:.2}, medium {medium:.2} and firm {firm:.2} are too close: press each clearly harder than the last"
    )]
    TooClose {
        /// Median light tap, 0..1.
        light: f64,
        /// Median medium tap, 0..1.
        medium: f64,
        /// Median firm tap, 0..1.
        firm: f64,
    },
    /// The fitted points do not make a valid curve.
    #[error("{0}")]
    Invalid(String),
}

/// Maps the device's raw pressure (0..1) to the hand's effective force (0..1), which sets how far
/// the needle goes in. Fitted per trainee and tool by calibration; stored in every attempt.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub enum PressureCurve {
    /// Force equals raw pressure.
    #[default]
    Linear,
    /// Force = pressure^gamma (gamma in 0.2..=5; above 1 softens a heavy hand).
    Gamma(f64),
    /// Piecewise-linear through (pressure, force) points, both 0..1, pressure strictly rising,
    /// force never falling. Ends are held flat beyond the first and last points.
    Points(Vec<(f64, f64)>),
}

impl PressureCurve {
    /// Force for raw pressure `p`, 0..1.
    pub fn apply(&self, p: f64) -> f64 {
        let p = p.clamp(0.0, 1.0);
        let f = match self {
            PressureCurve::Linear => p,
            PressureCurve::Gamma(g) => p.powf(*g),
            PressureCurve::Points(pts) => piecewise(pts, p),
        };
        if f.is_finite() {
            f.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }

    /// The raw pressure that gives `force` (the curve's inverse, by bisection; curves never fall).
    pub fn pressure_for(&self, force: f64) -> f64 {
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..48 {
            let mid = 0.5 * (lo + hi);
            if self.apply(mid) < force {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The curve that sends the trainee's own light, medium and firm taps (median raw pressures,
    /// 0..1) to [`CALIBRATION_FORCES`]: their light touch stays shallow, their normal touch lands
    /// in the target window, their firm touch goes deep. Fails when the three are not clearly
    /// distinct and rising.
    pub fn fit(light: f64, medium: f64, firm: f64) -> Result<PressureCurve, FitError> {
        let taps = [light, medium, firm];
        if taps.iter().any(|p| !p.is_finite() || *p <= 0.0 || *p > 1.0) {
            return Err(FitError::NoPressure);
        }
        if medium - light < 0.03 || firm - medium < 0.03 {
            return Err(FitError::TooClose {
                light,
                medium,
                firm,
            });
        }
        let [f1, f2, f3] = CALIBRATION_FORCES;
        let mut points = vec![(0.0, 0.0), (light, f1), (medium, f2), (firm, f3)];
        if firm < 0.995 {
            points.push((1.0, 1.0));
        }
        let curve = PressureCurve::Points(points);
        match curve.problem() {
            None => Ok(curve),
            Some(p) => Err(FitError::Invalid(p)),
        }
    }

    /// What is wrong with the curve, if anything.
    pub fn problem(&self) -> Option<String> {
        match self {
            PressureCurve::Linear => None,
            PressureCurve::Gamma(g) if !(0.2..=5.0).contains(g) => {
                Some(format!("gamma {g} is outside 0.2..=5"))
            }
            PressureCurve::Gamma(_) => None,
            PressureCurve::Points(pts) => {
                if pts.len() < 2 || pts.len() > 64 {
                    return Some(format!(
                        "a point curve needs 2 to 64 points, this one has {}",
                        pts.len()
                    ));
                }
                for (i, (p, f)) in pts.iter().enumerate() {
                    if !(0.0..=1.0).contains(p) || !(0.0..=1.0).contains(f) {
                        return Some(format!("point {i} ({p}, {f}) is outside 0..1"));
                    }
                    if i > 0 && (*p <= pts[i - 1].0 || *f < pts[i - 1].1) {
                        return Some(format!(
                            "point {i}: pressure must rise and force must not fall"
                        ));
                    }
                }
                None
            }
        }
    }
}

fn piecewise(pts: &[(f64, f64)], p: f64) -> f64 {
    let Some(first) = pts.first() else { return p };
    if p <= first.0 {
        return first.1;
    }
    for w in pts.windows(2) {
        let ((p0, f0), (p1, f1)) = (w[0], w[1]);
        if p <= p1 {
            let t = if p1 > p0 { (p - p0) / (p1 - p0) } else { 1.0 };
            return f0 + (f1 - f0) * t;
        }
    }
    pts[pts.len() - 1].1
}

/// Forces (fractions of the needle's full reach) a calibration maps a trainee's light, medium and
/// firm taps to. With the usual 1.5 mm protrusion: 0.12 mm (epidermis), 0.35 mm (the middle of a
/// 0.2–0.5 mm window) and 0.9 mm (lower dermis).
pub const CALIBRATION_FORCES: [f64; 3] = [0.08, 0.23, 0.6];

/// The samples of one quick, upright tap at `at`: pen-down at half the peak `pressure`
/// (0..1), the peak 40 ms later, pen-up at 80 ms; `t_s` is the pen-down time, s.
pub fn tap(t_s: f64, at: Point, pressure: f64) -> [PenSample; 3] {
    let s = |t_s, pressure, contact| PenSample {
        t_s,
        at,
        pressure,
        tilt_x_rad: 0.0,
        tilt_y_rad: 0.0,
        contact,
        axis: None,
    };
    [
        s(t_s, pressure * 0.5, true),
        s(t_s + 0.04, pressure, true),
        s(t_s + 0.08, 0.0, false),
    ]
}

/// One pen-down to pen-up: everything the needle model needs to know about it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// Time of pen-down, s since the session started.
    pub start_s: f64,
    /// Time of pen-up (or of the last contact sample), s.
    pub end_s: f64,
    /// Where the needle entered, mm.
    pub entry: Point,
    /// Where the pen was at its last contact sample, mm.
    pub exit: Point,
    /// Highest sanitized raw pressure while in contact, 0..1.
    pub peak_pressure: f64,
    /// Tilt at the peak, rad.
    pub tilt_x_rad: f64,
    /// Tilt at the peak, rad.
    pub tilt_y_rad: f64,
    /// On a head, the needle's axis at the peak (head frame, into the skin); see
    /// [`PenSample::axis`].
    pub axis: Option<Vec3>,
}

impl Stroke {
    /// How long the needle stayed in, s.
    pub fn dwell_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// What sanitizing had to repair or drop, counted per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SanitizeReport {
    /// Samples dropped because a value was NaN or infinite.
    pub non_finite: u64,
    /// Samples dropped because they lay off the canvas.
    pub off_canvas: u64,
    /// Pressures clamped into 0..1.
    pub pressure_clamped: u64,
    /// Samples whose time went backwards (held at the previous time).
    pub time_reversed: u64,
    /// Strokes still in contact when the stream ended (closed at the last sample).
    pub unfinished_strokes: u64,
}

impl SanitizeReport {
    /// Adds another report's counts to this one.
    pub fn add(&mut self, o: &SanitizeReport) {
        self.non_finite += o.non_finite;
        self.off_canvas += o.off_canvas;
        self.pressure_clamped += o.pressure_clamped;
        self.time_reversed += o.time_reversed;
        self.unfinished_strokes += o.unfinished_strokes;
    }

    /// Whether anything had to be repaired.
    pub fn is_clean(&self) -> bool {
        *self == SanitizeReport::default()
    }
}

/// Turns raw samples into strokes one at a time, repairing what devices really send: NaN or
/// infinite values and off-canvas samples are dropped, pressure is clamped to 0..1, time that goes
/// backwards is held, a pen-up without a pen-down is ignored. Live input and replay share it, so
/// the same samples always give the same strokes. Never panics.
#[derive(Clone, Debug)]
pub struct StrokeBuilder {
    canvas_mm: (f64, f64),
    /// On a head, the samples off its map's domain are off the canvas too.
    surface: Option<Surface>,
    open: Option<Stroke>,
    last_t: f64,
    report: SanitizeReport,
}

impl StrokeBuilder {
    /// A builder for a (width, height) mm canvas.
    pub fn new(canvas_mm: (f64, f64)) -> Self {
        Self {
            canvas_mm,
            surface: None,
            open: None,
            last_t: f64::NEG_INFINITY,
            report: SanitizeReport::default(),
        }
    }

    /// A builder for samples on `surface`: its canvas, and on a head only the places on its
    /// map's domain (a flat surface gives exactly [`StrokeBuilder::new`]).
    pub fn on(surface: &Surface) -> Self {
        let mut b = Self::new(surface.canvas_mm());
        if let Surface::Head(_) = surface {
            b.surface = Some(surface.clone());
        }
        b
    }

    /// Whether the pen is down (a stroke is open).
    pub fn in_contact(&self) -> bool {
        self.open.is_some()
    }

    /// Repairs so far.
    pub fn report(&self) -> &SanitizeReport {
        &self.report
    }

    /// Feeds one raw sample; returns the stroke it completes, if it is a pen-up.
    pub fn push(&mut self, raw: &PenSample) -> Option<Stroke> {
        let finite = raw.t_s.is_finite()
            && raw.at.is_finite()
            && raw.pressure.is_finite()
            && raw.tilt_x_rad.is_finite()
            && raw.tilt_y_rad.is_finite()
            && raw.axis.is_none_or(Vec3::is_finite);
        if !finite {
            self.report.non_finite += 1;
            return None;
        }
        let (w, h) = self.canvas_mm;
        let off_map = self.surface.as_ref().is_some_and(|s| !s.contains(raw.at));
        if raw.at.x_mm < 0.0 || raw.at.y_mm < 0.0 || raw.at.x_mm > w || raw.at.y_mm > h || off_map {
            self.report.off_canvas += 1;
            return None;
        }
        let mut t = raw.t_s;
        if t < self.last_t {
            self.report.time_reversed += 1;
            t = self.last_t;
        }
        self.last_t = t;
        let mut pressure = raw.pressure;
        if !(0.0..=1.0).contains(&pressure) {
            self.report.pressure_clamped += 1;
            pressure = pressure.clamp(0.0, 1.0);
        }
        // Devices report tilt up to ±90°; anything larger is noise.
        let (tx, ty) = (
            raw.tilt_x_rad.clamp(-1.5, 1.5),
            raw.tilt_y_rad.clamp(-1.5, 1.5),
        );
        match (&mut self.open, raw.contact) {
            (None, true) => {
                self.open = Some(Stroke {
                    start_s: t,
                    end_s: t,
                    entry: raw.at,
                    exit: raw.at,
                    peak_pressure: pressure,
                    tilt_x_rad: tx,
                    tilt_y_rad: ty,
                    axis: raw.axis,
                });
                None
            }
            (Some(s), true) => {
                s.end_s = t;
                s.exit = raw.at;
                if pressure > s.peak_pressure {
                    s.peak_pressure = pressure;
                    s.tilt_x_rad = tx;
                    s.tilt_y_rad = ty;
                    s.axis = raw.axis;
                }
                None
            }
            (Some(s), false) => {
                s.end_s = t;
                self.open.take()
            }
            // Hover, or a pen-up that never had a pen-down: nothing to do.
            (None, false) => None,
        }
    }

    /// Ends the stream: a stroke still in contact is closed at its last sample.
    pub fn finish(&mut self) -> Option<Stroke> {
        let s = self.open.take();
        if s.is_some() {
            self.report.unfinished_strokes += 1;
        }
        s
    }
}

/// Splits a whole raw sample stream into strokes (see [`StrokeBuilder`]); a stroke left open at
/// the end is closed at its last sample. `canvas_mm` is (width, height).
pub fn strokes(samples: &[PenSample], canvas_mm: (f64, f64)) -> (Vec<Stroke>, SanitizeReport) {
    collect(StrokeBuilder::new(canvas_mm), samples)
}

/// [`strokes`] on `surface` (see [`StrokeBuilder::on`]).
pub fn strokes_on(samples: &[PenSample], surface: &Surface) -> (Vec<Stroke>, SanitizeReport) {
    collect(StrokeBuilder::on(surface), samples)
}

fn collect(mut b: StrokeBuilder, samples: &[PenSample]) -> (Vec<Stroke>, SanitizeReport) {
    let mut out: Vec<Stroke> = samples.iter().filter_map(|s| b.push(s)).collect();
    out.extend(b.finish());
    (out, b.report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn device_precision_gives_short_exact_decimals() {
        let s = PenSample {
            t_s: 1.9298000000000002,
            at: Point::new(100.86500000000001, -0.0004),
            pressure: 0.1370849609375,
            tilt_x_rad: -0.060500000000000005,
            tilt_y_rad: f64::NAN,
            contact: true,
            axis: None,
        }
        .at_device_precision();
        assert_eq!(
            [s.t_s, s.at.x_mm, s.at.y_mm, s.pressure, s.tilt_x_rad].map(|v| v.to_string()),
            ["1.9298", "100.865", "-0", "0.13708", "-0.0605"]
        );
        assert!(s.tilt_y_rad.is_nan());
    }
    use super::*;

    fn s(t: f64, x: f64, p: f64, contact: bool) -> PenSample {
        PenSample {
            t_s: t,
            at: Point::new(x, 5.0),
            pressure: p,
            tilt_x_rad: 0.0,
            tilt_y_rad: 0.0,
            contact,
            axis: None,
        }
    }

    #[test]
    fn each_pen_down_is_one_stroke() {
        let samples = [
            s(0.0, 1.0, 0.0, false),
            s(0.1, 1.0, 0.3, true),
            s(0.15, 1.0, 0.5, true),
            s(0.2, 1.0, 0.0, false),
            s(0.5, 3.0, 0.2, true),
            s(0.6, 3.2, 0.1, false),
        ];
        let (st, rep) = strokes(&samples, (10.0, 10.0));
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].peak_pressure, 0.5);
        assert!((st[0].dwell_s() - 0.1).abs() < 1e-12);
        assert_eq!(st[1].exit, Point::new(3.0, 5.0));
        assert!(rep.is_clean());
    }

    #[test]
    fn garbage_is_repaired_or_dropped() {
        let samples = [
            s(f64::NAN, 1.0, 0.3, true),
            s(1.0, 1.0, 7.0, true),
            s(0.5, 1.0, -1.0, true),
            s(2.0, 50.0, 0.3, true),
            s(2.1, f64::INFINITY, 0.3, false),
        ];
        let (st, rep) = strokes(&samples, (10.0, 10.0));
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].peak_pressure, 1.0);
        assert_eq!(rep.non_finite, 2);
        assert_eq!(rep.pressure_clamped, 2);
        assert_eq!(rep.time_reversed, 1);
        assert_eq!(rep.off_canvas, 1);
        assert_eq!(rep.unfinished_strokes, 1);
        assert!(st[0].end_s >= st[0].start_s);
    }

    #[test]
    fn a_fitted_curve_sends_each_touch_to_its_force() {
        let c = PressureCurve::fit(0.2, 0.45, 0.8).unwrap();
        for (p, f) in [
            (0.2, CALIBRATION_FORCES[0]),
            (0.45, CALIBRATION_FORCES[1]),
            (0.8, CALIBRATION_FORCES[2]),
        ] {
            assert!((c.apply(p) - f).abs() < 1e-12);
        }
        assert!(c.problem().is_none());
        assert!(PressureCurve::fit(0.3, 0.31, 0.8).is_err());
        assert!(PressureCurve::fit(0.5, 0.4, 0.8).is_err());
        assert!(PressureCurve::fit(f64::NAN, 0.4, 0.8).is_err());
        // A hand whose firm touch is full pressure still gets a valid curve.
        assert!(
            PressureCurve::fit(0.3, 0.6, 1.0)
                .unwrap()
                .problem()
                .is_none()
        );
    }

    #[test]
    fn curves_map_and_invert() {
        let c = PressureCurve::Points(vec![(0.0, 0.0), (0.5, 0.2), (1.0, 1.0)]);
        assert!((c.apply(0.25) - 0.1).abs() < 1e-12);
        assert!((c.pressure_for(0.6) - 0.75).abs() < 1e-9);
        assert!(PressureCurve::Gamma(2.0).apply(0.5) < PressureCurve::Linear.apply(0.5));
        assert!(
            PressureCurve::Points(vec![(0.5, 0.1), (0.4, 0.2)])
                .problem()
                .is_some()
        );
        assert!(PressureCurve::Gamma(f64::NAN).problem().is_some());
    }
}
