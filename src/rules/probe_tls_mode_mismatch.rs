//! `probe-tls-mode-mismatch`: the server's TLS mode is not the configured one.

use crate::diagnostic::Diagnostic;
use crate::model::{Profile, Security};
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the server starts TLS on connect (implicit TLS, as
    /// on 993, 995, 465, 990) while the configuration says STARTTLS or no TLS, or it greets
    /// in plain text while the configuration says implicit TLS. The probe tells them apart
    /// on one connection: a plain-text greeting in answer to a TLS handshake, or silence
    /// for half the timeout followed by an answered handshake.
    ///
    /// ## Why is this bad?
    /// The client cannot talk to the server at all: with implicit TLS against a plain-text
    /// port it sends a handshake the server reads as garbage; with STARTTLS against an
    /// implicit-TLS port it waits for a greeting that never comes. Clients retry, so a
    /// broken account also adds connections to the server.
    ///
    /// ## Example
    /// A FileZilla site with FTP over implicit TLS on port 21:
    /// ```xml
    /// <Port>21</Port>
    /// <Protocol>3</Protocol>
    /// ```
    /// where the server answers `220 (vsFTPd 3.0.3)` in plain text. Use instead
    /// `<Protocol>4</Protocol>` (explicit TLS), or port 990.
    ///
    /// ## Fix
    /// None from the probe: set the security mode the port speaks, or the port that
    /// matches the mode (`port-security-mismatch` fixes the well-known ports).
    pub(crate) struct ProbeTlsModeMismatch {
        name: "probe-tls-mode-mismatch",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::TlsModeMismatch,
    at: At::Security,
    label: "the server speaks another TLS mode",
    help: |server, target| {
        let port = target.port;
        if server.security.value == Security::ImplicitTls {
            format!(
                "port {port} speaks plain text first: use STARTTLS on it, or SSL/TLS on the \
                 implicit-TLS port ({})",
                server.protocol.implicit_tls_port()
            )
        } else {
            format!("port {port} speaks implicit TLS: set the security mode to SSL/TLS")
        }
    },
};

impl Rule for ProbeTlsModeMismatch {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
