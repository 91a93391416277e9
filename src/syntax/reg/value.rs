//! The data of a value, one reader per type: `=-`, `"text"` with its escapes, `dword:`,
//! and `hex:` / `hex(N):` with their `\` continuation lines (reference §3.1).

use super::{Line, Lines, RegData, RegError, RegErrorKind, RegValue};
use crate::source::Span;

/// Reports a line Regedit skips or a value it rejects; returns `None` so a reader can end
/// with it.
fn reject<T>(
    errors: &mut Vec<RegError>,
    kind: RegErrorKind,
    span: Span,
    label: &str,
    message: String,
) -> Option<T> {
    errors.push(RegError {
        kind,
        span,
        label: label.to_owned(),
        message,
        value: None,
    });
    None
}

/// The data of one value, as the readers of each data type see it.
struct Data<'t> {
    /// The text after `=` and its blanks, to the end of the first line.
    text: &'t str,
    /// Where `text` starts in the file.
    start: usize,
    /// The value's first line.
    line: Line,
    /// The value's name for messages: "`IMAP Port`" or "the default value `@`".
    name_shown: String,
}

/// What a data reader read: the data, the end of the data as written, and the end of the
/// value's last line.
type DataRead = (RegData, usize, usize);

/// Reads a value starting at `first` (and its continuation lines, consumed from `lines`).
pub(super) fn value_lines(
    lines: &mut Lines<'_>,
    first: Line,
    errors: &mut Vec<RegError>,
) -> Option<RegValue> {
    let raw = lines.slice(first.span);
    let lead = raw.len() - raw.trim_start().len();
    let start = first.span.start + lead;
    let body = raw.trim_start();
    let (name, name_len) = value_name(body, first, errors)?;
    let name_span = Span::new(start, start + name_len);
    let after_name = body.get(name_len..).unwrap_or("");
    let Some(after_eq) = after_name.trim_start().strip_prefix('=') else {
        return reject(
            errors,
            RegErrorKind::Syntax,
            first.span,
            "no `=`",
            "a value name without `=` and data: Regedit skips the line".to_owned(),
        );
    };
    let data_rel = body.len() - after_eq.trim_start().len();
    let data = Data {
        text: after_eq.trim_start(),
        start: start + data_rel,
        line: first,
        name_shown: match &name {
            Some(n) => format!("`{n}`"),
            None => "the default value `@`".to_owned(),
        },
    };
    let (value, data_end, line_end) = value_data(lines, &data, errors)?;
    Some(RegValue {
        name,
        name_span,
        data: value,
        data_span: Span::new(data.start, data_end),
        line_span: Span::new(first.span.start, line_end),
        orphan_spans: Vec::new(),
    })
}

/// `@` (the default value, `None`) or a `"name"`, and the length it takes in `body`.
fn value_name(
    body: &str,
    first: Line,
    errors: &mut Vec<RegError>,
) -> Option<(Option<String>, usize)> {
    if body.starts_with('@') {
        return Some((None, 1));
    }
    match quoted(body) {
        Some((s, len)) => Some((Some(s), len)),
        None => reject(
            errors,
            RegErrorKind::Syntax,
            first.span,
            "unterminated name",
            "a value name without its closing `\"`: Regedit skips the line".to_owned(),
        ),
    }
}

/// The data after `=`, by its type.
fn value_data(
    lines: &mut Lines<'_>,
    data: &Data<'_>,
    errors: &mut Vec<RegError>,
) -> Option<DataRead> {
    if let Some(rest) = data.text.strip_prefix('-') {
        return delete_data(data, rest, errors);
    }
    if data.text.starts_with('"') {
        return string_data(data, errors);
    }
    let lower = data.text.to_ascii_lowercase();
    if lower.starts_with("dword:") {
        return dword_data(data, errors);
    }
    if lower.starts_with("hex") {
        return hex_data(lines, data, errors);
    }
    reject(
        errors,
        RegErrorKind::Syntax,
        Span::new(data.start, data.line.span.end),
        "unknown data type",
        format!(
            "{}: the data is neither `\"text\"`, `dword:`, `hex:` nor `-`; Regedit skips the line",
            data.name_shown
        ),
    )
}

/// `=-`: delete the value.
fn delete_data(data: &Data<'_>, rest: &str, errors: &mut Vec<RegError>) -> Option<DataRead> {
    if !only_comment(rest) {
        return reject(
            errors,
            RegErrorKind::Syntax,
            data.line.span,
            "text after `-`",
            format!(
                "{}: unexpected text after `=-`; Regedit skips the line",
                data.name_shown
            ),
        );
    }
    Some((RegData::Delete, data.start + 1, data.line.span.end))
}

/// `"text"` (REG_SZ), unescaped by [`quoted`].
fn string_data(data: &Data<'_>, errors: &mut Vec<RegError>) -> Option<DataRead> {
    let Some((s, len)) = quoted(data.text) else {
        return reject(
            errors,
            RegErrorKind::Syntax,
            data.line.span,
            "unterminated string",
            format!(
                "{}: a string without its closing `\"`; Regedit skips the line",
                data.name_shown
            ),
        );
    };
    if !only_comment(data.text.get(len..).unwrap_or("")) {
        return reject(
            errors,
            RegErrorKind::Syntax,
            data.line.span,
            "text after the string",
            format!(
                "{}: unexpected text after the closing `\"`; Regedit skips the line",
                data.name_shown
            ),
        );
    }
    Some((RegData::Sz(s), data.start + len, data.line.span.end))
}

/// `dword:XXXXXXXX`.
fn dword_data(data: &Data<'_>, errors: &mut Vec<RegError>) -> Option<DataRead> {
    let digits_and_rest = data.text.get(6..).unwrap_or("");
    let digits: &str = digits_and_rest
        .split(|c: char| c == ';' || c.is_whitespace())
        .next()
        .unwrap_or("");
    let rest = digits_and_rest.get(digits.len()..).unwrap_or("");
    let data_end = data.start + 6 + digits.len();
    if !only_comment(rest) {
        return reject(
            errors,
            RegErrorKind::Syntax,
            data.line.span,
            "text after the dword",
            format!(
                "{}: unexpected text after the dword; Regedit skips the line",
                data.name_shown
            ),
        );
    }
    // regashii's grammar (reference §3.1) takes exactly 8 hex digits.
    let all_hex = digits.chars().all(|c| c.is_ascii_hexdigit());
    match u32::from_str_radix(digits, 16) {
        Ok(v) if digits.len() == 8 && all_hex => {
            Some((RegData::Dword(v), data_end, data.line.span.end))
        }
        _ => reject(
            errors,
            RegErrorKind::InvalidValue,
            Span::new(data.start, data_end),
            "not 8 hex digits",
            format!(
                "{}: a dword must be exactly 8 hex digits (`dword:0000003c`), this one has {} character(s){}; Regedit rejects the value",
                data.name_shown,
                digits.chars().count(),
                if all_hex { "" } else { " that are not all hex digits" }
            ),
        ),
    }
}

/// `hex:` or `hex(N):` and its continuation lines.
fn hex_data(
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
    while hex.segment(segment, data, errors)? {
        let Some((next_line, next_segment)) = continuation(lines, line, data, errors) else {
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

/// The type of `hex:` (3, REG_BINARY) or `hex(N):`, and the byte list after the `:`.
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
    let close = rest.find(')');
    let kind = close
        .and_then(|c| rest.get(..c))
        .and_then(|k| u32::from_str_radix(k, 16).ok());
    let list = close
        .and_then(|c| rest.get(c + 1..))
        .and_then(|r| r.strip_prefix(':'));
    match (kind, list) {
        (Some(k), Some(l)) => Some((k, l)),
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

/// The bytes of a `hex:` list read so far, and where its data ends in the file.
struct HexList {
    bytes: Vec<u8>,
    end: usize,
}

impl HexList {
    /// One line's part of the list, starting at `seg_start`. Returns whether it ends with
    /// `\` (the list continues on the next line), or `None` for a bad byte, which makes
    /// Regedit reject the whole value.
    fn segment(
        &mut self,
        (seg_start, seg): (usize, &str),
        data: &Data<'_>,
        errors: &mut Vec<RegError>,
    ) -> Option<bool> {
        // A `;` comment may follow the list (and even the `\`, reference §3.1).
        let content = seg.split(';').next().unwrap_or("");
        let trimmed = content.trim_end();
        let (list_part, continues) = match trimmed.strip_suffix('\\') {
            Some(l) => (l, true),
            None => (trimmed, false),
        };
        let mut pos = seg_start;
        for token in list_part.split(',') {
            let t = token.trim();
            let tok_start = pos + (token.len() - token.trim_start().len());
            pos += token.len() + 1;
            if t.is_empty() {
                continue;
            }
            match u8::from_str_radix(t, 16) {
                Ok(b) if t.len() <= 2 => {
                    self.bytes.push(b);
                    self.end = tok_start + t.len();
                }
                _ => {
                    return reject(
                        errors,
                        RegErrorKind::Syntax,
                        Span::new(tok_start, tok_start + t.len()),
                        "not a hex byte",
                        format!("{}: `hex:` lists hold 2-digit hex bytes separated by commas; Regedit rejects the value", data.name_shown),
                    );
                }
            }
        }
        if continues {
            // The `\` counts as part of the data, so the span covers every line of it.
            self.end = seg_start + trimmed.len();
        }
        Some(continues)
    }
}

/// The line after `line`, whose `hex:` list ends with `\`, consumed from `lines`, with
/// the start and text of its list. `None` (reported) when the file ends or the next line
/// is blank: Regedit stops reading the value there and keeps what it read.
fn continuation<'t>(
    lines: &mut Lines<'t>,
    line: Line,
    data: &Data<'_>,
    errors: &mut Vec<RegError>,
) -> Option<(Line, (usize, &'t str))> {
    let Some(next_line) = lines.peek() else {
        return reject(
            errors,
            RegErrorKind::Syntax,
            line.span,
            "`\\` at end of file",
            format!(
                "{}: the `hex:` list ends with `\\` but no line follows",
                data.name_shown
            ),
        );
    };
    let raw = lines.slice(next_line.span);
    if raw.trim().is_empty() {
        return reject(
            errors,
            RegErrorKind::Syntax,
            line.span,
            "`\\` before a blank line",
            format!("{}: the `hex:` list ends with `\\` but the next line is blank; Regedit stops reading the value there", data.name_shown),
        );
    }
    lines.take();
    let lead = raw.len() - raw.trim_start().len();
    Some((next_line, (next_line.span.start + lead, raw.trim_start())))
}

/// A `"…"` at the start of `s` with `\\` and `\"` unescaped; returns it and the length of
/// the quoted text including both quotes.
pub(super) fn quoted(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    if chars.next().map(|(_, c)| c) != Some('"') {
        return None;
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '"'))) => out.push(e),
                // Any other escape is kept as written (Regedit writes only these two).
                Some((_, e)) => {
                    out.push('\\');
                    out.push(e);
                }
                None => return None,
            },
            '"' => return Some((out, i + 1)),
            c => out.push(c),
        }
    }
    None
}

/// True when `rest` is blank or a `;` comment.
fn only_comment(rest: &str) -> bool {
    let r = rest.trim_start();
    r.is_empty() || r.starts_with(';')
}
