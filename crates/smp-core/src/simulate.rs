//! Synthetic trainees at work: each [`Persona`] holds a pen like a person (tremor, pressure
//! drift, a pace, a placement habit) and tattoos a level. They feed tests, demos, benchmarks and
//! levels' model attempts.

use crate::attempt::{
    Attempt, DESIGN_FORMAT_VERSION, Device, FORMAT_VERSION, SessionRecord, ToolKind,
};
use crate::design::{DesignDrawing, DesignTargets};
use crate::geometry::Vec3;
use crate::geometry::{Point, Rect, bounds_of};
use crate::levels::Level;
use crate::needle::Shade;
use crate::pen::{PenSample, PressureCurve};
use crate::persona::Persona;
use crate::plan::ReferencePlan;
use crate::progress::{Meter, Quiet};
use crate::rng::{Purpose, Stream};
use crate::spatial::GrowingGrid;
use crate::surface::{Surface, View};

/// How the persona chooses where dots go.
#[derive(Clone, Copy, PartialEq)]
enum Placement {
    /// Random, following the planned density, keeping a natural distance from earlier dots.
    Natural,
    /// A square lattice over the zones.
    Grid,
    /// Clusters of 3–5 dots.
    Clumps,
    /// Anywhere on the canvas.
    Anywhere,
}

/// How the persona's hand behaves.
struct Hand {
    /// Depth aimed at, as (window or layer) → mm.
    aim_depth_mm: fn(&ReferencePlan) -> f64,
    /// Relative spread of the force from tap to tap.
    force_sd: f64,
    /// Amplitude of slow pressure drift, as a fraction of the aimed depth.
    drift: f64,
    /// Standard deviation of tilt on each axis, rad.
    tilt_sd: f64,
    /// Hand tremor while in contact, mm.
    tremor_mm: f64,
    /// Placement error, mm.
    aim_error_mm: f64,
    /// Seconds between impressions.
    pace_s: f64,
    /// Contact time, s.
    dwell_s: f64,
    placement: Placement,
}

fn hand(p: Persona) -> Hand {
    let expert = Hand {
        aim_depth_mm: |plan| plan.depth_window.centre_mm(),
        force_sd: 0.04,
        drift: 0.0,
        tilt_sd: 0.05,
        tremor_mm: 0.01,
        aim_error_mm: 0.03,
        pace_s: 1.1,
        dwell_s: 0.08,
        placement: Placement::Natural,
    };
    match p {
        // Their faults are in how they hold the needle and space dots on a head, or design.
        Persona::Expert
        | Persona::OneAngle
        | Persona::MapSpacer
        | Persona::LowDesigner
        | Persona::StraightDesigner => expert,
        Persona::LightHand => Hand {
            aim_depth_mm: |plan| 0.5 * (plan.skin.epidermis_mm + plan.depth_window.min_mm),
            force_sd: 0.18,
            ..expert
        },
        Persona::HeavyHand => Hand {
            aim_depth_mm: |plan| {
                plan.depth_window.max_mm
                    + 0.7 * (plan.skin.subcutis_mm() - plan.depth_window.max_mm)
            },
            force_sd: 0.2,
            dwell_s: 0.15,
            ..expert
        },
        Persona::Gridder => Hand {
            placement: Placement::Grid,
            force_sd: 0.05,
            ..expert
        },
        Persona::Clumper => Hand {
            placement: Placement::Clumps,
            force_sd: 0.05,
            ..expert
        },
        Persona::Rusher => Hand {
            aim_depth_mm: |plan| plan.depth_window.centre_mm() + 0.2 * plan.depth_window.width_mm(),
            force_sd: 0.18,
            tilt_sd: 0.2,
            tremor_mm: 0.08,
            aim_error_mm: 0.2,
            pace_s: 0.35,
            dwell_s: 0.05,
            placement: Placement::Anywhere,
            drift: 0.0,
        },
        Persona::Drifter => Hand {
            force_sd: 0.06,
            drift: 0.75,
            ..expert
        },
    }
}

fn gap_days(p: Persona, plan: &ReferencePlan) -> f64 {
    let (lo, hi) = (plan.min_gap_days, plan.max_gap_days);
    match p {
        p if p.tattoos_as_expert() => (lo + 3.0).min(hi),
        Persona::Rusher => (0.4 * lo).max(1.0).min(hi),
        Persona::Drifter => (lo + 1.0).min(hi),
        _ => (lo + 2.0).min(hi),
    }
}

/// Generates a whole attempt at `level` by `persona`, seeded by `seed`, scored as if saved.
pub fn simulate(level: &Level, persona: Persona, seed: u64, trainee: &str, date: &str) -> Attempt {
    simulate_metered(level, persona, seed, trainee, date, &Quiet)
}

/// [`simulate`], telling `meter` how far it has got: the dots placed (stage "placing", in
/// impressions), then the scoring of the finished attempt (stage "scoring", one step).
pub fn simulate_metered(
    level: &Level,
    persona: Persona,
    seed: u64,
    trainee: &str,
    date: &str,
    meter: &dyn Meter,
) -> Attempt {
    // The design comes first: the tattooing follows it.
    let design = persona_design(persona, &level.plan, seed);
    let followed = level.plan.tattooed_with(design.as_ref());
    let plan: &ReferencePlan = &followed;
    let h = hand(persona);
    let curve = PressureCurve::Linear;
    let zones_bounds = bounds_of(
        &plan
            .zones
            .iter()
            .flat_map(|z| z.outline.vertices.iter().copied())
            .collect::<Vec<_>>(),
    );
    let surface = plan.surface();
    // On a head the expert fills and spaces by the skin; the map spacer by the map.
    let by_skin = match (&surface, persona) {
        (Surface::Head(_), Persona::MapSpacer) | (Surface::Flat { .. }, _) => None,
        (Surface::Head(_), _) => Some(SkinSpacing::for_zones(&surface, zones_bounds)),
    };
    let max_density = max_final_density(plan, zones_bounds);
    // The map spacer counts the plan's dots by the map's area, not the skin's.
    let planned_total = match (&surface, persona) {
        (Surface::Head(_), Persona::MapSpacer) => planned_on_map(plan),
        _ => plan.planned_impressions(),
    };
    let mut grid = GrowingGrid::new(plan.canvas_mm, 0.5);
    let mut placed: Vec<Point> = Vec::new();
    let mut sessions = Vec::new();
    let mut previous_fraction = 0.0;
    let final_fraction = plan
        .sessions
        .iter()
        .map(|s| s.density_fraction)
        .fold(0.0, f64::max);
    meter.stage(
        "placing",
        (planned_total * final_fraction).round().max(0.0) as u64,
        "impressions",
    );
    for (s, sp) in plan.sessions.iter().enumerate() {
        let mut rng = Stream::new(seed, Purpose::Persona, s as u64);
        let count = (planned_total * (sp.density_fraction - previous_fraction))
            .round()
            .max(0.0) as usize;
        previous_fraction = sp.density_fraction;
        let spots = match h.placement {
            Placement::Natural => natural(
                plan,
                s,
                count,
                zones_bounds,
                max_density,
                &mut grid,
                &mut rng,
                persona.tattoos_as_expert(),
                by_skin.as_ref(),
                meter,
            ),
            Placement::Grid => lattice(plan, s, count, zones_bounds),
            Placement::Clumps => clumps(plan, count, zones_bounds, max_density, &mut rng),
            Placement::Anywhere => (0..count)
                .map(|_| {
                    Point::new(
                        rng.range(0.0, plan.canvas_mm.0),
                        rng.range(0.0, plan.canvas_mm.1),
                    )
                })
                .collect(),
        };
        if h.placement != Placement::Natural {
            meter.advance(count as u64);
        }
        placed.extend_from_slice(&spots);
        let (needle, shade) = match persona {
            Persona::Rusher => (plan.sessions[0].needle, Shade::Black),
            _ => (sp.needle, sp.shade),
        };
        let mut samples = Vec::with_capacity(spots.len() * 3);
        let mut t = rng.range(0.5, 2.0);
        let phase = rng.range(0.0, std::f64::consts::TAU);
        let mut last_view = None;
        for (k, spot) in spots.iter().enumerate() {
            let aim = Point::new(
                spot.x_mm + rng.gauss(0.0, h.aim_error_mm),
                spot.y_mm + rng.gauss(0.0, h.aim_error_mm),
            );
            let at = Point::new(
                aim.x_mm.clamp(0.0, plan.canvas_mm.0),
                aim.y_mm.clamp(0.0, plan.canvas_mm.1),
            );
            let (tx, ty) = (rng.gauss(0.0, h.tilt_sd), rng.gauss(0.0, h.tilt_sd));
            let wobble_tilt = tx.hypot(ty).min(crate::needle::MAX_TILT_RAD);
            // On a head: the view the spot is worked from, the needle's axis, the angle the
            // hand allows for, and the pen's tilt as the tablet would report it.
            let held = match &surface {
                Surface::Flat { .. } => None,
                head => hold_needle(head, at, tx, ty, persona),
            };
            if let Some(Held { view, .. }) = held {
                // Turning the client's head to another view takes a few seconds.
                if last_view.is_some_and(|v| v != view) {
                    t += 4.0;
                }
                last_view = Some(view);
            }
            let (tilt, axis, tx, ty) = match held {
                None => (wobble_tilt, None, tx, ty),
                Some(h) => (h.allowed_rad, Some(h.axis), h.pen_tilt.0, h.pen_tilt.1),
            };
            let drift = 1.0 + h.drift * (phase + k as f64 * 0.09).sin();
            let depth = (h.aim_depth_mm)(plan) * drift * rng.gauss(1.0, h.force_sd).max(0.05);
            let force = (depth / (needle.protrusion_mm * tilt.cos())).clamp(0.0, 1.0);
            let pressure = curve.pressure_for(force);
            let dwell = h.dwell_s * rng.range(0.7, 1.4);
            let wobble = |rng: &mut Stream, p: Point| {
                Point::new(
                    (p.x_mm + rng.gauss(0.0, h.tremor_mm)).clamp(0.0, plan.canvas_mm.0),
                    (p.y_mm + rng.gauss(0.0, h.tremor_mm)).clamp(0.0, plan.canvas_mm.1),
                )
            };
            let mid = wobble(&mut rng, at);
            let up = wobble(&mut rng, mid);
            // A tablet of 8,192 pressure levels, recorded as the app records one.
            let sample = |t_s: f64, at: Point, pressure: f64, contact: bool| {
                PenSample {
                    t_s,
                    at,
                    pressure: (pressure * 8192.0).round() / 8192.0,
                    tilt_x_rad: tx,
                    tilt_y_rad: ty,
                    contact,
                    axis,
                }
                .at_device_precision()
            };
            samples.push(sample(t, at, pressure * 0.6, true));
            samples.push(sample(t + dwell * 0.5, mid, pressure, true));
            samples.push(sample(t + dwell, up, 0.0, false));
            t += dwell + h.pace_s * rng.range(0.6, 1.4);
        }
        sessions.push(SessionRecord {
            days_since_previous: if s == 0 { 0.0 } else { gap_days(persona, plan) },
            needle,
            shade,
            samples,
        });
    }
    let device = Device {
        tool: ToolKind::Synthetic,
        pressure_levels: 8192,
        name: format!("synthetic {persona}"),
        hardware_id: None,
    };
    meter.stage("scoring", 1, "attempt");
    let attempt = scored_attempt_with(level, trainee, date, device, curve, seed, sessions, design);
    meter.advance(1);
    attempt
}

/// How a persona holds the needle over one place on a head.
#[derive(Clone, Copy)]
struct Held {
    /// The view it works the place from.
    view: View,
    /// The needle's axis, into the skin (head frame).
    axis: Vec3,
    /// The needle's angle to the skin the hand allows for when pressing, rad: the true angle
    /// for those who follow the curvature, only its own wobble for one who does not.
    allowed_rad: f64,
    /// The pen's tilt from the screen's normal, (toward the picture's right, toward its top), rad.
    pen_tilt: (f64, f64),
}

/// The needle over map place `at` of a head: worked from the view that sees it most squarely,
/// held along the skin's normal (the one-angle persona: along the view, square to the screen,
/// whatever the scalp does under it), with the hand's wobble `(tx, ty)` rad on top.
fn hold_needle(surface: &Surface, at: Point, tx: f64, ty: f64, persona: Persona) -> Option<Held> {
    let normal = surface.normal(at)?;
    let view = View::facing(normal);
    let square = if persona == Persona::OneAngle {
        view.toward_eye()
    } else {
        normal
    };
    // The wobble leans the pen's top toward the picture's right and top.
    let (right, up) = (view.right(), view.up());
    let e1 = (right - square * square.dot(right)).normalized();
    let e2 = square.cross(e1);
    let out = (square + e1 * tx.tan() + e2 * ty.tan()).normalized();
    let axis = out * -1.0;
    let true_angle = out.dot(normal).clamp(-1.0, 1.0).acos();
    let allowed_rad = if persona == Persona::OneAngle {
        tx.hypot(ty)
    } else {
        true_angle
    }
    .min(crate::needle::MAX_TILT_RAD);
    let eye = view.toward_eye();
    let pen_tilt = (
        out.dot(right).atan2(out.dot(eye)),
        out.dot(up).atan2(out.dot(eye)),
    );
    Some(Held {
        view,
        axis,
        allowed_rad,
        pen_tilt,
    })
}

/// Filling and spacing by the skin on a head: the skin a map square stands for, and how far
/// on the map a neighbour closer on the skin may lie.
struct SkinSpacing {
    surface: Surface,
    /// The largest area element over the zones (for sampling by skin area).
    max_area: f64,
    /// The least skin length per map mm.
    min_stretch: f64,
}

impl SkinSpacing {
    fn for_zones(surface: &Surface, b: Rect) -> Self {
        const N: usize = 48;
        let mut max_area: f64 = 0.0;
        for k in 0..N * N {
            let p = Point::new(
                b.min.x_mm + ((k % N) as f64 + 0.5) / N as f64 * b.width_mm(),
                b.min.y_mm + ((k / N) as f64 + 0.5) / N as f64 * b.height_mm(),
            );
            max_area = max_area.max(surface.local(p).map_or(0.0, |m| m.area_element));
        }
        Self {
            surface: surface.clone(),
            max_area: 1.05 * max_area.max(0.1),
            min_stretch: surface.min_stretch(),
        }
    }

    /// Whether a dot of `grid` lies closer than `r_mm` to `p` on the skin.
    fn any_within(&self, grid: &GrowingGrid, p: Point, r_mm: f64) -> bool {
        let stretch = self
            .surface
            .local(p)
            .map_or(self.min_stretch, |m| 0.9 * m.least_stretch)
            .max(self.min_stretch);
        grid.any_near(p, r_mm / stretch, |q| {
            self.surface.chord_mm(p, q).is_some_and(|d| d < r_mm)
        })
    }
}

/// An attempt at `level` made of `sessions`, with its score computed and stored as a saved
/// file has it.
pub fn scored_attempt(
    level: &Level,
    trainee: &str,
    date: &str,
    device: Device,
    pressure_curve: PressureCurve,
    seed: u64,
    sessions: Vec<SessionRecord>,
) -> Attempt {
    scored_attempt_with(
        level,
        trainee,
        date,
        device,
        pressure_curve,
        seed,
        sessions,
        None,
    )
}

/// How `persona` designs the hairline on `plan`'s design step (`None` without one): the expert's
/// way, 12 mm below the band, or ruled straight from point to point of the method.
fn persona_design(persona: Persona, plan: &ReferencePlan, seed: u64) -> Option<DesignDrawing> {
    let targets = plan.design?;
    let head = plan.head()?;
    let (lo, hi) = targets.mfp_height_mm;
    match persona {
        Persona::LowDesigner => {
            let low = DesignTargets {
                mfp_height_mm: (lo - 14.0, lo - 10.0),
                ..targets
            };
            crate::design::expert_design(&head, &low, seed)
        }
        Persona::StraightDesigner => {
            // The method's points, joined with a ruler.
            let line =
                crate::design::drawn_by_method(&head, 0.5 * (lo + hi), &targets, |_| 0.0, 0.0)?;
            Some(DesignDrawing {
                strokes: vec![line.vertices.clone()],
                hairline: line,
            })
        }
        _ => crate::design::expert_design(&head, &targets, seed),
    }
}

/// [`scored_attempt`] with the hairline designed before tattooing.
#[allow(clippy::too_many_arguments, reason = "an attempt's parts")]
fn scored_attempt_with(
    level: &Level,
    trainee: &str,
    date: &str,
    device: Device,
    pressure_curve: PressureCurve,
    seed: u64,
    sessions: Vec<SessionRecord>,
    design: Option<DesignDrawing>,
) -> Attempt {
    let plan = &level.plan;
    let mut attempt = Attempt {
        // A design is kept in format 4; otherwise the format the file will be written in is
        // decided when it is written.
        format_version: if design.is_some() {
            DESIGN_FORMAT_VERSION
        } else {
            FORMAT_VERSION
        },
        level_id: plan.id.clone(),
        level_hash: level.hash.clone(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        trainee: trainee.into(),
        date: date.into(),
        device,
        pressure_curve,
        seed,
        sessions,
        design,
        score: None,
        review: None,
    };
    let replay = crate::replay::replay(plan, &attempt);
    attempt.score = Some(crate::score::score(plan, &attempt, &replay).stored());
    attempt
}

/// The plan's dots at its densities counted as if the map's area were the skin's (what the map
/// spacer counts), on the 2 mm lattice [`ReferencePlan::planned_impressions`] uses.
fn planned_on_map(plan: &ReferencePlan) -> f64 {
    let step = 2.0;
    let (w, h) = plan.canvas_mm;
    let mut sum = 0.0;
    let mut y = step / 2.0;
    while y < h {
        let mut x = step / 2.0;
        while x < w {
            sum += plan.final_density_at(Point::new(x, y));
            x += step;
        }
        y += step;
    }
    sum * step * step / 100.0
}

fn max_final_density(plan: &ReferencePlan, b: Rect) -> f64 {
    let mut max: f64 = 0.0;
    for i in 0..=40 {
        for j in 0..=40 {
            let p = Point::new(
                b.min.x_mm + b.width_mm() * i as f64 / 40.0,
                b.min.y_mm + b.height_mm() * j as f64 / 40.0,
            );
            max = max.max(plan.final_density_at(p));
        }
    }
    plan.zones
        .iter()
        .map(|z| z.density.at(z.outline.vertices[0]))
        .fold(max, f64::max)
        .max(1e-6)
}

/// Density-following dart throwing with a natural minimum distance (a Poisson-disk-like pattern,
/// as a careful artist's eye produces).
fn natural(
    plan: &ReferencePlan,
    session: usize,
    count: usize,
    b: Rect,
    max_density: f64,
    grid: &mut GrowingGrid,
    rng: &mut Stream,
    sentinels: bool,
    by_skin: Option<&SkinSpacing>,
    meter: &dyn Meter,
) -> Vec<Point> {
    // Reported in batches: a report per dot would cost more than the dot.
    const BATCH: usize = 1024;
    let mut out = Vec::with_capacity(count);
    let mut tries = 0usize;
    let budget = count * 60 + 100;
    while out.len() < count && tries < budget {
        tries += 1;
        let p = Point::new(
            rng.range(b.min.x_mm, b.max.x_mm),
            rng.range(b.min.y_mm, b.max.y_mm),
        );
        let target = plan.density_at(p, session);
        if target <= 0.0 {
            continue;
        }
        // By skin area on a head: a map square stands for more or less skin.
        let accepted = match by_skin {
            None => rng.uniform() * max_density <= plan.final_density_at(p),
            Some(s) => {
                let area = s.surface.local(p).map_or(0.0, |m| m.area_element);
                rng.uniform() * max_density * s.max_area <= plan.final_density_at(p) * area
            }
        };
        if !accepted {
            continue;
        }
        // Keep about 0.8 of the mean spacing the cumulative density implies.
        let r = 0.8 * (100.0 / target).sqrt() * 0.5 * 2.0_f64.sqrt();
        let crowded = match by_skin {
            None => grid.any_within(p, r),
            Some(s) => s.any_within(grid, p, r),
        };
        if crowded {
            continue;
        }
        grid.insert(p);
        out.push(p);
        if out.len() % BATCH == 0 {
            meter.advance(BATCH as u64);
        }
    }
    meter.advance((count - out.len() / BATCH * BATCH) as u64);
    // A few isolated dots just ahead of the line make a hairline look natural.
    if let (true, 0, Some(h)) = (sentinels, session, &plan.hairline) {
        let wanted = (count as f64 * 0.01).round() as usize;
        let mut made = 0;
        let mut tries = 0;
        let lb = bounds_of(&h.line.vertices);
        while made < wanted && tries < 20_000 {
            tries += 1;
            let p = Point::new(
                rng.range(lb.min.x_mm - 3.0, lb.max.x_mm + 3.0),
                rng.range(lb.min.y_mm - 3.0, lb.max.y_mm + 3.0),
            );
            let d = h.line.distance(p);
            let inside_canvas = p.x_mm > 0.0
                && p.y_mm > 0.0
                && p.x_mm < plan.canvas_mm.0
                && p.y_mm < plan.canvas_mm.1;
            if inside_canvas
                && plan.zone_at(p).is_none()
                && (0.4..2.0).contains(&d)
                && !grid.any_within(p, 1.5)
            {
                grid.insert(p);
                out.push(p);
                made += 1;
            }
        }
    }
    out
}

fn lattice(plan: &ReferencePlan, session: usize, count: usize, b: Rect) -> Vec<Point> {
    if count == 0 {
        return vec![];
    }
    let area = plan.zone_area_mm2().max(1.0);
    let a = (area / count as f64).sqrt();
    // Each session's lattice is offset so later sessions fill between earlier dots.
    let offset = 0.5 * a + session as f64 * 0.37 * a;
    let mut out = Vec::new();
    let mut y = b.min.y_mm + offset % a;
    while y <= b.max.y_mm {
        let mut x = b.min.x_mm + offset % a;
        while x <= b.max.x_mm {
            let p = Point::new(x, y);
            if plan.zone_at(p).is_some() {
                out.push(p);
            }
            x += a;
        }
        y += a;
    }
    out
}

fn clumps(
    plan: &ReferencePlan,
    count: usize,
    b: Rect,
    max_density: f64,
    rng: &mut Stream,
) -> Vec<Point> {
    let mut out = Vec::with_capacity(count);
    let mut tries = 0usize;
    while out.len() < count && tries < count * 60 + 100 {
        tries += 1;
        let c = Point::new(
            rng.range(b.min.x_mm, b.max.x_mm),
            rng.range(b.min.y_mm, b.max.y_mm),
        );
        if rng.uniform() * max_density > plan.final_density_at(c) {
            continue;
        }
        let k = 3 + rng.below(3) as usize;
        for _ in 0..k.min(count - out.len()) {
            out.push(Point::new(
                c.x_mm + rng.gauss(0.0, 0.18),
                c.y_mm + rng.gauss(0.0, 0.18),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personas_are_reproducible_and_differ_in_their_habit() {
        let level = Level::find("depth-drill", None).unwrap();
        let a = simulate(&level, Persona::Expert, 7, "t", "2026-11-21");
        assert_eq!(a, simulate(&level, Persona::Expert, 7, "t", "2026-11-21"));
        assert_ne!(a, simulate(&level, Persona::Expert, 8, "t", "2026-11-21"));
        assert_eq!(a.device.tool, ToolKind::Synthetic);
        // Samples are at what a tablet resolves, so their text is short.
        for s in &a.sessions[0].samples {
            assert_eq!(*s, s.at_device_precision());
            assert!(
                s.t_s.to_string().len() <= 9 && s.pressure.to_string().len() <= 7,
                "{s:?}"
            );
        }
        let heavy = simulate(&level, Persona::HeavyHand, 7, "t", "2026-11-21");
        let peak = |a: &Attempt| {
            let p: Vec<f64> = a.sessions[0].samples.iter().map(|s| s.pressure).collect();
            p.iter().sum::<f64>() / p.len() as f64
        };
        assert!(peak(&heavy) > 1.5 * peak(&a));
        let rusher = simulate(&level, Persona::Rusher, 7, "t", "2026-11-21");
        assert_eq!(rusher.sessions[0].shade, Shade::Black);
    }
}
