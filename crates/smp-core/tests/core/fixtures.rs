//! Attempt files kept from earlier builds (`tests/fixtures/`) load and rescore exactly as the
//! build that saved them scored them.

use std::path::{Path, PathBuf};

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
fn attempts_saved_before_the_workspace_rescore_bit_identically() {
    let files = fixture_files("v1");
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
        assert!(
            s.differences(stored).is_empty(),
            "{}: {:?}",
            path.display(),
            s.differences(stored)
        );
        assert!(
            s.verify(&attempt, &level.hash).is_verified(),
            "{}",
            path.display()
        );
    }
    assert_eq!(levels_seen.len(), smp_core::levels::SHIPPED.len());
    assert_eq!(reviewed, 1);
}
