//! Between sessions: the days of healing before the next session (the scalp shows the earlier
//! work healed by them), and the next session's needle and shade.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use smp_core::needle::{NeedleGroup, Shade};

use crate::scalp::ShownDay;
use crate::screen::{Screen, ScreenSystems};
use crate::session::Practice;
use crate::theme;

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_panel(Screen::BetweenSessions, between_sessions);
}

/// The session just finished, in a few lines: impressions, how they landed, and the share of
/// the plan's density reached.
fn session_feedback(practice: &Practice) -> Vec<String> {
    let Some(last) = practice.attempt.sessions.len().checked_sub(1) else {
        return Vec::new();
    };
    let mine: Vec<_> = practice
        .impressions
        .iter()
        .filter(|p| p.session == last)
        .collect();
    let mut counts = smp_core::score::OutcomeCounts::default();
    for p in &mine {
        counts.add(p.tissue.outcome);
    }
    let n = mine.len().max(1) as f64;
    let pct = |k: usize| 100.0 * k as f64 / n;
    vec![
        format!("{} impressions this session.", mine.len()),
        format!(
            "Depth: {:.0}% ideal, {:.0}% too shallow (fade), {:.0}% too deep, {:.0}% blown out.",
            pct(counts.ideal),
            pct(counts.shallow),
            pct(counts.deep),
            pct(counts.blowout)
        ),
    ]
}

fn between_sessions(
    mut contexts: EguiContexts,
    practice: Option<ResMut<Practice>>,
    mut shown: ResMut<ShownDay>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(mut practice) = practice else {
        return Ok(());
    };
    let mut root = theme::screen_ui(&mut contexts)?;
    let min_gap = practice.level.plan.min_gap_days;
    let max_gap = practice.level.plan.max_gap_days;
    let k = practice.session_number();
    // The session just done, in a few words: what it did and what healed.
    let feedback = session_feedback(&practice);
    let mut start = false;
    egui::Panel::right("between").exact_size(320.0).show(&mut root, |ui| {
        ui.heading(format!("Session {} done", k - 1));
        for line in &feedback {
            ui.label(line);
        }
        ui.separator();
        ui.label(format!("Let the scalp heal before session {k}. The level plans {min_gap:.0} to {max_gap:.0} days: earlier, pigment migrates and over-saturates; much later, the earlier layer has faded and the shade no longer matches."));
        let mut days = practice.next_gap_days;
        ui.add(egui::Slider::new(&mut days, 0.0..=60.0).text("days of healing").step_by(1.0));
        practice.next_gap_days = days;
        if days < min_gap {
            ui.colored_label(theme::BAD, format!("Not healed yet: {:.0} days short of the plan.", min_gap - days));
        } else if days > max_gap {
            ui.colored_label(theme::BAD, format!("{:.0} days past the plan's {max_gap:.0}: timing will cost points.", days - max_gap));
        } else {
            ui.colored_label(theme::GOOD, "Within the planned gap.");
        }
        ui.separator();
        ui.label(format!("Session {k} plan: {} shade, {}", practice.level.plan.sessions[k - 1].shade.name(), practice.level.plan.sessions[k - 1].needle.label()));
        let mut shade = practice.next_shade;
        egui::ComboBox::from_label("shade").selected_text(shade.name()).show_ui(ui, |c| {
            for s in Shade::ALL {
                c.selectable_value(&mut shade, s, s.name());
            }
        });
        practice.next_shade = shade;
        let mut group = practice.next_needle.group;
        egui::ComboBox::from_label("needle").selected_text(group.name()).show_ui(ui, |c| {
            c.selectable_value(&mut group, NeedleGroup::OneRl, "1RL");
            c.selectable_value(&mut group, NeedleGroup::ThreeRl, "3RL");
        });
        practice.next_needle.group = group;
        let mut d = practice.next_needle.diameter_mm;
        ui.add(egui::Slider::new(&mut d, 0.18..=0.35).text("needle mm").step_by(0.01));
        practice.next_needle.diameter_mm = d;
        ui.separator();
        start = ui.button(egui::RichText::new(format!("Start session {k}")).size(16.0)).clicked();
    });
    // The scalp shows the earlier work healed by the chosen number of days.
    let want = Some(practice.next_gap_days);
    if shown.0 != want {
        shown.0 = want;
    }
    if start {
        shown.0 = None;
        practice.start_session();
        next.set(Screen::Practice);
    }
    Ok(())
}
