//! The routes: browser pages (rendered on the server from askama templates) and the JSON API
//! under `/api`. One module per area.

use askama::Template;
use axum::Router;
use axum::response::Html;
use axum::routing::{get, post};

use crate::auth::User;
use crate::domain::Role;
use crate::error::PageError;
use crate::startup::AppState;

pub mod api;
pub mod attempt;
pub mod gradebook;
pub mod pages;
pub mod trainee;

/// Every route of the academy.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::sign_in_page))
        .route("/sign-in", post(pages::sign_in))
        .route("/sign-out", post(pages::sign_out))
        .route("/home", get(pages::home))
        .route("/health", get(pages::health))
        .route("/static/academy.css", get(pages::css))
        .route("/courses", get(gradebook::courses))
        .route("/courses/{id}", get(gradebook::gradebook))
        .route("/courses/{id}/gradebook.csv", get(gradebook::csv))
        .route("/assignments/{id}/release", post(gradebook::release_all))
        .route("/attempts/{id}", get(attempt::page))
        .route("/attempts/{id}/picture.png", get(attempt::picture))
        .route("/attempts/{id}/file", get(attempt::file))
        .route("/attempts/{id}/notes", post(attempt::add_note))
        .route("/attempts/{id}/override", post(attempt::set_override))
        .route("/attempts/{id}/state", post(attempt::set_state))
        .route("/me", get(trainee::page))
        .nest("/api", api::routes())
}

/// What the page header shows of the signed-in account.
pub struct Nav {
    /// The name shown.
    pub name: String,
    /// The role's name.
    pub role: &'static str,
    /// The session's CSRF proof, for the sign-out form.
    pub csrf: String,
    /// Whether to link the trainee's page.
    pub trainee: bool,
    /// Whether to link the courses.
    pub staff: bool,
}

impl Nav {
    /// The header for `user`.
    pub fn of(user: &User) -> Nav {
        Nav {
            name: user.display_name.clone(),
            role: user.role.as_str(),
            csrf: user.csrf().to_string(),
            trainee: user.role == Role::Trainee,
            staff: user.role != Role::Trainee,
        }
    }
}

/// A template rendered to a page.
pub fn render(t: &impl Template) -> Result<Html<String>, PageError> {
    Ok(Html(t.render()?))
}

/// One decimal, as totals are shown.
pub fn total(v: f64) -> String {
    format!("{v:.1}")
}
