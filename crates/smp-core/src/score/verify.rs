//! Comparing the score stored in an attempt file with the one its samples give.
//!
//! "Verified" means exactly this: every stored number equals what the samples give under
//! today's rules, against the very level file the attempt was made on. It does not say who or
//! what made the samples: a file written by hand, or by `simulate`, verifies as well as a
//! trainee's own (the input device is recorded, and `grade` shows it).

use super::card::{SCORING_VERSION, Score};
use crate::attempt::{Attempt, StoredScore};

/// One number of a stored score that the samples do not give.
#[derive(Clone, Debug, PartialEq)]
pub enum Difference {
    /// The total.
    Total {
        /// As stored.
        stored: f64,
        /// As the samples give it.
        recomputed: f64,
    },
    /// Passed or failed.
    Verdict {
        /// As stored.
        stored: bool,
        /// As the samples give it.
        recomputed: bool,
    },
    /// One criterion's score (`None`: the criterion is missing on that side).
    Criterion {
        /// The criterion's name.
        name: String,
        /// As stored.
        stored: Option<f64>,
        /// As the samples give it.
        recomputed: Option<f64>,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let num = |v: &Option<f64>| v.map_or("missing".to_string(), |v| format!("{v}"));
        match self {
            Difference::Total { stored, recomputed } => {
                write!(f, "total: stored {stored}, recomputed {recomputed}")
            }
            Difference::Verdict { stored, recomputed } => {
                let word = |p: &bool| if *p { "passed" } else { "failed" };
                write!(
                    f,
                    "verdict: stored {}, recomputed {}",
                    word(stored),
                    word(recomputed)
                )
            }
            Difference::Criterion {
                name,
                stored,
                recomputed,
            } => write!(
                f,
                "{name}: stored {}, recomputed {}",
                num(stored),
                num(recomputed)
            ),
        }
    }
}

/// What comparing an attempt's stored score with the recomputed one found.
#[derive(Clone, Debug, PartialEq)]
pub enum Verification {
    /// Every stored number equals the recomputed one, under today's scoring rules, and the level
    /// file is the one the attempt was made on. This says the stored score is what the samples
    /// give; it does not say who or what made the samples.
    Verified,
    /// The file holds no stored score: the recomputed one stands alone. Not a mismatch.
    NotStored,
    /// The stored score was made by an older version of the scoring rules, and today's rules
    /// give other numbers; the recomputed score is shown beside it. Not a mismatch.
    OlderVersion {
        /// The scoring version that made the stored score.
        version: u32,
        /// Its total.
        stored_total: f64,
        /// Its verdict.
        stored_passed: bool,
    },
    /// Stored numbers differ from what the samples give (the file was edited, or damaged).
    Mismatch(Vec<Difference>),
    /// The level file is not the one the attempt was made on: it was scored against another.
    LevelChanged {
        /// The level hash recorded in the attempt.
        attempt_hash: String,
        /// The hash of the level file scored against.
        level_hash: String,
    },
}

impl std::fmt::Display for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Verification {
    /// Whether the stored score is confirmed.
    pub fn is_verified(&self) -> bool {
        matches!(self, Verification::Verified)
    }

    /// Whether the check found something wrong with the file (a mismatch, or another level):
    /// a file with no stored score, or one scored by an older version, is not contradicted.
    pub fn is_contradicted(&self) -> bool {
        matches!(
            self,
            Verification::Mismatch(_) | Verification::LevelChanged { .. }
        )
    }

    /// A short name: `verified`, `not stored`, `older version`, `mismatch`, `level changed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Verification::Verified => "verified",
            Verification::NotStored => "not stored",
            Verification::OlderVersion { .. } => "older version",
            Verification::Mismatch(_) => "mismatch",
            Verification::LevelChanged { .. } => "level changed",
        }
    }

    /// The verification in words.
    pub fn describe(&self) -> String {
        match self {
            Verification::Verified => {
                "verified: the stored score is what the samples give, on the same level file".into()
            }
            Verification::NotStored => {
                "not stored: the file holds no score; the samples were scored now".into()
            }
            Verification::OlderVersion {
                version,
                stored_total,
                stored_passed,
            } => format!(
                "scored by an older version (scoring rules v{version}: {stored_total:.2}, {}); rescored with v{SCORING_VERSION}",
                if *stored_passed { "passed" } else { "failed" }
            ),
            Verification::Mismatch(d) => {
                let list: Vec<String> = d.iter().map(ToString::to_string).collect();
                format!("MISMATCH: {}", list.join("; "))
            }
            Verification::LevelChanged {
                attempt_hash,
                level_hash,
            } => format!(
                "LEVEL CHANGED: the attempt was made on level file {} but scored against {}",
                short(attempt_hash),
                short(level_hash)
            ),
        }
    }
}

/// Whether the scoring rules changed, since `version`, for an attempt like `attempt`: version 1
/// had seven criteria; version 3 changed only the design criterion and the band behind a design
/// (attempts with a design). Any other difference is a mismatch, as is a version from the future.
fn rules_changed_since(version: u32, attempt: &Attempt) -> bool {
    version < 2 || (version < 3 && attempt.design.is_some())
}

/// The first hex digits of a `sha256:` hash, enough to tell files apart in a message.
fn short(hash: &str) -> String {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    format!(
        "sha256:{}…",
        crate::text::for_terminal(hex.get(..12).unwrap_or(hex))
    )
}

impl Score {
    /// Compares `attempt`'s stored score with this one, number by number (criteria matched by
    /// name, in any order), and the attempt's level hash with `level_hash`, the current file's.
    /// The level is always checked first: a score against another level proves nothing. A
    /// score stored by another version of the rules whose every number today's rules give again
    /// is verified; one whose numbers differ is [`Verification::OlderVersion`], not a mismatch,
    /// where the rules changed since that version for such an attempt (and a mismatch where they
    /// did not).
    pub fn verify(&self, attempt: &Attempt, level_hash: &str) -> Verification {
        if attempt.level_hash != level_hash {
            return Verification::LevelChanged {
                attempt_hash: attempt.level_hash.clone(),
                level_hash: level_hash.to_string(),
            };
        }
        let Some(stored) = &attempt.score else {
            return Verification::NotStored;
        };
        let differences = self.differences(stored);
        if differences.is_empty() {
            // Rules that changed elsewhere (another criterion, another kind of level) leave this
            // file's numbers as they were: what the samples give, whichever version wrote them.
            Verification::Verified
        } else if rules_changed_since(stored.scoring_version, attempt) {
            Verification::OlderVersion {
                version: stored.scoring_version,
                stored_total: stored.total,
                stored_passed: stored.passed,
            }
        } else {
            Verification::Mismatch(differences)
        }
    }

    /// Whether a stored score is exactly this one (every number bit for bit, criteria in any
    /// order), whichever version of the rules stored it.
    pub fn matches(&self, stored: &StoredScore) -> bool {
        self.differences(stored).is_empty()
    }

    /// Every number of `stored` that is not exactly this score's.
    pub fn differences(&self, stored: &StoredScore) -> Vec<Difference> {
        let mut out = Vec::new();
        if stored.total.to_bits() != self.total.to_bits() {
            out.push(Difference::Total {
                stored: stored.total,
                recomputed: self.total,
            });
        }
        if stored.passed != self.passed {
            out.push(Difference::Verdict {
                stored: stored.passed,
                recomputed: self.passed,
            });
        }
        for c in &self.criteria {
            let s = stored.criteria.iter().find(|s| s.name == c.kind.name());
            if s.is_none_or(|s| s.score.to_bits() != c.score.to_bits()) {
                out.push(Difference::Criterion {
                    name: c.kind.name().to_string(),
                    stored: s.map(|s| s.score),
                    recomputed: Some(c.score),
                });
            }
        }
        for s in &stored.criteria {
            if !self.criteria.iter().any(|c| c.kind.name() == s.name) {
                out.push(Difference::Criterion {
                    name: s.name.clone(),
                    stored: Some(s.score),
                    recomputed: None,
                });
            }
        }
        out
    }
}
