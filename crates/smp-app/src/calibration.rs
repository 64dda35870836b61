//! Calibration: the trainee taps at a light, a medium and a firm pressure; the app fits their
//! pressure curve and keeps it per tool in the data folder. Every attempt records the curve used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};
use smp_core::files::{self, FileKind};
use smp_core::pen::{FitError, PressureCurve};

use crate::AppSystems;
use crate::input::{PenBackend, PenInput};
use crate::screen::Screen;

/// Taps asked for at each pressure.
pub const TAPS_PER_LEVEL: usize = 5;
/// The three pressures, in the order asked.
pub const LEVELS: [&str; 3] = ["light", "medium", "firm"];

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Calibration), |mut commands: Commands| {
        commands.insert_resource(CalibrationRun::default());
    });
    app.add_systems(
        Update,
        collect_taps
            .in_set(AppSystems::Update)
            .run_if(in_state(Screen::Calibration)),
    );
}

/// A calibration in progress.
#[derive(Resource, Default, Debug, Clone)]
pub struct CalibrationRun {
    /// Peak raw pressure of each finished tap, per level.
    pub taps: [Vec<f64>; 3],
    /// Peak of the tap in progress.
    peak: Option<f64>,
}

impl CalibrationRun {
    /// Which level is being asked for (0 light, 1 medium, 2 firm), or 3 when done.
    pub fn stage(&self) -> usize {
        self.taps
            .iter()
            .position(|t| t.len() < TAPS_PER_LEVEL)
            .unwrap_or(3)
    }

    /// Takes one pen sample; a pen-up ends a tap.
    pub fn push(&mut self, input: &PenInput) {
        let s = &input.sample;
        let stage = self.stage();
        if stage == 3 || !s.pressure.is_finite() {
            return;
        }
        if s.contact {
            self.peak = Some(self.peak.unwrap_or(0.0).max(s.pressure.clamp(0.0, 1.0)));
        } else if let Some(peak) = self.peak.take()
            && peak > 0.0
        {
            self.taps[stage].push(peak);
        }
    }

    /// The fitted curve once every tap is in (median of each level).
    pub fn result(&self) -> Option<Result<PressureCurve, FitError>> {
        if self.stage() < 3 {
            return None;
        }
        let median = |v: &Vec<f64>| {
            let mut v = v.clone();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        Some(PressureCurve::fit(
            median(&self.taps[0]),
            median(&self.taps[1]),
            median(&self.taps[2]),
        ))
    }
}

/// Fitted curves per tool, kept in the data folder.
#[derive(Serialize, Deserialize, Default, Debug, Clone)]
pub struct Calibrations {
    /// Tool key (hardware id, name, or "mouse") → curve.
    pub tools: BTreeMap<String, PressureCurve>,
}

impl Calibrations {
    fn path(dir: &Path) -> PathBuf {
        dir.join("calibration.ron")
    }

    /// The calibrations in `dir` (none if missing or unreadable).
    pub fn load(dir: &Path) -> Self {
        files::read_bounded(&Self::path(dir), FileKind::Calibration)
            .ok()
            .and_then(|t| files::parse_ron::<Calibrations>(&Self::path(dir), &t).ok())
            .map(|mut c| {
                // A hand-edited file must not smuggle in a broken curve.
                c.tools.retain(|_, curve| curve.problem().is_none());
                c
            })
            .unwrap_or_default()
    }

    /// Stores `curve` for `tool` in `dir` (safe write).
    pub fn store(dir: &Path, tool: &str, curve: PressureCurve) -> Result<(), files::FileError> {
        let mut c = Self::load(dir);
        c.tools.insert(tool.to_string(), curve);
        let _ = std::fs::create_dir_all(dir);
        let text =
            ron::ser::to_string_pretty(&c, ron::ser::PrettyConfig::new()).unwrap_or_default();
        files::write_atomically(&Self::path(dir), text.as_bytes())
    }

    /// The curve for `tool`, or the linear default.
    pub fn curve_for(&self, tool: &str) -> PressureCurve {
        self.tools.get(tool).cloned().unwrap_or_default()
    }
}

/// The key a tool's calibration is kept under.
pub fn tool_key(backend: Option<&PenBackend>) -> String {
    match backend {
        Some(PenBackend::Tablet {
            hardware_id: Some(id),
            ..
        }) => id.clone(),
        Some(PenBackend::Tablet { name, .. }) => name.clone(),
        _ => "mouse".into(),
    }
}

/// What the last calibration ended with, for the title screen.
#[derive(Resource, Default)]
pub struct CalibrationOutcome(pub Option<String>);

fn collect_taps(
    mut reader: MessageReader<PenInput>,
    run: Option<ResMut<CalibrationRun>>,
    backend: Option<Res<PenBackend>>,
    mut next: ResMut<NextState<Screen>>,
    mut commands: Commands,
) {
    let Some(mut run) = run else { return };
    for input in reader.read() {
        run.push(input);
    }
    let Some(result) = run.result() else { return };
    let key = tool_key(backend.as_deref());
    let message = match result {
        Ok(curve) => match Calibrations::store(&files::data_dir(), &key, curve) {
            Ok(()) => format!(
                "Pressure curve for {key} saved: your normal touch now lands in the target window."
            ),
            Err(e) => format!("Could not save the calibration: {e}"),
        },
        Err(e) => format!("Calibration failed: {e}. Try again."),
    };
    commands.insert_resource(CalibrationOutcome(Some(message)));
    commands.remove_resource::<CalibrationRun>();
    next.set(Screen::Title);
}
