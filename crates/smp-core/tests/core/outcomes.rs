//! Depth outcomes from pen pressure through the whole input path, and healing as it renders.

use smp_core::geometry::Point;
use smp_core::render::{Compositor, dots_on_day};
use smp_core::replay::replay;
use smp_core::skin::DepthOutcome;

use crate::support::{attempt_from, level, tap};

/// The raw pressure that sends a straight needle to `depth_mm` on this level's first needle.
fn pressure_for_depth(l: &smp_core::Level, depth_mm: f64) -> f64 {
    depth_mm / l.plan.sessions[0].needle.protrusion_mm
}

#[test]
fn each_outcome_class_arises_from_its_depth() {
    let l = level("depth-drill");
    let plan = &l.plan;
    let w = plan.depth_window;
    let cases = [
        (plan.skin.epidermis_mm * 0.8, DepthOutcome::Shallow),
        (w.centre_mm(), DepthOutcome::Ideal),
        (
            0.5 * (w.max_mm + plan.skin.subcutis_mm()),
            DepthOutcome::Deep,
        ),
        (plan.skin.subcutis_mm() * 1.15, DepthOutcome::Blowout),
    ];
    let rank = |o: DepthOutcome| DepthOutcome::ALL.iter().position(|x| *x == o).unwrap() as i32;
    for (depth, expected) in cases {
        // Many taps at the same pressure: tissue variation must not move them out of the class.
        let samples = (0..30)
            .flat_map(|i| {
                tap(
                    i as f64,
                    Point::new(8.0 + i as f64 * 0.8, 12.0),
                    pressure_for_depth(&l, depth),
                )
            })
            .collect();
        let r = replay(plan, &attempt_from(&l, samples));
        assert_eq!(r.impressions.len(), 30);
        // Tissue varies from tap to tap (as real skin does), so near a boundary an odd tap may
        // land in the neighbouring class, but never further away.
        let hits = r
            .impressions
            .iter()
            .filter(|p| p.tissue.outcome == expected)
            .count();
        assert!(
            hits >= 24,
            "aimed at {depth:.3} mm ({expected:?}): only {hits} of 30"
        );
        for p in &r.impressions {
            assert!(
                (rank(p.tissue.outcome) - rank(expected)).abs() <= 1,
                "aimed at {depth:.3} mm, reached {:.3} mm",
                p.tissue.depth_mm
            );
        }
    }
}

#[test]
fn a_firmer_hand_never_lands_shallower_on_average() {
    let l = level("depth-drill");
    let mean_depth = |p: f64| {
        let samples = (0..40)
            .flat_map(|i| {
                tap(
                    i as f64,
                    Point::new(8.0 + (i % 20) as f64, 10.0 + (i / 20) as f64 * 5.0),
                    p,
                )
            })
            .collect();
        let r = replay(&l.plan, &attempt_from(&l, samples));
        r.impressions.iter().map(|i| i.tissue.depth_mm).sum::<f64>() / r.impressions.len() as f64
    };
    let depths: Vec<f64> = [0.1, 0.2, 0.3, 0.5, 0.8]
        .iter()
        .map(|&p| mean_depth(p))
        .collect();
    assert!(depths.windows(2).all(|w| w[0] < w[1]), "{depths:?}");
}

/// Mean darkness (1 − luma) of the pixels of a small window around `at`.
fn darkness_around(
    l: &smp_core::Level,
    samples: Vec<smp_core::pen::PenSample>,
    day: f64,
    at: Point,
) -> f64 {
    let r = replay(&l.plan, &attempt_from(l, samples));
    let c = Compositor::new(&l.plan);
    let px_per_mm = 40.0;
    let (w, _, px) = c.render(&dots_on_day(&r, day), px_per_mm).unwrap();
    let (cx, cy) = (
        (at.x_mm * px_per_mm) as usize,
        (at.y_mm * px_per_mm) as usize,
    );
    let mut sum = 0.0;
    let mut n = 0.0;
    for y in cy - 16..cy + 16 {
        for x in cx - 16..cx + 16 {
            let i = (y * w as usize + x) * 4;
            sum += 1.0
                - (0.2126 * px[i] as f64 + 0.7152 * px[i + 1] as f64 + 0.0722 * px[i + 2] as f64)
                    / 255.0;
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn healing_and_fading_show_in_the_pixels() {
    let l = level("depth-drill");
    let at = Point::new(20.0, 15.0);
    let ideal = || tap(1.0, at, l.plan.depth_window.centre_mm() / 1.5).to_vec();
    let shallow = || tap(1.0, at, 0.04).to_vec();
    let bare = darkness_around(&l, vec![], 0.0, at);
    let fresh = darkness_around(&l, ideal(), 0.0, at);
    let healed = darkness_around(&l, ideal(), 42.0, at);
    let years = darkness_around(&l, ideal(), 42.0 + 8.0 * 365.25, at);
    // Fresh work is darker (and red) than healed work, which fades over years but stays.
    assert!(
        fresh > healed && healed > years && years > bare,
        "bare {bare} fresh {fresh} healed {healed} years {years}"
    );
    // A shallow dot is visible fresh and gone once the epidermis has renewed.
    let shallow_fresh = darkness_around(&l, shallow(), 0.0, at);
    let shallow_healed = darkness_around(&l, shallow(), 60.0, at);
    assert!(shallow_fresh > bare + 0.002, "{shallow_fresh} vs {bare}");
    assert!(
        (shallow_healed - bare).abs() < 0.002,
        "{shallow_healed} vs {bare}"
    );
}

#[test]
fn a_blowout_spreads_over_far_more_skin_than_an_ideal_dot() {
    let l = level("depth-drill");
    let at = Point::new(20.0, 15.0);
    let bare = darkness_around(&l, vec![], 60.0, at);
    let ideal = darkness_around(&l, tap(1.0, at, 0.23).to_vec(), 60.0, at) - bare;
    let blowout = darkness_around(&l, tap(1.0, at, 1.0).to_vec(), 60.0, at) - bare;
    assert!(blowout > 4.0 * ideal, "blowout {blowout} ideal {ideal}");
}
