//! The practice screen: the HUD over the scalp (session, needle, shade, count, clock, pressure),
//! the depth gauge, the last impression, and the keys of a session (finish, save, leave).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::AppSystems;
use crate::autosave::Autosave;
use crate::clock::{ClockRunning, SessionClock};
use crate::input::{HandPressure, KeyboardOverUi, PenBackend, PenHover};
use crate::notice::{HelpShown, Notice};
use crate::scalp::{Overlay, predicted, predicted_on};
use crate::screen::{Screen, ScreenSystems};
use crate::session::Practice;
use crate::theme;

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_systems(Screen::Practice, AppSystems::Input, practice_keys)
        .add_screen_panel(Screen::Practice, practice_hud);
}

fn practice_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut key_events: MessageReader<bevy::input::keyboard::KeyboardInput>,
    mut modifiers: Local<crate::input::Modifiers>,
    practice: Option<ResMut<Practice>>,
    mut notice: ResMut<Notice>,
    mut next: ResMut<NextState<Screen>>,
    mut autosave: ResMut<Autosave>,
    clock: Res<SessionClock>,
    hand: Res<HandPressure>,
    typing: Res<KeyboardOverUi>,
) {
    // Ctrl chords from the key events, however quickly they are tapped (read every frame, so
    // none is left over for later).
    let chords = crate::input::ctrl_chords(&mut key_events, &mut modifiers, &keys);
    let Some(mut practice) = practice else { return };
    if typing.0 {
        return;
    }
    let ctrl = crate::input::ctrl_held(&keys);
    for (code, _) in chords {
        match code {
            KeyCode::KeyZ => {
                notice.show("A needle cannot be undone: every impression stays in the skin.");
            }
            KeyCode::KeyS => notice.show(match autosave.write(&practice, clock.0, hand.0) {
                Ok(()) => format!("Saved to {}", autosave.path.display()),
                Err(e) => format!("Could not save: {e}"),
            }),
            _ => {}
        }
    }
    if keys.just_pressed(KeyCode::KeyF) && !ctrl {
        finish_session(&mut practice, &mut next);
    }
    if keys.just_pressed(KeyCode::Escape) {
        // The autosave keeps the work: it can be resumed from the title screen.
        let _ = autosave.write(&practice, clock.0, hand.0);
        next.set(Screen::Title);
    }
}

/// Ends the session being tattooed: the results after the last one, else the healing days.
fn finish_session(practice: &mut Practice, next: &mut NextState<Screen>) {
    if practice.finish_session() {
        next.set(Screen::Results);
    } else {
        next.set(Screen::BetweenSessions);
    }
}

/// How many of the latest impressions the depth gauge sums up.
const RECENT: usize = 20;

fn practice_hud(
    mut contexts: EguiContexts,
    practice: Option<ResMut<Practice>>,
    clock: Res<SessionClock>,
    hover: Res<PenHover>,
    hand: Res<HandPressure>,
    backend: Option<Res<PenBackend>>,
    mut overlay: ResMut<Overlay>,
    mut help: ResMut<HelpShown>,
    mut next: ResMut<NextState<Screen>>,
    frame_rate: Res<crate::wake::FrameRate>,
    running: Res<ClockRunning>,
    mut panels: ResMut<crate::camera::PanelsPx>,
) -> Result {
    let Some(mut practice) = practice else {
        return Ok(());
    };
    let mut root = theme::screen_ui(&mut contexts)?;
    let n = practice.impressions.len();
    let (needle, shade) = practice
        .live
        .as_ref()
        .map_or((practice.next_needle, practice.next_shade), |l| {
            (l.record.needle, l.record.shade)
        });
    let hud = egui::Panel::top("hud").show(&mut root, |h| {
        h.horizontal_wrapped(|h| {
            h.strong(&practice.level.plan.title);
            h.separator();
            h.label(format!(
                "Session {} of {}",
                practice.session_number(),
                practice.planned_sessions()
            ));
            h.separator();
            h.label(format!("Needle {}", needle.label()));
            h.label(format!("Shade {}", shade.name()));
            h.separator();
            h.label(format!("{n} impressions"));
            let t = clock.0.max(0.0) as u64;
            h.label(format!("{:02}:{:02}", t / 60, t % 60));
            h.separator();
            if hover.from_tablet {
                h.label(format!("Pen pressure {:.2}", hover.pressure));
            } else if matches!(backend.as_deref(), Some(PenBackend::Tablet { .. })) {
                // A tablet backend with no pen near it: the mouse is the pen meanwhile.
                h.label(format!(
                    "No pen near the tablet: the mouse draws at hand pressure {:.2} (wheel, [ ])",
                    hand.0
                ));
            } else {
                h.label(format!("Hand pressure {:.2} (wheel, [ ])", hand.0));
            }
            h.separator();
            h.small(match frame_rate.busy_fps() {
                Some(fps) => format!("{fps:.0} fps"),
                // Nothing moves: frames come only when something changes.
                None => "idle".to_string(),
            });
        });
    });
    // Before the first touch: what the level wants (the clock waits).
    if !running.0 {
        let plan = &practice.level.plan;
        egui::Window::new(format!("Session {}: {}", practice.session_number(), plan.title))
            .anchor(egui::Align2::CENTER_BOTTOM, [0.0, -16.0])
            .collapsible(false)
            .resizable(false)
            .default_width(520.0)
            .show(root.ctx(), |w| {
                w.label(&plan.brief);
                w.add_space(4.0);
                w.label(format!(
                    "Target depth {:.2}–{:.2} mm. The plan's zones and hairline are outlined (O hides them).",
                    plan.depth_window.min_mm, plan.depth_window.max_mm
                ));
                if plan.head().is_some() {
                    w.label(
                        "The needle goes in along your line of sight: turn the head to face the skin you work on \
                         (right-drag or the arrow keys; 1 front, 2 left, 3 right, 4 top, 5 back; Ctrl + wheel or + − to come closer).",
                    );
                }
                w.strong("The clock starts with your first impression.");
            });
    }
    let gauge = egui::Panel::right("gauge")
        .exact_size(230.0)
        .show(&mut root, |g| {
            g.heading("Depth gauge");
            // The pen's own pressure; the mouse's hand pressure as set now (not as of the last
            // move), so the gauge follows [ ] and the wheel at once.
            let pressure = if hover.from_tablet {
                hover.pressure
            } else {
                hand.0
            };
            let on_head = practice.level.plan.head().is_some();
            let (depth, outcome) = match hover.at {
                Some(at) if on_head => predicted_on(&practice, pressure, at, hover.axis),
                _ => predicted(&practice, pressure),
            };
            theme::depth_gauge(g, &practice.level.plan, depth, outcome);
            // On a head the angle to the skin matters as much as the pressure.
            if on_head {
                let plan = &practice.level.plan;
                let angle = hover.at.zip(hover.axis).and_then(|(at, axis)| {
                    smp_core::needle::entry_angle(&plan.surface(), at, axis)
                });
                g.label(match (hover.at, angle) {
                    (None, _) => "Needle: off the skin".to_string(),
                    (Some(_), None) => "Needle: grazing the skin, it cannot go in".to_string(),
                    (Some(_), Some((a, _))) => {
                        format!("Needle at {:.0}° from square to the skin", a.to_degrees())
                    }
                });
            }
            g.label(format!(
                "At this pressure: {depth:.2} mm, {}",
                outcome.name()
            ));
            // What the last impressions actually reached: the tissue varies, so the spread
            // matters as much as the mean.
            let recent: Vec<_> = practice.impressions.iter().rev().take(RECENT).collect();
            if !recent.is_empty() {
                let mut counts = smp_core::score::OutcomeCounts::default();
                let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                for p in &recent {
                    counts.add(p.tissue.outcome);
                    lo = lo.min(p.tissue.depth_mm);
                    hi = hi.max(p.tissue.depth_mm);
                }
                g.label(format!("Last {}: {lo:.2}–{hi:.2} mm deep", recent.len()));
                g.label(format!(
                    "{} ideal · {} shallow · {} deep · {} blown out",
                    counts.ideal, counts.shallow, counts.deep, counts.blowout
                ));
            }
            if let Some(last) = practice.impressions.last() {
                g.separator();
                g.label("Last impression");
                g.label(format!(
                    "{:.2} mm deep: {}",
                    last.tissue.depth_mm,
                    last.tissue.outcome.name()
                ));
                g.label(format!(
                    "pressure {:.2}, tilt {:.0}°, dwell {:.2} s",
                    last.impression.pressure,
                    last.impression.tilt_rad.to_degrees(),
                    last.impression.dwell_s
                ));
            }
            g.separator();
            g.checkbox(&mut overlay.0, "Plan overlay  [O]");
            if g.button("Finish session  [F]").clicked() {
                finish_session(&mut practice, &mut next);
            }
            if g.button("Help  [F1]").clicked() {
                help.0 = !help.0;
            }
            g.separator();
            g.small(PenBackend::label(backend.as_deref()));
        });
    crate::camera::PanelsPx::set_right(&mut panels, gauge.response.rect.width());
    crate::camera::PanelsPx::set_top(&mut panels, hud.response.rect.height());
    Ok(())
}
