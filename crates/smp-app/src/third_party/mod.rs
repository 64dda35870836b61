//! Third-party plugins, one file each, set up as this trainer needs them (as foxtrot's
//! `third_party/`): `egui` for the panels, `octotablet` for the pen tablet.

pub mod egui;
pub mod octotablet;
