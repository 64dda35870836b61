//! A human head from its proportions: where the face's features go (as bumps on a
//! superellipsoid, like a foam mannequin head), the skull fitted to the measured length, breadth,
//! circumference and height, the landmarks, and the scalp's outline on the map.
//!
//! The frame: origin at the glabella's height in the middle of the head, +y through the glabella.
//! Heights below use z_g = 0 for the glabella; with N = nasion–menton (the face height):
//! nasion −0.1 N, pupils and outer eye corners −0.19 N, tragus −0.27 N, menton −1.1 N; the
//! vertex at (height − 1.1 N).

use std::f64::consts::{PI, TAU};

use crate::geometry::{Point, Polygon, PolygonIndex, Polyline, Vec3};

use super::landmarks::{Landmark, Region};
use super::map::{self, MeridianTable};
use super::radius::{Bump, RadiusField};
use super::shape::{HeadError, HumanProportions};

/// Where the features of a head with these proportions sit, mm in the head frame (nominal: the
/// fitted skull moves the skin slightly).
struct Layout {
    /// Nominal distance of the glabella in front of the centre, and of the back behind it.
    y_front: f64,
    y_back: f64,
    /// Half the breadth.
    x_side: f64,
    /// The vertex's height above the glabella.
    z_vertex: f64,
    z_nasion: f64,
    z_eye: f64,
    z_tragus: f64,
    y_tragus: f64,
    z_nose_tip: f64,
    z_stomion: f64,
    z_menton: f64,
    z_inion: f64,
    z_nape: f64,
    x_pupil: f64,
}

impl Layout {
    /// The lowest heights at which the length's back end (the inion's) and the breadth (15 mm
    /// above the ears' tops) are sought, mm.
    fn measuring_heights(&self) -> (f64, f64) {
        (self.z_inion, self.z_tragus + 28.0 + 15.0)
    }

    fn new(p: &HumanProportions) -> Layout {
        let n = p.face_height_mm;
        let z_nasion = -0.1 * n;
        let z_menton = z_nasion - n;
        let z_subnasale = z_nasion - p.nose_length_mm;
        let z_tragus = -0.27 * n;
        Layout {
            y_front: 0.5 * p.length_mm,
            y_back: 0.5 * p.length_mm,
            x_side: 0.5 * p.breadth_mm,
            z_vertex: p.height_mm + z_menton,
            z_nasion,
            z_eye: -0.19 * n,
            z_tragus,
            // The ear canal lies about 0.47 of the head's length behind the glabella.
            y_tragus: 0.03 * p.length_mm,
            z_nose_tip: z_nasion - 0.8 * p.nose_length_mm,
            z_stomion: z_subnasale - 0.33 * (z_subnasale - z_menton),
            z_menton,
            z_inion: z_tragus + 12.0,
            z_nape: z_tragus - 42.0,
            // The pupils sit about 0.65 of the outer eye corners' distance apart.
            x_pupil: 0.325 * p.outer_canthus_mm,
        }
    }
}

/// The skull's adjustable numbers: semi-axes (mm) on the positive and negative side of x, y, z,
/// and the superellipsoid's horizontal exponent (the vertical one is [`VERTICAL_EXPONENT`]).
#[derive(Clone, Copy, Debug)]
struct Skull {
    positive: [f64; 3],
    negative: [f64; 3],
    horizontal: f64,
}

/// The skull's exponent in vertical sections: a little fuller than an ellipse.
const VERTICAL_EXPONENT: f64 = 2.4;

impl Skull {
    /// The plain skull with `bumps`.
    fn field(&self, bumps: Vec<Bump>) -> RadiusField {
        RadiusField::new(
            self.positive,
            self.negative,
            self.horizontal,
            VERTICAL_EXPONENT,
            bumps,
        )
    }
}

const X: Vec3 = Vec3::new(1.0, 0.0, 0.0);
const Y: Vec3 = Vec3::new(0.0, 1.0, 0.0);
const Z: Vec3 = Vec3::new(0.0, 0.0, 1.0);

/// The bump and its mirror image on the other side.
fn pair(b: Bump) -> [Bump; 2] {
    let m = b.mirrored();
    [b, m]
}

/// The ear bump's width upward (σv), rad: the ear spans about ±2σv, some 60 mm.
const EAR_HEIGHT_SIGMA_RAD: f64 = 0.19;

/// Indices of the ear bumps (right, left) in [`features`]'s list.
const EAR_BUMPS: [usize; 2] = [0, 1];
/// Index of the right temple's hollow in [`features`]'s list (the left one follows it).
const TEMPLE_BUMP: usize = 2;
/// Index of the nose tip in [`features`]'s list.
const NOSE_TIP_BUMP: usize = 4;
/// Index of the occipital bump in [`features`]'s list.
const OCCIPITAL_BUMP: usize = 5;

/// The face's and skull's bumps for `skull`: heights that are given in mm (the nose, the ears,
/// the chin) are divided by the plain skull's radius there.
fn features(p: &HumanProportions, l: &Layout, skull: &Skull) -> Vec<Bump> {
    let plain = skull.field(Vec::new());
    let base = |v: Vec3| plain.radius(v.normalized());
    let yf = l.y_front;
    let mut bumps = Vec::new();
    // Ears: tall and narrow, standing about 16 mm out of the side of the head.
    let ear_centre = Vec3::new(l.x_side, l.y_tragus - 15.0, l.z_tragus - 3.0);
    bumps.extend(pair(Bump::new(
        ear_centre,
        Y,
        0.12,
        EAR_HEIGHT_SIGMA_RAD,
        16.0 / base(ear_centre),
    )));
    // Temples: the hollows behind the outer ends of the brows.
    bumps.extend(pair(Bump::round(
        Vec3::new(0.4 * p.breadth_mm, yf - 25.0, 8.0),
        0.16,
        -0.045,
    )));
    // Nose: a firm ridge from the nasion to the tip, the tip, the wings.
    let tip = Vec3::new(0.0, yf, l.z_nose_tip);
    bumps.push(Bump::round(
        tip,
        0.085,
        0.8 * p.nose_projection_mm / base(tip),
    ));
    bumps.push(Bump::new(
        Vec3::new(0.0, -l.y_back, l.z_inion),
        X,
        0.3,
        0.18,
        0.035,
    ));
    let dorsum = Vec3::new(0.0, yf, 0.5 * (l.z_nasion + l.z_nose_tip));
    bumps.push(Bump::new(
        dorsum,
        X,
        0.05,
        0.15,
        0.45 * p.nose_projection_mm / base(dorsum),
    ));
    bumps.extend(pair(Bump::round(
        Vec3::new(0.17 * p.outer_canthus_mm, yf, l.z_nose_tip - 4.0),
        0.065,
        0.05,
    )));
    // The skull's own shape: crown, sloping forehead, parietal fullness.
    bumps.push(Bump::round(Z, 0.55, p.crown_prominence));
    bumps.push(Bump::new(
        Vec3::new(0.0, yf, 0.55 * l.z_vertex),
        X,
        0.6,
        0.22,
        -p.forehead_slope,
    ));
    bumps.extend(pair(Bump::round(Vec3::new(0.8, -0.25, 0.6), 0.35, 0.03)));
    // Brows and eyes: the brow ridge, the nasion's dip, the sockets and the eyeballs in them.
    bumps.push(Bump::new(Vec3::new(0.0, yf, 4.0), X, 0.42, 0.07, 0.035));
    bumps.push(Bump::new(
        Vec3::new(0.0, yf, l.z_nasion),
        X,
        0.08,
        0.06,
        -0.04,
    ));
    bumps.extend(pair(Bump::new(
        Vec3::new(l.x_pupil, yf, l.z_eye + 3.0),
        X,
        0.16,
        0.11,
        -0.09,
    )));
    bumps.extend(pair(Bump::round(
        Vec3::new(l.x_pupil, yf, l.z_eye),
        0.075,
        0.05,
    )));
    // Cheekbones, lips, chin, the lower face's fullness.
    bumps.extend(pair(Bump::round(
        Vec3::new(0.45 * p.cheekbone_breadth_mm, yf - 30.0, l.z_eye - 15.0),
        0.2,
        0.05,
    )));
    bumps.push(Bump::new(
        Vec3::new(0.0, yf, l.z_stomion),
        X,
        0.2,
        0.07,
        0.04,
    ));
    let chin = Vec3::new(0.0, yf - 12.0, l.z_menton + 14.0);
    bumps.push(Bump::new(
        chin,
        X,
        0.16,
        0.12,
        // Part of the way out to the chin's place: the lower face's fullness does the rest.
        (chin.length() / base(chin) - 1.0).max(0.0) * 0.6,
    ));
    bumps.push(Bump::new(Vec3::new(0.0, 1.0, -0.9), X, 0.45, 0.3, 0.08));
    // The neck: narrower than the skull at the sides, under the chin and behind.
    bumps.extend(pair(Bump::round(Vec3::new(0.75, -0.15, -0.65), 0.3, -0.12)));
    bumps.push(Bump::new(Vec3::new(0.0, 0.35, -0.94), X, 0.3, 0.18, -0.12));
    bumps.push(Bump::round(Vec3::new(0.0, -0.6, -0.8), 0.3, -0.08));
    bumps
}

/// The measures of a generated head, mm.
#[derive(Clone, Copy, Debug)]
pub(super) struct Measures {
    /// Glabella to the farthest point of the back in the midline above the inion.
    pub(super) length: f64,
    /// Greatest left–right width more than 15 mm above the ears' tops.
    pub(super) breadth: f64,
    /// Around the horizontal plane through the glabella, on the skin.
    pub(super) circumference: f64,
    /// The vertex's height above the glabella.
    pub(super) vertex: f64,
}

/// The point of the skin along direction `d`.
fn skin(field: &RadiusField, d: Vec3) -> Vec3 {
    let d = d.normalized();
    d * field.radius(d)
}

/// Measures `field` as anthropometry would (see [`Measures`]); the back of the length is sought
/// no lower than `min_length_z` (the inion) and the breadth no lower than `min_breadth_z`, mm.
pub(super) fn measure(field: &RadiusField, min_length_z: f64, min_breadth_z: f64) -> Measures {
    let glabella = skin(field, Y);
    // Length: the back's farthest point in the midline above the inion (the opisthocranion),
    // sampled then refined.
    let back = |t: f64| skin(field, Vec3::new(0.0, -t.cos(), t.sin()));
    let dist = |t: f64| {
        let p = back(t);
        if p.z >= min_length_z {
            (p - glabella).length()
        } else {
            f64::MIN
        }
    };
    let mut best = (f64::MIN, 0.0);
    for k in 0..=240 {
        let t = (-60.0 + 0.5 * k as f64).to_radians();
        best = best.max_by_first(dist(t), t);
    }
    // The farthest point may sit at the inion's height, where `dist` drops off a cliff: the
    // refinement only ever improves on the samples.
    let length = golden_max(dist, best.1 - 0.01, best.1 + 0.01).0.max(best.0);
    // Breadth: the greatest x above the ears (right side; the head is symmetric).
    let x_at = |theta: f64, alpha: f64| {
        let p = skin(field, map::direction(theta, alpha));
        if p.z >= min_breadth_z { p.x } else { f64::MIN }
    };
    let mut best = (f64::MIN, (0.0, 0.0));
    for i in 0..=50 {
        for j in 0..=60 {
            let (t, a) = (
                (4.0 + 2.0 * i as f64).to_radians(),
                (30.0 + 2.0 * j as f64).to_radians(),
            );
            best = best.max_by_first(x_at(t, a), (t, a));
        }
    }
    let (t0, a0) = best.1;
    for i in -20..=20 {
        for j in -20..=20 {
            let (t, a) = (
                t0 + (0.1 * i as f64).to_radians(),
                a0 + (0.1 * j as f64).to_radians(),
            );
            best = best.max_by_first(x_at(t, a), (t, a));
        }
    }
    let breadth = 2.0 * best.0;
    // Circumference: the equator's polyline (chords of 0.125°: shorter than the curve by ~1e-7).
    let steps = 2880;
    let mut circumference = 0.0;
    let mut prev = skin(field, Y);
    for k in 1..=steps {
        let a = TAU * k as f64 / steps as f64;
        let next = skin(field, Vec3::new(a.sin(), a.cos(), 0.0));
        circumference += (next - prev).length();
        prev = next;
    }
    Measures {
        length,
        breadth,
        circumference,
        vertex: field.radius(Z),
    }
}

/// Keeping the larger of two (value, argument) pairs.
trait MaxByFirst<T> {
    fn max_by_first(self, value: f64, arg: T) -> Self;
}

impl<T> MaxByFirst<T> for (f64, T) {
    fn max_by_first(self, value: f64, arg: T) -> Self {
        if value > self.0 { (value, arg) } else { self }
    }
}

/// The maximum of a unimodal `f` on [a, b] by golden-section search: (value, argument).
fn golden_max(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> (f64, f64) {
    let g = 0.5 * (5f64.sqrt() - 1.0);
    let (mut c, mut d) = (b - g * (b - a), a + g * (b - a));
    let (mut fc, mut fd) = (f(c), f(d));
    for _ in 0..60 {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    let t = 0.5 * (a + b);
    (f(t), t)
}

/// The skull with its semi-axes fitted (for exponent `p`) so that length, breadth and vertex
/// height match; returns the field and its circumference.
fn fit_axes(p: &HumanProportions, l: &Layout, exponent: f64) -> (RadiusField, f64) {
    let mut skull = Skull {
        positive: [l.x_side, l.y_front, l.z_vertex],
        negative: [l.x_side, l.y_back, -l.z_menton + 15.0],
        horizontal: exponent,
    };
    let (length_z, breadth_z) = l.measuring_heights();
    let mut field = skull.field(Vec::new());
    let mut circumference = 0.0;
    for _ in 0..30 {
        field = skull.field(features(p, l, &skull));
        let m = measure(&field, length_z, breadth_z);
        circumference = m.circumference;
        let ratios = [
            p.breadth_mm / m.breadth,
            p.length_mm / m.length,
            l.z_vertex / m.vertex,
        ];
        if ratios.iter().all(|r| (r - 1.0).abs() < 2e-5) {
            break;
        }
        if !ratios.iter().all(|r| r.is_finite() && *r > 0.0) {
            // Not measurable (should not happen); the caller refuses a field that is not finite.
            break;
        }
        skull.positive[0] *= ratios[0];
        skull.negative[0] *= ratios[0];
        skull.positive[1] *= ratios[1];
        skull.negative[1] *= ratios[1];
        skull.positive[2] *= ratios[2];
    }
    (field, circumference)
}

/// The exponents the skull may take: 2 (an ellipsoid's curve) to 6 (nearly a rounded box).
const EXPONENTS: (f64, f64) = (2.0, 6.0);

/// The radius field of a human head with these (already checked) proportions: the skull fitted
/// so that length, breadth, circumference and vertex height match to about 0.01%.
pub(super) fn human_field(p: &HumanProportions) -> Result<RadiusField, HeadError> {
    let l = Layout::new(p);
    let target = p.circumference_mm;
    let (lo_field, lo_c) = fit_axes(p, &l, EXPONENTS.0);
    if target <= lo_c {
        return unreachable(p, lo_c, target, lo_field, "smallest");
    }
    let (hi_field, hi_c) = fit_axes(p, &l, EXPONENTS.1);
    if target >= hi_c {
        return unreachable(p, hi_c, target, hi_field, "largest");
    }
    // Regula falsi (Illinois) on the exponent: the circumference grows with it.
    let (mut a, mut fa, mut b, mut fb) = (EXPONENTS.0, lo_c - target, EXPONENTS.1, hi_c - target);
    let mut side = 0i8;
    let mut best = hi_field;
    for _ in 0..40 {
        let x = (a * fb - b * fa) / (fb - fa);
        let (field, c) = fit_axes(p, &l, x);
        let fx = c - target;
        best = field;
        if fx.abs() < 1e-4 * target {
            break;
        }
        if (fx < 0.0) == (fa < 0.0) {
            a = x;
            fa = fx;
            if side == -1 {
                fb *= 0.5;
            }
            side = -1;
        } else {
            b = x;
            fb = fx;
            if side == 1 {
                fa *= 0.5;
            }
            side = 1;
        }
    }
    Ok(best)
}

fn unreachable(
    p: &HumanProportions,
    reached: f64,
    target: f64,
    field: RadiusField,
    which: &str,
) -> Result<RadiusField, HeadError> {
    // Within half a percent the closest skull is good enough.
    if (reached / target - 1.0).abs() < 0.005 {
        return Ok(field);
    }
    Err(HeadError::Inconsistent(format!(
        "a circumference of {target} mm cannot be reached with a length of {} mm and a breadth of \
         {} mm: the {which} is about {reached:.0} mm",
        p.length_mm, p.breadth_mm
    )))
}

/// The place where the ray from the centre through (`x`, `y`, `z`) with one coordinate left
/// free meets the skin: the free coordinate (`free`: 0 = x, 1 = y, 2 = z) is sought on the side
/// given by `sign`, the others kept. Returns the unit direction.
fn project(field: &RadiusField, fixed: [f64; 3], free: usize, sign: f64) -> Vec3 {
    let at = |w: f64| {
        let mut c = fixed;
        c[free] = sign * w;
        Vec3::new(c[0], c[1], c[2])
    };
    // Inside at w = 0 (the fixed coordinates lie within the head), outside far away.
    let gap = |w: f64| {
        let v = at(w);
        v.length() - field.radius(v.normalized())
    };
    let (mut lo, mut hi) = (0.0, 400.0);
    if gap(lo) >= 0.0 {
        return at(1.0).normalized();
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if gap(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    at(0.5 * (lo + hi)).normalized()
}

/// The polar angle (rad) on the meridian of azimuth `alpha` where the skin is at height `z` mm,
/// searched within [0, `theta_max`].
fn theta_at_height(field: &RadiusField, alpha: f64, z: f64, theta_max: f64) -> f64 {
    let height = |t: f64| skin(field, map::direction(t, alpha)).z;
    let (mut lo, mut hi) = (0.0, theta_max);
    if height(hi) > z {
        return hi;
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if height(mid) > z {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// A human head's landmarks and regions, from its proportions and its finished skin.
pub(super) struct Anatomy {
    /// Unit direction of each landmark, in [`Landmark::ALL`]'s order.
    landmarks: [Vec3; 19],
    /// The ear bumps (right, left): the ear region is where their q ≤ [`EAR_Q`].
    ears: [Bump; 2],
    /// The scalp's outline on the map, and its index for fast tests.
    outline: Polygon,
    outline_index: PolygonIndex,
    /// The juvenile hairline on the map, from the left temple to the right one.
    hairline: Polyline,
    /// Azimuth (rad) of the ears' centres: off the scalp, the face lies within it of the front.
    face_azimuth: f64,
}

/// The ear region's edge: two ear-bump widths (σ) from the ear's centre.
const EAR_Q: f64 = 4.0;

/// Horizontal (top-view) distance of the crown whorl behind the mid-frontal point, mm, and its
/// offset to the client's right.
const WHORL_BEHIND_HAIRLINE_MM: f64 = 95.0;
const WHORL_RIGHT_MM: f64 = 10.0;

impl Anatomy {
    /// The anatomy of the head with proportions `p` and skin `field`, mapped by `table` on a
    /// map of half-side `half` mm.
    pub(super) fn new(
        p: &HumanProportions,
        field: &RadiusField,
        table: &MeridianTable,
        half: f64,
    ) -> Anatomy {
        let l = Layout::new(p);
        let bumps = field.bumps();
        let ears = [bumps[EAR_BUMPS[0]].clone(), bumps[EAR_BUMPS[1]].clone()];
        let nasion = project(field, [0.0, 0.0, l.z_nasion], 1, 1.0);
        let nasion_point = skin(field, nasion);
        // The mid-frontal point: on the midline, trichion–nasion (straight) above the nasion.
        let theta_mfp = {
            let gap = |t: f64| (skin(field, map::direction(t, 0.0)) - nasion_point).length();
            let (mut lo, mut hi) = (0.0, map::angles(nasion).0);
            for _ in 0..60 {
                let mid = 0.5 * (lo + hi);
                if gap(mid) > p.trichion_nasion_mm {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            0.5 * (lo + hi)
        };
        let mfp = skin(field, map::direction(theta_mfp, 0.0));
        let whorl = project(
            field,
            [WHORL_RIGHT_MM, mfp.y - WHORL_BEHIND_HAIRLINE_MM, 0.0],
            2,
            1.0,
        );
        let ear_top = {
            let e = &ears[0];
            let up = if e.v_axis().z >= 0.0 {
                e.v_axis()
            } else {
                -e.v_axis()
            };
            // Two σv above the ear's centre, where the bump has fallen to e⁻² of its height.
            let angle = 2.0 * EAR_HEIGHT_SIGMA_RAD;
            (e.centre() * angle.cos() + up * angle.sin()).normalized()
        };
        let nose_tip = {
            let c = bumps[NOSE_TIP_BUMP].centre();
            let phi0 = c.z.atan2(c.y);
            let forward = |phi: f64| skin(field, Vec3::new(0.0, phi.cos(), phi.sin())).y;
            let (_, phi) = golden_max(forward, phi0 - 0.15, phi0 + 0.15);
            Vec3::new(0.0, phi.cos(), phi.sin())
        };
        let right = |landmark: Landmark| -> Vec3 {
            match landmark {
                Landmark::BrowRight => project(field, [l.x_pupil, 0.0, 1.0], 1, 1.0),
                Landmark::OuterCanthusRight => {
                    project(field, [0.5 * p.outer_canthus_mm, 0.0, l.z_eye], 1, 1.0)
                }
                Landmark::PupilRight => project(field, [l.x_pupil, 0.0, l.z_eye], 1, 1.0),
                Landmark::TragusRight => project(field, [0.0, l.y_tragus, l.z_tragus], 0, 1.0),
                Landmark::EarTopRight => ear_top,
                _ => bumps[TEMPLE_BUMP].centre(),
            }
        };
        let mirror = |v: Vec3| Vec3::new(-v.x, v.y, v.z);
        let landmarks = Landmark::ALL.map(|landmark| match landmark {
            Landmark::Glabella => Y,
            Landmark::Nasion => nasion,
            Landmark::NoseTip => nose_tip,
            Landmark::Vertex => Z,
            Landmark::CrownWhorl => whorl,
            Landmark::OccipitalBump => bumps[OCCIPITAL_BUMP].centre(),
            Landmark::Nape => project(field, [0.0, 0.0, l.z_nape], 1, -1.0),
            Landmark::BrowRight
            | Landmark::OuterCanthusRight
            | Landmark::PupilRight
            | Landmark::TragusRight
            | Landmark::EarTopRight
            | Landmark::TempleRight => right(landmark),
            left => mirror(right(left.mirrored())),
        });
        let point = |lm: Landmark| skin(field, landmarks[lm.index()]);
        let azimuth = |lm: Landmark| map::angles(landmarks[lm.index()]).1;
        let theta_max = table.theta_max();
        let at_height = |alpha: f64, z: f64| (alpha, theta_at_height(field, alpha, z, theta_max));
        // The scalp's edge on the right half, front to back: (azimuth, polar angle), rad.
        let z_mfp = mfp.z;
        let ear_azimuth = map::angles(ears[0].centre()).1;
        let temple_azimuth = azimuth(Landmark::TempleRight) + 4f64.to_radians();
        let tragus = point(Landmark::TragusRight);
        let nape = point(Landmark::Nape);
        let mut edge = [
            (0.0, theta_mfp),
            at_height(azimuth(Landmark::PupilRight), z_mfp - 2.0),
            at_height(azimuth(Landmark::OuterCanthusRight), z_mfp - 6.0),
            at_height(temple_azimuth, point(Landmark::TempleRight).z + 5.0),
            at_height(
                azimuth(Landmark::TragusRight) - 8f64.to_radians(),
                tragus.z + 5.0,
            ),
            at_height(ear_azimuth, tragus.z),
            at_height(ear_azimuth + 18f64.to_radians(), tragus.z - 12.0),
            at_height(150f64.to_radians(), nape.z + 4.0),
            (PI, map::angles(landmarks[Landmark::Nape.index()]).0),
        ];
        // In order of azimuth even for odd proportions (a corner may then be passed over).
        edge.sort_by(|a, b| a.0.total_cmp(&b.0));
        let edge_theta = |alpha: f64| -> f64 {
            // Symmetric: the left half mirrors the right.
            let a = if alpha > PI { TAU - alpha } else { alpha };
            let k = edge.iter().rposition(|&(ea, _)| ea <= a).unwrap_or(0);
            match edge.get(k + 1) {
                Some(&(a1, t1)) if a1 > edge[k].0 => {
                    let (a0, t0) = edge[k];
                    t0 + (t1 - t0) * (a - a0) / (a1 - a0)
                }
                _ => edge[k].1,
            }
        };
        let place = |alpha: f64| {
            let theta = edge_theta(alpha);
            let s = table.arc(theta, alpha).map_or(0.0, |a| a[0]);
            map::to_plane(s, alpha, half)
        };
        // Every degree, plus the edge's corners.
        let mut azimuths: Vec<f64> = (0..360).map(|k| (k as f64).to_radians()).collect();
        for &(a, _) in &edge[1..edge.len() - 1] {
            azimuths.push(a);
            azimuths.push(TAU - a);
        }
        azimuths.sort_by(f64::total_cmp);
        azimuths.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let outline = Polygon::new(azimuths.iter().map(|&a| place(a)).collect());
        let hairline = Polyline {
            vertices: (-120..=120)
                .map(|k| k as f64 / 120.0 * temple_azimuth)
                .map(|a| place(if a < 0.0 { a + TAU } else { a }))
                .collect(),
        };
        Anatomy {
            landmarks,
            ears,
            outline_index: PolygonIndex::new(&outline),
            outline,
            hairline,
            face_azimuth: ear_azimuth,
        }
    }

    /// The unit direction of `landmark`.
    pub(super) fn landmark(&self, landmark: Landmark) -> Vec3 {
        self.landmarks[landmark.index()]
    }

    /// The scalp's outline on the map.
    pub(super) fn scalp_outline(&self) -> &Polygon {
        &self.outline
    }

    /// The juvenile hairline on the map, from the left temple to the right one.
    pub(super) fn juvenile_hairline(&self) -> &Polyline {
        &self.hairline
    }

    /// The region of the map place `at`, whose direction is `d` and azimuth `alpha`.
    pub(super) fn region(&self, at: Point, d: Vec3, alpha: f64) -> Region {
        if self.ears.iter().any(|e| e.q(d) <= EAR_Q) {
            Region::Ear
        } else if self.outline_index.contains(at) {
            Region::Scalp
        } else if alpha <= self.face_azimuth || alpha >= TAU - self.face_azimuth {
            Region::Face
        } else {
            Region::Neck
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::shape::{HeadForm, HeadShape};

    #[test]
    fn the_skull_is_fitted_to_the_measures() {
        for name in ["adult-male", "adult-female"] {
            let HeadForm::Human(p) = HeadShape::shipped(name).unwrap().form else {
                panic!("{name} is not human");
            };
            let l = Layout::new(&p);
            let field = human_field(&p).unwrap();
            let (a, b) = l.measuring_heights();
            let m = measure(&field, a, b);
            let close = |got: f64, want: f64| (got / want - 1.0).abs() < 5e-4;
            assert!(close(m.length, p.length_mm), "{name}: {m:?}");
            assert!(close(m.breadth, p.breadth_mm), "{name}: {m:?}");
            assert!(close(m.circumference, p.circumference_mm), "{name}: {m:?}");
            assert!(close(m.vertex, l.z_vertex), "{name}: {m:?}");
        }
    }

    #[test]
    fn an_impossible_circumference_is_refused_with_the_reachable_range() {
        let HeadForm::Human(mut p) = HeadShape::shipped("adult-male").unwrap().form else {
            panic!("not human");
        };
        p.circumference_mm = 480.0;
        let e = human_field(&p).unwrap_err().to_string();
        assert!(e.contains("circumference") && e.contains("smallest"), "{e}");
    }
}
