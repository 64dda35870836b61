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
