//! Writing files safely: to a temporary file beside the target, then renamed over it, keeping a
//! link and the old file's permissions; a pair of files changes together or not at all.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::FileError;

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
