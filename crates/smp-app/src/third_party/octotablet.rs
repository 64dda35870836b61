//! The tablet through octotablet: choosing the pen's backend once the window exists (a tablet
//! when the platform has one, else the mouse, saying why), and pumping the tablet's events into
//! [`PenInput`] samples each frame. The manager is not `Send`, so it lives on the main thread.

use bevy::prelude::*;
use bevy::window::{PrimaryWindow, RawHandleWrapper};
use smp_core::geometry::{Point, Vec3 as SkinVec3};
use smp_core::pen::PenSample;

use crate::AppSystems;
use crate::camera::{ScalpCamera, to_canvas};
use crate::clock::{ClockRunning, SessionClock};
use crate::head_view::pick::PointerToHead;
use crate::input::{
    PenBackend, PenHover, PenInput, PointerOverUi, Pointing, TabletPenNear, mouse_pen,
};
use crate::screen::Screen;
use crate::wake::Wake;

/// Tablet and mouse collectors: they need a window and a camera.
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
pub(crate) struct Tablet {
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
    mut near: ResMut<TabletPenNear>,
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
    // Samples go to the skin while tattooing, to the marker while designing, and to the
    // calibration while calibrating.
    let practising = matches!(
        state.get(),
        Screen::Practice | Screen::Design | Screen::Calibration
    );
    let on_head = on_head.filter(|_| crate::input::on_the_head(state.get()));
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
    near.0 = *in_proximity;
    if *in_proximity || *contact {
        wake.next_frame();
    } else if practising && !manager.tablets().is_empty() {
        wake.within(0.1);
    }
}
