//! `deprecated-security-mode`: Thunderbird's removed "STARTTLS if available" mode.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Security, Value};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags Thunderbird servers with `socketType` or `try_ssl` 1, "STARTTLS, if available".
    ///
    /// ## Why is this bad?
    /// The mode falls back to plain text whenever STARTTLS is missing, which an attacker can
    /// arrange by stripping it from the server's greeting. Thunderbird 132 removed it and
    /// migrates it to 2 (STARTTLS required); older releases (ESR 128 and before) still use
    /// it as written.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.try_ssl", 1);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.try_ssl", 2);
    /// ```
    ///
    /// ## Fix
    /// safe: sets 2, which is what Thunderbird 132 and later do anyway.
    pub(crate) struct DeprecatedSecurityMode {
        name: "deprecated-security-mode",
        severity: Info,
        fix: Always,
    }
}

impl Rule for DeprecatedSecurityMode {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for server in &profile.servers {
            if server.security.value != Security::RemovedTryStartTls {
                continue;
            }
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                server.security.anchor(),
                "STARTTLS if available".to_owned(),
                format!(
                    "the {} uses the removed mode 1, \"STARTTLS if available\", which falls back to plain text",
                    describe_server(server)
                ),
            );
            d.help = Some(
                "use 2 (STARTTLS required); Thunderbird 132 and later migrate 1 to 2".to_owned(),
            );
            d.fix = Fix::new(
                Applicability::Safe,
                "set the security mode to 2 (STARTTLS)",
                vec![server
                    .security
                    .edit_to(&Value::Security(Security::StartTls))],
            );
            out.push(d);
        }
    }
}
