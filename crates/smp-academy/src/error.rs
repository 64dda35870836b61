//! Refusals and failures, each with its HTTP status: JSON for the API (`{"error": …}`), a page
//! for the browser. Internal details go to the log, never to the client.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Why a request was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request itself is malformed (a form field, a parameter).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid session or token.
    #[error("sign in first, or give a valid token (Authorization: Bearer …)")]
    Unauthorized,
    /// 403: a form without its CSRF proof, or a session that does not match it.
    #[error("the form's CSRF proof is missing or wrong: reload the page and try again")]
    Csrf,
    /// 403: signed in, but this account may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: nothing there, or nothing this account may see (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// 409: the request conflicts with what is stored (an attempt policy, a duplicate name).
    #[error("{0}")]
    Conflict(String),
    /// 413: the upload is larger than the limit.
    #[error("the file is larger than the {limit}-byte limit ({})", mib(*.limit))]
    TooLarge {
        /// The limit, bytes.
        limit: u64,
    },
    /// 422: the file is not an attempt this academy can score (with the file's line and
    /// column), or names an unknown level.
    #[error("{0}")]
    Unprocessable(String),
    /// 500: something on the server failed; the details are in its log.
    #[error("the server failed; the details are in its log")]
    Internal(String),
}

fn mib(bytes: u64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

impl AppError {
    /// The status it answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Csrf | AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A failure inside the server: logged here, shown as a plain 500.
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        tracing::error!("{e}");
        AppError::Internal(e.to_string())
    }

    /// The error as a browser page.
    pub fn into_page(self) -> Response {
        let status = self.status();
        let message = smp_core::text::html(&self.to_string());
        let body = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{code} — smp-academy</title><link rel=\"stylesheet\" href=\"/static/academy.css\"></head><body><main><h1>{code} {reason}</h1><p class=\"refusal\">{message}</p><p><a href=\"/\">Back to the academy</a></p></main></body></html>",
            code = status.as_u16(),
            reason = status.canonical_reason().unwrap_or(""),
        );
        let mut response = (status, Html(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert("www-authenticate", "Bearer".parse().expect("a header"));
        }
        response
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        AppError::internal(format!("database: {e}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::internal(format!("template: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({ "error": self.to_string(), "status": status.as_u16() });
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert("www-authenticate", "Bearer".parse().expect("a header"));
        }
        response
    }
}

/// An error shown as a page (the browser's routes).
#[derive(Debug)]
pub struct PageError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_page()
    }
}
