//! The five ways an artist looks at a head while working (and a client sees it): from the front,
//! either side, above and behind. Personas work the head view by view; pictures are drawn from
//! them.

use std::fmt;
use std::str::FromStr;

use crate::geometry::Vec3;

/// A view of the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum View {
    /// Facing the client: the forehead and hairline.
    Front,
    /// From the client's left: the left temple, above the ear.
    Left,
    /// From the client's right.
    Right,
    /// From above: the crown and the top, the face at the top of the picture.
    Top,
    /// From behind: the crown whorl, the occiput and the nape.
    Back,
}

impl View {
    /// Every view, in the order pictures list them.
    pub const ALL: [View; 5] = [View::Front, View::Left, View::Right, View::Top, View::Back];

    /// Name on the command line (`front`, `left`, `right`, `top`, `back`).
    pub fn name(self) -> &'static str {
        match self {
            View::Front => "front",
            View::Left => "left",
            View::Right => "right",
            View::Top => "top",
            View::Back => "back",
        }
    }

    /// The direction from the head toward the eye, a unit vector in the head's frame.
    pub fn toward_eye(self) -> Vec3 {
        match self {
            View::Front => Vec3::new(0.0, 1.0, 0.0),
            View::Left => Vec3::new(-1.0, 0.0, 0.0),
            View::Right => Vec3::new(1.0, 0.0, 0.0),
            View::Top => Vec3::new(0.0, 0.0, 1.0),
            View::Back => Vec3::new(0.0, -1.0, 0.0),
        }
    }

    /// Up on the picture, a unit vector in the head's frame (the face is up in the top view).
    pub fn up(self) -> Vec3 {
        match self {
            View::Top => Vec3::new(0.0, 1.0, 0.0),
            _ => Vec3::new(0.0, 0.0, 1.0),
        }
    }

    /// Right on the picture, a unit vector in the head's frame.
    pub fn right(self) -> Vec3 {
        self.up().cross(self.toward_eye())
    }

    /// The view that sees a place with outward normal `normal` most squarely.
    pub fn facing(normal: Vec3) -> View {
        let mut best = (View::Top, f64::NEG_INFINITY);
        for v in View::ALL {
            let c = normal.dot(v.toward_eye());
            if c > best.1 {
                best = (v, c);
            }
        }
        best.0
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A view name that is not one of [`View::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown view {0:?}; choose one of front, left, right, top, back")]
pub struct UnknownView(pub String);

impl FromStr for View {
    type Err = UnknownView;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        View::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownView(s.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_view_is_a_right_handed_screen_facing_its_side() {
        for v in View::ALL {
            let (r, u, e) = (v.right(), v.up(), v.toward_eye());
            assert!((r.length() - 1.0).abs() < 1e-12 && r.dot(u).abs() < 1e-12);
            // Right × up points at the eye: the picture is not mirrored.
            assert!((r.cross(u).dot(e) - 1.0).abs() < 1e-12, "{v}");
            assert_eq!(View::facing(e), v);
            assert_eq!(v.name().parse::<View>(), Ok(v));
        }
        // Facing the client, their left ear is on the picture's right.
        assert!(View::Front.right().x < 0.0);
        // From above, the client's right is on the picture's right (as on the scalp map).
        assert!(View::Top.right().x > 0.0);
    }
}
