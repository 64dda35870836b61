//! An instructor's notes on an attempt: comments pinned to the attempt, a moment or a place,
//! and an override grade with its reason. They live in their own `review` section of the
//! attempt file, apart from the trainee's work: saving them rewrites only that section, so
//! removing every note gives back the file byte for byte.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::files::{self, FileError, FileKind};
use crate::geometry::Point;
use crate::limits::{MAX_AUTHOR_CHARS, MAX_COMMENTS, MAX_NOTE_CHARS};
use crate::text::valid_date;

/// What an instructor added to an attempt. Stored in the attempt file's `review` section;
/// the trainee's samples and the stored score are never touched by it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewNotes {
    /// Comments, in the order written.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// A grade that replaces the computed one, with the reason.
    #[serde(default)]
    pub override_grade: Option<OverrideGrade>,
}

/// One comment of an instructor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Comment {
    /// Who wrote it.
    pub author: String,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// What it is about.
    pub pin: Pin,
    /// The comment.
    pub text: String,
    /// The instructor's signature over the attempt and this comment (see
    /// [`crate::signing`]); `None` when unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

/// An Ed25519 signature by an instructor's key, as written in attempt files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The signer's public key: `ed25519:` and 64 hex digits.
    pub key: String,
    /// The signature: 128 hex digits.
    pub sig: String,
}

impl Signature {
    /// Whether both fields have the right form (not whether the signature holds).
    pub fn well_formed(&self) -> bool {
        let hex = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_hexdigit());
        self.key
            .strip_prefix("ed25519:")
            .is_some_and(|k| hex(k, 64))
            && hex(&self.sig, 128)
    }
}

/// What a comment is pinned to.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Pin {
    /// The attempt as a whole.
    Attempt,
    /// A place on the scalp, mm from the canvas' top-left corner.
    Place(Point),
    /// A moment of the attempt.
    Moment {
        /// Session, counted from 0.
        session: usize,
        /// Seconds into the session.
        t_s: f64,
    },
}

impl Pin {
    /// Plain words for where the comment is pinned (sessions counted from 1).
    pub fn describe(&self) -> String {
        match self {
            Pin::Attempt => "the whole attempt".into(),
            Pin::Place(p) => format!("at ({:.1}, {:.1}) mm", p.x_mm, p.y_mm),
            Pin::Moment { session, t_s } => {
                format!("session {}, {}", session + 1, clock(*t_s))
            }
        }
    }
}

/// `m:ss.s` for a number of seconds.
pub fn clock(t_s: f64) -> String {
    let t = t_s.max(0.0);
    format!("{}:{:04.1}", (t / 60.0).floor() as u64, t % 60.0)
}

/// An instructor's grade that stands instead of the computed one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverrideGrade {
    /// The grade, 0–100.
    pub total: f64,
    /// Whether the attempt passes.
    pub passed: bool,
    /// Why the computed grade does not stand (required).
    pub reason: String,
    /// Who overrode it.
    pub instructor: String,
    /// When, `YYYY-MM-DD`.
    pub date: String,
    /// The instructor's signature over the attempt and this grade (see [`crate::signing`]);
    /// `None` when unsigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
}

impl OverrideGrade {
    /// One line for tables: `72 passed (J. Doe: reason)`.
    pub fn label(&self) -> String {
        format!(
            "{:.0} {} ({}: {})",
            self.total,
            if self.passed { "passed" } else { "failed" },
            self.instructor,
            self.reason
        )
    }
}

fn text_problem(what: &str, text: &str, max: usize, multiline: bool) -> Option<String> {
    if text.chars().count() > max {
        return Some(format!("{what} is longer than {max} characters"));
    }
    // Line breaks are fine in a comment; other control characters are not.
    if crate::text::has_control(text, multiline) {
        return Some(format!("{what} contains control characters"));
    }
    None
}

impl ReviewNotes {
    /// Whether there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.override_grade.is_none()
    }

    /// The first thing wrong with the notes, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.comments.len() > MAX_COMMENTS {
            return Some(format!(
                "{} comments is more than the {MAX_COMMENTS} limit",
                self.comments.len()
            ));
        }
        for (i, c) in self.comments.iter().enumerate() {
            let n = i + 1;
            if c.text.trim().is_empty() {
                return Some(format!("comment {n} is empty"));
            }
            if let Some(p) = text_problem(&format!("comment {n}"), &c.text, MAX_NOTE_CHARS, true)
                .or_else(|| {
                    text_problem(
                        &format!("comment {n}'s author"),
                        &c.author,
                        MAX_AUTHOR_CHARS,
                        false,
                    )
                })
            {
                return Some(p);
            }
            if !valid_date(&c.date) {
                return Some(format!("comment {n}: date {:?} is not YYYY-MM-DD", c.date));
            }
            if c.signature.as_ref().is_some_and(|s| !s.well_formed()) {
                return Some(format!("comment {n}: the signature is malformed"));
            }
            match c.pin {
                Pin::Place(p) if !(p.x_mm.is_finite() && p.y_mm.is_finite()) => {
                    return Some(format!(
                        "comment {n} is pinned to a place that is not a number"
                    ));
                }
                Pin::Moment { session, t_s } if session > 3 || !(t_s.is_finite() && t_s >= 0.0) => {
                    return Some(format!(
                        "comment {n} is pinned to a moment that does not exist"
                    ));
                }
                _ => {}
            }
        }
        if let Some(g) = &self.override_grade {
            if !(g.total.is_finite() && (0.0..=100.0).contains(&g.total)) {
                return Some(format!("override grade {} is outside 0–100", g.total));
            }
            if g.reason.trim().is_empty() {
                return Some("an override grade needs a reason".into());
            }
            if let Some(p) = text_problem("the override's reason", &g.reason, MAX_NOTE_CHARS, true)
                .or_else(|| {
                    text_problem(
                        "the override's instructor",
                        &g.instructor,
                        MAX_AUTHOR_CHARS,
                        false,
                    )
                })
            {
                return Some(p);
            }
            if !valid_date(&g.date) {
                return Some(format!("override date {:?} is not YYYY-MM-DD", g.date));
            }
            if g.signature.as_ref().is_some_and(|s| !s.well_formed()) {
                return Some("the override's signature is malformed".into());
            }
        }
        None
    }
}

/// Why notes were not saved. Nothing was written in either case.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    /// The notes break a rule (length, control characters, a missing reason…).
    #[error("the review notes cannot be saved: {0}")]
    Invalid(String),
    /// The attempt file could not be read, is not an attempt, or could not be written.
    #[error(transparent)]
    File(#[from] FileError),
}

/// The `review` section as it is written into an attempt file: one field, four spaces in, with
/// its comma and line break.
pub fn section_text(notes: &ReviewNotes) -> String {
    let config = ron::ser::PrettyConfig::new()
        .depth_limit(3)
        .struct_names(false)
        .indentor("    ".to_string());
    // Plain data always serializes.
    let body = ron::ser::to_string_pretty(&Some(notes), config).unwrap_or_default();
    format!("    review: {},\n", body.replace('\n', "\n    "))
}

/// `text` (an attempt file) with its review section replaced by `notes`, or removed when
/// `notes` is empty. Every other byte is kept: a section added and then removed gives back the
/// original text. `None` when the text is not a RON struct.
pub fn with_section(text: &str, notes: &ReviewNotes) -> Option<String> {
    let mut out = match files::ron_field_span(text, "review") {
        Some(span) => format!("{}{}", &text[..span.start], &text[span.end..]),
        None => text.to_string(),
    };
    if !notes.is_empty() {
        let close = files::ron_struct_close(&out)?;
        // Insert on a line of its own just before the closing parenthesis.
        let at = out[..close].rfind('\n').map_or(close, |n| n + 1);
        let needs_break = !out[..at].ends_with('\n');
        let section = section_text(notes);
        out.insert_str(
            at,
            &if needs_break {
                format!("\n{section}")
            } else {
                section
            },
        );
    }
    Some(out)
}

/// The attempt's content hash: `sha256:` and the hex SHA-256 of the attempt file's text with
/// its review section left out. Signatures cover it, so a note cannot move to another attempt
/// and the trainee's work cannot change under a signed note.
pub fn content_hash(text: &str) -> String {
    let bare = with_section(text, &ReviewNotes::default()).unwrap_or_else(|| text.to_string());
    files::hash_bytes(bare.as_bytes())
}

/// Writes `notes` into the attempt file at `path` safely (temp file, then rename), replacing
/// any notes it had and keeping every other byte. `check` must accept the new text as an
/// attempt before anything is written, so a file that does not read as one is left alone.
pub fn save(
    path: &Path,
    notes: &ReviewNotes,
    check: impl Fn(&str) -> Result<(), FileError>,
) -> Result<(), NotesError> {
    if let Some(message) = notes.problem() {
        return Err(NotesError::Invalid(message));
    }
    let text = files::read_bounded(path, FileKind::Attempt)?;
    check(&text)?;
    let new = with_section(&text, notes).ok_or_else(|| FileError::Invalid {
        path: path.into(),
        location: files::Location { line: 1, column: 1 },
        message: "not an attempt: no top-level ( … ) found".into(),
    })?;
    check(&new)?;
    files::write_atomically(path, new.as_bytes())?;
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn notes() -> ReviewNotes {
        ReviewNotes {
            comments: vec![Comment {
                author: "M. Costa".into(),
                date: "2026-11-21".into(),
                pin: Pin::Place(Point::new(12.5, 3.0)),
                text: "Clumps here.\nLift between impressions.".into(),
                signature: None,
            }],
            override_grade: Some(example_override()),
        }
    }

    /// An override as an instructor writes one (for this module's and the signatures' tests).
    pub(crate) fn example_override() -> OverrideGrade {
        OverrideGrade {
            total: 72.0,
            passed: true,
            reason: "tablet lag".into(),
            instructor: "M. Costa".into(),
            date: "2026-11-21".into(),
            signature: None,
        }
    }

    #[test]
    fn a_section_added_then_removed_gives_back_the_bytes() {
        let original = "(\n    a: 1,\n    b: \"x)\",\n)\n";
        let with = with_section(original, &notes()).unwrap();
        assert!(with.contains("review: Some("), "{with}");
        assert!(with.starts_with("(\n    a: 1,\n    b: \"x)\",\n    review:"));
        assert_eq!(
            with_section(&with, &ReviewNotes::default()).unwrap(),
            original
        );
        // Replacing notes does not pile sections up.
        let again = with_section(&with, &notes()).unwrap();
        assert_eq!(again, with);
    }

    #[test]
    fn rules_are_checked() {
        let mut n = notes();
        assert!(n.problem().is_none());
        n.comments[0].author = "M.\u{1b}[2J".into();
        assert!(n.problem().unwrap().contains("control"));
        let mut n = notes();
        n.override_grade.as_mut().unwrap().reason = " ".into();
        assert!(n.problem().unwrap().contains("reason"));
        let mut n = notes();
        n.comments[0].pin = Pin::Moment {
            session: 9,
            t_s: 1.0,
        };
        assert!(n.problem().is_some());
        assert_eq!(clock(75.25), "1:15.2");
    }
}
