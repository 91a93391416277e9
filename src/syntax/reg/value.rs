//! A value line: its name, the `=`, and its data, one reader per type: `=-`, `"text"` with
//! its escapes and `dword:` here, `hex:` / `hex(N):` in `hex.rs`. Each follows the state of
//! Wine's `programs/regedit/regproc.c` it names.

use super::hex::hex_data;
use super::{Line, Lines, RegData, RegError, RegErrorKind, RegValue, BLANKS};
use crate::source::Span;

/// Reports a line Regedit skips or a value it rejects; returns `None` so a reader can end
/// with it.
pub(super) fn reject<T>(
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
pub(super) struct Data<'t> {
    /// The text after `=` and its blanks, to the end of the first line, without trailing
    /// blanks (`data_start_state` trims them).
    pub(super) text: &'t str,
    /// Where `text` starts in the file.
    pub(super) start: usize,
    /// The value's first line.
    pub(super) line: Line,
    /// The value's name for messages: "`IMAP Port`" or "the default value `@`".
    pub(super) name_shown: String,
}

/// What a data reader read: the data, the end of the data as written, and the end of the
/// value's last line.
pub(super) type DataRead = (RegData, usize, usize);

/// Reads a value starting at `first` (and its continuation lines, consumed from `lines`).
pub(super) fn value_lines(
    lines: &mut Lines<'_>,
    first: Line,
    errors: &mut Vec<RegError>,
) -> Option<RegValue> {
    let raw = lines.slice(first.span);
    let body = raw.trim_start_matches(BLANKS);
    let start = first.span.start + (raw.len() - body.len());
    let (name, name_len) = value_name(body, start, first, errors)?;
    let name_span = Span::new(start, start + name_len);
    // `data_start_state`: blanks, `=`, blanks; trailing blanks are cut off.
    let after_name = body.get(name_len..).unwrap_or("");
    let Some(after_eq) = after_name.trim_start_matches(BLANKS).strip_prefix('=') else {
        return reject(
            errors,
            RegErrorKind::Syntax,
            first.span,
            "no `=`",
            "a value name without `=` and data: Regedit skips the line".to_owned(),
        );
    };
    let text = after_eq.trim_start_matches(BLANKS);
    let data = Data {
        text: text.trim_end_matches(BLANKS),
        start: start + (body.len() - text.len()),
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

/// `@` (the default value, `None`) or a `"name"` (`quoted_value_name_state`, which unescapes
/// it as string data is), and the length it takes in `body`.
fn value_name(
    body: &str,
    start: usize,
    first: Line,
    errors: &mut Vec<RegError>,
) -> Option<(Option<String>, usize)> {
    if body.starts_with('@') {
        return Some((None, 1));
    }
    match quoted(body) {
        Ok((s, len, unknown)) => {
            report_unknown_escapes(body, start, &unknown, "the value name", errors);
            Some((Some(s), len))
        }
        Err(e) => reject(
            errors,
            RegErrorKind::Syntax,
            first.span,
            e.label(),
            format!("{} in the value name: Regedit skips the line", e.what()),
        ),
    }
}

/// The name of a value whatever its escapes, and the length it takes in `body`: for
/// masking a value Regedit rejects, even one whose name it cannot read. A name without its
/// closing quote takes only that quote, so the rest of the line is masked with the value.
pub(super) fn name_for_masking(body: &str) -> (String, usize) {
    if body.starts_with('@') {
        return ("@".to_owned(), 1);
    }
    let mut name = String::new();
    let mut chars = body.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (name, i + 1),
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    name.push(e);
                }
            }
            c => name.push(c),
        }
    }
    (name, 1)
}

/// The data after `=`, by its type (`data_type_state`, `parse_data_type`).
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
    // Regedit matches the type tags case-sensitively (`wcsncmp`); like regashii, this
    // reader does not (a difference no peer case covers, tests/peer/README.md).
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

/// `=-`: delete the value (`delete_value_state`: blanks and a `;` comment may follow).
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

/// `"text"` (REG_SZ), unescaped by [`quoted`] (`string_data_state`).
fn string_data(data: &Data<'_>, errors: &mut Vec<RegError>) -> Option<DataRead> {
    let (s, len, unknown) = match quoted(data.text) {
        Ok(q) => q,
        Err(e) => {
            return reject(
                errors,
                RegErrorKind::Syntax,
                data.line.span,
                e.label(),
                format!(
                    "{}: {} in the string; Regedit skips the line",
                    data.name_shown,
                    e.what()
                ),
            )
        }
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
    report_unknown_escapes(data.text, data.start, &unknown, &data.name_shown, errors);
    Some((RegData::Sz(s), data.start + len, data.line.span.end))
}

/// `dword:` and 1 to 8 hex digits, with blanks before and after them and a `;` comment
/// after (`convert_hex_to_dword`). Regedit reads `dword:1` as 1 and `dword:1234;5678` as
/// 0x1234; with no digit at all before a `;` it sets 0.
fn dword_data(data: &Data<'_>, errors: &mut Vec<RegError>) -> Option<DataRead> {
    let after_tag = data.text.get(6..).unwrap_or("");
    let digits_and_rest = after_tag.trim_start_matches(BLANKS);
    let digits_start = data.start + 6 + (after_tag.len() - digits_and_rest.len());
    let n = digits_and_rest
        .bytes()
        .take_while(u8::is_ascii_hexdigit)
        .count();
    let digits = digits_and_rest.get(..n).unwrap_or("");
    let rest = digits_and_rest.get(n..).unwrap_or("");
    let data_end = if n == 0 {
        data.start + 6
    } else {
        digits_start + n
    };
    let value = u32::from_str_radix(digits, 16).ok();
    if digits_and_rest.is_empty() || !only_comment(rest) {
        return reject(
            errors,
            RegErrorKind::InvalidValue,
            Span::new(data.start, data.line.span.end),
            "not a dword",
            format!(
                "{}: a dword is `dword:` and 1 to 8 hex digits (`dword:0000003c`), then blanks or a `;` comment only; Regedit rejects the value",
                data.name_shown
            ),
        );
    }
    match value {
        Some(v) if n <= 8 => Some((RegData::Dword(v), data_end, data.line.span.end)),
        None if n == 0 => {
            errors.push(RegError {
                kind: RegErrorKind::InvalidValue,
                span: Span::new(data.start, data_end),
                label: "no hex digits".to_owned(),
                message: format!(
                    "{}: `dword:` without hex digits before the `;`: Regedit sets 0",
                    data.name_shown
                ),
                value: None,
            });
            Some((RegData::Dword(0), data_end, data.line.span.end))
        }
        _ => reject(
            errors,
            RegErrorKind::InvalidValue,
            Span::new(data.start, data_end),
            "more than 8 hex digits",
            format!(
                "{}: a dword has at most 8 hex digits (`dword:0000003c`), this one has {n}; Regedit rejects the value",
                data.name_shown
            ),
        ),
    }
}

/// Why a quoted string cannot be read (`REGPROC_unescape_string` returns failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unquote {
    /// No closing `"`, or a `\` at the end of the line.
    Unterminated,
    /// `\0`.
    NulEscape,
}

impl Unquote {
    fn label(self) -> &'static str {
        match self {
            Unquote::Unterminated => "unterminated string",
            Unquote::NulEscape => "`\\0` escape",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Unquote::Unterminated => "no closing `\"`",
            Unquote::NulEscape => "the escape `\\0`, which Regedit refuses,",
        }
    }
}

/// A `"…"` at the start of `s`, unescaped as Regedit does (`REGPROC_unescape_string`):
/// `\\` and `\"` are themselves, `\n` and `\r` a line feed and a carriage return, `\0`
/// makes the string unreadable, and any other escaped character is kept without its
/// backslash. Returns the text, the length of the quoted text including both quotes, and
/// the offsets in `s` of the escapes Regedit does not know.
pub(super) fn quoted(s: &str) -> Result<(String, usize, Vec<usize>), Unquote> {
    let mut out = String::new();
    let mut unknown = Vec::new();
    let mut chars = s.char_indices();
    if chars.next().map(|(_, c)| c) != Some('"') {
        return Err(Unquote::Unterminated);
    }
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, '0')) => return Err(Unquote::NulEscape),
                Some((_, e @ ('\\' | '"'))) => out.push(e),
                Some((_, e)) => {
                    unknown.push(i);
                    out.push(e);
                }
                None => return Err(Unquote::Unterminated),
            },
            '"' => return Ok((out, i + 1, unknown)),
            c => out.push(c),
        }
    }
    Err(Unquote::Unterminated)
}

/// Regedit warns about an escape it does not know and imports the character without its
/// backslash: say so, the value is not what is written.
fn report_unknown_escapes(
    s: &str,
    start: usize,
    unknown: &[usize],
    what: &str,
    errors: &mut Vec<RegError>,
) {
    for &at in unknown {
        let escape = s.get(at..).and_then(|e| e.chars().nth(1)).unwrap_or(' ');
        errors.push(RegError {
            kind: RegErrorKind::InvalidValue,
            span: Span::new(start + at, start + at + 1 + escape.len_utf8()),
            label: "unknown escape".to_owned(),
            message: format!(
                "{what}: `\\{escape}` is not an escape Regedit knows (`\\\\`, `\\\"`, `\\n`, `\\r`): it imports `{escape}` without the backslash"
            ),
            value: None,
        });
    }
}

/// True when `rest` is blank or a `;` comment.
pub(super) fn only_comment(rest: &str) -> bool {
    let r = rest.trim_start_matches(BLANKS);
    r.is_empty() || r.starts_with(';')
}
