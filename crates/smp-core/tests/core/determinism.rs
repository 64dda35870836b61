//! The same attempt file gives the same score, bit for bit, every time.

use smp_core::persona::Persona;
use smp_core::render::{Compositor, dots_on_day};
use smp_core::score::Verification;
use smp_core::simulate::simulate;
use smp_core::{Attempt, Level, replay, score};

use crate::support::temp_dir;

#[test]
fn saved_attempts_rescore_bit_identically() {
    let dir = temp_dir("determinism");
    for id in ["three-sessions", "strip-scar"] {
        let level = Level::find(id, None).unwrap();
        for persona in [Persona::Expert, Persona::Drifter, Persona::Rusher] {
            let made = simulate(&level, persona, 21, "Ana", "2026-11-21");
            let path = dir.join(format!("{id}-{persona}.ron"));
            made.save(&path).unwrap();
            let loaded = Attempt::load(&path).unwrap();
            assert_eq!(loaded, made, "the file round-trips exactly");
            let first = score::score(&level.plan, &loaded, &replay::replay(&level.plan, &loaded));
            let second = score::score(&level.plan, &loaded, &replay::replay(&level.plan, &loaded));
            assert!(
                first.matches(loaded.score.as_ref().unwrap()),
                "{id} {persona}: stored score differs"
            );
            assert_eq!(first, second);
            for (a, b) in first.criteria.iter().zip(&second.criteria) {
                assert_eq!(a.score.to_bits(), b.score.to_bits());
            }
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn changed_samples_change_the_score_and_are_caught() {
    let level = Level::find("depth-drill", None).unwrap();
    let mut a = simulate(&level, Persona::Expert, 3, "Ana", "2026-11-21");
    // Press 30 impressions much harder: blowouts, which the stored score did not see. (One alone
    // may not move a score that has full marks to spare: verification proves the stored score
    // is what the samples give, not that no sample was touched.)
    for k in 0..30 {
        a.sessions[0].samples[3 * k + 1].pressure = 1.0;
    }
    let recomputed = score::score(&level.plan, &a, &replay::replay(&level.plan, &a));
    assert!(!recomputed.matches(a.score.as_ref().unwrap()));
    assert_eq!(recomputed.outcomes.blowout, 30);
    assert!(matches!(
        recomputed.verify(&a, &level.hash),
        Verification::Mismatch(_)
    ));
}

#[test]
fn seeds_change_the_attempt_and_renders_are_reproducible() {
    let level = Level::find("depth-drill", None).unwrap();
    let a = simulate(&level, Persona::Expert, 1, "t", "2026-11-21");
    let b = simulate(&level, Persona::Expert, 2, "t", "2026-11-21");
    assert_ne!(a.sessions[0].samples, b.sessions[0].samples);
    let c = Compositor::new(&level.plan);
    let dots = dots_on_day(&replay::replay(&level.plan, &a), 10.0);
    let (w, h, one) = c.render(&dots, 8.0).unwrap();
    let (_, _, two) = c.render(&dots, 8.0).unwrap();
    assert_eq!(one, two);
    // A tile drawn alone matches the same pixels of the whole image.
    let rect = smp_core::render::PixelRect {
        x: 40,
        y: 30,
        width: 64,
        height: 48,
    };
    let mut tile = vec![0u8; 64 * 48 * 4];
    c.render_rect(&dots, 0..dots.len(), 8.0, rect, &mut tile);
    for row in 0..48usize {
        let whole = &one[((30 + row) * w as usize + 40) * 4..((30 + row) * w as usize + 104) * 4];
        assert_eq!(&tile[row * 64 * 4..(row + 1) * 64 * 4], whole, "row {row}");
    }
    assert_eq!((w, h), (320, 240));
}
