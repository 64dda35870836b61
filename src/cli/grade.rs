//! `smp-trainer grade DIR`: a class's attempts, graded.

use std::path::Path;

use serde::Serialize;
use smp_core::files;
use smp_core::grade::{self, GradeRow, Summary};
use smp_core::signing::TrustedKeys;

use super::out::{self, esay, say};
use super::{Failure, GradeFormat};

#[derive(Serialize)]
struct Report<'a> {
    rows: &'a [GradeRow],
    summary: &'a Summary,
}

pub fn run(
    dir: &Path,
    out: Option<&Path>,
    format: GradeFormat,
    levels: Option<&Path>,
    trusted_keys: Option<&Path>,
    stats: bool,
) -> Result<u8, Failure> {
    if !dir.is_dir() {
        return Err(Failure::input(format!("{}: not a folder", dir.display())));
    }
    let trusted = TrustedKeys::load_or_default(trusted_keys).map_err(Failure::input)?;
    let started = std::time::Instant::now();
    let meter = super::progress::meter();
    let rows = grade::grade_dir_metered(dir, levels, &trusted, meter.as_ref())
        .map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
    // The bar clears before the table and summary are printed.
    drop(meter);
    if stats {
        let peak = peak_memory_kib().map_or("unknown".into(), |k| {
            format!("{:.1} MiB", k as f64 / 1024.0)
        });
        let threads = smp_core::parallel::threads().min(rows.len()).max(1);
        esay!(
            "graded {} files in {:.3} s on {threads} thread{}; peak memory {peak}",
            rows.len(),
            started.elapsed().as_secs_f64(),
            if threads == 1 { "" } else { "s" }
        );
    }
    let summary = grade::summarize(&rows);
    let text = match format {
        GradeFormat::Csv => grade::to_csv(&rows, &summary),
        GradeFormat::Json => {
            serde_json::to_string_pretty(&Report {
                rows: &rows,
                summary: &summary,
            })
            .map_err(Failure::input)?
                + "\n"
        }
    };
    if let Some(path) = out {
        files::write_atomically(path, text.as_bytes()).map_err(Failure::input)?;
    }
    let bad = rows.iter().filter(|r| r.error.is_some()).count();
    let contradicted = rows
        .iter()
        .filter(|r| {
            matches!(
                r.verification.as_deref(),
                Some("mismatch" | "level changed")
            )
        })
        .count();
    let synthetic = rows.iter().filter(|r| r.device == "synthetic").count();
    let unsigned = rows
        .iter()
        .filter(|r| {
            r.override_signature
                .as_deref()
                .is_some_and(|s| !s.starts_with("signed by"))
        })
        .count();
    if out.is_none() {
        out::raw(&text);
    }
    // The summary goes to stderr, after the table, so that stdout stays the table alone.
    esay!(
        "{}: {} attempts graded, {bad} could not be read, {contradicted} do not verify, {synthetic} made by a synthetic trainee, {unsigned} overrides not signed by a trusted instructor",
        out.unwrap_or(dir).display(),
        rows.len() - bad
    );
    Ok(0)
}

/// The process's peak resident memory, KiB (Linux; `None` elsewhere).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

pub fn progress(trainee: &str, dir: Option<&Path>, levels: Option<&Path>) -> Result<u8, Failure> {
    let dir = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| files::data_dir().join("attempts"));
    if !dir.is_dir() {
        return Err(Failure::input(format!(
            "{}: no attempts folder here",
            dir.display()
        )));
    }
    let rows = grade::grade_dir(&dir, levels, &TrustedKeys::default())
        .map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
    let p = grade::progress(&rows, trainee);
    if p.levels.is_empty() {
        return Err(Failure::input(format!(
            "no graded attempts by {trainee:?} under {}",
            dir.display()
        )));
    }
    say!("{trainee}: progress from {}", dir.display());
    say!(
        "{:<16} {:>8} {:>7} {:>7} {:>7} {:>7}  passed",
        "level",
        "attempts",
        "best",
        "latest",
        "mean",
        "trend"
    );
    for (level, s) in &p.levels {
        say!(
            "{level:<16} {:>8} {:>7.1} {:>7.1} {:>7.1} {:>+7.1}  {}",
            s.attempts,
            s.best,
            s.latest,
            s.mean,
            s.trend,
            s.passed
        );
    }
    say!();
    say!(
        "{:<16} {:>8} {:>7}  (trend: points per attempt)",
        "criterion",
        "mean",
        "trend"
    );
    for (name, s) in &p.criteria {
        say!("{name:<16} {:>8.1} {:>+7.1}", s.mean, s.trend);
    }
    Ok(0)
}
