//! A triangle mesh of the whole closed head, for drawing: an icosphere subdivided and pushed
//! out onto the skin along each vertex's direction, so no pole pinches.

use std::collections::BTreeMap;

use crate::geometry::{Point, Vec3};

use super::head::Head;

/// The most subdivisions [`Head::mesh`] makes: 7 gives 163 842 vertices.
pub const MAX_MESH_DETAIL: u32 = 7;

/// A closed triangle mesh of a head's skin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HeadMesh {
    /// Vertex positions on the skin, mm in the head frame.
    pub positions: Vec<Vec3>,
    /// Outward unit normals at the vertices, from the analytic gradient (dimensionless).
    pub normals: Vec<Vec3>,
    /// Each vertex's place on the scalp map, mm; `None` beyond the map's polar limit.
    pub map: Vec<Option<Point>>,
    /// Triangles as indices into the vertex lists, counter-clockwise seen from outside.
    pub triangles: Vec<[u32; 3]>,
}

/// The unit icosahedron: 12 vertices, 20 faces wound counter-clockwise from outside.
fn icosahedron() -> (Vec<Vec3>, Vec<[u32; 3]>) {
    let t = 0.5 * (1.0 + 5f64.sqrt());
    let raw = [
        (-1.0, t, 0.0),
        (1.0, t, 0.0),
        (-1.0, -t, 0.0),
        (1.0, -t, 0.0),
        (0.0, -1.0, t),
        (0.0, 1.0, t),
        (0.0, -1.0, -t),
        (0.0, 1.0, -t),
        (t, 0.0, -1.0),
        (t, 0.0, 1.0),
        (-t, 0.0, -1.0),
        (-t, 0.0, 1.0),
    ];
    let vertices = raw
        .iter()
        .map(|&(x, y, z)| Vec3::new(x, y, z).normalized())
        .collect();
    let faces = vec![
        [0, 11, 5],
        [0, 5, 1],
        [0, 1, 7],
        [0, 7, 10],
        [0, 10, 11],
        [1, 5, 9],
        [5, 11, 4],
        [11, 10, 2],
        [10, 7, 6],
        [7, 1, 8],
        [3, 9, 4],
        [3, 4, 2],
        [3, 2, 6],
        [3, 6, 8],
        [3, 8, 9],
        [4, 9, 5],
        [2, 4, 11],
        [6, 2, 10],
        [8, 6, 7],
        [9, 8, 1],
    ];
    (vertices, faces)
}

impl Head {
    /// The whole closed head as triangles: an icosahedron subdivided `detail` times (at most
    /// [`MAX_MESH_DETAIL`]; each step quadruples the triangles: 20·4^detail of them,
    /// 10·4^detail + 2 vertices), each vertex pushed out to the skin along its direction.
    pub fn mesh(&self, detail: u32) -> HeadMesh {
        let (mut dirs, mut faces) = icosahedron();
        for _ in 0..detail.min(MAX_MESH_DETAIL) {
            // Each edge's midpoint is made once, found again by its (smaller, larger) ends.
            let mut midpoints: BTreeMap<(u32, u32), u32> = BTreeMap::new();
            let mut split = |a: u32, b: u32, dirs: &mut Vec<Vec3>| -> u32 {
                let key = (a.min(b), a.max(b));
                *midpoints.entry(key).or_insert_with(|| {
                    let m = (dirs[a as usize] + dirs[b as usize]).normalized();
                    dirs.push(m);
                    (dirs.len() - 1) as u32
                })
            };
            let mut finer = Vec::with_capacity(faces.len() * 4);
            for &[a, b, c] in &faces {
                let ab = split(a, b, &mut dirs);
                let bc = split(b, c, &mut dirs);
                let ca = split(c, a, &mut dirs);
                finer.extend([[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]);
            }
            faces = finer;
        }
        HeadMesh {
            positions: dirs.iter().map(|&d| d * self.field.radius(d)).collect(),
            normals: dirs.iter().map(|&d| self.normal_at(d)).collect(),
            map: dirs.iter().map(|&d| self.to_map(d)).collect(),
            triangles: faces,
        }
    }
}

/// A piece of a head's mesh for drawing with one square texture of the scalp map: the triangles
/// that lie in one tile of a grid laid over the map (cut at the tile's edges, so a texture never
/// needs a neighbour's pixels), or, for `tile == None`, the triangles off the map (the lower
/// face and the neck), drawn in the skin's plain colour.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeshPiece {
    /// The tile (column, row) of the grid, or `None` for the part off the map.
    pub tile: Option<(u32, u32)>,
    /// Vertex positions on the skin, mm in the head frame.
    pub positions: Vec<Vec3>,
    /// Outward unit normals (dimensionless).
    pub normals: Vec<Vec3>,
    /// Texture coordinates in the tile, 0..1 each (u to the map's +x, v to its +y).
    pub uvs: Vec<[f64; 2]>,
    /// Triangles as indices into the vertex lists, counter-clockwise seen from outside.
    pub triangles: Vec<[u32; 3]>,
}

impl Head {
    /// The mesh of [`Head::mesh`] cut into pieces by a grid of `tile_mm` squares over the scalp
    /// map (the grid starting at the map's corner): each piece holds the triangles in one tile,
    /// cut at its edges, the new corners put exactly on the skin. Pieces are in tile order, the
    /// part off the map last.
    pub fn mesh_by_tiles(&self, detail: u32, tile_mm: f64) -> Vec<MeshPiece> {
        let mesh = self.mesh(detail);
        let tile_mm = if tile_mm.is_finite() && tile_mm > 1.0 {
            tile_mm
        } else {
            1.0
        };
        let mut pieces: BTreeMap<Option<(u32, u32)>, MeshPiece> = BTreeMap::new();
        for tri in &mesh.triangles {
            let idx = tri.map(|i| i as usize);
            let maps = idx.map(|i| mesh.map[i]);
            let [Some(a), Some(b), Some(c)] = maps else {
                let piece = pieces.entry(None).or_default();
                let base = piece.positions.len() as u32;
                for &i in &idx {
                    piece.positions.push(mesh.positions[i]);
                    piece.normals.push(mesh.normals[i]);
                    piece.uvs.push([0.0, 0.0]);
                }
                piece.triangles.push([base, base + 1, base + 2]);
                continue;
            };
            let lo = |f: fn(&Point) -> f64| (f(&a).min(f(&b)).min(f(&c)) / tile_mm).floor();
            let hi = |f: fn(&Point) -> f64| (f(&a).max(f(&b)).max(f(&c)) / tile_mm).floor();
            let (x0, x1) = (lo(|p| p.x_mm), hi(|p| p.x_mm));
            let (y0, y1) = (lo(|p| p.y_mm), hi(|p| p.y_mm));
            for ty in (y0.max(0.0) as u32)..=(y1.max(0.0) as u32) {
                for tx in (x0.max(0.0) as u32)..=(x1.max(0.0) as u32) {
                    let (left, top) = (f64::from(tx) * tile_mm, f64::from(ty) * tile_mm);
                    let cut = clip_to_rect(&[a, b, c], left, top, left + tile_mm, top + tile_mm);
                    if cut.len() < 3 {
                        continue;
                    }
                    let piece = pieces.entry(Some((tx, ty))).or_insert_with(|| MeshPiece {
                        tile: Some((tx, ty)),
                        ..MeshPiece::default()
                    });
                    let base = piece.positions.len() as u32;
                    for p in &cut {
                        // Cut corners lie in the mesh's own triangle, where the map puts them
                        // (barycentric in the map): the pieces then tile the same flat
                        // triangles, keep their winding even where the map is stretched, and
                        // meet their neighbours without cracks.
                        let w = barycentric([a, b, c], *p);
                        let blend = |v: [Vec3; 3]| v[0] * w[0] + v[1] * w[1] + v[2] * w[2];
                        let pos = blend(idx.map(|i| mesh.positions[i]));
                        let normal = blend(idx.map(|i| mesh.normals[i]));
                        let normal = if normal.length() > 1e-12 {
                            normal * (1.0 / normal.length())
                        } else {
                            mesh.normals[idx[0]]
                        };
                        piece.positions.push(pos);
                        piece.normals.push(normal);
                        piece.uvs.push([
                            ((p.x_mm - left) / tile_mm).clamp(0.0, 1.0),
                            ((p.y_mm - top) / tile_mm).clamp(0.0, 1.0),
                        ]);
                    }
                    // The cut polygon is convex: a fan keeps the triangle's winding.
                    for k in 1..cut.len() as u32 - 1 {
                        piece.triangles.push([base, base + k, base + k + 1]);
                    }
                }
            }
        }
        let mut out: Vec<MeshPiece> = pieces.into_values().collect();
        // The part off the map (key None) sorts first in the map: put it last.
        if out.first().is_some_and(|p| p.tile.is_none()) {
            let off = out.remove(0);
            out.push(off);
        }
        out
    }
}

/// The barycentric weights of `p` in the triangle `t` (they sum to 1; equal thirds for a
/// degenerate triangle).
fn barycentric(t: [Point; 3], p: Point) -> [f64; 3] {
    let [a, b, c] = t;
    let (v0x, v0y) = (b.x_mm - a.x_mm, b.y_mm - a.y_mm);
    let (v1x, v1y) = (c.x_mm - a.x_mm, c.y_mm - a.y_mm);
    let (v2x, v2y) = (p.x_mm - a.x_mm, p.y_mm - a.y_mm);
    let det = v0x * v1y - v1x * v0y;
    if det.abs() < 1e-18 {
        return [1.0 / 3.0; 3];
    }
    let wb = (v2x * v1y - v1x * v2y) / det;
    let wc = (v0x * v2y - v2x * v0y) / det;
    [1.0 - wb - wc, wb, wc]
}

/// The part of the polygon `points` inside the rectangle (Sutherland–Hodgman), in order.
fn clip_to_rect(points: &[Point], left: f64, top: f64, right: f64, bottom: f64) -> Vec<Point> {
    let mut poly: Vec<Point> = points.to_vec();
    let edges: [(&dyn Fn(Point) -> f64, f64, bool); 4] = [
        (&|p: Point| p.x_mm, left, true),
        (&|p: Point| p.x_mm, right, false),
        (&|p: Point| p.y_mm, top, true),
        (&|p: Point| p.y_mm, bottom, false),
    ];
    for (coord, bound, keep_above) in edges {
        if poly.is_empty() {
            break;
        }
        let inside = |p: Point| {
            if keep_above {
                coord(p) >= bound
            } else {
                coord(p) <= bound
            }
        };
        let mut next = Vec::with_capacity(poly.len() + 2);
        for i in 0..poly.len() {
            let (p, q) = (poly[i], poly[(i + 1) % poly.len()]);
            let (pin, qin) = (inside(p), inside(q));
            if pin {
                next.push(p);
            }
            if pin != qin {
                let t = (bound - coord(p)) / (coord(q) - coord(p));
                next.push(p.lerp(q, t));
            }
        }
        poly = next;
    }
    poly
}
