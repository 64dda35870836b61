//! The command line, end to end: exit codes, output formats, and bad input.

use std::path::Path;
use std::process::Command;

use crate::support::{assert_bad_input, smp, temp_dir, text, with_stored_total};

fn simulate(dir: &Path, level: &str, persona: &str) -> String {
    let out = dir.join(format!("{level}-{persona}.ron"));
    let o = smp(&[
        "simulate",
        "--level",
        level,
        "--persona",
        persona,
        "--seed",
        "3",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    out.to_str().unwrap().to_string()
}

#[test]
fn levels_list_and_check_cover_every_shipped_level() {
    let list = smp(&["levels", "list"]);
    assert!(list.status.success());
    let lines: Vec<String> = text(&list.stdout).lines().map(String::from).collect();
    assert_eq!(lines.len(), smp_core::levels::SHIPPED.len());
    assert!(lines[0].starts_with("depth-drill\t"));
    assert!(lines.iter().all(|l| l.split('\t').count() == 3));
    let check = smp(&["levels", "check"]);
    assert!(check.status.success(), "{}", text(&check.stderr));
    // The levels/ folder on disk is the same as the embedded one.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("levels");
    let check_dir = smp(&["levels", "check", dir.to_str().unwrap()]);
    assert!(check_dir.status.success(), "{}", text(&check_dir.stderr));
    assert_eq!(text(&check_dir.stdout).lines().count(), lines.len());
}

#[test]
fn levels_check_says_what_is_wrong_where() {
    let dir = temp_dir("levels-check");
    let good = include_str!("../levels/01-depth-drill.ron");
    std::fs::write(dir.join("a.ron"), good).unwrap();
    std::fs::write(
        dir.join("b.ron"),
        good.replace("max_mm: 0.5", "max_mm: 2.5")
            .replace("\"depth-drill\"", "\"deep-window\""),
    )
    .unwrap();
    std::fs::write(dir.join("c.ron"), &good[..good.len() / 2]).unwrap();
    let out = smp(&["levels", "check", dir.to_str().unwrap()]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    let window_line = good
        .lines()
        .position(|l| l.contains("depth_window"))
        .unwrap()
        + 1;
    assert!(
        err.contains(&format!("b.ron:{window_line}:")) && err.contains("subcutis"),
        "{err}"
    );
    assert!(err.contains("c.ron:"), "{err}");
    assert!(text(&out.stdout).contains("ok\tdepth-drill"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn score_reports_json_with_every_required_field() {
    let dir = temp_dir("score-json");
    let file = simulate(&dir, "crown-blend", "expert");
    let out = smp(&["score", &file, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["total"].as_f64().unwrap() > 90.0);
    assert_eq!(v["passed"], true);
    assert_eq!(v["verified"], true);
    assert!(v["impressions"].as_u64().unwrap() > 1000);
    for k in ["shallow", "ideal", "deep", "blowout"] {
        assert!(v["outcomes"][k].is_u64(), "outcomes.{k}");
    }
    for k in [
        "depth",
        "spacing",
        "density",
        "randomness",
        "hairline",
        "shade_needle",
        "timing",
        "crispness",
    ] {
        assert!(v["criteria"][k]["score"].is_f64(), "criteria.{k}");
        assert!(!v["criteria"][k]["reason"].as_str().unwrap().is_empty());
    }
    // Text and RON work too, and the same file gives the same output every time.
    assert!(text(&smp(&["score", &file]).stdout).contains("PASSED"));
    assert!(smp(&["score", &file, "--format", "ron"]).status.success());
    assert_eq!(
        smp(&["score", &file, "--format", "json"]).stdout,
        out.stdout
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failed_or_tampered_attempt_exits_1() {
    let dir = temp_dir("score-fail");
    let heavy = simulate(&dir, "depth-drill", "heavy-hand");
    let out = smp(&["score", &heavy, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["passed"].as_bool(), v["verified"].as_bool()),
        (Some(false), Some(true))
    );

    let expert = simulate(&dir, "depth-drill", "expert");
    let original = std::fs::read_to_string(&expert).unwrap();
    let tampered = with_stored_total(&original, 100.0);
    std::fs::write(&expert, tampered).unwrap();
    let out = smp(&["score", &expert]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains("MISMATCH"),
        "{}",
        text(&out.stdout)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn verification_says_what_it_found_and_exits_by_it() {
    let dir = temp_dir("verify");
    let expert = simulate(&dir, "depth-drill", "expert");
    let original = std::fs::read_to_string(&expert).unwrap();
    let json = |file: &str| -> (Option<i32>, serde_json::Value) {
        let out = smp(&["score", file, "--format", "json"]);
        (
            out.status.code(),
            serde_json::from_slice(&out.stdout).unwrap_or_default(),
        )
    };
    let kind = |v: &serde_json::Value| v["verification"]["kind"].as_str().unwrap_or("").to_string();
    let (code, v) = json(&expert);
    assert_eq!((code, kind(&v).as_str()), (Some(0), "verified"));

    let loaded = smp_core::Attempt::load(Path::new(&expert)).unwrap();
    let write = |name: &str, a: &smp_core::Attempt| {
        let path = dir.join(name);
        a.save(&path).unwrap();
        path.to_str().unwrap().to_string()
    };

    // No stored score: scored, reported as not stored, and a pass exits 0.
    let mut unscored = loaded.clone();
    unscored.score = None;
    let (code, v) = json(&write("unscored.ron", &unscored));
    assert_eq!((code, kind(&v).as_str()), (Some(0), "not stored"), "{v}");

    // The criteria in another order: still verified.
    let mut reordered = loaded.clone();
    reordered.score.as_mut().unwrap().criteria.reverse();
    let (code, v) = json(&write("reordered.ron", &reordered));
    assert_eq!((code, kind(&v).as_str()), (Some(0), "verified"), "{v}");

    // A mismatch names each differing number, stored against recomputed.
    let tampered = dir.join("tampered.ron");
    std::fs::write(&tampered, with_stored_total(&original, 12.5)).unwrap();
    let (code, v) = json(tampered.to_str().unwrap());
    assert_eq!((code, kind(&v).as_str()), (Some(1), "mismatch"));
    let diffs = v["verification"]["differences"].as_array().unwrap();
    assert!(
        diffs.iter().any(|d| d
            .as_str()
            .unwrap()
            .starts_with("total: stored 12.5, recomputed ")),
        "{diffs:?}"
    );

    // Another level file is reported even when the file holds no stored score.
    let mut moved = unscored.clone();
    moved.level_hash = format!("sha256:{}", "0".repeat(64));
    let (code, v) = json(&write("moved-level.ron", &moved));
    assert_eq!((code, kind(&v).as_str()), (Some(1), "level changed"), "{v}");

    // A file scored by the first scoring rules: rescored and reported as older, not tampered.
    let old = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/scoring-v1/depth-drill-expert.ron");
    let out = smp(&["score", old.to_str().unwrap()]);
    assert!(
        text(&out.stdout).contains("scored by an older version (scoring rules v1"),
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("MISMATCH"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_files_exit_2_with_a_located_message() {
    let dir = temp_dir("bad-files");
    let good = simulate(&dir, "depth-drill", "expert");
    let body = std::fs::read_to_string(&good).unwrap();

    let truncated = dir.join("truncated.ron");
    std::fs::write(&truncated, &body[..body.len() / 3]).unwrap();
    assert_bad_input(
        &smp(&["score", truncated.to_str().unwrap()]),
        "truncated.ron:",
    );

    let binary = dir.join("binary.ron");
    std::fs::write(&binary, [0x28u8, 0xff, 0xfe, 0x00]).unwrap();
    assert_bad_input(
        &smp(&["score", binary.to_str().unwrap()]),
        "binary.ron:1:2: not UTF-8",
    );

    let huge = dir.join("huge.ron");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(smp_core::files::FileKind::Attempt.limit_bytes() + 1)
        .unwrap();
    assert_bad_input(&smp(&["score", huge.to_str().unwrap()]), "limit");

    let foreign = dir.join("foreign.ron");
    std::fs::write(
        &foreign,
        body.replacen(
            "level_id: \"depth-drill\"",
            "level_id: \"no-such-level\"",
            1,
        ),
    )
    .unwrap();
    assert_bad_input(&smp(&["score", foreign.to_str().unwrap()]), "no-such-level");

    assert_bad_input(
        &smp(&["score", dir.join("missing.ron").to_str().unwrap()]),
        "missing.ron",
    );
    assert_bad_input(
        &smp(&[
            "render",
            &good,
            "--day",
            "1",
            "--out",
            "/dev/null",
            "--px-per-mm",
            "1e9",
        ]),
        "px",
    );
    assert_bad_input(
        &smp(&[
            "simulate",
            "--level",
            "depth-drill",
            "--persona",
            "wizard",
            "--out",
            "x.ron",
        ]),
        "wizard",
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn render_writes_a_png_of_the_canvas() {
    let dir = temp_dir("render");
    let file = simulate(&dir, "depth-drill", "expert");
    let png = dir.join("out.png");
    let out = smp(&[
        "render",
        &file,
        "--day",
        "42",
        "--out",
        png.to_str().unwrap(),
        "--px-per-mm",
        "12",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let img = image::open(&png).unwrap();
    assert_eq!((img.width(), img.height()), (480, 360));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_a_display_the_trainer_says_so_and_fails_cleanly() {
    // No display: the trainer cannot open its window, and says why (no panic, no hang).
    let out = Command::new(env!("CARGO_BIN_EXE_smp-trainer"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env(
            "SMP_TRAINER_DATA",
            std::env::temp_dir().join("smp-test-nodisplay"),
        )
        .output()
        .unwrap();
    let err = text(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        err.contains("smp-trainer:")
            && !err.contains("internal error")
            && !err.contains("panicked"),
        "{err}"
    );
    if cfg!(feature = "gui") {
        assert!(err.contains("no display"), "{err}");
    } else {
        assert!(err.contains("without the `gui` feature"), "{err}");
    }
}

#[test]
fn grade_writes_a_row_for_every_file_and_goes_on_past_bad_ones() {
    let dir = temp_dir("grade");
    let class = dir.join("class");
    std::fs::create_dir_all(class.join("week2")).unwrap();
    let good = simulate(&class, "depth-drill", "expert");
    simulate(&class.join("week2"), "depth-drill", "heavy-hand");
    let body = std::fs::read_to_string(&good).unwrap();
    std::fs::write(class.join("tampered.ron"), with_stored_total(&body, 100.0)).unwrap();
    std::fs::write(class.join("truncated.ron"), &body[..body.len() / 2]).unwrap();
    std::fs::write(class.join("foreign.ron"), "(title: \"not an attempt\")").unwrap();

    let csv = dir.join("grades.csv");
    let out = smp(&[
        "grade",
        class.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let table = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = table.lines().take_while(|l| !l.is_empty()).collect();
    assert!(rows[0].starts_with(
        "file,trainee,level,date,device,total,passed,verified,verification,override_grade,override_signature,depth,"
    ));
    assert_eq!(rows.len(), 1 + 5, "{table}");
    let row = |name: &str| *rows.iter().find(|r| r.contains(name)).unwrap();
    assert!(
        row("depth-drill-expert.ron").contains(",synthetic,"),
        "{}",
        row("depth-drill-expert.ron")
    );
    assert!(
        row("depth-drill-expert.ron").contains(",true,true,verified,"),
        "{}",
        row("depth-drill-expert.ron")
    );
    assert!(
        row("heavy-hand").contains(",false,true,verified,"),
        "{}",
        row("heavy-hand")
    );
    assert!(
        row("tampered.ron").contains(",true,false,mismatch,"),
        "{}",
        row("tampered.ron")
    );
    assert!(
        row("truncated.ron").ends_with(|c: char| c != ','),
        "the error is stated"
    );
    assert!(
        row("foreign.ron").contains("foreign.ron:1:"),
        "{}",
        row("foreign.ron")
    );
    // Summaries per trainee and per level follow.
    assert!(table.contains("\ntrainee,attempts,best,latest,mean,trend_per_attempt,passed\n"));
    assert!(
        table
            .contains("\nlevel,attempts,best,latest,mean,trend_per_attempt,passed\ndepth-drill,3,")
    );

    let json = smp(&["grade", class.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["rows"].as_array().unwrap().len(), 5);
    assert_eq!(v["summary"]["levels"]["depth-drill"]["attempts"], 3);
    std::fs::remove_dir_all(dir).unwrap();
}
