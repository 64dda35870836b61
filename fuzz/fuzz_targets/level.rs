//! Any bytes as a level file: parsed and checked as `levels check` does, then (when valid) its
//! skin drawn and a few taps scored against it. Must never panic.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use smp_core::attempt::{Attempt, Device, FORMAT_VERSION, SessionRecord, ToolKind};
use smp_core::geometry::Point;
use smp_core::pen::{PressureCurve, tap};
use smp_core::render::Compositor;
use smp_core::{Level, replay, score};

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let Ok(level) = Level::parse(Path::new("fuzz.ron"), text) else {
        return;
    };
    let plan = &level.plan;
    let (w, h) = plan.canvas_mm;
    let _ = Compositor::new(plan).render(&[], (100.0 / w.max(h)).min(1.0));
    let samples = (0..20)
        .flat_map(|k| {
            let at = Point::new(w * ((k * 7) % 20) as f64 / 20.0, h * k as f64 / 20.0);
            tap(1.0 + k as f64, at, 0.6)
        })
        .collect();
    let attempt = Attempt {
        format_version: FORMAT_VERSION,
        level_id: plan.id.clone(),
        level_hash: level.hash.clone(),
        app_version: "fuzz".into(),
        trainee: "Fuzz".into(),
        date: "2026-11-22".into(),
        device: Device {
            tool: ToolKind::Synthetic,
            pressure_levels: 0,
            name: String::new(),
            hardware_id: None,
        },
        pressure_curve: PressureCurve::Linear,
        seed: 1,
        sessions: vec![SessionRecord {
            days_since_previous: 0.0,
            needle: plan.sessions[0].needle,
            shade: plan.sessions[0].shade,
            samples,
        }],
        score: None,
        review: None,
    };
    let s = score::score(plan, &attempt, &replay::replay(plan, &attempt));
    assert!((0.0..=100.0).contains(&s.total));
});
