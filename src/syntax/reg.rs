//! A lossless reader of Regedit export files (`.reg`): header, keys, values and their
//! spans. It knows the syntax only; what the keys mean is the clients' business (`clients/outlook/reg.rs`).
//!
//! Facts from `reference/outlook.md` §3.1 (mostly regashii's grammar, which mirrors what
//! Regedit accepts): `Windows Registry Editor Version 5.00` or `REGEDIT4`, optionally
//! followed by blanks or a `;` comment; `[key]` and `[-key]`, the name running to the last
//! `]` and anything after it ignored; `@=` and `"name"=` with `\\` and `\"` as the only
//! escapes; `=-` deletes; `"text"`; `dword:` with exactly 8 hex digits; `hex:` / `hex(N):`
//! byte lists continued with `,\` and an indented next line; `;` comments. Regedit skips
//! lines it cannot handle, so the reader reports such a line and goes on with the next one:
//! it never panics and never stops at the first error.

use crate::source::Span;

/// Which header the file starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegVersion {
    /// `Windows Registry Editor Version 5.00`: strings in `hex(N):` are UTF-16LE.
    V5,
    /// `REGEDIT4`: strings in `hex(N):` are 8-bit.
    V4,
}

/// The data of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegData {
    /// `=-`: delete the value.
    Delete,
    /// `"text"` (REG_SZ), unescaped.
    Sz(String),
    /// `dword:XXXXXXXX`.
    Dword(u32),
    /// `hex:` (kind 3, REG_BINARY) or `hex(N):`.
    Hex { kind: u32, bytes: Vec<u8> },
}

impl RegData {
    /// A REG_SZ value, or binary data read as a UTF-16LE string up to its NUL
    /// terminator (how Windows programs such as Outlook store strings in REG_BINARY values).
    pub fn as_utf16_string(&self) -> Option<String> {
        match self {
            RegData::Sz(s) => Some(s.clone()),
            RegData::Hex { kind: 1..=3, bytes } => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|c| match c {
                        [a, b] => u16::from_le_bytes([*a, *b]),
                        _ => 0,
                    })
                    .collect();
                let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
                String::from_utf16(units.get(..end).unwrap_or(&[])).ok()
            }
            _ => None,
        }
    }
}

/// `@=` or `"name"=` with its data.
#[derive(Debug, Clone)]
pub struct RegValue {
    /// `None` for the default value `@`.
    pub name: Option<String>,
    /// The name as written, quotes included.
    pub name_span: Span,
    pub data: RegData,
    /// The data as written (`dword:0000003c`, a whole `hex:` list across its lines).
    pub data_span: Span,
    /// The whole logical line(s), without the final line ending.
    pub line_span: Span,
    /// Lines Regedit drops right after this value (an indented continuation whose
    /// previous line lacks its `\`): they hold the rest of this value's bytes.
    pub orphan_spans: Vec<Span>,
}

impl RegValue {
    /// "`IMAP Port`" or "the default value".
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) => format!("`{n}`"),
            None => "the default value `@`".to_owned(),
        }
    }
}

/// A `[key]` or `[-key]` and the values under it.
#[derive(Debug, Clone)]
pub struct RegKey {
    pub path: String,
    /// The `[…]` line, without leading blanks and line ending.
    pub line_span: Span,
    pub path_span: Span,
    /// `[-key]`: the key is deleted and any values under it are ignored.
    pub delete: bool,
    pub values: Vec<RegValue>,
}

/// Whether Regedit rejects a line or imports something other than what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegErrorKind {
    Syntax,
    InvalidValue,
}

/// A problem found while reading.
#[derive(Debug, Clone)]
pub struct RegError {
    pub kind: RegErrorKind,
    pub span: Span,
    pub label: String,
    pub message: String,
    /// For a value Regedit rejects: its name, and the text after the name over every line
    /// read for it, so a rejected secret can still be masked.
    pub value: Option<(String, Span)>,
}

/// A read `.reg` file.
#[derive(Debug, Default)]
pub struct ParsedReg {
    pub version: Option<RegVersion>,
    pub keys: Vec<RegKey>,
    pub errors: Vec<RegError>,
}

/// One physical line: its span without the line ending.
#[derive(Clone, Copy)]
struct Line {
    span: Span,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let body = raw.trim_end_matches(['\n', '\r']);
        out.push(Line {
            span: Span::new(offset, offset + body.len()),
        });
        offset += raw.len();
    }
    out
}

/// Reads `.reg` text (already decoded by `SourceFile`). Never fails.
pub fn parse(text: &str) -> ParsedReg {
    let mut out = ParsedReg::default();
    let all = lines(text);
    let slice = |s: Span| text.get(s.start..s.end).unwrap_or("");
    let mut i = 0;
    let mut seen_header = false;
    // Index of the key currently receiving values, if any.
    let mut current: Option<usize> = None;
    // Whether the last thing read was a value (for orphan continuation lines).
    let mut last_was_value = false;
    while let Some(line) = all.get(i).copied() {
        i += 1;
        let raw = slice(line.span);
        let lead = raw.len() - raw.trim_start().len();
        let body = raw.trim();
        let body_start = line.span.start + lead;
        if body.is_empty() {
            last_was_value = false;
            continue;
        }
        if !seen_header {
            seen_header = true;
            if let Some(v) = header(body) {
                out.version = Some(v);
                continue;
            }
            out.errors.push(RegError {
                kind: RegErrorKind::Syntax,
                span: line.span,
                label: "not a Regedit header".to_owned(),
                message: "the file does not start with `Windows Registry Editor Version 5.00` or `REGEDIT4`: Regedit refuses to import it (\"not a registry script\")".to_owned(),
                value: None,
            });
            // Go on reading, so the rest of the file is still checked.
        }
        if body.starts_with(';') {
            continue;
        }
        if body.starts_with('[') {
            last_was_value = false;
            current = key_line(body, body_start, &mut out);
            continue;
        }
        if body.starts_with('"') || body.starts_with('@') {
            let Some(key_index) = current else {
                out.errors.push(RegError {
                    kind: RegErrorKind::Syntax,
                    span: line.span,
                    label: "value outside a key".to_owned(),
                    message: "a value before any valid `[key]` line: Regedit ignores it".to_owned(),
                    value: None,
                });
                last_was_value = false;
                continue;
            };
            let before = out.errors.len();
            let value = value_lines(text, &all, &mut i, line, &mut out.errors);
            if value.is_none() {
                let name = if body.starts_with('@') {
                    Some(("@".to_owned(), 1))
                } else {
                    quoted(body)
                };
                let last_end = all
                    .get(i.saturating_sub(1))
                    .map(|l| l.span.end)
                    .unwrap_or(line.span.end);
                if let Some((name, len)) = name {
                    let extent = Span::new(body_start + len, last_end);
                    for e in out.errors.iter_mut().skip(before) {
                        e.value = Some((name.clone(), extent));
                    }
                }
            }
            last_was_value = value.is_some();
            if let (Some(value), Some(key)) = (value, out.keys.get_mut(key_index)) {
                key.values.push(value);
            }
            continue;
        }
        // An indented list of hex bytes right after a value: a continuation whose
        // previous line lacks the `\`, which Regedit drops.
        let orphan = lead > 0 && looks_like_hex_bytes(body);
        if orphan && last_was_value {
            if let Some(v) = current
                .and_then(|k| out.keys.get_mut(k))
                .and_then(|k| k.values.last_mut())
            {
                v.orphan_spans.push(line.span);
            }
        }
        out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: line.span,
            label: if orphan {
                "continuation without `\\`".to_owned()
            } else {
                "not a key, value or comment".to_owned()
            },
            message: if orphan {
                "this line continues a `hex:` list, but the line before it does not end with `\\`: Regedit ends the value there and drops this line, so the value is truncated".to_owned()
            } else {
                "Regedit cannot read this line and skips it".to_owned()
            },
            value: None,
        });
        // Keep attaching further orphan lines to the same value.
        last_was_value = last_was_value && orphan;
    }
    if !seen_header {
        out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: Span::empty(0),
            label: "empty file".to_owned(),
            message: "the file is empty: Regedit refuses to import it".to_owned(),
            value: None,
        });
    }
    out
}

fn header(body: &str) -> Option<RegVersion> {
    for (text, v) in [
        ("Windows Registry Editor Version 5.00", RegVersion::V5),
        ("REGEDIT4", RegVersion::V4),
    ] {
        if let Some(rest) = body.strip_prefix(text) {
            // regashii accepts blanks or a `;` comment after the header, nothing else.
            let rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with(';') {
                return Some(v);
            }
        }
    }
    None
}

/// `[key]`, `[-key]` with anything after the last `]` ignored. Returns the new key's
/// index, or `None` when the line is rejected (values after it then go nowhere).
fn key_line(body: &str, body_start: usize, out: &mut ParsedReg) -> Option<usize> {
    let Some(close) = body.rfind(']') else {
        out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: Span::new(body_start, body_start + body.len()),
            label: "no closing `]`".to_owned(),
            message: "a key line without `]`: Regedit rejects it, and the values after it are not imported".to_owned(),
            value: None,
        });
        return None;
    };
    let inner = body.get(1..close).unwrap_or("");
    let (delete, name, name_off) = match inner.strip_prefix('-') {
        Some(rest) => (true, rest, 2),
        None => (false, inner, 1),
    };
    if name.trim().is_empty() {
        out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: Span::new(body_start, body_start + close + 1),
            label: "empty key name".to_owned(),
            message: "a key line without a key name: Regedit rejects it".to_owned(),
            value: None,
        });
        return None;
    }
    out.keys.push(RegKey {
        path: name.to_owned(),
        line_span: Span::new(body_start, body_start + body.len()),
        path_span: Span::new(body_start + name_off, body_start + name_off + name.len()),
        delete,
        values: Vec::new(),
    });
    Some(out.keys.len() - 1)
}

/// Reads a value starting at `first` (and its continuation lines, advancing `*next`).
fn value_lines(
    text: &str,
    all: &[Line],
    next: &mut usize,
    first: Line,
    errors: &mut Vec<RegError>,
) -> Option<RegValue> {
    let raw = text.get(first.span.start..first.span.end).unwrap_or("");
    let lead = raw.len() - raw.trim_start().len();
    let start = first.span.start + lead;
    let body = raw.trim_start();
    let line_error = |errors: &mut Vec<RegError>, kind, span, label: &str, message: String| {
        errors.push(RegError {
            kind,
            span,
            label: label.to_owned(),
            message,
            value: None,
        });
    };
    // The name.
    let (name, name_len) = if body.starts_with('@') {
        (None, 1)
    } else {
        match quoted(body) {
            Some((s, len)) => (Some(s), len),
            None => {
                line_error(
                    errors,
                    RegErrorKind::Syntax,
                    first.span,
                    "unterminated name",
                    "a value name without its closing `\"`: Regedit skips the line".to_owned(),
                );
                return None;
            }
        }
    };
    let name_span = Span::new(start, start + name_len);
    let after_name = body.get(name_len..).unwrap_or("");
    let Some(after_eq) = after_name.trim_start().strip_prefix('=') else {
        line_error(
            errors,
            RegErrorKind::Syntax,
            first.span,
            "no `=`",
            "a value name without `=` and data: Regedit skips the line".to_owned(),
        );
        return None;
    };
    let data_rel = body.len() - after_eq.trim_start().len();
    let data_text = after_eq.trim_start();
    let data_start = start + data_rel;
    let name_shown = match &name {
        Some(n) => format!("`{n}`"),
        None => "the default value `@`".to_owned(),
    };
    let make = |data: RegData, data_end: usize, line_end: usize| RegValue {
        name: name.clone(),
        name_span,
        data,
        data_span: Span::new(data_start, data_end),
        line_span: Span::new(first.span.start, line_end),
        orphan_spans: Vec::new(),
    };
    // `=-`: delete.
    if let Some(rest) = data_text.strip_prefix('-') {
        if !only_comment(rest) {
            line_error(
                errors,
                RegErrorKind::Syntax,
                first.span,
                "text after `-`",
                format!("{name_shown}: unexpected text after `=-`; Regedit skips the line"),
            );
            return None;
        }
        return Some(make(RegData::Delete, data_start + 1, first.span.end));
    }
    if data_text.starts_with('"') {
        let Some((s, len)) = quoted(data_text) else {
            line_error(
                errors,
                RegErrorKind::Syntax,
                first.span,
                "unterminated string",
                format!("{name_shown}: a string without its closing `\"`; Regedit skips the line"),
            );
            return None;
        };
        if !only_comment(data_text.get(len..).unwrap_or("")) {
            line_error(
                errors,
                RegErrorKind::Syntax,
                first.span,
                "text after the string",
                format!(
                    "{name_shown}: unexpected text after the closing `\"`; Regedit skips the line"
                ),
            );
            return None;
        }
        return Some(make(RegData::Sz(s), data_start + len, first.span.end));
    }
    let lower = data_text.to_ascii_lowercase();
    if lower.starts_with("dword:") {
        let digits_and_rest = data_text.get(6..).unwrap_or("");
        let digits: &str = digits_and_rest
            .split(|c: char| c == ';' || c.is_whitespace())
            .next()
            .unwrap_or("");
        let rest = digits_and_rest.get(digits.len()..).unwrap_or("");
        let data_end = data_start + 6 + digits.len();
        let span = Span::new(data_start, data_end);
        if !only_comment(rest) {
            line_error(
                errors,
                RegErrorKind::Syntax,
                first.span,
                "text after the dword",
                format!("{name_shown}: unexpected text after the dword; Regedit skips the line"),
            );
            return None;
        }
        // regashii's grammar (reference §3.1) takes exactly 8 hex digits.
        let ok = digits.len() == 8 && digits.chars().all(|c| c.is_ascii_hexdigit());
        match u32::from_str_radix(digits, 16) {
            Ok(v) if ok => return Some(make(RegData::Dword(v), data_end, first.span.end)),
            _ => {
                line_error(
                    errors,
                    RegErrorKind::InvalidValue,
                    span,
                    "not 8 hex digits",
                    format!(
                        "{name_shown}: a dword must be exactly 8 hex digits (`dword:0000003c`), this one has {} character(s){}; Regedit rejects the value",
                        digits.chars().count(),
                        if digits.chars().all(|c| c.is_ascii_hexdigit()) { "" } else { " that are not all hex digits" }
                    ),
                );
                return None;
            }
        }
    }
    if lower.starts_with("hex") {
        return hex_value(
            text,
            all,
            next,
            first,
            data_start,
            data_text,
            &name_shown,
            errors,
        )
        .map(|(data, end, line_end)| make(data, end, line_end));
    }
    line_error(
        errors,
        RegErrorKind::Syntax,
        Span::new(data_start, first.span.end),
        "unknown data type",
        format!("{name_shown}: the data is neither `\"text\"`, `dword:`, `hex:` nor `-`; Regedit skips the line"),
    );
    None
}

/// `hex:` or `hex(N):` and its continuation lines. Returns the data, the end of the data
/// and the end of its last line.
#[allow(clippy::too_many_arguments)]
fn hex_value(
    text: &str,
    all: &[Line],
    next: &mut usize,
    first: Line,
    data_start: usize,
    data_text: &str,
    name_shown: &str,
    errors: &mut Vec<RegError>,
) -> Option<(RegData, usize, usize)> {
    let after = data_text.get(3..).unwrap_or("");
    let (kind, list) = if let Some(rest) = after.strip_prefix(':') {
        (3u32, rest)
    } else if let Some(rest) = after.strip_prefix('(') {
        let close = rest.find(')');
        let kind = close
            .and_then(|c| rest.get(..c))
            .and_then(|k| u32::from_str_radix(k, 16).ok());
        let list = close
            .and_then(|c| rest.get(c + 1..))
            .and_then(|r| r.strip_prefix(':'));
        match (kind, list) {
            (Some(k), Some(l)) => (k, l),
            _ => {
                errors.push(RegError {
                    kind: RegErrorKind::Syntax,
                    span: first.span,
                    label: "bad `hex(N):`".to_owned(),
                    message: format!("{name_shown}: `hex(` must be followed by a hex type number and `):`; Regedit skips the line"),
                    value: None,
                });
                return None;
            }
        }
    } else {
        errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: first.span,
            label: "unknown data type".to_owned(),
            message: format!("{name_shown}: expected `hex:` or `hex(N):`; Regedit skips the line"),
            value: None,
        });
        return None;
    };
    let list_start = data_start + (data_text.len() - list.len());
    let mut bytes = Vec::new();
    let mut segment = (list_start, list);
    let mut line = first;
    let mut data_end = list_start;
    loop {
        let (seg_start, seg) = segment;
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
                    bytes.push(b);
                    data_end = tok_start + t.len();
                }
                _ => {
                    errors.push(RegError {
                        kind: RegErrorKind::Syntax,
                        span: Span::new(tok_start, tok_start + t.len()),
                        label: "not a hex byte".to_owned(),
                        message: format!("{name_shown}: `hex:` lists hold 2-digit hex bytes separated by commas; Regedit rejects the value"),
                        value: None,
                    });
                    return None;
                }
            }
        }
        if !continues {
            return Some((RegData::Hex { kind, bytes }, data_end, line.span.end));
        }
        // The `\` counts as part of the data, so the span covers every line of it.
        data_end = seg_start + trimmed.len();
        let Some(next_line) = all.get(*next).copied() else {
            errors.push(RegError {
                kind: RegErrorKind::Syntax,
                span: line.span,
                label: "`\\` at end of file".to_owned(),
                message: format!(
                    "{name_shown}: the `hex:` list ends with `\\` but no line follows"
                ),
                value: None,
            });
            return Some((RegData::Hex { kind, bytes }, data_end, line.span.end));
        };
        let raw = text
            .get(next_line.span.start..next_line.span.end)
            .unwrap_or("");
        if raw.trim().is_empty() {
            errors.push(RegError {
                kind: RegErrorKind::Syntax,
                span: line.span,
                label: "`\\` before a blank line".to_owned(),
                message: format!("{name_shown}: the `hex:` list ends with `\\` but the next line is blank; Regedit stops reading the value there"),
                value: None,
            });
            return Some((RegData::Hex { kind, bytes }, data_end, line.span.end));
        }
        *next += 1;
        let lead = raw.len() - raw.trim_start().len();
        segment = (next_line.span.start + lead, raw.trim_start());
        line = next_line;
    }
}

/// A `"…"` at the start of `s` with `\\` and `\"` unescaped; returns it and the length of
/// the quoted text including both quotes.
fn quoted(s: &str) -> Option<(String, usize)> {
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

/// True for a line like `3c,73,74,\` or `6e,00`: only hex bytes, commas and a `\`.
fn looks_like_hex_bytes(body: &str) -> bool {
    let list = body.trim_end_matches('\\').trim_end();
    !list.is_empty()
        && list.split(',').all(|t| {
            let t = t.trim();
            t.is_empty() || (t.len() <= 2 && t.chars().all(|c| c.is_ascii_hexdigit()))
        })
        && list.contains(',')
}

#[cfg(test)]
mod tests {
    use super::{parse, RegData, RegErrorKind, RegVersion};

    #[test]
    fn reads_keys_values_escapes_and_continuations() {
        let text = "Windows Registry Editor Version 5.00 ;x\r\n\r\n[HKEY_CURRENT_USER\\A]\";gular] addendum\r\n@=\"\"\r\n\"semi;colons\"=\"and\\\"quotes;\";blah\r\n\"d\"=dword:0000003c\r\n\"h\"=hex:00,\\\r\n  01,\\ ; c\r\n  02\r\n\"s\"=hex(1):61,00,00,00\r\n\"gone\"=-\r\n[-HKEY_CURRENT_USER\\B]\r\n";
        let p = parse(text);
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.version, Some(RegVersion::V5));
        assert_eq!(p.keys.len(), 2);
        let k = &p.keys[0];
        assert_eq!(k.path, "HKEY_CURRENT_USER\\A]\";gular");
        assert_eq!(k.values[0].name, None);
        assert_eq!(k.values[1].data, RegData::Sz("and\"quotes;".to_owned()));
        assert_eq!(k.values[2].data, RegData::Dword(60));
        assert_eq!(
            &text[k.values[2].data_span.start..k.values[2].data_span.end],
            "dword:0000003c"
        );
        assert_eq!(
            k.values[3].data,
            RegData::Hex {
                kind: 3,
                bytes: vec![0, 1, 2]
            }
        );
        assert!(text[k.values[3].data_span.start..k.values[3].data_span.end].ends_with("02"));
        assert_eq!(k.values[4].data.as_utf16_string().as_deref(), Some("a"));
        assert_eq!(k.values[5].data, RegData::Delete);
        assert!(p.keys[1].delete);
    }

    #[test]
    fn bad_lines_are_reported_and_reading_goes_on() {
        let text = "REGEDIT4\n[K]\n\"a\"=dword:3c\n\"b\"=hex:01,02,\n  03,04\nrubbish\n\"c\"=dword:00000001\n[broken\n\"d\"=\"x\n";
        let p = parse(text);
        assert_eq!(p.version, Some(RegVersion::V4));
        let kinds: Vec<_> = p.errors.iter().map(|e| (e.kind, e.span.start)).collect();
        assert_eq!(kinds.len(), 5, "{:?}", p.errors);
        assert_eq!(kinds[0].0, RegErrorKind::InvalidValue);
        assert_eq!(p.errors[1].label, "continuation without `\\`");
        let k = &p.keys[0];
        assert_eq!(k.values.len(), 2);
        assert_eq!(k.values[0].orphan_spans.len(), 1);
        assert_eq!(k.values[1].data, RegData::Dword(1));
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            "[",
            "\"",
            "@",
            "Windows Registry Editor Version 5.00\n\"a\"=hex(",
            "REGEDIT4\n[k]\n\"a\"=hex:\\",
            "REGEDIT4\n[k]\n\"a\"=hex(zz):00",
            "REGEDIT4\n[k]\n\"é\"=dword:ééééééé",
            "REGEDIT4\n[-]\n[k]\n\"a\"=\"\\",
        ] {
            let _ = parse(text);
        }
    }
}
