//! Finding a top-level field of a RON struct in its text (for writing a section back into a file
//! without touching the rest of its bytes).

/// Where a top-level field of a RON struct lies in `text`: from the start of its line to just
/// after its value's trailing comma and line break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpan {
    /// Byte offset of the start of the field's line.
    pub start: usize,
    /// Byte offset just past the field (its comma and line break, when present).
    pub end: usize,
}

/// Scans RON text, calling `visit(offset, depth)` at every byte outside strings and comments,
/// with the bracket depth before that byte. Stops early when `visit` returns true; returns the
/// offset it stopped at.
fn scan_ron(text: &str, mut visit: impl FnMut(usize, usize) -> bool) -> Option<usize> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // RON block comments nest.
                let mut level = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        level += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        level -= 1;
                        i += 2;
                        if level == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                // A raw string r#"…"#: find the closing quote followed by as many hashes.
                let mut j = i + 1;
                while b.get(j) == Some(&b'#') {
                    j += 1;
                }
                if b.get(j) == Some(&b'"') {
                    let hashes = j - i - 1;
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    let rest = &b[j + 1..];
                    let end = rest
                        .windows(close.len())
                        .position(|w| w == close.as_slice());
                    i = j + 1 + end.map_or(rest.len(), |e| e + close.len());
                    continue;
                }
            }
            _ => {}
        }
        if visit(i, depth) {
            return Some(i);
        }
        match b[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The span of the top-level field `name` of the RON struct in `text`, if it has one.
pub fn ron_field_span(text: &str, name: &str) -> Option<FieldSpan> {
    let b = text.as_bytes();
    let key = name.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let start = scan_ron(text, |i, depth| {
        depth == 1
            && b[i..].starts_with(key)
            && (i == 0 || !ident(b[i - 1]))
            && b.get(i + key.len()).is_none_or(|c| !ident(*c))
            && text[i + key.len()..].trim_start().starts_with(':')
    })?;
    // The value ends at the first comma or closing bracket back at depth 1.
    let mut end = None;
    scan_ron(&text[start..], |i, depth| {
        let c = b[start + i];
        if depth == 0 && (c == b',' || c == b')') {
            end = Some(start + i + usize::from(c == b','));
            true
        } else {
            false
        }
    });
    let mut end = end?;
    if text[end..].starts_with('\n') {
        end += 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    Some(FieldSpan {
        start: line_start,
        end,
    })
}

/// The offset of the closing parenthesis of the top-level RON struct in `text`.
pub fn ron_struct_close(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut seen_open = false;
    scan_ron(text, |i, depth| {
        if b[i] == b'(' && depth == 0 {
            seen_open = true;
        }
        seen_open && depth == 1 && b[i] == b')'
    })
}
