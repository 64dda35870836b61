//! Building blocks for the tests: the core tests' own (levels, taps, attempts, temp folders,
//! tampered files) and running the binary.

#[path = "../crates/smp-core/tests/core/support.rs"]
#[allow(dead_code, reason = "the core's tests use helpers these tests do not")]
mod shared;
pub use shared::*;

/// Runs the `smp-trainer` binary with `args`.
pub fn smp(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_smp-trainer"))
        .args(args)
        .output()
        .expect("run smp-trainer")
}
