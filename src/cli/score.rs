//! `smp-trainer score`: rescore an attempt and verify the stored score.

use std::path::Path;

use serde::Serialize;
use smp_core::score::{Criterion, OutcomeCounts, Score};
use smp_core::{Attempt, replay, score};

use super::{Failure, Format, level_for};

/// The report `score` prints as JSON or RON.
#[derive(Serialize)]
struct Report<'a> {
    file: String,
    trainee: &'a str,
    level: &'a str,
    total: f64,
    passed: bool,
    pass_mark: f64,
    criterion_floor: f64,
    below_floor: Vec<&'static str>,
    verified: bool,
    verification: String,
    stored_total: Option<f64>,
    impressions: usize,
    outcomes: OutcomeCounts,
    criteria: std::collections::BTreeMap<&'static str, &'a Criterion>,
}

pub fn run(
    file: &Path,
    format: Format,
    level: Option<&Path>,
    dir: Option<&Path>,
) -> Result<u8, Failure> {
    let attempt = Attempt::load(file).map_err(Failure::input)?;
    let level = level_for(&attempt, level, dir)?;
    if attempt.sessions.len() > level.plan.sessions.len() {
        return Err(Failure::input(format!(
            "{}: the attempt has {} sessions but level {:?} plans {}",
            file.display(),
            attempt.sessions.len(),
            level.plan.id,
            level.plan.sessions.len()
        )));
    }
    let replayed = replay::replay(&level.plan, &attempt);
    let score = score::score(&level.plan, &attempt, &replayed);
    let verification = score.verify(&attempt, &level.hash);
    let verified = verification.is_verified();
    let report = Report {
        file: file.display().to_string(),
        trainee: &attempt.trainee,
        level: &level.plan.id,
        total: score.total,
        passed: score.passed,
        pass_mark: score.pass_mark,
        criterion_floor: level.plan.thresholds.criterion_floor,
        below_floor: score.below_floor.iter().map(|k| k.name()).collect(),
        verified,
        verification: verification.describe(),
        stored_total: attempt.score.as_ref().map(|s| s.total),
        impressions: score.impressions,
        outcomes: score.outcomes,
        criteria: score.criteria.iter().map(|c| (c.kind.name(), c)).collect(),
    };
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(Failure::input)?
        ),
        Format::Ron => println!(
            "{}",
            ron::ser::to_string_pretty(&report, ron::ser::PrettyConfig::new())
                .map_err(Failure::input)?
        ),
        Format::Text => print_text(&report, &score, &level.plan.title),
    }
    Ok(if score.passed && verified { 0 } else { 1 })
}

fn print_text(r: &Report, score: &Score, title: &str) {
    println!("{} — {} on \"{title}\" ({})", r.file, r.trainee, r.level);
    println!(
        "Total {:.2} / 100: {} (pass mark {:.0})",
        r.total,
        if r.passed { "PASSED" } else { "FAILED" },
        r.pass_mark
    );
    for k in &score.below_floor {
        println!(
            "  {} scored below the level's floor of {:.0}: that alone fails the attempt",
            k.name(),
            r.criterion_floor
        );
    }
    println!("Verification: {}", r.verification);
    let o = &r.outcomes;
    println!(
        "{} impressions: {} ideal, {} shallow, {} deep, {} blowouts",
        r.impressions, o.ideal, o.shallow, o.deep, o.blowout
    );
    if !score.sanitize.is_clean() || score.feather_touches > 0 {
        let s = &score.sanitize;
        println!(
            "Input repaired: {} non-finite and {} off-canvas samples dropped, {} pressures clamped, {} time reversals, {} unfinished strokes; {} touches too light to puncture",
            s.non_finite,
            s.off_canvas,
            s.pressure_clamped,
            s.time_reversed,
            s.unfinished_strokes,
            score.feather_touches
        );
    }
    println!();
    for c in &score.criteria {
        println!(
            "{:<13} {:>6.2}  (weight {})",
            c.kind.name(),
            c.score,
            c.weight
        );
        println!("    {}", c.reason);
        for p in c.places.iter().take(5) {
            println!(
                "    - at ({:.1}, {:.1}) mm: {}",
                p.at.x_mm, p.at.y_mm, p.note
            );
        }
    }
}
