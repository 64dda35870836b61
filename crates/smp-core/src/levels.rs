//! Loading levels: the shipped curriculum (embedded in the binary, identical to `levels/`) and
//! academies' own level files.

use std::path::{Path, PathBuf};

use crate::files::{self, FileError, FileKind, Location};
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
pub const SHIPPED: [(&str, &str); 17] = [
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
        "10-head-hairline.ron",
        include_str!("../../../levels/10-head-hairline.ron"),
    ),
    (
        "11-head-crown.ron",
        include_str!("../../../levels/11-head-crown.ron"),
    ),
    (
        "12-head-strip-scar.ron",
        include_str!("../../../levels/12-head-strip-scar.ron"),
    ),
    (
        "13-norwood-3.ron",
        include_str!("../../../levels/13-norwood-3.ron"),
    ),
    (
        "14-norwood-5.ron",
        include_str!("../../../levels/14-norwood-5.ron"),
    ),
    (
        "15-norwood-7.ron",
        include_str!("../../../levels/15-norwood-7.ron"),
    ),
    (
        "16-design-young.ron",
        include_str!("../../../levels/16-design-young.ron"),
    ),
    (
        "17-design-mature.ron",
        include_str!("../../../levels/17-design-mature.ron"),
    ),
    (
        "18-design-asymmetric.ron",
        include_str!("../../../levels/18-design-asymmetric.ron"),
    ),
    (
        "90-full-head.ron",
        include_str!("../../../levels/90-full-head.ron"),
    ),
    (
        "91-head-full.ron",
        include_str!("../../../levels/91-head-full.ron"),
    ),
];

/// Id of the level the trainer opens first.
pub const DEFAULT_LEVEL: &str = "depth-drill";

pub use crate::files::hash_bytes;

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
    #[error("no level with id {:?} (try `smp-trainer levels list`)", crate::text::for_terminal(.0))]
    Unknown(String),
    /// The level an attempt names is not among the shipped levels or the levels folder.
    #[error("{}:{location}: no level with id {:?} among the shipped levels{} (try `smp-trainer levels list`)", .path.display(), crate::text::for_terminal(.id), if *.searched_folder { " or the levels folder" } else { "" })]
    NotFound {
        /// The attempt file.
        path: PathBuf,
        /// Where its `level_id` is.
        location: Location,
        /// The id it names.
        id: String,
        /// Whether a levels folder was searched too.
        searched_folder: bool,
    },
    /// The attempt has more sessions than its level plans.
    #[error("{}:{location}: the attempt has {sessions} sessions but level {level:?} plans {planned}", .path.display())]
    Sessions {
        /// The attempt file.
        path: PathBuf,
        /// Where its `sessions` are.
        location: Location,
        /// Sessions in the attempt.
        sessions: usize,
        /// The level's id.
        level: String,
        /// Sessions the level plans.
        planned: usize,
    },
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
        let mut plan: ReferencePlan = files::parse_ron(origin, text)?;
        plan.settle_surface();
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
    ///
    /// Only for what a person typed (a command-line argument): an id from inside a file goes
    /// through [`Level::by_id`], which never reads a path.
    pub fn find(id_or_path: &str, extra_dir: Option<&Path>) -> Result<Level, LevelError> {
        let as_path = Path::new(id_or_path);
        if id_or_path.ends_with(".ron") || as_path.is_file() {
            return Self::load(as_path);
        }
        Self::by_id(id_or_path, extra_dir)
    }

    /// The level with this id among the level files of `extra_dir` (when given) and the
    /// shipped levels, in that order. An id is never a path: anything but 1–64 lower-case
    /// letters, digits and dashes is unknown.
    pub fn by_id(id: &str, extra_dir: Option<&Path>) -> Result<Level, LevelError> {
        if !crate::plan::is_valid_level_id(id) {
            return Err(LevelError::Unknown(id.into()));
        }
        if let Some(dir) = extra_dir {
            for entry in level_files(dir)? {
                // A file that declares this id is the level, valid or not: an invalid one is
                // reported as such, not as missing.
                let Ok(text) = files::read_bounded(&entry, FileKind::Level) else {
                    continue;
                };
                if files::parse_ron::<ReferencePlan>(&entry, &text).is_ok_and(|p| p.id == id) {
                    return Self::parse(&entry, &text);
                }
            }
        }
        // Only the level asked for is checked in full: checking a head level builds its head,
        // which a flat level's user should not wait for.
        SHIPPED
            .iter()
            .find(|(name, text)| {
                files::parse_ron::<ReferencePlan>(Path::new(name), text).is_ok_and(|p| p.id == id)
            })
            .and_then(|(name, text)| Self::parse(&Path::new("levels").join(name), text).ok())
            .ok_or_else(|| LevelError::Unknown(id.into()))
    }

    /// The level `attempt` (read from `path`) was made on, by its id, and the check that the
    /// attempt fits it. Errors name the attempt file, line and column.
    pub fn for_attempt(
        path: &Path,
        attempt: &crate::attempt::Attempt,
        extra_dir: Option<&Path>,
    ) -> Result<Level, LevelError> {
        let level = match Self::by_id(&attempt.level_id, extra_dir) {
            Err(LevelError::Unknown(id)) => {
                return Err(LevelError::NotFound {
                    path: path.into(),
                    location: locate_in_file(path, "level_id"),
                    id,
                    searched_folder: extra_dir.is_some(),
                });
            }
            other => other?,
        };
        level.fits(path, attempt)?;
        Ok(level)
    }

    /// Whether `attempt` (read from `path`) fits this level: no more sessions than it plans.
    pub fn fits(&self, path: &Path, attempt: &crate::attempt::Attempt) -> Result<(), LevelError> {
        if attempt.sessions.len() > self.plan.sessions.len() {
            return Err(LevelError::Sessions {
                path: path.into(),
                location: locate_in_file(path, "sessions"),
                sessions: attempt.sessions.len(),
                level: self.plan.id.clone(),
                planned: self.plan.sessions.len(),
            });
        }
        Ok(())
    }
}

/// Where `field` is in the attempt file at `path` (read again, for an error message), or 1:1.
fn locate_in_file(path: &Path, field: &str) -> Location {
    files::read_bounded(path, FileKind::Attempt).map_or(Location { line: 1, column: 1 }, |t| {
        files::locate_field(&t, field)
    })
}

/// The `.ron` regular files directly in `dir`, sorted by name; hidden files (a name starting
/// with `.`) are left out, as `grade` leaves them out.
pub fn level_files(dir: &Path) -> Result<Vec<PathBuf>, FileError> {
    let read = std::fs::read_dir(dir).map_err(|source| FileError::Read {
        path: dir.into(),
        source,
    })?;
    let mut files: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let hidden = p
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            !hidden && files::is_regular_file(p) && p.extension().is_some_and(|e| e == "ron")
        })
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
