//! The lines of a Windows 3.1 registry file (header `REGEDIT`), read as Wine's
//! `programs/regedit/regproc.c` reads them (`parse_win31_line_state`): a line that starts,
//! in its first column and in capitals, with `HKEY_CLASSES_ROOT` names a key up to the first
//! white space; then blanks, an optional `=` and at most one space; the rest of the line, as
//! written, is the key's default value (REG_SZ). Regedit skips every other line.
//!
//! The format can hold only `HKEY_CLASSES_ROOT` (file associations), so no client reads
//! accounts from it; it is read so that what the reader says is imported is what Regedit
//! imports (tests/peer/README.md, R9).

use super::{Line, Reader, RegData, RegError, RegErrorKind, RegKey, RegValue, BLANKS};
use crate::source::Span;

const HKCR: &str = "HKEY_CLASSES_ROOT";

/// One line after the `REGEDIT` header.
pub(super) fn line(r: &mut Reader<'_>, line: Line) {
    let raw = r.lines.slice(line.span);
    let body = raw.trim_start_matches(BLANKS);
    if body.is_empty() || body.starts_with(';') {
        return;
    }
    let error = |label: &str, message: &str| RegError {
        kind: RegErrorKind::Syntax,
        span: line.span,
        label: label.to_owned(),
        message: message.to_owned(),
        value: None,
    };
    if !raw.starts_with(HKCR) {
        r.out.errors.push(error(
            "not a Windows 3.1 registry line",
            "in a `REGEDIT` (Windows 3.1) file Regedit reads only lines that start with `HKEY_CLASSES_ROOT` in the first column, in capitals; it skips this one",
        ));
        return;
    }
    let key_end = raw.find(char::is_whitespace).unwrap_or(raw.len());
    let key = raw.get(..key_end).unwrap_or("");
    // `open_key` → `parse_key_name`: the root must end the name or be followed by `\`.
    if !matches!(key.as_bytes().get(HKCR.len()), None | Some(b'\\')) {
        r.out.errors.push(error(
            "unknown root key",
            "Regedit cannot open this key (the name must be `HKEY_CLASSES_ROOT` or start with `HKEY_CLASSES_ROOT\\`) and skips the line",
        ));
        return;
    }
    let after_key = raw.get(key_end..).unwrap_or("");
    let mut value = after_key.trim_start_matches(BLANKS);
    value = value.strip_prefix('=').unwrap_or(value);
    // At most one space is skipped after the `=`.
    value = value.strip_prefix(' ').unwrap_or(value);
    let value_start = line.span.end - value.len();
    let key_span = Span::new(line.span.start, line.span.start + key_end);
    r.out.keys.push(RegKey {
        path: key.to_owned(),
        line_span: line.span,
        path_span: key_span,
        delete: false,
        values: vec![RegValue {
            name: None,
            name_span: Span::empty(key_span.end),
            data: RegData::Sz(value.to_owned()),
            data_span: Span::new(value_start, line.span.end),
            line_span: line.span,
            orphan_spans: Vec::new(),
        }],
    });
}
