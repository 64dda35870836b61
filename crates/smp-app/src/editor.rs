//! The level editor screen: the draft's scalp (skin, scars and existing hair as they will look),
//! flat or on a head in 3D, its shapes drawn over it, tools to draw zones, scars, existing hair
//! and the hairline and to drag their vertices, and a
//! panel for everything else (identity, skin, sessions, needles, shades, depth window, gaps,
//! weights, pass mark, model attempt), with the level's problems listed live. Saving writes
//! only a valid level. The logic is in the core's [`LevelDraft`].

use std::path::PathBuf;

use bevy::prelude::*;
use smp_core::attempt::{Attempt, Device, ToolKind};
use smp_core::editor::{EditError, LevelDraft, ShapeRef};
use smp_core::files::data_dir;
use smp_core::geometry::Point;
use smp_core::levels::{Level, hash_bytes};
use smp_core::pen::PressureCurve;
use smp_core::plan::ModelAttempt;

use crate::screen::Screen;
use crate::session::Practice;
use crate::{AppSystems, Options};

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Startup, open_from_options);
    app.add_systems(OnEnter(Screen::Editor), |editor: Option<ResMut<Editor>>| {
        if let Some(mut e) = editor {
            // Show the draft again (a model recording replaced the scalp meanwhile).
            e.shown_key.clear();
        }
    });
    app.add_systems(
        Update,
        show_draft
            .in_set(AppSystems::View)
            .run_if(in_state(Screen::Editor)),
    );
}

/// What a click on the scalp does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// Select a shape; drag its vertices.
    Select,
    /// Click the outline of a new treatment zone.
    Zone,
    /// Click the outline of a new scar.
    Scar,
    /// Click the hairline, from one temple to the other.
    Hairline,
    /// Click the outline of a patch of existing hair.
    Hair,
}

/// A level being edited.
#[derive(Resource)]
pub struct Editor {
    /// The draft.
    pub draft: LevelDraft,
    /// Where it is saved.
    pub path: String,
    /// The current tool.
    pub tool: Tool,
    /// The selected shape.
    pub selected: Option<ShapeRef>,
    /// Points of the shape being drawn.
    pub drawing: Vec<Point>,
    /// The vertex being dragged.
    pub dragging: Option<(ShapeRef, usize)>,
    /// The last thing to tell the user.
    pub status: Option<String>,
    /// Canvas and skin the scalp view shows (it is rebuilt when they change).
    pub(crate) shown_key: String,
    /// The draft's problems and warnings, as of `checked`.
    problems: Vec<String>,
    warnings: Vec<String>,
    checked: Option<smp_core::plan::ReferencePlan>,
    /// The draft as last saved (or opened), to tell unsaved edits.
    saved_text: String,
    /// The user asked to leave with unsaved edits: the screen asks what to do.
    pub leaving: bool,
}

/// Why a drawn shape was not added.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// The select tool draws nothing.
    #[error("choose a drawing tool first")]
    NoTool,
    /// Not enough points for the shape.
    #[error("a zone, scar or patch of hair needs at least 3 points, the hairline 2")]
    TooFewPoints,
}

/// Why a model attempt was not kept.
#[derive(Debug, thiserror::Error)]
pub enum KeepModelError {
    /// The attempt could not be written beside the level.
    #[error(transparent)]
    File(#[from] smp_core::files::FileError),
    /// The level naming it could not be saved.
    #[error(transparent)]
    Level(#[from] EditError),
}

/// A model attempt is being recorded for the edited level (saved at this path).
#[derive(Resource, Clone, Debug)]
pub struct RecordingModel(pub PathBuf);

impl Editor {
    /// An editor on `draft`, saving to `path`.
    pub fn new(draft: LevelDraft, path: PathBuf) -> Self {
        Editor {
            path: path.display().to_string(),
            tool: Tool::Select,
            selected: None,
            drawing: Vec::new(),
            dragging: None,
            status: None,
            shown_key: String::new(),
            problems: Vec::new(),
            warnings: Vec::new(),
            checked: None,
            saved_text: draft.to_ron(),
            leaving: false,
            draft,
        }
    }

    /// Whether the draft has edits not yet saved.
    pub fn unsaved(&self) -> bool {
        self.draft.to_ron() != self.saved_text
    }

    /// The user wants to leave: `true` when nothing would be lost; otherwise the editor asks
    /// first ([`Editor::leaving`]) and `false`.
    pub fn request_leave(&mut self) -> bool {
        self.leaving = self.unsaved();
        !self.leaving
    }

    /// An editor on a copy of `level` (or a blank canvas), saving into the data folder's
    /// `levels`, where the curriculum finds it.
    pub fn for_level(level: Option<&Level>) -> Self {
        let draft = level.map_or_else(LevelDraft::blank, LevelDraft::from_level);
        let path = match level {
            // A level of the academy's own is edited in place.
            Some(l) if !smp_core::editor::is_shipped_id(&l.plan.id) && l.origin.is_file() => {
                l.origin.clone()
            }
            _ => data_dir()
                .join("levels")
                .join(format!("{}.ron", draft.plan.id)),
        };
        Editor::new(draft, path)
    }

    /// The draft's problems (empty: it can be saved).
    pub fn problems(&mut self) -> &[String] {
        self.check();
        &self.problems
    }

    /// What a valid draft may still get wrong (the warnings of `levels check`).
    pub fn warnings(&mut self) -> &[String] {
        self.check();
        &self.warnings
    }

    /// Checks the draft again only when it changed (the panel asks every frame).
    fn check(&mut self) {
        if self.checked.as_ref() != Some(&self.draft.plan) {
            self.problems = self.draft.problems();
            self.warnings = self.draft.warnings();
            self.checked = Some(self.draft.plan.clone());
        }
    }

    /// Ends the shape being drawn: a zone or scar needs 3 points, the hairline 2.
    pub fn finish_shape(&mut self) -> Result<ShapeRef, ShapeError> {
        let points = std::mem::take(&mut self.drawing);
        let shape = match self.tool {
            Tool::Zone if points.len() >= 3 => self.draft.add_zone(points),
            Tool::Scar if points.len() >= 3 => self.draft.add_scar(points),
            Tool::Hair if points.len() >= 3 => self.draft.add_hair(points),
            Tool::Hairline if points.len() >= 2 => self.draft.set_hairline(points),
            Tool::Select => return Err(ShapeError::NoTool),
            _ => {
                self.drawing = points;
                return Err(ShapeError::TooFewPoints);
            }
        };
        self.selected = Some(shape);
        self.tool = Tool::Select;
        Ok(shape)
    }

    /// A left click at the map place `at` (picks reaching `radius_mm`): with the select tool,
    /// selects the shape there and starts dragging a vertex under it; with a drawing tool, adds
    /// a point to the shape being drawn (not off the canvas: a slip).
    pub fn click(&mut self, at: Point, radius_mm: f64) {
        match self.tool {
            Tool::Select => {
                if let Some((shape, i)) = self.draft.vertex_near(at, radius_mm) {
                    self.selected = Some(shape);
                    self.dragging = Some((shape, i));
                } else {
                    self.selected = self.draft.shape_at(at, radius_mm);
                }
            }
            _ => {
                let (w, h) = self.draft.plan.canvas_mm;
                if (0.0..=w).contains(&at.x_mm) && (0.0..=h).contains(&at.y_mm) {
                    self.drawing.push(at);
                }
            }
        }
    }

    /// Deletes the vertex nearest to `at` within `radius_mm`; whether there was one.
    pub fn delete_vertex_near(&mut self, at: Point, radius_mm: f64) -> bool {
        match self.draft.vertex_near(at, radius_mm) {
            Some((shape, i)) => {
                self.draft.remove_vertex(shape, i);
                true
            }
            None => false,
        }
    }

    /// Saves the draft if it is valid.
    pub fn save(&mut self) -> Result<Level, EditError> {
        let path = PathBuf::from(self.path.trim());
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| {
                EditError::File(smp_core::files::FileError::Write {
                    path: dir.into(),
                    source,
                })
            })?;
        }
        let level = self.draft.save(&path)?;
        self.saved_text = self.draft.to_ron();
        Ok(level)
    }

    /// The level the scalp view shows: the draft, named by its surface, canvas and skin only,
    /// so that moving a zone does not redraw the skin.
    fn display_level(&self) -> (String, Level) {
        let p = &self.draft.plan;
        let key = format!("{:?}{:?}{:?}", p.surface, p.canvas_mm, p.skin);
        (
            key.clone(),
            Level {
                plan: p.clone(),
                hash: hash_bytes(key.as_bytes()),
                origin: PathBuf::from(self.path.trim()),
                warnings: Vec::new(),
            },
        )
    }
}

/// How far a pick reaches on screen, px, whatever the zoom.
pub const PICK_PX: f64 = 8.0;

/// Where a window position `cursor` (logical px) falls on the draft's skin: through the head
/// camera's ray on a head (`head`), else through the flat skin's camera (`flat`: the place and
/// the mm one screen pixel spans). Returns the map place (mm) and how far a pick reaches there,
/// mm ([`PICK_PX`] on screen, at least 0.3 mm). `None` off the skin.
pub fn pointer_on_skin(
    cursor: Vec2,
    flat: Option<(Point, f64)>,
    head: Option<&crate::head_view::PointerToHead>,
) -> Option<(Point, f64)> {
    let (at, mm_per_px) = match head {
        Some(p) => {
            let hit = p.hit(cursor, 0.0, 0.0)?;
            let on = p.head.point_at(hit.at)?;
            let viewport_px = f64::from(p.viewport.height().max(1.0));
            (
                hit.at,
                (on - p.eye).length() * 2.0 * p.tan_half_fov / viewport_px,
            )
        }
        None => flat?,
    };
    Some((at, (PICK_PX * mm_per_px).max(0.3)))
}

/// The device recorded in a model attempt tattooed from the editor.
pub fn editor_device() -> Device {
    Device {
        tool: ToolKind::Mouse,
        pressure_levels: 0,
        name: "level editor".into(),
        hardware_id: None,
    }
}

fn open_from_options(
    mut commands: Commands,
    options: Option<Res<Options>>,
    mut next: ResMut<NextState<Screen>>,
) {
    let Some(which) = options.as_ref().and_then(|o| o.edit.clone()) else {
        return;
    };
    let editor = if which.is_empty() {
        Editor::for_level(None)
    } else {
        match Level::find(
            &which,
            options.as_ref().and_then(|o| o.levels_dir.as_deref()),
        ) {
            Ok(level) => Editor::for_level(Some(&level)),
            Err(e) => {
                error!("{e}");
                let mut ed = Editor::for_level(None);
                ed.status = Some(e.to_string());
                ed
            }
        }
    };
    commands.insert_resource(editor);
    next.set(Screen::Editor);
}

fn show_draft(mut commands: Commands, editor: Option<ResMut<Editor>>) {
    let Some(mut editor) = editor else { return };
    if editor.dragging.is_some() || editor.draft.plan.sessions.is_empty() {
        return;
    }
    let (key, level) = editor.display_level();
    if key != editor.shown_key {
        editor.shown_key = key;
        commands.insert_resource(Practice::new(
            level,
            "level editor",
            editor_device(),
            PressureCurve::Linear,
            0,
        ));
    }
}

/// Keeps `attempt` as the model attempt of the level being edited: written beside the level
/// as `NAME-model.ron`, named in the level, which is saved again.
pub fn keep_model_attempt(
    editor: &mut Editor,
    level_path: &std::path::Path,
    attempt: &Attempt,
) -> Result<PathBuf, KeepModelError> {
    let stem = level_path
        .file_stem()
        .map_or("level".into(), |s| s.to_string_lossy().into_owned());
    let name = format!("{stem}-model.ron");
    let path = level_path.with_file_name(&name);
    attempt.save(&path)?;
    editor.draft.plan.model_attempt = Some(ModelAttempt::File(name));
    editor.save()?;
    Ok(path)
}
