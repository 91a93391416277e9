//! `probe-not-the-expected-protocol`: the server does not speak the configured protocol.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the server does not speak the configured protocol —
    /// it greets as another protocol (an SMTP banner on the IMAP port, an SSH banner on an
    /// FTP port), sends binary data, sends a line longer than the probe accepts, or closes
    /// the connection in the middle of a reply. What it sent is quoted, escaped.
    ///
    /// ## Why is this bad?
    /// The port is wrong for the protocol, and the client cannot connect.
    ///
    /// ## Example
    /// A FileZilla site with protocol FTP on port 22:
    /// ```xml
    /// <Port>22</Port>
    /// <Protocol>0</Protocol>
    /// ```
    /// `greets like an SSH server, not FTP: "SSH-2.0-OpenSSH_9.2p1"`.
    ///
    /// ## Fix
    /// None: set the port the provider documents for the protocol (FTP 21/990, SFTP 22,
    /// IMAP 143/993, POP3 110/995, SMTP 587/465).
    pub(crate) struct ProbeNotTheExpectedProtocol {
        name: "probe-not-the-expected-protocol",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::NotTheExpectedProtocol,
    at: At::Port,
    label: "another protocol answers here",
    help: |server, _| {
        let p = server.protocol;
        if p.plain_port() == p.implicit_tls_port() {
            format!("{} is usually on port {}", p.name(), p.plain_port())
        } else {
            format!(
                "{} is usually on port {} (plain or STARTTLS) or {} (SSL/TLS)",
                p.name(),
                p.plain_port(),
                p.implicit_tls_port()
            )
        }
    },
};

impl Rule for ProbeNotTheExpectedProtocol {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
