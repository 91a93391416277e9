//! Splicing edits into a file's original bytes, in the file's own encoding: every byte
//! outside the edits (a BOM, CRLF, invalid UTF-8 in a comment, an unpaired UTF-16
//! surrogate elsewhere) survives exactly.

use crate::source::{Edit, SourceFile, Span};

/// Why a set of edits could not be spliced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpliceError {
    #[error("edits overlap at byte {0}")]
    Overlap(usize),
    #[error("an edit reaches past the end of the file or splits a character")]
    OutOfRange,
}

/// Splices `edits` (all for `file`, text spans) into the file's original bytes. Edits are
/// applied in order of position; insertions at the same position keep their given order.
pub fn splice(file: &SourceFile, edits: &[&Edit]) -> Result<Vec<u8>, SpliceError> {
    let mut sorted: Vec<(usize, &Edit)> = edits.iter().copied().enumerate().collect();
    sorted.sort_by_key(|(i, e)| (e.span.start, e.span.end, *i));
    let mut out = Vec::with_capacity(file.bytes().len() + 64);
    let mut cursor = 0usize;
    let mut last_end_text = 0usize;
    for (_, edit) in sorted {
        let span = edit.span;
        if span.end > file.text.len()
            || !file.text.is_char_boundary(span.start)
            || !file.text.is_char_boundary(span.end)
        {
            return Err(SpliceError::OutOfRange);
        }
        if span.start < last_end_text {
            return Err(SpliceError::Overlap(span.start));
        }
        let original: Span = file.original_span(span);
        out.extend_from_slice(
            file.bytes()
                .get(cursor..original.start)
                .ok_or(SpliceError::OutOfRange)?,
        );
        out.extend_from_slice(&file.encoding.encode(&edit.replacement));
        cursor = original.end;
        last_end_text = span.end;
    }
    out.extend_from_slice(file.bytes().get(cursor..).ok_or(SpliceError::OutOfRange)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{splice, SpliceError};
    use crate::source::{Edit, SourceFile, Span};

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            file: 0,
            span: Span::new(start, end),
            replacement: text.to_owned(),
        }
    }

    #[test]
    fn utf16le_edit_keeps_bom_and_everything_else() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "a=dword:00000001\r\nb=2\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let f = SourceFile::new("x.reg", bytes.clone());
        let out = splice(&f, &[&edit(8, 16, "0000003c")]).expect("splices");
        assert_eq!(&out[..2], &[0xFF, 0xFE]);
        let mut expected = vec![0xFF, 0xFE];
        expected.extend(
            "a=dword:0000003c\r\nb=2\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn invalid_utf8_outside_the_edit_survives() {
        let bytes = b"// \x82\xa0\nuser_pref(\"a\", 1);\n".to_vec();
        let f = SourceFile::new("prefs.js", bytes);
        let out = splice(&f, &[&edit(21, 22, "3")]).expect("splices");
        assert_eq!(out, b"// \x82\xa0\nuser_pref(\"a\", 3);\n".to_vec());
    }

    #[test]
    fn insertions_at_one_place_keep_their_order_and_overlaps_are_refused() {
        let f = SourceFile::new("p", b"ab".to_vec());
        let out = splice(&f, &[&edit(1, 1, "X"), &edit(1, 1, "Y")]).expect("splices");
        assert_eq!(out, b"aXYb".to_vec());
        assert_eq!(
            splice(&f, &[&edit(0, 2, "Z"), &edit(1, 2, "W")]),
            Err(SpliceError::Overlap(1))
        );
    }
}
