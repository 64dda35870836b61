//! Everything the program prints goes through here: made safe for a terminal (a control
//! character from a file is shown as `\\u{…}`, never obeyed), and a closed pipe (`… | head`)
//! ends the program quietly instead of failing.

use std::io::Write;

/// Writes `text` to standard output as it is (it must already be safe, like JSON or CSV); a
/// closed pipe ends the program with success, as the reader asked for no more.
pub fn raw(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// Writes one line to standard output, made safe for a terminal.
pub fn line(text: &str) {
    raw(&format!("{}\n", smp_core::text::for_terminal_lines(text)));
}

/// Writes one line to standard error, made safe for a terminal; a closed standard error is
/// ignored.
pub fn warn(text: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "{}",
        smp_core::text::for_terminal_lines(text)
    );
}

/// `println!` through [`line`].
macro_rules! say {
    () => { $crate::cli::out::line("") };
    ($($t:tt)*) => { $crate::cli::out::line(&format!($($t)*)) };
}

/// `eprintln!` through [`warn`].
macro_rules! esay {
    ($($t:tt)*) => { $crate::cli::out::warn(&format!($($t)*)) };
}

pub(crate) use {esay, say};
