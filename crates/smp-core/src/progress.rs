//! Long work says how far it has got: grading a class, simulating, rendering, writing a report.
//! The core only counts; whoever runs the work decides how to show it (a bar on a terminal, the
//! trainer's loading screen) or not at all ([`Quiet`]).

/// Watches long work: told what each stage is and how big, then each step as it is done.
/// Steps may be reported from several threads at once.
pub trait Meter: Sync {
    /// A stage begins: `total` steps of `unit` (such as "files" or "bands"), named `what`
    /// ("grading", "painting"). Steps reported after this count towards it.
    fn stage(&self, what: &str, total: u64, unit: &str);

    /// `steps` more steps of the current stage are done.
    fn advance(&self, steps: u64);
}

/// Nobody is watching: every report is dropped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Quiet;

impl Meter for Quiet {
    fn stage(&self, _what: &str, _total: u64, _unit: &str) {}
    fn advance(&self, _steps: u64) {}
}

/// A meter that remembers everything it was told, in order (for tests, and for a window that
/// shows the latest stage).
#[derive(Debug, Default)]
pub struct Record {
    events: std::sync::Mutex<Vec<Reading>>,
}

/// One report a [`Record`] received.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// A stage began: its name, its size in steps, and the unit of a step.
    Stage {
        /// What the stage does ("grading").
        what: String,
        /// Steps in it.
        total: u64,
        /// What a step is ("files").
        unit: String,
    },
    /// Steps were done.
    Advance(u64),
}

impl Record {
    /// Everything reported so far.
    pub fn readings(&self) -> Vec<Reading> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The latest stage and how many of its steps are done: `(what, done, total)`.
    pub fn latest(&self) -> Option<(String, u64, u64)> {
        let events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let start = events
            .iter()
            .rposition(|r| matches!(r, Reading::Stage { .. }))?;
        let Reading::Stage { what, total, .. } = &events[start] else {
            return None;
        };
        let done = events[start + 1..]
            .iter()
            .map(|r| match r {
                Reading::Advance(n) => *n,
                Reading::Stage { .. } => 0,
            })
            .sum();
        Some((what.clone(), done, *total))
    }
}

impl Meter for Record {
    fn stage(&self, what: &str, total: u64, unit: &str) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Reading::Stage {
                what: what.into(),
                total,
                unit: unit.into(),
            });
    }

    fn advance(&self, steps: u64) {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Reading::Advance(steps));
    }
}

/// A meter read from another thread while the work runs (a window's loading screen): the latest
/// stage, its size and how much of it is done.
#[derive(Debug, Default)]
pub struct Shared {
    stage: std::sync::Mutex<(String, String)>,
    total: std::sync::atomic::AtomicU64,
    done: std::sync::atomic::AtomicU64,
}

impl Shared {
    /// The stage now running: `(what, unit, done, total)`.
    pub fn now(&self) -> (String, String, u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        let (what, unit) = self.stage.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let total = self.total.load(Relaxed);
        (what, unit, self.done.load(Relaxed).min(total), total)
    }
}

impl Meter for Shared {
    fn stage(&self, what: &str, total: u64, unit: &str) {
        use std::sync::atomic::Ordering::Relaxed;
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = (what.into(), unit.into());
        self.done.store(0, Relaxed);
        self.total.store(total, Relaxed);
    }

    fn advance(&self, steps: u64) {
        self.done
            .fetch_add(steps, std::sync::atomic::Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_sums_the_latest_stage() {
        let r = Record::default();
        assert_eq!(r.latest(), None);
        r.stage("grading", 3, "files");
        r.advance(1);
        r.advance(2);
        assert_eq!(r.latest(), Some(("grading".into(), 3, 3)));
        r.stage("writing", 1, "files");
        assert_eq!(r.latest(), Some(("writing".into(), 0, 1)));
        assert_eq!(r.readings().len(), 4);
    }

    #[test]
    fn a_shared_meter_reads_the_stage_now_running() {
        let m = Shared::default();
        m.stage("replaying", 10, "sessions");
        m.advance(4);
        assert_eq!(m.now(), ("replaying".into(), "sessions".into(), 4, 10));
        m.advance(40);
        assert_eq!(m.now().2, 10, "never more done than there is");
        m.stage("drawing", 2, "tiles");
        assert_eq!(m.now(), ("drawing".into(), "tiles".into(), 0, 2));
    }
}
