//! Issue 20: hairline designs made from known figures, measured on the shipped head, break the
//! rules the literature states and no others.

use smp_core::design::{DesignFault, DesignTargets, faults, measure};
use smp_core::geometry::{Point, Polyline};
use smp_core::plan::head_named;
use smp_core::surface::{Head, Landmark};

/// The head the designs are drawn on.
fn head() -> std::sync::Arc<Head> {
    head_named("adult-male").unwrap()
}

/// The skin's height z (head frame, mm) at `height_mm` above the glabella on the midline.
fn z_at_height(head: &Head, height_mm: f64) -> f64 {
    smp_core::design::z_at_height(head, height_mm).unwrap()
}

/// A design drawn as the eye sees it from the front: height `z(x)` (mm, head frame) for x from
/// −54 to 54 mm, every 2 mm.
fn drawn_from_front(head: &Head, z: impl Fn(f64) -> f64) -> Polyline {
    let top = z(0.0);
    let height = {
        // The core draws from a height above the glabella; find the one at z(0).
        let glabella = head.landmark(Landmark::Glabella).unwrap();
        let mfp = smp_core::design::seen_from_front(head, 0.0, top).unwrap();
        head.along_skin_mm(glabella, mfp).unwrap()
    };
    smp_core::design::drawn_from_front(head, height, 54.0, |x| top - z(x)).expect("on the head")
}

/// A natural adult hairline with its mid-frontal point `height_mm` above the glabella: convex in
/// the middle, falling about 18 mm to each temple, with a gentle wave (the same on both sides).
fn natural(head: &Head, height_mm: f64) -> Polyline {
    let top = z_at_height(head, height_mm);
    drawn_from_front(head, |x| {
        top - 0.006 * x * x + 0.8 * (x.abs() * 0.3).cos() - 0.8
    })
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
    let m = measure(&head(), line).unwrap();
    faults(&m, &DesignTargets::default())
}

#[test]
fn a_natural_line_on_the_band_breaks_no_rule() {
    let head = head();
    for height in [75.0, 85.0, 95.0] {
        let line = natural(&head, height);
        let m = measure(&head, &line).unwrap();
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
    let m = measure(&head, &natural(&head, 85.0)).unwrap();
    assert!(matches!(
        faults(&m, &mature).as_slice(),
        [DesignFault::TooLow { .. }]
    ));
}

#[test]
fn a_line_low_on_the_forehead_sits_on_its_vertical_plane() {
    let head = head();
    let m = measure(&head, &natural(&head, 45.0)).unwrap();
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
    let m = measure(&head, &natural(&head, 80.0)).unwrap();
    assert!(
        m.mfp_tilt_deg > DesignTargets::default().min_mfp_tilt_deg + 5.0,
        "{m:?}"
    );
}

#[test]
fn one_side_five_millimetres_lower_is_lopsided_and_only_that() {
    let head = head();
    let top = z_at_height(&head, 85.0);
    let line = drawn_from_front(&head, |x| {
        let drop = if x > 0.0 { 5.0 * x / 54.0 } else { 0.0 };
        top - 0.006 * x * x + 0.8 * (x.abs() * 0.3).cos() - 0.8 - drop
    });
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
    let top = z_at_height(&head, 85.0);
    // Flat across the forehead, then turning down to the temples.
    let line = drawn_from_front(&head, |x| top - 0.02 * (x.abs() - 30.0).max(0.0).powi(2));
    let f = judged(&line);
    match f.as_slice() {
        [DesignFault::Straight { length_mm, .. }] => assert!(*length_mm > 55.0, "{length_mm}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_line_that_misses_the_midline_cannot_be_measured() {
    let head = head();
    let top = z_at_height(&head, 85.0);
    let mut line = drawn_from_front(&head, |x| top - 0.006 * x * x);
    line.vertices
        .retain(|p| p.x_mm < head.map_size_mm().0 / 2.0 - 5.0);
    assert_eq!(measure(&head, &line), Err(DesignFault::NoMidline));
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
        let m = measure(&head, &drawing.hairline).unwrap();
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
    assert_eq!(s.capped_by, Some(CriterionKind::Design));

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
        draw_design(&head, &camera, &mut p, &natural(&head, height));
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
            let m = measure(&head, &d.hairline).unwrap();
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
