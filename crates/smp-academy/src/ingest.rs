//! A submission, from the bytes received to the row stored: the file is checked as an attempt,
//! its level found by id among the academy's, its assignment and attempt policy checked, and
//! it is rescored on a blocking thread (at most as many at once as there are scoring slots).
//! The stored score is compared with the one recomputed, never trusted; what does not add up is
//! flagged. The file is kept whole and synced, and the database row committed, before the
//! submission is acknowledged.

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;
use smp_core::Level;
use smp_core::attempt::{Attempt, ToolKind};
use smp_core::files::{FileError, locate_field};
use smp_core::levels::LevelError;
use smp_core::score::Verification;
use sqlx::Row;

use crate::auth::User;
use crate::db::Backend;
use crate::domain::{Flag, MarkingState, Policy};
use crate::error::AppError;
use crate::startup::AppState;
use crate::store::Received;

/// One criterion's score, as stored and sent.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct CriterionScore {
    /// The criterion's name (`depth`, `spacing`, …).
    pub name: String,
    /// Its score, 0–100.
    pub score: f64,
}

/// What the server made of a submitted file: the API's answer to an upload.
#[derive(Clone, Debug, Serialize)]
pub struct Submission {
    /// The attempt's id.
    pub id: i64,
    /// Its page.
    pub url: String,
    /// The assignment it counts for.
    pub assignment: i64,
    /// The level it was scored on.
    pub level: String,
    /// The total the server computed, 0–100.
    pub total: f64,
    /// Whether it passed.
    pub passed: bool,
    /// The scoring rules that computed it.
    pub scoring_version: u32,
    /// What comparing the file's stored score with the server's found: `verified`,
    /// `not stored`, `older version`, `mismatch` or `level changed`.
    pub verification: String,
    /// The same, in words.
    pub verification_detail: String,
    /// What an instructor should look at: `mismatch`, `level-changed`, `older-version`,
    /// `synthetic`, `other-name`.
    pub flags: Vec<&'static str>,
    /// Whether it came after the due date.
    pub late: bool,
    /// `submitted`, `in_review` or `released`.
    pub state: &'static str,
    /// Whether these very bytes had been submitted for this assignment before (then nothing
    /// new is stored and this is the earlier attempt).
    pub duplicate: bool,
    /// Each criterion's score.
    pub criteria: Vec<CriterionScore>,
}

/// The score of an attempt as the server computed it.
#[derive(Clone, Debug)]
pub struct Scored {
    /// The total, 0–100.
    pub total: f64,
    /// Whether it passed.
    pub passed: bool,
    /// The rules' version.
    pub scoring_version: u32,
    /// `verified`, `not stored`, …
    pub verification: &'static str,
    /// In words.
    pub verification_detail: String,
    /// What is flagged.
    pub flags: Vec<Flag>,
    /// Criteria scores.
    pub criteria: Vec<CriterionScore>,
    /// Impressions made.
    pub impressions: usize,
    /// The academy's level file's hash.
    pub level_hash: String,
}

/// Scores `attempt` on `level`: replay, every criterion, and the check of the stored score.
/// CPU work (about 0.1 s for a full head): call it off the async threads.
pub fn score(level: &Level, attempt: &Attempt, account: Option<&User>) -> Scored {
    let replayed = smp_core::replay::replay(&level.plan, attempt);
    let s = smp_core::score::score(&level.plan, attempt, &replayed);
    let v = s.verify(attempt, &level.hash);
    let mut flags = Vec::new();
    match v {
        Verification::Mismatch(_) => flags.push(Flag::Mismatch),
        Verification::LevelChanged { .. } => flags.push(Flag::LevelChanged),
        Verification::OlderVersion { .. } => flags.push(Flag::OlderVersion),
        Verification::Verified | Verification::NotStored => {}
    }
    // A stored score by older rules on a changed level is both.
    if !matches!(v, Verification::OlderVersion { .. })
        && attempt
            .score
            .as_ref()
            .is_some_and(|st| st.scoring_version < s.scoring_version)
    {
        flags.push(Flag::OlderVersion);
    }
    if attempt.device.tool == ToolKind::Synthetic {
        flags.push(Flag::Synthetic);
    }
    if let Some(u) = account {
        let named = attempt.trainee.trim().to_lowercase();
        if named != u.display_name.trim().to_lowercase() && named != u.username {
            flags.push(Flag::OtherName);
        }
    }
    flags.sort_by_key(|f| Flag::ALL.iter().position(|g| g == f));
    Scored {
        total: s.total,
        passed: s.passed,
        scoring_version: s.scoring_version,
        verification: v.kind(),
        verification_detail: smp_core::text::for_terminal(&v.describe()),
        flags,
        criteria: s
            .criteria
            .iter()
            .map(|c| CriterionScore {
                name: c.kind.name().to_string(),
                score: c.score,
            })
            .collect(),
        impressions: s.impressions,
        level_hash: level.hash.clone(),
    }
}

/// A file checked as an attempt and its level found.
pub struct Checked {
    /// The attempt.
    pub attempt: Attempt,
    /// Its level, the academy's.
    pub level: Arc<Level>,
    /// The file's content hash (without its review section), which signed notes cover.
    pub content_hash: String,
    /// Where the file names its level (line:column), for refusals.
    pub level_at: String,
}

/// Reads `bytes` as the attempt file `name`, and finds its level among the academy's. Every
/// refusal names the file, line and column. Blocking work.
pub fn check(
    name: &Path,
    bytes: Vec<u8>,
    levels: &crate::levels::LevelCatalog,
) -> Result<Checked, AppError> {
    let refuse =
        |e: FileError| AppError::Unprocessable(smp_core::text::for_terminal(&e.to_string()));
    let text = smp_core::files::text_from_bytes(name, bytes).map_err(refuse)?;
    let attempt = Attempt::parse(name, &text).map_err(refuse)?;
    let level_at = locate_field(&text, "level_id").to_string();
    let level = match levels.get(&attempt.level_id) {
        Ok(l) => l,
        Err(LevelError::Unknown(id)) => {
            return Err(AppError::Unprocessable(format!(
                "{}:{level_at}: no level with id {:?} among the academy's levels",
                name.display(),
                smp_core::text::for_terminal(&id)
            )));
        }
        Err(e) => {
            tracing::error!("the academy's level {:?}: {e}", attempt.level_id);
            return Err(AppError::Unprocessable(format!(
                "{}:{level_at}: the academy's level {:?} cannot be used (its file is invalid); tell the academy",
                name.display(),
                attempt.level_id
            )));
        }
    };
    if attempt.sessions.len() > level.plan.sessions.len() {
        return Err(AppError::Unprocessable(format!(
            "{}:{}: the attempt has {} sessions but level {:?} plans {}",
            name.display(),
            locate_field(&text, "sessions"),
            attempt.sessions.len(),
            level.plan.id,
            level.plan.sessions.len()
        )));
    }
    let content_hash = smp_core::notes::content_hash(&text);
    Ok(Checked {
        attempt,
        level,
        content_hash,
        level_at,
    })
}

/// An assignment a trainee may submit to.
#[derive(Clone, Debug)]
struct Target {
    id: i64,
    course_id: i64,
    due_at: i64,
    policy: Policy,
}

/// The trainee's assignment of `level_id` (the one asked for, or the only one).
async fn target(
    state: &AppState,
    trainee: i64,
    level_id: &str,
    asked: Option<i64>,
    where_: &str,
) -> Result<Target, AppError> {
    let rows = sqlx::query(
        "SELECT s.id, s.course_id, s.due_at, s.max_attempts FROM assignments s JOIN enrollments e ON e.course_id = s.course_id WHERE e.user_id = $1 AND s.level_id = $2 ORDER BY s.due_at, s.id",
    )
    .bind(trainee)
    .bind(level_id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut found = Vec::new();
    for r in rows {
        found.push(Target {
            id: r.try_get("id")?,
            course_id: r.try_get("course_id")?,
            due_at: r.try_get("due_at")?,
            policy: Policy::from_column(r.try_get("max_attempts")?),
        });
    }
    if let Some(id) = asked {
        return found.into_iter().find(|t| t.id == id).ok_or_else(|| {
            AppError::Unprocessable(format!(
                "{where_}: assignment {id} is not one of yours for level {level_id:?}"
            ))
        });
    }
    match found.len() {
        0 => Err(AppError::Unprocessable(format!(
            "{where_}: level {level_id:?} is not assigned in any of your courses"
        ))),
        1 => Ok(found.remove(0)),
        _ => Err(AppError::Unprocessable(format!(
            "{where_}: level {level_id:?} is assigned {} times in your courses: say which with ?assignment=ID (one of {})",
            found.len(),
            found
                .iter()
                .map(|t| t.id.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// How many attempts the trainee made at the assignment, and whether one passed.
async fn made<'e, E>(executor: E, assignment: i64, trainee: i64) -> Result<(i64, bool), AppError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COALESCE(MAX(passed), 0) AS p FROM attempts WHERE assignment_id = $1 AND trainee_id = $2",
    )
    .bind(assignment)
    .bind(trainee)
    .fetch_one(executor)
    .await?;
    let n: i64 = row.try_get("n")?;
    let p: i64 = row.try_get("p")?;
    Ok((n, p != 0))
}

/// Stores an upload received into `received` as `user`'s attempt. `file_name` names the file in
/// refusals (a name only, never a path); `asked` is the assignment the client named, if any.
pub async fn submit(
    state: &AppState,
    user: &User,
    received: Received,
    file_name: &str,
    asked: Option<i64>,
    via: &str,
) -> Result<Submission, AppError> {
    user.require(&[crate::domain::Role::Trainee])?;
    let name = std::path::PathBuf::from(file_name);
    // Parsing and scoring hold a slot: at most as many files in memory and on the cores.
    let permit = state
        .scoring
        .clone()
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    let path = received.path.clone();
    let catalog = state.levels.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let bytes = std::fs::read(&path).map_err(AppError::internal)?;
        check(&name, bytes, &catalog)
    })
    .await
    .map_err(AppError::internal)??;
    let where_ = format!("{file_name}:{}", checked.level_at);
    let target = target(state, user.id, &checked.attempt.level_id, asked, &where_).await?;
    // The same bytes sent again for the same assignment (a retry after a lost answer) are the
    // same attempt.
    if let Some(id) = sqlx::query(
        "SELECT id FROM attempts WHERE assignment_id = $1 AND trainee_id = $2 AND blob_hash = $3",
    )
    .bind(target.id)
    .bind(user.id)
    .bind(&received.hash)
    .fetch_optional(&state.db.pool)
    .await?
    {
        let id: i64 = id.try_get("id")?;
        let mut s = load_submission(state, id).await?;
        s.duplicate = true;
        return Ok(s);
    }
    let (n, passed) = made(&state.db.pool, target.id, user.id).await?;
    if let Some(why) = target.policy.refusal(n, passed) {
        return Err(AppError::Conflict(why));
    }
    let account = user.clone();
    let store = state.store.clone();
    let (scored, checked, received) = tokio::task::spawn_blocking(move || {
        let scored = score(&checked.level, &checked.attempt, Some(&account));
        store.keep(&received).map(|_| (scored, checked, received))
    })
    .await
    .map_err(AppError::internal)??;
    drop(permit);
    let now = crate::time::now();
    let late = now > target.due_at;
    let mut tx = state.db.begin_write().await?;
    if state.db.backend == Backend::Postgres {
        // Attempts of one trainee at one course are counted one writer at a time.
        sqlx::query("SELECT 1 FROM enrollments WHERE course_id = $1 AND user_id = $2 FOR UPDATE")
            .bind(target.course_id)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
    }
    let (n, passed) = made(&mut *tx, target.id, user.id).await?;
    if let Some(why) = target.policy.refusal(n, passed) {
        return Err(AppError::Conflict(why));
    }
    sqlx::query(
        "INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) ON CONFLICT (hash) DO NOTHING",
    )
    .bind(&received.hash)
    .bind(i64::try_from(received.size).unwrap_or(i64::MAX))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let criteria = serde_json::to_string(&scored.criteria).map_err(AppError::internal)?;
    let row = sqlx::query(
        "INSERT INTO attempts (assignment_id, trainee_id, blob_hash, content_hash, file_name, submitted_at, via, level_id, level_hash, trainee_name, device, impressions, total, passed, scoring_version, verification, verification_detail, flags, criteria, late, state) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id",
    )
    .bind(target.id)
    .bind(user.id)
    .bind(&received.hash)
    .bind(&checked.content_hash)
    .bind(file_name)
    .bind(now)
    .bind(via)
    .bind(&checked.attempt.level_id)
    .bind(&scored.level_hash)
    .bind(&checked.attempt.trainee)
    .bind(checked.attempt.device.tool.name())
    .bind(i64::try_from(scored.impressions).unwrap_or(i64::MAX))
    .bind(scored.total)
    .bind(i64::from(scored.passed))
    .bind(i64::from(scored.scoring_version))
    .bind(scored.verification)
    .bind(&scored.verification_detail)
    .bind(Flag::to_list(&scored.flags))
    .bind(criteria)
    .bind(i64::from(late))
    .bind(MarkingState::Submitted.as_str())
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    tx.commit().await?;
    tracing::info!(
        "attempt {id} stored: {} at {:?}, {:.2} ({}){}",
        user.username,
        checked.attempt.level_id,
        scored.total,
        scored.verification,
        if scored.flags.is_empty() {
            String::new()
        } else {
            format!(", flagged {}", Flag::to_list(&scored.flags))
        }
    );
    Ok(Submission {
        id,
        url: format!("/attempts/{id}"),
        assignment: target.id,
        level: checked.attempt.level_id.clone(),
        total: scored.total,
        passed: scored.passed,
        scoring_version: scored.scoring_version,
        verification: scored.verification.to_string(),
        verification_detail: scored.verification_detail,
        flags: scored.flags.iter().map(|f| f.as_str()).collect(),
        late,
        state: MarkingState::Submitted.as_str(),
        duplicate: false,
        criteria: scored.criteria,
    })
}

/// A stored attempt as the API describes it.
pub async fn load_submission(state: &AppState, id: i64) -> Result<Submission, AppError> {
    let r = sqlx::query(
        "SELECT id, assignment_id, level_id, total, passed, scoring_version, verification, verification_detail, flags, late, state, criteria FROM attempts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let flags: String = r.try_get("flags")?;
    let criteria: String = r.try_get("criteria")?;
    let passed: i64 = r.try_get("passed")?;
    let late: i64 = r.try_get("late")?;
    let version: i64 = r.try_get("scoring_version")?;
    let state_: String = r.try_get("state")?;
    Ok(Submission {
        id,
        url: format!("/attempts/{id}"),
        assignment: r.try_get("assignment_id")?,
        level: r.try_get("level_id")?,
        total: r.try_get("total")?,
        passed: passed != 0,
        scoring_version: u32::try_from(version).unwrap_or(0),
        verification: r.try_get("verification")?,
        verification_detail: r.try_get("verification_detail")?,
        flags: Flag::parse_list(&flags)
            .iter()
            .map(|f| f.as_str())
            .collect(),
        late: late != 0,
        state: MarkingState::parse(&state_).as_str(),
        duplicate: false,
        criteria: serde_json::from_str(&criteria).unwrap_or_default(),
    })
}
