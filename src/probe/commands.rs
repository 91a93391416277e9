//! The one place that decides what the probe may send. The connection's `send` calls
//! [`check`] before every write; nothing else writes protocol commands.
//!
//! The probe never authenticates: no `USER`, `PASS`, `LOGIN`, `AUTHENTICATE`, SMTP `AUTH`,
//! `APOP`, nor anything else that could carry a credential. What is allowed is what the
//! issue lists: the greeting (sent by the server), `FEAT`, `CAPABILITY`/`CAPA`, `EHLO`,
//! `STARTTLS`/`STLS`, FTP's `AUTH TLS` with `PBSZ`/`PROT`, `NOOP`, and `QUIT`/`LOGOUT`.

use super::Protocol;

/// The commands each protocol may send (verbs; FTP's `AUTH` only as `AUTH TLS`).
pub const ALLOWED: &[(Protocol, &[&str])] = &[
    (
        Protocol::Ftp,
        &["AUTH TLS", "PBSZ", "PROT", "FEAT", "NOOP", "QUIT"],
    ),
    (
        Protocol::Imap,
        &["CAPABILITY", "STARTTLS", "NOOP", "LOGOUT"],
    ),
    (Protocol::Pop3, &["CAPA", "STLS", "NOOP", "QUIT"]),
    (Protocol::Smtp, &["EHLO", "STARTTLS", "NOOP", "QUIT"]),
    // SFTP: the SSH banner is read and nothing is sent.
    (Protocol::Sftp, &[]),
];

/// Why a command was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden {
    /// The command line that was refused.
    pub line: String,
    /// Why.
    pub reason: &'static str,
}

/// Checks `line` (without its line ending) against the allow-list of `protocol`.
pub fn check(protocol: Protocol, line: &str) -> Result<(), Forbidden> {
    let forbid = |reason| {
        Err(Forbidden {
            line: line.to_owned(),
            reason,
        })
    };
    if line.is_empty() || line.len() > 512 || line.chars().any(|c| c.is_control() || !c.is_ascii())
    {
        return forbid("not a single printable ASCII command line");
    }
    let mut words = line.split(' ');
    if protocol == Protocol::Imap {
        // An IMAP command starts with its tag.
        let tag = words.next().unwrap_or_default();
        if tag.is_empty() || !tag.chars().all(|c| c.is_ascii_alphanumeric()) {
            return forbid("an IMAP command needs an alphanumeric tag");
        }
    }
    let verb = words.next().unwrap_or_default().to_ascii_uppercase();
    let args: Vec<&str> = words.collect();
    let allowed = ALLOWED
        .iter()
        .find(|(p, _)| *p == protocol)
        .map(|(_, verbs)| *verbs)
        .unwrap_or_default();
    let ok = match verb.as_str() {
        // `AUTH` is SMTP's and FTP's way to send credentials; only FTP's TLS upgrade passes.
        "AUTH" => {
            protocol == Protocol::Ftp
                && args.len() == 1
                && args[0].eq_ignore_ascii_case("TLS")
                && allowed.contains(&"AUTH TLS")
        }
        "PBSZ" => args == ["0"] && allowed.contains(&"PBSZ"),
        "PROT" => matches!(args.as_slice(), ["P"] | ["C"]) && allowed.contains(&"PROT"),
        // EHLO takes the client's name, which the probe builds from its own address.
        "EHLO" => args.len() == 1 && allowed.contains(&"EHLO"),
        v => args.is_empty() && allowed.contains(&v),
    };
    if ok {
        Ok(())
    } else {
        forbid("not on the probe's allow-list (the probe never authenticates)")
    }
}

#[cfg(test)]
mod tests {
    use super::check;
    use crate::probe::Protocol;

    #[test]
    fn allowed_commands_pass() {
        for (p, line) in [
            (Protocol::Ftp, "AUTH TLS"),
            (Protocol::Ftp, "PBSZ 0"),
            (Protocol::Ftp, "PROT P"),
            (Protocol::Ftp, "FEAT"),
            (Protocol::Ftp, "QUIT"),
            (Protocol::Imap, "a1 CAPABILITY"),
            (Protocol::Imap, "a2 STARTTLS"),
            (Protocol::Imap, "a3 LOGOUT"),
            (Protocol::Pop3, "CAPA"),
            (Protocol::Pop3, "STLS"),
            (Protocol::Smtp, "EHLO [127.0.0.1]"),
            (Protocol::Smtp, "STARTTLS"),
            (Protocol::Smtp, "NOOP"),
        ] {
            assert_eq!(check(p, line), Ok(()), "{p:?} {line}");
        }
    }

    #[test]
    fn credential_commands_are_refused() {
        for (p, line) in [
            (Protocol::Ftp, "USER anonymous"),
            (Protocol::Ftp, "PASS secret"),
            (Protocol::Ftp, "AUTH SSL"),
            (Protocol::Ftp, "ACCT x"),
            (Protocol::Imap, "a1 LOGIN user pass"),
            (Protocol::Imap, "a1 AUTHENTICATE PLAIN"),
            (Protocol::Imap, "LOGOUT"),
            (Protocol::Pop3, "USER bob"),
            (Protocol::Pop3, "PASS x"),
            (Protocol::Pop3, "APOP bob 0123"),
            (Protocol::Pop3, "AUTH PLAIN"),
            (Protocol::Smtp, "AUTH PLAIN AGJvYgBzZWNyZXQ="),
            (Protocol::Smtp, "AUTH LOGIN"),
            (Protocol::Smtp, "HELO x"),
            (Protocol::Smtp, "MAIL FROM:<a@b>"),
            (Protocol::Smtp, "QUIT\r\nAUTH PLAIN x"),
            (Protocol::Smtp, "EHLO a b"),
            (Protocol::Sftp, "SSH-2.0-x"),
            (Protocol::Ftp, "FEAT x"),
            (Protocol::Imap, "a1 CAPABILITY\u{0}"),
        ] {
            assert!(check(p, line).is_err(), "{p:?} {line:?} passed");
        }
    }
}
