//! Reading untrusted files with a size bound, writing files safely, and errors that name the
//! file, line and column.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The kinds of file the program reads, each with its size limit: one table for all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A level (reference plan). Hand-written levels are a few KiB.
    Level,
    /// A trainee's attempt. A 100,000-impression full-head attempt is about 25 MiB.
    Attempt,
    /// The autosave of a session in progress (an attempt and a flag).
    Autosave,
    /// Best scores per level, in the data folder.
    Progress,
    /// Fitted pressure curves per tool, in the data folder.
    Calibration,
}

impl FileKind {
    /// Largest file of this kind accepted, bytes.
    pub const fn limit_bytes(self) -> u64 {
        match self {
            FileKind::Level => 4 * 1024 * 1024,
            FileKind::Attempt | FileKind::Autosave => 128 * 1024 * 1024,
            FileKind::Progress | FileKind::Calibration => 1024 * 1024,
        }
    }

    /// The kind's name in messages.
    pub const fn name(self) -> &'static str {
        match self {
            FileKind::Level => "level",
            FileKind::Attempt => "attempt",
            FileKind::Autosave => "autosave",
            FileKind::Progress => "progress",
            FileKind::Calibration => "calibration",
        }
    }
}

/// The per-user data folder (attempts, progress, calibration, autosave): `SMP_TRAINER_DATA` if
/// set, else the platform's data folder (e.g. `~/.local/share/smp-trainer` on Linux).
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SMP_TRAINER_DATA") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "smp-trainer", "smp-trainer")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".smp-trainer"))
}

/// A place in a text file: 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// Line, counted from 1.
    pub line: usize,
    /// Column (characters), counted from 1.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Why a file could not be used. Every variant names the file; parse and validation errors
/// also name the line and column.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is larger than the limit for its kind.
    #[error("{path}: file is {size} bytes, more than the {limit}-byte limit for {what} files")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size, bytes (at least the limit + 1 when the size was unknown).
        size: u64,
        /// The limit, bytes.
        limit: u64,
        /// "level" or "attempt".
        what: &'static str,
    },
    /// The file is not UTF-8 text.
    #[error("{path}:{location}: not UTF-8 text")]
    NotText {
        /// The file.
        path: PathBuf,
        /// Where the first invalid byte is.
        location: Location,
    },
    /// The text does not parse, or a value in it is not acceptable.
    #[error("{path}:{location}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where the problem is.
        location: Location,
        /// What is wrong, in words.
        message: String,
    },
    /// The file could not be written.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// Reads a whole text file of `kind`, refusing anything over its limit before reading it all.
pub fn read_bounded(path: &Path, kind: FileKind) -> Result<String, FileError> {
    let (limit, what) = (kind.limit_bytes(), kind.name());
    let file = std::fs::File::open(path).map_err(|source| FileError::Read {
        path: path.into(),
        source,
    })?;
    if let Ok(meta) = file.metadata()
        && meta.len() > limit
    {
        return Err(FileError::TooLarge {
            path: path.into(),
            size: meta.len(),
            limit,
            what,
        });
    }
    // The metadata can lie (pipes, growing files): read at most limit + 1 bytes regardless.
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| FileError::Read {
            path: path.into(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            path: path.into(),
            size: limit + 1,
            limit,
            what,
        });
    }
    text_from_bytes(path, bytes)
}

/// UTF-8 text from bytes, or an error that says where the first bad byte is.
pub fn text_from_bytes(path: &Path, bytes: Vec<u8>) -> Result<String, FileError> {
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // The prefix is valid UTF-8 by definition.
        let prefix = std::str::from_utf8(good).unwrap_or_default();
        FileError::NotText {
            path: path.into(),
            location: location_at(prefix, prefix.len()),
        }
    })
}

/// The line and column of byte offset `offset` in `text`.
pub fn location_at(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Location { line, column }
}

/// Where `key:` (a RON field name) first appears in `text`, or the start of the file.
/// Used to point validation errors, which serde cannot place, at the field they concern.
pub fn locate_field(text: &str, key: &str) -> Location {
    let mut from = 0;
    while let Some(found) = text[from..].find(key) {
        let start = from + found;
        let before_ok = start == 0
            || !text.as_bytes()[start - 1].is_ascii_alphanumeric()
                && text.as_bytes()[start - 1] != b'_';
        let after = text[start + key.len()..].trim_start();
        if before_ok && after.starts_with(':') {
            return location_at(text, start);
        }
        from = start + key.len();
    }
    Location { line: 1, column: 1 }
}

/// Parses RON text into `T`, turning ron's error into one with the file, line and column.
pub fn parse_ron<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, FileError> {
    ron::Options::default()
        .from_str(text)
        .map_err(|e| FileError::Invalid {
            path: path.into(),
            location: Location {
                line: e.span.start.line,
                column: e.span.start.col,
            },
            message: e.code.to_string(),
        })
}

/// Where a top-level field of a RON struct lies in `text`: from the start of its line to just
/// after its value's trailing comma and line break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    /// Byte offset of the start of the field's line.
    pub start: usize,
    /// Byte offset just past the field (its comma and line break, when present).
    pub end: usize,
}

/// Scans RON text, calling `visit(offset, depth)` at every byte outside strings and comments,
/// with the bracket depth before that byte. Stops early when `visit` returns true; returns the
/// offset it stopped at.
fn scan_ron(text: &str, mut visit: impl FnMut(usize, usize) -> bool) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // RON block comments nest.
                let mut level = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                // A raw string r#"…"#: find the closing quote followed by as many hashes.
                let mut j = i + 1;
                while b.get(j) == Some(&b'#') {
                    j += 1;
                }
                if b.get(j) == Some(&b'"') {
                    let hashes = j - i - 1;
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    let rest = &b[j + 1..];
                    let end = rest
                        .windows(close.len())
                        .position(|w| w == close.as_slice());
                    i = j + 1 + end.map_or(rest.len(), |e| e + close.len());
                    continue;
                }
            }
            _ => {}
        }
        if visit(i, depth) {
            return Some(i);
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The span of the top-level field `name` of the RON struct in `text`, if it has one.
pub fn ron_field_span(text: &str, name: &str) -> Option<FieldSpan> {
    let b = text.as_bytes();
    let key = name.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let start = scan_ron(text, |i, depth| {
        depth == 1
            && b[i..].starts_with(key)
            && (i == 0 || !ident(b[i - 1]))
            && b.get(i + key.len()).is_none_or(|c| !ident(*c))
            && text[i + key.len()..].trim_start().starts_with(':')
    })?;
    // The value ends at the first comma or closing bracket back at depth 1.
    let mut end = None;
    scan_ron(&text[start..], |i, depth| {
        let c = b[start + i];
        if depth == 0 && (c == b',' || c == b')') {
            end = Some(start + i + usize::from(c == b','));
            true
        } else {
            false
        }
    });
    let mut end = end?;
    if text[end..].starts_with('\n') {
        end += 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    Some(FieldSpan {
        start: line_start,
        end,
    })
}

/// The offset of the closing parenthesis of the top-level RON struct in `text`.
pub fn ron_struct_close(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut seen_open = false;
    scan_ron(text, |i, depth| {
        if b[i] == b'(' && depth == 0 {
            seen_open = true;
        }
        seen_open && depth == 1 && b[i] == b')'
    })
}

/// Writes `bytes` to `path` safely: to a temporary file beside it, flushed to disk, then renamed
/// over the target, so a crash or a full disk never leaves a half-written file in its place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let err = |source| FileError::Write {
        path: path.into(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based() {
        let t = "ab\ncd\nef";
        assert_eq!(location_at(t, 0), Location { line: 1, column: 1 });
        assert_eq!(location_at(t, 4), Location { line: 2, column: 2 });
        assert_eq!(
            locate_field("(\n  id: 1,\n  grid_id: 2)", "id"),
            Location { line: 2, column: 3 }
        );
    }

    #[test]
    fn oversized_file_is_refused() {
        let dir = std::env::temp_dir().join(format!("smp-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("big.ron");
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        std::fs::write(
            &p,
            vec![b'x'; FileKind::Progress.limit_bytes() as usize + 1],
        )
        .unwrap();
        assert!(matches!(
            read_bounded(&p, FileKind::Progress),
            Err(FileError::TooLarge { .. })
        ));
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        assert_eq!(read_bounded(&p, FileKind::Progress).unwrap().len(), 100);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn top_level_fields_are_found_outside_strings_and_comments() {
        let t = "(\n    a: \"review: no\", // review: no\n    b: (review: 1),\n    review: Some((x: [1, 2])),\n)\n";
        let span = ron_field_span(t, "review").unwrap();
        assert_eq!(&t[span.start..span.end], "    review: Some((x: [1, 2])),\n");
        assert_eq!(ron_struct_close(t), Some(t.len() - 2));
        assert!(ron_field_span(t, "c").is_none());
    }

    #[test]
    fn safe_write_replaces_whole_file() {
        let dir = std::env::temp_dir().join(format!("smp-write-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.ron");
        write_atomically(&p, b"first").unwrap();
        write_atomically(&p, b"second").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"second");
        // No temporary file is left behind.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
