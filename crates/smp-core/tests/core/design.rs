//! Issue 20: hairline designs made from known figures, measured on the shipped head, break the
//! rules the literature states and no others.

use smp_core::design::{DesignFault, DesignTargets, MethodPoint, Side, faults, measure};
use smp_core::geometry::{Point, Polyline};
use smp_core::plan::head_named;
use smp_core::surface::{Head, Landmark};

/// The head the designs are drawn on.
fn head() -> std::sync::Arc<Head> {
    head_named("adult-male").unwrap()
}

/// A design drawn by the measured method with the mid-frontal point `height_mm` above the
/// glabella: seen from the front `fall(x)` mm below it at x mm across out to the frontotemporal
/// points, then down to the temporal peaks, waving `tail_wave_mm` there.
fn by_method(
    head: &Head,
    height_mm: f64,
    fall: impl Fn(f64) -> f64,
    tail_wave_mm: f64,
) -> Polyline {
    smp_core::design::drawn_by_method(
        head,
        height_mm,
        &DesignTargets::default(),
        fall,
        tail_wave_mm,
    )
    .expect("on the head")
}

/// A gentle wave seen from the front, the same on both sides, mm below the mid-frontal point.
fn wave(x: f64) -> f64 {
    0.8 - 0.8 * (x.abs() * 0.3).cos()
}

/// A natural adult hairline with its mid-frontal point `height_mm` above the glabella, drawn by
/// the method: level with the brows and waving gently to the frontotemporal points, then down to
/// the temporal peaks.
fn natural(head: &Head, height_mm: f64) -> Polyline {
    by_method(head, height_mm, wave, 0.7)
}

/// The shipped soft hairline on the head with a design step (`design`: the field's RON), as an
/// academy would write it.
fn with_design_step(design: &str) -> smp_core::Level {
    let text = include_str!("../../../../levels/10-head-hairline.ron");
    let end = text.trim_end().rfind(')').unwrap();
    let level = format!("{}    design: {design},\n)\n", &text[..end]);
    smp_core::Level::parse("designed.ron".as_ref(), &level).unwrap_or_else(|e| panic!("{e}"))
}

fn judged(line: &Polyline) -> Vec<DesignFault> {
    let m = measure(&head(), line, &DesignTargets::default()).unwrap();
    faults(&m, &DesignTargets::default())
}

#[test]
fn a_natural_line_on_the_band_breaks_no_rule() {
    let head = head();
    for height in [75.0, 85.0, 95.0] {
        let line = natural(&head, height);
        let m = measure(&head, &line, &DesignTargets::default()).unwrap();
        assert!(
            (m.mfp_height_mm - height).abs() < 1.0,
            "{} vs {height}",
            m.mfp_height_mm
        );
        assert!(m.asymmetry_mm.0 < 1.0, "{:?}", m.asymmetry_mm);
        assert_eq!(
            faults(&m, &DesignTargets::default()),
            vec![],
            "{height} mm: {m:?}"
        );
    }
}

#[test]
fn too_low_and_too_high_say_so_with_the_figures() {
    let head = head();
    let low = judged(&natural(&head, 60.0));
    assert!(
        matches!(low[0], DesignFault::TooLow { height_mm, min_mm } if (height_mm - 60.0).abs() < 1.0 && min_mm == 70.0),
        "{low:?}"
    );
    assert!(low[0].to_string().starts_with("too low"), "{}", low[0]);
    let high = judged(&natural(&head, 115.0));
    assert!(
        matches!(high.as_slice(), [DesignFault::TooHigh { .. }]),
        "{high:?}"
    );
    // A conservative client's band: 85 mm is now too low.
    let mature = DesignTargets {
        mfp_height_mm: (90.0, 100.0),
        ..DesignTargets::default()
    };
    let m = measure(&head, &natural(&head, 85.0), &DesignTargets::default()).unwrap();
    assert!(matches!(
        faults(&m, &mature).as_slice(),
        [DesignFault::TooLow { .. }]
    ));
}

#[test]
fn a_line_low_on_the_forehead_sits_on_its_vertical_plane() {
    let head = head();
    let m = measure(
        &head,
        &smp_core::design::drawn_from_front(&head, 45.0, 54.0, wave).unwrap(),
        &DesignTargets::default(),
    )
    .unwrap();
    assert!(
        m.mfp_tilt_deg < DesignTargets::default().min_mfp_tilt_deg,
        "{m:?}"
    );
    let f = faults(&m, &DesignTargets::default());
    assert!(
        f.iter()
            .any(|f| matches!(f, DesignFault::OnForeheadPlane { .. })),
        "{f:?}"
    );
    // Higher up the forehead turns toward the crown.
    let m = measure(&head, &natural(&head, 80.0), &DesignTargets::default()).unwrap();
    assert!(
        m.mfp_tilt_deg > DesignTargets::default().min_mfp_tilt_deg + 5.0,
        "{m:?}"
    );
}

#[test]
fn one_side_five_millimetres_lower_is_lopsided_and_only_that() {
    let head = head();
    let line = by_method(
        &head,
        85.0,
        |x| {
            wave(x)
                + if x > 0.0 {
                    5.0 * (x / 54.0).min(1.0)
                } else {
                    0.0
                }
        },
        0.7,
    );
    let f = judged(&line);
    match f.as_slice() {
        [
            DesignFault::Lopsided {
                difference_mm, at, ..
            },
        ] => {
            assert!((3.5..7.0).contains(difference_mm), "{difference_mm}");
            let mid = head.map_size_mm().0 / 2.0;
            assert!(at.x_mm < mid - 30.0, "found toward the temple: {at:?}");
        }
        other => panic!("{other:?}"),
    }
    assert!(f[0].to_string().contains("lopsided"));
}

#[test]
fn a_ruler_straight_line_looks_drawn() {
    let head = head();
    // Level across the forehead and straight down the temples: the method's points joined with
    // a ruler.
    let f = judged(&by_method(&head, 85.0, |_| 0.0, 0.0));
    // Ruled lines are regular too; the straight run is what costs most.
    assert!(
        f.iter().all(|f| matches!(
            f,
            DesignFault::Straight { .. } | DesignFault::TooRegular { .. }
        )),
        "{f:?}"
    );
    let longest = f.iter().find_map(|f| match f {
        DesignFault::Straight { length_mm, .. } => Some(*length_mm),
        _ => None,
    });
    assert!(longest.is_some_and(|l| l > 55.0), "{f:?}");
}

#[test]
fn a_perfect_curve_is_too_regular_and_a_gently_waving_one_is_not() {
    let head = head();
    // This test is about the wave: the curve may pass the method's points where it will.
    let loose = DesignTargets {
        method_tolerance_mm: 100.0,
        ..DesignTargets::default()
    };
    let arc = measure(
        &head,
        &by_method(&head, 85.0, |x| 0.002 * x * x, 0.7),
        &loose,
    )
    .unwrap();
    assert!(arc.wave_mm < 0.1, "{arc:?}");
    // (A curve this gentle also runs straight over a stretch longer than the allowance.)
    let f = faults(&arc, &loose);
    assert!(
        f.iter().all(|f| matches!(
            f,
            DesignFault::TooRegular { .. } | DesignFault::Straight { .. }
        )),
        "{f:?}"
    );
    assert!(
        f.iter().any(|f| matches!(f, DesignFault::TooRegular { wave_mm, min_mm } if *wave_mm < 0.1 && *min_mm == 0.3)),
        "{f:?}"
    );
    let waving = measure(&head, &natural(&head, 85.0), &DesignTargets::default()).unwrap();
    assert!(waving.wave_mm > 0.4, "{waving:?}");
    // An academy may ask for none.
    let none = DesignTargets {
        min_wave_mm: 0.0,
        ..loose
    };
    assert!(
        !faults(&arc, &none)
            .iter()
            .any(|f| matches!(f, DesignFault::TooRegular { .. }))
    );
}

#[test]
fn a_line_falling_to_the_temples_too_early_misses_the_methods_points() {
    let head = head();
    // The bell many beginners draw: seen from the front it falls about 18 mm by 54 mm across,
    // and stops there, well short of the temples.
    let line =
        smp_core::design::drawn_from_front(&head, 85.0, 54.0, |x| 0.006 * x * x + wave(x)).unwrap();
    let targets = DesignTargets::default();
    let m = measure(&head, &line, &targets).unwrap();
    let f = faults(&m, &targets);
    let points = smp_core::design::method_points(&head, m.mfp_height_mm, &targets).unwrap();
    let mut missed = Vec::new();
    for fault in &f {
        if let DesignFault::OffTheMethod {
            point,
            side,
            distance_mm,
            at,
            ..
        } = fault
        {
            assert!(*distance_mm > targets.method_tolerance_mm);
            // The place named is the method's point on that side.
            let i = usize::from(*side == Side::Right);
            let expected = match point {
                MethodPoint::Frontotemporal => points.frontotemporal[i],
                MethodPoint::TemporalPeak => points.temporal_peak[i],
            };
            assert!(at.distance(expected) < 0.5, "{fault:?}");
            assert!(fault.to_string().contains("off the method"), "{fault}");
            missed.push((*point, *side));
        }
    }
    for point in [MethodPoint::Frontotemporal, MethodPoint::TemporalPeak] {
        for side in [Side::Left, Side::Right] {
            assert!(
                missed.contains(&(point, side)),
                "{point} {side} not named: {f:?}"
            );
        }
    }
    // Falling 6 mm by the mid-pupil lines is not parallel to the brows either.
    assert!(
        f.iter().any(
            |f| matches!(f, DesignFault::NotParallelToBrows { fall_mm, .. } if *fall_mm > 5.0)
        ),
        "{f:?}"
    );
    // Drawn by the method, the same height passes both.
    let m = measure(&head, &natural(&head, 85.0), &targets).unwrap();
    for (d, _) in m
        .frontotemporal_mm
        .unwrap()
        .into_iter()
        .chain(m.temporal_peak_mm.unwrap())
    {
        assert!(d < 2.0, "{m:?}");
    }
}

#[test]
fn the_middle_half_runs_parallel_to_the_brows() {
    let head = head();
    // Falling (or rising) 8 mm more by the mid-pupil lines, back near level by the temples.
    let bowed = |by: f64| {
        by_method(
            &head,
            85.0,
            // A livelier wave than `wave`, so the flat top of a rising middle does not run straight.
            move |s: f64| {
                1.2 - 1.2 * (s.abs() * 0.45).cos()
                    + by * (std::f64::consts::PI * s.abs().min(64.0) / 64.0)
                        .sin()
                        .powi(2)
            },
            0.7,
        )
    };
    let targets = DesignTargets::default();
    for (by, words) in [(8.0, "converging"), (-8.0, "diverging")] {
        let m = measure(&head, &bowed(by), &targets).unwrap();
        let fall = m.middle_fall_mm.unwrap();
        assert!((fall - by).abs() < 3.5, "{by}: {fall}");
        let f = faults(&m, &targets);
        match f.as_slice() {
            [DesignFault::NotParallelToBrows { fall_mm, range_mm }] => {
                assert_eq!(*fall_mm, fall);
                assert_eq!(*range_mm, (-5.0, 5.0));
                assert!(f[0].to_string().contains(words), "{}", f[0]);
            }
            other => panic!("{by}: {other:?}"),
        }
    }
    // A level that asks for a converging (feminine) line accepts it.
    let feminine = DesignTargets {
        middle_fall_mm: (5.0, 12.0),
        ..DesignTargets::default()
    };
    let m = measure(&head, &bowed(8.0), &feminine).unwrap();
    assert_eq!(faults(&m, &feminine), vec![]);
    // The natural line is level with the brows.
    let m = measure(&head, &natural(&head, 85.0), &targets).unwrap();
    assert!(m.middle_fall_mm.unwrap().abs() < 2.0, "{m:?}");
}

#[test]
fn a_line_that_misses_the_midline_cannot_be_measured() {
    let head = head();
    let mut line = natural(&head, 85.0);
    line.vertices
        .retain(|p| p.x_mm < head.map_size_mm().0 / 2.0 - 5.0);
    assert_eq!(
        measure(&head, &line, &DesignTargets::default()),
        Err(DesignFault::NoMidline)
    );
}

#[test]
fn a_design_round_trips_through_the_attempt_file_in_format_4() {
    use smp_core::attempt::{Attempt, DESIGN_FORMAT_VERSION};
    use smp_core::design::DesignDrawing;
    use smp_core::persona::Persona;
    use smp_core::simulate::simulate;

    let head = head();
    let level = smp_core::Level::find("head-hairline", None).unwrap();
    let mut attempt = simulate(&level, Persona::Expert, 3, "Ana", "2026-12-01");
    let line = natural(&head, 85.0);
    // Drawn as two strokes that meet in the middle, the hairline their join.
    let half = line.vertices.len() / 2;
    attempt.design = Some(DesignDrawing {
        strokes: vec![
            line.vertices[..=half].to_vec(),
            line.vertices[half..].to_vec(),
        ],
        hairline: line.clone(),
    });
    let text = attempt.to_ron();
    assert!(text.contains(&format!("format_version: {DESIGN_FORMAT_VERSION}")));
    assert!(
        text.contains("design: Some((") && text.contains("strokes: ["),
        "{}",
        &text[..600]
    );
    let back = Attempt::parse(std::path::Path::new("a.ron"), &text).unwrap();
    assert_eq!(back.design, attempt.design, "bit for bit");
    assert_eq!(back.to_ron(), text);
    // Without a design the file stays what it was.
    let design = attempt.design.take();
    assert!(!attempt.to_ron().contains("design"));
    attempt.design = design;

    // A design in an older format, or one out of bounds, is refused at its field.
    let old = text.replace("format_version: 4", "format_version: 3");
    let err = Attempt::parse(std::path::Path::new("a.ron"), &old)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("design") && err.contains("format_version: 4"),
        "{err}"
    );
    let line_of_design = text.lines().position(|l| l.contains("design:")).unwrap() + 1;
    assert!(err.contains(&format!("a.ron:{line_of_design}:")), "{err}");
    let mut far = line.clone();
    far.vertices[0] = Point::new(99_999.0, 1.0);
    attempt.design = Some(DesignDrawing {
        strokes: Vec::new(),
        hairline: far,
    });
    let err = Attempt::parse(std::path::Path::new("a.ron"), &attempt.to_ron())
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(err.contains("outside 0–2000 mm"), "{err}");
}

#[test]
fn a_level_with_a_design_step_scores_the_design_by_its_rules() {
    use smp_core::design::DesignDrawing;
    use smp_core::persona::Persona;
    use smp_core::score::{CriterionKind, score};
    use smp_core::simulate::simulate;
    use smp_core::{Level, replay};

    let head = head();
    // The shipped level's text with a design step for a mature client.
    let designed = with_design_step("Some((mfp_height_mm: (80.0, 100.0)))");
    let targets = designed.plan.design.expect("the design step is read");
    assert_eq!(targets.mfp_height_mm, (80.0, 100.0));
    assert_eq!(targets.max_asymmetry_mm, 2.0, "left out: the default");

    let mut attempt = simulate(&designed, Persona::Expert, 2, "Ana", "2026-12-01");
    let judged = |attempt: &smp_core::attempt::Attempt| {
        let r = replay::replay(&designed.plan, attempt);
        score(&designed.plan, attempt, &r)
    };
    let design_of = |s: &smp_core::score::Score| {
        s.criteria
            .iter()
            .find(|c| c.kind == CriterionKind::Design)
            .cloned()
            .expect("a design criterion")
    };
    // The simulated expert designs first, from the level's targets, with a hand's imprecision:
    // in the band, symmetric, never ruler-straight, for any seed; and passes.
    for seed in 1..=4 {
        let a = simulate(&designed, Persona::Expert, seed, "Ana", "2026-12-01");
        let drawing = a.design.as_ref().expect("the expert designs");
        assert_eq!(drawing.strokes.len(), 2);
        let m = measure(&head, &drawing.hairline, &DesignTargets::default()).unwrap();
        assert!(
            (81.0..99.0).contains(&m.mfp_height_mm),
            "seed {seed}: {m:?}"
        );
        let s = judged(&a);
        assert_eq!(
            design_of(&s).score,
            100.0,
            "seed {seed}: {}",
            design_of(&s).reason
        );
        assert!(s.passed, "seed {seed}: {}", s.total);
        // Its stored score is the one the file's design gives.
        let back = smp_core::attempt::Attempt::parse("a.ron".as_ref(), &a.to_ron()).unwrap();
        assert_eq!(back.format_version, 4);
        assert_eq!(
            s.verify(&back, &designed.hash),
            smp_core::score::Verification::Verified
        );
    }
    // Personas that tattoo as experts but design badly fail on the design, and lose most there.
    for (persona, words) in [
        (Persona::LowDesigner, "too low"),
        (Persona::StraightDesigner, "straight"),
    ] {
        assert!(Persona::DESIGN_FAULTS.contains(&persona));
        let a = simulate(&designed, persona, 1, "Ben", "2026-12-01");
        let s = judged(&a);
        let d = design_of(&s);
        assert!(d.score < 60.0, "{persona}: {}", d.score);
        assert!(d.reason.contains(words), "{persona}: {}", d.reason);
        let lowest = s
            .criteria
            .iter()
            .min_by(|a, b| a.score.total_cmp(&b.score))
            .unwrap();
        assert_eq!(lowest.kind, CriterionKind::Design, "{persona}");
        assert!(!s.passed, "{persona}");
    }
    // No design drawn: nothing to judge, and the attempt fails on it.
    attempt.design = None;
    let s = judged(&attempt);
    let d = design_of(&s);
    assert_eq!(d.score, 0.0);
    assert!(
        d.reason.contains("no hairline was designed"),
        "{}",
        d.reason
    );
    assert!(!s.passed);
    // Without a design the work is judged against the level's own band, which it did not follow.
    assert!(
        s.below_floor.contains(&CriterionKind::Design),
        "{:?}",
        s.below_floor
    );

    // A natural line in the band: full marks, and the expert's work passes.
    let good = natural(&head, 90.0);
    attempt.design = Some(DesignDrawing {
        strokes: vec![good.vertices.clone()],
        hairline: good,
    });
    let s = judged(&attempt);
    let d = design_of(&s);
    assert_eq!(d.score, 100.0, "{}", d.reason);
    assert!(d.reason.contains("follows the rules"), "{}", d.reason);
    assert_eq!(d.weight, 2.0);
    assert!(s.passed, "{}", s.total);

    // The same line 8 mm too low for this client: the rule named, the place marked.
    let low = natural(&head, 72.0);
    attempt.design = Some(DesignDrawing {
        strokes: vec![low.vertices.clone()],
        hairline: low,
    });
    let s = judged(&attempt);
    let d = design_of(&s);
    assert!(d.score < 60.0 && d.score > 0.0, "{}", d.score);
    assert!(d.reason.starts_with("too low"), "{}", d.reason);
    assert_eq!(d.places.len(), 1);
    assert!(!s.passed);

    // A flat level cannot ask for a design.
    let flat = include_str!("../../../../levels/03-soft-hairline.ron");
    let end = flat.trim_end().rfind(')').unwrap();
    let flat_design = format!("{}    design: Some(()),\n)\n", &flat[..end]);
    let err = Level::parse("flat.ron".as_ref(), &flat_design)
        .map(|_| ())
        .unwrap_err()
        .to_string();
    assert!(err.contains("a design step needs a head"), "{err}");
}

#[test]
fn a_design_is_drawn_over_the_face_with_its_rule_lines() {
    use smp_core::render::{Camera, Compositor, DESIGN_RGB, RULE_RGB, draw_design, draw_head};
    use smp_core::surface::View;

    let head = head();
    let level = smp_core::Level::find("head-hairline", None).unwrap();
    let compositor = Compositor::new(&level.plan);
    let camera = Camera::of_view(&head, View::Front);
    let count = |p: &smp_core::render::Picture, rgb: [u8; 3]| {
        p.rgb
            .chunks_exact(3)
            .filter(|c| c.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) <= 12))
            .count()
    };
    let bare = draw_head(&head, &compositor, &[], &camera, 600, 600).unwrap();
    assert_eq!(count(&bare, DESIGN_RGB), 0);
    // The design's pixels lie higher up the picture for a higher design.
    let mean_row = |height: f64| {
        let mut p = draw_head(&head, &compositor, &[], &camera, 600, 600).unwrap();
        draw_design(
            &head,
            &camera,
            &mut p,
            &natural(&head, height),
            &DesignTargets::default(),
        );
        let rows: Vec<usize> = p
            .rgb
            .chunks_exact(3)
            .enumerate()
            .filter(|(_, c)| c.iter().zip(DESIGN_RGB).all(|(&a, b)| a.abs_diff(b) <= 12))
            .map(|(i, _)| i / 600)
            .collect();
        assert!(rows.len() > 150, "{} design pixels", rows.len());
        assert!(count(&p, RULE_RGB) > 300, "the rule lines are drawn");
        rows.iter().sum::<usize>() as f64 / rows.len() as f64
    };
    let (low, high) = (mean_row(70.0), mean_row(100.0));
    assert!(
        high + 10.0 < low,
        "a higher design is drawn higher: rows {high} vs {low}"
    );
    // The method's C is at B's height, round the side of the forehead beyond the canthus
    // verticals: a teal mark on each side in the mid-frontal point's row.
    let mut p = draw_head(&head, &compositor, &[], &camera, 600, 600).unwrap();
    draw_design(
        &head,
        &camera,
        &mut p,
        &natural(&head, 85.0),
        &DesignTargets::default(),
    );
    let is = |i: usize, rgb: [u8; 3]| {
        p.rgb[3 * i..3 * i + 3]
            .iter()
            .zip(rgb)
            .all(|(&a, b)| a.abs_diff(b) <= 12)
    };
    let mfp_row = (0..600)
        .find(|&row| is(row * 600 + 300, DESIGN_RGB))
        .expect("the design crosses the midline");
    let beyond = 53.0 * 600.0 / camera.width_mm;
    for side in [-1.0, 1.0] {
        let marked = (mfp_row.saturating_sub(10)..mfp_row + 10).any(|row| {
            (0..600)
                .any(|col| (col as f64 - 300.0) * side > beyond && is(row * 600 + col, RULE_RGB))
        });
        assert!(marked, "no C marked at row {mfp_row}, side {side}");
    }
}

#[test]
fn the_expert_designs_within_every_rule_whatever_the_seed() {
    let head = head();
    for targets in [
        DesignTargets::default(),
        DesignTargets {
            mfp_height_mm: (90.0, 100.0),
            ..DesignTargets::default()
        },
    ] {
        for seed in 1..=20 {
            let d = smp_core::design::expert_design(&head, &targets, seed).unwrap();
            let m = measure(&head, &d.hairline, &targets).unwrap();
            assert_eq!(faults(&m, &targets), vec![], "seed {seed}: {m:?}");
        }
    }
}

#[test]
fn the_rule_lines_lie_on_the_forehead_where_the_landmarks_put_them() {
    let head = head();
    let lines = smp_core::design::rule_lines(&head);
    // The glabella's level, the midline, two canthus and two mid-pupil verticals.
    assert_eq!(lines.len(), 6);
    assert!(
        lines.iter().all(|l| l.len() >= 10),
        "{:?}",
        lines.iter().map(Vec::len).collect::<Vec<_>>()
    );
    let mid = head.map_size_mm().0 / 2.0;
    assert!(
        lines[1].iter().all(|p| (p.x_mm - mid).abs() < 0.5),
        "the midline is the map's"
    );
    // The verticals rise from the glabella's level toward the vertex (the map's centre).
    let centre = Point::new(mid, mid);
    for v in &lines[1..] {
        let (first, last) = (v[0], v[v.len() - 1]);
        assert!(last.distance(centre) < first.distance(centre));
    }
}

#[test]
fn a_report_shows_the_design_over_the_face() {
    use smp_core::persona::Persona;
    use smp_core::render::DESIGN_RGB;
    use smp_core::simulate::simulate;

    let designed = with_design_step("Some(())");
    let pink = |attempt: smp_core::attempt::Attempt| {
        let r = smp_core::review::ReviewedAttempt::new("a.ron".as_ref(), designed.clone(), attempt)
            .unwrap();
        let (_, _, rgba) =
            smp_core::report::picture(&r, &r.attempt.review.clone().unwrap_or_default()).unwrap();
        rgba.chunks_exact(4)
            .filter(|c| {
                c[..3]
                    .iter()
                    .zip(DESIGN_RGB)
                    .all(|(&a, b)| a.abs_diff(b) <= 12)
            })
            .count()
    };
    let mut attempt = simulate(&designed, Persona::Expert, 1, "Ana", "2026-12-01");
    assert!(
        pink(attempt.clone()) > 50,
        "the design is drawn in the report's front view"
    );
    attempt.design = None;
    assert_eq!(pink(attempt), 0);
}

#[test]
fn the_tattooing_step_follows_the_design() {
    use smp_core::design::DesignDrawing;

    let head = head();
    let level = with_design_step("Some((mfp_height_mm: (80.0, 100.0), band_mm: 20.0))");
    let plan = &level.plan;
    let line = natural(&head, 95.0);
    let design = DesignDrawing {
        strokes: vec![line.vertices.clone()],
        hairline: line.clone(),
    };
    let followed = plan.tattooed_with(Some(&design));
    // The designed line is the hairline, with the level's transition.
    let hairline = followed.hairline.as_ref().unwrap();
    assert_eq!(hairline.line, line);
    assert_eq!(
        hairline.transition_mm,
        plan.hairline.as_ref().unwrap().transition_mm
    );
    // The one zone is the band behind the designed line, under the level's zone's name and density.
    assert_eq!(followed.zones.len(), 1);
    assert_eq!(followed.zones[0].name, plan.zones[0].name);
    let mid = head.map_size_mm().0 / 2.0;
    let mfp = measure(&head, &line, &DesignTargets::default())
        .unwrap()
        .mfp;
    let on_midline = |dy: f64| Point::new(mid, mfp.y_mm + dy);
    assert!(followed.zone_at(on_midline(10.0)).is_some(), "10 mm behind");
    assert!(followed.zone_at(on_midline(18.0)).is_some(), "18 mm behind");
    assert!(followed.zone_at(on_midline(-3.0)).is_none(), "in front");
    assert!(
        followed.zone_at(on_midline(23.0)).is_none(),
        "past the band"
    );
    // Where the level's own band was, ahead of this higher design, nothing is asked any more.
    let old_front = on_midline(-20.0);
    assert!(
        plan.zone_at(old_front).is_some(),
        "the level's zone was here"
    );
    assert_eq!(followed.final_density_at(old_front), 0.0);
    assert!(followed.final_density_at(on_midline(15.0)) > 50.0);
    // The band follows the front of the line: behind each of its points, never ahead. (At the
    // frontotemporal points the line turns sharply back down the temples, and behind is no
    // longer +y on the map there.)
    for p in line
        .vertices
        .iter()
        .step_by(5)
        .filter(|p| (p.x_mm - mid).abs() < 35.0)
    {
        let n = followed
            .zones
            .iter()
            .filter(|z| z.outline.contains(Point::new(p.x_mm, p.y_mm + 6.0)))
            .count();
        assert_eq!(n, 1, "6 mm behind {p:?}");
        assert!(
            followed.zone_at(Point::new(p.x_mm, p.y_mm - 4.0)).is_none(),
            "4 mm ahead of {p:?}"
        );
    }
    // Without a design, or on a level without a design step, the plan is the level's.
    assert_eq!(*plan.tattooed_with(None), *plan);
    let plain = smp_core::Level::find("head-hairline", None).unwrap();
    assert_eq!(*plain.plan.tattooed_with(Some(&design)), plain.plan);
    // Following a design twice is following it once (the trainer keeps the followed plan).
    assert_eq!(*followed.tattooed_with(Some(&design)), *followed);
}

#[test]
fn work_that_ignores_the_design_is_scored_against_it() {
    use smp_core::persona::Persona;
    use smp_core::score::{CriterionKind, score};
    use smp_core::simulate::simulate;

    let level = with_design_step("Some((mfp_height_mm: (90.0, 100.0)))");
    let attempt = simulate(&level, Persona::Expert, 1, "Ana", "2026-12-01");
    let criterion = |a: &smp_core::attempt::Attempt, kind: CriterionKind| {
        let r = smp_core::replay::replay(&level.plan, a);
        let s = score(&level.plan, a, &r);
        s.criteria.iter().find(|c| c.kind == kind).unwrap().score
    };
    assert!(criterion(&attempt, CriterionKind::Hairline) > 90.0);
    assert!(criterion(&attempt, CriterionKind::Density) > 80.0);
    // The same design with work done on the level's own band (about 15 mm lower): the work
    // misses the band behind the line the trainee drew.
    let plain = simulate(
        &smp_core::Level::find("head-hairline", None).unwrap(),
        Persona::Expert,
        1,
        "Ana",
        "2026-12-01",
    );
    let mut ignoring = attempt.clone();
    ignoring.sessions = plain.sessions;
    assert!(
        criterion(&ignoring, CriterionKind::Hairline) < 60.0,
        "{}",
        criterion(&ignoring, CriterionKind::Hairline)
    );
    assert!(
        criterion(&ignoring, CriterionKind::Density) < criterion(&attempt, CriterionKind::Density)
    );
}

#[test]
fn marker_strokes_make_one_line_from_temple_to_temple() {
    use smp_core::design::DesignDrawing;

    let p = |x: f64, y: f64| Point::new(x, y);
    // The right half drawn first, right to left; then the left half, left to right.
    let right: Vec<Point> = (0..=30).map(|k| p(320.0 - f64::from(k), 220.0)).collect();
    let left: Vec<Point> = (0..=30).map(|k| p(260.0 + f64::from(k), 221.0)).collect();
    let d = DesignDrawing::from_strokes(vec![right.clone(), left.clone()]).unwrap();
    assert_eq!(
        d.strokes,
        vec![right.clone(), left],
        "the strokes kept as drawn"
    );
    let xs: Vec<f64> = d.hairline.vertices.iter().map(|v| v.x_mm).collect();
    assert!(xs.windows(2).all(|w| w[0] < w[1]), "{xs:?}");
    assert_eq!(xs.first(), Some(&260.0));
    assert_eq!(xs.last(), Some(&320.0));
    // A stroke that starts on the line redraws it from there: the old tail is gone.
    let redraw: Vec<Point> = (0..=20).map(|k| p(300.0 + f64::from(k), 223.0)).collect();
    let d = DesignDrawing::from_strokes(vec![right.clone(), redraw]).unwrap();
    assert!(
        d.hairline
            .vertices
            .iter()
            .all(|v| v.x_mm < 300.0 || v.y_mm == 223.0)
    );
    assert_eq!(d.hairline.vertices.last(), Some(&p(320.0, 223.0)));
    // One that starts further off is joined end to start.
    let apart: Vec<Point> = (0..=20).map(|k| p(300.0 + f64::from(k), 240.0)).collect();
    let d = DesignDrawing::from_strokes(vec![right, apart]).unwrap();
    assert_eq!(d.hairline.vertices[30], p(320.0, 220.0));
    assert_eq!(d.hairline.vertices.last(), Some(&p(320.0, 240.0)));
    // A long scribble is thinned to what a hairline may hold, evenly, ends kept.
    let long: Vec<Point> = (0..5000)
        .map(|k| p(100.0 + f64::from(k) * 0.2, 220.0))
        .collect();
    let d = DesignDrawing::from_strokes(vec![long]).unwrap();
    assert_eq!(
        d.hairline.vertices.len(),
        smp_core::limits::MAX_HAIRLINE_VERTICES
    );
    assert_eq!(d.hairline.vertices[0], p(100.0, 220.0));
    assert!(d.problem(smp_core::limits::MAX_DESIGN_MM).is_none());
    // A dot is not a line.
    assert!(DesignDrawing::from_strokes(vec![vec![p(1.0, 1.0)]]).is_none());
    assert!(DesignDrawing::from_strokes(Vec::new()).is_none());
}

#[test]
fn every_shipped_design_level_is_passed_by_the_expert_and_failed_by_bad_designers() {
    use smp_core::persona::Persona;
    use smp_core::score::{CriterionKind, score};
    use smp_core::simulate::simulate;

    let designs: Vec<smp_core::Level> = smp_core::levels::SHIPPED
        .iter()
        .map(|(name, text)| smp_core::Level::parse(name.as_ref(), text).unwrap())
        .filter(|l| l.plan.design.is_some())
        .collect();
    let ids: Vec<&str> = designs.iter().map(|l| l.plan.id.as_str()).collect();
    assert_eq!(ids, ["design-young", "design-mature", "design-asymmetric"]);
    for level in &designs {
        for (persona, passes) in [
            (Persona::Expert, true),
            (Persona::LowDesigner, false),
            (Persona::StraightDesigner, false),
        ] {
            let a = simulate(level, persona, 7, "t", "2026-12-01");
            let s = score(&level.plan, &a, &smp_core::replay::replay(&level.plan, &a));
            let design = s
                .criteria
                .iter()
                .find(|c| c.kind == CriterionKind::Design)
                .unwrap();
            assert_eq!(
                s.passed, passes,
                "{} {persona}: {}",
                level.plan.id, design.reason
            );
            if passes {
                assert_eq!(design.score, 100.0, "{}: {}", level.plan.id, design.reason);
            } else {
                assert_eq!(
                    s.capped_by,
                    Some(CriterionKind::Design),
                    "{} {persona}",
                    level.plan.id
                );
            }
        }
    }
    // The asymmetric head's remaining hair is lopsided: its right temple lies further back.
    let asym = &designs[2];
    let hair = &asym.plan.skin.hair[0].outline;
    let mid = asym.plan.canvas_mm.0 / 2.0;
    let front_at = |x: f64| {
        (150..300)
            .map(|y| Point::new(x, f64::from(y)))
            .find(|p| hair.contains(*p))
            .unwrap()
            .y_mm
    };
    let (left, right) = (front_at(mid - 100.0), front_at(mid + 100.0));
    assert!(
        right > left + 5.0,
        "left temple's hair at {left}, right's at {right}"
    );
}

#[test]
fn a_review_measures_the_work_against_the_band_behind_the_design() {
    use smp_core::persona::Persona;
    use smp_core::simulate::simulate;

    let level = smp_core::Level::find("design-mature", None).unwrap();
    let attempt = simulate(&level, Persona::Expert, 2, "Ana", "2026-12-01");
    let design = attempt.design.clone().expect("the expert designs");
    let r =
        smp_core::review::ReviewedAttempt::new("a.ron".as_ref(), level.clone(), attempt).unwrap();
    assert_eq!(r.level.hash, level.hash, "the level file is the same");
    assert_eq!(
        r.level.plan.hairline.as_ref().unwrap().line,
        design.hairline
    );
    assert_ne!(r.level.plan.zones, level.plan.zones);
    assert!(r.verification.is_verified(), "{}", r.verification);
    // The density map's planned cells are the band's, behind the line.
    let mfp = measure(&head(), &design.hairline, &DesignTargets::default())
        .unwrap()
        .mfp;
    assert!(
        r.density
            .iter()
            .filter(|c| c.planned > 0.0)
            .all(|c| c.centre.y_mm > mfp.y_mm - 6.0),
        "a planned cell ahead of the designed line"
    );
}

#[test]
fn the_methods_points_lie_where_its_distances_put_them() {
    let head = head();
    let g = head.landmark_3d(Landmark::Glabella).unwrap();
    let points = smp_core::design::method_points(&head, 80.0, &DesignTargets::default()).unwrap();
    let b = head.point_at(points.mfp).unwrap();
    let mid = head.map_size_mm().0 / 2.0;
    assert!((points.mfp.x_mm - mid).abs() < 1e-6, "B on the midline");
    let along_b = head.along_skin_mm(head.landmark(Landmark::Glabella).unwrap(), points.mfp);
    assert!((along_b.unwrap() - 80.0).abs() < 0.5, "{along_b:?}");
    for side in 0..2 {
        let (e, c, d) = (
            head.point_at(points.lateral[side]).unwrap(),
            head.point_at(points.frontotemporal[side]).unwrap(),
            head.point_at(points.temporal_peak[side]).unwrap(),
        );
        // E at the glabella's height, C at B's: each in a horizontal plane.
        assert!((e.z - g.z).abs() < 0.5, "{e:?}");
        assert!((c.z - b.z).abs() < 0.5, "{c:?} vs {b:?}");
        // 80 mm round the head is more than the shortest way over the skin, and not much more.
        let bc = head
            .along_skin_mm(points.mfp, points.frontotemporal[side])
            .unwrap();
        assert!((70.0..=80.0).contains(&bc), "B–C {bc}");
        // E lies near the outer canthus, outside it; C to the side of the forehead; D between.
        let canthus = head.landmark_3d(Landmark::OuterCanthusRight).unwrap().x;
        assert!(e.x.abs() > canthus && e.x.abs() < canthus + 25.0, "{e:?}");
        assert!((d - c).length() > 49.0 && (d - c).length() < 51.0);
        assert!(d.z < c.z && d.z > e.z, "D between C and E: {d:?}");
        // The left side mirrors the right (the shipped head is symmetric).
        let other = head.point_at(points.frontotemporal[1 - side]).unwrap();
        assert!((c.x + other.x).abs() < 0.5 && (c.z - other.z).abs() < 0.5);
    }
}

#[test]
fn a_level_whose_method_does_not_fit_the_head_is_refused() {
    let text = include_str!("../../../../levels/10-head-hairline.ron");
    let end = text.trim_end().rfind(')').unwrap();
    // D 80 mm from C: past E, where the line from C to E ends.
    let level = format!(
        "{}    design: Some((temporal_peak_mm: 80.0)),\n)\n",
        &text[..end]
    );
    let err = smp_core::Level::parse("long-peak.ron".as_ref(), &level)
        .err()
        .expect("refused")
        .to_string();
    assert!(err.contains("measured method does not fit"), "{err}");
    // The defaults fit.
    with_design_step("Some(())");
}

#[test]
fn an_older_score_is_rescored_only_where_the_rules_changed_for_it() {
    use smp_core::persona::Persona;
    use smp_core::score::{SCORING_VERSION, Verification, score};
    use smp_core::simulate::simulate;

    for (id, changed_for_it) in [("design-young", true), ("head-hairline", false)] {
        let level = smp_core::Level::find(id, None).unwrap();
        let attempt = simulate(&level, Persona::Expert, 1, "Ana", "2026-12-01");
        let s = score(
            &level.plan,
            &attempt,
            &smp_core::replay::replay(&level.plan, &attempt),
        );
        let stored_as = |version: u32, shift: f64| {
            let mut a = attempt.clone();
            let st = a.score.as_mut().unwrap();
            st.scoring_version = version;
            st.total += shift;
            s.verify(&a, &level.hash)
        };
        // The same numbers verify, whichever version stored them.
        assert_eq!(stored_as(2, 0.0), Verification::Verified);
        // Other numbers from version 2: rescored where version 3 changed the rules (designs),
        // tampered where it did not.
        match stored_as(2, -1.0) {
            Verification::OlderVersion { version: 2, .. } => assert!(changed_for_it, "{id}"),
            Verification::Mismatch(_) => assert!(!changed_for_it, "{id}"),
            other => panic!("{id}: {other:?}"),
        }
        // Version 1 had other criteria everywhere; a version from the future is no excuse.
        assert!(matches!(
            stored_as(1, -1.0),
            Verification::OlderVersion { .. }
        ));
        assert!(matches!(
            stored_as(SCORING_VERSION + 1, -1.0),
            Verification::Mismatch(_)
        ));
        assert!(matches!(
            stored_as(SCORING_VERSION, -1.0),
            Verification::Mismatch(_)
        ));
    }
}
