//! The virtual scalp: the core's compositor drawn into tiles of texture that are updated only
//! where an impression lands, a camera in millimetres with pan and zoom (a loupe), the plan
//! overlay and the needle cursor. On a head the same tiles texture the head's meshes (see
//! [`crate::head_view`]), each dot reshaped so that it is round on the skin.

use std::sync::Arc;

use bevy::asset::RenderAssetUsages;
use bevy::camera::ClearColorConfig;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::render::{Compositor, Dot, TileCanvas, dot_round_on_skin, round_on_skin};
use smp_core::skin::DepthOutcome;
use smp_core::surface::{Head, MeshPiece};

use crate::AppSystems;
use crate::camera::{SIDE_PANEL_PX, ScalpCamera, TOP_BAR_PX, world};
use crate::head_view::camera::HeadScene;
use crate::head_view::orbit::Orbit;
use crate::input::{HandPressure, PenHover, PointerOverUi};
use crate::screen::Screen;
use crate::session::Practice;
use crate::theme::outcome_color;

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
            build_view,
            draw_new_impressions,
            redraw_for_day,
            upload_dirty_tiles,
            refit_on_resize,
            camera_controls.run_if(not(resource_exists::<Orbit>)),
            draw_overlay.run_if(not(in_state(Screen::Title))),
            draw_cursor.run_if(in_state(Screen::Practice)),
        )
            .chain()
            .in_set(AppSystems::View),
    );
}

/// A texture tile of the scalp.
#[derive(Component)]
struct ScalpTile;

/// Whether the plan overlay (zones, hairline, transition band) is shown: at first, so a trainee
/// sees what the level wants.
#[derive(Resource)]
pub struct Overlay(pub bool);

impl Default for Overlay {
    fn default() -> Self {
        Self(true)
    }
}

/// The day the scalp shows: `None` while tattooing (fresh work, earlier sessions healed to
/// today), or days after the last session (results, between sessions).
#[derive(Resource, Default, PartialEq)]
pub struct ShownDay(pub Option<f64>);

/// The drawn scalp of the current practice.
#[derive(Resource)]
pub struct ScalpView {
    compositor: Compositor,
    /// The tiled pixels.
    pub canvas: TileCanvas,
    /// The canvas size, mm.
    canvas_mm: (f32, f32),
    images: Vec<Handle<Image>>,
    level_hash: String,
    /// The head the scalp is on (dots are reshaped to be round on its skin), if any.
    head: Option<Arc<Head>>,
    shown: Option<f64>,
    /// The attempt-timeline day the drawn dots show (a new session moves it on).
    drawn_day: f64,
}

impl ScalpView {
    /// Makes the next frame redraw every dot (work was taken away, not only added).
    pub fn invalidate(&mut self) {
        self.drawn_day = f64::NAN;
    }
}

/// Pixels per mm for a canvas: fine enough for a loupe, at most 4096 px on the long side.
fn scale_for(canvas_mm: (f64, f64)) -> f64 {
    (4096.0 / canvas_mm.0.max(canvas_mm.1)).min(40.0)
}

/// The side of a texture tile, px: small on a flat skin, where each tile is a sprite and a dot
/// re-uploads only its tile; larger on a head, where each tile is a mesh with its own material
/// and every one is a draw call (on Mesa's software renderer, 256 tiles cost a fifth of the
/// frame rate; 64 do not).
fn tile_px(on_head: bool) -> u32 {
    if on_head { 512 } else { 256 }
}

/// How finely the head's meshes follow its shape (the core's subdivision level: some 20,000
/// triangles, edges of about 3 mm, within 0.02 mm of the skin). One level finer (80,000) cost a
/// quarter of the frame rate on a software renderer for no difference a trainee can see; one
/// coarser shows facets along the nose.
pub(crate) const HEAD_MESH_DETAIL: u32 = 5;

/// Every impression as it looks on `day` of the attempt's timeline (on a head, reshaped to be
/// round on the skin).
fn dots_on(practice: &Practice, day: f64) -> Vec<Dot> {
    let dots: Vec<Dot> = practice
        .impressions
        .iter()
        .map(|p| Dot::of(p, day - p.made_on_day))
        .collect();
    match practice.level.plan.head() {
        Some(head) => round_on_skin(&head, &dots),
        None => dots,
    }
}

/// The day on the attempt's timeline the scalp is seen on.
pub(crate) fn viewing_day(practice: &Practice, shown: &ShownDay) -> f64 {
    let last_day = practice.live.as_ref().map(|l| l.day).unwrap_or_else(|| {
        practice
            .attempt
            .sessions
            .iter()
            .skip(1)
            .map(|s| s.days_since_previous)
            .sum::<f64>()
    });
    last_day + shown.0.unwrap_or(0.0)
}

/// A practice's scalp painted in full, ready to be shown: the slow part of opening a big attempt
/// (a full head is some 50 MB of pixels), so a resume does it on the loading thread.
#[derive(Resource)]
pub struct PreparedScalp(Option<ScalpPixels>);

/// The painted canvas and what it shows.
pub struct ScalpPixels {
    compositor: Compositor,
    canvas: TileCanvas,
    day: f64,
    level_hash: String,
    impressions: usize,
    /// On a head: its meshes, cut by the canvas's tiles.
    pieces: Vec<MeshPiece>,
}

impl PreparedScalp {
    /// Paints every impression of `practice` as the practice screen shows it (earlier sessions
    /// healed to today, this session's fresh); `None` if the canvas cannot be made.
    pub fn paint(practice: &Practice) -> Self {
        let plan = &practice.level.plan;
        let compositor = Compositor::new(plan);
        let Ok(mut canvas) = TileCanvas::new(
            &compositor,
            scale_for(plan.canvas_mm),
            tile_px(plan.head().is_some()),
        ) else {
            return Self(None);
        };
        let day = viewing_day(practice, &ShownDay(None));
        canvas.set_dots(&compositor, dots_on(practice, day));
        let pieces = plan.head().map_or_else(Vec::new, |head| {
            head.mesh_by_tiles(
                HEAD_MESH_DETAIL,
                f64::from(canvas.tile_px) / canvas.px_per_mm,
            )
        });
        Self(Some(ScalpPixels {
            compositor,
            canvas,
            day,
            level_hash: practice.level.hash.clone(),
            impressions: practice.impressions.len(),
            pieces,
        }))
    }
}

#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn build_view(
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
fn fit_view(
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
fn refit_on_resize(
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

fn draw_new_impressions(
    practice: Option<ResMut<Practice>>,
    view: Option<ResMut<ScalpView>>,
    shown: Res<ShownDay>,
) {
    let (Some(mut practice), Some(mut view)) = (practice, view) else {
        return;
    };
    if shown.0.is_some() {
        return;
    }
    let view = &mut *view;
    let start = practice.drawn.min(practice.impressions.len());
    for p in &practice.impressions[start..] {
        // A new impression is fresh: it is made today.
        let dot = Dot::of(p, 0.0);
        let dot = match &view.head {
            Some(head) => dot_round_on_skin(head, dot),
            None => dot,
        };
        view.canvas.add_dot(&view.compositor, dot);
    }
    practice.drawn = practice.impressions.len();
}

fn redraw_for_day(
    practice: Option<ResMut<Practice>>,
    view: Option<ResMut<ScalpView>>,
    shown: Res<ShownDay>,
) {
    let (Some(mut practice), Some(mut view)) = (practice, view) else {
        return;
    };
    // Another day asked for, or a new session on a later day: earlier work has healed meanwhile.
    let day = viewing_day(&practice, &shown);
    if view.shown == shown.0 && view.drawn_day == day {
        return;
    }
    let dots = dots_on(&practice, day);
    let view = &mut *view;
    view.canvas.set_dots(&view.compositor, dots);
    view.shown = shown.0;
    view.drawn_day = day;
    practice.drawn = practice.impressions.len();
}

fn upload_dirty_tiles(view: Option<ResMut<ScalpView>>, mut images: ResMut<Assets<Image>>) {
    let Some(mut view) = view else { return };
    for t in view.canvas.take_dirty() {
        if let Some(mut image) = images.get_mut(&view.images[t]) {
            image.data = Some(view.canvas.tiles[t].clone());
        }
    }
}

fn camera_controls(
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    mut motion: MessageReader<bevy::input::mouse::MouseMotion>,
    mut wheel: MessageReader<bevy::input::mouse::MouseWheel>,
    over_ui: Res<PointerOverUi>,
    typing: Res<crate::input::KeyboardOverUi>,
    time: Res<Time<Real>>,
    mut cameras: Query<(&mut Transform, &mut Projection), With<ScalpCamera>>,
    mut wake: ResMut<crate::wake::Wake>,
) {
    // Keys typed into a text field ("-" in a comment) are text, not zoom or pan.
    let key = |k: KeyCode| !typing.0 && keys.just_pressed(k);
    let held = |k: KeyCode| !typing.0 && keys.pressed(k);
    let Ok((mut tf, mut projection)) = cameras.single_mut() else {
        return;
    };
    let Projection::Orthographic(o) = &mut *projection else {
        return;
    };
    let ctrl = crate::input::ctrl_held(&keys);
    let mut zoom = 1.0f32;
    if key(KeyCode::Equal) || key(KeyCode::NumpadAdd) {
        zoom /= 1.5;
    }
    if key(KeyCode::Minus) || key(KeyCode::NumpadSubtract) {
        zoom *= 1.5;
    }
    for w in wheel.read() {
        if ctrl && !over_ui.0 {
            zoom *= if w.y > 0.0 { 1.0 / 1.2 } else { 1.2 };
        }
    }
    // From the whole head down to a loupe where a 0.1 mm dot spans many pixels.
    o.scale = (o.scale * zoom).clamp(0.002, 2.0);
    let step = 400.0 * o.scale * time.delta_secs();
    let mut pan = Vec2::ZERO;
    for (key, dir) in [
        (KeyCode::ArrowLeft, Vec2::NEG_X),
        (KeyCode::ArrowRight, Vec2::X),
        (KeyCode::ArrowUp, Vec2::Y),
        (KeyCode::ArrowDown, Vec2::NEG_Y),
    ] {
        if held(key) {
            pan += dir * step;
            // A held key sends no events: the view glides on by itself.
            wake.next_frame();
        }
    }
    if buttons.pressed(MouseButton::Right) || buttons.pressed(MouseButton::Middle) {
        for m in motion.read() {
            pan += Vec2::new(-m.delta.x, m.delta.y) * o.scale;
        }
    } else {
        motion.clear();
    }
    tf.translation += pan.extend(0.0);
}

fn draw_overlay(mut gizmos: Gizmos, overlay: Res<Overlay>, practice: Option<Res<Practice>>) {
    let Some(practice) = practice else { return };
    let plan = &practice.level.plan;
    // A head's plan lies on the head (see `head_view::overlay`).
    if plan.head().is_some() {
        return;
    }
    let (w, h) = (plan.canvas_mm.0 as f32, plan.canvas_mm.1 as f32);
    // The canvas edge, always.
    gizmos.rect_2d(
        Isometry2d::from_translation(Vec2::new(w / 2.0, -h / 2.0)),
        Vec2::new(w, h),
        Color::srgba(0.2, 0.2, 0.2, 0.6),
    );
    if !overlay.0 {
        return;
    }
    for zone in &plan.zones {
        let mut pts: Vec<Vec2> = zone.outline.vertices.iter().map(|p| world(*p)).collect();
        if let Some(first) = pts.first().copied() {
            pts.push(first);
        }
        gizmos.linestrip_2d(pts, Color::srgb(0.1, 0.45, 0.9));
    }
    if let Some(hl) = &plan.hairline {
        gizmos.linestrip_2d(
            hl.line.vertices.iter().map(|p| world(*p)),
            Color::srgb(0.9, 0.3, 0.1),
        );
        gizmos.linestrip_2d(
            hairline_band(plan).into_iter().map(world),
            Color::srgba(0.9, 0.5, 0.1, 0.7),
        );
    }
}

/// The back edge of the hairline's transition band, on the plan's canvas: the line moved by the
/// band's depth toward the zones (empty without a hairline).
pub fn hairline_band(plan: &smp_core::plan::ReferencePlan) -> Vec<Point> {
    let Some(hl) = &plan.hairline else {
        return Vec::new();
    };
    let v = &hl.line.vertices;
    v.iter()
        .enumerate()
        .map(|(i, p)| {
            let (a, b) = (v[i.saturating_sub(1)], v[(i + 1).min(v.len() - 1)]);
            let (dx, dy) = (b.x_mm - a.x_mm, b.y_mm - a.y_mm);
            let len = dx.hypot(dy).max(1e-9);
            let n = Point::new(-dy / len, dx / len);
            let t = hl.transition_mm;
            let fwd = Point::new(p.x_mm + n.x_mm * t, p.y_mm + n.y_mm * t);
            let back = Point::new(p.x_mm - n.x_mm * t, p.y_mm - n.y_mm * t);
            if plan.zone_at(fwd).is_some() {
                fwd
            } else {
                back
            }
        })
        .collect()
}

/// Depth (mm) and outcome the session's needle would give at raw `pressure` at `at`: on a head
/// along `axis` (the needle's, into the skin), at its angle to the skin there; square to the skin
/// otherwise.
pub fn predicted_on(
    practice: &Practice,
    pressure: f64,
    at: Point,
    axis: Option<SkinVec3>,
) -> (f64, DepthOutcome) {
    let plan = &practice.level.plan;
    let angle = axis
        .filter(|_| plan.head().is_some())
        .and_then(|axis| smp_core::needle::entry_angle(&plan.surface(), at, axis))
        .map(|(angle, _)| angle);
    let Some(angle) = angle else {
        return predicted(practice, pressure);
    };
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    smp_core::live::predicted_depth(
        plan,
        &practice.attempt.pressure_curve,
        &needle,
        pressure,
        angle,
    )
}

/// Outcome a straight needle would give at raw `pressure` with the session's needle.
pub fn predicted(practice: &Practice, pressure: f64) -> (f64, DepthOutcome) {
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    let depth = needle.protrusion_mm * practice.attempt.pressure_curve.apply(pressure);
    (
        depth,
        DepthOutcome::classify(
            depth,
            &practice.level.plan.depth_window,
            &practice.level.plan.skin,
        ),
    )
}

fn draw_cursor(
    mut gizmos: Gizmos,
    hover: Res<PenHover>,
    hand: Res<HandPressure>,
    practice: Option<Res<Practice>>,
    over_ui: Res<PointerOverUi>,
) {
    let (Some(practice), Some(at)) = (practice, hover.at) else {
        return;
    };
    if over_ui.0 || practice.level.plan.head().is_some() {
        return;
    }
    // Hovering pens report no pressure: show what the hand pressure would do.
    let (_, outcome) = predicted(
        &practice,
        if hover.pressure > 0.0 {
            hover.pressure
        } else {
            hand.0
        },
    );
    let needle = practice
        .live
        .as_ref()
        .map_or(practice.next_needle, |l| l.record.needle);
    let r = (needle.diameter_mm * needle.group.dot_factor() * 0.5) as f32;
    let c = world(at);
    gizmos.circle_2d(
        Isometry2d::from_translation(c),
        r.max(0.05),
        outcome_color(outcome),
    );
    gizmos.circle_2d(
        Isometry2d::from_translation(c),
        r.max(0.05) * 4.0,
        outcome_color(outcome).with_alpha(0.5),
    );
}
