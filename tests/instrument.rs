//! Issue 11: the trainer as an instrument. The mouse is driven through the window's own event
//! messages (as winit delivers them), never by injecting samples; an unfinished attempt, unsaved
//! level edits and the hand pressure are only changed by an explicit choice.

use smp_app::Screen;
use smp_app::autosave::{Autosave, AutosaveFile, ConfirmDiscard, StartPractice};
use smp_app::bevy::input::ButtonState;
use smp_app::bevy::input::keyboard::{Key, KeyboardInput};
use smp_app::bevy::input::mouse::{MouseButtonInput, MouseScrollUnit, MouseWheel};
use smp_app::bevy::prelude::*;
use smp_app::bevy::window::{CursorMoved, WindowEvent};
use smp_app::camera::PointerToCanvas;
use smp_app::clock::SessionClock;
use smp_app::editor::Editor;
use smp_app::input::{HandPressure, KeyboardOverUi, PenBackend, PointerOverUi};
use smp_app::review::Review;
use smp_app::session::Practice;
use smp_core::Level;
use smp_core::geometry::Point;
use smp_core::notes::Pin;

use crate::app::headless;
use crate::support::temp_dir;

/// A headless trainer with the mouse as its pen, 0.1 mm per window pixel from the canvas origin.
pub(crate) fn with_mouse(dir: &std::path::Path) -> App {
    let mut app = headless(dir);
    app.add_plugins(smp_app::bevy::input::InputPlugin);
    app.add_message::<WindowEvent>();
    app.insert_resource(PenBackend::Mouse {
        reason: "test".into(),
    });
    app.insert_resource(PointerToCanvas {
        origin: Point::new(0.0, 0.0),
        mm_per_px: 0.1,
    });
    app
}

pub(crate) fn start(app: &mut App, level: &Level, discard_unfinished: bool) {
    app.world_mut().write_message(StartPractice {
        level: level.clone(),
        trainee: "Ana".into(),
        discard_unfinished,
    });
    app.update();
    app.update();
}

fn screen(app: &App) -> Screen {
    *app.world().resource::<State<Screen>>().get()
}

pub(crate) fn moved(x: f32, y: f32) -> WindowEvent {
    WindowEvent::CursorMoved(CursorMoved {
        window: Entity::PLACEHOLDER,
        position: Vec2::new(x, y),
        delta: None,
    })
}

/// A key pressed or released, as the window delivers it.
pub(crate) fn key_event(key_code: KeyCode, logical_key: Key, pressed: bool) -> KeyboardInput {
    KeyboardInput {
        key_code,
        logical_key,
        state: if pressed {
            ButtonState::Pressed
        } else {
            ButtonState::Released
        },
        text: None,
        repeat: false,
        window: Entity::PLACEHOLDER,
    }
}

pub(crate) fn button(pressed: bool) -> WindowEvent {
    WindowEvent::MouseButtonInput(MouseButtonInput {
        button: MouseButton::Left,
        state: if pressed {
            ButtonState::Pressed
        } else {
            ButtonState::Released
        },
        window: Entity::PLACEHOLDER,
    })
}

#[test]
fn every_quick_tap_from_the_window_becomes_an_impression_however_many_per_frame() {
    let dir = temp_dir("instrument-taps");
    let level = Level::find("depth-drill", None).unwrap();
    let mut app = with_mouse(&dir);
    start(&mut app, &level, false);
    assert_eq!(screen(&app), Screen::Practice);
    // Nothing touched yet: the clock has not started.
    app.update();
    assert_eq!(app.world().resource::<SessionClock>().0, 0.0);
    // 100 taps, each pressed and released within one frame, 1, 3, 10 and then 36 per frame.
    let mut taps = 0;
    for per_frame in [1usize, 3, 10, 36, 50] {
        let mut burst = Vec::new();
        for _ in 0..per_frame.min(100 - taps) {
            // 2 mm apart on a grid inside the drill square.
            let (x, y) = (
                60.0 + 20.0 * (taps % 10) as f32,
                60.0 + 20.0 * (taps / 10) as f32,
            );
            burst.extend([moved(x, y), button(true), button(false)]);
            taps += 1;
        }
        for e in burst {
            app.world_mut().write_message(e);
        }
        app.update();
    }
    assert_eq!(taps, 100);
    let practice = app.world().resource::<Practice>();
    assert_eq!(practice.impressions.len(), 100, "every tap is a dot");
    // Each dot where its tap was, and the samples' times never run backwards.
    let first = practice.impressions[0].impression.at;
    assert!((first.x_mm - 6.0).abs() < 1e-9 && (first.y_mm - 6.0).abs() < 1e-9);
    let samples = &practice.live.as_ref().unwrap().record.samples;
    assert!(samples.windows(2).all(|w| w[0].t_s <= w[1].t_s));
    assert!(
        app.world().resource::<SessionClock>().0 > 0.0,
        "the first touch starts the clock"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_unfinished_attempt_is_only_discarded_by_choice() {
    let dir = temp_dir("instrument-unfinished");
    let level = Level::find("depth-drill", None).unwrap();
    // A session with work in it, autosaved, then the trainer "crashes".
    let mut app = with_mouse(&dir);
    start(&mut app, &level, false);
    for k in 0..5 {
        for e in [
            moved(60.0 + 30.0 * k as f32, 80.0),
            button(true),
            button(false),
        ] {
            app.world_mut().write_message(e);
        }
        app.update();
    }
    let mut autosave = Autosave::at(dir.join("autosave.ron"));
    let practice = app.world().resource::<Practice>();
    assert_eq!(practice.impressions.len(), 5);
    autosave.write(practice, 1.0, 0.4).unwrap();
    drop(app);

    let pending = |dir: &std::path::Path| -> Option<AutosaveFile> {
        Autosave::at(dir.join("autosave.ron")).pending()
    };
    let before = pending(&dir).expect("autosaved").attempt.sample_count();
    // Start (as Enter on the title screen does): nothing starts, the trainer asks.
    let mut app = with_mouse(&dir);
    start(&mut app, &level, false);
    assert_eq!(screen(&app), Screen::Title);
    let asking = app
        .world()
        .get_resource::<ConfirmDiscard>()
        .expect("asks first");
    assert!(
        asking.unfinished.contains("5 impressions"),
        "{}",
        asking.unfinished
    );
    assert_eq!(pending(&dir).unwrap().attempt.sample_count(), before);
    // Only the explicit choice discards it.
    start(&mut app, &level, true);
    assert_eq!(screen(&app), Screen::Practice);
    assert!(pending(&dir).is_none_or(|p| !p.has_work()));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn keys_typed_into_a_field_and_the_wheel_over_a_panel_leave_the_pressure_alone() {
    let dir = temp_dir("instrument-keys");
    let level = Level::find("depth-drill", None).unwrap();
    let mut app = with_mouse(&dir);
    let wheel = |app: &mut App| {
        app.world_mut().write_message(MouseWheel {
            unit: MouseScrollUnit::Line,
            x: 0.0,
            y: 1.0,
            window: Entity::PLACEHOLDER,
            phase: smp_app::bevy::input::touch::TouchPhase::Moved,
        });
        app.update();
    };
    let hand = |app: &App| app.world().resource::<HandPressure>().0;
    // "]" as the window delivers it.
    let key = |app: &mut App, pressed: bool| {
        app.world_mut().write_message(key_event(
            KeyCode::BracketRight,
            Key::Character("]".into()),
            pressed,
        ));
        app.update();
    };
    let initial = hand(&app);
    // On the title screen the wheel scrolls lists; it is no pen.
    wheel(&mut app);
    assert_eq!(hand(&app), initial);
    start(&mut app, &level, false);
    // Over a panel: the panel's.
    app.insert_resource(PointerOverUi(true));
    wheel(&mut app);
    assert_eq!(hand(&app), initial);
    // Typing "]" into a comment or a name: text, not pressure.
    app.insert_resource(PointerOverUi(false));
    app.insert_resource(KeyboardOverUi(true));
    key(&mut app, true);
    assert_eq!(hand(&app), initial);
    key(&mut app, false);
    // Over the skin, with no field focused, both act.
    app.insert_resource(KeyboardOverUi(false));
    key(&mut app, true);
    assert!(hand(&app) > initial);
    let pressed = hand(&app);
    wheel(&mut app);
    assert!(hand(&app) > pressed);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_comment_pinned_to_a_place_lies_on_the_scalp() {
    let dir = temp_dir("instrument-pin");
    let level = Level::find("depth-drill", None).unwrap();
    let attempt = smp_core::simulate::simulate(
        &level,
        smp_core::persona::Persona::Expert,
        1,
        "Ana",
        "2026-11-22",
    );
    let path = dir.join("a.ron");
    attempt.save(&path).unwrap();
    let mut review = Review::open(&path, None, None).unwrap();
    let (w, h) = level.plan.canvas_mm;
    // Where a click on a button far right of a 40 × 40 mm canvas would land.
    let off = Pin::Place(Point::new(w + 114.66, h * 2.1));
    assert!(review.add_comment("M. Costa", off, "Clumps here").is_err());
    assert!(review.notes.comments.is_empty());
    let on = Pin::Place(Point::new(w / 2.0, h / 2.0));
    review.add_comment("M. Costa", on, "Clumps here").unwrap();
    assert_eq!(review.notes.comments.len(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_editor_asks_before_dropping_unsaved_edits() {
    let dir = temp_dir("instrument-editor");
    let level = Level::find("depth-drill", None).unwrap();
    let mut editor = Editor::for_level(Some(&level));
    editor.path = dir.join("mine.ron").display().to_string();
    assert!(editor.request_leave(), "nothing edited: leave at once");
    editor.draft.plan.title = "My drill".into();
    assert!(!editor.request_leave(), "edited: ask first");
    assert!(editor.leaving);
    editor.save().unwrap();
    assert!(editor.request_leave(), "saved: nothing to lose");
    std::fs::remove_dir_all(dir).unwrap();
}
