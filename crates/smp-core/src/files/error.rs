//! Where in a file something is, and why a file could not be read or written: errors that name
//! the file, line and column.

use std::fmt;
use std::path::PathBuf;

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
