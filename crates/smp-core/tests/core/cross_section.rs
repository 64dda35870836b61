//! Where the pigment went: the cut through the skin at one impression.

use smp_core::cross_section::CrossSection;
use smp_core::geometry::Point;
use smp_core::pen::{PenSample, tap};
use smp_core::replay::replay;
use smp_core::skin::DepthOutcome;

use crate::support::{attempt_from, level};

/// Taps at `places` with `pressure`, one second apart, the pen leaned by `tilt_rad` toward +x.
fn taps(places: &[Point], pressure: f64, tilt_rad: f64) -> Vec<PenSample> {
    places
        .iter()
        .enumerate()
        .flat_map(|(k, p)| {
            tap(1.0 + k as f64, *p, pressure).map(|mut s| {
                s.tilt_x_rad = tilt_rad;
                s
            })
        })
        .collect()
}

#[test]
fn an_ideal_dot_stays_in_the_dermis_and_a_blowout_sinks_and_spreads_into_the_fat() {
    let level = level("depth-drill");
    let places: Vec<Point> = (0..12)
        .map(|k| Point::new(5.0 + 2.5 * f64::from(k), 10.0))
        .collect();
    let (light, firm) = places.split_at(6);
    let mut samples = taps(light, 0.25, 0.0);
    samples.extend(taps(firm, 1.0, 0.0).into_iter().map(|mut s| {
        s.t_s += 10.0;
        s
    }));
    let attempt = attempt_from(&level, samples);
    let r = replay(&level.plan, &attempt);
    let find = |o: DepthOutcome| {
        r.impressions
            .iter()
            .find(|p| p.tissue.outcome == o)
            .unwrap_or_else(|| panic!("no {o:?} impression"))
    };

    let ideal = CrossSection::of(&level.plan, find(DepthOutcome::Ideal), 42.0);
    assert!(ideal.epidermis_mm < ideal.needle.depth_mm);
    assert!(ideal.needle.depth_mm < ideal.subcutis_mm);
    assert!((ideal.target_mm.0..=ideal.target_mm.1).contains(&ideal.needle.depth_mm));
    assert_eq!(ideal.layer_reached(), "the dermis");
    // Square to the skin: the path is the depth.
    assert!((ideal.needle.length_mm - ideal.needle.depth_mm).abs() < 0.02);
    // Healed: where it was put, a little narrower, still there.
    assert_eq!(ideal.later.depth_mm, ideal.fresh.depth_mm);
    assert!(ideal.later.width_mm < ideal.fresh.width_mm);
    assert!(ideal.later.opacity > 0.5);
    assert!(ideal.scar.is_none());

    let blowout = CrossSection::of(&level.plan, find(DepthOutcome::Blowout), 42.0);
    assert!(blowout.needle.depth_mm >= blowout.subcutis_mm);
    assert!(blowout.layer_reached().contains("subcutis"));
    assert!(blowout.later.width_mm > 2.0 * blowout.fresh.width_mm);
    assert!(blowout.later.depth_mm > blowout.fresh.depth_mm);
    assert!(blowout.later.thickness_mm > blowout.fresh.thickness_mm);
    // Blue-grey: the healed blowout is bluer than its fresh pigment.
    let blueness = |rgb: [f64; 3]| rgb[2] - rgb[0];
    assert!(blueness(blowout.later.rgb) > blueness(blowout.fresh.rgb));
}

#[test]
fn a_leaning_needle_travels_further_than_it_goes_deep_and_a_scar_is_shown_under_it() {
    let level = level("strip-scar");
    // Inside the scar's outline (y 17–21 along x 12–108).
    let places = [Point::new(50.0, 19.0), Point::new(60.0, 19.0)];
    let attempt = attempt_from(&level, taps(&places, 0.35, 0.6));
    let r = replay(&level.plan, &attempt);
    let first = &r.impressions[0];
    assert!(
        first.impression.tilt_rad > 0.4,
        "{}",
        first.impression.tilt_rad
    );
    let cut = CrossSection::of(&level.plan, first, 0.0);
    assert!(cut.needle.length_mm > cut.needle.depth_mm * 1.05);
    assert!(cut.needle.across_mm > 0.1 * cut.needle.depth_mm);
    assert_eq!(cut.fresh.across_mm, cut.needle.across_mm);
    let scar = cut.scar.expect("the impression is in the scar");
    assert!(scar.retention < 1.0 && scar.fade_factor > 1.0);
    // Day 0 is the fresh pigment itself.
    assert_eq!(cut.later, cut.fresh);
}
