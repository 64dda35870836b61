//! Building the scalp's view for a practice: the tiles as sprites on a flat skin or as the head's
//! textures, the cameras, and fitting the canvas into the window's free part.

use bevy::asset::RenderAssetUsages;
use bevy::camera::ClearColorConfig;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

use super::canvas::{PreparedScalp, ScalpPixels, ScalpTile, ScalpView};
use crate::camera::{SIDE_PANEL_PX, ScalpCamera, TOP_BAR_PX};
use crate::head_view::camera::HeadScene;
use crate::head_view::orbit::Orbit;
use crate::screen::Screen;
use crate::session::Practice;

#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
pub(super) fn build_view(
    mut commands: Commands,
    practice: Option<ResMut<Practice>>,
    view: Option<ResMut<ScalpView>>,
    prepared: Option<ResMut<PreparedScalp>>,
    tiles: Query<Entity, Or<(With<ScalpTile>, With<HeadScene>)>>,
    mut images: ResMut<Assets<Image>>,
    (mut meshes, mut materials): (
        ResMut<Assets<Mesh>>,
        ResMut<Assets<crate::head_view::skin_material::SkinMaterial>>,
    ),
    mut cameras: Query<
        (&mut Transform, &mut Projection, &mut Camera, &mut Msaa),
        With<ScalpCamera>,
    >,
    windows: Query<&Window>,
    adapter: Option<Res<bevy::render::renderer::RenderAdapterInfo>>,
    (screen, orbit_now): (Res<State<Screen>>, Option<Res<Orbit>>),
) {
    let Some(mut practice) = practice else { return };
    if let Some(mut view) = view
        && view.level_hash == practice.level.hash
    {
        // Same scalp, new work on it (another attempt, a review): redraw, keep the tiles.
        if practice.is_added() {
            view.invalidate();
        }
        return;
    }
    for e in &tiles {
        commands.entity(e).despawn();
    }
    // Painted on the loading thread if this practice was resumed, else here.
    let ready = prepared.and_then(|mut p| p.0.take()).filter(|p| {
        p.level_hash == practice.level.hash && p.impressions == practice.impressions.len()
    });
    commands.remove_resource::<PreparedScalp>();
    let Some(ScalpPixels {
        compositor,
        mut canvas,
        day,
        pieces,
        ..
    }) = ready.or_else(|| PreparedScalp::paint(&practice).0)
    else {
        return;
    };
    let head = practice.level.plan.head();
    // Every impression so far is on the canvas: only later ones are drawn as they come.
    practice.drawn = practice.impressions.len();
    let plan = &practice.level.plan;
    let ppm = canvas.px_per_mm as f32;
    let mut handles = Vec::new();
    for t in 0..(canvas.cols * canvas.rows) {
        let size = Extent3d {
            width: canvas.tile_px,
            height: canvas.tile_px,
            depth_or_array_layers: 1,
        };
        let mut image = Image::new_fill(
            size,
            TextureDimension::D2,
            &[0, 0, 0, 255],
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::default(),
        );
        image.data = Some(canvas.tiles[t as usize].clone());
        let handle = images.add(image);
        handles.push(handle.clone());
        if head.is_some() {
            // On a head the tiles texture its meshes, spawned below.
            continue;
        }
        // Edge tiles show only the part that lies on the canvas.
        let (x0, y0) = (
            (t % canvas.cols) * canvas.tile_px,
            (t / canvas.cols) * canvas.tile_px,
        );
        let visible = UVec2::new(
            canvas.tile_px.min(canvas.size_px.0 - x0),
            canvas.tile_px.min(canvas.size_px.1 - y0),
        );
        let size_mm = visible.as_vec2() / ppm;
        commands.spawn((
            ScalpTile,
            DespawnOnEnter(Screen::Title),
            Sprite {
                image: handle.clone(),
                custom_size: Some(size_mm),
                rect: Some(Rect::new(0.0, 0.0, visible.x as f32, visible.y as f32)),
                ..default()
            },
            Transform::from_xyz(
                x0 as f32 / ppm + size_mm.x / 2.0,
                -(y0 as f32 / ppm + size_mm.y / 2.0),
                0.0,
            ),
        ));
    }
    canvas.take_dirty();
    let canvas_mm = (plan.canvas_mm.0 as f32, plan.canvas_mm.1 as f32);
    if let (Ok((mut tf, mut projection, mut camera, mut msaa)), Ok(window)) =
        (cameras.single_mut(), windows.single())
    {
        fit_view(canvas_mm, window, &mut tf, &mut projection);
        // On a head the head's camera clears the window and draws first; the panels go over it,
        // sampled as the head was (cameras sharing a window must agree, or the later one loads
        // an empty multisampled picture). A flat skin's tiles are square to the window and need
        // no multisampling (with it, Mesa's software renderer drops the 2D lines).
        (camera.clear_color, *msaa) = if head.is_some() {
            (
                ClearColorConfig::None,
                crate::head_view::camera::head_msaa(adapter.as_deref()),
            )
        } else {
            (ClearColorConfig::Default, Msaa::Off)
        };
    }
    if let Some(head) = &head {
        // The editor redraws the skin as scars and hair change: the view stays where it was.
        let orbit = match (screen.get(), orbit_now) {
            (Screen::Editor, Some(now)) => *now,
            _ => crate::head_view::orbit::facing_the_work(head, plan),
        };
        crate::head_view::camera::spawn_scene(
            &mut commands,
            orbit,
            crate::head_view::camera::head_msaa(adapter.as_deref()),
        );
        crate::head_view::meshes::spawn_meshes(
            &mut commands,
            &mut meshes,
            &mut materials,
            &pieces,
            &handles,
            (canvas.cols, canvas.rows),
            compositor.skin_linear(),
        );
    } else {
        commands.remove_resource::<Orbit>();
    }
    // Drawn as while tattooing; another shown day is redrawn by `redraw_for_day`.
    commands.insert_resource(ScalpView {
        compositor,
        canvas,
        canvas_mm,
        images: handles,
        level_hash: practice.level.hash.clone(),
        head,
        shown: None,
        drawn_day: day,
    });
}

/// Fits the canvas in the part of the window the panels leave free (the side panel on the
/// right, the bar on top).
pub(super) fn fit_view(
    canvas_mm: (f32, f32),
    window: &Window,
    tf: &mut Transform,
    projection: &mut Projection,
) {
    let (w, h) = canvas_mm;
    let (panel, bar) = (SIDE_PANEL_PX, TOP_BAR_PX);
    let (free_w, free_h) = (
        (window.width() - panel).max(200.0),
        (window.height() - bar).max(200.0),
    );
    let scale = (w / free_w).max(h / free_h) * 1.06;
    // Centre of the free area, relative to the window centre, in mm.
    let offset = Vec2::new(panel / 2.0, -bar / 2.0) * scale;
    tf.translation = Vec3::new(w / 2.0 + offset.x, -h / 2.0 + offset.y, 0.0);
    if let Projection::Orthographic(o) = projection {
        o.scale = scale;
    }
}

/// A resized window shows the whole canvas again, as large as the window allows (from 800 × 600
/// up to 4K).
pub(super) fn refit_on_resize(
    mut resized: MessageReader<bevy::window::WindowResized>,
    view: Option<Res<ScalpView>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    mut cameras: Query<(&mut Transform, &mut Projection), With<ScalpCamera>>,
) {
    if resized.read().count() == 0 {
        return;
    }
    let (Some(view), Ok(window), Ok((mut tf, mut projection))) =
        (view, windows.single(), cameras.single_mut())
    else {
        return;
    };
    fit_view(view.canvas_mm, window, &mut tf, &mut projection);
}
