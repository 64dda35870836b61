//! Plane geometry on the level canvas. All coordinates are millimetres, origin at the canvas's
//! top-left corner, x to the right, y downwards (towards the back of the head).

use std::ops::{Add, Mul, Sub};

use serde::{Deserialize, Serialize};

use crate::limits::MAX_VERTICES;

/// A point on the canvas, in mm. Written in files as a tuple `(x, y)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "(f64, f64)", into = "(f64, f64)")]
pub struct Point {
    /// Horizontal position, mm from the left edge.
    pub x_mm: f64,
    /// Vertical position, mm from the front (top) edge.
    pub y_mm: f64,
}

impl From<(f64, f64)> for Point {
    fn from((x_mm, y_mm): (f64, f64)) -> Self {
        Self { x_mm, y_mm }
    }
}

impl From<Point> for (f64, f64) {
    fn from(p: Point) -> Self {
        (p.x_mm, p.y_mm)
    }
}

impl Point {
    /// A point at (`x_mm`, `y_mm`).
    pub const fn new(x_mm: f64, y_mm: f64) -> Self {
        Self { x_mm, y_mm }
    }

    /// Euclidean distance to `other`, mm.
    pub fn distance(self, other: Point) -> f64 {
        self.distance_sq(other).sqrt()
    }

    /// Squared distance to `other`, mm².
    pub fn distance_sq(self, other: Point) -> f64 {
        (self - other).length_sq()
    }

    /// The point `t` of the way from `self` to `other` (0 gives `self`, 1 gives `other`).
    pub fn lerp(self, other: Point, t: f64) -> Point {
        self + (other - self) * t
    }

    /// Whether both coordinates are finite numbers.
    pub fn is_finite(self) -> bool {
        self.x_mm.is_finite() && self.y_mm.is_finite()
    }
}

/// A displacement on the canvas, mm: the difference of two [`Point`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Vec2 {
    /// Horizontal component, mm.
    pub x_mm: f64,
    /// Vertical component, mm (positive towards the back of the head).
    pub y_mm: f64,
}

impl Vec2 {
    /// The zero displacement.
    pub const ZERO: Vec2 = Vec2::new(0.0, 0.0);

    /// A displacement of (`x_mm`, `y_mm`).
    pub const fn new(x_mm: f64, y_mm: f64) -> Self {
        Self { x_mm, y_mm }
    }

    /// Length, mm.
    pub fn length(self) -> f64 {
        self.x_mm.hypot(self.y_mm)
    }

    /// Squared length, mm².
    pub fn length_sq(self) -> f64 {
        self.x_mm * self.x_mm + self.y_mm * self.y_mm
    }

    /// Dot product with `other`, mm².
    pub fn dot(self, other: Vec2) -> f64 {
        self.x_mm * other.x_mm + self.y_mm * other.y_mm
    }

    /// The same direction with length 1 (zero stays zero).
    pub fn normalized(self) -> Vec2 {
        let len = self.length();
        if len > 0.0 {
            self * (1.0 / len)
        } else {
            Vec2::ZERO
        }
    }

    /// Rotated a quarter turn (x, y) → (−y, x).
    pub fn perp(self) -> Vec2 {
        Vec2::new(-self.y_mm, self.x_mm)
    }

    /// Direction, rad (atan2; 0 = +x).
    pub fn angle_rad(self) -> f64 {
        self.y_mm.atan2(self.x_mm)
    }
}

impl Sub for Point {
    type Output = Vec2;
    fn sub(self, o: Point) -> Vec2 {
        Vec2::new(self.x_mm - o.x_mm, self.y_mm - o.y_mm)
    }
}

impl Add<Vec2> for Point {
    type Output = Point;
    fn add(self, v: Vec2) -> Point {
        Point::new(self.x_mm + v.x_mm, self.y_mm + v.y_mm)
    }
}

impl Sub<Vec2> for Point {
    type Output = Point;
    fn sub(self, v: Vec2) -> Point {
        Point::new(self.x_mm - v.x_mm, self.y_mm - v.y_mm)
    }
}

impl Add for Vec2 {
    type Output = Vec2;
    fn add(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x_mm + o.x_mm, self.y_mm + o.y_mm)
    }
}

impl Sub for Vec2 {
    type Output = Vec2;
    fn sub(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x_mm - o.x_mm, self.y_mm - o.y_mm)
    }
}

impl Mul<f64> for Vec2 {
    type Output = Vec2;
    fn mul(self, k: f64) -> Vec2 {
        Vec2::new(self.x_mm * k, self.y_mm * k)
    }
}

/// A vector in 3D space: a point or displacement in the head's frame, mm (x toward the client's
/// right ear, y toward the front, z up), or a direction (dimensionless, often of length 1).
/// Written in files as `(x: …, y: …, z: …)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Vec3 {
    /// Component toward the client's right, mm (dimensionless for a direction).
    pub x: f64,
    /// Component toward the front (the nose), mm (dimensionless for a direction).
    pub y: f64,
    /// Component upward (toward the vertex), mm (dimensionless for a direction).
    pub z: f64,
}

impl Vec3 {
    /// The zero vector.
    pub const ZERO: Vec3 = Vec3::new(0.0, 0.0, 0.0);

    /// The vector (`x`, `y`, `z`), mm (or dimensionless).
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Self { x, y, z }
    }

    /// Dot product with `other` (mm² for two displacements).
    pub fn dot(self, other: Vec3) -> f64 {
        self.x * other.x + self.y * other.y + self.z * other.z
    }

    /// Cross product `self × other` (right-handed; mm² for two displacements).
    pub fn cross(self, other: Vec3) -> Vec3 {
        Vec3::new(
            self.y * other.z - self.z * other.y,
            self.z * other.x - self.x * other.z,
            self.x * other.y - self.y * other.x,
        )
    }

    /// Length, mm (dimensionless for a direction).
    pub fn length(self) -> f64 {
        self.dot(self).sqrt()
    }

    /// The same direction with length 1 (zero, and anything not finite, gives zero).
    pub fn normalized(self) -> Vec3 {
        let len = self.length();
        if len > 0.0 && len.is_finite() {
            self * (1.0 / len)
        } else {
            Vec3::ZERO
        }
    }

    /// Whether all three components are finite numbers.
    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl std::ops::Neg for Vec3 {
    type Output = Vec3;
    fn neg(self) -> Vec3 {
        Vec3::new(-self.x, -self.y, -self.z)
    }
}

impl Mul<f64> for Vec3 {
    type Output = Vec3;
    fn mul(self, k: f64) -> Vec3 {
        Vec3::new(self.x * k, self.y * k, self.z * k)
    }
}

/// An axis-aligned rectangle in mm.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Smallest corner.
    pub min: Point,
    /// Largest corner.
    pub max: Point,
}

impl Rect {
    /// The middle, mm.
    pub fn center(&self) -> Point {
        self.min.lerp(self.max, 0.5)
    }
    /// Width, mm.
    pub fn width_mm(&self) -> f64 {
        self.max.x_mm - self.min.x_mm
    }
    /// Height, mm.
    pub fn height_mm(&self) -> f64 {
        self.max.y_mm - self.min.y_mm
    }
    /// Whether `p` lies inside or on the border.
    pub fn contains(&self, p: Point) -> bool {
        p.x_mm >= self.min.x_mm
            && p.x_mm <= self.max.x_mm
            && p.y_mm >= self.min.y_mm
            && p.y_mm <= self.max.y_mm
    }
}

/// A simple closed polygon (the last vertex joins the first), vertices in mm.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Polygon {
    /// Vertices in order; at least three for a valid polygon (see [`Polygon::problem`]).
    pub vertices: Vec<Point>,
}

impl Polygon {
    /// A polygon from its vertices.
    pub fn new(vertices: Vec<Point>) -> Self {
        Self { vertices }
    }

    /// An axis-aligned rectangle as a polygon.
    pub fn rectangle(min: Point, max: Point) -> Self {
        Self::new(vec![
            min,
            Point::new(max.x_mm, min.y_mm),
            max,
            Point::new(min.x_mm, max.y_mm),
        ])
    }

    /// What makes this polygon unusable, if anything: too few or too many vertices, a
    /// non-finite vertex, no area, or edges that cross.
    pub fn problem(&self) -> Option<String> {
        let n = self.vertices.len();
        if n < 3 {
            return Some(format!(
                "a polygon needs at least 3 vertices, this one has {n}"
            ));
        }
        // Checked first: the crossing test below is quadratic in the vertex count.
        if n > MAX_VERTICES {
            return Some(format!(
                "a polygon may have at most {MAX_VERTICES} vertices, this one has {n}"
            ));
        }
        if let Some(i) = self.vertices.iter().position(|p| !p.is_finite()) {
            return Some(format!("vertex {i} is not a finite number"));
        }
        // Edge crossings: O(n²) is fine for hand-written level polygons (tens of vertices).
        for i in 0..n {
            for j in i + 1..n {
                let adjacent = j == i + 1 || (i == 0 && j == n - 1);
                if adjacent {
                    continue;
                }
                let (a, b) = (self.vertices[i], self.vertices[(i + 1) % n]);
                let (c, d) = (self.vertices[j], self.vertices[(j + 1) % n]);
                if segments_cross(a, b, c, d) {
                    return Some(format!("edges {i} and {j} cross each other"));
                }
            }
        }
        // After the crossings: a bow tie's halves cancel in the area, but its fault is the
        // crossing.
        if self.area_mm2() < 1e-6 {
            return Some("the polygon has no area".into());
        }
        None
    }

    /// Enclosed area, mm² (absolute value of the shoelace formula).
    pub fn area_mm2(&self) -> f64 {
        let n = self.vertices.len();
        if n < 3 {
            return 0.0;
        }
        let mut twice = 0.0;
        for i in 0..n {
            let a = self.vertices[i];
            let b = self.vertices[(i + 1) % n];
            twice += a.x_mm * b.y_mm - b.x_mm * a.y_mm;
        }
        (twice * 0.5).abs()
    }

    /// Whether this polygon and `other` share any area: a vertex of one inside the other, or
    /// (for polygons small enough to compare edge by edge) edges that cross.
    pub fn overlaps(&self, other: &Polygon) -> bool {
        let (a, b) = (self.bounds(), other.bounds());
        if a.max.x_mm < b.min.x_mm
            || b.max.x_mm < a.min.x_mm
            || a.max.y_mm < b.min.y_mm
            || b.max.y_mm < a.min.y_mm
        {
            return false;
        }
        let (ia, ib) = (PolygonIndex::new(self), PolygonIndex::new(other));
        if self.vertices.iter().any(|&p| ib.contains(p))
            || other.vertices.iter().any(|&p| ia.contains(p))
        {
            return true;
        }
        let (n, m) = (self.vertices.len(), other.vertices.len());
        // Two shapes can cross without a vertex inside the other (a plus sign); checked pairwise
        // only where that stays cheap.
        n * m <= 250_000
            && (0..n).any(|i| {
                let (p, q) = (self.vertices[i], self.vertices[(i + 1) % n]);
                (0..m).any(|j| segments_cross(p, q, other.vertices[j], other.vertices[(j + 1) % m]))
            })
    }

    /// Whether `p` lies inside (even-odd rule).
    pub fn contains(&self, p: Point) -> bool {
        let v = &self.vertices;
        let n = v.len();
        if n < 3 {
            return false;
        }
        let mut inside = false;
        let mut j = n - 1;
        for i in 0..n {
            let (a, b) = (v[i], v[j]);
            if (a.y_mm > p.y_mm) != (b.y_mm > p.y_mm) {
                let x = (b.x_mm - a.x_mm) * (p.y_mm - a.y_mm) / (b.y_mm - a.y_mm) + a.x_mm;
                if p.x_mm < x {
                    inside = !inside;
                }
            }
            j = i;
        }
        inside
    }

    /// The bounding rectangle (zero-sized at the origin when empty).
    pub fn bounds(&self) -> Rect {
        bounds_of(&self.vertices)
    }

    /// Distance from `p` to the nearest edge, mm.
    pub fn distance_to_edge(&self, p: Point) -> f64 {
        let n = self.vertices.len();
        (0..n)
            .map(|i| distance_sq_to_segment(p, self.vertices[i], self.vertices[(i + 1) % n]))
            .fold(f64::INFINITY, f64::min)
            .sqrt()
    }

    /// Whether `p` lies within `r_mm` of an edge (stops at the first such edge).
    pub fn is_near_edge(&self, p: Point, r_mm: f64) -> bool {
        let n = self.vertices.len();
        let r2 = r_mm * r_mm;
        (0..n).any(|i| {
            let (a, b) = (self.vertices[i], self.vertices[(i + 1) % n]);
            // Cheap reject: p is farther than r from the segment's bounding box.
            let outside_box = p.x_mm < a.x_mm.min(b.x_mm) - r_mm
                || p.x_mm > a.x_mm.max(b.x_mm) + r_mm
                || p.y_mm < a.y_mm.min(b.y_mm) - r_mm
                || p.y_mm > a.y_mm.max(b.y_mm) + r_mm;
            !outside_box && distance_sq_to_segment(p, a, b) < r2
        })
    }
}

/// A polygon prepared for many containment tests: its edges sorted into horizontal bands, so
/// a test looks only at the edges that cross the point's band. Answers exactly as
/// [`Polygon::contains`] does, at a cost that does not grow with the vertex count.
#[derive(Clone, Debug)]
pub struct PolygonIndex {
    vertices: Vec<Point>,
    bounds: Rect,
    /// Edge `i` runs from vertex `i` to vertex `i + 1` (wrapping); per band, the edges whose
    /// y-range meets it.
    bands: Vec<Vec<u32>>,
    band_mm: f64,
}

impl PolygonIndex {
    /// The index of `polygon`.
    pub fn new(polygon: &Polygon) -> Self {
        let v = &polygon.vertices;
        let bounds = polygon.bounds();
        let n = v.len();
        let count = n.clamp(1, 512);
        let band_mm = (bounds.height_mm() / count as f64).max(1e-9);
        let mut bands = vec![Vec::new(); count];
        if n >= 3 && v.iter().all(|p| p.is_finite()) {
            for i in 0..n {
                let (a, b) = (v[i], v[(i + 1) % n]);
                let (lo, hi) = (a.y_mm.min(b.y_mm), a.y_mm.max(b.y_mm));
                let first =
                    (((lo - bounds.min.y_mm) / band_mm).floor().max(0.0) as usize).min(count - 1);
                let last =
                    (((hi - bounds.min.y_mm) / band_mm).floor().max(0.0) as usize).min(count - 1);
                for band in &mut bands[first..=last] {
                    band.push(i as u32);
                }
            }
        }
        PolygonIndex {
            vertices: v.clone(),
            bounds,
            bands,
            band_mm,
        }
    }

    /// Whether `p` lies within `r_mm` of an edge, as [`Polygon::is_near_edge`] says: only the
    /// edges of the bands within `r_mm` of `p`'s height are looked at.
    pub fn is_near_edge(&self, p: Point, r_mm: f64) -> bool {
        let n = self.vertices.len();
        let banded = n >= 3 && self.vertices.iter().all(|v| v.is_finite());
        if !(banded && p.is_finite() && r_mm.is_finite()) {
            return Polygon::new(self.vertices.clone()).is_near_edge(p, r_mm);
        }
        let count = self.bands.len();
        let band_of = |y: f64| {
            (((y - self.bounds.min.y_mm) / self.band_mm).floor().max(0.0) as usize).min(count - 1)
        };
        let r2 = r_mm * r_mm;
        let (first, last) = (band_of(p.y_mm - r_mm), band_of(p.y_mm + r_mm));
        self.bands[first..=last].iter().flatten().any(|&i| {
            let i = i as usize;
            let (a, b) = (self.vertices[i], self.vertices[(i + 1) % n]);
            distance_sq_to_segment(p, a, b) < r2
        })
    }

    /// Whether `p` lies inside (even-odd rule), as [`Polygon::contains`] says.
    pub fn contains(&self, p: Point) -> bool {
        let n = self.vertices.len();
        if n < 3 || !self.bounds.contains(p) {
            return false;
        }
        let count = self.bands.len();
        let band = (((p.y_mm - self.bounds.min.y_mm) / self.band_mm)
            .floor()
            .max(0.0) as usize)
            .min(count - 1);
        let mut inside = false;
        for &i in &self.bands[band] {
            let i = i as usize;
            let (a, b) = (self.vertices[(i + 1) % n], self.vertices[i]);
            if (a.y_mm > p.y_mm) != (b.y_mm > p.y_mm) {
                let x = (b.x_mm - a.x_mm) * (p.y_mm - a.y_mm) / (b.y_mm - a.y_mm) + a.x_mm;
                if p.x_mm < x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// An open polyline (e.g. a hairline), vertices in mm.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Polyline {
    /// Vertices in order; at least two for a valid line.
    pub vertices: Vec<Point>,
}

impl Polyline {
    /// Distance from `p` to the line, mm.
    pub fn distance(&self, p: Point) -> f64 {
        self.vertices
            .windows(2)
            .map(|w| distance_sq_to_segment(p, w[0], w[1]))
            .fold(f64::INFINITY, f64::min)
            .sqrt()
    }

    /// Arc-length position (mm from the first vertex) of the point on the line closest to `p`,
    /// and the distance to it, mm.
    pub fn closest(&self, p: Point) -> (f64, f64) {
        self.closest_with(p, &self.cumulative_lengths())
    }

    /// Arc length at each vertex, mm (first 0); pass to [`Polyline::closest_with`] to query many
    /// points without measuring the line again for each.
    pub fn cumulative_lengths(&self) -> Vec<f64> {
        let mut walked = 0.0;
        let mut out = Vec::with_capacity(self.vertices.len());
        out.push(0.0);
        for w in self.vertices.windows(2) {
            walked += w[0].distance(w[1]);
            out.push(walked);
        }
        out
    }

    /// [`Polyline::closest`] with the line's [`Polyline::cumulative_lengths`] given.
    pub fn closest_with(&self, p: Point, cumulative: &[f64]) -> (f64, f64) {
        let (s, d, _) = self.closest_place_with(p, cumulative);
        (s, d)
    }

    /// [`Polyline::closest_with`], with the closest place itself: (arc position, mm; distance,
    /// mm; the place on the line, or `None` when no segment is measurable). The distance is
    /// exactly [`Polyline::distance`]'s, from one pass over the segments.
    pub fn closest_place_with(&self, p: Point, cumulative: &[f64]) -> (f64, f64, Option<Point>) {
        let mut best = (0.0, f64::INFINITY, None);
        for (i, w) in self.vertices.windows(2).enumerate() {
            let (a, b) = (w[0], w[1]);
            let t = segment_param(p, a, b);
            let q = a.lerp(b, t);
            let d2 = p.distance_sq(q);
            if d2 < best.1 {
                let (s0, s1) = (
                    cumulative.get(i).copied().unwrap_or(0.0),
                    cumulative.get(i + 1).copied().unwrap_or(0.0),
                );
                best = (s0 + t * (s1 - s0), d2, Some(q));
            }
        }
        (best.0, best.1.sqrt(), best.2)
    }

    /// Total length, mm.
    pub fn length_mm(&self) -> f64 {
        self.vertices.windows(2).map(|w| w[0].distance(w[1])).sum()
    }
}

/// The bounding rectangle of a set of points.
pub fn bounds_of(points: &[Point]) -> Rect {
    let Some(first) = points.first() else {
        return Rect {
            min: Point::default(),
            max: Point::default(),
        };
    };
    let mut r = Rect {
        min: *first,
        max: *first,
    };
    for p in points {
        r.min.x_mm = r.min.x_mm.min(p.x_mm);
        r.min.y_mm = r.min.y_mm.min(p.y_mm);
        r.max.x_mm = r.max.x_mm.max(p.x_mm);
        r.max.y_mm = r.max.y_mm.max(p.y_mm);
    }
    r
}

fn segment_param(p: Point, a: Point, b: Point) -> f64 {
    let ab = b - a;
    let len_sq = ab.length_sq();
    if len_sq <= 0.0 {
        return 0.0;
    }
    ((p - a).dot(ab) / len_sq).clamp(0.0, 1.0)
}

/// Distance from `p` to the segment `a`–`b`, mm.
pub fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    distance_sq_to_segment(p, a, b).sqrt()
}

/// Squared distance from `p` to the segment `a`–`b`, mm².
pub fn distance_sq_to_segment(p: Point, a: Point, b: Point) -> f64 {
    p.distance_sq(a.lerp(b, segment_param(p, a, b)))
}

fn orientation(a: Point, b: Point, c: Point) -> f64 {
    let (ab, ac) = (b - a, c - a);
    ab.x_mm * ac.y_mm - ab.y_mm * ac.x_mm
}

fn segments_cross(a: Point, b: Point, c: Point, d: Point) -> bool {
    let (o1, o2) = (orientation(a, b, c), orientation(a, b, d));
    let (o3, o4) = (orientation(c, d, a), orientation(c, d, b));
    o1 * o2 < 0.0 && o3 * o4 < 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Polygon {
        Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 10.0))
    }

    #[test]
    fn square_area_and_containment() {
        let s = square();
        assert_eq!(s.area_mm2(), 100.0);
        assert!(s.contains(Point::new(5.0, 5.0)));
        assert!(!s.contains(Point::new(15.0, 5.0)));
        assert!(s.problem().is_none());
    }

    #[test]
    fn bow_tie_is_rejected() {
        let p = Polygon::new(vec![
            Point::new(0.0, 0.0),
            Point::new(10.0, 10.0),
            Point::new(10.0, 0.0),
            Point::new(0.0, 6.0),
        ]);
        assert!(p.area_mm2() > 1.0);
        assert!(p.problem().unwrap().contains("cross"));
    }

    #[test]
    fn huge_polygons_are_refused_before_the_quadratic_check() {
        let n = MAX_VERTICES + 1;
        let ring: Vec<Point> = (0..n)
            .map(|i| {
                let a = i as f64 / n as f64 * std::f64::consts::TAU;
                Point::new(50.0 + 40.0 * a.cos(), 50.0 + 40.0 * a.sin())
            })
            .collect();
        assert!(
            Polygon::new(ring.clone())
                .problem()
                .unwrap()
                .contains("at most")
        );
        assert!(
            Polygon::new(ring[..MAX_VERTICES].to_vec())
                .problem()
                .is_none()
        );
    }

    #[test]
    fn the_index_answers_as_the_polygon_does() {
        let mut s = crate::rng::Stream::new(2, crate::rng::Purpose::Persona, 0);
        // A star with many vertices, and points all over and on its vertices.
        let n = 600;
        let star = Polygon::new(
            (0..n)
                .map(|i| {
                    let a = i as f64 / n as f64 * std::f64::consts::TAU;
                    let r = if i % 2 == 0 { 40.0 } else { 15.0 };
                    Point::new(50.0 + r * a.cos(), 50.0 + r * a.sin())
                })
                .collect(),
        );
        let index = PolygonIndex::new(&star);
        for k in 0..20_000 {
            let p = if k < n {
                star.vertices[k]
            } else {
                Point::new(s.range(0.0, 100.0), s.range(0.0, 100.0))
            };
            assert_eq!(index.contains(p), star.contains(p), "{p:?}");
            for r in [0.05, 0.5, 3.0, 30.0] {
                assert_eq!(
                    index.is_near_edge(p, r),
                    star.is_near_edge(p, r),
                    "{p:?} within {r}"
                );
            }
        }
        assert!(!PolygonIndex::new(&Polygon::default()).contains(Point::new(0.0, 0.0)));
        // Too few vertices to band: answered as the polygon would.
        let segment = Polygon::new(vec![Point::new(0.0, 0.0), Point::new(10.0, 0.0)]);
        let p = Point::new(5.0, 0.5);
        assert_eq!(
            PolygonIndex::new(&segment).is_near_edge(p, 1.0),
            segment.is_near_edge(p, 1.0)
        );
    }

    #[test]
    fn polyline_distance_and_arc_position() {
        let l = Polyline {
            vertices: vec![
                Point::new(0.0, 0.0),
                Point::new(10.0, 0.0),
                Point::new(10.0, 10.0),
            ],
        };
        let (s, d) = l.closest(Point::new(12.0, 5.0));
        assert!((s - 15.0).abs() < 1e-9 && (d - 2.0).abs() < 1e-9);
        assert_eq!(l.length_mm(), 20.0);
    }

    #[test]
    fn a_bow_tie_is_said_to_cross_and_overlap_is_found() {
        let bow = Polygon::new(vec![
            Point::new(0.0, 0.0),
            Point::new(10.0, 10.0),
            Point::new(10.0, 0.0),
            Point::new(0.0, 10.0),
        ]);
        assert!(
            bow.problem().unwrap().contains("cross"),
            "{:?}",
            bow.problem()
        );
        let square = |x: f64, y: f64, s: f64| {
            Polygon::new(vec![
                Point::new(x, y),
                Point::new(x + s, y),
                Point::new(x + s, y + s),
                Point::new(x, y + s),
            ])
        };
        assert!(square(0.0, 0.0, 10.0).overlaps(&square(5.0, 5.0, 10.0)));
        assert!(
            square(0.0, 0.0, 10.0).overlaps(&square(2.0, 2.0, 3.0)),
            "one inside the other"
        );
        assert!(!square(0.0, 0.0, 10.0).overlaps(&square(20.0, 0.0, 10.0)));
        // A plus sign: no vertex inside the other, yet they cross.
        let wide = Polygon::new(vec![
            Point::new(0.0, 4.0),
            Point::new(10.0, 4.0),
            Point::new(10.0, 6.0),
            Point::new(0.0, 6.0),
        ]);
        let tall = Polygon::new(vec![
            Point::new(4.0, 0.0),
            Point::new(6.0, 0.0),
            Point::new(6.0, 10.0),
            Point::new(4.0, 10.0),
        ]);
        assert!(wide.overlaps(&tall));
    }
}
