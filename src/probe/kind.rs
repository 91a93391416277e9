//! The kinds of probe finding. Each kind is reported by one rule of the registry, named
//! [`FindingKind::name`] (`src/rules/probe_*.rs`, whose doc comment is its documentation;
//! the registry's tests check that every kind has its rule).

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

    /// The name of the rule that reports this kind (kebab-case, names the problem).
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
}

/// Serialized as its rule name, e.g. `"probe-timeout"`.
impl serde::Serialize for FindingKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::FindingKind;

    #[test]
    fn names_are_unique_kebab_case_and_serialized_as_such() {
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
            let json = serde_json::to_string(k).unwrap_or_default();
            assert_eq!(json, format!("\"{name}\""));
        }
    }
}
