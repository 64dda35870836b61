//! The trainee's page: assignments and due dates, attempts with their state, released
//! feedback, progress over time as a plot, and the upload form.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sqlx::Row;

use super::{Nav, render, total};
use crate::auth::{PageUser, User};
use crate::domain::{Flag, MarkingState, Policy, Role};
use crate::error::{AppError, PageError};
use crate::plots::ProgressPoint;
use crate::startup::AppState;

/// An assignment as its trainee sees it.
#[derive(Clone, Debug, Serialize)]
pub struct MyAssignment {
    /// Its id.
    pub id: i64,
    /// The course's code.
    pub course: String,
    /// Its title.
    pub title: String,
    /// The level's id.
    pub level: String,
    /// Due, Unix seconds.
    pub due_at: i64,
    /// Due, `YYYY-MM-DD HH:MM` UTC.
    pub due: String,
    /// The attempt policy in words.
    pub policy: String,
    /// Attempts made.
    pub attempts: i64,
    /// Best total so far.
    pub best: Option<f64>,
    /// Whether one passed.
    pub passed: bool,
    /// Whether another attempt would be taken.
    pub open: bool,
    /// Whether the due date has passed.
    pub overdue: bool,
}

impl MyAssignment {
    /// The best total, shown.
    pub fn best_text(&self) -> String {
        self.best.map_or_else(|| "—".into(), total)
    }
}

/// The assignments of `user`'s courses, by due date.
pub async fn my_assignments(state: &AppState, user: &User) -> Result<Vec<MyAssignment>, AppError> {
    let rows = sqlx::query(
        "SELECT s.id, c.code, s.title, s.level_id, s.due_at, s.max_attempts, \
           (SELECT COUNT(*) FROM attempts a WHERE a.assignment_id = s.id AND a.trainee_id = $1) AS n, \
           (SELECT MAX(a.total) FROM attempts a WHERE a.assignment_id = s.id AND a.trainee_id = $2) AS best, \
           (SELECT COALESCE(MAX(a.passed), 0) FROM attempts a WHERE a.assignment_id = s.id AND a.trainee_id = $3) AS passed \
         FROM assignments s JOIN courses c ON c.id = s.course_id JOIN enrollments e ON e.course_id = s.course_id \
         WHERE e.user_id = $4 ORDER BY s.due_at, s.id",
    )
    .bind(user.id)
    .bind(user.id)
    .bind(user.id)
    .bind(user.id)
    .fetch_all(&state.db.pool)
    .await?;
    let now = crate::time::now();
    let mut out = Vec::new();
    for r in rows {
        let policy = Policy::from_column(r.try_get("max_attempts")?);
        let n: i64 = r.try_get("n")?;
        let passed = r.try_get::<i64, _>("passed")? != 0;
        let due_at: i64 = r.try_get("due_at")?;
        out.push(MyAssignment {
            id: r.try_get("id")?,
            course: r.try_get("code")?,
            title: r.try_get("title")?,
            level: r.try_get("level_id")?,
            due_at,
            due: crate::time::minute(due_at),
            policy: policy.describe(),
            attempts: n,
            best: r.try_get("best")?,
            passed,
            open: policy.refusal(n, passed).is_none(),
            overdue: now > due_at,
        });
    }
    Ok(out)
}

/// One of the trainee's attempts.
#[derive(Clone, Debug, Serialize)]
pub struct MyAttempt {
    /// Its id.
    pub id: i64,
    /// The assignment.
    pub assignment: i64,
    /// The assignment's title.
    pub title: String,
    /// Submitted, Unix seconds.
    pub submitted_at: i64,
    /// Submitted, `YYYY-MM-DD HH:MM`.
    pub submitted: String,
    /// The server's total.
    pub total: f64,
    /// Whether it passed.
    pub passed: bool,
    /// Marking state.
    pub state: &'static str,
    /// In words.
    pub state_label: &'static str,
    /// Flags.
    pub flags: Vec<&'static str>,
    /// Late.
    pub late: bool,
}

impl MyAttempt {
    /// The total, shown.
    pub fn total_text(&self) -> String {
        total(self.total)
    }
}

/// `user`'s attempts, oldest first.
pub async fn my_attempts(state: &AppState, user: &User) -> Result<Vec<MyAttempt>, AppError> {
    let rows = sqlx::query(
        "SELECT a.id, a.assignment_id, s.title, a.submitted_at, a.total, a.passed, a.state, a.flags, a.late FROM attempts a JOIN assignments s ON s.id = a.assignment_id WHERE a.trainee_id = $1 ORDER BY a.submitted_at, a.id",
    )
    .bind(user.id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let at: i64 = r.try_get("submitted_at")?;
        let st = MarkingState::parse(&r.try_get::<String, _>("state")?);
        out.push(MyAttempt {
            id: r.try_get("id")?,
            assignment: r.try_get("assignment_id")?,
            title: r.try_get("title")?,
            submitted_at: at,
            submitted: crate::time::minute(at),
            total: r.try_get("total")?,
            passed: r.try_get::<i64, _>("passed")? != 0,
            state: st.as_str(),
            state_label: st.label(),
            flags: Flag::parse_list(&r.try_get::<String, _>("flags")?)
                .iter()
                .map(|f| f.as_str())
                .collect(),
            late: r.try_get::<i64, _>("late")? != 0,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "trainee.html")]
struct TraineePage {
    user: Option<Nav>,
    csrf: String,
    assignments: Vec<MyAssignment>,
    attempts: Vec<MyAttempt>,
    released: usize,
    progress_svg: String,
    limit_mib: u64,
}

/// `GET /me`: the trainee's page.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    user.require(&[Role::Trainee])?;
    let assignments = my_assignments(&state, &user).await?;
    let attempts = my_attempts(&state, &user).await?;
    // One series per assignment, in the order first attempted.
    let mut series: Vec<i64> = Vec::new();
    let mut names = Vec::new();
    for a in &attempts {
        if !series.contains(&a.assignment) {
            series.push(a.assignment);
            names.push(a.title.clone());
        }
    }
    let points: Vec<ProgressPoint> = attempts
        .iter()
        .map(|a| ProgressPoint {
            at: a.submitted_at,
            total: a.total,
            passed: a.passed,
            series: series.iter().position(|s| *s == a.assignment).unwrap_or(0),
        })
        .collect();
    let levels: Vec<String> = assignments.iter().map(|a| a.level.clone()).collect();
    let catalog = state.levels.clone();
    let marks = tokio::task::spawn_blocking(move || {
        levels
            .iter()
            .filter_map(|id| catalog.get(id).ok().map(|l| l.plan.pass_mark))
            .collect::<Vec<f64>>()
    })
    .await
    .map_err(AppError::internal)?;
    let mark = marks
        .first()
        .copied()
        .filter(|m| marks.iter().all(|x| x == m));
    let released = attempts.iter().filter(|a| a.state == "released").count();
    Ok(render(&TraineePage {
        user: Some(Nav::of(&user)),
        csrf: user.csrf().to_string(),
        progress_svg: crate::plots::progress(&points, &names, mark),
        assignments,
        attempts,
        released,
        limit_mib: state.settings.upload_limit / (1024 * 1024),
    })?
    .into_response())
}
