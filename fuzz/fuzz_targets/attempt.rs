//! Any bytes as an attempt file: parsed as `score` parses it, then (when it parses and fits its
//! shipped level) replayed, scored, verified and drawn. Must never panic.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use smp_core::render::{Compositor, dots_on_day};
use smp_core::{Attempt, Level, replay, score};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let path = Path::new("fuzz.ron");
    let Ok(attempt) = Attempt::parse(path, text) else {
        return;
    };
    let Ok(level) = Level::by_id(&attempt.level_id, None) else {
        return;
    };
    if level.fits(path, &attempt).is_err() {
        return;
    }
    let replayed = replay::replay(&level.plan, &attempt);
    let s = score::score(&level.plan, &attempt, &replayed);
    assert!((0.0..=100.0).contains(&s.total));
    let _ = s.verify(&attempt, &level.hash);
    let _ = Compositor::new(&level.plan).render(&dots_on_day(&replayed, 42.0), 1.0);
});
