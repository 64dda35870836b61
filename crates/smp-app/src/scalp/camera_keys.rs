//! The flat skin's camera: pan and zoom on keys, wheel and drag (a head has its orbit instead).

use bevy::prelude::*;

use crate::camera::ScalpCamera;
use crate::input::PointerOverUi;

pub(super) fn camera_controls(
    keys: Res<ButtonInput<KeyCode>>,
    buttons: Res<ButtonInput<MouseButton>>,
    mut cursor: crate::input::CursorTrail,
    mut wheel: MessageReader<bevy::input::mouse::MouseWheel>,
    over_ui: Res<PointerOverUi>,
    typing: Res<crate::input::KeyboardOverUi>,
    time: Res<Time<Real>>,
    mut cameras: Query<(&mut Transform, &mut Projection), With<ScalpCamera>>,
    mut wake: ResMut<crate::wake::Wake>,
) {
    // Followed every frame, so a drag starts from where the cursor is.
    let moved = cursor.moved();
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
    if crate::input::turn_dragging(&buttons) {
        pan += Vec2::new(-moved.x, moved.y) * o.scale;
    }
    tf.translation += pan.extend(0.0);
}
