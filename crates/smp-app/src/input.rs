//! The input path: pen samples from a tablet (octotablet, set up in
//! [`crate::third_party::octotablet`]), from the mouse when no tablet can
//! serve, or from a replayed attempt, all as [`PenInput`] messages in canvas millimetres. Every
//! pose the device reports becomes one sample: none dropped, none merged. On a head, a window
//! position reaches the skin along the head camera's ray ([`PointerToHead`]): the sample is the
//! place on the scalp map and the needle's axis; a pen in contact that slides off the head lifts
//! there.

use bevy::prelude::*;
use bevy::window::WindowEvent;
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::pen::PenSample;

use crate::AppSystems;
use crate::camera::PointerToCanvas;
use crate::clock::{ClockRunning, SessionClock};
use crate::head_view::pick::PointerToHead;
use crate::screen::Screen;

/// One raw pen sample on its way to the skin.
#[derive(Message, Clone, Copy, Debug)]
pub struct PenInput {
    /// The sample, in canvas mm and session seconds.
    pub sample: PenSample,
    /// Whether the pen was over a panel when it was taken (then it belongs to the panel).
    pub over_ui: bool,
}

/// Which device feeds the pen, and why.
#[derive(Resource, Clone, Debug, PartialEq)]
pub enum PenBackend {
    /// A tablet through octotablet.
    Tablet {
        /// Tool or tablet name as reported.
        name: String,
        /// Tool hardware id, when reported.
        hardware_id: Option<String>,
    },
    /// The mouse, with pressure set by the wheel or the [ and ] keys.
    Mouse {
        /// Why no tablet is used.
        reason: String,
    },
}

impl PenBackend {
    /// What feeds the pen, in words for the panels.
    pub fn label(backend: Option<&PenBackend>) -> String {
        match backend {
            Some(PenBackend::Tablet { name, .. }) => format!("Pen: {name}"),
            Some(PenBackend::Mouse { reason }) => {
                format!("Pen: mouse, pressure by wheel or [ ] ({reason})")
            }
            None => "Pen: …".into(),
        }
    }
}

/// Whether the pen works on the head on `screen` (tattooing or designing) rather than on the
/// flat mapping the panels and calibration read.
pub fn on_the_head(screen: &Screen) -> bool {
    matches!(screen, Screen::Practice | Screen::Design)
}

/// The Ctrl and Shift keys as the window's key events last left them.
#[derive(Default, Debug, Clone, Copy)]
pub struct Modifiers {
    /// A Ctrl key is down.
    pub ctrl: bool,
    /// A Shift key is down.
    pub shift: bool,
}

/// The keys pressed with Ctrl held, in the order the window delivered them, each with whether
/// Shift was held too. Read from the events themselves, not from the frame's key state: a
/// quick Ctrl+Z pressed and released within one frame leaves Ctrl up by the frame's end.
/// `modifiers` carries the Ctrl and Shift keys from one frame to the next; what the frame's key
/// state `keys` says is up is up (a system that did not run while a key was let go would keep
/// it down otherwise).
pub fn ctrl_chords(
    events: &mut MessageReader<bevy::input::keyboard::KeyboardInput>,
    modifiers: &mut Modifiers,
    keys: &ButtonInput<KeyCode>,
) -> Vec<(KeyCode, bool)> {
    // A key up now that was not let go this frame went up while this system was not running.
    // (One let go this frame is in the events below, after the keys pressed with it.)
    for (pair, held) in [
        (
            [KeyCode::ControlLeft, KeyCode::ControlRight],
            &mut modifiers.ctrl,
        ),
        (
            [KeyCode::ShiftLeft, KeyCode::ShiftRight],
            &mut modifiers.shift,
        ),
    ] {
        if !keys.any_pressed(pair) && !keys.any_just_released(pair) {
            *held = false;
        }
    }
    let mut out = Vec::new();
    for e in events.read() {
        let down = e.state.is_pressed();
        match e.key_code {
            KeyCode::ControlLeft | KeyCode::ControlRight => modifiers.ctrl = down,
            KeyCode::ShiftLeft | KeyCode::ShiftRight => modifiers.shift = down,
            code if down && !e.repeat && modifiers.ctrl => out.push((code, modifiers.shift)),
            _ => {}
        }
    }
    out
}

/// The cursor's moves in the window, for turning and panning by a drag: from the window's
/// cursor events rather than the mouse's raw motion, which some X servers (Xvfb driven by
/// xdotool among them) never send.
#[derive(bevy::ecs::system::SystemParam)]
pub struct CursorTrail<'w, 's> {
    moves: MessageReader<'w, 's, CursorMoved>,
    leaves: MessageReader<'w, 's, CursorLeft>,
    /// Where the cursor was last seen in the window, logical px.
    last: Local<'s, Option<Vec2>>,
}

impl CursorTrail<'_, '_> {
    /// How far the cursor moved since the last call, logical px (x right, y down). Call it every
    /// frame, so a drag starts from where the cursor is; once it leaves the window, the next
    /// place it comes in at is a start, not a move.
    pub fn moved(&mut self) -> Vec2 {
        let mut moved = Vec2::ZERO;
        for e in self.moves.read() {
            if let Some(before) = *self.last {
                moved += e.position - before;
            }
            *self.last = Some(e.position);
        }
        if self.leaves.read().count() > 0 {
            *self.last = None;
        }
        moved
    }
}

/// Whether the right or middle button drags: held since an earlier frame (the move that
/// brought the cursor to where the button went down is no part of the drag).
pub fn turn_dragging(buttons: &ButtonInput<MouseButton>) -> bool {
    [MouseButton::Right, MouseButton::Middle]
        .iter()
        .any(|&b| buttons.pressed(b) && !buttons.just_pressed(b))
}

/// Whether a Ctrl key is held.
pub fn ctrl_held(keys: &ButtonInput<KeyCode>) -> bool {
    keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight])
}

/// Whether the pointer is over a panel (set by the UI each frame).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct PointerOverUi(pub bool);

/// The hand pressure the mouse emulates, 0..1.
#[derive(Resource, Debug, Clone, Copy)]
pub struct HandPressure(pub f64);

impl Default for HandPressure {
    fn default() -> Self {
        Self(0.23)
    }
}

/// Where the pen hovers, in canvas mm, and with what pressure (for the cursor and depth gauge).
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct PenHover {
    /// Position on the canvas, if the pen is over the window.
    pub at: Option<Point>,
    /// Current raw pressure, 0..1 (the hand pressure for the mouse).
    pub pressure: f64,
    /// Whether it touches.
    pub contact: bool,
    /// Whether a tablet pen (not the mouse) reported it.
    pub from_tablet: bool,
    /// On a head: the needle's axis, into the skin (unit, head frame).
    pub axis: Option<SkinVec3>,
}

/// Where a window position lands this frame: on the flat canvas, or through the head camera on a
/// head (only while tattooing: calibration and the panels read the flat mapping).
pub(crate) enum Pointing<'a> {
    Flat(&'a PointerToCanvas),
    Head(&'a PointerToHead),
}

impl Pointing<'_> {
    /// The place under window position `pos` (logical px) and, on a head, the needle's axis
    /// leaned by the pen's tilt (rad); `None` where the head is not.
    pub(crate) fn place(
        &self,
        pos: Vec2,
        tilt_x_rad: f64,
        tilt_y_rad: f64,
    ) -> Option<(Point, Option<SkinVec3>)> {
        match self {
            Pointing::Flat(view) => Some((view.at(pos), None)),
            Pointing::Head(view) => view
                .hit(pos, tilt_x_rad, tilt_y_rad)
                .map(|hit| (hit.at, Some(hit.axis))),
        }
    }
}

pub(crate) fn plugin(app: &mut App) {
    app.add_message::<PenInput>();
    app.init_resource::<PointerOverUi>();
    app.init_resource::<KeyboardOverUi>();
    app.init_resource::<HandPressure>();
    app.init_resource::<PenHover>();
    app.init_resource::<MouseContact>();
    app.init_resource::<TabletPenNear>();
    // The mouse and the hand-pressure keys need no window of their own: they read the window's
    // messages, so headless tests drive them exactly as a window does.
    app.add_systems(
        Update,
        (mouse_pen, hand_pressure_keys)
            .chain()
            .in_set(AppSystems::Input)
            .run_if(resource_exists::<PenBackend>),
    );
}

/// Whether a text field has the keyboard (set by the UI each frame): then keys are text, not
/// shortcuts.
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct KeyboardOverUi(pub bool);

/// Run condition: no text field has the keyboard, so shortcuts may act.
pub fn keyboard_free(over: Res<KeyboardOverUi>) -> bool {
    !over.0
}

/// The longest time a frame's mouse events are spread over, s (a frame of a busy loop at 10 fps).
const MAX_EVENT_SPREAD_S: f64 = 0.1;

/// The mouse button as the window last reported it, and where the cursor was.
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct MouseContact {
    /// Whether the left button is down.
    pub down: bool,
    /// Last cursor position in the window, logical px.
    pub at: Option<Vec2>,
    /// Whether the last sample sent touched the skin (on a head the button may be down off it).
    pub touching: bool,
    /// The last place the cursor was over the skin (on a head: with the needle's axis).
    pub on_skin: Option<(Point, Option<SkinVec3>)>,
}

/// Whether a tablet's pen is near its surface (then it has the floor, and the mouse does not
/// draw): kept by [`crate::third_party::octotablet`].
#[derive(Resource, Default, Debug, Clone, Copy)]
pub struct TabletPenNear(pub bool);

/// The mouse as a pen, from the window's own event stream: every cursor move and every press and
/// release of the left button is a sample, in the order the window delivered them, however many
/// arrive between two frames (a tap pressed and released within one frame is a dot). Events of
/// one frame are spread evenly over the time since the previous frame, so dwell and speed mean
/// the same at 10 fps as at 144.
#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
pub(crate) fn mouse_pen(
    tablet_near: Res<TabletPenNear>,
    mut events: MessageReader<WindowEvent>,
    (view, on_head): (Option<Res<PointerToCanvas>>, Option<Res<PointerToHead>>),
    time: Res<Time<Real>>,
    (mut clock, mut running): (ResMut<SessionClock>, ResMut<ClockRunning>),
    over_ui: Res<PointerOverUi>,
    hand: Res<HandPressure>,
    state: Res<State<Screen>>,
    mut mouse: ResMut<MouseContact>,
    mut hover: ResMut<PenHover>,
    mut out: MessageWriter<PenInput>,
) {
    let moves: Vec<(Vec2, Option<bool>)> = events
        .read()
        .filter_map(|e| match e {
            WindowEvent::CursorMoved(m) => Some((m.position, None)),
            WindowEvent::MouseButtonInput(b) if b.button == MouseButton::Left => {
                Some((Vec2::NAN, Some(b.state.is_pressed())))
            }
            WindowEvent::CursorLeft(_) => {
                hover.at = None;
                None
            }
            _ => None,
        })
        .collect();
    // A tablet pen near the surface has the floor; otherwise the mouse draws.
    if tablet_near.0 {
        return;
    }
    // Samples go to the skin while tattooing, to the marker while designing, and to the
    // calibration while calibrating.
    let practising = matches!(
        state.get(),
        Screen::Practice | Screen::Design | Screen::Calibration
    );
    let pointing = match (&on_head, &view) {
        (Some(head), _) if on_the_head(state.get()) => Pointing::Head(head),
        (_, Some(flat)) => Pointing::Flat(flat),
        _ => return,
    };
    let n = moves.len();
    // The loop sleeps until input: a frame woken by a tap may follow seconds of quiet, yet its
    // events are only just in. They are spread over at most the last tenth of a second.
    let dt = time.delta_secs_f64().min(MAX_EVENT_SPREAD_S);
    // This frame's events lie between the previous frame and now; before the first touch of a
    // session the clock stands still, and the touch starts it.
    let mut span = running.0.then(|| (clock.0 - dt, clock.0, 0usize));
    for (i, (pos, button)) in moves.into_iter().enumerate() {
        if let Some(pressed) = button {
            mouse.down = pressed;
        } else {
            mouse.at = Some(pos);
        }
        let Some(pos) = mouse.at else { continue };
        if practising && span.is_none() && mouse.down && !over_ui.0 && button == Some(true) {
            span = Some((clock.0, clock.0 + dt * (n - i) as f64 / n as f64, i));
            running.0 = state.get() == &Screen::Practice;
        }
        let t_s = span.map_or(clock.0, |(from, to, first)| {
            from + (to - from) * (i + 1 - first) as f64 / (n - first) as f64
        });
        let Some((at, axis)) = pointing.place(pos, 0.0, 0.0) else {
            // Off the head: a needle in the skin lifts where it last touched it.
            hover.at = None;
            if let (true, Some((at, axis))) = (mouse.touching, mouse.on_skin) {
                mouse.touching = false;
                if practising {
                    out.write(PenInput {
                        sample: PenSample {
                            t_s,
                            at,
                            pressure: 0.0,
                            tilt_x_rad: 0.0,
                            tilt_y_rad: 0.0,
                            contact: false,
                            axis,
                        },
                        over_ui: over_ui.0,
                    });
                }
            }
            continue;
        };
        mouse.on_skin = Some((at, axis));
        mouse.touching = mouse.down;
        let pressure = if mouse.down { hand.0 } else { 0.0 };
        *hover = PenHover {
            at: Some(at),
            pressure: hand.0,
            contact: mouse.down,
            from_tablet: false,
            axis,
        };
        if practising {
            out.write(PenInput {
                sample: PenSample {
                    t_s,
                    at,
                    pressure,
                    tilt_x_rad: 0.0,
                    tilt_y_rad: 0.0,
                    contact: mouse.down,
                    axis,
                },
                over_ui: over_ui.0,
            });
        }
    }
    if let Some((_, to, _)) = span
        && running.0
    {
        clock.0 = clock.0.max(to);
    }
}

/// The mouse's hand pressure: `[` and `]`, or the wheel over the skin, while practising or
/// calibrating only. Keys typed into a text field and the wheel over a panel belong to the panel.
fn hand_pressure_keys(
    keys: Res<ButtonInput<KeyCode>>,
    mut wheel: MessageReader<bevy::input::mouse::MouseWheel>,
    over_ui: Res<PointerOverUi>,
    typing: Res<KeyboardOverUi>,
    state: Res<State<Screen>>,
    mut hand: ResMut<HandPressure>,
) {
    if !matches!(state.get(), Screen::Practice | Screen::Calibration) {
        wheel.clear();
        return;
    }
    let mut delta = 0.0;
    if !typing.0 && keys.just_pressed(KeyCode::BracketRight) {
        delta += 0.02;
    }
    if !typing.0 && keys.just_pressed(KeyCode::BracketLeft) {
        delta -= 0.02;
    }
    // The wheel sets hand pressure (with Ctrl it zooms: see the scalp view).
    let ctrl = ctrl_held(&keys);
    for w in wheel.read() {
        if !ctrl && !over_ui.0 {
            delta += 0.01 * w.y.signum() as f64;
        }
    }
    hand.0 = (hand.0 + delta).clamp(0.0, 1.0);
}
