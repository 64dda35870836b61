//! Integration tests of the program: the command line, the trainer headless, the level editor,
//! and the workspace's architecture. One binary with modules, so Bevy links once. The core's
//! own integration tests live in `crates/smp-core/tests/` and build without Bevy.

#[cfg(feature = "gui")]
mod app;
mod architecture;
mod cli;
#[cfg(feature = "gui")]
mod design_step;
mod editor;
mod head;
#[cfg(feature = "gui")]
mod head_trainer;
mod hostile;
#[cfg(feature = "gui")]
mod instrument;
mod progress;
mod support;
#[cfg(feature = "gui")]
mod wake;
