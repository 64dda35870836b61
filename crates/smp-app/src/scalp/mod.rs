//! The virtual scalp: the core's compositor drawn into tiles of texture that are updated only
//! where an impression lands, a camera in millimetres with pan and zoom (a loupe), the plan
//! overlay and the needle cursor. On a head the same tiles texture the head's meshes (see
//! [`crate::head_view`]), each dot reshaped so that it is round on the skin. `canvas` holds the
//! pixels and what they show; `view` builds it for a practice, `tiles` keeps it in step with the work,
//! `camera_keys` pans and zooms a flat skin, `overlay` draws the plan, `cursor` the needle.

use bevy::prelude::*;

use crate::AppSystems;
use crate::head_view::orbit::Orbit;
use crate::screen::Screen;
use crate::session::Practice;

mod camera_keys;
mod canvas;
mod cursor;
mod overlay;
mod tiles;
mod view;

pub(crate) use canvas::{HEAD_MESH_DETAIL, viewing_day};
pub use canvas::{PreparedScalp, ScalpPixels, ScalpView, ShownDay};
pub use cursor::{predicted, predicted_on};
pub use overlay::{Overlay, hairline_band};

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<Overlay>();
    app.init_resource::<ShownDay>();
    // The scalp belongs to an attempt: back on the curriculum there is none to show.
    app.add_systems(OnEnter(Screen::Title), |mut commands: Commands| {
        commands.remove_resource::<ScalpView>();
        commands.remove_resource::<Practice>();
        commands.remove_resource::<Orbit>();
    });
    app.add_systems(
        Update,
        (
            view::build_view,
            tiles::draw_new_impressions,
            tiles::redraw_for_day,
            tiles::upload_dirty_tiles,
            view::refit_on_resize,
            camera_keys::camera_controls.run_if(not(resource_exists::<Orbit>)),
            overlay::draw_overlay.run_if(not(in_state(Screen::Title))),
            cursor::draw_cursor.run_if(in_state(Screen::Practice)),
        )
            .chain()
            .in_set(AppSystems::View),
    );
}
