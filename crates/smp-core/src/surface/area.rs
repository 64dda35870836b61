//! The skin area inside a polygon drawn on the scalp map.
//!
//! By Green's theorem in the map's polar coordinates (s, α) around the vertex, the skin area
//! inside a closed curve is ∮ A(θ, α) dα, where A is the skin area of the thin sector from the
//! vertex out to the curve per radian of azimuth (tabulated with the map). Each straight edge of
//! the polygon is integrated adaptively (Gauss–Legendre), so the result is as accurate as the
//! table (about 1e-6), not limited by a grid.

use crate::geometry::{Point, Polygon, Vec2};

use super::head::Head;
use super::map;

/// Gauss–Legendre nodes and weights on [−1, 1], five points.
const GAUSS: [(f64, f64); 5] = [
    (0.0, 0.568_888_888_888_888_9),
    (-0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
    (0.538_469_310_105_683_1, 0.478_628_670_499_366_5),
    (-0.906_179_845_938_664, 0.236_926_885_056_189_1),
    (0.906_179_845_938_664, 0.236_926_885_056_189_1),
];

/// Edges are first cut into pieces at most this long, mm …
const PIECE_MM: f64 = 4.0;
/// … and a piece is accepted when halving it changes its integral by less than this fraction
/// (plus 1e-9 mm²).
const PIECE_TOLERANCE: f64 = 1e-9;
/// Halvings at most.
const MAX_DEPTH: u32 = 16;
/// Pieces at most per edge, so that an absurdly long edge cannot take forever.
const MAX_PIECES: f64 = 4096.0;

impl Head {
    /// The skin area inside `polygon` (map mm), mm². The part of the polygon off the map counts
    /// nothing; a polygon with fewer than 3 vertices has no area; a non-finite vertex gives NaN.
    pub fn area_mm2(&self, polygon: &Polygon) -> f64 {
        let v = &polygon.vertices;
        if v.len() < 3 {
            return 0.0;
        }
        if v.iter().any(|p| !p.is_finite()) {
            return f64::NAN;
        }
        let mut total = 0.0;
        for i in 0..v.len() {
            let (a, b) = (v[i], v[(i + 1) % v.len()]);
            total += self.edge_integral(a, b);
        }
        total.abs()
    }

    /// ∫ A dα along the straight map edge `a`→`b`, mm².
    fn edge_integral(&self, a: Point, b: Point) -> f64 {
        if a == b {
            return 0.0;
        }
        // Split where the edge passes closest to the vertex: the integrand peaks there.
        let c = Point::new(self.half_map_mm, self.half_map_mm);
        let e = b - a;
        let t = ((c - a).dot(e) / e.length_sq()).clamp(0.0, 1.0);
        let mut sum = 0.0;
        for (t0, t1) in [(0.0, t), (t, 1.0)] {
            let pieces = ((t1 - t0) * e.length() / PIECE_MM)
                .ceil()
                .clamp(1.0, MAX_PIECES) as usize;
            for k in 0..pieces {
                let (p0, p1) = (
                    t0 + (t1 - t0) * k as f64 / pieces as f64,
                    t0 + (t1 - t0) * (k + 1) as f64 / pieces as f64,
                );
                if p1 > p0 {
                    let whole = self.gauss(a, b, p0, p1);
                    sum += self.adaptive(a, b, p0, p1, whole, 0);
                }
            }
        }
        sum
    }

    /// ∫ over [t0, t1] given its five-point estimate `whole`, halving until the halves agree.
    fn adaptive(&self, a: Point, b: Point, t0: f64, t1: f64, whole: f64, depth: u32) -> f64 {
        let mid = 0.5 * (t0 + t1);
        let (left, right) = (self.gauss(a, b, t0, mid), self.gauss(a, b, mid, t1));
        let tolerance = PIECE_TOLERANCE * (left.abs() + right.abs()) + 1e-9;
        if depth >= MAX_DEPTH || (left + right - whole).abs() < tolerance {
            return left + right;
        }
        self.adaptive(a, b, t0, mid, left, depth + 1)
            + self.adaptive(a, b, mid, t1, right, depth + 1)
    }

    /// Five-point Gauss–Legendre estimate of ∫ A dα over the edge's parameter range [t0, t1].
    fn gauss(&self, a: Point, b: Point, t0: f64, t1: f64) -> f64 {
        let half = 0.5 * (t1 - t0);
        let e = b - a;
        GAUSS
            .iter()
            .map(|&(x, w)| {
                let p = a.lerp(b, t0 + half * (1.0 + x));
                w * self.sector_rate(p, e)
            })
            .sum::<f64>()
            * half
    }

    /// A(θ, α)·dα/dt at the map place `p` moving along `e` (mm² per unit of the edge's
    /// parameter).
    fn sector_rate(&self, p: Point, e: Vec2) -> f64 {
        let (ox, oy) = (p.x_mm - self.half_map_mm, p.y_mm - self.half_map_mm);
        let r2 = ox * ox + oy * oy;
        if r2 < 1e-24 {
            return 0.0;
        }
        // α = atan2(ox, −oy), so dα = (ox·dy − oy·dx)/r².
        let rate = (ox * e.y_mm - oy * e.x_mm) / r2;
        let (s, alpha) = map::from_plane(p, self.half_map_mm);
        // Off the map the sector is cut at the map's edge: that part counts nothing.
        let theta = self
            .table
            .theta_of(s, alpha)
            .unwrap_or_else(|| self.table.theta_max());
        self.table.sector_area(theta, alpha) * rate
    }
}
