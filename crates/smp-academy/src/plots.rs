//! Plots drawn on the server as SVG, so that pages need no JavaScript: histograms of depth and
//! spacing with their targets, the sessions' timeline, and a trainee's progress over time.
//! Every text put into an SVG is escaped.

use std::fmt::Write as _;

use smp_core::text::html as esc;

/// A histogram of `values` over `lo..hi` in `bins` bars, with `marks` (targets) as green lines.
pub fn histogram(
    values: &[f64],
    lo: f64,
    hi: f64,
    marks: &[f64],
    unit: &str,
    label: &str,
) -> String {
    let bins = 40;
    let counts = smp_core::report::bin_counts(values, lo, hi, bins);
    let top = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (w, h, pad) = (520.0, 170.0, 24.0);
    let bar = (w - 2.0 * pad) / bins as f64;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="{}">"#,
        esc(label)
    );
    let _ = write!(
        s,
        r##"<line x1="{pad}" y1="{y}" x2="{x2}" y2="{y}" stroke="#999"/>"##,
        y = h - pad,
        x2 = w - pad
    );
    for (i, n) in counts.iter().enumerate() {
        let bh = (h - 2.0 * pad) * f64::from(*n) / top;
        let _ = write!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#5b6b8c"><title>{n}</title></rect>"##,
            pad + i as f64 * bar,
            h - pad - bh,
            bar * 0.88
        );
    }
    for m in marks.iter().filter(|m| m.is_finite()) {
        let x = pad + (m - lo) / (hi - lo) * (w - 2.0 * pad);
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="#1e963c" stroke-width="2"/>"##,
            pad - 6.0,
            h - pad
        );
    }
    let _ = write!(
        s,
        r##"<text x="{pad}" y="{}" font-size="11">{lo:.2} {u}</text><text x="{}" y="{}" font-size="11" text-anchor="end">{hi:.2} {u}</text><text x="{}" y="14" font-size="11" text-anchor="end">most: {}</text></svg>"##,
        h - 6.0,
        w - pad,
        h - 6.0,
        w - pad,
        top as u32,
        u = esc(unit)
    );
    s
}

/// The sessions' timeline: each impression's depth (dots, coloured by outcome) on the review
/// clock, sessions shaded apart, the depth window as a green band.
pub fn timeline(
    times_s: &[f64],
    depths_mm: &[f64],
    outcomes: &[[u8; 3]],
    session_starts_s: &[f64],
    duration_s: f64,
    window_mm: (f64, f64),
    max_depth_mm: f64,
) -> String {
    let (w, h, pad) = (1040.0, 200.0, 30.0);
    let duration = duration_s.max(1.0);
    let x = |t: f64| pad + t / duration * (w - 2.0 * pad);
    let y = |d: f64| pad + (d / max_depth_mm).clamp(0.0, 1.0) * (h - 2.0 * pad);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="depth of every impression over the sessions">"#
    );
    let _ = write!(
        s,
        r##"<rect x="{pad}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#dcefe1"/>"##,
        y(window_mm.0),
        w - 2.0 * pad,
        (y(window_mm.1) - y(window_mm.0)).max(1.0)
    );
    for (i, start) in session_starts_s.iter().enumerate() {
        let _ = write!(
            s,
            r##"<line x1="{x:.1}" y1="{pad}" x2="{x:.1}" y2="{}" stroke="#888" stroke-dasharray="4 3"/><text x="{:.1}" y="{}" font-size="11">session {}</text>"##,
            h - pad,
            x(*start) + 3.0,
            pad - 8.0,
            i + 1,
            x = x(*start)
        );
    }
    // At most a few thousand dots: a full head is thinned evenly, every session kept.
    let step = (times_s.len() / 4000).max(1);
    for i in (0..times_s.len().min(depths_mm.len())).step_by(step) {
        let [r, g, b] = outcomes.get(i).copied().unwrap_or([90, 90, 90]);
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="1.6" fill="#{r:02x}{g:02x}{b:02x}"/>"##,
            x(times_s[i]),
            y(depths_mm[i])
        );
    }
    let _ = write!(
        s,
        r##"<text x="4" y="{pad}" font-size="11">0 mm</text><text x="4" y="{}" font-size="11">{max_depth_mm:.1} mm</text><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text></svg>"##,
        h - pad,
        w - pad,
        h - 8.0,
        esc(&smp_core::notes::clock(duration_s))
    );
    s
}

/// One point of a trainee's progress.
#[derive(Clone, Debug)]
pub struct ProgressPoint {
    /// When it was submitted (Unix seconds).
    pub at: i64,
    /// Its total, 0–100.
    pub total: f64,
    /// Whether it passed.
    pub passed: bool,
    /// The series it belongs to (an assignment), numbered from 0.
    pub series: usize,
}

/// Colours of progress series.
const SERIES: [&str; 8] = [
    "#3b6fb6", "#c0602a", "#2f8f5b", "#8a4fb3", "#b8860b", "#c03a6b", "#4a8a99", "#666666",
];

/// A trainee's totals over time: one line per assignment, passes filled, fails hollow, the
/// pass mark as a dashed line (when the assignments share one).
pub fn progress(points: &[ProgressPoint], names: &[String], pass_mark: Option<f64>) -> String {
    let (w, h, pad) = (720.0, 260.0, 36.0);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" aria-label="totals over time">"#
    );
    let y = |v: f64| h - pad - v.clamp(0.0, 100.0) / 100.0 * (h - 2.0 * pad);
    for v in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{pad}" y1="{yy:.1}" x2="{}" y2="{yy:.1}" stroke="#e3e3e3"/><text x="4" y="{:.1}" font-size="11">{v:.0}</text>"##,
            w - pad,
            yy + 4.0,
        );
    }
    if let Some(mark) = pass_mark {
        let yy = y(mark);
        let _ = write!(
            s,
            r##"<line x1="{pad}" y1="{yy:.1}" x2="{}" y2="{yy:.1}" stroke="#1e963c" stroke-dasharray="6 4"/><text x="{}" y="{:.1}" font-size="11" text-anchor="end">pass mark {mark:.0}</text>"##,
            w - pad,
            w - pad,
            yy - 4.0,
        );
    }
    if points.is_empty() {
        let _ = write!(
            s,
            r##"<text x="{}" y="{}" font-size="13" text-anchor="middle">no attempts yet</text></svg>"##,
            w / 2.0,
            h / 2.0
        );
        return s;
    }
    let t0 = points.iter().map(|p| p.at).min().unwrap_or(0);
    let t1 = points.iter().map(|p| p.at).max().unwrap_or(0).max(t0 + 1);
    let x = |t: i64| pad + (t - t0) as f64 / (t1 - t0) as f64 * (w - 2.0 * pad);
    let series = points.iter().map(|p| p.series).max().unwrap_or(0) + 1;
    for k in 0..series {
        let colour = SERIES[k % SERIES.len()];
        let line: Vec<String> = points
            .iter()
            .filter(|p| p.series == k)
            .map(|p| format!("{:.1},{:.1}", x(p.at), y(p.total)))
            .collect();
        if line.len() > 1 {
            let _ = write!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.5"/>"#,
                line.join(" ")
            );
        }
        for p in points.iter().filter(|p| p.series == k) {
            let _ = write!(
                s,
                r#"<circle cx="{:.1}" cy="{:.1}" r="4" stroke="{colour}" stroke-width="2" fill="{}"><title>{:.1}</title></circle>"#,
                x(p.at),
                y(p.total),
                if p.passed { colour } else { "white" },
                p.total
            );
        }
        if let Some(name) = names.get(k) {
            let _ = write!(
                s,
                r#"<text x="{:.1}" y="{}" font-size="11" fill="{colour}">{}</text>"#,
                pad + 150.0 * k as f64,
                h - 8.0,
                esc(name)
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{pad}" y="{}" font-size="11">{}</text><text x="{}" y="{}" font-size="11" text-anchor="end">{}</text></svg>"#,
        pad - 12.0,
        crate::time::date(t0),
        w - pad,
        pad - 12.0,
        crate::time::date(t1)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plots_escape_their_text() {
        let s = histogram(&[0.1, 0.2, 0.3], 0.0, 1.0, &[0.2], "<mm>", "a \"b\"");
        assert!(s.contains("&lt;mm&gt;") && !s.contains("<mm>"));
        let p = progress(
            &[ProgressPoint {
                at: 0,
                total: 50.0,
                passed: false,
                series: 0,
            }],
            &["<script>".into()],
            Some(70.0),
        );
        assert!(!p.contains("<script>"));
        assert!(progress(&[], &[], None).contains("no attempts yet"));
    }
}
