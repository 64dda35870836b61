//! Loading levels: the shipped curriculum (embedded in the binary, identical to `levels/`) and
//! academies' own level files.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::files::{self, FileError, FileKind};
use crate::plan::{Problem, ReferencePlan};

/// A level and the exact text it came from.
#[derive(Clone, Debug)]
pub struct Level {
    /// The parsed plan.
    pub plan: ReferencePlan,
    /// `sha256:` and the hex SHA-256 of the file's bytes.
    pub hash: String,
    /// Where it came from (a path, or `levels/NAME.ron` for shipped levels).
    pub origin: PathBuf,
    /// What keeps it from teaching its faults, though it is valid (see
    /// [`ReferencePlan::warnings`]).
    pub warnings: Vec<Problem>,
}

/// The shipped levels, in curriculum order: (file name, text).
pub const SHIPPED: [(&str, &str); 7] = [
    (
        "01-depth-drill.ron",
        include_str!("../../../levels/01-depth-drill.ron"),
    ),
    (
        "02-spacing-drill.ron",
        include_str!("../../../levels/02-spacing-drill.ron"),
    ),
    (
        "03-soft-hairline.ron",
        include_str!("../../../levels/03-soft-hairline.ron"),
    ),
    (
        "04-crown-blend.ron",
        include_str!("../../../levels/04-crown-blend.ron"),
    ),
    (
        "05-strip-scar.ron",
        include_str!("../../../levels/05-strip-scar.ron"),
    ),
    (
        "06-three-sessions.ron",
        include_str!("../../../levels/06-three-sessions.ron"),
    ),
    (
        "90-full-head.ron",
        include_str!("../../../levels/90-full-head.ron"),
    ),
];

/// Id of the level the trainer opens first.
pub const DEFAULT_LEVEL: &str = "depth-drill";

/// `sha256:<hex>` of `bytes`.
pub fn hash_bytes(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(71);
    s.push_str("sha256:");
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Why a level cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LevelError {
    /// The file could not be read or parsed.
    #[error(transparent)]
    File(#[from] FileError),
    /// The plan parsed but is not valid.
    #[error("{}", render_problems(.path, .problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Everything wrong with it.
        problems: Vec<Problem>,
    },
    /// No level has this id.
    #[error("no level with id {0:?} (try `smp-trainer levels list`)")]
    Unknown(String),
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}:{}: {}", path.display(), p.location, p.message))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Level {
    /// Parses and validates level text; `origin` names it in errors.
    pub fn parse(origin: &Path, text: &str) -> Result<Level, LevelError> {
        let plan: ReferencePlan = files::parse_ron(origin, text)?;
        let problems = plan.problems(text);
        if !problems.is_empty() {
            return Err(LevelError::Invalid {
                path: origin.into(),
                problems,
            });
        }
        let warnings = plan.warnings(text);
        Ok(Level {
            plan,
            hash: hash_bytes(text.as_bytes()),
            origin: origin.into(),
            warnings,
        })
    }

    /// Reads a level file, refusing files over [`FileKind::Level`]'s limit.
    pub fn load(path: &Path) -> Result<Level, LevelError> {
        let text = files::read_bounded(path, FileKind::Level)?;
        Self::parse(path, &text)
    }

    /// Every shipped level, in curriculum order.
    pub fn shipped() -> Vec<Level> {
        SHIPPED
            .iter()
            .filter_map(|(name, text)| Self::parse(&Path::new("levels").join(name), text).ok())
            .collect()
    }

    /// A level by id among the shipped ones and those in `extra_dir`, or from a path (anything
    /// that ends in `.ron` or names an existing file).
    pub fn find(id_or_path: &str, extra_dir: Option<&Path>) -> Result<Level, LevelError> {
        let as_path = Path::new(id_or_path);
        if id_or_path.ends_with(".ron") || as_path.is_file() {
            return Self::load(as_path);
        }
        if let Some(dir) = extra_dir {
            for entry in level_files(dir)? {
                if let Ok(level) = Self::load(&entry)
                    && level.plan.id == id_or_path
                {
                    return Ok(level);
                }
            }
        }
        Self::shipped()
            .into_iter()
            .find(|l| l.plan.id == id_or_path)
            .ok_or_else(|| LevelError::Unknown(id_or_path.into()))
    }
}

/// The `.ron` files directly in `dir`, sorted by name.
pub fn level_files(dir: &Path) -> Result<Vec<PathBuf>, FileError> {
    let read = std::fs::read_dir(dir).map_err(|source| FileError::Read {
        path: dir.into(),
        source,
    })?;
    let mut files: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_levels_are_found_by_id_and_hashed_by_bytes() {
        let all = Level::shipped();
        assert_eq!(all.len(), SHIPPED.len());
        let drill = Level::find(DEFAULT_LEVEL, None).unwrap();
        assert_eq!(drill.hash, hash_bytes(SHIPPED[0].1.as_bytes()));
        assert!(drill.hash.starts_with("sha256:") && drill.hash.len() == 71);
        assert!(matches!(
            Level::find("no-such-level", None),
            Err(LevelError::Unknown(_))
        ));
    }

    #[test]
    fn invalid_levels_list_every_problem_with_its_place() {
        let text = SHIPPED[0].1.replace("pass_mark: 70.0", "pass_mark: 170.0");
        match Level::parse(Path::new("x.ron"), &text) {
            Err(LevelError::Invalid { problems, .. }) => {
                assert_eq!(problems.len(), 1);
                assert!(problems[0].message.contains("pass mark"));
            }
            other => panic!("{other:?}"),
        }
    }
}
