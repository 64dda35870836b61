//! What the server is asked to do: where its data lives, where it listens, which database it
//! uses and its limits. Defaults give the embedded set-up: SQLite in the data folder,
//! listening on 127.0.0.1:8080.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The default address to listen on.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The largest upload accepted by default: the core's limit on attempt files (128 MiB).
pub const DEFAULT_UPLOAD_LIMIT: u64 = smp_core::limits::ATTEMPT_BYTES;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The data folder: the SQLite database (by default), attempt files by content hash,
    /// extra levels (`levels/`), instructors' keys (`keys/`) and `trusted-keys.ron`.
    pub data_dir: PathBuf,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The database: `sqlite://…` or `postgres://…`; `None` for `academy.db` in the data
    /// folder.
    pub database_url: Option<String>,
    /// The largest attempt file accepted, bytes.
    pub upload_limit: u64,
    /// How many attempts are parsed and scored at once (default: the cores).
    pub scoring_slots: usize,
    /// Whether cookies carry `Secure` (set it when the academy is served over HTTPS).
    pub secure_cookies: bool,
}

impl Settings {
    /// The defaults, with data in `data_dir`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Settings {
        Settings {
            data_dir: data_dir.into(),
            listen: DEFAULT_LISTEN.parse().expect("a valid address"),
            database_url: None,
            upload_limit: DEFAULT_UPLOAD_LIMIT,
            scoring_slots: std::thread::available_parallelism().map_or(2, |n| n.get()),
            secure_cookies: false,
        }
    }

    /// The database URL: the one given, or SQLite in the data folder (created when missing).
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(u) => u.clone(),
            None => sqlite_url(&self.data_dir.join("academy.db")),
        }
    }

    /// Extra levels: `levels/` in the data folder.
    pub fn levels_dir(&self) -> PathBuf {
        self.data_dir.join("levels")
    }

    /// The academy's trusted instructor keys, for `smp-trainer grade --trusted-keys`.
    pub fn trusted_keys_path(&self) -> PathBuf {
        self.data_dir.join("trusted-keys.ron")
    }
}

/// The default data folder: `SMP_ACADEMY_DATA` when set, else the platform's data folder
/// (`~/.local/share/smp-academy` on Linux).
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("SMP_ACADEMY_DATA") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "smp-trainer", "smp-academy")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".smp-academy"))
}

/// The SQLite URL of a database file, created when missing.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}
