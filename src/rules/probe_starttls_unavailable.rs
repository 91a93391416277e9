//! `probe-starttls-unavailable`: STARTTLS is configured but the server does not offer it.

use crate::diagnostic::Diagnostic;
use crate::model::{Profile, Security};
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: STARTTLS is configured but the server does not
    /// offer or accept it — IMAP or SMTP without `STARTTLS` in its capabilities, POP3
    /// without `STLS`, FTP refusing `AUTH TLS`, or refusing `PBSZ 0`/`PROT P` after it (the
    /// data connections would stay unencrypted). "STARTTLS if available" (FileZilla
    /// protocol 0, Outlook "auto") is probed as STARTTLS.
    ///
    /// ## Why is this bad?
    /// A client that requires STARTTLS cannot connect; one set to "STARTTLS if available"
    /// silently sends the password in clear text.
    ///
    /// ## Example
    /// A Thunderbird SMTP server with STARTTLS on a relay that offers no `STARTTLS` after
    /// `EHLO`:
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.port", 25);
    /// user_pref("mail.smtpserver.smtp1.try_ssl", 2);
    /// ```
    ///
    /// ## Fix
    /// None in the file: use the server's TLS port and mode (587 with STARTTLS, 465 or
    /// 993/995 with SSL/TLS), or have TLS enabled on the server.
    pub(crate) struct ProbeStarttlsUnavailable {
        name: "probe-starttls-unavailable",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::StarttlsUnavailable,
    at: At::Security,
    label: "STARTTLS is not available",
    help: |server, _| {
        let fallback = if matches!(
            server.security.value,
            Security::TryStartTls | Security::RemovedTryStartTls
        ) {
            "the client falls back to plain text, password included; "
        } else {
            ""
        };
        format!(
            "{fallback}use SSL/TLS on the implicit-TLS port ({}) if the server offers it, or \
             have STARTTLS enabled on the server",
            server.protocol.implicit_tls_port()
        )
    },
};

impl Rule for ProbeStarttlsUnavailable {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
