//! Uniform-grid spatial indexes for neighbour queries over impressions. Cells are visited in a
//! fixed order, so results never depend on hashing or allocation order.

use crate::geometry::Point;

/// A fixed set of points bucketed in square cells (compressed rows: one allocation).
pub struct StaticGrid {
    cell_mm: f64,
    cols: usize,
    rows: usize,
    origin: Point,
    starts: Vec<u32>,
    /// Point indices in cell order.
    items: Vec<u32>,
    /// The points in cell order (beside `items`), so a cell's points are read contiguously.
    sorted: Vec<Point>,
    /// The points in their original order.
    points: Vec<Point>,
}

impl StaticGrid {
    /// Indexes `points` with cells of about one point each, but no smaller than `min_cell_mm`
    /// (and clamped so the grid stays under ~4M cells).
    pub fn new(points: &[Point], min_cell_mm: f64) -> Self {
        let bounds = crate::geometry::bounds_of(points);
        let per_point =
            (bounds.width_mm() * bounds.height_mm() / points.len().max(1) as f64).sqrt();
        let mut cell_mm = per_point.max(if min_cell_mm.is_finite() && min_cell_mm > 0.0 {
            min_cell_mm
        } else {
            1.0
        });
        let area = (bounds.width_mm() + cell_mm) * (bounds.height_mm() + cell_mm);
        if area / (cell_mm * cell_mm) > 4.0e6 {
            cell_mm = (area / 4.0e6).sqrt();
        }
        let cols = (bounds.width_mm() / cell_mm).floor() as usize + 1;
        let rows = (bounds.height_mm() / cell_mm).floor() as usize + 1;
        let mut grid = StaticGrid {
            cell_mm,
            cols,
            rows,
            origin: bounds.min,
            starts: vec![0; cols * rows + 1],
            items: vec![0; points.len()],
            sorted: vec![Point::default(); points.len()],
            points: points.to_vec(),
        };
        let cells: Vec<usize> = points.iter().map(|p| grid.cell_of(*p)).collect();
        for &c in &cells {
            grid.starts[c + 1] += 1;
        }
        for i in 0..cols * rows {
            grid.starts[i + 1] += grid.starts[i];
        }
        let mut fill = grid.starts.clone();
        for (i, &c) in cells.iter().enumerate() {
            grid.items[fill[c] as usize] = i as u32;
            grid.sorted[fill[c] as usize] = points[i];
            fill[c] += 1;
        }
        grid
    }

    fn cell_xy(&self, p: Point) -> (usize, usize) {
        let cx = ((p.x_mm - self.origin.x_mm) / self.cell_mm)
            .floor()
            .clamp(0.0, (self.cols - 1) as f64) as usize;
        let cy = ((p.y_mm - self.origin.y_mm) / self.cell_mm)
            .floor()
            .clamp(0.0, (self.rows - 1) as f64) as usize;
        (cx, cy)
    }

    fn cell_of(&self, p: Point) -> usize {
        let (cx, cy) = self.cell_xy(p);
        cy * self.cols + cx
    }

    fn cell_range(&self, cx: usize, cy: usize) -> std::ops::Range<usize> {
        let c = cy * self.cols + cx;
        self.starts[c] as usize..self.starts[c + 1] as usize
    }

    /// The nearest other point to point `i`, and its distance, mm; `None` when alone.
    pub fn nearest(&self, i: usize) -> Option<(usize, f64)> {
        let p = self.points[i];
        let (cx, cy) = self.cell_xy(p);
        // Distance from p to its own cell's nearest side: ring r lies at least this plus
        // (r - 1) cells away.
        let fx = p.x_mm - self.origin.x_mm - cx as f64 * self.cell_mm;
        let fy = p.y_mm - self.origin.y_mm - cy as f64 * self.cell_mm;
        let inner = fx
            .min(self.cell_mm - fx)
            .min(fy)
            .min(self.cell_mm - fy)
            .max(0.0);
        let mut best: Option<(usize, f64)> = None;
        let max_ring = self.cols.max(self.rows);
        for ring in 0..=max_ring {
            if let Some((_, d2)) = best
                && ring > 0
                && (inner + (ring as f64 - 1.0) * self.cell_mm).powi(2) > d2
            {
                break;
            }
            self.for_ring(cx, cy, ring, |k| {
                let j = self.items[k] as usize;
                if j != i {
                    let d2 = p.distance_sq(self.sorted[k]);
                    if best.is_none_or(|(bj, bd)| d2 < bd || (d2 == bd && j < bj)) {
                        best = Some((j, d2));
                    }
                }
            });
        }
        best.map(|(j, d2)| (j, d2.sqrt()))
    }

    /// The nearest other point to every point, in the points' order. Queries run in cell order
    /// (neighbouring queries share cached cells) on all cores; results do not depend on either.
    pub fn all_nearest(&self) -> Vec<Option<(usize, f64)>> {
        let in_cell_order =
            crate::parallel::map(self.items.len(), |k| self.nearest(self.items[k] as usize));
        let mut out = vec![None; self.items.len()];
        for (k, nn) in in_cell_order.into_iter().enumerate() {
            out[self.items[k] as usize] = nn;
        }
        out
    }

    /// Calls `f` with every point index within `radius_mm` of `p`.
    pub fn within(&self, p: Point, radius_mm: f64, mut f: impl FnMut(usize)) {
        let r2 = radius_mm * radius_mm;
        let (x0, y0) = self.cell_xy(Point::new(p.x_mm - radius_mm, p.y_mm - radius_mm));
        let (x1, y1) = self.cell_xy(Point::new(p.x_mm + radius_mm, p.y_mm + radius_mm));
        for cy in y0..=y1 {
            for cx in x0..=x1 {
                for k in self.cell_range(cx, cy) {
                    if p.distance_sq(self.sorted[k]) <= r2 {
                        f(self.items[k] as usize);
                    }
                }
            }
        }
    }

    /// Calls `f` with the cell-order position of every point in the ring of cells `ring` steps
    /// around (cx, cy).
    fn for_ring(&self, cx: usize, cy: usize, ring: usize, mut f: impl FnMut(usize)) {
        let (cx, cy, r) = (cx as isize, cy as isize, ring as isize);
        for y in cy - r..=cy + r {
            if y < 0 || y >= self.rows as isize {
                continue;
            }
            let edge_row = y == cy - r || y == cy + r;
            let mut x = cx - r;
            while x <= cx + r {
                if x >= 0 && x < self.cols as isize {
                    self.cell_range(x as usize, y as usize).for_each(&mut f);
                }
                // Inside rows only visit the ring's two ends.
                x += if edge_row || r == 0 { 1 } else { 2 * r };
            }
        }
    }
}

/// A grid that points are added to one by one (for generating placements).
pub struct GrowingGrid {
    cell_mm: f64,
    cols: usize,
    rows: usize,
    cells: Vec<Vec<Point>>,
}

impl GrowingGrid {
    /// A grid over a (width, height) mm canvas.
    pub fn new(canvas_mm: (f64, f64), cell_mm: f64) -> Self {
        let cell_mm = cell_mm
            .max((canvas_mm.0 * canvas_mm.1 / 4.0e6).sqrt())
            .max(1e-3);
        let cols = (canvas_mm.0 / cell_mm).ceil().max(1.0) as usize + 1;
        let rows = (canvas_mm.1 / cell_mm).ceil().max(1.0) as usize + 1;
        Self {
            cell_mm,
            cols,
            rows,
            cells: vec![Vec::new(); cols * rows],
        }
    }

    fn cell_xy(&self, p: Point) -> (usize, usize) {
        let cx = (p.x_mm / self.cell_mm)
            .floor()
            .clamp(0.0, (self.cols - 1) as f64) as usize;
        let cy = (p.y_mm / self.cell_mm)
            .floor()
            .clamp(0.0, (self.rows - 1) as f64) as usize;
        (cx, cy)
    }

    /// Adds a point.
    pub fn insert(&mut self, p: Point) {
        let (cx, cy) = self.cell_xy(p);
        self.cells[cy * self.cols + cx].push(p);
    }

    /// Whether any point lies closer than `radius_mm` to `p`.
    pub fn any_within(&self, p: Point, radius_mm: f64) -> bool {
        let r2 = radius_mm * radius_mm;
        let (x0, y0) = self.cell_xy(Point::new(p.x_mm - radius_mm, p.y_mm - radius_mm));
        let (x1, y1) = self.cell_xy(Point::new(p.x_mm + radius_mm, p.y_mm + radius_mm));
        (y0..=y1).any(|cy| {
            (x0..=x1).any(|cx| {
                self.cells[cy * self.cols + cx]
                    .iter()
                    .any(|q| p.distance_sq(*q) < r2)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Stream};

    #[test]
    fn nearest_matches_brute_force() {
        let mut s = Stream::new(3, Purpose::Persona, 0);
        let pts: Vec<Point> = (0..500)
            .map(|_| Point::new(s.range(0.0, 40.0), s.range(0.0, 25.0)))
            .collect();
        let grid = StaticGrid::new(&pts, 0.7);
        for i in 0..pts.len() {
            let brute = (0..pts.len())
                .filter(|&j| j != i)
                .map(|j| pts[i].distance(pts[j]))
                .fold(f64::INFINITY, f64::min);
            let (_, d) = grid.nearest(i).unwrap();
            assert!((d - brute).abs() < 1e-12, "point {i}: {d} vs {brute}");
        }
        let mut n = 0;
        grid.within(Point::new(20.0, 12.0), 3.0, |_| n += 1);
        assert_eq!(
            n,
            pts.iter()
                .filter(|p| p.distance(Point::new(20.0, 12.0)) <= 3.0)
                .count()
        );
    }

    #[test]
    fn growing_grid_finds_close_points() {
        let mut g = GrowingGrid::new((10.0, 10.0), 1.0);
        g.insert(Point::new(5.0, 5.0));
        assert!(g.any_within(Point::new(5.5, 5.0), 0.6));
        assert!(!g.any_within(Point::new(6.0, 5.0), 0.9));
        assert!(
            StaticGrid::new(&[Point::new(1.0, 1.0)], 1.0)
                .nearest(0)
                .is_none()
        );
    }
}
