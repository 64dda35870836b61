//! The level editor screen: the draft's shapes drawn over its scalp, tools to draw zones, scars
//! and the hairline and to drag their vertices, and a panel for everything else, with the
//! level's problems listed live. The draft itself is [`crate::editor::Editor`].

use std::path::PathBuf;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use smp_core::editor::ShapeRef;
use smp_core::geometry::Point;
use smp_core::needle::{NeedleGroup, Shade};
use smp_core::pen::PressureCurve;
use smp_core::plan::{Density, Difficulty, ModelAttempt, SurfaceKind};
use smp_core::skin::{Fitzpatrick, SkinType};

use crate::AppSystems;
use crate::camera::{ScalpCamera, to_canvas, world};
use crate::editor::{Editor, RecordingModel, Tool, editor_device, pointer_on_skin};
use crate::head_view::overlay::OnHead;
use crate::head_view::{HeadGizmos, PointerToHead};
use crate::input::PointerOverUi;
use crate::screen::{Screen, ScreenSystems};
use crate::session::Practice;
use crate::theme::{self, BAD, GOOD};

pub(crate) fn plugin(app: &mut App) {
    app.add_screen_systems(Screen::Editor, AppSystems::Input, edit_with_pointer)
        .add_screen_systems(Screen::Editor, AppSystems::View, draw_shapes)
        .add_screen_panel(Screen::Editor, editor_panel);
}

/// A right button released within this many px of where it went down is a click (delete the
/// vertex), not a turn of the head.
const CLICK_SLOP_PX: f32 = 4.0;

/// Where `cursor` falls on a flat skin through its camera, and the mm one screen pixel spans.
fn flat_pick(
    camera: &Camera,
    transform: &GlobalTransform,
    projection: &Projection,
    cursor: Vec2,
) -> Option<(Point, f64)> {
    let at = to_canvas(&(camera, transform), cursor)?;
    let mm_per_px = match projection {
        Projection::Orthographic(o) => o.scale as f64,
        _ => 0.1,
    };
    Some((at, mm_per_px))
}

#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn edit_with_pointer(
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    over_ui: Res<PointerOverUi>,
    windows: Query<&Window>,
    cameras: Query<(&Camera, &GlobalTransform, &Projection), With<ScalpCamera>>,
    to_head: Option<Res<PointerToHead>>,
    editor: Option<ResMut<Editor>>,
    mut right_down_at: Local<Option<Vec2>>,
    mut contexts: EguiContexts,
) {
    let Some(mut editor) = editor else { return };
    let (typing, over_panel) = contexts.ctx_mut().map_or((false, false), |c| {
        (c.egui_wants_keyboard_input(), c.is_pointer_over_egui())
    });
    if !typing {
        if keys.just_pressed(KeyCode::Enter) && !editor.drawing.is_empty() {
            let r = editor.finish_shape();
            editor.status = r.err().map(|e| e.to_string());
        }
        if keys.just_pressed(KeyCode::Escape) {
            editor.drawing.clear();
        }
        if keys.just_pressed(KeyCode::Delete)
            && let Some(s) = editor.selected.take()
        {
            editor.draft.remove(s);
        }
    }
    if editor.dragging.is_some() && !buttons.pressed(MouseButton::Left) {
        editor.dragging = None;
    }
    let Ok(window) = windows.single() else { return };
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    // On a head the pointer reaches the skin through the head camera's ray; the right button
    // also turns the head, so a vertex is deleted by a right click that did not move.
    let on_head = editor.draft.plan.head().is_some();
    let head = to_head.as_deref().filter(|_| on_head);
    if on_head && head.is_none() {
        return; // The head is still being shown.
    }
    let Some((at, radius)) = pointer_on_skin(
        cursor,
        cameras
            .single()
            .ok()
            .and_then(|(c, t, p)| flat_pick(c, t, p, cursor)),
        head,
    ) else {
        return;
    };
    if let Some((shape, i)) = editor.dragging {
        editor.draft.move_vertex(shape, i, at);
        return;
    }
    // A click on a panel is for the panel, even in the frame the pointer arrived there.
    if over_ui.0 || over_panel {
        *right_down_at = None;
        return;
    }
    if buttons.just_pressed(MouseButton::Right) {
        *right_down_at = Some(cursor);
    }
    let right_click = if on_head {
        buttons.just_released(MouseButton::Right)
            && right_down_at
                .take()
                .is_some_and(|down| down.distance(cursor) <= CLICK_SLOP_PX)
    } else {
        buttons.just_pressed(MouseButton::Right)
    };
    if right_click && editor.delete_vertex_near(at, radius) {
        return;
    }
    if buttons.just_pressed(MouseButton::Left) {
        editor.click(at, radius);
    }
}

/// The colour a shape is drawn in.
fn shape_colour(shape: ShapeRef) -> Color {
    match shape {
        ShapeRef::Zone(_) => Color::srgb(0.1, 0.45, 0.9),
        ShapeRef::Scar(_) => Color::srgb(0.75, 0.2, 0.75),
        ShapeRef::Hairline => Color::srgb(0.9, 0.3, 0.1),
        ShapeRef::Hair(_) => Color::srgb(0.2, 0.7, 0.3),
    }
}

/// Where the editor's lines go: the flat skin's plane, or the head's skin.
trait ShapePen {
    /// A line through `points` (map mm).
    fn line(&mut self, points: &[Point], colour: Color);
    /// A dot of `radius_mm` at `at`.
    fn dot(&mut self, at: Point, radius_mm: f32, colour: Color);
}

impl ShapePen for Gizmos<'_, '_> {
    fn line(&mut self, points: &[Point], colour: Color) {
        self.linestrip_2d(points.iter().map(|p| world(*p)), colour);
    }

    fn dot(&mut self, at: Point, radius_mm: f32, colour: Color) {
        self.circle_2d(Isometry2d::from_translation(world(at)), radius_mm, colour);
    }
}

impl ShapePen for OnHead<'_, '_, '_> {
    fn line(&mut self, points: &[Point], colour: Color) {
        let on_skin = crate::head_view::overlay::line_on_skin(self.head, points);
        self.gizmos.linestrip(on_skin, colour);
    }

    fn dot(&mut self, at: Point, radius_mm: f32, colour: Color) {
        crate::marks::MarkPen::ring(self, at, radius_mm, colour);
    }
}

fn draw_shapes(
    mut gizmos: Gizmos,
    mut head_gizmos: Gizmos<HeadGizmos>,
    editor: Option<Res<Editor>>,
) {
    let Some(editor) = editor else { return };
    match editor.draft.plan.head() {
        Some(head) => {
            let mut pen = OnHead {
                gizmos: &mut head_gizmos,
                head: &head,
            };
            draw_draft(&editor, &mut pen, 1.0);
        }
        None => draw_draft(&editor, &mut gizmos, 0.6),
    }
}

/// The draft's shapes, the selection's vertices and the shape being drawn, with `pen`; dots of
/// `dot_mm` (larger on a head, seen from further away).
fn draw_draft(editor: &Editor, pen: &mut impl ShapePen, dot_mm: f32) {
    let d = &editor.draft;
    for shape in d.shapes() {
        let Some(v) = d.vertices(shape) else { continue };
        let selected = editor.selected == Some(shape);
        let colour = if selected {
            Color::WHITE
        } else {
            shape_colour(shape)
        };
        let mut pts = v.to_vec();
        if shape != ShapeRef::Hairline
            && let Some(first) = pts.first().copied()
        {
            pts.push(first);
        }
        pen.line(&pts, colour);
        if selected {
            for p in v {
                pen.dot(*p, dot_mm, Color::WHITE);
            }
        }
    }
    if let Some(h) = &d.plan.hairline {
        // The transition band: the line again, its depth behind it (toward the back: +y).
        let band: Vec<Point> = h
            .line
            .vertices
            .iter()
            .map(|p| Point::new(p.x_mm, p.y_mm + h.transition_mm))
            .collect();
        pen.line(&band, Color::srgba(0.9, 0.5, 0.1, 0.6));
    }
    if !editor.drawing.is_empty() {
        for p in &editor.drawing {
            pen.dot(*p, dot_mm * 0.8, Color::srgb(1.0, 1.0, 0.3));
        }
        pen.line(&editor.drawing, Color::srgb(1.0, 1.0, 0.3));
    }
}

/// A skin as the editor's menu names it.
fn surface_name(surface: &SurfaceKind) -> String {
    match surface {
        SurfaceKind::Flat => "flat practice skin".into(),
        SurfaceKind::Head(name) => format!("head: {name}"),
    }
}

fn num(
    ui: &mut egui::Ui,
    label: &str,
    v: &mut f64,
    range: std::ops::RangeInclusive<f64>,
    speed: f64,
    suffix: &str,
) {
    ui.horizontal(|h| {
        h.label(label);
        h.add(
            egui::DragValue::new(v)
                .range(range)
                .speed(speed)
                .suffix(suffix),
        );
    });
}

fn editor_panel(
    mut commands: Commands,
    mut contexts: EguiContexts,
    editor: Option<ResMut<Editor>>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let Some(mut editor) = editor else {
        return Ok(());
    };
    let mut root = theme::screen_ui(&mut contexts)?;
    let ctx = root.ctx().clone();
    let editor = &mut *editor;
    let mut record = false;
    egui::Panel::right("editor").exact_size(440.0).show(&mut root, |r| {
        egui::ScrollArea::vertical().show(r, |r| {
            r.heading("Level editor");
            egui::CollapsingHeader::new("Level").default_open(true).show(r, |r| {
                let p = &mut editor.draft.plan;
                r.horizontal(|h| {
                    h.label("id");
                    h.text_edit_singleline(&mut p.id);
                });
                r.horizontal(|h| {
                    h.label("title");
                    h.text_edit_singleline(&mut p.title);
                });
                r.label("brief:");
                r.add(egui::TextEdit::multiline(&mut p.brief).desired_rows(2));
                egui::ComboBox::from_label("difficulty")
                    .selected_text(p.difficulty.name())
                    .show_ui(r, |c| {
                        for d in [Difficulty::Beginner, Difficulty::Intermediate, Difficulty::Advanced, Difficulty::Master] {
                            c.selectable_value(&mut p.difficulty, d, d.name());
                        }
                    });
                let mut surface = p.surface.clone();
                egui::ComboBox::from_label("skin")
                    .selected_text(surface_name(&surface))
                    .show_ui(r, |c| {
                        c.selectable_value(&mut surface, SurfaceKind::Flat, surface_name(&SurfaceKind::Flat));
                        for name in smp_core::surface::Head::shipped_names() {
                            let head = SurfaceKind::Head((*name).to_string());
                            let label = surface_name(&head);
                            c.selectable_value(&mut surface, head, label);
                        }
                    });
                if surface != editor.draft.plan.surface {
                    match editor.draft.set_surface(surface) {
                        Ok(()) => editor.selected = None,
                        Err(e) => editor.status = Some(e.to_string()),
                    }
                }
                let p = &mut editor.draft.plan;
                if p.head().is_some() {
                    r.small(format!(
                        "Shapes are drawn on the head; their millimetres are on its scalp map ({:.0} × {:.0} mm). Turn the head with the right or middle button, keys 1–5 for the views.",
                        p.canvas_mm.0, p.canvas_mm.1
                    ));
                } else {
                    num(r, "canvas width", &mut p.canvas_mm.0, 10.0..=400.0, 1.0, " mm");
                    num(r, "canvas height", &mut p.canvas_mm.1, 10.0..=400.0, 1.0, " mm");
                }
            });
            egui::CollapsingHeader::new("Shapes").default_open(true).show(r, |r| {
                r.horizontal_wrapped(|h| {
                    h.label("Tool:");
                    for (t, name) in [(Tool::Select, "select / drag"), (Tool::Zone, "draw zone"), (Tool::Scar, "draw scar"), (Tool::Hair, "draw existing hair"), (Tool::Hairline, "draw hairline")] {
                        if h.selectable_label(editor.tool == t, name).clicked() {
                            editor.tool = t;
                            editor.drawing.clear();
                        }
                    }
                });
                if editor.tool != Tool::Select {
                    r.small("Click points on the scalp; Enter or \"finish\" closes the shape, Esc drops it.");
                    r.horizontal(|h| {
                        if h.button(format!("Finish ({} points)", editor.drawing.len())).clicked() {
                            let res = editor.finish_shape();
                            editor.status = res.err().map(|e| e.to_string());
                        }
                        if h.button("Drop").clicked() {
                            editor.drawing.clear();
                        }
                    });
                } else {
                    r.small("Click a shape to select it; drag a vertex to move it; right-click a vertex to delete it.");
                }
                let p = &mut editor.draft.plan;
                let mut remove = None;
                for (i, z) in p.zones.iter_mut().enumerate() {
                    r.horizontal(|h| {
                        let sel = editor.selected == Some(ShapeRef::Zone(i));
                        if h.selectable_label(sel, "▣").clicked() {
                            editor.selected = Some(ShapeRef::Zone(i));
                        }
                        h.add(egui::TextEdit::singleline(&mut z.name).desired_width(90.0));
                        match &mut z.density {
                            Density::Uniform(v) => {
                                h.add(egui::DragValue::new(v).range(1.0..=400.0).suffix(" /cm²"));
                            }
                            Density::Ramp { start_per_cm2, end_per_cm2, .. } => {
                                h.add(egui::DragValue::new(start_per_cm2).range(0.0..=400.0).prefix("ramp "));
                                h.add(egui::DragValue::new(end_per_cm2).range(0.0..=400.0).prefix("to ").suffix(" /cm²"));
                            }
                        }
                        if h.small_button("✖").clicked() {
                            remove = Some(ShapeRef::Zone(i));
                        }
                    });
                }
                for (i, s) in p.skin.scars.iter_mut().enumerate() {
                    r.horizontal(|h| {
                        let sel = editor.selected == Some(ShapeRef::Scar(i));
                        if h.selectable_label(sel, format!("scar {}", i + 1)).clicked() {
                            editor.selected = Some(ShapeRef::Scar(i));
                        }
                        h.add(egui::DragValue::new(&mut s.fade_factor).range(1.0..=5.0).speed(0.05).prefix("fades ×"));
                        h.add(egui::DragValue::new(&mut s.retention).range(0.1..=1.0).speed(0.01).prefix("holds "));
                        if h.small_button("✖").clicked() {
                            remove = Some(ShapeRef::Scar(i));
                        }
                    });
                }
                for (i, hair) in p.skin.hair.iter_mut().enumerate() {
                    r.horizontal(|h| {
                        let sel = editor.selected == Some(ShapeRef::Hair(i));
                        if h.selectable_label(sel, format!("hair {}", i + 1)).clicked() {
                            editor.selected = Some(ShapeRef::Hair(i));
                        }
                        h.add(egui::DragValue::new(&mut hair.density_per_cm2).range(1.0..=300.0).suffix(" hairs/cm²"));
                        if h.small_button("✖").clicked() {
                            remove = Some(ShapeRef::Hair(i));
                        }
                    });
                }
                if let Some(hl) = &mut p.hairline {
                    r.horizontal(|h| {
                        if h.selectable_label(editor.selected == Some(ShapeRef::Hairline), "hairline").clicked() {
                            editor.selected = Some(ShapeRef::Hairline);
                        }
                        h.add(egui::DragValue::new(&mut hl.transition_mm).range(1.0..=30.0).speed(0.2).prefix("band ").suffix(" mm"));
                        h.add(egui::DragValue::new(&mut hl.front_fraction).range(0.0..=1.0).speed(0.01).prefix("ahead "));
                        if h.small_button("✖").clicked() {
                            remove = Some(ShapeRef::Hairline);
                        }
                    });
                }
                if let Some(s) = remove {
                    editor.draft.remove(s);
                    editor.selected = None;
                }
                if let Some(s) = editor.selected
                    && editor.draft.vertices(s).is_some_and(|v| !v.is_empty())
                    && r.small_button("add a vertex to the selected shape").clicked()
                {
                    editor.draft.split_edge(s, 0);
                }
            });
            let p = &mut editor.draft.plan;
            egui::CollapsingHeader::new("Skin").show(r, |r| {
                egui::ComboBox::from_label("Fitzpatrick type")
                    .selected_text(format!("{:?}", p.skin.fitzpatrick))
                    .show_ui(r, |c| {
                        for f in [Fitzpatrick::I, Fitzpatrick::II, Fitzpatrick::III, Fitzpatrick::IV, Fitzpatrick::V, Fitzpatrick::VI] {
                            c.selectable_value(&mut p.skin.fitzpatrick, f, format!("{f:?}"));
                        }
                    });
                egui::ComboBox::from_label("skin type")
                    .selected_text(format!("{:?}", p.skin.skin_type))
                    .show_ui(r, |c| {
                        for t in [SkinType::Dry, SkinType::Normal, SkinType::Oily] {
                            c.selectable_value(&mut p.skin.skin_type, t, format!("{t:?}"));
                        }
                    });
                num(r, "epidermis", &mut p.skin.epidermis_mm, 0.03..=0.3, 0.005, " mm");
                num(r, "dermis", &mut p.skin.dermis_mm, 0.5..=4.0, 0.02, " mm");
                num(r, "sun exposure", &mut p.skin.sun_exposure, 0.0..=1.0, 0.01, "");
            });
            egui::CollapsingHeader::new("Depth, spacing and sessions").default_open(true).show(r, |r| {
                num(r, "target depth from", &mut p.depth_window.min_mm, 0.0..=3.0, 0.01, " mm");
                num(r, "target depth to", &mut p.depth_window.max_mm, 0.0..=3.0, 0.01, " mm");
                num(r, "minimum spacing", &mut p.min_spacing_mm, 0.1..=5.0, 0.01, " mm");
                num(r, "days between sessions, at least", &mut p.min_gap_days, 0.0..=120.0, 0.5, "");
                num(r, "days between sessions, at most", &mut p.max_gap_days, 0.0..=365.0, 0.5, "");
                r.small("Each session reaches this share of the zones' final density (the last 100 %).");
                let mut remove = None;
                let n = p.sessions.len();
                for (i, s) in p.sessions.iter_mut().enumerate() {
                    r.horizontal_wrapped(|h| {
                        h.strong(format!("{}.", i + 1));
                        egui::ComboBox::from_id_salt(("needle", i))
                            .width(50.0)
                            .selected_text(s.needle.group.name())
                            .show_ui(h, |c| {
                                for g in [NeedleGroup::OneRl, NeedleGroup::ThreeRl] {
                                    c.selectable_value(&mut s.needle.group, g, g.name());
                                }
                            });
                        h.add(egui::DragValue::new(&mut s.needle.diameter_mm).range(0.18..=0.35).speed(0.005).prefix("dia ").suffix(" mm"));
                        h.add(egui::DragValue::new(&mut s.needle.protrusion_mm).range(0.3..=3.0).speed(0.01).prefix("reach ").suffix(" mm"));
                        egui::ComboBox::from_id_salt(("shade", i))
                            .width(60.0)
                            .selected_text(s.shade.name())
                            .show_ui(h, |c| {
                                for sh in Shade::ALL {
                                    c.selectable_value(&mut s.shade, sh, sh.name());
                                }
                            });
                        let mut pct = s.density_fraction * 100.0;
                        if h.add(egui::DragValue::new(&mut pct).range(1.0..=100.0).suffix(" %")).changed() {
                            s.density_fraction = pct / 100.0;
                        }
                        if n > 1 && h.small_button("✖").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    p.sessions.remove(i);
                }
                if p.sessions.len() < 4 && r.button("Add a session").clicked() {
                    let last = p.sessions[p.sessions.len() - 1].clone();
                    p.sessions.push(last);
                }
            });
            egui::CollapsingHeader::new("Scoring").show(r, |r| {
                let w = &mut p.weights;
                for (name, v) in [("depth", &mut w.depth), ("spacing", &mut w.spacing), ("density", &mut w.density), ("randomness", &mut w.randomness), ("hairline", &mut w.hairline), ("shade & needle", &mut w.shade_needle), ("timing", &mut w.timing), ("crispness", &mut w.crispness)] {
                    num(r, &format!("weight of {name}"), v, 0.0..=10.0, 0.1, "");
                }
                num(r, "pass mark", &mut p.pass_mark, 0.0..=100.0, 0.5, "");
                num(r, "every weighted criterion at least", &mut p.thresholds.criterion_floor, 0.0..=100.0, 0.5, "");
            });
            egui::CollapsingHeader::new("Model attempt").show(r, |r| {
                r.label(match &p.model_attempt {
                    None => "none".to_string(),
                    Some(ModelAttempt::File(f)) => format!("recorded: {f}"),
                    Some(ModelAttempt::Simulated { persona, seed }) => format!("synthetic {} (seed {seed})", persona.name()),
                });
                if r.button("Record a model attempt (tattoo it yourself)").on_hover_text("Saves the level, opens it for practice; on the results screen, keep the attempt as this level's model.").clicked() {
                    record = true;
                }
            });
            r.separator();
            let problems = editor.problems().to_vec();
            if problems.is_empty() {
                r.colored_label(GOOD, "✔ Valid: passes the same checks as `levels check`.");
                for w in editor.warnings().to_vec() {
                    r.colored_label(egui::Color32::from_rgb(220, 160, 40), format!("⚠ {w}"));
                }
            } else {
                r.colored_label(BAD, "Cannot be saved yet:");
                for pr in &problems {
                    r.colored_label(BAD, format!("• {pr}"));
                }
            }
            r.horizontal(|h| {
                h.label("Save to:");
                h.text_edit_singleline(&mut editor.path);
            });
            if r.add_enabled(problems.is_empty(), egui::Button::new("Save level")).clicked() {
                editor.status = Some(match editor.save() {
                    Ok(l) => format!("Saved {} ({})", editor.path.trim(), l.plan.id),
                    Err(e) => e.to_string(),
                });
            }
            // "Saved" is only true until the next edit.
            let unsaved = editor.unsaved();
            if unsaved && editor.status.as_deref().is_some_and(|s| s.starts_with("Saved")) {
                editor.status = None;
            }
            if let Some(s) = &editor.status {
                r.label(s);
            } else if unsaved {
                r.label("Unsaved changes.");
            }
            r.separator();
            if r.button("Back to the curriculum").clicked() && editor.request_leave() {
                next.set(Screen::Title);
            }
        });
    });
    if editor.leaving {
        let choice = crate::widgets::confirm(
            &ctx,
            "editor-leave",
            &crate::widgets::Question {
                heading: "Unsaved changes",
                lines: &[format!(
                    "The changes to \"{}\" are not saved. Leaving now loses them.",
                    editor.draft.plan.title
                )],
                keep: "Save and leave",
                lose: "Leave without saving",
                cancel: "Stay  [Esc]",
            },
        );
        match choice {
            Some(crate::widgets::Choice::Keep) => match editor.save() {
                Ok(_) => next.set(Screen::Title),
                Err(e) => {
                    editor.leaving = false;
                    editor.status = Some(format!("Not saved: {e}"));
                }
            },
            Some(crate::widgets::Choice::Lose) => next.set(Screen::Title),
            Some(crate::widgets::Choice::Cancel) => editor.leaving = false,
            None => {}
        }
    }
    if record {
        match editor.save() {
            Ok(level) => {
                let path = PathBuf::from(editor.path.trim());
                let practice =
                    Practice::new(level, "model", editor_device(), PressureCurve::Linear, 1);
                // A level with a design step is designed first, by the model too.
                next.set(practice.first_screen());
                commands.insert_resource(practice);
                commands.insert_resource(RecordingModel(path));
            }
            Err(e) => editor.status = Some(format!("Save a valid level first: {e}")),
        }
    }
    Ok(())
}
