//! Neutralising text that came from a file or a path before it reaches a terminal, a CI log
//! or a line-oriented format.
//!
//! Scanned trees may be images of other people's machines: a host name, a site name or a
//! directory name can hold an escape sequence (`ESC]52;` writes the clipboard, `ESC[2J`
//! clears the screen, `ESC]8;` makes a link), a carriage return that overwrites the line
//! shown, or a newline that forges a whole finding line (`::stop-commands::` in a GitHub
//! Actions log). Every reporter that writes lines runs such text through [`terminal`] (or,
//! for source lines drawn or diffed, [`source_text`]); JSON and SARIF carry values exactly,
//! their own escaping makes them safe.

use std::borrow::Cow;
use std::path::Path;

/// True for the characters that may act on a terminal or break a line apart: C0 controls
/// but tab, DEL, C1 controls (`U+0085` is a line break to some readers, `U+009B` a CSI),
/// the Unicode line and paragraph separators, and the bidirectional overrides and isolates
/// that reorder what is shown ("Trojan Source").
pub fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\n'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `s` with every unsafe character written as a visible escape: `\n`, `\r`, `\x1b`,
/// `\u{202e}`. Text without one is returned as it is, without a copy.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe(c) && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path as shown to a terminal: its display form, escaped.
pub fn path(p: &Path) -> String {
    terminal(&p.display().to_string()).into_owned()
}

/// Source text to draw or diff, with line structure and byte offsets kept: every byte of an
/// unsafe character becomes `?` (as `ls` shows names), except the line ends (`\n`, and `\r`
/// right before it), which stay what they are. Spans into the text still point at the same
/// bytes, so labels drawn on it stay aligned.
pub fn source_text(s: String) -> String {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\r') && !has_lone_cr(&s) {
        return s;
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        if is_unsafe(c) && !line_end {
            out.extend(std::iter::repeat('?').take(c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    out
}

fn has_lone_cr(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

#[cfg(test)]
mod tests {
    use super::{is_unsafe, source_text, terminal};
    use proptest::prelude::*;

    #[test]
    fn attacks_seen_in_the_wild_are_shown_not_acted_on() {
        // OSC 52 clipboard write, OSC 8 link, clear screen, CR overwrite, forged line.
        assert_eq!(
            terminal("a\u{1b}]52;c;ZXZpbA==\u{7}b"),
            "a\\x1b]52;c;ZXZpbA==\\x07b"
        );
        assert_eq!(terminal("\u{1b}[2Jx\ry"), "\\x1b[2Jx\\ry");
        assert_eq!(terminal("h\n::stop-commands::t"), "h\\n::stop-commands::t");
        assert_eq!(terminal("\u{9b}31m\u{202e}"), "\\u{9b}31m\\u{202e}");
        assert!(matches!(
            terminal("plain C:\\path ü"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(terminal("tab\tstays"), "tab\tstays");
    }

    #[test]
    fn source_text_keeps_line_ends_and_offsets() {
        let s = "a\u{1b}[2J\r\nb\rc\u{202e}\n".to_owned();
        let shown = source_text(s.clone());
        assert_eq!(shown, "a?[2J\r\nb?c???\n");
        assert_eq!(shown.len(), s.len());
        assert_eq!(source_text("ok\r\n".to_owned()), "ok\r\n");
    }

    proptest! {
        /// Over every character class: nothing unsafe survives, and text without unsafe
        /// characters is unchanged.
        #[test]
        fn no_unsafe_character_survives(s in "(\\PC|[\\x00-\\x1f\\x7f-\\u{9f}\\u{2028}\\u{2029}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}])*") {
            let t = terminal(&s);
            prop_assert!(!t.chars().any(is_unsafe), "{t:?}");
            if !s.chars().any(is_unsafe) {
                prop_assert_eq!(t.as_ref(), s.as_str());
            }
            let shown = source_text(s.clone());
            prop_assert_eq!(shown.len(), s.len());
            prop_assert_eq!(shown.matches('\n').count(), s.matches('\n').count());
            prop_assert!(!shown.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\r'));
        }

        #[test]
        fn every_control_character_is_escaped(c in proptest::char::range('\0', '\u{a0}')) {
            let s = c.to_string();
            let t = terminal(&s);
            prop_assert!(!t.chars().any(is_unsafe));
            prop_assert_eq!(t.as_ref() != s.as_str(), is_unsafe(c));
        }
    }
}
