//! What Regedit imports from a read `.reg` file: the blocks of one key path merged in file
//! order, the values in effect under it, the values a later copy overwrites, and the spans
//! a secret value occupies (to mask them). It knows Regedit's semantics only; which keys
//! and values matter is the clients' business.
//!
//! Regedit applies a file top to bottom: a key written twice is merged, the last copy of a
//! value wins, `"name"=-` deletes a value and `[-key]` deletes everything before it. Key
//! names match case-insensitively and repeated `\` collapse.

use super::{ParsedReg, RegData, RegKey, RegValue};
use crate::source::Span;

/// One key path with every block that writes it, in file order.
#[derive(Debug)]
pub struct KeyGroup<'a> {
    /// The path lower-cased, with empty segments removed.
    pub path_lower: String,
    pub blocks: Vec<&'a RegKey>,
}

/// A value a later value of the same name (under the same key) replaces.
#[derive(Debug, Clone, Copy)]
pub struct Overwritten<'a> {
    pub value: &'a RegValue,
    pub by: &'a RegValue,
}

impl Overwritten<'_> {
    /// What Regedit does with it, for a finding's message.
    pub fn message(&self) -> String {
        format!(
            "{} is set more than once for the same key: Regedit applies them in order, so only the last one stays",
            self.value.display_name()
        )
    }
}

impl<'a> KeyGroup<'a> {
    /// The blocks after the last `[-key]` (the ones whose values are imported).
    fn live(&self) -> &[&'a RegKey] {
        let start = self
            .blocks
            .iter()
            .rposition(|k| k.delete)
            .map(|i| i + 1)
            .unwrap_or(0);
        self.blocks.get(start..).unwrap_or(&[])
    }

    /// True when the last block deletes the key.
    pub fn deleted(&self) -> bool {
        self.blocks.last().map(|k| k.delete).unwrap_or(false)
    }

    /// The values in effect: after the last `[-key]`, later copies replacing earlier.
    pub fn effective(&self) -> Vec<&'a RegValue> {
        let mut out: Vec<&'a RegValue> = Vec::new();
        for k in self.live() {
            for v in &k.values {
                out.retain(|p| !same_name(p, v));
                if v.data != RegData::Delete {
                    out.push(v);
                }
            }
        }
        out
    }

    /// Where a new value goes so that it is the one that stays: after the last line of
    /// the key's last block.
    pub fn insert_at(&self) -> Option<usize> {
        let last = self.blocks.last()?;
        Some(
            last.values
                .last()
                .map(|v| v.line_span.end)
                .unwrap_or(last.line_span.end),
        )
    }

    /// The first copy of each value name that a later copy replaces (one per name).
    pub fn overwritten(&self) -> Vec<Overwritten<'a>> {
        let all: Vec<&'a RegValue> = self.live().iter().flat_map(|k| k.values.iter()).collect();
        let mut out = Vec::new();
        for (i, v) in all.iter().enumerate() {
            if v.data == RegData::Delete {
                continue;
            }
            let later = all
                .iter()
                .skip(i + 1)
                .find(|w| same_name(v, w) && w.data != RegData::Delete);
            let earlier = all
                .iter()
                .take(i)
                .any(|w| same_name(v, w) && w.data != RegData::Delete);
            if let (Some(later), false) = (later, earlier) {
                out.push(Overwritten {
                    value: v,
                    by: later,
                });
            }
        }
        out
    }
}

/// True when two values have the same name (case-insensitive; `@` matches `@`).
pub fn same_name(a: &RegValue, b: &RegValue) -> bool {
    match (&a.name, &b.name) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    }
}

/// The file's keys grouped by path, in order of first appearance.
pub fn groups(parsed: &ParsedReg) -> Vec<KeyGroup<'_>> {
    let mut out: Vec<KeyGroup<'_>> = Vec::new();
    for k in &parsed.keys {
        let lower: String = k
            .path
            .split('\\')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\\")
            .to_ascii_lowercase();
        match out.iter_mut().find(|g| g.path_lower == lower) {
            Some(g) => g.blocks.push(k),
            None => out.push(KeyGroup {
                path_lower: lower,
                blocks: vec![k],
            }),
        }
    }
    out
}

/// Every span a value named as a secret occupies, including a value Regedit rejects and
/// the continuation lines it drops, split at line breaks so masking keeps every line of
/// a snippet where it was.
pub fn secret_spans(text: &str, parsed: &ParsedReg, is_secret: impl Fn(&str) -> bool) -> Vec<Span> {
    let mut spans = Vec::new();
    for key in &parsed.keys {
        for v in &key.values {
            if v.name.as_deref().map(&is_secret).unwrap_or(false) {
                spans.push(v.data_span);
                spans.extend(v.orphan_spans.iter().copied());
            }
        }
    }
    for e in &parsed.errors {
        if let Some((name, extent)) = &e.value {
            if is_secret(name) {
                spans.push(*extent);
            }
        }
    }
    spans
        .into_iter()
        .flat_map(|span| line_pieces(text, span))
        .collect()
}

/// Splits a span at its line breaks, leaving them out: masking replaces bytes one for one,
/// and a masked line break would shift every later line in the rendered snippet.
fn line_pieces(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = span.start;
    let body = text.get(span.start..span.end).unwrap_or("");
    for (i, b) in body.bytes().enumerate() {
        if b == b'\r' || b == b'\n' {
            let at = span.start + i;
            if at > start {
                out.push(Span::new(start, at));
            }
            start = at + 1;
        }
    }
    if span.end > start {
        out.push(Span::new(start, span.end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{groups, secret_spans};
    use crate::syntax::reg::{parse, RegData};

    #[test]
    fn later_copies_win_and_a_deleted_key_forgets_what_came_before() {
        // (Keys under one of Regedit's six roots: others cannot be opened.)
        let text = "REGEDIT4\n[HKEY_CURRENT_USER\\K]\n\"a\"=dword:00000001\n\"b\"=\"x\"\n[hkey_current_user\\k]\n\"A\"=dword:00000002\n[-HKEY_CURRENT_USER\\X]\n[HKEY_CURRENT_USER\\X]\n\"c\"=\"1\"\n[-HKEY_CURRENT_USER\\x]\n[HKEY_CURRENT_USER\\x]\n\"d\"=\"2\"\n";
        let p = parse(text);
        let g = groups(&p);
        assert_eq!(g.len(), 2);
        let k: Vec<_> = g[0].effective().iter().map(|v| v.data.clone()).collect();
        assert_eq!(k, vec![RegData::Sz("x".to_owned()), RegData::Dword(2)]);
        assert_eq!(g[0].overwritten().len(), 1);
        let x = g[1].effective();
        assert_eq!(x.len(), 1);
        assert_eq!(x[0].name.as_deref(), Some("d"));
    }

    #[test]
    fn secrets_are_split_at_line_breaks() {
        let text = "REGEDIT4\r\n[HKEY_CURRENT_USER\\K]\r\n\"Pass\"=hex:01,02,\\\r\n  03\r\n";
        let p = parse(text);
        let spans = secret_spans(text, &p, |n| n == "Pass");
        assert_eq!(spans.len(), 2);
        for s in spans {
            assert!(!text[s.start..s.end].contains('\n'));
        }
    }
}
