//! On every screen: the keyboard-shortcut help (F1), short notices at the bottom of the window,
//! and the keys that work everywhere (help, plan overlay, quit).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

use crate::AppSystems;
use crate::notice::{HelpShown, Notice};
use crate::scalp::Overlay;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Update, global_keys.in_set(AppSystems::Input));
    // A window and an area: they float above the screens' panels whatever the system order.
    app.add_systems(EguiPrimaryContextPass, help_and_notices);
}

fn global_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut key_events: MessageReader<bevy::input::keyboard::KeyboardInput>,
    mut modifiers: Local<crate::input::Modifiers>,
    mut help: ResMut<HelpShown>,
    mut overlay: ResMut<Overlay>,
    mut exit: MessageWriter<AppExit>,
    typing: Res<crate::input::KeyboardOverUi>,
) {
    // Ctrl+Q from the key events, however quickly it is tapped.
    let chords = crate::input::ctrl_chords(&mut key_events, &mut modifiers, &keys);
    let ctrl = crate::input::ctrl_held(&keys);
    // F1 and Ctrl+Q work everywhere; a letter typed into a field is text.
    if keys.just_pressed(KeyCode::F1) {
        help.0 = !help.0;
    }
    if keys.just_pressed(KeyCode::KeyO) && !ctrl && !typing.0 {
        overlay.0 = !overlay.0;
    }
    if chords.iter().any(|&(code, _)| code == KeyCode::KeyQ) {
        exit.write(AppExit::Success);
    }
}

/// How long a notice stays up, s.
const NOTICE_S: f64 = 5.0;

fn help_and_notices(
    mut contexts: EguiContexts,
    mut help: ResMut<HelpShown>,
    mut notice: ResMut<Notice>,
    time: Res<Time<Real>>,
    mut wake: ResMut<crate::wake::Wake>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if help.0 {
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .show(ctx, |w| {
                egui::Grid::new("keys").show(w, |g| {
                    for (k, what) in [
                        (
                            "Pen / left mouse",
                            "tattoo an impression (pressure sets depth)",
                        ),
                        ("Wheel, [ and ]", "hand pressure when using the mouse"),
                        ("+ / −, Ctrl + wheel", "zoom (loupe)"),
                        ("Arrows, right or middle drag", "pan (on a head: turn it)"),
                        ("1 2 3 4 5", "on a head: front, left, right, top, back"),
                        ("O", "plan overlay: zones, hairline, transition band"),
                        ("F", "finish the session"),
                        ("Ctrl+S", "save the attempt so far"),
                        ("Ctrl+Z", "(a needle cannot be undone)"),
                        (
                            "Esc",
                            "back to the curriculum (the work is kept for resume)",
                        ),
                        (
                            "Design step",
                            "M marker, T tape, G symmetry guide, R rule lines",
                        ),
                        (
                            "",
                            "Ctrl+Z / Ctrl+Y undo and redo a stroke, Enter tattoo behind the line",
                        ),
                        ("C (curriculum)", "calibrate the pen's pressure"),
                        ("F1", "this help"),
                        ("Ctrl+Q", "quit"),
                    ] {
                        g.strong(k);
                        g.label(what);
                        g.end_row();
                    }
                });
            });
        help.0 = open;
    }
    let now = time.elapsed_secs_f64();
    let since = *notice.since_s.get_or_insert(now);
    if now - since > NOTICE_S {
        notice.text = None;
    } else if notice.text.is_some() {
        // Taken down when its time is up, input or not.
        wake.within(NOTICE_S - (now - since) + 0.01);
    }
    if let Some(msg) = &notice.text {
        egui::Area::new(egui::Id::new("notice"))
            .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -30.0))
            .show(ctx, |a| {
                egui::Frame::popup(a.style()).show(a, |f| f.label(msg));
            });
    }
    Ok(())
}
