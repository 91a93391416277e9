//! `probe-tls-handshake-failed`: a TLS handshake failed for a reason other than the
//! certificate.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the TLS handshake failed for a reason other than
    /// the certificate — no protocol version or cipher suite in common (the probe speaks
    /// TLS 1.2 and 1.3), a TLS alert from the server, a broken record, or a connection
    /// closed during the handshake.
    ///
    /// ## Why is this bad?
    /// Current clients refuse TLS 1.0 and 1.1, so a server that offers nothing newer
    /// cannot be reached securely; other handshake failures mean the connection fails
    /// outright.
    ///
    /// ## Example
    /// A FileZilla site with explicit TLS (`<Protocol>4</Protocol>`) whose server answers
    /// `AUTH TLS` with `234` and then offers only TLS 1.0.
    ///
    /// ## Fix
    /// None in the file: the server's TLS configuration has to change.
    pub(crate) struct ProbeTlsHandshakeFailed {
        name: "probe-tls-handshake-failed",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::TlsHandshakeFailed,
    at: At::Security,
    label: "TLS handshake failed",
    help: |_, _| {
        "the server's TLS configuration has to change: current clients need TLS 1.2 or 1.3"
            .to_owned()
    },
};

impl Rule for ProbeTlsHandshakeFailed {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
