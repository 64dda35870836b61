//! Pixels: a rectangle of them, a finished picture (and the lines and markers drawn over one),
//! and why a picture cannot be drawn.

use crate::geometry::{Point, Polygon};
use crate::limits::MAX_SIDE_PX;

/// Why an image cannot be drawn.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RenderError {
    /// The requested image is empty or too large.
    #[error(
        "an image of {width} × {height} px is outside 1–{MAX_SIDE_PX} px per side: choose another --px-per-mm"
    )]
    Size {
        /// Width, px.
        width: f64,
        /// Height, px.
        height: f64,
    },
    /// The PNG encoder failed.
    #[error("could not encode the picture as PNG: {0}")]
    Encode(String),
}

/// A rectangle of pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PixelRect {
    /// Left column, px.
    pub x: u32,
    /// Top row, px.
    pub y: u32,
    /// Width, px.
    pub width: u32,
    /// Height, px.
    pub height: u32,
}

/// A picture, RGB8 rows, top row first.
pub struct Picture {
    /// Width, px.
    pub width: u32,
    /// Height, px.
    pub height: u32,
    /// Red, green, blue per pixel.
    pub rgb: Vec<u8>,
}

impl Picture {
    /// Blends `rgb` over pixel (x, y) with `alpha` (0..1), if it is in the picture.
    fn blend(&mut self, x: i64, y: i64, rgb: [u8; 3], alpha: f64) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (old, new) in self.rgb[i..i + 3].iter_mut().zip(rgb) {
            let o = f64::from(*old);
            *old = (o + (f64::from(new) - o) * alpha.clamp(0.0, 1.0)).round() as u8;
        }
    }

    /// A line of `width_px` through map places `points` (mm) at `px_per_mm`.
    pub(super) fn polyline(
        &mut self,
        points: &[Point],
        px_per_mm: f64,
        rgb: [u8; 3],
        alpha: f64,
        width_px: f64,
    ) {
        for w in points.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len_px = a.distance(b) * px_per_mm;
            let steps = (len_px * 2.0).ceil().max(1.0) as usize;
            for s in 0..=steps {
                let p = a.lerp(b, s as f64 / steps as f64);
                let (x, y) = (p.x_mm * px_per_mm, p.y_mm * px_per_mm);
                let r = (width_px / 2.0).max(0.5);
                let (x0, x1) = ((x - r).floor() as i64, (x + r).ceil() as i64);
                let (y0, y1) = ((y - r).floor() as i64, (y + r).ceil() as i64);
                for py in y0..=y1 {
                    for px in x0..=x1 {
                        let d = (px as f64 + 0.5 - x).hypot(py as f64 + 0.5 - y);
                        if d <= r {
                            self.blend(px, py, rgb, alpha);
                        }
                    }
                }
            }
        }
    }

    /// The outline of `polygon` (closed).
    pub(super) fn polygon(
        &mut self,
        polygon: &Polygon,
        px_per_mm: f64,
        rgb: [u8; 3],
        alpha: f64,
        width_px: f64,
    ) {
        let mut closed = polygon.vertices.clone();
        if let Some(&first) = closed.first() {
            closed.push(first);
        }
        self.polyline(&closed, px_per_mm, rgb, alpha, width_px);
    }

    /// A small ringed cross at map place `at`.
    pub(super) fn marker(&mut self, at: Point, px_per_mm: f64, rgb: [u8; 3]) {
        let r = (6.0 / px_per_mm).max(1.5);
        let ring: Vec<Point> = (0..=24)
            .map(|k| {
                let a = k as f64 / 24.0 * std::f64::consts::TAU;
                Point::new(at.x_mm + r * a.cos(), at.y_mm + r * a.sin())
            })
            .collect();
        self.polyline(&ring, px_per_mm, rgb, 0.95, 2.0);
        self.polyline(
            &[
                Point::new(at.x_mm - r, at.y_mm),
                Point::new(at.x_mm + r, at.y_mm),
            ],
            px_per_mm,
            rgb,
            0.95,
            1.5,
        );
        self.polyline(
            &[
                Point::new(at.x_mm, at.y_mm - r),
                Point::new(at.x_mm, at.y_mm + r),
            ],
            px_per_mm,
            rgb,
            0.95,
            1.5,
        );
    }

    /// The picture as a PNG file's bytes (RGB).
    pub fn to_png(&self) -> Result<Vec<u8>, RenderError> {
        let mut png_bytes = Vec::new();
        let mut encoder = png::Encoder::new(&mut png_bytes, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::Sub);
        let encode = |e: png::EncodingError| RenderError::Encode(e.to_string());
        let mut writer = encoder.write_header().map_err(encode)?;
        writer.write_image_data(&self.rgb).map_err(encode)?;
        writer.finish().map_err(encode)?;
        Ok(png_bytes)
    }
}
