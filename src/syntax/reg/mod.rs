//! A lossless reader of Regedit export files (`.reg`): header, keys, values and their
//! spans. It knows the syntax only; what the keys mean is the clients' business (`clients/outlook/reg.rs`).
//!
//! It reads a file the way Regedit imports it. The reference is Wine's importer,
//! `programs/regedit/regproc.c` (wine-mirror/wine@cd3ebad1), a state machine whose cases in
//! `programs/regedit/tests/regedit.c` carry no todo_wine, so Windows behaves the same; the
//! functions named in comments are that file's. `tests/peer_regedit.rs` runs every import
//! case of that test file against this reader.
//!
//! - Lines end at `\r\n`, `\r` or `\n` (`get_lineA`, `get_lineW`).
//! - The header is `Windows Registry Editor Version 5.00`, `REGEDIT4`, or `REGEDIT` for the
//!   Windows 3.1 format (`parse_file_header`), whose lines set the default value of a key
//!   under `HKEY_CLASSES_ROOT` (`parse_win31_line_state`, in `win31.rs`).
//! - A line is read from its first character after blanks (`line_start_state`): `[` a key,
//!   `@` or `"` a value; any other line is skipped by Regedit (reported here, except blank
//!   lines and `;` comments).
//! - `[key]` runs to the last `]`; a blank right after `[` or a missing `]` makes Regedit skip
//!   the line and keep the key before it open (`key_name_state`); a root other than the six
//!   `HKEY_…` names cannot be opened, so values after it go nowhere (`parse_key_name`).
//! - Values are read in `value.rs` (names, `=`, strings with their escapes, `dword:`, `=-`)
//!   and `hex.rs` (`hex:` / `hex(N):` lists and their `\` continuation lines).
//!
//! Regedit skips what it cannot read and goes on, so the reader reports such a line or
//! value and goes on with the next one: it never panics and never stops at the first
//! error. Where Regedit skips a value, the error carries the value's name and extent, so a
//! rejected secret can still be masked.

use crate::source::Span;

mod hex;
pub mod merge;
mod value;
mod win31;

use value::value_lines;

/// Which header the file starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegVersion {
    /// `Windows Registry Editor Version 5.00`: strings in `hex(N):` are UTF-16LE.
    V5,
    /// `REGEDIT4`: strings in `hex(N):` are 8-bit.
    V4,
    /// `REGEDIT`: the Windows 3.1 format, `HKEY_CLASSES_ROOT\key [=] text` lines that set
    /// the key's default value (`parse_win31_line_state`).
    Win31,
}

/// The data of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegData {
    /// `=-`: delete the value.
    Delete,
    /// `"text"` (REG_SZ), unescaped.
    Sz(String),
    /// `dword:` with 1 to 8 hex digits.
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

/// Blanks as Regedit skips them: spaces and tabs only.
const BLANKS: [char; 2] = [' ', '\t'];

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
    /// Splits at `\r\n`, a lone `\r` or `\n`, as Regedit's `get_lineA`/`get_lineW` do
    /// (`strpbrk(line, "\r\n")`, a `\r` followed by `\n` being one break).
    fn new(text: &'t str) -> Self {
        let mut all = Vec::new();
        let mut start = 0;
        let mut after_cr = false;
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'\n' if after_cr => start = i + 1,
                b'\n' | b'\r' => {
                    all.push(Line {
                        span: Span::new(start, i),
                    });
                    start = i + 1;
                }
                _ => {}
            }
            after_cr = b == b'\r';
        }
        if start < text.len() {
            all.push(Line {
                span: Span::new(start, text.len()),
            });
        }
        Lines { text, all, next: 0 }
    }

    fn slice(&self, s: Span) -> &'t str {
        self.text.get(s.start..s.end).unwrap_or("")
    }

    /// The next line, consumed.
    fn take(&mut self) -> Option<Line> {
        let line = self.all.get(self.next).copied()?;
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

/// What the line before was, for indented lines that look like the rest of a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum After {
    Other,
    /// A value that was imported.
    Value,
    /// A value Regedit rejected; its errors start at this index.
    Rejected(usize),
}

/// What the reader knows between lines.
struct Reader<'t> {
    lines: Lines<'t>,
    out: ParsedReg,
    /// Index of the key currently receiving values, if any.
    current: Option<usize>,
    after: After,
}

/// Reads `.reg` text (already decoded by `SourceFile`). Never fails.
pub fn parse(text: &str) -> ParsedReg {
    let mut r = Reader {
        lines: Lines::new(text),
        out: ParsedReg::default(),
        current: None,
        after: After::Other,
    };
    let mut seen_header = false;
    while let Some(line) = r.lines.take() {
        let raw = r.lines.slice(line.span);
        if !seen_header {
            if raw.trim().is_empty() {
                continue;
            }
            seen_header = true;
            r.header(line, raw.trim());
            if r.out.version.is_some() {
                continue;
            }
            // Go on reading, so the rest of the file is still checked.
        }
        if r.out.version == Some(RegVersion::Win31) {
            win31::line(&mut r, line);
        } else {
            r.line(line, raw);
        }
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
    /// The first line (`header_state`). A line that starts with `REGEDIT` but is no known
    /// header is accepted by Regedit, which then imports nothing (`REG_VERSION_FUZZY`).
    fn header(&mut self, line: Line, body: &str) {
        if let Some(v) = header(body) {
            self.out.version = Some(v);
            return;
        }
        let message = if body.starts_with("REGEDIT") {
            "the file does not start with `Windows Registry Editor Version 5.00`, `REGEDIT4` or `REGEDIT`: Regedit opens it but imports nothing"
        } else {
            "the file does not start with `Windows Registry Editor Version 5.00` or `REGEDIT4`: Regedit refuses to import it (\"not a registry script\")"
        };
        self.out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span: line.span,
            label: "not a Regedit header".to_owned(),
            message: message.to_owned(),
            value: None,
        });
    }

    /// One line of a version 4 or 5 file, by its first character after blanks
    /// (`line_start_state`).
    fn line(&mut self, line: Line, raw: &str) {
        let body = raw.trim_start_matches(BLANKS);
        let lead = raw.len() - body.len();
        let body_start = line.span.start + lead;
        match body.chars().next() {
            None => self.after = After::Other,
            Some(';') => {}
            Some('[') => {
                self.after = After::Other;
                self.current = key_line(body, body_start, self.current, &mut self.out);
            }
            Some('"' | '@') => self.value(line, body, body_start),
            Some(_) => self.stray(line, lead, body),
        }
    }

    /// A `"name"=` or `@=` line (and its continuation lines) under the current key. A
    /// value Regedit rejects, or sets under no key, is reported with its name and extent,
    /// so a rejected secret can still be masked.
    fn value(&mut self, line: Line, body: &str, body_start: usize) {
        let before = self.out.errors.len();
        let value = value_lines(&mut self.lines, line, &mut self.out.errors);
        let key = self.current.filter(|_| value.is_some());
        if value.is_some() && key.is_none() {
            self.out.errors.push(RegError {
                kind: RegErrorKind::Syntax,
                span: line.span,
                label: "value outside a key".to_owned(),
                message: "a value before any valid `[key]` line: Regedit ignores it".to_owned(),
                value: None,
            });
        }
        match (value, key.and_then(|k| self.out.keys.get_mut(k))) {
            (Some(value), Some(key)) => {
                key.values.push(value);
                self.after = After::Value;
            }
            _ => {
                let (name, len) = value::name_for_masking(body);
                let extent = Span::new(body_start + len, self.lines.last_end(line.span.end));
                for e in self.out.errors.iter_mut().skip(before) {
                    e.value = Some((name.clone(), extent));
                }
                self.after = After::Rejected(before);
            }
        }
    }

    /// A line that is neither a key, a value nor a comment: Regedit skips it. An indented
    /// list of hex bytes right after a value is a continuation whose previous line lacks
    /// the `\`: it is kept with the value (its bytes may be secret); after a value Regedit
    /// rejected, any indented line joins the rejected value's extent, for the same reason.
    fn stray(&mut self, line: Line, lead: usize, body: &str) {
        let orphan = lead > 0 && looks_like_hex_bytes(body);
        match self.after {
            After::Value if orphan => {
                if let Some(v) = self
                    .current
                    .and_then(|k| self.out.keys.get_mut(k))
                    .and_then(|k| k.values.last_mut())
                {
                    v.orphan_spans.push(line.span);
                }
            }
            After::Rejected(first) if lead > 0 => {
                for e in self.out.errors.iter_mut().skip(first) {
                    if let Some((_, extent)) = &mut e.value {
                        extent.end = extent.end.max(line.span.end);
                    }
                }
            }
            _ => {}
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
        // Keep attaching further indented lines to the same value.
        if !(lead > 0 && (orphan || matches!(self.after, After::Rejected(_)))) {
            self.after = After::Other;
        }
    }
}

/// The version a header line names. Regedit compares the whole line after leading blanks
/// (`parse_file_header`); like regashii, this reader also accepts blanks or a `;` comment
/// after it (a difference no peer case covers, tests/peer/README.md).
fn header(body: &str) -> Option<RegVersion> {
    for (text, v) in [
        ("Windows Registry Editor Version 5.00", RegVersion::V5),
        ("REGEDIT4", RegVersion::V4),
        ("REGEDIT", RegVersion::Win31),
    ] {
        if let Some(rest) = body.strip_prefix(text) {
            let rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with(';') {
                return Some(v);
            }
        }
    }
    None
}

/// The root keys Regedit can open (`reg_class_keys`, matched case-insensitively and
/// followed by the end of the name or `\` in `parse_key_name`).
const ROOTS: [&str; 6] = [
    "HKEY_LOCAL_MACHINE",
    "HKEY_USERS",
    "HKEY_CLASSES_ROOT",
    "HKEY_CURRENT_CONFIG",
    "HKEY_CURRENT_USER",
    "HKEY_DYN_DATA",
];

/// True when Regedit can open the key `path` (`parse_key_name`).
fn known_root(path: &str) -> bool {
    let root = path.split('\\').next().unwrap_or("");
    ROOTS.iter().any(|r| r.eq_ignore_ascii_case(root))
}

/// `[key]`, `[-key]` with anything after the last `]` ignored (`key_name_state`,
/// `delete_key_state`, `open_key`). Returns the index of the key that receives the values
/// after it: the new key; the key before it when Regedit skips the line; `None` when the
/// line closes the open key (a deletion, a key Regedit cannot open).
fn key_line(
    body: &str,
    body_start: usize,
    current: Option<usize>,
    out: &mut ParsedReg,
) -> Option<usize> {
    let line_span = Span::new(body_start, body_start + body.len());
    let mut error = |span: Span, label: &str, message: String| {
        out.errors.push(RegError {
            kind: RegErrorKind::Syntax,
            span,
            label: label.to_owned(),
            message,
            value: None,
        });
    };
    let keeps = if current.is_some() {
        "the values after it go to the key before it"
    } else {
        "the values after it are not imported"
    };
    if body.get(1..).unwrap_or("").starts_with(BLANKS) {
        error(
            line_span,
            "blank after `[`",
            format!("a key name that starts with a blank: Regedit skips this line, so {keeps}"),
        );
        return current;
    }
    let Some(close) = body.rfind(']') else {
        error(
            line_span,
            "no closing `]`",
            format!("a key line without `]`: Regedit skips it, so {keeps}"),
        );
        return current;
    };
    let inner = body.get(1..close).unwrap_or("");
    let (delete, name, name_off) = match inner.strip_prefix('-') {
        Some(rest) => (true, rest, 2),
        None => (false, inner, 1),
    };
    let path_span = Span::new(body_start + name_off, body_start + name_off + name.len());
    if name.trim().is_empty() {
        error(
            Span::new(body_start, body_start + close + 1),
            "empty key name",
            "a key line without a key name: Regedit rejects it".to_owned(),
        );
        return None;
    }
    if delete && !name.starts_with(['H', 'h']) {
        error(
            path_span,
            "not a key to delete",
            "Regedit deletes a key only when its name starts with `H` (`HKEY_…`): this line deletes nothing, and the values after it are not imported".to_owned(),
        );
        return None;
    }
    if !known_root(name) {
        // Deleting such a key ends the import (`delete_registry_key` calls `error_exit`);
        // the lines after it are still read here (tests/peer/README.md).
        error(
            path_span,
            "unknown root key",
            format!(
                "Regedit knows only the root keys {}: {}",
                ROOTS.join(", "),
                if delete {
                    "it cannot delete this key and ends the import at this line"
                } else {
                    "it cannot open this key, so the values after it are not imported"
                }
            ),
        );
        return None;
    }
    out.keys.push(RegKey {
        path: name.to_owned(),
        line_span,
        path_span,
        delete,
        values: Vec::new(),
    });
    (!delete).then(|| out.keys.len() - 1)
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
mod tests;
