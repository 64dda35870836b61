//! Reading untrusted files with a size bound, writing files safely, and errors that name the
//! file, line and column.

use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The kinds of file the program reads, each with its size limit (from [`crate::limits`]).
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
    /// An instructor's key, or an academy's list of trusted keys.
    Keys,
}

impl FileKind {
    /// Largest file of this kind accepted, bytes.
    pub const fn limit_bytes(self) -> u64 {
        match self {
            FileKind::Level => crate::limits::LEVEL_BYTES,
            FileKind::Attempt | FileKind::Autosave => crate::limits::ATTEMPT_BYTES,
            FileKind::Progress | FileKind::Calibration | FileKind::Keys => {
                crate::limits::SMALL_FILE_BYTES
            }
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
            FileKind::Keys => "keys",
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
    /// The path names a folder, a pipe, a device: only regular files are read.
    #[error("{path}: not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
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

/// Reads a whole text file of `kind`, refusing anything over its limit before reading it all,
/// and anything that is not a regular file (a named pipe would block forever, a device never
/// end) before opening it.
pub fn read_bounded(path: &Path, kind: FileKind) -> Result<String, FileError> {
    let (limit, what) = (kind.limit_bytes(), kind.name());
    let read_err = |source| FileError::Read {
        path: path.into(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile { path: path.into() });
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge {
            path: path.into(),
            size: meta.len(),
            limit,
            what,
        });
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    // The file can change between the check and the read: read at most limit + 1 bytes.
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
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

/// Whether `path` is a regular file (following links), without opening it.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
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
pub fn parse_ron<'a, T: serde::Deserialize<'a>>(
    path: &Path,
    text: &'a str,
) -> Result<T, FileError> {
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

/// `sha256:<hex>` of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
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

/// Age after which a temporary file left beside its target (by a writer that was killed) is
/// removed by the next write to that target.
const STALE_TEMP: std::time::Duration = std::time::Duration::from_secs(600);

/// Where a write of `path` really goes: through symbolic links to the file they name, so that a
/// safe write replaces the file and keeps the link.
fn write_target(path: &Path) -> PathBuf {
    let mut target = path.to_path_buf();
    // A chain of links, at most 16 deep (a loop stops there and is written as is).
    for _ in 0..16 {
        match std::fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&target) {
                Ok(next) => {
                    target = match target.parent() {
                        Some(dir) if next.is_relative() => dir.join(next),
                        _ => next,
                    };
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    target
}

/// The temporary files of `name` in `dir`: `.NAME.smp-tmp.*`.
fn temp_prefix(name: &str) -> String {
    format!(".{name}.smp-tmp.")
}

/// Removes temporary files of `name` in `dir` left by writers killed more than
/// [`STALE_TEMP`] ago.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = temp_prefix(name);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let is_ours = e.file_name().to_string_lossy().starts_with(&prefix);
        let stale = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP);
        if is_ours && stale {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// A file written beside its target, not yet in place.
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Writes `bytes` to a temporary file beside `path`'s target, flushed to disk, with the
    /// target's permissions when it exists; a `private` file is readable by its owner only
    /// from the moment it is created.
    fn write(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<Staged> {
        let target = write_target(path);
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        remove_stale_temps(&dir, &name);
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir.join(format!("{}{}.{n}", temp_prefix(&name), std::process::id()));
        let result = (|| {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            if private {
                use std::os::unix::fs::OpenOptionsExt;
                options.mode(0o600);
            }
            let mut f = options.open(&tmp)?;
            f.write_all(bytes)?;
            if private {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
                }
            } else if let Ok(old) = std::fs::metadata(&target) {
                f.set_permissions(old.permissions())?;
            }
            f.sync_all()
        })();
        match result {
            Ok(()) => Ok(Staged { tmp, target }),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Puts the file in place (an atomic rename over the target).
    fn commit(self) -> std::io::Result<()> {
        let result = std::fs::rename(&self.tmp, &self.target);
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        result
    }

    fn discard(self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// Writes `bytes` to `path` safely: to a temporary file beside it, flushed to disk, then renamed
/// over the target, so a crash or a full disk never leaves a half-written file in its place.
/// A symbolic link is written through (the link stays, the file it names is replaced), the old
/// file's permissions are kept, and temporary files left by killed writers are cleaned up.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let err = |source| FileError::Write {
        path: path.into(),
        source,
    };
    Staged::write(path, bytes, false)
        .map_err(err)?
        .commit()
        .map_err(err)
}

/// As [`write_atomically`], for a secret: the file is readable and writable by its owner only
/// (on Unix), from the moment it is created.
pub fn write_privately(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let err = |source| FileError::Write {
        path: path.into(),
        source,
    };
    Staged::write(path, bytes, true)
        .map_err(err)?
        .commit()
        .map_err(err)
}

/// Writes two files that belong together (a report page and its picture) so that they change
/// together: both are staged first, and if the second cannot be put in place the first is put
/// back as it was.
pub fn write_pair(first: (&Path, &[u8]), second: (&Path, &[u8])) -> Result<(), FileError> {
    let err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FileError::Write { path, source }
    };
    let a = Staged::write(first.0, first.1, false).map_err(err(first.0))?;
    let b = match Staged::write(second.0, second.1, false) {
        Ok(b) => b,
        Err(e) => {
            a.discard();
            return Err(err(second.0)(e));
        }
    };
    // Keep the first file's old contents aside (a hard link costs nothing) until both are in.
    let backup = a.tmp.with_extension("old");
    let had_old = std::fs::hard_link(&a.target, &backup).is_ok();
    let first_target = a.target.clone();
    if let Err(e) = a.commit() {
        b.discard();
        if had_old {
            let _ = std::fs::remove_file(&backup);
        }
        return Err(err(first.0)(e));
    }
    match b.commit() {
        Ok(()) => {
            if had_old {
                let _ = std::fs::remove_file(&backup);
            }
            Ok(())
        }
        Err(e) => {
            if had_old {
                let _ = std::fs::rename(&backup, &first_target);
            } else {
                let _ = std::fs::remove_file(&first_target);
            }
            Err(err(second.0)(e))
        }
    }
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

    #[cfg(unix)]
    #[test]
    fn safe_writes_keep_links_and_modes_and_clear_stale_temps() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("smp-write-keep-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let real = dir.join("real.ron");
        let link = dir.join("link.ron");
        std::fs::write(&real, b"old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("real.ron", &link).unwrap();
        // A temporary file a killed writer left an hour ago.
        let stale = dir.join(".real.ron.smp-tmp.99999.0");
        std::fs::write(&stale, b"half").unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
        write_atomically(&link, b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
        let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!stale.exists(), "the stale temporary file is removed");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn pipes_and_folders_are_refused_without_blocking() {
        let dir = std::env::temp_dir().join(format!("smp-fifo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("x.ron");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_bounded(&fifo, FileKind::Attempt),
                Err(FileError::NotAFile { .. })
            ));
        }
        assert!(matches!(
            read_bounded(&dir, FileKind::Attempt),
            Err(FileError::NotAFile { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_pair_is_written_together_or_not_at_all() {
        let dir = std::env::temp_dir().join(format!("smp-pair-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (png, page) = (dir.join("r.png"), dir.join("r.html"));
        write_pair((&png, b"png 1"), (&page, b"page 1")).unwrap();
        // The page cannot be written (its name is taken by a folder): the old picture stays.
        std::fs::remove_file(&page).unwrap();
        std::fs::create_dir_all(page.join("x")).unwrap();
        assert!(write_pair((&png, b"png 2"), (&page, b"page 2")).is_err());
        assert_eq!(std::fs::read(&png).unwrap(), b"png 1");
        let left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
