//! Which names carry a credential: one list for every client, so a password is masked
//! whichever file, key spelling or case it comes in.
//!
//! The clients' own lists are narrower (Gecko's login manager keeps passwords out of
//! prefs.js, FileZilla reads only `<Pass>`, Outlook only `… Password` values), but a
//! hand-edited or hostile file may hold a credential under any name, in any case: what is
//! masked is decided by the name, never by whether the client would read it. Names that
//! only mention OAuth (`oauth2.issuer`, `oauth2.scope`) carry no credential and are shown.

/// Words that make a name a credential's wherever they appear in it (ASCII, any case),
/// by their first two letters: a name is scanned once, and only where a word could start
/// is anything compared (this runs for every pref of every profile; a fleet has millions).
fn words_at(first: u8, second: u8) -> &'static [&'static [u8]] {
    match (first, second) {
        (b'p', b'a') => &[b"password", b"passwd", b"passphrase", b"passcode"],
        (b'p', b'w') => &[b"pwd"],
        (b'p', b'r') => &[b"privatekey", b"private_key", b"private-key"],
        (b's', b'e') => &[b"secret"],
        (b't', b'o') => &[b"token"],
        (b'c', b'r') => &[b"credential"],
        (b'a', b'p') => &[b"apikey", b"api_key", b"api-key"],
        (b'a', b'u') => &[b"authkey", b"auth_key"],
        _ => &[],
    }
}

/// True when a key, pref, value or element named `name` holds a credential: it contains a
/// word of [`words_at`], or the word `pass` on its own (`<Pass>`, `IMAP Pass`,
/// `smtp.pass`; not `Passive`, `bypass` or `Pasv`).
pub fn is_credential_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if !has_key_letter(bytes) {
        return false;
    }
    // Most places start no word: one bit of [`STARTS_WORD`] per pair of bytes says so
    // before anything is compared. A single table of first letters let through every `s`,
    // `t` and `a` (`mail.server.server1.hostname` has six), and the scan was still 5–7 % of
    // a fleet run's CPU.
    bytes.windows(2).enumerate().any(|(i, pair)| {
        let &[first, second] = pair else {
            return false;
        };
        if !starts_word(first, second) {
            return false;
        }
        let first = first.to_ascii_lowercase();
        let tail = bytes.get(i..).unwrap_or(&[]);
        words_at(first, second.to_ascii_lowercase())
            .iter()
            .any(|w| {
                tail.get(..w.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(w))
            })
            || (first == b'p' && is_pass_word(bytes, i))
    })
}

/// False when `bytes` hold none of `p`, `c`, `k` in either case, which every word of
/// [`words_at`] and `pass` has one of (`password`, `secret`, `token`, `credential`,
/// `authkey`, …). Eight bytes at a time: most pref and setting names have none
/// (`mail.server.server1.hostname`, `Number of Transfers`), and the pair scan that follows
/// costs a table lookup per byte (a fleet run scans ~60 MB of names).
fn has_key_letter(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const CASE: u64 = u64::from_ne_bytes([0x20; 8]);
    // A high bit in each byte of `x` that is zero (and, through borrows, maybe in bytes
    // above one that is: that only lets a name through to the exact scan).
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let any_key_letter = |word: u64| {
        // Upper-case letters become lower-case; no other byte becomes `p`, `c` or `k`.
        let lower = word | CASE;
        let is = |letter: u8| zero_bytes(lower ^ u64::from_ne_bytes([letter; 8]));
        is(b'p') | is(b'c') | is(b'k') != 0
    };
    let mut chunks = bytes.chunks_exact(8);
    let whole = chunks.by_ref().any(|chunk| {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        any_key_letter(u64::from_ne_bytes(word))
    });
    // The last bytes one by one (copying them into a word cost more than the scan).
    whole
        || chunks
            .remainder()
            .iter()
            .any(|&b| matches!(b | 0x20, b'p' | b'c' | b'k'))
}

/// True when the bytes `first`, `second` (in either case) may start a word of
/// [`words_at`] or `pass`.
fn starts_word(first: u8, second: u8) -> bool {
    let pair = usize::from(first) << 8 | usize::from(second);
    STARTS_WORD
        .get(pair / 64)
        .is_some_and(|bits| bits >> (pair % 64) & 1 == 1)
}

/// The first two letters of the words of [`words_at`] (`pass` among them), lower case.
const WORD_STARTS: [&[u8; 2]; 8] = [b"pa", b"pw", b"pr", b"se", b"to", b"cr", b"ap", b"au"];

/// One bit per pair of bytes: set where the pair is a [`WORD_STARTS`] entry in any case.
const STARTS_WORD: [u64; 1024] = {
    let mut table = [0u64; 1024];
    let mut w = 0;
    while w < WORD_STARTS.len() {
        let [a, b] = *WORD_STARTS[w];
        let firsts = [a, a.to_ascii_uppercase()];
        let seconds = [b, b.to_ascii_uppercase()];
        let mut i = 0;
        while i < 4 {
            let pair = (firsts[i / 2] as usize) << 8 | seconds[i % 2] as usize;
            table[pair / 64] |= 1 << (pair % 64);
            i += 1;
        }
        w += 1;
    }
    table
};

/// `pass` at `i` as a word of its own: not preceded by a lower-case letter (`bypass`) and
/// not followed by a letter (`Passive`, `passthrough`), camelCase boundaries counting.
fn is_pass_word(bytes: &[u8], i: usize) -> bool {
    let Some(word) = bytes.get(i..i + 4) else {
        return false;
    };
    if !word.eq_ignore_ascii_case(b"pass") {
        return false;
    }
    let before = i.checked_sub(1).and_then(|j| bytes.get(j));
    let starts_word = match before {
        None => true,
        Some(b) if b.is_ascii_lowercase() => word.first() == Some(&b'P'),
        Some(b) if b.is_ascii_uppercase() => false,
        Some(_) => true,
    };
    let last_is_lower = word.get(3).is_some_and(u8::is_ascii_lowercase);
    let ends_word = match bytes.get(i + 4) {
        None => true,
        Some(b) if b.is_ascii_lowercase() => false,
        // `passWord` or `PassMode` continue camelCase; `PASSIVE` is one word.
        Some(b) if b.is_ascii_uppercase() => last_is_lower,
        Some(_) => true,
    };
    starts_word && ends_word
}

#[cfg(test)]
mod tests {
    use super::{has_key_letter, is_credential_name, starts_word, words_at};

    /// The quick rejection must never reject a name holding a word: every word has a key
    /// letter, and the letter is found at any offset and in either case.
    #[test]
    fn every_word_has_a_key_letter_the_quick_check_finds() {
        for first in 0..=u8::MAX {
            for second in 0..=u8::MAX {
                for word in words_at(first, second) {
                    for pad in 0..9 {
                        let name = format!("{}{}", "x".repeat(pad), String::from_utf8_lossy(word));
                        assert!(has_key_letter(name.as_bytes()), "{name}");
                        assert!(
                            has_key_letter(name.to_ascii_uppercase().as_bytes()),
                            "{name}"
                        );
                    }
                }
            }
        }
        for letter in ["p", "C", "k", "Pass", "xxxxxxxxP", "xxxxxxxxxxxxxxxc"] {
            assert!(has_key_letter(letter.as_bytes()), "{letter}");
        }
        for none in [
            "",
            "mail.server.server1.hostname",
            "Number of Transfers",
            "Timeout",
        ] {
            assert!(!has_key_letter(none.as_bytes()), "{none}");
        }
    }

    #[test]
    fn every_word_starts_with_a_pair_the_table_lets_through() {
        for first in 0..=u8::MAX {
            for second in 0..=u8::MAX {
                let listed = !words_at(first, second).is_empty();
                let lower = (first.is_ascii_lowercase() || !first.is_ascii_alphabetic())
                    && (second.is_ascii_lowercase() || !second.is_ascii_alphabetic());
                if lower {
                    assert_eq!(
                        starts_word(first, second),
                        listed,
                        "`{}{}`",
                        first as char,
                        second as char
                    );
                }
                if listed {
                    for (a, b) in [
                        (first.to_ascii_uppercase(), second),
                        (first, second.to_ascii_uppercase()),
                        (first.to_ascii_uppercase(), second.to_ascii_uppercase()),
                    ] {
                        assert!(
                            starts_word(a, b),
                            "`{}{}` in any case",
                            a as char,
                            b as char
                        );
                    }
                }
            }
        }
        assert!(starts_word(b'P', b'a'), "`Pass` starts a word");
        assert!(!starts_word(b'x', b'p'));
    }

    /// The definition, spelt out slowly: some word of the list at some place, in any
    /// case, or `pass` as a word of its own.
    fn credential_by_definition(name: &str) -> bool {
        const WORDS: &[&str] = &[
            "password",
            "passwd",
            "passphrase",
            "passcode",
            "pwd",
            "privatekey",
            "private_key",
            "private-key",
            "secret",
            "token",
            "credential",
            "apikey",
            "api_key",
            "api-key",
            "authkey",
            "auth_key",
        ];
        let bytes = name.as_bytes();
        (0..bytes.len()).any(|i| {
            let tail = &bytes[i..];
            WORDS.iter().any(|w| {
                tail.len() >= w.len() && tail[..w.len()].eq_ignore_ascii_case(w.as_bytes())
            }) || super::is_pass_word(bytes, i)
        })
    }

    proptest::proptest! {
        #[test]
        fn the_fast_scan_agrees_with_the_definition(
            name in "([a-zA-Z._ -]|pass|PASS|Pass|pwd|token|Secret|api_key|AuthKey|private-key){0,12}"
        ) {
            proptest::prop_assert_eq!(is_credential_name(&name), credential_by_definition(&name));
        }
    }

    #[test]
    fn names_that_carry_a_credential_are_found_in_any_case_and_spelling() {
        for name in [
            "mail.server.server1.password",
            "signon.PASSWORD",
            "x.passwd",
            "oauth.Token",
            "mail.server.server1.oauth2.refresh_token",
            "access_token",
            "app.clientSecret",
            "sync.credentials.v2",
            "password",
            "Pass",
            "pass",
            "smtp.pass",
            "IMAP Pass",
            "userPass",
            "db_pwd",
            "PWD",
            "ssh.passphrase",
            "service.apiKey",
            "service.api_key",
            "x-api-key",
            "Proxy Password",
            "proxy password",
            "FTP Proxy password",
            "IMAP Password",
            "SMTP Password",
            "key.privateKey",
        ] {
            assert!(is_credential_name(name), "{name}");
        }
    }

    #[test]
    fn names_that_only_look_alike_are_shown() {
        for name in [
            "mail.server.server1.hostname",
            "mail.server.server1.oauth2.issuer",
            "mail.server.server1.oauth2.scope",
            "Use Pasv mode",
            "Passive mode",
            "Use passive mode",
            "bypass",
            "passthrough",
            "passw",
            "toke",
            "secre",
            "credentia",
            "",
            "pppppassworx",
            "Number of Transfers",
            "authMethod",
            "compass",
            "PASSIVE",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }
}
