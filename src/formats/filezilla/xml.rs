//! A lossless, span-keeping XML tree for FileZilla's files, built on quick-xml's tokenizer.
//!
//! We never re-serialise: every element, attribute and text keeps its byte span into the
//! decoded text, so fixes splice the original bytes. The reader mirrors what pugixml (the
//! parser FileZilla uses, reference filezilla §2) does with the input: predefined and
//! numeric entities are unescaped, unknown entities are left as written (pugixml never
//! expands custom entities), whitespace-only text is not a value, CRLF in text reads as LF,
//! and a DOCTYPE is skipped, not followed. Malformed input stops the parse at the first
//! error, as pugixml does (FileZilla then discards the whole file); the partial tree is
//! kept so secrets in it can still be masked.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::source::Span;

/// An attribute: name and unescaped value, with spans.
#[derive(Debug, Clone)]
pub struct Attr {
    pub name: String,
    pub name_span: Span,
    pub value: String,
    /// The raw value between the quotes.
    pub value_span: Span,
}

/// A text or CDATA node: the unescaped value and the raw span.
#[derive(Debug, Clone)]
pub struct Text {
    /// Borrowed for the indentation FileZilla writes between elements (most text nodes of
    /// a large file), so a 10,000-site file does not allocate one string per line break.
    pub value: Cow<'static, str>,
    pub span: Span,
}

/// A child of an element.
#[derive(Debug, Clone)]
pub enum Node {
    /// Boxed: elements are large and a `<Servers>` list holds thousands of them, so the
    /// child vectors hold pointers and grow without copying whole elements.
    Element(Box<Element>),
    Text(Text),
}

/// An element with spans on its tags.
#[derive(Debug, Clone)]
pub struct Element {
    /// Borrowed for FileZilla's own element names, which make up nearly every element.
    pub name: Cow<'static, str>,
    pub name_span: Span,
    /// The whole start tag, `<Setting name="x">` (or the whole `<x />`).
    pub start: Span,
    /// The whole end tag; equal to `start` for a self-closed element.
    pub end: Span,
    pub self_closing: bool,
    /// For a self-closed element: the ` />` that closes it (with the space before it).
    pub self_close_span: Span,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
}

impl Element {
    /// The whole element, start tag to end tag.
    pub fn span(&self) -> Span {
        self.start.cover(self.end)
    }

    /// Between the start tag and the end tag (empty for a self-closed element).
    pub fn content_span(&self) -> Span {
        if self.self_closing {
            Span::empty(self.start.end)
        } else {
            Span::new(self.start.end, self.end.start)
        }
    }

    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e.as_ref()),
            Node::Text(_) => None,
        })
    }

    /// The first child element named `name` (pugixml `child(name)`).
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// The first text child that is not whitespace only (pugixml's `child_value()`; pugixml
    /// drops whitespace-only text by default).
    pub fn first_text(&self) -> Option<&Text> {
        self.children.iter().find_map(|n| match n {
            Node::Text(t) if !t.value.trim().is_empty() => Some(t),
            _ => None,
        })
    }

    /// The element's text value, "" when it has none.
    pub fn text(&self) -> &str {
        self.first_text().map(|t| t.value.as_ref()).unwrap_or("")
    }

    /// The whitespace text node just before child element `index` of `self.children`.
    pub fn indent_before(&self, child_start: usize) -> Option<&str> {
        let mut last_ws = None;
        for n in &self.children {
            match n {
                Node::Element(e) if e.start.start == child_start => return last_ws,
                Node::Element(_) => last_ws = None,
                Node::Text(t) if t.value.trim().is_empty() => last_ws = Some(t.value.as_ref()),
                Node::Text(_) => last_ws = None,
            }
        }
        None
    }
}

/// A syntax error, where pugixml would stop.
#[derive(Debug, Clone)]
pub struct XmlError {
    pub span: Span,
    pub message: String,
}

/// A parsed document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub root: Option<Element>,
    /// The first syntax error; FileZilla rejects the file when there is one.
    pub error: Option<XmlError>,
    /// A `<!DOCTYPE …>` declaration (skipped, never followed).
    pub doctype: Option<Span>,
    /// Elements still open when the parse stopped (partial tree, for masking secrets).
    pub partial: Vec<Element>,
}

/// The deepest element nesting read. FileZilla's files nest a few levels (Site Manager
/// folders a few more); past this the tree would only serve to exhaust the stack of the
/// code that walks it (and of its recursive drop), so the parse stops with an error.
pub const MAX_DEPTH: usize = 256;

fn span_of(start: u64, end: u64) -> Span {
    Span::new(
        usize::try_from(start).unwrap_or(usize::MAX),
        usize::try_from(end).unwrap_or(usize::MAX),
    )
}

/// Parses `text` (the decoded file, BOM stripped). Never panics.
pub fn parse(text: &str) -> Document {
    let mut reader = Reader::from_str(text);
    {
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
    }
    let mut doc = Document::default();
    let mut stack: Vec<Element> = Vec::new();
    // A run of text and entity references is one text node.
    let mut pending: Option<Span> = None;
    let flush = |pending: &mut Option<Span>, stack: &mut Vec<Element>| {
        if let Some(span) = pending.take() {
            let raw = text.get(span.start..span.end).unwrap_or("");
            if let Some(top) = stack.last_mut() {
                let value = match common_whitespace(raw) {
                    Some(ws) => Cow::Borrowed(ws),
                    None => {
                        let mut value = unescape(raw);
                        if value.contains('\r') {
                            value = value.replace("\r\n", "\n");
                        }
                        Cow::Owned(value)
                    }
                };
                top.children.push(Node::Text(Text { value, span }));
            }
        }
    };
    loop {
        let before = reader.buffer_position();
        let event = reader.read_event();
        let after = reader.buffer_position();
        let span = span_of(before, after);
        match event {
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(span.start);
                doc.error = Some(XmlError {
                    span: char_at(text, at),
                    message: e.to_string(),
                });
                break;
            }
            Ok(Event::Eof) => break,
            Ok(Event::Text(_)) | Ok(Event::GeneralRef(_)) => {
                pending = Some(match pending {
                    Some(p) => p.cover(span),
                    None => span,
                });
                continue;
            }
            Ok(event) => {
                flush(&mut pending, &mut stack);
                match event {
                    Event::Start(_) | Event::Empty(_) => {
                        let raw = text.get(span.start..span.end).unwrap_or("");
                        let self_closing = matches!(event, Event::Empty(_));
                        match scan_tag(raw, span.start) {
                            Ok(tag) => {
                                let el = Element {
                                    name: tag.name,
                                    name_span: tag.name_span,
                                    start: span,
                                    end: span,
                                    self_closing,
                                    self_close_span: tag.close_span,
                                    attrs: tag.attrs,
                                    children: Vec::new(),
                                };
                                if self_closing {
                                    attach(&mut doc, &mut stack, el);
                                } else if stack.len() >= MAX_DEPTH {
                                    doc.error = Some(XmlError {
                                        span: el.start,
                                        message: format!(
                                            "elements are nested more than {MAX_DEPTH} levels deep; clientlint reads no further"
                                        ),
                                    });
                                    break;
                                } else {
                                    stack.push(el);
                                }
                            }
                            Err(e) => {
                                doc.error = Some(e);
                                break;
                            }
                        }
                    }
                    Event::End(_) => {
                        if let Some(mut el) = stack.pop() {
                            el.end = span;
                            attach(&mut doc, &mut stack, el);
                        }
                    }
                    Event::CData(c) => {
                        if let Some(top) = stack.last_mut() {
                            top.children.push(Node::Text(Text {
                                value: Cow::Owned(String::from_utf8_lossy(&c).into_owned()),
                                span,
                            }));
                        }
                    }
                    Event::DocType(_) => doc.doctype = Some(span),
                    _ => {}
                }
            }
        }
    }
    if doc.error.is_none() {
        flush(&mut pending, &mut stack);
        if let Some(open) = stack.last() {
            doc.error = Some(XmlError {
                span: open.start,
                message: format!("the element `<{}>` is never closed", open.name),
            });
        }
    }
    doc.partial = stack;
    doc
}

/// The span of the character at byte `at` of `text` (empty at the end). quick-xml and
/// our tag scanner report byte positions, which may fall inside a multi-byte character
/// (a stray BOM, a non-ASCII name); spans are drawn and spliced as text, so they are
/// widened to the whole character.
fn char_at(text: &str, at: usize) -> Span {
    let mut start = at.min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text
        .get(start..)
        .and_then(|rest| rest.chars().next())
        .map(|c| start + c.len_utf8())
        .unwrap_or(start);
    Span::new(start, end)
}

fn attach(doc: &mut Document, stack: &mut [Element], el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(Box::new(el))),
        // pugixml keeps every top-level element; FileZilla reads the first one named
        // FileZilla3 (`document.child(root)`), so keep the first root.
        None => {
            if doc.root.is_none() {
                doc.root = Some(el);
            }
        }
    }
}

struct Tag {
    name: Cow<'static, str>,
    name_span: Span,
    attrs: Vec<Attr>,
    close_span: Span,
}

/// Reads a start tag `<name a="v" …>` or `<name … />` whose text starts at `base`.
fn scan_tag(raw: &str, base: usize) -> Result<Tag, XmlError> {
    let bytes = raw.as_bytes();
    let err = |at: usize, message: String| {
        let span = char_at(raw, at);
        XmlError {
            span: Span::new(base + span.start, base + span.end),
            message,
        }
    };
    let is_ws = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    // Byte at `i`, or 0 past the end (0 never occurs in well-formed tag text).
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    let mut i = 1;
    let name_start = i;
    while i < bytes.len() && !is_ws(at(i)) && at(i) != b'/' && at(i) != b'>' {
        i += 1;
    }
    let name = known_name(raw.get(name_start..i).unwrap_or(""));
    let name_span = Span::new(base + name_start, base + i);
    let mut attrs = Vec::new();
    loop {
        let ws_start = i;
        while i < bytes.len() && is_ws(at(i)) {
            i += 1;
        }
        match bytes.get(i) {
            None | Some(b'>') => {
                return Ok(Tag {
                    name,
                    name_span,
                    attrs,
                    close_span: Span::new(base + ws_start, base + bytes.len()),
                })
            }
            Some(b'/') => {
                return Ok(Tag {
                    name,
                    name_span,
                    attrs,
                    close_span: Span::new(base + ws_start, base + bytes.len()),
                })
            }
            _ => {}
        }
        if i == ws_start {
            return Err(err(
                i,
                "attributes must be separated by whitespace".to_owned(),
            ));
        }
        let an_start = i;
        while i < bytes.len() && !is_ws(at(i)) && !matches!(at(i), b'=' | b'>' | b'/') {
            i += 1;
        }
        let an = raw.get(an_start..i).unwrap_or("").to_owned();
        while i < bytes.len() && is_ws(at(i)) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'=') {
            return Err(err(i, format!("the attribute `{an}` has no value")));
        }
        i += 1;
        while i < bytes.len() && is_ws(at(i)) {
            i += 1;
        }
        let quote = match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(err(i, format!("the value of `{an}` is not quoted"))),
        };
        i += 1;
        let v_start = i;
        while i < bytes.len() && at(i) != quote {
            i += 1;
        }
        if i >= bytes.len() {
            return Err(err(v_start, format!("the value of `{an}` is not closed")));
        }
        let rawv = raw.get(v_start..i).unwrap_or("");
        attrs.push(Attr {
            name: an,
            name_span: Span::new(base + an_start, base + an_start + (v_start - an_start)),
            // pugixml's default flags turn tabs and newlines in attributes into spaces.
            value: unescape(rawv).replace(['\t', '\n', '\r'], " "),
            value_span: Span::new(base + v_start, base + i),
        });
        i += 1;
    }
}

/// Unescapes the five predefined entities and character references. Anything else
/// (`&custom;`, a lone `&`) stays as written, as in pugixml.
/// FileZilla's element names (reference filezilla §2–§5), shared instead of allocated.
const KNOWN_NAMES: &[&str] = &[
    "FileZilla3",
    "Settings",
    "Setting",
    "Servers",
    "Server",
    "Folder",
    "RecentServers",
    "LastServer",
    "Host",
    "Port",
    "Protocol",
    "Type",
    "User",
    "Pass",
    "Account",
    "Keyfile",
    "Logontype",
    "TimezoneOffset",
    "PasvMode",
    "MaximumMultipleConnections",
    "EncodingType",
    "CustomEncoding",
    "BypassProxy",
    "Name",
    "Comments",
    "Colour",
    "LocalDir",
    "RemoteDir",
    "SyncBrowsing",
    "DirectoryComparison",
    "Tabs",
    "Tab",
    "Site",
    "Filters",
    "Filter",
    "Bookmark",
    "Post_Login_Commands",
    "Command",
];

fn known_name(name: &str) -> Cow<'static, str> {
    match KNOWN_NAMES.iter().find(|k| **k == name) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(name.to_owned()),
    }
}

/// The indentation between elements as FileZilla (pugixml) writes it — a line break and
/// tabs — and as hand-edited files have it (spaces, CRLF), up to eight levels.
fn common_whitespace(raw: &str) -> Option<&'static str> {
    const TABS: &str = "\n\t\t\t\t\t\t\t\t";
    const CRLF_TABS: &str = "\r\n\t\t\t\t\t\t\t\t";
    const SPACES: &str = "\n                                ";
    let candidates = [TABS, SPACES];
    for c in candidates {
        if c.starts_with(raw) && raw.starts_with('\n') {
            return c.get(..raw.len());
        }
    }
    // In text, CRLF reads as LF (as pugixml does): "\r\n\t\t" becomes "\n\t\t".
    if CRLF_TABS.starts_with(raw) && raw.starts_with("\r\n") {
        return TABS.get(..raw.len() - 1);
    }
    None
}

pub fn unescape(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = rest.find('&') {
        out.push_str(rest.get(..pos).unwrap_or(""));
        let after = rest.get(pos..).unwrap_or("");
        let semi = after.find(';').filter(|&s| s <= 12);
        let resolved = semi.and_then(|s| {
            let name = after.get(1..s)?;
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse::<u32>().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, s + 1))
        });
        match resolved {
            Some((c, len)) => {
                out.push(c);
                rest = after.get(len..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::{parse, unescape};

    #[test]
    fn spans_point_at_names_values_and_text() -> Result<(), &'static str> {
        let t = "<?xml version=\"1.0\"?>\n<FileZilla3>\n\t<Settings>\n\t\t<Setting name=\"Timeout\">20</Setting>\n\t\t<Setting name=\"External IP\" />\n\t</Settings>\n</FileZilla3>\n";
        let d = parse(t);
        assert!(d.error.is_none(), "{:?}", d.error);
        let root = d.root.as_ref().ok_or("root")?;
        assert_eq!(root.name, "FileZilla3");
        let settings = root.child("Settings").ok_or("settings")?;
        let mut it = settings.elements();
        let timeout = it.next().ok_or("timeout")?;
        let a = timeout.attr("name").ok_or("name")?;
        assert_eq!(&t[a.value_span.start..a.value_span.end], "Timeout");
        let text = timeout.first_text().ok_or("text")?;
        assert_eq!(&t[text.span.start..text.span.end], "20");
        let ext = it.next().ok_or("external")?;
        assert!(ext.self_closing);
        assert_eq!(
            &t[ext.self_close_span.start..ext.self_close_span.end],
            " />"
        );
        assert_eq!(settings.indent_before(timeout.start.start), Some("\n\t\t"));
        Ok(())
    }

    #[test]
    fn entities_are_unescaped_but_custom_ones_are_kept() -> Result<(), &'static str> {
        assert_eq!(unescape("a&amp;b&lt;&#65;&#x42;&foo;&"), "a&b<AB&foo;&");
        let d = parse("<a><b>x &amp; y</b></a>");
        let b = d.root.as_ref().and_then(|r| r.child("b")).ok_or("b")?;
        assert_eq!(b.text(), "x & y");
        assert_eq!(b.first_text().map(|t| t.span.len()), Some(9));
        Ok(())
    }

    #[test]
    fn mismatched_and_unclosed_tags_are_errors() -> Result<(), &'static str> {
        let d = parse("<a>\n<b></c></a>");
        let e = d.error.ok_or("error")?;
        assert!(e.span.start >= 7, "{e:?}");
        let d = parse("<a><b>");
        assert!(d.error.ok_or("error")?.message.contains("never closed"));
        let d = parse("<a x=1></a>");
        assert!(d.error.ok_or("error")?.message.contains("not quoted"));
        Ok(())
    }

    #[test]
    fn doctype_is_recorded_not_followed() -> Result<(), &'static str> {
        let d = parse("<!DOCTYPE x [<!ENTITY e \"boom\">]><a>&e;</a>");
        assert!(d.doctype.is_some());
        assert_eq!(d.root.as_ref().map(|r| r.text()), Some("&e;"));
        Ok(())
    }
}
