//! A span-keeping INI reader shared by profiles.ini (and later PRF and WinSCP.ini).
//!
//! It never rewrites anything: every section name, key and value keeps its span, comments
//! (`;` and `#`) are skipped, and lines that are neither a section, a `key=value` nor a
//! comment are reported rather than dropped silently. Section and key matching is the
//! caller's business (some formats are case-insensitive).

use crate::source::Span;

/// `key=value` with spans; the value is trimmed of surrounding blanks.
#[derive(Debug, Clone)]
pub struct IniEntry {
    pub key: String,
    pub key_span: Span,
    pub value: String,
    pub value_span: Span,
    /// The whole line, without its line ending.
    pub line_span: Span,
}

/// A `[section]` and its entries. Entries before the first header sit in a section with
/// an empty name.
#[derive(Debug, Clone)]
pub struct IniSection {
    pub name: String,
    pub name_span: Span,
    pub header_span: Span,
    pub entries: Vec<IniEntry>,
    /// From the header to the end of the last line that belongs to it.
    pub end: usize,
}

impl IniSection {
    /// The last entry with this key (ASCII case-insensitive).
    pub fn get(&self, key: &str) -> Option<&IniEntry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key.eq_ignore_ascii_case(key))
    }
}

/// A line the reader could not make sense of.
#[derive(Debug, Clone)]
pub struct IniLineError {
    pub span: Span,
    pub message: &'static str,
}

#[derive(Debug, Default)]
pub struct ParsedIni {
    pub sections: Vec<IniSection>,
    pub errors: Vec<IniLineError>,
}

impl ParsedIni {
    pub fn sections_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a IniSection> {
        self.sections
            .iter()
            .filter(move |s| s.name.eq_ignore_ascii_case(name))
    }
}

/// Reads INI text. Never fails.
pub fn parse(text: &str) -> ParsedIni {
    let mut out = ParsedIni::default();
    let mut current = IniSection {
        name: String::new(),
        name_span: Span::empty(0),
        header_span: Span::empty(0),
        entries: Vec::new(),
        end: 0,
    };
    let mut offset = 0;
    for raw_line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw_line.len();
        let line = raw_line.trim_end_matches(['\n', '\r']);
        let line_span = Span::new(line_start, line_start + line.len());
        let lead = line.len() - line.trim_start().len();
        let body = line.trim();
        let body_start = line_start + lead;
        if body.is_empty() || body.starts_with(';') || body.starts_with('#') {
            current.end = line_span.end;
            continue;
        }
        if let Some(rest) = body.strip_prefix('[') {
            let Some(close) = rest.find(']') else {
                out.errors.push(IniLineError {
                    span: line_span,
                    message: "section header without `]`",
                });
                continue;
            };
            let name = &rest[..close];
            out.sections.push(std::mem::replace(
                &mut current,
                IniSection {
                    name: name.to_owned(),
                    name_span: Span::new(body_start + 1, body_start + 1 + name.len()),
                    header_span: Span::new(body_start, body_start + close + 2),
                    entries: Vec::new(),
                    end: line_span.end,
                },
            ));
            continue;
        }
        let Some(eq) = body.find('=') else {
            out.errors.push(IniLineError {
                span: line_span,
                message: "line is neither a `[section]`, a `key=value` nor a comment",
            });
            current.end = line_span.end;
            continue;
        };
        let key = body[..eq].trim_end();
        let raw_value = &body[eq + 1..];
        let value_lead = raw_value.len() - raw_value.trim_start().len();
        let value = raw_value.trim();
        let value_start = body_start + eq + 1 + value_lead;
        current.entries.push(IniEntry {
            key: key.to_owned(),
            key_span: Span::new(body_start, body_start + key.len()),
            value: value.to_owned(),
            value_span: Span::new(value_start, value_start + value.len()),
            line_span,
        });
        current.end = line_span.end;
    }
    out.sections.push(current);
    // Drop the implicit leading section when it holds nothing.
    if out
        .sections
        .first()
        .map(|s| s.name.is_empty() && s.entries.is_empty() && s.header_span.is_empty())
        .unwrap_or(false)
    {
        out.sections.remove(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn keeps_spans_and_reports_odd_lines() {
        let text =
            "; c\r\n[Profile0]\r\nName=default\r\nPath = x.default \r\nodd line\r\n[General]\r\n";
        let ini = parse(text);
        assert_eq!(ini.sections.len(), 2);
        let p = &ini.sections[0];
        assert_eq!(&text[p.name_span.start..p.name_span.end], "Profile0");
        let Some(path) = p.get("path") else {
            panic!("no Path key");
        };
        assert_eq!(
            &text[path.value_span.start..path.value_span.end],
            "x.default"
        );
        assert_eq!(ini.errors.len(), 1);
        assert_eq!(
            &text[ini.errors[0].span.start..ini.errors[0].span.end],
            "odd line"
        );
    }
}
