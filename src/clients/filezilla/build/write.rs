//! How a fix writes FileZilla's files: values rendered as FileZilla writes them, the
//! place of an explicit value (its text, its empty content, or the ` />` of a self-closed
//! element), and where a missing `<Setting>` or `<MaximumMultipleConnections>` is inserted,
//! in the file's own indentation and line endings.

use super::{file_name, Builder};
use crate::model::{Insertion, Location, Origin, Security, Setting, Value, ValueWriter};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::xml::Element;

/// Renders a value as FileZilla writes it: decimal text, booleans as 0/1, a security mode
/// as the FTP protocol number that gives it (reference §4.3).
pub(super) fn write_value(v: &Value) -> Option<String> {
    Some(match v {
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Value::Security(s) => match s {
            Security::None => "6",
            Security::TryStartTls | Security::RemovedTryStartTls => "0",
            Security::StartTls => "4",
            Security::ImplicitTls => "3",
        }
        .to_owned(),
        Value::Auth(_) => return None,
    })
}

/// For a self-closed `<Setting name="x" />`: replaces ` />` to give it a text.
pub(super) fn write_into_empty_setting(v: &Value) -> Option<String> {
    Some(format!(">{}</Setting>", write_value(v)?))
}

pub(super) fn write_into_empty_max_connections(v: &Value) -> Option<String> {
    Some(format!(">{}</MaximumMultipleConnections>", write_value(v)?))
}

/// Escapes text for an XML attribute or element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The line break and indentation to put before a new element inserted after `after`, a
/// child of `parent`: the same whitespace that precedes `after`.
fn indent_like(file: &SourceFile, parent: Element<'_>, after: Element<'_>) -> String {
    match parent.indent_before(after.start.start) {
        Some(ws) if ws.contains('\n') => {
            let tail = ws.rsplit('\n').next().unwrap_or("");
            format!(
                "{}{}",
                file.line_ending.as_str(),
                tail.trim_start_matches('\r')
            )
        }
        Some(ws) => ws.to_owned(),
        None => String::new(),
    }
}

/// Where the value of an element is edited: its text, its (whitespace) content, or the
/// ` />` of a self-closed element.
fn value_edit(el: Element<'_>, empty_writer: ValueWriter) -> (Span, ValueWriter) {
    if el.self_closing {
        (el.self_close_span, empty_writer)
    } else if let Some(t) = el.first_text() {
        (t.span, write_value)
    } else {
        (el.content_span(), write_value)
    }
}

/// The span a finding about an element's value points at.
pub(super) fn value_span(el: Element<'_>) -> Span {
    match el.first_text() {
        Some(t) => t.span,
        None => el.span(),
    }
}

/// The explicit value held by `el` in `file` (named `file_name`), reported as `key`
/// at `key_span`: edited in place, or through `empty_writer` when `el` is self-closed.
pub(super) fn location(
    file: FileId,
    file_name: &str,
    key: &str,
    key_span: Span,
    el: Element<'_>,
    empty_writer: ValueWriter,
) -> Location {
    let (value_span, writer) = value_edit(el, empty_writer);
    Location {
        file,
        file_name: file_name.to_owned(),
        key: key.to_owned(),
        key_span,
        value_span,
        writer,
    }
}

/// A value FileZilla uses because none is set: `note` says why, `anchor` is where a
/// diagnostic points, `insert` how a fix adds an explicit value (if it can).
pub(super) fn defaulted<T>(
    value: T,
    note: String,
    anchor: (FileId, Span),
    insert: Option<Insertion>,
) -> Setting<T> {
    Setting {
        value,
        origin: Origin::Default {
            note,
            anchor,
            insert: insert.map(Box::new),
        },
    }
}

impl Builder<'_> {
    /// The insertion of a missing `<Setting name="…">N</Setting>` into a `<Settings>`.
    pub(super) fn setting_insertion(
        &self,
        file: FileId,
        settings: Element<'_>,
        name: &str,
    ) -> Option<Insertion> {
        let f = self.files.get(file)?;
        if settings.self_closing {
            return None;
        }
        let open = format!("<Setting name=\"{}\">", escape(name));
        let (at, prefix, suffix) = match settings.elements().last() {
            Some(last) => (
                last.end.end,
                format!("{}{open}", indent_like(f, settings, last)),
                "</Setting>".to_owned(),
            ),
            None => {
                let line_start = f.line_start(settings.start.start);
                let own = f.slice(Span::new(line_start, settings.start.start));
                let own = if own.trim().is_empty() { own } else { "" };
                let unit = if own.starts_with(' ') { "  " } else { "\t" };
                let eol = f.line_ending.as_str();
                (
                    settings.start.end,
                    format!("{eol}{own}{unit}{open}"),
                    format!("</Setting>{eol}{own}"),
                )
            }
        };
        Some(Insertion {
            file,
            file_name: file_name(self.files, file),
            at,
            prefix,
            suffix,
            writer: write_value,
        })
    }

    /// Where a missing `<MaximumMultipleConnections>` goes: after `<PasvMode>`, where
    /// FileZilla writes it, else after the last child element.
    pub(super) fn max_connections_insertion(
        &self,
        file: FileId,
        server: Element<'_>,
    ) -> Option<Insertion> {
        let f = self.files.get(file)?;
        let after = server
            .child("PasvMode")
            .or_else(|| server.child("Logontype"))
            .or_else(|| server.elements().last())?;
        Some(Insertion {
            file,
            file_name: file_name(self.files, file),
            at: after.end.end,
            prefix: format!(
                "{}<MaximumMultipleConnections>",
                indent_like(f, server, after)
            ),
            suffix: "</MaximumMultipleConnections>".to_owned(),
            writer: write_value,
        })
    }
}
