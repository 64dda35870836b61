//! Level editing without an engine: a draft [`ReferencePlan`] whose shapes (treatment zones,
//! scars, the hairline) are drawn and moved vertex by vertex, checked with the same validation
//! as `smp-trainer levels check`, and saved as RON that reads well by hand. An invalid draft is
//! never written.

use std::path::Path;

use crate::files::{self, FileError};
use crate::geometry::{Point, Polygon, Polyline};
use crate::levels::{Level, LevelError, SHIPPED};
use crate::needle::{Needle, NeedleGroup, Shade};
use crate::plan::{
    Density, Difficulty, Hairline, ReferencePlan, SessionPlan, SurfaceKind, Thresholds, Weights,
    Zone,
};
use crate::skin::{DepthWindow, Fitzpatrick, HairRegion, ScarRegion, SkinProfile, SkinType};

/// A shape of the draft.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShapeRef {
    /// A treatment zone (index into the plan's zones).
    Zone(usize),
    /// A scar (index into the skin's scars).
    Scar(usize),
    /// The hairline.
    Hairline,
    /// A patch of existing hair (index into the skin's hair).
    Hair(usize),
}

/// Why a draft was not saved.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The draft is not a valid level; nothing was written.
    #[error("the level is not valid, so it was not saved:\n{}", .0.join("\n"))]
    Invalid(Vec<String>),
    /// Writing failed.
    #[error(transparent)]
    File(#[from] FileError),
}

/// Why the draft's skin was not changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurfaceChangeError {
    /// Shapes are drawn in the old skin's millimetres and would land elsewhere on the new one.
    #[error(
        "remove the shapes first: they are drawn on the current skin and would not fit another"
    )]
    HasShapes,
    /// No shipped head has this name.
    #[error("no head is called {0:?}")]
    UnknownHead(String),
}

/// A level being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelDraft {
    /// The plan as it stands.
    pub plan: ReferencePlan,
}

/// Density of a new zone, dots per cm².
pub const NEW_ZONE_DENSITY: f64 = 60.0;

/// Follicles per cm² in a new patch of existing hair: a Norwood client's remaining fringe.
pub const NEW_HAIR_DENSITY: f64 = 110.0;

/// A blank flat practice skin's size, mm.
pub const BLANK_CANVAS_MM: (f64, f64) = (120.0, 80.0);

impl LevelDraft {
    /// A blank 120 × 80 mm canvas: no shapes, one session with a 1RL needle, medium shade,
    /// Fitzpatrick III skin.
    pub fn blank() -> Self {
        LevelDraft {
            plan: ReferencePlan {
                id: "my-level".into(),
                title: "My level".into(),
                brief: "Describe what the trainee must do.".into(),
                difficulty: Difficulty::Beginner,
                surface: SurfaceKind::Flat,
                canvas_mm: BLANK_CANVAS_MM,
                skin: SkinProfile {
                    epidermis_mm: 0.08,
                    dermis_mm: 1.3,
                    fitzpatrick: Fitzpatrick::III,
                    skin_type: SkinType::Normal,
                    sun_exposure: 0.3,
                    scars: Vec::new(),
                    hair: Vec::new(),
                },
                zones: Vec::new(),
                hairline: None,
                min_spacing_mm: 0.5,
                depth_window: DepthWindow {
                    min_mm: 0.2,
                    max_mm: 0.5,
                },
                sessions: vec![SessionPlan {
                    needle: Needle {
                        group: NeedleGroup::OneRl,
                        diameter_mm: 0.25,
                        protrusion_mm: 1.5,
                    },
                    shade: Shade::Medium,
                    density_fraction: 1.0,
                }],
                min_gap_days: 10.0,
                max_gap_days: 28.0,
                weights: Weights::default(),
                pass_mark: 70.0,
                thresholds: Thresholds::default(),
                model_attempt: None,
                design: None,
                resolved_surface: Default::default(),
            },
        }
    }

    /// A draft copy of `level`. A shipped level's id gets `-copy` so that the copy does not
    /// hide behind the original.
    pub fn from_level(level: &Level) -> Self {
        let mut plan = level.plan.clone();
        if is_shipped_id(&plan.id) {
            plan.id = format!("{}-copy", plan.id);
            plan.title = format!("{} (copy)", plan.title);
            // A shipped level's model is a synthetic expert; it stays valid for the copy.
        }
        if matches!(plan.model_attempt, Some(crate::plan::ModelAttempt::File(_))) {
            // The file is relative to the original level; the copy may be saved elsewhere.
            plan.model_attempt = None;
        }
        LevelDraft { plan }
    }

    /// The vertices of a shape.
    pub fn vertices(&self, shape: ShapeRef) -> Option<&[Point]> {
        match shape {
            ShapeRef::Zone(i) => self.plan.zones.get(i).map(|z| &z.outline.vertices[..]),
            ShapeRef::Scar(i) => self.plan.skin.scars.get(i).map(|s| &s.outline.vertices[..]),
            ShapeRef::Hairline => self.plan.hairline.as_ref().map(|h| &h.line.vertices[..]),
            ShapeRef::Hair(i) => self.plan.skin.hair.get(i).map(|h| &h.outline.vertices[..]),
        }
    }

    fn vertices_mut(&mut self, shape: ShapeRef) -> Option<&mut Vec<Point>> {
        match shape {
            ShapeRef::Zone(i) => self.plan.zones.get_mut(i).map(|z| &mut z.outline.vertices),
            ShapeRef::Scar(i) => self
                .plan
                .skin
                .scars
                .get_mut(i)
                .map(|s| &mut s.outline.vertices),
            ShapeRef::Hairline => self.plan.hairline.as_mut().map(|h| &mut h.line.vertices),
            ShapeRef::Hair(i) => self
                .plan
                .skin
                .hair
                .get_mut(i)
                .map(|h| &mut h.outline.vertices),
        }
    }

    /// Every shape, zones first, then scars, existing hair, and the hairline.
    pub fn shapes(&self) -> Vec<ShapeRef> {
        (0..self.plan.zones.len())
            .map(ShapeRef::Zone)
            .chain((0..self.plan.skin.scars.len()).map(ShapeRef::Scar))
            .chain((0..self.plan.skin.hair.len()).map(ShapeRef::Hair))
            .chain(self.plan.hairline.iter().map(|_| ShapeRef::Hairline))
            .collect()
    }

    /// Puts the draft on another skin: a flat practice skin ([`BLANK_CANVAS_MM`]) or a shipped
    /// head, whose scalp map then is the canvas. Only a draft without shapes changes skin.
    pub fn set_surface(&mut self, surface: SurfaceKind) -> Result<(), SurfaceChangeError> {
        if surface == self.plan.surface {
            return Ok(());
        }
        if !self.shapes().is_empty() {
            return Err(SurfaceChangeError::HasShapes);
        }
        let canvas_mm = match &surface {
            SurfaceKind::Flat => BLANK_CANVAS_MM,
            SurfaceKind::Head(name) => crate::plan::head_named(name)
                .map_err(|_| SurfaceChangeError::UnknownHead(name.clone()))?
                .map_size_mm(),
        };
        self.plan.surface = surface;
        self.plan.canvas_mm = canvas_mm;
        Ok(())
    }

    /// `p` kept on the canvas and rounded to 0.1 mm (finer than a hand places a vertex, and
    /// the file stays readable).
    fn clamp(&self, p: Point) -> Point {
        let (w, h) = self.plan.canvas_mm;
        let r = |v: f64, hi: f64| ((v * 10.0).round() / 10.0).clamp(0.0, hi);
        Point::new(r(p.x_mm, w), r(p.y_mm, h))
    }

    /// Adds a treatment zone with this outline (at [`NEW_ZONE_DENSITY`]).
    pub fn add_zone(&mut self, outline: Vec<Point>) -> ShapeRef {
        let outline = outline.into_iter().map(|p| self.clamp(p)).collect();
        self.plan.zones.push(Zone {
            name: format!("zone {}", self.plan.zones.len() + 1),
            outline: Polygon::new(outline),
            density: Density::Uniform(NEW_ZONE_DENSITY),
        });
        ShapeRef::Zone(self.plan.zones.len() - 1)
    }

    /// Adds a scar with this outline (default fading and retention).
    pub fn add_scar(&mut self, outline: Vec<Point>) -> ShapeRef {
        let outline = outline.into_iter().map(|p| self.clamp(p)).collect();
        self.plan.skin.scars.push(ScarRegion {
            outline: Polygon::new(outline),
            fade_factor: 1.8,
            retention: 0.7,
        });
        ShapeRef::Scar(self.plan.skin.scars.len() - 1)
    }

    /// Adds a patch of existing hair with this outline (at [`NEW_HAIR_DENSITY`]).
    pub fn add_hair(&mut self, outline: Vec<Point>) -> ShapeRef {
        let outline = outline.into_iter().map(|p| self.clamp(p)).collect();
        self.plan.skin.hair.push(HairRegion {
            outline: Polygon::new(outline),
            density_per_cm2: NEW_HAIR_DENSITY,
        });
        ShapeRef::Hair(self.plan.skin.hair.len() - 1)
    }

    /// Sets the hairline to this curve (keeping the transition band if there was one; 8 mm
    /// and 30 % ahead of the line otherwise).
    pub fn set_hairline(&mut self, line: Vec<Point>) -> ShapeRef {
        let line = Polyline {
            vertices: line.into_iter().map(|p| self.clamp(p)).collect(),
        };
        match &mut self.plan.hairline {
            Some(h) => h.line = line,
            None => {
                self.plan.hairline = Some(Hairline {
                    line,
                    transition_mm: 8.0,
                    front_fraction: 0.3,
                });
            }
        }
        ShapeRef::Hairline
    }

    /// Removes a shape.
    pub fn remove(&mut self, shape: ShapeRef) {
        match shape {
            ShapeRef::Zone(i) if i < self.plan.zones.len() => {
                self.plan.zones.remove(i);
            }
            ShapeRef::Scar(i) if i < self.plan.skin.scars.len() => {
                self.plan.skin.scars.remove(i);
            }
            ShapeRef::Hairline => self.plan.hairline = None,
            ShapeRef::Hair(i) if i < self.plan.skin.hair.len() => {
                self.plan.skin.hair.remove(i);
            }
            _ => {}
        }
    }

    /// The vertex nearest to `at` within `radius_mm`, over every shape.
    pub fn vertex_near(&self, at: Point, radius_mm: f64) -> Option<(ShapeRef, usize)> {
        self.shapes()
            .into_iter()
            .flat_map(|s| {
                self.vertices(s)
                    .unwrap_or(&[])
                    .iter()
                    .enumerate()
                    .map(move |(i, p)| (s, i, (p.x_mm - at.x_mm).hypot(p.y_mm - at.y_mm)))
                    .collect::<Vec<_>>()
            })
            .filter(|(_, _, d)| *d <= radius_mm)
            .min_by(|a, b| a.2.total_cmp(&b.2))
            .map(|(s, i, _)| (s, i))
    }

    /// The shape under `at`: a zone or scar containing it, or the hairline within `radius_mm`.
    pub fn shape_at(&self, at: Point, radius_mm: f64) -> Option<ShapeRef> {
        if let Some(h) = &self.plan.hairline
            && h.line.vertices.len() >= 2
            && h.line.distance(at) <= radius_mm
        {
            return Some(ShapeRef::Hairline);
        }
        let scar = self
            .plan
            .skin
            .scars
            .iter()
            .rposition(|s| s.outline.vertices.len() >= 3 && s.outline.contains(at));
        if let Some(i) = scar {
            return Some(ShapeRef::Scar(i));
        }
        let hair = self
            .plan
            .skin
            .hair
            .iter()
            .rposition(|h| h.outline.vertices.len() >= 3 && h.outline.contains(at));
        if let Some(i) = hair {
            return Some(ShapeRef::Hair(i));
        }
        self.plan
            .zones
            .iter()
            .rposition(|z| z.outline.vertices.len() >= 3 && z.outline.contains(at))
            .map(ShapeRef::Zone)
    }

    /// Moves a vertex (kept on the canvas).
    pub fn move_vertex(&mut self, shape: ShapeRef, i: usize, to: Point) {
        let to = self.clamp(to);
        if let Some(v) = self.vertices_mut(shape).and_then(|v| v.get_mut(i)) {
            *v = to;
        }
    }

    /// Removes a vertex (a shape left with too few shows up in [`LevelDraft::problems`]).
    pub fn remove_vertex(&mut self, shape: ShapeRef, i: usize) {
        if let Some(v) = self.vertices_mut(shape)
            && i < v.len()
        {
            v.remove(i);
        }
    }

    /// Inserts a vertex after vertex `i` (halfway to the next one).
    pub fn split_edge(&mut self, shape: ShapeRef, i: usize) {
        let closed = shape != ShapeRef::Hairline;
        if let Some(v) = self.vertices_mut(shape)
            && i < v.len()
        {
            let j = if i + 1 < v.len() {
                i + 1
            } else if closed {
                0
            } else {
                return;
            };
            let mid = Point::new((v[i].x_mm + v[j].x_mm) / 2.0, (v[i].y_mm + v[j].y_mm) / 2.0);
            v.insert(i + 1, mid);
        }
    }

    /// The draft as level text: a comment line, then the plan with one shape per line.
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .struct_names(false)
            .separate_tuple_members(false);
        let body = ron::ser::to_string_pretty(&self.plan, config).unwrap_or_default();
        format!(
            "// {} — written by the smp-trainer level editor. Units: mm, days, dots per cm².\n{body}\n",
            self.plan.title.replace(['\n', '\r'], " ")
        )
    }

    /// Everything wrong with the draft, as `levels check` reports it (with line:column in the
    /// text [`LevelDraft::to_ron`] gives), plus a shipped level's id, which would hide it.
    pub fn problems(&self) -> Vec<String> {
        let text = self.to_ron();
        let mut out = match Level::parse(Path::new("level"), &text) {
            Ok(_) => Vec::new(),
            // The editor's user never sees the file: the message alone, which names the shape.
            Err(LevelError::Invalid { problems, .. }) => {
                problems.into_iter().map(|p| p.message).collect()
            }
            Err(e) => vec![e.to_string()],
        };
        if is_shipped_id(&self.plan.id) {
            out.push(format!(
                "id {:?} belongs to a shipped level; choose another",
                self.plan.id
            ));
        }
        out
    }

    /// What a valid draft may still get wrong (the warnings of `levels check`), in words.
    pub fn warnings(&self) -> Vec<String> {
        Level::parse(Path::new("level"), &self.to_ron())
            .map(|l| l.warnings.into_iter().map(|w| w.message).collect())
            .unwrap_or_default()
    }

    /// Saves the draft to `path` (temp file, then rename) when it is valid, and returns the
    /// level as read back from the written text.
    pub fn save(&self, path: &Path) -> Result<Level, EditError> {
        let problems = self.problems();
        if !problems.is_empty() {
            return Err(EditError::Invalid(problems));
        }
        let text = self.to_ron();
        let level =
            Level::parse(path, &text).map_err(|e| EditError::Invalid(vec![e.to_string()]))?;
        files::write_atomically(path, text.as_bytes())?;
        Ok(level)
    }
}

/// Whether a shipped level has this id.
pub fn is_shipped_id(id: &str) -> bool {
    SHIPPED.iter().any(|(name, _)| {
        // Shipped files are named NN-ID.ron.
        name.trim_end_matches(".ron")
            .split_once('-')
            .is_some_and(|(_, shipped)| shipped == id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_draft_needs_a_zone_and_shapes_are_edited_vertex_by_vertex() {
        let mut d = LevelDraft::blank();
        assert!(d.problems().iter().any(|p| p.contains("at least one zone")));
        let z = d.add_zone(vec![
            Point::new(10.04, 10.0),
            Point::new(60.0, 10.0),
            Point::new(60.0, 50.0),
        ]);
        assert!(d.problems().is_empty(), "{:?}", d.problems());
        assert_eq!(
            d.vertices(z).unwrap()[0],
            Point::new(10.0, 10.0),
            "rounded to 0.1 mm"
        );
        d.move_vertex(z, 2, Point::new(500.0, 50.0));
        assert_eq!(
            d.vertices(z).unwrap()[2],
            Point::new(120.0, 50.0),
            "kept on the canvas"
        );
        d.split_edge(z, 0);
        assert_eq!(d.vertices(z).unwrap().len(), 4);
        assert_eq!(d.vertex_near(Point::new(35.1, 10.0), 0.5), Some((z, 1)));
        d.remove_vertex(z, 1);
        d.remove_vertex(z, 1);
        assert!(
            d.problems()
                .iter()
                .any(|p| p.contains("at least 3 vertices"))
        );
        // The text is what `levels check` reads, and an invalid draft is never written.
        let path = std::env::temp_dir().join(format!("smp-editor-{}.ron", std::process::id()));
        assert!(d.save(&path).is_err());
        assert!(!path.exists());
    }

    #[test]
    fn copies_of_shipped_levels_get_their_own_id() {
        let level = Level::find("soft-hairline", None).unwrap();
        let d = LevelDraft::from_level(&level);
        assert_eq!(d.plan.id, "soft-hairline-copy");
        assert!(is_shipped_id("soft-hairline") && !is_shipped_id("soft-hairline-copy"));
        assert!(d.problems().is_empty());
        let back = Level::parse(Path::new("copy.ron"), &d.to_ron()).unwrap();
        assert_eq!(back.plan, d.plan);
    }

    #[test]
    fn a_blank_draft_moves_onto_a_head_and_saves_a_head_level_with_existing_hair() {
        let mut d = LevelDraft::blank();
        assert_eq!(
            d.set_surface(SurfaceKind::Head("no-such-head".into())),
            Err(SurfaceChangeError::UnknownHead("no-such-head".into()))
        );
        d.set_surface(SurfaceKind::Head("adult-male".into()))
            .unwrap();
        let head = crate::plan::head_named("adult-male").unwrap();
        assert_eq!(
            d.plan.canvas_mm,
            head.map_size_mm(),
            "the scalp map is the canvas"
        );
        // The vertex is the map's centre; +y runs toward the back.
        let (cx, cy) = (d.plan.canvas_mm.0 / 2.0, d.plan.canvas_mm.1 / 2.0);
        let at = |dx: f64, dy: f64| Point::new(cx + dx, cy + dy);
        let zone = d.add_zone(vec![
            at(-40.0, -50.0),
            at(40.0, -50.0),
            at(40.0, 30.0),
            at(-40.0, 30.0),
        ]);
        let hair = d.add_hair(vec![
            at(-40.0, 40.0),
            at(40.0, 40.0),
            at(40.0, 90.0),
            at(-40.0, 90.0),
        ]);
        d.set_hairline(vec![at(-40.0, -52.0), at(0.0, -56.0), at(40.0, -52.0)]);
        assert_eq!(hair, ShapeRef::Hair(0));
        assert_eq!(d.shape_at(at(0.0, 60.0), 1.0), Some(hair));
        assert_eq!(d.shape_at(at(0.0, 0.0), 1.0), Some(zone));
        assert_eq!(
            d.set_surface(SurfaceKind::Flat),
            Err(SurfaceChangeError::HasShapes),
            "shapes drawn on the head stay on it"
        );
        assert!(d.problems().is_empty(), "{:?}", d.problems());
        let back = Level::parse(Path::new("head.ron"), &d.to_ron()).unwrap();
        assert_eq!(back.plan.surface, SurfaceKind::Head("adult-male".into()));
        assert_eq!(back.plan.skin.hair.len(), 1);
        assert_eq!(back.plan.skin.hair[0].density_per_cm2, NEW_HAIR_DENSITY);
        d.remove(hair);
        assert!(d.plan.skin.hair.is_empty());
    }
}
