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

/// Output bytes as text.
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Bad input: exit 2, a message naming the file, and never a panic.
pub fn assert_bad_input(out: &std::process::Output, must_mention: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        err.contains(must_mention),
        "{err:?} should mention {must_mention:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
}
