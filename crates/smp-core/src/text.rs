//! Text that comes from files: dates, control characters, and making it safe wherever it is
//! shown (a terminal, a CSV sheet, an HTML page, a Markdown page). Every string read from a
//! level or an attempt is untrusted.

use std::fmt::Write as _;

/// Whether `d` is a calendar date written `YYYY-MM-DD` (months 1–12, days 1–31).
pub fn valid_date(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| {
        d.get(r)
            .filter(|s| s.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|s| s.parse::<u32>().ok())
    };
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(day)) if (1..=12).contains(&m) && (1..=31).contains(&day))
}

/// Whether `s` holds a control character other than line breaks and tabs (when `multiline`),
/// or any control character at all (when not). Terminal escapes (ESC), bidirectional overrides
/// and other invisible format characters count as control characters here.
pub fn has_control(s: &str, multiline: bool) -> bool {
    s.chars()
        .any(|c| is_hostile(c) && !(multiline && (c == '\n' || c == '\t')))
}

/// Characters that must never reach a terminal or a page raw: C0/C1 controls, DEL, and the
/// Unicode format characters that reorder or hide text (bidirectional overrides, zero-width).
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `s` made safe to print on a terminal: every control or format character is shown as its
/// `\u{…}` escape, so an escape sequence in a file cannot clear the screen or set the title.
pub fn for_terminal(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hostile(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// Text of several lines made safe to print on a terminal: as [`for_terminal`], but line
/// breaks and tabs are kept.
pub fn for_terminal_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_hostile(c) && c != '\n' && c != '\t' {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// A path made safe to print on a terminal (see [`for_terminal`]).
pub fn path_for_terminal(p: &std::path::Path) -> String {
    for_terminal(&p.to_string_lossy())
}

/// One CSV field: quoted when it needs to be, and prefixed with `'` when a spreadsheet would
/// read it as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return).
pub fn csv_field(s: &str) -> String {
    let s = for_terminal(s);
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let s = if formula { format!("'{s}") } else { s };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `&`, `<`, `>` and quotes made safe for HTML text and attributes; control characters are
/// escaped as in [`for_terminal`] (line breaks and tabs are kept).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(ch),
            c if is_hostile(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text made safe for one line or table cell of a Markdown page: no HTML, no links or images,
/// no emphasis, code or table breaks (every Markdown punctuation character is backslash-escaped),
/// and line breaks become spaces.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in html(s).chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '-' | '!'
            | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked() {
        assert!(valid_date("2026-11-21"));
        assert!(!valid_date("2026-13-01"));
        assert!(!valid_date("21/11/2026"));
        assert!(!valid_date("2026-1-011"));
        assert!(!valid_date("2026-+1-01"));
    }

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        let hostile = "Ana\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}";
        let safe = for_terminal(hostile);
        assert!(!safe.chars().any(char::is_control), "{safe:?}");
        assert!(safe.starts_with("Ana\\u{1b}[2J"));
        assert!(has_control(hostile, false));
        assert!(!has_control("two\nlines", true));
        assert!(has_control("two\nlines", false));
    }

    #[test]
    fn csv_fields_cannot_be_formulas() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
        for f in [
            "=HYPERLINK(\"http://x\")",
            "+cmd|' /C calc'!A0",
            "@SUM(A1)",
            "-2+3",
        ] {
            let out = csv_field(f);
            assert!(out.starts_with("'") || out.starts_with("\"'"), "{out}");
        }
    }

    #[test]
    fn markdown_has_no_links_images_or_html() {
        let out = markdown("![x](http://evil/p.png) <b>hi</b> [a](b) *c* `d` | e");
        assert!(!out.contains("]("), "{out}");
        assert!(!out.contains('<'), "{out}");
        assert!(out.contains("\\!\\[x\\]\\(http://evil/p.png\\)"), "{out}");
        assert!(out.contains("\\|"));
    }
}
