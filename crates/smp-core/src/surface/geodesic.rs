//! The shortest path on the skin between two map places: a polyline that starts straight on the
//! map and is pulled tight on the skin, coarse to fine.

use crate::geometry::{Point, Vec3};

use super::head::Head;

/// Segments of the final path: at most about this long, mm …
const SEGMENT_MM: f64 = 1.0;
/// … and at most this many.
const MAX_SEGMENTS: usize = 256;
/// The coarsest path pulled tight first.
const FIRST_SEGMENTS: usize = 8;
/// A path is tight when a sweep changes its length by less than this fraction.
const TIGHT: f64 = 1e-7;
/// Sweeps at most per resolution.
const MAX_SWEEPS: usize = 400;

impl Head {
    /// The length of the shortest path on the skin between the map places `a` and `b`, mm;
    /// `None` when either is off the map.
    ///
    /// The path starts as the straight line on the map (or, where that leaves the map, the
    /// great circle between the two directions), with 8 segments; each sweep moves every inner
    /// point to the midpoint of its neighbours and back onto the nearest point of the skin,
    /// until the length changes by less than 1e-7 of itself; then the segments are
    /// halved, until they are at most 1 mm long (at most 256 of them). Within 0.02% of the
    /// geodesic on a sphere and an ellipsoid; 155 mm from the glabella to the vertex of the
    /// adult male head (147 mm on the adult female), against straight distances of 139 and 131 mm.
    pub fn along_skin_mm(&self, a: Point, b: Point) -> Option<f64> {
        self.shortest_path(a, b).map(|path| length(&path))
    }

    /// The shortest path on the skin from the map place `a` to `b`, as [`Head::along_skin_mm`]
    /// finds it: points on the skin, mm in the head's frame, `a`'s first (one point where the
    /// two are the same place). `None` when either is off the map.
    pub fn shortest_path(&self, a: Point, b: Point) -> Option<Vec<Vec3>> {
        let (pa, pb) = (self.point_at(a)?, self.point_at(b)?);
        let chord = (pa - pb).length();
        if chord == 0.0 {
            return Some(vec![pa]);
        }
        let mut wanted = 1;
        while wanted < MAX_SEGMENTS && chord / (wanted as f64) > SEGMENT_MM {
            wanted *= 2;
        }
        if wanted == 1 {
            return Some(vec![pa, pb]);
        }
        let start = wanted.min(FIRST_SEGMENTS);
        let mut path = self.initial_path(a, b, pa, pb, start);
        loop {
            self.pull_tight(&mut path);
            if path.len() > wanted {
                break;
            }
            path = self.halve(&path);
        }
        Some(path)
    }

    /// `n` segments straight on the map from `a` to `b`, or along the great circle between their
    /// directions when the straight line leaves the map.
    fn initial_path(&self, a: Point, b: Point, pa: Vec3, pb: Vec3, n: usize) -> Vec<Vec3> {
        let on_map: Option<Vec<Vec3>> = (0..=n)
            .map(|k| self.point_at(a.lerp(b, k as f64 / n as f64)))
            .collect();
        if let Some(path) = on_map {
            return path;
        }
        let (da, db) = (pa.normalized(), pb.normalized());
        let angle = da.dot(db).clamp(-1.0, 1.0).acos();
        (0..=n)
            .map(|k| {
                let t = k as f64 / n as f64;
                let d = if angle < 1e-9 {
                    da
                } else {
                    // Spherical interpolation; nearly opposite directions take the way round
                    // the midpoint of the straight line.
                    let s = angle.sin();
                    if s < 1e-9 {
                        (da * (1.0 - t) + db * t + Vec3::new(0.0, 0.0, 1e-6)).normalized()
                    } else {
                        da * (((1.0 - t) * angle).sin() / s) + db * ((t * angle).sin() / s)
                    }
                };
                self.onto_skin(d)
            })
            .collect()
    }

    /// The skin's point on the ray from the origin through `x`.
    fn onto_skin(&self, x: Vec3) -> Vec3 {
        let d = x.normalized();
        d * self.field.radius(d)
    }

    /// The skin's point nearest `x` (which lies close to the skin): one Newton step along
    /// ∇F, then onto the skin along the ray. Moving along the ray alone would bend the path
    /// wherever the skin is not square to the ray, away from the geodesic.
    fn nearest_skin(&self, x: Vec3) -> Vec3 {
        let r = x.length();
        let d = x * (1.0 / r);
        let (radius, g) = self.field.radius_and_slope(d);
        let grad = d - g * (1.0 / r);
        self.onto_skin(x - grad * ((r - radius) / grad.dot(grad)))
    }

    /// Sweeps until the length settles (Gauss–Seidel: each point moves using its neighbours'
    /// newest places).
    fn pull_tight(&self, path: &mut [Vec3]) {
        let mut before = length(path);
        for _ in 0..MAX_SWEEPS {
            for i in 1..path.len() - 1 {
                path[i] = self.nearest_skin((path[i - 1] + path[i + 1]) * 0.5);
            }
            let after = length(path);
            if (before - after).abs() <= TIGHT * after {
                break;
            }
            before = after;
        }
    }

    /// The path with every segment split at its midpoint (put back onto the skin).
    fn halve(&self, path: &[Vec3]) -> Vec<Vec3> {
        let mut out = Vec::with_capacity(2 * path.len());
        for w in path.windows(2) {
            out.push(w[0]);
            out.push(self.nearest_skin((w[0] + w[1]) * 0.5));
        }
        if let Some(&last) = path.last() {
            out.push(last);
        }
        out
    }
}

/// A polyline's length, mm.
fn length(path: &[Vec3]) -> f64 {
    path.windows(2).map(|w| (w[1] - w[0]).length()).sum()
}
