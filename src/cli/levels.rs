//! `smp-trainer levels list|check`.

use std::path::Path;

use smp_core::Level;
use smp_core::levels::level_files;

use super::Failure;
use super::out::{esay, say};

pub fn list(dir: Option<&Path>) -> Result<u8, Failure> {
    let levels: Vec<Level> = match dir {
        None => Level::shipped(),
        // An invalid level is not listed, but said so (with why) on stderr.
        Some(d) => level_files(d)
            .map_err(Failure::input)?
            .iter()
            .filter_map(|p| Level::load(p).map_err(|e| esay!("not listed: {e}")).ok())
            .collect(),
    };
    for l in levels {
        say!(
            "{}\t{}\t{}",
            l.plan.id,
            l.plan.title,
            l.plan.difficulty.name()
        );
    }
    Ok(0)
}

pub fn check(dir: Option<&Path>) -> Result<u8, Failure> {
    let mut bad = 0;
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut report =
        |origin: &Path, result: Result<Level, smp_core::levels::LevelError>| match result {
            Ok(l) => {
                if let Some((_, other)) = seen.iter().find(|(id, _)| *id == l.plan.id) {
                    esay!(
                        "{}: id {:?} is already used by {other}",
                        origin.display(),
                        l.plan.id
                    );
                    bad += 1;
                } else {
                    say!("ok\t{}\t{}", l.plan.id, origin.display());
                }
                for w in &l.warnings {
                    esay!(
                        "warning: {}:{}: {}",
                        origin.display(),
                        w.location,
                        w.message
                    );
                }
                seen.push((l.plan.id.clone(), origin.display().to_string()));
            }
            Err(e) => {
                esay!("{e}");
                bad += 1;
            }
        };
    match dir {
        Some(d) => {
            let files = level_files(d).map_err(Failure::input)?;
            if files.is_empty() {
                return Err(Failure::input(format!(
                    "{}: no .ron level files here",
                    d.display()
                )));
            }
            for f in files {
                report(&f, Level::load(&f));
            }
        }
        None => {
            for (name, text) in smp_core::levels::SHIPPED {
                let origin = Path::new("levels").join(name);
                report(&origin, Level::parse(&origin, text));
            }
        }
    }
    Ok(if bad > 0 { 2 } else { 0 })
}
