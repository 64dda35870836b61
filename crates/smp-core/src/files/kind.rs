//! The kinds of file the program reads and their size limits, and where its own files live.

use std::path::PathBuf;

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
