//! `smp-trainer render`: an attempt as it looks on a given day, to PNG.

use std::path::Path;

use smp_core::render::{Compositor, dots_on_day};
use smp_core::{Attempt, files, replay};

use super::out::say;
use super::{Failure, level_for};

pub fn run(
    file: &Path,
    day: f64,
    out: &Path,
    px_per_mm: f64,
    level: Option<&Path>,
    dir: Option<&Path>,
) -> Result<u8, Failure> {
    if !(day.is_finite() && (0.0..=36_525.0).contains(&day)) {
        return Err(Failure::input(format!(
            "--day {day} is outside 0–36525 (100 years)"
        )));
    }
    let meter = super::progress::meter();
    meter.stage("reading", 1, "file");
    let attempt = Attempt::load(file).map_err(Failure::input)?;
    let level = level_for(file, &attempt, level, dir)?;
    meter.stage("replaying", 1, "attempt");
    let replayed = replay::replay(&level.plan, &attempt);
    let compositor = Compositor::new(&level.plan);
    let (w, h) = compositor.size_px(px_per_mm).map_err(Failure::input)?;
    let png = compositor
        .render_png_metered(&dots_on_day(&replayed, day), px_per_mm, meter.as_ref())
        .map_err(Failure::input)?;
    meter.stage("writing", 1, "file");
    files::write_atomically(out, &png).map_err(Failure::input)?;
    drop(meter);
    say!(
        "{}: {w} × {h} px, day {day} after the last session, {} impressions",
        out.display(),
        replayed.impressions.len()
    );
    Ok(0)
}
