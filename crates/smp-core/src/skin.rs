//! The scalp as the needle meets it: layer thicknesses, tone, scars and existing hair, and the
//! depth outcome of an impression relative to them.

use serde::{Deserialize, Serialize};

use crate::geometry::{Point, Polygon};
use crate::rng::{Purpose, Stream};

/// Fitzpatrick skin phototype, I (palest) to VI (darkest).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Fitzpatrick {
    /// Type I: pale, always burns.
    I,
    /// Type II: fair.
    II,
    /// Type III: medium.
    III,
    /// Type IV: olive.
    IV,
    /// Type V: brown.
    V,
    /// Type VI: deeply pigmented.
    VI,
}

impl Fitzpatrick {
    /// Typical scalp colour for the type, sRGB 0..255.
    pub fn skin_rgb(self) -> [u8; 3] {
        match self {
            Fitzpatrick::I => [236, 206, 186],
            Fitzpatrick::II => [222, 186, 160],
            Fitzpatrick::III => [200, 160, 128],
            Fitzpatrick::IV => [168, 124, 92],
            Fitzpatrick::V => [120, 84, 60],
            Fitzpatrick::VI => [82, 58, 44],
        }
    }
}

/// Oiliness of the scalp: oily skin blurs dots and fades a little faster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkinType {
    /// Dry scalp: crisp healing.
    Dry,
    /// Normal scalp.
    #[default]
    Normal,
    /// Oily scalp: dots soften and fade faster.
    Oily,
}

impl SkinType {
    /// Multiplier on fading speed.
    pub fn fade_factor(self) -> f64 {
        match self {
            SkinType::Dry => 0.9,
            SkinType::Normal => 1.0,
            SkinType::Oily => 1.25,
        }
    }
    /// Multiplier on healed dot diameter.
    pub fn spread_factor(self) -> f64 {
        match self {
            SkinType::Dry => 0.95,
            SkinType::Normal => 1.0,
            SkinType::Oily => 1.12,
        }
    }
}

/// A region of scar tissue: it takes pigment less evenly and fades faster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScarRegion {
    /// The scar's outline, mm.
    pub outline: Polygon,
    /// Multiplier on fading speed inside the scar (default 1.8: one study saw scars lose 1.6 points
    /// of visual density in six months against 0.9 elsewhere).
    #[serde(default = "default_scar_fade")]
    pub fade_factor: f64,
    /// Fraction of pigment scar tissue keeps after healing, 0..1 (default 0.8).
    #[serde(default = "default_scar_retention")]
    pub retention: f64,
}

fn default_scar_fade() -> f64 {
    1.8
}
fn default_scar_retention() -> f64 {
    0.8
}

/// A patch of existing hair (stubble on a shaved head) that the work must blend into.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HairRegion {
    /// The patch's outline, mm.
    pub outline: Polygon,
    /// Hair follicles per cm² in the patch.
    pub density_per_cm2: f64,
}

/// The client's scalp for one level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SkinProfile {
    /// Epidermis thickness, mm (scalp: about 0.06–0.10).
    pub epidermis_mm: f64,
    /// Dermis thickness below the epidermis, mm (scalp: about 1.0–2.4). Below it lies the subcutis.
    pub dermis_mm: f64,
    /// Skin tone.
    pub fitzpatrick: Fitzpatrick,
    /// Oiliness.
    #[serde(default)]
    pub skin_type: SkinType,
    /// Sun exposure over the years, 0 (always covered) to 1 (always bare): speeds fading.
    #[serde(default = "default_sun")]
    pub sun_exposure: f64,
    /// Scar tissue.
    #[serde(default)]
    pub scars: Vec<ScarRegion>,
    /// Existing hair.
    #[serde(default)]
    pub hair: Vec<HairRegion>,
}

fn default_sun() -> f64 {
    0.3
}

impl SkinProfile {
    /// Depth at which the subcutis (fat) begins, mm below the surface.
    pub fn subcutis_mm(&self) -> f64 {
        self.epidermis_mm + self.dermis_mm
    }

    /// The scar at `p`, if any.
    pub fn scar_at(&self, p: Point) -> Option<&ScarRegion> {
        self.scars.iter().find(|s| s.outline.contains(p))
    }
}

/// The depth band, mm below the surface, in which pigment should land: the upper dermis.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepthWindow {
    /// Shallowest acceptable depth, mm.
    pub min_mm: f64,
    /// Deepest acceptable depth, mm.
    pub max_mm: f64,
}

impl DepthWindow {
    /// Middle of the window, mm.
    pub fn centre_mm(&self) -> f64 {
        0.5 * (self.min_mm + self.max_mm)
    }
    /// Width of the window, mm.
    pub fn width_mm(&self) -> f64 {
        self.max_mm - self.min_mm
    }
}

/// Where an impression's pigment ends up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DepthOutcome {
    /// Above the target window (in the epidermis): fades away while healing.
    Shallow,
    /// In the target window of the upper dermis: heals crisp.
    Ideal,
    /// Below the window, still in the dermis: spreads, softer and bluish.
    Deep,
    /// Through the dermis into the subcutis: migrates into a blue-grey blotch.
    Blowout,
}

impl DepthOutcome {
    /// All outcomes, shallowest first.
    pub const ALL: [DepthOutcome; 4] = [
        DepthOutcome::Shallow,
        DepthOutcome::Ideal,
        DepthOutcome::Deep,
        DepthOutcome::Blowout,
    ];

    /// Lower-case name, as in files and reports.
    pub fn name(self) -> &'static str {
        match self {
            DepthOutcome::Shallow => "shallow",
            DepthOutcome::Ideal => "ideal",
            DepthOutcome::Deep => "deep",
            DepthOutcome::Blowout => "blowout",
        }
    }

    /// Classifies a depth in tissue, mm, against the window and the profile's subcutis.
    pub fn classify(depth_mm: f64, window: &DepthWindow, skin: &SkinProfile) -> DepthOutcome {
        if depth_mm >= skin.subcutis_mm() {
            DepthOutcome::Blowout
        } else if depth_mm > window.max_mm {
            DepthOutcome::Deep
        } else if depth_mm >= window.min_mm {
            DepthOutcome::Ideal
        } else {
            DepthOutcome::Shallow
        }
    }
}

/// How the tissue received one impression: the depth the pigment actually reached after tissue
/// variation, and its outcome.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TissueResponse {
    /// Depth the pigment reached, mm below the surface.
    pub depth_mm: f64,
    /// Outcome class of that depth.
    pub outcome: DepthOutcome,
    /// Per-impression variation of healed spread, a factor around 1.
    pub spread_factor: f64,
}

/// Relative variation of the needle's reach in tissue (standard deviation, fraction of depth).
pub const TISSUE_DEPTH_SD_FRACTION: f64 = 0.06;
/// Absolute variation of the reach (standard deviation, mm): skin is not uniform.
pub const TISSUE_DEPTH_SD_MM: f64 = 0.012;

/// The tissue's response to a needle that would reach `nominal_depth_mm` in uniform skin.
/// `extra_depth_mm` adds depth for inflamed skin (working before it healed). Varies with the
/// impression's `index` from the attempt's `seed`, so identical taps need not heal identically.
pub fn respond(
    nominal_depth_mm: f64,
    extra_depth_mm: f64,
    window: &DepthWindow,
    skin: &SkinProfile,
    seed: u64,
    index: u64,
) -> TissueResponse {
    let mut s = Stream::new(seed, Purpose::Tissue, index);
    let relative = s.gauss(1.0, TISSUE_DEPTH_SD_FRACTION).clamp(0.7, 1.3);
    let absolute = s.gauss(0.0, TISSUE_DEPTH_SD_MM).clamp(-0.05, 0.05);
    let depth_mm = (nominal_depth_mm * relative + absolute + extra_depth_mm).max(0.0);
    let spread_factor = s.gauss(1.0, 0.05).clamp(0.85, 1.15);
    TissueResponse {
        depth_mm,
        outcome: DepthOutcome::classify(depth_mm, window, skin),
        spread_factor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn profile() -> SkinProfile {
        SkinProfile {
            epidermis_mm: 0.08,
            dermis_mm: 1.2,
            fitzpatrick: Fitzpatrick::III,
            skin_type: SkinType::Normal,
            sun_exposure: 0.3,
            scars: vec![],
            hair: vec![],
        }
    }

    #[test]
    fn each_outcome_arises_from_its_depth() {
        let skin = profile();
        let w = DepthWindow {
            min_mm: 0.2,
            max_mm: 0.5,
        };
        assert_eq!(
            DepthOutcome::classify(0.05, &w, &skin),
            DepthOutcome::Shallow
        );
        assert_eq!(
            DepthOutcome::classify(0.19, &w, &skin),
            DepthOutcome::Shallow
        );
        assert_eq!(DepthOutcome::classify(0.2, &w, &skin), DepthOutcome::Ideal);
        assert_eq!(DepthOutcome::classify(0.35, &w, &skin), DepthOutcome::Ideal);
        assert_eq!(DepthOutcome::classify(0.51, &w, &skin), DepthOutcome::Deep);
        assert_eq!(DepthOutcome::classify(1.27, &w, &skin), DepthOutcome::Deep);
        assert_eq!(
            DepthOutcome::classify(1.28, &w, &skin),
            DepthOutcome::Blowout
        );
        assert_eq!(
            DepthOutcome::classify(3.0, &w, &skin),
            DepthOutcome::Blowout
        );
    }

    #[test]
    fn thinner_dermis_turns_the_same_depth_into_a_blowout() {
        let mut skin = profile();
        let w = DepthWindow {
            min_mm: 0.2,
            max_mm: 0.5,
        };
        assert_eq!(DepthOutcome::classify(1.0, &w, &skin), DepthOutcome::Deep);
        skin.dermis_mm = 0.8;
        assert_eq!(
            DepthOutcome::classify(1.0, &w, &skin),
            DepthOutcome::Blowout
        );
    }

    #[test]
    fn identical_taps_vary_but_reproduce() {
        let skin = profile();
        let w = DepthWindow {
            min_mm: 0.2,
            max_mm: 0.5,
        };
        let a = respond(0.35, 0.0, &w, &skin, 9, 1);
        let b = respond(0.35, 0.0, &w, &skin, 9, 2);
        assert_ne!(a.depth_mm, b.depth_mm);
        assert_eq!(a, respond(0.35, 0.0, &w, &skin, 9, 1));
        // Variation is small: a tap in the window's middle stays ideal.
        for i in 0..200 {
            assert_eq!(
                respond(0.35, 0.0, &w, &skin, 9, i).outcome,
                DepthOutcome::Ideal
            );
        }
    }
}
