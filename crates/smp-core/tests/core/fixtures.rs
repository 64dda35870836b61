//! Attempt files kept from earlier builds (`tests/fixtures/`): those scored under the first
//! scoring rules (`v1`) load, rescore deterministically and are reported as scored by an older
//! version, never as tampered; those scored under today's rules (`v2`) verify bit for bit.

use std::path::{Path, PathBuf};

use smp_core::score::Verification;
use smp_core::{Attempt, Level, replay, score};

/// The fixture files of one set, sorted.
pub fn fixture_files(set: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(set);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn attempts_scored_by_the_first_scoring_rules_are_reported_as_older_not_tampered() {
    let files = fixture_files("v1");
    assert!(files.len() >= 21, "{} fixture files", files.len());
    let mut levels_seen = std::collections::BTreeSet::new();
    let mut reviewed = 0;
    for path in &files {
        let attempt = Attempt::load(path).unwrap_or_else(|e| panic!("{e}"));
        let level = Level::find(&attempt.level_id, None).unwrap();
        levels_seen.insert(level.plan.id.clone());
        reviewed += usize::from(attempt.review.is_some());
        let stored = attempt.score.as_ref().expect("a stored score");
        assert_eq!(
            stored.scoring_version,
            1,
            "{}: no version means 1",
            path.display()
        );
        let s = score::score(
            &level.plan,
            &attempt,
            &replay::replay(&level.plan, &attempt),
        );
        let again = score::score(
            &level.plan,
            &attempt,
            &replay::replay(&level.plan, &attempt),
        );
        assert_eq!(s, again, "rescoring is deterministic");
        match s.verify(&attempt, &level.hash) {
            Verification::OlderVersion {
                version,
                stored_total,
                ..
            } => {
                assert_eq!(version, 1);
                assert_eq!(stored_total, stored.total);
            }
            // Levels whose skin was made thinner so that a heavy hand can blow out are reported
            // as changed, not as tampered.
            Verification::LevelChanged { .. } => assert!(
                [
                    "crown-blend",
                    "soft-hairline",
                    "three-sessions",
                    "full-head"
                ]
                .contains(&level.plan.id.as_str()),
                "{}",
                path.display()
            ),
            other => panic!("{}: {other:?}", path.display()),
        }
    }
    assert_eq!(levels_seen.len(), smp_core::levels::SHIPPED.len());
    assert_eq!(reviewed, 1);
}

#[test]
fn attempts_scored_by_todays_rules_verify_bit_for_bit() {
    let files = fixture_files("v2");
    assert!(files.len() >= 21, "{} fixture files", files.len());
    let mut levels_seen = std::collections::BTreeSet::new();
    let mut reviewed = 0;
    for path in &files {
        let attempt = Attempt::load(path).unwrap_or_else(|e| panic!("{e}"));
        let level = Level::find(&attempt.level_id, None).unwrap();
        levels_seen.insert(level.plan.id.clone());
        reviewed += usize::from(attempt.review.is_some());
        let s = score::score(
            &level.plan,
            &attempt,
            &replay::replay(&level.plan, &attempt),
        );
        let stored = attempt.score.as_ref().expect("a stored score");
        assert_eq!(stored.scoring_version, score::SCORING_VERSION);
        assert!(
            s.differences(stored).is_empty(),
            "{}: {:?}",
            path.display(),
            s.differences(stored)
        );
        assert_eq!(
            s.verify(&attempt, &level.hash),
            Verification::Verified,
            "{}",
            path.display()
        );
    }
    assert_eq!(levels_seen.len(), smp_core::levels::SHIPPED.len());
    assert_eq!(reviewed, 1);
}
