//! `smtp-auth-disabled`: an outgoing server with no authentication.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{AuthMethod, Profile, Role, Value};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags outgoing (SMTP) servers configured without authentication: Thunderbird
    /// `authMethod` 1 ("No authentication").
    ///
    /// ## Why is this bad?
    /// Submission servers require a login; without one the server rejects the mail
    /// (`530 Authentication required`) or, worse, relays it unauthenticated because the
    /// client happens to be inside a trusted network, which breaks as soon as the laptop
    /// leaves it.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.authMethod", 1);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.authMethod", 3);
    /// ```
    ///
    /// ## Fix
    /// unsafe: enables normal password authentication (3); the user is asked for the
    /// password at the next send, and the server must support it.
    pub(crate) struct SmtpAuthDisabled {
        name: "smtp-auth-disabled",
        severity: Warning,
        fix: Sometimes,
    }
}

impl Rule for SmtpAuthDisabled {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for server in &profile.servers {
            let Some(auth) = &server.auth else { continue };
            if server.role != Role::Outgoing || auth.value != AuthMethod::None {
                continue;
            }
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                auth.anchor(),
                "no authentication".to_owned(),
                format!(
                    "the {} sends mail without authenticating",
                    describe_server(server)
                ),
            );
            d.help = Some(
                "enable password authentication (or OAuth2 where the provider uses it)".to_owned(),
            );
            d.fix = Fix::new(
                Applicability::Unsafe,
                "enable normal password authentication",
                vec![auth.edit_to(&Value::Auth(AuthMethod::PasswordCleartext))],
            );
            out.push(d);
        }
    }
}
