//! A course's gradebook (trainee × assignment: best and latest totals, flags, due and late),
//! its CSV export, and releasing a whole assignment's feedback.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use sqlx::Row;

use super::pages::CsrfOnly;
use super::{Nav, render, total};
use crate::auth::{PageUser, User};
use crate::domain::{Flag, MarkingState, Policy, Role};
use crate::error::{AppError, PageError};
use crate::startup::AppState;

/// A course as listed.
pub struct CourseItem {
    /// Its id.
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// Trainees enrolled.
    pub trainees: i64,
    /// Assignments set.
    pub assignments: i64,
    /// Attempts waiting for review (submitted or in review).
    pub waiting: i64,
}

#[derive(Template)]
#[template(path = "courses.html")]
struct CoursesPage {
    user: Option<Nav>,
    courses: Vec<CourseItem>,
}

/// `GET /courses`: the courses an instructor teaches (every course for an admin).
pub async fn courses(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    user.require(&[Role::Instructor, Role::Admin])?;
    let rows = sqlx::query(
        "SELECT c.id, c.code, c.title, \
           (SELECT COUNT(*) FROM enrollments e WHERE e.course_id = c.id) AS trainees, \
           (SELECT COUNT(*) FROM assignments s WHERE s.course_id = c.id) AS assignments, \
           (SELECT COUNT(*) FROM attempts a JOIN assignments s ON s.id = a.assignment_id WHERE s.course_id = c.id AND a.state <> 'released') AS waiting \
         FROM courses c WHERE $1 = 1 OR c.id IN (SELECT course_id FROM course_instructors WHERE user_id = $2) ORDER BY c.code",
    )
    .bind(i64::from(user.role == Role::Admin))
    .bind(user.id)
    .fetch_all(&state.db.pool)
    .await
    .map_err(AppError::from)?;
    let mut courses = Vec::new();
    for r in rows {
        courses.push(CourseItem {
            id: r.try_get("id").map_err(AppError::from)?,
            code: r.try_get("code").map_err(AppError::from)?,
            title: r.try_get("title").map_err(AppError::from)?,
            trainees: r.try_get("trainees").map_err(AppError::from)?,
            assignments: r.try_get("assignments").map_err(AppError::from)?,
            waiting: r.try_get("waiting").map_err(AppError::from)?,
        });
    }
    Ok(render(&CoursesPage {
        user: Some(Nav::of(&user)),
        courses,
    })?
    .into_response())
}

/// Refuses (404) unless `user` may see the course: its instructors and admins.
pub async fn course_access(
    state: &AppState,
    user: &User,
    course: i64,
) -> Result<(String, String), AppError> {
    let row = sqlx::query(
        "SELECT code, title FROM courses c WHERE c.id = $1 AND ($2 = 1 OR EXISTS (SELECT 1 FROM course_instructors i WHERE i.course_id = c.id AND i.user_id = $3))",
    )
    .bind(course)
    .bind(i64::from(user.role == Role::Admin))
    .bind(if user.role == Role::Trainee { -1 } else { user.id })
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok((row.try_get("code")?, row.try_get("title")?))
}

/// An assignment as the gradebook heads it.
pub struct AssignmentHead {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The level's id.
    pub level: String,
    /// Due, `YYYY-MM-DD HH:MM` UTC.
    pub due: String,
    /// The attempt policy in words.
    pub policy: String,
    /// Attempts not yet released.
    pub unreleased: i64,
}

/// One trainee's standing at one assignment.
#[derive(Default)]
pub struct Cell {
    /// Attempts made.
    pub attempts: i64,
    /// Best total and its attempt.
    pub best: Option<(f64, i64)>,
    /// Latest total and its attempt.
    pub latest: Option<(f64, i64)>,
    /// Whether any attempt passed.
    pub passed: bool,
    /// Flags of any attempt.
    pub flags: Vec<Flag>,
    /// Whether the latest attempt came after the due date.
    pub late: bool,
    /// The latest attempt's marking state.
    pub state: Option<MarkingState>,
}

impl Cell {
    /// The best total, shown.
    pub fn best_text(&self) -> String {
        self.best.map_or_else(String::new, |(t, _)| total(t))
    }
    /// The latest total, shown.
    pub fn latest_text(&self) -> String {
        self.latest.map_or_else(String::new, |(t, _)| total(t))
    }
    /// The latest attempt's id (0 when none).
    pub fn latest_id(&self) -> i64 {
        self.latest.map_or(0, |(_, id)| id)
    }
    /// The CSS class: pass, fail or empty.
    pub fn class(&self) -> &'static str {
        match (self.attempts, self.passed) {
            (0, _) => "empty",
            (_, true) => "pass",
            _ => "fail",
        }
    }
    /// The flags' names.
    pub fn flag_names(&self) -> Vec<&'static str> {
        self.flags.iter().map(|f| f.as_str()).collect()
    }
    /// The state's CSS name and label.
    pub fn state_text(&self) -> (&'static str, &'static str) {
        self.state.map_or(("", ""), |s| (s.as_str(), s.label()))
    }
}

/// A trainee's row.
pub struct TraineeRow {
    /// Sign-in name.
    pub username: String,
    /// The name shown.
    pub name: String,
    /// One cell per assignment, in the heads' order.
    pub cells: Vec<Cell>,
}

/// A course's gradebook.
pub struct Gradebook {
    /// The course's id.
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its title.
    pub title: String,
    /// The assignments, by due date.
    pub assignments: Vec<AssignmentHead>,
    /// The trainees, by name.
    pub rows: Vec<TraineeRow>,
}

/// The gradebook of course `id`: three queries, however many trainees and attempts.
pub async fn gradebook_data(
    state: &AppState,
    id: i64,
    code: String,
    title: String,
) -> Result<Gradebook, AppError> {
    let heads = sqlx::query(
        "SELECT s.id, s.title, s.level_id, s.due_at, s.max_attempts, \
           (SELECT COUNT(*) FROM attempts a WHERE a.assignment_id = s.id AND a.state <> 'released') AS unreleased \
         FROM assignments s WHERE s.course_id = $1 ORDER BY s.due_at, s.id",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut assignments = Vec::new();
    for r in heads {
        assignments.push(AssignmentHead {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            level: r.try_get("level_id")?,
            due: crate::time::minute(r.try_get("due_at")?),
            policy: Policy::from_column(r.try_get("max_attempts")?).describe(),
            unreleased: r.try_get("unreleased")?,
        });
    }
    let column: HashMap<i64, usize> = assignments
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id, i))
        .collect();
    let people = sqlx::query(
        "SELECT u.id, u.username, u.display_name FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.course_id = $1 ORDER BY u.display_name, u.username",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut rows = Vec::with_capacity(people.len());
    let mut row_of = HashMap::with_capacity(people.len());
    for (i, r) in people.iter().enumerate() {
        row_of.insert(r.try_get::<i64, _>("id")?, i);
        rows.push(TraineeRow {
            username: r.try_get("username")?,
            name: r.try_get("display_name")?,
            cells: (0..assignments.len()).map(|_| Cell::default()).collect(),
        });
    }
    let attempts = sqlx::query(
        "SELECT a.id, a.assignment_id, a.trainee_id, a.total, a.passed, a.flags, a.late, a.state FROM attempts a JOIN assignments s ON s.id = a.assignment_id WHERE s.course_id = $1 ORDER BY a.submitted_at, a.id",
    )
    .bind(id)
    .fetch_all(&state.db.pool)
    .await?;
    for r in attempts {
        let (Some(&c), Some(&t)) = (
            column.get(&r.try_get::<i64, _>("assignment_id")?),
            row_of.get(&r.try_get::<i64, _>("trainee_id")?),
        ) else {
            continue;
        };
        let cell = &mut rows[t].cells[c];
        let aid: i64 = r.try_get("id")?;
        let t_: f64 = r.try_get("total")?;
        cell.attempts += 1;
        if cell.best.is_none_or(|(b, _)| t_ > b) {
            cell.best = Some((t_, aid));
        }
        cell.latest = Some((t_, aid));
        cell.passed |= r.try_get::<i64, _>("passed")? != 0;
        for f in Flag::parse_list(&r.try_get::<String, _>("flags")?) {
            if !cell.flags.contains(&f) {
                cell.flags.push(f);
            }
        }
        cell.late = r.try_get::<i64, _>("late")? != 0;
        cell.state = Some(MarkingState::parse(&r.try_get::<String, _>("state")?));
    }
    Ok(Gradebook {
        id,
        code,
        title,
        assignments,
        rows,
    })
}

#[derive(Template)]
#[template(path = "gradebook.html")]
struct GradebookPage {
    user: Option<Nav>,
    csrf: String,
    book: Gradebook,
}

/// `GET /courses/{id}`: the gradebook.
pub async fn gradebook(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (code, title) = course_access(&state, &user, id).await?;
    let book = gradebook_data(&state, id, code, title).await?;
    Ok(render(&GradebookPage {
        user: Some(Nav::of(&user)),
        csrf: user.csrf().to_string(),
        book,
    })?
    .into_response())
}

/// `GET /courses/{id}/gradebook.csv`: a row per trainee and assignment, every text field
/// formula-safe (a leading `=`, `+`, `-` or `@` gets a `'`).
pub async fn csv(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (code, title) = course_access(&state, &user, id).await?;
    let book = gradebook_data(&state, id, code, title).await?;
    let f = smp_core::text::csv_field;
    let mut out = String::from(
        "course,trainee,name,assignment,level,due_utc,policy,attempts,best,latest,passed,flags,late,state,latest_attempt\n",
    );
    for row in &book.rows {
        for (a, cell) in book.assignments.iter().zip(&row.cells) {
            let line = [
                f(&book.code),
                f(&row.username),
                f(&row.name),
                f(&a.title),
                f(&a.level),
                f(&a.due),
                f(&a.policy),
                cell.attempts.to_string(),
                cell.best
                    .map_or_else(String::new, |(t, _)| format!("{t:.2}")),
                cell.latest
                    .map_or_else(String::new, |(t, _)| format!("{t:.2}")),
                if cell.attempts == 0 {
                    String::new()
                } else {
                    cell.passed.to_string()
                },
                f(&Flag::to_list(&cell.flags)),
                if cell.attempts == 0 {
                    String::new()
                } else {
                    cell.late.to_string()
                },
                cell.state
                    .map_or_else(String::new, |s| s.as_str().to_string()),
                cell.latest
                    .map_or_else(String::new, |(_, id)| id.to_string()),
            ];
            out.push_str(&line.join(","));
            out.push('\n');
        }
    }
    let name: String = book
        .code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}-gradebook.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

/// `POST /assignments/{id}/release`: every attempt of the assignment not yet released is.
pub async fn release_all(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&form.csrf))?;
    user.require(&[Role::Instructor, Role::Admin])?;
    let course: i64 = sqlx::query("SELECT course_id FROM assignments WHERE id = $1")
        .bind(id)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?
        .try_get("course_id")
        .map_err(AppError::from)?;
    course_access(&state, &user, course).await?;
    let mut tx = state.db.begin_write().await.map_err(AppError::from)?;
    let done = sqlx::query(
        "UPDATE attempts SET state = 'released', released_at = $1 WHERE assignment_id = $2 AND state <> 'released'",
    )
    .bind(crate::time::now())
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    tracing::info!(
        "{} released {} attempts of assignment {id}",
        user.username,
        done.rows_affected()
    );
    Ok(Redirect::to(&format!("/courses/{course}")).into_response())
}
