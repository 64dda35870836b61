//! The skin's local measures on a grid over a head's scalp map: the area element, the least
//! stretch (the shortest skin length a map millimetre stands for, in any direction), the map's
//! tangents and the normal. The hot loops of scoring and drawing read them between grid nodes
//! (bilinear), a hundred times faster than from the head's analytic form; next to the map's
//! edge, where a node is off the map, the exact values are computed instead.

use crate::geometry::{Point, Vec3};

/// Grid step, mm: the skin's measures change by well under 1% over it.
pub const METRIC_STEP_MM: f64 = 4.0;

/// The skin's local measures at a place (see the module's comment).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalMetric {
    /// Skin mm² per map mm².
    pub area_element: f64,
    /// The least skin length a map millimetre stands for, in any direction (mm per mm).
    pub least_stretch: f64,
    /// ∂P/∂x and ∂P/∂y: skin mm per map mm along the map's axes.
    pub tangents: (Vec3, Vec3),
    /// The outward unit normal.
    pub normal: Vec3,
}

impl LocalMetric {
    /// A flat skin's: the map is the skin.
    pub const FLAT: LocalMetric = LocalMetric {
        area_element: 1.0,
        least_stretch: 1.0,
        tangents: (Vec3::new(1.0, 0.0, 0.0), Vec3::new(0.0, 1.0, 0.0)),
        normal: Vec3::new(0.0, 0.0, 1.0),
    };

    /// The measures given the map's tangents at a place, its area element and its normal.
    pub fn from_parts(tangents: (Vec3, Vec3), area_element: f64, normal: Vec3) -> LocalMetric {
        let (tx, ty) = tangents;
        let (a, b, c) = (tx.dot(tx), tx.dot(ty), ty.dot(ty));
        let mean = 0.5 * (a + c);
        let spread = (0.25 * (a - c) * (a - c) + b * b).sqrt();
        LocalMetric {
            area_element,
            least_stretch: (mean - spread).max(0.0).sqrt(),
            tangents,
            normal,
        }
    }
}

/// [`LocalMetric`] sampled every [`METRIC_STEP_MM`] over a head's map square.
pub struct MetricGrid {
    cols: usize,
    rows: usize,
    nodes: Vec<Option<LocalMetric>>,
}

impl MetricGrid {
    /// Samples the exact measures `exact` over a `map_mm` square (a few tens of milliseconds,
    /// once per head).
    pub fn of(
        map_mm: (f64, f64),
        exact: impl Fn(Point) -> Option<LocalMetric> + Sync,
    ) -> MetricGrid {
        let (w, h) = map_mm;
        let cols = (w / METRIC_STEP_MM).ceil() as usize + 1;
        let rows = (h / METRIC_STEP_MM).ceil() as usize + 1;
        let nodes = crate::parallel::map(cols * rows, |k| {
            let at = Point::new(
                (k % cols) as f64 * METRIC_STEP_MM,
                (k / cols) as f64 * METRIC_STEP_MM,
            );
            exact(at)
        });
        MetricGrid { cols, rows, nodes }
    }

    /// The measures at `at`, bilinear between the four nodes around it (`exact` when one of them
    /// is off the map); `None` off the map.
    pub fn at(
        &self,
        at: Point,
        exact: impl Fn(Point) -> Option<LocalMetric>,
    ) -> Option<LocalMetric> {
        let (fx, fy) = (at.x_mm / METRIC_STEP_MM, at.y_mm / METRIC_STEP_MM);
        if !(fx.is_finite() && fy.is_finite()) || fx < 0.0 || fy < 0.0 {
            return None;
        }
        let (i, j) = (fx.floor() as usize, fy.floor() as usize);
        if i + 1 >= self.cols || j + 1 >= self.rows {
            return None;
        }
        let (u, v) = (fx - i as f64, fy - j as f64);
        let node = |di: usize, dj: usize| self.nodes[(j + dj) * self.cols + i + di];
        let (Some(a), Some(b), Some(c), Some(d)) = (node(0, 0), node(1, 0), node(0, 1), node(1, 1))
        else {
            return exact(at);
        };
        let w = [(1.0 - u) * (1.0 - v), u * (1.0 - v), (1.0 - u) * v, u * v];
        let mix = |f: &dyn Fn(&LocalMetric) -> f64| {
            w[0] * f(&a) + w[1] * f(&b) + w[2] * f(&c) + w[3] * f(&d)
        };
        let mix3 = |f: &dyn Fn(&LocalMetric) -> Vec3| {
            f(&a) * w[0] + f(&b) * w[1] + f(&c) * w[2] + f(&d) * w[3]
        };
        Some(LocalMetric {
            area_element: mix(&|m| m.area_element),
            // The least of the four: a bound for searches must not overstate the stretch.
            least_stretch: a
                .least_stretch
                .min(b.least_stretch)
                .min(c.least_stretch)
                .min(d.least_stretch),
            tangents: (mix3(&|m| m.tangents.0), mix3(&|m| m.tangents.1)),
            normal: mix3(&|m| m.normal).normalized(),
        })
    }
}
