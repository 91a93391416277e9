//! The tokens of the prefs grammar, read as Gecko's lexer reads them
//! (`modules/libpref/parser/src/lib.rs`): keywords, strings with their escapes, integers,
//! single characters, comments skipped, a NUL byte as the end of the file.
//!
//! Like Gecko's, it reads the file's bytes, so a string value holds exactly the bytes Gecko
//! stores, ISO-8859-1 or other non-UTF-8 bytes included (`get_string_token` copies them
//! as they are). It also records where Gecko's line counter stands when it reports an
//! error on a token (`report_at`): after the token, or, inside a string, where the string's
//! first error is (`string_error_token` records `ErrorAtLine` with the line at that moment).

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Char(u8),
    Pref,
    StickyPref,
    UserPref,
    True,
    False,
    Sticky,
    Locked,
    Str,
    Int(u32),
    Error(&'static str),
}

pub(super) const EOF: u8 = 0;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Single,
    SpaceNl,
    Keyword,
    Quote,
    Slash,
    Digit,
    Hash,
    Cr,
    Other,
}

pub(super) fn class(c: u8) -> Class {
    CLASSES[usize::from(c)]
}

/// The class of every byte, looked up once per byte read (this lexer reads every pref of
/// every profile of a fleet twice: once to lint, once to verify the fixes).
const CLASSES: [Class; 256] = {
    let mut table = [Class::Other; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        table[c] = match b {
            0 | b'(' | b')' | b'+' | b',' | b'-' | b';' => Class::Single,
            b'\t' | b'\n' | 0x0B | 0x0C | b' ' => Class::SpaceNl,
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => Class::Keyword,
            b'"' | b'\'' => Class::Quote,
            b'/' => Class::Slash,
            b'0'..=b'9' => Class::Digit,
            b'#' => Class::Hash,
            b'\r' => Class::Cr,
            _ => Class::Other,
        };
        c += 1;
    }
    table
};

fn is_special_in_string(c: u8) -> bool {
    SPECIAL_IN_STRING[usize::from(c)]
}

/// The bytes that end a run of ordinary string content: NUL, line breaks, quotes and `\`.
const SPECIAL_IN_STRING: [bool; 256] = {
    let mut table = [false; 256];
    let specials = [0, b'\n', b'\r', b'"', b'\'', b'\\'];
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] = true;
        i += 1;
    }
    table
};

pub(super) struct Lexer<'t> {
    /// The file's bytes as Gecko reads them (after a UTF-8 BOM).
    pub(super) buf: &'t [u8],
    /// The decoded text, byte for byte as long as `buf` (invalid bytes are `?` there): spans
    /// are cut at its character boundaries.
    pub(super) text: &'t [u8],
    /// Index of the next char; the buffer behaves as if a NUL followed its last byte.
    pub(super) i: usize,
    /// The string value of the last `Tok::Str`.
    pub(super) value: Vec<u8>,
    /// Where Gecko's line counter stands when it reports an error on the last token: the
    /// end of the token, or for a string the place of its first error.
    pub(super) report_at: usize,
    /// Whether the token being read is a string with an error (`report_at` is then set).
    pub(super) string_failed: bool,
}

impl<'t> Lexer<'t> {
    fn get_char(&mut self) -> u8 {
        if self.i <= self.buf.len() {
            let c = self.buf.get(self.i).copied().unwrap_or(EOF);
            self.i += 1;
            c
        } else {
            EOF
        }
    }

    fn unget_char(&mut self) {
        self.i = self.i.saturating_sub(1);
    }

    fn peek(&self) -> u8 {
        self.buf.get(self.i).copied().unwrap_or(EOF)
    }

    fn match_char(&mut self, c: u8) -> bool {
        if self.i <= self.buf.len() && self.peek() == c {
            self.i += 1;
            return true;
        }
        false
    }

    fn skip_line_comment(&mut self) {
        loop {
            match self.get_char() {
                b'\n' | EOF => break,
                b'\r' => {
                    self.match_char(b'\n');
                    break;
                }
                _ => {}
            }
        }
    }

    fn skip_block_comment(&mut self) -> bool {
        loop {
            match self.get_char() {
                b'*' if self.match_char(b'/') => return true,
                EOF => return false,
                _ => {}
            }
        }
    }

    fn hex_digits(&mut self, n: usize) -> Option<u16> {
        let mut value: u16 = 0;
        for _ in 0..n {
            let c = self.get_char();
            let digit = match c {
                b'0'..=b'9' => c - b'0',
                b'A'..=b'F' => c - b'A' + 10,
                b'a'..=b'f' => c - b'a' + 10,
                _ => {
                    self.unget_char();
                    return None;
                }
            };
            value = (value << 4) | u16::from(digit);
        }
        Some(value)
    }

    /// Returns the next token and its span.
    pub(super) fn next(&mut self) -> (Tok, Span) {
        self.string_failed = false;
        let (tok, span) = self.token();
        if !self.string_failed {
            self.report_at = self.i.min(self.buf.len());
        }
        (tok, span)
    }

    fn token(&mut self) -> (Tok, Span) {
        loop {
            let start = self.i;
            let c = self.get_char();
            match class(c) {
                Class::Single => return (Tok::Char(c), self.span_from(start)),
                Class::SpaceNl => continue,
                Class::Keyword => {
                    // The rest of the word at once; the byte after it (or the end) is
                    // read next, as the one-at-a-time loop would leave it.
                    let rest = self.buf.get(self.i..).unwrap_or_default();
                    self.i += rest
                        .iter()
                        .position(|&b| class(b) != Class::Keyword)
                        .unwrap_or(rest.len());
                    let word = self.buf.get(start..self.i).unwrap_or_default();
                    let tok = match word {
                        b"pref" => Tok::Pref,
                        b"true" => Tok::True,
                        b"false" => Tok::False,
                        b"user_pref" => Tok::UserPref,
                        b"sticky" => Tok::Sticky,
                        b"locked" => Tok::Locked,
                        b"sticky_pref" => Tok::StickyPref,
                        _ => Tok::Error("unknown keyword"),
                    };
                    return (tok, self.span_from(start));
                }
                Class::Quote => {
                    let tok = self.string(c);
                    return (tok, self.span_from(start));
                }
                Class::Slash => match self.get_char() {
                    b'/' => self.skip_line_comment(),
                    b'*' => {
                        if !self.skip_block_comment() {
                            return (Tok::Error("unterminated /* comment"), self.span_from(start));
                        }
                    }
                    other => {
                        if other == b'\n' || other == b'\r' {
                            self.unget_char();
                        }
                        return (
                            Tok::Error("expected '/' or '*' after '/'"),
                            self.span_from(start),
                        );
                    }
                },
                Class::Digit => {
                    let mut value = Some(u32::from(c - b'0'));
                    loop {
                        let d = self.get_char();
                        match class(d) {
                            Class::Digit => {
                                value = value
                                    .and_then(|v| v.checked_mul(10))
                                    .and_then(|v| v.checked_add(u32::from(d - b'0')));
                            }
                            Class::Keyword => {
                                // "123abc": the recovery re-reads from "abc" on.
                                self.unget_char();
                                return (
                                    Tok::Error("unexpected character in integer literal"),
                                    self.span_from(start),
                                );
                            }
                            _ => {
                                self.unget_char();
                                break;
                            }
                        }
                    }
                    let tok = match value {
                        Some(v) => Tok::Int(v),
                        None => Tok::Error("integer literal overflowed"),
                    };
                    return (tok, self.span_from(start));
                }
                Class::Hash => self.skip_line_comment(),
                Class::Cr => {
                    self.match_char(b'\n');
                }
                Class::Other => return (Tok::Error("unexpected character"), self.span_from(start)),
            }
        }
    }

    /// The span of the token read since `start`. The lexer works on bytes, as Gecko's
    /// does, so a token that stops inside a multi-byte character (an "unexpected
    /// character" on its lead byte) is widened to whole characters: spans are drawn and
    /// spliced as text.
    fn span_from(&self, start: usize) -> Span {
        let is_continuation =
            |at: usize| self.text.get(at).map(|b| b & 0xC0 == 0x80).unwrap_or(false);
        let mut start = start.min(self.text.len());
        while start > 0 && is_continuation(start) {
            start -= 1;
        }
        let mut end = self.i.min(self.text.len());
        while is_continuation(end) {
            end += 1;
        }
        Span::new(start, end)
    }

    /// Reads a string literal after its opening quote. On an error inside the string the
    /// whole literal is still consumed, and the first error is returned.
    fn string(&mut self, quote: u8) -> Tok {
        self.value.clear();
        let mut tok = Tok::Str;
        loop {
            // The run of ordinary bytes up to the next special one, copied at once (the
            // same bytes the one-at-a-time loop below would push).
            let rest = self.buf.get(self.i..).unwrap_or_default();
            let run = rest
                .iter()
                .position(|&b| is_special_in_string(b))
                .unwrap_or(rest.len());
            self.value
                .extend_from_slice(rest.get(..run).unwrap_or_default());
            self.i += run;
            let c = self.get_char();
            if !is_special_in_string(c) {
                self.value.push(c);
                continue;
            }
            if c == quote {
                break;
            }
            match c {
                b'\\' => {
                    let e = self.get_char();
                    let byte = match e {
                        b'"' => b'"',
                        b'\'' => b'\'',
                        b'\\' => b'\\',
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b'x' => match self.hex_digits(2) {
                            Some(0) => {
                                self.fail(&mut tok, "\\x00 is not allowed");
                                continue;
                            }
                            // Two hex digits fit in a byte.
                            Some(v) => v.to_le_bytes()[0],
                            None => {
                                self.fail(&mut tok, "malformed \\x escape sequence");
                                continue;
                            }
                        },
                        b'u' => {
                            self.unicode_escape(&mut tok);
                            continue;
                        }
                        other => {
                            if other == b'\n' || other == b'\r' {
                                self.unget_char();
                            }
                            self.fail(&mut tok, "unexpected escape sequence character after '\\'");
                            continue;
                        }
                    };
                    self.value.push(byte);
                }
                b'\r' => {
                    if self.match_char(b'\n') {
                        self.value.push(b'\r');
                        self.value.push(b'\n');
                    } else {
                        self.value.push(b'\r');
                    }
                }
                EOF => {
                    self.fail(&mut tok, "unterminated string literal");
                    break;
                }
                // A newline, or the other kind of quote.
                other => self.value.push(other),
            }
        }
        tok
    }

    /// The first error inside a string: the string becomes an error token, reported on the
    /// line Gecko's counter is on now (`string_error_token`).
    fn fail(&mut self, tok: &mut Tok, msg: &'static str) {
        if *tok == Tok::Str {
            *tok = Tok::Error(msg);
            self.report_at = self.i.min(self.buf.len());
            self.string_failed = true;
        }
    }

    fn unicode_escape(&mut self, tok: &mut Tok) {
        let Some(unit) = self.hex_digits(4) else {
            self.fail(tok, "malformed \\u escape sequence");
            return;
        };
        let mut units = vec![unit];
        if unit & 0xFC00 == 0xD800 {
            if self.match_char(b'\\') && self.match_char(b'u') {
                if let Some(low) = self.hex_digits(4) {
                    if low & 0xFC00 == 0xDC00 {
                        units.push(low);
                    } else {
                        self.fail(tok, "invalid low surrogate after high surrogate");
                        return;
                    }
                }
            }
            if units.len() != 2 {
                self.fail(tok, "expected low surrogate after high surrogate");
                return;
            }
        } else if unit & 0xFC00 == 0xDC00 {
            self.fail(tok, "expected high surrogate before low surrogate");
            return;
        } else if unit == 0 {
            self.fail(tok, "\\u0000 is not allowed");
            return;
        }
        match String::from_utf16(&units) {
            Ok(s) => self.value.extend_from_slice(s.as_bytes()),
            Err(_) => self.fail(tok, "malformed \\u escape sequence"),
        }
    }
}
