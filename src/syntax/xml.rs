//! A lossless, span-keeping XML tree (FileZilla's files are the XML clientlint reads).
//!
//! We never re-serialise: every element, attribute and text keeps its byte span into the
//! decoded text, so fixes splice the original bytes. The reader mirrors what pugixml (the
//! parser FileZilla uses, reference filezilla §2) does with the input: predefined and
//! numeric entities are unescaped, unknown entities are left as written (pugixml never
//! expands custom entities), whitespace-only text is not a value, CRLF in text reads as LF,
//! and a DOCTYPE is skipped, not followed. Malformed input stops the parse at the first
//! error, as pugixml does (FileZilla then discards the whole file); the partial tree is
//! kept so secrets in it can still be masked.
//!
//! Plain XML, as FileZilla writes it, is read by a tokenizer of our own; anything else
//! (comments, CDATA, a DOCTYPE, any error) by quick-xml's, which words the errors. The tree
//! is stored flat — every element, node, attribute and string of a document in a few
//! vectors — so a 10,000-site file is read and freed without an allocation per node;
//! [`Element`] is a small copyable view into it.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::source::Span;

/// An attribute: name and unescaped value, with spans.
#[derive(Debug, Clone, Copy)]
pub struct Attr<'d> {
    pub name: &'d str,
    pub name_span: Span,
    pub value: &'d str,
    /// The raw value between the quotes.
    pub value_span: Span,
}

/// A text or CDATA node: the unescaped value and the raw span.
#[derive(Debug, Clone, Copy)]
pub struct Text<'d> {
    pub value: &'d str,
    pub span: Span,
}

/// A child of an element.
#[derive(Debug, Clone, Copy)]
pub enum Node<'d> {
    Element(Element<'d>),
    Text(Text<'d>),
}

/// An element's name and the spans of its tags, as stored in its document.
#[derive(Debug, Clone)]
pub struct ElementData {
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
    /// Where this element's attributes are in its document (read them with
    /// [`Element::attrs`]).
    pub attrs: Range<usize>,
    /// Where this element's children are in its document (read them with
    /// [`Element::children`]); its length is the number of children.
    pub children: Range<usize>,
}

/// What an element of a [`Document`] is stored as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NodeData {
    /// The index of the element in `Tree::elements`.
    Element(usize),
    /// `value` is a range of `Tree::strings`; `span` is the raw text in the file.
    Text { value: Span, span: Span },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AttrData {
    /// Ranges of `Tree::strings`.
    name: Span,
    value: Span,
    name_span: Span,
    value_span: Span,
}

/// Every element, node and attribute of one document, and the names and unescaped values
/// they refer to, one after another in `strings`.
#[derive(Debug)]
struct Tree {
    /// The element names a client shares instead of allocating (see [`parse_with_names`]).
    known: KnownNames,
    elements: Vec<ElementData>,
    /// The children of each element, contiguous.
    nodes: Vec<NodeData>,
    attrs: Vec<AttrData>,
    strings: String,
}

impl Tree {
    fn new(known: KnownNames) -> Tree {
        Tree {
            known,
            elements: Vec::new(),
            nodes: Vec::new(),
            attrs: Vec::new(),
            strings: String::new(),
        }
    }

    /// An element name: shared when the client knows it, else allocated.
    fn name(&self, name: &str) -> Cow<'static, str> {
        match (self.known)(name) {
            Some(known) => Cow::Borrowed(known),
            None => Cow::Owned(name.to_owned()),
        }
    }

    fn str(&self, range: Span) -> &str {
        self.strings.get(range.start..range.end).unwrap_or("")
    }

    fn element(&self, index: usize) -> Option<Element<'_>> {
        Some(Element {
            tree: self,
            data: self.elements.get(index)?,
        })
    }

    fn node(&self, node: &NodeData) -> Option<Node<'_>> {
        match *node {
            NodeData::Element(index) => self.element(index).map(Node::Element),
            NodeData::Text { value, span } => Some(Node::Text(Text {
                value: self.str(value),
                span,
            })),
        }
    }
}

/// An element: its tags' spans (through `Deref`), its attributes and its children.
#[derive(Clone, Copy)]
pub struct Element<'d> {
    tree: &'d Tree,
    data: &'d ElementData,
}

impl std::ops::Deref for Element<'_> {
    type Target = ElementData;

    fn deref(&self) -> &ElementData {
        self.data
    }
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Element")
            .field("name", &self.data.name)
            .field("name_span", &self.data.name_span)
            .field("start", &self.data.start)
            .field("end", &self.data.end)
            .field("self_closing", &self.data.self_closing)
            .field("self_close_span", &self.data.self_close_span)
            .field("attrs", &self.attrs().collect::<Vec<_>>())
            .field("children", &self.children().collect::<Vec<_>>())
            .finish()
    }
}

impl<'d> Element<'d> {
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

    pub fn attrs(&self) -> impl Iterator<Item = Attr<'d>> + 'd {
        let tree = self.tree;
        tree.attrs
            .get(self.data.attrs.clone())
            .unwrap_or(&[])
            .iter()
            .map(move |a| Attr {
                name: tree.str(a.name),
                name_span: a.name_span,
                value: tree.str(a.value),
                value_span: a.value_span,
            })
    }

    pub fn attr(&self, name: &str) -> Option<Attr<'d>> {
        self.attrs().find(|a| a.name == name)
    }

    fn child_nodes(&self) -> &'d [NodeData] {
        self.tree
            .nodes
            .get(self.data.children.clone())
            .unwrap_or(&[])
    }

    pub fn children(&self) -> impl Iterator<Item = Node<'d>> + 'd {
        let tree = self.tree;
        self.child_nodes().iter().filter_map(|n| tree.node(n))
    }

    pub fn elements(&self) -> impl Iterator<Item = Element<'d>> + 'd {
        let tree = self.tree;
        self.child_nodes().iter().filter_map(|n| match n {
            NodeData::Element(index) => tree.element(*index),
            NodeData::Text { .. } => None,
        })
    }

    /// The first child element named `name` (pugixml `child(name)`).
    pub fn child(&self, name: &str) -> Option<Element<'d>> {
        self.elements().find(|e| e.name == name)
    }

    /// The text children.
    pub fn texts(&self) -> impl Iterator<Item = Text<'d>> + 'd {
        let tree = self.tree;
        self.child_nodes().iter().filter_map(|n| match *n {
            NodeData::Text { value, span } => Some(Text {
                value: tree.str(value),
                span,
            }),
            NodeData::Element(_) => None,
        })
    }

    /// The first text child that is not whitespace only (pugixml's `child_value()`; pugixml
    /// drops whitespace-only text by default).
    pub fn first_text(&self) -> Option<Text<'d>> {
        self.texts().find(|t| !t.value.trim().is_empty())
    }

    /// The element's text value, "" when it has none.
    pub fn text(&self) -> &'d str {
        self.first_text().map(|t| t.value).unwrap_or("")
    }

    /// The whitespace text node just before the child element that starts at
    /// `child_start`.
    pub fn indent_before(&self, child_start: usize) -> Option<&'d str> {
        let mut last_ws = None;
        for n in self.children() {
            match n {
                Node::Element(e) if e.start.start == child_start => return last_ws,
                Node::Element(_) => last_ws = None,
                Node::Text(t) if t.value.trim().is_empty() => last_ws = Some(t.value),
                Node::Text(_) => last_ws = None,
            }
        }
        None
    }
}

/// An element that keeps its document's tree alive: the root, and each element still open
/// when a parse stopped. [`OwnedElement::element`] (or the methods here, which forward to
/// it) reads it; its tags' spans are reachable through `Deref`.
#[derive(Clone)]
pub struct OwnedElement {
    tree: Arc<Tree>,
    index: usize,
}

/// Never reached: an `OwnedElement` is only made for an element of its tree.
static NO_ELEMENT: ElementData = ElementData {
    name: Cow::Borrowed(""),
    name_span: Span { start: 0, end: 0 },
    start: Span { start: 0, end: 0 },
    end: Span { start: 0, end: 0 },
    self_closing: false,
    self_close_span: Span { start: 0, end: 0 },
    attrs: 0..0,
    children: 0..0,
};

impl OwnedElement {
    pub fn element(&self) -> Element<'_> {
        self.tree.element(self.index).unwrap_or(Element {
            tree: &self.tree,
            data: &NO_ELEMENT,
        })
    }
}

impl std::ops::Deref for OwnedElement {
    type Target = ElementData;

    fn deref(&self) -> &ElementData {
        self.tree.elements.get(self.index).unwrap_or(&NO_ELEMENT)
    }
}

impl std::fmt::Debug for OwnedElement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.element().fmt(f)
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
    pub root: Option<OwnedElement>,
    /// The first syntax error; FileZilla rejects the file when there is one.
    pub error: Option<XmlError>,
    /// A `<!DOCTYPE …>` declaration (skipped, never followed).
    pub doctype: Option<Span>,
    /// Elements still open when the parse stopped, outermost first (partial tree, for
    /// masking secrets).
    pub partial: Vec<OwnedElement>,
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

/// Element names a client expects, as a function from a name to the same name with a
/// static lifetime: a large file repeats a few names tens of thousands of times, and a
/// `match` in the client's folder finds them faster than a table would.
pub type KnownNames = fn(&str) -> Option<&'static str>;

/// Parses `text` (the decoded file, BOM stripped). Never panics.
pub fn parse(text: &str) -> Document {
    parse_with_names(text, |_| None)
}

/// [`parse`], sharing the element names `known` recognises.
pub fn parse_with_names(text: &str, known: KnownNames) -> Document {
    parse_plain(text, known).unwrap_or_else(|| parse_with_quick_xml(text, known))
}

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// The end (index of the `>`) of the tag starting at `from`, skipping quoted values as
/// quick-xml does (`ElementParser`), so that both readers cut the same tag.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut quote = None;
    for i in memchr::memchr3_iter(b'>', b'\'', b'"', rest) {
        let b = rest.get(i).copied()?;
        match (quote, b) {
            (None, b'>') => return Some(from + i),
            (None, q) => quote = Some(q),
            (Some(q), c) if q == c => quote = None,
            _ => {}
        }
    }
    None
}

/// The common case, quickly: the plain XML FileZilla writes (a declaration, elements,
/// attributes, text and entity references), read in one pass without quick-xml's
/// per-event overhead. Returns `None` for anything else — comments, CDATA, a DOCTYPE,
/// processing instructions past the start, unusual names, any error — and the caller
/// then reads the whole text with quick-xml. What this accepts, it reads into the same
/// events quick-xml gives (the tests compare both readers), so behaviour and error
/// messages stay quick-xml's.
fn parse_plain(text: &str, known: KnownNames) -> Option<Document> {
    let bytes = text.as_bytes();
    // quick-xml skips a (second) BOM; leave that to it.
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return None;
    }
    let mut tree = TreeBuilder::new(text, known);
    tree.reserve_for(bytes.len());
    let mut pos = 0;
    while pos < bytes.len() {
        // Text up to the next `<`, noting whether it needs unescaping or CRLF folding.
        // Texts are short (indentation, values), so a byte loop beats a vectorised search.
        let mut lt = pos;
        let mut special = false;
        while let Some(&b) = bytes.get(lt) {
            match b {
                b'<' => break,
                b'&' => {
                    // quick-xml requires every `&` to end with a `;` before the next `&`
                    // or `<`.
                    let after = bytes.get(lt + 1..)?;
                    match memchr::memchr3(b';', b'&', b'<', after) {
                        Some(i) if after.get(i) == Some(&b';') => {}
                        _ => return None,
                    }
                    special = true;
                }
                b'\r' => special = true,
                _ => {}
            }
            lt += 1;
        }
        if lt > pos {
            tree.text_run(Span::new(pos, lt), special);
        }
        if lt >= bytes.len() {
            break;
        }
        match bytes.get(lt + 1).copied() {
            // A declaration or processing instruction: `<?` … `?>`, at least `<?x?>`.
            Some(b'?') => {
                let gt = memchr::memchr(b'>', bytes.get(lt + 2..)?)? + lt + 2;
                if gt < lt + 4 || bytes.get(gt - 1) != Some(&b'?') {
                    return None;
                }
                tree.markup();
                pos = gt + 1;
            }
            Some(b'/') => {
                let open = tree.open_name()?.as_bytes();
                let name_end = lt + 2 + open.len();
                let gt = if bytes.get(lt + 2..name_end) == Some(open)
                    && bytes.get(name_end) == Some(&b'>')
                {
                    // `</name>` closing the innermost element: nearly every end tag.
                    name_end
                } else {
                    let gt = tag_end(bytes, lt)?;
                    let name = bytes.get(lt + 2..gt)?;
                    let trimmed =
                        name.len() - name.iter().rev().take_while(|&&b| is_xml_space(b)).count();
                    if name.get(..trimmed) != Some(open) {
                        return None;
                    }
                    gt
                };
                tree.end(Span::new(lt, gt + 1));
                pos = gt + 1;
            }
            Some(first) if !matches!(first, b'!' | b'>') && !is_xml_space(first) => {
                // The name runs to a space, `/` or `>` (quick-xml's to a space, so a `/`
                // may only be the one of `/>`), without characters that would make the
                // two readers cut it differently.
                let mut name_end = lt + 1;
                while let Some(&b) = bytes.get(name_end) {
                    if is_xml_space(b) || b == b'/' || b == b'>' {
                        break;
                    }
                    if matches!(b, b'"' | b'\'' | b'<' | b'&' | b'=' | b'?' | b'!') {
                        return None;
                    }
                    name_end += 1;
                }
                let name_span = Span::new(lt + 1, name_end);
                match bytes.get(name_end).copied() {
                    // `<name>` and `<name/>`: no attributes, so no tag scan.
                    Some(b'>') => {
                        tree.start_bare(Span::new(lt, name_end + 1), name_span, false)
                            .ok()?;
                        pos = name_end + 1;
                    }
                    Some(b'/') if bytes.get(name_end + 1) == Some(&b'>') => {
                        tree.start_bare(Span::new(lt, name_end + 2), name_span, true)
                            .ok()?;
                        pos = name_end + 2;
                    }
                    Some(b) if is_xml_space(b) => {
                        let gt = tag_end(bytes, name_end)?;
                        let self_closing = bytes.get(gt - 1) == Some(&b'/');
                        tree.start(Span::new(lt, gt + 1), self_closing).ok()?;
                        pos = gt + 1;
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    // Errors, and the partial tree that goes with them, are quick-xml's to report.
    if tree.error.is_some() || !tree.open.is_empty() {
        return None;
    }
    Some(tree.finish())
}

/// Reads `text` with quick-xml: everything [`parse_plain`] leaves aside.
fn parse_with_quick_xml(text: &str, known: KnownNames) -> Document {
    let mut reader = Reader::from_str(text);
    {
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
    }
    let mut tree = TreeBuilder::new(text, known);
    loop {
        let before = reader.buffer_position();
        let event = reader.read_event();
        let after = reader.buffer_position();
        let span = span_of(before, after);
        match event {
            Err(e) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(span.start);
                tree.error = Some(XmlError {
                    span: char_at(text, at),
                    message: e.to_string(),
                });
                break;
            }
            Ok(Event::Eof) => break,
            Ok(Event::Text(_)) | Ok(Event::GeneralRef(_)) => tree.text(span),
            Ok(Event::Start(_)) => {
                if tree.start(span, false).is_err() {
                    break;
                }
            }
            Ok(Event::Empty(_)) => {
                if tree.start(span, true).is_err() {
                    break;
                }
            }
            Ok(Event::End(_)) => tree.end(span),
            Ok(Event::CData(c)) => {
                tree.markup();
                tree.cdata(span, &String::from_utf8_lossy(&c));
            }
            Ok(Event::DocType(_)) => {
                tree.markup();
                tree.doctype = Some(span);
            }
            Ok(_) => tree.markup(),
        }
    }
    tree.finish()
}

/// Builds the tree from the tokenizer's events.
struct TreeBuilder<'t> {
    text: &'t str,
    tree: Tree,
    root: Option<usize>,
    error: Option<XmlError>,
    doctype: Option<Span>,
    /// Elements still open, outermost first.
    open: Vec<usize>,
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
    fn new(text: &'t str, known: KnownNames) -> Self {
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
    fn open_name(&self) -> Option<&str> {
        let index = *self.open.last()?;
        self.tree.elements.get(index).map(|e| e.name.as_ref())
    }

    /// Room for the tree of a `len`-byte file as FileZilla writes it (about 34 bytes per
    /// element), so that the vectors are not regrown and copied while reading; capped so
    /// that a huge file of few elements does not reserve much.
    fn reserve_for(&mut self, len: usize) {
        let elements = (len / 32).min(1 << 20);
        self.tree.elements.reserve(elements);
        self.tree.nodes.reserve(2 * elements);
        self.tree.strings.reserve((len / 2).min(1 << 26));
    }

    /// Text or an entity reference at `span`.
    fn text(&mut self, span: Span) {
        let raw = self.text.get(span.start..span.end).unwrap_or("");
        let special = raw.bytes().any(|b| b == b'&' || b == b'\r');
        self.text_run(span, special);
    }

    /// Text at `span`; `special` when it has an entity reference or a CR.
    fn text_run(&mut self, span: Span, special: bool) {
        self.pending = Some(match self.pending {
            Some((p, s)) => (p.cover(span), s || special),
            None => (span, special),
        });
    }

    /// Any markup: ends the pending text node.
    fn markup(&mut self) {
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

    fn cdata(&mut self, span: Span, value: &str) {
        if !self.open.is_empty() {
            let value = push_str(&mut self.tree, value);
            self.children.push(NodeData::Text { value, span });
        }
    }

    /// A start tag (or a self-closed element) at `span`. `Err` when the parse stops here
    /// (the error is recorded).
    fn start(&mut self, span: Span, self_closing: bool) -> Result<(), ()> {
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
    fn start_bare(&mut self, span: Span, name_span: Span, self_closing: bool) -> Result<(), ()> {
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
    fn end(&mut self, span: Span) {
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

    fn finish(mut self) -> Document {
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

#[cfg(test)]
mod tests {
    use super::{parse, parse_plain, parse_with_quick_xml, unescape};

    #[test]
    fn spans_point_at_names_values_and_text() -> Result<(), &'static str> {
        let t = "<?xml version=\"1.0\"?>\n<FileZilla3>\n\t<Settings>\n\t\t<Setting name=\"Timeout\">20</Setting>\n\t\t<Setting name=\"External IP\" />\n\t</Settings>\n</FileZilla3>\n";
        let d = parse(t);
        assert!(d.error.is_none(), "{:?}", d.error);
        let root = d.root.as_ref().ok_or("root")?;
        assert_eq!(root.name, "FileZilla3");
        let settings = root.element().child("Settings").ok_or("settings")?;
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
        let b = d
            .root
            .as_ref()
            .and_then(|r| r.element().child("b"))
            .ok_or("b")?;
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
        assert_eq!(d.root.as_ref().map(|r| r.element().text()), Some("&e;"));
        Ok(())
    }

    /// What the plain reader accepts, it must read exactly as quick-xml does.
    fn assert_same_as_quick_xml(text: &str) -> bool {
        match parse_plain(text, |_| None) {
            Some(plain) => {
                assert_eq!(
                    format!("{plain:?}"),
                    format!("{:?}", parse_with_quick_xml(text, |_| None)),
                    "the readers differ on {text:?}"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn plain_reader_reads_fixtures_as_quick_xml_does() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.to_string_lossy().contains(".xml") {
                    out.push(p);
                }
            }
        }
        let mut paths = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut paths,
        );
        let mut plain = 0;
        for p in &paths {
            let bytes = std::fs::read(p).unwrap_or_default();
            let file = crate::source::SourceFile::new(p.clone(), bytes);
            if assert_same_as_quick_xml(&file.text) {
                plain += 1;
            }
        }
        // Most fixtures are files as FileZilla writes them: the plain reader takes those.
        assert!(plain * 2 > paths.len(), "{plain} of {}", paths.len());
    }

    #[test]
    fn plain_reader_leaves_the_unusual_to_quick_xml() {
        for text in [
            "<a><!-- c --></a>",
            "<a><![CDATA[x]]></a>",
            "<!DOCTYPE a><a/>",
            "<a>x & y</a>",
            "<a></b>",
            "<a>",
            "</a>",
            "<a x=1/>",
            "\u{feff}<a/>",
            "<a/b>",
            "< a/>",
            "<?>",
        ] {
            assert!(parse_plain(text, |_| None).is_none(), "{text:?}");
        }
        for text in [
            "<?xml version=\"1.0\"?>\n<a x='1>2' y=\"&amp;\">t &lt; &#65;&foo;</a >",
            "<a/><b></b>",
            "",
            "text only",
            "<a>\r\n\t<b c=\"d\" />\r\n</a>",
        ] {
            assert!(assert_same_as_quick_xml(text), "{text:?}");
        }
    }

    /// Mostly well-formed documents: elements opened and closed in order, with attributes
    /// and text of every kind the plain reader handles, sprinkled with fragments it leaves
    /// to quick-xml or that are malformed.
    pub(super) fn document(ops: &[(u8, u8)]) -> String {
        const NAMES: &[&str] = &[
            "FileZilla3",
            "Servers",
            "Server",
            "Pass",
            "Setting",
            "x",
            "é",
        ];
        const ATTRS: &[&str] = &[
            "",
            " name=\"Timeout\"",
            " encoding='base64'",
            " a=\"1>2\" b='\"'",
            "\tz = \"&amp;&lt;\"\r\n",
            " v=\"&bad\"",
            // Malformed: quick-xml's to report.
            " x=1",
            " y",
        ];
        const TEXT: &[&str] = &[
            "text",
            "\n\t\t",
            "\r\n  ",
            " ",
            "&amp;",
            "&#65;",
            "&#x42;",
            "&foo;",
            "é",
            ">",
            "]]>",
            "a & b",
            "&",
            ";",
            "\"'",
            "<",
            "<!-- c -->",
            "<![CDATA[x]]>",
            "<!DOCTYPE a>",
            "<?pi x?>",
            "</>",
            "<>",
            "<a/b>",
            "\u{feff}",
        ];
        let mut out = String::new();
        let mut open: Vec<&str> = Vec::new();
        if ops.first().map(|o| o.0 % 2 == 0).unwrap_or(false) {
            out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        }
        for &(op, arg) in ops {
            let name = NAMES[usize::from(arg) % NAMES.len()];
            let attrs = ATTRS[usize::from(arg / 8) % if arg % 32 == 0 { ATTRS.len() } else { 6 }];
            match op % 6 {
                0 | 1 => {
                    out.push_str(&format!("<{name}{attrs}>"));
                    open.push(name);
                }
                2 => {
                    if let Some(name) = open.pop() {
                        let ws = if arg % 5 == 0 { " " } else { "" };
                        out.push_str(&format!("</{name}{ws}>"));
                    }
                }
                3 => out.push_str(&format!(
                    "<{name}{attrs}{}/>",
                    if arg % 2 == 0 { " " } else { "" }
                )),
                // Text: mostly the harmless kinds (the first eleven).
                4 => out
                    .push_str(TEXT[usize::from(arg) % if arg % 8 == 0 { TEXT.len() } else { 11 }]),
                _ => out.push_str(TEXT[usize::from(arg) % 11]),
            }
        }
        if ops.last().map(|o| o.1 % 8 != 0).unwrap_or(true) {
            while let Some(name) = open.pop() {
                out.push_str(&format!("</{name}>"));
            }
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1024, ..Default::default() })]
        #[test]
        fn plain_reader_reads_as_quick_xml_does(
            ops in proptest::collection::vec((proptest::prelude::any::<u8>(), proptest::prelude::any::<u8>()), 0..40)
        ) {
            assert_same_as_quick_xml(&document(&ops));
        }
    }
}
