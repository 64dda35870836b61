//! Attempt files kept from earlier builds (`tests/fixtures/`): those scored under the first
//! scoring rules (`scoring-v1`) load, rescore deterministically and are reported as scored by an
//! older version, never as tampered; those scored under version 2 (`scoring-v2`, both sets in
//! attempt format 1; version 3 changed only the design criterion) verify bit for bit, and read the same when written again in format 2; the
//! format 2 files (`format-v2`) verify and are byte for byte what the writer writes.

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
    let files = fixture_files("scoring-v1");
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
    // Every flat level (the fixtures were saved before the head levels existed).
    assert_eq!(levels_seen.len(), flat_levels());
    assert_eq!(reviewed, 1);
}

#[test]
fn attempts_scored_by_version_2_rules_verify_bit_for_bit() {
    let files = fixture_files("scoring-v2");
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
        // Version 3 changed only the design criterion: these keep every number, so they verify.
        assert_eq!(stored.scoring_version, 2);
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
    // Every flat level (the fixtures were saved before the head levels existed).
    assert_eq!(levels_seen.len(), flat_levels());
    assert_eq!(reviewed, 1);
}

/// How many shipped levels are on a flat practice skin.
fn flat_levels() -> usize {
    Level::shipped()
        .iter()
        .filter(|l| l.plan.head().is_none())
        .count()
}

/// The samples of `a` as bits, so that equality is exact (and NaN equals itself).
fn sample_bits(a: &Attempt) -> Vec<u64> {
    a.sessions
        .iter()
        .flat_map(|s| &s.samples)
        .flat_map(|s| {
            s.numbers()
                .map(f64::to_bits)
                .into_iter()
                .chain([u64::from(s.contact)])
        })
        .collect()
}

#[test]
fn format_1_files_rewritten_as_format_2_read_back_bit_for_bit_and_score_the_same() {
    for path in fixture_files("scoring-v1")
        .into_iter()
        .chain(fixture_files("scoring-v2"))
    {
        let old = Attempt::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(old.format_version, 1, "{}", path.display());
        let text = old.to_ron();
        assert!(text.starts_with("(\n    format_version: 2,"), "{text:.80}");
        let new = Attempt::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sample_bits(&new), sample_bits(&old), "{}", path.display());
        assert_eq!(
            Attempt {
                format_version: 1,
                ..new.clone()
            },
            old
        );
        // Written again, the same bytes.
        assert_eq!(new.to_ron(), text);
        let level = Level::find(&old.level_id, None).unwrap();
        assert_eq!(
            score::score(&level.plan, &new, &replay::replay(&level.plan, &new)),
            score::score(&level.plan, &old, &replay::replay(&level.plan, &old)),
            "{}",
            path.display()
        );
    }
}

#[test]
fn format_2_files_verify_bit_for_bit_and_are_what_the_writer_writes() {
    let files = fixture_files("format-v2");
    assert!(files.len() >= 3, "{} fixture files", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let attempt = Attempt::parse(path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(attempt.format_version, 2);
        assert_eq!(attempt.to_ron(), text, "{}", path.display());
        let level = Level::find(&attempt.level_id, None).unwrap();
        let s = score::score(
            &level.plan,
            &attempt,
            &replay::replay(&level.plan, &attempt),
        );
        assert_eq!(
            s.verify(&attempt, &level.hash),
            Verification::Verified,
            "{}",
            path.display()
        );
    }
}

#[test]
fn format_3_head_files_verify_bit_for_bit_and_are_what_the_writer_writes() {
    // Saved by the first build with heads: later builds must read and score them the same.
    let files = fixture_files("format-v3");
    assert!(files.len() >= 3, "{} fixture files", files.len());
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let attempt = Attempt::parse(path, &text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(attempt.format_version, 3);
        assert!(
            attempt
                .sessions
                .iter()
                .all(|s| s.samples.iter().all(|x| x.axis.is_some())),
            "every sample on a head carries the needle's axis"
        );
        assert_eq!(attempt.to_ron(), text, "{}", path.display());
        let level = Level::find(&attempt.level_id, None).unwrap();
        assert!(level.plan.head().is_some());
        let s = score::score(
            &level.plan,
            &attempt,
            &replay::replay(&level.plan, &attempt),
        );
        assert_eq!(
            s.verify(&attempt, &level.hash),
            Verification::Verified,
            "{}",
            path.display()
        );
    }
}
