//! The calibration screen: the trainee taps at a light, a medium and a firm pressure on the
//! targets; the fitted curve is kept per tool (see [`crate::calibration`]).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::calibration::{CalibrationRun, LEVELS, TAPS_PER_LEVEL};
use crate::camera::ScalpCamera;
use crate::screen::{Screen, ScreenSystems};
use crate::theme;

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_panel(Screen::Calibration, calibration_screen);
}

fn calibration_screen(
    mut contexts: EguiContexts,
    run: Option<Res<CalibrationRun>>,
    mut next: ResMut<NextState<Screen>>,
    mut gizmos: Gizmos,
    cameras: Query<(&Transform, &Projection), With<ScalpCamera>>,
) -> Result {
    let mut root = theme::screen_ui(&mut contexts)?;
    let stage = run.as_ref().map_or(0, |r| r.stage()).min(2);
    let done = run.as_ref().map_or(0, |r| r.taps[stage].len());
    egui::Panel::right("calibration").exact_size(380.0).show(&mut root, |ui| {
        ui.heading("Calibrate the pen");
        ui.label("Tap the targets on the left, lifting the pen after each tap:");
        for (i, level) in LEVELS.iter().enumerate() {
            let n = run.as_ref().map_or(0, |r| r.taps[i].len());
            let text = format!("{TAPS_PER_LEVEL} taps at a {level} pressure: {n}/{TAPS_PER_LEVEL}");
            if i == stage { ui.strong(text) } else { ui.label(text) };
        }
        ui.add_space(8.0);
        ui.label("Light: a touch that would barely mark. Medium: your normal working touch. Firm: deliberately too hard.");
        ui.label("Your medium touch will then land in the middle of each level's target depth.");
        ui.add_space(8.0);
        if ui.button("Cancel").clicked() {
            next.set(Screen::Title);
        }
    });
    // Targets: one ring per tap still to do at this pressure.
    if let Ok((tf, Projection::Orthographic(o))) = cameras.single() {
        let centre = tf.translation.truncate() - Vec2::X * 190.0 * o.scale;
        let r = 20.0 * o.scale;
        for k in 0..TAPS_PER_LEVEL {
            let x = (k as f32 - 2.0) * 4.0 * r;
            let color = if k < done {
                Color::srgb(0.3, 0.7, 0.3)
            } else {
                Color::srgb(0.9, 0.9, 0.9)
            };
            gizmos.circle_2d(
                Isometry2d::from_translation(centre + Vec2::new(x, 0.0)),
                r,
                color,
            );
        }
    }
    Ok(())
}
