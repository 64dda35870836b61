//! The core's integration tests: one binary with modules, built without any engine.

mod cross_section;
mod design;
mod determinism;
mod faults;
mod fixtures;
mod fuzz;
mod head;
mod hostile_files;
mod live;
mod monotonic;
mod outcomes;
mod personas;
mod review;
mod scoring_doc;
mod support;
mod surface;
