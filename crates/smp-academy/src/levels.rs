//! The academy's levels: the shipped curriculum and the level files of `levels/` in the data
//! folder (found by id, never by a path from a file), each read once and shared.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use smp_core::Level;
use smp_core::levels::LevelError;

/// Levels by id, read once each (a level file changed on disk is read again after a restart).
#[derive(Debug)]
pub struct LevelCatalog {
    dir: PathBuf,
    cache: Mutex<HashMap<String, Arc<Level>>>,
}

impl LevelCatalog {
    /// The shipped levels and those in `dir` (when it exists).
    pub fn new(dir: PathBuf) -> LevelCatalog {
        LevelCatalog {
            dir,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// The level with this id: the levels folder's first, then the shipped ones. Blocking work
    /// (a head level builds its head): call it off the async threads.
    pub fn get(&self, id: &str) -> Result<Arc<Level>, LevelError> {
        if let Some(l) = self.lock().get(id) {
            return Ok(l.clone());
        }
        let extra = self.dir.is_dir().then_some(self.dir.as_path());
        let level = Arc::new(Level::by_id(id, extra)?);
        self.lock().insert(id.to_string(), level.clone());
        Ok(level)
    }

    /// Whether a level with this id exists (the ids of every level, shipped and the folder's).
    pub fn ids(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        if self.dir.is_dir()
            && let Ok(files) = smp_core::levels::level_files(&self.dir)
        {
            for f in files {
                if let Ok(l) = Level::load(&f) {
                    out.push((l.plan.id.clone(), l.plan.title.clone()));
                }
            }
        }
        for (name, text) in smp_core::levels::SHIPPED {
            if let Ok(p) = smp_core::files::parse_ron::<smp_core::ReferencePlan>(
                std::path::Path::new(name),
                text,
            ) && !out.iter().any(|(id, _)| *id == p.id)
            {
                out.push((p.id.clone(), p.title.clone()));
            }
        }
        out
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Level>>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}
