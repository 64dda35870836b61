//! Attempt files: everything needed to replay and rescore a trainee's work, and the score as it
//! was computed when saved.

use std::borrow::Cow;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::design::DesignDrawing;
use crate::files::{self, FileError, FileKind, locate_field};
use crate::limits::{MAX_SAMPLES, MAX_TEXT};
use crate::needle::{Needle, Shade};
use crate::notes::ReviewNotes;
use crate::pen::{PenSample, PressureCurve};
use crate::sample_block;

/// The attempt format this build writes for a flat skin: 2, samples as a compact block
/// ([`sample_block`]). Format 1 (samples as a list of tuples) is still read, bit for bit.
pub const FORMAT_VERSION: u32 = 2;

/// The format written when samples carry the needle's axis (a head): 3, format 2 with the
/// axis after each sample's contact.
pub const HEAD_FORMAT_VERSION: u32 = 3;

/// The format written when the attempt holds a hairline design: 4, format 3 with a `design`
/// field. The newest format this build reads.
pub const DESIGN_FORMAT_VERSION: u32 = 4;

/// What made the samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToolKind {
    /// A pen tablet.
    Pen,
    /// A mouse with emulated pressure.
    Mouse,
    /// A synthetic trainee (`simulate`).
    Synthetic,
}

impl ToolKind {
    /// Lower-case name: `pen`, `mouse`, `synthetic`.
    pub fn name(self) -> &'static str {
        match self {
            ToolKind::Pen => "pen",
            ToolKind::Mouse => "mouse",
            ToolKind::Synthetic => "synthetic",
        }
    }

    /// What the file says made its samples, in words, with synthetic attempts flagged (the
    /// file's own claim: see "what verified means" in `docs/formats.md`).
    pub fn describe(self) -> &'static str {
        match self {
            ToolKind::Pen => "pen",
            ToolKind::Mouse => "mouse (pressure from the keyboard, no tilt)",
            ToolKind::Synthetic => "SYNTHETIC: made by the simulator, not by a trainee's hand",
        }
    }
}

/// The input device of an attempt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Kind of tool.
    pub tool: ToolKind,
    /// Distinct pressure levels the device reports (e.g. 8192); 0 when unknown.
    pub pressure_levels: u32,
    /// Device name as reported.
    #[serde(default)]
    pub name: String,
    /// Hardware id of the tool, when the device reports one.
    #[serde(default)]
    pub hardware_id: Option<String>,
}

/// One session as the trainee did it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Days of healing since the previous session (0 for the first).
    pub days_since_previous: f64,
    /// Needle used.
    pub needle: Needle,
    /// Pigment used.
    pub shade: Shade,
    /// Every raw pen sample, in the order received.
    pub samples: Vec<PenSample>,
}

/// One criterion's score as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredCriterion {
    /// Criterion name.
    pub name: String,
    /// Score, 0–100.
    pub score: f64,
}

/// The score as computed when the attempt was saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoredScore {
    /// Weighted total, 0–100.
    pub total: f64,
    /// Whether the total reached the level's pass mark.
    pub passed: bool,
    /// Each criterion, in any order.
    pub criteria: Vec<StoredCriterion>,
    /// The version of the scoring rules that computed it (1 when the file does not say: files
    /// written before versions were recorded).
    #[serde(default = "first_scoring_version")]
    pub scoring_version: u32,
}

/// The scoring version of stored scores written before versions were recorded.
fn first_scoring_version() -> u32 {
    1
}

/// A trainee's attempt at a level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// Format version ([`FORMAT_VERSION`]).
    pub format_version: u32,
    /// Level id.
    pub level_id: String,
    /// `sha256:` and the hex SHA-256 of the level file's bytes when the attempt was made.
    pub level_hash: String,
    /// Version of the program that wrote the file.
    pub app_version: String,
    /// Trainee's name.
    pub trainee: String,
    /// Date of the attempt, `YYYY-MM-DD`.
    pub date: String,
    /// Input device.
    pub device: Device,
    /// Pressure curve in force during the attempt.
    pub pressure_curve: PressureCurve,
    /// Seed of every random stream in the simulation.
    pub seed: u64,
    /// The sessions done, in order.
    pub sessions: Vec<SessionRecord>,
    /// The hairline the trainee designed before tattooing, on a level with a design step
    /// (format [`DESIGN_FORMAT_VERSION`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<DesignDrawing>,
    /// Score as computed when saved.
    #[serde(default)]
    pub score: Option<StoredScore>,
    /// An instructor's comments and override grade, kept apart from the trainee's work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewNotes>,
}

impl Attempt {
    /// Parses and checks attempt text. `path` is only used in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Attempt, FileError> {
        let form: FileForm<SamplesText<'_>> = files::parse_ron(path, text)?;
        let attempt = form.into_attempt(path, text)?;
        if let Some((field, message)) = attempt.problem() {
            return Err(FileError::Invalid {
                path: path.into(),
                location: locate_field(text, field),
                message,
            });
        }
        Ok(attempt)
    }

    /// Reads an attempt file, refusing files over [`FileKind::Attempt`]'s limit.
    pub fn load(path: &Path) -> Result<Attempt, FileError> {
        let text = files::read_bounded(path, FileKind::Attempt)?;
        Self::parse(path, &text)
    }

    /// The first thing wrong with the attempt (the field and what), if anything. Sample values
    /// are not judged here: replay sanitizes them.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        if !(1..=DESIGN_FORMAT_VERSION).contains(&self.format_version) {
            return Some((
                "format_version",
                format!(
                    "format version {} is not supported (this build reads 1 to {DESIGN_FORMAT_VERSION})",
                    self.format_version
                ),
            ));
        }
        if let Some(design) = &self.design {
            if self.format_version < DESIGN_FORMAT_VERSION {
                return Some((
                    "design",
                    format!("a hairline design needs format_version: {DESIGN_FORMAT_VERSION}"),
                ));
            }
            if let Some(p) = design.problem(crate::limits::MAX_DESIGN_MM) {
                return Some(("design", p));
            }
        }
        if !crate::plan::is_valid_level_id(&self.level_id) {
            return Some((
                "level_id",
                "level id must be 1–64 lower-case letters, digits or dashes, starting with a letter or digit".into(),
            ));
        }
        for (field, text) in [
            ("trainee", &self.trainee),
            ("app_version", &self.app_version),
            ("name", &self.device.name),
        ] {
            if text.chars().count() > MAX_TEXT || crate::text::has_control(text, false) {
                return Some((
                    field,
                    format!(
                        "{field} must be at most {MAX_TEXT} characters without control characters"
                    ),
                ));
            }
        }
        if !crate::text::valid_date(&self.date) {
            return Some(("date", format!("date {:?} is not YYYY-MM-DD", self.date)));
        }
        if let Some(p) = self.pressure_curve.problem() {
            return Some(("pressure_curve", p));
        }
        if self.sessions.is_empty() || self.sessions.len() > 4 {
            return Some((
                "sessions",
                format!(
                    "an attempt has 1 to 4 sessions, this one has {}",
                    self.sessions.len()
                ),
            ));
        }
        for (i, s) in self.sessions.iter().enumerate() {
            if !(0.0..=3650.0).contains(&s.days_since_previous) {
                return Some((
                    "days_since_previous",
                    format!(
                        "session {}: days_since_previous {} is outside 0–3650",
                        i + 1,
                        s.days_since_previous
                    ),
                ));
            }
            if let Some(p) = s.needle.problem() {
                return Some(("needle", format!("session {}: {p}", i + 1)));
            }
        }
        let samples: usize = self.sessions.iter().map(|s| s.samples.len()).sum();
        if samples > MAX_SAMPLES {
            return Some((
                "samples",
                format!("{samples} pen samples is more than the {MAX_SAMPLES} limit"),
            ));
        }
        if let Some(s) = &self.score
            && (s.criteria.len() > 16 || !(0.0..=100.0).contains(&s.total))
        {
            return Some(("score", "stored score is malformed".into()));
        }
        if let Some(p) = self.review.as_ref().and_then(|r| r.problem()) {
            return Some(("review", p));
        }
        None
    }

    /// The format [`Attempt::to_ron`] writes: [`DESIGN_FORMAT_VERSION`] with a hairline design,
    /// [`HEAD_FORMAT_VERSION`] when any sample carries the needle's axis (a head), else
    /// [`FORMAT_VERSION`].
    pub fn written_format(&self) -> u32 {
        if self.design.is_some() {
            return DESIGN_FORMAT_VERSION;
        }
        let on_head = self
            .sessions
            .iter()
            .any(|s| s.samples.iter().any(|x| x.axis.is_some()));
        if on_head {
            HEAD_FORMAT_VERSION
        } else {
            FORMAT_VERSION
        }
    }

    /// The attempt as text in the current format ([`Attempt::written_format`]): RON, with each
    /// session's samples as a block, one sample per line, numbers in their shortest exact form.
    pub fn to_ron(&self) -> String {
        let form = FileForm {
            format_version: self.written_format(),
            level_id: self.level_id.clone(),
            level_hash: self.level_hash.clone(),
            app_version: self.app_version.clone(),
            trainee: self.trainee.clone(),
            date: self.date.clone(),
            device: self.device.clone(),
            pressure_curve: self.pressure_curve.clone(),
            seed: self.seed,
            sessions: self
                .sessions
                .iter()
                .map(|s| FileSession {
                    days_since_previous: s.days_since_previous,
                    needle: s.needle,
                    shade: s.shade,
                    samples: BLOCK_MARKER,
                })
                .collect(),
            design: self.design.clone(),
            score: self.score.clone(),
            review: self.review.clone(),
        };
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(4)
            .struct_names(false);
        // Serializing plain data to a String cannot fail.
        let text = ron::ser::to_string_pretty(&form, config).unwrap_or_default();
        // The marker holds a control character, which every other string is refused, so each
        // written marker is a session's samples field, in session order.
        let marker = ron::ser::to_string(BLOCK_MARKER).unwrap_or_default();
        let bytes: usize = self.sessions.iter().map(|s| s.samples.len() * 48).sum();
        let mut out = String::with_capacity(text.len() + bytes);
        let mut pieces = text.split(marker.as_str());
        out.push_str(pieces.next().unwrap_or_default());
        for (session, piece) in self.sessions.iter().zip(pieces) {
            // The closing quote goes on a line of its own, indented like the field.
            let line = &out[out.rfind('\n').map_or(0, |i| i + 1)..];
            let indent = line.len() - line.trim_start().len();
            out.push_str("\"\n");
            sample_block::write(&session.samples, &mut out);
            out.extend(std::iter::repeat_n(' ', indent));
            out.push('"');
            out.push_str(piece);
        }
        out
    }

    /// Writes the attempt safely (temp file, then rename). An attempt too large for the reader
    /// to accept back is refused here, before anything is written.
    pub fn save(&self, path: &Path) -> Result<(), FileError> {
        let text = self.to_ron();
        let limit = FileKind::Attempt.limit_bytes();
        if text.len() as u64 > limit {
            return Err(FileError::TooLarge {
                path: path.to_path_buf(),
                size: text.len() as u64,
                limit,
                what: FileKind::Attempt.name(),
            });
        }
        files::write_atomically(path, text.as_bytes())
    }

    /// Total pen samples over all sessions.
    pub fn sample_count(&self) -> usize {
        self.sessions.iter().map(|s| s.samples.len()).sum()
    }
}

/// Written in place of each session's samples, then replaced by the block.
const BLOCK_MARKER: &str = "\u{1}samples";

/// An attempt as the file holds it, with `S` for each session's samples: the text as read
/// ([`SamplesText`]) or the marker when writing.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileForm<S> {
    format_version: u32,
    level_id: String,
    level_hash: String,
    app_version: String,
    trainee: String,
    date: String,
    device: Device,
    pressure_curve: PressureCurve,
    seed: u64,
    sessions: Vec<FileSession<S>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    design: Option<DesignDrawing>,
    #[serde(default)]
    score: Option<StoredScore>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    review: Option<ReviewNotes>,
}

#[derive(Serialize, Deserialize)]
struct FileSession<S> {
    days_since_previous: f64,
    needle: Needle,
    shade: Shade,
    samples: S,
}

/// A session's samples as written: a list of tuples (format 1) or a block (format 2), borrowed
/// from the file's text where it has no escapes.
enum SamplesText<'a> {
    List(Vec<PenSample>),
    Block(Cow<'a, str>),
}

impl<'de> Deserialize<'de> for SamplesText<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Either;
        impl<'de> serde::de::Visitor<'de> for Either {
            type Value = SamplesText<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a block of samples (a string) or a list of sample tuples")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                // Each element read exactly as `Vec<PenSample>` reads it: format 1 stays bit-identical.
                let mut out = Vec::new();
                while let Some(s) = seq.next_element::<PenSample>()? {
                    out.push(s);
                }
                Ok(SamplesText::List(out))
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(SamplesText::Block(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(SamplesText::Block(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(SamplesText::Block(Cow::Owned(v)))
            }
        }
        d.deserialize_any(Either)
    }
}

impl FileForm<SamplesText<'_>> {
    /// The attempt, each block read; errors located in `text`.
    fn into_attempt(self, path: &Path, text: &str) -> Result<Attempt, FileError> {
        let mut sessions = Vec::with_capacity(self.sessions.len());
        let mut total = 0usize;
        for (k, s) in self.sessions.into_iter().enumerate() {
            let samples = match s.samples {
                SamplesText::List(list) => {
                    if self.format_version < HEAD_FORMAT_VERSION
                        && list.iter().any(|s| s.axis.is_some())
                    {
                        return Err(FileError::Invalid {
                            path: path.into(),
                            location: locate_field(text, "samples"),
                            message: format!(
                                "session {}: a sample with the needle's axis (10 numbers) needs format_version: 3",
                                k + 1
                            ),
                        });
                    }
                    list
                }
                SamplesText::Block(block) => {
                    let at = block_location(text, &block);
                    let invalid = |location: files::Location, message: String| FileError::Invalid {
                        path: path.into(),
                        location,
                        message,
                    };
                    if self.format_version < 2 {
                        return Err(invalid(
                            at.unwrap_or_else(|| locate_field(text, "samples")),
                            "a block of samples needs format_version: 2 (format 1 holds a list of tuples)".into(),
                        ));
                    }
                    let limit = MAX_SAMPLES.saturating_sub(total);
                    let axis = if self.format_version >= HEAD_FORMAT_VERSION {
                        sample_block::Axis::Allowed
                    } else {
                        sample_block::Axis::Refused
                    };
                    sample_block::read_with(&block, limit, axis).map_err(|e| match at {
                        Some(start) => invalid(
                            files::Location {
                                line: start.line + e.line - 1,
                                column: if e.line == 1 {
                                    start.column + e.column - 1
                                } else {
                                    e.column
                                },
                            },
                            e.message,
                        ),
                        // An escaped block: say where in it.
                        None => invalid(
                            locate_field(text, "samples"),
                            format!(
                                "session {}, line {} of its samples, column {}: {}",
                                k + 1,
                                e.line,
                                e.column,
                                e.message
                            ),
                        ),
                    })?
                }
            };
            total += samples.len();
            sessions.push(SessionRecord {
                days_since_previous: s.days_since_previous,
                needle: s.needle,
                shade: s.shade,
                samples,
            });
        }
        Ok(Attempt {
            format_version: self.format_version,
            level_id: self.level_id,
            level_hash: self.level_hash,
            app_version: self.app_version,
            trainee: self.trainee,
            date: self.date,
            device: self.device,
            pressure_curve: self.pressure_curve,
            seed: self.seed,
            sessions,
            design: self.design,
            score: self.score,
            review: self.review,
        })
    }
}

/// Where a block borrowed from `text` starts (just after its opening quote), or `None` when it
/// is not a slice of `text` (it had escapes).
fn block_location(text: &str, b: &str) -> Option<files::Location> {
    let offset = (b.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (offset + b.len() <= text.len()).then(|| files::location_at(text, offset))
}

#[cfg(test)]
mod tests {
    use crate::levels::Level;
    use crate::persona::Persona;
    use crate::simulate::simulate;

    #[test]
    fn attempts_round_trip_and_rules_name_their_field() {
        let level = Level::find("depth-drill", None).unwrap();
        let mut a = simulate(&level, Persona::Expert, 1, "Ana", "2026-11-21");
        a.sessions[0].samples.truncate(9);
        let back = super::Attempt::parse("a.ron".as_ref(), &a.to_ron()).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.sample_count(), 9);
        let mut bad = a.clone();
        bad.trainee = "Ana\u{1b}[2J".into();
        assert_eq!(bad.problem().unwrap().0, "trainee");
        let mut bad = a.clone();
        bad.sessions.clear();
        assert_eq!(bad.problem().unwrap().0, "sessions");
        let mut bad = a;
        bad.sessions[0].days_since_previous = -1.0;
        assert_eq!(bad.problem().unwrap().0, "days_since_previous");
    }
}
