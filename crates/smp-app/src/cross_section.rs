//! Where the pigment went, drawn: the core's cut through the skin at one impression
//! ([`CrossSection`]), fresh on the left and on a later day on the right, on one scale. The
//! layers (epidermis, dermis, fat, a scar's tissue), the target depths, the needle at its angle,
//! and the pigment as wide, deep and strong as it lies.

use bevy_egui::egui;
use smp_core::cross_section::{CrossSection, PigmentDeposit};

const EPIDERMIS: egui::Color32 = egui::Color32::from_rgb(236, 204, 184);
const DERMIS: egui::Color32 = egui::Color32::from_rgb(222, 164, 160);
const FAT: egui::Color32 = egui::Color32::from_rgb(242, 226, 150);
const SCAR: egui::Color32 = egui::Color32::from_rgba_premultiplied(120, 120, 120, 90);
const TARGET: egui::Color32 = egui::Color32::from_rgb(40, 150, 60);
const NEEDLE: egui::Color32 = egui::Color32::from_rgb(70, 70, 80);
const LABEL: egui::Color32 = egui::Color32::from_rgb(60, 50, 50);

/// Draws `cut` as two panels side by side, with a line of words under them.
pub fn show(ui: &mut egui::Ui, cut: &CrossSection) {
    let width = ui.available_width().clamp(200.0, 420.0);
    let height = 150.0;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(width, height), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    // One scale for both panels and both directions: deep enough for the fat below the pigment.
    let deepest = (cut.subcutis_mm + 0.35)
        .max(cut.later.depth_mm + cut.later.thickness_mm + 0.15)
        .max(cut.needle.depth_mm + 0.15);
    let px_per_mm = (height - 14.0) / deepest as f32;
    let half = rect.width() / 2.0 - 3.0;
    for (k, deposit) in [cut.fresh, cut.later].into_iter().enumerate() {
        let panel = egui::Rect::from_min_size(
            rect.min + egui::vec2(k as f32 * (half + 6.0), 0.0),
            egui::vec2(half, height),
        );
        draw_panel(&painter, panel, cut, &deposit, px_per_mm, k == 0);
    }
    let reached = cut.layer_reached();
    ui.small(format!(
        "Needle {:.0}° from square to the skin: {:.2} mm deep along {:.2} mm of path, into {reached}.",
        cut.needle.tilt_rad.to_degrees(),
        cut.needle.depth_mm,
        cut.needle.length_mm,
    ));
    ui.small(format!(
        "Fresh {:.2} mm wide; day {:.0}: {:.2} mm wide at {:.2} mm, {:.0}% of the pigment's strength.",
        cut.fresh.width_mm,
        cut.later.day,
        cut.later.width_mm,
        cut.later.depth_mm,
        100.0 * cut.later.opacity
    ));
    if let Some(scar) = cut.scar {
        ui.small(format!(
            "Scar tissue here keeps {:.0}% of the pigment and fades it {:.1}× faster.",
            100.0 * scar.retention,
            scar.fade_factor
        ));
    }
}

fn draw_panel(
    painter: &egui::Painter,
    panel: egui::Rect,
    cut: &CrossSection,
    deposit: &PigmentDeposit,
    px_per_mm: f32,
    fresh: bool,
) {
    let top = panel.min.y + 12.0;
    let y = |mm: f64| top + mm as f32 * px_per_mm;
    let band = |from: f64, to: f64| {
        egui::Rect::from_x_y_ranges(panel.x_range(), y(from)..=y(to).min(panel.max.y))
    };
    painter.rect_filled(band(0.0, cut.epidermis_mm), 0.0, EPIDERMIS);
    painter.rect_filled(band(cut.epidermis_mm, cut.subcutis_mm), 0.0, DERMIS);
    painter.rect_filled(band(cut.subcutis_mm, 10.0), 0.0, FAT);
    if cut.scar.is_some() {
        painter.rect_filled(band(cut.epidermis_mm, cut.subcutis_mm), 0.0, SCAR);
    }
    for mm in [cut.target_mm.0, cut.target_mm.1] {
        painter.line_segment(
            [
                egui::pos2(panel.min.x, y(mm)),
                egui::pos2(panel.max.x, y(mm)),
            ],
            egui::Stroke::new(1.0, TARGET),
        );
    }
    let font = egui::FontId::proportional(10.0);
    let title = if fresh {
        "fresh".to_string()
    } else {
        format!("day {:.0}", deposit.day)
    };
    painter.text(
        egui::pos2(panel.min.x + 2.0, panel.min.y),
        egui::Align2::LEFT_TOP,
        title,
        font.clone(),
        egui::Color32::LIGHT_GRAY,
    );
    if fresh {
        let dermis = if cut.scar.is_some() {
            "dermis (scar)"
        } else {
            "dermis"
        };
        for (text, mm) in [
            (dermis, (cut.epidermis_mm + cut.subcutis_mm) / 2.0),
            ("fat", cut.subcutis_mm + 0.12),
        ] {
            painter.text(
                egui::pos2(panel.min.x + 2.0, y(mm)),
                egui::Align2::LEFT_CENTER,
                text,
                font.clone(),
                LABEL,
            );
        }
    }
    // The entry point sits left of the middle so a leaning path has room to its right.
    let entry_x = panel.center().x - 0.15 * panel.width();
    let tip = egui::pos2(
        entry_x + cut.needle.across_mm as f32 * px_per_mm,
        y(cut.needle.depth_mm),
    );
    let needle_alpha = if fresh { 255 } else { 60 };
    painter.line_segment(
        [
            egui::pos2(entry_x, top - 10.0 * (cut.needle.tilt_rad.cos() as f32)),
            tip,
        ],
        egui::Stroke::new(
            2.0,
            egui::Color32::from_rgba_unmultiplied(NEEDLE.r(), NEEDLE.g(), NEEDLE.b(), needle_alpha),
        ),
    );
    // The pigment: an ellipse as wide as the dot and as thick as the deposit.
    let centre = egui::pos2(
        entry_x + deposit.across_mm as f32 * px_per_mm,
        y(deposit.depth_mm),
    );
    let radius = egui::vec2(
        (deposit.width_mm as f32 * px_per_mm / 2.0).max(1.5),
        (deposit.thickness_mm as f32 * px_per_mm / 2.0).max(1.5),
    );
    let srgb = egui::Rgba::from_rgb(
        deposit.rgb[0] as f32,
        deposit.rgb[1] as f32,
        deposit.rgb[2] as f32,
    );
    let alpha = (deposit.opacity.clamp(0.0, 1.0) * 255.0) as u8;
    let colour = egui::Color32::from(srgb).gamma_multiply_u8(alpha);
    painter.add(egui::Shape::ellipse_filled(centre, radius, colour));
    painter.add(egui::Shape::ellipse_stroke(
        centre,
        radius,
        egui::Stroke::new(0.5, egui::Color32::from_black_alpha(alpha / 2)),
    ));
}
