//! Integration tests: one crate with modules, so the test binary links once.

#[cfg(feature = "gui")]
mod app;
mod cli;
mod determinism;
mod editor;
mod hostile_files;
mod live;
mod outcomes;
mod personas;
mod review;
mod support;
