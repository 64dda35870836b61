//! Grading a class: every attempt file under a folder, scored in parallel, one row each, and a
//! summary per trainee and per level. Files that cannot be used get a row saying why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use serde::Serialize;

use crate::attempt::Attempt;
use crate::levels::{Level, LevelError};
use crate::limits::MAX_FOLDER_DEPTH;
use crate::progress::{Meter, Quiet};
use crate::score::CriterionKind;
use crate::signing::TrustedKeys;
use crate::text::csv_field;
use crate::{parallel, replay, score};

/// One attempt file's grade, or why it has none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GradeRow {
    /// The file.
    pub file: String,
    /// Trainee's name (empty when unreadable).
    pub trainee: String,
    /// Level id.
    pub level: String,
    /// Date of the attempt.
    pub date: String,
    /// Recomputed total, 0–100.
    pub total: Option<f64>,
    /// Whether it passed.
    pub passed: Option<bool>,
    /// Whether the stored score matches the samples (and the level is unchanged).
    pub verified: Option<bool>,
    /// What the verification found: verified, not stored, older version, mismatch, level
    /// changed.
    pub verification: Option<String>,
    /// What made the samples: pen, mouse or synthetic.
    pub device: String,
    /// An instructor's override grade, when the file has one.
    pub override_grade: Option<String>,
    /// Whose signature the override carries: `signed by NAME` (a trusted instructor),
    /// `UNSIGNED`, `UNTRUSTED KEY …` or `BROKEN SIGNATURE`.
    pub override_signature: Option<String>,
    /// Each criterion's score, in report order.
    pub criteria: Vec<(String, f64)>,
    /// Why the file could not be graded.
    pub error: Option<String>,
}

/// Every `.ron` regular file under `dir` (recursively, sorted), skipping hidden entries.
/// Folders are entered only as themselves: a link to a folder is never followed, so a link
/// loop cannot multiply the class. A link to a file is followed only when the file lies inside
/// `dir`. Named pipes, devices and the like are left out.
pub fn attempt_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let root = std::fs::canonicalize(dir)?;
    fn walk(root: &Path, dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            let path = entry.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let is_ron = path.extension().is_some_and(|e| e == "ron");
            if kind.is_dir() {
                if depth < MAX_FOLDER_DEPTH {
                    // An unreadable subfolder must not stop the class: skip it.
                    let _ = walk(root, &path, depth + 1, out);
                }
            } else if kind.is_file() {
                if is_ron {
                    out.push(path);
                }
            } else if kind.is_symlink()
                && is_ron
                && std::fs::canonicalize(&path).is_ok_and(|real| {
                    real.starts_with(root) && crate::files::is_regular_file(&real)
                })
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&root, dir, 0, &mut out)?;
    out.sort();
    Ok(out)
}

/// Levels by id, each read once and shared by the workers.
struct LevelCache<'a> {
    dir: Option<&'a Path>,
    levels: Mutex<BTreeMap<String, Arc<Result<Level, LevelError>>>>,
}

impl LevelCache<'_> {
    fn get(&self, id: &str) -> Arc<Result<Level, LevelError>> {
        // The lock is held while a level loads, so each loads once; levels are small.
        let mut map = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(id.to_string())
            .or_insert_with(|| Arc::new(Level::by_id(id, self.dir)))
            .clone()
    }
}

/// Grades one attempt file.
fn grade_file(path: &Path, levels: &LevelCache, trusted: &TrustedKeys) -> GradeRow {
    let mut row = GradeRow {
        file: path.display().to_string(),
        trainee: String::new(),
        level: String::new(),
        date: String::new(),
        total: None,
        passed: None,
        verified: None,
        verification: None,
        device: String::new(),
        override_grade: None,
        override_signature: None,
        criteria: Vec::new(),
        error: None,
    };
    let loaded = crate::files::read_bounded(path, crate::files::FileKind::Attempt)
        .and_then(|text| Attempt::parse(path, &text).map(|a| (a, text)));
    let (attempt, text) = match loaded {
        Ok(a) => a,
        Err(e) => {
            row.error = Some(e.to_string());
            return row;
        }
    };
    row.trainee = attempt.trainee.clone();
    row.level = attempt.level_id.clone();
    row.date = attempt.date.clone();
    row.device = attempt.device.tool.name().to_string();
    if let Some(g) = attempt
        .review
        .as_ref()
        .and_then(|r| r.override_grade.as_ref())
    {
        row.override_grade = Some(g.label());
        let hash = crate::notes::content_hash(&text);
        row.override_signature = Some(crate::signing::check_override(&hash, g, trusted).describe());
    }
    drop(text);
    let cached = levels.get(&attempt.level_id);
    let level = match cached.as_ref() {
        Ok(l) => l,
        Err(LevelError::Unknown(_)) => {
            // Named in the attempt: say where.
            row.error = Level::for_attempt(path, &attempt, levels.dir)
                .err()
                .map(|e| e.to_string());
            return row;
        }
        Err(e) => {
            row.error = Some(e.to_string());
            return row;
        }
    };
    if let Err(e) = level.fits(path, &attempt) {
        row.error = Some(e.to_string());
        return row;
    }
    let s = score::score(
        &level.plan,
        &attempt,
        &replay::replay(&level.plan, &attempt),
    );
    let v = s.verify(&attempt, &level.hash);
    row.total = Some(s.total);
    row.passed = Some(s.passed);
    row.verified = Some(v.is_verified());
    row.verification = Some(v.kind().to_string());
    row.criteria = s
        .criteria
        .iter()
        .map(|c| (c.kind.name().to_string(), c.score))
        .collect();
    row
}

/// Grades every attempt file under `dir` on every core, each file parsed, scored and dropped in
/// turn, so memory does not grow with the class. Files start biggest first so the cores finish
/// together, and only while the bytes in flight stay within [`in_flight_budget`]: a class of
/// full heads is graded one file at a time (each on every core inside), small files many at
/// once. The rows come in file order.
/// Override grades count as their instructors' when signed by a key in `trusted`.
pub fn grade_dir(
    dir: &Path,
    levels_dir: Option<&Path>,
    trusted: &TrustedKeys,
) -> std::io::Result<Vec<GradeRow>> {
    grade_dir_metered(dir, levels_dir, trusted, &Quiet)
}

/// [`grade_dir`], telling `meter` of each file graded (stage "grading", in files).
pub fn grade_dir_metered(
    dir: &Path,
    levels_dir: Option<&Path>,
    trusted: &TrustedKeys,
    meter: &dyn Meter,
) -> std::io::Result<Vec<GradeRow>> {
    let files = attempt_files(dir)?;
    meter.stage("grading", files.len() as u64, "files");
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .collect();
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let budget = in_flight_budget(sizes.iter().copied().max().unwrap_or(0));
    let levels = LevelCache {
        dir: levels_dir,
        levels: Mutex::new(BTreeMap::new()),
    };
    let queue = Mutex::new(Queue {
        waiting: order,
        in_flight: 0,
    });
    let done = Condvar::new();
    let rows: Vec<Mutex<Option<GradeRow>>> = files.iter().map(|_| Mutex::new(None)).collect();
    let workers = parallel::threads().min(files.len()).max(1);
    // Takes the biggest waiting file that fits beside those in flight (any file when none is
    // in flight), or `None` when there is none.
    let take = |q: &mut Queue| {
        let room = budget.saturating_sub(q.in_flight);
        let fits = q.waiting.iter().position(|&i| sizes[i] <= room);
        let k = fits.or((q.in_flight == 0 && !q.waiting.is_empty()).then_some(0))?;
        let i = q.waiting.remove(k);
        q.in_flight += sizes[i];
        Some(i)
    };
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    let Some(i) = take(&mut q) else {
                        if q.waiting.is_empty() {
                            break;
                        }
                        q = done.wait(q).unwrap_or_else(|e| e.into_inner());
                        continue;
                    };
                    drop(q);
                    let row = grade_file(&files[i], &levels, trusted);
                    *rows[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(row);
                    meter.advance(1);
                    q = queue.lock().unwrap_or_else(|e| e.into_inner());
                    q.in_flight -= sizes[i];
                    // This thread takes its next file before the others wake: a class of big
                    // files then stays on one thread, whose allocator keeps reusing the same
                    // memory instead of each thread holding its own.
                    done.notify_all();
                }
            });
        }
    });
    Ok(rows
        .into_iter()
        .filter_map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner()))
        .collect())
}

/// Files waiting (biggest first) and the bytes of those being graded.
struct Queue {
    waiting: Vec<usize>,
    in_flight: u64,
}

/// The most attempt-file bytes `grade` works on at once, given the biggest file's size: one and
/// a half of it (so smaller files share the cores beside it), and at least 16 MiB (so a class of
/// small files runs on every core).
pub fn in_flight_budget(largest_bytes: u64) -> u64 {
    (largest_bytes + largest_bytes / 2).max(16 << 20)
}

/// Attempts, best, mean and trend of a group of graded attempts.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// Attempts graded.
    pub attempts: usize,
    /// Best total.
    pub best: f64,
    /// Latest total (by date, then file name).
    pub latest: f64,
    /// Mean total.
    pub mean: f64,
    /// Change of the total per attempt (least-squares slope over attempts in date order):
    /// positive is improving.
    pub trend: f64,
    /// Attempts that passed.
    pub passed: usize,
}

/// The class summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Per trainee.
    pub trainees: BTreeMap<String, Stats>,
    /// Per level.
    pub levels: BTreeMap<String, Stats>,
}

fn stats(mut rows: Vec<&GradeRow>) -> Stats {
    rows.sort_by(|a, b| (&a.date, &a.file).cmp(&(&b.date, &b.file)));
    let totals: Vec<f64> = rows.iter().filter_map(|r| r.total).collect();
    let n = totals.len();
    if n == 0 {
        return Stats::default();
    }
    let mean = totals.iter().sum::<f64>() / n as f64;
    let xm = (n as f64 - 1.0) / 2.0;
    let (num, den) = totals
        .iter()
        .enumerate()
        .fold((0.0, 0.0), |(num, den), (i, t)| {
            let dx = i as f64 - xm;
            (num + dx * (t - mean), den + dx * dx)
        });
    Stats {
        attempts: n,
        best: totals.iter().cloned().fold(f64::MIN, f64::max),
        latest: totals[n - 1],
        mean,
        trend: if den > 0.0 { num / den } else { 0.0 },
        passed: rows.iter().filter(|r| r.passed == Some(true)).count(),
    }
}

/// Summarizes graded rows per trainee and per level (rows with errors are left out).
pub fn summarize(rows: &[GradeRow]) -> Summary {
    let ok: Vec<&GradeRow> = rows.iter().filter(|r| r.total.is_some()).collect();
    let mut by_trainee: BTreeMap<String, Vec<&GradeRow>> = BTreeMap::new();
    let mut by_level: BTreeMap<String, Vec<&GradeRow>> = BTreeMap::new();
    for r in ok {
        by_trainee.entry(r.trainee.clone()).or_default().push(r);
        by_level.entry(r.level.clone()).or_default().push(r);
    }
    Summary {
        trainees: by_trainee.into_iter().map(|(k, v)| (k, stats(v))).collect(),
        levels: by_level.into_iter().map(|(k, v)| (k, stats(v))).collect(),
    }
}

/// One trainee's history: per level their stats, and per criterion the stats of that
/// criterion's scores over all their attempts (an average over many attempts says more than
/// one).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Progress {
    /// Level id → stats.
    pub levels: BTreeMap<String, Stats>,
    /// Criterion name → stats of its scores.
    pub criteria: BTreeMap<String, Stats>,
}

/// The progress of `trainee` among graded rows.
pub fn progress(rows: &[GradeRow], trainee: &str) -> Progress {
    let mine: Vec<&GradeRow> = rows
        .iter()
        .filter(|r| r.trainee == trainee && r.total.is_some())
        .collect();
    let mut by_level: BTreeMap<String, Vec<&GradeRow>> = BTreeMap::new();
    for r in &mine {
        by_level.entry(r.level.clone()).or_default().push(r);
    }
    let mut criteria = BTreeMap::new();
    for k in CriterionKind::ALL {
        // The criterion's score stands in for the total, so the same statistics apply.
        let as_rows: Vec<GradeRow> = mine
            .iter()
            .filter_map(|r| {
                let s = r.criteria.iter().find(|(n, _)| n == k.name())?.1;
                Some(GradeRow {
                    total: Some(s),
                    passed: None,
                    ..(*r).clone()
                })
            })
            .collect();
        if !as_rows.is_empty() {
            criteria.insert(k.name().to_string(), stats(as_rows.iter().collect()));
        }
    }
    Progress {
        levels: by_level.into_iter().map(|(k, v)| (k, stats(v))).collect(),
        criteria,
    }
}

/// The rows as CSV (a header, then one line per attempt), then the summaries as further CSV
/// sections separated by a blank line.
pub fn to_csv(rows: &[GradeRow], summary: &Summary) -> String {
    let mut out = String::from(
        "file,trainee,level,date,device,total,passed,verified,verification,override_grade,override_signature",
    );
    for k in CriterionKind::ALL {
        out.push(',');
        out.push_str(k.name());
    }
    out.push_str(",error\n");
    let opt = |v: Option<String>| v.unwrap_or_default();
    for r in rows {
        let mut line = vec![
            csv_field(&r.file),
            csv_field(&r.trainee),
            csv_field(&r.level),
            csv_field(&r.date),
            csv_field(&r.device),
            opt(r.total.map(|t| format!("{t:.2}"))),
            opt(r.passed.map(|p| p.to_string())),
            opt(r.verified.map(|p| p.to_string())),
            csv_field(r.verification.as_deref().unwrap_or("")),
            csv_field(r.override_grade.as_deref().unwrap_or("")),
            csv_field(r.override_signature.as_deref().unwrap_or("")),
        ];
        for k in CriterionKind::ALL {
            line.push(opt(r
                .criteria
                .iter()
                .find(|(n, _)| n == k.name())
                .map(|(_, s)| format!("{s:.2}"))));
        }
        line.push(csv_field(r.error.as_deref().unwrap_or("")));
        out.push_str(&line.join(","));
        out.push('\n');
    }
    for (title, map) in [("trainee", &summary.trainees), ("level", &summary.levels)] {
        out.push_str(&format!(
            "\n{title},attempts,best,latest,mean,trend_per_attempt,passed\n"
        ));
        for (k, s) in map {
            out.push_str(&format!(
                "{},{},{:.2},{:.2},{:.2},{:.2},{}\n",
                csv_field(k),
                s.attempts,
                s.best,
                s.latest,
                s.mean,
                s.trend,
                s.passed
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(trainee: &str, date: &str, total: f64) -> GradeRow {
        GradeRow {
            file: format!("{trainee}-{date}.ron"),
            trainee: trainee.into(),
            level: "depth-drill".into(),
            date: date.into(),
            total: Some(total),
            passed: Some(total >= 70.0),
            verified: Some(true),
            verification: Some("verified".into()),
            device: "pen".into(),
            override_grade: None,
            override_signature: None,
            criteria: vec![],
            error: None,
        }
    }

    #[test]
    fn stats_follow_dates_and_trend() {
        let rows = vec![
            row("ana", "2026-03-01", 80.0),
            row("ana", "2026-01-01", 60.0),
            row("ana", "2026-02-01", 70.0),
        ];
        let s = &summarize(&rows).trainees["ana"];
        assert_eq!((s.attempts, s.best, s.latest, s.passed), (3, 80.0, 80.0, 2));
        assert!((s.mean - 70.0).abs() < 1e-12 && (s.trend - 10.0).abs() < 1e-12);
    }
}
