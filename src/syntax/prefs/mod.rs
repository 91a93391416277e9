//! The Mozilla prefs-file grammar (prefs.js, user.js, defaults/pref/*.js): a lossless,
//! span-keeping reader that recovers from errors exactly as Gecko's own parser does.
//!
//! Behaviour mirrored from Gecko's `modules/libpref/parser/src/lib.rs` (see
//! `reference/thunderbird.md` §1.1): single- and double-quoted strings with the escapes
//! `\" \' \\ \n \r \xNN \uNNNN`; i32 integers tokenised as u32 so `-2147483648` fits; `#`,
//! `//` and `/* */` comments; a NUL byte is end of file; and on any error the parser skips
//! *tokens* up to the next `;` and carries on. Because strings may span lines, an
//! unterminated string swallows everything up to the next quote, and a missing `);` also
//! swallows the following statement. This module reports which prefs each error loses,
//! and the line Gecko itself reports it on (`PrefError::client_line`). It reads the file's
//! bytes as Gecko does, so a string that is not UTF-8 keeps the bytes Gecko stores
//! (`PrefEntry::raw_value`). `tests/peer_libpref.rs` checks it against Gecko's own tests.
//! It knows nothing about accounts; `clients/thunderbird` builds the model.

mod lexer;

use lexer::{class, Class, Lexer, Tok, EOF};

use crate::source::{Encoding, SourceFile, Span};

/// Which grammar applies: user files accept only `user_pref`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefFileKind {
    /// prefs.js, user.js.
    User,
    /// defaults/pref/*.js: `pref`, `sticky_pref`, `user_pref`, and `, sticky` / `, locked`.
    Default,
}

/// A pref value as the parser read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrefValue {
    Bool(bool),
    Int(i32),
    Str(String),
}

impl PrefValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            PrefValue::Bool(_) => "bool",
            PrefValue::Int(_) => "int",
            PrefValue::Str(_) => "string",
        }
    }
}

/// One statement that parsed completely, so the client applies it.
#[derive(Debug, Clone)]
pub struct PrefEntry {
    pub name: String,
    /// The name's string literal, quotes included.
    pub name_span: Span,
    pub value: PrefValue,
    /// The value's literal (sign included for ints, quotes included for strings).
    pub value_span: Span,
    /// From the keyword to the `;`.
    pub statement_span: Span,
    /// True when a string value held bytes that are not UTF-8 (the value is then lossy).
    pub value_not_utf8: bool,
    /// For a string value that is not UTF-8 (ISO-8859-1 text saved by another editor, a
    /// `\xNN` escape above 0x7f): the bytes exactly as Gecko stores them. `value` then holds
    /// them decoded lossily, one U+FFFD per invalid sequence, as Thunderbird shows them.
    pub raw_value: Option<Vec<u8>>,
    pub locked: bool,
    pub sticky: bool,
    /// Set with `pref`/`sticky_pref`: a default-branch value, which any user value of the
    /// same pref overrides.
    pub default_branch: bool,
}

/// What kind of problem an error is, for the rule that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefErrorKind {
    /// The statement is malformed.
    Syntax,
    /// An integer literal outside the i32 range.
    Overflow,
}

/// One parse error and what the client loses because of it.
#[derive(Debug, Clone)]
pub struct PrefError {
    pub kind: PrefErrorKind,
    /// Gecko's own message text.
    pub message: &'static str,
    /// The token where the error was detected (empty at end of file).
    pub span: Span,
    /// The line Gecko reports the error on (`file:LINE: prefs parse error: …` on
    /// Thunderbird's console), or `None` for a problem Gecko does not report. It differs
    /// from the line of `span` where the token spans lines: an unterminated string or `/*`
    /// comment is reported on the line where the file ends (`error_and_recover` takes the
    /// line counter as it stands after the token, or where a string's first error is).
    pub client_line: Option<usize>,
    /// Everything the recovery skips: from the bad token through the next `;`.
    pub skipped: Span,
    /// Prefs whose statements are lost (the one being parsed and any swallowed ones).
    pub lost: Vec<(String, Span)>,
}

/// The result of parsing one prefs file.
#[derive(Debug, Default)]
pub struct ParsedPrefs {
    pub entries: Vec<PrefEntry>,
    pub errors: Vec<PrefError>,
}

/// Parses a prefs file. Never panics; every error is recorded and parsing continues the
/// way Gecko's does.
pub fn parse(file: &SourceFile, kind: PrefFileKind) -> ParsedPrefs {
    let text = file.text.as_bytes();
    // Room for a statement per `;` (the shortest is 17 bytes), at most 8,192 up front: the
    // list of a fleet's profiles then grows once, not a dozen times.
    let statements = memchr::memchr_iter(b';', text)
        .count()
        .min(text.len() / 17)
        .min(8192);
    Parser {
        lx: Lexer {
            buf: gecko_bytes(file).unwrap_or(text),
            text,
            i: 0,
            value: Vec::with_capacity(64),
            report_at: 0,
            string_failed: false,
        },
        kind,
        file,
        out: ParsedPrefs {
            entries: Vec::with_capacity(statements),
            errors: Vec::new(),
        },
    }
    .run()
}

/// The bytes Gecko parses: the file's own bytes after a UTF-8 BOM (Gecko reads bytes, not
/// text), when they line up byte for byte with the decoded text (always for UTF-8, where
/// invalid bytes are replaced one for one). A UTF-16 file has no such bytes; its text is read.
fn gecko_bytes(file: &SourceFile) -> Option<&[u8]> {
    let bytes = file.bytes();
    let body = match file.encoding {
        Encoding::Utf8 => bytes,
        Encoding::Utf8Bom => bytes.get(3..)?,
        Encoding::Utf16LeBom | Encoding::Utf16BeBom => return None,
    };
    (body.len() == file.text.len()).then_some(body)
}

struct Parser<'t> {
    lx: Lexer<'t>,
    kind: PrefFileKind,
    file: &'t SourceFile,
    out: ParsedPrefs,
}

/// A statement in progress: what an error would lose.
struct Pending {
    /// Where the statement's first token starts.
    start: usize,
    name: Option<(String, Span)>,
}

/// A token and where it is.
type Token = (Tok, Span);

/// The outcome of one step of a statement: the token to go on with, or — after an error
/// and Gecko's recovery — the token after the skipped text.
type Step<T> = Result<T, Token>;

impl Parser<'_> {
    fn run(mut self) -> ParsedPrefs {
        let mut tok = self.lx.next();
        loop {
            if tok.0 == Tok::Char(EOF) {
                self.end_of_file(tok.1.start);
                return self.out;
            }
            tok = match self.statement(tok) {
                Ok(next) | Err(next) => next,
            };
        }
    }

    /// Gecko's buffer is NUL-terminated and its lexer reads a NUL byte as the end of the
    /// file, so a NUL before the real end silently drops everything after it. Say so,
    /// naming what is lost.
    fn end_of_file(&mut self, at: usize) {
        if at < self.lx.buf.len() {
            let skipped = Span::new(at, self.lx.buf.len());
            self.out.errors.push(PrefError {
                kind: PrefErrorKind::Syntax,
                message: "a NUL byte ends the file for Thunderbird; nothing after it is read",
                span: Span::new(at, at + 1),
                client_line: None,
                skipped,
                lost: statement_names_in(self.lx.buf, skipped),
            });
        }
    }

    /// One statement, from its first token: `user_pref("name", value);` (or `pref`,
    /// `sticky_pref`, with attributes in default files). The entry is recorded when the
    /// whole statement parsed.
    fn statement(&mut self, first: Token) -> Step<Token> {
        let start = first.1.start;
        let mut pending = Pending { start, name: None };
        let (default_branch, sticky) = self.specifier(first, &pending)?;
        self.expect(b'(', "expected '(' after pref specifier", &pending)?;
        let tok = self.lx.next();
        if tok.0 != Tok::Str {
            return Err(self.recover(tok, "expected pref name after '('", &pending));
        }
        let name = match std::str::from_utf8(&self.lx.value) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(&self.lx.value).into_owned(),
        };
        // Held by the pending statement (an error names it as lost) and moved into the
        // entry once the statement is whole: no copy per pref.
        pending.name = Some((name, tok.1));
        self.expect(b',', "expected ',' after pref name", &pending)?;
        let (value, value_span, raw_value) = self.value(&pending)?;
        let (locked, sticky) = self.attributes_and_close(sticky, &pending)?;
        let end = self.expect(b';', "expected ';' after ')'", &pending)?;
        let Some((name, name_span)) = pending.name.take() else {
            return Ok(self.lx.next());
        };
        self.out.entries.push(PrefEntry {
            name,
            name_span,
            value,
            value_span,
            statement_span: Span::new(start, end.1.end),
            value_not_utf8: raw_value.is_some(),
            raw_value,
            locked,
            sticky,
            default_branch,
        });
        Ok(self.lx.next())
    }

    /// The keyword: whether it sets the default branch, and whether it is sticky.
    fn specifier(&mut self, tok: Token, pending: &Pending) -> Step<(bool, bool)> {
        // Gecko's grammar reserves `pref`/`sticky_pref` for default pref files, but
        // Thunderbird 153 reads them in prefs.js and user.js without an error and
        // applies the value to the default branch (docs/interop.md, D4): mirror the
        // client, and let the model report what that means.
        match tok.0 {
            Tok::Pref => Ok((true, false)),
            Tok::StickyPref => Ok((true, true)),
            Tok::UserPref => Ok((false, false)),
            _ => {
                let msg = match self.kind {
                    PrefFileKind::Default => "expected pref specifier at start of pref definition",
                    PrefFileKind::User => "expected 'user_pref' at start of pref definition",
                };
                Err(self.recover(tok, msg, pending))
            }
        }
    }

    /// The next token, which must be the character `c`.
    fn expect(&mut self, c: u8, msg: &'static str, pending: &Pending) -> Step<Token> {
        let tok = self.lx.next();
        if tok.0 == Tok::Char(c) {
            Ok(tok)
        } else {
            Err(self.recover(tok, msg, pending))
        }
    }

    /// The value after the comma: a bool, a string or a signed 32-bit integer, with its
    /// span and, for a string that is not UTF-8, its bytes.
    fn value(&mut self, pending: &Pending) -> Step<(PrefValue, Span, Option<Vec<u8>>)> {
        let mut tok = self.lx.next();
        let value_start = tok.1.start;
        let mut raw = None;
        let value = match tok.0 {
            Tok::True => PrefValue::Bool(true),
            Tok::False => PrefValue::Bool(false),
            Tok::Str => match String::from_utf8(self.lx.value.clone()) {
                Ok(s) => PrefValue::Str(s),
                Err(e) => {
                    let s = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    raw = Some(e.into_bytes());
                    PrefValue::Str(s)
                }
            },
            Tok::Int(u) => match i32::try_from(u) {
                Ok(v) => PrefValue::Int(v),
                Err(_) => return Err(self.recover_overflow(tok, pending)),
            },
            Tok::Char(sign @ (b'-' | b'+')) => {
                tok = self.lx.next();
                let Tok::Int(u) = tok.0 else {
                    let msg = if sign == b'-' {
                        "expected integer literal after '-'"
                    } else {
                        "expected integer literal after '+'"
                    };
                    return Err(self.recover(tok, msg, pending));
                };
                let v = if sign == b'-' {
                    0i64 - i64::from(u)
                } else {
                    i64::from(u)
                };
                match i32::try_from(v) {
                    Ok(v) => PrefValue::Int(v),
                    Err(_) => return Err(self.recover_overflow(tok, pending)),
                }
            }
            _ => return Err(self.recover(tok, "expected pref value after ','", pending)),
        };
        Ok((value, Span::new(value_start, tok.1.end), raw))
    }

    /// In default files, the attributes (`, locked`, `, sticky`); then the `)`. Returns
    /// (locked, sticky).
    fn attributes_and_close(&mut self, mut sticky: bool, pending: &Pending) -> Step<(bool, bool)> {
        let mut locked = false;
        let mut has_attrs = false;
        let mut tok = self.lx.next();
        if self.kind == PrefFileKind::Default {
            while tok.0 == Tok::Char(b',') {
                tok = self.lx.next();
                match tok.0 {
                    Tok::Sticky => sticky = true,
                    Tok::Locked => locked = true,
                    _ => {
                        return Err(self.recover(tok, "expected pref attribute after ','", pending))
                    }
                }
                has_attrs = true;
                tok = self.lx.next();
            }
        }
        if tok.0 != Tok::Char(b')') {
            let msg = match (self.kind, has_attrs) {
                (PrefFileKind::User, _) => "expected ')' after pref value",
                (PrefFileKind::Default, true) => "expected ',' or ')' after pref attribute",
                (PrefFileKind::Default, false) => "expected ',' or ')' after pref value",
            };
            return Err(self.recover(tok, msg, pending));
        }
        Ok((locked, sticky))
    }

    /// The line Gecko's counter is on at byte `at`: 1 plus the line breaks before it, `\r\n`,
    /// `\r` and `\n` each one (as `SourceFile` counts them), a `\r` counting as soon as it
    /// is read.
    fn gecko_line(&self, at: usize) -> usize {
        let (line, _) = self.file.line_col(at);
        let inside_crlf = at > 0
            && self.lx.buf.get(at - 1) == Some(&b'\r')
            && self.lx.buf.get(at) == Some(&b'\n');
        line + usize::from(inside_crlf)
    }

    fn recover_overflow(&mut self, tok: (Tok, Span), pending: &Pending) -> (Tok, Span) {
        self.recover(
            (Tok::Error("integer literal overflowed"), tok.1),
            "",
            pending,
        )
    }

    /// Gecko's panic-mode recovery: skip tokens through the next `;`, then return the
    /// token after it. Records the error and every pref the skipped text held.
    fn recover(&mut self, tok: (Tok, Span), msg: &'static str, pending: &Pending) -> (Tok, Span) {
        let (message, kind) = match tok.0 {
            Tok::Error("integer literal overflowed") => {
                ("integer literal overflowed", PrefErrorKind::Overflow)
            }
            Tok::Error(m) => (m, PrefErrorKind::Syntax),
            _ => (msg, PrefErrorKind::Syntax),
        };
        let error_span = if tok.0 == Tok::Char(EOF) {
            Span::empty(tok.1.start)
        } else {
            tok.1
        };
        let client_line = Some(self.gecko_line(self.lx.report_at));
        let mut cur = tok;
        let end = loop {
            match cur.0 {
                Tok::Char(b';') => break cur.1.end,
                Tok::Char(EOF) => break cur.1.start,
                _ => cur = self.lx.next(),
            }
        };
        let skipped = Span::new(error_span.start, end);
        // Statements that start inside the skipped text are lost too. They are found in
        // the text rather than in the token stream, because a runaway string hides them
        // from the tokenizer.
        let mut lost: Vec<(String, Span)> = pending.name.iter().cloned().collect();
        // Scan from the statement's start: its value may be a runaway string that holds
        // whole statements.
        let scan = Span::new(pending.start.min(skipped.start), skipped.end);
        for found in statement_names_in(self.lx.buf, scan) {
            if !lost.iter().any(|(_, s)| *s == found.1) {
                lost.push(found);
            }
        }
        self.out.errors.push(PrefError {
            kind,
            message,
            span: error_span,
            client_line,
            skipped,
            lost,
        });
        if cur.0 == Tok::Char(b';') {
            self.lx.next()
        } else {
            cur
        }
    }
}

/// Names of `user_pref(`/`pref(`/`sticky_pref(` statements whose keyword starts in `span`.
fn statement_names_in(buf: &[u8], span: Span) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let end = span.end.min(buf.len());
    let mut i = span.start;
    while i < end {
        let is_word_start =
            i == 0 || class(buf.get(i - 1).copied().unwrap_or(b' ')) != Class::Keyword;
        let keyword_len = [&b"user_pref"[..], b"sticky_pref", b"pref"]
            .iter()
            .find(|k| buf.get(i..i + k.len()) == Some(**k))
            .map(|k| k.len());
        let Some(len) = keyword_len.filter(|_| is_word_start) else {
            i += 1;
            continue;
        };
        let mut j = i + len;
        let skip_ws = |j: &mut usize| {
            while matches!(buf.get(*j), Some(b' ' | b'\t' | b'\r' | b'\n')) {
                *j += 1;
            }
        };
        skip_ws(&mut j);
        if buf.get(j) == Some(&b'(') {
            j += 1;
            skip_ws(&mut j);
            if let Some(&q @ (b'"' | b'\'')) = buf.get(j) {
                let name_start = j;
                j += 1;
                let mut name = Vec::new();
                while let Some(&c) = buf.get(j) {
                    if c == q || c == b'\n' {
                        break;
                    }
                    if c == b'\\' {
                        j += 1;
                        if let Some(&e) = buf.get(j) {
                            name.push(e);
                        }
                    } else {
                        name.push(c);
                    }
                    j += 1;
                }
                if buf.get(j) == Some(&q) {
                    out.push((
                        String::from_utf8_lossy(&name).into_owned(),
                        Span::new(name_start, j + 1),
                    ));
                }
            }
        }
        i += len;
    }
    out
}

/// Renders a string as a prefs string literal the way Gecko writes prefs.js (`StrEscape`).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests;
