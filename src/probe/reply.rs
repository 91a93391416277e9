//! Pure parsers for what a server sends: FTP/SMTP numeric replies, IMAP response lines,
//! POP3 status lines and multi-line responses, and the SSH identification line.
//!
//! Every parser has the same shape, `fn(&[u8]) -> Parse<T>`: it looks at the bytes received
//! so far and says whether they hold one complete reply (and how many bytes it used), need
//! more bytes, or can never become a valid reply. The caller (`conn.rs`) owns reading, time
//! and total-size bounds; the parsers own the per-line bound, so an endless line is
//! rejected after [`MAX_LINE`] bytes however slowly it arrives. None of them panics on any
//! input (proptests below; `fuzz/` can call them directly), and none does I/O.

/// The longest line accepted, in bytes, without its line ending. RFC 5321 allows 512 for
/// SMTP replies; IMAP CAPABILITY lines of large servers reach a few kilobytes.
pub const MAX_LINE: usize = 8192;
/// The most lines one reply may have (a FEAT or EHLO list, a CAPA list).
pub const MAX_LINES: usize = 256;

/// The result of looking at the bytes received so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parse<T> {
    /// One complete reply, and the number of bytes it used.
    Complete(T, usize),
    /// The bytes so far are the start of a valid reply; read more.
    Incomplete,
    /// The bytes can never become a valid reply.
    Invalid(Invalid),
}

/// Why received bytes are not a reply of the expected protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// A line longer than [`MAX_LINE`] bytes (or an endless one).
    LineTooLong,
    /// More than [`MAX_LINES`] lines in one reply.
    TooManyLines,
    /// A line that this protocol never sends; `line` is the (unescaped) line.
    NotAReply {
        /// The offending line, decoded lossily, not yet escaped.
        line: String,
    },
}

impl Invalid {
    /// A short description for a message; quotes nothing.
    pub fn describe(&self) -> String {
        match self {
            Invalid::LineTooLong => format!("a line longer than {MAX_LINE} bytes"),
            Invalid::TooManyLines => format!("a reply of more than {MAX_LINES} lines"),
            Invalid::NotAReply { .. } => "a line that is not a reply of this protocol".to_owned(),
        }
    }
}

/// The next line of `buf` from `from`: `Ok(Some((line, next)))` with the line ending
/// (LF or CRLF) removed, `Ok(None)` when no full line has arrived yet.
fn next_line(buf: &[u8], from: usize) -> Result<Option<(&[u8], usize)>, Invalid> {
    let rest = buf.get(from..).unwrap_or_default();
    let window = &rest[..rest.len().min(MAX_LINE + 2)];
    match memchr::memchr(b'\n', window) {
        Some(i) => {
            let line = &rest[..i];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.len() > MAX_LINE {
                return Err(Invalid::LineTooLong);
            }
            Ok(Some((line, from + i + 1)))
        }
        None if rest.len() > MAX_LINE + 1 => Err(Invalid::LineTooLong),
        None => Ok(None),
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn not_a_reply(line: &[u8]) -> Invalid {
    Invalid::NotAReply { line: lossy(line) }
}

/// An FTP (RFC 959) or SMTP (RFC 5321) reply: a three-digit code and one or more lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumericReply {
    /// The reply code, 100–599.
    pub code: u16,
    /// The text of each line: the code and its separator removed where present (FTP lets
    /// the inner lines of a multi-line reply start with anything).
    pub lines: Vec<String>,
}

impl NumericReply {
    /// The whole reply on one line, as a server log would show it: `421 text / more`.
    pub fn text(&self) -> String {
        format!("{} {}", self.code, self.lines.join(" / "))
            .trim_end()
            .to_owned()
    }
}

/// `ddd`, `ddd text` or `ddd-text`: the code and the separator, if `line` starts a reply line.
fn numeric_prefix(line: &[u8]) -> Option<(u16, Option<u8>)> {
    let digits = line.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !(b'1'..=b'5').contains(&digits[0]) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    match line.get(3) {
        None => Some((code, None)),
        Some(b' ') => Some((code, Some(b' '))),
        Some(b'-') => Some((code, Some(b'-'))),
        Some(_) => None,
    }
}

/// Parses one FTP or SMTP reply, single- or multi-line (`ddd-` … `ddd `).
pub fn parse_numeric_reply(buf: &[u8]) -> Parse<NumericReply> {
    let (first, mut at) = match next_line(buf, 0) {
        Ok(Some(l)) => l,
        Ok(None) => {
            // Reject a first line that cannot become a reply as soon as we can tell, so
            // garbage without a line end ends the probe at once instead of at the timeout.
            let head = &buf[..buf.len().min(4)];
            let plausible = head.iter().enumerate().all(|(i, b)| match i {
                0 => (b'1'..=b'5').contains(b),
                1 | 2 => b.is_ascii_digit(),
                _ => *b == b' ' || *b == b'-' || *b == b'\r',
            });
            return if plausible {
                Parse::Incomplete
            } else {
                Parse::Invalid(not_a_reply(buf))
            };
        }
        Err(e) => return Parse::Invalid(e),
    };
    let Some((code, sep)) = numeric_prefix(first) else {
        return Parse::Invalid(not_a_reply(first));
    };
    let text_of = |line: &[u8]| lossy(line.get(4..).unwrap_or_default());
    let mut lines = vec![text_of(first)];
    if sep != Some(b'-') {
        return Parse::Complete(NumericReply { code, lines }, at);
    }
    loop {
        let (line, next) = match next_line(buf, at) {
            Ok(Some(l)) => l,
            Ok(None) => return Parse::Incomplete,
            Err(e) => return Parse::Invalid(e),
        };
        at = next;
        if lines.len() >= MAX_LINES {
            return Parse::Invalid(Invalid::TooManyLines);
        }
        match numeric_prefix(line) {
            Some((c, Some(b' ') | None)) if c == code => {
                lines.push(text_of(line));
                return Parse::Complete(NumericReply { code, lines }, at);
            }
            Some((c, Some(b'-'))) if c == code => lines.push(text_of(line)),
            // FTP: inner lines may be anything (RFC 959 §4.2), FEAT lists start with a space.
            _ => lines.push(lossy(line)),
        }
    }
}

/// The status word of an IMAP response (RFC 9051 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImapStatus {
    /// `OK`
    Ok,
    /// `NO`
    No,
    /// `BAD`
    Bad,
    /// `BYE`: the server is closing the connection.
    Bye,
    /// `PREAUTH`: already authenticated (greeting only).
    Preauth,
}

/// One IMAP response line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImapLine {
    /// `*` (untagged), `+` (continuation) or the command's tag.
    pub tag: String,
    /// The status word, for status responses.
    pub status: Option<ImapStatus>,
    /// The response code between `[` and `]`, e.g. `CAPABILITY IMAP4rev1 STARTTLS`.
    pub code: Option<String>,
    /// The rest of the line (for untagged data such as `CAPABILITY …`, the whole data).
    pub text: String,
}

/// Parses one IMAP response line. Literals (`{n}`) are rejected: none of the responses the
/// probe asks for carries one.
pub fn parse_imap_line(buf: &[u8]) -> Parse<ImapLine> {
    let (line, used) = match next_line(buf, 0) {
        Ok(Some(l)) => l,
        Ok(None) => {
            return match buf.first() {
                None => Parse::Incomplete,
                Some(b) if is_atom_char(*b) || *b == b'*' || *b == b'+' => Parse::Incomplete,
                Some(_) => Parse::Invalid(not_a_reply(buf)),
            }
        }
        Err(e) => return Parse::Invalid(e),
    };
    let text = lossy(line);
    let (tag, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
    let tag_ok = tag == "*" || tag == "+" || (!tag.is_empty() && tag.bytes().all(is_atom_char));
    if !tag_ok || (tag != "+" && rest.is_empty()) || line.ends_with(b"}") {
        return Parse::Invalid(Invalid::NotAReply { line: text });
    }
    if tag == "+" {
        let out = ImapLine {
            tag: "+".to_owned(),
            status: None,
            code: None,
            text: rest.to_owned(),
        };
        return Parse::Complete(out, used);
    }
    let (word, after) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = match word.to_ascii_uppercase().as_str() {
        "OK" => Some(ImapStatus::Ok),
        "NO" => Some(ImapStatus::No),
        "BAD" => Some(ImapStatus::Bad),
        "BYE" => Some(ImapStatus::Bye),
        "PREAUTH" => Some(ImapStatus::Preauth),
        _ => None,
    };
    if status.is_none() && tag != "*" {
        // A tagged line is always a status response.
        return Parse::Invalid(Invalid::NotAReply { line: text });
    }
    let (code, text) = match status {
        None => (None, rest.to_owned()),
        Some(_) => match after.strip_prefix('[').and_then(|r| r.split_once(']')) {
            Some((code, tail)) => (Some(code.to_owned()), tail.trim_start().to_owned()),
            None => (None, after.to_owned()),
        },
    };
    let out = ImapLine {
        tag: tag.to_owned(),
        status,
        code,
        text,
    };
    Parse::Complete(out, used)
}

/// Characters of an IMAP tag (RFC 9051 `tag`: ASTRING-CHAR except `+`).
fn is_atom_char(b: u8) -> bool {
    b.is_ascii_graphic()
        && !matches!(
            b,
            b'(' | b')' | b'{' | b'%' | b'*' | b'"' | b'\\' | b'+' | b']'
        )
}

/// Capability tokens from `CAPABILITY …` data or a `[CAPABILITY …]` code, upper-cased,
/// without the leading `CAPABILITY` word.
pub fn imap_capabilities(text: &str) -> Vec<String> {
    let mut words = text.split_ascii_whitespace();
    match words.next() {
        Some(w) if w.eq_ignore_ascii_case("CAPABILITY") => {
            words.map(|w| w.to_ascii_uppercase()).collect()
        }
        _ => Vec::new(),
    }
}

/// A POP3 status line (RFC 1939 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pop3Status {
    /// `+OK` (true) or `-ERR` (false).
    pub ok: bool,
    /// The text after the status indicator.
    pub text: String,
}

/// Parses one POP3 status line.
pub fn parse_pop3_status(buf: &[u8]) -> Parse<Pop3Status> {
    let (line, used) = match next_line(buf, 0) {
        Ok(Some(l)) => l,
        Ok(None) => {
            let head = &buf[..buf.len().min(4)];
            return if b"+OK ".starts_with(head) || b"-ERR".starts_with(head) {
                Parse::Incomplete
            } else {
                Parse::Invalid(not_a_reply(buf))
            };
        }
        Err(e) => return Parse::Invalid(e),
    };
    let text = lossy(line);
    let (word, rest) = text.split_once(' ').unwrap_or((text.as_str(), ""));
    let ok = match word {
        "+OK" => true,
        "-ERR" => false,
        _ => return Parse::Invalid(Invalid::NotAReply { line: text }),
    };
    Parse::Complete(
        Pop3Status {
            ok,
            text: rest.to_owned(),
        },
        used,
    )
}

/// Parses the body of a POP3 multi-line response (after its `+OK` line): the lines up to
/// the terminating `.`, with dot-stuffing removed.
pub fn parse_pop3_multiline(buf: &[u8]) -> Parse<Vec<String>> {
    let mut lines = Vec::new();
    let mut at = 0;
    loop {
        let (line, next) = match next_line(buf, at) {
            Ok(Some(l)) => l,
            Ok(None) => return Parse::Incomplete,
            Err(e) => return Parse::Invalid(e),
        };
        at = next;
        if line == b"." {
            return Parse::Complete(lines, at);
        }
        if lines.len() >= MAX_LINES {
            return Parse::Invalid(Invalid::TooManyLines);
        }
        lines.push(lossy(line.strip_prefix(b".").unwrap_or(line)));
    }
}

/// The SSH identification line (RFC 4253 §4.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshBanner {
    /// The whole line, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2`.
    pub line: String,
    /// `2.0` (or `1.99`, a server that also speaks SSH 1).
    pub proto_version: String,
    /// The software version and comments.
    pub software: String,
}

/// How many lines a server may send before its `SSH-` line (RFC 4253 allows some).
const SSH_PREFACE_LINES: usize = 10;

/// Parses the SSH identification, skipping up to a few preface lines, but rejecting at once
/// a line that is another protocol's greeting.
pub fn parse_ssh_banner(buf: &[u8]) -> Parse<SshBanner> {
    let mut at = 0;
    for _ in 0..=SSH_PREFACE_LINES {
        let (line, next) = match next_line(buf, at) {
            Ok(Some(l)) => l,
            Ok(None) => {
                let rest = buf.get(at..).unwrap_or_default();
                let head = &rest[..rest.len().min(4)];
                return if b"SSH-".starts_with(head) || sniff_greeting(&lossy(rest)).is_none() {
                    Parse::Incomplete
                } else {
                    Parse::Invalid(not_a_reply(rest))
                };
            }
            Err(e) => return Parse::Invalid(e),
        };
        at = next;
        let text = lossy(line);
        if let Some(rest) = text.strip_prefix("SSH-") {
            let (proto_version, software) = rest.split_once('-').unwrap_or((rest, ""));
            let banner = SshBanner {
                proto_version: proto_version.to_owned(),
                software: software.to_owned(),
                line: text.clone(),
            };
            return Parse::Complete(banner, at);
        }
        if sniff_greeting(&text).is_some() {
            return Parse::Invalid(Invalid::NotAReply { line: text });
        }
    }
    Parse::Invalid(Invalid::TooManyLines)
}

/// Which protocol a first line looks like, for messages such as "this port greets like an
/// SMTP server". `None` when it looks like none of them.
pub fn sniff_greeting(line: &str) -> Option<&'static str> {
    let upper = line.to_ascii_uppercase();
    if upper.starts_with("SSH-") {
        Some("SSH")
    } else if upper.starts_with("* OK")
        || upper.starts_with("* PREAUTH")
        || upper.starts_with("* BYE")
    {
        Some("IMAP")
    } else if upper.starts_with("+OK") || upper.starts_with("-ERR") {
        Some("POP3")
    } else if numeric_prefix(line.as_bytes()).is_some() {
        if upper.contains("SMTP") || upper.contains("MAIL") || upper.contains("POSTFIX") {
            Some("SMTP")
        } else if upper.contains("FTP") {
            Some("FTP")
        } else {
            Some("FTP or SMTP")
        }
    } else if upper.starts_with("HTTP/") {
        Some("HTTP")
    } else {
        None
    }
}

/// The features of an FTP `FEAT` reply (RFC 2389): the inner lines, trimmed.
pub fn ftp_features(reply: &NumericReply) -> Vec<String> {
    if reply.code != 211 || reply.lines.len() < 2 {
        return Vec::new();
    }
    reply.lines[1..reply.lines.len() - 1]
        .iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The extensions of an SMTP `EHLO` reply (RFC 5321 §4.1.1.1): every line after the first.
pub fn smtp_extensions(reply: &NumericReply) -> Vec<String> {
    reply
        .lines
        .iter()
        .skip(1)
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

/// The SASL mechanisms that capability lists offer, upper-cased: SMTP `AUTH A B` and the
/// old `AUTH=A B`, IMAP `AUTH=A`, POP3 `SASL A B`.
pub fn sasl_mechanisms(capabilities: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for cap in capabilities {
        let upper = cap.to_ascii_uppercase();
        let words: Vec<&str> = if let Some(rest) = upper.strip_prefix("AUTH=") {
            // IMAP `AUTH=PLAIN` is one token; SMTP `AUTH=PLAIN LOGIN` lists several.
            rest.split_ascii_whitespace().collect()
        } else if let Some(rest) = upper.strip_prefix("AUTH ") {
            rest.split_ascii_whitespace().collect()
        } else if let Some(rest) = upper.strip_prefix("SASL ") {
            rest.split_ascii_whitespace().collect()
        } else {
            Vec::new()
        };
        for w in words {
            if !out.iter().any(|o| o == w) {
                out.push(w.to_owned());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{
        ftp_features, imap_capabilities, parse_imap_line, parse_numeric_reply,
        parse_pop3_multiline, parse_pop3_status, parse_ssh_banner, sasl_mechanisms,
        smtp_extensions, sniff_greeting, ImapStatus, Invalid, NumericReply, Parse, MAX_LINE,
    };
    use proptest::prelude::{any, proptest};

    fn complete<T>(p: Parse<T>) -> (T, usize) {
        match p {
            Parse::Complete(v, n) => (v, n),
            Parse::Incomplete => panic!("incomplete"),
            Parse::Invalid(e) => panic!("invalid: {e:?}"),
        }
    }

    #[test]
    fn ftp_greeting_and_multiline_feat() {
        let (r, n) = complete(parse_numeric_reply(b"220 (vsFTPd 3.0.3)\r\nrest"));
        assert_eq!(
            (r.code, r.lines.clone(), n),
            (220, vec!["(vsFTPd 3.0.3)".to_owned()], 20)
        );
        assert_eq!(r.text(), "220 (vsFTPd 3.0.3)");
        let feat = b"211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n UTF8\r\n211 End\r\n";
        let (r, n) = complete(parse_numeric_reply(feat));
        assert_eq!(n, feat.len());
        assert_eq!(ftp_features(&r), ["AUTH TLS", "PBSZ", "PROT", "UTF8"]);
        assert_eq!(
            parse_numeric_reply(b"211-Features:\r\n AUTH TLS\r\n"),
            Parse::Incomplete
        );
        assert_eq!(parse_numeric_reply(b"22"), Parse::Incomplete);
        assert_eq!(parse_numeric_reply(b"220"), Parse::Incomplete);
    }

    #[test]
    fn smtp_ehlo_extensions_and_auth() {
        let ehlo = b"250-mail.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-AUTH=PLAIN LOGIN\r\n250 8BITMIME\r\n";
        let (r, _) = complete(parse_numeric_reply(ehlo));
        let ext = smtp_extensions(&r);
        assert_eq!(
            ext,
            [
                "PIPELINING",
                "STARTTLS",
                "AUTH PLAIN LOGIN",
                "AUTH=PLAIN LOGIN",
                "8BITMIME"
            ]
        );
        assert_eq!(sasl_mechanisms(&ext), ["PLAIN", "LOGIN"]);
    }

    #[test]
    fn garbage_is_rejected_without_waiting_for_a_line_end() {
        assert!(matches!(
            parse_numeric_reply(b"\x00\xffhello"),
            Parse::Invalid(Invalid::NotAReply { .. })
        ));
        assert!(matches!(
            parse_numeric_reply(b"HTTP/1.1 400"),
            Parse::Invalid(_)
        ));
        assert!(matches!(
            parse_numeric_reply(b"2201 x\r\n"),
            Parse::Invalid(_)
        ));
        assert!(matches!(parse_pop3_status(b"* OK IMAP"), Parse::Invalid(_)));
        assert!(matches!(
            parse_imap_line(b"\x16\x03\x01"),
            Parse::Invalid(_)
        ));
    }

    #[test]
    fn endless_lines_are_rejected() {
        let long = vec![b'2'; MAX_LINE + 2];
        assert_eq!(
            parse_numeric_reply(&long),
            Parse::Invalid(Invalid::LineTooLong)
        );
        let mut long = b"220-x\r\n".to_vec();
        long.extend(vec![b'a'; MAX_LINE + 10]);
        assert_eq!(
            parse_numeric_reply(&long),
            Parse::Invalid(Invalid::LineTooLong)
        );
        let mut imap = b"* OK ".to_vec();
        imap.extend(vec![b'a'; MAX_LINE + 10]);
        assert_eq!(parse_imap_line(&imap), Parse::Invalid(Invalid::LineTooLong));
        let mut line = vec![b'a'; MAX_LINE + 1];
        line.extend(b"\r\n");
        assert_eq!(
            parse_pop3_multiline(&line),
            Parse::Invalid(Invalid::LineTooLong)
        );
    }

    #[test]
    fn too_many_lines() {
        let mut r = b"211-x\r\n".to_vec();
        for _ in 0..300 {
            r.extend(b" F\r\n");
        }
        assert_eq!(
            parse_numeric_reply(&r),
            Parse::Invalid(Invalid::TooManyLines)
        );
    }

    #[test]
    fn imap_lines() {
        let (l, _) = complete(parse_imap_line(
            b"* OK [CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED] Dovecot ready.\r\n",
        ));
        assert_eq!(l.tag, "*");
        assert_eq!(l.status, Some(ImapStatus::Ok));
        assert_eq!(
            imap_capabilities(l.code.as_deref().unwrap_or_default()),
            ["IMAP4REV1", "SASL-IR", "STARTTLS", "LOGINDISABLED"]
        );
        assert_eq!(l.text, "Dovecot ready.");
        let (l, _) = complete(parse_imap_line(
            b"* CAPABILITY IMAP4rev1 AUTH=PLAIN auth=login\r\n",
        ));
        assert_eq!(l.status, None);
        let caps = imap_capabilities(&l.text);
        assert_eq!(sasl_mechanisms(&caps), ["PLAIN", "LOGIN"]);
        let (l, _) = complete(parse_imap_line(b"a1 NO [UNAVAILABLE] busy\r\n"));
        assert_eq!(
            (l.tag.as_str(), l.status, l.code.as_deref()),
            ("a1", Some(ImapStatus::No), Some("UNAVAILABLE"))
        );
        assert!(matches!(
            parse_imap_line(b"a1 FOO bar\r\n"),
            Parse::Invalid(_)
        ));
        assert!(matches!(
            parse_imap_line(b"* 3 FETCH {12}\r\n"),
            Parse::Invalid(_)
        ));
        let (l, _) = complete(parse_imap_line(b"* BYE Too many connections\n"));
        assert_eq!(l.status, Some(ImapStatus::Bye));
    }

    #[test]
    fn pop3_lines() {
        let (s, n) = complete(parse_pop3_status(b"+OK Dovecot ready.\r\n"));
        assert_eq!((s.ok, s.text.as_str(), n), (true, "Dovecot ready.", 20));
        let (s, _) = complete(parse_pop3_status(b"-ERR [SYS/TEMP] busy\r\n"));
        assert!(!s.ok);
        let (lines, _) = complete(parse_pop3_multiline(
            b"TOP\r\nUSER\r\nSASL PLAIN\r\nSTLS\r\n..x\r\n.\r\n",
        ));
        assert_eq!(lines, ["TOP", "USER", "SASL PLAIN", "STLS", ".x"]);
        assert_eq!(parse_pop3_multiline(b"TOP\r\n"), Parse::Incomplete);
        assert_eq!(parse_pop3_status(b"+O"), Parse::Incomplete);
    }

    #[test]
    fn ssh_banner() {
        let (b, _) = complete(parse_ssh_banner(
            b"hello\r\nSSH-2.0-OpenSSH_9.2p1 Debian-2\r\n",
        ));
        assert_eq!(
            (b.proto_version.as_str(), b.software.as_str()),
            ("2.0", "OpenSSH_9.2p1 Debian-2")
        );
        assert!(matches!(
            parse_ssh_banner(b"220 FTP ready\r\n"),
            Parse::Invalid(_)
        ));
        assert!(matches!(parse_ssh_banner(b"* OK"), Parse::Invalid(_)));
        assert_eq!(parse_ssh_banner(b"SSH-2"), Parse::Incomplete);
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_greeting("220 mail.test ESMTP Postfix"), Some("SMTP"));
        assert_eq!(sniff_greeting("220 (vsFTPd 3.0.3)"), Some("FTP"));
        assert_eq!(sniff_greeting("* OK Dovecot ready."), Some("IMAP"));
        assert_eq!(sniff_greeting("+OK Dovecot ready."), Some("POP3"));
        assert_eq!(sniff_greeting("SSH-2.0-x"), Some("SSH"));
        assert_eq!(sniff_greeting("\u{16}\u{3}"), None);
    }

    #[test]
    fn reply_text() {
        let r = NumericReply {
            code: 421,
            lines: vec!["a".to_owned(), "b".to_owned()],
        };
        assert_eq!(r.text(), "421 a / b");
    }

    proptest! {
        #[test]
        fn parsers_never_panic_and_consume_within_bounds(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            if let Parse::Complete(_, n) = parse_numeric_reply(&bytes) { assert!(n <= bytes.len()); }
            if let Parse::Complete(_, n) = parse_imap_line(&bytes) { assert!(n <= bytes.len()); }
            if let Parse::Complete(_, n) = parse_pop3_status(&bytes) { assert!(n <= bytes.len()); }
            if let Parse::Complete(_, n) = parse_pop3_multiline(&bytes) { assert!(n <= bytes.len()); }
            if let Parse::Complete(_, n) = parse_ssh_banner(&bytes) { assert!(n <= bytes.len()); }
        }

        #[test]
        fn a_complete_reply_stays_complete_when_more_bytes_follow(code in 100u16..600, text in "[ -~]{0,40}", tail in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut bytes = format!("{code} {text}\r\n").into_bytes();
            let len = bytes.len();
            bytes.extend(tail);
            match parse_numeric_reply(&bytes) {
                Parse::Complete(r, n) => { assert_eq!(r.code, code); assert_eq!(n, len); }
                other => panic!("{other:?}"),
            }
        }
    }
}
