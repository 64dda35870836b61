//! `smp-trainer head NAME [--at X,Y]…`: a head's map and landmarks, and what the skin is at
//! places of its scalp map (3D point, normal, area element, region), for tools that write head
//! levels and attempts.

use serde::Serialize;
use smp_core::geometry::{Point, Vec3};
use smp_core::surface::{Head, Landmark, Surface};

use super::Failure;
use super::out::{raw, say};

#[derive(Serialize)]
struct Place {
    /// The map place asked about, mm.
    at: (f64, f64),
    /// Whether it is on the head's map.
    on_map: bool,
    /// Scalp, face, ear or neck.
    region: Option<String>,
    /// The skin's place in the head's frame, mm.
    point: Option<Vec3>,
    /// The skin's outward unit normal there.
    normal: Option<Vec3>,
    /// Skin mm² per map mm² there.
    area_element: Option<f64>,
}

#[derive(Serialize)]
struct Mark {
    name: &'static str,
    map: Option<(f64, f64)>,
    point: Option<Vec3>,
}

#[derive(Serialize)]
struct Report {
    name: String,
    map_mm: (f64, f64),
    landmarks: Vec<Mark>,
    places: Vec<Place>,
}

pub fn run(name: &str, at: &[(f64, f64)], json: bool) -> Result<u8, Failure> {
    let head = Head::named(name).map_err(|e| {
        Failure::input(format!(
            "{e} (the heads are {})",
            Head::shipped_names().join(", ")
        ))
    })?;
    let (w, h) = head.map_size_mm();
    let landmarks: Vec<Mark> = Landmark::ALL
        .iter()
        .map(|&l| Mark {
            name: l.name(),
            map: head.landmark(l).map(|p| (round(p.x_mm), round(p.y_mm))),
            point: head.landmark_3d(l).map(round3),
        })
        .collect();
    let surface = Surface::Head(std::sync::Arc::new(head));
    let Surface::Head(head) = &surface else {
        unreachable!("made as a head just above")
    };
    let places: Vec<Place> = at
        .iter()
        .map(|&(x, y)| {
            let p = Point::new(x, y);
            Place {
                at: (x, y),
                on_map: surface.contains(p),
                region: head.region(p).map(|r| r.name().to_string()),
                point: surface.point(p).map(round3),
                normal: surface
                    .normal(p)
                    .map(|n| Vec3::new(round6(n.x), round6(n.y), round6(n.z))),
                area_element: surface.area_element(p).map(round6),
            }
        })
        .collect();
    if json {
        let report = Report {
            name: name.to_string(),
            map_mm: (w, h),
            landmarks,
            places,
        };
        raw(&(serde_json::to_string_pretty(&report).map_err(Failure::input)? + "\n"));
        return Ok(0);
    }
    say!("head {name}: scalp map {w} × {h} mm, the vertex at its centre, the face at the top");
    if places.is_empty() {
        say!(
            "{:<20} {:>16}  {:>24}",
            "landmark",
            "map (mm)",
            "head frame (mm)"
        );
        for m in &landmarks {
            let map = m
                .map
                .map_or("off the map".into(), |(x, y)| format!("({x}, {y})"));
            let p = m
                .point
                .map_or(String::new(), |p| format!("({}, {}, {})", p.x, p.y, p.z));
            say!("{:<20} {map:>16}  {p:>24}", m.name);
        }
    }
    for p in &places {
        match (p.point, p.normal, p.area_element) {
            (Some(q), Some(n), Some(a)) => say!(
                "({}, {}): {} at ({}, {}, {}) mm, normal ({}, {}, {}), area element {a}",
                p.at.0,
                p.at.1,
                p.region.as_deref().unwrap_or("skin"),
                q.x,
                q.y,
                q.z,
                n.x,
                n.y,
                n.z
            ),
            _ => say!("({}, {}): off the head's map", p.at.0, p.at.1),
        }
    }
    Ok(0)
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

fn round3(v: Vec3) -> Vec3 {
    Vec3::new(round(v.x), round(v.y), round(v.z))
}
