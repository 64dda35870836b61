//! Reading untrusted files: a size bound checked before reading, regular files only, text that
//! must be UTF-8, and RON parsed with errors located at file:line:column.

use std::io::Read;
use std::path::Path;

use super::error::{FileError, Location};
use super::kind::FileKind;

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
