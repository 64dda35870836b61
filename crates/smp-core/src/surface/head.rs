//! [`Head`]: a closed, star-shaped analytic skin around the head frame's origin, its scalp map,
//! and (for a human head) its landmarks and regions.
//!
//! The skin is P(d) = R(d)·d for every unit direction d, mm. Its outward normal is the
//! normalized gradient of F(x) = |x| − R(x/|x|), computed from R's analytic gradient.

use std::fmt;

use crate::geometry::{Point, Polygon, Polyline, Vec3};

use super::anatomy::{self, Anatomy};
use super::landmarks::{Landmark, Region};
use super::map::{self, MeridianTable};
use super::metric::{LocalMetric, MetricGrid};
use super::radius::RadiusField;
use super::shape::{HeadError, HeadForm, HeadShape, SHIPPED_NAMES};

/// A head: the skin, its scalp map and, for a human head, its anatomy. Building one tabulates
/// the map (a fraction of a second); share it behind an `Arc` (see
/// [`Surface`](super::Surface)).
pub struct Head {
    pub(super) shape: HeadShape,
    pub(super) field: RadiusField,
    pub(super) table: MeridianTable,
    /// S: half the map's side, mm.
    pub(super) half_map_mm: f64,
    /// A sphere around the origin that holds the whole head, mm.
    pub(super) reach_mm: f64,
    /// A bound on |∇F| outside the skin (dimensionless): a safe step along a ray is F / this.
    pub(super) steepness: f64,
    pub(super) anatomy: Option<Anatomy>,
    /// The skin's local measures on a grid, sampled when first asked for.
    pub(super) metric: std::sync::OnceLock<MetricGrid>,
}

impl fmt::Debug for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Head")
            .field("shape", &self.shape)
            .field("map_size_mm", &self.map_size_mm())
            .finish_non_exhaustive()
    }
}

impl PartialEq for Head {
    /// Two heads are equal when they were made from equal shapes (the rest follows from it).
    fn eq(&self, other: &Head) -> bool {
        self.shape == other.shape
    }
}

/// The unit vector along `v`, if `v` is finite and not zero.
pub(super) fn unit(v: Vec3) -> Option<Vec3> {
    let n = v.normalized();
    (v.is_finite() && n != Vec3::ZERO).then_some(n)
}

impl Head {
    /// The skin's local measures at the map place `at`, read from a grid sampled once per head
    /// (see [`MetricGrid`]): within a fraction of a per cent of the exact ones, much faster.
    pub fn local(&self, at: Point) -> Option<LocalMetric> {
        self.metric
            .get_or_init(|| MetricGrid::of(self.map_size_mm(), |p| self.local_exact(p)))
            .at(at, |p| self.local_exact(p))
    }

    /// The skin's local measures at the map place `at`, from the analytic form.
    pub fn local_exact(&self, at: Point) -> Option<LocalMetric> {
        Some(LocalMetric::from_parts(
            self.tangents(at)?,
            self.area_element(at)?,
            self.normal_at_map(at)?,
        ))
    }

    /// The head described by `shape`, checked first (see [`HeadShape::problem`]).
    pub fn new(shape: HeadShape) -> Result<Head, HeadError> {
        if let Some(e) = shape.problem() {
            return Err(e);
        }
        let field = match &shape.form {
            HeadForm::Sphere { radius_mm } => RadiusField::ellipsoid([*radius_mm; 3]),
            HeadForm::Ellipsoid { a_mm, b_mm, c_mm } => {
                RadiusField::ellipsoid([*a_mm, *b_mm, *c_mm])
            }
            HeadForm::Human(p) => anatomy::human_field(p)?,
        };
        let (reach_mm, steepness, thinnest) = survey(&field);
        if !(reach_mm.is_finite() && steepness.is_finite()) {
            return Err(HeadError::Inconsistent(
                "no head could be fitted to these proportions".into(),
            ));
        }
        if thinnest < 0.3 {
            return Err(HeadError::Inconsistent(format!(
                "the face's features cut too deep into the skull (down to {thinnest:.2} of its \
                 radius)"
            )));
        }
        let table = MeridianTable::new(&field);
        let half_map_mm = (table.s_max() / 10.0).ceil() * 10.0;
        let anatomy = match &shape.form {
            HeadForm::Human(p) => Some(Anatomy::new(p, &field, &table, half_map_mm)),
            _ => None,
        };
        Ok(Head {
            shape,
            field,
            table,
            half_map_mm,
            reach_mm,
            steepness,
            anatomy,
            metric: std::sync::OnceLock::new(),
        })
    }

    /// The shipped head called `name` (see [`Head::shipped_names`]).
    pub fn named(name: &str) -> Result<Head, HeadError> {
        Head::new(HeadShape::shipped(name)?)
    }

    /// The names of the shipped heads: `"adult-male"`, `"adult-female"`.
    pub fn shipped_names() -> &'static [&'static str] {
        &SHIPPED_NAMES
    }

    /// The shape this head was made from.
    pub fn shape(&self) -> &HeadShape {
        &self.shape
    }

    /// The head's name.
    pub fn name(&self) -> &str {
        &self.shape.name
    }

    /// The map's canvas, (2S, 2S) mm: S is the largest distance from the vertex the map covers,
    /// rounded up to a whole 10 mm. The vertex is at (S, S).
    pub fn map_size_mm(&self) -> (f64, f64) {
        (2.0 * self.half_map_mm, 2.0 * self.half_map_mm)
    }

    /// How far the map reaches from the vertex along azimuth `azimuth_rad` (rad, 0 toward the
    /// face, π/2 toward the client's right), mm on the map and along the skin; `None` for a
    /// non-finite angle.
    pub fn map_reach_mm(&self, azimuth_rad: f64) -> Option<f64> {
        azimuth_rad.is_finite().then(|| {
            self.table
                .edge(azimuth_rad.rem_euclid(std::f64::consts::TAU))
        })
    }

    /// A sphere centred on the origin that holds the whole head: its radius, mm.
    pub fn bounding_radius_mm(&self) -> f64 {
        self.reach_mm
    }

    /// The skin's distance from the origin along `direction` (any non-zero vector), mm.
    pub fn radius_mm(&self, direction: Vec3) -> Option<f64> {
        unit(direction).map(|d| self.field.radius(d))
    }

    /// The point of the skin along `direction` (any non-zero vector) from the origin, mm.
    pub fn skin_point(&self, direction: Vec3) -> Option<Vec3> {
        unit(direction).map(|d| d * self.field.radius(d))
    }

    /// The skin's outward unit normal along `direction` (any non-zero vector; dimensionless).
    pub fn skin_normal(&self, direction: Vec3) -> Option<Vec3> {
        unit(direction).map(|d| self.normal_at(d))
    }

    /// The outward unit normal at the skin along unit direction `d`: ∇F = d − g/R, where g is
    /// the tangential gradient of R.
    pub(super) fn normal_at(&self, d: Vec3) -> Vec3 {
        let (r, g) = self.field.radius_and_slope(d);
        (d - g * (1.0 / r)).normalized()
    }

    /// The map place of the skin along `point` from the origin (a point of the head frame or a
    /// direction: everything on one ray from the origin maps to the same place); `None` for the
    /// origin, non-finite input, or beyond the map's polar limit.
    pub fn to_map(&self, point: Vec3) -> Option<Point> {
        let d = unit(point)?;
        let (theta, alpha) = map::angles(d);
        let [s, _, _] = self.table.arc(theta, alpha)?;
        Some(map::to_plane(s, alpha, self.half_map_mm))
    }

    /// The unit direction (dimensionless) of the map place `at`; `None` off the map's domain.
    pub fn from_map(&self, at: Point) -> Option<Vec3> {
        let (theta, alpha) = self.map_angles(at)?;
        Some(map::direction(theta, alpha))
    }

    /// Polar angle and azimuth (rad) of the map place `at`, `None` off the domain.
    pub(super) fn map_angles(&self, at: Point) -> Option<(f64, f64)> {
        if !at.is_finite() {
            return None;
        }
        let (s, alpha) = map::from_plane(at, self.half_map_mm);
        let theta = self.table.theta_of(s, alpha)?;
        Some((theta, alpha))
    }

    /// Whether the map place `at` lies on the map's domain (on the skin). Only the map's edge in
    /// that direction is looked up: replay asks this of every pen sample.
    pub fn contains(&self, at: Point) -> bool {
        if !at.is_finite() {
            return false;
        }
        // Most places lie well inside every azimuth's edge: then no azimuth is needed.
        let near = (at.x_mm - self.half_map_mm).hypot(at.y_mm - self.half_map_mm);
        if near.is_finite() && self.table.surely_inside(near) {
            return true;
        }
        let (s, alpha) = map::from_plane(at, self.half_map_mm);
        s.is_finite() && s >= 0.0 && s <= self.table.edge(alpha.rem_euclid(std::f64::consts::TAU))
    }

    /// The skin's point at the map place `at`, mm.
    pub fn point_at(&self, at: Point) -> Option<Vec3> {
        let d = self.from_map(at)?;
        Some(d * self.field.radius(d))
    }

    /// The outward unit normal at the map place `at`.
    pub fn normal_at_map(&self, at: Point) -> Option<Vec3> {
        self.from_map(at).map(|d| self.normal_at(d))
    }

    /// ∂P/∂x and ∂P/∂y at the map place `at`: skin mm per map mm (dimensionless vectors). The
    /// outward normal is along ∂P/∂y × ∂P/∂x (the map is the head seen from above, y toward the
    /// back). At the vertex itself, the limit along the front meridian.
    pub fn tangents(&self, at: Point) -> Option<(Vec3, Vec3)> {
        let (theta, alpha) = self.map_angles(at)?;
        // The polar coordinates are singular at the vertex; 1e-7 rad is 1e-5 mm from it.
        let theta = theta.max(1e-7);
        let [s, sigma, tau] = self.table.arc(theta, alpha)?;
        let d = map::direction(theta, alpha);
        let (r, g) = self.field.radius_and_slope(d);
        let (e_theta, e_alpha) = map::meridian_frame(theta, alpha);
        let p_theta = d * g.dot(e_theta) + e_theta * r;
        let p_alpha_per_sin = d * g.dot(e_alpha) + e_alpha * r;
        // dP = (P_θ/σ)·(r̂·dM) + (P_α/s − (P_θ/σ)·τ/s)·(α̂·dM), with map radial r̂ = (sin α,
        // −cos α), azimuthal α̂ = (cos α, sin α), σ = ∂s/∂θ and τ = ∂s/∂α of the map.
        let radial = p_theta * (1.0 / sigma);
        let around = p_alpha_per_sin * (theta.sin() / s) - radial * (tau / s);
        let (sa, ca) = alpha.sin_cos();
        Some((radial * sa + around * ca, around * sa - radial * ca))
    }

    /// Skin mm² per map mm² at the map place `at` (dimensionless): |P_θ × P_α| /
    /// (s·√(R² + R_θ²)), tending to 1 at the vertex of a head that is level there.
    pub fn area_element(&self, at: Point) -> Option<f64> {
        let (theta, alpha) = self.map_angles(at)?;
        let theta = theta.max(1e-7);
        let [s, _, _] = self.table.arc(theta, alpha)?;
        let d = map::direction(theta, alpha);
        let (r, g) = self.field.radius_and_slope(d);
        let (e_theta, e_alpha) = map::meridian_frame(theta, alpha);
        let (rt, ra) = (g.dot(e_theta), g.dot(e_alpha));
        let along = r * r + rt * rt;
        // |P_θ × P_α| = sin θ · R · √(R² + R_θ² + (R_α/sin θ)²).
        Some(theta.sin() / s * r * (along + ra * ra).sqrt() / along.sqrt())
    }

    /// The straight 3D distance between two map places, mm.
    pub fn chord_mm(&self, a: Point, b: Point) -> Option<f64> {
        Some((self.point_at(a)? - self.point_at(b)?).length())
    }

    /// Where `landmark` is on the map; `None` on a head without a face (sphere, ellipsoid) or
    /// when it lies beyond the map's polar limit.
    pub fn landmark(&self, landmark: Landmark) -> Option<Point> {
        self.to_map(self.anatomy.as_ref()?.landmark(landmark))
    }

    /// Where `landmark` is on the skin, mm in the head frame; `None` on a head without a face.
    pub fn landmark_3d(&self, landmark: Landmark) -> Option<Vec3> {
        let d = self.anatomy.as_ref()?.landmark(landmark);
        Some(d * self.field.radius(d))
    }

    /// What the map place `at` is on; `None` off the map or on a head without a face.
    ///
    /// Decided in this order: **Ear** within two ear-bump widths of an ear's centre (an ellipse
    /// about 60 × 40 mm around each ear); **Scalp** inside [`Head::scalp_outline`]; otherwise
    /// **Face** when the place's azimuth is within the ears' azimuth of the front (in front of
    /// the ears), else **Neck**.
    pub fn region(&self, at: Point) -> Option<Region> {
        let anatomy = self.anatomy.as_ref()?;
        let (theta, alpha) = self.map_angles(at)?;
        Some(anatomy.region(at, map::direction(theta, alpha), alpha))
    }

    /// The scalp's outline on the map (mm; one vertex per degree of azimuth plus its corners):
    /// hair grows inside it on a head with no loss (Norwood 1). Along each azimuth the edge's
    /// polar angle is interpolated linearly between these corners, right side given (the left
    /// mirrors it): the juvenile hairline's mid-frontal point, trichion–nasion (straight) from
    /// the nasion; 2 mm lower on the mid-pupil line and 6 mm lower above the outer eye corner;
    /// 5 mm above the temple's hollow, 4° of azimuth behind it; 5 mm above the tragus's level,
    /// 8° in front of it (the sideburn); level with the tragus through the ear (the ear itself
    /// is its own region); 12 mm lower 18° behind the ear; 4 mm above the nape at 150°; the nape
    /// landmark in the midline at the back. `None` on a head without a face.
    pub fn scalp_outline(&self) -> Option<&Polygon> {
        self.anatomy.as_ref().map(Anatomy::scalp_outline)
    }

    /// The juvenile hairline on the map (mm), the front of [`Head::scalp_outline`] from the left
    /// temple across the mid-frontal point to the right temple. `None` on a head without a face.
    pub fn juvenile_hairline(&self) -> Option<Polyline> {
        self.anatomy.as_ref().map(|a| a.juvenile_hairline().clone())
    }
}

/// The head's extent from dense samples of directions: a radius that holds it (with a 2% and
/// 1 mm margin), a bound on |∇F| outside it (with a 15% margin), and the smallest
/// (1 + Σ bumps), as a fraction.
fn survey(field: &RadiusField) -> (f64, f64, f64) {
    let n = 40_000;
    let golden = std::f64::consts::PI * (3.0 - 5f64.sqrt());
    let (mut reach, mut steep) = (0.0f64, 1.0f64);
    let mut thinnest = f64::INFINITY;
    for k in 0..n {
        // A Fibonacci sphere: evenly spread directions.
        let z = 1.0 - (2.0 * k as f64 + 1.0) / n as f64;
        let rho = (1.0 - z * z).max(0.0).sqrt();
        let a = golden * k as f64;
        let d = Vec3::new(rho * a.cos(), rho * a.sin(), z);
        let (r, g) = field.radius_and_slope(d);
        reach = reach.max(r);
        steep = steep.max((1.0 + g.dot(g) / (r * r)).sqrt());
        thinnest = thinnest.min(field.relief(d));
    }
    (reach * 1.02 + 1.0, steep * 1.15, thinnest)
}
