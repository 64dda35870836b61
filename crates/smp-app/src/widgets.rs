//! Widgets more than one screen shows (as bevy_new_2d's `theme/widgets.rs`): the heatmap picker
//! with its legend.

use bevy_egui::egui;

use crate::marks::Heatmap;

/// "Heatmap: off / depth outcome / spacing / density error" and, under it, what the chosen
/// heatmap's colours mean (`min_spacing_mm`: the level's minimum spacing, mm).
pub fn heatmap_picker(r: &mut egui::Ui, heatmap: &mut Heatmap, min_spacing_mm: f64) {
    r.horizontal(|h| {
        h.label("Heatmap:");
        h.radio_value(heatmap, Heatmap::None, "off");
        h.radio_value(heatmap, Heatmap::Outcome, "depth outcome");
        h.radio_value(heatmap, Heatmap::Spacing, "spacing");
        h.radio_value(heatmap, Heatmap::Density, "density error");
    });
    heatmap_legend(r, *heatmap, min_spacing_mm);
}

fn heatmap_legend(r: &mut egui::Ui, heatmap: Heatmap, min_spacing_mm: f64) {
    use smp_core::palette::{density_rgb, outcome_rgb, spacing_rgb};
    use smp_core::skin::DepthOutcome;
    let swatch = |h: &mut egui::Ui, rgb: [u8; 3], text: &str| {
        let (rect, _) = h.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
        h.painter().circle_filled(
            rect.center(),
            4.5,
            egui::Color32::from_rgb(rgb[0], rgb[1], rgb[2]),
        );
        h.small(text);
    };
    r.horizontal_wrapped(|h| match heatmap {
        Heatmap::None => {}
        Heatmap::Outcome => {
            for o in [
                DepthOutcome::Shallow,
                DepthOutcome::Ideal,
                DepthOutcome::Deep,
                DepthOutcome::Blowout,
            ] {
                swatch(h, outcome_rgb(o), o.name());
            }
        }
        Heatmap::Spacing => {
            h.small(format!(
                "nearest dot, against the minimum spacing {min_spacing_mm:.2} mm:"
            ));
            for (ratio, text) in [(0.5, "closer"), (1.2, "1–1.5 ×"), (2.0, "1.5 × or more")] {
                swatch(h, spacing_rgb(ratio), text);
            }
        }
        Heatmap::Density => {
            swatch(h, density_rgb(-1.0), "sparser than planned");
            swatch(
                h,
                density_rgb(1.0),
                "denser than planned (dots per cm², the stronger the further off)",
            );
        }
    });
}
