//! The scalp map drawn flat, as a level is authored: the skin and its dots on the map, the
//! parts of the square the map does not reach in the backdrop's grey, and a key laid over it:
//! rings every 50 mm of skin from the vertex, the scalp's edge (where hair grows on a head with no
//! loss) and the face's landmarks.

use crate::geometry::Point;
use crate::surface::{Head, Landmark};

use super::compositor::Compositor;
use super::dot::Dot;
use super::picture::{Picture, RenderError};

/// Draws the scalp map of `head` at `px_per_mm` with `dots`, and the key over it when `key`.
pub fn draw_map(
    head: &Head,
    compositor: &Compositor,
    dots: &[Dot],
    px_per_mm: f64,
    key: bool,
) -> Result<Picture, RenderError> {
    let (w, h, rgba) = compositor.render(dots, px_per_mm)?;
    let mut rgb: Vec<u8> = rgba
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mm = |px: u32| (f64::from(px) + 0.5) / px_per_mm;
    // Off the map: the backdrop.
    let rows = crate::parallel::map(h as usize, |row| {
        (0..w)
            .map(|col| head.contains(Point::new(mm(col), mm(row as u32))))
            .collect::<Vec<bool>>()
    });
    for (row, on) in rows.iter().enumerate() {
        for (col, &inside) in on.iter().enumerate() {
            if !inside {
                let i = (row * w as usize + col) * 3;
                rgb[i..i + 3].copy_from_slice(&[48, 48, 52]);
            }
        }
    }
    let mut picture = Picture {
        width: w,
        height: h,
        rgb,
    };
    if key {
        let (cx, cy) = (head.map_size_mm().0 / 2.0, head.map_size_mm().1 / 2.0);
        let mut ring = 50.0;
        while ring < cx {
            let circle: Vec<Point> = (0..=180)
                .map(|k| {
                    let a = k as f64 / 180.0 * std::f64::consts::TAU;
                    Point::new(cx + ring * a.sin(), cy - ring * a.cos())
                })
                .collect();
            picture.polyline(&circle, px_per_mm, [235, 235, 240], 0.35, 1.0);
            ring += 50.0;
        }
        if let Some(edge) = head.scalp_outline() {
            picture.polygon(edge, px_per_mm, [40, 110, 230], 0.9, 2.0);
        }
        for l in Landmark::ALL {
            if let Some(p) = head.landmark(l) {
                picture.marker(p, px_per_mm, [220, 0, 200]);
            }
        }
    }
    Ok(picture)
}
