//! The design screen: the level's brief, the marker and the tape, the guides to switch on, what
//! the pen and the line measure from the face, and the way on to tattooing behind the line. The
//! marker's logic is `design_step`; its marks on the head, `head_view::marker`.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use smp_core::design::DesignMeasures;
use smp_core::geometry::Point;

use crate::design_step::{FinishDesign, LeavingDesign, Marker, MarkerTool, above_glabella_mm};
use crate::input::PenHover;
use crate::notice::HelpShown;
use crate::screen::{Screen, ScreenSystems};
use crate::session::Practice;
use crate::theme;
use crate::widgets::{Choice, Question, confirm};

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_panel(Screen::Design, design_panel);
}

/// What the line measured, kept while the strokes stay the same.
#[derive(Default)]
struct LineFigures {
    /// The level, the marker's revision and stroke count they were measured for (a restored
    /// draft starts at revision 0 with strokes in it).
    of: (String, u64, usize),
    measured: Option<Result<DesignMeasures, String>>,
}

/// The pen's height above the glabella, kept while the pen stays within half a millimetre.
#[derive(Default)]
struct PenHeight {
    at: Option<Point>,
    height_mm: Option<f64>,
}

#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn design_panel(
    mut contexts: EguiContexts,
    practice: Option<Res<Practice>>,
    marker: Option<ResMut<Marker>>,
    hover: Res<PenHover>,
    mut help: ResMut<HelpShown>,
    mut leaving: ResMut<LeavingDesign>,
    mut next: ResMut<NextState<Screen>>,
    mut finish: MessageWriter<FinishDesign>,
    mut panels: ResMut<crate::camera::PanelsPx>,
    (pointing, autosave): (
        Option<Res<crate::head_view::PointerToHead>>,
        Option<Res<crate::autosave::Autosave>>,
    ),
    (mut figures, mut pen, mut asked_before, mut method): (
        Local<LineFigures>,
        Local<PenHeight>,
        Local<bool>,
        Local<Option<(String, Option<smp_core::design::MethodPoints>)>>,
    ),
) -> Result {
    let (Some(practice), Some(mut marker)) = (practice, marker) else {
        return Ok(());
    };
    let Some(head) = practice.level.plan.head() else {
        return Ok(());
    };
    let targets = practice.level.plan.design.unwrap_or_default();
    let of = (
        practice.level.hash.clone(),
        marker.revision,
        marker.strokes.len(),
    );
    if figures.measured.is_none() || figures.of != of {
        figures.of = of;
        figures.measured = Some(marker.measured(&head, &targets).map(|(_, m)| m));
    }
    match hover.at {
        Some(at) if pen.at.is_none_or(|p| p.distance(at) > 0.5) => {
            *pen = PenHeight {
                at: Some(at),
                height_mm: above_glabella_mm(&head, at),
            };
        }
        None => *pen = PenHeight::default(),
        _ => {}
    }
    let mut root = theme::screen_ui(&mut contexts)?;
    let bar = egui::Panel::top("design-bar").show(&mut root, |h| {
        h.horizontal_wrapped(|h| {
            h.strong(format!("Design: {}", practice.level.plan.title));
            h.separator();
            h.label(match marker.tool {
                MarkerTool::Marker => "Marker: the pen draws a line, never an impression",
                MarkerTool::Tape => "Tape: press, drag and lift to lay it along the skin",
            });
            h.separator();
            h.label(match pen.height_mm {
                Some(mm) => format!("Pen {mm:.0} mm above the glabella"),
                None => "Pen off the head".to_string(),
            });
        });
    });
    let side = egui::Panel::right("design-panel")
        .exact_size(300.0)
        .show(&mut root, |g| {
            g.heading("Hairline design");
            g.label(&practice.level.plan.brief);
            let (lo, hi) = targets.mfp_height_mm;
            let (fall_lo, fall_hi) = targets.middle_fall_mm;
            g.small(format!(
                "This client: the mid-frontal point {lo:.0}–{hi:.0} mm above the glabella; the line through the method's C and on to D on each side (within {:.0} mm); its middle half level with the brows (falling {fall_lo:.0} to {fall_hi:.0} mm by the mid-pupil lines); the sides within {:.0} mm.",
                targets.method_tolerance_mm,
                targets.max_asymmetry_mm
            ));
            g.separator();
            g.horizontal(|h| {
                h.radio_value(&mut marker.tool, MarkerTool::Marker, "Marker  [M]");
                h.radio_value(&mut marker.tool, MarkerTool::Tape, "Tape  [T]");
            });
            g.checkbox(&mut marker.guide, "Symmetry guide: midline and mirror  [G]");
            g.checkbox(&mut marker.rules, "Rule lines: glabella, canthi, pupils  [R]");
            if marker.rules {
                g.small(
                    "With them the measured method's points (Garg): B the mid-frontal point in the middle of this client's band, E 80 mm round from the glabella, C the frontotemporal points 80 mm round from B, D the temporal peaks on C–E, 50 mm from C.",
                );
            }
            if !practice.level.plan.skin.hair.is_empty() {
                g.small("Dark brown: the edge of the hair the client still has.");
            }
            g.horizontal(|h| {
                if h
                    .add_enabled(!marker.strokes.is_empty(), egui::Button::new("Undo  [Ctrl+Z]"))
                    .clicked()
                {
                    marker.undo();
                }
                if h
                    .add_enabled(!marker.undone.is_empty(), egui::Button::new("Redo  [Ctrl+Y]"))
                    .clicked()
                {
                    marker.redo();
                }
                if h
                    .add_enabled(!marker.strokes.is_empty(), egui::Button::new("Clear"))
                    .clicked()
                {
                    marker.clear();
                }
            });
            g.separator();
            g.strong("Measured");
            if let Some(tape) = &marker.tape {
                g.label(match &tape.pulled {
                    Some((mm, _)) => format!(
                        "Tape: {mm:.1} mm along the skin ({:.1} mm straight through)",
                        head.chord_mm(tape.from, tape.to).unwrap_or(0.0)
                    ),
                    None => "Tape: lift the pen to pull it tight".to_string(),
                });
            }
            let n = marker.strokes.len();
            g.label(format!(
                "{n} stroke{} drawn{}",
                if n == 1 { "" } else { "s" },
                if marker.undone.is_empty() {
                    String::new()
                } else {
                    format!(", {} undone", marker.undone.len())
                }
            ));
            match figures.measured.as_ref() {
                Some(Ok(m)) => {
                    g.label(format!(
                        "Your line: its mid-frontal point {:.0} mm above the glabella",
                        m.mfp_height_mm
                    ));
                    let passes = |found: Option<[(f64, Point); 2]>| {
                        found.map_or("—".to_string(), |[l, r]| {
                            format!("{:.0} / {:.0} mm", l.0, r.0)
                        })
                    };
                    g.label(format!(
                        "It passes the method's C within {} and D within {} (left / right)",
                        passes(m.frontotemporal_mm),
                        passes(m.temporal_peak_mm)
                    ));
                    if let Some(fall) = m.middle_fall_mm {
                        g.label(format!(
                            "Its middle half {} {:.1} mm against the brows by the mid-pupil lines",
                            if fall >= 0.0 { "falls" } else { "rises" },
                            fall.abs()
                        ));
                    }
                    g.label(format!(
                        "The two sides differ by up to {:.1} mm",
                        m.asymmetry_mm.0
                    ));
                    g.label(format!(
                        "Its longest straight run seen from the front: {:.0} mm",
                        m.longest_straight_mm.0
                    ));
                    g.label(format!(
                        "It waves {:.2} mm about a smooth curve",
                        m.wave_mm
                    ));
                    g.label(format!(
                        "The skin there tilts {:.0}° up from the forehead's plane",
                        m.mfp_tilt_deg
                    ));
                }
                Some(Err(why)) => {
                    g.label(why);
                }
                None => {}
            }
            g.separator();
            let ready = matches!(figures.measured, Some(Ok(_)));
            if g
                .add_enabled(ready, egui::Button::new("Done: tattoo behind this line  [Enter]"))
                .clicked()
            {
                finish.write(FinishDesign);
            }
            g.small("Once the needle goes in, the design is kept as it is and scored with the work.");
            g.separator();
            g.small(
                "Turn the head: right-drag or the arrow keys; 1 front, 2 left, 3 right, 4 top; \
                 Ctrl + wheel or + − to come closer.",
            );
            if g.button("Help  [F1]").clicked() {
                help.0 = !help.0;
            }
            if g.button("Back to the curriculum  [Esc]").clicked() {
                if marker.strokes.is_empty() && marker.undone.is_empty() {
                    if let Some(autosave) = &autosave {
                        crate::design_step::discard_draft(autosave, &practice.level.plan.id);
                    }
                    next.set(Screen::Title);
                } else {
                    leaving.0 = true;
                }
            }
        });
    // The figures beside what they measure: the tape's length at its middle, the line's
    // height at its mid-frontal point.
    if let Some(view) = &pointing {
        let painter = root.ctx().layer_painter(egui::LayerId::background());
        // Figures above and right of their place; the method's letters below and left, so the
        // two never overlap where the line's mid-frontal point is the method's B.
        let place = |at: Option<smp_core::geometry::Vec3>, text: String, figure: bool| {
            if let Some(pos) = at.and_then(|p| view.window_pos(p)) {
                let (offset, align) = if figure {
                    (egui::vec2(8.0, -8.0), egui::Align2::LEFT_BOTTOM)
                } else {
                    (egui::vec2(-8.0, 8.0), egui::Align2::RIGHT_TOP)
                };
                painter.text(
                    egui::pos2(pos.x, pos.y) + offset,
                    align,
                    text,
                    egui::FontId::proportional(14.0),
                    egui::Color32::from_rgb(250, 240, 200),
                );
            }
        };
        let label = |at, text| place(at, text, true);
        if let Some(tape) = &marker.tape
            && let Some((mm, path)) = &tape.pulled
        {
            label(path.get(path.len() / 2).copied(), format!("{mm:.1} mm"));
        }
        if let Some(Ok(m)) = &figures.measured {
            label(head.point_at(m.mfp), format!("{:.0} mm", m.mfp_height_mm));
        }
        // The measured method's points, named as the method names them.
        if marker.rules {
            let (lo, hi) = targets.mfp_height_mm;
            // Found once per level (a few hundred rays).
            if method
                .as_ref()
                .is_none_or(|(hash, _)| *hash != practice.level.hash)
            {
                *method = Some((
                    practice.level.hash.clone(),
                    smp_core::design::method_points(&head, 0.5 * (lo + hi), &targets),
                ));
            }
            if let Some((_, Some(m))) = method.as_ref() {
                let named = [("B", m.mfp)]
                    .into_iter()
                    .chain(m.frontotemporal.map(|p| ("C", p)))
                    .chain(m.temporal_peak.map(|p| ("D", p)))
                    .chain(m.lateral.map(|p| ("E", p)));
                for (name, at) in named {
                    place(head.point_at(at), name.to_string(), false);
                }
            }
        }
    }
    crate::camera::PanelsPx::set_right(&mut panels, side.response.rect.width());
    crate::camera::PanelsPx::set_top(&mut panels, bar.response.rect.height());
    // The Esc that opened the dialog is still in this frame's input: it must not close it.
    let just_asked = leaving.0 && !*asked_before;
    *asked_before = leaving.0;
    if leaving.0 {
        let n = marker.strokes.len() + marker.undone.len();
        let lines = [format!(
            "Leaving discards the {n} stroke{} of this design. Keep designing keeps {}; so does closing the trainer: the design comes back next time.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        )];
        match confirm(
            root.ctx(),
            "leave-design",
            &Question {
                heading: "Leave the design?",
                lines: &lines,
                keep: "Keep designing",
                lose: "Leave and discard it",
                cancel: "Cancel",
            },
        ) {
            Some(Choice::Lose) => {
                leaving.0 = false;
                if let Some(autosave) = &autosave {
                    crate::design_step::discard_draft(autosave, &practice.level.plan.id);
                }
                next.set(Screen::Title);
            }
            Some(Choice::Cancel) if just_asked => {}
            Some(Choice::Keep | Choice::Cancel) => leaving.0 = false,
            None => {}
        }
    }
    Ok(())
}
