//! The surface abstraction and the procedural head: the flat skin answers exactly as the plane
//! geometry does; on spheres, ellipsoids and the shipped heads the map round-trips, distances,
//! areas, normals and rays agree with analytic answers or with independently written oracles;
//! the heads have their measured size and their landmarks sit where anatomy puts them.

use std::f64::consts::{PI, TAU};
use std::sync::{Arc, LazyLock};

use smp_core::geometry::{Point, Polygon, Vec3};
use smp_core::rng::{Purpose, Stream};
use smp_core::surface::{
    Head, HeadError, HeadForm, HeadShape, Landmark, POLAR_LIMIT_DEG, Region, Surface,
};

static MALE: LazyLock<Arc<Head>> =
    LazyLock::new(|| Arc::new(Head::named("adult-male").expect("shipped head")));
static FEMALE: LazyLock<Arc<Head>> =
    LazyLock::new(|| Arc::new(Head::named("adult-female").expect("shipped head")));
const SPHERE_R: f64 = 90.0;
static SPHERE: LazyLock<Arc<Head>> =
    LazyLock::new(|| Arc::new(Head::new(HeadShape::sphere("ball", SPHERE_R)).unwrap()));
const ELLIPSOID_AXES: [f64; 3] = [75.0, 98.0, 88.0];
static ELLIPSOID: LazyLock<Arc<Head>> = LazyLock::new(|| {
    let [a, b, c] = ELLIPSOID_AXES;
    Arc::new(Head::new(HeadShape::ellipsoid("egg", a, b, c)).unwrap())
});

fn all_heads() -> [(&'static str, Arc<Head>); 4] {
    [
        ("sphere", Arc::clone(&SPHERE)),
        ("ellipsoid", Arc::clone(&ELLIPSOID)),
        ("male", Arc::clone(&MALE)),
        ("female", Arc::clone(&FEMALE)),
    ]
}

fn rng(index: u64) -> Stream {
    Stream::new(0x5eed, Purpose::Persona, index)
}

/// The vertex's place on the map.
fn centre(head: &Head) -> Point {
    let (w, h) = head.map_size_mm();
    Point::new(w / 2.0, h / 2.0)
}

/// A map place at distance `s` from the vertex along azimuth `alpha` (0 = toward the face).
fn polar(head: &Head, s: f64, alpha: f64) -> Point {
    let c = centre(head);
    Point::new(c.x_mm + s * alpha.sin(), c.y_mm - s * alpha.cos())
}

/// `n` places spread uniformly over the map's domain.
fn domain_points(head: &Head, n: usize, seed: u64) -> Vec<Point> {
    let (w, h) = head.map_size_mm();
    let mut r = rng(seed);
    let mut out = Vec::new();
    while out.len() < n {
        let p = Point::new(r.range(0.0, w), r.range(0.0, h));
        if head.contains(p) {
            out.push(p);
        }
    }
    out
}

/// The ellipsoid's skin along direction `d` (the oracle's own formula).
fn ellipsoid_point(d: Vec3) -> Vec3 {
    let [a, b, c] = ELLIPSOID_AXES;
    let d = d.normalized();
    d * (1.0 / ((d.x / a).powi(2) + (d.y / b).powi(2) + (d.z / c).powi(2)).sqrt())
}

fn angle_deg(a: Vec3, b: Vec3) -> f64 {
    a.normalized()
        .dot(b.normalized())
        .clamp(-1.0, 1.0)
        .acos()
        .to_degrees()
}

// --- The flat skin -------------------------------------------------------------------------

#[test]
fn the_flat_skin_answers_exactly_as_the_plane_does() {
    let flat = Surface::flat(120.0, 80.0);
    assert_eq!(flat.canvas_mm(), (120.0, 80.0));
    let mut r = rng(1);
    for _ in 0..2000 {
        let a = Point::new(r.range(-10.0, 130.0), r.range(-10.0, 90.0));
        let b = Point::new(r.range(-10.0, 130.0), r.range(-10.0, 90.0));
        // Bit for bit: the flat pipeline must not move by one ulp.
        assert_eq!(
            flat.chord_mm(a, b).unwrap().to_bits(),
            a.distance(b).to_bits()
        );
        assert_eq!(
            flat.along_skin_mm(a, b).unwrap().to_bits(),
            a.distance(b).to_bits()
        );
        let inside = (0.0..=120.0).contains(&a.x_mm) && (0.0..=80.0).contains(&a.y_mm);
        assert_eq!(flat.contains(a), inside, "{a:?}");
        if inside {
            assert_eq!(flat.point(a), Some(Vec3::new(a.x_mm, a.y_mm, 0.0)));
            assert_eq!(flat.normal(a), Some(Vec3::new(0.0, 0.0, 1.0)));
            assert_eq!(flat.area_element(a), Some(1.0));
            assert_eq!(
                flat.tangents(a),
                Some((Vec3::new(1.0, 0.0, 0.0), Vec3::new(0.0, 1.0, 0.0)))
            );
        } else {
            assert_eq!(flat.point(a), None);
            assert_eq!(flat.area_element(a), None);
        }
    }
    let zone = Polygon::new(vec![
        Point::new(10.0, 10.0),
        Point::new(50.3, 12.1),
        Point::new(44.0, 47.7),
        Point::new(20.0, 30.0),
    ]);
    assert_eq!(flat.area_mm2(&zone).to_bits(), zone.area_mm2().to_bits());
    // Rays: down onto the canvas, from below, parallel, away, off the canvas.
    let hit = flat.locate(Vec3::new(30.0, 40.0, 100.0), Vec3::new(0.1, -0.2, -1.0));
    let hit = hit.unwrap();
    assert!(hit.distance(Point::new(40.0, 20.0)) < 1e-12, "{hit:?}");
    assert!(
        flat.locate(Vec3::new(30.0, 40.0, -5.0), Vec3::new(0.0, 0.0, 1.0))
            .is_some()
    );
    assert_eq!(
        flat.locate(Vec3::new(30.0, 40.0, 5.0), Vec3::new(1.0, 0.0, 0.0)),
        None
    );
    assert_eq!(
        flat.locate(Vec3::new(30.0, 40.0, 5.0), Vec3::new(0.0, 0.0, 1.0)),
        None
    );
    assert_eq!(
        flat.locate(Vec3::new(300.0, 40.0, 5.0), Vec3::new(0.0, 0.0, -1.0)),
        None
    );
    let nan = Point::new(f64::NAN, 1.0);
    assert!(!flat.contains(nan));
    assert_eq!(flat.chord_mm(nan, hit), None);
    assert_eq!(flat.along_skin_mm(hit, nan), None);
    assert_eq!(
        flat.locate(Vec3::new(f64::NAN, 0.0, 5.0), Vec3::new(0.0, 0.0, -1.0)),
        None
    );
}

#[test]
fn a_head_surface_is_cheap_to_clone_and_compares_by_its_shape() {
    let a = Surface::Head(Arc::clone(&SPHERE));
    let b = a.clone();
    match (&a, &b) {
        (Surface::Head(x), Surface::Head(y)) => assert!(Arc::ptr_eq(x, y)),
        _ => unreachable!(),
    }
    assert_eq!(a, b);
    assert_ne!(a, Surface::Head(Arc::clone(&ELLIPSOID)));
    assert_ne!(a, Surface::flat(10.0, 10.0));
    // The debug text names the head; it does not print the tables.
    let text = format!("{a:?}");
    assert!(text.contains("ball") && text.len() < 1000, "{text}");
    assert_eq!(a.canvas_mm(), SPHERE.map_size_mm());
}

// --- The map ---------------------------------------------------------------------------------

#[test]
fn the_map_keeps_the_distance_from_the_vertex_along_the_skin() {
    // On a sphere every meridian is a great circle: s = R·θ.
    let head = &*SPHERE;
    let s_edge = SPHERE_R * POLAR_LIMIT_DEG.to_radians();
    let half = (s_edge / 10.0).ceil() * 10.0;
    assert_eq!(head.map_size_mm(), (2.0 * half, 2.0 * half));
    let mut r = rng(2);
    for _ in 0..3000 {
        let theta = r.range(0.0, POLAR_LIMIT_DEG.to_radians());
        let alpha = r.range(0.0, TAU);
        let d = Vec3::new(
            theta.sin() * alpha.sin(),
            theta.sin() * alpha.cos(),
            theta.cos(),
        );
        let at = head.to_map(d * 37.0).unwrap();
        let expected = polar(head, SPHERE_R * theta, alpha);
        assert!(at.distance(expected) < 1e-6, "{at:?} vs {expected:?}");
    }
    // The face is at the top of the map (smaller y), the client's right on the right.
    let c = centre(head);
    let front = head.to_map(Vec3::new(0.0, 1.0, 0.2)).unwrap();
    let right = head.to_map(Vec3::new(1.0, 0.0, 0.2)).unwrap();
    assert!(front.y_mm < c.y_mm && (front.x_mm - c.x_mm).abs() < 1e-9);
    assert!(right.x_mm > c.x_mm && (right.y_mm - c.y_mm).abs() < 1e-9);
    // On the ellipsoid, the meridian's arc length against an independent fine polyline.
    let e = &*ELLIPSOID;
    for k in 0..12 {
        let alpha = k as f64 * TAU / 12.0 + 0.1;
        let theta_end = 2.0;
        let n = 20_000;
        let mut s = 0.0;
        let mut prev = ellipsoid_point(Vec3::new(0.0, 0.0, 1.0));
        for i in 1..=n {
            let t = theta_end * i as f64 / n as f64;
            let p = ellipsoid_point(Vec3::new(
                t.sin() * alpha.sin(),
                t.sin() * alpha.cos(),
                t.cos(),
            ));
            s += (p - prev).length();
            prev = p;
        }
        let at = e.to_map(prev).unwrap();
        assert!(
            (at.distance(centre(e)) - s).abs() < 1e-3,
            "{alpha}: {at:?} vs s = {s}"
        );
    }
}

#[test]
fn map_places_round_trip_through_the_skin_within_a_hundredth_of_a_millimetre() {
    for (name, shared) in all_heads() {
        let head: &Head = &shared;
        let c = centre(head);
        let mut places = domain_points(head, 4000, 3);
        let mut r = rng(4);
        // Within 0.5 mm of the vertex, and the vertex itself.
        places.push(c);
        for _ in 0..500 {
            places.push(polar(head, r.range(0.0, 0.5), r.range(0.0, TAU)));
        }
        // Near the domain's edge.
        for _ in 0..1000 {
            let alpha = r.range(0.0, TAU);
            let edge = head.map_reach_mm(alpha).unwrap();
            places.push(polar(head, edge - r.range(1e-6, 0.5), alpha));
        }
        let mut worst = 0.0f64;
        for at in places {
            let d = head
                .from_map(at)
                .unwrap_or_else(|| panic!("{name}: {at:?} should be on the map"));
            assert!((d.length() - 1.0).abs() < 1e-12);
            let skin = head.skin_point(d).unwrap();
            let back = head.to_map(skin).unwrap();
            worst = worst.max(back.distance(at));
        }
        assert!(worst < 0.01, "{name}: worst round trip {worst} mm");
        // And the other way: direction → map → direction.
        for _ in 0..2000 {
            let theta = r.range(0.0, POLAR_LIMIT_DEG.to_radians() - 1e-6);
            let alpha = r.range(-PI, PI);
            let d = Vec3::new(
                theta.sin() * alpha.sin(),
                theta.sin() * alpha.cos(),
                theta.cos(),
            );
            let back = head.from_map(head.to_map(d).unwrap()).unwrap();
            assert!((d - back).length() < 1e-9, "{name}: {d:?} → {back:?}");
        }
    }
}

#[test]
fn places_off_the_map_are_off_the_skin() {
    for (name, shared) in all_heads() {
        let head: &Head = &shared;
        let (w, _) = head.map_size_mm();
        let mut r = rng(5);
        for _ in 0..500 {
            let alpha = r.range(0.0, TAU);
            let edge = head.map_reach_mm(alpha).unwrap();
            let at = polar(head, edge + r.range(1e-3, 50.0), alpha);
            assert_eq!(head.from_map(at), None, "{name}: {at:?}");
            assert!(!head.contains(at));
            assert_eq!(head.point_at(at), None);
            let surface = Surface::Head(Arc::clone(&shared));
            if r.uniform() < 0.1 {
                assert_eq!(surface.normal(at), None);
                assert_eq!(surface.tangents(at), None);
                assert_eq!(surface.area_element(at), None);
                assert_eq!(surface.chord_mm(at, centre(head)), None);
                assert_eq!(surface.along_skin_mm(centre(head), at), None);
            }
        }
        // The map square's corners are off the head; the chin is beyond the polar limit.
        assert!(!head.contains(Point::new(0.0, 0.0)));
        assert!(!head.contains(Point::new(w, w)));
        let below = (POLAR_LIMIT_DEG + 1.0).to_radians();
        assert_eq!(head.to_map(Vec3::new(0.0, below.sin(), below.cos())), None);
        assert_eq!(head.to_map(Vec3::ZERO), None);
        assert_eq!(head.to_map(Vec3::new(f64::NAN, 0.0, 1.0)), None);
        assert_eq!(head.to_map(Vec3::new(f64::INFINITY, 0.0, 1.0)), None);
        assert_eq!(head.from_map(Point::new(f64::NAN, 3.0)), None);
        assert_eq!(head.from_map(Point::new(3.0, f64::INFINITY)), None);
        assert_eq!(head.map_reach_mm(f64::NAN), None);
        assert_eq!(head.area_element(Point::new(f64::NAN, 3.0)), None);
    }
}

// --- Normals, tangents, area element ----------------------------------------------------------

#[test]
fn normals_and_tangents_agree_with_finite_differences_of_the_surface() {
    for (name, shared) in all_heads() {
        let head: &Head = &shared;
        let surface = Surface::Head(Arc::clone(&shared));
        let h = 1e-3;
        let mut checked = 0;
        for at in domain_points(head, 1500, 6) {
            let off = |dx: f64, dy: f64| Point::new(at.x_mm + dx, at.y_mm + dy);
            let far_from_vertex = at.distance(centre(head)) > 1.0;
            let (Some(xp), Some(xm), Some(yp), Some(ym)) = (
                surface.point(off(h, 0.0)),
                surface.point(off(-h, 0.0)),
                surface.point(off(0.0, h)),
                surface.point(off(0.0, -h)),
            ) else {
                continue; // within a step of the map's edge
            };
            if !far_from_vertex {
                continue;
            }
            checked += 1;
            let tx = (xp - xm) * (0.5 / h);
            let ty = (yp - ym) * (0.5 / h);
            let n = surface.normal(at).unwrap();
            assert!((n.length() - 1.0).abs() < 1e-12);
            // The map is a view from above with y toward the back: outward is ty × tx.
            let n_fd = ty.cross(tx).normalized();
            assert!(
                angle_deg(n, n_fd) < 0.01,
                "{name} {at:?}: {n:?} vs {n_fd:?}"
            );
            // The normal is also the gradient of F(x) = |x| − R(x̂), by differences in space.
            let p = surface.point(at).unwrap();
            let f = |q: Vec3| q.length() - head.radius_mm(q).unwrap();
            let e = 1e-4;
            let grad = Vec3::new(
                f(p + Vec3::new(e, 0.0, 0.0)) - f(p - Vec3::new(e, 0.0, 0.0)),
                f(p + Vec3::new(0.0, e, 0.0)) - f(p - Vec3::new(0.0, e, 0.0)),
                f(p + Vec3::new(0.0, 0.0, e)) - f(p - Vec3::new(0.0, 0.0, e)),
            );
            assert!(
                angle_deg(n, grad) < 0.01,
                "{name} {at:?}: {n:?} vs ∇F {grad:?}"
            );
            // Tangents.
            let (ax, ay) = surface.tangents(at).unwrap();
            let scale = tx.length().max(ty.length());
            assert!(
                (ax - tx).length() < 1e-4 * scale,
                "{name} {at:?}: {ax:?} vs {tx:?}"
            );
            assert!(
                (ay - ty).length() < 1e-4 * scale,
                "{name} {at:?}: {ay:?} vs {ty:?}"
            );
            assert!(n.dot(ax).abs() < 1e-6 * scale && n.dot(ay).abs() < 1e-6 * scale);
        }
        assert!(checked > 1000, "{name}: {checked}");
    }
}

#[test]
fn the_area_element_agrees_with_finite_differences_of_the_map() {
    for (name, shared) in all_heads() {
        let head: &Head = &shared;
        let h = 1e-3;
        let mut places = domain_points(head, 1500, 7);
        let mut r = rng(8);
        for _ in 0..100 {
            places.push(polar(head, r.range(0.6, 3.0), r.range(0.0, TAU)));
        }
        let mut checked = 0;
        for at in places {
            let off = |dx: f64, dy: f64| head.point_at(Point::new(at.x_mm + dx, at.y_mm + dy));
            let (Some(xp), Some(xm), Some(yp), Some(ym)) =
                (off(h, 0.0), off(-h, 0.0), off(0.0, h), off(0.0, -h))
            else {
                continue;
            };
            if at.distance(centre(head)) < 0.5 {
                continue;
            }
            checked += 1;
            let fd = ((xp - xm) * (0.5 / h))
                .cross((yp - ym) * (0.5 / h))
                .length();
            let analytic = head.area_element(at).unwrap();
            assert!(
                (analytic / fd - 1.0).abs() < 1e-4,
                "{name} {at:?}: {analytic} vs {fd}"
            );
        }
        assert!(checked > 1000, "{name}: {checked}");
        // Level at the vertex: the element tends to 1 there.
        let at_vertex = head.area_element(centre(head)).unwrap();
        let tolerance = if name == "sphere" || name == "ellipsoid" {
            1e-9
        } else {
            1e-3
        };
        assert!((at_vertex - 1.0).abs() < tolerance, "{name}: {at_vertex}");
    }
}

// --- Distances on the skin ---------------------------------------------------------------------

#[test]
fn on_a_sphere_chords_and_paths_match_the_great_circle() {
    let head = &*SPHERE;
    let surface = Surface::Head(Arc::clone(&SPHERE));
    let mut r = rng(9);
    let starts = domain_points(head, 300, 10);
    for (k, a) in starts.iter().enumerate() {
        // Dot spacing: 0.5–2 mm; then zone-sized distances up to 150 mm.
        let want = if k < 200 {
            r.range(0.5, 2.0)
        } else {
            r.range(2.0, 150.0)
        };
        let da = head.from_map(*a).unwrap();
        // A second place `want` mm away along the skin in a random direction.
        let (t1, t2) = {
            let helper = if da.z.abs() < 0.9 {
                Vec3::new(0.0, 0.0, 1.0)
            } else {
                Vec3::new(1.0, 0.0, 0.0)
            };
            let t1 = da.cross(helper).normalized();
            (t1, da.cross(t1))
        };
        let phi = r.range(0.0, TAU);
        let dir = t1 * phi.cos() + t2 * phi.sin();
        let ang = want / SPHERE_R;
        let db = da * ang.cos() + dir * ang.sin();
        let Some(b) = head.to_map(db) else { continue };
        let great_circle = SPHERE_R * da.dot(db).clamp(-1.0, 1.0).acos();
        let along = surface.along_skin_mm(*a, b).unwrap();
        let chord = surface.chord_mm(*a, b).unwrap();
        let exact_chord = 2.0 * SPHERE_R * (ang / 2.0).sin();
        assert!(
            (chord - exact_chord).abs() < 1e-6,
            "{chord} vs {exact_chord}"
        );
        let tolerance = if want <= 2.0 { 0.01 } else { 0.005 };
        assert!(
            (along / great_circle - 1.0).abs() < tolerance,
            "{a:?} → {b:?}: {along} vs {great_circle}"
        );
        assert!((chord / great_circle - 1.0).abs() < 0.01 || want > 2.0);
        assert!(along >= chord - 1e-9);
        // Far better than asked, in fact.
        assert!(
            (along / great_circle - 1.0).abs() < 2e-4,
            "{along} vs {great_circle}"
        );
    }
}

/// The geodesic between two points of the ellipsoid by shooting: integrates the geodesic
/// equation (RK4) from `a` and aims it at `b`. Independent of the head's machinery.
fn ellipsoid_geodesic(a: Vec3, b: Vec3) -> f64 {
    let [ax, ay, az] = ELLIPSOID_AXES;
    let inv2 = Vec3::new(1.0 / (ax * ax), 1.0 / (ay * ay), 1.0 / (az * az));
    let mul = |u: Vec3, v: Vec3| Vec3::new(u.x * v.x, u.y * v.y, u.z * v.z);
    let normal = |x: Vec3| mul(x, inv2).normalized();
    // v' = −(v·H v)/|∇F|² ∇F with F = Σ x²/a² − 1.
    let accel = |x: Vec3, v: Vec3| {
        let g = mul(x, inv2);
        g * (-(mul(v, v).dot(inv2)) / g.dot(g))
    };
    let project = |x: Vec3| ellipsoid_point(x);
    let na = normal(a);
    let aim = (b - a) - na * (b - a).dot(na);
    let e1 = aim.normalized();
    let e2 = na.cross(e1);
    let chord = (b - a).length();
    let h = 0.01;
    // Shoot at angle `phi` from the aim: signed miss across the path and the length at closest
    // approach.
    let shoot = |phi: f64| -> (f64, f64) {
        let mut x = a;
        let mut v = e1 * phi.cos() + e2 * phi.sin();
        let mut s = 0.0;
        let mut best = (f64::INFINITY, 0.0, x, v);
        let steps = (3.0 * chord / h) as usize + 10;
        for _ in 0..steps {
            let k1x = v;
            let k1v = accel(x, v);
            let k2x = v + k1v * (h / 2.0);
            let k2v = accel(x + k1x * (h / 2.0), k2x);
            let k3x = v + k2v * (h / 2.0);
            let k3v = accel(x + k2x * (h / 2.0), k3x);
            let k4x = v + k3v * h;
            let k4v = accel(x + k3x * h, k4x);
            x = x + (k1x + k2x * 2.0 + k3x * 2.0 + k4x) * (h / 6.0);
            v = v + (k1v + k2v * 2.0 + k3v * 2.0 + k4v) * (h / 6.0);
            x = project(x);
            let n = normal(x);
            v = (v - n * v.dot(n)).normalized();
            s += h;
            let dist = (x - b).length();
            if dist < best.0 {
                best = (dist, s, x, v);
            } else if dist > best.0 + 1.0 {
                break;
            }
        }
        let (_, s_best, x_best, v_best) = best;
        // Finish the last fraction of a step along the path, and the miss across it.
        let ahead = (b - x_best).dot(v_best);
        let across = (b - x_best).dot(normal(x_best).cross(v_best));
        (across, s_best + ahead)
    };
    let (mut p0, mut p1) = (0.0, 0.01);
    let (mut m0, mut m1) = (shoot(p0).0, shoot(p1).0);
    for _ in 0..40 {
        if m1.abs() < 1e-7 || m1 == m0 {
            break;
        }
        let p2 = p1 - m1 * (p1 - p0) / (m1 - m0);
        p0 = p1;
        m0 = m1;
        p1 = p2;
        m1 = shoot(p1).0;
    }
    shoot(p1).1
}

#[test]
fn on_an_ellipsoid_paths_match_an_independent_geodesic() {
    let head = &*ELLIPSOID;
    let surface = Surface::Head(Arc::clone(&ELLIPSOID));
    let mut r = rng(11);
    let places = domain_points(head, 60, 12);
    for (k, a) in places.iter().enumerate() {
        let short = k < 40;
        let alpha = r.range(0.0, TAU);
        let len = if short {
            r.range(0.5, 2.0)
        } else {
            r.range(30.0, 150.0)
        };
        let b = Point::new(a.x_mm + len * alpha.cos(), a.y_mm + len * alpha.sin());
        let (Some(pa), Some(pb)) = (surface.point(*a), surface.point(b)) else {
            continue;
        };
        assert!(
            (pa - ellipsoid_point(pa)).length() < 1e-9,
            "the skin is the ellipsoid"
        );
        let along = surface.along_skin_mm(*a, b).unwrap();
        let chord = surface.chord_mm(*a, b).unwrap();
        assert!((chord - (pa - pb).length()).abs() < 1e-12);
        if short {
            // For dot spacing: the chord bent onto the skin, finely.
            let n = 1000;
            let mut oracle = 0.0;
            let mut prev = pa;
            for i in 1..=n {
                let q = ellipsoid_point(pa + (pb - pa) * (i as f64 / n as f64));
                oracle += (q - prev).length();
                prev = q;
            }
            assert!((along / oracle - 1.0).abs() < 0.01, "{along} vs {oracle}");
            assert!((chord / oracle - 1.0).abs() < 0.01, "{chord} vs {oracle}");
        } else {
            let oracle = ellipsoid_geodesic(pa, pb);
            assert!(
                (along / oracle - 1.0).abs() < 0.005,
                "{a:?} → {b:?}: {along} vs geodesic {oracle}"
            );
            assert!(along >= chord, "{along} {chord}");
            // Far better than asked, in fact.
            assert!(
                (along / oracle - 1.0).abs() < 2e-4,
                "{along} vs geodesic {oracle}"
            );
        }
    }
}

#[test]
fn the_skin_distance_from_the_glabella_to_the_vertex_is_plausible() {
    for (head, lo, hi) in [(&*MALE, 140.0, 175.0), (&*FEMALE, 130.0, 170.0)] {
        let g = head.landmark(Landmark::Glabella).unwrap();
        let v = head.landmark(Landmark::Vertex).unwrap();
        let along = head.along_skin_mm(g, v).unwrap();
        let chord = head.chord_mm(g, v).unwrap();
        assert!(
            along > chord && (lo..hi).contains(&along),
            "{}: {along} (chord {chord})",
            head.name()
        );
        // Symmetric both ways.
        assert!((head.along_skin_mm(v, g).unwrap() - along).abs() < 1e-3 * along);
    }
}

// --- Areas ---------------------------------------------------------------------------------------

/// A polygon approximating the map disc of `radius` around `c`.
fn disc(c: Point, radius: f64, n: usize) -> Polygon {
    Polygon::new(
        (0..n)
            .map(|k| {
                let a = TAU * k as f64 / n as f64;
                Point::new(c.x_mm + radius * a.cos(), c.y_mm + radius * a.sin())
            })
            .collect(),
    )
}

/// The skin area inside a map polygon by a fine grid in (θ, α), with |P_θ × P_α| from
/// differences of `skin` (the skin along a direction): independent of the map's area table.
fn fine_area(head: &Head, polygon: &Polygon, skin: &dyn Fn(Vec3) -> Vec3, step_deg: f64) -> f64 {
    // The polygon's extent in (θ, α), from dense samples of its edges.
    let v = &polygon.vertices;
    let (mut t_lo, mut t_hi) = (f64::INFINITY, 0.0f64);
    let mut alphas = Vec::new();
    for i in 0..v.len() {
        for k in 0..200 {
            let p = v[i].lerp(v[(i + 1) % v.len()], k as f64 / 200.0);
            let d = head.from_map(p).unwrap();
            let theta = d.x.hypot(d.y).atan2(d.z);
            t_lo = t_lo.min(theta);
            t_hi = t_hi.max(theta);
            alphas.push(d.x.atan2(d.y));
        }
    }
    let around_vertex = polygon.contains(centre(head));
    let (a_lo, a_hi) = if around_vertex {
        t_lo = 0.0;
        (-PI, PI)
    } else {
        // The polygon's azimuths, unwrapped around their mean direction.
        let (sx, sy) = alphas
            .iter()
            .fold((0.0, 0.0), |(x, y), a| (x + a.sin(), y + a.cos()));
        let mid = sx.atan2(sy);
        let rel: Vec<f64> = alphas
            .iter()
            .map(|a| (a - mid + PI).rem_euclid(TAU) - PI)
            .collect();
        let lo = rel.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = rel.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        (mid + lo - 0.01, mid + hi + 0.01)
    };
    let step = step_deg.to_radians();
    let (t_lo, t_hi) = ((t_lo - 0.01).max(0.0), t_hi + 0.01);
    let nt = ((t_hi - t_lo) / step).ceil() as usize;
    let na = ((a_hi - a_lo) / step).ceil() as usize;
    let (dt, da) = ((t_hi - t_lo) / nt as f64, (a_hi - a_lo) / na as f64);
    let dir = |t: f64, a: f64| Vec3::new(t.sin() * a.sin(), t.sin() * a.cos(), t.cos());
    let mut total = 0.0;
    for i in 0..nt {
        let t = t_lo + (i as f64 + 0.5) * dt;
        for j in 0..na {
            let a = a_lo + (j as f64 + 0.5) * da;
            let d = dir(t, a);
            let Some(at) = head.to_map(d) else { continue };
            if !polygon.contains(at) {
                continue;
            }
            let e = 1e-6;
            let pt = (skin(dir(t + e, a)) - skin(dir(t - e, a))) * (0.5 / e);
            let pa = (skin(dir(t, a + e)) - skin(dir(t, a - e))) * (0.5 / e);
            total += pt.cross(pa).length() * dt * da;
        }
    }
    total
}

#[test]
fn zone_areas_on_a_sphere_are_spherical_caps() {
    let head = &*SPHERE;
    let surface = Surface::Head(Arc::clone(&SPHERE));
    // Discs of map radius s around the vertex are caps: 2πR²(1 − cos(s/R)); 12–95 cm².
    for s in [20.0, 35.0, 56.0] {
        let polygon = disc(centre(head), s, 720);
        let cap = TAU * SPHERE_R * SPHERE_R * (1.0 - (s / SPHERE_R).cos());
        let area = surface.area_mm2(&polygon);
        assert!((area / cap - 1.0).abs() < 1e-3, "s = {s}: {area} vs {cap}");
        // The map disc itself is smaller than the cap (the map stretches around the vertex).
        assert!(polygon.area_mm2() > area * 0.99 && polygon.area_mm2() < area * 1.1);
    }
    // Zones away from the vertex against the fine (θ, α) grid with the exact R² sin θ.
    let skin = |d: Vec3| d.normalized() * SPHERE_R;
    for polygon in zones(head) {
        let want = fine_area(head, &polygon, &skin, 0.1);
        let got = surface.area_mm2(&polygon);
        assert!((1000.0..10_000.0).contains(&want), "{want}");
        assert!(
            (got / want - 1.0).abs() < 0.01,
            "{polygon:?}: {got} vs {want}"
        );
    }
}

/// Test zones on a head's map: off-centre disc, rectangle, L-shape (not convex), a quad
/// around the vertex, a thin band near the map's outer part.
fn zones(head: &Head) -> Vec<Polygon> {
    let c = centre(head);
    let p = |dx: f64, dy: f64| Point::new(c.x_mm + dx, c.y_mm + dy);
    vec![
        disc(p(40.0, -60.0), 30.0, 180),
        Polygon::rectangle(p(-70.0, 20.0), p(-20.0, 70.0)),
        Polygon::new(vec![
            p(10.0, 10.0),
            p(80.0, 10.0),
            p(80.0, 30.0),
            p(30.0, 30.0),
            p(30.0, 90.0),
            p(10.0, 90.0),
        ]),
        Polygon::new(vec![
            p(-25.0, -30.0),
            p(35.0, -20.0),
            p(30.0, 35.0),
            p(-30.0, 25.0),
        ]),
        Polygon::new(vec![
            p(-40.0, 150.0),
            p(40.0, 150.0),
            p(40.0, 175.0),
            p(-40.0, 175.0),
        ]),
    ]
}

#[test]
fn zone_areas_on_an_ellipsoid_and_a_head_match_a_fine_integration() {
    let ellipsoid = Surface::Head(Arc::clone(&ELLIPSOID));
    for polygon in zones(&ELLIPSOID) {
        let want = fine_area(&ELLIPSOID, &polygon, &ellipsoid_point, 0.1);
        let got = ellipsoid.area_mm2(&polygon);
        assert!((1000.0..10_000.0).contains(&want), "{want}");
        assert!(
            (got / want - 1.0).abs() < 0.01,
            "{polygon:?}: {got} vs {want}"
        );
        // The grid oracle is far finer than needed: the two agree much more closely.
        assert!(
            (got / want - 1.0).abs() < 2e-3,
            "{polygon:?}: {got} vs {want}"
        );
    }
    let male = &*MALE;
    let skin = |d: Vec3| male.skin_point(d).unwrap();
    for polygon in zones(male) {
        let want = fine_area(male, &polygon, &skin, 0.1);
        let got = male.area_mm2(&polygon);
        assert!(
            (got / want - 1.0).abs() < 2e-3,
            "{polygon:?}: {got} vs {want}"
        );
    }
    // Degenerate and non-finite polygons.
    assert_eq!(male.area_mm2(&Polygon::default()), 0.0);
    assert!(
        male.area_mm2(&Polygon::new(vec![Point::new(f64::NAN, 0.0); 3]))
            .is_nan()
    );
    // Off the map counts nothing: a polygon covering the whole square is the whole map.
    let (w, _) = male.map_size_mm();
    let square = Polygon::rectangle(Point::new(0.0, 0.0), Point::new(w, w));
    let inner = disc(centre(male), 60.0, 720);
    assert!(male.area_mm2(&square) > male.area_mm2(&inner));
}

// --- Rays ---------------------------------------------------------------------------------------

#[test]
fn rays_meet_a_sphere_where_the_formula_says() {
    let head = &*SPHERE;
    let surface = Surface::Head(Arc::clone(&SPHERE));
    let mut r = rng(13);
    for target in domain_points(head, 500, 14) {
        let p = surface.point(target).unwrap();
        let n = surface.normal(target).unwrap();
        // From 50–400 mm away, up to 70° off the normal.
        let tilt = r.range(0.0, 70f64.to_radians());
        let helper = if n.z.abs() < 0.9 {
            Vec3::new(0.0, 0.0, 1.0)
        } else {
            Vec3::new(1.0, 0.0, 0.0)
        };
        let t1 = n.cross(helper).normalized();
        let t2 = n.cross(t1);
        let phi = r.range(0.0, TAU);
        let back = n * tilt.cos() + (t1 * phi.cos() + t2 * phi.sin()) * tilt.sin();
        let origin = p + back * r.range(50.0, 400.0);
        let direction = (p - origin) * r.range(0.01, 10.0);
        // The nearer root of |o + t v| = R.
        let v = direction.normalized();
        let b = origin.dot(v);
        let c = origin.dot(origin) - SPHERE_R * SPHERE_R;
        let t = -b - (b * b - c).sqrt();
        let exact = origin + v * t;
        let at = surface.locate(origin, direction).unwrap();
        let got = surface.point(at).unwrap();
        assert!((got - exact).length() < 0.05, "{got:?} vs {exact:?}");
        assert!((got - exact).length() < 1e-5, "{got:?} vs {exact:?}");
    }
    // Misses, rays pointing away, starting inside, not finite.
    let far = Vec3::new(0.0, 0.0, 400.0);
    assert_eq!(surface.locate(far, Vec3::new(1.0, 0.0, 0.0)), None);
    assert_eq!(surface.locate(far, Vec3::new(0.0, 0.0, 1.0)), None);
    assert_eq!(surface.locate(far, Vec3::new(0.3, 0.0, -1.0)), None);
    assert_eq!(surface.locate(Vec3::ZERO, Vec3::new(0.0, 0.0, 1.0)), None);
    assert_eq!(surface.locate(far, Vec3::ZERO), None);
    assert_eq!(surface.locate(far, Vec3::new(0.0, f64::NAN, -1.0)), None);
    assert_eq!(
        surface.locate(
            Vec3::new(f64::INFINITY, 0.0, 0.0),
            Vec3::new(-1.0, 0.0, 0.0)
        ),
        None
    );
    // A ray that meets the sphere beyond the map's polar limit: on the skin, off the map.
    assert_eq!(
        surface.locate(Vec3::new(0.0, 0.0, -400.0), Vec3::new(0.0, 0.0, 1.0)),
        None
    );
    assert!(
        head.ray_hit(Vec3::new(0.0, 0.0, -400.0), Vec3::new(0.0, 0.0, 1.0))
            .is_some()
    );
}

/// The first crossing of the skin along a ray by small fixed steps and bisection: slow, simple
/// and independent of the head's ray marcher.
fn marched_hit(head: &Head, origin: Vec3, direction: Vec3) -> Option<Vec3> {
    let v = direction.normalized();
    let f = |t: f64| {
        let x = origin + v * t;
        x.length() - head.radius_mm(x).unwrap()
    };
    let step = 0.05;
    let mut t = 0.0;
    // Skip to the sphere of radius 300 mm, which holds every test head.
    let b = origin.dot(v);
    let c = origin.dot(origin) - 300.0 * 300.0;
    if b * b - c > 0.0 {
        t = (-b - (b * b - c).sqrt()).max(0.0);
    }
    let end = t + 600.0;
    while t < end {
        if f(t + step) <= 0.0 {
            let (mut lo, mut hi) = (t, t + step);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if f(mid) > 0.0 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return Some(origin + v * (0.5 * (lo + hi)));
        }
        t += step;
    }
    None
}

#[test]
fn rays_meet_the_heads_where_a_slow_march_finds_the_skin() {
    for (name, head) in [
        ("male", &*MALE),
        ("female", &*FEMALE),
        ("ellipsoid", &*ELLIPSOID),
    ] {
        let mut r = rng(15);
        let mut hits = 0;
        for target in domain_points(head, 150, 16) {
            let p = head.point_at(target).unwrap();
            let n = head.normal_at_map(target).unwrap();
            let tilt = r.range(0.0, 60f64.to_radians());
            let helper = if n.z.abs() < 0.9 {
                Vec3::new(0.0, 0.0, 1.0)
            } else {
                Vec3::new(1.0, 0.0, 0.0)
            };
            let t1 = n.cross(helper).normalized();
            let t2 = n.cross(t1);
            let phi = r.range(0.0, TAU);
            let back = n * tilt.cos() + (t1 * phi.cos() + t2 * phi.sin()) * tilt.sin();
            let origin = p + back * r.range(30.0, 400.0);
            let want = marched_hit(head, origin, p - origin).unwrap();
            let got = head.ray_hit(origin, p - origin).unwrap();
            assert!((got - want).length() < 0.05, "{name}: {got:?} vs {want:?}");
            if let Some(at) = head.locate(origin, p - origin) {
                let on_skin = head.point_at(at).unwrap();
                assert!(
                    (on_skin - want).length() < 0.05,
                    "{name}: {on_skin:?} vs {want:?}"
                );
                hits += 1;
            }
            // A ray at an unobstructed place lands on it.
            if (want - p).length() < 1e-3 {
                let at = head.locate(origin, p - origin).unwrap();
                assert!(at.distance(target) < 0.01, "{name}: {at:?} vs {target:?}");
            }
        }
        assert!(hits > 140, "{name}: {hits}");
    }
}

#[test]
fn a_needle_held_straight_down_meets_the_skin_obliquely_away_from_the_vertex() {
    for head in [&*MALE, &*FEMALE] {
        let down = Vec3::new(0.0, 0.0, -1.0);
        // At the vertex: a ray straight down lands on it, nearly along the normal.
        let at = head.locate(Vec3::new(0.0, 0.0, 400.0), down).unwrap();
        assert!(at.distance(centre(head)) < 0.01, "{at:?}");
        let n = head.normal_at_map(at).unwrap();
        assert!(
            angle_deg(-down, n) < 10.0,
            "{}: {}",
            head.name(),
            angle_deg(-down, n)
        );
        // 20 mm (along the meridian) above the top of the right ear: steeply oblique.
        let ear = head.landmark(Landmark::EarTopRight).unwrap();
        let c = centre(head);
        let s = ear.distance(c) - 20.0;
        let above_ear = Point::new(
            c.x_mm + (ear.x_mm - c.x_mm) * s / ear.distance(c),
            c.y_mm + (ear.y_mm - c.y_mm) * s / ear.distance(c),
        );
        assert_eq!(head.region(above_ear), Some(Region::Scalp));
        let n = head.normal_at_map(above_ear).unwrap();
        assert!(
            angle_deg(-down, n) > 45.0,
            "{}: {}",
            head.name(),
            angle_deg(-down, n)
        );
    }
}

// --- The shipped heads ----------------------------------------------------------------------

#[test]
fn the_shipped_heads_have_the_length_breadth_and_circumference_of_their_shapes() {
    assert_eq!(Head::shipped_names(), ["adult-male", "adult-female"]);
    for head in [&*MALE, &*FEMALE] {
        let HeadForm::Human(p) = &head.shape().form else {
            panic!("{} is not human", head.name());
        };
        let skin = |d: Vec3| head.skin_point(d).unwrap();
        let glabella = head.landmark_3d(Landmark::Glabella).unwrap();
        let inion = head.landmark_3d(Landmark::OccipitalBump).unwrap();
        let ear_top = head.landmark_3d(Landmark::EarTopRight).unwrap();
        // Length: the glabella to the farthest point of the back in the midline, above the
        // inion (the opisthocranion).
        let length = (0..=3600)
            .map(|k| (k as f64 / 3600.0 * PI).sin_cos())
            .map(|(s, c)| skin(Vec3::new(0.0, -s, c)))
            .filter(|q| q.z >= inion.z)
            .map(|q| (q - glabella).length())
            .fold(0.0, f64::max);
        // Breadth: the greatest left–right width above the ears (15 mm over their tops).
        let mut breadth = 0.0f64;
        for i in 0..=400 {
            for j in 0..=200 {
                let (t, a) = (
                    (i as f64 * 0.25).to_radians(),
                    (j as f64 * 0.5).to_radians(),
                );
                let q = skin(Vec3::new(t.sin() * a.sin(), t.sin() * a.cos(), t.cos()));
                let mirror = skin(Vec3::new(-t.sin() * a.sin(), t.sin() * a.cos(), t.cos()));
                if q.z >= ear_top.z + 15.0 {
                    breadth = breadth.max(q.x - mirror.x);
                }
            }
        }
        // Circumference: around the horizontal plane through the glabella, on the skin.
        let ring: Vec<Vec3> = (0..=7200)
            .map(|k| (k as f64 / 7200.0 * TAU).sin_cos())
            .map(|(s, c)| skin(Vec3::new(s, c, 0.0)))
            .collect();
        assert!(ring.iter().all(|q| q.z.abs() < 1e-9));
        let circumference: f64 = ring.windows(2).map(|w| (w[1] - w[0]).length()).sum();
        for (what, got, want) in [
            ("length", length, p.length_mm),
            ("breadth", breadth, p.breadth_mm),
            ("circumference", circumference, p.circumference_mm),
        ] {
            assert!(
                (got / want - 1.0).abs() < 0.03,
                "{}: {what} {got:.1} mm, shape says {want}",
                head.name()
            );
        }
        // The head is closed and star-shaped: R is positive and finite everywhere.
        let mesh = head.mesh(3);
        assert!(
            mesh.positions
                .iter()
                .all(|q| q.is_finite() && q.length() > 20.0)
        );
    }
}

#[test]
fn landmarks_sit_where_anatomy_puts_them() {
    for head in [&*MALE, &*FEMALE] {
        let name = head.name();
        let HeadForm::Human(p) = &head.shape().form else {
            panic!("{name} is not human");
        };
        let at = |l: Landmark| head.landmark_3d(l).unwrap();
        let (glabella, vertex) = (at(Landmark::Glabella), at(Landmark::Vertex));
        // Every landmark is on the skin and, but for none, on the map.
        for l in Landmark::ALL {
            let q = at(l);
            assert!(
                (q.length() - head.radius_mm(q).unwrap()).abs() < 1e-9,
                "{name} {l}"
            );
            let m = head
                .landmark(l)
                .unwrap_or_else(|| panic!("{name}: {l} is off the map"));
            assert!(
                (head.point_at(m).unwrap() - q).length() < 1e-6,
                "{name} {l}"
            );
        }
        assert_eq!(head.landmark(Landmark::Vertex), Some(centre(head)));
        // The glabella: in front, well below the vertex.
        assert!(glabella.y > 0.4 * p.length_mm && glabella.x == 0.0);
        assert!(vertex.z - glabella.z > 80.0 && vertex.z > glabella.z);
        // The vertex is the top of the head.
        let top = head
            .mesh(5)
            .positions
            .iter()
            .map(|q| q.z)
            .fold(f64::MIN, f64::max);
        assert!(
            (top - vertex.z).abs() < 2.0,
            "{name}: top {top} vertex {}",
            vertex.z
        );
        // The nose: nasion below the glabella, the tip in front of both and lower.
        let (nasion, tip) = (at(Landmark::Nasion), at(Landmark::NoseTip));
        assert!(nasion.z < glabella.z && nasion.y < glabella.y);
        assert!(
            tip.y > glabella.y + 5.0 && tip.z < nasion.z - 30.0,
            "{name}: {tip:?}"
        );
        // Pairs: mirror images within 0.5 mm, left on the client's left (−x).
        for (left, right) in [
            (Landmark::BrowLeft, Landmark::BrowRight),
            (Landmark::OuterCanthusLeft, Landmark::OuterCanthusRight),
            (Landmark::PupilLeft, Landmark::PupilRight),
            (Landmark::TragusLeft, Landmark::TragusRight),
            (Landmark::EarTopLeft, Landmark::EarTopRight),
            (Landmark::TempleLeft, Landmark::TempleRight),
        ] {
            let (l, r) = (at(left), at(right));
            assert!(l.x < 0.0 && r.x > 0.0, "{name} {left}");
            let mirror = Vec3::new(-l.x, l.y, l.z);
            assert!((mirror - r).length() < 0.5, "{name}: {left} {l:?} vs {r:?}");
            assert_eq!(left.mirrored(), right);
        }
        // Eyes and brows: the canthi as far apart as the shape says; brows above the pupils.
        let canthi = at(Landmark::OuterCanthusRight).x - at(Landmark::OuterCanthusLeft).x;
        assert!(
            (canthi - p.outer_canthus_mm).abs() < 1.0,
            "{name}: {canthi}"
        );
        let (pupil, brow) = (at(Landmark::PupilRight), at(Landmark::BrowRight));
        assert!(brow.z > pupil.z + 10.0 && (brow.x - pupil.x).abs() < 1.0);
        assert!(pupil.x < at(Landmark::OuterCanthusRight).x);
        // Ears at the sides, a little behind the middle, their tops above the tragus.
        let (tragus, ear_top) = (at(Landmark::TragusRight), at(Landmark::EarTopRight));
        assert!(tragus.x > 0.4 * p.breadth_mm && ear_top.z > tragus.z + 15.0);
        assert!(tragus.y.abs() < 25.0 && ear_top.y < tragus.y);
        // Temples between the eyes and the ears, above the eyes.
        let temple = at(Landmark::TempleRight);
        assert!(temple.y < pupil.y && temple.y > tragus.y && temple.z > pupil.z);
        // The crown whorl: behind and right of the vertex, 8–10 cm behind the hairline.
        let whorl = at(Landmark::CrownWhorl);
        assert!(whorl.y < vertex.y - 5.0 && whorl.x > 0.0 && whorl.z > vertex.z - 10.0);
        let hairline = head.juvenile_hairline().unwrap();
        let front_of_hairline = hairline
            .vertices
            .iter()
            .map(|&m| head.point_at(m).unwrap().y)
            .fold(f64::MIN, f64::max);
        let behind = front_of_hairline - whorl.y;
        assert!((80.0..=100.0).contains(&behind), "{name}: {behind}");
        // The back: the occipital bump behind, the nape below it.
        let (occiput, nape) = (at(Landmark::OccipitalBump), at(Landmark::Nape));
        assert!(occiput.y < -0.4 * p.length_mm && occiput.x == 0.0);
        assert!(nape.z < occiput.z - 30.0 && nape.y < 0.0);
        // Regions of the landmarks.
        let region = |l: Landmark| head.region(head.landmark(l).unwrap()).unwrap();
        for l in [
            Landmark::Glabella,
            Landmark::Nasion,
            Landmark::BrowLeft,
            Landmark::PupilRight,
            Landmark::OuterCanthusLeft,
            Landmark::NoseTip,
        ] {
            assert_eq!(region(l), Region::Face, "{name} {l}");
        }
        for l in [
            Landmark::Vertex,
            Landmark::CrownWhorl,
            Landmark::OccipitalBump,
        ] {
            assert_eq!(region(l), Region::Scalp, "{name} {l}");
        }
        for l in [
            Landmark::EarTopLeft,
            Landmark::EarTopRight,
            Landmark::TragusRight,
        ] {
            assert_eq!(region(l), Region::Ear, "{name} {l}");
        }
    }
}

#[test]
fn the_juvenile_hairline_runs_temple_to_temple_trichion_nasion_above_the_nasion() {
    for head in [&*MALE, &*FEMALE] {
        let name = head.name();
        let HeadForm::Human(p) = &head.shape().form else {
            panic!("{name} is not human");
        };
        let c = centre(head);
        let glabella = head.landmark(Landmark::Glabella).unwrap();
        // Up the midline from the glabella, along the skin: face, then scalp.
        let up = |mm: f64| Point::new(c.x_mm, glabella.y_mm + mm);
        let region_at = |mm: f64| head.region(up(mm)).unwrap();
        assert_eq!(region_at(20.0), Region::Face);
        assert_eq!(region_at(45.0), Region::Face);
        for mm in [68.0, 70.0, 75.0, 80.0, 100.0] {
            assert_eq!(
                region_at(mm),
                Region::Scalp,
                "{name}: {mm} mm above the glabella"
            );
        }
        // The hairline's middle: trichion–nasion (straight) from the nasion, 55–68 mm above the
        // glabella along the skin (the map keeps distances along the midline).
        let hairline = head.juvenile_hairline().unwrap();
        let (first, last) = (hairline.vertices[0], *hairline.vertices.last().unwrap());
        assert!(first.x_mm < c.x_mm && last.x_mm > c.x_mm, "left to right");
        assert!(
            (first.x_mm + last.x_mm - 2.0 * c.x_mm).abs() < 1e-6,
            "symmetric"
        );
        assert!((first.y_mm - last.y_mm).abs() < 1e-6, "symmetric");
        let middle = hairline.vertices[hairline.vertices.len() / 2];
        assert!((middle.x_mm - c.x_mm).abs() < 1e-9);
        let rise = middle.y_mm - glabella.y_mm;
        assert!((55.0..68.0).contains(&rise), "{name}: {rise}");
        let nasion = head.landmark_3d(Landmark::Nasion).unwrap();
        let tn = (head.point_at(middle).unwrap() - nasion).length();
        assert!((tn - p.trichion_nasion_mm).abs() < 0.5, "{name}: {tn}");
        // Just above the line is scalp, just below is face; the line is in front of the vertex.
        for m in &hairline.vertices {
            assert!(m.y_mm < c.y_mm);
            let toward_vertex = *m + (c - *m).normalized() * 2.0;
            let away = *m - (c - *m).normalized() * 2.0;
            assert_eq!(
                head.region(toward_vertex),
                Some(Region::Scalp),
                "{name} {m:?}"
            );
            assert_eq!(head.region(away), Some(Region::Face), "{name} {m:?}");
        }
        // The scalp outline closes around the vertex.
        let outline = head.scalp_outline().unwrap();
        assert!(outline.problem().is_none(), "{:?}", outline.problem());
        assert!(outline.contains(c));
        // Below the nape is the neck.
        let nape = head.landmark(Landmark::Nape).unwrap();
        assert_eq!(
            head.region(Point::new(nape.x_mm, nape.y_mm + 10.0)),
            Some(Region::Neck)
        );
        assert_eq!(
            head.region(Point::new(nape.x_mm, nape.y_mm - 10.0)),
            Some(Region::Scalp)
        );
    }
}

#[test]
fn heads_without_a_face_have_no_landmarks_or_regions() {
    for head in [&*SPHERE, &*ELLIPSOID] {
        for l in Landmark::ALL {
            assert_eq!(head.landmark(l), None);
            assert_eq!(head.landmark_3d(l), None);
        }
        assert_eq!(head.region(centre(head)), None);
        assert_eq!(head.juvenile_hairline(), None);
        assert!(head.scalp_outline().is_none());
    }
}

#[test]
fn landmark_names_are_kebab_case_and_read_back() {
    let mut seen = std::collections::BTreeSet::new();
    for l in Landmark::ALL {
        let name = l.name();
        assert!(
            name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{name}"
        );
        assert!(seen.insert(name));
        assert_eq!(name.parse::<Landmark>(), Ok(l));
        assert_eq!(l.to_string(), name);
        assert_eq!(l.mirrored().mirrored(), l);
    }
    assert_eq!(Landmark::OuterCanthusLeft.name(), "outer-canthus-left");
    assert!("outer_canthus_left".parse::<Landmark>().is_err());
    assert!("".parse::<Landmark>().is_err());
}

// --- The mesh --------------------------------------------------------------------------------

#[test]
fn the_mesh_is_closed_and_wound_outward() {
    let mut last = 0;
    for detail in 0..=4 {
        let mesh = MALE.mesh(detail);
        let n = mesh.positions.len();
        assert_eq!(n, 10 * 4usize.pow(detail) + 2);
        assert_eq!(mesh.triangles.len(), 20 * 4usize.pow(detail));
        assert!(n > last);
        last = n;
        assert_eq!(mesh.normals.len(), n);
        assert_eq!(mesh.map.len(), n);
        // Every edge is shared by exactly two triangles, once each way.
        let mut edges = std::collections::BTreeMap::new();
        for t in &mesh.triangles {
            for k in 0..3 {
                *edges.entry((t[k], t[(k + 1) % 3])).or_insert(0) += 1;
            }
        }
        for (&(a, b), &count) in &edges {
            assert_eq!(count, 1, "edge {a}-{b} used twice the same way");
            assert_eq!(edges.get(&(b, a)), Some(&1), "edge {a}-{b} is open");
        }
        // Counter-clockwise from outside: the facet's normal agrees with its vertices'.
        let outward = mesh
            .triangles
            .iter()
            .filter(|t| {
                let [a, b, c] = t.map(|i| mesh.positions[i as usize]);
                let facet = (b - a).cross(c - a);
                t.iter().all(|&i| facet.dot(mesh.normals[i as usize]) > 0.0)
            })
            .count();
        assert!(
            outward as f64 >= 0.999 * mesh.triangles.len() as f64,
            "detail {detail}: {outward} of {}",
            mesh.triangles.len()
        );
        for (k, q) in mesh.positions.iter().enumerate() {
            let (stored, again) = (mesh.map[k], MALE.to_map(*q));
            assert_eq!(stored.is_some(), again.is_some());
            if let (Some(a), Some(b)) = (stored, again) {
                assert!(a.distance(b) < 1e-9);
            }
            assert!((mesh.normals[k].length() - 1.0).abs() < 1e-12);
        }
        // The chin and neck are beyond the map; the scalp is on it.
        assert!(mesh.map.iter().any(Option::is_none) || detail == 0);
        assert!(mesh.map.iter().filter(|m| m.is_some()).count() > n / 2);
    }
    // Detail is capped.
    assert_eq!(
        SPHERE.mesh(200).positions.len(),
        SPHERE
            .mesh(smp_core::surface::MAX_MESH_DETAIL)
            .positions
            .len()
    );
}

// --- Shapes and their checks ---------------------------------------------------------------------

#[test]
fn shapes_are_checked_with_clear_messages() {
    let male = HeadShape::shipped("adult-male").unwrap();
    assert_eq!(&male, MALE.shape());
    let with = |f: &dyn Fn(&mut smp_core::surface::HumanProportions)| {
        let mut s = male.clone();
        let HeadForm::Human(p) = &mut s.form else {
            unreachable!()
        };
        f(p);
        Head::new(s).map(|_| ()).unwrap_err()
    };
    assert_eq!(
        with(&|p| p.length_mm = f64::NAN),
        HeadError::NotFinite { name: "length_mm" }
    );
    let e = with(&|p| p.length_mm = 300.0);
    assert!(
        matches!(
            e,
            HeadError::OutOfBounds {
                name: "length_mm",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(e.to_string(), "length_mm = 300 is outside 120–260 mm");
    assert!(matches!(
        with(&|p| p.breadth_mm = 200.0),
        HeadError::Inconsistent(_)
    ));
    assert!(
        with(&|p| p.forehead_slope = -0.1)
            .to_string()
            .contains("forehead_slope")
    );
    let e = with(&|p| p.circumference_mm = 420.0).to_string();
    assert!(e.contains("circumference"), "{e}");
    assert!(matches!(
        Head::new(HeadShape::sphere("tiny", 5.0)),
        Err(HeadError::OutOfBounds {
            name: "radius_mm",
            ..
        })
    ));
    assert!(matches!(
        Head::new(HeadShape::sphere("big", f64::INFINITY)),
        Err(HeadError::NotFinite { .. })
    ));
    assert!(matches!(
        Head::new(HeadShape::ellipsoid("long", 20.0, 100.0, 50.0)),
        Err(HeadError::Inconsistent(_))
    ));
    assert!(matches!(
        Head::new(HeadShape::sphere("Bad Name", 90.0)),
        Err(HeadError::BadName(_))
    ));
    assert!(matches!(
        Head::new(HeadShape::sphere("", 90.0)),
        Err(HeadError::BadName(_))
    ));
    let e = Head::named("adult-child").unwrap_err();
    assert!(matches!(e, HeadError::Unknown { .. }));
    assert!(e.to_string().contains("adult-male"), "{e}");
    // RON: unknown fields are refused, sphere and ellipsoid forms read.
    assert!(matches!(
        HeadShape::from_ron("(name: \"x\", form: Sphere(radius_mm: 90.0, colour: 1))"),
        Err(HeadError::Parse(_))
    ));
    assert!(matches!(
        HeadShape::from_ron("(name: \"x\", form: Sphere(radius_mm: 90.0), extra: 1)"),
        Err(HeadError::Parse(_))
    ));
    assert_eq!(
        HeadShape::from_ron("(name: \"x\", form: Ellipsoid(a_mm: 70.0, b_mm: 90.0, c_mm: 80.0))"),
        Ok(HeadShape::ellipsoid("x", 70.0, 90.0, 80.0))
    );
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/heads/adult-female.ron"),
    )
    .unwrap();
    assert_eq!(HeadShape::from_ron(&text).unwrap(), *FEMALE.shape());
}

#[test]
fn heads_of_varied_proportions_are_sound() {
    // The shipped proportions each moved by up to ±12% (two of these once fitted a skull of
    // NaNs: the length's farthest point sat on the inion's height).
    let mut r = rng(1234);
    for k in 0..8 {
        let name = if k % 2 == 0 {
            "adult-male"
        } else {
            "adult-female"
        };
        let HeadForm::Human(mut p) = HeadShape::shipped(name).unwrap().form else {
            unreachable!()
        };
        let mut j = |v: f64| v * r.range(0.88, 1.12);
        p.length_mm = j(p.length_mm);
        p.breadth_mm = j(p.breadth_mm);
        p.height_mm = j(p.height_mm);
        p.face_height_mm = j(p.face_height_mm);
        p.trichion_nasion_mm = j(p.trichion_nasion_mm);
        p.outer_canthus_mm = j(p.outer_canthus_mm);
        p.cheekbone_breadth_mm = j(p.cheekbone_breadth_mm);
        p.nose_length_mm = j(p.nose_length_mm);
        p.nose_projection_mm = j(p.nose_projection_mm);
        p.forehead_slope = j(p.forehead_slope) * 2.0;
        p.crown_prominence = j(p.crown_prominence) * 2.0;
        let (a, b) = (p.length_mm / 2.0, p.breadth_mm / 2.0);
        let ellipse = PI * (3.0 * (a + b) - ((3.0 * a + b) * (a + 3.0 * b)).sqrt());
        p.circumference_mm = ellipse * r.range(1.0, 1.08);
        let shape = HeadShape {
            name: format!("varied-{k}"),
            form: HeadForm::Human(p),
        };
        let head = Head::new(shape).unwrap_or_else(|e| panic!("{k}: {e}"));
        let (w, _) = head.map_size_mm();
        assert!(w.is_finite() && (400.0..800.0).contains(&w), "{k}: {w}");
        for at in domain_points(&head, 300, k) {
            let d = head.from_map(at).unwrap();
            assert!(head.to_map(d).unwrap().distance(at) < 0.01);
            assert!(head.region(at).is_some());
        }
        assert!(
            Landmark::ALL.iter().all(|l| head.landmark(*l).is_some()),
            "{k}"
        );
        assert_eq!(head.scalp_outline().unwrap().problem(), None, "{k}");
        let scalp = |l: Landmark| head.region(head.landmark(l).unwrap());
        assert_eq!(scalp(Landmark::CrownWhorl), Some(Region::Scalp), "{k}");
        assert_eq!(scalp(Landmark::Glabella), Some(Region::Face), "{k}");
    }
}

#[test]
fn building_a_head_twice_gives_the_same_head_bit_for_bit() {
    let again = Head::named("adult-female").unwrap();
    assert_eq!(&again, &**FEMALE);
    for at in domain_points(&again, 200, 17) {
        let (a, b) = (again.from_map(at).unwrap(), FEMALE.from_map(at).unwrap());
        assert_eq!(
            (a.x.to_bits(), a.y.to_bits(), a.z.to_bits()),
            (b.x.to_bits(), b.y.to_bits(), b.z.to_bits())
        );
        assert_eq!(
            again.area_element(at).unwrap().to_bits(),
            FEMALE.area_element(at).unwrap().to_bits()
        );
    }
    for l in Landmark::ALL {
        assert_eq!(again.landmark(l), FEMALE.landmark(l));
    }
    assert_eq!(again.scalp_outline(), FEMALE.scalp_outline());
}

#[test]
fn the_mesh_cut_by_tiles_covers_the_head_and_each_piece_stays_in_its_tile() {
    let head = &*MALE;
    // The detail the trainer draws at.
    let detail = 6;
    let whole = head.mesh(detail);
    let area = |p: &[Vec3], tris: &[[u32; 3]]| -> f64 {
        tris.iter()
            .map(|t| {
                let [a, b, c] = t.map(|i| p[i as usize]);
                0.5 * (b - a).cross(c - a).length()
            })
            .sum()
    };
    let total = area(&whole.positions, &whole.triangles);
    let tile = 40.0;
    let pieces = head.mesh_by_tiles(detail, tile);
    let cut: f64 = pieces
        .iter()
        .map(|p| area(&p.positions, &p.triangles))
        .sum();
    assert!((cut - total).abs() < 0.01 * total, "{cut} vs {total}");
    assert_eq!(
        pieces.last().map(|p| p.tile),
        Some(None),
        "the part off the map last"
    );
    for piece in &pieces {
        let Some((tx, ty)) = piece.tile else { continue };
        for (pos, uv) in piece.positions.iter().zip(&piece.uvs) {
            assert!((0.0..=1.0).contains(&uv[0]) && (0.0..=1.0).contains(&uv[1]));
            // Every vertex maps back into its tile, where its texture coordinate says, within
            // the flat triangles' own departure from the curved map (a cut corner lies in its
            // triangle).
            let m = head.to_map(*pos).expect("on the map");
            let expected = Point::new(
                (f64::from(tx) + uv[0]) * tile,
                (f64::from(ty) + uv[1]) * tile,
            );
            assert!(m.distance(expected) < 0.25, "{m:?} vs {expected:?}");
        }
        // Faces keep their outward winding.
        for t in &piece.triangles {
            let [a, b, c] = t.map(|i| piece.positions[i as usize]);
            let n = piece.normals[t[0] as usize];
            let face = (b - a).cross(c - a);
            assert!(
                face.length() < 1e-9 || face.dot(n) > 0.0,
                "{:?} {:?}",
                piece.tile,
                [a, b, c]
            );
        }
    }
}
