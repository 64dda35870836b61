//! Malformed, truncated, oversized and hostile files give a clear error, never a panic.

use std::path::Path;

use proptest::prelude::*;
use smp_core::files::FileError;
use smp_core::persona::Persona;
use smp_core::simulate::simulate;
use smp_core::{Attempt, Level, replay, score};

fn valid_attempt_text() -> String {
    let level = Level::find("depth-drill", None).unwrap();
    let mut a = simulate(&level, Persona::Expert, 4, "Ana", "2026-11-21");
    a.sessions[0].samples.truncate(30);
    a.to_ron()
}

/// Whatever the text, parsing returns, and whatever parses replays and scores.
fn survives(text: &str) {
    match Attempt::parse(Path::new("x.ron"), text) {
        Ok(a) => {
            let level = Level::find("depth-drill", None).unwrap();
            if a.sessions.len() <= level.plan.sessions.len() {
                let r = replay::replay(&level.plan, &a);
                let s = score::score(&level.plan, &a, &r);
                assert!((0.0..=100.0).contains(&s.total));
            }
        }
        Err(FileError::Invalid {
            location, message, ..
        }) => {
            assert!(location.line >= 1 && location.column >= 1);
            assert!(!message.is_empty());
        }
        Err(e) => panic!("unexpected error kind: {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,400}") {
        survives(&text);
    }

    #[test]
    fn mutated_attempts_never_panic(cut in 0usize..4000, pos in 0usize..4000, byte in 0u8..128, mode in 0u8..3) {
        let mut text = valid_attempt_text().into_bytes();
        match mode {
            0 => text.truncate(cut.min(text.len())),
            1 => { let p = pos.min(text.len() - 1); text[p] = byte; }
            _ => { let p = pos.min(text.len()); text.insert(p, byte); }
        }
        if let Ok(t) = String::from_utf8(text) {
            survives(&t);
        }
    }

    #[test]
    fn hostile_sample_values_are_sanitized(values in proptest::collection::vec(
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1e300), Just(1e300), -10.0f64..60.0], 7..70)) {
        // Splice arbitrary numbers (NaN, huge, negative) into sample tuples.
        let mut rows = String::new();
        for c in values.chunks(7).filter(|c| c.len() == 7) {
            let f = |x: f64| if x.is_nan() { "NaN".to_string() } else if x.is_infinite() { "inf".to_string() } else { format!("{x:?}") };
            rows.push_str(&format!("({}, {}, {}, {}, {}, {}, {}),", f(c[0]), f(c[1]), f(c[2]), f(c[3]), f(c[4]), f(c[5]), c[6] > 20.0));
        }
        let text = valid_attempt_text();
        let start = text.find("samples: [").unwrap() + "samples: [".len();
        let end = start + text[start..].find(']').unwrap();
        let hostile = format!("{}{}{}", &text[..start], rows, &text[end..]);
        let a = Attempt::parse(Path::new("x.ron"), &hostile).expect("numbers are valid RON");
        survives(&hostile);
        let level = Level::find("depth-drill", None).unwrap();
        for p in replay::replay(&level.plan, &a).impressions {
            prop_assert!(p.tissue.depth_mm.is_finite() && p.impression.at.is_finite());
        }
    }
}

#[test]
fn errors_name_the_line_and_column() {
    let text = valid_attempt_text().replacen("seed: 4,", "seed: \"four\",", 1);
    let line = text.lines().position(|l| l.contains("seed:")).unwrap() + 1;
    match Attempt::parse(Path::new("a.ron"), &text) {
        Err(e @ FileError::Invalid { .. }) => {
            let msg = e.to_string();
            assert!(msg.starts_with(&format!("a.ron:{line}:")), "{msg}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(Attempt::parse(Path::new("deep.ron"), &text).is_err());
}

#[test]
fn semantic_limits_are_enforced() {
    let text = valid_attempt_text();
    // (text to replace, replacement, the field the error must point at)
    for (from, to, field) in [
        ("format_version: 1", "format_version: 99", "format_version"),
        ("date: \"2026-11-21\"", "date: \"yesterday\"", "date"),
        (
            "pressure_curve: Linear",
            "pressure_curve: Gamma(90.0)",
            "pressure_curve",
        ),
        ("diameter_mm: 0.25", "diameter_mm: 3.0", "needle"),
    ] {
        let bad = text.replacen(from, to, 1);
        assert_ne!(bad, text, "{from} is in the file");
        let err = Attempt::parse(Path::new("a.ron"), &bad)
            .unwrap_err()
            .to_string();
        let line = bad
            .lines()
            .position(|l| l.trim_start().starts_with(field))
            .unwrap()
            + 1;
        assert!(err.starts_with(&format!("a.ron:{line}:")), "{from}: {err}");
    }
}
