//! The quick-xml reader: every document the plain reader ([`super::plain`]) leaves aside
//! (comments, CDATA, a DOCTYPE, processing instructions, any error), with quick-xml's
//! wording of the errors.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::builder::{char_at, TreeBuilder};
use super::{Document, KnownNames, XmlError};
use crate::source::Span;

fn span_of(start: u64, end: u64) -> Span {
    Span::new(
        usize::try_from(start).unwrap_or(usize::MAX),
        usize::try_from(end).unwrap_or(usize::MAX),
    )
}

/// Reads `text` with quick-xml: everything [`super::plain::parse_plain`] leaves aside.
pub(super) fn parse_with_quick_xml(text: &str, known: KnownNames) -> Document {
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
