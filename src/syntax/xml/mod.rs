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
//! Plain XML, as FileZilla writes it, is read by a tokenizer of our own (`plain.rs`);
//! anything else (comments, CDATA, a DOCTYPE, any error) by quick-xml's (`quick.rs`), which
//! words the errors. Both feed one tree builder (`builder.rs`). The tree is stored flat —
//! every element, node, attribute and string of a document in a few vectors — so a
//! 10,000-site file is read and freed without an allocation per node; [`Element`] is a
//! small copyable view into it. This file holds the tree and its views.

mod builder;
mod plain;
mod quick;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use crate::source::Span;

pub use builder::unescape;

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
    plain::parse_plain(text, known).unwrap_or_else(|| quick::parse_with_quick_xml(text, known))
}
