//! Issue 19: the trainer on a head. The mouse drives the head through the window's own event
//! messages; where a window position reaches the skin is the head camera's ray
//! ([`PointerToHead`]), so these tests need no GPU.

use std::sync::Arc;

use smp_app::Screen;
use smp_app::bevy::prelude::*;
use smp_app::bevy::window::WindowEvent;
use smp_app::head_view::{Orbit, PointerToHead};
use smp_app::session::Practice;
use smp_core::Level;
use smp_core::surface::{Head, View};

use crate::instrument::{button, moved, start, with_mouse};
use crate::support::temp_dir;

/// The window the head is seen in, logical px.
const VIEWPORT: Rect = Rect {
    min: Vec2::new(0.0, 30.0),
    max: Vec2::new(940.0, 900.0),
};

fn on_head(app: &mut App, head: Arc<Head>, view: View) -> PointerToHead {
    let pointing = PointerToHead::new(head, &Orbit::of_view(view), VIEWPORT);
    app.insert_resource(pointing.clone());
    pointing
}

fn events(app: &mut App, events: &[WindowEvent]) {
    for e in events {
        app.world_mut().write_message(e.clone());
    }
    app.update();
}

fn practice(app: &App) -> &Practice {
    app.world().resource::<Practice>()
}

/// A window position seen on the skin of the head but near its silhouette (the ray meets the
/// skin at a slant): scanning the middle row of the window in from its left edge.
fn near_the_edge(pointing: &PointerToHead) -> Vec2 {
    let y = VIEWPORT.center().y;
    let mut x = VIEWPORT.min.x;
    while pointing.hit(Vec2::new(x, y), 0.0, 0.0).is_none() {
        x += 1.0;
        assert!(x < VIEWPORT.max.x, "the head is not in the window");
    }
    Vec2::new(x + 3.0, y)
}

#[test]
fn a_tap_on_the_head_lands_where_the_cameras_ray_meets_the_skin_with_the_needle_along_it() {
    let dir = temp_dir("head-trainer-tap");
    let level = Level::find("head-crown", None).unwrap();
    let head = level.plan.head().expect("head-crown is on a head");
    let mut app = with_mouse(&dir);
    let pointing = on_head(&mut app, Arc::clone(&head), View::Top);
    start(&mut app, &level, false);
    assert_eq!(
        *app.world().resource::<State<Screen>>().get(),
        Screen::Practice
    );

    // Straight down onto the crown, from the middle of the window.
    let centre = VIEWPORT.center();
    events(
        &mut app,
        &[moved(centre.x, centre.y), button(true), button(false)],
    );
    let p = practice(&app);
    assert_eq!(p.impressions.len(), 1, "one tap, one impression");
    let hit = pointing.hit(centre, 0.0, 0.0).unwrap();
    let first = p.impressions[0].impression;
    // Places are kept to the micrometre, as the attempt file writes them.
    assert!(
        first.at.distance(hit.at) < 1e-3,
        "{:?} vs {:?}",
        first.at,
        hit.at
    );
    assert!(head.contains(first.at));
    // The sample carries the needle's axis: the ray, pointing into the skin.
    let samples = &p.live.as_ref().unwrap().record.samples;
    let axis = samples.iter().find(|s| s.contact).unwrap().axis.unwrap();
    assert!((axis - pointing.ray(centre)).length() < 1e-3);
    let normal = head.normal_at_map(first.at).unwrap();
    assert!(axis.dot(normal) < 0.0, "the needle goes into the skin");
    // Seen from straight above the crown, the needle is nearly square to the skin.
    assert!(
        first.tilt_rad.to_degrees() < 15.0,
        "{}",
        first.tilt_rad.to_degrees()
    );

    // The same tap from the front, where the skin turns away from the eye: a slanted needle.
    let pointing = on_head(&mut app, Arc::clone(&head), View::Front);
    let side = near_the_edge(&pointing);
    events(
        &mut app,
        &[moved(side.x, side.y), button(true), button(false)],
    );
    let p = practice(&app);
    assert_eq!(p.impressions.len(), 2);
    let second = &p.impressions[1].impression;
    assert!(
        second.tilt_rad > first.tilt_rad + 0.5,
        "near the silhouette the needle meets the skin at a slant: {:.0}° vs {:.0}°",
        second.tilt_rad.to_degrees(),
        first.tilt_rad.to_degrees()
    );
    // At the same hand pressure the slant goes less deep.
    assert!(second.nominal_depth_mm < first.nominal_depth_mm);
}

#[test]
fn off_the_head_nothing_is_tattooed_and_a_stroke_that_slides_off_lifts_there() {
    let dir = temp_dir("head-trainer-off");
    let level = Level::find("head-crown", None).unwrap();
    let head = level.plan.head().unwrap();
    let mut app = with_mouse(&dir);
    let pointing = on_head(&mut app, Arc::clone(&head), View::Top);
    start(&mut app, &level, false);
    let corner = VIEWPORT.min + Vec2::new(4.0, 4.0);
    assert!(
        pointing.hit(corner, 0.0, 0.0).is_none(),
        "the corner is beside the head"
    );

    // A click beside the head.
    events(
        &mut app,
        &[moved(corner.x, corner.y), button(true), button(false)],
    );
    assert_eq!(practice(&app).impressions.len(), 0);

    // Down on the crown, dragged off the head, back on, released: the needle lifted where it
    // left the skin, and went in again where it came back.
    let c = VIEWPORT.center();
    events(
        &mut app,
        &[
            moved(c.x, c.y),
            button(true),
            moved(c.x + 2.0, c.y),
            moved(corner.x, corner.y),
            moved(c.x + 40.0, c.y),
            button(false),
        ],
    );
    let p = practice(&app);
    assert_eq!(p.impressions.len(), 2, "{:?}", p.impressions.len());
    let left_at = pointing
        .hit(Vec2::new(c.x + 2.0, c.y), 0.0, 0.0)
        .unwrap()
        .at;
    let back_at = pointing
        .hit(Vec2::new(c.x + 40.0, c.y), 0.0, 0.0)
        .unwrap()
        .at;
    assert!(p.impressions[1].impression.at.distance(back_at) < 1e-3);
    // Every sample recorded lies on the scalp map: none from beside the head.
    let samples = &p.live.as_ref().unwrap().record.samples;
    assert!(samples.iter().all(|s| head.contains(s.at)));
    let lift = samples
        .iter()
        .find(|s| !s.contact && s.at.distance(left_at) < 1e-3)
        .expect("a lift where the stroke left the skin");
    assert!(lift.axis.is_some());
}

/// Where the ray from `eye` along unit `ray` first meets the head's skin, found by marching and
/// bisection on the analytic surface alone (the head is star-shaped about its centre): an
/// independent check of the core's locate.
fn ray_meets_skin(
    head: &Head,
    eye: smp_core::geometry::Vec3,
    ray: smp_core::geometry::Vec3,
) -> Option<smp_core::geometry::Vec3> {
    let outside = |t: f64| {
        let p = eye + ray * t;
        head.radius_mm(p).is_none_or(|r| p.length() > r)
    };
    let mut t = 0.0;
    while outside(t) {
        t += 0.5;
        if t > 5_000.0 {
            return None;
        }
    }
    let (mut lo, mut hi) = (t - 0.5, t);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if outside(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(eye + ray * hi)
}

#[test]
fn a_hundred_quick_taps_on_the_head_give_a_hundred_impressions_where_the_rays_meet_the_skin() {
    let dir = temp_dir("head-trainer-100");
    let level = Level::find("head-crown", None).unwrap();
    let head = level.plan.head().unwrap();
    let mut app = with_mouse(&dir);
    let pointing = on_head(&mut app, Arc::clone(&head), View::Top);
    start(&mut app, &level, false);
    let c = VIEWPORT.center();
    let places: Vec<Vec2> = (0..100)
        .map(|i| c + Vec2::new((i % 10) as f32 * 7.0 - 31.5, (i / 10) as f32 * 7.0 - 31.5))
        .collect();
    // Ten quick taps in each frame: down and up between two frames.
    for frame in places.chunks(10) {
        let taps: Vec<WindowEvent> = frame
            .iter()
            .flat_map(|p| [moved(p.x, p.y), button(true), button(false)])
            .collect();
        events(&mut app, &taps);
    }
    let p = practice(&app);
    assert_eq!(p.impressions.len(), 100, "every tap counts");
    for (placed, pos) in p.impressions.iter().zip(&places) {
        let on_skin = head.point_at(placed.impression.at).unwrap();
        let expected = ray_meets_skin(&head, pointing.eye, pointing.ray(*pos)).unwrap();
        let off = (on_skin - expected).length();
        assert!(off < 0.1, "{off} mm from where the ray meets the skin");
    }
    // The window's impressions are the core's replay of the samples it recorded.
    let attempt = p.attempt_so_far();
    let core = smp_core::replay::replay(&level.plan, &attempt);
    assert_eq!(p.impressions, core.impressions);
}

#[test]
fn the_same_tap_enters_steeper_on_the_vertex_than_above_the_ear() {
    let dir = temp_dir("head-trainer-ear");
    let level = Level::find("head-crown", None).unwrap();
    let head = level.plan.head().unwrap();
    let mut app = with_mouse(&dir);
    // One hand, held the same way: the view from above.
    let pointing = on_head(&mut app, Arc::clone(&head), View::Top);
    start(&mut app, &level, false);
    // The window positions that reach nearest the vertex and 50 mm above the left ear's top.
    let vertex = head.landmark(smp_core::surface::Landmark::Vertex).unwrap();
    let ear = head
        .landmark_3d(smp_core::surface::Landmark::EarTopLeft)
        .unwrap();
    let above_ear = head
        .to_map(ear + smp_core::geometry::Vec3::new(0.0, 0.0, 50.0))
        .unwrap();
    let nearest = |target: smp_core::geometry::Point| {
        let mut best = (f64::INFINITY, Vec2::ZERO);
        let mut y = VIEWPORT.min.y;
        while y < VIEWPORT.max.y {
            let mut x = VIEWPORT.min.x;
            while x < VIEWPORT.max.x {
                if let Some(hit) = pointing.hit(Vec2::new(x, y), 0.0, 0.0) {
                    let d = hit.at.distance(target);
                    if d < best.0 {
                        best = (d, Vec2::new(x, y));
                    }
                }
                x += 3.0;
            }
            y += 3.0;
        }
        assert!(best.0 < 5.0, "{target:?} is not seen from above: {best:?}");
        best.1
    };
    for pos in [nearest(vertex), nearest(above_ear)] {
        events(
            &mut app,
            &[moved(pos.x, pos.y), button(true), button(false)],
        );
    }
    let p = practice(&app);
    assert_eq!(p.impressions.len(), 2);
    let (on_vertex, over_ear) = (&p.impressions[0].impression, &p.impressions[1].impression);
    assert!(
        on_vertex.tilt_rad + 0.3 < over_ear.tilt_rad,
        "vertex {:.0}°, above the ear {:.0}°",
        on_vertex.tilt_rad.to_degrees(),
        over_ear.tilt_rad.to_degrees()
    );
    assert!(on_vertex.nominal_depth_mm > over_ear.nominal_depth_mm);
}
