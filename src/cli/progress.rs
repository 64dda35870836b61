//! Progress of long commands on standard error: a bar (done of total, rate, time left) when
//! standard error is a terminal, and nothing at all otherwise, so pipes, CI logs and scripts
//! get exactly the output they always had.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use smp_core::progress::{Meter, Quiet};

/// The meter for this run: a bar on a terminal, else [`Quiet`].
pub fn meter() -> Box<dyn Meter> {
    if std::io::stderr().is_terminal() {
        Box::new(Bar::new())
    } else {
        Box::new(Quiet)
    }
}

/// A bar on standard error that follows the core's stages, and clears itself when dropped (the
/// command's own lines then stand alone, as they do without a terminal).
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new() -> Self {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        // The first report is drawn at once, then at most 15 times a second.
        bar.set_draw_target(ProgressDrawTarget::stderr_with_hz(15));
        Self { bar }
    }
}

impl Meter for Bar {
    fn stage(&self, what: &str, total: u64, unit: &str) {
        let style = if total > 1 {
            ProgressStyle::with_template(&format!(
                "{{msg:>11}} [{{bar:30}}] {{pos}}/{{len}} {unit}, {{per_sec}}, {{eta}} left"
            ))
        } else {
            ProgressStyle::with_template("{spinner} {msg} … {elapsed}")
        };
        self.bar.set_message(what.to_string());
        if let Ok(style) = style {
            self.bar.set_style(style.progress_chars("=> "));
        }
        // A stage of one long step shows it is alive; a bar moves with its steps.
        if total > 1 {
            self.bar.disable_steady_tick();
        } else {
            self.bar
                .enable_steady_tick(std::time::Duration::from_millis(120));
        }
        self.bar.reset();
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.tick();
    }

    fn advance(&self, steps: u64) {
        self.bar.inc(steps);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
