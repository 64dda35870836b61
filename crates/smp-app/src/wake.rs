//! When the trainer runs a frame. The event loop sleeps until there is input, or until something
//! the trainer promised to do by itself is due: a replay's next step, a screenshot being taken and
//! written, `--exit-when-done`, the session clock's next second, an autosave, a notice to take
//! down. Each of those says so in [`Wake`] during the frame; at the end of the frame the loop is
//! asked for the next frame at once ([`Wake::next_frame`]), woken by an alarm at the earliest
//! moment asked for ([`Wake::within`]), or left to wait for input.
//!
//! Nothing else wakes it: a screen that shows nothing moving costs no frames, and one that
//! promised something never waits for a mouse move to keep its promise.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::window::RequestRedraw;
use bevy::winit::{EventLoopProxyWrapper, UpdateMode, WinitSettings, WinitUserEvent};

use crate::screen::Screen;

pub(crate) fn plugin(app: &mut App) {
    app.init_resource::<Wake>();
    // Under MinimalPlugins (tests) there is no window plugin to declare it.
    app.add_message::<RequestRedraw>();
    app.add_systems(
        Last,
        (finish_screen_changes, ask_the_loop.in_set(AskTheLoop)).chain(),
    );
    app.init_resource::<FrameRate>();
    app.add_systems(First, count_frames);
}

/// With a renderer: frames go on while a render pipeline is still being compiled. A pipeline
/// compiles in the background (seconds for a software renderer), and whatever needs it (the
/// head's skin, the panels) is left out of the frames drawn until then: without a frame after it
/// is ready, a trainer that waits for input would show a window without its panels.
pub(crate) fn render_plugin(app: &mut App) {
    app.init_resource::<PipelinesWaiting>();
    app.add_systems(Last, wait_for_pipelines.before(AskTheLoop));
    if let Some(render_app) = app.get_sub_app_mut(bevy::render::RenderApp) {
        render_app.add_systems(ExtractSchedule, note_waiting_pipelines);
    }
}

/// Whether the renderer had pipelines still compiling at the last frame's extraction.
#[derive(Resource, Debug, Default)]
struct PipelinesWaiting(bool);

fn note_waiting_pipelines(
    mut main_world: ResMut<bevy::render::MainWorld>,
    pipelines: Res<bevy::render::render_resource::PipelineCache>,
) {
    if let Some(mut waiting) = main_world.get_resource_mut::<PipelinesWaiting>() {
        let any = pipelines.waiting_pipelines().next().is_some();
        if waiting.0 != any {
            waiting.0 = any;
        }
    }
}

/// While pipelines compile, a frame every tenth of a second, so the first one drawn with them
/// all comes without waiting for input.
fn wait_for_pipelines(waiting: Res<PipelinesWaiting>, mut wake: ResMut<Wake>) {
    if waiting.0 {
        wake.within(0.1);
    }
}

/// The frame rate while something moves (the pen, a replay), for the HUD: a trainee sees at once
/// if the machine cannot keep up. Frames that end a wait for input or for a due moment say
/// nothing about that, so only frames that follow another within a quarter second count.
#[derive(Resource, Debug, Default)]
pub struct FrameRate {
    /// The latest frames' lengths, s (oldest first).
    recent: std::collections::VecDeque<f64>,
}

impl FrameRate {
    /// Frames kept.
    const KEPT: usize = 20;
    /// Longest gap between two frames of a busy run, s.
    const BUSY_GAP_S: f64 = 0.25;

    /// Frames per second over the latest busy frames; `None` when the trainer is idle (fewer
    /// than half of the latest frames followed another closely).
    pub fn busy_fps(&self) -> Option<f64> {
        let busy: Vec<f64> = self
            .recent
            .iter()
            .copied()
            .filter(|&dt| dt > 0.0 && dt < Self::BUSY_GAP_S)
            .collect();
        if busy.len() * 2 < Self::KEPT {
            return None;
        }
        Some(busy.len() as f64 / busy.iter().sum::<f64>())
    }

    /// Counts a frame that came `dt_s` after the previous one.
    pub fn count(&mut self, dt_s: f64) {
        if self.recent.len() == Self::KEPT {
            self.recent.pop_front();
        }
        self.recent.push_back(dt_s);
    }
}

fn count_frames(time: Res<Time<Real>>, mut rate: ResMut<FrameRate>) {
    rate.count(time.delta_secs_f64());
}

/// The frame's last word to the event loop; systems of `Last` that ask for frames run before it.
#[derive(SystemSet, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AskTheLoop;

/// The loop's setting for the whole run: wait for window events (input, a redraw asked for)
/// and the alarm's wake-ups, never for a fixed frame rate. The hour is only a backstop.
pub(crate) fn winit_settings() -> WinitSettings {
    let mode = UpdateMode::reactive_low_power(Duration::from_secs(3600));
    WinitSettings {
        focused_mode: mode,
        unfocused_mode: mode,
    }
}

/// What this frame's systems need of the next frames.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Needs {
    /// Something changes every frame (a replay feeding samples, a screenshot on its way, a held
    /// pan key, a pen near the tablet): the next frame at once.
    pub next_frame: bool,
    /// The earliest moment something else is due.
    pub at: Option<Instant>,
}

/// The frames the trainer needs without input. Systems ask during a frame; the last system of the
/// frame passes the request to the event loop and starts afresh.
#[derive(Resource, Debug, Default)]
pub struct Wake {
    /// Asked during this frame.
    asking: Needs,
    /// What the last finished frame asked for (for tests and the log).
    asked: Needs,
}

impl Wake {
    /// The next frame is needed at once.
    pub fn next_frame(&mut self) {
        self.asking.next_frame = true;
    }

    /// A frame is needed within `seconds` from now (at the latest); negative or NaN means now.
    pub fn within(&mut self, seconds: f64) {
        let delay = if seconds.is_finite() && seconds > 0.0 {
            Duration::from_secs_f64(seconds.min(3600.0))
        } else {
            Duration::ZERO
        };
        let at = Instant::now() + delay;
        self.asking.at = Some(self.asking.at.map_or(at, |t| t.min(at)));
    }

    /// What the last finished frame asked for.
    pub fn asked(&self) -> Needs {
        self.asked
    }
}

/// Sends the event loop a wake-up at the time it was last given (a newer time replaces it).
#[derive(Resource)]
struct Alarm {
    set: mpsc::Sender<Option<Instant>>,
    /// The time last given, to send only changes.
    last: Option<Instant>,
}

impl Alarm {
    /// Starts the alarm's thread; `None` if the system refuses a thread.
    fn start(proxy: bevy::winit::EventLoopProxy<WinitUserEvent>) -> Option<Self> {
        let (set, times) = mpsc::channel::<Option<Instant>>();
        let ring = move || {
            let mut due: Option<Instant> = None;
            loop {
                let next = match due {
                    Some(at) => times.recv_timeout(at.saturating_duration_since(Instant::now())),
                    None => times
                        .recv()
                        .map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                };
                match next {
                    Ok(at) => due = at,
                    Err(mpsc::RecvTimeoutError::Timeout) => {
                        due = None;
                        if proxy.send_event(WinitUserEvent::WakeUp).is_err() {
                            return;
                        }
                    }
                    // The app is gone.
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
            }
        };
        match std::thread::Builder::new()
            .name("smp-trainer wake alarm".into())
            .spawn(ring)
        {
            Ok(_) => Some(Self { set, last: None }),
            Err(e) => {
                warn!("no wake alarm ({e}): frames run continuously while anything is due");
                None
            }
        }
    }
}

/// A screen asked for this frame is entered at the start of the next one, and a screen just
/// entered lays out its panels over two passes: both take a frame nobody may be there to cause.
fn finish_screen_changes(
    state: Option<Res<State<Screen>>>,
    next: Option<Res<NextState<Screen>>>,
    mut wake: ResMut<Wake>,
) {
    let pending =
        next.is_some_and(|n| matches!(*n, NextState::Pending(_) | NextState::PendingIfNeq(_)));
    if pending || state.is_some_and(|s| s.is_changed()) {
        wake.next_frame();
    }
}

fn ask_the_loop(
    mut commands: Commands,
    mut wake: ResMut<Wake>,
    alarm: Option<ResMut<Alarm>>,
    proxy: Option<Res<EventLoopProxyWrapper>>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let needs = std::mem::take(&mut wake.asking);
    wake.asked = needs;
    if needs.next_frame {
        redraw.write(RequestRedraw);
    }
    // An alarm only where there is an event loop to wake (not under the tests' manual updates).
    let at = if needs.next_frame { None } else { needs.at };
    let Some(proxy) = proxy else { return };
    if let Some(mut alarm) = alarm {
        if alarm.last != at {
            alarm.last = at;
            let _ = alarm.set.send(at);
        }
        return;
    }
    match Alarm::start((**proxy).clone()) {
        Some(mut alarm) => {
            alarm.last = at;
            let _ = alarm.set.send(at);
            commands.insert_resource(alarm);
        }
        // Without a thread to wake it, the loop is kept awake while anything is due.
        None if at.is_some() => {
            redraw.write(RequestRedraw);
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frame_rate_counts_busy_frames_and_says_idle_otherwise() {
        let mut rate = FrameRate::default();
        assert_eq!(rate.busy_fps(), None);
        for _ in 0..FrameRate::KEPT {
            rate.count(0.05);
        }
        let fps = rate.busy_fps().unwrap();
        assert!((fps - 20.0).abs() < 1e-9, "{fps}");
        // A clock ticking once a second is not a frame rate.
        for _ in 0..FrameRate::KEPT {
            rate.count(1.0);
        }
        assert_eq!(rate.busy_fps(), None);
    }

    #[test]
    fn the_earliest_moment_asked_for_wins_and_a_frame_is_asked_at_once() {
        let mut wake = Wake::default();
        wake.within(2.0);
        wake.within(0.5);
        wake.within(f64::NAN);
        let at = wake.asking.at.unwrap();
        assert!(at <= Instant::now(), "NaN means now");
        let mut wake = Wake::default();
        wake.within(3.0);
        wake.within(1.0);
        let left = wake
            .asking
            .at
            .unwrap()
            .saturating_duration_since(Instant::now());
        assert!(left <= Duration::from_secs(1) && left > Duration::from_millis(900));
        assert!(!wake.asking.next_frame);
        wake.next_frame();
        assert!(wake.asking.next_frame);
    }
}
