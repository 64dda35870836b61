//! smp-academy: an academy's server for smp-trainer.
//!
//! Trainees submit attempt files (from the trainer, the command line or the browser) through
//! one JSON API; the server keeps every file's bytes whole by content hash, rescores each with
//! the level it holds (the stored score is compared, never trusted) and flags what does not
//! add up. Instructors review in the browser: a course's gradebook, an attempt's healed result
//! and criteria as the core renders them, notes signed with their Ed25519 key, marking from
//! submitted through in review to released. Trainees see their assignments, their attempts and
//! released feedback.
//!
//! The layout follows "Zero To Production in Rust": [`configuration`] (what the command line
//! and environment ask for), [`startup`] (the pool, migrations, the listener and the router),
//! [`routes`] (one module per area), and domain types that check their input once
//! ([`domain`]). One code path serves SQLite and PostgreSQL through sqlx's `Any` driver
//! ([`db`]); queries are checked at run time and never built from strings.

pub mod admin;
pub mod auth;
pub mod configuration;
pub mod db;
pub mod domain;
pub mod error;
pub mod ingest;
pub mod levels;
pub mod plots;
pub mod routes;
pub mod startup;
pub mod store;
pub mod time;

pub use configuration::Settings;
pub use startup::Application;
