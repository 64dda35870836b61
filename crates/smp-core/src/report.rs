//! Review reports an academy can file or send: a PNG of the healed result beside its heatmaps,
//! and an HTML or Markdown page with the score breakdown, plots and the instructor's notes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::files::{self, FileError};
use crate::notes::{Pin, ReviewNotes};
use crate::palette::{density_rgb, outcome_rgb, spacing_rgb};
use crate::progress::{Meter, Quiet};
use crate::render::{Camera, Compositor, RenderError, dots_on_day, draw_design, draw_head};
use crate::review::ReviewedAttempt;
use crate::surface::View;

/// Days after the last session the report's healed picture shows: the day healing has settled
/// (six weeks), as `healing` names it.
pub use crate::healing::SETTLED_DAY as HEALED_DAY;
/// Long side of each of the picture's four panels, px.
pub const PANEL_PX: f64 = 800.0;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The picture could not be drawn.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// A file could not be written.
    #[error(transparent)]
    File(#[from] FileError),
    /// The PNG could not be encoded.
    #[error("encoding the PNG: {0}")]
    Png(String),
    /// The page's name does not say which format.
    #[error("{0}: the report must end in .html or .md")]
    Format(PathBuf),
}

/// Relative density error of a cell, −1 (empty) to +1 (twice or more the plan); `None` where
/// the plan and the work are both empty.
pub fn density_error(planned: f64, placed: f64) -> Option<f64> {
    if planned <= 0.0 && placed <= 0.0 {
        return None;
    }
    Some(((placed - planned) / planned.max(1.0)).clamp(-1.0, 1.0))
}

/// Counts of `values` in `bins` equal bins over `lo..hi` (values outside go to the end bins).
pub fn bin_counts(values: &[f64], lo: f64, hi: f64, bins: usize) -> Vec<u32> {
    let bins = bins.max(1);
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0u32; bins];
    for v in values.iter().filter(|v| v.is_finite()) {
        let b = (((v - lo) / width).floor().max(0.0) as usize).min(bins - 1);
        counts[b] += 1;
    }
    counts
}

struct Canvas {
    w: u32,
    h: u32,
    px: Vec<u8>,
}

impl Canvas {
    fn blank(w: u32, h: u32) -> Self {
        Canvas {
            w,
            h,
            px: vec![255; w as usize * h as usize * 4],
        }
    }

    fn blend(&mut self, x: i64, y: i64, rgb: [u8; 3], alpha: f64) {
        if x < 0 || y < 0 || x >= self.w as i64 || y >= self.h as i64 {
            return;
        }
        let i = (y as usize * self.w as usize + x as usize) * 4;
        for (c, v) in rgb.iter().enumerate() {
            let old = self.px[i + c] as f64;
            self.px[i + c] = (old + (*v as f64 - old) * alpha).round() as u8;
        }
    }

    fn disc(&mut self, cx: f64, cy: f64, r: f64, rgb: [u8; 3], alpha: f64) {
        let (x0, x1) = ((cx - r).floor() as i64, (cx + r).ceil() as i64);
        let (y0, y1) = ((cy - r).floor() as i64, (cy + r).ceil() as i64);
        for y in y0..=y1 {
            for x in x0..=x1 {
                let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
                let cover = (r + 0.5 - d).clamp(0.0, 1.0);
                if cover > 0.0 {
                    self.blend(x, y, rgb, alpha * cover);
                }
            }
        }
    }

    fn ring(&mut self, cx: f64, cy: f64, r: f64, width: f64, rgb: [u8; 3]) {
        let e = r + width;
        for y in (cy - e).floor() as i64..=(cy + e).ceil() as i64 {
            for x in (cx - e).floor() as i64..=(cx + e).ceil() as i64 {
                let d = ((x as f64 + 0.5 - cx).powi(2) + (y as f64 + 0.5 - cy).powi(2)).sqrt();
                let cover = (width / 2.0 + 0.5 - (d - r).abs()).clamp(0.0, 1.0);
                if cover > 0.0 {
                    self.blend(x, y, rgb, cover);
                }
            }
        }
    }

    fn rect(&mut self, x0: f64, y0: f64, side: f64, rgb: [u8; 3], alpha: f64) {
        for y in y0.round() as i64..(y0 + side).round() as i64 {
            for x in x0.round() as i64..(x0 + side).round() as i64 {
                self.blend(x, y, rgb, alpha);
            }
        }
    }

    /// Copies an RGBA image in at (`ox`, `oy`), lightened towards white by `fade` (0..1).
    fn paste(&mut self, ox: u32, oy: u32, w: u32, h: u32, src: &[u8], fade: f64) {
        for y in 0..h.min(self.h.saturating_sub(oy)) {
            for x in 0..w.min(self.w.saturating_sub(ox)) {
                let s = (y as usize * w as usize + x as usize) * 4;
                let d = ((oy + y) as usize * self.w as usize + (ox + x) as usize) * 4;
                for c in 0..3 {
                    let v = src[s + c] as f64;
                    self.px[d + c] = (v + (255.0 - v) * fade).round() as u8;
                }
                self.px[d + 3] = 255;
            }
        }
    }
}

/// What the report picture's last row shows, for a head level (nothing on a flat skin).
fn head_row_text(plan: &crate::plan::ReferencePlan) -> &'static str {
    if plan.head().is_some() {
        " The panels above are the scalp map (face at the top); the bottom row is the healed head from the front, from above and from the right."
    } else {
        ""
    }
}

/// The report picture: healed result (top left, comment pins ringed in magenta), depth
/// outcomes (top right), spacing (bottom left) and density error (bottom right, blue sparse,
/// red dense). Returns width, height and RGBA8 rows.
pub fn picture(
    r: &ReviewedAttempt,
    notes: &ReviewNotes,
) -> Result<(u32, u32, Vec<u8>), ReportError> {
    let plan = &r.level.plan;
    let ppm = PANEL_PX / plan.canvas_mm.0.max(plan.canvas_mm.1);
    let compositor = Compositor::new(plan);
    let healed_dots = dots_on_day(&r.replay, HEALED_DAY);
    let (w, h, mut healed) = compositor.render(&healed_dots, ppm)?;
    let head = plan.head();
    if let Some(head) = &head {
        // The square around the scalp map that the map does not reach: the backdrop.
        for (k, px) in healed.chunks_exact_mut(4).enumerate() {
            let (x, y) = ((k as u32 % w) as f64 + 0.5, (k as u32 / w) as f64 + 0.5);
            if !head.contains(crate::geometry::Point::new(x / ppm, y / ppm)) {
                px[..3].copy_from_slice(&[70, 70, 76]);
            }
        }
    }
    let gap = 12u32;
    // A head adds a row: the healed head from the front, the top and the right, as a client
    // sees it.
    let view_side = (2 * w + 3 * gap - 4 * gap) / 3;
    let views_h = if head.is_some() { view_side + gap } else { 0 };
    let mut c = Canvas::blank(2 * w + 3 * gap, 2 * h + 3 * gap + views_h);
    if let Some(head) = &head {
        for (k, view) in [View::Front, View::Top, View::Right]
            .into_iter()
            .enumerate()
        {
            let camera = Camera::of_view(head, view);
            let mut p = draw_head(
                head,
                &compositor,
                &healed_dots,
                &camera,
                view_side,
                view_side,
            )?;
            // A designed hairline is shown over the face with the lines it is measured from.
            if view == View::Front
                && let Some(design) = &r.attempt.design
            {
                draw_design(
                    head,
                    &camera,
                    &mut p,
                    &design.hairline,
                    &plan.design.unwrap_or_default(),
                );
            }
            let rgba: Vec<u8> = p
                .rgb
                .chunks_exact(3)
                .flat_map(|c| [c[0], c[1], c[2], 255])
                .collect();
            let x = gap + k as u32 * (view_side + gap);
            c.paste(x, 2 * h + 3 * gap, view_side, view_side, &rgba, 0.0);
        }
    }
    let origin = [
        (gap, gap),
        (2 * gap + w, gap),
        (gap, 2 * gap + h),
        (2 * gap + w, 2 * gap + h),
    ];
    c.paste(origin[0].0, origin[0].1, w, h, &healed, 0.0);
    for o in &origin[1..] {
        c.paste(o.0, o.1, w, h, &healed, 0.7);
    }
    let dot_px = (0.3 * ppm).max(1.6);
    let to_px = |o: (u32, u32), p: crate::geometry::Point| {
        (o.0 as f64 + p.x_mm * ppm, o.1 as f64 + p.y_mm * ppm)
    };
    for p in &r.replay.impressions {
        let (x, y) = to_px(origin[1], p.impression.at);
        c.disc(x, y, dot_px, outcome_rgb(p.tissue.outcome), 0.9);
    }
    for (p, n) in r.replay.impressions.iter().zip(&r.nearest) {
        if let Some((_, d)) = n {
            let (x, y) = to_px(origin[2], p.impression.at);
            c.disc(x, y, dot_px, spacing_rgb(d / plan.min_spacing_mm), 0.9);
        }
    }
    for cell in &r.density {
        let Some(e) = density_error(cell.planned, cell.placed) else {
            continue;
        };
        if e.abs() < 0.1 {
            continue;
        }
        let rgb = density_rgb(e);
        let half = cell.side_mm / 2.0;
        let (x, y) = to_px(
            origin[3],
            crate::geometry::Point::new(cell.centre.x_mm - half, cell.centre.y_mm - half),
        );
        c.rect(x, y, cell.side_mm * ppm, rgb, 0.6 * e.abs());
    }
    for comment in &notes.comments {
        if let Pin::Place(at) = comment.pin {
            let (x, y) = to_px(origin[0], at);
            c.ring(x, y, 9.0, 3.0, [220, 0, 200]);
        }
    }
    Ok((c.w, c.h, c.px))
}

/// Opaque RGBA8 rows as PNG bytes (RGB: the alpha is always 255, so it is left out).
pub fn encode_png(w: u32, h: u32, pixels: &[u8]) -> Result<Vec<u8>, ReportError> {
    let rgb: Vec<u8> = pixels
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut png = Vec::new();
    let encoder = image::codecs::png::PngEncoder::new_with_quality(
        &mut png,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Sub,
    );
    image::ImageEncoder::write_image(encoder, &rgb, w, h, image::ExtendedColorType::Rgb8)
        .map_err(|e| ReportError::Png(e.to_string()))?;
    Ok(png)
}

/// A histogram as an inline SVG bar chart with the marks as green lines.
fn svg_histogram(values: &[f64], lo: f64, hi: f64, marks: &[f64], unit: &str) -> String {
    let bins = 40;
    let counts = bin_counts(values, lo, hi, bins);
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (w, h, pad) = (480.0, 140.0, 20.0);
    let bar = (w - 2.0 * pad) / bins as f64;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">"#
    );
    for (i, n) in counts.iter().enumerate() {
        let bh = (h - 2.0 * pad) * *n as f64 / top;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#6b7a99"><title>{n}</title></rect>"##,
            pad + i as f64 * bar,
            h - pad - bh,
            bar * 0.9
        );
    }
    for m in marks {
        let x = pad + (m - lo) / (hi - lo) * (w - 2.0 * pad);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{pad}" x2="{x:.1}" y2="{}" stroke="#1e963c" stroke-width="2"/>"##,
            h - pad
        );
    }
    let _ = write!(
        s,
        r##"<text x="{pad}" y="{}" font-size="11">{lo:.2} {unit}</text><text x="{}" y="{}" font-size="11" text-anchor="end">{hi:.2} {unit}</text></svg>"##,
        h - 4.0,
        w - pad,
        h - 4.0
    );
    s
}

/// The report's facts, shared by both page formats.
struct Facts<'a> {
    r: &'a ReviewedAttempt,
}

impl Facts<'_> {
    fn verdict(&self) -> String {
        let s = &self.r.score;
        format!(
            "{:.1} / 100: {} (pass mark {:.0})",
            s.total,
            if s.passed { "passed" } else { "failed" },
            s.pass_mark
        )
    }

    fn tamper_line(&self) -> String {
        let v = &self.r.verification;
        let device = format!("Input device: {}.", self.r.attempt.device.tool.describe());
        if v.is_contradicted() {
            format!(
                "NOT VERIFIED: the score stored in the file does not match its samples or level. {v}. {device}"
            )
        } else {
            format!("Verification: {v}. {device}")
        }
    }

    fn override_check(&self, g: &crate::notes::OverrideGrade) -> String {
        crate::signing::check_override(&self.r.content_hash, g, &self.r.trusted).describe()
    }

    fn override_class(&self, g: &crate::notes::OverrideGrade) -> &'static str {
        if crate::signing::check_override(&self.r.content_hash, g, &self.r.trusted).is_trusted() {
            "ok"
        } else {
            "bad"
        }
    }

    fn comment_check(&self, c: &crate::notes::Comment) -> String {
        crate::signing::check_comment(&self.r.content_hash, c, &self.r.trusted).describe()
    }

    fn comment_class(&self, c: &crate::notes::Comment) -> &'static str {
        if crate::signing::check_comment(&self.r.content_hash, c, &self.r.trusted).is_trusted() {
            "ok"
        } else {
            "bad"
        }
    }

    fn model_score(&self, kind: crate::score::CriterionKind) -> Option<f64> {
        match &self.r.model {
            Some(Ok(m)) => m.score.criterion(kind).map(|c| c.score),
            _ => None,
        }
    }

    fn depths(&self) -> Vec<f64> {
        self.r
            .replay
            .impressions
            .iter()
            .map(|p| p.tissue.depth_mm)
            .collect()
    }

    fn spacings(&self) -> Vec<f64> {
        self.r.nearest.iter().flatten().map(|(_, d)| *d).collect()
    }
}

/// The report as an HTML page; `picture` is the PNG's file name, beside the page.
pub fn html(r: &ReviewedAttempt, notes: &ReviewNotes, picture: &str) -> String {
    let f = Facts { r };
    let plan = &r.level.plan;
    let a = &r.attempt;
    let e = crate::text::html;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} — {}</title>\n<style>body{{font-family:sans-serif;max-width:1400px;margin:2em auto;color:#222}} table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}} .bad{{background:#fde2e2;color:#900;font-weight:bold;padding:8px}} .ok{{color:#1e7a3c}} img{{max-width:100%}}</style></head><body>\n",
        e(&a.trainee),
        e(&plan.title)
    );
    let _ = writeln!(s, "<h1>{} — {}</h1>", e(&plan.title), e(&a.trainee));
    let _ = writeln!(
        s,
        "<p>Attempt {} of {}, level <code>{}</code>, {} impressions over {} session(s).</p>",
        e(&r.path.display().to_string()),
        e(&a.date),
        e(&plan.id),
        r.score.impressions,
        a.sessions.len()
    );
    let _ = writeln!(s, "<h2>Grade: {}</h2>", e(&f.verdict()));
    if let Some(g) = &notes.override_grade {
        let _ = writeln!(
            s,
            "<p><strong>Overridden by {} on {}: {:.0}, {}.</strong> Reason: {} <span class=\"{}\">[{}]</span></p>",
            e(&g.instructor),
            e(&g.date),
            g.total,
            if g.passed { "passed" } else { "failed" },
            e(&g.reason),
            f.override_class(g),
            e(&f.override_check(g))
        );
    }
    let class = if r.verification.is_contradicted() {
        "bad"
    } else {
        "ok"
    };
    let _ = writeln!(s, "<p class=\"{class}\">{}</p>", e(&f.tamper_line()));
    s.push_str("<h2>Criteria</h2>\n<table><tr><th>Criterion</th><th>Weight</th><th>Score</th><th>Model attempt</th><th>Why</th></tr>\n");
    for c in &r.score.criteria {
        let model = f
            .model_score(c.kind)
            .map_or("—".into(), |m| format!("{m:.1}"));
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{:.1}</td><td>{model}</td><td>{}",
            c.kind.name(),
            c.weight,
            c.score,
            e(&c.reason)
        );
        if c.score < 90.0 && !c.places.is_empty() {
            s.push_str("<ul>");
            for p in c.places.iter().take(5) {
                let _ = write!(
                    s,
                    "<li>at ({:.1}, {:.1}) mm: {}</li>",
                    p.at.x_mm,
                    p.at.y_mm,
                    e(&p.note)
                );
            }
            s.push_str("</ul>");
        }
        s.push_str("</td></tr>\n");
    }
    s.push_str("</table>\n");
    let o = &r.score.outcomes;
    let _ = writeln!(
        s,
        "<p>Depth outcomes: {} ideal, {} shallow, {} deep, {} blowouts.</p>",
        o.ideal, o.shallow, o.deep, o.blowout
    );
    let _ = writeln!(
        s,
        "<h2>Healed result and heatmaps</h2>\n<p>Top left: healed, {HEALED_DAY:.0} days after the last session (magenta rings: comments). Top right: depth outcome (green ideal, yellow shallow, orange deep, red blowout). Bottom left: spacing (red closer than {:.2} mm, amber within 1.5×, green). Bottom right: density against the plan (blue too sparse, red too dense).{}</p>\n<img src=\"{}\" alt=\"healed result and heatmaps\">",
        plan.min_spacing_mm,
        head_row_text(plan),
        e(picture)
    );
    let _ = writeln!(
        s,
        "<h2>Plots</h2>\n<p>Depth of every impression; the target window {:.2}–{:.2} mm is marked.</p>\n{}\n<p>Distance to the nearest dot; the minimum spacing is marked.</p>\n{}",
        plan.depth_window.min_mm,
        plan.depth_window.max_mm,
        svg_histogram(
            &f.depths(),
            0.0,
            plan.skin.subcutis_mm() * 1.3,
            &[plan.depth_window.min_mm, plan.depth_window.max_mm],
            "mm"
        ),
        svg_histogram(
            &f.spacings(),
            0.0,
            plan.min_spacing_mm * 4.0,
            &[plan.min_spacing_mm],
            "mm"
        )
    );
    s.push_str("<h2>Instructor's comments</h2>\n");
    if notes.comments.is_empty() {
        s.push_str("<p>None.</p>\n");
    } else {
        s.push_str("<ol>\n");
        for c in &notes.comments {
            let _ = writeln!(
                s,
                "<li><strong>{}</strong>, {} ({}): {} <span class=\"{}\">[{}]</span></li>",
                e(&c.author),
                e(&c.date),
                e(&c.pin.describe()),
                e(&c.text).replace('\n', "<br>"),
                f.comment_class(c),
                e(&f.comment_check(c))
            );
        }
        s.push_str("</ol>\n");
    }
    let _ = writeln!(
        s,
        "<p><small>smp-trainer {}; level hash {}</small></p></body></html>",
        env!("CARGO_PKG_VERSION"),
        e(&r.level.hash)
    );
    s
}

/// The report as a Markdown page; `picture` is the PNG's file name, beside the page.
pub fn markdown(r: &ReviewedAttempt, notes: &ReviewNotes, picture: &str) -> String {
    let f = Facts { r };
    let plan = &r.level.plan;
    let a = &r.attempt;
    let m = crate::text::markdown;
    let mut s = String::new();
    let _ = writeln!(s, "# {} — {}\n", m(&plan.title), m(&a.trainee));
    let _ = writeln!(
        s,
        "Attempt `{}` of {}, level `{}`, {} impressions over {} session(s).\n",
        r.path.display().to_string().replace('`', "'"),
        m(&a.date),
        plan.id,
        r.score.impressions,
        a.sessions.len()
    );
    let _ = writeln!(s, "## Grade: {}\n", f.verdict());
    if let Some(g) = &notes.override_grade {
        let _ = writeln!(
            s,
            "**Overridden by {} on {}: {:.0}, {}.** Reason: {} \\[{}\\]\n",
            m(&g.instructor),
            m(&g.date),
            g.total,
            if g.passed { "passed" } else { "failed" },
            m(&g.reason),
            m(&f.override_check(g))
        );
    }
    let line = m(&f.tamper_line());
    let _ = writeln!(
        s,
        "{}\n",
        if !r.verification.is_contradicted() {
            line
        } else {
            format!("**{line}**")
        }
    );
    s.push_str("## Criteria\n\n| Criterion | Weight | Score | Model attempt | Why |\n|---|---|---|---|---|\n");
    for c in &r.score.criteria {
        let model = f
            .model_score(c.kind)
            .map_or("—".into(), |v| format!("{v:.1}"));
        let _ = writeln!(
            s,
            "| {} | {} | {:.1} | {model} | {} |",
            c.kind.name(),
            c.weight,
            c.score,
            m(&c.reason)
        );
    }
    let o = &r.score.outcomes;
    let _ = writeln!(
        s,
        "\nDepth outcomes: {} ideal, {} shallow, {} deep, {} blowouts.\n",
        o.ideal, o.shallow, o.deep, o.blowout
    );
    let _ = writeln!(
        s,
        "## Healed result and heatmaps\n\nTop left: healed, {HEALED_DAY:.0} days after the last session (magenta rings: comments). Top right: depth outcome (green ideal, yellow shallow, orange deep, red blowout). Bottom left: spacing (red closer than {:.2} mm, amber within 1.5×, green). Bottom right: density against the plan (blue too sparse, red too dense).{}\n\n![healed result and heatmaps]({})\n",
        plan.min_spacing_mm,
        head_row_text(plan),
        picture.replace(['(', ')', ' '], "_")
    );
    s.push_str("## Plots\n\n");
    for (title, values, lo, hi) in [
        (
            format!(
                "Depth (mm); target {:.2}–{:.2}",
                plan.depth_window.min_mm, plan.depth_window.max_mm
            ),
            f.depths(),
            0.0,
            plan.skin.subcutis_mm() * 1.3,
        ),
        (
            format!("Nearest dot (mm); minimum {:.2}", plan.min_spacing_mm),
            f.spacings(),
            0.0,
            plan.min_spacing_mm * 4.0,
        ),
    ] {
        let counts = bin_counts(&values, lo, hi, 20);
        let top = counts.iter().copied().max().unwrap_or(0).max(1);
        let width = (hi - lo) / 20.0;
        let _ = writeln!(s, "{title}:\n\n```");
        for (i, n) in counts.iter().enumerate() {
            let bar = "#".repeat((40 * *n as usize).div_ceil(top as usize));
            let _ = writeln!(
                s,
                "{:>5.2}–{:<5.2} {:>7} {bar}",
                lo + i as f64 * width,
                lo + (i + 1) as f64 * width,
                n
            );
        }
        s.push_str("```\n\n");
    }
    s.push_str("## Instructor's comments\n\n");
    if notes.comments.is_empty() {
        s.push_str("None.\n");
    }
    for (i, c) in notes.comments.iter().enumerate() {
        let _ = writeln!(
            s,
            "{}. **{}**, {} ({}): {} \\[{}\\]",
            i + 1,
            m(&c.author),
            m(&c.date),
            m(&c.pin.describe()),
            m(&c.text),
            m(&f.comment_check(c))
        );
    }
    let _ = writeln!(
        s,
        "\n_smp-trainer {}; level hash {}_",
        env!("CARGO_PKG_VERSION"),
        r.level.hash
    );
    s
}

/// Writes the report page at `page` (`.html` or `.md`) and its picture beside it (same name,
/// `.png`), each safely. Returns the paths written.
pub fn export(
    r: &ReviewedAttempt,
    notes: &ReviewNotes,
    page: &Path,
) -> Result<Vec<PathBuf>, ReportError> {
    export_metered(r, notes, page, &Quiet)
}

/// [`export`], telling `meter` of its three stages: "drawing" the picture, "compressing" it,
/// "writing" the page and picture (one step each).
pub fn export_metered(
    r: &ReviewedAttempt,
    notes: &ReviewNotes,
    page: &Path,
    meter: &dyn Meter,
) -> Result<Vec<PathBuf>, ReportError> {
    let ext = page
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let html_page = match ext.as_deref() {
        Some("html" | "htm") => true,
        Some("md" | "markdown") => false,
        _ => return Err(ReportError::Format(page.into())),
    };
    let png_path = page.with_extension("png");
    let png_name = png_path
        .file_name()
        .map_or("report.png".into(), |n| n.to_string_lossy().into_owned());
    meter.stage("drawing", 1, "picture");
    let (w, h, px) = picture(r, notes)?;
    meter.advance(1);
    meter.stage("compressing", 1, "picture");
    let png = encode_png(w, h, &px)?;
    meter.advance(1);
    meter.stage("writing", 1, "page");
    let text = if html_page {
        html(r, notes, &png_name)
    } else {
        markdown(r, notes, &png_name)
    };
    // The page and its picture change together: a failed page leaves the old pair as it was.
    files::write_pair((&png_path, &png), (page, text.as_bytes()))?;
    meter.advance(1);
    Ok(vec![page.into(), png_path])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::Comment;
    use crate::persona::Persona;

    fn reviewed() -> ReviewedAttempt {
        let level = crate::levels::Level::find("depth-drill", None).unwrap();
        let a = crate::simulate::simulate(&level, Persona::HeavyHand, 2, "Ana <b>", "2026-11-21");
        ReviewedAttempt::new(Path::new("a.ron"), level, a).unwrap()
    }

    #[test]
    fn pages_hold_the_breakdown_and_escape_every_text() {
        let r = reviewed();
        let notes = ReviewNotes {
            comments: vec![Comment {
                author: "M. <Costa>".into(),
                date: "2026-11-21".into(),
                pin: Pin::Attempt,
                text: "![x](http://evil/p.png)".into(),
                signature: None,
            }],
            override_grade: None,
        };
        let page = html(&r, &notes, "a.png");
        assert!(page.contains("Ana &lt;b&gt;") && !page.contains("Ana <b>"));
        assert!(page.contains("M. &lt;Costa&gt;"));
        for c in &r.score.criteria {
            assert!(page.contains(&format!("<td>{}</td>", c.kind.name())));
        }
        let md = markdown(&r, &notes, "a.png");
        assert!(!md.contains("](http://evil"), "{md}");
        assert!(md.contains("## Criteria"));
    }

    #[test]
    fn bins_counts_and_density_errors() {
        assert_eq!(
            bin_counts(&[0.0, 0.5, 0.99, 5.0, -1.0, f64::NAN], 0.0, 1.0, 2),
            vec![2, 3]
        );
        assert_eq!(density_error(0.0, 0.0), None);
        assert_eq!(density_error(10.0, 0.0), Some(-1.0));
        assert_eq!(density_error(10.0, 30.0), Some(1.0));
        assert_eq!(spacing_rgb(0.5), [230, 38, 38]);
    }

    #[test]
    fn the_picture_has_four_panels_of_the_canvas_shape() {
        let r = reviewed();
        let (w, h, px) = picture(&r, &ReviewNotes::default()).unwrap();
        assert_eq!(px.len(), (w * h * 4) as usize);
        // 40 × 30 mm: each panel is 800 × 600 px, with 12 px gaps.
        assert_eq!((w, h), (2 * 800 + 36, 2 * 600 + 36));
    }
}
