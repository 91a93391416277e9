//! `probe-certificate-invalid`: a server's TLS certificate does not verify.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the server's TLS certificate does not verify against
    /// the system's trusted authorities (plus those of `--ca-file`): it is self-signed or
    /// from a private CA, has expired, or is not valid for the configured host name.
    ///
    /// ## Why is this bad?
    /// The client shows a certificate warning on every connection, or refuses to connect;
    /// users who learn to click the warning away can no longer notice a real interception.
    ///
    /// ## Example
    /// A Thunderbird account with `mail.server.server1.hostname` `imap.example.net` whose
    /// server presents a certificate for `mail.example.net` only: `the certificate is not
    /// valid for the configured host name imap.example.net`.
    ///
    /// ## Fix
    /// None in the file: configure the host name the certificate names, or install a
    /// certificate valid for the configured name. For a company CA, pass `--ca-file`;
    /// `--insecure` continues past the error to check the rest (every finding then says
    /// so), and this finding is still reported.
    pub(crate) struct ProbeCertificateInvalid {
        name: "probe-certificate-invalid",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::CertificateInvalid,
    at: At::Host,
    label: "the certificate does not verify for this name",
    help: |_, _| {
        "configure the host name the certificate is issued for, or have the server's \
         certificate replaced; for a company CA, pass --ca-file"
            .to_owned()
    },
};

impl Rule for ProbeCertificateInvalid {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
