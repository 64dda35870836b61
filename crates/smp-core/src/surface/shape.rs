//! What a head is made from: the few numbers of a [`HeadShape`] (written in RON), their bounds,
//! and the shapes shipped with the trainer.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A head's description: a name and its form. Written in RON, e.g. `assets/heads/adult-male.ron`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadShape {
    /// Kebab-case name, e.g. `"adult-male"` (1–64 characters of `a-z`, `0-9` and `-`).
    pub name: String,
    /// The surface's form.
    pub form: HeadForm,
}

/// The analytic form of a head's skin, centred on the head frame's origin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum HeadForm {
    /// A sphere (for tests and exercises): no face, no landmarks.
    Sphere {
        /// Radius, mm (10–500).
        radius_mm: f64,
    },
    /// An ellipsoid with its axes along the frame's axes (for tests): no face, no landmarks.
    Ellipsoid {
        /// Semi-axis toward the client's right (x), mm (10–500).
        a_mm: f64,
        /// Semi-axis toward the front (y), mm (10–500).
        b_mm: f64,
        /// Semi-axis upward (z), mm (10–500). The longest semi-axis may be at most 4 times the
        /// shortest.
        c_mm: f64,
    },
    /// A foam-mannequin human head built from anthropometric measures (see
    /// [`HumanProportions`]).
    Human(HumanProportions),
}

/// The measures a human head is built from. The frame's origin lies at the height of the
/// glabella, +y through the glabella; the generated head matches `length_mm`, `breadth_mm`,
/// `circumference_mm` and the vertex height exactly (to 0.1%), the face's features
/// approximately. Defaults in the shipped files: 50th-percentile adults (Pheasant; Farkas-style
/// face norms).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HumanProportions {
    /// Head length, glabella to the farthest point of the back of the head in the midline
    /// (straight line), mm (120–260). Men 195, women 180.
    pub length_mm: f64,
    /// Head breadth, the greatest left–right width above the ears (euryon to euryon; the ears
    /// themselves excluded, as anthropometry does), mm (100–220, less than the length). Men 155,
    /// women 145.
    pub breadth_mm: f64,
    /// Head circumference, measured on the skin around the horizontal plane through the glabella,
    /// mm (300–800; it must suit the length and breadth). Men about 572, women about 552.
    pub circumference_mm: f64,
    /// Total head height, vertex to menton (the bottom of the chin), mm (150–320). Men about 232,
    /// women about 218.
    pub height_mm: f64,
    /// Face height, nasion to menton, mm (70–170, and at most the height less 60 mm). Men about
    /// 121, women about 112.
    pub face_height_mm: f64,
    /// Trichion–nasion: straight distance from the root of the nose to the juvenile hairline's
    /// mid-frontal point, mm (30–110). Men 72, women 68.
    pub trichion_nasion_mm: f64,
    /// Outer eye corner to outer eye corner (ex–ex), mm (60–140, less than 0.8 × breadth). Men 98,
    /// women 94.
    pub outer_canthus_mm: f64,
    /// Cheekbone to cheekbone (bizygomatic breadth), mm (80–200, at most the breadth plus 10 mm);
    /// placed approximately. Men 134, women 130.
    pub cheekbone_breadth_mm: f64,
    /// Nose height, nasion to subnasale (the nose's base), mm (25–90, less than 0.7 × face
    /// height). Men about 55, women about 50.
    pub nose_length_mm: f64,
    /// How far the nose tip stands out of the face, mm (5–45). About 20 men, 18 women.
    pub nose_projection_mm: f64,
    /// How much the upper forehead is set back from the plain curve of the skull, as a fraction
    /// of the radius there (dimensionless, 0–0.15; 0.04 reads as a man's sloping forehead).
    pub forehead_slope: f64,
    /// How much the crown rises above the plain curve of the skull, as a fraction of the radius
    /// (dimensionless, 0–0.15).
    pub crown_prominence: f64,
}

/// Why a head could not be made.
#[derive(Clone, Debug, Error, PartialEq)]
pub enum HeadError {
    /// A measure is not a finite number.
    #[error("{name} is not a finite number")]
    NotFinite {
        /// The field's name.
        name: &'static str,
    },
    /// A measure lies outside its bounds.
    #[error("{name} = {value} is outside {min}–{max}{unit}")]
    OutOfBounds {
        /// The field's name.
        name: &'static str,
        /// The value given.
        value: f64,
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// The unit, with a leading space (" mm"), or empty for a fraction.
        unit: &'static str,
    },
    /// Measures that are each fine but do not fit together.
    #[error("{0}")]
    Inconsistent(String),
    /// The name is not a usable head name.
    #[error("head name {0:?} must be 1–64 characters of a-z, 0-9 and '-'")]
    BadName(String),
    /// No shipped head has this name.
    #[error("no shipped head is called {name:?} (there are: {known})")]
    Unknown {
        /// The name asked for.
        name: String,
        /// The shipped names, comma-separated.
        known: String,
    },
    /// The RON text could not be read as a [`HeadShape`].
    #[error("head shape: {0}")]
    Parse(String),
}

/// The shipped heads: name and RON text.
const SHIPPED: [(&str, &str); 2] = [
    (
        "adult-male",
        include_str!("../../../../assets/heads/adult-male.ron"),
    ),
    (
        "adult-female",
        include_str!("../../../../assets/heads/adult-female.ron"),
    ),
];

/// The names of the shipped heads, in a fixed order.
pub(super) const SHIPPED_NAMES: [&str; 2] = [SHIPPED[0].0, SHIPPED[1].0];

impl HeadShape {
    /// A sphere of `radius_mm` called `name`.
    pub fn sphere(name: &str, radius_mm: f64) -> HeadShape {
        HeadShape {
            name: name.to_string(),
            form: HeadForm::Sphere { radius_mm },
        }
    }

    /// An ellipsoid with semi-axes `a_mm` (x), `b_mm` (y), `c_mm` (z) called `name`.
    pub fn ellipsoid(name: &str, a_mm: f64, b_mm: f64, c_mm: f64) -> HeadShape {
        HeadShape {
            name: name.to_string(),
            form: HeadForm::Ellipsoid { a_mm, b_mm, c_mm },
        }
    }

    /// Reads a shape from RON text (unknown fields are refused). The shape is not yet checked:
    /// [`HeadShape::problem`] or building the head does that.
    pub fn from_ron(text: &str) -> Result<HeadShape, HeadError> {
        ron::from_str(text).map_err(|e| HeadError::Parse(e.to_string()))
    }

    /// The shipped shape called `name`.
    pub fn shipped(name: &str) -> Result<HeadShape, HeadError> {
        match SHIPPED.iter().find(|(n, _)| *n == name) {
            Some((_, text)) => HeadShape::from_ron(text),
            None => Err(HeadError::Unknown {
                name: name.to_string(),
                known: SHIPPED_NAMES.join(", "),
            }),
        }
    }

    /// The first thing wrong with this shape, if any: a bad name, a measure that is not finite,
    /// out of its bounds, or measures that do not fit together.
    pub fn problem(&self) -> Option<HeadError> {
        let name_ok = (1..=64).contains(&self.name.len())
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !name_ok {
            return Some(HeadError::BadName(self.name.clone()));
        }
        match &self.form {
            HeadForm::Sphere { radius_mm } => check("radius_mm", *radius_mm, 10.0, 500.0, " mm"),
            HeadForm::Ellipsoid { a_mm, b_mm, c_mm } => {
                let axes = [("a_mm", *a_mm), ("b_mm", *b_mm), ("c_mm", *c_mm)];
                if let Some(e) = axes
                    .iter()
                    .find_map(|(n, v)| check(n, *v, 10.0, 500.0, " mm"))
                {
                    return Some(e);
                }
                let (lo, hi) = (a_mm.min(*b_mm).min(*c_mm), a_mm.max(*b_mm).max(*c_mm));
                (hi > 4.0 * lo).then(|| {
                    HeadError::Inconsistent(format!(
                        "the ellipsoid's longest semi-axis ({hi} mm) is more than 4 times its \
                         shortest ({lo} mm)"
                    ))
                })
            }
            HeadForm::Human(h) => h.problem(),
        }
    }
}

impl HumanProportions {
    /// The first thing wrong with these measures, if any.
    fn problem(&self) -> Option<HeadError> {
        let bounds: [(&'static str, f64, f64, f64, &'static str); 12] = [
            ("length_mm", self.length_mm, 120.0, 260.0, " mm"),
            ("breadth_mm", self.breadth_mm, 100.0, 220.0, " mm"),
            (
                "circumference_mm",
                self.circumference_mm,
                300.0,
                800.0,
                " mm",
            ),
            ("height_mm", self.height_mm, 150.0, 320.0, " mm"),
            ("face_height_mm", self.face_height_mm, 70.0, 170.0, " mm"),
            (
                "trichion_nasion_mm",
                self.trichion_nasion_mm,
                30.0,
                110.0,
                " mm",
            ),
            (
                "outer_canthus_mm",
                self.outer_canthus_mm,
                60.0,
                140.0,
                " mm",
            ),
            (
                "cheekbone_breadth_mm",
                self.cheekbone_breadth_mm,
                80.0,
                200.0,
                " mm",
            ),
            ("nose_length_mm", self.nose_length_mm, 25.0, 90.0, " mm"),
            (
                "nose_projection_mm",
                self.nose_projection_mm,
                5.0,
                45.0,
                " mm",
            ),
            ("forehead_slope", self.forehead_slope, 0.0, 0.15, ""),
            ("crown_prominence", self.crown_prominence, 0.0, 0.15, ""),
        ];
        if let Some(e) = bounds
            .iter()
            .find_map(|&(n, v, lo, hi, unit)| check(n, v, lo, hi, unit))
        {
            return Some(e);
        }
        let pairs: [(bool, String); 6] = [
            (
                self.breadth_mm >= self.length_mm,
                format!(
                    "the breadth ({} mm) must be less than the length ({} mm)",
                    self.breadth_mm, self.length_mm
                ),
            ),
            (
                self.face_height_mm > self.height_mm - 60.0,
                format!(
                    "the face height ({} mm) leaves less than 60 mm of skull in a head {} mm high",
                    self.face_height_mm, self.height_mm
                ),
            ),
            (
                self.height_mm - 1.1 * self.face_height_mm < 0.3 * self.length_mm,
                format!(
                    "the skull above the glabella ({:.0} mm: height less 1.1 × face height) is \
                     too low for a head {} mm long",
                    self.height_mm - 1.1 * self.face_height_mm,
                    self.length_mm
                ),
            ),
            (
                self.outer_canthus_mm > 0.8 * self.breadth_mm,
                format!(
                    "the eyes' outer corners ({} mm apart) do not fit a head {} mm broad",
                    self.outer_canthus_mm, self.breadth_mm
                ),
            ),
            (
                self.cheekbone_breadth_mm > self.breadth_mm + 10.0,
                format!(
                    "the cheekbones ({} mm apart) stand out of a head {} mm broad",
                    self.cheekbone_breadth_mm, self.breadth_mm
                ),
            ),
            (
                self.nose_length_mm > 0.7 * self.face_height_mm,
                format!(
                    "the nose ({} mm) is too long for a face {} mm high",
                    self.nose_length_mm, self.face_height_mm
                ),
            ),
        ];
        pairs
            .into_iter()
            .find(|(bad, _)| *bad)
            .map(|(_, why)| HeadError::Inconsistent(why))
    }
}

/// `None` when `value` is finite and within `min..=max`.
fn check(
    name: &'static str,
    value: f64,
    min: f64,
    max: f64,
    unit: &'static str,
) -> Option<HeadError> {
    if !value.is_finite() {
        Some(HeadError::NotFinite { name })
    } else if value < min || value > max {
        Some(HeadError::OutOfBounds {
            name,
            value,
            min,
            max,
            unit,
        })
    } else {
        None
    }
}
