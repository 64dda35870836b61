//! Where the pigment went: a cut through the skin at one impression, along the needle's lean.
//! The skin's layers there (epidermis, dermis, subcutis, and scar tissue where a scar is), the
//! needle's path at its angle to the skin, and the pigment as it lay fresh and as it looks on a
//! later day. No practice skin shows this; an instructor draws it to explain a blowout. These are
//! the numbers; the trainer and the reports draw them.
//!
//! Depths are measured along the skin's normal, mm below the surface; distances across are along
//! the skin in the direction the needle leaned, mm from where it entered.

use crate::healing::Appearance;
use crate::plan::ReferencePlan;
use crate::replay::PlacedImpression;
use crate::skin::DepthOutcome;

/// Scar tissue under an impression.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScarTissue {
    /// Fraction of the pigment the scar keeps, 0..1.
    pub retention: f64,
    /// How much faster pigment fades in it (1 = as in healthy skin).
    pub fade_factor: f64,
}

/// The needle's path through the skin.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NeedlePath {
    /// Angle between the needle and the skin's normal, rad (0 = square to the skin).
    pub tilt_rad: f64,
    /// How deep the tip reached, mm below the surface (along the normal).
    pub depth_mm: f64,
    /// Length of the needle inside the skin, mm: longer than the depth when it leans.
    pub length_mm: f64,
    /// How far across the tip ended from the entry, mm along the skin.
    pub across_mm: f64,
}

/// Pigment as it lies on one day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PigmentDeposit {
    /// Days after the impression was made.
    pub day: f64,
    /// Depth of the deposit's centre, mm below the surface.
    pub depth_mm: f64,
    /// Its extent down the skin, mm (top to bottom).
    pub thickness_mm: f64,
    /// Its extent across, mm: the dot's diameter that day.
    pub width_mm: f64,
    /// Centre across, mm from the entry (under the needle's tip).
    pub across_mm: f64,
    /// Strength, 0 (gone) to 1.
    pub opacity: f64,
    /// Colour seen through the skin, linear RGB 0..1.
    pub rgb: [f64; 3],
}

/// A cut through the skin at one impression.
#[derive(Clone, Debug, PartialEq)]
pub struct CrossSection {
    /// Bottom of the epidermis, mm below the surface.
    pub epidermis_mm: f64,
    /// Top of the subcutis (fat), mm below the surface.
    pub subcutis_mm: f64,
    /// The level's target depths, mm: `(shallowest, deepest)`.
    pub target_mm: (f64, f64),
    /// Scar tissue there, if the impression is in a scar.
    pub scar: Option<ScarTissue>,
    /// The needle.
    pub needle: NeedlePath,
    /// Where the depth put the pigment.
    pub outcome: DepthOutcome,
    /// The pigment on the day it went in.
    pub fresh: PigmentDeposit,
    /// The pigment on the later day asked for.
    pub later: PigmentDeposit,
}

/// The thickness of a fresh deposit, mm: about a needle's tip.
const FRESH_THICKNESS_MM: f64 = 0.06;

impl CrossSection {
    /// The cut at `placed`, an impression of an attempt at `plan`, with its pigment fresh and
    /// `days_after` days after it was made (clamped to ≥ 0).
    pub fn of(plan: &ReferencePlan, placed: &PlacedImpression, days_after: f64) -> CrossSection {
        let skin = &plan.skin;
        let imp = &placed.impression;
        let tilt_rad = if imp.tilt_rad.is_finite() {
            imp.tilt_rad.clamp(0.0, 1.5)
        } else {
            0.0
        };
        let depth_mm = placed.tissue.depth_mm.max(0.0);
        let needle = NeedlePath {
            tilt_rad,
            depth_mm,
            length_mm: depth_mm / tilt_rad.cos(),
            across_mm: depth_mm * tilt_rad.tan(),
        };
        let subcutis_mm = skin.subcutis_mm();
        let deposit = |day: f64, look: Appearance| {
            // Pigment that reached the fat keeps sinking and spreading there; deep dermal
            // pigment spreads a little; shallow and ideal pigment stays where it was put.
            let grown = (look.diameter_mm / imp.fresh_diameter_mm.max(1e-6)).max(1.0);
            let (sink_mm, thickness) = match placed.tissue.outcome {
                DepthOutcome::Blowout => (
                    FRESH_THICKNESS_MM * (grown - 1.0),
                    FRESH_THICKNESS_MM * grown,
                ),
                DepthOutcome::Deep => (
                    0.25 * FRESH_THICKNESS_MM * (grown - 1.0),
                    FRESH_THICKNESS_MM * grown.sqrt(),
                ),
                _ => (0.0, FRESH_THICKNESS_MM),
            };
            PigmentDeposit {
                day,
                depth_mm: (depth_mm + sink_mm).min(subcutis_mm + 2.0),
                thickness_mm: thickness,
                width_mm: look.diameter_mm,
                across_mm: needle.across_mm,
                opacity: look.opacity,
                rgb: look.rgb,
            }
        };
        let later_day = if days_after.is_finite() {
            days_after.max(0.0)
        } else {
            0.0
        };
        CrossSection {
            epidermis_mm: skin.epidermis_mm,
            subcutis_mm,
            target_mm: (plan.depth_window.min_mm, plan.depth_window.max_mm),
            scar: skin.scar_at(imp.at).map(|s| ScarTissue {
                retention: s.retention,
                fade_factor: s.fade_factor,
            }),
            needle,
            outcome: placed.tissue.outcome,
            fresh: deposit(0.0, placed.healing.appearance(0.0)),
            later: deposit(later_day, placed.healing.appearance(later_day)),
        }
    }

    /// Which layer the pigment went into, in words.
    pub fn layer_reached(&self) -> &'static str {
        let d = self.needle.depth_mm;
        if d < self.epidermis_mm {
            "the epidermis (renews within weeks)"
        } else if d < self.subcutis_mm {
            "the dermis"
        } else {
            "the subcutis (fat), through the dermis"
        }
    }
}
