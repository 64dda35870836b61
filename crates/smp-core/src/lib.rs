//! smp-trainer's engine-free core: a virtual scalp for scalp micropigmentation (SMP) training.
//!
//! Pen samples become needle impressions ([`needle`]), the skin decides where their pigment
//! lands ([`skin`]), [`healing`] says how each looks on any day, [`score`] judges an attempt
//! against its level's [`plan`], [`attempt`] files record everything needed to replay it, and
//! [`render`] draws it all to pixels. No game engine is needed for any of it: the Bevy trainer
//! (the `smp-app` crate) and the command line are layers on top.
//!
//! Modules depend on each other in one direction only (no import cycles; a test checks it):
//! limits, geometry, text, files, rng, parallel and progress at the bottom; then the skin, needle and pen models;
//! plans and levels; attempts (with their review [`notes`]); replay and scoring; and the
//! instructor's tools (review, reports, grading, the level editor) on top.

pub mod attempt;
pub mod cross_section;
pub mod curve;
pub mod design;
pub mod editor;
pub mod files;
pub mod geometry;
pub mod grade;
pub mod healing;
pub mod levels;
pub mod limits;
pub mod live;
pub mod needle;
pub mod notes;
pub mod palette;
pub mod parallel;
pub mod pen;
pub mod persona;
pub mod plan;
pub mod progress;
pub mod render;
pub mod replay;
pub mod report;
pub mod review;
pub mod rng;
pub mod sample_block;
pub mod score;
pub mod scoring_table;
pub mod signing;
pub mod simulate;
pub mod skin;
pub mod spatial;
pub mod surface;
pub mod text;

pub use attempt::Attempt;
pub use levels::Level;
pub use plan::ReferencePlan;
pub use score::Score;
