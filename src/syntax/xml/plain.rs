//! The plain reader: the XML FileZilla writes, read in one pass by a tokenizer of our own,
//! or left to quick-xml ([`super::quick`]) at the first thing it does not take.
//!
//! Why it exists: with the flat tree, it still halves the XML parse time. On
//! `cargo bench --bench filezilla` (10,000 sites, 5.1 MB, best of 10, 2 cores, load ≤ 0.4)
//! the parse takes 12.0–13.3 ms with it and 25.0–26.8 ms with quick-xml alone, and
//! decode + parse + lint 86–91 ms against 92–106 ms (issue 14; figures in the commit that
//! added this note). Measure again before deleting it or making it more general.

use super::builder::TreeBuilder;
use super::{Document, KnownNames};
use crate::source::Span;

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
pub(super) fn parse_plain(text: &str, known: KnownNames) -> Option<Document> {
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
