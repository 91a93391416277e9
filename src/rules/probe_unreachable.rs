//! `probe-unreachable`: `clientlint probe` could not reach a configured server.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, host_port, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`, which connects once to every configured server:
    /// the server's host name does not resolve, the connection is refused or reset, or
    /// there is no route to it.
    ///
    /// ## Why is this bad?
    /// The client will fail the same way every time it connects, and may retry in a loop.
    /// A refused connection usually means a wrong port or a server that is down; a name
    /// that does not resolve, a typo in the host name.
    ///
    /// ## Example
    /// A FileZilla site where nothing listens on port 2121:
    /// ```xml
    /// <Host>ftp.example.net</Host>
    /// <Port>2121</Port>
    /// ```
    /// `cannot connect to 192.0.2.10:2121: the connection was refused (nothing listens on
    /// that port)`.
    ///
    /// ## Fix
    /// None: check the host name and port against the provider's documentation. The probe
    /// sends nothing but its allowed commands, and no credential.
    pub(crate) struct ProbeUnreachable {
        name: "probe-unreachable",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::Unreachable,
    at: At::Host,
    label: "not reachable",
    help: |_, target| {
        format!(
            "check the host name and the port ({}) against the provider's documentation",
            host_port(target)
        )
    },
};

impl Rule for ProbeUnreachable {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
