//! An attempt's page: the healed result rendered by the core, every criterion with its reason
//! and places, the depth and spacing histograms, the sessions' timeline; the instructor's
//! signed notes and override, and its marking (submitted → in review → released). Also the
//! picture and the file.

use std::path::PathBuf;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use smp_core::attempt::Attempt;
use smp_core::geometry::Point;
use smp_core::notes::{Comment, OverrideGrade, Pin, ReviewNotes};
use smp_core::review::{ReviewedAttempt, Timeline};
use smp_core::signing::{self, TrustedKeys};
use sqlx::Row;

use super::{Nav, render, total};
use crate::auth::{PageUser, User};
use crate::domain::{Flag, MarkingState, Role};
use crate::error::{AppError, PageError};
use crate::startup::AppState;

/// An attempt as stored, with what the pages need of its assignment and trainee.
#[derive(Clone, Debug)]
pub struct AttemptRow {
    /// Its id.
    pub id: i64,
    /// The assignment.
    pub assignment_id: i64,
    /// The assignment's title.
    pub assignment_title: String,
    /// The course.
    pub course_id: i64,
    /// When it was due.
    pub due_at: i64,
    /// The trainee's account.
    pub trainee_id: i64,
    /// Their sign-in name.
    pub trainee_username: String,
    /// Their name shown.
    pub trainee_name: String,
    /// The file's hash (where its bytes are kept).
    pub blob_hash: String,
    /// The file's content hash (what signed notes cover).
    pub content_hash: String,
    /// The file's name as sent.
    pub file_name: String,
    /// When it was submitted.
    pub submitted_at: i64,
    /// The level.
    pub level_id: String,
    /// The server's total.
    pub total: f64,
    /// Whether it passed.
    pub passed: bool,
    /// `verified`, `mismatch`, …
    pub verification: String,
    /// In words.
    pub verification_detail: String,
    /// Flags.
    pub flags: Vec<Flag>,
    /// After the due date.
    pub late: bool,
    /// Marking state.
    pub state: MarkingState,
    /// What made the samples: pen, mouse or synthetic.
    pub device: String,
}

/// The attempt `id` if `user` may see it: their own (a trainee), their course's (an
/// instructor), any (an admin). Anything else is "not found", whether it exists or not.
pub async fn attempt_access(
    state: &AppState,
    user: &User,
    id: i64,
) -> Result<AttemptRow, AppError> {
    let r = sqlx::query(
        "SELECT a.id, a.assignment_id, s.title AS assignment_title, s.course_id, s.due_at, a.trainee_id, u.username, u.display_name, \
           a.blob_hash, a.content_hash, a.file_name, a.submitted_at, a.level_id, a.total, a.passed, a.verification, a.verification_detail, \
           a.flags, a.late, a.state, a.device \
         FROM attempts a JOIN assignments s ON s.id = a.assignment_id JOIN users u ON u.id = a.trainee_id \
         WHERE a.id = $1 AND ($2 = 1 OR a.trainee_id = $3 OR EXISTS (SELECT 1 FROM course_instructors i WHERE i.course_id = s.course_id AND i.user_id = $4))",
    )
    .bind(id)
    .bind(i64::from(user.role == Role::Admin))
    .bind(if user.role == Role::Trainee { user.id } else { -1 })
    .bind(if user.role == Role::Instructor { user.id } else { -1 })
    .fetch_optional(&state.db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(AttemptRow {
        id: r.try_get("id")?,
        assignment_id: r.try_get("assignment_id")?,
        assignment_title: r.try_get("assignment_title")?,
        course_id: r.try_get("course_id")?,
        due_at: r.try_get("due_at")?,
        trainee_id: r.try_get("trainee_id")?,
        trainee_username: r.try_get("username")?,
        trainee_name: r.try_get("display_name")?,
        blob_hash: r.try_get("blob_hash")?,
        content_hash: r.try_get("content_hash")?,
        file_name: r.try_get("file_name")?,
        submitted_at: r.try_get("submitted_at")?,
        level_id: r.try_get("level_id")?,
        total: r.try_get("total")?,
        passed: r.try_get::<i64, _>("passed")? != 0,
        verification: r.try_get("verification")?,
        verification_detail: r.try_get("verification_detail")?,
        flags: Flag::parse_list(&r.try_get::<String, _>("flags")?),
        late: r.try_get::<i64, _>("late")? != 0,
        state: MarkingState::parse(&r.try_get::<String, _>("state")?),
        device: r.try_get("device")?,
    })
}

/// Whether `user` sees the instructors' notes on `row`: staff always, the trainee once
/// released.
fn sees_notes(user: &User, row: &AttemptRow) -> bool {
    user.role != Role::Trainee || row.state == MarkingState::Released
}

/// The notes stored for an attempt: its comments in order, and its latest override.
pub async fn stored_notes(state: &AppState, attempt: i64) -> Result<ReviewNotes, AppError> {
    let rows = sqlx::query("SELECT kind, body FROM notes WHERE attempt_id = $1 ORDER BY id")
        .bind(attempt)
        .fetch_all(&state.db.pool)
        .await?;
    let mut notes = ReviewNotes::default();
    for r in rows {
        let kind: String = r.try_get("kind")?;
        let body: String = r.try_get("body")?;
        match kind.as_str() {
            "comment" => notes
                .comments
                .push(serde_json::from_str(&body).map_err(AppError::internal)?),
            _ => {
                notes.override_grade =
                    Some(serde_json::from_str(&body).map_err(AppError::internal)?);
            }
        }
    }
    Ok(notes)
}

/// The academy's trusted instructor keys (none before the first instructor).
pub fn trusted(state: &AppState) -> TrustedKeys {
    let path = state.settings.trusted_keys_path();
    if path.exists() {
        TrustedKeys::load(&path).unwrap_or_else(|e| {
            tracing::error!("{e}");
            TrustedKeys::default()
        })
    } else {
        TrustedKeys::default()
    }
}

/// The attempt reviewed: read from its kept bytes and scored on the academy's level (the
/// level's model attempt is left out: the page does not show it). Blocking work.
pub fn review(state: &AppState, row: &AttemptRow) -> Result<ReviewedAttempt, AppError> {
    let bytes = state.store.read(&row.blob_hash)?;
    let name = PathBuf::from(&row.file_name);
    let text = smp_core::files::text_from_bytes(&name, bytes).map_err(AppError::internal)?;
    let attempt = Attempt::parse(&name, &text).map_err(AppError::internal)?;
    let level = state
        .levels
        .get(&attempt.level_id)
        .map_err(AppError::internal)?;
    let level = (*level).clone();
    level.fits(&name, &attempt).map_err(AppError::internal)?;
    let replayed = smp_core::replay::replay(&level.plan, &attempt);
    let score = smp_core::score::score(&level.plan, &attempt, &replayed);
    let verification = score.verify(&attempt, &level.hash);
    let nearest = smp_core::score::nearest_between(&level.plan, &replayed);
    let density = smp_core::score::density_map(&level.plan, &replayed);
    let timeline = Timeline::new(&replayed);
    Ok(ReviewedAttempt {
        path: name,
        content_hash: smp_core::notes::content_hash(&text),
        trusted: trusted(state),
        level,
        attempt,
        replay: replayed,
        score,
        verification,
        nearest,
        density,
        timeline,
        model: None,
    })
}

/// A criterion as the page lists it.
pub struct CriterionView {
    /// Its name.
    pub name: &'static str,
    /// Its weight.
    pub weight: String,
    /// Its score.
    pub score: String,
    /// Whether it is below the floor (it fails the attempt).
    pub low: bool,
    /// Why.
    pub reason: String,
    /// Where it lost points.
    pub places: Vec<String>,
}

/// A note as the page lists it.
pub struct NoteView {
    /// Who wrote it (as written in the note).
    pub author: String,
    /// When.
    pub date: String,
    /// What it is pinned to.
    pub pin: String,
    /// The text.
    pub text: String,
    /// What its signature says.
    pub check: String,
    /// Whether it counts as a trusted instructor's.
    pub trusted: bool,
}

#[derive(Template)]
#[template(path = "attempt.html")]
struct AttemptPage {
    user: Option<Nav>,
    csrf: String,
    row: AttemptRow,
    staff: bool,
    instructor: bool,
    sees_notes: bool,
    level_title: String,
    submitted: String,
    due: String,
    verdict: String,
    verified_class: &'static str,
    outcomes: String,
    impressions: usize,
    sessions: usize,
    criteria: Vec<CriterionView>,
    depth_svg: String,
    spacing_svg: String,
    timeline_svg: String,
    window: String,
    min_spacing: String,
    comments: Vec<NoteView>,
    override_note: Option<NoteView>,
    flags: Vec<&'static str>,
    state_name: &'static str,
    state_label: &'static str,
    picture_key: String,
}

/// `GET /attempts/{id}`: the attempt's page.
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let row = attempt_access(&state, &user, id).await?;
    let notes = if sees_notes(&user, &row) {
        stored_notes(&state, id).await?
    } else {
        ReviewNotes::default()
    };
    let permit = state
        .scoring
        .clone()
        .acquire_owned()
        .await
        .map_err(AppError::internal)?;
    let (st, r2) = (state.clone(), row.clone());
    let reviewed = tokio::task::spawn_blocking(move || review(&st, &r2))
        .await
        .map_err(AppError::internal)??;
    drop(permit);
    let plan = &reviewed.level.plan;
    let s = &reviewed.score;
    let criteria = s
        .criteria
        .iter()
        .map(|c| CriterionView {
            name: c.kind.name(),
            weight: format!("{}", c.weight),
            score: total(c.score),
            low: s.below_floor.contains(&c.kind),
            reason: c.reason.clone(),
            places: c
                .places
                .iter()
                .take(6)
                .map(|p| format!("({:.1}, {:.1}) mm: {}", p.at.x_mm, p.at.y_mm, p.note))
                .collect(),
        })
        .collect();
    let depths: Vec<f64> = reviewed
        .replay
        .impressions
        .iter()
        .map(|p| p.tissue.depth_mm)
        .collect();
    let spacings: Vec<f64> = reviewed.nearest.iter().flatten().map(|(_, d)| *d).collect();
    let max_depth = plan.skin.subcutis_mm() * 1.3;
    let outcomes: Vec<[u8; 3]> = reviewed
        .replay
        .impressions
        .iter()
        .map(|p| smp_core::palette::outcome_rgb(p.tissue.outcome))
        .collect();
    let trust = &reviewed.trusted;
    let view =
        |author: &str, date: &str, pin: String, text: &str, check: signing::SignatureCheck| {
            NoteView {
                author: author.to_string(),
                date: date.to_string(),
                pin,
                text: text.to_string(),
                trusted: check.is_trusted(),
                check: check.describe(),
            }
        };
    let comments = notes
        .comments
        .iter()
        .map(|c| {
            view(
                &c.author,
                &c.date,
                c.pin.describe(),
                &c.text,
                signing::check_comment(&reviewed.content_hash, c, trust),
            )
        })
        .collect();
    let override_note = notes.override_grade.as_ref().map(|g| {
        view(
            &g.instructor,
            &g.date,
            format!(
                "{:.1}, {}",
                g.total,
                if g.passed { "passed" } else { "failed" }
            ),
            &g.reason,
            signing::check_override(&reviewed.content_hash, g, trust),
        )
    });
    let o = &s.outcomes;
    let page = AttemptPage {
        user: Some(Nav::of(&user)),
        csrf: user.csrf().to_string(),
        staff: user.role != Role::Trainee,
        instructor: user.role == Role::Instructor,
        sees_notes: sees_notes(&user, &row),
        level_title: plan.title.clone(),
        submitted: crate::time::minute(row.submitted_at),
        due: crate::time::minute(row.due_at),
        verdict: s.verdict(),
        verified_class: if reviewed.verification.is_contradicted() {
            "bad"
        } else {
            "ok"
        },
        outcomes: format!(
            "{} ideal, {} shallow, {} deep, {} blowouts",
            o.ideal, o.shallow, o.deep, o.blowout
        ),
        impressions: s.impressions,
        sessions: reviewed.attempt.sessions.len(),
        criteria,
        depth_svg: crate::plots::histogram(
            &depths,
            0.0,
            max_depth,
            &[plan.depth_window.min_mm, plan.depth_window.max_mm],
            "mm",
            "depth of every impression",
        ),
        spacing_svg: crate::plots::histogram(
            &spacings,
            0.0,
            plan.min_spacing_mm * 4.0,
            &[plan.min_spacing_mm],
            "mm",
            "distance to the nearest dot",
        ),
        timeline_svg: crate::plots::timeline(
            &reviewed.timeline.times_s,
            &depths,
            &outcomes,
            &reviewed.timeline.session_starts_s,
            reviewed.timeline.duration_s,
            (plan.depth_window.min_mm, plan.depth_window.max_mm),
            max_depth,
        ),
        window: format!(
            "{:.2}–{:.2} mm",
            plan.depth_window.min_mm, plan.depth_window.max_mm
        ),
        min_spacing: format!("{:.2} mm", plan.min_spacing_mm),
        comments,
        override_note,
        flags: row.flags.iter().map(|f| f.as_str()).collect(),
        state_name: row.state.as_str(),
        state_label: row.state.label(),
        picture_key: picture_key(&row, &notes),
        row,
    };
    Ok(render(&page)?.into_response())
}

/// What the cached picture depends on: the file, the level, the rules, the pins shown.
fn picture_key(row: &AttemptRow, notes: &ReviewNotes) -> String {
    let pins: Vec<String> = notes
        .comments
        .iter()
        .filter_map(|c| match c.pin {
            Pin::Place(p) => Some(format!("{},{}", p.x_mm, p.y_mm)),
            _ => None,
        })
        .collect();
    let key = format!(
        "{}|{}|{}|{}",
        row.content_hash,
        row.level_id,
        smp_core::score::SCORING_VERSION,
        pins.join(";")
    );
    crate::auth::secret_hash(&key)[..32].to_string()
}

/// `GET /attempts/{id}/picture.png`: the healed result and its heatmaps, as the core's reports
/// draw them (comment places ringed), cached in the data folder.
pub async fn picture(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let row = attempt_access(&state, &user, id).await?;
    let notes = if sees_notes(&user, &row) {
        stored_notes(&state, id).await?
    } else {
        ReviewNotes::default()
    };
    let cache = state
        .settings
        .data_dir
        .join("cache")
        .join(format!("{}.png", picture_key(&row, &notes)));
    let png = if let Ok(bytes) = std::fs::read(&cache) {
        bytes
    } else {
        let permit = state
            .scoring
            .clone()
            .acquire_owned()
            .await
            .map_err(AppError::internal)?;
        let st = state.clone();
        let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
            let reviewed = review(&st, &row)?;
            let (w, h, px) =
                smp_core::report::picture(&reviewed, &notes).map_err(AppError::internal)?;
            let png = smp_core::report::encode_png(w, h, &px).map_err(AppError::internal)?;
            if let Some(dir) = cache.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Err(e) = smp_core::files::write_atomically(&cache, &png) {
                tracing::warn!("caching a picture: {e}");
            }
            Ok(png)
        })
        .await
        .map_err(AppError::internal)??;
        drop(permit);
        bytes
    };
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        png,
    )
        .into_response())
}

/// The attempt's file as it may be handed out: the trainee's bytes whole, with the notes the
/// asker may see written into its review section (signed: `smp-trainer grade` and `review`
/// check them offline against the academy's trusted keys).
pub async fn file_bytes(
    state: &AppState,
    user: &User,
    row: &AttemptRow,
) -> Result<Vec<u8>, AppError> {
    let bytes = state.store.read(&row.blob_hash)?;
    if !sees_notes(user, row) {
        return Ok(bytes);
    }
    let notes = stored_notes(state, row.id).await?;
    let text = String::from_utf8(bytes).map_err(AppError::internal)?;
    Ok(smp_core::notes::with_section(&text, &notes)
        .unwrap_or(text)
        .into_bytes())
}

/// A file name fit for a `Content-Disposition` header.
pub fn download_name(row: &AttemptRow) -> String {
    let stem: String = row
        .file_name
        .trim_end_matches(".ron")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(80)
        .collect();
    format!(
        "attempt-{}-{}.ron",
        row.id,
        if stem.is_empty() { "file" } else { &stem }
    )
}

/// `GET /attempts/{id}/file`: the attempt file (see [`file_bytes`]).
pub async fn file(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let row = attempt_access(&state, &user, id).await?;
    let bytes = file_bytes(&state, &user, &row).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", download_name(&row)),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The comment form.
#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf: String,
    text: String,
    /// `attempt`, `place` or `moment`.
    #[serde(default)]
    pin: String,
    #[serde(default)]
    x_mm: String,
    #[serde(default)]
    y_mm: String,
    #[serde(default)]
    session: String,
    #[serde(default)]
    t_s: String,
}

fn number(s: &str, what: &str) -> Result<f64, AppError> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| AppError::BadRequest(format!("{what} must be a number")))
}

/// The instructor's key, held by the server: `keys/user-ID/` in the data folder.
pub fn instructor_key(state: &AppState, user: i64) -> Result<signing::InstructorKey, AppError> {
    let dir = state
        .settings
        .data_dir
        .join("keys")
        .join(format!("user-{user}"));
    signing::InstructorKey::load_or_create(&dir).map_err(AppError::internal)
}

/// Stores a note (signed) and moves a submitted attempt into review.
async fn store_note(
    state: &AppState,
    user: &User,
    row: &AttemptRow,
    kind: &str,
    body: String,
) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    sqlx::query("INSERT INTO notes (attempt_id, author_id, kind, body, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(row.id)
        .bind(user.id)
        .bind(kind)
        .bind(body)
        .bind(crate::time::now())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE attempts SET state = 'in_review' WHERE id = $1 AND state = 'submitted'")
        .bind(row.id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// `POST /attempts/{id}/notes`: a comment, signed with the instructor's key.
pub async fn add_note(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&form.csrf))?;
    user.require(&[Role::Instructor])?;
    let row = attempt_access(&state, &user, id).await?;
    let pin = match form.pin.as_str() {
        "place" => Pin::Place(Point::new(
            number(&form.x_mm, "x")?,
            number(&form.y_mm, "y")?,
        )),
        "moment" => {
            let session = number(&form.session, "the session")?;
            if !(1.0..=4.0).contains(&session) {
                return Err(AppError::BadRequest("the session is 1 to 4".into()).into());
            }
            Pin::Moment {
                session: session as usize - 1,
                t_s: number(&form.t_s, "the time")?.max(0.0),
            }
        }
        _ => Pin::Attempt,
    };
    let mut comment = Comment {
        author: user.display_name.clone(),
        date: crate::time::date(crate::time::now()),
        pin,
        text: form.text.trim().replace("\r\n", "\n"),
        signature: None,
    };
    let check = ReviewNotes {
        comments: vec![comment.clone()],
        override_grade: None,
    };
    if let Some(p) = check.problem() {
        return Err(AppError::BadRequest(p).into());
    }
    let key = instructor_key(&state, user.id)?;
    comment.signature = Some(key.sign_comment(&row.content_hash, &comment));
    let body = serde_json::to_string(&comment).map_err(AppError::internal)?;
    store_note(&state, &user, &row, "comment", body).await?;
    tracing::info!("{} commented on attempt {id}", user.username);
    Ok(Redirect::to(&format!("/attempts/{id}#notes")).into_response())
}

/// The override form.
#[derive(Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    csrf: String,
    total: String,
    /// `yes` when it passes.
    #[serde(default)]
    passed: String,
    reason: String,
}

/// `POST /attempts/{id}/override`: the instructor's grade instead of the computed one, with
/// its reason, signed.
pub async fn set_override(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<OverrideForm>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&form.csrf))?;
    user.require(&[Role::Instructor])?;
    let row = attempt_access(&state, &user, id).await?;
    let mut grade = OverrideGrade {
        total: number(&form.total, "the total")?,
        passed: form.passed == "yes",
        reason: form.reason.trim().replace("\r\n", "\n"),
        instructor: user.display_name.clone(),
        date: crate::time::date(crate::time::now()),
        signature: None,
    };
    let check = ReviewNotes {
        comments: Vec::new(),
        override_grade: Some(grade.clone()),
    };
    if let Some(p) = check.problem() {
        return Err(AppError::BadRequest(p).into());
    }
    let key = instructor_key(&state, user.id)?;
    grade.signature = Some(key.sign_override(&row.content_hash, &grade));
    let body = serde_json::to_string(&grade).map_err(AppError::internal)?;
    store_note(&state, &user, &row, "override", body).await?;
    tracing::info!("{} overrode the grade of attempt {id}", user.username);
    Ok(Redirect::to(&format!("/attempts/{id}#notes")).into_response())
}

/// The marking form.
#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    csrf: String,
    /// `in_review` or `released`.
    to: String,
}

/// `POST /attempts/{id}/state`: into review, or released to the trainee.
pub async fn set_state(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<i64>,
    Form(form): Form<StateForm>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&form.csrf))?;
    user.require(&[Role::Instructor, Role::Admin])?;
    let row = attempt_access(&state, &user, id).await?;
    let to = match form.to.as_str() {
        "in_review" if row.state == MarkingState::Submitted => MarkingState::InReview,
        "released" if row.state != MarkingState::Released => MarkingState::Released,
        _ => {
            return Err(AppError::Conflict(format!(
                "an attempt {} cannot go to {:?}",
                row.state.label(),
                form.to
            ))
            .into());
        }
    };
    let mut tx = state.db.begin_write().await.map_err(AppError::from)?;
    sqlx::query("UPDATE attempts SET state = $1, released_at = $2 WHERE id = $3")
        .bind(to.as_str())
        .bind((to == MarkingState::Released).then(crate::time::now))
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(AppError::from)?;
    tx.commit().await.map_err(AppError::from)?;
    tracing::info!("{} moved attempt {id} to {}", user.username, to.as_str());
    Ok(Redirect::to(&format!("/attempts/{id}")).into_response())
}
