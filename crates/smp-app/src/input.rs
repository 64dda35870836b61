//! The input path: pen samples from a tablet (octotablet), from the mouse when no tablet can
//! serve, or from a replayed attempt, all as [`PenInput`] messages in canvas millimetres. Every
//! pose the device reports becomes one sample: none dropped, none merged. On a head, a window
//! position reaches the skin along the head camera's ray ([`PointerToHead`]): the sample is the
//! place on the scalp map and the needle's axis; a pen in contact that slides off the head lifts
//! there.

use bevy::prelude::*;
use bevy::window::{PrimaryWindow, RawHandleWrapper, WindowEvent};
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::pen::PenSample;

use crate::AppSystems;
use crate::camera::{PointerToCanvas, ScalpCamera, to_canvas};
use crate::clock::{ClockRunning, SessionClock};
use crate::head_view::pick::PointerToHead;
use crate::screen::Screen;
use crate::wake::Wake;

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
enum Pointing<'a> {
    Flat(&'a PointerToCanvas),
    Head(&'a PointerToHead),
}

impl Pointing<'_> {
    /// The place under window position `pos` (logical px) and, on a head, the needle's axis
    /// leaned by the pen's tilt (rad); `None` where the head is not.
    fn place(
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

/// Tablet and mouse collectors: need a window and a camera.
pub(crate) fn pen_backends_plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        choose_backend.run_if(not(resource_exists::<PenBackend>)),
    );
    app.add_systems(
        Update,
        pump_tablet
            .before(mouse_pen)
            .in_set(AppSystems::Input)
            .run_if(resource_exists::<PenBackend>),
    );
}

/// The octotablet manager: not `Send`, so it lives on the main thread.
struct Tablet {
    manager: octotablet::Manager,
    /// Pen state per tool: (in contact, last pose as a sample).
    contact: bool,
    last: Option<(Vec2, f64, f64, f64)>,
    in_proximity: bool,
    /// The last place the pen was over the skin (on a head: with the needle's axis).
    last_on_skin: Option<(Point, Option<SkinVec3>)>,
}

fn choose_backend(world: &mut World) {
    let mut q = world.query_filtered::<&RawHandleWrapper, With<PrimaryWindow>>();
    let Ok(handles) = q.single(world) else { return };
    // Safety: the handle is used on the main thread (this exclusive system) and the Arc inside
    // keeps the window alive for as long as the manager holds it.
    let wrapper = std::sync::Arc::new(unsafe { handles.get_handle() });
    let backend = match octotablet::Builder::new().build_shared(&wrapper) {
        Ok(manager) => {
            let api = match manager.backed() {
                octotablet::Backend::WaylandTabletUnstableV2 => "Wayland tablet_unstable_v2",
                octotablet::Backend::WindowsInkRealTimeStylus => "Windows Ink RealTimeStylus",
            };
            info!("pen input: octotablet ({api})");
            let name = manager
                .tablets()
                .first()
                .and_then(|t| t.name.clone())
                .unwrap_or_else(|| format!("octotablet ({api})"));
            world.insert_non_send(Tablet {
                manager,
                contact: false,
                last: None,
                in_proximity: false,
                last_on_skin: None,
            });
            PenBackend::Tablet {
                name,
                hardware_id: None,
            }
        }
        Err(e) => {
            let why = match (&e, handles.get_display_handle()) {
                (
                    _,
                    raw_window_handle::RawDisplayHandle::Xlib(_)
                    | raw_window_handle::RawDisplayHandle::Xcb(_),
                ) => "X11 has no tablet backend".to_string(),
                (octotablet::builder::BuildError::Unsupported, _) => {
                    "unsupported display".to_string()
                }
                (other, _) => other.to_string(),
            };
            let reason = format!("octotablet: {why}");
            info!("pen input: mouse ({reason})");
            PenBackend::Mouse { reason }
        }
    };
    world.insert_resource(backend);
}

fn pump_tablet(
    tablet: Option<NonSendMut<Tablet>>,
    cameras: Query<(&Camera, &GlobalTransform), With<ScalpCamera>>,
    on_head: Option<Res<PointerToHead>>,
    clock: Res<SessionClock>,
    mut running: ResMut<ClockRunning>,
    over_ui: Res<PointerOverUi>,
    state: Res<State<Screen>>,
    mut hover: ResMut<PenHover>,
    mut backend: ResMut<PenBackend>,
    mut out: MessageWriter<PenInput>,
    mut wake: ResMut<Wake>,
) {
    let Some(mut tablet) = tablet else { return };
    let Ok(camera) = cameras.single() else { return };
    let Tablet {
        manager,
        contact,
        last,
        in_proximity,
        last_on_skin,
    } = &mut *tablet;
    let events = match manager.pump() {
        Ok(e) => e,
        Err(e) => {
            warn!("tablet: {e}");
            return;
        }
    };
    // Samples go to the skin while tattooing, and to the calibration while calibrating.
    let practising = matches!(state.get(), Screen::Practice | Screen::Calibration);
    let on_head = on_head.filter(|_| state.get() == &Screen::Practice);
    let mut emit = |pos: Vec2, pressure: f64, tx: f64, ty: f64, touching: bool| {
        let place = match &on_head {
            Some(view) => Pointing::Head(view).place(pos, tx, ty),
            None => to_canvas(&camera, pos).map(|at| (at, None)),
        };
        let Some((at, axis)) = place else {
            // Off the head: a pen in contact lifts where it last touched the skin.
            hover.at = None;
            if hover.contact
                && let Some(at) = *last_on_skin
            {
                hover.contact = false;
                out.write(PenInput {
                    sample: PenSample {
                        t_s: clock.0,
                        at: at.0,
                        pressure: 0.0,
                        tilt_x_rad: tx,
                        tilt_y_rad: ty,
                        contact: false,
                        axis: at.1,
                    },
                    over_ui: over_ui.0,
                });
            }
            return;
        };
        *last_on_skin = Some((at, axis));
        *hover = PenHover {
            at: Some(at),
            pressure,
            contact: touching,
            from_tablet: true,
            axis,
        };
        if touching && practising && state.get() == &Screen::Practice {
            // The first touch of a session starts its clock.
            running.0 = true;
        }
        if practising {
            let sample = PenSample {
                t_s: clock.0,
                at,
                pressure,
                tilt_x_rad: tx,
                tilt_y_rad: ty,
                contact: touching,
                axis,
            };
            out.write(PenInput {
                sample,
                over_ui: over_ui.0,
            });
        }
    };
    for event in events {
        let octotablet::events::Event::Tool { tool, event } = event else {
            continue;
        };
        use octotablet::events::ToolEvent;
        match event {
            ToolEvent::In { .. } => {
                *in_proximity = true;
                if let PenBackend::Tablet { hardware_id, .. } = &mut *backend
                    && hardware_id.is_none()
                {
                    *hardware_id = tool.hardware_id.map(|h| format!("{h:?}"));
                }
            }
            ToolEvent::Down => *contact = true,
            ToolEvent::Pose(pose) => {
                let pressure =
                    pose.pressure
                        .get()
                        .unwrap_or(if *contact { 0.5 } else { 0.0 }) as f64;
                let [tx, ty] = pose.tilt.unwrap_or([0.0, 0.0]);
                let p = Vec2::new(pose.position[0], pose.position[1]);
                *last = Some((p, pressure, tx as f64, ty as f64));
                emit(p, pressure, tx as f64, ty as f64, *contact);
            }
            ToolEvent::Up => {
                *contact = false;
                if let Some((p, _, tx, ty)) = *last {
                    emit(p, 0.0, tx, ty, false);
                }
            }
            ToolEvent::Out => *in_proximity = false,
            _ => {}
        }
    }
    // The tablet's events come on its own queue, not as window events, so they do not wake the
    // loop. A pen near the tablet is read every frame; with none near, the tablet is looked at ten
    // times a second while tattooing, so a pen coming near is noticed before it touches (its
    // events wait in the queue meanwhile: none is lost).
    if *in_proximity || *contact {
        wake.next_frame();
    } else if practising && !manager.tablets().is_empty() {
        wake.within(0.1);
    }
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

/// The mouse as a pen, from the window's own event stream: every cursor move and every press and
/// release of the left button is a sample, in the order the window delivered them, however many
/// arrive between two frames (a tap pressed and released within one frame is a dot). Events of
/// one frame are spread evenly over the time since the previous frame, so dwell and speed mean
/// the same at 10 fps as at 144.
#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn mouse_pen(
    tablet: Option<NonSend<Tablet>>,
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
    if tablet.as_ref().is_some_and(|t| t.in_proximity) {
        return;
    }
    // Samples go to the skin while tattooing, and to the calibration while calibrating.
    let practising = matches!(state.get(), Screen::Practice | Screen::Calibration);
    let pointing = match (&on_head, &view) {
        (Some(head), _) if state.get() == &Screen::Practice => Pointing::Head(head),
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
