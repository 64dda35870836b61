//! The `smp-trainer` program: the trainer app (feature `gui`) and the command line.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    // A bug must never greet a user with a Rust backtrace: say what happened in one line.
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("smp-trainer: internal error{place}; please report it with the file you used");
    }));
    cli::run()
}
