//! Instructor review in the core: notes round-trip without touching the trainee's work, the
//! player shows exactly the impressions made by its moment, inspection names the criteria an
//! impression counted in, tampering is flagged, and reports carry the breakdown and notes.

use smp_core::geometry::Point;
use smp_core::grade::grade_dir;
use smp_core::notes::{Comment, OverrideGrade, Pin, ReviewNotes};
use smp_core::persona::Persona;
use smp_core::report;
use smp_core::review::{Player, ReviewedAttempt, save_notes};
use smp_core::score::CriterionKind;
use smp_core::simulate::simulate;
use smp_core::skin::DepthOutcome;
use smp_core::{Attempt, replay};

use crate::support::{level, temp_dir, with_stored_total};

fn notes() -> ReviewNotes {
    ReviewNotes {
        comments: vec![
            Comment {
                author: "M. Costa".into(),
                date: "2026-11-21".into(),
                pin: Pin::Place(Point::new(20.5, 10.25)),
                text: "Clumped <here> & \"there\"\nsecond line".into(),
                signature: None,
            },
            Comment {
                author: "M. Costa".into(),
                date: "2026-11-21".into(),
                pin: Pin::Moment {
                    session: 0,
                    t_s: 12.5,
                },
                text: "Rhythm speeds up from here.".into(),
                signature: None,
            },
            Comment {
                author: "J. Ng".into(),
                date: "2026-11-22".into(),
                pin: Pin::Attempt,
                text: "Good control overall.".into(),
                signature: None,
            },
        ],
        override_grade: Some(OverrideGrade {
            total: 72.0,
            passed: true,
            reason: "tablet lag on the academy's machine".into(),
            instructor: "M. Costa".into(),
            date: "2026-11-21".into(),
            signature: None,
        }),
    }
}

#[test]
fn notes_round_trip_without_touching_samples_or_score() {
    let dir = temp_dir("review-notes");
    let lvl = level("depth-drill");
    let original = simulate(&lvl, Persona::HeavyHand, 4, "Ana", "2026-11-20");
    let path = dir.join("a.ron");
    original.save(&path).unwrap();
    let bytes_before = std::fs::read(&path).unwrap();

    save_notes(&path, &notes(), None).unwrap();
    let with_notes = Attempt::load(&path).unwrap();
    assert_eq!(with_notes.review.as_ref(), Some(&notes()));
    assert_eq!(with_notes.sessions, original.sessions);
    assert_eq!(with_notes.score, original.score);
    let reviewed = ReviewedAttempt::open(&path, None).unwrap();
    assert!(reviewed.verified(), "{}", reviewed.verification);
    assert_eq!(reviewed.notes(), notes());

    // Removing every note gives back the very same file.
    save_notes(&path, &ReviewNotes::default(), None).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes_before);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unacceptable_notes_are_refused_and_the_file_is_left_alone() {
    let dir = temp_dir("review-refused");
    let lvl = level("depth-drill");
    let path = dir.join("a.ron");
    simulate(&lvl, Persona::Expert, 1, "Ana", "2026-11-20")
        .save(&path)
        .unwrap();
    let before = std::fs::read(&path).unwrap();
    let mut bad = notes();
    bad.override_grade.as_mut().unwrap().reason = "  ".into();
    assert!(
        save_notes(&path, &bad, None)
            .unwrap_err()
            .to_string()
            .contains("reason")
    );
    let mut bad = notes();
    bad.comments[0].text = "x".repeat(5000);
    assert!(save_notes(&path, &bad, None).is_err());
    let mut bad = notes();
    bad.override_grade.as_mut().unwrap().total = 140.0;
    assert!(save_notes(&path, &bad, None).is_err());
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A file with unacceptable notes written by hand is an invalid attempt, with a location.
    let text = String::from_utf8(before).unwrap();
    let hand = format!(
        "{}    review: Some((comments: [], override_grade: Some((total: 50.0, passed: false, reason: \"\", instructor: \"x\", date: \"2026-11-21\")))),\n)\n",
        text.trim_end().trim_end_matches(')')
    );
    std::fs::write(&path, hand).unwrap();
    let err = Attempt::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("needs a reason") && err.contains("a.ron:"),
        "{err}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_player_shows_exactly_the_impressions_made_by_its_moment() {
    let lvl = level("three-sessions");
    let attempt = simulate(&lvl, Persona::Rusher, 2, "Ana", "2026-11-20");
    let independent = replay::replay(&lvl.plan, &attempt);
    let dir = temp_dir("review-player");
    let path = dir.join("a.ron");
    attempt.save(&path).unwrap();
    let r = ReviewedAttempt::open(&path, None).unwrap();
    assert_eq!(r.replay.impressions, independent.impressions);
    let tl = &r.timeline;
    let n = tl.times_s.len();
    assert_eq!(n, independent.impressions.len());
    assert!(tl.times_s.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(tl.session_starts_s.len(), 3);

    let mut player = Player::at_end(tl);
    assert_eq!(player.shown, n);
    player.seek(tl, 0.0);
    assert_eq!(player.shown, tl.made_by(0.0));
    player.shown = 0;
    for k in 1..=n {
        player.step_forward(tl);
        assert_eq!(player.shown, k);
        // The moment of the k-th impression is in its session.
        let p = &r.replay.impressions[k - 1];
        assert_eq!(tl.session_at(player.t_s), p.session, "impression {k}");
        assert!(tl.made_by(player.t_s) >= k);
    }
    player.step_forward(tl);
    assert_eq!(player.shown, n);
    for k in (0..n).rev().take(50) {
        player.step_back(tl);
        assert_eq!(player.shown, k);
    }
    // Playing at 50× from the start reaches the end and stops there.
    player.set_speed(500.0);
    assert_eq!(player.speed, 50.0);
    player.play(tl);
    player.seek(tl, 0.0);
    let mut frames = 0;
    while player.playing {
        let before = player.shown;
        player.advance(tl, 1.0 / 60.0);
        assert!(player.shown >= before);
        frames += 1;
        assert!(frames < 1_000_000);
    }
    assert_eq!(player.shown, n);
    // A moment and its review-clock time are inverses.
    let (s, t) = tl.moment(tl.times_s[n / 2]);
    assert!((tl.time_of(s, t) - tl.times_s[n / 2]).abs() < 1e-9);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn inspection_names_the_criteria_an_impression_counted_in() {
    let lvl = level("depth-drill");
    let dir = temp_dir("review-inspect");
    let path = dir.join("heavy.ron");
    simulate(&lvl, Persona::HeavyHand, 7, "Ana", "2026-11-20")
        .save(&path)
        .unwrap();
    let r = ReviewedAttempt::open(&path, None).unwrap();
    let deep = r
        .replay
        .impressions
        .iter()
        .position(|p| matches!(p.tissue.outcome, DepthOutcome::Deep | DepthOutcome::Blowout))
        .expect("a heavy hand goes deep");
    let facts = r.inspect(deep).unwrap();
    assert_eq!(facts.outcome, r.replay.impressions[deep].tissue.outcome);
    assert!(facts.depth_mm > lvl.plan.depth_window.max_mm);
    let depth = facts
        .effects
        .iter()
        .find(|e| e.criterion == CriterionKind::Depth)
        .unwrap();
    assert!(depth.cost);
    assert!(r.inspect(r.replay.impressions.len()).is_none());
    let at = r.replay.impressions[deep].impression.at;
    let near = r
        .impression_near(at, 0.01, r.replay.impressions.len())
        .unwrap();
    assert_eq!(r.replay.impressions[near].impression.at, at);
    assert_eq!(r.impression_near(at, 0.01, 0), None);
    // The shipped level's model attempt is replayed and scores better than the heavy hand.
    let model = r.model.as_ref().unwrap().as_ref().unwrap();
    assert!(model.score.total > r.score.total + 5.0);
    std::fs::remove_dir_all(dir).unwrap();
}

fn tamper(path: &std::path::Path) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, with_stored_total(&text, 99.5)).unwrap();
}

#[test]
fn tampering_is_flagged_by_review_report_and_grade() {
    let dir = temp_dir("review-tamper");
    let lvl = level("depth-drill");
    let class = dir.join("class");
    std::fs::create_dir_all(&class).unwrap();
    let path = class.join("light.ron");
    simulate(&lvl, Persona::LightHand, 3, "Ana \"<b>\"", "2026-11-20")
        .save(&path)
        .unwrap();
    save_notes(&path, &notes(), None).unwrap();
    tamper(&path);
    let r = ReviewedAttempt::open(&path, None).unwrap();
    assert!(!r.verified());
    assert!(
        r.verification
            .describe()
            .to_lowercase()
            .contains("mismatch"),
        "{}",
        r.verification
    );

    let page = dir.join("report.html");
    let written = report::export(&r, &r.notes(), &page).unwrap();
    assert_eq!(written, vec![page.clone(), dir.join("report.png")]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("NOT VERIFIED"));
    assert!(html.contains("Ana &quot;&lt;b&gt;&quot;") && !html.contains("<b>\""));
    assert!(html.contains("Clumped &lt;here&gt; &amp;"));
    assert!(html.contains("tablet lag"));
    assert!(html.contains("<svg"));
    let png = image::open(dir.join("report.png")).unwrap();
    assert!(png.width() > 2 * 600 && png.height() > 2 * 100);

    let md_page = dir.join("report.md");
    report::export(&r, &r.notes(), &md_page).unwrap();
    let md = std::fs::read_to_string(&md_page).unwrap();
    assert!(
        md.contains("**NOT VERIFIED") && md.contains("![healed result and heatmaps](report.png)")
    );
    assert!(md.contains("Rhythm speeds up") && md.contains("session 1, 0:12.5"));
    assert!(report::export(&r, &r.notes(), &dir.join("report.txt")).is_err());

    let rows = grade_dir(&class, None, &Default::default()).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].verified, Some(false));
    assert_eq!(
        rows[0].override_grade.as_deref(),
        Some("72 passed (M. Costa: tablet lag on the academy's machine)")
    );
    std::fs::remove_dir_all(dir).unwrap();
}
