//! The level editor's draft: shapes drawn and moved, the same validation as `levels check`,
//! and a saved level that passes `levels check`, reads back identically and can be practised.

use smp_core::editor::{LevelDraft, ShapeRef};
use smp_core::geometry::Point;
use smp_core::persona::Persona;
use smp_core::simulate::simulate;
use smp_core::{Level, replay, score};

use crate::support::{smp, temp_dir};

fn pts(v: &[(f64, f64)]) -> Vec<Point> {
    v.iter().map(|&(x, y)| Point::new(x, y)).collect()
}

fn drawn() -> LevelDraft {
    let mut d = LevelDraft::blank();
    d.plan.id = "academy-temple".into();
    d.plan.title = "Temple points".into();
    let zone = d.add_zone(pts(&[
        (10.0, 30.0),
        (110.0, 30.0),
        (110.0, 75.0),
        (10.0, 75.0),
    ]));
    d.set_hairline(pts(&[(10.0, 30.0), (60.0, 24.0), (110.0, 30.0)]));
    d.add_scar(pts(&[
        (50.0, 50.0),
        (70.0, 50.0),
        (70.0, 53.0),
        (50.0, 53.0),
    ]));
    // Edit: drag a corner, add a vertex on an edge.
    d.move_vertex(zone, 1, Point::new(112.0, 28.0));
    d.split_edge(zone, 0);
    d.plan.sessions.push(d.plan.sessions[0].clone());
    d.plan.sessions[0].density_fraction = 0.6;
    d.plan.sessions[1].density_fraction = 1.0;
    d
}

#[test]
fn shapes_are_drawn_found_and_moved() {
    let mut d = drawn();
    let zone = ShapeRef::Zone(0);
    assert_eq!(d.vertices(zone).unwrap().len(), 5);
    assert_eq!(d.vertices(zone).unwrap()[1], Point::new(61.0, 29.0));
    assert_eq!(d.vertices(zone).unwrap()[2], Point::new(112.0, 28.0));
    assert_eq!(d.vertex_near(Point::new(111.5, 28.5), 1.0), Some((zone, 2)));
    assert_eq!(d.vertex_near(Point::new(90.0, 60.0), 1.0), None);
    assert_eq!(
        d.shape_at(Point::new(60.0, 51.0), 1.0),
        Some(ShapeRef::Scar(0))
    );
    assert_eq!(d.shape_at(Point::new(30.0, 60.0), 1.0), Some(zone));
    assert_eq!(
        d.shape_at(Point::new(60.0, 24.5), 1.0),
        Some(ShapeRef::Hairline)
    );
    // Vertices stay on the canvas.
    d.move_vertex(zone, 0, Point::new(-50.0, 500.0));
    assert_eq!(d.vertices(zone).unwrap()[0], Point::new(0.0, 80.0));
    d.remove(ShapeRef::Scar(0));
    assert!(d.plan.skin.scars.is_empty());
}

#[test]
fn an_invalid_draft_says_why_and_is_not_saved() {
    let dir = temp_dir("editor-invalid");
    let path = dir.join("bad.ron");
    let blank = LevelDraft::blank();
    assert!(blank.problems().iter().any(|p| p.contains("zone")));
    let mut d = drawn();
    d.remove_vertex(ShapeRef::Zone(0), 0);
    d.remove_vertex(ShapeRef::Zone(0), 0);
    d.remove_vertex(ShapeRef::Zone(0), 0);
    d.plan.depth_window.min_mm = 0.9;
    d.plan.depth_window.max_mm = 0.3;
    let problems = d.problems();
    assert!(problems.len() >= 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("depth") || p.contains("window")),
        "{problems:?}"
    );
    let err = d.save(&path).unwrap_err().to_string();
    assert!(err.contains("not saved"), "{err}");
    assert!(!path.exists());
    // A shipped level's id would be hidden behind the shipped level.
    let mut d = drawn();
    d.plan.id = "soft-hairline".into();
    assert!(d.problems().iter().any(|p| p.contains("shipped")));
    let copy = LevelDraft::from_level(&Level::find("soft-hairline", None).unwrap());
    assert_eq!(copy.plan.id, "soft-hairline-copy");
    assert!(copy.problems().is_empty(), "{:?}", copy.problems());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_saved_level_passes_levels_check_and_can_be_practised() {
    let dir = temp_dir("editor-save");
    let path = dir.join("temple.ron");
    let d = drawn();
    assert!(d.problems().is_empty(), "{:?}", d.problems());
    let saved = d.save(&path).unwrap();
    assert_eq!(saved.plan, d.plan);
    let out = smp(&["levels", "check", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok\tacademy-temple"));
    // Readable by hand: one shape per line, units in the header.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("// Temple points"));
    assert!(text.lines().count() < 120, "{text}");
    let loaded = Level::find(path.to_str().unwrap(), None).unwrap();
    assert_eq!(loaded.plan, d.plan);
    // A trainee's attempt at it replays and scores, and an expert passes it.
    let attempt = simulate(&loaded, Persona::Expert, 1, "t", "2026-11-21");
    let r = replay::replay(&loaded.plan, &attempt);
    assert!(r.impressions.len() > 100);
    assert_eq!(r.sessions.len(), 2);
    let s = score::score(&loaded.plan, &attempt, &r);
    assert!(
        s.passed,
        "{:.1}: {:?}",
        s.total,
        s.criteria
            .iter()
            .map(|c| (c.kind.name(), c.score))
            .collect::<Vec<_>>()
    );
    std::fs::remove_dir_all(dir).unwrap();
}
