//! Issue 20: the design step, driven through the window's own event messages. The marker draws
//! where the head camera's ray meets the skin and never makes an impression; undo, redo, the
//! tape and finishing are the trainee's keys; the tattooing that follows works in the band behind
//! the line drawn.

use std::sync::Arc;

use smp_app::Screen;
use smp_app::bevy::input::keyboard::Key;
use smp_app::bevy::prelude::*;
use smp_app::bevy::window::WindowEvent;
use smp_app::design_step::{Marker, MarkerTool};
use smp_app::head_view::PointerToHead;
use smp_app::head_view::marker::design_orbit;
use smp_app::session::Practice;
use smp_core::Level;
use smp_core::geometry::Point;
use smp_core::surface::{Head, Landmark};

use crate::instrument::{button, key_event, moved, start, with_mouse};
use crate::support::temp_dir;

/// The window the head is seen in, logical px.
const VIEWPORT: Rect = Rect {
    min: Vec2::new(0.0, 30.0),
    max: Vec2::new(1100.0, 900.0),
};

fn events(app: &mut App, events: &[WindowEvent]) {
    for e in events {
        app.world_mut().write_message(e.clone());
    }
    app.update();
}

fn key(app: &mut App, code: KeyCode, pressed: bool) {
    let logical = Key::Unidentified(smp_app::bevy::input::keyboard::NativeKey::Unidentified);
    app.world_mut()
        .write_message(key_event(code, logical, pressed));
    app.update();
}

/// Presses `code` with Ctrl held (or alone).
fn shortcut(app: &mut App, ctrl: bool, code: KeyCode) {
    if ctrl {
        key(app, KeyCode::ControlLeft, true);
    }
    key(app, code, true);
    key(app, code, false);
    if ctrl {
        key(app, KeyCode::ControlLeft, false);
    }
}

/// Key presses (`true`) and releases, in order, all delivered before one frame.
fn keys_in_one_frame(app: &mut App, keys: &[(KeyCode, bool)]) {
    let logical = || Key::Unidentified(smp_app::bevy::input::keyboard::NativeKey::Unidentified);
    for &(code, pressed) in keys {
        app.world_mut()
            .write_message(key_event(code, logical(), pressed));
    }
    app.update();
}

/// The window position where the map place `at` is seen.
fn seen(pointing: &PointerToHead, head: &Head, at: Point) -> Vec2 {
    pointing
        .window_pos(head.point_at(at).unwrap())
        .expect("in front of the camera")
}

/// A stroke through the window: down at the first place, moved through the rest, up.
fn stroke(app: &mut App, pointing: &PointerToHead, head: &Head, places: &[Point]) {
    let at: Vec<Vec2> = places.iter().map(|&p| seen(pointing, head, p)).collect();
    events(app, &[moved(at[0].x, at[0].y), button(true)]);
    for p in &at[1..] {
        events(app, &[moved(p.x, p.y)]);
    }
    events(app, &[button(false)]);
}

fn marker(app: &App) -> &Marker {
    app.world().resource::<Marker>()
}

#[test]
fn the_marker_draws_on_the_head_the_tape_measures_and_the_tattooing_follows_the_line() {
    let dir = temp_dir("design-step");
    let level = Level::find("design-young", None).unwrap();
    let head = level.plan.head().unwrap();
    let targets = level.plan.design.unwrap();
    let mut app = with_mouse(&dir);
    let pointing = PointerToHead::new(Arc::clone(&head), &design_orbit(&head), VIEWPORT);
    app.insert_resource(pointing.clone());
    start(&mut app, &level, false);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Design,
        "a level with a design step starts with the design"
    );

    // The expert's line for this client, drawn as two strokes through the window.
    let expert = smp_core::design::expert_design(&head, &targets, 1).unwrap();
    for s in &expert.strokes {
        stroke(&mut app, &pointing, &head, s);
    }
    let m = marker(&app);
    assert_eq!(m.strokes.len(), 2);
    for (drawn, meant) in m.strokes.iter().zip(&expert.strokes) {
        assert_eq!(drawn.len(), meant.len());
        for (d, e) in drawn.iter().zip(meant) {
            assert!(d.distance(*e) < 0.2, "{d:?} drawn for {e:?}");
        }
    }
    // A marker is not a needle: nothing went into the skin, no session began.
    let p = app.world().resource::<Practice>();
    assert!(p.impressions.is_empty() && p.live.is_none());
    assert_eq!(p.attempt.sessions.len(), 0);

    // A tap is a slip of the pen, not a stroke.
    let dot = seen(&pointing, &head, expert.hairline.vertices[10]);
    events(
        &mut app,
        &[moved(dot.x, dot.y), button(true), button(false)],
    );
    assert_eq!(marker(&app).strokes.len(), 2);

    // Undo and redo from the keyboard; a new stroke after an undo forgets what was undone.
    shortcut(&mut app, true, KeyCode::KeyZ);
    assert_eq!(marker(&app).strokes.len(), 1);
    assert_eq!(marker(&app).undone.len(), 1);
    shortcut(&mut app, true, KeyCode::KeyY);
    assert_eq!(marker(&app).strokes.len(), 2);
    assert!(marker(&app).undone.is_empty());
    // A quick Ctrl+Z, down and up within one frame as a fast hand or xdotool gives it.
    keys_in_one_frame(
        &mut app,
        &[
            (KeyCode::ControlLeft, true),
            (KeyCode::KeyZ, true),
            (KeyCode::KeyZ, false),
            (KeyCode::ControlLeft, false),
        ],
    );
    assert_eq!(marker(&app).strokes.len(), 1, "undone within one frame");
    shortcut(&mut app, true, KeyCode::KeyY);
    assert_eq!(marker(&app).strokes.len(), 2);
    // As xdotool sends it to an idle window: Ctrl in one frame, then Z pressed, Ctrl let go and
    // Z let go in the next (Ctrl is up by the time the frame reads its keys).
    keys_in_one_frame(&mut app, &[(KeyCode::ControlLeft, true)]);
    keys_in_one_frame(
        &mut app,
        &[
            (KeyCode::KeyZ, true),
            (KeyCode::ControlLeft, false),
            (KeyCode::KeyZ, false),
        ],
    );
    assert_eq!(marker(&app).strokes.len(), 1, "undone across two frames");
    shortcut(&mut app, true, KeyCode::KeyY);
    assert_eq!(marker(&app).strokes.len(), 2);

    // The tape, from the glabella to the line's mid-frontal point, reads the height along the
    // skin that the design is judged by.
    shortcut(&mut app, false, KeyCode::KeyT);
    assert_eq!(marker(&app).tool, MarkerTool::Tape);
    let glabella = head.landmark(Landmark::Glabella).unwrap();
    let mfp = smp_core::design::measure(&head, &expert.hairline, &Default::default())
        .unwrap()
        .mfp;
    let (a, b) = (
        seen(&pointing, &head, glabella),
        seen(&pointing, &head, mfp),
    );
    events(&mut app, &[moved(a.x, a.y), button(true)]);
    events(&mut app, &[moved((a.x + b.x) / 2.0, (a.y + b.y) / 2.0)]);
    events(&mut app, &[moved(b.x, b.y), button(false)]);
    let tape = marker(&app).tape.clone().expect("a tape laid");
    let (length, path) = tape.pulled.expect("pulled tight when the pen lifts");
    let along = head.along_skin_mm(glabella, mfp).unwrap();
    assert!((length - along).abs() < 0.5, "{length} vs {along}");
    assert!(path.len() > 10, "a path along the skin");
    assert_eq!(marker(&app).strokes.len(), 2, "the tape draws no line");

    // The guides switch on and off.
    shortcut(&mut app, false, KeyCode::KeyG);
    shortcut(&mut app, false, KeyCode::KeyR);
    assert!(marker(&app).guide && marker(&app).rules);

    // Done: the design goes into the attempt, the tattooing begins behind the line.
    shortcut(&mut app, false, KeyCode::Enter);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Practice
    );
    app.update();
    let p = app.world().resource::<Practice>();
    let design = p
        .attempt
        .design
        .as_ref()
        .expect("the design is in the attempt");
    assert_eq!(p.attempt.format_version, 4);
    assert_eq!(design.strokes.len(), 2);
    assert_eq!(
        p.level.plan.hairline.as_ref().unwrap().line,
        design.hairline
    );
    let middle = Point::new(mfp.x_mm, mfp.y_mm + 10.0);
    assert!(
        p.level.plan.zone_at(middle).is_some(),
        "10 mm behind the line"
    );
    assert!(
        p.level
            .plan
            .zone_at(Point::new(mfp.x_mm, mfp.y_mm - 4.0))
            .is_none()
    );
    assert!(p.live.is_some(), "the session begins");
    // The attempt's own autosave keeps the design from now on: the draft is gone.
    assert!(!dir.join("design-draft-design-young.ron").exists());
}

#[test]
fn a_line_that_cannot_be_judged_does_not_end_the_design_and_esc_with_nothing_drawn_leaves() {
    // A first run: the data folder does not exist yet.
    let dir = temp_dir("design-step-refused").join("first-run");
    assert!(!dir.exists());
    let level = Level::find("design-mature", None).unwrap();
    let head = level.plan.head().unwrap();
    let mut app = with_mouse(&dir);
    let pointing = PointerToHead::new(Arc::clone(&head), &design_orbit(&head), VIEWPORT);
    app.insert_resource(pointing.clone());
    start(&mut app, &level, false);
    // Nothing drawn: Enter does not start the tattooing.
    shortcut(&mut app, false, KeyCode::Enter);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Design
    );
    // Half a line, on the client's left only: it never reaches the midline.
    let mid = head.map_size_mm().0 / 2.0;
    let left: Vec<Point> = (0..20)
        .map(|k| Point::new(mid - 50.0 + f64::from(k) * 2.0, 232.0))
        .collect();
    stroke(&mut app, &pointing, &head, &left);
    assert_eq!(marker(&app).strokes.len(), 1);
    shortcut(&mut app, false, KeyCode::Enter);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Design
    );
    let notice = app.world().resource::<smp_app::notice::Notice>();
    assert!(
        notice
            .text
            .as_deref()
            .is_some_and(|t| t.contains("midline") || t.contains("middle of the forehead")),
        "{:?}",
        notice.text
    );
    assert!(app.world().resource::<Practice>().attempt.design.is_none());
    // Esc with a stroke drawn asks before it is lost.
    shortcut(&mut app, false, KeyCode::Escape);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Design
    );
    assert!(
        app.world()
            .resource::<smp_app::design_step::LeavingDesign>()
            .0
    );

    // The window closed now: the strokes are not lost. The same trainee on the same level
    // finds them again.
    let draft = dir.join("design-draft-design-mature.ron");
    assert!(draft.exists(), "the design in progress is kept on disk");
    let mut app = with_mouse(&dir);
    app.insert_resource(pointing.clone());
    start(&mut app, &level, true);
    let back = &marker(&app).strokes;
    assert_eq!(back.len(), 1);
    assert!(back[0].iter().zip(&left).all(|(a, b)| a.distance(*b) < 0.2));
    assert_eq!(back[0].len(), left.len());

    // A draft that is not a draft (a hostile or broken file) is not used and not lost: it is
    // kept aside, and the trainee told where.
    std::fs::write(
        &draft,
        "(level_hash: \"x\", trainee: 12, strokes: [[(1.0, nan)]])",
    )
    .unwrap();
    let mut app = with_mouse(&dir);
    app.insert_resource(pointing.clone());
    start(&mut app, &level, true);
    assert!(marker(&app).strokes.is_empty());
    let notice = app.world().resource::<smp_app::notice::Notice>();
    let text = notice.text.clone().unwrap_or_default();
    assert!(
        text.contains("not used") && text.contains("design-draft-design-mature.ron"),
        "{text}"
    );
    assert!(text.contains(":1:"), "located: {text}");
    assert!(!draft.exists());
    assert!(
        dir.join("design-draft-design-mature.ron.unreadable")
            .exists()
    );

    // Another trainee's folder holds no draft: an empty design, and Esc leaves at once.
    let fresh = temp_dir("design-step-empty");
    let mut app = with_mouse(&fresh);
    app.insert_resource(pointing);
    start(&mut app, &level, true);
    assert!(marker(&app).strokes.is_empty());
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Design
    );
    shortcut(&mut app, false, KeyCode::Escape);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Title
    );
}
