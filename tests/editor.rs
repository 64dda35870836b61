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

#[test]
fn on_a_head_the_editor_draws_where_the_cameras_ray_meets_the_skin_and_saves_a_head_level() {
    use smp_app::bevy::prelude::{Rect, Vec2};
    use smp_app::editor::{Editor, Tool, pointer_on_skin};
    use smp_app::head_view::{Orbit, PointerToHead};
    use smp_core::plan::SurfaceKind;
    use smp_core::surface::View;

    let dir = temp_dir("editor-on-head");
    let mut editor = Editor::for_level(None);
    editor.path = dir.join("crown-scar.ron").display().to_string();
    editor.draft.plan.id = "crown-scar".into();
    editor
        .draft
        .set_surface(SurfaceKind::Head("adult-male".into()))
        .unwrap();
    let head = editor.draft.plan.head().expect("the draft is on a head");
    // Seen from above, as the trainer's top view shows it in a 940 × 870 px part of the window.
    let viewport = Rect::new(0.0, 30.0, 940.0, 900.0);
    let pointing = PointerToHead::new(head.clone(), &Orbit::of_view(View::Top), viewport);
    let c = viewport.center();
    let click = |editor: &mut Editor, dx: f32, dy: f32| {
        let pos = c + Vec2::new(dx, dy);
        let (at, radius) = pointer_on_skin(pos, None, Some(&pointing)).expect("on the head");
        let hit = pointing.hit(pos, 0.0, 0.0).unwrap();
        assert!(at.distance(hit.at) < 1e-9, "the place is the ray's");
        assert!(
            radius > 0.3 && radius < 5.0,
            "a few pixels of skin: {radius} mm"
        );
        editor.click(at, radius);
        hit.at
    };
    // A zone around the crown, a scar in it.
    editor.tool = Tool::Zone;
    let corners: Vec<Point> = [
        (-100.0, -100.0),
        (100.0, -100.0),
        (100.0, 100.0),
        (-100.0, 100.0),
    ]
    .iter()
    .map(|&(x, y)| click(&mut editor, x, y))
    .collect();
    editor.finish_shape().unwrap();
    let zone = editor.draft.vertices(ShapeRef::Zone(0)).unwrap().to_vec();
    for (v, hit) in zone.iter().zip(&corners) {
        // Vertices are kept to 0.1 mm, the finest a hand places one.
        assert!(v.distance(*hit) <= 0.071, "{v:?} vs {hit:?}");
    }
    editor.tool = Tool::Scar;
    for (x, y) in [(-30.0, 0.0), (30.0, 0.0), (0.0, 40.0)] {
        click(&mut editor, x, y);
    }
    editor.finish_shape().unwrap();
    // Clicking near a vertex picks it; dragging moves it along the skin.
    editor.tool = Tool::Select;
    let first = click(&mut editor, -100.0, -100.0);
    assert_eq!(editor.dragging, Some((ShapeRef::Zone(0), 0)));
    let (to, _) = pointer_on_skin(c + Vec2::new(-100.0, -80.0), None, Some(&pointing)).unwrap();
    editor.draft.move_vertex(ShapeRef::Zone(0), 0, to);
    let moved = editor.draft.vertices(ShapeRef::Zone(0)).unwrap()[0];
    assert!(moved.distance(first) > 1.0, "the corner moved on the map");
    // A right click on a vertex deletes it.
    let (at, radius) = pointer_on_skin(c + Vec2::new(100.0, 100.0), None, Some(&pointing)).unwrap();
    assert!(editor.delete_vertex_near(at, radius));
    assert_eq!(editor.draft.vertices(ShapeRef::Zone(0)).unwrap().len(), 3);

    let level = editor.save().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(level.plan.surface, SurfaceKind::Head("adult-male".into()));
    assert_eq!(level.plan.skin.scars.len(), 1);
    let text = std::fs::read_to_string(dir.join("crown-scar.ron")).unwrap();
    assert!(text.contains("surface: Head(\"adult-male\")"), "{text}");
    let out = smp(&["levels", "check", dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}
