//! Signing in and out, the home page each role lands on, and the style sheet.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sqlx::Row;

use super::{Nav, render};
use crate::auth::{self, PageUser, SESSION_COOKIE, SESSION_SECONDS, SIGNIN_COOKIE};
use crate::domain::{Password, Role};
use crate::error::{AppError, PageError};
use crate::startup::AppState;

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    user: Option<Nav>,
    csrf: String,
    username: String,
    error: Option<String>,
}

/// `GET /`: the sign-in page (or, with a session, the account's home).
pub async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if let Some(v) = auth::cookie(&headers, SESSION_COOKIE)
        && auth::user_by_session(&state, &v).await?.is_some()
    {
        return Ok(Redirect::to("/home").into_response());
    }
    sign_in_form(&state, String::new(), None, StatusCode::OK)
}

fn sign_in_form(
    state: &AppState,
    username: String,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let csrf = auth::random_hex()?;
    let page = render(&SignInPage {
        user: None,
        csrf: csrf.clone(),
        username,
        error,
    })?;
    Ok((
        status,
        [(
            header::SET_COOKIE,
            auth::set_cookie(SIGNIN_COOKIE, &csrf, 3600, state.settings.secure_cookies),
        )],
        page,
    )
        .into_response())
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /sign-in`: checks the password and opens a session.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, PageError> {
    let proof = auth::cookie(&headers, SIGNIN_COOKIE);
    if !proof.is_some_and(|p| !p.is_empty() && auth::same(&p, &form.csrf)) {
        return Err(AppError::Csrf.into());
    }
    let username = form.username.trim().to_ascii_lowercase();
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE username = $1")
        .bind(&username)
        .fetch_optional(&state.db.pool)
        .await
        .map_err(AppError::from)?;
    let (id, stored) = match row {
        Some(r) => (
            Some(r.try_get::<i64, _>("id").map_err(AppError::from)?),
            r.try_get::<Option<String>, _>("password_hash")
                .map_err(AppError::from)?,
        ),
        None => (None, None),
    };
    let password = Password::typed(form.password);
    let ok =
        tokio::task::spawn_blocking(move || auth::verify_password(&password, stored.as_deref()))
            .await
            .map_err(AppError::internal)?;
    let Some(id) = id.filter(|_| ok) else {
        tracing::info!(
            "sign-in refused for {:?}",
            smp_core::text::for_terminal(&username)
        );
        return sign_in_form(
            &state,
            username,
            Some("Wrong user name or password.".into()),
            StatusCode::UNAUTHORIZED,
        );
    };
    let value = auth::open_session(&state, id).await?;
    tracing::info!("{username} signed in");
    let secure = state.settings.secure_cookies;
    let mut response = Redirect::to("/home").into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, &value, SESSION_SECONDS, secure)
            .parse()
            .map_err(AppError::internal)?,
    );
    h.append(
        header::SET_COOKIE,
        auth::set_cookie(SIGNIN_COOKIE, "", 0, secure)
            .parse()
            .map_err(AppError::internal)?,
    );
    Ok(response)
}

/// A form that carries only its CSRF proof.
#[derive(Deserialize)]
pub struct CsrfOnly {
    /// The session's CSRF proof.
    #[serde(default)]
    pub csrf: String,
}

/// `POST /sign-out`: closes the session.
pub async fn sign_out(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    user.check_csrf(Some(&form.csrf))?;
    if let Some(v) = auth::cookie(&headers, SESSION_COOKIE) {
        auth::close_session(&state, &v).await?;
    }
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        auth::set_cookie(SESSION_COOKIE, "", 0, state.settings.secure_cookies)
            .parse()
            .map_err(AppError::internal)?,
    );
    Ok(response)
}

/// `GET /home`: the trainee's page, or the courses.
pub async fn home(PageUser(user): PageUser) -> Redirect {
    match user.role {
        Role::Trainee => Redirect::to("/me"),
        Role::Instructor | Role::Admin => Redirect::to("/courses"),
    }
}

/// `GET /health`: 200 when the database answers.
pub async fn health(State(state): State<AppState>) -> Result<&'static str, AppError> {
    sqlx::query("SELECT 1").execute(&state.db.pool).await?;
    Ok("ok\n")
}

/// `GET /static/academy.css`.
pub async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/academy.css"),
    )
}
