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
//!
//! Where each rule lives, so one can be changed alone: `parse` walks the lines (header,
//! comments, `[key]` in `key_line`, stray and orphan continuation lines in
//! `Reader::stray`). In `value.rs`, `value_lines` reads a value's name (`value_name`) and
//! hands its data to one reader per type (`value_data`): `delete_data`, `string_data`
//! (escapes in `quoted`), `dword_data`, and `hex_data`, which reads the type (`hex_kind`),
//! each line's bytes (`HexList::segment`) and the `\` continuation lines (`continuation`).

use crate::source::Span;

pub mod merge;
mod value;

use value::{quoted, value_lines};

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

/// The file's physical lines and the next one to read.
struct Lines<'t> {
    text: &'t str,
    all: Vec<Line>,
    next: usize,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let mut all = Vec::new();
        let mut offset = 0;
        for raw in text.split_inclusive('\n') {
            let body = raw.trim_end_matches(['\n', '\r']);
            all.push(Line {
                span: Span::new(offset, offset + body.len()),
            });
            offset += raw.len();
        }
        Lines { text, all, next: 0 }
    }

    fn slice(&self, s: Span) -> &'t str {
        self.text.get(s.start..s.end).unwrap_or("")
    }

    /// The next line, not consumed.
    fn peek(&self) -> Option<Line> {
        self.all.get(self.next).copied()
    }

    /// The next line, consumed.
    fn take(&mut self) -> Option<Line> {
        let line = self.peek()?;
        self.next += 1;
        Some(line)
    }

    /// The end of the last line consumed.
    fn last_end(&self, or: usize) -> usize {
        self.all
            .get(self.next.saturating_sub(1))
            .map(|l| l.span.end)
            .unwrap_or(or)
    }
}

/// What the reader knows between lines.
struct Reader<'t> {
    lines: Lines<'t>,
    out: ParsedReg,
    /// Index of the key currently receiving values, if any.
    current: Option<usize>,
    /// Whether the last thing read was a value (for orphan continuation lines).
    last_was_value: bool,
}

/// Reads `.reg` text (already decoded by `SourceFile`). Never fails.
pub fn parse(text: &str) -> ParsedReg {
    let mut r = Reader {
        lines: Lines::new(text),
        out: ParsedReg::default(),
        current: None,
        last_was_value: false,
    };
    let mut seen_header = false;
    while let Some(line) = r.lines.take() {
        let raw = r.lines.slice(line.span);
        let lead = raw.len() - raw.trim_start().len();
        let body = raw.trim();
        let body_start = line.span.start + lead;
        if body.is_empty() {
            r.last_was_value = false;
            continue;
        }
        if !seen_header {
            seen_header = true;
            if let Some(v) = header(body) {
                r.out.version = Some(v);
                continue;
            }
            r.out.errors.push(RegError {
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
            r.last_was_value = false;
            r.current = key_line(body, body_start, &mut r.out);
            continue;
        }
        if body.starts_with('"') || body.starts_with('@') {
            r.value(line, body, body_start);
            continue;
        }
        r.stray(line, lead, body);
    }
    if !seen_header {
        r.out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: Span::empty(0),
            label: "empty file".to_owned(),
            message: "the file is empty: Regedit refuses to import it".to_owned(),
            value: None,
        });
    }
    r.out
}

impl Reader<'_> {
    /// A `"name"=` or `@=` line (and its continuation lines) under the current key. A
    /// value Regedit rejects is reported with its name and extent, so a rejected secret
    /// can still be masked.
    fn value(&mut self, line: Line, body: &str, body_start: usize) {
        let Some(key_index) = self.current else {
            self.out.errors.push(RegError {
                kind: RegErrorKind::Syntax,
                span: line.span,
                label: "value outside a key".to_owned(),
                message: "a value before any valid `[key]` line: Regedit ignores it".to_owned(),
                value: None,
            });
            self.last_was_value = false;
            return;
        };
        let before = self.out.errors.len();
        let value = value_lines(&mut self.lines, line, &mut self.out.errors);
        if value.is_none() {
            let name = if body.starts_with('@') {
                Some(("@".to_owned(), 1))
            } else {
                quoted(body)
            };
            if let Some((name, len)) = name {
                let extent = Span::new(body_start + len, self.lines.last_end(line.span.end));
                for e in self.out.errors.iter_mut().skip(before) {
                    e.value = Some((name.clone(), extent));
                }
            }
        }
        self.last_was_value = value.is_some();
        if let (Some(value), Some(key)) = (value, self.out.keys.get_mut(key_index)) {
            key.values.push(value);
        }
    }

    /// A line that is neither a key, a value nor a comment. An indented list of hex
    /// bytes right after a value is a continuation whose previous line lacks the `\`,
    /// which Regedit drops: it is kept with the value (its bytes may be secret).
    fn stray(&mut self, line: Line, lead: usize, body: &str) {
        let orphan = lead > 0 && looks_like_hex_bytes(body);
        if orphan && self.last_was_value {
            if let Some(v) = self
                .current
                .and_then(|k| self.out.keys.get_mut(k))
                .and_then(|k| k.values.last_mut())
            {
                v.orphan_spans.push(line.span);
            }
        }
        self.out.errors.push(RegError {
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
        self.last_was_value = self.last_was_value && orphan;
    }
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
