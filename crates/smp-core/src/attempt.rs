//! Attempt files: everything needed to replay and rescore a trainee's work, and the score as it
//! was computed when saved.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::files::{self, FileError, FileKind, locate_field};
use crate::limits::{MAX_SAMPLES, MAX_TEXT};
use crate::needle::{Needle, Shade};
use crate::pen::{PenSample, PressureCurve};

/// The attempt format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

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
    /// Score as computed when saved.
    #[serde(default)]
    pub score: Option<StoredScore>,
    /// An instructor's comments and override grade, kept apart from the trainee's work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<crate::notes::ReviewNotes>,
}

impl Attempt {
    /// Parses and checks attempt text. `path` is only used in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Attempt, FileError> {
        let attempt: Attempt = files::parse_ron(path, text)?;
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
        if self.format_version != FORMAT_VERSION {
            return Some((
                "format_version",
                format!(
                    "format version {} is not supported (this build reads {FORMAT_VERSION})",
                    self.format_version
                ),
            ));
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

    /// The attempt as RON text (samples one per line, so files diff and stream well).
    pub fn to_ron(&self) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(4)
            .struct_names(false);
        // Serializing plain data to a String cannot fail.
        ron::ser::to_string_pretty(self, config).unwrap_or_default()
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
