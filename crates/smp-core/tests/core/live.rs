//! Live sessions agree with replay, and the incrementally drawn canvas with a full render.

use smp_core::live::LiveSession;
use smp_core::persona::Persona;
use smp_core::render::{Compositor, TileCanvas, dots_on_day};
use smp_core::simulate::simulate;
use smp_core::{Level, replay, score};

#[test]
fn a_live_session_makes_exactly_the_impressions_replay_makes() {
    let level = Level::find("three-sessions", None).unwrap();
    let plan = &level.plan;
    let model = simulate(&level, Persona::Drifter, 12, "t", "2026-11-21");
    // Feed every session's samples through live sessions, as the trainer does.
    let mut live_attempt = model.clone();
    live_attempt.sessions.clear();
    let mut live_impressions = Vec::new();
    for s in &model.sessions {
        let mut live = LiveSession::start(
            plan,
            &live_attempt,
            live_impressions.len(),
            s.days_since_previous,
            s.needle,
            s.shade,
        );
        for sample in &s.samples {
            live.push(plan, &model.pressure_curve, model.seed, *sample);
        }
        let (_, record, made) = live.finish(plan, &model.pressure_curve, model.seed);
        live_impressions.extend(made);
        live_attempt.sessions.push(record);
    }
    let replayed = replay::replay(plan, &model);
    assert_eq!(live_impressions, replayed.impressions);
    assert_eq!(live_attempt.sessions, model.sessions);
    let s = score::score(plan, &live_attempt, &replayed);
    assert!(s.matches(model.score.as_ref().unwrap()));
}

#[test]
fn dots_added_one_by_one_draw_the_same_pixels_as_a_full_render() {
    let level = Level::find("depth-drill", None).unwrap();
    let a = simulate(&level, Persona::HeavyHand, 2, "t", "2026-11-21");
    let dots = dots_on_day(&replay::replay(&level.plan, &a), 0.0);
    let c = Compositor::new(&level.plan);
    let px_per_mm = 6.0;
    let mut canvas = TileCanvas::new(&c, px_per_mm, 64).unwrap();
    assert_eq!(
        canvas.take_dirty().len(),
        (canvas.cols * canvas.rows) as usize
    );
    for d in &dots {
        canvas.add_dot(&c, *d);
    }
    assert!(!canvas.take_dirty().is_empty());
    assert!(canvas.take_dirty().is_empty());
    let (w, h, full) = c.render(&dots, px_per_mm).unwrap();
    for y in 0..h {
        for x in 0..w {
            let t = (y / 64 * canvas.cols + x / 64) as usize;
            let i = (((y % 64) * 64 + x % 64) * 4) as usize;
            let j = ((y * w + x) * 4) as usize;
            assert_eq!(
                &canvas.tiles[t][i..i + 4],
                &full[j..j + 4],
                "pixel ({x}, {y})"
            );
        }
    }
}
