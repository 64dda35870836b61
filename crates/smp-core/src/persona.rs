//! The synthetic trainees by name. How each one holds the pen is in [`crate::simulate`]; plans
//! name a persona for their model attempt without depending on the simulation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A synthetic trainee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Persona {
    /// Steady depth, natural random spacing, follows the plan.
    Expert,
    /// Presses too lightly: mostly shallow dots that fade.
    LightHand,
    /// Presses too hard: deep dots and blowouts.
    HeavyHand,
    /// Places dots on a regular grid.
    Gridder,
    /// Places dots in little clumps.
    Clumper,
    /// Works fast, ignores the zones, comes back too early, darkest shade.
    Rusher,
    /// Pressure wanders from too light to too firm.
    Drifter,
    /// On a head, holds the pen square to the screen in every view, whatever the curvature
    /// under it: where the scalp turns away the needle goes in obliquely (shallow, elongated
    /// dots). On a flat skin, an expert.
    OneAngle,
    /// On a head, fills and spaces dots by the scalp map, not the skin: where the map shows
    /// more than the skin (the sides, the back) the dots crowd. On a flat skin, an expert.
    MapSpacer,
    /// On a level with a design step, designs the hairline 12 mm below the client's band (the
    /// "aggressive" line that looks false for life); otherwise tattoos as an expert.
    LowDesigner,
    /// On a level with a design step, rules the hairline straight from point to point of the
    /// measured method; otherwise tattoos as an expert.
    StraightDesigner,
}

impl Persona {
    /// Every persona.
    pub const ALL: [Persona; 11] = [
        Persona::Expert,
        Persona::LightHand,
        Persona::HeavyHand,
        Persona::Gridder,
        Persona::Clumper,
        Persona::Rusher,
        Persona::Drifter,
        Persona::OneAngle,
        Persona::MapSpacer,
        Persona::LowDesigner,
        Persona::StraightDesigner,
    ];

    /// The personas whose fault shows only on a level with a design step: tattooing, they are
    /// experts.
    pub const DESIGN_FAULTS: [Persona; 2] = [Persona::LowDesigner, Persona::StraightDesigner];

    /// Whether this persona tattoos as an expert does (its fault, if any, is elsewhere: the angle,
    /// the spacing by the map, or the design).
    pub fn tattoos_as_expert(self) -> bool {
        matches!(
            self,
            Persona::Expert
                | Persona::OneAngle
                | Persona::MapSpacer
                | Persona::LowDesigner
                | Persona::StraightDesigner
        )
    }

    /// The personas whose fault shows on a flat practice skin.
    pub const FLAT_FAULTS: [Persona; 6] = [
        Persona::LightHand,
        Persona::HeavyHand,
        Persona::Gridder,
        Persona::Clumper,
        Persona::Rusher,
        Persona::Drifter,
    ];

    /// The personas whose fault shows on a head: the flat ones and the two only a head shows.
    pub const HEAD_FAULTS: [Persona; 8] = [
        Persona::LightHand,
        Persona::HeavyHand,
        Persona::Gridder,
        Persona::Clumper,
        Persona::Rusher,
        Persona::Drifter,
        Persona::OneAngle,
        Persona::MapSpacer,
    ];

    /// Name on the command line and in files.
    pub fn name(self) -> &'static str {
        match self {
            Persona::Expert => "expert",
            Persona::LightHand => "light-hand",
            Persona::HeavyHand => "heavy-hand",
            Persona::Gridder => "gridder",
            Persona::Clumper => "clumper",
            Persona::Rusher => "rusher",
            Persona::Drifter => "drifter",
            Persona::OneAngle => "one-angle",
            Persona::MapSpacer => "map-spacer",
            Persona::LowDesigner => "low-designer",
            Persona::StraightDesigner => "straight-designer",
        }
    }
}

impl fmt::Display for Persona {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A persona name that is not one of [`Persona::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown persona {given:?}; choose one of {}", Persona::ALL.map(Persona::name).join(", "))]
pub struct UnknownPersona {
    /// The name given.
    pub given: String,
}

impl FromStr for Persona {
    type Err = UnknownPersona;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Persona::ALL
            .into_iter()
            .find(|p| p.name() == s)
            .ok_or_else(|| UnknownPersona { given: s.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for p in Persona::ALL {
            assert_eq!(p.name().parse::<Persona>(), Ok(p));
            assert_eq!(p.to_string(), p.name());
        }
        let err = "painter".parse::<Persona>().unwrap_err();
        assert!(err.to_string().contains("expert"), "{err}");
    }
}
