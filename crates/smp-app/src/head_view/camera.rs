//! The camera around the head: it orbits the head's centre on the right or middle button (never
//! the left, which is the needle, and never while a stroke is down), zooms with Ctrl + wheel or
//! `+`/`-` down to a few millimetres of skin, and jumps to the five views on the keys 1–5 or the
//! HUD's buttons. Written here rather than taken from a crate: a few dozen lines, and the rules
//! of what may move it belong to the trainer.

use bevy::camera::Viewport;
use bevy::camera::visibility::RenderLayers;
use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::ButtonState;
use bevy::input::keyboard::KeyboardInput;
use bevy::input::mouse::MouseWheel;
use bevy::prelude::*;
use smp_core::surface::View;

use super::orbit::{FOV_RAD, HEAD_LAYER, HeadCamera, MAX_DISTANCE_MM, MIN_DISTANCE_MM, Orbit};
use super::pick::{PointerToHead, head_viewport};
use crate::input::{KeyboardOverUi, MouseContact, PointerOverUi, ctrl_held};
use crate::screen::Screen;
use crate::wake::Wake;

pub(crate) fn plugin(app: &mut App) {
    // Before input: the pen reads window positions through this frame's view.
    app.add_systems(PreUpdate, follow_head_camera);
    app.add_systems(
        Update,
        (orbit_controls, place_camera)
            .chain()
            .in_set(crate::AppSystems::View),
    );
}

/// The head camera's multisampling for the renderer `adapter`: four samples keep the silhouette
/// and the plan's lines smooth on a graphics card; a software renderer (Mesa's llvmpipe, which
/// spent three quarters of a frame on them) goes without.
pub fn head_msaa(adapter: Option<&bevy::render::renderer::RenderAdapterInfo>) -> Msaa {
    match adapter {
        Some(a) if a.0.device_type == wgpu::DeviceType::Cpu => Msaa::Off,
        _ => Msaa::Sample4,
    }
}

/// Marks what exists only while a head is shown: its camera, lights and meshes.
#[derive(Component)]
pub struct HeadScene;

/// The camera for a head, seeing only the head's render layer (its meshes and lines), with
/// `msaa` ([`head_msaa`]). Drawn before the flat skin's camera, which then draws its panels over
/// the head without clearing it. The studio's lights are in the skin's material.
pub(crate) fn spawn_scene(commands: &mut Commands, orbit: Orbit, msaa: Msaa) {
    commands.insert_resource(orbit);
    commands.spawn((
        Camera3d::default(),
        // Drawn first; the flat scalp's camera and the panels draw over it.
        Camera {
            order: -1,
            ..default()
        },
        Projection::Perspective(PerspectiveProjection {
            fov: FOV_RAD,
            near: 5.0,
            far: 5000.0,
            ..default()
        }),
        // Colours as lit, no film curve: no tables to load.
        Tonemapping::None,
        msaa,
        orbit.transform(),
        HeadCamera,
        HeadScene,
        RenderLayers::layer(HEAD_LAYER),
        DespawnOnEnter(Screen::Title),
    ));
}

/// A key for each view: 1 front, 2 left, 3 right, 4 top, 5 back.
pub const PRESET_KEYS: [(KeyCode, View); 5] = [
    (KeyCode::Digit1, View::Front),
    (KeyCode::Digit2, View::Left),
    (KeyCode::Digit3, View::Right),
    (KeyCode::Digit4, View::Top),
    (KeyCode::Digit5, View::Back),
];

/// How far a quick tap of an arrow key turns the head, rad (5°).
const TAP_RAD: f32 = 0.087;

#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn orbit_controls(
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    mut cursor: crate::input::CursorTrail,
    mut wheel: MessageReader<MouseWheel>,
    mut key_events: MessageReader<KeyboardInput>,
    over_ui: Res<PointerOverUi>,
    typing: Res<KeyboardOverUi>,
    mouse: Res<MouseContact>,
    orbit: Option<ResMut<Orbit>>,
    mut wake: ResMut<Wake>,
) {
    // Followed every frame, so a drag starts from where the cursor is.
    let moved = cursor.moved();
    let Some(mut orbit) = orbit else { return };
    let free = !typing.0;
    for (key, view) in PRESET_KEYS {
        if free && keys.just_pressed(key) {
            let distance = orbit.distance;
            *orbit = Orbit {
                distance,
                ..Orbit::of_view(view)
            };
        }
    }
    // Every press counts, even several between two frames of a slow renderer.
    let mut zoom = 1.0f32;
    for k in key_events.read() {
        if !free || k.state != ButtonState::Pressed || k.repeat {
            continue;
        }
        match k.key_code {
            KeyCode::Equal | KeyCode::NumpadAdd => zoom /= 1.4,
            KeyCode::Minus | KeyCode::NumpadSubtract => zoom *= 1.4,
            _ => {}
        }
    }
    let ctrl = ctrl_held(&keys);
    for w in wheel.read() {
        if ctrl && !over_ui.0 {
            zoom *= if w.y > 0.0 { 1.0 / 1.15 } else { 1.15 };
        }
    }
    if zoom != 1.0 {
        orbit.distance = (orbit.distance * zoom).clamp(MIN_DISTANCE_MM, MAX_DISTANCE_MM);
    }
    // Orbit on the right or middle button only, and never while the needle is in.
    let dragging = crate::input::turn_dragging(&buttons);
    if dragging && !mouse.down && moved != Vec2::ZERO {
        // Slower when close: a loupe turns by a hair.
        let rate = 0.005 * (orbit.distance / 560.0).clamp(0.05, 1.5);
        orbit.yaw += moved.x * rate;
        orbit.pitch = (orbit.pitch + moved.y * rate).clamp(-1.2, 1.55);
    }
    // Arrow keys turn the head too; a held key glides.
    let step = 1.2 * (orbit.distance / 560.0).clamp(0.05, 1.5) / 60.0;
    for (key, dyaw, dpitch) in [
        (KeyCode::ArrowLeft, -1.0, 0.0),
        (KeyCode::ArrowRight, 1.0, 0.0),
        (KeyCode::ArrowUp, 0.0, 1.0),
        (KeyCode::ArrowDown, 0.0, -1.0),
    ] {
        if free && keys.pressed(key) {
            orbit.yaw += dyaw * step;
            orbit.pitch = (orbit.pitch + dpitch * step).clamp(-1.2, 1.55);
            wake.next_frame();
        } else if free && keys.just_pressed(key) {
            // Pressed and let go within one frame (a quick tap): a few degrees, not one frame's
            // glide.
            orbit.yaw += dyaw * TAP_RAD;
            orbit.pitch = (orbit.pitch + dpitch * TAP_RAD).clamp(-1.2, 1.55);
        }
    }
}

/// Puts the camera where the orbit says, drawing into the part of the window the panels leave.
fn place_camera(
    orbit: Option<Res<Orbit>>,
    mut cameras: Query<(&mut Transform, &mut Camera), With<HeadCamera>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    panels: Res<crate::camera::PanelsPx>,
) {
    let (Some(orbit), Ok(window)) = (orbit, windows.single()) else {
        return;
    };
    let area = head_viewport(window, &panels);
    let scale = window.scale_factor();
    let viewport = Viewport {
        physical_position: (area.min * scale).as_uvec2(),
        physical_size: (area.size() * scale).as_uvec2().max(UVec2::ONE),
        ..default()
    };
    for (mut tf, mut camera) in &mut cameras {
        if orbit.is_changed() {
            *tf = orbit.transform();
        }
        let same = camera.viewport.as_ref().is_some_and(|v| {
            v.physical_position == viewport.physical_position
                && v.physical_size == viewport.physical_size
        });
        if !same {
            camera.viewport = Some(viewport.clone());
        }
    }
}

/// Keeps [`PointerToHead`] in step with the camera and the window.
fn follow_head_camera(
    mut commands: Commands,
    orbit: Option<Res<Orbit>>,
    cameras: Query<&Camera, With<HeadCamera>>,
    windows: Query<&Window, With<bevy::window::PrimaryWindow>>,
    panels: Res<crate::camera::PanelsPx>,
    current: Option<Res<PointerToHead>>,
    practice: Option<Res<crate::session::Practice>>,
) {
    let head = practice.as_ref().and_then(|p| p.level.plan.head());
    let (Some(orbit), Some(head), Ok(window), false) =
        (orbit, head, windows.single(), cameras.is_empty())
    else {
        if current.is_some() {
            commands.remove_resource::<PointerToHead>();
        }
        return;
    };
    let mapping = PointerToHead::new(head, &orbit, head_viewport(window, &panels));
    let same = current.is_some_and(|c| {
        std::sync::Arc::ptr_eq(&c.head, &mapping.head)
            && c.eye == mapping.eye
            && c.forward == mapping.forward
            && c.viewport == mapping.viewport
    });
    if !same {
        commands.insert_resource(mapping);
    }
}
