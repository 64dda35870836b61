//! The practice screen: the HUD over the scalp (session, needle, shade, count, clock, pressure),
//! the depth gauge, the last impression, and the keys of a session (finish, save, leave).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::AppSystems;
use crate::autosave::Autosave;
use crate::clock::SessionClock;
use crate::input::{HandPressure, PenBackend, PenHover};
use crate::notice::{HelpShown, Notice};
use crate::scalp::{Overlay, predicted};
use crate::screen::{Screen, ScreenSystems};
use crate::session::Practice;
use crate::theme;

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_systems(Screen::Practice, AppSystems::Input, practice_keys)
        .add_screen_panel(Screen::Practice, practice_hud);
}

fn practice_keys(
    keys: Res<ButtonInput<KeyCode>>,
    practice: Option<ResMut<Practice>>,
    mut notice: ResMut<Notice>,
    mut next: ResMut<NextState<Screen>>,
    mut autosave: ResMut<Autosave>,
    clock: Res<SessionClock>,
) {
    let Some(mut practice) = practice else { return };
    let ctrl = crate::input::ctrl_held(&keys);
    if ctrl && keys.just_pressed(KeyCode::KeyZ) {
        notice.show("A needle cannot be undone: every impression stays in the skin.");
    }
    if ctrl && keys.just_pressed(KeyCode::KeyS) {
        notice.show(match autosave.write(&practice, clock.0) {
            Ok(()) => format!("Saved to {}", autosave.path.display()),
            Err(e) => format!("Could not save: {e}"),
        });
    }
    if keys.just_pressed(KeyCode::KeyF) && !ctrl {
        finish_session(&mut practice, &mut next);
    }
    if keys.just_pressed(KeyCode::Escape) {
        // The autosave keeps the work: it can be resumed from the title screen.
        let _ = autosave.write(&practice, clock.0);
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
    diagnostics: Res<bevy::diagnostic::DiagnosticsStore>,
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
    egui::Panel::top("hud").show(&mut root, |h| {
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
            if matches!(backend.as_deref(), Some(PenBackend::Mouse { .. }) | None) {
                h.label(format!("Hand pressure {:.2} (wheel, [ ])", hand.0));
            } else {
                h.label(format!("Pressure {:.2}", hover.pressure));
            }
            if let Some(fps) = diagnostics
                .get(&bevy::diagnostic::FrameTimeDiagnosticsPlugin::FPS)
                .and_then(|d| d.smoothed())
            {
                h.separator();
                h.small(format!("{fps:.0} fps"));
            }
        });
    });
    egui::Panel::right("gauge")
        .exact_size(230.0)
        .show(&mut root, |g| {
            g.heading("Depth gauge");
            let pressure = if hover.contact || hover.pressure > 0.0 {
                hover.pressure
            } else {
                hand.0
            };
            let (depth, outcome) = predicted(&practice, pressure);
            theme::depth_gauge(g, &practice.level.plan, depth, outcome);
            g.label(format!(
                "At this pressure: {depth:.2} mm, {}",
                outcome.name()
            ));
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
    Ok(())
}
