//! The design step: before tattooing a level with a design step, the trainee draws the hairline
//! on the head like a surgical marker (the pen leaves a line, never an impression), with undo and
//! redo; measures with a flexible tape laid along the skin between two points; reads how high
//! above the glabella the pen is; and can switch on a symmetry guide (the face's midline, and
//! every stroke mirrored across it) and the rule lines the design is judged by. The logic lives
//! in plain methods on [`Marker`]; systems move pen samples and keys. What is drawn on the head
//! is `head_view::marker`; the panel is `screens::design`.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use smp_core::design::{DesignDrawing, DesignFault, DesignMeasures, DesignTargets};
use smp_core::files;
use smp_core::geometry::{Point, Vec3};
use smp_core::limits::MAX_DESIGN_MM;
use smp_core::surface::{Head, Landmark};

use crate::AppSystems;
use crate::autosave::Autosave;
use crate::input::{Modifiers, PenInput, ctrl_chords, ctrl_held};
use crate::notice::Notice;
use crate::screen::Screen;
use crate::session::Practice;

pub(crate) fn plugin(app: &mut App) {
    app.add_message::<FinishDesign>();
    app.init_resource::<LeavingDesign>();
    app.add_systems(OnEnter(Screen::Design), fresh_marker);
    app.add_systems(
        Update,
        (
            mark_with_pen,
            (marker_keys, leave_key).run_if(crate::input::keyboard_free),
            keep_draft,
            finish_design,
        )
            .chain()
            .in_set(AppSystems::Update)
            .run_if(in_state(Screen::Design)),
    );
}

/// What the pen does on the head during the design step.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MarkerTool {
    /// Draws the line.
    #[default]
    Marker,
    /// Lays a tape along the skin from where the pen goes down to where it lifts.
    Tape,
}

/// A tape laid on the skin between two map places.
#[derive(Clone, Debug, PartialEq)]
pub struct Tape {
    /// Where it starts (map mm).
    pub from: Point,
    /// Where it ends (map mm).
    pub to: Point,
    /// Once the pen lifts, the tape pulled tight on the skin: its length, mm, and its path (mm,
    /// head frame). `None` while it is being laid.
    pub pulled: Option<(f64, Vec<Vec3>)>,
}

/// Strokes shorter than this are a slip of the pen, not a line, mm of map.
const MIN_STROKE_MM: f64 = 1.0;
/// A pen moving less than this adds no place to the stroke, mm of map.
const MIN_STEP_MM: f64 = 0.3;

/// The design in progress: the marker's strokes, what was undone, the tape and the guides.
#[derive(Resource, Debug, Default)]
pub struct Marker {
    /// Finished strokes, in the order drawn (map mm).
    pub strokes: Vec<Vec<Point>>,
    /// The stroke being drawn, while the pen is down.
    pub drawing: Option<Vec<Point>>,
    /// Strokes undone, the last undone last (redo takes them back).
    pub undone: Vec<Vec<Point>>,
    /// What the pen does.
    pub tool: MarkerTool,
    /// The tape, once laid.
    pub tape: Option<Tape>,
    /// The symmetry guide: the midline and every stroke mirrored across it.
    pub guide: bool,
    /// The rule lines: the glabella's level, the midline, canthus and mid-pupil verticals.
    pub rules: bool,
    /// Counts every change to the strokes (the draft is written when it moves).
    pub revision: u64,
    /// Drawn by `play --replay` from an attempt file: nobody's design in progress, so no draft
    /// is kept.
    pub replaying: bool,
    /// A pen-down that landed on a panel: its stroke goes to the panel, not the head.
    ignoring_stroke: bool,
}

impl Marker {
    /// Takes one pen sample on `head` (`over_ui`: the pen is over a panel).
    pub fn accept(&mut self, at: Point, contact: bool, over_ui: bool, head: &Head) {
        let starting = contact && self.drawing.is_none() && !self.laying_tape();
        if self.ignoring_stroke || (starting && over_ui) {
            self.ignoring_stroke = contact;
            return;
        }
        match self.tool {
            MarkerTool::Marker => self.mark(at, contact),
            MarkerTool::Tape => self.lay_tape(at, contact, head),
        }
    }

    fn laying_tape(&self) -> bool {
        self.tape.as_ref().is_some_and(|t| t.pulled.is_none())
    }

    fn mark(&mut self, at: Point, contact: bool) {
        match (&mut self.drawing, contact) {
            (None, true) => self.drawing = Some(vec![at]),
            (Some(line), true) => {
                if line.last().is_none_or(|l| l.distance(at) >= MIN_STEP_MM) {
                    line.push(at);
                }
            }
            (Some(_), false) => {
                let mut line = self.drawing.take().unwrap_or_default();
                if line.last().is_some_and(|l| l.distance(at) > 0.0) {
                    line.push(at);
                }
                let length: f64 = line.windows(2).map(|w| w[0].distance(w[1])).sum();
                if length >= MIN_STROKE_MM {
                    self.strokes.push(line);
                    // A new stroke forks the history: what was undone cannot come back.
                    self.undone.clear();
                    self.revision += 1;
                }
            }
            (None, false) => {}
        }
    }

    fn lay_tape(&mut self, at: Point, contact: bool, head: &Head) {
        match (self.laying_tape(), contact) {
            (false, true) => {
                self.tape = Some(Tape {
                    from: at,
                    to: at,
                    pulled: None,
                });
            }
            (true, true) => {
                if let Some(t) = &mut self.tape {
                    t.to = at;
                }
            }
            (true, false) => {
                if let Some(t) = &mut self.tape {
                    t.to = at;
                    let path = head.shortest_path(t.from, t.to).unwrap_or_default();
                    let length = path.windows(2).map(|w| (w[1] - w[0]).length()).sum();
                    t.pulled = Some((length, path));
                }
            }
            (false, false) => {}
        }
    }

    /// Takes back the last stroke (kept for [`Marker::redo`]). Returns whether there was one.
    pub fn undo(&mut self) -> bool {
        match self.strokes.pop() {
            Some(s) => {
                self.undone.push(s);
                self.revision += 1;
                true
            }
            None => false,
        }
    }

    /// Draws the last undone stroke again. Returns whether there was one.
    pub fn redo(&mut self) -> bool {
        match self.undone.pop() {
            Some(s) => {
                self.strokes.push(s);
                self.revision += 1;
                true
            }
            None => false,
        }
    }

    /// Wipes every stroke off (each can be brought back with [`Marker::redo`], last first).
    pub fn clear(&mut self) {
        while self.undo() {}
    }

    /// The design the strokes make, if they make a line.
    pub fn design(&self) -> Option<DesignDrawing> {
        DesignDrawing::from_strokes(self.strokes.clone())
    }

    /// The design and what it measures on `head` with the level's `targets`, or why it cannot
    /// be measured yet.
    pub fn measured(
        &self,
        head: &Head,
        targets: &DesignTargets,
    ) -> Result<(DesignDrawing, DesignMeasures), String> {
        let drawing = self
            .design()
            .ok_or("Draw the hairline from temple to temple with the marker first.")?;
        let measures = smp_core::design::measure(head, &drawing.hairline, targets).map_err(
            |f: DesignFault| {
                let mut s = f.to_string();
                if let Some(first) = s.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                format!("{s}.")
            },
        )?;
        Ok((drawing, measures))
    }
}

/// How far `at` lies above the glabella along the skin, mm (`None` on a head without a face or
/// off the map).
pub fn above_glabella_mm(head: &Head, at: Point) -> Option<f64> {
    head.along_skin_mm(head.landmark(Landmark::Glabella)?, at)
}

/// `at` mirrored across the face's midline (the map's middle column: the shipped heads are
/// symmetric), map mm.
pub fn mirrored(head: &Head, at: Point) -> Point {
    Point::new(head.map_size_mm().0 - at.x_mm, at.y_mm)
}

/// Ends the design step: the design goes into the attempt and the tattooing begins behind it.
#[derive(Message, Clone, Copy, Debug, Default)]
pub struct FinishDesign;

/// Whether the trainee asked to leave a design with strokes in it (then the panel asks before
/// they are lost).
#[derive(Resource, Default, Debug)]
pub struct LeavingDesign(pub bool);

/// The strokes of a design in progress, kept beside the autosave so that a closed window or a
/// crash loses none of them: written at every change, read back when the same trainee designs
/// on the same level file again, and removed when the design is done or knowingly discarded.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesignDraft {
    /// The level file's hash.
    pub level_hash: String,
    /// Whose design it is.
    pub trainee: String,
    /// The strokes, map mm.
    pub strokes: Vec<Vec<Point>>,
}

impl DesignDraft {
    /// Where the draft for the level `level_id` is kept: beside the autosave, one per level (a
    /// level id is letters, digits and dashes, never a path).
    pub fn path(autosave: &Autosave, level_id: &str) -> PathBuf {
        let id = if smp_core::plan::is_valid_level_id(level_id) {
            level_id
        } else {
            "level"
        };
        autosave
            .path
            .with_file_name(format!("design-draft-{id}.ron"))
    }

    /// The draft at `path` if there is one for this level file and trainee (`Ok(None)` without
    /// a draft). A draft that cannot be read, holds places no design may have, or belongs to
    /// another trainee or an earlier version of the level file is an error saying so; it is not
    /// used.
    pub fn read(
        path: &Path,
        level_hash: &str,
        trainee: &str,
    ) -> Result<Option<DesignDraft>, String> {
        if !path.exists() {
            return Ok(None);
        }
        let text =
            files::read_bounded(path, files::FileKind::Autosave).map_err(|e| e.to_string())?;
        let draft: DesignDraft = files::parse_ron(path, &text).map_err(|e| e.to_string())?;
        if draft.level_hash != level_hash {
            return Err(format!(
                "{}: drawn on another version of this level file",
                path.display()
            ));
        }
        if draft.trainee != trainee {
            return Err(format!(
                "{}: drawn by {}",
                path.display(),
                smp_core::text::for_terminal(&draft.trainee)
            ));
        }
        let usable = smp_core::design::stroke_limits(&draft.strokes).is_none()
            && draft
                .strokes
                .iter()
                .flatten()
                .all(|&p| smp_core::design::on_design_map(p, MAX_DESIGN_MM));
        if usable {
            Ok(Some(draft))
        } else {
            Err(format!(
                "{}: more strokes or places than a design may hold, or a place off the map",
                path.display()
            ))
        }
    }

    /// Writes the draft (a temporary file, then renamed over the old one), making its folder
    /// on a first run.
    pub fn write(&self, path: &Path) -> Result<(), files::FileError> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let text = ron::ser::to_string(self).unwrap_or_default();
        files::write_atomically(path, text.as_bytes())
    }
}

/// Removes the design draft of the level `level_id` (the design is done, or discarded by the
/// trainee's choice).
pub fn discard_draft(autosave: &Autosave, level_id: &str) {
    let _ = std::fs::remove_file(DesignDraft::path(autosave, level_id));
}

fn fresh_marker(
    mut commands: Commands,
    mut leaving: ResMut<LeavingDesign>,
    practice: Option<Res<Practice>>,
    autosave: Option<Res<Autosave>>,
    mut notice: ResMut<Notice>,
) {
    let mut marker = Marker::default();
    if let (Some(p), Some(autosave)) = (practice, autosave) {
        let path = DesignDraft::path(&autosave, &p.level.plan.id);
        match DesignDraft::read(&path, &p.level.hash, &p.attempt.trainee) {
            Ok(Some(draft)) => {
                marker.strokes = draft.strokes;
                let n = marker.strokes.len();
                notice.show(format!(
                    "Your design in progress is back: {n} stroke{} (Ctrl+Z takes them back one by one).",
                    if n == 1 { "" } else { "s" }
                ));
            }
            Ok(None) => {}
            Err(why) => {
                // Kept aside, not overwritten: the first stroke would replace it otherwise.
                let aside = path.with_extension("ron.unreadable");
                let kept = std::fs::rename(&path, &aside).is_ok();
                notice.show(format!(
                    "A design in progress is not used ({why}); {}",
                    if kept {
                        format!("it is kept as {}", aside.display())
                    } else {
                        "it is left where it is".to_string()
                    }
                ));
            }
        }
    }
    commands.insert_resource(marker);
    leaving.0 = false;
}

/// Writes the draft whenever the strokes change.
fn keep_draft(
    marker: Option<Res<Marker>>,
    practice: Option<Res<Practice>>,
    autosave: Option<Res<Autosave>>,
    mut written: Local<Option<u64>>,
    mut notice: ResMut<Notice>,
) {
    let (Some(marker), Some(p), Some(autosave)) = (marker, practice, autosave) else {
        return;
    };
    if marker.replaying
        || *written == Some(marker.revision)
        || (written.is_none() && marker.revision == 0)
    {
        return;
    }
    *written = Some(marker.revision);
    let draft = DesignDraft {
        level_hash: p.level.hash.clone(),
        trainee: p.attempt.trainee.clone(),
        strokes: marker.strokes.clone(),
    };
    if let Err(e) = draft.write(&DesignDraft::path(&autosave, &p.level.plan.id)) {
        notice.show(format!("Could not keep the design in progress: {e}"));
    }
}

/// Esc leaves the design step: at once with nothing drawn, else after asking.
fn leave_key(
    keys: Res<ButtonInput<KeyCode>>,
    marker: Option<Res<Marker>>,
    (autosave, practice): (Option<Res<Autosave>>, Option<Res<Practice>>),
    mut leaving: ResMut<LeavingDesign>,
    mut next: ResMut<NextState<Screen>>,
) {
    if !keys.just_pressed(KeyCode::Escape) || leaving.0 {
        return;
    }
    if marker.is_none_or(|m| m.strokes.is_empty() && m.undone.is_empty()) {
        if let (Some(autosave), Some(p)) = (autosave, practice) {
            discard_draft(&autosave, &p.level.plan.id);
        }
        next.set(Screen::Title);
    } else {
        leaving.0 = true;
    }
}

fn mark_with_pen(
    mut reader: MessageReader<PenInput>,
    marker: Option<ResMut<Marker>>,
    practice: Option<Res<Practice>>,
) {
    let (Some(mut marker), Some(head)) = (marker, practice.and_then(|p| p.level.plan.head()))
    else {
        reader.clear();
        return;
    };
    for input in reader.read() {
        marker.accept(input.sample.at, input.sample.contact, input.over_ui, &head);
    }
}

fn marker_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut key_events: MessageReader<bevy::input::keyboard::KeyboardInput>,
    mut modifiers: Local<Modifiers>,
    marker: Option<ResMut<Marker>>,
    mut notice: ResMut<Notice>,
    mut finish: MessageWriter<FinishDesign>,
) {
    let chords = ctrl_chords(&mut key_events, &mut modifiers, &keys);
    let Some(mut marker) = marker else { return };
    for (code, shift) in chords {
        let redo = match code {
            KeyCode::KeyZ => shift,
            KeyCode::KeyY => true,
            _ => continue,
        };
        let done = if redo { marker.redo() } else { marker.undo() };
        if !done {
            notice.show(if redo {
                "Nothing to redo."
            } else {
                "Nothing to undo."
            });
        }
    }
    if ctrl_held(&keys) {
        return;
    }
    if keys.just_pressed(KeyCode::KeyM) {
        marker.tool = MarkerTool::Marker;
    }
    if keys.just_pressed(KeyCode::KeyT) {
        marker.tool = MarkerTool::Tape;
    }
    if keys.just_pressed(KeyCode::KeyG) {
        marker.guide = !marker.guide;
    }
    if keys.just_pressed(KeyCode::KeyR) {
        marker.rules = !marker.rules;
    }
    if keys.just_pressed(KeyCode::Enter) {
        finish.write(FinishDesign);
    }
}

fn finish_design(
    mut requests: MessageReader<FinishDesign>,
    marker: Option<Res<Marker>>,
    autosave: Option<Res<Autosave>>,
    practice: Option<ResMut<Practice>>,
    mut notice: ResMut<Notice>,
    mut next: ResMut<NextState<Screen>>,
) {
    if requests.read().count() == 0 {
        return;
    }
    let (Some(marker), Some(mut practice)) = (marker, practice) else {
        return;
    };
    let Some(head) = practice.level.plan.head() else {
        return;
    };
    match marker.measured(&head, &practice.level.plan.design.unwrap_or_default()) {
        Ok((drawing, _)) => {
            practice.set_design(drawing);
            // From here the attempt's autosave keeps the design.
            if let Some(autosave) = autosave {
                discard_draft(&autosave, &practice.level.plan.id);
            }
            next.set(Screen::Practice);
        }
        Err(why) => notice.show(why),
    }
}
