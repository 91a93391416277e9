//! `probe-auth-unavailable`: the server does not offer the configured authentication
//! method.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the server does not offer the account's
    /// authentication method — after TLS, where TLS is configured — as its capability
    /// lists tell: IMAP `LOGINDISABLED` or no matching `AUTH=`, POP3 without `USER` or a
    /// matching `SASL` mechanism, SMTP without a matching `AUTH` mechanism. The probe reads
    /// the lists only; it never authenticates and never sends a credential.
    ///
    /// ## Why is this bad?
    /// Login fails with the configured method, and some clients then fall back to another
    /// method or ask for the password again and again.
    ///
    /// ## Example
    /// A Thunderbird IMAP account with an encrypted password on a server that offers
    /// `AUTH=PLAIN AUTH=LOGIN`:
    /// ```js
    /// user_pref("mail.server.server1.authMethod", 4);
    /// ```
    ///
    /// ## Fix
    /// None: choose a method the server offers (the finding lists them).
    pub(crate) struct ProbeAuthUnavailable {
        name: "probe-auth-unavailable",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::AuthUnavailable,
    at: At::Auth,
    label: "not offered by the server",
    help: |_, _| "choose an authentication method the server offers".to_owned(),
};

impl Rule for ProbeAuthUnavailable {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
