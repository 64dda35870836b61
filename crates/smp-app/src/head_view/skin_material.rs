//! The head's skin material: the practice's canvas lit by the studio (a warm key light above
//! front-left, a cool fill from the right, a rim behind, and the scalp's soft sheen) in a small
//! shader of our own (`skin.wgsl`). Bevy's `StandardMaterial` ran the head at under 4 frames a
//! second on Mesa's software renderer, against 30 for the flat skin: nearly all of it in the PBR
//! fragment shader. The lights live in the material, so the head needs no light entities.

use bevy::asset::embedded_asset;
use bevy::prelude::*;
use bevy::render::render_resource::{AsBindGroup, ShaderType};
use bevy::shader::ShaderRef;

pub(crate) fn plugin(app: &mut App) {
    embedded_asset!(app, "skin.wgsl");
    app.add_plugins(MaterialPlugin::<SkinMaterial>::default());
}

/// The studio's lights: direction toward each light (head frame, Z up, +Y the face) and its
/// colour times its strength (linear RGB, 1 = the skin's own colour when facing it squarely).
pub const STUDIO: [(Vec3, [f32; 3]); 3] = [
    // Key: warm, above front-left.
    (Vec3::new(-0.5, 0.75, 0.6), [0.74, 0.71, 0.665]),
    // Fill: cool, from the right, so that side is not left in shade.
    (Vec3::new(0.8, 0.3, 0.1), [0.26, 0.275, 0.30]),
    // Rim: behind and above, to separate the head from the backdrop.
    (Vec3::new(0.2, -0.8, 0.55), [0.26, 0.26, 0.26]),
];

/// Light that reaches every place, linear RGB.
const AMBIENT: [f32; 3] = [0.12, 0.12, 0.13];

/// The sheen of a shaved scalp: its strength and sharpness (a Blinn–Phong exponent).
const SHEEN: (f32, f32) = (0.05, 24.0);

/// The numbers the shader reads (see `skin.wgsl`).
#[derive(Clone, Copy, Debug, ShaderType)]
pub struct SkinLook {
    tint: Vec4,
    ambient: Vec4,
    toward: [Vec4; 3],
    colour: [Vec4; 3],
    sheen: Vec4,
}

impl SkinLook {
    /// The studio's look with the texture tinted by `tint` (linear RGB).
    pub fn tinted(tint: [f32; 3]) -> Self {
        let rgb = |c: [f32; 3]| Vec4::new(c[0], c[1], c[2], 1.0);
        SkinLook {
            tint: rgb(tint),
            ambient: rgb(AMBIENT),
            toward: STUDIO.map(|(d, _)| d.normalize().extend(0.0)),
            colour: STUDIO.map(|(_, c)| rgb(c)),
            sheen: Vec4::new(SHEEN.0, SHEEN.1, 0.0, 0.0),
        }
    }
}

/// The skin of the head: a texture (a tile of the canvas, a loupe's square) or, without one, a
/// plain colour, lit by the studio.
#[derive(Asset, TypePath, AsBindGroup, Clone, Debug)]
pub struct SkinMaterial {
    /// The studio and the tint.
    #[uniform(0)]
    pub look: SkinLook,
    /// The skin's picture; without one the tint alone.
    #[texture(1)]
    #[sampler(2)]
    pub texture: Option<Handle<Image>>,
}

impl SkinMaterial {
    /// The skin with `texture` on it.
    pub fn textured(texture: Handle<Image>) -> Self {
        SkinMaterial {
            look: SkinLook::tinted([1.0; 3]),
            texture: Some(texture),
        }
    }

    /// Plain skin of `colour` (linear RGB).
    pub fn plain(colour: [f32; 3]) -> Self {
        SkinMaterial {
            look: SkinLook::tinted(colour),
            texture: None,
        }
    }
}

impl Material for SkinMaterial {
    fn fragment_shader() -> ShaderRef {
        "embedded://smp_app/head_view/skin.wgsl".into()
    }

    // Nothing casts shadows or reads depth before the main pass.
    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }
}
