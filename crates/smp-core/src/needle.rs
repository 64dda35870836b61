//! The machine's needle and pigment, and how a stroke becomes a needle impression.

use serde::{Deserialize, Serialize};

use crate::geometry::{Point, Vec2, Vec3};
use crate::pen::{PressureCurve, Stroke};
use crate::surface::Surface;

/// How many points are soldered together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NeedleGroup {
    /// One round-liner point: the finest dot.
    #[serde(rename = "OneRL")]
    OneRl,
    /// Three round-liner points in a tight cluster: a fuller dot.
    #[serde(rename = "ThreeRL")]
    ThreeRl,
}

impl NeedleGroup {
    /// Files' name for the group.
    pub fn name(self) -> &'static str {
        match self {
            NeedleGroup::OneRl => "1RL",
            NeedleGroup::ThreeRl => "3RL",
        }
    }
    /// Fresh dot diameter relative to one point's diameter.
    pub fn dot_factor(self) -> f64 {
        match self {
            NeedleGroup::OneRl => 1.0,
            NeedleGroup::ThreeRl => 1.9,
        }
    }
}

/// Needle configuration for a session.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Needle {
    /// 1RL or 3RL.
    pub group: NeedleGroup,
    /// Diameter of one point, mm (0.18–0.35).
    pub diameter_mm: f64,
    /// How far the needle protrudes from the tip at full force, mm: the depth a straight,
    /// full-force impression reaches.
    pub protrusion_mm: f64,
}

impl Needle {
    /// Name as an artist says it, e.g. `1RL 0.25 mm`.
    pub fn label(&self) -> String {
        format!("{} {:.2} mm", self.group.name(), self.diameter_mm)
    }

    /// Diameter of the fresh dot this needle makes at effective `force` (0..1) held for
    /// `dwell_s`, mm. Harder pressing and longer dwell widen it: the "helmet" look of heavy
    /// hands; a 3RL makes a fuller dot than a 1RL of the same point.
    pub fn fresh_dot_mm(&self, force: f64, dwell_s: f64) -> f64 {
        let pressure_widening = 1.0 + 0.6 * (force - 0.3).max(0.0);
        let dwell_widening = 1.0 + 0.25 * (1.0 + dwell_s / 0.2).ln();
        self.diameter_mm * self.group.dot_factor() * pressure_widening * dwell_widening * 0.85
    }

    /// Whether this is the same needle as `other` (same group, diameters within 0.01 mm).
    pub fn matches(&self, other: &Needle) -> bool {
        self.group == other.group && (self.diameter_mm - other.diameter_mm).abs() <= 0.01
    }

    /// What is wrong with this needle, if anything.
    pub fn problem(&self) -> Option<String> {
        if !(0.18..=0.35).contains(&self.diameter_mm) {
            return Some(format!(
                "needle diameter {} mm is outside 0.18–0.35 mm",
                self.diameter_mm
            ));
        }
        if !(0.3..=4.0).contains(&self.protrusion_mm) {
            return Some(format!(
                "needle protrusion {} mm is outside 0.3–4.0 mm",
                self.protrusion_mm
            ));
        }
        None
    }
}

/// Pigment shade, from a diluted grey to the darkest black.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Shade {
    /// Strongly diluted: first sessions and light skin.
    Light,
    /// Medium dilution.
    Medium,
    /// Little dilution.
    Dark,
    /// Undiluted black.
    Black,
}

impl Shade {
    /// Every shade, lightest first.
    pub const ALL: [Shade; 4] = [Shade::Light, Shade::Medium, Shade::Dark, Shade::Black];

    /// Colour of the pigment as it shows through skin, linear RGB 0..1.
    pub fn pigment_rgb(self) -> [f64; 3] {
        match self {
            Shade::Light => [0.16, 0.145, 0.14],
            Shade::Medium => [0.075, 0.068, 0.066],
            Shade::Dark => [0.032, 0.029, 0.028],
            Shade::Black => [0.012, 0.011, 0.011],
        }
    }

    /// Luminance of the pigment as it shows through skin, linear 0..1 (darker is smaller).
    pub fn luminance(self) -> f64 {
        let [r, g, b] = self.pigment_rgb();
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Shade::Light => "light",
            Shade::Medium => "medium",
            Shade::Dark => "dark",
            Shade::Black => "black",
        }
    }
}

/// Effective force below which the needle does not break the skin: no impression.
pub const MIN_PUNCTURE_FORCE: f64 = 0.02;
/// Steepest entry the model accepts, rad (about 69°); beyond it the needle skids.
pub const MAX_TILT_RAD: f64 = 1.2;
/// Dwell beyond which the dot stops growing, s.
pub const MAX_DWELL_S: f64 = 3.0;
/// Drag beyond which the tail stops growing, mm.
pub const MAX_TAIL_MM: f64 = 5.0;

/// One needle impression as the pen made it, before the tissue answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Impression {
    /// Pen-down time, s since its session started.
    pub t_s: f64,
    /// Where the needle entered, mm.
    pub at: Point,
    /// Effective force after the pressure curve, 0..1.
    pub force: f64,
    /// Raw device pressure at the peak, 0..1.
    pub pressure: f64,
    /// Depth the needle would reach in uniform skin, mm.
    pub nominal_depth_mm: f64,
    /// Tilt from upright, rad (0..=MAX_TILT_RAD).
    pub tilt_rad: f64,
    /// Direction the needle leans towards, rad (atan2 of the tilt vector; 0 = +x).
    pub tilt_direction_rad: f64,
    /// How much longer than wide the oblique entry makes the dot (1 = round).
    pub elongation: f64,
    /// Drag while in contact, mm: the tail runs from `at` by this vector.
    pub tail: Vec2,
    /// Contact time, s.
    pub dwell_s: f64,
    /// Diameter of the fresh dot, mm.
    pub fresh_diameter_mm: f64,
}

impl Impression {
    /// The impression a stroke makes with this needle and curve, or `None` when the force was too
    /// light to break the skin.
    pub fn from_stroke(
        stroke: &Stroke,
        curve: &PressureCurve,
        needle: &Needle,
    ) -> Option<Impression> {
        let angle = (
            stroke.tilt_x_rad.hypot(stroke.tilt_y_rad),
            stroke.tilt_y_rad.atan2(stroke.tilt_x_rad),
        );
        Self::entering_at(stroke, curve, needle, angle)
    }

    /// [`Impression::from_stroke`] on `surface`. On a head the needle's angle to the skin is the
    /// angle between its axis and the skin's normal where it entered, and it leans the way the
    /// axis runs along the skin (as a direction on the map); a stroke with no axis is taken as
    /// square to the skin, and a needle pointing out of the skin makes no impression. On a flat
    /// skin the tilt is the angle, exactly as [`Impression::from_stroke`].
    pub fn from_stroke_on(
        stroke: &Stroke,
        curve: &PressureCurve,
        needle: &Needle,
        surface: &Surface,
    ) -> Option<Impression> {
        match surface {
            Surface::Flat { .. } => Self::from_stroke(stroke, curve, needle),
            Surface::Head(_) => {
                let angle = match stroke.axis {
                    Some(axis) => entry_angle(surface, stroke.entry, axis)?,
                    None => (0.0, 0.0),
                };
                Self::entering_at(stroke, curve, needle, angle)
            }
        }
    }

    /// The impression of `stroke` with the needle at `(angle to the skin's normal, direction it
    /// leans towards)`, rad.
    fn entering_at(
        stroke: &Stroke,
        curve: &PressureCurve,
        needle: &Needle,
        (angle_rad, tilt_direction_rad): (f64, f64),
    ) -> Option<Impression> {
        let force = curve.apply(stroke.peak_pressure);
        if force < MIN_PUNCTURE_FORCE {
            return None;
        }
        let tilt_rad = angle_rad.min(MAX_TILT_RAD);
        // An oblique needle travels the same length but reaches less deep, and opens a longer dot.
        let nominal_depth_mm = needle.protrusion_mm * force * tilt_rad.cos();
        let elongation = (1.0 / tilt_rad.cos()).min(2.5);
        let dwell_s = stroke.dwell_s().clamp(0.0, MAX_DWELL_S);
        let mut tail = stroke.exit - stroke.entry;
        let tail_len = tail.length();
        if tail_len > MAX_TAIL_MM {
            tail = tail * (MAX_TAIL_MM / tail_len);
        }
        let fresh_diameter_mm = needle.fresh_dot_mm(force, dwell_s);
        Some(Impression {
            t_s: stroke.start_s,
            at: stroke.entry,
            force,
            pressure: stroke.peak_pressure,
            nominal_depth_mm,
            tilt_rad,
            tilt_direction_rad,
            elongation,
            tail,
            dwell_s,
            fresh_diameter_mm,
        })
    }
}

/// The needle's axis (head frame, into the skin) for a pen held over a flat picture of the scalp
/// map at `at` (the skin seen square-on there): square to the skin, leaned by the pen's tilt
/// `(tilt_x, tilt_y)` rad toward the map's +x and +y. `None` off the surface.
pub fn axis_over_map(
    surface: &Surface,
    at: Point,
    tilt_x_rad: f64,
    tilt_y_rad: f64,
) -> Option<Vec3> {
    let normal = surface.normal(at)?;
    let (tx, ty) = surface.tangents(at)?;
    let (ex, ey) = (tx.normalized(), ty.normalized());
    let out = normal + ex * tilt_x_rad.tan() + ey * tilt_y_rad.tan();
    let axis = out.normalized() * -1.0;
    axis.is_finite().then_some(axis)
}

/// The angle between a needle along `axis` (head frame, pointing into the skin) and the skin's
/// normal at map place `at`, and the direction on the map the needle leans towards, rad; `None`
/// when the axis does not point into the skin (or the place is off the surface).
pub fn entry_angle(surface: &Surface, at: Point, axis: Vec3) -> Option<(f64, f64)> {
    // The skin's normal and axes from the head's grid (within a small fraction of a degree of
    // the analytic ones): replay asks this of every impression.
    let local = surface.local(at)?;
    let normal = local.normal;
    let into = axis.normalized();
    // The pen's top leans along the outward axis.
    let out = into * -1.0;
    let cos = out.dot(normal);
    if cos.is_nan() || cos <= 1e-9 {
        return None;
    }
    let angle = cos.min(1.0).acos();
    // The lean on the skin (the outward axis less its normal part), as a map direction: solve
    // lean = a·∂P/∂x + b·∂P/∂y in the least-squares sense.
    let lean = out - normal * cos;
    let (tx, ty) = local.tangents;
    let (gxx, gxy, gyy) = (tx.dot(tx), tx.dot(ty), ty.dot(ty));
    let det = gxx * gyy - gxy * gxy;
    let (px, py) = (lean.dot(tx), lean.dot(ty));
    let direction = if det > 0.0 && lean.length() > 1e-12 {
        let a = (gyy * px - gxy * py) / det;
        let b = (gxx * py - gxy * px) / det;
        b.atan2(a)
    } else {
        0.0
    };
    Some((angle, direction))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stroke(p: f64, tilt: f64, dwell: f64, drag: f64) -> Stroke {
        Stroke {
            start_s: 1.0,
            end_s: 1.0 + dwell,
            entry: Point::new(5.0, 5.0),
            exit: Point::new(5.0 + drag, 5.0),
            peak_pressure: p,
            tilt_x_rad: tilt,
            tilt_y_rad: 0.0,
            axis: None,
        }
    }
    const NEEDLE: Needle = Needle {
        group: NeedleGroup::OneRl,
        diameter_mm: 0.25,
        protrusion_mm: 1.5,
    };

    #[test]
    fn depth_follows_pressure_and_tilt_makes_it_shallower_and_longer() {
        let c = PressureCurve::Linear;
        let light = Impression::from_stroke(&stroke(0.2, 0.0, 0.1, 0.0), &c, &NEEDLE).unwrap();
        let firm = Impression::from_stroke(&stroke(0.6, 0.0, 0.1, 0.0), &c, &NEEDLE).unwrap();
        let tilted = Impression::from_stroke(&stroke(0.6, 0.8, 0.1, 0.0), &c, &NEEDLE).unwrap();
        assert!((light.nominal_depth_mm - 0.3).abs() < 1e-12);
        assert!(firm.nominal_depth_mm > light.nominal_depth_mm);
        assert!(tilted.nominal_depth_mm < firm.nominal_depth_mm);
        assert!(tilted.elongation > 1.2 && light.elongation == 1.0);
        assert!(firm.fresh_diameter_mm > light.fresh_diameter_mm);
    }

    #[test]
    fn dwell_widens_drag_makes_a_tail_and_a_feather_touch_makes_nothing() {
        let c = PressureCurve::Linear;
        let quick = Impression::from_stroke(&stroke(0.3, 0.0, 0.05, 0.0), &c, &NEEDLE).unwrap();
        let slow = Impression::from_stroke(&stroke(0.3, 0.0, 1.0, 0.0), &c, &NEEDLE).unwrap();
        let dragged = Impression::from_stroke(&stroke(0.3, 0.0, 0.05, 0.8), &c, &NEEDLE).unwrap();
        assert!(slow.fresh_diameter_mm > quick.fresh_diameter_mm);
        assert!((dragged.tail.x_mm - 0.8).abs() < 1e-12 && dragged.tail.y_mm == 0.0);
        assert!(Impression::from_stroke(&stroke(0.01, 0.0, 0.1, 0.0), &c, &NEEDLE).is_none());
        // A fresh 1RL 0.25 dot at a normal tap is at most about 0.25 mm across.
        assert!(
            quick.fresh_diameter_mm <= 0.26,
            "{}",
            quick.fresh_diameter_mm
        );
    }
}
