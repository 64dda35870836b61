//! The results screen: the total and every criterion with its reason and places, histograms of
//! depth and spacing with the targets marked, heatmaps over the scalp, and a time slider from
//! fresh to five years. The attempt is saved and counted as progress when the screen opens.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};
use smp_core::files::data_dir;
use smp_core::healing::{DAYS_PER_YEAR, LAST_SHOWN_DAY, SETTLED_DAY, SHOWN_DAYS};

use crate::AppSystems;
use crate::autosave::{Autosave, Progress, save_attempt};
use crate::camera::{ScalpCamera, world};
use crate::editor::{Editor, RecordingModel, keep_model_attempt};
use crate::marks::{Heatmap, MarkPen, draw_heatmap};
use crate::notice::Notice;
use crate::replay_driver::ReplayDriver;
use crate::scalp::ShownDay;
use crate::screen::{Screen, ScreenSystems};
use crate::session::Practice;
use crate::submission::{AcademyForm, Submitting};
use crate::theme;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<ResultsState>();
    app.add_systems(OnEnter(Screen::Results), on_results);
    app.add_systems(OnEnter(Screen::Results), |mut form: ResMut<AcademyForm>| {
        *form = AcademyForm::load(&data_dir());
    });
    app.add_screen_systems(Screen::Results, AppSystems::Input, leave_on_escape)
        .add_screen_panel(Screen::Results, results_screen);
}

/// What the results screen remembers between frames.
#[derive(Resource)]
struct ResultsState {
    /// Days after the last session the scalp shows.
    result_day: f64,
    heatmap: Heatmap,
    /// The place picked from a criterion's list, ringed on the scalp.
    highlight: Option<smp_core::geometry::Point>,
    /// The impression nearest the highlighted place (within 2 mm), found once when it is
    /// picked rather than searched for every frame.
    chosen: Option<usize>,
    /// What the screen shows, computed once when it opens.
    results: Option<ResultsData>,
    /// Where the trainee wants a copy of the attempt.
    copy_to: String,
}

impl Default for ResultsState {
    fn default() -> Self {
        Self {
            result_day: SETTLED_DAY,
            heatmap: Heatmap::None,
            highlight: None,
            chosen: None,
            results: None,
            copy_to: String::new(),
        }
    }
}

/// Per-impression figures for the plots and heatmaps.
struct ResultsData {
    depths: Vec<f64>,
    /// Each impression's nearest other dot (index, mm).
    nearest: Vec<Option<(usize, f64)>>,
    /// The distances alone, for the spacing histogram.
    spacings: Vec<f64>,
    density: Vec<smp_core::score::DensityCell>,
    /// The trainee's design laid on the head (none without a design or a head).
    design_on_skin: Vec<Vec3>,
}

fn leave_on_escape(
    keys: Res<ButtonInput<KeyCode>>,
    typing: Res<crate::input::KeyboardOverUi>,
    mut next: ResMut<NextState<Screen>>,
) {
    if keys.just_pressed(KeyCode::Escape) && !typing.0 {
        next.set(Screen::Title);
    }
}

fn on_results(
    practice: Option<ResMut<Practice>>,
    mut ui: ResMut<ResultsState>,
    mut autosave: ResMut<Autosave>,
    mut shown: ResMut<ShownDay>,
    driver: Option<Res<ReplayDriver>>,
) {
    let Some(mut practice) = practice else { return };
    if practice.score.is_none() {
        practice.compute_score();
    }
    ui.result_day = SETTLED_DAY;
    ui.chosen = ui.highlight.and_then(|at| impression_near(&practice, at));

    let replayed = smp_core::replay::replay(&practice.level.plan, &practice.attempt);
    // Computed once: 100,000 neighbour searches every frame would stall the screen.
    let nearest = smp_core::score::nearest_between(&practice.level.plan, &replayed);
    ui.results = Some(ResultsData {
        depths: practice
            .impressions
            .iter()
            .map(|p| p.tissue.depth_mm)
            .collect(),
        spacings: nearest.iter().flatten().map(|(_, d)| *d).collect(),
        nearest,
        density: smp_core::score::density_map(&practice.level.plan, &replayed),
        // Above the band's front edge (the same line), so it is seen.
        design_on_skin: match (&practice.attempt.design, practice.level.plan.head()) {
            (Some(design), Some(head)) => {
                crate::head_view::overlay::line_above_skin(&head, &design.hairline.vertices, 1.2)
            }
            _ => Vec::new(),
        },
    });
    if ui.copy_to.is_empty() {
        let who: String = practice
            .attempt
            .trainee
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '_' })
            .collect();
        ui.copy_to = format!("{}-{who}.ron", practice.attempt.level_id);
    }
    shown.0 = Some(SETTLED_DAY);
    // A replay is not the trainee's own work: it is not saved again nor counted as progress.
    if driver.is_some() {
        return;
    }
    autosave.clear();
    let dir = data_dir();
    match save_attempt(&dir, &practice.attempt) {
        Ok(path) => practice.saved_to = Some(path),
        Err(e) => warn!("saving the attempt: {e}"),
    }
    if let Some(s) = &practice.score
        && let Err(e) = Progress::record(&dir, &practice.level.plan.id, s.total, s.passed)
    {
        warn!("recording progress: {e}");
    }
}

/// What the heatmap's colours mean.
/// The index of the impression nearest `at`, if one lies within 2 mm.
fn impression_near(practice: &Practice, at: smp_core::geometry::Point) -> Option<usize> {
    practice
        .impressions
        .iter()
        .enumerate()
        .map(|(i, p)| (p.impression.at.distance(at), i))
        .filter(|(d, _)| *d < 2.0)
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, i)| i)
}

fn results_screen(
    mut contexts: EguiContexts,
    practice: Option<Res<Practice>>,
    mut ui: ResMut<ResultsState>,
    mut shown: ResMut<ShownDay>,
    mut gizmos: Gizmos,
    mut next: ResMut<NextState<Screen>>,
    recording: Option<Res<RecordingModel>>,
    mut editor: Option<ResMut<Editor>>,
    mut notice: ResMut<Notice>,
    mut commands: Commands,
    mut cameras: Query<(&mut Transform, &mut Projection), With<ScalpCamera>>,
    (orbit, mut head_gizmos, mut panels): (
        Option<ResMut<crate::head_view::orbit::Orbit>>,
        Gizmos<crate::head_view::overlay::HeadGizmos>,
        ResMut<crate::camera::PanelsPx>,
    ),
    (mut form, submitting): (ResMut<AcademyForm>, Option<Res<Submitting>>),
) -> Result {
    let mut keep_model = false;
    let Some(practice) = practice else {
        return Ok(());
    };
    let Some(score) = &practice.score else {
        return Ok(());
    };
    let mut root = theme::screen_ui(&mut contexts)?;
    let plan = &practice.level.plan;
    let mut go_to = None;
    let panel = egui::Panel::right("results")
        .exact_size(440.0)
        .show(&mut root, |r| {
            egui::ScrollArea::vertical().show(r, |r| {
                r.heading(&plan.title);
                let verdict = if score.passed {
                    egui::RichText::new("PASSED").color(theme::GOOD)
                } else {
                    egui::RichText::new("FAILED").color(theme::BAD)
                };
                r.horizontal(|h| {
                    h.heading(format!("{:.1} / 100", score.total));
                    h.heading(verdict.strong());
                });
                r.label(format!(
                    "Pass mark {:.0}; every weighted criterion must reach {:.0}.",
                    plan.pass_mark, plan.thresholds.criterion_floor
                ));
                if let Some(k) = score.capped_by {
                    r.colored_label(
                        theme::BAD,
                        format!(
                            "{} is below the floor: it fails the attempt and caps the total.",
                            k.name()
                        ),
                    );
                }
                if let Some(path) = &practice.saved_to {
                    r.small(format!("Saved: {}", path.display()));
                }
                r.separator();
                for c in &score.criteria {
                    egui::CollapsingHeader::new(format!(
                        "{:<12} {:>6.1}   ×{}",
                        c.kind.name(),
                        c.score,
                        c.weight
                    ))
                    .default_open(c.score < 90.0)
                    .show(r, |r| {
                        r.label(&c.reason);
                        if !c.places.is_empty() {
                            r.small("Places that cost points (click to see one on the scalp):");
                        }
                        for p in c.places.iter().take(8) {
                            let chosen = ui.highlight == Some(p.at);
                            let text =
                                format!("{} — ({:.1}, {:.1}) mm", p.note, p.at.x_mm, p.at.y_mm);
                            if r.selectable_label(chosen, egui::RichText::new(text).small())
                                .clicked()
                            {
                                ui.highlight = Some(p.at);
                                ui.chosen = impression_near(&practice, p.at);
                                go_to = Some(p.at);
                            }
                        }
                    });
                }
                // The impression at the chosen place, cut through: where its pigment went.
                if let Some(p) = ui.chosen.and_then(|i| practice.impressions.get(i)) {
                    r.separator();
                    r.strong(format!(
                        "Impression {}: where the pigment went",
                        p.index + 1
                    ));
                    let last_day = practice.impressions.last().map_or(0.0, |l| l.made_on_day);
                    let later = ui.result_day + (last_day - p.made_on_day);
                    crate::cross_section::show(
                        r,
                        &smp_core::cross_section::CrossSection::of(plan, p, later),
                    );
                }
                if let Some(data) = &ui.results {
                    r.separator();
                    r.label("Depth of every impression (mm), target window marked:");
                    let window = [plan.depth_window.min_mm, plan.depth_window.max_mm];
                    theme::histogram(
                        r,
                        "depth",
                        &data.depths,
                        0.0,
                        plan.skin.subcutis_mm() * 1.3,
                        40,
                        &window,
                    );
                    r.label("Distance to the nearest dot (mm), minimum spacing marked:");
                    theme::histogram(
                        r,
                        "spacing",
                        &data.spacings,
                        0.0,
                        plan.min_spacing_mm * 4.0,
                        40,
                        &[plan.min_spacing_mm],
                    );
                }
                r.separator();
                r.label("Healing and fading:");
                let mut day = ui.result_day;
                let resp = r.add(
                    egui::Slider::new(&mut day, 0.0..=LAST_SHOWN_DAY)
                        .logarithmic(true)
                        .text("days after the last session"),
                );
                ui.result_day = day;
                if resp.drag_stopped() || (resp.changed() && !resp.dragged()) {
                    shown.0 = Some(day);
                }
                r.horizontal(|h| {
                    for (label, d) in SHOWN_DAYS {
                        if h.button(label).clicked() {
                            ui.result_day = d;
                            shown.0 = Some(d);
                        }
                    }
                });
                r.label(format!(
                    "Showing: {}",
                    match ui.result_day {
                        d if d < 0.5 => "fresh, as just tattooed".to_string(),
                        d if d < DAYS_PER_YEAR => format!("{d:.0} days after the last session"),
                        d => format!("{:.1} years after the last session", d / DAYS_PER_YEAR),
                    }
                ));
                crate::widgets::heatmap_picker(r, &mut ui.heatmap, plan.min_spacing_mm);
                r.separator();
                r.horizontal(|h| {
                    h.label("Save a copy to:");
                    h.text_edit_singleline(&mut ui.copy_to);
                });
                if r.button("Save copy").clicked() {
                    let path = std::path::PathBuf::from(ui.copy_to.trim());
                    let msg = match practice.attempt.save(&path) {
                        Ok(()) => format!("Saved a copy to {}", path.display()),
                        Err(e) => format!("Could not save: {e}"),
                    };
                    notice.show(msg);
                }
                submit_section(
                    r,
                    &mut commands,
                    &mut form,
                    submitting.is_some(),
                    &practice,
                    &mut notice,
                );
                if let (Some(rec), Some(editor)) = (&recording, editor.as_deref_mut()) {
                    r.separator();
                    if r.button("Keep this as the level's model attempt").clicked() {
                        notice.show(
                            match keep_model_attempt(editor, &rec.0, &practice.attempt) {
                                Ok(p) => format!("Model attempt saved to {}", p.display()),
                                Err(e) => format!("Model attempt not kept: {e}"),
                            },
                        );
                        keep_model = true;
                    }
                    if r.button("Back to the editor").clicked() {
                        keep_model = true;
                    }
                }
                r.separator();
                if r.button("Back to the curriculum  [Esc]").clicked() {
                    next.set(Screen::Title);
                }
            });
        });
    crate::camera::PanelsPx::set_right(&mut panels, panel.response.rect.width());
    // No top bar here.
    crate::camera::PanelsPx::set_top(&mut panels, 0.0);
    if keep_model {
        commands.remove_resource::<RecordingModel>();
        next.set(Screen::Editor);
    }
    // On a head: the chosen place faced from close by, ringed on the skin.
    if let Some(head) = plan.head() {
        if let (Some(at), Some(mut orbit)) = (go_to, orbit)
            && let Some(p) = head.point_at(at)
        {
            *orbit = crate::head_view::orbit::orbit_facing(
                Vec3::new(p.x as f32, p.y as f32, p.z as f32),
                crate::head_view::orbit::MIN_DISTANCE_MM,
            );
        }
        // The trainee's own design.
        if let Some(data) = &ui.results {
            let c = smp_core::render::DESIGN_RGB;
            head_gizmos.linestrip(
                data.design_on_skin.iter().copied(),
                Color::srgb_u8(c[0], c[1], c[2]),
            );
        }
        let mut pen = crate::head_view::overlay::OnHead {
            gizmos: &mut head_gizmos,
            head: &head,
        };
        if let Some(at) = ui.highlight {
            for r in [1.2, 1.5] {
                pen.ring(at, r, Color::srgb(0.9, 0.0, 0.8));
            }
        }
        if let Some(data) = &ui.results {
            draw_heatmap(
                &mut pen,
                ui.heatmap,
                plan,
                &practice.impressions,
                &data.nearest,
                &data.density,
            );
        }
        return Ok(());
    }
    // A chosen place: centred, close enough to see single dots, ringed.
    if let Some(at) = go_to
        && let Ok((mut tf, mut projection)) = cameras.single_mut()
    {
        tf.translation = world(at).extend(tf.translation.z);
        if let Projection::Orthographic(o) = &mut *projection {
            o.scale = o.scale.min(0.03);
        }
    }
    if let Some(at) = ui.highlight {
        for r in [1.2, 1.5] {
            gizmos.circle_2d(
                Isometry2d::from_translation(world(at)),
                r,
                Color::srgb(0.9, 0.0, 0.8),
            );
        }
    }
    if let Some(data) = &ui.results {
        draw_heatmap(
            &mut gizmos,
            ui.heatmap,
            plan,
            &practice.impressions,
            &data.nearest,
            &data.density,
        );
    }
    Ok(())
}

/// "Submit to the academy": the academy's address, the device token and the assignment, kept in
/// `academy.ron` when asked; the saved attempt file goes on its own thread.
fn submit_section(
    r: &mut egui::Ui,
    commands: &mut Commands,
    form: &mut AcademyForm,
    busy: bool,
    practice: &Practice,
    notice: &mut Notice,
) {
    r.separator();
    egui::CollapsingHeader::new("Submit to the academy")
        .default_open(!form.server.is_empty())
        .show(r, |r| {
            egui::Grid::new("academy").num_columns(2).show(r, |g| {
                g.label("Academy:");
                g.add(egui::TextEdit::singleline(&mut form.server).hint_text("http://academy.example:8080"));
                g.end_row();
                g.label("Device token:");
                g.add(egui::TextEdit::singleline(&mut form.token).password(true).hint_text("smpd_… from your academy"));
                g.end_row();
                g.label("Assignment:");
                g.add(egui::TextEdit::singleline(&mut form.assignment).hint_text("its number (optional)"));
                g.end_row();
            });
            r.checkbox(&mut form.remember, "Remember the academy and token on this computer");
            let file = practice.saved_to.clone();
            let button = r.add_enabled(!busy && file.is_some(), egui::Button::new(if busy { "Sending…" } else { "Submit this attempt" }));
            let button = if file.is_none() {
                button.on_disabled_hover_text("Only your own saved work is submitted here: a replay's file goes with smp-trainer submit FILE.")
            } else {
                button
            };
            if button.clicked()
                && let Some(file) = file
                && let Err(why) = crate::submission::submit(commands, form, &data_dir(), &file)
            {
                form.last = Some(format!("Not submitted: {why}"));
                notice.show(format!("Not submitted: {why}"));
            }
            if let Some(last) = &form.last {
                r.label(last);
            }
        });
}
