//! Who is asking: passwords (argon2), sessions kept in the database behind an `HttpOnly`,
//! `SameSite` cookie, CSRF proofs on every form, and device tokens for the API.
//!
//! Secrets are stored only as hashes: a session cookie's and a token's SHA-256, a password's
//! argon2 PHC string. None is ever logged.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::domain::{Password, Role};
use crate::error::AppError;
use crate::startup::AppState;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "smp_session";
/// The sign-in form's CSRF cookie (a double-submitted value: there is no session yet).
pub const SIGNIN_COOKIE: &str = "smp_signin";
/// How long a session lasts, seconds (a week).
pub const SESSION_SECONDS: i64 = 7 * 24 * 3600;
/// A device token's prefix, so that one is recognised in a config file.
pub const TOKEN_PREFIX: &str = "smpd_";

/// 32 random bytes as 64 hex digits.
pub fn random_hex() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal(format!("randomness: {e}")))?;
    Ok(hex(&bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a secret, as stored.
pub fn secret_hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether two strings are equal, taking the same time wherever they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The argon2id PHC string of a password (CPU work: call it off the async threads).
pub fn hash_password(password: &Password) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.expose().as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::internal(format!("hashing a password: {e}")))
}

/// Whether `password` matches the PHC string `stored` (CPU work: off the async threads).
/// With no stored hash, the same work is done against a dummy one, so that a missing account
/// takes as long to refuse as a wrong password.
pub fn verify_password(password: &Password, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (
            DUMMY
                .get_or_init(|| {
                    hash_password(&Password::typed("no such account".into())).unwrap_or_default()
                })
                .as_str(),
            false,
        ),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
        && real
}

/// A new device token: the secret to hand out once, and its hash to store.
pub fn new_token() -> Result<(String, String), AppError> {
    let token = format!("{TOKEN_PREFIX}{}", random_hex()?);
    let hash = secret_hash(&token);
    Ok((token, hash))
}

/// A cookie's value from the request's `Cookie` headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A `Set-Cookie` value: `HttpOnly`, `SameSite=Lax`, path `/`, `Secure` when asked.
pub fn set_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A signed-in account, as the pages and the API see it.
#[derive(Clone, Debug)]
pub struct User {
    /// Its id.
    pub id: i64,
    /// Sign-in name.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// What it may do.
    pub role: Role,
    /// The session's CSRF proof (`None` when the request came with a device token).
    pub csrf: Option<String>,
}

impl User {
    /// The session's CSRF proof, or empty (token requests have no forms).
    pub fn csrf(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }

    /// Refuses unless `given` is this session's CSRF proof. A request that came with a device
    /// token needs none: a browser never sends one on its own.
    pub fn check_csrf(&self, given: Option<&str>) -> Result<(), AppError> {
        match &self.csrf {
            None => Ok(()),
            Some(expected) if given.is_some_and(|g| same(g, expected)) => Ok(()),
            Some(_) => Err(AppError::Csrf),
        }
    }

    /// Refuses unless the account has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "a {} account cannot do this",
                self.role.as_str()
            )))
        }
    }
}

fn user_from_row(row: &sqlx::any::AnyRow, csrf: Option<String>) -> Result<User, AppError> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| AppError::internal("unknown role stored"))?,
        csrf,
    })
}

/// The account behind a session cookie's value, if the session is alive.
pub async fn user_by_session(
    state: &AppState,
    cookie_value: &str,
) -> Result<Option<User>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2",
    )
    .bind(secret_hash(cookie_value))
    .bind(crate::time::now())
    .fetch_optional(&state.db.pool)
    .await?;
    match row {
        Some(r) => {
            let csrf: String = r.try_get("csrf")?;
            Ok(Some(user_from_row(&r, Some(csrf))?))
        }
        None => Ok(None),
    }
}

/// The account behind a device token, if it is valid.
pub async fn user_by_token(state: &AppState, token: &str) -> Result<Option<User>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.username, u.display_name, u.role FROM device_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL",
    )
    .bind(secret_hash(token))
    .fetch_optional(&state.db.pool)
    .await?;
    row.map(|r| user_from_row(&r, None)).transpose()
}

/// Opens a session for `user_id`: the cookie's value to set (its hash is stored).
pub async fn open_session(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let value = random_hex()?;
    let csrf = random_hex()?;
    let now = crate::time::now();
    let mut tx = state.db.begin_write().await?;
    // Old sessions of anyone go when they expire; clearing them here keeps the table small.
    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secret_hash(&value))
    .bind(user_id)
    .bind(csrf)
    .bind(now)
    .bind(now + SESSION_SECONDS)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(value)
}

/// Ends the session behind a cookie's value.
pub async fn close_session(state: &AppState, cookie_value: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(secret_hash(cookie_value))
        .execute(&state.db.pool)
        .await?;
    Ok(())
}

/// The bearer token of a request, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A signed-in account on a browser page: without a session, the browser is sent to sign in.
pub struct PageUser(pub User);

/// Where a page without a session sends the browser.
pub struct SignInFirst;

impl IntoResponse for SignInFirst {
    fn into_response(self) -> Response {
        Redirect::to("/").into_response()
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(SignInFirst.into_response());
        };
        match user_by_session(state, &value).await {
            Ok(Some(u)) => Ok(PageUser(u)),
            Ok(None) => Err(SignInFirst.into_response()),
            Err(e) => Err(e.into_page()),
        }
    }
}

/// An account calling the API: a device token (`Authorization: Bearer …`) or a browser
/// session. Anything else is a 401.
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        api_user(state, &parts.headers).await.map(ApiUser)
    }
}

/// The account behind a request's device token or session cookie; anything else is a 401.
pub async fn api_user(state: &AppState, headers: &HeaderMap) -> Result<User, AppError> {
    if let Some(token) = bearer(headers) {
        return user_by_token(state, token)
            .await?
            .ok_or(AppError::Unauthorized);
    }
    if let Some(value) = cookie(headers, SESSION_COOKIE) {
        return user_by_session(state, &value)
            .await?
            .ok_or(AppError::Unauthorized);
    }
    Err(AppError::Unauthorized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let p = Password::new("correct horse".into()).unwrap();
        let h = hash_password(&p).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&p, Some(&h)));
        assert!(!verify_password(
            &Password::typed("wrong horse".into()),
            Some(&h)
        ));
        assert!(!verify_password(&p, None));
        assert!(!verify_password(&p, Some("not a hash")));
    }

    #[test]
    fn cookies_are_read_and_written() {
        let mut h = HeaderMap::new();
        h.insert("cookie", "a=1; smp_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        let c = set_cookie("x", "y", 60, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
