//! Reading untrusted files with a size bound, writing files safely, and errors that name the
//! file, line and column.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Largest level file accepted, bytes. Hand-written levels are a few KiB; generated ones with
/// a model attempt stay far below this.
pub const MAX_LEVEL_BYTES: u64 = 4 * 1024 * 1024;
/// Largest attempt file accepted, bytes. A 100,000-impression full-head attempt is about 25 MiB.
pub const MAX_ATTEMPT_BYTES: u64 = 128 * 1024 * 1024;

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

/// Reads a whole text file, refusing anything over `limit` bytes before reading it all.
pub fn read_bounded(path: &Path, limit: u64, what: &'static str) -> Result<String, FileError> {
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
        assert!(matches!(
            read_bounded(&p, 99, "level"),
            Err(FileError::TooLarge { .. })
        ));
        assert_eq!(read_bounded(&p, 100, "level").unwrap().len(), 100);
        std::fs::remove_dir_all(&dir).unwrap();
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
