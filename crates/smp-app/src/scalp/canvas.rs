//! The scalp's canvas: the tiles of pixels the compositor paints, what day they show, and the
//! head's meshes cut by them; painted in full on the loading thread for a big attempt.

use std::sync::Arc;

use bevy::prelude::*;
use smp_core::render::{Compositor, Dot, TileCanvas, round_on_skin};
use smp_core::surface::{Head, MeshPiece};

use crate::session::Practice;

/// A texture tile of the scalp.
#[derive(Component)]
pub(super) struct ScalpTile;

/// The day the scalp shows: `None` while tattooing (fresh work, earlier sessions healed to
/// today), or days after the last session (results, between sessions).
#[derive(Resource, Default, PartialEq)]
pub struct ShownDay(pub Option<f64>);

/// The drawn scalp of the current practice.
#[derive(Resource)]
pub struct ScalpView {
    pub(super) compositor: Compositor,
    /// The tiled pixels.
    pub canvas: TileCanvas,
    /// The canvas size, mm.
    pub(super) canvas_mm: (f32, f32),
    pub(super) images: Vec<Handle<Image>>,
    pub(super) level_hash: String,
    /// The head the scalp is on (dots are reshaped to be round on its skin), if any.
    pub(super) head: Option<Arc<Head>>,
    pub(super) shown: Option<f64>,
    /// The attempt-timeline day the drawn dots show (a new session moves it on).
    pub(super) drawn_day: f64,
}

impl ScalpView {
    /// Makes the next frame redraw every dot (work was taken away, not only added).
    pub fn invalidate(&mut self) {
        self.drawn_day = f64::NAN;
    }
}

/// Pixels per mm for a canvas: fine enough for a loupe, at most 4096 px on the long side.
pub(super) fn scale_for(canvas_mm: (f64, f64)) -> f64 {
    (4096.0 / canvas_mm.0.max(canvas_mm.1)).min(40.0)
}

/// The side of a texture tile, px: small on a flat skin, where each tile is a sprite and a dot
/// re-uploads only its tile; larger on a head, where each tile is a mesh with its own material
/// and every one is a draw call (on Mesa's software renderer, 256 tiles cost a fifth of the
/// frame rate; 64 do not).
pub(super) fn tile_px(on_head: bool) -> u32 {
    if on_head { 512 } else { 256 }
}

/// How finely the head's meshes follow its shape (the core's subdivision level: some 20,000
/// triangles, edges of about 3 mm, within 0.02 mm of the skin). One level finer (80,000) cost a
/// quarter of the frame rate on a software renderer for no difference a trainee can see; one
/// coarser shows facets along the nose.
pub(crate) const HEAD_MESH_DETAIL: u32 = 5;

/// Every impression as it looks on `day` of the attempt's timeline (on a head, reshaped to be
/// round on the skin).
pub(super) fn dots_on(practice: &Practice, day: f64) -> Vec<Dot> {
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
pub struct PreparedScalp(pub(super) Option<ScalpPixels>);

/// The painted canvas and what it shows.
pub struct ScalpPixels {
    pub(super) compositor: Compositor,
    pub(super) canvas: TileCanvas,
    pub(super) day: f64,
    pub(super) level_hash: String,
    pub(super) impressions: usize,
    /// On a head: its meshes, cut by the canvas's tiles.
    pub(super) pieces: Vec<MeshPiece>,
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
