//! Uniform-grid spatial indexes for neighbour queries over impressions. Cells are visited in a
//! fixed order, so results never depend on hashing or allocation order.

use crate::geometry::{Point, Vec3};

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

    /// The most points any one cell holds.
    pub fn max_occupancy(&self) -> u32 {
        self.starts
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0)
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

    /// The nearest other point to the point at cell-order position `k` measured on the skin:
    /// straight 3D distance between `positions_in_cell_order` (the points' 3D places, mm, in
    /// this grid's cell order, so a cell's neighbours are read contiguously). The grid is
    /// searched on the map; `min_stretch` (at most 1) is the least skin length a map millimetre
    /// stands for anywhere, so a ring of cells at map distance m holds nothing nearer than
    /// `m × min_stretch` on the skin. Returns the neighbour's original index and distance, mm.
    fn nearest_on_skin(
        &self,
        k: usize,
        positions_in_cell_order: &[Vec3],
        min_stretch: f64,
    ) -> Option<(usize, f64)> {
        let i = self.items[k] as usize;
        let p = self.points[i];
        let here = positions_in_cell_order[k];
        let (cx, cy) = self.cell_xy(p);
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
                && ((inner + (ring as f64 - 1.0) * self.cell_mm) * min_stretch).powi(2) > d2
            {
                break;
            }
            self.for_ring(cx, cy, ring, |m| {
                let j = self.items[m] as usize;
                if j != i {
                    let d = positions_in_cell_order[m] - here;
                    let d2 = d.dot(d);
                    if best.is_none_or(|(bj, bd)| d2 < bd || (d2 == bd && j < bj)) {
                        best = Some((j, d2));
                    }
                }
            });
        }
        best.map(|(j, d2)| (j, d2.sqrt()))
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

/// A grid cell side for `points`, mm: about one point per cell over their bounds (so a search
/// looks at a few cells, and a sparse head does not allocate millions of empty ones), never
/// under 0.25 mm.
fn cell_for(points: &[Point]) -> f64 {
    let (mut lo, mut hi) = (
        Point::new(f64::MAX, f64::MAX),
        Point::new(f64::MIN, f64::MIN),
    );
    for p in points.iter().filter(|p| p.is_finite()) {
        lo = Point::new(lo.x_mm.min(p.x_mm), lo.y_mm.min(p.y_mm));
        hi = Point::new(hi.x_mm.max(p.x_mm), hi.y_mm.max(p.y_mm));
    }
    let area = (hi.x_mm - lo.x_mm) * (hi.y_mm - lo.y_mm);
    let side = (area / points.len().max(1) as f64).sqrt();
    if side.is_finite() {
        side.clamp(0.25, 50.0)
    } else {
        0.25
    }
}

/// Most points a grid cell may hold before [`all_nearest`] turns to the k-d tree: dots stacked
/// on one spot would make the grid's search quadratic.
const CROWDED_CELL: u32 = 48;

/// The nearest other point to every point (its index and distance, mm), in the points' order;
/// `None` for a point alone. Ties go to the lower index. A uniform grid serves spread-out dots;
/// when dots pile up (a cell over [`CROWDED_CELL`]) a k-d tree keeps the work n log n. Both
/// give the same answer.
pub fn all_nearest(points: &[Point]) -> Vec<Option<(usize, f64)>> {
    let grid = StaticGrid::new(points, cell_for(points));
    if grid.max_occupancy() <= CROWDED_CELL {
        grid.all_nearest()
    } else {
        KdTree::new(points).all_nearest()
    }
}

/// The nearest other point to every point measured on the skin of a head: `points` are map
/// places, `positions` the same places in 3D (mm), distances the straight 3D distance (within
/// 0.01% of the distance along the skin at the 0.5–2 mm of SMP spacing). `stretch[i]` is the
/// least skin length a map millimetre stands for around point `i` (see
/// [`StaticGrid::nearest_on_skin`]). Dots piled up beyond the grid's means ([`CROWDED_CELL`])
/// fall back to the nearest on the map, its distance measured on the skin.
pub fn all_nearest_on_skin(
    points: &[Point],
    positions: &[Vec3],
    stretch: &[f64],
) -> Vec<Option<(usize, f64)>> {
    let bound = |i: usize| {
        let s = stretch.get(i).copied().unwrap_or(0.05);
        if s.is_finite() {
            s.clamp(0.05, 1.0)
        } else {
            0.05
        }
    };
    let grid = StaticGrid::new(points, cell_for(points));
    if grid.max_occupancy() <= CROWDED_CELL {
        let in_cell_order: Vec<Vec3> = grid.items.iter().map(|&i| positions[i as usize]).collect();
        let nearest = crate::parallel::map(grid.items.len(), |k| {
            grid.nearest_on_skin(k, &in_cell_order, bound(grid.items[k] as usize))
        });
        let mut out = vec![None; grid.items.len()];
        for (k, nn) in nearest.into_iter().enumerate() {
            out[grid.items[k] as usize] = nn;
        }
        out
    } else {
        KdTree::new(points)
            .all_nearest()
            .into_iter()
            .enumerate()
            .map(|(i, nn)| nn.map(|(j, _)| (j, (positions[j] - positions[i]).length())))
            .collect()
    }
}

/// A 2-d tree over a fixed set of points, for nearest-neighbour queries that stay fast however
/// the points are piled up. Points at exactly the same place are grouped first (their nearest
/// is each other, at 0 mm), so even thousands stacked on one spot cost n log n.
pub struct KdTree {
    points: Vec<Point>,
    /// Point indices, arranged so that each node's points are a contiguous run.
    order: Vec<u32>,
    nodes: Vec<KdNode>,
}

#[derive(Clone, Copy)]
struct KdNode {
    /// The node's run in `order`.
    start: u32,
    end: u32,
    /// Split axis (0 = x, 1 = y) and value; children at `left` and `left + 1`, or a leaf.
    axis: u8,
    split: f64,
    left: u32,
}

const KD_LEAF: usize = 8;

fn coord(p: Point, axis: u8) -> f64 {
    if axis == 0 { p.x_mm } else { p.y_mm }
}

impl KdTree {
    /// A tree over `points`.
    pub fn new(points: &[Point]) -> Self {
        let mut t = KdTree {
            points: points.to_vec(),
            order: (0..points.len() as u32).collect(),
            nodes: Vec::new(),
        };
        if !points.is_empty() {
            t.nodes.push(KdNode {
                start: 0,
                end: points.len() as u32,
                axis: 0,
                split: 0.0,
                left: 0,
            });
            t.build(0);
        }
        t
    }

    fn build(&mut self, node: usize) {
        let KdNode { start, end, .. } = self.nodes[node];
        let (s, e) = (start as usize, end as usize);
        if e - s <= KD_LEAF {
            return;
        }
        let run = &self.order[s..e];
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for &i in run {
            let p = self.points[i as usize];
            lo = [lo[0].min(p.x_mm), lo[1].min(p.y_mm)];
            hi = [hi[0].max(p.x_mm), hi[1].max(p.y_mm)];
        }
        let axis = u8::from(hi[1] - lo[1] > hi[0] - lo[0]);
        let mid = (e - s) / 2;
        let points = &self.points;
        // Deterministic: ties in the coordinate are broken by index.
        self.order[s..e].select_nth_unstable_by(mid, |&a, &b| {
            coord(points[a as usize], axis)
                .total_cmp(&coord(points[b as usize], axis))
                .then(a.cmp(&b))
        });
        let split = coord(self.points[self.order[s + mid] as usize], axis);
        let left = self.nodes.len() as u32;
        self.nodes[node].axis = axis;
        self.nodes[node].split = split;
        self.nodes[node].left = left;
        let m = (s + mid) as u32;
        self.nodes.push(KdNode {
            start,
            end: m,
            axis: 0,
            split: 0.0,
            left: 0,
        });
        self.nodes.push(KdNode {
            start: m,
            end,
            axis: 0,
            split: 0.0,
            left: 0,
        });
        self.build(left as usize);
        self.build(left as usize + 1);
    }

    /// The nearest point to `p` other than point `skip` (index, squared distance), ties to the
    /// lower index, among the points not `exclude`d.
    /// `work` counts the distances computed, which is what the search costs.
    fn query(
        &self,
        p: Point,
        skip: usize,
        exclude: &impl Fn(usize) -> bool,
        work: &mut u64,
    ) -> Option<(usize, f64)> {
        let mut best: Option<(usize, f64)> = None;
        let mut stack = vec![(0usize, 0.0f64)];
        while let Some((n, min_d2)) = stack.pop() {
            if best.is_some_and(|(_, bd)| min_d2 > bd) {
                continue;
            }
            let node = self.nodes[n];
            if node.left == 0 {
                for &j in &self.order[node.start as usize..node.end as usize] {
                    let j = j as usize;
                    if j == skip || exclude(j) {
                        continue;
                    }
                    *work += 1;
                    let d2 = p.distance_sq(self.points[j]);
                    if best.is_none_or(|(bj, bd)| d2 < bd || (d2 == bd && j < bj)) {
                        best = Some((j, d2));
                    }
                }
                continue;
            }
            let diff = coord(p, node.axis) - node.split;
            let (near, far) = if diff < 0.0 {
                (node.left, node.left + 1)
            } else {
                (node.left + 1, node.left)
            };
            // The far side first on the stack, so the near side is searched first.
            stack.push((far as usize, min_d2.max(diff * diff)));
            stack.push((near as usize, min_d2));
        }
        best
    }

    /// The nearest other point to every point, as [`all_nearest`] gives it.
    pub fn all_nearest(&self) -> Vec<Option<(usize, f64)>> {
        self.all_nearest_counted().0
    }

    /// [`Self::all_nearest`] and the number of distances it computed.
    fn all_nearest_counted(&self) -> (Vec<Option<(usize, f64)>>, u64) {
        let n = self.points.len();
        // Points at the very same place: the lowest other index of the group, at 0 mm.
        let key = |i: usize| {
            let p = self.points[i];
            // -0.0 and 0.0 are the same place.
            ((p.x_mm + 0.0).to_bits(), (p.y_mm + 0.0).to_bits())
        };
        let mut by_place: Vec<usize> = (0..n).collect();
        by_place.sort_by_key(|&i| (key(i), i));
        let mut twin: Vec<Option<usize>> = vec![None; n];
        let mut g = 0;
        while g < n {
            let mut e = g + 1;
            while e < n && key(by_place[e]) == key(by_place[g]) {
                e += 1;
            }
            if e - g > 1 {
                let (first, second) = (by_place[g], by_place[g + 1]);
                for &i in &by_place[g..e] {
                    twin[i] = Some(if i == first { second } else { first });
                }
            }
            g = e;
        }
        // The others search the tree, leaving out stacked points beyond each group's first
        // (they are at the same place as it, with a higher index: never a strictly better
        // answer).
        let shadow = |j: usize| twin[j].is_some_and(|t| t < j);
        let found = crate::parallel::map(n, |i| {
            let mut work = 0;
            let nearest = match twin[i] {
                Some(t) => Some((t, 0.0)),
                None => self
                    .query(self.points[i], i, &shadow, &mut work)
                    .map(|(j, d2)| (j, d2.sqrt())),
            };
            (nearest, work)
        });
        let work = found.iter().map(|(_, w)| w).sum();
        (
            found.into_iter().map(|(nearest, _)| nearest).collect(),
            work,
        )
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

    /// Whether any point within `radius_mm` of `p` on the map satisfies `accept` (a test on the
    /// skin, say).
    pub fn any_near(&self, p: Point, radius_mm: f64, accept: impl Fn(Point) -> bool) -> bool {
        let r2 = radius_mm * radius_mm;
        let (x0, y0) = self.cell_xy(Point::new(p.x_mm - radius_mm, p.y_mm - radius_mm));
        let (x1, y1) = self.cell_xy(Point::new(p.x_mm + radius_mm, p.y_mm + radius_mm));
        (y0..=y1).any(|cy| {
            (x0..=x1).any(|cx| {
                self.cells[cy * self.cols + cx]
                    .iter()
                    .any(|q| p.distance_sq(*q) < r2 && accept(*q))
            })
        })
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
    fn the_tree_and_the_grid_agree_and_stacked_dots_stay_fast() {
        let mut s = Stream::new(4, Purpose::Persona, 0);
        let mut pts: Vec<Point> = (0..3000)
            .map(|_| Point::new(s.range(0.0, 30.0), s.range(0.0, 20.0)))
            .collect();
        // Ties, stacks and near-stacks.
        pts.extend([Point::new(5.0, 5.0); 7]);
        pts.push(Point::new(-0.0, 1.0));
        pts.push(Point::new(0.0, 1.0));
        pts.extend((0..50).map(|k| Point::new(9.0 + 1e-9 * k as f64, 9.0)));
        let grid = StaticGrid::new(&pts, 0.25).all_nearest();
        let tree = KdTree::new(&pts).all_nearest();
        assert_eq!(grid, tree);
    }

    /// Issue 10, item 4: 40,000 impressions at one point took 9.7 s, the grid comparing every
    /// pair in the crowded cell. Counted in distances computed (not seconds), stacked and
    /// near-stacked dots now cost a few dozen per dot, and `all_nearest` takes the tree for them.
    #[test]
    fn stacked_dots_cost_n_log_n_not_n_squared() {
        let n = 40_000;
        let stack = vec![Point::new(3.0, 3.0); n];
        assert!(StaticGrid::new(&stack, 0.25).max_occupancy() > CROWDED_CELL);
        let (nn, work) = KdTree::new(&stack).all_nearest_counted();
        assert_eq!(nn[0], Some((1, 0.0)));
        assert_eq!(nn[n - 1], Some((0, 0.0)));
        assert_eq!(nn, all_nearest(&stack));
        assert!(work <= n as u64, "{work} distances for {n} stacked dots");
        // A micrometre apart: no twins to shortcut, the tree's pruning alone.
        let near: Vec<Point> = (0..n)
            .map(|k| Point::new(3.0 + 1e-6 * (k % 200) as f64, 3.0 + 1e-6 * (k / 200) as f64))
            .collect();
        let (nn, work) = KdTree::new(&near).all_nearest_counted();
        assert!(nn.iter().all(|x| x.is_some_and(|(_, d)| d < 2e-6)));
        assert_eq!(nn, all_nearest(&near));
        let log_n = (n as f64).log2() as u64;
        assert!(
            work <= n as u64 * 2 * log_n,
            "{work} distances for {n} near-stacked dots"
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
