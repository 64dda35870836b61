//! Where a ray first meets a head's skin: sphere tracing on F(x) = |x| − R(x/|x|) with a step
//! that cannot pass the skin, then a bracketed Newton refinement to well under a micrometre.

use crate::geometry::{Point, Vec3};

use super::head::{Head, unit};

/// Below this F (mm) the march stops and the refinement starts.
const NEAR_MM: f64 = 1e-3;
/// The refinement stops when the bracket along the ray is this short, mm.
const DONE_MM: f64 = 1e-7;
/// The longest step a Newton guess may take from a safe point, mm: no feature of the skin is
/// thinner, so no crossing is skipped.
const NEWTON_REACH_MM: f64 = 0.05;
/// March steps before a ray that only grazes the skin is given up.
const MAX_STEPS: usize = 2000;

impl Head {
    /// F at `x` (mm): positive outside the skin, negative inside.
    fn gap(&self, x: Vec3) -> f64 {
        let r = x.length();
        if r == 0.0 {
            return -self.field.radius(Vec3::new(0.0, 0.0, 1.0));
        }
        r - self.field.radius(x * (1.0 / r))
    }

    /// F at `x` and its rate of change along unit `v` (∇F·v).
    fn gap_and_rate(&self, x: Vec3, v: Vec3) -> (f64, f64) {
        let r = x.length();
        let d = x * (1.0 / r);
        let (radius, g) = self.field.radius_and_slope(d);
        // ∇F = d − g/r for the tangential gradient g of R.
        (r - radius, (d - g * (1.0 / r)).dot(v))
    }

    /// The first point where the ray from `origin` along `direction` (any non-zero vector) meets
    /// the skin, mm in the head frame. `None` when the ray misses, points away, starts inside the
    /// head or is not finite.
    pub fn ray_hit(&self, origin: Vec3, direction: Vec3) -> Option<Vec3> {
        let v = unit(direction)?;
        if !origin.is_finite() {
            return None;
        }
        // Entry into and exit from the bounding sphere.
        let b = origin.dot(v);
        let c = origin.dot(origin) - self.reach_mm * self.reach_mm;
        let disc = b * b - c;
        if disc < 0.0 {
            return None;
        }
        let root = disc.sqrt();
        let t_exit = -b + root;
        if t_exit <= 0.0 {
            return None;
        }
        let mut t = (-b - root).max(0.0);
        if self.gap(origin + v * t) <= 0.0 {
            return None;
        }
        for _ in 0..MAX_STEPS {
            let x = origin + v * t;
            let f = self.gap(x);
            if f < NEAR_MM {
                let (_, rate) = self.gap_and_rate(x, v);
                if rate < 0.0 {
                    // Newton's step, a little long so that it lands inside when the crossing is
                    // near; if it does not, Newton's own step is still progress (from outside a
                    // convex F it stays short of the crossing).
                    let newton = f / -rate;
                    let probe = t + (newton * 1.01 + 1e-7).min(NEWTON_REACH_MM);
                    if self.gap(origin + v * probe) <= 0.0 {
                        return Some(self.refine(origin, v, t, probe));
                    }
                    t += newton.min(NEWTON_REACH_MM).max(f / self.steepness);
                    if t > t_exit {
                        return None;
                    }
                    continue;
                }
            }
            // The largest step that cannot pass the skin: F changes no faster than `steepness`.
            t += (f / self.steepness).max(NEAR_MM * 1e-3);
            if t > t_exit {
                return None;
            }
        }
        None
    }

    /// The crossing between `outside` (F > 0) and `inside` (F ≤ 0) along the ray, by Newton's
    /// method kept within the bracket.
    fn refine(&self, origin: Vec3, v: Vec3, mut outside: f64, mut inside: f64) -> Vec3 {
        let mut t = outside;
        for _ in 0..100 {
            if inside - outside < DONE_MM {
                break;
            }
            let (f, rate) = self.gap_and_rate(origin + v * t, v);
            if f > 0.0 {
                outside = t;
            } else {
                inside = t;
            }
            let mut next = t - f / rate;
            // A NaN fails both comparisons, so it bisects too.
            if !(next > outside && next < inside) {
                next = 0.5 * (outside + inside);
            }
            t = next;
        }
        origin + v * (0.5 * (outside + inside))
    }

    /// The map place where the ray from `origin` along `direction` first meets the skin (see
    /// [`Head::ray_hit`]); `None` also when that place is beyond the map.
    pub fn locate(&self, origin: Vec3, direction: Vec3) -> Option<Point> {
        self.to_map(self.ray_hit(origin, direction)?)
    }
}
