//! `smp-trainer submit FILE`: send an attempt to the academy's server (`smp-academy`), which
//! rescores it and files it for the instructor (the client is `smp-submit`, shared with the
//! trainer's results screen).
//!
//! The server and the device token come from `--server` and `--token`, else the environment
//! (`SMP_ACADEMY_SERVER`, `SMP_ACADEMY_TOKEN`), else `academy.ron` in the data folder:
//! `(server: "http://…", token: "smpd_…")`.
//!
//! Exit codes: 0 stored (or already stored), 1 refused by the server or not reachable, 2 bad
//! input.

use std::path::Path;

use smp_submit::{Academy, AcademySettings, SubmitError};

use super::Failure;
use super::out::say;

fn failure(e: SubmitError) -> Failure {
    Failure {
        code: e.exit_code(),
        message: e.to_string(),
    }
}

/// Runs `smp-trainer submit`.
pub fn run(
    file: &Path,
    server: Option<String>,
    token: Option<String>,
    assignment: Option<u64>,
) -> Result<u8, Failure> {
    let data = smp_core::files::data_dir();
    let saved = AcademySettings::load(&data).map_err(failure)?;
    let academy =
        Academy::resolve(server, token, &saved, &AcademySettings::path(&data)).map_err(failure)?;
    let receipt = academy.submit(file, assignment).map_err(failure)?;
    say!("{}", receipt.describe());
    Ok(0)
}
