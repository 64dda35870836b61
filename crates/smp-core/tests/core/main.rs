//! The core's integration tests: one binary with modules, built without any engine.

mod determinism;
mod fixtures;
mod hostile_files;
mod live;
mod outcomes;
mod personas;
mod review;
mod support;
