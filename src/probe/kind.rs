//! The kinds of probe finding. Each kind becomes one rule (`probe-…`) when the probe is
//! wired into the rules registry; [`FindingKind::explanation`] is that rule's text, in the
//! house style (What it does / Why is this bad? / Example / Fix).

/// What a probe found wrong with one configured server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FindingKind {
    /// The host name does not resolve, the connection is refused or reset, or the network
    /// is unreachable.
    Unreachable,
    /// No connection, greeting or reply within the timeout.
    Timeout,
    /// The host resolves only to link-local or cloud-metadata addresses, which the probe
    /// refuses to contact without `allow_link_local`.
    AddressNotAllowed,
    /// The server speaks TLS from the first byte where the configuration expects plain text
    /// or STARTTLS, or the other way round.
    TlsModeMismatch,
    /// The certificate is not trusted, expired, or not valid for the configured host name.
    CertificateInvalid,
    /// The TLS handshake failed for another reason (no common version or cipher suite,
    /// a TLS alert, a broken record).
    TlsHandshakeFailed,
    /// The server refused the connection (FTP/SMTP 421 or 554, IMAP `BYE`, POP3 `-ERR`).
    ServerRefuses,
    /// STARTTLS (`STARTTLS`, `STLS`, FTP `AUTH TLS` with `PROT P`) is configured but the
    /// server does not offer or accept it.
    StarttlsUnavailable,
    /// The configured authentication method is not among those the server offers.
    AuthUnavailable,
    /// The server does not speak the configured protocol: another protocol's greeting,
    /// binary garbage, an endless line.
    NotTheExpectedProtocol,
}

impl FindingKind {
    /// Every kind, in documentation order.
    pub const ALL: &'static [FindingKind] = &[
        FindingKind::Unreachable,
        FindingKind::Timeout,
        FindingKind::AddressNotAllowed,
        FindingKind::TlsModeMismatch,
        FindingKind::CertificateInvalid,
        FindingKind::TlsHandshakeFailed,
        FindingKind::ServerRefuses,
        FindingKind::StarttlsUnavailable,
        FindingKind::AuthUnavailable,
        FindingKind::NotTheExpectedProtocol,
    ];

    /// The future rule name (kebab-case, names the problem).
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Unreachable => "probe-unreachable",
            FindingKind::Timeout => "probe-timeout",
            FindingKind::AddressNotAllowed => "probe-address-not-allowed",
            FindingKind::TlsModeMismatch => "probe-tls-mode-mismatch",
            FindingKind::CertificateInvalid => "probe-certificate-invalid",
            FindingKind::TlsHandshakeFailed => "probe-tls-handshake-failed",
            FindingKind::ServerRefuses => "probe-server-refuses",
            FindingKind::StarttlsUnavailable => "probe-starttls-unavailable",
            FindingKind::AuthUnavailable => "probe-auth-unavailable",
            FindingKind::NotTheExpectedProtocol => "probe-not-the-expected-protocol",
        }
    }

    /// The default severity's name, as `diagnostic::Severity::name` spells it: `error`
    /// when the client's connection will fail, `warning` otherwise.
    pub fn default_severity(self) -> &'static str {
        match self {
            FindingKind::AddressNotAllowed => "warning",
            _ => "error",
        }
    }

    /// The rule's documentation (Markdown).
    pub fn explanation(self) -> &'static str {
        match self {
            FindingKind::Unreachable => UNREACHABLE,
            FindingKind::Timeout => TIMEOUT,
            FindingKind::AddressNotAllowed => ADDRESS_NOT_ALLOWED,
            FindingKind::TlsModeMismatch => TLS_MODE_MISMATCH,
            FindingKind::CertificateInvalid => CERTIFICATE_INVALID,
            FindingKind::TlsHandshakeFailed => TLS_HANDSHAKE_FAILED,
            FindingKind::ServerRefuses => SERVER_REFUSES,
            FindingKind::StarttlsUnavailable => STARTTLS_UNAVAILABLE,
            FindingKind::AuthUnavailable => AUTH_UNAVAILABLE,
            FindingKind::NotTheExpectedProtocol => NOT_THE_EXPECTED_PROTOCOL,
        }
    }

    /// The first line of [`explanation`](Self::explanation) after its heading, for tables.
    pub fn summary(self) -> &'static str {
        self.explanation().lines().nth(1).unwrap_or_default()
    }
}

/// Serialized as its rule name, e.g. `"probe-timeout"`.
impl serde::Serialize for FindingKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

const UNREACHABLE: &str = "## What it does
Flags a configured server that cannot be reached: its name does not resolve, the connection is refused or reset, or there is no route to it.

## Why is this bad?
The client will fail the same way every time it connects, and may retry in a loop. A refused connection usually means a wrong port or a server that is down; a name that does not resolve, a typo in the host name.

## Example
A FileZilla site `<Host>ftp.example.net</Host><Port>2121</Port>` where nothing listens on port 2121: `connection refused by 192.0.2.10:2121`.

## Fix
None: check the host name and port against the provider's documentation. The probe connects once and sends nothing but the allowed commands.
";

const TIMEOUT: &str = "## What it does
Flags a configured server that accepted no connection, sent no greeting, or did not answer a command within the probe's timeout (`--timeout`, default 10 s).

## Why is this bad?
The client will hang until its own timeout and then fail or retry. A silent server often sits behind a firewall that drops packets, or is overloaded.

## Example
An IMAP account on `mail.example.net:143` whose server accepts the connection but never sends `* OK`: `no greeting from 192.0.2.10:143 within 10 s`.

## Fix
None: check the port and the firewall, or raise `--timeout` for a slow server.
";

const ADDRESS_NOT_ALLOWED: &str = "## What it does
Flags a configured host that resolves only to link-local or cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254); the probe does not connect to them unless `--allow-link-local` is given.

## Why is this bad?
Files from a scanned image are untrusted: a host name pointing at 169.254.169.254 would make clientlint talk to the cloud metadata service of the machine it runs on. A real mail or FTP server is almost never link-local.

## Example
A Thunderbird `mail.server.server1.hostname` of `169.254.169.254`.

## Fix
None: correct the host name, or pass `--allow-link-local` when the server really is on the local link.
";

const TLS_MODE_MISMATCH: &str = "## What it does
Flags a server whose TLS mode is not the configured one: it starts TLS on connect (implicit TLS, as on 993, 995, 465, 990) while the configuration says STARTTLS or no TLS, or it greets in plain text while the configuration says implicit TLS.

## Why is this bad?
The client cannot talk to the server at all: with implicit TLS configured against a plain-text port it sends a TLS handshake the server reads as garbage; with STARTTLS configured against an implicit-TLS port it waits for a greeting that never comes.

## Example
A FileZilla site with `<Protocol>4</Protocol>` (FTP over implicit TLS) on port 21, where the server answers `220 (vsFTPd 3.0.3)` in plain text.

## Fix
`--fix` does not change it (the probe only reports); set the security mode that the port speaks, or the port that matches the mode (see `port-security-mismatch`).
";

const CERTIFICATE_INVALID: &str = "## What it does
Flags a server whose TLS certificate the probe cannot verify: it is not signed by a trusted authority (self-signed, private CA), has expired, or is not valid for the configured host name.

## Why is this bad?
The client will show a certificate warning on every connection, or refuse to connect; users who learn to click the warning away can no longer notice a real interception.

## Example
An IMAP account with host `imap.example.net` whose server presents a certificate for `mail.example.net` only: `certificate not valid for imap.example.net`.

## Fix
None in the file: configure the host name the certificate names, or install a certificate valid for the configured name. For a company CA, pass `--ca-file`; `--insecure` continues past the error (and every finding then says so).
";

const TLS_HANDSHAKE_FAILED: &str = "## What it does
Flags a TLS handshake that failed for a reason other than the certificate: no protocol version or cipher suite in common (the probe speaks TLS 1.2 and 1.3), a TLS alert from the server, or a broken record.

## Why is this bad?
Current clients refuse TLS 1.0 and 1.1, so a server that offers nothing newer cannot be reached securely; other handshake failures mean the connection fails outright.

## Example
An FTP site with explicit TLS whose server answers `AUTH TLS` with `234` and then offers only TLS 1.0.

## Fix
None in the file: the server's TLS configuration has to change.
";

const SERVER_REFUSES: &str = "## What it does
Flags a server that refused the connection in its greeting: FTP or SMTP `421` (and SMTP `554`), IMAP `* BYE`, POP3 `-ERR`. The finding quotes the server's words, escaped; when they state a limit (\"Too many connections (8) from this IP\", \"user 3 of 50\"), the limit is reported as announced by the server and feeds the connection budget.

## Why is this bad?
The client will get the same refusal. A `421 Too many connections` is the typical result of clients that open too many parallel connections or keep idle sessions alive; see `server-connection-budget-exceeded`.

## Example
A FileZilla site while eight transfers are running from the same address: `421 Too many connections (8) from this IP`.

## Fix
None in the probe; lower the connection counts that the connection-budget rules point at.
";

const STARTTLS_UNAVAILABLE: &str = "## What it does
Flags a server on which STARTTLS is configured but not available: IMAP or SMTP without `STARTTLS` in its capabilities, POP3 without `STLS`, FTP refusing `AUTH TLS`, or refusing `PBSZ 0`/`PROT P` after it (data connections would stay unencrypted).

## Why is this bad?
A client that requires STARTTLS cannot connect; an older client set to \"STARTTLS if available\" silently sends the password in clear text.

## Example
A Thunderbird SMTP server with `try_ssl` 2 (STARTTLS) on port 25 of a relay that offers no `STARTTLS` after `EHLO`.

## Fix
None in the file: use the server's TLS port and mode (587 with STARTTLS, 465 or 993/995 with implicit TLS), or enable TLS on the server.
";

const AUTH_UNAVAILABLE: &str = "## What it does
Flags an account whose configured authentication method the server does not offer (after TLS, where TLS is configured): IMAP `LOGINDISABLED` or no matching `AUTH=`, POP3 without `USER`/`SASL` mechanisms, SMTP without a matching `AUTH` mechanism. The probe reads the capability lists only; it never authenticates.

## Why is this bad?
Login fails with the configured method, and some clients then fall back to another method or ask for the password again and again.

## Example
A Thunderbird IMAP account with `authMethod` 4 (encrypted password, CRAM-MD5) on a server that offers `AUTH=PLAIN AUTH=LOGIN`.

## Fix
None: choose a method the server offers (the finding lists them).
";

const NOT_THE_EXPECTED_PROTOCOL: &str = "## What it does
Flags a server that does not speak the configured protocol: it greets as another protocol (an SMTP banner on the IMAP port, an SSH banner on an FTP port), sends binary data, or sends a line longer than the probe accepts.

## Why is this bad?
The port is wrong for the protocol, and the client cannot connect.

## Example
A FileZilla site with protocol FTP on port 22: `expected an FTP greeting, got an SSH banner: SSH-2.0-OpenSSH_9.2p1`.

## Fix
None: set the port the provider documents for the protocol (FTP 21/990, SFTP 22, IMAP 143/993, POP3 110/995, SMTP 587/465).
";

#[cfg(test)]
mod tests {
    use super::FindingKind;

    #[test]
    fn names_are_unique_kebab_case_and_documented() {
        let mut names: Vec<&str> = FindingKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FindingKind::ALL.len());
        for k in FindingKind::ALL {
            let name = k.name();
            assert!(name.starts_with("probe-"), "{name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{name}"
            );
            let doc = k.explanation();
            let mut at = 0;
            for section in [
                "## What it does\n",
                "## Why is this bad?\n",
                "## Example\n",
                "## Fix\n",
            ] {
                let found = doc[at..]
                    .find(section)
                    .unwrap_or_else(|| panic!("{name}: no {section}"));
                at += found + section.len();
            }
            assert!(!k.summary().is_empty(), "{name}");
            let json = serde_json::to_string(k).unwrap_or_default();
            assert_eq!(json, format!("\"{name}\""));
        }
    }
}
