//! The last guard against an error message quoting a secret: a parser's message may quote
//! the text around the place it failed (`expected `</rest</Pass>``), and that text may be
//! part of a password next to it. Every word of a secret near a syntax error is replaced in
//! the error's message, label, notes and help.

use crate::diagnostic::Diagnostic;
use crate::source::{Files, Span};

/// How far from a syntax error a secret can be and still be quoted by its message: parsers
/// quote the few tokens around the failure, never more than a line or two.
const WINDOW: usize = 4096;

/// Words shorter than this are not looked for: they would match ordinary words of messages,
/// and cannot identify a secret anyway.
const MIN_WORD: usize = 3;

const MASK: &str = "*****";

/// Masks in every syntax-error diagnostic the words of the secrets near its place.
pub(super) fn scrub_quoted_secrets(diagnostics: &mut [Diagnostic], files: &Files) {
    let mut sorted: std::collections::BTreeMap<usize, Vec<Span>> = Default::default();
    for d in diagnostics.iter_mut().filter(|d| d.rule == "syntax-error") {
        let Some(file) = files.get(d.file) else {
            continue;
        };
        if file.secrets.is_empty() {
            continue;
        }
        let secrets = sorted.entry(d.file).or_insert_with(|| {
            let mut s = file.secrets.clone();
            s.sort_by_key(|s| s.start);
            s
        });
        let from = d.span.start.saturating_sub(WINDOW);
        let to = d.span.end.saturating_add(WINDOW);
        let first = secrets.partition_point(|s| s.end < from);
        let words: Vec<&str> = secrets
            .get(first..)
            .unwrap_or(&[])
            .iter()
            .take_while(|s| s.start <= to)
            .flat_map(|s| words_of(file.text.get(s.start..s.end).unwrap_or("")))
            .collect();
        if words.is_empty() {
            continue;
        }
        scrub(&mut d.message, &words);
        scrub(&mut d.label, &words);
        if let Some(help) = &mut d.help {
            scrub(help, &words);
        }
        for n in &mut d.notes {
            scrub(&mut n.text, &words);
        }
    }
}

/// The runs of a secret that a message could quote: split where markup or spacing is,
/// longest first so a word is masked before a word inside it.
fn words_of(secret: &str) -> Vec<&str> {
    let mut words: Vec<&str> = secret
        .split(|c: char| c.is_whitespace() || "<>\"'/=&;`".contains(c))
        .filter(|w| w.chars().count() >= MIN_WORD)
        .collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words
}

fn scrub(text: &mut String, words: &[&str]) {
    for w in words {
        if text.contains(w) {
            *text = text.replace(w, MASK);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{scrub, words_of};

    #[test]
    fn a_quoted_part_of_a_password_is_masked() {
        let words = words_of("ab<rest");
        assert_eq!(words, ["rest"]);
        let mut m = "expected `</rest</Pass>`, but `</Server>` was found".to_owned();
        scrub(&mut m, &words);
        assert_eq!(m, "expected `</*****</Pass>`, but `</Server>` was found");
    }
}
