//! `smp-trainer render`: an attempt as it looks on a given day, to PNG: the canvas of a flat
//! skin, a head from one of its views, its scalp map, or a loupe over one place.

use std::path::Path;

use smp_core::geometry::Point;
use smp_core::render::{
    Camera, Compositor, Dot, PixelRect, dots_on_day, draw_design, draw_head, draw_map,
};
use smp_core::surface::{Surface, View};
use smp_core::{Attempt, files, replay};

use super::out::say;
use super::{Failure, ViewArg, level_for};

/// What to draw.
pub struct Picture {
    /// Days after the last session.
    pub day: f64,
    /// Canvas or map scale, px/mm (a default for the skin when `None`).
    pub px_per_mm: Option<f64>,
    /// A head's view, or its map.
    pub view: Option<ViewArg>,
    /// Side of a view or loupe picture, px.
    pub size: u32,
    /// A loupe around this place, mm.
    pub loupe: Option<(f64, f64)>,
    /// The loupe's width of skin, mm.
    pub loupe_mm: f64,
}

pub fn run(
    file: &Path,
    picture: Picture,
    out: &Path,
    level: Option<&Path>,
    dir: Option<&Path>,
) -> Result<u8, Failure> {
    let day = picture.day;
    if !(day.is_finite() && (0.0..=36_525.0).contains(&day)) {
        return Err(Failure::input(format!(
            "--day {day} is outside 0–36525 (100 years)"
        )));
    }
    if !(1.0..=200.0).contains(&picture.loupe_mm) {
        return Err(Failure::input(format!(
            "--loupe-mm {} is outside 1–200 mm",
            picture.loupe_mm
        )));
    }
    let meter = super::progress::meter();
    meter.stage("reading", 1, "file");
    let attempt = Attempt::load(file).map_err(Failure::input)?;
    let level = level_for(file, &attempt, level, dir)?;
    meter.stage("replaying", 1, "attempt");
    let replayed = replay::replay(&level.plan, &attempt);
    let compositor = Compositor::new(&level.plan);
    let dots = dots_on_day(&replayed, day);
    let surface = level.plan.surface();
    let (png, what) = match (&surface, picture.view, picture.loupe) {
        (_, _, Some((x, y))) => {
            let at = Point::new(x, y);
            if !surface.contains(at) {
                return Err(Failure::input(format!(
                    "--loupe {x},{y}: that place is not on the skin (the canvas or the head's map is {} × {} mm)",
                    surface.canvas_mm().0,
                    surface.canvas_mm().1
                )));
            }
            meter.stage("drawing", 1, "loupe");
            let png = match &surface {
                Surface::Flat { .. } => {
                    flat_loupe(&compositor, &dots, at, picture.loupe_mm, picture.size)?
                }
                Surface::Head(head) => {
                    let camera =
                        Camera::loupe(&surface, at, picture.loupe_mm).ok_or_else(|| {
                            Failure::input(format!("--loupe {x},{y}: no skin to look at there"))
                        })?;
                    draw_head(
                        head,
                        &compositor,
                        &dots,
                        &camera,
                        picture.size,
                        picture.size,
                    )
                    .and_then(|p| p.to_png())
                    .map_err(Failure::input)?
                }
            };
            (
                png,
                format!("a {} mm loupe at ({x}, {y}) mm", picture.loupe_mm),
            )
        }
        (Surface::Flat { .. }, Some(v), None) if v != ViewArg::Map => {
            return Err(Failure::input(format!(
                "--view {}: level {:?} is a flat practice skin, which has only its canvas (leave --view out, or give --view map)",
                format!("{v:?}").to_lowercase(),
                level.plan.id
            )));
        }
        (Surface::Flat { .. }, _, None) => {
            let ppm = picture.px_per_mm.unwrap_or(10.0);
            compositor.size_px(ppm).map_err(Failure::input)?;
            let png = compositor
                .render_png_metered(&dots, ppm, meter.as_ref())
                .map_err(Failure::input)?;
            // A flat canvas says what it always said.
            (png, String::new())
        }
        (Surface::Head(head), Some(ViewArg::Map), None) => {
            meter.stage("drawing", 1, "map");
            let ppm = picture.px_per_mm.unwrap_or(4.0);
            let png = draw_map(head, &compositor, &dots, ppm, true)
                .and_then(|p| p.to_png())
                .map_err(Failure::input)?;
            (png, "the scalp map".to_string())
        }
        (Surface::Head(head), view, None) => {
            let view = match view {
                Some(ViewArg::Left) => View::Left,
                Some(ViewArg::Right) => View::Right,
                Some(ViewArg::Top) => View::Top,
                Some(ViewArg::Back) => View::Back,
                _ => View::Front,
            };
            meter.stage("drawing", 1, "view");
            let camera = Camera::of_view(head, view);
            let mut drawn = draw_head(
                head,
                &compositor,
                &dots,
                &camera,
                picture.size,
                picture.size,
            )
            .map_err(Failure::input)?;
            // A designed hairline is drawn over the face with the lines it is measured from.
            if let Some(design) = &attempt.design {
                draw_design(
                    head,
                    &camera,
                    &mut drawn,
                    &design.hairline,
                    &level.plan.design.unwrap_or_default(),
                );
            }
            let png = drawn.to_png().map_err(Failure::input)?;
            let with = if attempt.design.is_some() {
                " with the designed hairline and its rule lines"
            } else {
                ""
            };
            (png, format!("the {view} view{with}"))
        }
    };
    meter.stage("writing", 1, "file");
    files::write_atomically(out, &png).map_err(Failure::input)?;
    drop(meter);
    let (w, h) = png_size(&png);
    let what = if what.is_empty() {
        what
    } else {
        format!("{what}, ")
    };
    say!(
        "{}: {w} × {h} px, {what}day {day} after the last session, {} impressions",
        out.display(),
        replayed.impressions.len()
    );
    Ok(0)
}

/// A square of `width_mm` of a flat canvas around `at`, `side_px` across.
fn flat_loupe(
    compositor: &Compositor,
    dots: &[Dot],
    at: Point,
    width_mm: f64,
    side_px: u32,
) -> Result<Vec<u8>, Failure> {
    let side = side_px.clamp(16, 4096);
    let ppm = f64::from(side) / width_mm;
    let half = width_mm / 2.0;
    let rect = PixelRect {
        x: ((at.x_mm - half).max(0.0) * ppm) as u32,
        y: ((at.y_mm - half).max(0.0) * ppm) as u32,
        width: side,
        height: side,
    };
    let near: Vec<usize> = (0..dots.len())
        .filter(|&i| dots[i].at.distance(at) <= width_mm)
        .collect();
    let mut rgba = vec![0u8; (side * side * 4) as usize];
    compositor.render_rect(dots, near.into_iter(), ppm, rect, &mut rgba);
    let rgb: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    smp_core::render::Picture {
        width: side,
        height: side,
        rgb,
    }
    .to_png()
    .map_err(Failure::input)
}

/// Width and height written in a PNG's header.
fn png_size(png: &[u8]) -> (u32, u32) {
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    if png.len() >= 24 {
        (be(&png[16..20]), be(&png[20..24]))
    } else {
        (0, 0)
    }
}
