//! The compositor: the skin and its dots, drawn into pixels of the canvas.

use crate::geometry::{Point, PolygonIndex, Rect};
use crate::limits::MAX_SIDE_PX;
use crate::plan::ReferencePlan;
use crate::progress::{Meter, Quiet};
use crate::rng::{Purpose, Stream};

use super::dot::{Dot, reach_mm};
use super::picture::{PixelRect, RenderError};

/// A small mark of the skin itself (pore or hair stubble).
#[derive(Clone, Copy)]
pub(super) struct Mark {
    at: Point,
    diameter_mm: f64,
    rgb: [f32; 3],
    opacity: f32,
}

/// The mottle's lattice step, px (see `Compositor::background`).
const MOTTLE_STEP: u32 = 4;

/// The level's skin, prepared once: tone, scars and the procedural pores and stubble.
pub struct Compositor {
    canvas_mm: (f64, f64),
    skin_rgb: [f32; 3],
    scars: Vec<(PolygonIndex, Rect)>,
    pub(super) marks: Vec<Mark>,
    noise_seed: u64,
}

fn srgb_to_linear(c: u8) -> f32 {
    let c = c as f32 / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// Linear 0..1 → sRGB byte, through a 4096-entry table (a powf per channel is too slow for
/// 16-megapixel images).
struct ToSrgb([u8; 4096]);

impl ToSrgb {
    fn new() -> Self {
        Self(std::array::from_fn(|i| {
            let c = i as f32 / 4095.0;
            let s = if c <= 0.003_130_8 {
                c * 12.92
            } else {
                1.055 * c.powf(1.0 / 2.4) - 0.055
            };
            (s * 255.0 + 0.5).clamp(0.0, 255.0) as u8
        }))
    }
    fn get(&self, c: f32) -> u8 {
        self.0[((c.clamp(0.0, 1.0) * 4095.0) + 0.5) as usize]
    }
}

/// The shared linear → sRGB table, built once.
fn srgb_lut() -> &'static ToSrgb {
    static LUT: std::sync::OnceLock<ToSrgb> = std::sync::OnceLock::new();
    LUT.get_or_init(ToSrgb::new)
}

fn hash2(seed: u64, x: i64, y: i64) -> f32 {
    // SplitMix-style mixing: a fixed function of its inputs on every platform.
    let mut z = seed
        ^ (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (y as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 40) as f32 / (1u64 << 24) as f32
}

/// Adds smooth value noise (-amp..amp, features of `scale_mm`) along one row of pixels at
/// height `y_mm`, starting at pixel column `first_px`. Lattice values are hashed only when
/// the row enters a new lattice cell, which keeps a 20-megapixel background cheap.
fn add_noise_row(
    seed: u64,
    y_mm: f64,
    first_px: i64,
    mm_per_px: f64,
    scale_mm: f64,
    amp: f32,
    out: &mut [f32],
) {
    let v = y_mm / scale_mm;
    let y0 = v.floor();
    let fy = (v - y0) as f32;
    let sy = fy * fy * (3.0 - 2.0 * fy);
    let iy = y0 as i64;
    let mut cell = i64::MIN;
    let (mut top, mut bottom) = ((0.0f32, 0.0f32), (0.0f32, 0.0f32));
    for (i, o) in out.iter_mut().enumerate() {
        // From the absolute pixel index, so a tile and the whole image compute the same value.
        let u = ((first_px + i as i64) as f64 + 0.5) * mm_per_px / scale_mm;
        let x0 = u.floor();
        let ix = x0 as i64;
        if ix != cell {
            cell = ix;
            top = (hash2(seed, ix, iy), hash2(seed, ix + 1, iy));
            bottom = (hash2(seed, ix, iy + 1), hash2(seed, ix + 1, iy + 1));
        }
        let fx = (u - x0) as f32;
        let sx = fx * fx * (3.0 - 2.0 * fx);
        let t = top.0 + (top.1 - top.0) * sx;
        let b = bottom.0 + (bottom.1 - bottom.0) * sx;
        *o += amp * ((t + (b - t) * sy) * 2.0 - 1.0);
    }
}

impl Compositor {
    /// Prepares the skin of `plan`. Pores and stubble come from a stream seeded by the level id,
    /// so a level always shows the same scalp.
    pub fn new(plan: &ReferencePlan) -> Self {
        let tone = plan.skin.fitzpatrick.skin_rgb();
        let noise_seed = plan.id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
        });
        let mut rng = Stream::new(noise_seed, Purpose::SkinTexture, 0);
        let (w, h) = plan.canvas_mm;
        let mut marks = Vec::new();
        // Pores: about 40 per cm², faint.
        let pores = (w * h / 100.0 * 40.0).min(2.0e6) as usize;
        for _ in 0..pores {
            let at = Point::new(rng.range(0.0, w), rng.range(0.0, h));
            marks.push(Mark {
                at,
                diameter_mm: rng.range(0.05, 0.09),
                rgb: [0.18, 0.1, 0.08],
                opacity: rng.range(0.08, 0.18) as f32,
            });
        }
        // Existing hair: stubble dots at the region's density.
        for region in &plan.skin.hair {
            let b = region.outline.bounds();
            let index = PolygonIndex::new(&region.outline);
            // Darts over the bounding box, kept where they fall inside; never more than eight
            // times the hairs the region holds (levels bound those), however thin the region.
            let per_mm2 = region.density_per_cm2.max(0.0) / 100.0;
            let n = (b.width_mm() * b.height_mm() * per_mm2)
                .min(8.0 * region.outline.area_mm2() * per_mm2 + 1000.0)
                .min(2.0e6) as usize;
            for _ in 0..n {
                let at = Point::new(
                    rng.range(b.min.x_mm, b.max.x_mm),
                    rng.range(b.min.y_mm, b.max.y_mm),
                );
                if index.contains(at) {
                    marks.push(Mark {
                        at,
                        diameter_mm: rng.range(0.07, 0.11),
                        rgb: [0.02, 0.018, 0.016],
                        opacity: rng.range(0.75, 0.95) as f32,
                    });
                }
            }
        }
        // Sorted by height so a small rectangle finds its marks by binary search.
        marks.sort_by(|a, b| a.at.y_mm.total_cmp(&b.at.y_mm));
        Self {
            canvas_mm: plan.canvas_mm,
            skin_rgb: tone.map(srgb_to_linear),
            scars: plan
                .skin
                .scars
                .iter()
                .map(|s| (PolygonIndex::new(&s.outline), s.outline.bounds()))
                .collect(),
            marks,
            noise_seed,
        }
    }

    /// The skin's own colour, linear RGB 0..1 (where nothing is drawn on it).
    pub fn skin_linear(&self) -> [f32; 3] {
        self.skin_rgb
    }

    /// Image size in px for a scale, or why it cannot be drawn.
    pub fn size_px(&self, px_per_mm: f64) -> Result<(u32, u32), RenderError> {
        let (w, h) = (self.canvas_mm.0 * px_per_mm, self.canvas_mm.1 * px_per_mm);
        let ok = |v: f64| v.is_finite() && v >= 1.0 && v <= MAX_SIDE_PX as f64;
        if ok(w) && ok(h) {
            Ok((w.round() as u32, h.round() as u32))
        } else {
            Err(RenderError::Size {
                width: w,
                height: h,
            })
        }
    }

    /// Draws the whole canvas at `px_per_mm` with `dots`, as RGBA8 rows (top row first).
    /// Uses the machine's cores on horizontal bands; the result does not depend on how many.
    pub fn render(&self, dots: &[Dot], px_per_mm: f64) -> Result<(u32, u32, Vec<u8>), RenderError> {
        let bands = self.bands(dots, px_per_mm)?;
        let (w, h) = (bands.width, bands.height);
        let mut pixels = vec![0u8; w as usize * h as usize * 4];
        let chunks: Vec<&mut [u8]> = pixels.chunks_mut(bands.rows * w as usize * 4).collect();
        let work: Vec<std::sync::Mutex<Option<&mut [u8]>>> = chunks
            .into_iter()
            .map(|c| std::sync::Mutex::new(Some(c)))
            .collect();
        bands.paint_each(
            self,
            dots,
            |b| {
                work[b]
                    .lock()
                    .ok()
                    .and_then(|mut g| g.take())
                    .map(|out| (out, 4))
            },
            |_, _| {},
        );
        Ok((w, h, pixels))
    }

    /// Draws the whole canvas at `px_per_mm` with `dots` as a PNG file's bytes (RGB, no alpha:
    /// skin is opaque). Bands are painted on the machine's cores while this thread compresses
    /// the finished ones in order, so encoding overlaps painting. The bytes do not depend on
    /// the number of cores.
    pub fn render_png(&self, dots: &[Dot], px_per_mm: f64) -> Result<Vec<u8>, RenderError> {
        self.render_png_metered(dots, px_per_mm, &Quiet)
    }

    /// [`Compositor::render_png`], telling `meter` of each band painted and compressed (stage
    /// "painting", in bands).
    pub fn render_png_metered(
        &self,
        dots: &[Dot],
        px_per_mm: f64,
        meter: &dyn Meter,
    ) -> Result<Vec<u8>, RenderError> {
        use std::io::Write as _;
        let bands = self.bands(dots, px_per_mm)?;
        meter.stage("painting", bands.spans.len() as u64, "bands");
        let (w, h) = (bands.width, bands.height);
        let encode = |e: png::EncodingError| RenderError::Encode(e.to_string());
        let mut png_bytes = Vec::with_capacity(w as usize * h as usize);
        let mut encoder = png::Encoder::new(&mut png_bytes, w, h);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        // Skin varies smoothly along a row: the left neighbour predicts a pixel well and costs
        // one subtraction.
        encoder.set_filter(png::Filter::Sub);
        let mut writer = encoder.write_header().map_err(encode)?;
        let mut stream = writer.stream_writer_with_size(1 << 20).map_err(encode)?;
        let (send, receive) = std::sync::mpsc::channel::<(usize, Vec<u8>)>();
        let count = bands.spans.len();
        let mut failure = None;
        std::thread::scope(|scope| {
            let painter = scope.spawn(|| {
                let send = send;
                bands.paint_each(
                    self,
                    dots,
                    |_| None,
                    |b, rgb| {
                        // The receiver only leaves early on an encoding error; then the
                        // rest is not wanted.
                        let _ = send.send((b, rgb));
                    },
                );
            });
            // Bands arrive in any order; write them in order.
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            while next < count {
                let Ok((b, rgb)) = receive.recv() else { break };
                waiting.insert(b, rgb);
                while let Some(rgb) = waiting.remove(&next) {
                    if failure.is_none()
                        && let Err(e) = stream.write_all(&rgb)
                    {
                        failure = Some(RenderError::Encode(e.to_string()));
                    }
                    next += 1;
                    meter.advance(1);
                }
            }
            drop(receive);
            if painter.join().is_err() {
                failure.get_or_insert(RenderError::Encode("a painting thread failed".into()));
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        stream.finish().map_err(encode)?;
        writer.finish().map_err(encode)?;
        Ok(png_bytes)
    }

    /// The canvas at `px_per_mm` cut into horizontal bands, with the dots that touch each.
    fn bands(&self, dots: &[Dot], px_per_mm: f64) -> Result<Bands, RenderError> {
        let (w, h) = self.size_px(px_per_mm)?;
        let threads = crate::parallel::threads();
        let rows = (h as usize).div_ceil(threads * 4).max(16);
        let spans: Vec<(u32, u32)> = (0..h)
            .step_by(rows)
            .map(|y0| (y0, (y0 + rows as u32).min(h)))
            .collect();
        // Which dots touch which band, in dot order (drawing order must not depend on threads).
        let mut dots_of: Vec<Vec<u32>> = vec![Vec::new(); spans.len()];
        for (i, d) in dots.iter().enumerate() {
            // Two pixels of margin: a splat's anti-aliased edge reaches past `reach_mm` by < 1 px.
            let r = reach_mm(d) * px_per_mm + 2.0;
            let y_lo = ((d.at.y_mm * px_per_mm - r).floor().max(0.0) as usize) / rows;
            let y_hi = ((d.at.y_mm * px_per_mm + r).ceil().max(0.0) as usize / rows)
                .min(spans.len().saturating_sub(1));
            for b in dots_of.iter_mut().take(y_hi + 1).skip(y_lo) {
                b.push(i as u32);
            }
        }
        Ok(Bands {
            width: w,
            height: h,
            px_per_mm,
            rows,
            spans,
            dots_of,
            threads,
        })
    }

    /// Draws one pixel rectangle of the canvas at `px_per_mm` into `out` (RGBA8, `rect.width`
    /// px per row). `candidates` are the indices of `dots` that may touch it; others are skipped.
    pub fn render_rect(
        &self,
        dots: &[Dot],
        candidates: impl Iterator<Item = usize>,
        px_per_mm: f64,
        rect: PixelRect,
        out: &mut [u8],
    ) {
        self.paint(dots, candidates, px_per_mm, rect, out, 4);
    }

    /// Paints `rect` into `out`, `channels` bytes per pixel: 4 (RGBA, alpha 255) or 3 (RGB).
    fn paint(
        &self,
        dots: &[Dot],
        candidates: impl Iterator<Item = usize>,
        px_per_mm: f64,
        rect: PixelRect,
        out: &mut [u8],
        channels: usize,
    ) {
        let lut = srgb_lut();
        let (w, h) = (rect.width as usize, rect.height as usize);
        let mut buf = vec![[0f32; 3]; w * h];
        self.background(&mut buf, px_per_mm, rect);
        let mm_per_px = 1.0 / px_per_mm;
        let view = Rect {
            min: Point::new(rect.x as f64 * mm_per_px, rect.y as f64 * mm_per_px),
            max: Point::new(
                (rect.x + rect.width) as f64 * mm_per_px,
                (rect.y + rect.height) as f64 * mm_per_px,
            ),
        };
        let first = self
            .marks
            .partition_point(|m| m.at.y_mm < view.min.y_mm - 0.2);
        for m in &self.marks[first..] {
            let r = m.diameter_mm;
            if m.at.y_mm - r > view.max.y_mm {
                break;
            }
            if m.at.x_mm + r < view.min.x_mm
                || m.at.x_mm - r > view.max.x_mm
                || m.at.y_mm + r < view.min.y_mm
                || m.at.y_mm - r > view.max.y_mm
            {
                continue;
            }
            splat(
                &mut buf,
                rect,
                px_per_mm,
                m.at,
                0.5 * m.diameter_mm,
                1.0,
                0.0,
                0.3,
                m.rgb,
                m.opacity,
            );
        }
        for i in candidates {
            let Some(d) = dots.get(i) else { continue };
            draw_dot(&mut buf, rect, px_per_mm, d);
        }
        for (px, o) in buf.iter().zip(out.chunks_exact_mut(channels)) {
            o[0] = lut.get(px[0]);
            o[1] = lut.get(px[1]);
            o[2] = lut.get(px[2]);
            if let Some(alpha) = o.get_mut(3) {
                *alpha = 255;
            }
        }
    }

    fn background(&self, buf: &mut [[f32; 3]], px_per_mm: f64, rect: PixelRect) {
        let mm_per_px = 1.0 / px_per_mm;
        let scar_tint = [1.12f32, 0.98, 0.96];
        let w = rect.width as usize;
        // The mottle is smooth over many pixels (its finest features are 1.3 mm): it is
        // evaluated on a lattice of MOTTLE_STEP-pixel groups, anchored to the whole image so a
        // tile and the whole image agree, and interpolated between.
        let step = MOTTLE_STEP as f64;
        let lattice_of = |x: u32| ((f64::from(x) + 0.5 - step / 2.0) / step).floor() as i64;
        let first = lattice_of(rect.x);
        let count = (lattice_of(rect.x + rect.width.saturating_sub(1)) - first + 2) as usize;
        let mut lattice = vec![0f32; count];
        let mut mottle = vec![0f32; w];
        // Each column's lattice cell and place in it: the same on every row.
        let columns: Vec<(usize, f32)> = (0..w)
            .map(|col| {
                let f = ((rect.x as usize + col) as f64 + 0.5 - step / 2.0) / step;
                let j = f.floor();
                ((j as i64 - first) as usize, (f - j) as f32)
            })
            .collect();
        for row in 0..rect.height as usize {
            let y = (rect.y as f64 + row as f64 + 0.5) * mm_per_px;
            // Mottling at two scales, a few per cent of the tone.
            lattice.fill(1.0);
            add_noise_row(
                self.noise_seed,
                y,
                first,
                mm_per_px * step,
                6.0,
                0.035,
                &mut lattice,
            );
            add_noise_row(
                self.noise_seed ^ 0x55,
                y,
                first,
                mm_per_px * step,
                1.3,
                0.02,
                &mut lattice,
            );
            for (m, &(k, t)) in mottle.iter_mut().zip(&columns) {
                *m = lattice[k] + (lattice[k + 1] - lattice[k]) * t;
            }
            let line = &mut buf[row * w..(row + 1) * w];
            for (c, m) in line.iter_mut().zip(&mottle) {
                *c = self.skin_rgb.map(|v| v * m);
            }
            for (scar, b) in &self.scars {
                if y < b.min.y_mm || y > b.max.y_mm {
                    continue;
                }
                // Scar tissue: paler, pinker and smoother.
                for (col, c) in line.iter_mut().enumerate() {
                    let p = Point::new((rect.x as f64 + col as f64 + 0.5) * mm_per_px, y);
                    if b.contains(p) && scar.contains(p) {
                        *c = std::array::from_fn(|i| (self.skin_rgb[i] * scar_tint[i]).min(1.0));
                    }
                }
            }
        }
    }
}

/// The canvas cut into horizontal bands of `rows` px, painted on several threads.
struct Bands {
    width: u32,
    height: u32,
    px_per_mm: f64,
    rows: usize,
    /// First and past-the-last row of each band.
    spans: Vec<(u32, u32)>,
    /// Indices of the dots that touch each band, in dot order.
    dots_of: Vec<Vec<u32>>,
    threads: usize,
}

impl Bands {
    /// Paints every band on up to `threads` threads. For each band, `target(b)` gives the slice
    /// (and bytes per pixel) to paint into; where it gives none, the band is painted as RGB into
    /// a new buffer handed to `done(b, rgb)`.
    fn paint_each<'o>(
        &self,
        compositor: &Compositor,
        dots: &[Dot],
        target: impl Fn(usize) -> Option<(&'o mut [u8], usize)> + Sync,
        done: impl Fn(usize, Vec<u8>) + Sync,
    ) {
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|scope| {
            for _ in 0..self.threads.min(self.spans.len()) {
                scope.spawn(|| {
                    loop {
                        let b = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&(y0, y1)) = self.spans.get(b) else {
                            break;
                        };
                        let rect = PixelRect {
                            x: 0,
                            y: y0,
                            width: self.width,
                            height: y1 - y0,
                        };
                        let candidates = self.dots_of[b].iter().map(|&i| i as usize);
                        match target(b) {
                            Some((out, channels)) => compositor.paint(
                                dots,
                                candidates,
                                self.px_per_mm,
                                rect,
                                out,
                                channels,
                            ),
                            None => {
                                let mut rgb =
                                    vec![0u8; self.width as usize * (y1 - y0) as usize * 3];
                                compositor.paint(
                                    dots,
                                    candidates,
                                    self.px_per_mm,
                                    rect,
                                    &mut rgb,
                                    3,
                                );
                                done(b, rgb);
                            }
                        }
                    }
                });
            }
        });
    }
}

fn draw_dot(buf: &mut [[f32; 3]], rect: PixelRect, px_per_mm: f64, d: &Dot) {
    let look = &d.look;
    let r = 0.5 * look.diameter_mm;
    if look.redness > 0.01 {
        splat(
            buf,
            rect,
            px_per_mm,
            d.at,
            1.5 * look.diameter_mm,
            1.0,
            0.0,
            1.0,
            [0.75, 0.18, 0.15],
            (0.3 * look.redness) as f32,
        );
    }
    let rgb = look.rgb.map(|v| v as f32);
    splat(
        buf,
        rect,
        px_per_mm,
        d.at,
        r,
        d.elongation,
        d.direction_rad,
        look.softness,
        rgb,
        look.opacity as f32,
    );
    // A dragged needle leaves a fading tail of pigment.
    let len = d.tail.length();
    if len > 0.02 {
        let steps = ((len / (0.5 * r.max(0.02))).ceil() as usize).clamp(1, 24);
        for k in 1..=steps {
            let t = k as f64 / steps as f64;
            let at = d.at + d.tail * t;
            splat(
                buf,
                rect,
                px_per_mm,
                at,
                r * (1.0 - 0.4 * t),
                1.0,
                0.0,
                look.softness,
                rgb,
                (look.opacity * (1.0 - 0.6 * t)) as f32,
            );
        }
    }
}

/// Blends an elliptical spot of `rgb` at `opacity` into `buf`.
fn splat(
    buf: &mut [[f32; 3]],
    rect: PixelRect,
    px_per_mm: f64,
    at: Point,
    radius_mm: f64,
    elongation: f64,
    direction_rad: f64,
    softness: f64,
    rgb: [f32; 3],
    opacity: f32,
) {
    // NaN radii are skipped too (the comparison is false for them).
    if radius_mm.is_nan() || radius_mm <= 0.0 || opacity <= 0.0 {
        return;
    }
    let r_px = radius_mm * px_per_mm;
    // Absolute pixel coordinates throughout, so a tile draws exactly the pixels the whole image
    // does; the rectangle's origin only offsets the buffer index.
    let (cx, cy) = (at.x_mm * px_per_mm, at.y_mm * px_per_mm);
    let (ox, oy) = (rect.x as i64, rect.y as i64);
    let long = r_px * elongation;
    let edge = (softness * r_px).max(0.6);
    // Spots under 2 px are drawn as a square of the same area: its overlap with each pixel is
    // exact and cheap, so a 0.12 mm dot at 10 px/mm is one crisp pixel with its true amount of
    // ink, not a faint blur, and 100,000 of them cost little.
    let small = long < 2.0;
    let half = 0.5 * (std::f64::consts::PI * elongation).sqrt() * r_px;
    let reach = if small { half } else { long + edge };
    let x0 = ((cx - reach).floor() as i64).max(ox);
    let x1 = ((cx + reach).ceil() as i64).min(ox + rect.width as i64 - 1);
    let y0 = ((cy - reach).floor() as i64).max(oy);
    let y1 = ((cy + reach).ceil() as i64).min(oy + rect.height as i64 - 1);
    if x0 > x1 || y0 > y1 {
        return;
    }
    let (cos, sin) = (direction_rad.cos(), direction_rad.sin());
    let overlap = |lo: f64, c: f64| ((c + half).min(lo + 1.0) - (c - half).max(lo)).max(0.0);
    let coverage = |px: i64, py: i64| -> f64 {
        if small {
            return overlap(px as f64, cx) * overlap(py as f64, cy);
        }
        let (dx, dy) = (px as f64 + 0.5 - cx, py as f64 + 0.5 - cy);
        let (u, v) = ((dx * cos + dy * sin) / elongation, -dx * sin + dy * cos);
        ((r_px + 0.5 * edge - u.hypot(v)) / edge).clamp(0.0, 1.0)
    };
    let w = rect.width as usize;
    for py in y0..=y1 {
        for px in x0..=x1 {
            let a = coverage(px, py) as f32 * opacity;
            if a > 0.0 {
                let c = &mut buf[(py - oy) as usize * w + (px - ox) as usize];
                for i in 0..3 {
                    c[i] += (rgb[i] - c[i]) * a;
                }
            }
        }
    }
}
