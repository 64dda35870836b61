//! The scalp map: an azimuthal map centred on the vertex that keeps the distance from the
//! vertex along the skin, meridian by meridian.
//!
//! A direction with polar angle θ (from +z) and azimuth α (from the front, +y, toward the
//! client's right, +x) lies on the meridian of azimuth α at arc length
//! s(θ, α) = ∫₀^θ √(R² + R_θ²) dθ′ from the vertex. The map puts it at
//! (S + s·sin α, S − s·cos α) mm on a square of side 2S: the vertex in the middle, the face at the
//! top (small y), the client's right on the right, as in a top view with the nose up.
//!
//! s is tabulated on a grid of [`THETA_STEP_DEG`] × [`AZIMUTH_STEP_DEG`] (Simpson's rule per
//! cell) up to θ = [`POLAR_LIMIT_DEG`], and the map is *defined* as the table's interpolant
//! (cubic Hermite in θ with the exact derivative, a Catmull–Rom cubic across the columns in α:
//! continuously differentiable everywhere), so the map and its inverse are exact inverses of
//! each other. The same table holds the skin area of each sector from the
//! vertex, for areas by Green's theorem.

use std::f64::consts::TAU;

use crate::geometry::{Point, Vec3};
use crate::parallel;

use super::radius::RadiusField;

/// The map covers directions up to this angle from the vertex, degrees: past the brows, the
/// eyes, the nose's upper half, the ears and the nape (the chin and the neck below it lie
/// outside).
pub const POLAR_LIMIT_DEG: f64 = 145.0;
/// The table's step in polar angle, degrees.
pub const THETA_STEP_DEG: f64 = 0.25;
/// The table's step in azimuth, degrees.
pub const AZIMUTH_STEP_DEG: f64 = 0.25;

/// The unit direction of polar angle `theta` and azimuth `alpha`, rad.
pub(super) fn direction(theta: f64, alpha: f64) -> Vec3 {
    let (st, ct) = theta.sin_cos();
    let (sa, ca) = alpha.sin_cos();
    Vec3::new(st * sa, st * ca, ct)
}

/// Polar angle (0 at the vertex) and azimuth in [0, 2π) of a non-zero vector, rad.
pub(super) fn angles(d: Vec3) -> (f64, f64) {
    let theta = d.x.hypot(d.y).atan2(d.z);
    let mut alpha = d.x.atan2(d.y);
    if alpha < 0.0 {
        alpha += TAU;
    }
    if alpha >= TAU {
        alpha = 0.0;
    }
    (theta, alpha)
}

/// The unit tangents toward growing θ and growing α at (θ, α).
pub(super) fn meridian_frame(theta: f64, alpha: f64) -> (Vec3, Vec3) {
    let (st, ct) = theta.sin_cos();
    let (sa, ca) = alpha.sin_cos();
    (Vec3::new(ct * sa, ct * ca, -st), Vec3::new(ca, -sa, 0.0))
}

/// A map place from its distance to the vertex `s` and azimuth `alpha` on a map of half-side
/// `half`, mm.
pub(super) fn to_plane(s: f64, alpha: f64, half: f64) -> Point {
    let (sa, ca) = alpha.sin_cos();
    Point::new(half + s * sa, half - s * ca)
}

/// Distance to the vertex (mm) and azimuth in [0, 2π) (rad) of a map place.
pub(super) fn from_plane(at: Point, half: f64) -> (f64, f64) {
    let (ox, oy) = (at.x_mm - half, at.y_mm - half);
    let s = ox.hypot(oy);
    let mut alpha = ox.atan2(-oy);
    if alpha < 0.0 {
        alpha += TAU;
    }
    if alpha >= TAU {
        alpha = 0.0;
    }
    (s, alpha)
}

/// Where a polar angle falls in the table: the cell and the fraction across it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cell {
    /// Index of the cell's first node.
    index: usize,
    /// Fraction across the cell, 0–1.
    u: f64,
}

/// The four columns around an azimuth and their weights in the interpolation along α (a
/// Catmull–Rom cubic: C¹, exact for quadratics), and the weights of its derivative (per column).
#[derive(Clone, Copy, Debug)]
struct Columns {
    index: [usize; 4],
    weight: [f64; 4],
    slope: [f64; 4],
}

impl Columns {
    /// Σ weight·f(column).
    fn combine(&self, f: impl Fn(usize) -> f64) -> f64 {
        (0..4).map(|k| self.weight[k] * f(self.index[k])).sum()
    }
}

/// The tabulated arc lengths and sector areas along the meridians.
pub(super) struct MeridianTable {
    /// Cells along θ (nodes: one more).
    cells: usize,
    /// Columns in α (periodic).
    columns: usize,
    /// Steps, rad.
    h_theta: f64,
    h_alpha: f64,
    /// Per node, column-major (index column·(cells + 1) + row): the arc length s (mm) and
    /// ds/dθ (mm/rad); the sector area A = ∫₀^θ |P_θ × P_α| dθ′ (mm² per radian of azimuth) and
    /// dA/dθ.
    s: Vec<f64>,
    ds: Vec<f64>,
    area: Vec<f64>,
    darea: Vec<f64>,
    /// The largest s on the table's edge, mm.
    s_max: f64,
    /// An s every azimuth's edge reaches: the smallest edge node less the most the Catmull–Rom
    /// weights (whose negative parts sum to at most 0.15) can pull the interpolant below it, mm.
    s_inside: f64,
}

/// The Hermite cubic through (0, v0) and (1, v1) with slopes m0, m1 (per unit u): value and
/// derivative at u.
fn hermite(v0: f64, m0: f64, v1: f64, m1: f64, u: f64) -> (f64, f64) {
    let (u2, u3) = (u * u, u * u * u);
    let value = (2.0 * u3 - 3.0 * u2 + 1.0) * v0
        + (u3 - 2.0 * u2 + u) * m0
        + (-2.0 * u3 + 3.0 * u2) * v1
        + (u3 - u2) * m1;
    let slope = (6.0 * u2 - 6.0 * u) * v0
        + (3.0 * u2 - 4.0 * u + 1.0) * m0
        + (-6.0 * u2 + 6.0 * u) * v1
        + (3.0 * u2 - 2.0 * u) * m1;
    (value, slope)
}

impl MeridianTable {
    /// Tabulates `field` (on several threads; every column is computed on its own, so the table
    /// does not depend on the thread count).
    pub(super) fn new(field: &RadiusField) -> MeridianTable {
        let cells = (POLAR_LIMIT_DEG / THETA_STEP_DEG).round() as usize;
        let columns = (360.0 / AZIMUTH_STEP_DEG).round() as usize;
        let h_theta = POLAR_LIMIT_DEG.to_radians() / cells as f64;
        let h_alpha = TAU / columns as f64;
        let rows = cells + 1;
        // A head that is the same on both sides needs only the columns from the front round the
        // right side to the back; the left ones are their copies (so it stays exactly
        // symmetric).
        let computed = if field.is_mirror_symmetric() {
            columns / 2 + 1
        } else {
            columns
        };
        let chunks = parallel::threads().max(1) * 2;
        let per_chunk = computed.div_ceil(chunks);
        let mut parts: Vec<[Vec<f64>; 4]> = parallel::map_each(chunks, |k| {
            let mut out = Vec::new();
            for j in (k * per_chunk)..((k + 1) * per_chunk).min(computed) {
                out.push(column(field, j as f64 * h_alpha, h_theta, cells));
            }
            out
        })
        .into_iter()
        .flatten()
        .collect();
        for j in computed..columns {
            let twin = parts[columns - j].clone();
            parts.push(twin);
        }
        let mut table = MeridianTable {
            cells,
            columns,
            h_theta,
            h_alpha,
            s: Vec::with_capacity(rows * columns),
            ds: Vec::with_capacity(rows * columns),
            area: Vec::with_capacity(rows * columns),
            darea: Vec::with_capacity(rows * columns),
            s_max: 0.0,
            s_inside: 0.0,
        };
        let mut s_min = f64::INFINITY;
        for col in parts {
            table.s_max = table.s_max.max(col[0][cells]);
            s_min = s_min.min(col[0][cells]);
            table.s.extend_from_slice(&col[0]);
            table.ds.extend_from_slice(&col[1]);
            table.area.extend_from_slice(&col[2]);
            table.darea.extend_from_slice(&col[3]);
        }
        table.s_inside = s_min - 0.15 * (table.s_max - s_min);
        table
    }

    /// Whether every azimuth's edge lies at or beyond `s` (mm): then a place that far from the
    /// vertex is on the map whatever its azimuth, and the edge need not be looked up.
    pub(super) fn surely_inside(&self, s: f64) -> bool {
        s <= self.s_inside
    }

    /// The largest distance from the vertex the map covers, mm.
    pub(super) fn s_max(&self) -> f64 {
        self.s_max
    }

    /// The map's reach along azimuth `alpha`: s at the polar limit, mm.
    pub(super) fn edge(&self, alpha: f64) -> f64 {
        let last = self.cells;
        self.columns_at(alpha)
            .combine(|col| self.s[self.at(col, last)])
    }

    /// The polar limit, rad.
    pub(super) fn theta_max(&self) -> f64 {
        self.h_theta * self.cells as f64
    }

    fn at(&self, column: usize, row: usize) -> usize {
        column * (self.cells + 1) + row
    }

    fn columns_at(&self, alpha: f64) -> Columns {
        let x = (alpha / self.h_alpha).clamp(0.0, self.columns as f64);
        let first = (x.floor() as usize).min(self.columns - 1);
        let t = (x - first as f64).clamp(0.0, 1.0);
        let n = self.columns;
        let (t2, t3) = (t * t, t * t * t);
        Columns {
            index: [(first + n - 1) % n, first, (first + 1) % n, (first + 2) % n],
            weight: [
                0.5 * (-t3 + 2.0 * t2 - t),
                0.5 * (3.0 * t3 - 5.0 * t2 + 2.0),
                0.5 * (-3.0 * t3 + 4.0 * t2 + t),
                0.5 * (t3 - t2),
            ],
            slope: [
                0.5 * (-3.0 * t2 + 4.0 * t - 1.0),
                0.5 * (9.0 * t2 - 10.0 * t),
                0.5 * (-9.0 * t2 + 8.0 * t + 1.0),
                0.5 * (3.0 * t2 - 2.0 * t),
            ],
        }
    }

    /// The cell of polar angle `theta` (0 ≤ θ ≤ θmax).
    fn cell_of(&self, theta: f64) -> Cell {
        let x = (theta / self.h_theta).clamp(0.0, self.cells as f64);
        let index = (x.floor() as usize).min(self.cells - 1);
        Cell {
            index,
            u: (x - index as f64).clamp(0.0, 1.0),
        }
    }

    /// The interpolant of one tabulated quantity (values, θ-derivatives) at (cell, columns):
    /// value, ∂/∂θ (per rad) and ∂/∂α (per rad).
    fn interpolate(&self, values: &[f64], slopes: &[f64], cell: Cell, c: Columns) -> [f64; 3] {
        let h = self.h_theta;
        let mut out = [0.0; 3];
        for k in 0..4 {
            let col = c.index[k];
            let (i0, i1) = (self.at(col, cell.index), self.at(col, cell.index + 1));
            let (v, dv) = hermite(
                values[i0],
                slopes[i0] * h,
                values[i1],
                slopes[i1] * h,
                cell.u,
            );
            out[0] += c.weight[k] * v;
            out[1] += c.weight[k] * dv;
            out[2] += c.slope[k] * v;
        }
        [out[0], out[1] / h, out[2] / self.h_alpha]
    }

    /// The map's s (mm), ∂s/∂θ (mm/rad) and ∂s/∂α (mm/rad) at (θ, α); `None` past the polar
    /// limit or for non-finite angles.
    pub(super) fn arc(&self, theta: f64, alpha: f64) -> Option<[f64; 3]> {
        if !(theta.is_finite() && alpha.is_finite()) || theta < 0.0 || theta > self.theta_max() {
            return None;
        }
        let cell = self.cell_of(theta);
        Some(self.interpolate(&self.s, &self.ds, cell, self.columns_at(alpha)))
    }

    /// The sector area from the vertex to θ along azimuth α, mm² per radian of azimuth, with θ
    /// clamped to the table.
    pub(super) fn sector_area(&self, theta: f64, alpha: f64) -> f64 {
        let cell = self.cell_of(theta.clamp(0.0, self.theta_max()));
        self.interpolate(&self.area, &self.darea, cell, self.columns_at(alpha))[0]
    }

    /// The polar angle (rad) at which the map's s along azimuth α equals `s` (mm); `None` past
    /// the map's edge or for non-finite input.
    pub(super) fn theta_of(&self, s: f64, alpha: f64) -> Option<f64> {
        if !(s.is_finite() && alpha.is_finite()) || s < 0.0 {
            return None;
        }
        if s == 0.0 {
            return Some(0.0);
        }
        let c = self.columns_at(alpha);
        let value = |row: usize| c.combine(|col| self.s[self.at(col, row)]);
        let slope = |row: usize| c.combine(|col| self.ds[self.at(col, row)]) * self.h_theta;
        if s > value(self.cells) {
            return None;
        }
        // The last node at or below s: s grows strictly along every meridian, and so along the
        // interpolated ones (neighbouring columns differ far too little for the Catmull–Rom
        // weights' negative parts to turn it back).
        let (mut lo, mut hi) = (0usize, self.cells);
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if value(mid) <= s {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let (v0, m0, v1, m1) = (value(lo), slope(lo), value(lo + 1), slope(lo + 1));
        // Newton on the cell's cubic, kept inside a shrinking bracket.
        let (mut a, mut b) = (0.0f64, 1.0f64);
        let mut u = ((s - v0) / (v1 - v0)).clamp(0.0, 1.0);
        for _ in 0..60 {
            let (f, df) = hermite(v0, m0, v1, m1, u);
            let r = f - s;
            if r == 0.0 {
                break;
            }
            if r > 0.0 {
                b = u;
            } else {
                a = u;
            }
            let mut next = u - r / df;
            // A NaN fails both comparisons, so it bisects too.
            if !(next > a && next < b) {
                next = 0.5 * (a + b);
            }
            if (next - u).abs() < 1e-15 {
                u = next;
                break;
            }
            u = next;
        }
        Some((lo as f64 + u) * self.h_theta)
    }
}

/// One column of the table at azimuth `alpha`: [s, ds/dθ, A, dA/dθ] per node.
fn column(field: &RadiusField, alpha: f64, h: f64, cells: usize) -> [Vec<f64>; 4] {
    // The integrands at polar angle θ: ds/dθ = √(R² + R_θ²) and
    // dA/dθ = |P_θ × P_α| = sin θ · R · √(R² + R_θ² + (R_α / sin θ)²).
    let integrands = |theta: f64| {
        let d = direction(theta, alpha);
        let (r, g) = field.radius_and_slope(d);
        let (e_theta, e_alpha) = meridian_frame(theta, alpha);
        let (rt, ra) = (g.dot(e_theta), g.dot(e_alpha));
        let ds = (r * r + rt * rt).sqrt();
        let da = theta.sin() * r * (r * r + rt * rt + ra * ra).sqrt();
        (ds, da)
    };
    let rows = cells + 1;
    let (mut s, mut ds, mut a, mut da) = (
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
        Vec::with_capacity(rows),
    );
    let first = integrands(0.0);
    s.push(0.0);
    a.push(0.0);
    ds.push(first.0);
    da.push(first.1);
    for i in 0..cells {
        let t0 = i as f64 * h;
        let mid = integrands(t0 + 0.5 * h);
        let end = integrands(t0 + h);
        // Simpson's rule on each cell: error ~h⁵, far below a micrometre.
        s.push(s[i] + h / 6.0 * (ds[i] + 4.0 * mid.0 + end.0));
        a.push(a[i] + h / 6.0 * (da[i] + 4.0 * mid.1 + end.1));
        ds.push(end.0);
        da.push(end.1);
    }
    [s, ds, a, da]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_a_sphere_the_table_is_the_arc_length_and_the_cap_area() {
        let r = 90.0;
        let table = MeridianTable::new(&RadiusField::ellipsoid([r; 3]));
        assert!((table.s_max() - r * POLAR_LIMIT_DEG.to_radians()).abs() < 1e-9);
        for k in 0..500 {
            let theta = k as f64 / 500.0 * table.theta_max();
            let alpha = k as f64 * 0.731 % TAU;
            let [s, ds, da] = table.arc(theta, alpha).unwrap();
            assert!((s - r * theta).abs() < 1e-9, "{s} vs {}", r * theta);
            assert!((ds - r).abs() < 1e-9 && da.abs() < 1e-9);
            // The sector from the vertex: R²(1 − cos θ) per radian of azimuth.
            let area = table.sector_area(theta, alpha);
            assert!((area - r * r * (1.0 - theta.cos())).abs() < 1e-6, "{area}");
            let back = table.theta_of(s, alpha).unwrap();
            assert!((back - theta).abs() < 1e-12);
        }
        assert_eq!(table.arc(table.theta_max() + 1e-9, 0.0), None);
        assert_eq!(table.arc(f64::NAN, 0.0), None);
        assert_eq!(table.theta_of(table.s_max() + 1e-6, 1.0), None);
        assert_eq!(table.theta_of(-1.0, 1.0), None);
        assert_eq!(table.theta_of(0.0, 1.0), Some(0.0));
    }

    #[test]
    fn plane_and_angles_round_trip() {
        for k in 0..1000 {
            let s = k as f64 * 0.37;
            let alpha = (k as f64 * 2.399) % TAU;
            let at = to_plane(s, alpha, 300.0);
            let (s2, a2) = from_plane(at, 300.0);
            assert!((s2 - s).abs() < 1e-9);
            if s > 0.0 {
                let diff = (a2 - alpha).abs();
                assert!(diff.min(TAU - diff) < 1e-9, "{alpha} vs {a2}");
            }
            let theta = (k as f64 * 0.0031) % 3.0;
            let (t2, a3) = angles(direction(theta, alpha));
            assert!((t2 - theta).abs() < 1e-12);
            if theta > 1e-9 {
                let diff = (a3 - alpha).abs();
                assert!(diff.min(TAU - diff) < 1e-9);
            }
        }
        // The face is at the top: azimuth 0 gives a smaller y; the client's right, a larger x.
        assert!(to_plane(10.0, 0.0, 100.0).y_mm < 100.0);
        assert!(to_plane(10.0, std::f64::consts::FRAC_PI_2, 100.0).x_mm > 100.0);
    }

    #[test]
    fn the_hermite_cubic_matches_its_ends() {
        let (v, m) = hermite(2.0, 0.5, 3.0, 1.5, 0.0);
        assert_eq!((v, m), (2.0, 0.5));
        let (v, m) = hermite(2.0, 0.5, 3.0, 1.5, 1.0);
        assert_eq!((v, m), (3.0, 1.5));
    }
}
