//! Attempt files kept whole, by content hash: `blobs/AB/SHA256.ron` in the data folder.
//!
//! An upload is streamed to a temporary file in `tmp/` (never held in memory whole), counted
//! against the limit and hashed as it comes; once complete it is synced to disk and renamed
//! into place, and the folder synced, before the database records it. A file already there
//! (the same bytes sent again) is kept as it was. Nothing half-written is ever under `blobs/`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// The attempt files of an academy.
#[derive(Clone, Debug)]
pub struct BlobStore {
    root: PathBuf,
    tmp: PathBuf,
}

/// An upload received whole into a temporary file, not yet kept.
#[derive(Debug)]
pub struct Received {
    /// The temporary file.
    pub path: PathBuf,
    /// `sha256:` and the hex SHA-256 of its bytes.
    pub hash: String,
    /// Its size, bytes.
    pub size: u64,
}

impl Drop for Received {
    fn drop(&mut self) {
        // Kept files were renamed away; anything left is an upload that was refused.
        let _ = std::fs::remove_file(&self.path);
    }
}

impl BlobStore {
    /// The store under `data_dir`, its folders made, and temporary files left by a crash
    /// removed.
    pub fn open(data_dir: &Path) -> std::io::Result<BlobStore> {
        let root = data_dir.join("blobs");
        let tmp = data_dir.join("tmp");
        std::fs::create_dir_all(&root)?;
        std::fs::create_dir_all(&tmp)?;
        for entry in std::fs::read_dir(&tmp)?.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(BlobStore { root, tmp })
    }

    /// Where the file with this hash is kept. The hash is checked: 64 hex digits after
    /// `sha256:`, nothing that could make a path.
    pub fn path_of(&self, hash: &str) -> Option<PathBuf> {
        let hex = hash.strip_prefix("sha256:")?;
        if hex.len() != 64
            || !hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return None;
        }
        Some(self.root.join(&hex[..2]).join(format!("{hex}.ron")))
    }

    /// Receives `body` into a temporary file, refusing it (413) as soon as it passes `limit`
    /// bytes. The file is synced before this returns.
    pub async fn receive<S, E>(&self, mut body: S, limit: u64) -> Result<Received, AppError>
    where
        S: Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = self
            .tmp
            .join(format!("up-{}.part", &crate::auth::random_hex()?[..24]));
        let file = std::fs::File::create(&path).map_err(AppError::internal)?;
        let mut received = Received {
            path,
            hash: String::new(),
            size: 0,
        };
        let mut writer = std::io::BufWriter::with_capacity(256 * 1024, file);
        let mut hasher = Sha256::new();
        while let Some(chunk) = body.next().await {
            let chunk =
                chunk.map_err(|e| AppError::BadRequest(format!("the upload broke off: {e}")))?;
            received.size += chunk.len() as u64;
            if received.size > limit {
                return Err(AppError::TooLarge { limit });
            }
            hasher.update(&chunk);
            // Small writes into the buffer; the disk is written a quarter MiB at a time.
            writer.write_all(&chunk).map_err(AppError::internal)?;
        }
        let file = writer
            .into_inner()
            .map_err(|e| AppError::internal(e.error()))?;
        let synced = tokio::task::spawn_blocking(move || file.sync_all())
            .await
            .map_err(AppError::internal)?;
        synced.map_err(AppError::internal)?;
        received.hash = format!("sha256:{:x}", hasher.finalize());
        Ok(received)
    }

    /// Keeps a received file under its hash (synced, then renamed, then its folder synced).
    /// A file with that hash already kept stays as it was.
    pub fn keep(&self, received: &Received) -> Result<PathBuf, AppError> {
        let target = self
            .path_of(&received.hash)
            .ok_or_else(|| AppError::internal("a malformed hash"))?;
        if target.is_file() {
            return Ok(target);
        }
        let dir = target.parent().unwrap_or(&self.root).to_path_buf();
        std::fs::create_dir_all(&dir).map_err(AppError::internal)?;
        std::fs::rename(&received.path, &target).map_err(AppError::internal)?;
        sync_dir(&dir);
        sync_dir(&self.root);
        Ok(target)
    }

    /// The bytes of a kept file.
    pub fn read(&self, hash: &str) -> Result<Vec<u8>, AppError> {
        let path = self
            .path_of(hash)
            .ok_or_else(|| AppError::internal("a malformed hash"))?;
        std::fs::read(&path).map_err(|e| AppError::internal(format!("{}: {e}", path.display())))
    }
}

/// Syncs a folder, so that a rename in it survives a crash (best effort where a system cannot).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}
