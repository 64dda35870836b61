//! The compact text form of a session's pen samples (attempt formats 2 and 3): one sample per
//! line, seven fields separated by spaces (ten on a head, format 3: the needle's axis after the
//! contact), read by a hand-written scanner instead of the RON parser (which spends ~290 ns on
//! every float).
//!
//! ```text
//! block  = { line }
//! line   = [ws] [sample] [ws] ( "\n" | "\r\n" | end of block )
//! sample = t_s ws x_mm ws y_mm ws pressure ws tilt_x_rad ws tilt_y_rad ws contact [ws axis]
//! axis   = axis_x ws axis_y ws axis_z          (format 3 only)
//! ws     = one or more spaces or tabs
//! contact = "1" (touching) | "0" (lifted)
//! ```
//! Each number is what Rust's `f64::from_str` accepts (`12`, `-0.5`, `1.5e-3`, `NaN`, `inf`);
//! blank lines are skipped. See `docs/formats.md`.

use std::fmt::Write as _;

use crate::geometry::{Point, Vec3};
use crate::pen::PenSample;

/// Where and why a block could not be read. Lines and columns count from 1 within the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockError {
    /// Line within the block.
    pub line: usize,
    /// Column (in characters) within that line.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Blocks larger than this are read on several threads, bytes.
const PARALLEL_BYTES: usize = 1 << 20;

/// Appends `samples` to `out` as a block, one line each, numbers in their shortest form that
/// reads back to the same bits (so the block round-trips exactly).
pub fn write(samples: &[PenSample], out: &mut String) {
    out.reserve(samples.len() * 48);
    for s in samples {
        // Writing to a String cannot fail.
        for v in s.numbers() {
            let _ = write!(out, "{v} ");
        }
        let _ = write!(out, "{}", u8::from(s.contact));
        if let Some(a) = s.axis {
            let _ = write!(out, " {} {} {}", a.x, a.y, a.z);
        }
        out.push('\n');
    }
}

/// Reads a block of at most `max_samples` samples. Large blocks are cut at line breaks and
/// read on every core; the result is the same samples in the same order whatever the number
/// of threads.
pub fn read(block: &str, max_samples: usize) -> Result<Vec<PenSample>, BlockError> {
    read_with(block, max_samples, Axis::Allowed)
}

/// Whether a block's samples may carry the needle's axis (format 3) or not (format 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Seven fields or ten.
    Allowed,
    /// Seven fields only.
    Refused,
}

/// [`read`], refusing the axis fields where `axis` says so (a format 2 block).
pub fn read_with(
    block: &str,
    max_samples: usize,
    axis: Axis,
) -> Result<Vec<PenSample>, BlockError> {
    let threads = crate::parallel::threads();
    if block.len() < PARALLEL_BYTES || threads == 1 {
        return read_lines(block, 0, max_samples, axis).map_err(|e| e.with_lines_before(block));
    }
    let cuts = cut_at_lines(block, threads);
    let parts = crate::parallel::map_each(cuts.len() - 1, |k| {
        read_lines(&block[cuts[k]..cuts[k + 1]], cuts[k], max_samples, axis)
    });
    let mut out = Vec::with_capacity(parts.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum());
    for part in parts {
        out.extend(part.map_err(|e| e.with_lines_before(block))?);
        if out.len() > max_samples {
            return Err(too_many(block, max_samples));
        }
    }
    Ok(out)
}

fn too_many(block: &str, max_samples: usize) -> BlockError {
    BlockError {
        line: block.lines().count().max(1),
        column: 1,
        message: format!("more than {max_samples} pen samples"),
    }
}

/// `parts + 1` byte offsets from 0 to `block.len()`, each other one just after a line break.
fn cut_at_lines(block: &str, parts: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    for k in 1..parts {
        let at = (block.len() * k / parts).max(*cuts.last().unwrap_or(&0));
        let next = block.as_bytes()[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(block.len(), |p| at + p + 1);
        cuts.push(next);
    }
    cuts.push(block.len());
    cuts
}

/// An error found in a part of the block that starts at byte `start`: its line counted from the
/// part; [`BlockError::with_lines_before`] makes it count from the block.
struct PartError {
    start: usize,
    error: BlockError,
}

impl PartError {
    fn with_lines_before(self, block: &str) -> BlockError {
        let before = block.as_bytes()[..self.start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        BlockError {
            line: self.error.line + before,
            ..self.error
        }
    }
}

fn read_lines(
    part: &str,
    start: usize,
    max_samples: usize,
    axis: Axis,
) -> Result<Vec<PenSample>, PartError> {
    let mut out = Vec::with_capacity((part.len() / 40).min(max_samples));
    for (i, line) in part.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match read_line(line, axis) {
            Ok(Some(_)) if out.len() == max_samples => {
                return Err(PartError {
                    start,
                    error: BlockError {
                        line: i + 1,
                        column: 1,
                        message: format!("more than {max_samples} pen samples"),
                    },
                });
            }
            Ok(Some(sample)) => out.push(sample),
            Ok(None) => {}
            Err((byte, message)) => {
                return Err(PartError {
                    start,
                    error: BlockError {
                        line: i + 1,
                        column: line[..byte.min(line.len())].chars().count() + 1,
                        message,
                    },
                });
            }
        }
    }
    Ok(out)
}

const FIELDS: [&str; 10] = [
    "t_s",
    "x_mm",
    "y_mm",
    "pressure",
    "tilt_x_rad",
    "tilt_y_rad",
    "contact",
    "axis_x",
    "axis_y",
    "axis_z",
];

/// Reads the numbers of `values` from `i` on (field names from `FIELDS[first..]`): where the
/// next token starts, or the byte offset and text of the problem.
fn read_numbers(
    line: &str,
    mut i: usize,
    values: &mut [f64],
    first: usize,
) -> Result<usize, (usize, String)> {
    let bytes = line.as_bytes();
    for (k, value) in values.iter_mut().enumerate() {
        let begin = i;
        if begin == bytes.len() {
            return Err(missing(line, first + k));
        }
        // One pass over the token: plain decimals are read as they are scanned.
        let (fast, end) = scan_decimal(bytes, begin);
        i = end;
        while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\t' {
            i += 1;
        }
        *value = match fast {
            Some(v) if end == i => v,
            _ => parse_number(&line[begin..i]).ok_or_else(|| {
                (
                    begin,
                    format!(
                        "{}: {:?} is not a number",
                        FIELDS[first + k],
                        clip(&line[begin..i])
                    ),
                )
            })?,
        };
        i = skip_ws(bytes, i);
    }
    Ok(i)
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t') {
        i += 1;
    }
    i
}

/// One line: a sample, `None` for a blank line, or the byte offset and text of the problem.
fn read_line(line: &str, axis: Axis) -> Result<Option<PenSample>, (usize, String)> {
    let bytes = line.as_bytes();
    let mut values = [0.0f64; 6];
    let mut i = skip_ws(bytes, 0);
    if i == bytes.len() {
        return Ok(None);
    }
    i = read_numbers(line, i, &mut values, 0)?;
    if i == bytes.len() {
        return Err(missing(line, 6));
    }
    let begin = i;
    while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\t' {
        i += 1;
    }
    let contact = match &line[begin..i] {
        "1" => true,
        "0" => false,
        other => {
            return Err((
                begin,
                format!("contact: {:?} is neither 1 nor 0", clip(other)),
            ));
        }
    };
    let rest = skip_ws(bytes, i);
    let needle_axis = if rest == bytes.len() {
        None
    } else if axis == Axis::Refused {
        return Err((
            rest,
            "more than 7 fields: a sample is t_s x_mm y_mm pressure tilt_x_rad tilt_y_rad contact (the needle's axis after it needs format_version: 3)"
                .into(),
        ));
    } else {
        let mut xyz = [0.0f64; 3];
        let end = read_numbers(line, rest, &mut xyz, 7)?;
        if end < bytes.len() {
            return Err((
                end,
                "more than 10 fields: a sample is t_s x_mm y_mm pressure tilt_x_rad tilt_y_rad contact, then on a head axis_x axis_y axis_z"
                    .into(),
            ));
        }
        Some(Vec3::new(xyz[0], xyz[1], xyz[2]))
    };
    Ok(Some(PenSample {
        t_s: values[0],
        at: Point::new(values[1], values[2]),
        pressure: values[3],
        tilt_x_rad: values[4],
        tilt_y_rad: values[5],
        contact,
        axis: needle_axis,
    }))
}

fn missing(line: &str, count: usize) -> (usize, String) {
    let message = if count < 7 {
        format!(
            "{count} fields where a sample has 7 (t_s x_mm y_mm pressure tilt_x_rad tilt_y_rad contact): {} is missing",
            FIELDS[count]
        )
    } else {
        format!(
            "{count} fields where a sample with the needle's axis has 10 (… contact axis_x axis_y axis_z): {} is missing",
            FIELDS[count]
        )
    };
    (line.len(), message)
}

/// Reads a plain decimal (`-?digits[.digits]`, at most 15 significant digits and 22 decimals)
/// starting at `begin`: its value, exactly as `f64::from_str` gives it, and where it ends.
/// `None` (with where scanning stopped) for anything else, which [`parse_number`] then reads.
fn scan_decimal(b: &[u8], begin: usize) -> (Option<f64>, usize) {
    let mut i = begin;
    let negative = b.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let mut mantissa: u64 = 0;
    let mut significant = 0u32;
    let mut decimals = 0usize;
    let mut digits = 0usize;
    let mut dot = false;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_digit() {
            if mantissa != 0 || c != b'0' {
                significant += 1;
            }
            mantissa = mantissa * 10 + u64::from(c - b'0');
            digits += 1;
            decimals += usize::from(dot);
            if significant > 15 {
                return (None, i);
            }
        } else if c == b'.' && !dot && digits > 0 {
            dot = true;
        } else {
            break;
        }
        i += 1;
    }
    // A dot needs digits on both sides here; "1." and ".5" take the slow path.
    if digits == 0 || (dot && decimals == 0) || decimals >= EXACT_POWERS.len() {
        return (None, i);
    }
    // At most 15 significant digits: below 2^53, so exact; one correctly rounded division.
    let value = mantissa as f64 / EXACT_POWERS[decimals];
    (Some(if negative { -value } else { value }), i)
}

/// At most 40 characters of a token, for messages.
fn clip(token: &str) -> String {
    token.chars().take(40).collect()
}

/// Powers of ten that are exact in an f64.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `token` as `f64::from_str` reads it, bit for bit, or `None` where it refuses it.
///
/// Short plain decimals (`-?digits[.digits]`, at most 15 significant digits, 22 decimals) take
/// a fast path: the digits as an integer `m`, exact in an f64, divided by an exact power of ten;
/// one correctly rounded division gives the correctly rounded value, as `from_str` does. Anything
/// else goes to `from_str` itself.
pub fn parse_number(token: &str) -> Option<f64> {
    match scan_decimal(token.as_bytes(), 0) {
        (Some(v), end) if end == token.len() => Some(v),
        _ => token.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample(t: f64, contact: bool) -> PenSample {
        PenSample {
            t_s: t,
            at: Point::new(12.345, 0.1 + 0.2),
            pressure: 0.1370849609375,
            tilt_x_rad: -0.0605,
            tilt_y_rad: f64::NAN,
            contact,
            axis: None,
        }
    }

    fn same(a: &[PenSample], b: &[PenSample]) -> bool {
        let bits = |s: &PenSample| s.numbers().map(f64::to_bits);
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|(x, y)| bits(x) == bits(y) && x.contact == y.contact)
    }

    #[test]
    fn blocks_round_trip_bit_for_bit_even_nan_and_long_floats() {
        let samples = vec![
            sample(1.9298000000000002, true),
            sample(-0.0, false),
            sample(f64::INFINITY, true),
        ];
        let mut text = String::from("\n");
        write(&samples, &mut text);
        text.push_str("            ");
        assert!(
            text.contains(
                "1.9298000000000002 12.345 0.30000000000000004 0.1370849609375 -0.0605 NaN 1\n"
            ),
            "{text}"
        );
        assert!(same(&read(&text, usize::MAX).unwrap(), &samples));
    }

    #[test]
    fn errors_say_line_and_column_within_the_block() {
        let e = read("\n1 2 3 0.5 0 0 1\n1 2 x 0.5 0 0 1\n", usize::MAX).unwrap_err();
        assert_eq!((e.line, e.column), (3, 5), "{e:?}");
        assert!(e.message.contains("y_mm"), "{e:?}");
        let e = read("1 2 3 0.5 0 0\n", usize::MAX).unwrap_err();
        assert!(e.message.contains("contact is missing"), "{e:?}");
        let e = read("1 2 3 0.5 0 0 true\n", usize::MAX).unwrap_err();
        assert_eq!((e.line, e.column), (1, 15));
        let e = read_with("1 2 3 0.5 0 0 1 9\n", usize::MAX, Axis::Refused).unwrap_err();
        assert!(e.message.contains("more than 7"), "{e:?}");
        assert!(e.message.contains("format_version: 3"), "{e:?}");
        assert_eq!((e.line, e.column), (1, 17));
        // On a head (format 3) an axis follows the contact: all three of it.
        let e = read("1 2 3 0.5 0 0 1 9\n", usize::MAX).unwrap_err();
        assert!(e.message.contains("axis_y is missing"), "{e:?}");
        let e = read("1 2 3 0.5 0 0 1 0 0 -1 4\n", usize::MAX).unwrap_err();
        assert!(e.message.contains("more than 10"), "{e:?}");
        let e = read("1 2 3 0.5 0 0 1 0 z -1\n", usize::MAX).unwrap_err();
        assert!(e.message.contains("axis_y"), "{e:?}");
        assert_eq!((e.line, e.column), (1, 19));
        let s = read("1 2 3 0.5 0 0 1 0.6 0 -0.8\n", usize::MAX).unwrap();
        assert_eq!(s[0].axis, Some(Vec3::new(0.6, 0.0, -0.8)));
        let e = read("1 2 3 0.5 0 0 1\n\n1 2 3 0.5 0 0 0\n", 1).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("more than 1 pen samples"), "{e:?}");
        // Tabs, CRLF and blank lines are fine.
        let s = read("\r\n\t1\t2 3  0.5 0 0 0\r\n\n   ", usize::MAX).unwrap();
        assert_eq!(s.len(), 1);
        assert!(!s[0].contact);
    }

    #[test]
    fn a_large_block_reads_the_same_on_many_threads_with_lines_counted_from_the_top() {
        let samples: Vec<PenSample> = (0..60_000)
            .map(|i| sample(f64::from(i) * 0.0173, i % 3 != 2))
            .collect();
        let mut text = String::new();
        write(&samples, &mut text);
        assert!(text.len() > PARALLEL_BYTES);
        assert!(same(&read(&text, usize::MAX).unwrap(), &samples));
        assert!(same(
            &read_lines(&text, 0, usize::MAX, Axis::Refused)
                .ok()
                .unwrap(),
            &samples
        ));
        // An error late in the block names its line in the whole block.
        let mut lines: Vec<&str> = text.lines().collect();
        lines[55_000] = "1 2 3 oops 0 0 1";
        let e = read(&lines.join("\n"), usize::MAX).unwrap_err();
        assert_eq!((e.line, e.column), (55_001, 7), "{e:?}");
    }

    #[test]
    fn cuts_fall_just_after_line_breaks() {
        let text = "aa\nbbbb\nc\ndddddd\n";
        let cuts = cut_at_lines(text, 3);
        assert_eq!(cuts.first(), Some(&0));
        assert_eq!(cuts.last(), Some(&text.len()));
        for &c in &cuts[1..cuts.len() - 1] {
            assert_eq!(text.as_bytes()[c - 1], b'\n');
        }
    }

    proptest! {
        #[test]
        fn numbers_read_exactly_as_from_str_does(
            int in 0u64..10_000_000_000, frac in 0u64..1_000_000_000, width in 0usize..12,
            negative: bool, f: f64,
        ) {
            let frac = format!("{frac:0width$}");
            for token in [
                format!("{}{int}.{frac}", if negative { "-" } else { "" }),
                format!("{int}"),
                format!("{f}"),
                format!("{f:e}"),
                format!("{f:.3}"),
                format!("{int}."),
                format!(".{frac}"),
            ] {
                let want: Option<f64> = token.parse().ok();
                let got = parse_number(&token);
                prop_assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "{}", token);
            }
        }
    }

    #[test]
    fn refuses_what_from_str_refuses() {
        for bad in ["", "-", ".", "1..2", "1e", "--1", "0x10", "1,5", "١"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
        assert_eq!(
            parse_number("0.10070000000000001"),
            Some(0.10070000000000001)
        );
        assert_eq!(
            parse_number("-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
    }
}
