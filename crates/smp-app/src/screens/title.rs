//! The title screen: the curriculum with each level's brief and the trainee's progress, pen
//! calibration, resuming an unfinished attempt, opening an attempt for review, and the level
//! editor.

use std::sync::Arc;

use bevy::prelude::*;
use bevy::window::FileDragAndDrop;
use bevy_egui::{EguiContexts, egui};
use smp_core::files::data_dir;
use smp_core::levels::Level;
use smp_core::pen::PressureCurve;

use crate::autosave::{Autosave, AutosaveFile, ConfirmDiscard, Progress, StartPractice};
use crate::calibration::{CalibrationOutcome, Calibrations, tool_key};

use crate::editor::{Editor, RecordingModel};
use crate::input::PenBackend;
use crate::loading::LoadJob;
use crate::notice::Notice;
use crate::review::{OpenReview, ReviewOpenFailed};
use crate::scalp::ShownDay;
use crate::screen::{Screen, ScreenSystems};

use crate::theme;
use crate::{AppSystems, Options};

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<TitleState>();
    app.init_resource::<CalibrationOutcome>();
    app.add_systems(Startup, open_requested_level);
    app.add_systems(OnEnter(Screen::Title), refresh);
    app.add_systems(
        Update,
        open_dropped_file
            .in_set(AppSystems::Input)
            .run_if(in_state(Screen::Title).or_else(in_state(Screen::Review))),
    );
    app.add_screen_panel(Screen::Title, title_screen);
}

/// What the title screen remembers between frames.
#[derive(Resource)]
struct TitleState {
    levels: Vec<Level>,
    selected: usize,
    trainee: String,
    progress: Progress,
    /// An unfinished attempt waiting to be resumed (read once per visit to the title screen).
    pending: Option<Arc<AutosaveFile>>,
    /// What the pending autosave holds, in words (replaying its samples to count impressions is
    /// done once, not every frame).
    pending_text: String,
    /// An attempt file to open for review.
    review_path: String,
    /// The trainee's history from the saved attempts (per level and per criterion).
    history: Option<(String, smp_core::grade::Progress)>,
}

impl Default for TitleState {
    fn default() -> Self {
        Self {
            levels: Level::shipped(),
            selected: 0,
            trainee: std::env::var("USER").unwrap_or_else(|_| "trainee".into()),
            progress: Progress::load(&data_dir()),
            pending: None,
            pending_text: String::new(),
            review_path: String::new(),
            history: None,
        }
    }
}

fn refresh(
    mut shown: ResMut<ShownDay>,
    mut ui: ResMut<TitleState>,
    autosave: Res<Autosave>,
    options: Option<Res<Options>>,
    mut commands: Commands,
) {
    shown.0 = None;
    // A model recording left for the curriculum is over: later results are no model.
    commands.remove_resource::<RecordingModel>();
    ui.pending = autosave.pending().map(Arc::new);
    ui.pending_text = ui.pending.as_ref().map_or(String::new(), |p| p.describe());
    ui.progress = Progress::load(&data_dir());
    // Levels saved by the editor meanwhile join the curriculum.
    let extra = options.as_ref().and_then(|o| o.levels_dir.clone());
    add_custom_levels(&mut ui.levels, extra.as_deref());
    ui.history = None;
}

fn open_requested_level(
    options: Option<Res<Options>>,
    mut ui: ResMut<TitleState>,
    mut notice: ResMut<Notice>,
    mut starts: MessageWriter<StartPractice>,
) {
    add_custom_levels(
        &mut ui.levels,
        options.as_ref().and_then(|o| o.levels_dir.as_deref()),
    );
    let Some(options) = options else { return };
    if options.replay.is_some() {
        return;
    }
    if let Some(id) = &options.level {
        match Level::find(id, options.levels_dir.as_deref()) {
            // Like the Start button: an unfinished attempt is not discarded without asking.
            Ok(level) => {
                // Back in the curriculum, the level opened is the one selected.
                if let Some(i) = ui.levels.iter().position(|l| l.hash == level.hash) {
                    ui.selected = i;
                }
                starts.write(StartPractice {
                    level,
                    trainee: ui.trainee.clone(),
                    discard_unfinished: false,
                });
            }
            Err(e) => notice.show(e.to_string()),
        }
    }
}

/// Adds the levels of `dir` and of the data folder's `levels` (where the editor saves) that
/// are not in the list yet; a level saved again replaces its older self.
fn add_custom_levels(levels: &mut Vec<Level>, dir: Option<&std::path::Path>) {
    let own = data_dir().join("levels");
    for d in dir.into_iter().chain(std::iter::once(own.as_path())) {
        for path in smp_core::levels::level_files(d).unwrap_or_default() {
            match Level::load(&path) {
                Ok(l) => match levels.iter_mut().find(|x| x.plan.id == l.plan.id) {
                    Some(x) if x.origin == l.origin => *x = l,
                    Some(_) => {}
                    None => levels.push(l),
                },
                Err(e) => warn!("{e}"),
            }
        }
    }
}

/// An attempt file dropped on the window opens for review.
fn open_dropped_file(
    mut drops: MessageReader<FileDragAndDrop>,
    mut open: MessageWriter<OpenReview>,
) {
    for d in drops.read() {
        if let FileDragAndDrop::DroppedFile { path_buf, .. } = d {
            open.write(OpenReview(path_buf.clone()));
        }
    }
}

fn title_screen(
    mut contexts: EguiContexts,
    mut ui: ResMut<TitleState>,
    mut commands: Commands,
    backend: Option<Res<PenBackend>>,
    mut next: ResMut<NextState<Screen>>,
    outcome: Res<CalibrationOutcome>,
    mut open_review: MessageWriter<OpenReview>,
    review_failed: Option<Res<ReviewOpenFailed>>,
    mut notice: ResMut<Notice>,
    (mut starts, confirm): (MessageWriter<StartPractice>, Option<Res<ConfirmDiscard>>),
) -> Result {
    let mut root = theme::screen_ui(&mut contexts)?;
    let ctx = root.ctx().clone();
    let pending = ui.pending.clone();
    let pending_text = ui.pending_text.clone();
    egui::Panel::top("title").show(&mut root, |ui_| {
        ui_.horizontal(|h| {
            h.heading("smp-trainer");
            h.label("— scalp micropigmentation practice");
            h.with_layout(egui::Layout::right_to_left(egui::Align::Center), |r| {
                r.label(PenBackend::label(backend.as_deref()));
            });
        });
    });
    egui::Panel::left("curriculum")
        .min_size(360.0)
        .show(&mut root, |panel| {
            panel.heading("Curriculum");
            panel.horizontal(|h| {
                h.label("Trainee:");
                h.text_edit_singleline(&mut ui.trainee);
            });
            panel.separator();
            egui::ScrollArea::vertical().show(panel, |s| {
                for i in 0..ui.levels.len() {
                    let l = &ui.levels[i].plan;
                    let record = ui.progress.levels.get(&l.id);
                    let status = match record {
                        Some(r) if r.passed => format!("✔ best {:.0}", r.best),
                        Some(r) => format!("best {:.0}", r.best),
                        None => "not tried".into(),
                    };
                    let text = format!(
                        "{}. {}  [{}]  {}",
                        i + 1,
                        l.title,
                        l.difficulty.name(),
                        status
                    );
                    if s.selectable_label(ui.selected == i, text).clicked() {
                        ui.selected = i;
                    }
                }
            });
        });
    let mut start = false;
    let mut resume = false;
    let mut calibrate = false;
    let mut edit: Option<Option<Level>> = None;
    egui::CentralPanel::default().show(&mut root, |c| {
        // Unfinished work first, where it cannot be missed.
        if pending.as_ref().is_some_and(|p| p.has_work()) {
            egui::Frame::group(c.style())
                .fill(egui::Color32::from_rgb(70, 55, 20))
                .show(c, |f| {
                    f.strong(format!("You have {}.", pending_text));
                    f.horizontal(|h| {
                        if h.button(egui::RichText::new("Resume it").size(16.0)).clicked() {
                            resume = true;
                        }
                        h.label("Starting another attempt asks first: the unfinished one is kept until you choose.");
                    });
                });
            c.add_space(8.0);
        }
        if let Some(level) = ui.levels.get(ui.selected) {
            let p = &level.plan;
            c.heading(&p.title);
            let sessions = match p.sessions.len() {
                1 => "1 session".to_string(),
                n => format!("{n} sessions, {:.0}–{:.0} days apart", p.min_gap_days, p.max_gap_days),
            };
            c.label(format!("{} · {:.0} × {:.0} mm · {sessions} · pass mark {:.0}", p.difficulty.name(), p.canvas_mm.0, p.canvas_mm.1, p.pass_mark));
            c.add_space(6.0);
            c.label(&p.brief);
            c.add_space(6.0);
            if let Some(d) = &p.design {
                c.label(format!(
                    "First the design: draw the hairline on the head with the marker, its mid-frontal point {:.0}–{:.0} mm above the glabella, by the measured method (through C and on to D each side, within {:.0} mm), level with the brows, the sides within {:.0} mm; the tattooing then fills the band behind your line.",
                    d.mfp_height_mm.0, d.mfp_height_mm.1, d.method_tolerance_mm, d.max_asymmetry_mm
                ));
            }
            for (i, s) in p.sessions.iter().enumerate() {
                c.label(format!("Session {}: {} · {} shade · {:.0}% of the final density", i + 1, s.needle.label(), s.shade.name(), 100.0 * s.density_fraction));
            }
            c.label(format!("Target depth {:.2}–{:.2} mm; epidermis {:.2} mm, subcutis from {:.2} mm.", p.depth_window.min_mm, p.depth_window.max_mm, p.skin.epidermis_mm, p.skin.subcutis_mm()));
            c.add_space(12.0);
            let start_label = if p.design.is_some() {
                "Start: design the hairline  [Enter]"
            } else {
                "Start practice  [Enter]"
            };
            if c.button(egui::RichText::new(start_label).size(18.0)).clicked() {
                start = true;
            }
        }
        c.add_space(12.0);
        c.separator();
        let key = tool_key(backend.as_deref());
        let curve = Calibrations::load(&data_dir()).curve_for(&key);
        c.label(format!("Pressure curve for {key}: {}", if curve == PressureCurve::Linear { "not calibrated (linear)".to_string() } else { format!("{curve:?}") }));
        if c.button("Calibrate the pen  [C]").clicked() {
            calibrate = true;
        }
        if let Some(msg) = &outcome.0 {
            c.label(msg);
        }
        c.add_space(12.0);
        c.separator();
        history_section(c, &mut ui);
        c.add_space(12.0);
        c.separator();
        c.strong("Instructors");
        c.horizontal(|h| {
            h.label("Attempt file:");
            h.text_edit_singleline(&mut ui.review_path);
            if h.button("Open for review").clicked() {
                open_review.write(OpenReview(ui.review_path.trim().into()));
            }
        });
        c.small("…or drop an attempt file on the window.");
        if let Some(f) = &review_failed {
            c.colored_label(egui::Color32::from_rgb(200, 50, 50), &f.0);
        }
        c.horizontal(|h| {
            if h.button("Edit a copy of this level").clicked() {
                edit = Some(ui.levels.get(ui.selected).cloned());
            }
            if h.button("New level").clicked() {
                edit = Some(None);
            }
        });
    });
    // Keys typed into the trainee's name are not shortcuts.
    let typing = ctx.egui_wants_keyboard_input();
    if !typing && ctx.input(|i| i.key_pressed(egui::Key::Enter)) {
        start = true;
    }
    if start
        && confirm.is_none()
        && let Some(level) = ui.levels.get(ui.selected).cloned()
    {
        starts.write(StartPractice {
            level,
            trainee: ui.trainee.clone(),
            discard_unfinished: false,
        });
    }
    // An unfinished attempt stands in the way: the trainee chooses, nothing is lost by a key.
    if let Some(c) = confirm.as_deref() {
        let choice = crate::widgets::confirm(
            &ctx,
            "confirm-discard",
            &crate::widgets::Question {
                heading: "Unfinished attempt",
                lines: &[
                    format!("You have {}.", c.unfinished),
                    format!(
                        "Starting \"{}\" now deletes it for good.",
                        c.level.plan.title
                    ),
                ],
                keep: "Resume the unfinished attempt",
                lose: "Discard it and start",
                cancel: "Cancel  [Esc]",
            },
        );
        match choice {
            Some(crate::widgets::Choice::Keep) => {
                commands.remove_resource::<ConfirmDiscard>();
                resume = true;
            }
            Some(crate::widgets::Choice::Lose) => {
                starts.write(StartPractice {
                    level: c.level.clone(),
                    trainee: c.trainee.clone(),
                    discard_unfinished: true,
                });
            }
            Some(_) => commands.remove_resource::<ConfirmDiscard>(),
            None => {}
        }
    }

    if let Some(level) = edit {
        commands.insert_resource(Editor::for_level(level.as_ref()));
        next.set(Screen::Editor);
    }
    if calibrate || (!typing && ctx.input(|i| i.key_pressed(egui::Key::C))) {
        next.set(Screen::Calibration);
    }
    if resume && let Some(p) = pending {
        match ui
            .levels
            .iter()
            .find(|l| l.plan.id == p.attempt.level_id)
            .cloned()
        {
            Some(level) => {
                ui.pending = None;
                // A full head takes seconds to rebuild: on its own thread, with its progress.
                commands.insert_resource(LoadJob::resume(
                    level,
                    p.attempt.clone(),
                    p.session_in_progress,
                    p.hand_pressure,
                    true,
                ));
                next.set(Screen::Loading);
            }
            None => {
                notice.show(format!("level {:?} is not available", p.attempt.level_id));
            }
        }
    }
    Ok(())
}

/// The trainee's history on the title screen: best and latest per level, and the trend of each
/// criterion over their attempts (read from the saved attempts once per visit).
fn history_section(c: &mut egui::Ui, ui: &mut TitleState) {
    if ui
        .history
        .as_ref()
        .is_none_or(|(who, _)| *who != ui.trainee)
    {
        let rows = smp_core::grade::grade_dir(
            &data_dir().join("attempts"),
            None,
            &smp_core::signing::TrustedKeys::default(),
        )
        .unwrap_or_default();
        ui.history = Some((
            ui.trainee.clone(),
            smp_core::grade::progress(&rows, &ui.trainee),
        ));
    }
    let Some((who, p)) = &ui.history else { return };
    if p.levels.is_empty() {
        c.label(format!("No finished attempts by {who} yet."));
        return;
    }
    egui::CollapsingHeader::new(format!("Progress of {who}"))
        .default_open(true)
        .show(c, |c| {
            egui::Grid::new("history").striped(true).show(c, |g| {
                for h in ["level", "attempts", "best", "latest", "trend / attempt"] {
                    g.strong(h);
                }
                g.end_row();
                for (level, s) in &p.levels {
                    g.label(level);
                    g.label(s.attempts.to_string());
                    g.label(format!("{:.1}", s.best));
                    g.label(format!("{:.1}", s.latest));
                    g.label(format!("{:+.1}", s.trend));
                    g.end_row();
                }
            });
            c.add_space(4.0);
            egui::Grid::new("criteria-trend")
                .striped(true)
                .show(c, |g| {
                    for h in ["criterion", "mean", "latest", "trend / attempt"] {
                        g.strong(h);
                    }
                    g.end_row();
                    for (name, s) in &p.criteria {
                        g.label(name);
                        g.label(format!("{:.1}", s.mean));
                        g.label(format!("{:.1}", s.latest));
                        g.label(format!("{:+.1}", s.trend));
                        g.end_row();
                    }
                });
        });
}
