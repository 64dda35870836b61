//! Keeping the tiles in step with the work: new impressions drawn as they come, every dot redrawn
//! for another day, and only the changed tiles uploaded.

use bevy::prelude::*;
use smp_core::render::{Dot, dot_round_on_skin};

use super::canvas::{ScalpView, ShownDay, dots_on, viewing_day};
use crate::session::Practice;

pub(super) fn draw_new_impressions(
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

pub(super) fn redraw_for_day(
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

pub(super) fn upload_dirty_tiles(
    view: Option<ResMut<ScalpView>>,
    mut images: ResMut<Assets<Image>>,
) {
    let Some(mut view) = view else { return };
    for t in view.canvas.take_dirty() {
        if let Some(mut image) = images.get_mut(&view.images[t]) {
            image.data = Some(view.canvas.tiles[t].clone());
        }
    }
}
