//! The tree builder both readers feed: start and end tags, text runs and markup become the
//! flat tree of a [`Document`], with start tags scanned for their attributes, entities
//! unescaped as pugixml does, and the partial tree kept when a parse stops.

use std::borrow::Cow;
use std::sync::Arc;

use super::{
    AttrData, Document, ElementData, KnownNames, NodeData, OwnedElement, Tree, XmlError, MAX_DEPTH,
};
use crate::source::Span;

/// Builds the tree from the tokenizer's events.
pub(super) struct TreeBuilder<'t> {
    text: &'t str,
    tree: Tree,
    root: Option<usize>,
    pub(super) error: Option<XmlError>,
    pub(super) doctype: Option<Span>,
    /// Elements still open, outermost first.
    pub(super) open: Vec<usize>,
    /// The children of every open element, innermost element's last: an element's
    /// children are moved to `tree.nodes` when it closes, so that they are contiguous there.
    children: Vec<NodeData>,
    /// Where each open element's children start in `children`.
    child_starts: Vec<usize>,
    /// A run of text and entity references is one text node; `true` when it has an
    /// entity reference or a CR to fold.
    pending: Option<(Span, bool)>,
}

impl<'t> TreeBuilder<'t> {
    pub(super) fn new(text: &'t str, known: KnownNames) -> Self {
        TreeBuilder {
            text,
            tree: Tree::new(known),
            root: None,
            error: None,
            doctype: None,
            open: Vec::new(),
            children: Vec::new(),
            child_starts: Vec::new(),
            pending: None,
        }
    }

    /// The name of the innermost open element.
    pub(super) fn open_name(&self) -> Option<&str> {
        let index = *self.open.last()?;
        self.tree.elements.get(index).map(|e| e.name.as_ref())
    }

    /// Room for the tree of a `len`-byte file as FileZilla writes it (about 34 bytes per
    /// element), so that the vectors are not regrown and copied while reading; capped so
    /// that a huge file of few elements does not reserve much.
    pub(super) fn reserve_for(&mut self, len: usize) {
        let elements = (len / 32).min(1 << 20);
        self.tree.elements.reserve(elements);
        self.tree.nodes.reserve(2 * elements);
        self.tree.strings.reserve((len / 2).min(1 << 26));
    }

    /// Text or an entity reference at `span`.
    pub(super) fn text(&mut self, span: Span) {
        let raw = self.text.get(span.start..span.end).unwrap_or("");
        let special = raw.bytes().any(|b| b == b'&' || b == b'\r');
        self.text_run(span, special);
    }

    /// Text at `span`; `special` when it has an entity reference or a CR.
    pub(super) fn text_run(&mut self, span: Span, special: bool) {
        self.pending = Some(match self.pending {
            Some((p, s)) => (p.cover(span), s || special),
            None => (span, special),
        });
    }

    /// Any markup: ends the pending text node.
    pub(super) fn markup(&mut self) {
        let Some((span, special)) = self.pending.take() else {
            return;
        };
        if self.open.is_empty() {
            return;
        }
        let raw = self.text.get(span.start..span.end).unwrap_or("");
        let value = if special {
            let mut value = unescape(raw);
            // In text, CRLF reads as LF (as pugixml does).
            if value.contains('\r') {
                value = value.replace("\r\n", "\n");
            }
            push_str(&mut self.tree, &value)
        } else {
            push_str(&mut self.tree, raw)
        };
        self.children.push(NodeData::Text { value, span });
    }

    pub(super) fn cdata(&mut self, span: Span, value: &str) {
        if !self.open.is_empty() {
            let value = push_str(&mut self.tree, value);
            self.children.push(NodeData::Text { value, span });
        }
    }

    /// A start tag (or a self-closed element) at `span`. `Err` when the parse stops here
    /// (the error is recorded).
    pub(super) fn start(&mut self, span: Span, self_closing: bool) -> Result<(), ()> {
        self.markup();
        let raw = self.text.get(span.start..span.end).unwrap_or("");
        let attrs_start = self.tree.attrs.len();
        let strings_len = self.tree.strings.len();
        match scan_tag(raw, span.start, &mut self.tree) {
            Ok(tag) => self.push_element(span, tag, attrs_start, self_closing),
            Err(e) => {
                self.tree.attrs.truncate(attrs_start);
                self.tree.strings.truncate(strings_len);
                self.error = Some(e);
                Err(())
            }
        }
    }

    /// `<name>` or `<name/>` at `span`, without attributes: what [`TreeBuilder::start`]
    /// reads from it, without scanning the tag again.
    pub(super) fn start_bare(
        &mut self,
        span: Span,
        name_span: Span,
        self_closing: bool,
    ) -> Result<(), ()> {
        self.markup();
        let tag = Tag {
            name: self
                .tree
                .name(self.text.get(name_span.start..name_span.end).unwrap_or("")),
            name_span,
            close_span: Span::new(name_span.end, span.end),
        };
        let attrs_start = self.tree.attrs.len();
        self.push_element(span, tag, attrs_start, self_closing)
    }

    fn push_element(
        &mut self,
        span: Span,
        tag: Tag,
        attrs_start: usize,
        self_closing: bool,
    ) -> Result<(), ()> {
        if !self_closing && self.open.len() >= MAX_DEPTH {
            self.error = Some(XmlError {
                span,
                message: format!(
                    "elements are nested more than {MAX_DEPTH} levels deep; clientlint reads no further"
                ),
            });
            return Err(());
        }
        let index = self.tree.elements.len();
        self.tree.elements.push(ElementData {
            name: tag.name,
            name_span: tag.name_span,
            start: span,
            end: span,
            self_closing,
            self_close_span: tag.close_span,
            attrs: attrs_start..self.tree.attrs.len(),
            children: 0..0,
        });
        if self_closing {
            self.attach(index);
        } else {
            self.open.push(index);
            self.child_starts.push(self.children.len());
        }
        Ok(())
    }

    /// Moves the children of the innermost open element to the tree.
    fn close_children(&mut self, index: usize) {
        let start = self
            .child_starts
            .pop()
            .unwrap_or(self.children.len())
            .min(self.children.len());
        let first = self.tree.nodes.len();
        self.tree
            .nodes
            .extend_from_slice(self.children.get(start..).unwrap_or(&[]));
        self.children.truncate(start);
        let last = self.tree.nodes.len();
        if let Some(el) = self.tree.elements.get_mut(index) {
            el.children = first..last;
        }
    }

    /// An end tag at `span` (its name was checked by the tokenizer).
    pub(super) fn end(&mut self, span: Span) {
        self.markup();
        if let Some(index) = self.open.pop() {
            self.close_children(index);
            if let Some(el) = self.tree.elements.get_mut(index) {
                el.end = span;
            }
            self.attach(index);
        }
    }

    fn attach(&mut self, index: usize) {
        if !self.open.is_empty() {
            self.children.push(NodeData::Element(index));
        } else if self.root.is_none() {
            // pugixml keeps every top-level element; FileZilla reads the first one named
            // FileZilla3 (`document.child(root)`), so keep the first root.
            self.root = Some(index);
        }
    }

    pub(super) fn finish(mut self) -> Document {
        if self.error.is_none() {
            self.markup();
            if let Some(&index) = self.open.last() {
                if let Some(open) = self.tree.elements.get(index) {
                    self.error = Some(XmlError {
                        span: open.start,
                        message: format!("the element `<{}>` is never closed", open.name),
                    });
                }
            }
        }
        // The elements still open keep the children read so far (partial tree).
        let open = std::mem::take(&mut self.open);
        for &index in open.iter().rev() {
            self.close_children(index);
        }
        let tree = Arc::new(self.tree);
        let owned = |index: usize| OwnedElement {
            tree: Arc::clone(&tree),
            index,
        };
        Document {
            root: self.root.map(owned),
            error: self.error,
            doctype: self.doctype,
            partial: open.into_iter().map(owned).collect(),
        }
    }
}

/// The span of the character at byte `at` of `text` (empty at the end). quick-xml and
/// our tag scanner report byte positions, which may fall inside a multi-byte character
/// (a stray BOM, a non-ASCII name); spans are drawn and spliced as text, so they are
/// widened to the whole character.
pub(super) fn char_at(text: &str, at: usize) -> Span {
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

struct Tag {
    name: Cow<'static, str>,
    name_span: Span,
    close_span: Span,
}

/// Reads a start tag `<name a="v" …>` or `<name … />` whose text starts at `base`; its
/// attributes go to `tree`.
fn scan_tag(raw: &str, base: usize, tree: &mut Tree) -> Result<Tag, XmlError> {
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
    let name = tree.name(raw.get(name_start..i).unwrap_or(""));
    let name_span = Span::new(base + name_start, base + i);
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
                    close_span: Span::new(base + ws_start, base + bytes.len()),
                })
            }
            Some(b'/') => {
                return Ok(Tag {
                    name,
                    name_span,
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
        let an = raw.get(an_start..i).unwrap_or("");
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
        let name = push_str(tree, an);
        let value = if rawv.contains(['&', '\t', '\n', '\r']) {
            // pugixml's default flags turn tabs and newlines in attributes into spaces.
            push_str(tree, &unescape(rawv).replace(['\t', '\n', '\r'], " "))
        } else {
            push_str(tree, rawv)
        };
        tree.attrs.push(AttrData {
            name,
            value,
            name_span: Span::new(base + an_start, base + an_start + (v_start - an_start)),
            value_span: Span::new(base + v_start, base + i),
        });
        i += 1;
    }
}

/// Appends `s` to the tree's strings; returns where it is.
fn push_str(tree: &mut Tree, s: &str) -> Span {
    let start = tree.strings.len();
    tree.strings.push_str(s);
    Span::new(start, tree.strings.len())
}

/// Unescapes the five predefined entities and character references. Anything else
/// (`&custom;`, a lone `&`) stays as written, as in pugixml.
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
