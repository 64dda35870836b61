//! The head's meshes: the core's tessellation cut by the scalp map's tiles, each piece textured
//! with its tile of the practice's canvas (so an impression re-uploads only the tiles it touched),
//! the part off the map in the skin's colour.

use bevy::prelude::*;

use super::camera::HeadScene;
use super::orbit::HEAD_LAYER;
use super::skin_material::SkinMaterial;

/// Spawns the head's meshes, each piece textured with its tile of the canvas (`tile_images` in
/// the canvas's tile order, `cols` to a row); the part off the scalp map in the skin's colour.
pub(crate) fn spawn_meshes(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<SkinMaterial>,
    pieces: &[smp_core::surface::MeshPiece],
    tile_images: &[Handle<Image>],
    (cols, rows): (u32, u32),
    skin_linear: [f32; 3],
) {
    use bevy::asset::RenderAssetUsages;
    use bevy::camera::visibility::RenderLayers;
    let plain = materials.add(SkinMaterial::plain(skin_linear));
    for piece in pieces {
        if piece.triangles.is_empty() {
            continue;
        }
        let texture = piece
            .tile
            .filter(|&(c, r)| c < cols && r < rows)
            .and_then(|(c, r)| tile_images.get((r * cols + c) as usize));
        let material = match texture {
            Some(image) => materials.add(SkinMaterial::textured(image.clone())),
            None => plain.clone(),
        };
        let mesh = piece_mesh(piece, 0.0, RenderAssetUsages::default());
        commands.spawn((
            Mesh3d(meshes.add(mesh)),
            MeshMaterial3d(material),
            HeadScene,
            RenderLayers::layer(HEAD_LAYER),
            DespawnOnEnter(crate::screen::Screen::Title),
        ));
    }
}

/// A piece of the head's mesh as a Bevy mesh, its vertices lifted `lift_mm` along their normals.
pub(crate) fn piece_mesh(
    piece: &smp_core::surface::MeshPiece,
    lift_mm: f64,
    usage: bevy::asset::RenderAssetUsages,
) -> Mesh {
    use bevy::mesh::{Indices, PrimitiveTopology};
    let f = |v: smp_core::geometry::Vec3| [v.x as f32, v.y as f32, v.z as f32];
    Mesh::new(PrimitiveTopology::TriangleList, usage)
        .with_inserted_attribute(
            Mesh::ATTRIBUTE_POSITION,
            piece
                .positions
                .iter()
                .zip(&piece.normals)
                .map(|(p, n)| f(*p + *n * lift_mm))
                .collect::<Vec<_>>(),
        )
        .with_inserted_attribute(
            Mesh::ATTRIBUTE_NORMAL,
            piece.normals.iter().map(|n| f(*n)).collect::<Vec<_>>(),
        )
        .with_inserted_attribute(
            Mesh::ATTRIBUTE_UV_0,
            piece
                .uvs
                .iter()
                .map(|[u, v]| [*u as f32, *v as f32])
                .collect::<Vec<_>>(),
        )
        .with_inserted_indices(Indices::U32(
            piece.triangles.iter().flatten().copied().collect(),
        ))
}
