//! `smtp-port-25`: outgoing mail submitted on the relay port.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Protocol, Role, Security};
use crate::rules::{describe_server, server_diagnostic, set_port_and_security, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags outgoing (SMTP) servers on port 25.
    ///
    /// ## Why is this bad?
    /// Port 25 is for server-to-server relay. Most ISPs and many networks block it for
    /// clients, and servers often refuse authenticated submission there. Mail clients
    /// submit on 587 with STARTTLS (or 465 with SSL/TLS), as RFC 6409 and RFC 8314 say.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.port", 25);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.port", 587);
    /// user_pref("mail.smtpserver.smtp1.try_ssl", 2);
    /// ```
    ///
    /// ## Fix
    /// unsafe: sets port 587 with STARTTLS; the server must accept submission there.
    pub(crate) struct SmtpPort25 {
        name: "smtp-port-25",
        severity: Warning,
        fix: Sometimes,
    }
}

impl Rule for SmtpPort25 {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for server in &profile.servers {
            if server.role != Role::Outgoing
                || server.protocol != Protocol::Smtp
                || server.port.value != 25
            {
                continue;
            }
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                server.port.anchor(),
                "relay port".to_owned(),
                format!(
                    "the {} submits mail on port 25, the relay port that networks often block for clients",
                    describe_server(server)
                ),
            );
            d.help = Some("submit on port 587 with STARTTLS".to_owned());
            d.fix = Fix::new(
                Applicability::Unsafe,
                "use port 587 with STARTTLS",
                set_port_and_security(server, 587, Security::StartTls),
            );
            out.push(d);
        }
    }
}
