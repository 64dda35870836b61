//! The skin being tattooed, flat or a head: one [`Surface`] type for the whole pipeline, with
//! every question asked in the level's map coordinates (mm, [`Point`]).
//!
//! A flat practice skin is the plane z = 0 of its canvas. A [`Head`] is a closed analytic
//! surface in the head frame (mm; +x toward the client's right ear, +y toward the nose, +z up),
//! drawn on an azimuthal scalp map centred on the vertex that keeps distances from the vertex
//! along the skin (see [`Head::to_map`]). Zones, scars and hairlines are ordinary polygons on
//! that map.
//!
//! Modules: `shape` (the RON description), `radius` (the skin's R(d)), `map` (the scalp map's
//! table), `landmarks` (names), `anatomy` (a human head's features, landmarks and regions),
//! `head` ([`Head`]), `locate` (rays), `geodesic` (paths on the skin), `area` (areas of map
//! polygons), `mesh` (triangles for drawing).

mod anatomy;
mod area;
mod geodesic;
mod head;
mod landmarks;
mod locate;
mod map;
mod mesh;
mod metric;
mod radius;
mod shape;
mod view;

use std::sync::Arc;

use crate::geometry::{Point, Polygon, Vec3};

pub use head::Head;
pub use landmarks::{Landmark, Region, UnknownLandmark};
pub use map::{AZIMUTH_STEP_DEG, POLAR_LIMIT_DEG, THETA_STEP_DEG};
pub use mesh::{HeadMesh, MAX_MESH_DETAIL, MeshPiece};
pub use metric::{LocalMetric, METRIC_STEP_MM, MetricGrid};
pub use shape::{HeadError, HeadForm, HeadShape, HumanProportions};
pub use view::{UnknownView, View};

/// The skin an attempt is tattooed on. Cheap to clone (a head is shared).
#[derive(Clone, Debug, PartialEq)]
pub enum Surface {
    /// A flat practice skin: the plane z = 0, its canvas from (0, 0) to `canvas_mm`.
    Flat {
        /// The canvas's width and height, mm.
        canvas_mm: (f64, f64),
    },
    /// A head, its scalp map as the canvas.
    Head(Arc<Head>),
}

impl Surface {
    /// The least skin length a map millimetre stands for over a head's scalp (the smaller
    /// singular value of the map's Jacobian, sampled on a 64 × 64 grid over the scalp and less
    /// 10% for what falls between), found once per head and kept; 1 on a flat skin. Searches
    /// for neighbours on the map use it to know how far they must look.
    pub fn min_stretch(&self) -> f64 {
        let surface = self;
        use std::collections::BTreeMap;
        use std::sync::Mutex;
        static FOUND: Mutex<BTreeMap<String, f64>> = Mutex::new(BTreeMap::new());
        let Surface::Head(head) = surface else {
            return 1.0;
        };
        let key = head.name().to_string();
        if let Some(v) = FOUND.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return *v;
        }
        let (w, h) = surface.canvas_mm();
        const N: usize = 64;
        let least = (0..N * N)
            .filter_map(|k| {
                let p = Point::new(
                    (k % N) as f64 / N as f64 * w + w / (2 * N) as f64,
                    (k / N) as f64 / N as f64 * h + h / (2 * N) as f64,
                );
                if head.region(p) != Some(Region::Scalp) {
                    return None;
                }
                let (tx, ty) = surface.tangents(p)?;
                // Singular values of [tx ty]: from the Gram matrix's eigenvalues.
                let (a, b, c) = (tx.dot(tx), tx.dot(ty), ty.dot(ty));
                let mean = 0.5 * (a + c);
                let spread = (0.25 * (a - c) * (a - c) + b * b).sqrt();
                Some((mean - spread).max(0.0).sqrt())
            })
            .fold(f64::INFINITY, f64::min);
        let v = if least.is_finite() {
            (0.9 * least).clamp(0.05, 1.0)
        } else {
            0.05
        };
        FOUND
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, v);
        v
    }

    /// A flat skin with a canvas of `width_mm` × `height_mm`.
    pub fn flat(width_mm: f64, height_mm: f64) -> Surface {
        Surface::Flat {
            canvas_mm: (width_mm, height_mm),
        }
    }

    /// The canvas the map places live on, mm: the flat canvas, or the head's map square
    /// (2S, 2S).
    pub fn canvas_mm(&self) -> (f64, f64) {
        match self {
            Surface::Flat { canvas_mm } => *canvas_mm,
            Surface::Head(head) => head.map_size_mm(),
        }
    }

    /// Whether `at` is on the skin: inside the flat canvas (edges included), or on the head
    /// map's domain.
    pub fn contains(&self, at: Point) -> bool {
        match self {
            Surface::Flat { canvas_mm: (w, h) } => {
                at.is_finite() && at.x_mm >= 0.0 && at.y_mm >= 0.0 && at.x_mm <= *w && at.y_mm <= *h
            }
            Surface::Head(head) => head.contains(at),
        }
    }

    /// The 3D point at `at`, mm: (x, y, 0) on a flat skin, the skin's point in the head frame
    /// on a head. `None` off the skin (see [`Surface::contains`]).
    pub fn point(&self, at: Point) -> Option<Vec3> {
        match self {
            Surface::Flat { .. } => self.contains(at).then(|| Vec3::new(at.x_mm, at.y_mm, 0.0)),
            Surface::Head(head) => head.point_at(at),
        }
    }

    /// The outward unit normal at `at` (dimensionless): (0, 0, 1) on a flat skin, toward its
    /// viewer. `None` off the skin.
    pub fn normal(&self, at: Point) -> Option<Vec3> {
        match self {
            Surface::Flat { .. } => self.contains(at).then_some(Vec3::new(0.0, 0.0, 1.0)),
            Surface::Head(head) => head.normal_at_map(at),
        }
    }

    /// ∂P/∂x_mm and ∂P/∂y_mm at `at`: skin mm per map mm (dimensionless vectors); (1, 0, 0) and
    /// (0, 1, 0) on a flat skin. On a head the outward normal is along ∂P/∂y × ∂P/∂x (the map
    /// is a view from above with y toward the back). `None` off the skin.
    pub fn tangents(&self, at: Point) -> Option<(Vec3, Vec3)> {
        match self {
            Surface::Flat { .. } => self
                .contains(at)
                .then_some((Vec3::new(1.0, 0.0, 0.0), Vec3::new(0.0, 1.0, 0.0))),
            Surface::Head(head) => head.tangents(at),
        }
    }

    /// The skin's local measures at `at`, from the head's grid (see [`Head::local`]); a flat
    /// skin's ([`LocalMetric::FLAT`]) on its canvas. `None` off the skin.
    pub fn local(&self, at: Point) -> Option<LocalMetric> {
        match self {
            Surface::Flat { .. } => self.contains(at).then_some(LocalMetric::FLAT),
            Surface::Head(head) => head.local(at),
        }
    }

    /// Skin mm² per map mm² at `at` (dimensionless): exactly 1 on a flat skin. `None` off the
    /// skin.
    pub fn area_element(&self, at: Point) -> Option<f64> {
        match self {
            Surface::Flat { .. } => self.contains(at).then_some(1.0),
            Surface::Head(head) => head.area_element(at),
        }
    }

    /// The straight 3D distance between `a` and `b`, mm. On a flat skin exactly
    /// `a.distance(b)`, anywhere on the plane (the canvas does not bound distances); on a head
    /// `None` when either is off the map. `None` for non-finite places.
    pub fn chord_mm(&self, a: Point, b: Point) -> Option<f64> {
        match self {
            Surface::Flat { .. } => (a.is_finite() && b.is_finite()).then(|| a.distance(b)),
            Surface::Head(head) => head.chord_mm(a, b),
        }
    }

    /// The length of the shortest path on the skin from `a` to `b`, mm (see
    /// [`Head::along_skin_mm`]). On a flat skin exactly `a.distance(b)`, anywhere on the plane.
    /// `None` for non-finite places or, on a head, places off the map.
    pub fn along_skin_mm(&self, a: Point, b: Point) -> Option<f64> {
        match self {
            Surface::Flat { .. } => (a.is_finite() && b.is_finite()).then(|| a.distance(b)),
            Surface::Head(head) => head.along_skin_mm(a, b),
        }
    }

    /// The skin area inside a map polygon, mm²: exactly `polygon.area_mm2()` on a flat skin; on
    /// a head the area element integrated over the polygon (see [`Head::area_mm2`]).
    pub fn area_mm2(&self, polygon: &Polygon) -> f64 {
        match self {
            Surface::Flat { .. } => polygon.area_mm2(),
            Surface::Head(head) => head.area_mm2(polygon),
        }
    }

    /// Where the ray from `origin` along `direction` (mm; any non-zero vector) first meets the
    /// skin, as a map place. Flat: where it crosses the plane z = 0 (from either side) inside
    /// the canvas. Head: see [`Head::locate`]. `None` when it misses.
    pub fn locate(&self, origin: Vec3, direction: Vec3) -> Option<Point> {
        match self {
            Surface::Flat { .. } => {
                if !(origin.is_finite() && direction.is_finite()) || direction.z == 0.0 {
                    return None;
                }
                let t = -origin.z / direction.z;
                if !(t >= 0.0 && t.is_finite()) {
                    return None;
                }
                let at = Point::new(origin.x + t * direction.x, origin.y + t * direction.y);
                self.contains(at).then_some(at)
            }
            Surface::Head(head) => head.locate(origin, direction),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_surface_is_the_plane_of_its_canvas() {
        let flat = Surface::flat(100.0, 50.0);
        let (a, b) = (Point::new(3.0, 4.0), Point::new(99.0, 49.5));
        assert_eq!(flat.chord_mm(a, b), Some(a.distance(b)));
        assert_eq!(flat.along_skin_mm(a, b), Some(a.distance(b)));
        assert_eq!(flat.point(b), Some(Vec3::new(99.0, 49.5, 0.0)));
        assert!(flat.contains(Point::new(100.0, 50.0)));
        assert!(!flat.contains(Point::new(100.1, 50.0)));
        assert_eq!(flat.normal(Point::new(-1.0, 0.0)), None);
        let square = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(10.0, 10.0));
        assert_eq!(flat.area_mm2(&square), 100.0);
        let hit = flat.locate(Vec3::new(10.0, 10.0, 50.0), Vec3::new(0.0, 0.0, -2.0));
        assert_eq!(hit, Some(Point::new(10.0, 10.0)));
    }

    #[test]
    fn on_the_map_is_where_the_map_has_a_direction_fast_path_or_not() {
        let head = Head::named("adult-male").unwrap();
        let (w, _) = head.map_size_mm();
        let (mut inside, mut outside) = (0, 0);
        for i in 0..=290 {
            for j in 0..=290 {
                let p = Point::new(f64::from(i) * w / 290.0, f64::from(j) * w / 290.0);
                let on = head.contains(p);
                assert_eq!(on, head.map_angles(p).is_some(), "{p:?}");
                if on {
                    inside += 1;
                } else {
                    outside += 1;
                }
            }
        }
        assert!(inside > 1000 && outside > 1000, "{inside} {outside}");
    }

    #[test]
    fn a_sphere_surface_answers_on_its_map() {
        let head = Arc::new(Head::new(HeadShape::sphere("ball", 80.0)).unwrap());
        let surface = Surface::Head(Arc::clone(&head));
        let (w, h) = surface.canvas_mm();
        assert_eq!(w, h);
        let vertex = Point::new(w / 2.0, h / 2.0);
        let top = surface.point(vertex).unwrap();
        assert!((top - Vec3::new(0.0, 0.0, 80.0)).length() < 1e-9);
        assert!((surface.normal(vertex).unwrap() - Vec3::new(0.0, 0.0, 1.0)).length() < 1e-9);
        assert!((surface.area_element(vertex).unwrap() - 1.0).abs() < 1e-9);
        // A quarter meridian away (s = πR/2) is the equator, toward the face.
        let front = Point::new(w / 2.0, h / 2.0 - 80.0 * std::f64::consts::FRAC_PI_2);
        let p = surface.point(front).unwrap();
        assert!((p - Vec3::new(0.0, 80.0, 0.0)).length() < 1e-6, "{p:?}");
        let along = surface.along_skin_mm(vertex, front).unwrap();
        assert!(
            (along / (80.0 * std::f64::consts::FRAC_PI_2) - 1.0).abs() < 1e-4,
            "{along}"
        );
        let hit = surface
            .locate(Vec3::new(0.0, 300.0, 0.0), Vec3::new(0.0, -1.0, 0.0))
            .unwrap();
        assert!(hit.distance(front) < 1e-6, "{hit:?}");
    }
}
