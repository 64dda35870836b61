//! The canvas as tiles kept up to date one dot at a time.

use super::compositor::Compositor;
use super::dot::{Dot, reach_mm};
use super::picture::{PixelRect, RenderError};

/// A canvas drawn as square tiles of pixels that is kept up to date one dot at a time: adding a
/// dot redraws only the pixels it reaches, from the dots of the tiles involved, so the cost of
/// one more impression does not grow with the number already made.
pub struct TileCanvas {
    /// Scale, px per mm.
    pub px_per_mm: f64,
    /// Side of a tile, px.
    pub tile_px: u32,
    /// Tiles across.
    pub cols: u32,
    /// Tiles down.
    pub rows: u32,
    /// Whole canvas size, px.
    pub size_px: (u32, u32),
    /// RGBA8 pixels of each tile, row-major tiles; edge tiles are full size (the part beyond the
    /// canvas is plain background).
    pub tiles: Vec<Vec<u8>>,
    /// Tiles changed since [`TileCanvas::take_dirty`] was last called.
    dirty: Vec<bool>,
    dots: Vec<Dot>,
    /// Indices of the dots that reach each small cell of [`CELL_PX`] pixels, in drawing order:
    /// a redraw considers only the dots near the pixels it redraws.
    per_cell: Vec<Vec<u32>>,
    cell_cols: u32,
}

/// Side of the cells that index dots for redrawing, px.
const CELL_PX: u32 = 32;

impl TileCanvas {
    /// A canvas with no dots yet, `tile_px` square tiles at `px_per_mm`.
    pub fn new(compositor: &Compositor, px_per_mm: f64, tile_px: u32) -> Result<Self, RenderError> {
        let size_px = compositor.size_px(px_per_mm)?;
        let tile_px = tile_px.max(16);
        let tile_px = tile_px.div_ceil(CELL_PX) * CELL_PX;
        let (cols, rows) = (size_px.0.div_ceil(tile_px), size_px.1.div_ceil(tile_px));
        let n = (cols * rows) as usize;
        let cell_cols = cols * tile_px / CELL_PX;
        let cell_rows = rows * tile_px / CELL_PX;
        let mut canvas = Self {
            px_per_mm,
            tile_px,
            cols,
            rows,
            size_px,
            tiles: vec![vec![0; (tile_px * tile_px * 4) as usize]; n],
            dirty: vec![true; n],
            dots: Vec::new(),
            per_cell: vec![Vec::new(); (cell_cols * cell_rows) as usize],
            cell_cols,
        };
        canvas.redraw_all(compositor);
        Ok(canvas)
    }

    /// Replaces every dot (e.g. to show another day) and redraws all tiles.
    pub fn set_dots(&mut self, compositor: &Compositor, dots: Vec<Dot>) {
        self.dots = dots;
        self.per_cell.iter_mut().for_each(Vec::clear);
        for i in 0..self.dots.len() {
            self.index_dot(i as u32);
        }
        self.redraw_all(compositor);
    }

    fn index_dot(&mut self, i: u32) {
        let (x0, y0, x1, y1) = self.pixel_span(&self.dots[i as usize]);
        for cy in y0 / CELL_PX..=y1 / CELL_PX {
            for cx in x0 / CELL_PX..=x1 / CELL_PX {
                self.per_cell[(cy * self.cell_cols + cx) as usize].push(i);
            }
        }
    }

    /// The dots that may touch `rect`, in drawing order, each once.
    fn candidates(&self, rect: PixelRect) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for cy in rect.y / CELL_PX..=(rect.y + rect.height - 1) / CELL_PX {
            for cx in rect.x / CELL_PX..=(rect.x + rect.width - 1) / CELL_PX {
                out.extend(
                    self.per_cell[(cy * self.cell_cols + cx) as usize]
                        .iter()
                        .map(|&i| i as usize),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn redraw_all(&mut self, compositor: &Compositor) {
        let rects: Vec<PixelRect> = (0..self.cols * self.rows)
            .map(|t| self.tile_rect(t))
            .collect();
        let this = &*self;
        let drawn = crate::parallel::map(rects.len(), |t| {
            let mut px = vec![0u8; (rects[t].width * rects[t].height * 4) as usize];
            compositor.render_rect(
                &this.dots,
                this.candidates(rects[t]).into_iter(),
                this.px_per_mm,
                rects[t],
                &mut px,
            );
            px
        });
        self.tiles = drawn;
        self.dirty.iter_mut().for_each(|d| *d = true);
    }

    fn tile_rect(&self, t: u32) -> PixelRect {
        PixelRect {
            x: (t % self.cols) * self.tile_px,
            y: (t / self.cols) * self.tile_px,
            width: self.tile_px,
            height: self.tile_px,
        }
    }

    /// Pixel bounds (x0, y0, x1, y1), inclusive, that a dot can colour, clamped to the canvas.
    fn pixel_span(&self, d: &Dot) -> (u32, u32, u32, u32) {
        let r = reach_mm(d) * self.px_per_mm + 2.0;
        let (cx, cy) = (d.at.x_mm * self.px_per_mm, d.at.y_mm * self.px_per_mm);
        let max_x = (self.cols * self.tile_px - 1) as f64;
        let max_y = (self.rows * self.tile_px - 1) as f64;
        let c = |v: f64, m: f64| v.clamp(0.0, m) as u32;
        (
            c((cx - r).floor(), max_x),
            c((cy - r).floor(), max_y),
            c((cx + r).ceil(), max_x),
            c((cy + r).ceil(), max_y),
        )
    }

    /// Adds a dot and redraws only the pixels it reaches.
    pub fn add_dot(&mut self, compositor: &Compositor, dot: Dot) {
        let index = self.dots.len() as u32;
        self.dots.push(dot);
        self.index_dot(index);
        let (px0, py0, px1, py1) = self.pixel_span(&dot);
        for ty in py0 / self.tile_px..=py1 / self.tile_px {
            for tx in px0 / self.tile_px..=px1 / self.tile_px {
                let t = (ty * self.cols + tx) as usize;
                let tile = self.tile_rect(t as u32);
                // The part of the dot's reach inside this tile.
                let x0 = px0.max(tile.x);
                let y0 = py0.max(tile.y);
                let x1 = px1.min(tile.x + tile.width - 1);
                let y1 = py1.min(tile.y + tile.height - 1);
                let rect = PixelRect {
                    x: x0,
                    y: y0,
                    width: x1 - x0 + 1,
                    height: y1 - y0 + 1,
                };
                let mut px = vec![0u8; (rect.width * rect.height * 4) as usize];
                compositor.render_rect(
                    &self.dots,
                    self.candidates(rect).into_iter(),
                    self.px_per_mm,
                    rect,
                    &mut px,
                );
                let stride = (self.tile_px * 4) as usize;
                for row in 0..rect.height as usize {
                    let dst = (rect.y - tile.y) as usize + row;
                    let start = dst * stride + ((rect.x - tile.x) * 4) as usize;
                    self.tiles[t][start..start + (rect.width * 4) as usize].copy_from_slice(
                        &px[row * (rect.width * 4) as usize..(row + 1) * (rect.width * 4) as usize],
                    );
                }
                self.dirty[t] = true;
            }
        }
    }

    /// The tiles changed since the last call (and forgets them).
    pub fn take_dirty(&mut self) -> Vec<usize> {
        let out: Vec<usize> = self
            .dirty
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(i, _)| i)
            .collect();
        self.dirty.iter_mut().for_each(|d| *d = false);
        out
    }

    /// Dots drawn so far.
    pub fn dot_count(&self) -> usize {
        self.dots.len()
    }
}
