//! Pictures of the work: the CPU compositor (`compositor`) draws the skin (tone, pores, existing
//! stubble, scars) and every impression as it looks on a given day, into RGBA pixels of the
//! canvas (on a head, its scalp map); any pixel rectangle can be drawn on its own, so a viewer
//! can redraw only the area an impression touched (`tiles`); `head` draws a head from its five
//! views, lit as in a studio, and close-ups of single dots.

mod compositor;
mod design;
mod dot;
mod head;
mod map;
mod picture;
mod tiles;

pub use compositor::Compositor;
pub use design::{DESIGN_RGB, RULE_RGB, draw_design};
pub use dot::{Dot, dots_on_day, reach_mm};
pub use head::{Camera, dot_round_on_skin, draw_head, round_on_skin};
pub use map::draw_map;
pub use picture::{Picture, PixelRect, RenderError};
pub use tiles::TileCanvas;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::{Point, Vec2};
    use crate::healing::Appearance;
    use crate::levels::Level;

    fn dot(at: Point, diameter_mm: f64, opacity: f64) -> Dot {
        Dot {
            at,
            look: Appearance {
                diameter_mm,
                opacity,
                rgb: [0.02, 0.02, 0.02],
                softness: 0.1,
                redness: 0.0,
            },
            elongation: 1.0,
            direction_rad: 0.0,
            tail: Vec2::ZERO,
        }
    }

    fn pixel(px: &[u8], w: u32, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * w + x) * 4) as usize;
        [px[i], px[i + 1], px[i + 2]]
    }

    #[test]
    fn a_dot_darkens_its_pixels_and_nothing_far_away() {
        let level = Level::find("depth-drill", None).unwrap();
        let c = Compositor::new(&level.plan);
        let ppm = 10.0;
        let (w, h, bare) = c.render(&[], ppm).unwrap();
        assert_eq!((w, h), (400, 300));
        let d = dot(Point::new(20.05, 15.05), 0.5, 0.95);
        let (_, _, inked) = c.render(&[d], ppm).unwrap();
        let lum = |p: [u8; 3]| p.iter().map(|&v| v as u32).sum::<u32>();
        assert!(lum(pixel(&inked, w, 200, 150)) < lum(pixel(&bare, w, 200, 150)) / 2);
        assert_eq!(pixel(&inked, w, 100, 50), pixel(&bare, w, 100, 50));
        // Every pixel changed lies within the dot's reach.
        let reach_px = reach_mm(&d) * ppm + 2.0;
        for y in 0..h {
            for x in 0..w {
                if pixel(&inked, w, x, y) != pixel(&bare, w, x, y) {
                    let dx = x as f64 + 0.5 - 200.5;
                    let dy = y as f64 + 0.5 - 150.5;
                    assert!(dx.hypot(dy) <= reach_px, "({x}, {y})");
                }
            }
        }
    }

    /// Issue 10, item 5: 64 full-canvas hair regions at 400 per cm² took 41 s and 7.5 GB to
    /// render; with 2,000-vertex regions, minutes. The skin now holds no more marks than the
    /// level's hairs (which levels bound) and its pores, whatever the regions' shapes.
    #[test]
    fn existing_hair_costs_what_the_level_holds() {
        let text = include_str!("../../../../tests/fixtures/hostile/05-hairy/hairy.ron");
        let hairy = Level::parse("hairy.ron".as_ref(), text).unwrap();
        let hairs: f64 = hairy
            .plan
            .skin
            .hair
            .iter()
            .map(|h| h.outline.area_mm2() / 100.0 * h.density_per_cm2)
            .sum();
        let pores = 40.0 * 40.0 * 30.0 / 100.0;
        let marks = Compositor::new(&hairy.plan).marks.len() as f64;
        assert!(
            marks <= hairs + pores + 1.0,
            "{marks} marks for {hairs} hairs"
        );
        assert!(
            marks > 0.9 * hairs,
            "the hair is drawn: {marks} marks for {hairs} hairs"
        );
        // The same hair in 2,000-vertex rings: found by the polygon index, not vertex by vertex.
        let ring: Vec<String> = (0..2000)
            .map(|k| {
                let a = std::f64::consts::TAU * k as f64 / 2000.0;
                format!(
                    "({:.4}, {:.4})",
                    20.0 + 15.0 * a.cos(),
                    15.0 + 14.0 * a.sin()
                )
            })
            .collect();
        let rings = text.replace(
            "[(0.0, 0.0), (40.0, 0.0), (40.0, 30.0), (0.0, 30.0)]",
            &format!("[{}]", ring.join(", ")),
        );
        let ringed = Level::parse("rings.ron".as_ref(), &rings).unwrap();
        let c = Compositor::new(&ringed.plan);
        assert!(c.marks.len() as f64 <= hairs + pores);
        assert!(c.render(&[], 10.0).is_ok());
    }

    #[test]
    fn a_tiny_dot_keeps_its_ink_and_sizes_are_checked() {
        let level = Level::find("depth-drill", None).unwrap();
        let c = Compositor::new(&level.plan);
        // A 0.12 mm healed dot at 10 px/mm is about one pixel, drawn crisp rather than lost.
        let (w, _, bare) = c.render(&[], 10.0).unwrap();
        let (_, _, inked) = c
            .render(&[dot(Point::new(20.05, 15.05), 0.12, 0.9)], 10.0)
            .unwrap();
        let changed = bare
            .chunks(4)
            .zip(inked.chunks(4))
            .filter(|(a, b)| a != b)
            .count();
        // An area-true square just over a pixel wide: at most the 3 × 3 pixels around it.
        assert!((1..=9).contains(&changed), "{changed} pixels");
        assert!(pixel(&inked, w, 200, 150)[0] < pixel(&bare, w, 200, 150)[0]);
        assert!(c.size_px(0.0).is_err());
        assert!(c.size_px(1e6).is_err());
        assert!(c.size_px(f64::NAN).is_err());
    }

    #[test]
    fn the_png_holds_the_rendered_pixels_whatever_the_threads() {
        let level = Level::find("strip-scar", None).unwrap();
        let c = Compositor::new(&level.plan);
        let dots = [
            dot(Point::new(20.05, 15.05), 0.3, 0.9),
            dot(Point::new(5.0, 25.0), 0.4, 0.7),
        ];
        let (w, h, rgba) = c.render(&dots, 6.0).unwrap();
        let png = c.render_png(&dots, 6.0).unwrap();
        crate::parallel::limit_threads(1);
        let one_thread = c.render_png(&dots, 6.0);
        crate::parallel::limit_threads(0);
        assert_eq!(one_thread.unwrap(), png);
        let decoded = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
        assert_eq!(decoded.color(), image::ColorType::Rgb8, "no alpha channel");
        let rgb = decoded.to_rgb8();
        assert_eq!((rgb.width(), rgb.height()), (w, h));
        let want: Vec<u8> = rgba.chunks(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        assert_eq!(rgb.into_raw(), want);
    }
}
