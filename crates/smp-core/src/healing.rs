//! How an impression looks on any day: fresh (dark, a little larger, red around), scabbing about
//! day 7 (pigment lost with the scabs), settled at 4–6 weeks, then fading over years.

use crate::needle::Shade;
use crate::skin::{DepthOutcome, SkinType};

/// Day by which healing has settled and the true result shows (6 weeks).
pub const SETTLED_DAY: f64 = 42.0;
/// Days in a year.
pub const DAYS_PER_YEAR: f64 = 365.25;
/// The days worth showing a trainee or an instructor, named: fresh, the scabs, healed, one and
/// five years on (days after the work).
pub const SHOWN_DAYS: [(&str, f64); 5] = [
    ("fresh", 0.0),
    ("scabs", 7.0),
    ("healed", SETTLED_DAY),
    ("1 year", 365.0),
    ("5 years", LAST_SHOWN_DAY),
];
/// The furthest the trainer looks ahead: five years, days.
pub const LAST_SHOWN_DAY: f64 = 1826.0;
/// Fading per year of a crisp dot on covered, normal skin (fraction of opacity, as a rate).
pub const BASE_FADE_PER_YEAR: f64 = 0.05;

/// Everything about an impression that decides how it heals; fixed once it is made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealingInputs {
    /// Depth outcome.
    pub outcome: DepthOutcome,
    /// Fresh dot diameter, mm.
    pub fresh_diameter_mm: f64,
    /// Per-impression spread variation, around 1.
    pub spread_factor: f64,
    /// Pigment used.
    pub shade: Shade,
    /// Oiliness of the skin.
    pub skin_type: SkinType,
    /// Sun exposure, 0..1.
    pub sun_exposure: f64,
    /// Scar fading multiplier (1 outside scars).
    pub scar_fade: f64,
    /// Fraction of pigment the tissue keeps (1 outside scars).
    pub scar_retention: f64,
    /// How inflamed the skin still was from the last session, 0 (healed) to 1 (same day).
    pub inflamed: f64,
}

/// How an impression looks on a given day.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Appearance {
    /// Dot diameter across its narrow axis, mm.
    pub diameter_mm: f64,
    /// Pigment strength, 0 (gone) to 1 (fully covering).
    pub opacity: f64,
    /// Pigment colour as seen through the skin, linear RGB 0..1.
    pub rgb: [f64; 3],
    /// Edge softness, 0 (crisp) to 1 (a blur as wide as the dot).
    pub softness: f64,
    /// Redness of the skin around the dot, 0..1.
    pub redness: f64,
}

/// Blue-grey that pigment takes in the lower dermis and below (Tyndall scattering), linear RGB.
const TYNDALL_RGB: [f64; 3] = [0.05, 0.075, 0.12];

fn smoothstep(edge0: f64, edge1: f64, x: f64) -> f64 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

impl HealingInputs {
    /// Settled (6-week) diameter relative to the fresh one.
    fn settled_scale(&self) -> f64 {
        let base = match self.outcome {
            DepthOutcome::Shallow => 0.7,
            DepthOutcome::Ideal => 0.6,
            DepthOutcome::Deep => 1.35,
            DepthOutcome::Blowout => 3.2,
        };
        base * self.spread_factor * self.skin_type.spread_factor() * (1.0 + 0.6 * self.inflamed)
    }

    /// Fraction of the fresh pigment left once the scabs are off.
    fn retention(&self) -> f64 {
        let r = match self.outcome {
            DepthOutcome::Shallow => 0.5,
            DepthOutcome::Ideal => 0.85,
            DepthOutcome::Deep => 0.92,
            DepthOutcome::Blowout => 0.8,
        };
        r * self.scar_retention
    }

    /// Fading rate per year, as an exponential rate.
    pub fn fade_per_year(&self) -> f64 {
        BASE_FADE_PER_YEAR
            * (1.0 + 1.5 * self.sun_exposure.clamp(0.0, 1.0))
            * self.skin_type.fade_factor()
            * self.scar_fade
    }

    /// How the impression looks `day` days after it was made (day ≥ 0).
    pub fn appearance(&self, day: f64) -> Appearance {
        let day = if day.is_finite() { day.max(0.0) } else { 0.0 };
        let years = (day - SETTLED_DAY).max(0.0) / DAYS_PER_YEAR;

        // Diameter: fresh dots are a little larger; they settle over weeks; deep pigment keeps
        // spreading slowly, blowouts most.
        let settle = smoothstep(3.0, 35.0, day);
        let scab = smoothstep(3.0, 6.0, day) * (1.0 - smoothstep(7.0, 10.0, day));
        let creep = match self.outcome {
            DepthOutcome::Deep => 0.04,
            DepthOutcome::Blowout => 0.15,
            _ => 0.01,
        };
        let diameter_mm = self.fresh_diameter_mm
            * (1.1 + (self.settled_scale() - 1.1) * settle)
            * (1.0 + 0.25 * scab)
            * (1.0 + creep * (1.0 + years).ln());

        // Opacity: darker for the first week, pigment leaves with the scabs around day 7; the
        // epidermis renews within weeks so shallow pigment disappears; then slow fading.
        let fresh = 0.97;
        let scab_loss = 1.0 - (1.0 - self.retention()) * smoothstep(5.0, 10.0, day);
        let week_dark = 1.0 - 0.12 * smoothstep(2.0, 8.0, day);
        let shallow_loss = if self.outcome == DepthOutcome::Shallow {
            (-day / 9.0).exp()
        } else {
            1.0
        };
        let opacity =
            (fresh * scab_loss * week_dark * shallow_loss * (-self.fade_per_year() * years).exp())
                .clamp(0.0, 1.0);

        // Colour: deeper pigment looks cooler; fades further towards blue over years.
        let blue = match self.outcome {
            DepthOutcome::Shallow | DepthOutcome::Ideal => 0.05 * settle,
            DepthOutcome::Deep => 0.35 * settle + 0.03 * years.min(10.0),
            DepthOutcome::Blowout => 0.7 * settle + 0.02 * years.min(10.0),
        }
        .min(0.95);
        let pigment = self.shade.pigment_rgb();
        let rgb = std::array::from_fn(|i| pigment[i] + (TYNDALL_RGB[i] - pigment[i]) * blue);

        let softness = match self.outcome {
            DepthOutcome::Shallow => 0.35,
            DepthOutcome::Ideal => 0.15,
            DepthOutcome::Deep => 0.5,
            DepthOutcome::Blowout => 0.85,
        } + 0.1 * (1.0 - settle);
        // Redness: 2–5 days.
        let redness = (-day / 2.5).exp() * (1.0 - smoothstep(4.0, 8.0, day)).max(0.0);
        Appearance {
            diameter_mm,
            opacity,
            rgb,
            softness: softness.min(1.0),
            redness,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(outcome: DepthOutcome) -> HealingInputs {
        HealingInputs {
            outcome,
            fresh_diameter_mm: 0.22,
            spread_factor: 1.0,
            shade: Shade::Dark,
            skin_type: SkinType::Normal,
            sun_exposure: 0.3,
            scar_fade: 1.0,
            scar_retention: 1.0,
            inflamed: 0.0,
        }
    }

    #[test]
    fn fresh_dots_are_darker_larger_and_red() {
        let h = inputs(DepthOutcome::Ideal);
        let (d0, d42) = (h.appearance(0.0), h.appearance(42.0));
        assert!(d0.opacity > d42.opacity);
        assert!(d0.diameter_mm > d42.diameter_mm);
        assert!(d0.redness > 0.9 && d42.redness < 0.01);
        // Healed ideal dots settle at 0.10–0.15 mm.
        assert!(
            (0.10..=0.15).contains(&d42.diameter_mm),
            "{}",
            d42.diameter_mm
        );
    }

    #[test]
    fn scabs_take_pigment_around_day_seven() {
        let h = inputs(DepthOutcome::Ideal);
        assert!(h.appearance(4.0).opacity - h.appearance(12.0).opacity > 0.1);
    }

    #[test]
    fn shallow_fades_away_while_ideal_stays() {
        let shallow = inputs(DepthOutcome::Shallow).appearance(42.0);
        let ideal = inputs(DepthOutcome::Ideal).appearance(42.0);
        assert!(shallow.opacity < 0.05, "{}", shallow.opacity);
        assert!(ideal.opacity > 0.6);
    }

    #[test]
    fn deep_and_blowout_spread_and_turn_blue() {
        let ideal = inputs(DepthOutcome::Ideal).appearance(60.0);
        let deep = inputs(DepthOutcome::Deep).appearance(60.0);
        let blow = inputs(DepthOutcome::Blowout).appearance(60.0);
        assert!(ideal.diameter_mm < deep.diameter_mm && deep.diameter_mm < blow.diameter_mm);
        assert!(blow.diameter_mm > 0.5);
        let blueness = |a: &Appearance| a.rgb[2] - a.rgb[0];
        assert!(blueness(&ideal) < blueness(&deep) && blueness(&deep) < blueness(&blow));
        assert!(ideal.softness < deep.softness && deep.softness < blow.softness);
    }

    #[test]
    fn fading_is_faster_in_sun_and_scars() {
        let covered = HealingInputs {
            sun_exposure: 0.0,
            ..inputs(DepthOutcome::Ideal)
        };
        let sunny = HealingInputs {
            sun_exposure: 1.0,
            ..covered
        };
        let scar = HealingInputs {
            scar_fade: 1.8,
            ..covered
        };
        let day = 42.0 + 5.0 * DAYS_PER_YEAR;
        let o = |h: &HealingInputs| h.appearance(day).opacity;
        assert!(o(&sunny) < o(&covered));
        assert!(o(&scar) < o(&covered));
        assert!(o(&covered) < covered.appearance(42.0).opacity);
    }

    #[test]
    fn working_on_unhealed_skin_spreads_more() {
        let healed = inputs(DepthOutcome::Ideal);
        let inflamed = HealingInputs {
            inflamed: 0.8,
            ..healed
        };
        assert!(inflamed.appearance(42.0).diameter_mm > healed.appearance(42.0).diameter_mm * 1.3);
    }
}
