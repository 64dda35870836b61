//! Building blocks for the tests: levels, attempts made of chosen taps, temp folders.

use std::path::PathBuf;

use smp_trainer::attempt::{Attempt, Device, FORMAT_VERSION, SessionRecord, ToolKind};
use smp_trainer::geometry::Point;
use smp_trainer::pen::{PenSample, PressureCurve};
use smp_trainer::{Level, replay, score};

/// A shipped level by id.
pub fn level(id: &str) -> Level {
    Level::find(id, None).expect("shipped level")
}

/// One tap: pen-down, peak and pen-up samples at `at` with peak `pressure`.
pub fn tap(t_s: f64, at: Point, pressure: f64) -> [PenSample; 3] {
    let s = |t_s, pressure, contact| PenSample {
        t_s,
        at,
        pressure,
        tilt_x_rad: 0.0,
        tilt_y_rad: 0.0,
        contact,
    };
    [
        s(t_s, pressure * 0.5, true),
        s(t_s + 0.04, pressure, true),
        s(t_s + 0.08, 0.0, false),
    ]
}

/// A one-session attempt on `level` from raw samples, scored and stored like a saved file.
pub fn attempt_from(level: &Level, samples: Vec<PenSample>) -> Attempt {
    let plan = &level.plan;
    let mut a = Attempt {
        format_version: FORMAT_VERSION,
        level_id: plan.id.clone(),
        level_hash: level.hash.clone(),
        app_version: "test".into(),
        trainee: "Test Trainee".into(),
        date: "2026-11-21".into(),
        device: Device {
            tool: ToolKind::Pen,
            pressure_levels: 8192,
            name: "test pen".into(),
            hardware_id: None,
        },
        pressure_curve: PressureCurve::Linear,
        seed: 99,
        sessions: vec![SessionRecord {
            days_since_previous: 0.0,
            needle: plan.sessions[0].needle,
            shade: plan.sessions[0].shade,
            samples,
        }],
        score: None,
        review: None,
    };
    let r = replay::replay(plan, &a);
    a.score = Some(score::score(plan, &a, &r).stored());
    a
}

/// A fresh, empty folder under the system's temp folder.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smp-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the `smp-trainer` binary with `args`.
pub fn smp(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_smp-trainer"))
        .args(args)
        .output()
        .expect("run smp-trainer")
}

/// Attempt text with its stored total replaced by `total` (a tampered file).
pub fn with_stored_total(text: &str, total: f64) -> String {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("total:"))
        .expect("a stored score");
    text.replacen(line, &format!("        total: {total:?},"), 1)
}
