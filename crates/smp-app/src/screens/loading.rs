//! The loading screen: what is being opened, the stage it is at and how far along, while the
//! work runs on its own thread (see `loading`).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::loading::LoadJob;
use crate::screen::{Screen, ScreenSystems};
use crate::theme;

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_panel(Screen::Loading, loading_panel);
}

fn loading_panel(mut contexts: EguiContexts, job: Option<Res<LoadJob>>) -> Result {
    let Some(job) = job else { return Ok(()) };
    let mut root = theme::screen_ui(&mut contexts)?;
    let (what, unit, done, total) = job.meter.now();
    egui::CentralPanel::default().show(&mut root, |c| {
        c.vertical_centered(|c| {
            c.add_space(c.available_height() * 0.35);
            c.heading(&job.title);
            c.add_space(12.0);
            let fraction = if total > 0 {
                done as f32 / total as f32
            } else {
                0.0
            };
            let label = if total > 1 {
                format!("{what}: {done} of {total} {unit}")
            } else {
                format!("{what} …")
            };
            c.add(
                egui::ProgressBar::new(fraction)
                    .desired_width(420.0)
                    .text(label),
            );
        });
    });
    Ok(())
}
