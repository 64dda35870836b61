//! Colours and widgets every screen shares: the palette, the window-wide panel a screen lays
//! out in, histograms with marks, and the skin cross-section of the depth gauge.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Bar, BarChart, Plot, VLine};
use smp_core::plan::ReferencePlan;
use smp_core::skin::DepthOutcome;

/// Text for a passed attempt, a fine impression, a verified file.
pub const GOOD: egui::Color32 = egui::Color32::from_rgb(30, 140, 60);
/// Text for a failed attempt, a fault, a file that does not verify.
pub const BAD: egui::Color32 = egui::Color32::from_rgb(190, 40, 40);
/// Marks of the target on plots (the depth window, the minimum spacing).
pub const TARGET: egui::Color32 = egui::Color32::from_rgb(30, 150, 60);
/// Comment pins and places an instructor points at.
pub const PIN: Color = Color::srgb(0.9, 0.0, 0.8);
/// The selected impression or shape.
pub const SELECTED: Color = Color::srgb(0.1, 0.9, 1.0);

/// An sRGB byte triple as a Bevy colour.
pub fn rgb(c: [u8; 3]) -> Color {
    Color::srgb_u8(c[0], c[1], c[2])
}

/// Colour of a depth outcome on the scalp, in the gauge and in heatmaps.
pub fn outcome_color(o: DepthOutcome) -> Color {
    rgb(smp_core::palette::outcome_rgb(o))
}

/// Colour of a depth outcome in panels.
pub fn outcome_color32(o: DepthOutcome) -> egui::Color32 {
    let [r, g, b] = smp_core::palette::outcome_rgb(o);
    egui::Color32::from_rgb(r, g, b)
}

/// The `Ui` covering the window that a screen's panels are laid out in.
pub fn screen_ui(contexts: &mut EguiContexts) -> Result<egui::Ui> {
    let ctx = contexts.ctx_mut()?;
    Ok(egui::Ui::new(
        ctx.clone(),
        "screen".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    ))
}

/// A histogram of `values` in `bins` bins over `lo..hi`, with `marks` as green lines.
pub fn histogram(
    ui: &mut egui::Ui,
    id: &str,
    values: &[f64],
    lo: f64,
    hi: f64,
    bins: usize,
    marks: &[f64],
) {
    let width = (hi - lo) / bins as f64;
    let counts = smp_core::report::bin_counts(values, lo, hi, bins);
    let bars: Vec<Bar> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| Bar::new(lo + (i as f64 + 0.5) * width, *c as f64).width(width * 0.95))
        .collect();
    Plot::new(id)
        .height(120.0)
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .show(ui, |p| {
            p.bar_chart(BarChart::new(id, bars));
            for m in marks {
                p.vline(VLine::new(format!("{id} mark"), *m).color(TARGET));
            }
        });
}

/// A cross-section of the skin with the target window and where the needle would stop
/// (`depth_mm`, coloured by its `outcome`).
pub fn depth_gauge(ui: &mut egui::Ui, plan: &ReferencePlan, depth_mm: f64, outcome: DepthOutcome) {
    let bottom = plan.skin.subcutis_mm() * 1.4;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(200.0, 180.0), egui::Sense::hover());
    let p = ui.painter_at(rect);
    let y = |mm: f64| rect.top() + (mm / bottom).clamp(0.0, 1.0) as f32 * rect.height();
    let band = |a: f64, b: f64, c: egui::Color32, label: &str| {
        let r = egui::Rect::from_min_max(
            egui::pos2(rect.left(), y(a)),
            egui::pos2(rect.right(), y(b)),
        );
        p.rect_filled(r, 0.0, c);
        p.text(
            r.left_center() + egui::vec2(4.0, 0.0),
            egui::Align2::LEFT_CENTER,
            label,
            egui::FontId::proportional(11.0),
            egui::Color32::BLACK,
        );
    };
    let skin = &plan.skin;
    band(
        0.0,
        skin.epidermis_mm,
        egui::Color32::from_rgb(235, 200, 180),
        "",
    );
    band(
        skin.epidermis_mm,
        skin.subcutis_mm(),
        egui::Color32::from_rgb(225, 170, 160),
        "dermis",
    );
    band(
        skin.subcutis_mm(),
        bottom,
        egui::Color32::from_rgb(245, 225, 150),
        "subcutis (fat)",
    );
    let w = &plan.depth_window;
    let target = egui::Rect::from_min_max(
        egui::pos2(rect.left() + 110.0, y(w.min_mm)),
        egui::pos2(rect.right(), y(w.max_mm)),
    );
    p.rect_filled(
        target,
        0.0,
        egui::Color32::from_rgba_unmultiplied(40, 170, 70, 160),
    );
    p.text(
        target.center(),
        egui::Align2::CENTER_CENTER,
        "target",
        egui::FontId::proportional(11.0),
        egui::Color32::WHITE,
    );
    let x = rect.left() + 90.0;
    p.line_segment(
        [egui::pos2(x, rect.top()), egui::pos2(x, y(depth_mm))],
        egui::Stroke::new(3.0, egui::Color32::DARK_GRAY),
    );
    p.circle_filled(egui::pos2(x, y(depth_mm)), 5.0, outcome_color32(outcome));
}
