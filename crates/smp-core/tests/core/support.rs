//! Building blocks for the tests: levels, attempts made of chosen taps, temp folders.

use std::path::PathBuf;

use smp_core::Level;
use smp_core::attempt::{Attempt, Device, SessionRecord, ToolKind};
#[allow(
    unused_imports,
    reason = "used by the core's tests, not by the program's"
)]
pub use smp_core::pen::tap;
use smp_core::pen::{PenSample, PressureCurve};
use smp_core::simulate::scored_attempt;

/// A shipped level by id.
pub fn level(id: &str) -> Level {
    Level::find(id, None).expect("shipped level")
}

/// A one-session attempt on `level` from raw samples, scored and stored like a saved file.
pub fn attempt_from(level: &Level, samples: Vec<PenSample>) -> Attempt {
    let plan = &level.plan;
    let device = Device {
        tool: ToolKind::Pen,
        pressure_levels: 8192,
        name: "test pen".into(),
        hardware_id: None,
    };
    let session = SessionRecord {
        days_since_previous: 0.0,
        needle: plan.sessions[0].needle,
        shade: plan.sessions[0].shade,
        samples,
    };
    scored_attempt(
        level,
        "Test Trainee",
        "2026-11-21",
        device,
        PressureCurve::Linear,
        99,
        vec![session],
    )
}

/// A fresh, empty folder under the system's temp folder.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("smp-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Attempt text with its stored total replaced by `total` (a tampered file).
pub fn with_stored_total(text: &str, total: f64) -> String {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("total:"))
        .expect("a stored score");
    text.replacen(line, &format!("        total: {total:?},"), 1)
}
