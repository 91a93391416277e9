//! Escaping of server text: everything a probed server sends is untrusted, so it is made
//! visible and inert (issue 16) before it reaches a message, a terminal or a CI log.

/// How many characters of server text a message quotes before cutting it with `…`.
pub const QUOTE_CHARS: usize = 200;

/// Returns `text` with every character [`crate::escape::is_unsafe`] names, and tab, shown
/// as a visible escape: C0 controls and DEL as `\xNN` (with `\r`, `\n`, `\t` named), C1
/// controls, the line separators and the bidirectional marks, overrides and isolates as
/// `\u{NNNN}`; and the backslash itself as `\\`, so that an escape in the output is never
/// ambiguous (server text is wholly untrusted; the reporters then leave it as it is).
///
/// The result contains no ESC, CR, LF or other control character, so it cannot start an
/// ANSI/OSC sequence, forge a line, or issue a CI workflow command at a line start.
pub fn escape_server_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// [`escape_server_text`] of at most [`QUOTE_CHARS`] characters of `text`, with `…`
/// appended when it was cut. Used for every quotation in a message.
pub fn quote_server_text(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        // What the reporters escape too (crate::escape): C0, DEL and C1 controls, the line
        // and paragraph separators, the bidirectional marks, embeddings, overrides and
        // isolates ("Trojan Source").
        c if crate::escape::is_unsafe(c) && (c as u32) < 0x80 => {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        c if crate::escape::is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        _ => out.push(c),
    }
}

/// True when `c` must never appear in escaped output.
#[cfg(test)]
fn is_dangerous(c: char) -> bool {
    c.is_control() || crate::escape::is_unsafe(c)
}

#[cfg(test)]
mod tests {
    use super::{escape_server_text, is_dangerous, quote_server_text, QUOTE_CHARS};
    use proptest::prelude::{any, proptest};

    #[test]
    fn terminal_sequences_become_visible() {
        assert_eq!(
            escape_server_text("421 busy\x1b]52;c;aGk=\x07\r\n::error::x"),
            "421 busy\\x1b]52;c;aGk=\\x07\\r\\n::error::x"
        );
        assert_eq!(escape_server_text("a\\x1b"), "a\\\\x1b");
        assert_eq!(
            escape_server_text("\u{7f}\u{85}\u{9b}"),
            "\\x7f\\u{85}\\u{9b}"
        );
        assert_eq!(escape_server_text("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(escape_server_text("Grüße, 220 ok"), "Grüße, 220 ok");
    }

    #[test]
    fn quotes_are_cut() {
        let long = "x".repeat(QUOTE_CHARS + 5);
        let q = quote_server_text(&long);
        assert_eq!(q.chars().count(), QUOTE_CHARS + 1);
        assert!(q.ends_with('…'));
        assert_eq!(quote_server_text("short"), "short");
    }

    #[test]
    fn every_control_character_is_escaped() {
        for u in 0u32..=0x10ffff {
            let Some(c) = char::from_u32(u) else { continue };
            if is_dangerous(c) {
                let e = escape_server_text(&c.to_string());
                assert!(!e.chars().any(is_dangerous), "{u:#x} -> {e:?}");
                assert!(e.starts_with('\\'), "{u:#x} -> {e:?}");
            }
        }
    }

    proptest! {
        #[test]
        fn escaped_text_has_no_control_characters(s in any::<String>()) {
            let e = escape_server_text(&s);
            assert!(!e.chars().any(is_dangerous));
            let q = quote_server_text(&s);
            assert!(!q.chars().any(is_dangerous));
        }
    }
}
