//! The review screen's panel (tamper check, replay controls and timeline, healing day,
//! criteria beside the model attempt's, the inspected impression, comments, override grade,
//! report export) and what it draws over the scalp (selection, comment pins, model ghost,
//! heatmaps). Clicking the scalp inspects the nearest impression or pins a comment there.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use egui_plot::{Line, Plot, PlotPoints, VLine};
use smp_core::notes::{Pin, clock};
use smp_core::review::SPEEDS;

use crate::AppSystems;
use crate::camera::{ScalpCamera, to_canvas};
use crate::head_view::{HeadGizmos, PointerToHead, overlay::OnHead};
use crate::input::PointerOverUi;
use crate::marks::{Heatmap, MarkPen, draw_heatmap};
use crate::review::Review;
use crate::screen::{Screen, ScreenSystems};
use crate::theme::{self, PIN, SELECTED};

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<ReviewPanel>();
    app.add_screen_systems(Screen::Review, AppSystems::Input, click_scalp)
        .add_screen_systems(Screen::Review, AppSystems::View, draw_marks)
        .add_screen_panel(Screen::Review, review_panel);
    app.add_systems(
        OnEnter(Screen::Review),
        |mut panel: ResMut<ReviewPanel>, review: Option<Res<Review>>| {
            *panel = ReviewPanel::default();
            if let Some(r) = review {
                let stem = r
                    .opened
                    .path
                    .file_stem()
                    .map_or("attempt".into(), |s| s.to_string_lossy().into_owned());
                panel.report_to = r
                    .opened
                    .path
                    .with_file_name(format!("{stem}-report.html"))
                    .display()
                    .to_string();
                if let Some(g) = &r.notes.override_grade {
                    panel.override_total = g.total;
                    panel.override_passed = g.passed;
                    panel.override_reason = g.reason.clone();
                } else {
                    panel.override_total = r.opened.score.total.round();
                    panel.override_passed = r.opened.score.passed;
                }
            }
        },
    );
}

/// Where a new comment goes.
#[derive(Clone, Copy, PartialEq, Default)]
enum PinChoice {
    #[default]
    Attempt,
    Moment,
    Place,
}

/// What the review panel remembers between frames.
#[derive(Resource)]
struct ReviewPanel {
    author: String,
    draft: String,
    pin: PinChoice,
    /// The place picked on the scalp for the draft comment.
    place: Option<smp_core::geometry::Point>,
    /// The part of the window the panels leave to the scalp (last frame's layout), logical px.
    scalp_rect: Option<egui::Rect>,
    override_total: f64,
    override_passed: bool,
    override_reason: String,
    report_to: String,
    status: Option<String>,
}

impl Default for ReviewPanel {
    fn default() -> Self {
        ReviewPanel {
            author: std::env::var("USER").unwrap_or_else(|_| "instructor".into()),
            draft: String::new(),
            pin: PinChoice::Attempt,
            place: None,
            scalp_rect: None,
            override_total: 0.0,
            override_passed: false,
            override_reason: String::new(),
            report_to: String::new(),
            status: None,
        }
    }
}

#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn click_scalp(
    buttons: Res<ButtonInput<MouseButton>>,
    over_ui: Res<PointerOverUi>,
    windows: Query<&Window>,
    cameras: Query<(&Camera, &GlobalTransform), With<ScalpCamera>>,
    on_head: Option<Res<PointerToHead>>,
    review: Option<ResMut<Review>>,
    mut panel: ResMut<ReviewPanel>,
    mut contexts: EguiContexts,
) {
    let Some(mut review) = review else { return };
    if !buttons.just_pressed(MouseButton::Left) || over_ui.0 {
        return;
    }
    let Ok(window) = windows.single() else {
        return;
    };
    let Some(cursor) = window.cursor_position() else {
        return;
    };
    // egui learns the pointer is over a panel a frame late; the panels' own rectangles say it
    // at once (a click on "Add comment" must not become a place). The screen's own layer is
    // the background and covers the whole window: only a window floating above it (help, a
    // dialog) takes the click.
    let pos = egui::pos2(cursor.x, cursor.y);
    if panel.scalp_rect.is_some_and(|r| !r.contains(pos))
        || contexts.ctx_mut().is_ok_and(|c| {
            c.layer_id_at(pos)
                .is_some_and(|l| l.order != egui::Order::Background)
        })
    {
        return;
    }
    // On a head the click's ray meets the skin; on a flat skin the camera maps it to the canvas.
    let at = if review.opened.level.plan.head().is_some() {
        on_head
            .and_then(|h| h.hit(cursor, 0.0, 0.0))
            .map(|hit| hit.at)
    } else {
        cameras
            .single()
            .ok()
            .and_then(|camera| to_canvas(&camera, cursor))
    };
    let Some(at) = at else {
        return;
    };
    if panel.pin == PinChoice::Place {
        if review.on_scalp(at) {
            panel.place = Some(at);
        }
        return;
    }
    let shown = review.player.shown;
    review.selected = review.opened.impression_near(at, 1.5, shown);
}

fn draw_marks(
    mut gizmos: Gizmos,
    mut head_gizmos: Gizmos<HeadGizmos>,
    review: Option<Res<Review>>,
    panel: Res<ReviewPanel>,
    mut design_on_skin: Local<Option<DesignOnSkin>>,
) {
    let Some(review) = review else { return };
    match review.opened.level.plan.head() {
        Some(head) => {
            draw_design(&mut head_gizmos, &head, &review, &mut design_on_skin);
            draw_marks_with(
                &mut OnHead {
                    gizmos: &mut head_gizmos,
                    head: &head,
                },
                &review,
                &panel,
            );
        }
        None => draw_marks_with(&mut gizmos, &review, &panel),
    }
}

/// An attempt's designed hairline and the rule lines it is measured from, laid on the skin
/// (found once per attempt: hundreds of rays).
struct DesignOnSkin {
    path: std::path::PathBuf,
    design: Vec<Vec3>,
    rules: Vec<Vec<Vec3>>,
    /// Where the measured method puts C and D for the line's own mid-frontal point.
    method: Vec<Vec3>,
}

/// The designed hairline (pink), its rule lines (teal) and the method's C and D (teal dots) on
/// the head, when the attempt holds a design.
fn draw_design(
    gizmos: &mut Gizmos<HeadGizmos>,
    head: &smp_core::surface::Head,
    review: &Review,
    cached: &mut Option<DesignOnSkin>,
) {
    let r = &review.opened;
    let Some(drawing) = &r.attempt.design else {
        return;
    };
    if cached.as_ref().is_none_or(|c| c.path != r.path) {
        use crate::head_view::overlay::line_on_skin;
        *cached = Some(DesignOnSkin {
            path: r.path.clone(),
            // Above the plan's lines (the band's front edge is this same line).
            design: crate::head_view::overlay::line_above_skin(
                head,
                &drawing.hairline.vertices,
                1.2,
            ),
            rules: smp_core::design::rule_lines(head)
                .iter()
                .map(|l| line_on_skin(head, l))
                .collect(),
            method: smp_core::design::measure(
                head,
                &drawing.hairline,
                &r.level.plan.design.unwrap_or_default(),
            )
            .map(|m| {
                [m.frontotemporal_mm, m.temporal_peak_mm]
                    .into_iter()
                    .flatten()
                    .flatten()
                    .filter_map(|(_, at)| crate::head_view::overlay::on_skin(head, at, 0.6))
                    .collect()
            })
            .unwrap_or_default(),
        });
    }
    let Some(on_skin) = cached.as_ref() else {
        return;
    };
    let rgb = |c: [u8; 3]| Color::srgb_u8(c[0], c[1], c[2]);
    for rule in &on_skin.rules {
        gizmos.linestrip(rule.iter().copied(), rgb(smp_core::render::RULE_RGB));
    }
    gizmos.linestrip(
        on_skin.design.iter().copied(),
        rgb(smp_core::render::DESIGN_RGB),
    );
    for p in &on_skin.method {
        gizmos.sphere(
            Isometry3d::from_translation(*p),
            1.2,
            rgb(smp_core::render::RULE_RGB),
        );
    }
}

/// The ghost, the heatmap, the inspected impression and the comments' pins, through `pen`.
fn draw_marks_with(pen: &mut impl MarkPen, review: &Review, panel: &ReviewPanel) {
    let r = &review.opened;
    let shown = review.player.shown.min(r.replay.impressions.len());
    if review.ghost
        && let Some(Ok(model)) = &r.model
    {
        let step = model
            .replay
            .impressions
            .len()
            .div_ceil(pen.max_dots().max(1))
            .max(1);
        for p in model.replay.impressions.iter().step_by(step) {
            pen.ring(p.impression.at, 0.3, Color::srgba(0.3, 0.55, 1.0, 0.55));
        }
    }
    draw_heatmap(
        pen,
        review.heatmap,
        &r.level.plan,
        &r.replay.impressions[..shown],
        &r.nearest[..shown],
        if review.heatmap == Heatmap::Density {
            &r.density
        } else {
            &[]
        },
    );
    if let Some(p) = review.selected.and_then(|i| r.replay.impressions.get(i)) {
        pen.ring(p.impression.at, 0.6, SELECTED);
        pen.ring(p.impression.at, 1.2, SELECTED);
    }
    let pins = review
        .notes
        .comments
        .iter()
        .filter_map(|c| match c.pin {
            Pin::Place(p) => Some(p),
            _ => None,
        })
        .chain(panel.place.filter(|_| panel.pin == PinChoice::Place));
    for p in pins {
        pen.ring(p, 1.5, PIN);
        pen.cross(p, 2.0, PIN);
    }
}

fn review_panel(
    mut contexts: EguiContexts,
    review: Option<ResMut<Review>>,
    mut panel: ResMut<ReviewPanel>,
    mut next: ResMut<NextState<Screen>>,
    mut panels: ResMut<crate::camera::PanelsPx>,
) -> Result {
    let Some(mut review) = review else {
        return Ok(());
    };
    let mut root = theme::screen_ui(&mut contexts)?;
    let review = &mut *review;
    let (red, green) = (theme::BAD, theme::GOOD);
    let side = egui::Panel::right("review")
        .exact_size(440.0)
        .show(&mut root, |r| {
            egui::ScrollArea::vertical().show(r, |r| {
                let o = &review.opened;
                let plan = &o.level.plan;
                r.heading(format!("Review: {}", plan.title));
                r.label(format!("{} · {} · {}", o.attempt.trainee, o.attempt.date, o.path.display()));
                r.small("Read-only: the trainee's samples and score are never changed; notes go to the file's review section.");
                if o.verified() {
                    r.colored_label(green, format!("✔ {}", o.verification));
                } else if !o.verification.is_contradicted() {
                    r.label(format!("ℹ {}", o.verification));
                } else {
                    egui::Frame::new()
                        .fill(egui::Color32::from_rgb(250, 220, 220))
                        .inner_margin(6.0)
                        .show(r, |f| {
                            f.colored_label(red, egui::RichText::new("⚠ NOT VERIFIED: the stored score does not match the samples or the level.").strong());
                            f.colored_label(red, o.verification.describe());
                        });
                }
                r.small(format!("Input device: {}", o.attempt.device.tool.describe()));
                let s = &o.score;
                r.horizontal(|h| {
                    h.heading(format!("{:.1} / 100", s.total));
                    if s.passed {
                        h.colored_label(green, egui::RichText::new("PASSED").strong());
                    } else {
                        h.colored_label(red, egui::RichText::new("FAILED").strong());
                    }
                });
                if let Some(k) = s.capped_by {
                    r.colored_label(red, format!("{} is below the floor: it fails the attempt and caps the total.", k.name()));
                }
                if let Some(g) = &review.notes.override_grade {
                    let check = smp_core::signing::check_override(&o.content_hash, g, &o.trusted);
                    let color = if check.is_trusted() { green } else { red };
                    r.label(egui::RichText::new(format!("Override: {}", g.label())).strong());
                    r.colored_label(color, check.describe());
                }
                r.separator();

                // Replay controls and timeline.
                let tl = &o.timeline;
                let n = tl.times_s.len();
                r.horizontal(|h| {
                    if h.button("⏮").on_hover_text("start").clicked() {
                        review.player.jump(tl, 0.0);
                    }
                    if h.button("◀ step").clicked() {
                        review.player.step_back(tl);
                    }
                    let label = if review.player.playing { "⏸ pause" } else { "▶ play" };
                    if h.button(label).clicked() {
                        if review.player.playing {
                            review.player.playing = false;
                        } else {
                            review.player.play(tl);
                        }
                    }
                    if h.button("step ▶").clicked() {
                        review.player.step_forward(tl);
                    }
                    if h.button("⏭").on_hover_text("end").clicked() {
                        review.player.jump(tl, tl.duration_s);
                    }
                    let mut speed = review.player.speed;
                    egui::ComboBox::from_id_salt("speed")
                        .width(60.0)
                        .selected_text(format!("{speed}×"))
                        .show_ui(h, |c| {
                            for s in SPEEDS {
                                c.selectable_value(&mut speed, s, format!("{s}×"));
                            }
                        });
                    review.player.set_speed(speed);
                });
                let (session, t_in) = tl.moment(review.player.t_s);
                r.label(format!(
                    "Impression {} of {n} · session {} · {}",
                    review.player.shown,
                    session + 1,
                    clock(t_in)
                ));
                let mut t = review.player.t_s;
                let slider = r.add(
                    egui::Slider::new(&mut t, 0.0..=tl.duration_s.max(0.001))
                        .show_value(false)
                        .text("time"),
                );
                if slider.changed() {
                    review.player.seek(tl, t);
                }
                // Pressure (0..1) and depth (mm) of each impression over time; capped at 4,000
                // points so that long attempts draw quickly.
                let step = (n / 4000).max(1);
                let imps = &o.replay.impressions;
                let pressure: PlotPoints = (0..n)
                    .step_by(step)
                    .map(|i| [tl.times_s[i], imps[i].impression.pressure])
                    .collect();
                let depth: PlotPoints = (0..n)
                    .step_by(step)
                    .map(|i| [tl.times_s[i], imps[i].tissue.depth_mm])
                    .collect();
                let now = review.player.t_s;
                let seek = Plot::new("timeline")
                    .height(110.0)
                    .allow_scroll(false)
                    .allow_drag(false)
                    .allow_zoom(false)
                    .show_axes([true, true])
                    .legend(egui_plot::Legend::default())
                    .show(r, |p| {
                        p.line(Line::new("pressure", pressure).color(egui::Color32::from_rgb(90, 110, 200)));
                        p.line(Line::new("depth mm", depth).color(egui::Color32::from_rgb(200, 110, 40)));
                        p.hline(egui_plot::HLine::new("window", plan.depth_window.min_mm).color(egui::Color32::from_rgba_unmultiplied(30, 150, 60, 120)));
                        p.hline(egui_plot::HLine::new("window", plan.depth_window.max_mm).color(egui::Color32::from_rgba_unmultiplied(30, 150, 60, 120)));
                        p.vline(VLine::new("now", now).color(egui::Color32::WHITE));
                        let resp = p.response();
                        if resp.clicked() || resp.dragged() {
                            p.pointer_coordinate().map(|c| c.x)
                        } else {
                            None
                        }
                    })
                    .inner;
                if let Some(t) = seek {
                    review.player.seek(tl, t);
                }
                r.separator();

                // Healing.
                r.horizontal(|h| {
                    h.label("Show:");
                    if h.selectable_label(review.healed_days.is_none(), "as it was then").clicked() {
                        review.healed_days = None;
                    }
                    // Every named day but the fresh one, which "as it was then" already shows.
                    for (label, d) in smp_core::healing::SHOWN_DAYS.into_iter().skip(1) {
                        if h.selectable_label(review.healed_days == Some(d), label).clicked() {
                            review.healed_days = Some(d);
                            review.player.playing = false;
                        }
                    }
                });
                let mut days = review.healed_days.unwrap_or(0.0);
                let resp = r.add(
                    egui::Slider::new(&mut days, 0.0..=smp_core::healing::LAST_SHOWN_DAY)
                        .logarithmic(true)
                        .max_decimals(0)
                        .text("days of healing after this moment"),
                );
                if resp.drag_stopped() || (resp.changed() && !resp.dragged()) {
                    review.healed_days = Some(days);
                    review.player.playing = false;
                }
                crate::widgets::heatmap_picker(r, &mut review.heatmap, plan.min_spacing_mm);
                match &review.opened.model {
                    Some(Ok(_)) => {
                        r.checkbox(&mut review.ghost, "Ghost of the level's model attempt (blue)");
                    }
                    Some(Err(e)) => {
                        r.small(format!("Model attempt unavailable: {e}"));
                    }
                    None => {
                        r.small("This level has no model attempt.");
                    }
                }
                r.separator();

                // Criteria beside the model attempt's.
                let o = &review.opened;
                let model = o.model.as_ref().and_then(|m| m.as_ref().ok());
                egui::Grid::new("criteria").striped(true).show(r, |g| {
                    g.strong("criterion");
                    g.strong("weight");
                    g.strong("attempt");
                    g.strong("model");
                    g.end_row();
                    for c in &o.score.criteria {
                        g.label(c.kind.name()).on_hover_text(&c.reason);
                        g.label(format!("{}", c.weight));
                        g.label(format!("{:.1}", c.score));
                        g.label(model.and_then(|m| m.score.criterion(c.kind)).map_or("—".into(), |m| format!("{:.1}", m.score)));
                        g.end_row();
                    }
                    g.strong("total");
                    g.label("");
                    g.strong(format!("{:.1}", o.score.total));
                    g.strong(model.map_or("—".into(), |m| format!("{:.1}", m.score.total)));
                    g.end_row();
                });
                // A design's figures beside its targets: what the pink line on the face measured.
                if let Some(d) = o.score.criterion(smp_core::score::CriterionKind::Design) {
                    r.label(
                        egui::RichText::new(format!("Design ({:.1}): {}", d.score, d.reason))
                            .color(egui::Color32::from_rgb(
                                smp_core::render::DESIGN_RGB[0],
                                smp_core::render::DESIGN_RGB[1],
                                smp_core::render::DESIGN_RGB[2],
                            )),
                    );
                }
                r.separator();

                // The inspected impression.
                match review.selected.and_then(|i| o.inspect(i)) {
                    None => {
                        r.small("Click an impression on the scalp to inspect it.");
                    }
                    Some(f) => {
                        r.strong(format!("Impression {} of {n}", f.index + 1));
                        r.label(format!(
                            "Session {}, {} · at ({:.1}, {:.1}) mm",
                            f.session + 1,
                            clock(f.t_s),
                            f.at.x_mm,
                            f.at.y_mm
                        ));
                        r.label(format!(
                            "Pressure {:.2}, force {:.2} · tilt {:.0}° · depth {:.2} mm: {}",
                            f.pressure,
                            f.force,
                            f.tilt_deg,
                            f.depth_mm,
                            f.outcome.name()
                        ));
                        for e in &f.effects {
                            let text = format!("{}: {}", e.criterion.name(), e.note);
                            if e.cost {
                                r.colored_label(red, format!("✖ {text}"));
                            } else {
                                r.colored_label(green, format!("✔ {text}"));
                            }
                        }
                        if let Some(p) = o.replay.impressions.get(f.index) {
                            r.label("Where the pigment went:");
                            let later = review
                                .healed_days
                                .unwrap_or(smp_core::healing::SETTLED_DAY);
                            crate::cross_section::show(
                                r,
                                &smp_core::cross_section::CrossSection::of(
                                    &o.level.plan,
                                    p,
                                    later,
                                ),
                            );
                        }
                        if r.small_button("go to this moment").clicked() {
                            let t = tl.times_s[f.index];
                            review.player.jump(tl, t);
                        }
                    }
                }
                r.separator();

                // Comments.
                r.strong("Comments");
                let mut remove = None;
                let mut goto = None;
                for (i, c) in review.notes.comments.iter().enumerate() {
                    let check = smp_core::signing::check_comment(&review.opened.content_hash, c, &review.opened.trusted);
                    r.horizontal_wrapped(|h| {
                        h.label(format!("{}. {} ({}, {}): {}", i + 1, c.author, c.date, c.pin.describe(), c.text));
                        h.colored_label(if check.is_trusted() { green } else { red }, format!("[{}]", check.describe()));
                        if let Pin::Moment { session, t_s } = c.pin
                            && h.small_button("go").clicked()
                        {
                            goto = Some(tl.time_of(session, t_s));
                        }
                        if h.small_button("✖").on_hover_text("remove").clicked() {
                            remove = Some(i);
                        }
                    });
                }
                if let Some(i) = remove {
                    review.notes.comments.remove(i);
                }
                if let Some(t) = goto {
                    review.player.jump(tl, t);
                }
                r.horizontal(|h| {
                    h.label("Pin to:");
                    h.radio_value(&mut panel.pin, PinChoice::Attempt, "attempt");
                    h.radio_value(&mut panel.pin, PinChoice::Moment, "this moment");
                    h.radio_value(&mut panel.pin, PinChoice::Place, "a place (click the scalp)");
                });
                r.add(egui::TextEdit::multiline(&mut panel.draft).desired_rows(2).hint_text("comment"));
                r.horizontal(|h| {
                    h.label("By:");
                    h.text_edit_singleline(&mut panel.author);
                });
                if r.button("Add comment").clicked() {
                    let pin = match panel.pin {
                        PinChoice::Attempt => Some(Pin::Attempt),
                        PinChoice::Moment => Some(Pin::Moment { session, t_s: t_in.max(0.0) }),
                        PinChoice::Place => panel.place.map(Pin::Place),
                    };
                    panel.status = Some(match pin {
                        None => "Click the scalp to choose the place first.".into(),
                        Some(pin) => match review.add_comment(&panel.author.clone(), pin, &panel.draft.clone()) {
                            Ok(()) => {
                                panel.draft.clear();
                                panel.place = None;
                                "Comment added (not saved yet).".into()
                            }
                            Err(e) => e.to_string(),
                        },
                    });
                }
                r.separator();

                // Override grade.
                r.strong("Override grade");
                r.add(egui::Slider::new(&mut panel.override_total, 0.0..=100.0).text("grade"));
                r.checkbox(&mut panel.override_passed, "passes");
                r.add(egui::TextEdit::singleline(&mut panel.override_reason).hint_text("reason (required)"));
                r.horizontal(|h| {
                    if h.button("Set override").clicked() {
                        let (total, passed, reason, who) = (panel.override_total, panel.override_passed, panel.override_reason.clone(), panel.author.clone());
                        panel.status = Some(match review.set_override(Some((total, passed, &reason)), &who) {
                            Ok(()) => "Override set (not saved yet).".into(),
                            Err(e) => e.to_string(),
                        });
                    }
                    if h.button("Remove override").clicked() {
                        let who = panel.author.clone();
                        let _ = review.set_override(None, &who);
                    }
                });
                r.separator();
                let unsaved = review.unsaved();
                if r.add_enabled(unsaved, egui::Button::new("Save notes to the attempt file")).clicked() {
                    panel.status = Some(match review.save_notes() {
                        Ok(()) => format!("Notes saved to {}", review.opened.path.display()),
                        Err(e) => format!("Not saved: {e}"),
                    });
                }
                if unsaved {
                    r.small("Unsaved notes.");
                }
                r.horizontal(|h| {
                    h.label("Report:");
                    h.text_edit_singleline(&mut panel.report_to);
                });
                if r.button("Export report (HTML or .md, with PNG)").clicked() {
                    let page = std::path::PathBuf::from(panel.report_to.trim());
                    panel.status = Some(match smp_core::report::export(&review.opened, &review.notes, &page) {
                        Ok(paths) => format!("Wrote {}", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" and ")),
                        Err(e) => format!("Report not written: {e}"),
                    });
                }
                if let Some(s) = &panel.status {
                    r.label(s);
                }
                r.separator();
                if r.button("Back to the curriculum").clicked() {
                    next.set(Screen::Title);
                }
            });
        });
    // What the panels leave free is the scalp: clicks elsewhere are the panels'.
    panel.scalp_rect = Some(root.available_rect_before_wrap());
    // The head is drawn left of the panel; no top bar here.
    crate::camera::PanelsPx::set_right(&mut panels, side.response.rect.width());
    crate::camera::PanelsPx::set_top(&mut panels, 0.0);
    Ok(())
}
