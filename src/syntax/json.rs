//! A span-keeping JSON reader (RFC 8259, as `JSON.parse` reads it): every value, key and
//! object member keeps its byte span, duplicate keys are all kept in order (the last one
//! is what `JSON.parse` uses), and the first error stops the parse with a message and a
//! span, like `JSON.parse` (which applies nothing from a document that does not parse).
//! Never panics; nesting is bounded.

use crate::source::Span;

/// The deepest nesting read; deeper input is an error rather than a stack overflow.
pub const MAX_DEPTH: usize = 512;

/// A JSON value with its span (for strings and numbers: the literal, quotes included).
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub span: Span,
    pub kind: Kind,
}

/// What a value is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    /// The number as `JSON.parse` reads it (a double), and whether its literal is an
    /// integer (no fraction, no exponent).
    Number {
        value: f64,
        integer: bool,
    },
    String(String),
    Array(Vec<Value>),
    /// Members in document order, duplicates included.
    Object(Vec<Member>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub key: String,
    /// The key's literal, quotes included.
    pub key_span: Span,
    pub value: Value,
}

impl Value {
    /// The last member named `key` (what `JSON.parse` keeps), if this is an object.
    pub fn get(&self, key: &str) -> Option<&Member> {
        match &self.kind {
            Kind::Object(members) => members.iter().rev().find(|m| m.key == key),
            _ => None,
        }
    }

    /// The members of an object, with the last of each key only, in the order of those
    /// last occurrences.
    pub fn effective_members(&self) -> Vec<&Member> {
        let Kind::Object(members) = &self.kind else {
            return Vec::new();
        };
        members
            .iter()
            .enumerate()
            .filter(|(i, m)| !members.iter().skip(i + 1).any(|later| later.key == m.key))
            .map(|(_, m)| m)
            .collect()
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }

    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number { .. } => "a number",
            Kind::String(_) => "a string",
            Kind::Array(_) => "an array",
            Kind::Object(_) => "an object",
        }
    }
}

/// A syntax error: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub span: Span,
    pub message: String,
}

/// A parsed document: the value when the whole text parsed, else the error.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub value: Option<Value>,
    pub error: Option<Error>,
}

/// Parses `text`. Whitespace around the value is allowed, anything else after it is an
/// error (as `JSON.parse` says: "unexpected non-whitespace character after JSON data").
pub fn parse(text: &str) -> Document {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let result = p.ws_value().and_then(|v| {
        p.skip_ws();
        if p.at < p.bytes.len() {
            Err(p.error_here("unexpected non-whitespace character after JSON data"))
        } else {
            Ok(v)
        }
    });
    match result {
        Ok(v) => Document {
            value: Some(v),
            error: None,
        },
        Err(e) => Document {
            value: None,
            error: Some(e),
        },
    }
}

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// An error at the current character (empty at the end of the text).
    fn error_here(&self, message: &str) -> Error {
        let end = self
            .text
            .get(self.at..)
            .and_then(|rest| rest.chars().next())
            .map(|c| self.at + c.len_utf8())
            .unwrap_or(self.at);
        let message = if self.at >= self.bytes.len() {
            format!("{message} (at the end of the data)")
        } else {
            message.to_owned()
        };
        Error {
            span: Span::new(self.at, end),
            message,
        }
    }

    fn ws_value(&mut self) -> Result<Value, Error> {
        self.skip_ws();
        self.value()
    }

    fn value(&mut self) -> Result<Value, Error> {
        let start = self.at;
        match self.bytes.get(self.at) {
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Value {
                    span: Span::new(start, self.at),
                    kind: Kind::String(s),
                })
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.word("true", Kind::Bool(true)),
            Some(b'f') => self.word("false", Kind::Bool(false)),
            Some(b'n') => self.word("null", Kind::Null),
            _ => Err(self.error_here("unexpected character")),
        }
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value, Error>) -> Result<Value, Error> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here("nested too deeply"));
        }
        self.depth += 1;
        let v = f(self);
        self.depth -= 1;
        v
    }

    fn word(&mut self, word: &str, kind: Kind) -> Result<Value, Error> {
        let start = self.at;
        if self
            .text
            .get(self.at..)
            .is_some_and(|r| r.starts_with(word))
        {
            self.at += word.len();
            Ok(Value {
                span: Span::new(start, self.at),
                kind,
            })
        } else {
            Err(self.error_here("unexpected keyword"))
        }
    }

    fn object(&mut self) -> Result<Value, Error> {
        let start = self.at;
        self.at += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b'}') {
            self.at += 1;
            return Ok(Value {
                span: Span::new(start, self.at),
                kind: Kind::Object(members),
            });
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.error_here("expected double-quoted property name"));
            }
            let key_start = self.at;
            let key = self.string()?;
            let key_span = Span::new(key_start, self.at);
            self.skip_ws();
            if self.bytes.get(self.at) != Some(&b':') {
                return Err(self.error_here("expected ':' after property name in object"));
            }
            self.at += 1;
            let value = self.ws_value()?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(Value {
                        span: Span::new(start, self.at),
                        kind: Kind::Object(members),
                    });
                }
                _ => {
                    return Err(
                        self.error_here("expected ',' or '}' after property value in object")
                    )
                }
            }
        }
    }

    fn array(&mut self) -> Result<Value, Error> {
        let start = self.at;
        self.at += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.at) == Some(&b']') {
            self.at += 1;
            return Ok(Value {
                span: Span::new(start, self.at),
                kind: Kind::Array(items),
            });
        }
        loop {
            items.push(self.ws_value()?);
            self.skip_ws();
            match self.bytes.get(self.at) {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value {
                        span: Span::new(start, self.at),
                        kind: Kind::Array(items),
                    });
                }
                _ => return Err(self.error_here("expected ',' or ']' after array element")),
            }
        }
    }

    /// A string literal starting at `"`; `self.at` ends after the closing quote.
    fn string(&mut self) -> Result<String, Error> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let Some(&b) = self.bytes.get(self.at) else {
                return Err(self.error_here("unterminated string literal"));
            };
            match b {
                b'"' => {
                    self.at += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                0x00..=0x1F => {
                    return Err(self.error_here("bad control character in string literal"))
                }
                _ => {
                    // Copy the run of ordinary characters at once (it ends on an ASCII
                    // byte, so on a char boundary).
                    let run_end = self.bytes[self.at..]
                        .iter()
                        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                        .map(|i| self.at + i)
                        .unwrap_or(self.bytes.len());
                    out.push_str(self.text.get(self.at..run_end).unwrap_or(""));
                    self.at = run_end;
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(&b) = self.bytes.get(self.at) else {
            return Err(self.error_here("unterminated string literal"));
        };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                if (0xD800..0xDC00).contains(&unit)
                    && self
                        .text
                        .get(self.at..)
                        .is_some_and(|r| r.starts_with("\\u"))
                {
                    let save = self.at;
                    self.at += 2;
                    let low = self.hex4()?;
                    if (0xDC00..0xE000).contains(&low) {
                        let c = 0x10000
                            + ((u32::from(unit) - 0xD800) << 10)
                            + (u32::from(low) - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                        return Ok(());
                    }
                    self.at = save;
                }
                char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => {
                self.at -= 1;
                return Err(self.error_here("bad escaped character"));
            }
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u16, Error> {
        let digits = self.text.get(self.at..self.at + 4).unwrap_or("");
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.error_here("bad Unicode escape"));
        }
        self.at += 4;
        u16::from_str_radix(digits, 16).map_err(|_| self.error_here("bad Unicode escape"))
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.at;
        let digits = |p: &mut Self| {
            let from = p.at;
            while p.bytes.get(p.at).is_some_and(u8::is_ascii_digit) {
                p.at += 1;
            }
            p.at > from
        };
        if self.bytes.get(self.at) == Some(&b'-') {
            self.at += 1;
        }
        match self.bytes.get(self.at) {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error_here("no number after minus sign")),
        }
        let mut integer = true;
        if self.bytes.get(self.at) == Some(&b'.') {
            integer = false;
            self.at += 1;
            if !digits(self) {
                return Err(self.error_here("missing digits after decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.at) {
            integer = false;
            self.at += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.at) {
                self.at += 1;
            }
            if !digits(self) {
                return Err(self.error_here("missing digits after exponent indicator"));
            }
        }
        let span = Span::new(start, self.at);
        let literal = self.text.get(span.start..span.end).unwrap_or("0");
        let value = literal.parse::<f64>().unwrap_or(0.0);
        Ok(Value {
            span,
            kind: Kind::Number { value, integer },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Kind};

    #[test]
    fn keeps_spans_and_duplicate_keys() {
        let text = "{\n  \"a\": 1,\n  \"//\": \"c\",\n  \"a\": [true, null, \"x\\u00e9\"]\n}";
        let doc = parse(text);
        assert_eq!(doc.error, None);
        let v = doc.value.expect("parses");
        let Kind::Object(members) = &v.kind else {
            panic!("object");
        };
        assert_eq!(members.len(), 3);
        let last = v.get("a").expect("a");
        assert_eq!(&text[last.key_span.start..last.key_span.end], "\"a\"");
        let Kind::Array(items) = &last.value.kind else {
            panic!("array");
        };
        assert_eq!(items[2].kind, Kind::String("xé".to_owned()));
        assert_eq!(
            &text[items[2].span.start..items[2].span.end],
            "\"x\\u00e9\""
        );
        assert_eq!(v.effective_members().len(), 2);
    }

    #[test]
    fn numbers_know_whether_they_are_integers() {
        for (text, value, integer) in [
            ("10", 10.0, true),
            ("-0", 0.0, true),
            ("1.5", 1.5, false),
            ("2e3", 2000.0, false),
        ] {
            let v = parse(text).value.expect(text);
            assert_eq!(v.kind, Kind::Number { value, integer }, "{text}");
        }
    }

    #[test]
    fn errors_stop_the_parse_with_a_span_as_json_parse_words_them() {
        for (text, at, message) in [
            ("{\"a\": 1,}", 8, "expected double-quoted property name"),
            ("{\"a\" 1}", 5, "expected ':' after property name in object"),
            ("[1 2]", 3, "expected ',' or ']' after array element"),
            (
                "{} x",
                3,
                "unexpected non-whitespace character after JSON data",
            ),
            (
                "\"a",
                2,
                "unterminated string literal (at the end of the data)",
            ),
            (
                "01",
                1,
                "unexpected non-whitespace character after JSON data",
            ),
            ("", 0, "unexpected character (at the end of the data)"),
        ] {
            let doc = parse(text);
            let e = doc.error.expect(text);
            assert_eq!((e.span.start, e.message.as_str()), (at, message), "{text}");
            assert!(doc.value.is_none());
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(100_000);
        assert!(parse(&text).error.is_some());
    }
}
