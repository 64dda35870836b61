//! The head in 3D, for head levels: the core's tessellation cut by the scalp map's tiles into
//! meshes, each textured with its tile of the practice's canvas (`meshes`); where the camera is
//! and the five views (`orbit`); the studio's lights and the orbit controls (`camera`); the pen's
//! ray to the skin (`pick`); the plan and the needle's cursor drawn on the skin (`overlay`); the
//! loupe, the skin near the middle of the view drawn again finely when the camera is close (`loupe`);
//! the skin's material and the studio's light (`skin_material`); the design step's marker lines,
//! guides and tape (`marker`).

use bevy::prelude::*;

pub mod camera;
pub mod loupe;
pub mod marker;
pub mod meshes;
pub mod orbit;
pub mod overlay;
pub mod pick;
pub mod skin_material;

pub use camera::HeadScene;
pub use orbit::{HEAD_LAYER, HeadCamera, Orbit, orbit_facing};
pub use overlay::HeadGizmos;
pub use pick::{PointerToHead, SkinHit};

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<crate::camera::PanelsPx>();
    app.add_plugins((
        camera::plugin,
        loupe::plugin,
        marker::plugin,
        overlay::plugin,
        skin_material::plugin,
    ));
}
