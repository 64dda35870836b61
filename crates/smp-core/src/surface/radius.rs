//! The skin's distance from the head's centre in each direction, R(d), and its gradient: a
//! superellipsoid times (1 + a sum of smooth bumps). R is a function of the unit vector d, not of
//! angles, so nothing is singular at the poles.

use crate::geometry::Vec3;

/// A bump's value below which it is skipped: exp(-Q_CUT / 2) ≈ 2e-9 of its amplitude, under a
/// micrometre on any head.
const Q_CUT: f64 = 40.0;

/// One smooth bump (or hollow, with a negative amplitude) on the skin: A·exp(−q/2), with
/// q ≈ (angle along u / σu)² + (angle along v / σv)² near its centre.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Bump {
    /// Unit direction of the bump's centre.
    centre: Vec3,
    /// Unit tangent at the centre along which the width is `sigma_u`.
    u: Vec3,
    /// Unit tangent at the centre along which the width is `sigma_v`.
    v: Vec3,
    /// Height as a fraction of the base radius (dimensionless; negative for a hollow).
    amplitude: f64,
    /// 1 / σmax², rad⁻²: the isotropic part of q, which vanishes only at the centre.
    inv_wide: f64,
    /// 1/σu² − 1/σmax², rad⁻².
    k_u: f64,
    /// 1/σv² − 1/σmax², rad⁻².
    k_v: f64,
    /// d·centre below which q > Q_CUT whatever the direction, so the bump is skipped.
    cull_cos: f64,
}

impl Bump {
    /// A bump centred toward `centre` (any non-zero vector), `sigma_u_rad` wide along the
    /// tangent nearest `across` and `sigma_v_rad` wide across that, of height `amplitude` (a
    /// fraction of the radius).
    pub(super) fn new(
        centre: Vec3,
        across: Vec3,
        sigma_u_rad: f64,
        sigma_v_rad: f64,
        amplitude: f64,
    ) -> Bump {
        let c = centre.normalized();
        // The tangent closest to `across`; any tangent when `across` is along the centre.
        let mut u = (across - c * across.dot(c)).normalized();
        if u == Vec3::ZERO {
            let helper = if c.z.abs() < 0.9 {
                Vec3::new(0.0, 0.0, 1.0)
            } else {
                Vec3::new(1.0, 0.0, 0.0)
            };
            u = c.cross(helper).normalized();
        }
        let v = c.cross(u);
        let wide = sigma_u_rad.max(sigma_v_rad);
        let inv_wide = 1.0 / (wide * wide);
        Bump {
            centre: c,
            u,
            v,
            amplitude,
            inv_wide,
            k_u: 1.0 / (sigma_u_rad * sigma_u_rad) - inv_wide,
            k_v: 1.0 / (sigma_v_rad * sigma_v_rad) - inv_wide,
            cull_cos: 1.0 - 0.5 * Q_CUT / inv_wide,
        }
    }

    /// An isotropic bump.
    pub(super) fn round(centre: Vec3, sigma_rad: f64, amplitude: f64) -> Bump {
        Bump::new(centre, Vec3::ZERO, sigma_rad, sigma_rad, amplitude)
    }

    /// q(d), dimensionless: 0 at the centre, growing with the (anisotropic) angular distance.
    pub(super) fn q(&self, d: Vec3) -> f64 {
        let (du, dv) = (d.dot(self.u), d.dot(self.v));
        2.0 * (1.0 - d.dot(self.centre)) * self.inv_wide + du * du * self.k_u + dv * dv * self.k_v
    }

    /// The centre's unit direction.
    pub(super) fn centre(&self) -> Vec3 {
        self.centre
    }

    /// The unit tangent along which the width is σv.
    pub(super) fn v_axis(&self) -> Vec3 {
        self.v
    }

    /// Whether `other` is this bump's mirror image (x → −x); its axes may point either way.
    fn mirrors(&self, other: &Bump) -> bool {
        let m = self.mirrored();
        let same_axis = |a: Vec3, b: Vec3| a == b || a == -b;
        m.centre == other.centre
            && same_axis(m.u, other.u)
            && same_axis(m.v, other.v)
            && (m.amplitude, m.inv_wide, m.k_u, m.k_v)
                == (other.amplitude, other.inv_wide, other.k_u, other.k_v)
    }

    /// The bump mirrored left–right (x → −x), for the other side of the face.
    pub(super) fn mirrored(&self) -> Bump {
        let m = |w: Vec3| Vec3::new(-w.x, w.y, w.z);
        Bump {
            centre: m(self.centre),
            u: m(self.u),
            v: m(self.v),
            ..self.clone()
        }
    }
}

/// R(d): a superellipsoid with separate semi-axes on each side of each axis, times
/// (1 + Σ bumps). The superellipsoid (Barr's form) has one exponent e around the horizontal
/// sections and another, n, in the vertical ones:
/// R0(d) = ((|dx/a|^e + |dy/b|^e)^(n/e) + |dz/c|^n)^(−1/n). Both exponents are at least 2, so
/// the gradient is continuous across the axes' planes even where a semi-axis changes.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RadiusField {
    /// Horizontal exponent e ≥ 2 (dimensionless; 2 is elliptic).
    e: f64,
    /// Vertical exponent n ≥ 2 (dimensionless).
    n: f64,
    /// 1 / a^e for +x and +y, 1 / c^n for +z (mm^−e, mm^−n).
    inv_pos: [f64; 3],
    /// The same for −x, −y, −z.
    inv_neg: [f64; 3],
    bumps: Vec<Bump>,
}

impl RadiusField {
    /// A superellipsoid with semi-axes `positive` (+x, +y, +z) and `negative` (−x, −y, −z), mm,
    /// exponents `horizontal` (e) and `vertical` (n), and bumps.
    pub(super) fn new(
        positive: [f64; 3],
        negative: [f64; 3],
        horizontal: f64,
        vertical: f64,
        bumps: Vec<Bump>,
    ) -> Self {
        let inv = |a: [f64; 3]| {
            [
                a[0].powf(-horizontal),
                a[1].powf(-horizontal),
                a[2].powf(-vertical),
            ]
        };
        RadiusField {
            e: horizontal,
            n: vertical,
            inv_pos: inv(positive),
            inv_neg: inv(negative),
            bumps,
        }
    }

    /// An ellipsoid (both exponents 2) without bumps.
    pub(super) fn ellipsoid(axes: [f64; 3]) -> Self {
        RadiusField::new(axes, axes, 2.0, 2.0, Vec::new())
    }

    /// Whether R(d) is the same on both sides: R(x, y, z) = R(−x, y, z) for every direction.
    pub(super) fn is_mirror_symmetric(&self) -> bool {
        self.inv_pos[0] == self.inv_neg[0]
            && self
                .bumps
                .iter()
                .all(|b| self.bumps.iter().any(|other| b.mirrors(other)))
    }

    /// The bumps.
    pub(super) fn bumps(&self) -> &[Bump] {
        &self.bumps
    }

    /// R(d), mm, for a unit vector `d`.
    pub(super) fn radius(&self, d: Vec3) -> f64 {
        self.base(d, false).0 * self.relief(d)
    }

    /// 1 + Σ bumps at the unit vector `d` (dimensionless): R over the plain superellipsoid's
    /// radius.
    pub(super) fn relief(&self, d: Vec3) -> f64 {
        let mut sum = 1.0;
        for b in &self.bumps {
            if d.dot(b.centre) < b.cull_cos {
                continue;
            }
            sum += b.amplitude * (-0.5 * b.q(d)).exp();
        }
        sum
    }

    /// R(d), mm, and the tangential part of its gradient with respect to d, mm (per radian of
    /// turn): R's rate of change as d turns toward any tangent direction t is g·t.
    pub(super) fn radius_and_slope(&self, d: Vec3) -> (f64, Vec3) {
        let (base, base_grad) = self.base(d, true);
        let mut sum = 1.0;
        let mut sum_grad = Vec3::ZERO;
        for b in &self.bumps {
            let cd = d.dot(b.centre);
            if cd < b.cull_cos {
                continue;
            }
            let (du, dv) = (d.dot(b.u), d.dot(b.v));
            let q = 2.0 * (1.0 - cd) * b.inv_wide + du * du * b.k_u + dv * dv * b.k_v;
            let e = b.amplitude * (-0.5 * q).exp();
            sum += e;
            // ∇(A·e^{−q/2}) = −(A·e^{−q/2}/2)·∇q.
            sum_grad =
                sum_grad + (b.centre * b.inv_wide - b.u * (du * b.k_u) - b.v * (dv * b.k_v)) * e;
        }
        let grad = base_grad * sum + sum_grad * base;
        // Only the tangential part matters for a function of a unit vector.
        (base * sum, grad - d * grad.dot(d))
    }

    /// The superellipsoid's radius R0(d), mm, and (when asked) its gradient.
    fn base(&self, d: Vec3, gradient: bool) -> (f64, Vec3) {
        let side = |c: f64, i: usize| {
            if c >= 0.0 {
                self.inv_pos[i]
            } else {
                self.inv_neg[i]
            }
        };
        let power = |c: f64, p: f64| if p == 2.0 { c * c } else { c.abs().powf(p) };
        let tx = power(d.x, self.e) * side(d.x, 0);
        let ty = power(d.y, self.e) * side(d.y, 1);
        let tz = power(d.z, self.n) * side(d.z, 2);
        let h = tx + ty;
        let same = self.e == self.n;
        // H^(n/e); with equal exponents the form is a plain superellipsoid.
        let hn = if same { h } else { h.powf(self.n / self.e) };
        let w = hn + tz;
        let r0 = if self.n == 2.0 {
            1.0 / w.sqrt()
        } else {
            w.powf(-1.0 / self.n)
        };
        if !gradient {
            return (r0, Vec3::ZERO);
        }
        // ∂R0/∂dx = −(R0/W)·H^(n/e − 1)·tx/dx (likewise y); ∂R0/∂dz = −(R0/W)·tz/dz.
        let k = -r0 / w;
        let kh = if same || h == 0.0 { k } else { k * hn / h };
        let part = |t: f64, c: f64, k: f64| if c == 0.0 { 0.0 } else { k * t / c };
        (
            r0,
            Vec3::new(part(tx, d.x, kh), part(ty, d.y, kh), part(tz, d.z, k)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lumpy() -> RadiusField {
        let bumps = vec![
            Bump::round(Vec3::new(0.2, 1.0, 0.1), 0.15, 0.2),
            Bump::new(
                Vec3::new(1.0, -0.3, -0.2),
                Vec3::new(0.0, 1.0, 0.0),
                0.1,
                0.25,
                -0.1,
            ),
            Bump::new(
                Vec3::new(0.0, 0.0, 1.0),
                Vec3::new(1.0, 0.0, 0.0),
                0.5,
                0.3,
                0.05,
            ),
        ];
        RadiusField::new([80.0, 95.0, 100.0], [70.0, 99.0, 140.0], 2.8, 2.3, bumps)
    }

    #[test]
    fn the_slope_is_the_derivative_of_the_radius() {
        let field = lumpy();
        let mut rng = crate::rng::Stream::new(3, crate::rng::Purpose::Persona, 0);
        for _ in 0..2000 {
            let d = Vec3::new(rng.normal(), rng.normal(), rng.normal()).normalized();
            let (r, g) = field.radius_and_slope(d);
            assert!((r - field.radius(d)).abs() < 1e-12 * r);
            assert!(g.dot(d).abs() < 1e-9 * r, "the slope is tangential");
            // Turning d toward a tangent t by a small angle changes R by g·t per radian.
            let t = d
                .cross(Vec3::new(rng.normal(), rng.normal(), rng.normal()))
                .normalized();
            let h = 1e-6;
            let turn = |a: f64| field.radius((d * a.cos() + t * a.sin()).normalized());
            let numeric = (turn(h) - turn(-h)) / (2.0 * h);
            assert!(
                (numeric - g.dot(t)).abs() < 1e-5 * r,
                "{numeric} vs {}",
                g.dot(t)
            );
        }
    }

    #[test]
    fn the_axes_and_bumps_are_where_they_were_put() {
        let plain = RadiusField::new(
            [80.0, 95.0, 100.0],
            [70.0, 99.0, 140.0],
            3.0,
            2.5,
            Vec::new(),
        );
        let axis = |x: f64, y: f64, z: f64| plain.radius(Vec3::new(x, y, z));
        assert!((axis(1.0, 0.0, 0.0) - 80.0).abs() < 1e-9);
        assert!((axis(-1.0, 0.0, 0.0) - 70.0).abs() < 1e-9);
        assert!((axis(0.0, -1.0, 0.0) - 99.0).abs() < 1e-9);
        assert!((axis(0.0, 0.0, -1.0) - 140.0).abs() < 1e-9);
        let bumped = RadiusField::new(
            [90.0; 3],
            [90.0; 3],
            2.0,
            2.0,
            vec![Bump::round(Vec3::new(0.0, 1.0, 0.0), 0.1, 0.25)],
        );
        assert!((bumped.radius(Vec3::new(0.0, 1.0, 0.0)) - 112.5).abs() < 1e-9);
        // A bump is skipped only where it is below 1e-8 of its height.
        assert!((bumped.radius(Vec3::new(0.0, -1.0, 0.0)) - 90.0).abs() < 1e-9);
        let one_sigma = Vec3::new(0.1f64.sin(), 0.1f64.cos(), 0.0);
        let expected = 90.0 * (1.0 + 0.25 * (-(1.0 - 0.1f64.cos()) / 0.01).exp());
        assert!((bumped.radius(one_sigma) - expected).abs() < 1e-9);
    }

    #[test]
    fn mirror_symmetry_is_recognised() {
        assert!(RadiusField::ellipsoid([70.0, 90.0, 80.0]).is_mirror_symmetric());
        assert!(!lumpy().is_mirror_symmetric());
        let b = Bump::new(
            Vec3::new(0.5, 1.0, 0.0),
            Vec3::new(0.0, 0.0, 1.0),
            0.1,
            0.2,
            0.1,
        );
        let midline = Bump::new(
            Vec3::new(0.0, 1.0, -0.2),
            Vec3::new(1.0, 0.0, 0.0),
            0.1,
            0.2,
            0.1,
        );
        let pair = RadiusField::new(
            [80.0; 3],
            [80.0; 3],
            2.5,
            2.2,
            vec![b.clone(), b.mirrored(), midline.clone()],
        );
        assert!(pair.is_mirror_symmetric());
        let d = Vec3::new(0.3, 0.9, -0.1).normalized();
        assert_eq!(pair.radius(d), pair.radius(Vec3::new(-d.x, d.y, d.z)));
        let lone = RadiusField::new([80.0; 3], [80.0; 3], 2.5, 2.2, vec![b, midline]);
        assert!(!lone.is_mirror_symmetric());
        assert!(
            !RadiusField::new([80.0; 3], [81.0, 80.0, 80.0], 2.0, 2.0, Vec::new())
                .is_mirror_symmetric()
        );
    }
}
