//! The panels: curriculum, practice HUD with depth gauge, between sessions, results with
//! histograms and a healing time slider, help; and the keyboard shortcuts.

use bevy::prelude::*;
use bevy_egui::input::EguiWantsInput;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui_plot::{Bar, BarChart, Plot, VLine};

use crate::levels::Level;
use crate::needle::{NeedleGroup, Shade};
use crate::skin::DepthOutcome;

use super::autosave::{Autosave, Progress, data_dir, save_attempt};
use super::calibration::{
    CalibrationOutcome, CalibrationRun, Calibrations, LEVELS, TAPS_PER_LEVEL, tool_key,
};
use super::input::{HandPressure, PenBackend, PenHover, PointerOverUi};
use super::practice::{Practice, SessionClock, device_for};
use super::scalp::{Heatmap, Overlay, ShownDay, draw_heatmap, predicted};
use super::{Options, Screen};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<UiState>();
    app.add_systems(Startup, open_requested_level);
    app.add_systems(PreUpdate, pointer_over_ui);
    app.add_systems(Update, shortcuts.in_set(super::AppSet::Input));
    app.add_systems(
        EguiPrimaryContextPass,
        (
            title_screen,
            calibration_screen,
            practice_hud,
            between_sessions,
            results_screen,
            help_and_notices,
        )
            .chain(),
    );
    app.add_systems(OnEnter(Screen::Results), on_results);
    app.add_systems(Update, open_dropped_file.in_set(super::AppSet::Input));
    app.init_resource::<CalibrationOutcome>();
    app.add_systems(
        OnEnter(Screen::Title),
        |mut shown: ResMut<ShownDay>,
         mut ui: ResMut<UiState>,
         autosave: Res<Autosave>,
         options: Option<Res<Options>>,
         mut commands: Commands| {
            shown.0 = None;
            // A model recording left for the curriculum is over: later results are no model.
            commands.remove_resource::<super::editor::RecordingModel>();
            ui.pending = autosave.pending().map(std::sync::Arc::new);
            // Levels saved by the editor meanwhile join the curriculum.
            let extra = options.as_ref().and_then(|o| o.levels_dir.clone());
            add_custom_levels(&mut ui.levels, extra.as_deref());
            ui.history = None;
        },
    );
}

/// What the panels remember between frames.
#[derive(Resource)]
struct UiState {
    levels: Vec<Level>,
    selected: usize,
    trainee: String,
    progress: Progress,
    help: bool,
    notice: Option<(String, f64)>,
    result_day: f64,
    heatmap: Heatmap,
    /// An unfinished attempt waiting to be resumed (read once per visit to the title screen).
    pending: Option<std::sync::Arc<super::autosave::AutosaveFile>>,
    /// What the results screen shows, computed once when it opens.
    results: Option<ResultsData>,
    /// Where the trainee wants a copy of the attempt.
    copy_to: String,
    /// An attempt file to open for review.
    review_path: String,
    /// The trainee's history from the saved attempts (per level and per criterion).
    history: Option<(String, crate::grade::Progress)>,
}

/// Per-impression figures for the results screen's plots and heatmaps.
struct ResultsData {
    depths: Vec<f64>,
    /// Each impression's nearest other dot (index, mm).
    nearest: Vec<Option<(usize, f64)>>,
    /// The distances alone, for the spacing histogram.
    spacings: Vec<f64>,
    density: Vec<crate::score::DensityCell>,
}

impl Default for UiState {
    fn default() -> Self {
        Self {
            levels: Level::shipped(),
            selected: 0,
            trainee: std::env::var("USER").unwrap_or_else(|_| "trainee".into()),
            progress: Progress::load(&data_dir()),
            help: false,
            notice: None,
            result_day: 42.0,
            heatmap: Heatmap::None,
            pending: None,
            results: None,
            copy_to: String::new(),
            review_path: String::new(),
            history: None,
        }
    }
}

fn begin(
    commands: &mut Commands,
    level: Level,
    trainee: &str,
    backend: Option<&PenBackend>,
    next: &mut NextState<Screen>,
) {
    let device = backend.map(device_for).unwrap_or_else(|| {
        device_for(&PenBackend::Mouse {
            reason: "no window".into(),
        })
    });
    // A fresh seed per attempt, from the clock; it is stored in the attempt file.
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    // The tool's calibrated curve (linear until calibrated); the attempt records it.
    let curve = Calibrations::load(&data_dir()).curve_for(&tool_key(backend));
    commands.insert_resource(Practice::new(level, trainee, device, curve, seed));
    next.set(Screen::Practice);
}

fn open_requested_level(
    mut commands: Commands,
    options: Option<Res<Options>>,
    mut ui: ResMut<UiState>,
    mut next: ResMut<NextState<Screen>>,
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
            Ok(level) => {
                let trainee = ui.trainee.clone();
                begin(&mut commands, level, &trainee, None, &mut next);
            }
            Err(e) => ui.notice = Some((e.to_string(), 0.0)),
        }
    }
}

/// Adds the levels of `dir` and of the data folder's `levels` (where the editor saves) that
/// are not in the list yet; a level saved again replaces its older self.
fn add_custom_levels(levels: &mut Vec<Level>, dir: Option<&std::path::Path>) {
    let own = data_dir().join("levels");
    for d in dir.into_iter().chain(std::iter::once(own.as_path())) {
        for path in crate::levels::level_files(d).unwrap_or_default() {
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
    mut drops: MessageReader<bevy::window::FileDragAndDrop>,
    state: Res<State<Screen>>,
    mut open: MessageWriter<super::review::OpenReview>,
) {
    for d in drops.read() {
        if let bevy::window::FileDragAndDrop::DroppedFile { path_buf, .. } = d
            && matches!(state.get(), Screen::Title | Screen::Review)
        {
            open.write(super::review::OpenReview(path_buf.clone()));
        }
    }
}

fn pointer_over_ui(wants: Option<Res<EguiWantsInput>>, mut over: ResMut<PointerOverUi>) {
    over.0 = wants.is_some_and(|w| w.wants_any_pointer_input());
}

#[allow(clippy::too_many_arguments)]
fn shortcuts(
    keys: Res<ButtonInput<KeyCode>>,
    state: Res<State<Screen>>,
    practice: Option<ResMut<Practice>>,
    mut overlay: ResMut<Overlay>,
    mut ui: ResMut<UiState>,
    mut next: ResMut<NextState<Screen>>,
    mut autosave: ResMut<Autosave>,
    clock: Res<SessionClock>,
    time: Res<Time>,
    mut exit: MessageWriter<AppExit>,
) {
    let ctrl = keys.pressed(KeyCode::ControlLeft) || keys.pressed(KeyCode::ControlRight);
    let now = time.elapsed_secs_f64();
    if keys.just_pressed(KeyCode::F1) {
        ui.help = !ui.help;
    }
    if keys.just_pressed(KeyCode::KeyO) && !ctrl {
        overlay.0 = !overlay.0;
    }
    if ctrl && keys.just_pressed(KeyCode::KeyQ) {
        exit.write(AppExit::Success);
    }
    let Some(mut practice) = practice else { return };
    if *state.get() == Screen::Practice {
        if ctrl && keys.just_pressed(KeyCode::KeyZ) {
            ui.notice = Some((
                "A needle cannot be undone: every impression stays in the skin.".into(),
                now,
            ));
        }
        if ctrl && keys.just_pressed(KeyCode::KeyS) {
            let msg = match autosave.write(&practice, clock.0) {
                Ok(()) => format!("Saved to {}", autosave.path.display()),
                Err(e) => format!("Could not save: {e}"),
            };
            ui.notice = Some((msg, now));
        }
        if keys.just_pressed(KeyCode::KeyF) && !ctrl {
            finish_session(&mut practice, &mut next);
        }
        if keys.just_pressed(KeyCode::Escape) {
            // The autosave keeps the work: it can be resumed from the title screen.
            let _ = autosave.write(&practice, clock.0);
            next.set(Screen::Title);
        }
    } else if keys.just_pressed(KeyCode::Escape) && *state.get() == Screen::Results {
        next.set(Screen::Title);
    }
}

fn finish_session(practice: &mut Practice, next: &mut NextState<Screen>) {
    if practice.finish_session() {
        next.set(Screen::Results);
    } else {
        next.set(Screen::BetweenSessions);
    }
}

fn on_results(
    practice: Option<ResMut<Practice>>,
    mut ui: ResMut<UiState>,
    mut autosave: ResMut<Autosave>,
    mut shown: ResMut<ShownDay>,
    driver: Option<Res<super::replay_driver::ReplayDriver>>,
) {
    let Some(mut practice) = practice else { return };
    if practice.score.is_none() {
        practice.compute_score();
    }
    ui.result_day = 42.0;
    // Computed once: 100,000 neighbour searches every frame would stall the screen.
    let points: Vec<crate::geometry::Point> = practice
        .impressions
        .iter()
        .map(|p| p.impression.at)
        .collect();
    let grid = crate::spatial::StaticGrid::new(&points, 0.25);
    let replayed = crate::replay::replay(&practice.level.plan, &practice.attempt);
    let nearest = grid.all_nearest();
    ui.results = Some(ResultsData {
        depths: practice
            .impressions
            .iter()
            .map(|p| p.tissue.depth_mm)
            .collect(),
        spacings: nearest.iter().flatten().map(|(_, d)| *d).collect(),
        nearest,
        density: crate::score::density_map(&practice.level.plan, &replayed),
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
    shown.0 = Some(42.0);
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
        && let Ok(p) = Progress::record(&dir, &practice.level.plan.id, s.total, s.passed)
    {
        ui.progress = p;
    }
}

#[allow(clippy::too_many_arguments)]
fn title_screen(
    mut contexts: EguiContexts,
    state: Res<State<Screen>>,
    mut ui: ResMut<UiState>,
    mut commands: Commands,
    backend: Option<Res<PenBackend>>,
    mut next: ResMut<NextState<Screen>>,
    outcome: Res<CalibrationOutcome>,
    mut open_review: MessageWriter<super::review::OpenReview>,
    review_failed: Option<Res<super::review::ReviewOpenFailed>>,
) -> Result {
    if *state.get() != Screen::Title {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let pending = ui.pending.clone();
    egui::Panel::top("title").show(&mut root, |ui_| {
        ui_.horizontal(|h| {
            h.heading("smp-trainer");
            h.label("— scalp micropigmentation practice");
            h.with_layout(egui::Layout::right_to_left(egui::Align::Center), |r| {
                r.label(backend_label(backend.as_deref()));
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
        if let Some(level) = ui.levels.get(ui.selected) {
            let p = &level.plan;
            c.heading(&p.title);
            c.label(format!("{} · {:.0} × {:.0} mm · {} session(s), at least {:.0} days apart · pass mark {:.0}", p.difficulty.name(), p.canvas_mm.0, p.canvas_mm.1, p.sessions.len(), p.min_gap_days, p.pass_mark));
            c.add_space(6.0);
            c.label(&p.brief);
            c.add_space(6.0);
            for (i, s) in p.sessions.iter().enumerate() {
                c.label(format!("Session {}: {} · {} shade · {:.0}% of the final density", i + 1, s.needle.label(), s.shade.name(), 100.0 * s.density_fraction));
            }
            c.label(format!("Target depth {:.2}–{:.2} mm; epidermis {:.2} mm, subcutis from {:.2} mm.", p.depth_window.min_mm, p.depth_window.max_mm, p.skin.epidermis_mm, p.skin.subcutis_mm()));
            c.add_space(12.0);
            if c.button(egui::RichText::new("Start practice  [Enter]").size(18.0)).clicked() {
                start = true;
            }
        }
        c.add_space(12.0);
        c.separator();
        let key = tool_key(backend.as_deref());
        let curve = Calibrations::load(&data_dir()).curve_for(&key);
        c.label(format!("Pressure curve for {key}: {}", if curve == crate::pen::PressureCurve::Linear { "not calibrated (linear)".to_string() } else { format!("{curve:?}") }));
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
                open_review.write(super::review::OpenReview(ui.review_path.trim().into()));
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
        if let Some(p) = &pending {
            c.add_space(12.0);
            c.separator();
            c.label(format!("An unfinished attempt at {:?} by {} was autosaved ({} samples).", p.attempt.level_id, p.attempt.trainee, p.attempt.sample_count()));
            if c.button("Resume it").clicked() {
                resume = true;
            }
        }
    });
    // Keys typed into the trainee's name are not shortcuts.
    let typing = ctx.egui_wants_keyboard_input();
    if !typing && ctx.input(|i| i.key_pressed(egui::Key::Enter)) {
        start = true;
    }
    if start && let Some(level) = ui.levels.get(ui.selected).cloned() {
        let trainee = ui.trainee.clone();
        begin(
            &mut commands,
            level,
            &trainee,
            backend.as_deref(),
            &mut next,
        );
    }

    if let Some(level) = edit {
        commands.insert_resource(super::editor::Editor::for_level(level.as_ref()));
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
                commands.insert_resource(Practice::resume(
                    level,
                    p.attempt.clone(),
                    p.session_in_progress,
                ));
                next.set(Screen::Practice);
            }
            None => {
                ui.notice = Some((
                    format!("level {:?} is not available", p.attempt.level_id),
                    0.0,
                ))
            }
        }
    }
    Ok(())
}

/// The trainee's history on the title screen: best and latest per level, and the trend of each
/// criterion over their attempts (read from the saved attempts once per visit).
fn history_section(c: &mut egui::Ui, ui: &mut UiState) {
    if ui
        .history
        .as_ref()
        .is_none_or(|(who, _)| *who != ui.trainee)
    {
        let rows = crate::grade::grade_dir(&data_dir().join("attempts"), None).unwrap_or_default();
        ui.history = Some((
            ui.trainee.clone(),
            crate::grade::progress(&rows, &ui.trainee),
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

/// A `Ui` covering the window, for the screen's panels.
pub(super) fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "screen".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

fn calibration_screen(
    mut contexts: EguiContexts,
    state: Res<State<Screen>>,
    run: Option<Res<CalibrationRun>>,
    mut next: ResMut<NextState<Screen>>,
    mut gizmos: Gizmos,
    cameras: Query<&Transform, With<super::scalp::ScalpCamera>>,
    projections: Query<&Projection, With<super::scalp::ScalpCamera>>,
) -> Result {
    if *state.get() != Screen::Calibration {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
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
    if let (Ok(tf), Ok(Projection::Orthographic(o))) = (cameras.single(), projections.single()) {
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

fn backend_label(backend: Option<&PenBackend>) -> String {
    match backend {
        Some(PenBackend::Tablet { name, .. }) => format!("Pen: {name}"),
        Some(PenBackend::Mouse { reason }) => {
            format!("Pen: mouse, pressure by wheel or [ ] ({reason})")
        }
        None => "Pen: …".into(),
    }
}

#[allow(clippy::too_many_arguments)]
fn practice_hud(
    mut contexts: EguiContexts,
    state: Res<State<Screen>>,
    practice: Option<ResMut<Practice>>,
    clock: Res<SessionClock>,
    hover: Res<PenHover>,
    hand: Res<HandPressure>,
    backend: Option<Res<PenBackend>>,
    mut overlay: ResMut<Overlay>,
    mut ui: ResMut<UiState>,
    mut next: ResMut<NextState<Screen>>,
    diagnostics: Res<bevy::diagnostic::DiagnosticsStore>,
) -> Result {
    let (Some(mut practice), Screen::Practice) = (practice, *state.get()) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let n = practice.impressions.len();
    let (needle, shade) = practice
        .live
        .as_ref()
        .map_or((practice.next_needle, practice.next_shade), |l| {
            (l.record.needle, l.record.shade)
        });
    egui::Panel::top("hud").show(&mut root, |h| {
        h.horizontal_wrapped(|h| {
            h.strong(&practice.level.plan.title);
            h.separator();
            h.label(format!(
                "Session {} of {}",
                practice.session_number(),
                practice.planned_sessions()
            ));
            h.separator();
            h.label(format!("Needle {}", needle.label()));
            h.label(format!("Shade {}", shade.name()));
            h.separator();
            h.label(format!("{n} impressions"));
            let t = clock.0.max(0.0) as u64;
            h.label(format!("{:02}:{:02}", t / 60, t % 60));
            h.separator();
            if matches!(backend.as_deref(), Some(PenBackend::Mouse { .. }) | None) {
                h.label(format!("Hand pressure {:.2} (wheel, [ ])", hand.0));
            } else {
                h.label(format!("Pressure {:.2}", hover.pressure));
            }
            if let Some(fps) = diagnostics
                .get(&bevy::diagnostic::FrameTimeDiagnosticsPlugin::FPS)
                .and_then(|d| d.smoothed())
            {
                h.separator();
                h.small(format!("{fps:.0} fps"));
            }
        });
    });
    egui::Panel::right("gauge")
        .exact_size(230.0)
        .show(&mut root, |g| {
            g.heading("Depth gauge");
            let pressure = if hover.contact || hover.pressure > 0.0 {
                hover.pressure
            } else {
                hand.0
            };
            let (depth, outcome) = predicted(&practice, pressure);
            depth_gauge(g, &practice, depth, outcome);
            g.label(format!(
                "At this pressure: {depth:.2} mm, {}",
                outcome.name()
            ));
            if let Some(last) = practice.impressions.last() {
                g.separator();
                g.label("Last impression");
                g.label(format!(
                    "{:.2} mm deep: {}",
                    last.tissue.depth_mm,
                    last.tissue.outcome.name()
                ));
                g.label(format!(
                    "pressure {:.2}, tilt {:.0}°, dwell {:.2} s",
                    last.impression.pressure,
                    last.impression.tilt_rad.to_degrees(),
                    last.impression.dwell_s
                ));
            }
            g.separator();
            g.checkbox(&mut overlay.0, "Plan overlay  [O]");
            if g.button("Finish session  [F]").clicked() {
                finish_session(&mut practice, &mut next);
            }
            if g.button("Help  [F1]").clicked() {
                ui.help = !ui.help;
            }
            g.separator();
            g.small(backend_label(backend.as_deref()));
        });
    Ok(())
}

/// A cross-section of the skin with the target window and where the needle would stop.
fn depth_gauge(ui: &mut egui::Ui, practice: &Practice, depth: f64, outcome: DepthOutcome) {
    let plan = &practice.level.plan;
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
    band(
        0.0,
        plan.skin.epidermis_mm,
        egui::Color32::from_rgb(235, 200, 180),
        "",
    );
    band(
        plan.skin.epidermis_mm,
        plan.skin.subcutis_mm(),
        egui::Color32::from_rgb(225, 170, 160),
        "dermis",
    );
    band(
        plan.skin.subcutis_mm(),
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
    let c = super::scalp::outcome_color(outcome).to_srgba();
    let color = egui::Color32::from_rgb(
        (c.red * 255.0) as u8,
        (c.green * 255.0) as u8,
        (c.blue * 255.0) as u8,
    );
    let x = rect.left() + 90.0;
    p.line_segment(
        [egui::pos2(x, rect.top()), egui::pos2(x, y(depth))],
        egui::Stroke::new(3.0, egui::Color32::DARK_GRAY),
    );
    p.circle_filled(egui::pos2(x, y(depth)), 5.0, color);
}

#[allow(clippy::too_many_arguments)]
fn between_sessions(
    mut contexts: EguiContexts,
    state: Res<State<Screen>>,
    practice: Option<ResMut<Practice>>,
    mut shown: ResMut<ShownDay>,
    mut next: ResMut<NextState<Screen>>,
) -> Result {
    let (Some(mut practice), Screen::BetweenSessions) = (practice, *state.get()) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let min_gap = practice.level.plan.min_gap_days;
    let k = practice.session_number();
    let mut start = false;
    egui::Panel::right("between").exact_size(320.0).show(&mut root, |ui| {
        ui.heading(format!("Session {} done", k - 1));
        ui.label(format!("Let the scalp heal before session {k}. The level asks for at least {min_gap:.0} days; working earlier makes pigment migrate and over-saturate."));
        let mut days = practice.next_gap_days;
        ui.add(egui::Slider::new(&mut days, 0.0..=60.0).text("days of healing").step_by(1.0));
        practice.next_gap_days = days;
        if days < min_gap {
            ui.colored_label(egui::Color32::from_rgb(200, 60, 40), "Not healed yet.");
        }
        ui.separator();
        ui.label(format!("Session {k} plan: {} shade, {}", practice.level.plan.sessions[k - 1].shade.name(), practice.level.plan.sessions[k - 1].needle.label()));
        let mut shade = practice.next_shade;
        egui::ComboBox::from_label("shade").selected_text(shade.name()).show_ui(ui, |c| {
            for s in Shade::ALL {
                c.selectable_value(&mut shade, s, s.name());
            }
        });
        practice.next_shade = shade;
        let mut group = practice.next_needle.group;
        egui::ComboBox::from_label("needle").selected_text(group.name()).show_ui(ui, |c| {
            c.selectable_value(&mut group, NeedleGroup::OneRl, "1RL");
            c.selectable_value(&mut group, NeedleGroup::ThreeRl, "3RL");
        });
        practice.next_needle.group = group;
        let mut d = practice.next_needle.diameter_mm;
        ui.add(egui::Slider::new(&mut d, 0.18..=0.35).text("needle mm").step_by(0.01));
        practice.next_needle.diameter_mm = d;
        ui.separator();
        start = ui.button(egui::RichText::new(format!("Start session {k}")).size(16.0)).clicked();
    });
    // The scalp shows the earlier work healed by the chosen number of days.
    let want = Some(practice.next_gap_days);
    if shown.0 != want {
        shown.0 = want;
    }
    if start {
        shown.0 = None;
        practice.start_session();
        next.set(Screen::Practice);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn results_screen(
    mut contexts: EguiContexts,
    state: Res<State<Screen>>,
    practice: Option<Res<Practice>>,
    mut ui: ResMut<UiState>,
    mut shown: ResMut<ShownDay>,
    mut gizmos: Gizmos,
    mut next: ResMut<NextState<Screen>>,
    recording: Option<Res<super::editor::RecordingModel>>,
    mut editor: Option<ResMut<super::editor::Editor>>,
    mut commands: Commands,
) -> Result {
    let mut keep_model = false;
    let (Some(practice), Screen::Results) = (practice, *state.get()) else {
        return Ok(());
    };
    let Some(score) = &practice.score else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let mut root = root_ui(ctx);
    let plan = &practice.level.plan;
    egui::Panel::right("results")
        .exact_size(440.0)
        .show(&mut root, |r| {
            egui::ScrollArea::vertical().show(r, |r| {
                r.heading(&plan.title);
                let verdict = if score.passed {
                    egui::RichText::new("PASSED").color(egui::Color32::from_rgb(30, 140, 60))
                } else {
                    egui::RichText::new("FAILED").color(egui::Color32::from_rgb(190, 40, 40))
                };
                r.horizontal(|h| {
                    h.heading(format!("{:.1} / 100", score.total));
                    h.heading(verdict.strong());
                });
                r.label(format!(
                    "Pass mark {:.0}; every weighted criterion must reach {:.0}.",
                    plan.pass_mark, plan.thresholds.criterion_floor
                ));
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
                        for p in c.places.iter().take(6) {
                            r.small(format!(
                                "at ({:.1}, {:.1}) mm: {}",
                                p.at.x_mm, p.at.y_mm, p.note
                            ));
                        }
                    });
                }
                if let Some(data) = &ui.results {
                    r.separator();
                    r.label("Depth of every impression (mm), target window marked:");
                    let window = [plan.depth_window.min_mm, plan.depth_window.max_mm];
                    histogram(
                        r,
                        "depth",
                        &data.depths,
                        0.0,
                        plan.skin.subcutis_mm() * 1.3,
                        40,
                        &window,
                    );
                    r.label("Distance to the nearest dot (mm), minimum spacing marked:");
                    histogram(
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
                    egui::Slider::new(&mut day, 0.0..=1826.0)
                        .logarithmic(true)
                        .text("days after the last session"),
                );
                ui.result_day = day;
                if resp.drag_stopped() || (resp.changed() && !resp.dragged()) {
                    shown.0 = Some(day);
                }
                r.horizontal(|h| {
                    for (label, d) in [
                        ("fresh", 0.0),
                        ("scabs", 7.0),
                        ("healed", 42.0),
                        ("1 year", 365.0),
                        ("5 years", 1826.0),
                    ] {
                        if h.button(label).clicked() {
                            ui.result_day = d;
                            shown.0 = Some(d);
                        }
                    }
                });
                r.horizontal(|h| {
                    h.label("Heatmap:");
                    h.radio_value(&mut ui.heatmap, Heatmap::None, "off");
                    h.radio_value(&mut ui.heatmap, Heatmap::Outcome, "depth outcome");
                    h.radio_value(&mut ui.heatmap, Heatmap::Spacing, "spacing");
                    h.radio_value(&mut ui.heatmap, Heatmap::Density, "density error");
                });
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
                    ui.notice = Some((msg, 0.0));
                }
                if let (Some(rec), Some(editor)) = (&recording, editor.as_deref_mut()) {
                    r.separator();
                    if r.button("Keep this as the level's model attempt").clicked() {
                        ui.notice = Some((
                            match super::editor::keep_model_attempt(
                                editor,
                                &rec.0,
                                &practice.attempt,
                            ) {
                                Ok(p) => format!("Model attempt saved to {}", p.display()),
                                Err(e) => format!("Model attempt not kept: {e}"),
                            },
                            0.0,
                        ));
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
    if keep_model {
        commands.remove_resource::<super::editor::RecordingModel>();
        next.set(Screen::Editor);
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

fn histogram(
    ui: &mut egui::Ui,
    id: &str,
    values: &[f64],
    lo: f64,
    hi: f64,
    bins: usize,
    marks: &[f64],
) {
    let width = (hi - lo) / bins as f64;
    let counts = crate::report::bin_counts(values, lo, hi, bins);
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
                p.vline(
                    VLine::new(format!("{id} mark"), *m)
                        .color(egui::Color32::from_rgb(30, 150, 60)),
                );
            }
        });
}

fn help_and_notices(
    mut contexts: EguiContexts,
    mut ui: ResMut<UiState>,
    time: Res<Time>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    if ui.help {
        let mut open = true;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .show(ctx, |w| {
                egui::Grid::new("keys").show(w, |g| {
                    for (k, what) in [
                        (
                            "Pen / left mouse",
                            "tattoo an impression (pressure sets depth)",
                        ),
                        ("Wheel, [ and ]", "hand pressure when using the mouse"),
                        ("+ / −, Ctrl + wheel", "zoom (loupe)"),
                        ("Arrows, right or middle drag", "pan"),
                        ("O", "plan overlay: zones, hairline, transition band"),
                        ("F", "finish the session"),
                        ("Ctrl+S", "save the attempt so far"),
                        ("Ctrl+Z", "(a needle cannot be undone)"),
                        (
                            "Esc",
                            "back to the curriculum (the work is kept for resume)",
                        ),
                        ("C (curriculum)", "calibrate the pen's pressure"),
                        ("F1", "this help"),
                        ("Ctrl+Q", "quit"),
                    ] {
                        g.strong(k);
                        g.label(what);
                        g.end_row();
                    }
                });
            });
        ui.help = open;
    }
    let now = time.elapsed_secs_f64();
    if let Some((msg, since)) = ui.notice.clone() {
        let since = if since == 0.0 { now } else { since };
        ui.notice = if now - since > 5.0 {
            None
        } else {
            Some((msg.clone(), since))
        };
        egui::Area::new(egui::Id::new("notice"))
            .anchor(egui::Align2::CENTER_BOTTOM, egui::vec2(0.0, -30.0))
            .show(ctx, |a| {
                egui::Frame::popup(a.style()).show(a, |f| f.label(msg));
            });
    }
    Ok(())
}
