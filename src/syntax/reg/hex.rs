//! `hex:` and `hex(N):` byte lists and their `\` continuation lines, read as Wine's
//! `programs/regedit/regproc.c` reads them: `parse_data_type` for the type,
//! `convert_hex_csv_to_hex` for each line's bytes, `eol_backslash_state` and
//! `hex_multiline_state` for the lines that continue the list.
//!
//! - A byte is what `wcstoul(…, 16)` reads (blanks, a sign, `0x`, any number of digits) as
//!   long as it is at most 0xff; after it only `,`, or blanks and then the end of the line
//!   or a `;` comment, may follow. So `20\` (no comma before the `\`) rejects the value,
//!   and the next line is read as a line of its own.
//! - An item without digits is allowed only where a `\` or a `;` follows: `,,` and a
//!   leading `,` reject the value.
//! - After `,\` come blanks and the end of the line or a `;` comment. Regedit then reads
//!   the next line; it skips blank, blank-only and `;` comment lines and goes on with the
//!   value. A line that starts (after blanks) with anything but a hex digit rejects the
//!   value, and that line is consumed with it. At the end of the file the bytes read so far
//!   are set.

use super::value::{reject, Data, DataRead};
use super::{Line, Lines, RegData, RegError, RegErrorKind, BLANKS};
use crate::source::Span;

/// `wcstoul(s, &end, 16)` as the C runtime Regedit uses reads it: whitespace, a sign, an
/// optional `0x`, then hex digits. Returns the value (`None` when it does not fit in 32
/// bits; a minus sign wraps it, as `unsigned long` does) and how many bytes were read, 0
/// when there is no digit (`end` is then `s`).
pub(super) fn strtoul16(s: &str) -> (Option<u32>, usize) {
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while matches!(at(i), b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r') {
        i += 1;
    }
    let negative = at(i) == b'-';
    if matches!(at(i), b'-' | b'+') {
        i += 1;
    }
    if at(i) == b'0' && matches!(at(i + 1), b'x' | b'X') {
        i += 2;
    }
    let digits_start = i;
    let mut value: Option<u32> = Some(0);
    while let Some(d) = char::from(at(i)).to_digit(16) {
        value = value
            .and_then(|v| v.checked_mul(16))
            .and_then(|v| v.checked_add(d));
        i += 1;
    }
    if i == digits_start {
        return (Some(0), 0);
    }
    let value = if negative {
        value.map(|v| v.wrapping_neg())
    } else {
        value
    };
    (value, i)
}

/// `hex:` or `hex(N):` and its continuation lines.
pub(super) fn hex_data(
    lines: &mut Lines<'_>,
    data: &Data<'_>,
    errors: &mut Vec<RegError>,
) -> Option<DataRead> {
    let (kind, list) = hex_kind(data, errors)?;
    let list_start = data.start + (data.text.len() - list.len());
    let mut hex = HexList {
        bytes: Vec::new(),
        end: list_start,
    };
    let mut segment = (list_start, list);
    let mut line = data.line;
    // `hex_data_state`: an empty list sets an empty value.
    while !segment.1.is_empty() {
        if !hex.segment(segment, line, data, errors)? {
            break;
        }
        let Some((next_line, next_segment)) = continuation(lines, line, data, errors)? else {
            break;
        };
        line = next_line;
        segment = next_segment;
    }
    Some((
        RegData::Hex {
            kind,
            bytes: hex.bytes,
        },
        hex.end,
        line.span.end,
    ))
}

/// The type of `hex:` (3, REG_BINARY) or `hex(N):`, and the byte list after the `:`
/// (`parse_data_type`: `N` is read by `wcstoul`, must not start like `0x`, and must be
/// followed by `):`; `hex():` is type 0).
fn hex_kind<'t>(data: &Data<'t>, errors: &mut Vec<RegError>) -> Option<(u32, &'t str)> {
    let after = data.text.get(3..).unwrap_or("");
    if let Some(rest) = after.strip_prefix(':') {
        return Some((3, rest));
    }
    let Some(rest) = after.strip_prefix('(') else {
        return reject(
            errors,
            RegErrorKind::Syntax,
            data.line.span,
            "unknown data type",
            format!(
                "{}: expected `hex:` or `hex(N):`; Regedit skips the line",
                data.name_shown
            ),
        );
    };
    let x_second = rest.chars().nth(1).map(|c| c.eq_ignore_ascii_case(&'x')) == Some(true);
    let (kind, used) = strtoul16(rest);
    let list = rest.get(used..).and_then(|r| r.strip_prefix("):"));
    match (kind, list) {
        (Some(k), Some(l)) if !rest.is_empty() && !x_second => Some((k, l)),
        _ => reject(
            errors,
            RegErrorKind::Syntax,
            data.line.span,
            "bad `hex(N):`",
            format!(
                "{}: `hex(` must be followed by a hex type number and `):`; Regedit skips the line",
                data.name_shown
            ),
        ),
    }
}

/// A line that goes on with a list, and the start and text of its part of the list.
type Segment<'t> = (Line, (usize, &'t str));

/// The bytes of a `hex:` list read so far, and where its data ends in the file.
struct HexList {
    bytes: Vec<u8>,
    end: usize,
}

impl HexList {
    /// One line's part of the list, starting at `seg_start` (`convert_hex_csv_to_hex`, then
    /// `eol_backslash_state`). Returns whether it ends with `\` (the list continues on the
    /// next line), or `None` when Regedit rejects the value.
    fn segment(
        &mut self,
        (seg_start, seg): (usize, &str),
        line: Line,
        data: &Data<'_>,
        errors: &mut Vec<RegError>,
    ) -> Option<bool> {
        let mut pos = 0;
        while let Some(item) = seg.get(pos..).filter(|s| !s.is_empty()) {
            let at = seg_start + pos;
            let (value, used) = strtoul16(item);
            let token_span = Span::new(at, at + token_len(item, used));
            let byte = match value.map(u8::try_from) {
                Some(Ok(b)) => b,
                _ => return bad_byte(errors, token_span, data),
            };
            if used == 0 {
                let rest = item.trim_start_matches(BLANKS);
                if let Some(after) = rest.strip_prefix('\\') {
                    let backslash_end = seg_start + (seg.len() - after.len());
                    return self.backslash(backslash_end, after, line, data, errors);
                }
                if rest.starts_with(';') {
                    return Some(false);
                }
                return reject(
                    errors,
                    RegErrorKind::Syntax,
                    token_span,
                    "missing hex byte",
                    format!(
                        "{}: an empty item in the byte list (`,,`, or a `,` first): Regedit rejects the value",
                        data.name_shown
                    ),
                );
            }
            self.bytes.push(byte);
            self.end = at + used;
            let after = item.get(used..).unwrap_or("");
            match after.strip_prefix(',') {
                Some(_) => pos += used + 1,
                None => {
                    let rest = after.trim_start_matches(BLANKS);
                    if rest.is_empty() || rest.starts_with(';') {
                        return Some(false);
                    }
                    let bad = self.end + (after.len() - rest.len());
                    return reject(
                        errors,
                        RegErrorKind::Syntax,
                        Span::new(bad, bad + token_len(rest, 0)),
                        "expected `,` after a byte",
                        format!(
                            "{}: after a hex byte Regedit accepts only `,`, or blanks and a `;` comment (a `\\` needs a `,` before it): it rejects the value and reads the next line as a line of its own",
                            data.name_shown
                        ),
                    );
                }
            }
        }
        Some(false)
    }

    /// After the `\` that ends `seg`: blanks and a `;` comment may follow, nothing else
    /// (`eol_backslash_state`).
    fn backslash(
        &mut self,
        backslash_end: usize,
        after: &str,
        line: Line,
        data: &Data<'_>,
        errors: &mut Vec<RegError>,
    ) -> Option<bool> {
        let rest = after.trim_start_matches(BLANKS);
        if rest.is_empty() || rest.starts_with(';') {
            // The `\` counts as part of the data, so the span covers every line of it.
            self.end = backslash_end;
            return Some(true);
        }
        let rest_start = backslash_end + (after.len() - rest.len());
        reject(
            errors,
            RegErrorKind::Syntax,
            Span::new(rest_start, line.span.end.max(rest_start)),
            "text after `\\`",
            format!(
                "{}: after the `\\` that continues a `hex:` list only blanks or a `;` comment may follow; Regedit rejects the value and reads the next line as a line of its own",
                data.name_shown
            ),
        )
    }
}

/// The length of the item at the start of `item`, at least one character: up to the next
/// `,`, `;` or `\\`, and at least the `used` bytes `strtoul16` read.
fn token_len(item: &str, used: usize) -> usize {
    let end = item.find([',', ';', '\\']).unwrap_or(item.len()).max(used);
    if end > 0 {
        return end;
    }
    item.chars().next().map(char::len_utf8).unwrap_or(0)
}

fn bad_byte<T>(errors: &mut Vec<RegError>, span: Span, data: &Data<'_>) -> Option<T> {
    reject(
        errors,
        RegErrorKind::Syntax,
        span,
        "not a hex byte",
        format!(
            "{}: `hex:` lists hold hex bytes (at most ff) separated by commas; Regedit rejects the value",
            data.name_shown
        ),
    )
}

/// The line that continues a list whose line `line` ended with `\`, consumed from `lines`
/// with every blank or `;` comment line before it, and the start and text of its list
/// (`hex_multiline_state`). `Some(None)` at the end of the file: Regedit sets the bytes read
/// so far (reported). `None` when the line does not start with a hex digit: Regedit rejects
/// the value, and the line is consumed with it.
fn continuation<'t>(
    lines: &mut Lines<'t>,
    line: Line,
    data: &Data<'_>,
    errors: &mut Vec<RegError>,
) -> Option<Option<Segment<'t>>> {
    loop {
        let Some(next_line) = lines.take() else {
            errors.push(RegError {
                kind: RegErrorKind::Syntax,
                span: line.span,
                label: "`\\` at end of file".to_owned(),
                message: format!(
                    "{}: the `hex:` list ends with `\\` but no line follows; Regedit sets the bytes read so far",
                    data.name_shown
                ),
                value: None,
            });
            return Some(None);
        };
        let raw = lines.slice(next_line.span);
        let body = raw.trim_start_matches(BLANKS);
        if body.is_empty() || body.starts_with(';') {
            continue;
        }
        if !body.starts_with(|c: char| c.is_ascii_hexdigit()) {
            return reject(
                errors,
                RegErrorKind::Syntax,
                next_line.span,
                "not a continuation",
                format!(
                    "{}: the `hex:` list before this line ends with `\\`, so Regedit reads this line as its continuation; it does not start with a hex byte, so Regedit rejects the value and skips this line",
                    data.name_shown
                ),
            );
        }
        let start = next_line.span.start + (raw.len() - body.len());
        return Some(Some((next_line, (start, body))));
    }
}
