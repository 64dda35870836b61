//! Every limit on untrusted input, in one table, so that they can be read (and checked against
//! each other) together. File sizes per kind are in [`crate::files::FileKind::limit_bytes`],
//! which reads its figures from here.

/// Largest level file, bytes. Hand-written levels are a few KiB.
pub const LEVEL_BYTES: u64 = 4 * 1024 * 1024;
/// Largest attempt or autosave file, bytes.
pub const ATTEMPT_BYTES: u64 = 128 * 1024 * 1024;
/// Largest progress, calibration or key file, bytes.
pub const SMALL_FILE_BYTES: u64 = 1024 * 1024;

/// Most pen samples in one attempt, all sessions together.
pub const MAX_SAMPLES: usize = 4_000_000;
/// Most characters in a trainee name, device name or other short text of an attempt.
pub const MAX_TEXT: usize = 200;

/// Most vertices of one polygon (zone, scar, hair region).
pub const MAX_VERTICES: usize = 2_000;
/// Most zones, scars or hair regions of one level (each list separately).
pub const MAX_REGIONS: usize = 64;
/// Most impressions a level may plan, all sessions together. Chosen so that the attempt the
/// simulator writes for the largest plan stays under [`ATTEMPT_BYTES`] (a test checks it).
pub const MAX_PLANNED_IMPRESSIONS: f64 = 300_000.0;
/// Most points of a level's hairline.
pub const MAX_HAIRLINE_VERTICES: usize = 400;
/// Most marker strokes in an attempt's hairline design.
pub const MAX_DESIGN_STROKES: usize = 500;
/// Most marker points in an attempt's hairline design, all strokes together.
pub const MAX_DESIGN_POINTS: usize = 50_000;
/// Largest coordinate of a design's places, mm: beyond any head's scalp map.
pub const MAX_DESIGN_MM: f64 = 2_000.0;
/// Most existing hairs a level's hair regions may hold, all regions together.
pub const MAX_HAIRS: f64 = 2_000_000.0;

/// Most comments in an attempt's review notes.
pub const MAX_COMMENTS: usize = 1000;
/// Most characters in one comment or an override's reason.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Most characters in an author's name.
pub const MAX_AUTHOR_CHARS: usize = 200;

/// Deepest folder `grade` descends into below the class folder.
pub const MAX_FOLDER_DEPTH: usize = 16;
/// Largest rendered image side, px.
pub const MAX_SIDE_PX: u32 = 16_384;
