//! Widgets more than one screen shows (as bevy_new_2d's `theme/widgets.rs`): the heatmap picker
//! with its legend, and the dialog that asks before anything is lost.

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

/// What was chosen in a [`confirm`] dialog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choice {
    /// The first, safe choice (resume, save and leave).
    Keep,
    /// The second choice, which loses something (discard, leave without saving).
    Lose,
    /// Neither: the dialog's cancel button, or Esc.
    Cancel,
}

/// The words of a [`confirm`] dialog.
pub struct Question<'a> {
    /// Its heading.
    pub heading: &'a str,
    /// What is at stake, a paragraph per line.
    pub lines: &'a [String],
    /// The safe choice's button.
    pub keep: &'a str,
    /// The button that loses something (drawn in red).
    pub lose: &'a str,
    /// The cancel button's words (Esc presses it too).
    pub cancel: &'a str,
}

/// A modal dialog that asks before anything is lost: nothing happens by a stray key, Esc
/// cancels. Returns the choice made this frame, if any.
pub fn confirm(ctx: &egui::Context, id: &str, q: &Question<'_>) -> Option<Choice> {
    let mut choice = None;
    egui::Modal::new(egui::Id::new(id)).show(ctx, |m| {
        m.heading(q.heading);
        for line in q.lines {
            m.label(line);
        }
        m.add_space(8.0);
        m.horizontal(|h| {
            if h.button(q.keep).clicked() {
                choice = Some(Choice::Keep);
            }
            let lose = egui::RichText::new(q.lose).color(egui::Color32::from_rgb(230, 90, 80));
            if h.button(lose).clicked() {
                choice = Some(Choice::Lose);
            }
            if h.button(q.cancel).clicked() {
                choice = Some(Choice::Cancel);
            }
        });
    });
    if ctx.input(|i| i.key_pressed(egui::Key::Escape)) {
        choice = Some(Choice::Cancel);
    }
    choice
}
