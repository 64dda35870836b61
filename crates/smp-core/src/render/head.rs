//! A head drawn as a client sees it: the head's mesh seen from a view (front, left, right, top,
//! back) or a loupe over one place, lit as in a studio (a key light, a fill, a rim light and the
//! sheen of a shaved scalp). The skin and its dots come from the compositor, drawn on the scalp
//! map where the picture needs them, with every dot reshaped by the map's stretch there so it
//! is round on the skin (as the needle made it), not on the map.

use crate::geometry::{Point, Vec3};
use crate::surface::{Head, Surface, View};

use super::compositor::Compositor;
use super::dot::{Dot, reach_mm};
use super::picture::{Picture, PixelRect, RenderError};

/// Triangles of the head's mesh for pictures: fine enough that a 2048 px view shows no facets.
const MESH_DETAIL: u32 = 6;
/// Side of the texture squares drawn from the scalp map, px.
const TILE_PX: u32 = 128;
/// Most texture pixels one picture may draw (about 200 MB of colour).
const MAX_TEXTURE_PX: f64 = 48.0e6;

/// Where a picture of the head is taken from: an orthographic camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// The point at the picture's centre, mm (head frame).
    pub target: Vec3,
    /// From the target toward the eye (unit).
    pub toward_eye: Vec3,
    /// Up on the picture (unit, square to `toward_eye`).
    pub up: Vec3,
    /// Width of skin the picture spans at the target, mm.
    pub width_mm: f64,
}

impl Camera {
    /// The whole head from `view`.
    pub fn of_view(head: &Head, view: View) -> Camera {
        let r = head.bounding_radius_mm();
        Camera {
            target: Vec3::new(0.0, 0.0, 0.0),
            toward_eye: view.toward_eye(),
            up: view.up(),
            width_mm: 2.1 * r,
        }
    }

    /// A loupe: `width_mm` of skin around map place `at`, seen square to the skin, the face
    /// toward the top of the picture as far as the place allows.
    pub fn loupe(surface: &Surface, at: Point, width_mm: f64) -> Option<Camera> {
        let target = surface.point(at)?;
        let normal = surface.normal(at)?;
        let view = View::facing(normal);
        let up = (view.up() - normal * normal.dot(view.up())).normalized();
        if up.length() < 0.5 {
            return None;
        }
        Some(Camera {
            target,
            toward_eye: normal,
            up,
            width_mm: width_mm.clamp(0.5, 400.0),
        })
    }

    fn right(&self) -> Vec3 {
        self.up.cross(self.toward_eye)
    }
}

/// What each pixel sees: the triangle, where in it, and how near.
#[derive(Clone, Copy)]
struct Seen {
    triangle: u32,
    /// Barycentric weights of the triangle's second and third corners.
    b: [f32; 2],
    depth: f32,
}

/// Draws `dots` on `head` through `camera` into a `width` × `height` picture. `compositor` is the
/// level's (its canvas is the head's scalp map).
pub fn draw_head(
    head: &Head,
    compositor: &Compositor,
    dots: &[Dot],
    camera: &Camera,
    width: u32,
    height: u32,
) -> Result<Picture, RenderError> {
    let ok = |v: u32| (16..=crate::limits::MAX_SIDE_PX).contains(&v);
    if !ok(width) || !ok(height) {
        return Err(RenderError::Size {
            width: f64::from(width),
            height: f64::from(height),
        });
    }
    let mesh = head.mesh(MESH_DETAIL);
    let px_per_mm = f64::from(width) / camera.width_mm;
    let right = camera.right();
    let (cx, cy) = (f64::from(width) / 2.0, f64::from(height) / 2.0);
    let project = |p: Vec3| {
        let d = p - camera.target;
        (
            cx + d.dot(right) * px_per_mm,
            cy - d.dot(camera.up) * px_per_mm,
            d.dot(camera.toward_eye),
        )
    };
    let screen: Vec<(f64, f64, f64)> = mesh.positions.iter().map(|&p| project(p)).collect();
    let seen = rasterize(&screen, &mesh.triangles, width, height);

    // Which squares of the scalp map the picture shows, at a scale a little finer than the
    // picture's (the map stretches: where it shrinks the skin, more texture per pixel).
    let mut tex_per_mm = (1.5 * px_per_mm).clamp(1.0, 600.0);
    let map_of = |s: &Seen| -> Option<Point> {
        let [i0, i1, i2] = mesh.triangles[s.triangle as usize];
        let (m0, m1, m2) = (
            mesh.map[i0 as usize]?,
            mesh.map[i1 as usize]?,
            mesh.map[i2 as usize]?,
        );
        let (b1, b2) = (f64::from(s.b[0]), f64::from(s.b[1]));
        let b0 = 1.0 - b1 - b2;
        Some(Point::new(
            b0 * m0.x_mm + b1 * m1.x_mm + b2 * m2.x_mm,
            b0 * m0.y_mm + b1 * m1.y_mm + b2 * m2.y_mm,
        ))
    };
    let places: Vec<Option<Point>> = seen.iter().map(|s| s.as_ref().and_then(map_of)).collect();
    let (map_w, map_h) = head.map_size_mm();
    // Marked on a grid of the map's tiles (not sorted from millions of pixels).
    let tiles_for = |scale: f64| {
        let side = f64::from(TILE_PX) / scale;
        let cols = (map_w / side).ceil() as usize + 1;
        let rows = (map_h / side).ceil() as usize + 1;
        let mut seen = vec![false; cols * rows];
        for p in places.iter().flatten() {
            let (c, r) = (
                ((p.x_mm / side).floor().max(0.0) as usize).min(cols - 1),
                ((p.y_mm / side).floor().max(0.0) as usize).min(rows - 1),
            );
            seen[r * cols + c] = true;
        }
        (0..cols * rows)
            .filter(|&k| seen[k])
            .map(|k| ((k % cols) as u32, (k / cols) as u32))
            .collect::<Vec<(u32, u32)>>()
    };
    let mut tiles = tiles_for(tex_per_mm);
    while tiles.len() as f64 * f64::from(TILE_PX * TILE_PX) > MAX_TEXTURE_PX && tex_per_mm > 1.0 {
        tex_per_mm *= 0.7;
        tiles = tiles_for(tex_per_mm);
    }
    let shaped = round_on_skin(head, dots);
    let texture = Texture::draw(
        compositor,
        &shaped,
        tex_per_mm,
        &tiles,
        (map_w * tex_per_mm).ceil() as u32,
        (map_h * tex_per_mm).ceil() as u32,
    );

    let plain = compositor.skin_linear();
    let light = Studio::default();
    let rows = crate::parallel::map(height as usize, |row| {
        let mut out = vec![0u8; width as usize * 3];
        for col in 0..width as usize {
            let i = row * width as usize + col;
            let rgb = match &seen[i] {
                None => light.background(row as f64 / f64::from(height)),
                Some(s) => {
                    let [i0, i1, i2] = mesh.triangles[s.triangle as usize];
                    let (b1, b2) = (f64::from(s.b[0]), f64::from(s.b[1]));
                    let b0 = 1.0 - b1 - b2;
                    let n = (mesh.normals[i0 as usize] * b0
                        + mesh.normals[i1 as usize] * b1
                        + mesh.normals[i2 as usize] * b2)
                        .normalized();
                    // The pixel covers more than one texture pixel: four samples over its
                    // footprint on the map (from its neighbours' places), so no dot slips
                    // between samples.
                    let w = width as usize;
                    let footprint = places[i].map(|p| {
                        let right = (col + 1 < w).then(|| places[i + 1]).flatten();
                        let down = (row + 1 < height as usize).then(|| places[i + w]).flatten();
                        let du = right.map_or(crate::geometry::Vec2::ZERO, |q| q - p);
                        let dv = down.map_or(crate::geometry::Vec2::ZERO, |q| q - p);
                        (p, du, dv)
                    });
                    let albedo = footprint
                        .and_then(|(p, du, dv)| {
                            let mut acc = [0f32; 3];
                            for (a, b) in
                                [(-0.25, -0.25), (0.25, -0.25), (-0.25, 0.25), (0.25, 0.25)]
                            {
                                let c = texture.sample(p + du * a + dv * b)?;
                                for k in 0..3 {
                                    acc[k] += 0.25 * c[k];
                                }
                            }
                            Some(acc)
                        })
                        .or_else(|| places[i].and_then(|p| texture.sample(p)))
                        .unwrap_or(plain);
                    light.shade(albedo, n, camera.toward_eye)
                }
            };
            let lut = |v: f32| (linear_to_srgb(v) * 255.0 + 0.5).clamp(0.0, 255.0) as u8;
            out[col * 3] = lut(rgb[0]);
            out[col * 3 + 1] = lut(rgb[1]);
            out[col * 3 + 2] = lut(rgb[2]);
        }
        out
    });
    Ok(Picture {
        width,
        height,
        rgb: rows.concat(),
    })
}

/// Rasterizes the triangles (screen x, y in px, depth toward the eye in mm) into what each
/// pixel sees nearest. Bands of rows on every core; the result does not depend on how many.
fn rasterize(
    screen: &[(f64, f64, f64)],
    triangles: &[[u32; 3]],
    width: u32,
    height: u32,
) -> Vec<Option<Seen>> {
    const BAND: usize = 32;
    let bands = (height as usize).div_ceil(BAND);
    // Triangles facing the eye, binned by the bands they cover.
    let mut binned: Vec<Vec<u32>> = vec![Vec::new(); bands];
    for (t, tri) in triangles.iter().enumerate() {
        let [a, b, c] = tri.map(|i| screen[i as usize]);
        // Counter-clockwise from outside is clockwise on a y-down screen.
        let area = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
        if area >= 0.0 {
            continue;
        }
        let y0 = a.1.min(b.1).min(c.1).floor().max(0.0) as usize;
        let y1 = a.1.max(b.1).max(c.1).ceil().max(0.0) as usize;
        if y0 >= height as usize {
            continue;
        }
        for band in binned
            .iter_mut()
            .take((y1 / BAND).min(bands - 1) + 1)
            .skip(y0 / BAND)
        {
            band.push(t as u32);
        }
    }
    let w = width as usize;
    let parts = crate::parallel::map(bands, |band| {
        let row0 = band * BAND;
        let rows = BAND.min(height as usize - row0);
        let mut out: Vec<Option<Seen>> = vec![None; rows * w];
        for &t in &binned[band] {
            let [a, b, c] = triangles[t as usize].map(|i| screen[i as usize]);
            let area = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
            let x0 = a.0.min(b.0).min(c.0).floor().max(0.0) as usize;
            let x1 = (a.0.max(b.0).max(c.0).ceil().max(0.0) as usize).min(w.saturating_sub(1));
            let y0 = (a.1.min(b.1).min(c.1).floor().max(row0 as f64) as usize).max(row0);
            let y1 = (a.1.max(b.1).max(c.1).ceil() as usize).min(row0 + rows - 1);
            for y in y0..=y1 {
                let py = y as f64 + 0.5;
                for x in x0..=x1 {
                    let px = x as f64 + 0.5;
                    // Barycentric weights of b and c.
                    let w1 = ((px - a.0) * (c.1 - a.1) - (py - a.1) * (c.0 - a.0)) / area;
                    let w2 = ((b.0 - a.0) * (py - a.1) - (b.1 - a.1) * (px - a.0)) / area;
                    let w0 = 1.0 - w1 - w2;
                    if w0 < -1e-9 || w1 < -1e-9 || w2 < -1e-9 {
                        continue;
                    }
                    let depth = (w0 * a.2 + w1 * b.2 + w2 * c.2) as f32;
                    let slot = &mut out[(y - row0) * w + x];
                    if slot.is_none_or(|s| depth > s.depth) {
                        *slot = Some(Seen {
                            triangle: t,
                            b: [w1 as f32, w2 as f32],
                            depth,
                        });
                    }
                }
            }
        }
        out
    });
    parts.concat()
}

/// Each dot reshaped on the map so that it is round on the skin: the map stretches the skin
/// unevenly, so a round dot of the skin is an ellipse on the map (and a slanted dot's ellipse
/// turns with it).
pub fn round_on_skin(head: &Head, dots: &[Dot]) -> Vec<Dot> {
    crate::parallel::map(dots.len(), |i| dot_round_on_skin(head, dots[i]))
}

/// One dot reshaped on the map so that it is round on the skin (see [`round_on_skin`]).
pub fn dot_round_on_skin(head: &Head, d: Dot) -> Dot {
    let Some(local) = head.local(d.at) else {
        return d;
    };
    let ((tx, ty), n) = (local.tangents, local.normal);
    let e1 = tx.normalized();
    let e2 = n.cross(e1);
    // Map → skin (in the skin frame e1, e2), and its inverse.
    let j = [[e1.dot(tx), e1.dot(ty)], [e2.dot(tx), e2.dot(ty)]];
    let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
    if det.abs() < 1e-9 {
        return d;
    }
    let inv = [
        [j[1][1] / det, -j[0][1] / det],
        [-j[1][0] / det, j[0][0] / det],
    ];
    // The dot on the skin: a circle stretched `elongation` times along its direction, given
    // on the map: that direction on the skin.
    let (c, s) = (d.direction_rad.cos(), d.direction_rad.sin());
    let along = [j[0][0] * c + j[0][1] * s, j[1][0] * c + j[1][1] * s];
    let len = along[0].hypot(along[1]);
    let (u, v) = if len > 0.0 {
        (along[0] / len, along[1] / len)
    } else {
        (1.0, 0.0)
    };
    // Skin shape S = [u -v; v u] diag(e, 1); map shape M = inv S.
    let e = d.elongation.max(1.0);
    let s_mat = [[u * e, -v], [v * e, u]];
    let m = [
        [
            inv[0][0] * s_mat[0][0] + inv[0][1] * s_mat[1][0],
            inv[0][0] * s_mat[0][1] + inv[0][1] * s_mat[1][1],
        ],
        [
            inv[1][0] * s_mat[0][0] + inv[1][1] * s_mat[1][0],
            inv[1][0] * s_mat[0][1] + inv[1][1] * s_mat[1][1],
        ],
    ];
    // Its semi-axes and the long one's direction (singular values of M).
    let (big, small, angle) = singular(m);
    if !(small > 0.0 && big.is_finite()) {
        return d;
    }
    let mut look = d.look;
    look.diameter_mm *= small;
    Dot {
        look,
        elongation: big / small,
        direction_rad: angle,
        ..d
    }
}

/// The singular values of a 2 × 2 matrix (larger, smaller) and the direction of the larger's
/// left singular vector, rad.
fn singular(m: [[f64; 2]; 2]) -> (f64, f64, f64) {
    // M Mᵀ = [[a, b], [b, c]].
    let a = m[0][0] * m[0][0] + m[0][1] * m[0][1];
    let b = m[0][0] * m[1][0] + m[0][1] * m[1][1];
    let c = m[1][0] * m[1][0] + m[1][1] * m[1][1];
    let mean = 0.5 * (a + c);
    let spread = (0.25 * (a - c) * (a - c) + b * b).sqrt();
    let big = (mean + spread).max(0.0).sqrt();
    let small = (mean - spread).max(0.0).sqrt();
    let angle = 0.5 * (2.0 * b).atan2(a - c);
    (big, small, angle)
}

/// The parts of the scalp map a picture needs, drawn by the compositor.
struct Texture {
    px_per_mm: f64,
    /// Tiles across the whole map at this scale.
    cols: u32,
    /// For every tile of the map (row-major), where its pixels are in `tiles`, if drawn.
    index: Vec<Option<u32>>,
    /// The drawn tiles' sRGB pixels.
    tiles: Vec<Vec<[u8; 3]>>,
    /// sRGB byte → linear.
    linear: [f32; 256],
}

impl Texture {
    fn draw(
        compositor: &Compositor,
        dots: &[Dot],
        px_per_mm: f64,
        tiles: &[(u32, u32)],
        width_px: u32,
        height_px: u32,
    ) -> Texture {
        // Dots binned by 8 mm map cells, so a tile finds the few that reach it.
        const CELL_MM: f64 = 8.0;
        let cells_x = ((f64::from(width_px) / px_per_mm) / CELL_MM).ceil() as usize + 1;
        let cells_y = ((f64::from(height_px) / px_per_mm) / CELL_MM).ceil() as usize + 1;
        let mut cells: Vec<Vec<u32>> = vec![Vec::new(); cells_x * cells_y];
        for (i, d) in dots.iter().enumerate() {
            let r = reach_mm(d);
            let (x0, x1) = (
                ((d.at.x_mm - r) / CELL_MM).floor().max(0.0) as usize,
                (((d.at.x_mm + r) / CELL_MM).floor().max(0.0) as usize).min(cells_x - 1),
            );
            let (y0, y1) = (
                ((d.at.y_mm - r) / CELL_MM).floor().max(0.0) as usize,
                (((d.at.y_mm + r) / CELL_MM).floor().max(0.0) as usize).min(cells_y - 1),
            );
            for cy in y0..=y1 {
                for cx in x0..=x1 {
                    cells[cy * cells_x + cx].push(i as u32);
                }
            }
        }
        let drawn = crate::parallel::map(tiles.len(), |k| {
            let (tx, ty) = tiles[k];
            let rect = PixelRect {
                x: tx * TILE_PX,
                y: ty * TILE_PX,
                width: TILE_PX,
                height: TILE_PX,
            };
            let mm = |px: u32| f64::from(px) / px_per_mm;
            let (x0, x1) = (
                (mm(rect.x) / CELL_MM).floor() as usize,
                ((mm(rect.x + TILE_PX) / CELL_MM).floor() as usize).min(cells_x - 1),
            );
            let (y0, y1) = (
                (mm(rect.y) / CELL_MM).floor() as usize,
                ((mm(rect.y + TILE_PX) / CELL_MM).floor() as usize).min(cells_y - 1),
            );
            let mut near: Vec<usize> = Vec::new();
            for cy in y0.min(cells_y - 1)..=y1 {
                for cx in x0.min(cells_x - 1)..=x1 {
                    near.extend(cells[cy * cells_x + cx].iter().map(|&i| i as usize));
                }
            }
            // Drawing order is the dots' order, whatever the cells.
            near.sort_unstable();
            near.dedup();
            let mut px = vec![0u8; (TILE_PX * TILE_PX * 4) as usize];
            compositor.render_rect(dots, near.into_iter(), px_per_mm, rect, &mut px);
            px.chunks_exact(4)
                .map(|p| [p[0], p[1], p[2]])
                .collect::<Vec<[u8; 3]>>()
        });
        let cols = width_px.div_ceil(TILE_PX) + 1;
        let rows = height_px.div_ceil(TILE_PX) + 1;
        let mut index = vec![None; (cols * rows) as usize];
        for (k, &(tx, ty)) in tiles.iter().enumerate() {
            if tx < cols && ty < rows {
                index[(ty * cols + tx) as usize] = Some(k as u32);
            }
        }
        Texture {
            px_per_mm,
            cols,
            index,
            tiles: drawn,
            linear: std::array::from_fn(|b| srgb_to_linear(b as u8)),
        }
    }

    /// The skin's linear colour at map place `p`, bilinear between texture pixels.
    fn sample(&self, p: Point) -> Option<[f32; 3]> {
        let fx = p.x_mm * self.px_per_mm - 0.5;
        let fy = p.y_mm * self.px_per_mm - 0.5;
        let (x0, y0) = (fx.floor(), fy.floor());
        let (tx, ty) = ((fx - x0) as f32, (fy - y0) as f32);
        let mut acc = [0f32; 3];
        for (dx, dy, w) in [
            (0.0, 0.0, (1.0 - tx) * (1.0 - ty)),
            (1.0, 0.0, tx * (1.0 - ty)),
            (0.0, 1.0, (1.0 - tx) * ty),
            (1.0, 1.0, tx * ty),
        ] {
            let c = self.pixel((x0 + dx).max(0.0) as u32, (y0 + dy).max(0.0) as u32)?;
            for k in 0..3 {
                acc[k] += w * c[k];
            }
        }
        Some(acc)
    }

    fn pixel(&self, x: u32, y: u32) -> Option<[f32; 3]> {
        let (tx, ty) = (x / TILE_PX, y / TILE_PX);
        if tx >= self.cols {
            return None;
        }
        let k = (*self.index.get((ty * self.cols + tx) as usize)?)?;
        let i = ((y % TILE_PX) * TILE_PX + x % TILE_PX) as usize;
        Some(self.tiles[k as usize][i].map(|b| self.linear[b as usize]))
    }
}

/// A studio's lights, in the head's frame: a warm key light above and to the front-left, a cool
/// fill from the right, a rim light from behind, and a soft ambient.
struct Studio {
    key: (Vec3, [f32; 3]),
    fill: (Vec3, [f32; 3]),
    rim: (Vec3, [f32; 3]),
    ambient: f32,
}

impl Default for Studio {
    fn default() -> Self {
        Studio {
            key: (Vec3::new(-0.5, 0.75, 0.6).normalized(), [1.05, 1.0, 0.95]),
            fill: (Vec3::new(0.8, 0.3, 0.1).normalized(), [0.32, 0.34, 0.38]),
            rim: (Vec3::new(0.2, -0.8, 0.55).normalized(), [0.35, 0.35, 0.35]),
            ambient: 0.22,
        }
    }
}

impl Studio {
    /// Light leaving skin of colour `albedo` (linear) with normal `n`, seen from `eye`.
    fn shade(&self, albedo: [f32; 3], n: Vec3, eye: Vec3) -> [f32; 3] {
        let mut out = albedo.map(|a| a * self.ambient);
        for (dir, colour) in [self.key, self.fill, self.rim] {
            let lambert = n.dot(dir).max(0.0) as f32;
            // The sheen of a shaved scalp: a broad, faint highlight.
            let half = (dir + eye).normalized();
            let spec = 0.06 * (n.dot(half).max(0.0) as f32).powf(24.0);
            for k in 0..3 {
                out[k] += colour[k] * (albedo[k] * lambert + spec);
            }
        }
        out
    }

    /// The backdrop: a soft grey gradient, lighter at the top (`t` from 0 at the top to 1).
    fn background(&self, t: f64) -> [f32; 3] {
        let v = (0.22 - 0.1 * t) as f32;
        [v, v, v * 1.04]
    }
}

fn srgb_to_linear(c: u8) -> f32 {
    let c = f32::from(c) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn linear_to_srgb(v: f32) -> f32 {
    let v = v.clamp(0.0, 1.0);
    if v <= 0.003_130_8 {
        v * 12.92
    } else {
        1.055 * v.powf(1.0 / 2.4) - 0.055
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singular_values_of_a_rotation_and_stretch() {
        let (a, b, angle) = singular([[2.0, 0.0], [0.0, 0.5]]);
        assert!((a - 2.0).abs() < 1e-12 && (b - 0.5).abs() < 1e-12 && angle.abs() < 1e-12);
        let t = 0.3f64;
        let r = [[t.cos(), -t.sin()], [t.sin(), t.cos()]];
        let m = [[r[0][0] * 3.0, r[0][1]], [r[1][0] * 3.0, r[1][1]]];
        let (a, b, angle) = singular(m);
        assert!((a - 3.0).abs() < 1e-12 && (b - 1.0).abs() < 1e-12);
        assert!((angle - t).abs() < 1e-12, "{angle}");
    }
}
