//! The colours heatmaps and reports use for what was measured, in one place so that the trainer,
//! the reports and the pictures agree (sRGB, 0–255).

use crate::skin::DepthOutcome;

/// Colour of a depth outcome in heatmaps (sRGB).
pub fn outcome_rgb(o: DepthOutcome) -> [u8; 3] {
    match o {
        DepthOutcome::Shallow => [242, 204, 51],
        DepthOutcome::Ideal => [51, 191, 77],
        DepthOutcome::Deep => [242, 128, 38],
        DepthOutcome::Blowout => [217, 38, 51],
    }
}

/// Colour of a nearest-dot distance relative to the minimum spacing: red closer than the
/// minimum, amber within 1.5×, green beyond.
pub fn spacing_rgb(ratio: f64) -> [u8; 3] {
    if ratio < 1.0 {
        [230, 38, 38]
    } else if ratio < 1.5 {
        [242, 178, 51]
    } else {
        [51, 178, 77]
    }
}

/// Colour of a density error: blue where too sparse, red where too dense.
pub fn density_rgb(error: f64) -> [u8; 3] {
    if error < 0.0 {
        [26, 77, 242]
    } else {
        [242, 38, 26]
    }
}
