//! The JSON API under `/api`: submissions (`POST /api/attempts`, streamed to disk within the
//! size limit), the caller's account, assignments and attempts, an attempt's file, and the
//! academy's trusted keys. A device token (`Authorization: Bearer …`) or a browser session
//! authenticates; a session's writes also need its CSRF proof.

use std::time::{Duration, Instant};

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use sqlx::Row;

use super::attempt::{attempt_access, download_name, file_bytes, stored_notes};
use super::trainee::{my_assignments, my_attempts};
use crate::auth::{ApiUser, User};
use crate::domain::{Flag, MarkingState, Role};
use crate::error::AppError;
use crate::ingest;
use crate::startup::AppState;

/// The API's routes (nested under `/api`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/attempts",
            // The upload counts its own bytes against the academy's limit.
            post(upload)
                .get(list_attempts)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/attempts/{id}", get(one_attempt))
        .route("/attempts/{id}/file", get(attempt_file))
        .route("/me", get(me))
        .route("/assignments", get(assignments))
        .route("/trusted-keys", get(trusted_keys))
}

/// Options of an upload.
#[derive(Deserialize, Default)]
pub struct UploadQuery {
    /// The assignment it is for (needed only when the level is assigned more than once).
    pub assignment: Option<i64>,
    /// The file's name, for messages (a name only; a path is cut to its last part).
    pub name: Option<String>,
}

/// How much of a refused upload is still read (and thrown away) so that the client sees the
/// answer instead of a reset connection: beyond this, or after [`DRAIN_TIME`], the connection
/// is closed.
const DRAIN_BYTES: u64 = 64 * 1024 * 1024;
/// See [`DRAIN_BYTES`].
const DRAIN_TIME: Duration = Duration::from_secs(15);

/// Reads and discards what is left of a refused body, within bounds.
async fn drain<S, E>(stream: &mut S)
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let start = Instant::now();
    let mut n = 0u64;
    while n < DRAIN_BYTES && start.elapsed() < DRAIN_TIME {
        match tokio::time::timeout(DRAIN_TIME, stream.next()).await {
            Ok(Some(Ok(chunk))) => n += chunk.len() as u64,
            _ => break,
        }
    }
}

/// A file's name as sent, made safe: its last path part, printable, at most 100 characters,
/// `attempt.ron` when nothing is left.
pub fn safe_name(raw: Option<&str>) -> String {
    let last = raw
        .unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim();
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '`'))
        .take(100)
        .collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "attempt.ron".into()
    } else {
        clean
    }
}

fn wants_page(user: &User, headers: &HeaderMap) -> bool {
    user.csrf.is_some()
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
}

/// `POST /api/attempts`: an attempt file as the raw body (`Content-Type:
/// application/octet-stream` or any but multipart) or as the `file` part of a
/// `multipart/form-data` form (the browser's; its `csrf` part must come first). Answers 201
/// with the submission, 200 when these bytes were already submitted for the assignment; a
/// browser form is sent on to the attempt's page.
pub async fn upload(
    State(state): State<AppState>,
    Query(q): Query<UploadQuery>,
    request: Request,
) -> Response {
    // Refusals before the body is read still read it (within bounds), so that the client
    // hears the answer instead of a connection closed in the middle of its upload.
    let user = match crate::auth::api_user(&state, request.headers()).await {
        Ok(u) => u,
        Err(e) => {
            drain(&mut request.into_body().into_data_stream()).await;
            return e.into_response();
        }
    };
    let page = wants_page(&user, request.headers());
    match receive_and_submit(&state, &user, q, request).await {
        Ok(s) if page => Redirect::to(&s.url).into_response(),
        Ok(s) => {
            let status = if s.duplicate {
                StatusCode::OK
            } else {
                StatusCode::CREATED
            };
            (status, [(header::LOCATION, s.url.clone())], Json(s)).into_response()
        }
        Err(e) if page => e.into_page(),
        Err(e) => e.into_response(),
    }
}

async fn receive_and_submit(
    state: &AppState,
    user: &User,
    q: UploadQuery,
    request: Request,
) -> Result<ingest::Submission, AppError> {
    if let Err(e) = user.require(&[Role::Trainee]) {
        drain(&mut request.into_body().into_data_stream()).await;
        return Err(e);
    }
    let limit = state.settings.upload_limit;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let expects_continue = request
        .headers()
        .get(header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if !multipart {
        // A session's upload without a form needs its CSRF proof in a header.
        let proof = request
            .headers()
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = request.into_body().into_data_stream();
        if let Err(e) = user.check_csrf(proof.as_deref()) {
            drain(&mut body).await;
            return Err(e);
        }
        if declared.is_some_and(|n| n > limit) {
            if !expects_continue {
                drain(&mut body).await;
            }
            return Err(AppError::TooLarge { limit });
        }
        let received = match state.store.receive(&mut body, limit).await {
            Ok(r) => r,
            Err(e) => {
                if matches!(e, AppError::TooLarge { .. }) {
                    drain(&mut body).await;
                }
                return Err(e);
            }
        };
        let name = safe_name(q.name.as_deref());
        return ingest::submit(state, user, received, &name, q.assignment, "api").await;
    }
    // Multipart: the whole form may be a little over the file's limit.
    if declared.is_some_and(|n| n > limit + 64 * 1024) {
        if !expects_continue {
            drain(&mut request.into_body().into_data_stream()).await;
        }
        return Err(AppError::TooLarge { limit });
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| AppError::BadRequest(format!("not a form: {e}")))?;
    match read_form(state, user, &mut form, &q).await {
        Ok((received, name, assignment)) => {
            ingest::submit(state, user, received, &name, assignment, "browser").await
        }
        Err(e) => {
            // The rest of the form is still read (within bounds), so that the browser hears
            // the refusal instead of a connection closed in the middle of its upload.
            while let Ok(Some(mut f)) = form.next_field().await {
                drain(&mut f).await;
            }
            Err(e)
        }
    }
}

/// Reads the upload form's parts up to its file, received whole into a temporary file: the
/// file, its name and the assignment asked for. A refusal leaves the rest of the form unread.
async fn read_form(
    state: &AppState,
    user: &User,
    form: &mut Multipart,
    q: &UploadQuery,
) -> Result<(crate::store::Received, String, Option<i64>), AppError> {
    let limit = state.settings.upload_limit;
    let mut csrf_ok = user.csrf.is_none();
    let mut assignment = q.assignment;
    loop {
        let field = form
            .next_field()
            .await
            .map_err(|e| AppError::BadRequest(format!("the form broke off: {e}")))?;
        let Some(mut field) = field else {
            return Err(AppError::BadRequest(
                "the form has no file part (name it \"file\")".into(),
            ));
        };
        match field.name().unwrap_or("") {
            "csrf" => {
                let v = small_text(&mut field).await?;
                user.check_csrf(Some(&v))?;
                csrf_ok = true;
            }
            "assignment" => {
                let v = small_text(&mut field).await?;
                if !v.trim().is_empty() {
                    assignment =
                        Some(v.trim().parse().map_err(|_| {
                            AppError::BadRequest("assignment must be a number".into())
                        })?);
                }
            }
            "file" => {
                if !csrf_ok {
                    drain(&mut field).await;
                    return Err(AppError::Csrf);
                }
                let name = safe_name(field.file_name().or(q.name.as_deref()));
                return match state.store.receive(&mut field, limit).await {
                    Ok(received) => Ok((received, name, assignment)),
                    Err(e) => {
                        if matches!(e, AppError::TooLarge { .. }) {
                            drain(&mut field).await;
                        }
                        Err(e)
                    }
                };
            }
            _ => {
                small_text(&mut field).await?;
            }
        }
    }
}

/// A small text part of a form (at most 4 KiB).
async fn small_text(field: &mut axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let mut out = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| AppError::BadRequest(format!("the form broke off: {e}")))?
    {
        out.extend_from_slice(&chunk);
        if out.len() > 4096 {
            return Err(AppError::BadRequest("a form field is too long".into()));
        }
    }
    String::from_utf8(out).map_err(|_| AppError::BadRequest("a form field is not text".into()))
}

/// `GET /api/me`: the caller's account.
pub async fn me(ApiUser(user): ApiUser) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role.as_str(),
    }))
}

/// `GET /api/assignments`: a trainee's assignments (with attempts made, best total, whether
/// another attempt is taken); the assignments of an instructor's courses.
pub async fn assignments(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<serde_json::Value>, AppError> {
    if user.role == Role::Trainee {
        return Ok(Json(
            serde_json::json!({ "assignments": my_assignments(&state, &user).await? }),
        ));
    }
    let rows = sqlx::query(
        "SELECT s.id, c.code, s.title, s.level_id, s.due_at, s.max_attempts FROM assignments s JOIN courses c ON c.id = s.course_id \
         WHERE $1 = 1 OR EXISTS (SELECT 1 FROM course_instructors i WHERE i.course_id = s.course_id AND i.user_id = $2) ORDER BY s.due_at, s.id",
    )
    .bind(i64::from(user.role == Role::Admin))
    .bind(user.id)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let due: i64 = r.try_get("due_at")?;
        out.push(serde_json::json!({
            "id": r.try_get::<i64, _>("id")?,
            "course": r.try_get::<String, _>("code")?,
            "title": r.try_get::<String, _>("title")?,
            "level": r.try_get::<String, _>("level_id")?,
            "due_at": due,
            "due": crate::time::minute(due),
            "policy": crate::domain::Policy::from_column(r.try_get("max_attempts")?).describe(),
        }));
    }
    Ok(Json(serde_json::json!({ "assignments": out })))
}

/// Which attempts to list.
#[derive(Deserialize)]
pub struct ListQuery {
    /// A course (instructors and admins).
    pub course: Option<i64>,
}

/// `GET /api/attempts`: a trainee's own attempts; for instructors and admins, a course's
/// (`?course=ID`).
pub async fn list_attempts(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<serde_json::Value>, AppError> {
    if user.role == Role::Trainee {
        return Ok(Json(
            serde_json::json!({ "attempts": my_attempts(&state, &user).await? }),
        ));
    }
    let course = q
        .course
        .ok_or_else(|| AppError::BadRequest("give the course: ?course=ID".into()))?;
    super::gradebook::course_access(&state, &user, course).await?;
    let rows = sqlx::query(
        "SELECT a.id, a.assignment_id, u.username, a.submitted_at, a.total, a.passed, a.verification, a.flags, a.late, a.state \
         FROM attempts a JOIN assignments s ON s.id = a.assignment_id JOIN users u ON u.id = a.trainee_id WHERE s.course_id = $1 ORDER BY a.submitted_at, a.id",
    )
    .bind(course)
    .fetch_all(&state.db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(serde_json::json!({
            "id": r.try_get::<i64, _>("id")?,
            "assignment": r.try_get::<i64, _>("assignment_id")?,
            "trainee": r.try_get::<String, _>("username")?,
            "submitted_at": r.try_get::<i64, _>("submitted_at")?,
            "total": r.try_get::<f64, _>("total")?,
            "passed": r.try_get::<i64, _>("passed")? != 0,
            "verification": r.try_get::<String, _>("verification")?,
            "flags": Flag::parse_list(&r.try_get::<String, _>("flags")?).iter().map(|f| f.as_str()).collect::<Vec<_>>(),
            "late": r.try_get::<i64, _>("late")? != 0,
            "state": MarkingState::parse(&r.try_get::<String, _>("state")?).as_str(),
        }));
    }
    Ok(Json(serde_json::json!({ "attempts": out })))
}

/// `GET /api/attempts/{id}`: one attempt, with its notes when the caller may see them.
pub async fn one_attempt(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<serde_json::Value>, AppError> {
    let row = attempt_access(&state, &user, id).await?;
    let s = ingest::load_submission(&state, id).await?;
    let mut v = serde_json::to_value(&s).map_err(AppError::internal)?;
    if user.role != Role::Trainee || row.state == MarkingState::Released {
        let notes = stored_notes(&state, id).await?;
        v["notes"] = serde_json::to_value(&notes).map_err(AppError::internal)?;
    }
    v["trainee"] = row.trainee_username.into();
    v["submitted_at"] = row.submitted_at.into();
    v["content_hash"] = row.content_hash.into();
    Ok(Json(v))
}

/// `GET /api/attempts/{id}/file`: the attempt file, with the notes the caller may see.
pub async fn attempt_file(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
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
        Body::from(bytes),
    )
        .into_response())
}

/// `GET /api/trusted-keys`: the academy's trusted instructor keys, as a `trusted-keys.ron`
/// file (public keys only).
pub async fn trusted_keys(State(state): State<AppState>) -> Result<Response, AppError> {
    let path = state.settings.trusted_keys_path();
    let text = if path.exists() {
        smp_core::files::read_bounded(&path, smp_core::files::FileKind::Keys)
            .map_err(AppError::internal)?
    } else {
        "[]\n".to_string()
    };
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_to_a_safe_last_part() {
        assert_eq!(safe_name(Some("/home/ana/a.ron")), "a.ron");
        assert_eq!(safe_name(Some("C:\\x\\b.ron")), "b.ron");
        assert_eq!(safe_name(Some("..")), "attempt.ron");
        assert_eq!(safe_name(None), "attempt.ron");
        assert_eq!(safe_name(Some("a\u{1b}[2J\".ron")), "a[2J.ron");
    }
}
