//! `probe-address-not-allowed`: a configured host is link-local or a cloud metadata
//! address, which `clientlint probe` does not contact.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the configured host is, or resolves only to,
    /// link-local or cloud-metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254,
    /// 100.100.100.200). The probe checks every address after resolving the name and does
    /// not connect to these unless `--allow-link-local` is given.
    ///
    /// ## Why is this bad?
    /// Files from a scanned image are untrusted: a host name pointing at 169.254.169.254
    /// would make clientlint talk to the cloud metadata service of the machine it runs on.
    /// A real mail or FTP server is almost never link-local, so the entry is likely wrong.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.hostname", "169.254.169.254");
    /// ```
    ///
    /// ## Fix
    /// None: correct the host name, or pass `--allow-link-local` when the server really is
    /// on the local link.
    pub(crate) struct ProbeAddressNotAllowed {
        name: "probe-address-not-allowed",
        severity: Warning,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::AddressNotAllowed,
    at: At::Host,
    label: "link-local or metadata address",
    help: |_, _| {
        "correct the host name, or pass --allow-link-local if the server really is on the \
         local link"
            .to_owned()
    },
};

impl Rule for ProbeAddressNotAllowed {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
