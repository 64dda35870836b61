//! Setting an academy up, as `smp-academy admin …` does from the command line (so a script can
//! set one up from nothing): the first admin, courses, instructors, trainees, who teaches and
//! who is enrolled where, assignments, device tokens; and rescoring stored attempts when the
//! rules or levels change.

use sqlx::Row;

use crate::auth;
use crate::domain::{CourseCode, Password, Policy, Role, ShownName, Username};
use crate::error::AppError;
use crate::startup::AppState;

async fn user_id(
    state: &AppState,
    username: &Username,
    role: Option<Role>,
) -> Result<i64, AppError> {
    let row = sqlx::query("SELECT id, role FROM users WHERE username = $1")
        .bind(username.as_str())
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("no account named {username}")))?;
    let r: String = row.try_get("role")?;
    if let Some(role) = role
        && r != role.as_str()
    {
        return Err(AppError::BadRequest(format!(
            "{username} is a {r}, not a {}",
            role.as_str()
        )));
    }
    Ok(row.try_get("id")?)
}

async fn course_id(state: &AppState, code: &CourseCode) -> Result<i64, AppError> {
    Ok(sqlx::query("SELECT id FROM courses WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(&state.db.pool)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("no course {}", code.as_str())))?
        .try_get("id")?)
}

/// Adds an account. `password` may be left out for a trainee who submits only with a device
/// token (they cannot sign in to the browser until one is set). An instructor gets their
/// signing key, and the academy's trusted-keys file is written again.
pub async fn add_user(
    state: &AppState,
    role: Role,
    username: &Username,
    name: &ShownName,
    password: Option<Password>,
) -> Result<i64, AppError> {
    let hash = match password {
        Some(p) => Some(
            tokio::task::spawn_blocking(move || auth::hash_password(&p))
                .await
                .map_err(AppError::internal)??,
        ),
        None => None,
    };
    let mut tx = state.db.begin_write().await?;
    if sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "{username} already has an account"
        )));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(username.as_str())
    .bind(name.as_str())
    .bind(role.as_str())
    .bind(hash)
    .bind(crate::time::now())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    if role == Role::Instructor {
        write_trusted_keys(state).await?;
    }
    Ok(id)
}

/// The first admin: refused when the academy has one already.
pub async fn init(
    state: &AppState,
    username: &Username,
    name: &ShownName,
    password: Password,
) -> Result<i64, AppError> {
    let admins: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = 'admin'")
        .fetch_one(&state.db.pool)
        .await?
        .try_get("n")?;
    if admins > 0 {
        return Err(AppError::Conflict(
            "the academy has an admin already: add accounts with add-instructor, add-trainee"
                .into(),
        ));
    }
    add_user(state, Role::Admin, username, name, Some(password)).await
}

/// Sets (or replaces) an account's password; its sessions end.
pub async fn set_password(
    state: &AppState,
    username: &Username,
    password: Password,
) -> Result<(), AppError> {
    let id = user_id(state, username, None).await?;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password))
        .await
        .map_err(AppError::internal)??;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a course.
pub async fn add_course(
    state: &AppState,
    code: &CourseCode,
    title: &ShownName,
) -> Result<i64, AppError> {
    let mut tx = state.db.begin_write().await?;
    if sqlx::query("SELECT id FROM courses WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(&mut *tx)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "course {} exists already",
            code.as_str()
        )));
    }
    let id: i64 = sqlx::query(
        "INSERT INTO courses (code, title, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(code.as_str())
    .bind(title.as_str())
    .bind(crate::time::now())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(id)
}

/// An instructor teaches a course (again is no change).
pub async fn teach(
    state: &AppState,
    code: &CourseCode,
    instructor: &Username,
) -> Result<(), AppError> {
    let c = course_id(state, code).await?;
    let u = user_id(state, instructor, Some(Role::Instructor)).await?;
    link(state, "course_instructors", c, u).await
}

/// A trainee is enrolled in a course (again is no change).
pub async fn enroll(
    state: &AppState,
    code: &CourseCode,
    trainee: &Username,
) -> Result<(), AppError> {
    let c = course_id(state, code).await?;
    let u = user_id(state, trainee, Some(Role::Trainee)).await?;
    link(state, "enrollments", c, u).await
}

async fn link(state: &AppState, table: &str, course: i64, user: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin_write().await?;
    let q = match table {
        "enrollments" => {
            "INSERT INTO enrollments (course_id, user_id) VALUES ($1, $2) ON CONFLICT (course_id, user_id) DO NOTHING"
        }
        _ => {
            "INSERT INTO course_instructors (course_id, user_id) VALUES ($1, $2) ON CONFLICT (course_id, user_id) DO NOTHING"
        }
    };
    sqlx::query(q)
        .bind(course)
        .bind(user)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns a level (by id, among the academy's levels) to a course, due at `due_at`.
pub async fn assign(
    state: &AppState,
    code: &CourseCode,
    level_id: &str,
    title: Option<&ShownName>,
    due_at: i64,
    policy: Policy,
) -> Result<i64, AppError> {
    let c = course_id(state, code).await?;
    let catalog = state.levels.clone();
    let id = level_id.to_string();
    let level = tokio::task::spawn_blocking(move || catalog.get(&id))
        .await
        .map_err(AppError::internal)?
        .map_err(|e| AppError::BadRequest(smp_core::text::for_terminal(&e.to_string())))?;
    let title = title.map_or_else(|| level.plan.title.clone(), |t| t.as_str().to_string());
    let mut tx = state.db.begin_write().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO assignments (course_id, level_id, title, due_at, max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(c)
    .bind(&level.plan.id)
    .bind(title)
    .bind(due_at)
    .bind(policy.to_column())
    .bind(crate::time::now())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    tx.commit().await?;
    Ok(id)
}

/// A new device token for an account: the secret, shown once (only its hash is stored).
pub async fn make_token(
    state: &AppState,
    username: &Username,
    label: &str,
) -> Result<String, AppError> {
    let u = user_id(state, username, None).await?;
    let (token, hash) = auth::new_token()?;
    let mut tx = state.db.begin_write().await?;
    sqlx::query("INSERT INTO device_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
        .bind(hash)
        .bind(u)
        .bind(label)
        .bind(crate::time::now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(token)
}

/// Revokes every device token of an account; how many there were.
pub async fn revoke_tokens(state: &AppState, username: &Username) -> Result<u64, AppError> {
    let u = user_id(state, username, None).await?;
    let mut tx = state.db.begin_write().await?;
    let done = sqlx::query(
        "UPDATE device_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(crate::time::now())
    .bind(u)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// Makes every instructor's key (when missing) and writes the academy's trusted-keys file:
/// their public keys under their names, as `smp-trainer grade --trusted-keys` reads it.
pub async fn write_trusted_keys(state: &AppState) -> Result<String, AppError> {
    let rows =
        sqlx::query("SELECT id, display_name FROM users WHERE role = 'instructor' ORDER BY id")
            .fetch_all(&state.db.pool)
            .await?;
    let mut keys = smp_core::signing::TrustedKeys::default();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let key = crate::routes::attempt::instructor_key(state, id)?;
        keys.keys.push(smp_core::signing::TrustedKey {
            name: r.try_get("display_name")?,
            key: key.public(),
        });
    }
    let body = ron::ser::to_string_pretty(
        &keys,
        ron::ser::PrettyConfig::new().indentor("    ".to_string()),
    )
    .map_err(AppError::internal)?;
    let text =
        format!("// The academy's trusted instructor keys, written by smp-academy.\n{body}\n");
    smp_core::files::write_atomically(&state.settings.trusted_keys_path(), text.as_bytes())
        .map_err(AppError::internal)?;
    Ok(text)
}

/// One attempt whose stored result changed when rescored.
#[derive(Clone, Debug)]
pub struct Rescored {
    /// The attempt.
    pub id: i64,
    /// Total before.
    pub before: f64,
    /// Total now.
    pub after: f64,
    /// Whether it passes now.
    pub passed: bool,
}

/// What a rescore did.
#[derive(Clone, Debug, Default)]
pub struct RescoreReport {
    /// Attempts rescored.
    pub attempts: usize,
    /// Those whose total or verdict changed.
    pub changed: Vec<Rescored>,
    /// Those that could not be rescored, and why.
    pub failed: Vec<(i64, String)>,
}

/// Rescores every stored attempt (of one course, when given) from its kept file, with the
/// academy's levels and today's rules, and stores the new results.
pub async fn rescore(
    state: &AppState,
    course: Option<&CourseCode>,
) -> Result<RescoreReport, AppError> {
    let course = match course {
        Some(c) => Some(course_id(state, c).await?),
        None => None,
    };
    let rows = sqlx::query(
        "SELECT a.id, a.blob_hash, a.file_name, a.total, a.passed, u.id AS uid, u.username, u.display_name, u.role \
         FROM attempts a JOIN assignments s ON s.id = a.assignment_id JOIN users u ON u.id = a.trainee_id \
         WHERE $1 = 0 OR s.course_id = $2 ORDER BY a.id",
    )
    .bind(i64::from(course.is_some()))
    .bind(course.unwrap_or(-1))
    .fetch_all(&state.db.pool)
    .await?;
    let mut report = RescoreReport::default();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let before: f64 = r.try_get("total")?;
        let was_passed = r.try_get::<i64, _>("passed")? != 0;
        let hash: String = r.try_get("blob_hash")?;
        let name: String = r.try_get("file_name")?;
        let account = auth::User {
            id: r.try_get("uid")?,
            username: r.try_get("username")?,
            display_name: r.try_get("display_name")?,
            role: Role::Trainee,
            csrf: None,
        };
        let st = state.clone();
        let outcome =
            tokio::task::spawn_blocking(move || -> Result<crate::ingest::Scored, AppError> {
                let bytes = st.store.read(&hash)?;
                let checked = crate::ingest::check(std::path::Path::new(&name), bytes, &st.levels)?;
                Ok(crate::ingest::score(
                    &checked.level,
                    &checked.attempt,
                    Some(&account),
                ))
            })
            .await
            .map_err(AppError::internal)?;
        report.attempts += 1;
        let scored = match outcome {
            Ok(s) => s,
            Err(e) => {
                report.failed.push((id, e.to_string()));
                continue;
            }
        };
        let mut tx = state.db.begin_write().await?;
        sqlx::query(
            "UPDATE attempts SET total = $1, passed = $2, scoring_version = $3, verification = $4, verification_detail = $5, flags = $6, criteria = $7, level_hash = $8, impressions = $9, rescored_at = $10 WHERE id = $11",
        )
        .bind(scored.total)
        .bind(i64::from(scored.passed))
        .bind(i64::from(scored.scoring_version))
        .bind(scored.verification)
        .bind(&scored.verification_detail)
        .bind(crate::domain::Flag::to_list(&scored.flags))
        .bind(serde_json::to_string(&scored.criteria).map_err(AppError::internal)?)
        .bind(&scored.level_hash)
        .bind(i64::try_from(scored.impressions).unwrap_or(i64::MAX))
        .bind(crate::time::now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if scored.total.to_bits() != before.to_bits() || scored.passed != was_passed {
            report.changed.push(Rescored {
                id,
                before,
                after: scored.total,
                passed: scored.passed,
            });
        }
    }
    Ok(report)
}
