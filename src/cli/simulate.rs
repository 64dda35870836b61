//! `smp-trainer simulate`: an attempt by a synthetic trainee.

use std::path::Path;

use smp_core::Level;
use smp_core::persona::Persona;
use smp_core::simulate::simulate_metered;

use super::Failure;
use super::out::say;

pub fn run(
    level: &str,
    persona: Persona,
    seed: u64,
    trainee: Option<String>,
    out: &Path,
    dir: Option<&Path>,
) -> Result<u8, Failure> {
    let level = Level::find(level, dir).map_err(Failure::input)?;
    let trainee = trainee.unwrap_or_else(|| persona.name().to_string());
    let meter = super::progress::meter();
    let attempt = simulate_metered(
        &level,
        persona,
        seed,
        &trainee,
        "2026-01-01",
        meter.as_ref(),
    );
    meter.stage("writing", 1, "file");
    if let Some(problem) = attempt.problem() {
        return Err(Failure::input(format!("--trainee: {}", problem.1)));
    }
    attempt.save(out).map_err(Failure::input)?;
    drop(meter);
    let total = attempt.score.as_ref().map_or(0.0, |s| s.total);
    let impressions: usize = attempt
        .sessions
        .iter()
        .map(|s| s.samples.iter().filter(|x| !x.contact).count())
        .sum();
    say!(
        "{}: {persona} on {} (seed {seed}): {impressions} impressions, total {total:.2}",
        out.display(),
        level.plan.id
    );
    Ok(0)
}
