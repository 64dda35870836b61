//! The loupe on the head: close to the skin, a patch of the scalp around the middle of the view
//! is drawn again at 40 px per mm (the head's own texture holds about 7), so single healed dots
//! show as they would under a magnifier. The patch is a block of 3 × 3 of the scalp map's 16 mm squares,
//! cut from the head's mesh and lifted a hair above it; its pictures come from the core's
//! compositor on a thread of its own, so turning the head never waits on them.

use std::sync::mpsc::{Receiver, TryRecvError, channel};
use std::sync::{Arc, Mutex};

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};
use smp_core::geometry::Point;
use smp_core::plan::ReferencePlan;
use smp_core::render::{Compositor, Dot, PixelRect, reach_mm, round_on_skin};
use smp_core::replay::PlacedImpression;
use smp_core::surface::{Head, MeshPiece};

use super::camera::HeadScene;
use super::orbit::{HEAD_LAYER, Orbit};
use super::pick::PointerToHead;
use crate::AppSystems;
use crate::scalp::{ShownDay, viewing_day};
use crate::screen::Screen;
use crate::session::Practice;
use crate::wake::Wake;

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (follow_view, collect_pictures)
            .chain()
            .in_set(AppSystems::View)
            .run_if(not(in_state(Screen::Title))),
    );
    app.add_systems(OnEnter(Screen::Title), |mut commands: Commands| {
        commands.remove_resource::<Loupe>();
    });
}

/// The side of a loupe square on the scalp map, mm.
pub const SQUARE_MM: f64 = 16.0;
/// Squares across the loupe (it covers `SQUARES × SQUARES` of them).
pub const SQUARES: u32 = 3;
/// The loupe's resolution, px per mm: a 0.1 mm healed dot is 4 px across.
pub const PX_PER_MM: f64 = 40.0;
/// The camera comes this close to the head's centre (mm) before the loupe shows: the window
/// then sees about as much skin as the loupe covers (some 4–5 cm).
pub const SHOWS_WITHIN_MM: f32 = 200.0;
/// How far the patch floats above the head's own skin, mm: enough to win the depth test, too
/// little to see.
const LIFT_MM: f64 = 0.04;

/// The map squares (column, row) of the loupe whose middle is nearest `at`, on a map of `map_mm`.
pub fn squares_around(at: Point, map_mm: (f64, f64)) -> Vec<(u32, u32)> {
    let cols = (map_mm.0 / SQUARE_MM).ceil().max(1.0) as i64;
    let rows = (map_mm.1 / SQUARE_MM).ceil().max(1.0) as i64;
    let n = i64::from(SQUARES);
    // The block's corner square: the block is centred on `at` as nearly as the grid allows.
    let first = |v: f64, count: i64| -> i64 {
        ((v / SQUARE_MM - n as f64 / 2.0).round() as i64).clamp(0, (count - n).max(0))
    };
    let (c0, r0) = (first(at.x_mm, cols), first(at.y_mm, rows));
    let mut out = Vec::new();
    for r in r0..(r0 + n).min(rows) {
        for c in c0..(c0 + n).min(cols) {
            out.push((c as u32, r as u32));
        }
    }
    out
}

/// One loupe square painted: RGBA8, `SQUARE_MM × PX_PER_MM` px on a side, row 0 along the
/// square's smaller map y (as the head's texture tiles are).
pub fn paint_square(compositor: &Compositor, dots: &[Dot], square: (u32, u32)) -> Vec<u8> {
    let side = (SQUARE_MM * PX_PER_MM).round() as u32;
    let rect = PixelRect {
        x: square.0 * side,
        y: square.1 * side,
        width: side,
        height: side,
    };
    let (x0, y0) = (
        f64::from(square.0) * SQUARE_MM,
        f64::from(square.1) * SQUARE_MM,
    );
    let near = |d: &Dot| {
        let r = reach_mm(d) + 0.5;
        d.at.x_mm + r >= x0
            && d.at.x_mm - r <= x0 + SQUARE_MM
            && d.at.y_mm + r >= y0
            && d.at.y_mm - r <= y0 + SQUARE_MM
    };
    let candidates: Vec<usize> = (0..dots.len()).filter(|&i| near(&dots[i])).collect();
    let mut out = vec![0u8; (side * side * 4) as usize];
    compositor.render_rect(dots, candidates.into_iter(), PX_PER_MM, rect, &mut out);
    out
}

/// What the loupe shows and how far it has got.
#[derive(Resource)]
struct Loupe {
    level_hash: String,
    /// The head's mesh cut by the loupe's squares (made once per level, on the thread).
    pieces: Option<Arc<Vec<MeshPiece>>>,
    /// The squares shown and what they were painted for: impressions and day.
    shown: Option<Painted>,
    /// Work on its way back from the thread.
    pending: Option<Mutex<Receiver<Finished>>>,
    /// The block's entities.
    entities: Vec<Entity>,
    /// Whether the loupe is up (close to the skin).
    up: bool,
}

/// What a block of squares was painted for.
#[derive(Clone, PartialEq)]
struct Painted {
    squares: Vec<(u32, u32)>,
    impressions: usize,
    day_bits: u64,
}

/// A finished painting from the thread.
struct Finished {
    painted: Painted,
    pieces: Arc<Vec<MeshPiece>>,
    pictures: Vec<Vec<u8>>,
}

/// Starts, moves or hides the loupe as the camera comes close or goes away, and repaints it
/// when the work or the day shown changes.
fn follow_view(
    mut commands: Commands,
    orbit: Option<Res<Orbit>>,
    pointer: Option<Res<PointerToHead>>,
    practice: Option<Res<Practice>>,
    shown_day: Res<ShownDay>,
    loupe: Option<ResMut<Loupe>>,
    mut visibility: Query<&mut Visibility>,
) {
    let (Some(orbit), Some(pointer), Some(practice)) = (orbit, pointer, practice) else {
        return;
    };
    let Some(head) = practice.level.plan.head() else {
        return;
    };
    let Some(mut loupe) = loupe.filter(|l| l.level_hash == practice.level.hash) else {
        commands.insert_resource(Loupe {
            level_hash: practice.level.hash.clone(),
            pieces: None,
            shown: None,
            pending: None,
            entities: Vec::new(),
            up: false,
        });
        return;
    };
    let close = orbit.distance <= SHOWS_WITHIN_MM;
    if close != loupe.up {
        loupe.up = close;
        for &e in &loupe.entities {
            if let Ok(mut v) = visibility.get_mut(e) {
                *v = if close {
                    Visibility::Inherited
                } else {
                    Visibility::Hidden
                };
            }
        }
    }
    if !close || loupe.pending.is_some() {
        return;
    }
    // The middle of the view on the skin; nothing to magnify if it is off the head.
    let Some(hit) = pointer.hit(pointer.viewport.center(), 0.0, 0.0) else {
        return;
    };
    let day = viewing_day(&practice, &shown_day);
    let wanted = Painted {
        squares: squares_around(hit.at, practice.level.plan.canvas_mm),
        impressions: practice.impressions.len(),
        day_bits: day.to_bits(),
    };
    if loupe.shown.as_ref() == Some(&wanted) {
        return;
    }
    // The impressions that may touch the block, as they look on the day.
    let (x0, y0) = (
        f64::from(wanted.squares.iter().map(|s| s.0).min().unwrap_or(0)) * SQUARE_MM - 2.0,
        f64::from(wanted.squares.iter().map(|s| s.1).min().unwrap_or(0)) * SQUARE_MM - 2.0,
    );
    let span = f64::from(SQUARES) * SQUARE_MM + 4.0;
    let inside = |p: &&PlacedImpression| {
        let at = p.impression.at;
        (x0..=x0 + span).contains(&at.x_mm) && (y0..=y0 + span).contains(&at.y_mm)
    };
    let dots: Vec<Dot> = practice
        .impressions
        .iter()
        .filter(inside)
        .map(|p| Dot::of(p, day - p.made_on_day))
        .collect();
    let plan: ReferencePlan = practice.level.plan.clone();
    let pieces = loupe.pieces.clone();
    let (tx, rx) = channel();
    let painted = wanted.clone();
    std::thread::spawn(move || {
        let _ = tx.send(paint_block(&plan, &head, pieces, dots, painted));
    });
    loupe.pending = Some(Mutex::new(rx));
}

/// The thread's work: the mesh cut once, the dots made round on the skin, each square painted.
fn paint_block(
    plan: &ReferencePlan,
    head: &Head,
    pieces: Option<Arc<Vec<MeshPiece>>>,
    dots: Vec<Dot>,
    painted: Painted,
) -> Finished {
    let pieces = pieces
        .unwrap_or_else(|| Arc::new(head.mesh_by_tiles(crate::scalp::HEAD_MESH_DETAIL, SQUARE_MM)));
    let compositor = Compositor::new(plan);
    let dots = round_on_skin(head, &dots);
    let pictures = painted
        .squares
        .iter()
        .map(|&s| paint_square(&compositor, &dots, s))
        .collect();
    Finished {
        painted,
        pieces,
        pictures,
    }
}

/// Puts a finished painting on the head in place of the last one.
#[allow(clippy::too_many_arguments, reason = "a Bevy system's inputs")]
fn collect_pictures(
    mut commands: Commands,
    loupe: Option<ResMut<Loupe>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<super::skin_material::SkinMaterial>>,
    mut images: ResMut<Assets<Image>>,
    mut wake: ResMut<Wake>,
) {
    let Some(mut loupe) = loupe else { return };
    let answer = match &loupe.pending {
        None => return,
        Some(rx) => match rx.lock() {
            Ok(rx) => rx.try_recv(),
            Err(_) => Err(TryRecvError::Disconnected),
        },
    };
    let finished = match answer {
        Err(TryRecvError::Empty) => {
            // Look again soon: the picture arrives without any input.
            wake.within(0.05);
            return;
        }
        Err(TryRecvError::Disconnected) => {
            loupe.pending = None;
            return;
        }
        Ok(f) => f,
    };
    loupe.pending = None;
    for e in loupe.entities.drain(..) {
        commands.entity(e).despawn();
    }
    let side = (SQUARE_MM * PX_PER_MM).round() as u32;
    let cols = finished
        .pieces
        .iter()
        .filter_map(|p| p.tile)
        .map(|t| t.0 + 1)
        .max()
        .unwrap_or(0);
    for (&square, pixels) in finished.painted.squares.iter().zip(finished.pictures) {
        // Pieces are in square order, row by row; the part off the map comes last.
        let Some(piece) = finished
            .pieces
            .get((square.1 * cols + square.0) as usize)
            .filter(|p| p.tile == Some(square))
            .or_else(|| finished.pieces.iter().find(|p| p.tile == Some(square)))
        else {
            continue;
        };
        if piece.triangles.is_empty() {
            continue;
        }
        let image = images.add(Image::new(
            Extent3d {
                width: side,
                height: side,
                depth_or_array_layers: 1,
            },
            TextureDimension::D2,
            pixels,
            TextureFormat::Rgba8UnormSrgb,
            RenderAssetUsages::RENDER_WORLD,
        ));
        let material = materials.add(super::skin_material::SkinMaterial::textured(image));
        let mesh = super::meshes::piece_mesh(piece, LIFT_MM, RenderAssetUsages::RENDER_WORLD);
        let e = commands
            .spawn((
                Mesh3d(meshes.add(mesh)),
                MeshMaterial3d(material),
                if loupe.up {
                    Visibility::Inherited
                } else {
                    Visibility::Hidden
                },
                HeadScene,
                RenderLayers::layer(HEAD_LAYER),
                DespawnOnEnter(Screen::Title),
            ))
            .id();
        loupe.entities.push(e);
    }
    loupe.pieces = Some(finished.pieces);
    loupe.shown = Some(finished.painted);
    wake.next_frame();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_is_centred_on_the_view_and_kept_on_the_map() {
        let map = (400.0, 400.0);
        // 100 mm is 6.25 squares: the 3 × 3 block from square 5 has its middle at 104 mm.
        let block = squares_around(Point::new(100.0, 100.0), map);
        assert_eq!(block.len(), 9);
        assert_eq!((block[0], block[8]), ((5, 5), (7, 7)));
        // At the map's corner and edge the block stays on the map.
        let block = squares_around(Point::new(1.0, 399.0), map);
        assert_eq!((block[0], block[8]), ((0, 22), (2, 24)));
    }

    #[test]
    fn a_square_shows_a_dot_where_it_lies_and_only_skin_elsewhere() {
        let level = smp_core::Level::find("depth-drill", None).unwrap();
        let plan = &level.plan;
        let compositor = Compositor::new(plan);
        let attempt = smp_core::simulate::simulate(
            &level,
            smp_core::persona::Persona::Expert,
            1,
            "t",
            "2026-11-21",
        );
        let replayed = smp_core::replay::replay(plan, &attempt);
        let p = &replayed.impressions[0];
        let dot = Dot::of(p, smp_core::healing::SETTLED_DAY);
        let square = (
            (p.impression.at.x_mm / SQUARE_MM) as u32,
            (p.impression.at.y_mm / SQUARE_MM) as u32,
        );
        let side = (SQUARE_MM * PX_PER_MM) as usize;
        let with = paint_square(&compositor, &[dot], square);
        let without = paint_square(&compositor, &[], square);
        assert_eq!(with.len(), side * side * 4);
        let at = |x_mm: f64, y_mm: f64| {
            let x = ((x_mm - f64::from(square.0) * SQUARE_MM) * PX_PER_MM) as usize;
            let y = ((y_mm - f64::from(square.1) * SQUARE_MM) * PX_PER_MM) as usize;
            (y * side + x) * 4
        };
        let i = at(p.impression.at.x_mm, p.impression.at.y_mm);
        let lum =
            |px: &[u8], i: usize| u32::from(px[i]) + u32::from(px[i + 1]) + u32::from(px[i + 2]);
        assert!(
            lum(&with, i) + 30 < lum(&without, i),
            "the healed dot is darker than the skin under it"
        );
        // A millimetre away (on whichever side stays in the square) it is the same skin.
        let left = f64::from(square.0) * SQUARE_MM;
        let x = if p.impression.at.x_mm - left > SQUARE_MM / 2.0 {
            p.impression.at.x_mm - 1.0
        } else {
            p.impression.at.x_mm + 1.0
        };
        let far = at(x, p.impression.at.y_mm);
        assert_eq!(with[far..far + 4], without[far..far + 4]);
    }
}
