//! The pipeline on a head: the needle's angle to the skin, measures on the skin (spacing, density
//! and the Clark–Evans ratio over true areas), head levels' validation, head attempts in their
//! file format, and the pictures.

use smp_core::attempt::{Attempt, HEAD_FORMAT_VERSION};
use smp_core::geometry::{Point, Vec3};
use smp_core::needle::{Impression, Needle, NeedleGroup};
use smp_core::pen::{PenSample, PressureCurve, Stroke};
use smp_core::persona::Persona;
use smp_core::rng::{Purpose, Stream};
use smp_core::simulate::simulate;
use smp_core::surface::{Landmark, Surface, View};
use smp_core::{Level, replay, score};

use crate::support::{attempt_from, temp_dir};

const NEEDLE: Needle = Needle {
    group: NeedleGroup::OneRl,
    diameter_mm: 0.25,
    protrusion_mm: 1.5,
};

fn head_level(id: &str) -> Level {
    Level::find(id, None).unwrap()
}

/// A quick tap at map place `at` with the needle along `axis`.
fn tap_on_head(t: f64, at: Point, axis: Vec3, pressure: f64) -> [PenSample; 3] {
    let s = |t_s, pressure, contact| PenSample {
        t_s,
        at,
        pressure,
        tilt_x_rad: 0.0,
        tilt_y_rad: 0.0,
        contact,
        axis: Some(axis),
    };
    [
        s(t, pressure * 0.5, true),
        s(t + 0.04, pressure, true),
        s(t + 0.08, 0.0, false),
    ]
}

#[test]
fn the_same_hand_enters_steeper_on_the_vertex_than_above_the_ear() {
    let level = head_level("head-full");
    let surface = level.plan.surface();
    let Surface::Head(head) = &surface else {
        panic!("head-full is on a head")
    };
    let vertex = head.landmark(Landmark::Vertex).unwrap();
    // 25 mm of skin above the top of the right ear, on the map (toward the vertex).
    let ear = head.landmark(Landmark::EarTopRight).unwrap();
    let up = (vertex - ear).normalized();
    let above_ear = ear + up * 25.0;
    // The same hand: the needle straight down, as over the top of the head.
    let down = Vec3::new(0.0, 0.0, -1.0);
    let impression = |at: Point| {
        let stroke = Stroke {
            start_s: 1.0,
            end_s: 1.1,
            entry: at,
            exit: at,
            peak_pressure: 0.25,
            tilt_x_rad: 0.0,
            tilt_y_rad: 0.0,
            axis: Some(down),
        };
        Impression::from_stroke_on(&stroke, &PressureCurve::Linear, &NEEDLE, &surface).unwrap()
    };
    let (top, side) = (impression(vertex), impression(above_ear));
    assert!(top.tilt_rad < 0.1, "square to the vertex: {}", top.tilt_rad);
    assert!(
        side.tilt_rad > 0.8,
        "oblique above the ear: {}",
        side.tilt_rad
    );
    assert!(top.nominal_depth_mm > side.nominal_depth_mm * 1.4);
    assert!(side.elongation > 1.4 && top.elongation < 1.01);
    // On a flat skin the same stroke keeps its pen tilt as the angle (the axis is ignored).
    let flat = head_level("depth-drill");
    let stroke = Stroke {
        start_s: 1.0,
        end_s: 1.1,
        entry: Point::new(10.0, 10.0),
        exit: Point::new(10.0, 10.0),
        peak_pressure: 0.25,
        tilt_x_rad: 0.3,
        tilt_y_rad: 0.0,
        axis: Some(down),
    };
    let on_flat = Impression::from_stroke_on(
        &stroke,
        &PressureCurve::Linear,
        &NEEDLE,
        &flat.plan.surface(),
    )
    .unwrap();
    assert_eq!(
        Some(on_flat),
        Impression::from_stroke(&stroke, &PressureCurve::Linear, &NEEDLE)
    );
    // A needle pointing out of the skin makes no impression.
    let outward = Stroke {
        axis: Some(Vec3::new(0.0, 0.0, 1.0)),
        entry: vertex,
        exit: vertex,
        ..stroke
    };
    assert!(
        Impression::from_stroke_on(&outward, &PressureCurve::Linear, &NEEDLE, &surface).is_none()
    );
}

/// `n` places on a map disc of radius `r_mm` around `centre`, uniform by skin area (rejection
/// by the area element), seeded.
fn poisson_by_skin_area(surface: &Surface, centre: Point, r_mm: f64, n: usize) -> Vec<Point> {
    let mut rng = Stream::new(11, Purpose::Persona, 0);
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let p = Point::new(
            centre.x_mm + rng.range(-r_mm, r_mm),
            centre.y_mm + rng.range(-r_mm, r_mm),
        );
        if p.distance(centre) > r_mm {
            continue;
        }
        let area = surface.area_element(p).unwrap();
        if rng.uniform() * 1.0 <= area {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_poisson_pattern_by_true_area_has_a_clark_evans_ratio_near_one() {
    // A level of one round zone around the vertex, 110 mm across on the map, at the density
    // 20,000 dots give it on the skin.
    let full = head_level("head-full");
    let surface = full.plan.surface();
    let Surface::Head(head) = &surface else {
        panic!()
    };
    let vertex = head.landmark(Landmark::Vertex).unwrap();
    let r = 55.0;
    let disc: Vec<Point> = (0..96)
        .map(|k| {
            let a = k as f64 / 96.0 * std::f64::consts::TAU;
            Point::new(vertex.x_mm + r * a.sin(), vertex.y_mm - r * a.cos())
        })
        .collect();
    let area_cm2 = surface.area_mm2(&smp_core::geometry::Polygon::new(disc.clone())) / 100.0;
    let n = 20_000;
    let density = n as f64 / area_cm2;
    let outline = disc
        .iter()
        .map(|p| format!("({:.4}, {:.4})", p.x_mm, p.y_mm))
        .collect::<Vec<_>>()
        .join(", ");
    let text = format!(
        r#"(
    id: "poisson-disc",
    title: "Poisson disc",
    brief: "A test.",
    difficulty: Beginner,
    surface: Head("adult-male"),
    skin: (epidermis_mm: 0.08, dermis_mm: 1.2, fitzpatrick: III, skin_type: Normal, sun_exposure: 0.3),
    zones: [(name: "disc", outline: [{outline}], density: Uniform({density:.6}))],
    min_spacing_mm: 0.05,
    depth_window: (min_mm: 0.2, max_mm: 0.5),
    sessions: [(needle: (group: OneRL, diameter_mm: 0.25, protrusion_mm: 1.5), shade: Dark, density_fraction: 1.0)],
    pass_mark: 70.0,
)"#
    );
    let level = Level::parse("poisson.ron".as_ref(), &text).unwrap();
    let points = poisson_by_skin_area(&surface, vertex, r, n);
    let down = Vec3::new(0.0, 0.0, -1.0);
    let samples: Vec<PenSample> = points
        .iter()
        .enumerate()
        .flat_map(|(i, &p)| {
            let axis = surface.normal(p).map_or(down, |n| n * -1.0);
            tap_on_head(i as f64 * 0.2, p, axis, 0.23)
        })
        .collect();
    let attempt = attempt_from(&level, samples);
    let r = replay::replay(&level.plan, &attempt);
    assert_eq!(r.impressions.len(), n);
    let s = score::score(&level.plan, &attempt, &r);
    let randomness = s
        .criteria
        .iter()
        .find(|c| c.kind == score::CriterionKind::Randomness)
        .unwrap();
    let ce = randomness.measure.as_ref().unwrap().value;
    assert!((ce - 1.0).abs() < 0.03, "Clark–Evans ratio {ce}");
    // Measured on the map instead, the same dots would look clumped toward the disc's edge:
    // the head's measure is not the map's.
    let planned = level.plan.planned_impressions();
    assert!(
        (planned - n as f64).abs() < 0.02 * n as f64,
        "density per skin area: {planned} planned for {n}"
    );
}

#[test]
fn spacing_is_measured_on_the_skin_not_the_map() {
    let level = head_level("head-strip-scar");
    let surface = level.plan.surface();
    // Two dots 0.8 mm apart on the map at the back, where the map shows more than the skin.
    let a = Point::new(290.0, 440.0);
    let b = Point::new(290.8, 440.0);
    let on_skin = surface.chord_mm(a, b).unwrap();
    assert!(on_skin < 0.75, "the map stretches the skin here: {on_skin}");
    let axis = surface.normal(a).unwrap() * -1.0;
    let samples = [
        tap_on_head(1.0, a, axis, 0.23),
        tap_on_head(2.0, b, axis, 0.23),
    ]
    .concat();
    let attempt = attempt_from(&level, samples);
    let r = replay::replay(&level.plan, &attempt);
    let nearest = score::nearest_on_skin(&level.plan, &[a, b]);
    assert_eq!(nearest[0].map(|(j, _)| j), Some(1));
    assert!((nearest[0].unwrap().1 - on_skin).abs() < 1e-9);
    assert_eq!(r.impressions.len(), 2);
    // Replay measures each entry's place on the skin once; the neighbours from those places are
    // the same, bit for bit, as measuring the points afresh.
    assert_eq!(r.on_skin.len(), 2);
    for (p, at) in r.impressions.iter().zip(&r.on_skin) {
        assert_eq!(Some(*at), surface.point(p.impression.at));
    }
    assert_eq!(score::nearest_between(&level.plan, &r), nearest);
    let flat = Level::find("spacing-drill", None).unwrap();
    let flat_replay = replay::replay(
        &flat.plan,
        &simulate(&flat, Persona::Expert, 1, "t", "2026-12-01"),
    );
    assert!(
        flat_replay.on_skin.is_empty(),
        "a flat skin has no head to place dots on"
    );
}

#[test]
fn head_levels_refuse_zones_on_the_face_and_a_hairline_behind_its_zones() {
    let good = include_str!("../../../../levels/10-head-hairline.ron");
    assert!(Level::parse("good.ron".as_ref(), good).is_ok());
    // A zone moved down onto the forehead's lower half.
    let start = good.find("outline: [").unwrap();
    let end = start + good[start..].find(']').unwrap() + 1;
    let on_face = format!(
        "{}outline: [(280.0, 140.0), (300.0, 140.0), (300.0, 160.0), (280.0, 160.0)]{}",
        &good[..start],
        &good[end..]
    );
    let err = Level::parse("face.ron".as_ref(), &on_face)
        .unwrap_err()
        .to_string();
    assert!(err.contains("on the face"), "{err}");
    assert!(err.contains("face.ron:"), "{err}");
    // An unknown head.
    let unknown = good.replace("Head(\"adult-male\")", "Head(\"giant\")");
    let err = Level::parse("giant.ron".as_ref(), &unknown)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("adult-male"),
        "names the heads there are: {err}"
    );
    // The wrong canvas for the head.
    let canvas = good.replace(
        "    surface: Head(\"adult-male\"),",
        "    surface: Head(\"adult-male\"),\n    canvas_mm: (100.0, 100.0),",
    );
    let err = Level::parse("canvas.ron".as_ref(), &canvas)
        .unwrap_err()
        .to_string();
    assert!(err.contains("scalp map"), "{err}");
}

#[test]
fn a_head_attempt_round_trips_through_its_file_with_every_axis() {
    let level = head_level("head-crown");
    let a = simulate(&level, Persona::Expert, 2, "Ana", "2026-11-30");
    assert!(
        a.sessions
            .iter()
            .all(|s| s.samples.iter().all(|x| x.axis.is_some()))
    );
    let dir = temp_dir("head-round-trip");
    let path = dir.join("a.ron");
    a.save(&path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(&format!("format_version: {HEAD_FORMAT_VERSION}")));
    let back = Attempt::load(&path).unwrap();
    assert_eq!(back.sessions, a.sessions, "samples and axes bit for bit");
    let s = score::score(&level.plan, &back, &replay::replay(&level.plan, &back));
    assert!(s.matches(a.score.as_ref().unwrap()));
    // A format 2 file may not carry an axis: the line says what is wrong where.
    let old = text.replacen("format_version: 3", "format_version: 2", 1);
    let err = Attempt::parse(&path, &old).unwrap_err().to_string();
    assert!(err.contains("format_version: 3"), "{err}");
    assert!(err.contains("a.ron:"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_head_is_drawn_from_every_view_and_in_a_loupe() {
    use smp_core::render::{Camera, Compositor, dots_on_day, draw_head, draw_map};
    let level = head_level("head-hairline");
    let a = simulate(&level, Persona::Expert, 1, "t", "2026-11-30");
    let r = replay::replay(&level.plan, &a);
    let surface = level.plan.surface();
    let Surface::Head(head) = &surface else {
        panic!()
    };
    let compositor = Compositor::new(&level.plan);
    let fresh = dots_on_day(&r, 0.0);
    let mean = |rgb: &[u8], pick: &dyn Fn(usize, usize) -> bool, side: usize| {
        let (mut sum, mut n) = ([0f64; 3], 0f64);
        for (k, px) in rgb.chunks_exact(3).enumerate() {
            if pick(k % side, k / side) {
                for c in 0..3 {
                    sum[c] += f64::from(px[c]);
                }
                n += 1.0;
            }
        }
        sum.map(|v| v / n.max(1.0))
    };
    for view in View::ALL {
        let p = draw_head(
            head,
            &compositor,
            &fresh,
            &Camera::of_view(head, view),
            128,
            128,
        )
        .unwrap();
        assert_eq!(p.rgb.len(), 128 * 128 * 3);
        // The head fills the middle of the picture, the backdrop its corners.
        let centre = mean(
            &p.rgb,
            &|x, y| (60..68).contains(&x) && (60..68).contains(&y),
            128,
        );
        let corner = mean(&p.rgb, &|x, y| x < 8 && y < 8, 128);
        assert!(
            centre[0] > corner[0] + 20.0,
            "{view}: {centre:?} vs {corner:?}"
        );
    }
    // Fresh work is red where it was done: the front view's hairline is redder than the same
    // head with nothing on it.
    let bare = draw_head(
        head,
        &compositor,
        &[],
        &Camera::of_view(head, View::Front),
        256,
        256,
    )
    .unwrap();
    let worked = draw_head(
        head,
        &compositor,
        &fresh,
        &Camera::of_view(head, View::Front),
        256,
        256,
    )
    .unwrap();
    let diff: u64 = bare
        .rgb
        .iter()
        .zip(&worked.rgb)
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    assert!(diff > 256 * 40, "the work shows on the head: {diff}");
    // A loupe 4 mm across shows single healed dots, round on the skin: dark pixels come in
    // small separate spots.
    let at = r.impressions[r.impressions.len() / 2].impression.at;
    let healed = dots_on_day(&r, 42.0);
    let loupe = draw_head(
        head,
        &compositor,
        &healed,
        &Camera::loupe(&surface, at, 4.0).unwrap(),
        400,
        400,
    )
    .unwrap();
    let luminance: Vec<f64> = loupe
        .rgb
        .chunks_exact(3)
        .map(|p| 0.3 * f64::from(p[0]) + 0.59 * f64::from(p[1]) + 0.11 * f64::from(p[2]))
        .collect();
    let median = {
        let mut l = luminance.clone();
        l.sort_by(f64::total_cmp);
        l[l.len() / 2]
    };
    let dark = luminance.iter().filter(|&&l| l < median - 25.0).count();
    // A 0.14 mm dot is about 14 px across here: some hundreds of dark pixels, a small share.
    assert!(dark > 100 && dark < 400 * 400 / 5, "{dark} dark pixels");
    // The scalp map, with its key.
    let map = draw_map(head, &compositor, &fresh, 1.0, true).unwrap();
    assert_eq!((map.width, map.height), (580, 580));
}

/// The `ron` block of docs/formats.md that follows `heading`.
fn doc_example(heading: &str) -> String {
    let doc = include_str!("../../../../docs/formats.md");
    let at = doc
        .find(heading)
        .unwrap_or_else(|| panic!("{heading:?} in formats.md"));
    let rest = &doc[at..];
    let start = rest.find("```ron\n").unwrap() + "```ron\n".len();
    let end = start + rest[start..].find("\n```").unwrap();
    rest[start..end].to_string()
}

#[test]
fn the_head_level_and_attempt_in_the_format_doc_are_what_the_program_reads() {
    // The level, as written in the doc.
    let text = doc_example("A complete head level");
    let level = Level::parse("doc-level.ron".as_ref(), &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(level.plan.head().is_some());
    assert_eq!(level.plan.canvas_mm, (580.0, 580.0));
    // The attempt, on the shipped level of the same id, with that level's hash put in.
    let shipped = head_level("head-crown");
    let text = doc_example("A complete head attempt")
        .replace("\"sha256:…\"", &format!("{:?}", shipped.hash));
    let attempt =
        Attempt::parse("doc-attempt.ron".as_ref(), &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(attempt.format_version, 3);
    let r = replay::replay(&shipped.plan, &attempt);
    assert_eq!(
        r.impressions.len(),
        3,
        "every tap of the doc is an impression"
    );
    for p in &r.impressions {
        // Held nearly square to the crown: a modest angle, an ideal depth.
        assert!(p.impression.tilt_rad < 0.35, "{}", p.impression.tilt_rad);
        assert_eq!(p.tissue.outcome, smp_core::skin::DepthOutcome::Ideal);
    }
    let s = score::score(&shipped.plan, &attempt, &r);
    assert_eq!(s.impressions, 3);
}

#[test]
fn the_design_attempt_in_the_format_doc_is_what_the_program_reads() {
    let shipped = head_level("design-young");
    let text = doc_example("A complete design attempt")
        .replace("\"sha256:…\"", &format!("{:?}", shipped.hash));
    let attempt =
        Attempt::parse("doc-design.ron".as_ref(), &text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(attempt.format_version, 4);
    let design = attempt.design.as_ref().expect("the design is read");
    assert_eq!(design.strokes.len(), 2);
    assert_eq!(design.hairline.vertices.len(), 9);
    // The program writes it back as format 4 and reads its own text the same.
    let again = Attempt::parse("again.ron".as_ref(), &attempt.to_ron()).unwrap();
    assert_eq!(again.design, attempt.design);
    // The design's line is measurable against the face: it crosses the midline.
    let head = shipped.plan.head().unwrap();
    let m = smp_core::design::measure(&head, &design.hairline, &Default::default()).unwrap();
    assert!(m.mfp_height_mm > 70.0 && m.mfp_height_mm < 80.0, "{m:?}");
    // Scored on its level: the design by the level's rules, the impression against the band
    // behind the designed line.
    let replayed = replay::replay(&shipped.plan, &attempt);
    let s = score::score(&shipped.plan, &attempt, &replayed);
    let d = s
        .criteria
        .iter()
        .find(|c| c.kind == score::CriterionKind::Design)
        .expect("a design criterion");
    assert!(d.reason.contains("mid-frontal point"), "{}", d.reason);
    // As the doc says: a short line, far from the method's points, scores low.
    assert!(d.reason.contains("off the method"), "{}", d.reason);
    assert!(d.score < 50.0, "{}", d.score);
    let followed = shipped.plan.tattooed_with(attempt.design.as_ref());
    assert_eq!(followed.hairline.as_ref().unwrap().line, design.hairline);
    assert!(
        followed
            .zone_at(replayed.impressions[0].impression.at)
            .is_some()
    );
}
