//! `smp-trainer score`: rescore an attempt and verify the stored score.

use std::path::Path;

use serde::Serialize;
use smp_core::score::{Criterion, OutcomeCounts, Score, Verification};
use smp_core::{Attempt, replay, score};

use super::out::say;
use super::{Failure, Format, level_for};

/// The report `score` prints as JSON or RON.
#[derive(Serialize)]
struct Report<'a> {
    file: String,
    trainee: &'a str,
    level: &'a str,
    device: &'static str,
    total: f64,
    passed: bool,
    pass_mark: f64,
    criterion_floor: f64,
    below_floor: Vec<&'static str>,
    capped_by: Option<&'static str>,
    scoring_version: u32,
    verified: bool,
    verification: Check,
    stored_total: Option<f64>,
    impressions: usize,
    outcomes: OutcomeCounts,
    criteria: std::collections::BTreeMap<&'static str, &'a Criterion>,
}

/// What the verification found, for other tools.
#[derive(Serialize)]
struct Check {
    /// verified, not stored, older version, mismatch, level changed.
    kind: &'static str,
    /// In words.
    description: String,
    /// Each stored number that differs (mismatch only).
    differences: Vec<String>,
}

pub fn run(
    file: &Path,
    format: Format,
    level: Option<&Path>,
    dir: Option<&Path>,
) -> Result<u8, Failure> {
    let attempt = Attempt::load(file).map_err(Failure::input)?;
    let level = level_for(file, &attempt, level, dir)?;
    let replayed = replay::replay(&level.plan, &attempt);
    let score = score::score(&level.plan, &attempt, &replayed);
    let verification = score.verify(&attempt, &level.hash);
    let verified = verification.is_verified();
    let differences = match &verification {
        Verification::Mismatch(d) => d.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    };
    let report = Report {
        file: file.display().to_string(),
        trainee: &attempt.trainee,
        level: &level.plan.id,
        device: attempt.device.tool.name(),
        total: score.total,
        passed: score.passed,
        pass_mark: score.pass_mark,
        criterion_floor: level.plan.thresholds.criterion_floor,
        below_floor: score.below_floor.iter().map(|k| k.name()).collect(),
        capped_by: score.capped_by.map(|k| k.name()),
        scoring_version: score.scoring_version,
        verified,
        verification: Check {
            kind: verification.kind(),
            description: verification.describe(),
            differences,
        },
        stored_total: attempt.score.as_ref().map(|s| s.total),
        impressions: score.impressions,
        outcomes: score.outcomes,
        criteria: score.criteria.iter().map(|c| (c.kind.name(), c)).collect(),
    };
    match format {
        Format::Json => say!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(Failure::input)?
        ),
        Format::Ron => say!(
            "{}",
            ron::ser::to_string_pretty(&report, ron::ser::PrettyConfig::new())
                .map_err(Failure::input)?
        ),
        Format::Text => print_text(&report, &score, &level.plan.title, attempt.device.tool),
    }
    // A file with no stored score, or one scored by an older version, is not contradicted: it
    // passes on its samples. A mismatch or another level file is not verified: exit 1.
    Ok(if score.passed && !verification.is_contradicted() {
        0
    } else {
        1
    })
}

fn print_text(r: &Report, score: &Score, title: &str, tool: smp_core::attempt::ToolKind) {
    say!("{} — {} on \"{title}\" ({})", r.file, r.trainee, r.level);
    say!("Total {}", score.verdict());
    for k in &score.below_floor {
        say!(
            "  {} scored below the level's floor of {:.0}: that alone fails the attempt",
            k.name(),
            r.criterion_floor
        );
    }
    say!("Verification: {}", r.verification.description);
    for d in &r.verification.differences {
        say!("  {d}");
    }
    say!("Input device: {}", tool.describe());
    let o = &r.outcomes;
    say!(
        "{} impressions: {} ideal, {} shallow, {} deep, {} blowouts",
        r.impressions,
        o.ideal,
        o.shallow,
        o.deep,
        o.blowout
    );
    if !score.sanitize.is_clean() || score.feather_touches > 0 {
        let s = &score.sanitize;
        say!(
            "Input repaired: {} non-finite and {} off-canvas samples dropped, {} pressures clamped, {} time reversals, {} unfinished strokes; {} touches too light to puncture",
            s.non_finite,
            s.off_canvas,
            s.pressure_clamped,
            s.time_reversed,
            s.unfinished_strokes,
            score.feather_touches
        );
    }
    say!();
    for c in &score.criteria {
        say!(
            "{:<13} {:>6.2}  (weight {})",
            c.kind.name(),
            c.score,
            c.weight
        );
        say!("    {}", c.reason);
        for p in c.places.iter().take(5) {
            say!(
                "    - at ({:.1}, {:.1}) mm: {}",
                p.at.x_mm,
                p.at.y_mm,
                p.note
            );
        }
    }
}
