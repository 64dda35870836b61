//! The named places of a human head (left and right are the client's) and the regions of its
//! skin.

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

/// A named anatomical place on a human head. Left and right are the client's own (left is −x).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Landmark {
    /// Between the brows, the most forward point of the forehead's base (on +y).
    Glabella,
    /// The root of the nose, just below the glabella.
    Nasion,
    /// The middle of the left eyebrow, above the left pupil.
    BrowLeft,
    /// The middle of the right eyebrow, above the right pupil.
    BrowRight,
    /// The left eye's outer corner (lateral canthus).
    OuterCanthusLeft,
    /// The right eye's outer corner (lateral canthus).
    OuterCanthusRight,
    /// The middle of the left pupil, looking ahead: it fixes the left mid-pupil line.
    PupilLeft,
    /// The middle of the right pupil, looking ahead: it fixes the right mid-pupil line.
    PupilRight,
    /// The tip of the nose (pronasale).
    NoseTip,
    /// The left tragus, in front of the ear canal.
    TragusLeft,
    /// The right tragus, in front of the ear canal.
    TragusRight,
    /// The top of the left ear.
    EarTopLeft,
    /// The top of the right ear.
    EarTopRight,
    /// The middle of the left temple's hollow.
    TempleLeft,
    /// The middle of the right temple's hollow.
    TempleRight,
    /// The top of the head (on +z), the scalp map's centre.
    Vertex,
    /// The crown's hair whorl: behind and slightly right of the vertex.
    CrownWhorl,
    /// The external occipital protuberance (inion) at the back of the head.
    OccipitalBump,
    /// The nape's hairline in the midline.
    Nape,
}

impl Landmark {
    /// Every landmark, in declaration order.
    pub const ALL: [Landmark; 19] = [
        Landmark::Glabella,
        Landmark::Nasion,
        Landmark::BrowLeft,
        Landmark::BrowRight,
        Landmark::OuterCanthusLeft,
        Landmark::OuterCanthusRight,
        Landmark::PupilLeft,
        Landmark::PupilRight,
        Landmark::NoseTip,
        Landmark::TragusLeft,
        Landmark::TragusRight,
        Landmark::EarTopLeft,
        Landmark::EarTopRight,
        Landmark::TempleLeft,
        Landmark::TempleRight,
        Landmark::Vertex,
        Landmark::CrownWhorl,
        Landmark::OccipitalBump,
        Landmark::Nape,
    ];

    /// The kebab-case name, e.g. `"outer-canthus-left"`.
    pub fn name(self) -> &'static str {
        match self {
            Landmark::Glabella => "glabella",
            Landmark::Nasion => "nasion",
            Landmark::BrowLeft => "brow-left",
            Landmark::BrowRight => "brow-right",
            Landmark::OuterCanthusLeft => "outer-canthus-left",
            Landmark::OuterCanthusRight => "outer-canthus-right",
            Landmark::PupilLeft => "pupil-left",
            Landmark::PupilRight => "pupil-right",
            Landmark::NoseTip => "nose-tip",
            Landmark::TragusLeft => "tragus-left",
            Landmark::TragusRight => "tragus-right",
            Landmark::EarTopLeft => "ear-top-left",
            Landmark::EarTopRight => "ear-top-right",
            Landmark::TempleLeft => "temple-left",
            Landmark::TempleRight => "temple-right",
            Landmark::Vertex => "vertex",
            Landmark::CrownWhorl => "crown-whorl",
            Landmark::OccipitalBump => "occipital-bump",
            Landmark::Nape => "nape",
        }
    }

    /// The position in [`Landmark::ALL`].
    pub(super) fn index(self) -> usize {
        self as usize
    }

    /// The same landmark on the other side (itself on the midline).
    pub fn mirrored(self) -> Landmark {
        use Landmark::*;
        match self {
            BrowLeft => BrowRight,
            BrowRight => BrowLeft,
            OuterCanthusLeft => OuterCanthusRight,
            OuterCanthusRight => OuterCanthusLeft,
            PupilLeft => PupilRight,
            PupilRight => PupilLeft,
            TragusLeft => TragusRight,
            TragusRight => TragusLeft,
            EarTopLeft => EarTopRight,
            EarTopRight => EarTopLeft,
            TempleLeft => TempleRight,
            TempleRight => TempleLeft,
            other => other,
        }
    }
}

impl fmt::Display for Landmark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A landmark name that is not one of [`Landmark::ALL`]'s.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[error("unknown landmark {0:?}")]
pub struct UnknownLandmark(pub String);

impl FromStr for Landmark {
    type Err = UnknownLandmark;
    fn from_str(s: &str) -> Result<Landmark, UnknownLandmark> {
        Landmark::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| UnknownLandmark(s.to_string()))
    }
}

/// What part of a human head a place is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Region {
    /// Where hair grows on a head with no loss (Norwood 1): inside the scalp outline, off the
    /// ears. Tattooing zones belong here.
    Scalp,
    /// The face: outside the scalp outline, in front of the ears.
    Face,
    /// On or around an ear.
    Ear,
    /// The neck: outside the scalp outline, behind the ears and below the nape.
    Neck,
}

impl Region {
    /// The kebab-case name, e.g. `"scalp"`.
    pub fn name(self) -> &'static str {
        match self {
            Region::Scalp => "scalp",
            Region::Face => "face",
            Region::Ear => "ear",
            Region::Neck => "neck",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
