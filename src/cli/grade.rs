//! `smp-trainer grade DIR`: a class's attempts, graded.

use std::path::Path;

use serde::Serialize;
use smp_core::files;
use smp_core::grade::{self, GradeRow, Summary};

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
) -> Result<u8, Failure> {
    if !dir.is_dir() {
        return Err(Failure::input(format!("{}: not a folder", dir.display())));
    }
    let rows = grade::grade_dir(dir, levels)
        .map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
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
    match out {
        Some(path) => {
            files::write_atomically(path, text.as_bytes()).map_err(Failure::input)?;
            let bad = rows.iter().filter(|r| r.error.is_some()).count();
            let tampered = rows.iter().filter(|r| r.verified == Some(false)).count();
            eprintln!(
                "{}: {} attempts graded, {bad} could not be read, {tampered} do not verify",
                path.display(),
                rows.len() - bad
            );
        }
        None => print!("{text}"),
    }
    Ok(0)
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
    let rows = grade::grade_dir(&dir, levels)
        .map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
    let p = grade::progress(&rows, trainee);
    if p.levels.is_empty() {
        return Err(Failure::input(format!(
            "no graded attempts by {trainee:?} under {}",
            dir.display()
        )));
    }
    println!("{trainee}: progress from {}", dir.display());
    println!(
        "{:<16} {:>8} {:>7} {:>7} {:>7} {:>7}  passed",
        "level", "attempts", "best", "latest", "mean", "trend"
    );
    for (level, s) in &p.levels {
        println!(
            "{level:<16} {:>8} {:>7.1} {:>7.1} {:>7.1} {:>+7.1}  {}",
            s.attempts, s.best, s.latest, s.mean, s.trend, s.passed
        );
    }
    println!();
    println!(
        "{:<16} {:>8} {:>7}  (trend: points per attempt)",
        "criterion", "mean", "trend"
    );
    for (name, s) in &p.criteria {
        println!("{name:<16} {:>8.1} {:>+7.1}", s.mean, s.trend);
    }
    Ok(0)
}
