//! `not-recommended-port`: a secure setup on a port other than the documented one.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Protocol, Security};
use crate::rules::{describe_server, server_diagnostic, set_port_and_security, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags mail servers that use TLS but not on the documented port and mode: IMAP 993
    /// SSL/TLS, POP3 995 SSL/TLS, SMTP 587 STARTTLS or 465 SSL/TLS (RFC 8314). Setups that
    /// `port-security-mismatch` or `smtp-port-25` already report are left to them.
    ///
    /// ## Why is this bad?
    /// Non-standard ports are often blocked by firewalls and hotel or mobile networks, and
    /// STARTTLS on the plain ports can be stripped by an attacker when the client only
    /// asks for it. The documented implicit-TLS ports avoid both.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.port", 143);
    /// user_pref("mail.server.server2.socketType", 2);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.socketType", 3);
    /// ```
    ///
    /// ## Fix
    /// unsafe: sets the recommended port and mode; the server must offer them.
    pub(crate) struct NotRecommendedPort {
        name: "not-recommended-port",
        severity: Info,
        fix: Sometimes,
    }
}

fn is_recommended(protocol: Protocol, port: i64, security: Security) -> bool {
    match protocol {
        Protocol::Smtp => {
            (port == 587 && security == Security::StartTls)
                || (port == 465 && security == Security::ImplicitTls)
        }
        _ => (port, security) == protocol.recommended(),
    }
}

impl Rule for NotRecommendedPort {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for server in &profile.servers {
            let port = server.port.value;
            let security = server.security.value;
            if !server.protocol.is_mail()
                || !matches!(security, Security::StartTls | Security::ImplicitTls)
                || is_recommended(server.protocol, port, security)
                // Reported by port-security-mismatch and smtp-port-25.
                || [993, 995, 465, 143, 110, 587, 25].contains(&port)
                    && (security == Security::ImplicitTls) != [993, 995, 465].contains(&port)
                || (server.protocol == Protocol::Smtp && port == 25)
            {
                continue;
            }
            let (want_port, want_security) = server.protocol.recommended();
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                server.port.anchor(),
                format!("port {port}"),
                format!(
                    "the {} uses {} on port {port}; the documented setup is {} on port {want_port}",
                    describe_server(server),
                    security.describe(),
                    want_security.describe()
                ),
            );
            d.help = Some(format!(
                "use port {want_port} with {} if the server offers it",
                want_security.describe()
            ));
            d.fix = Fix::new(
                Applicability::Unsafe,
                format!("use {} on port {want_port}", want_security.describe()),
                set_port_and_security(server, want_port, want_security),
            );
            out.push(d);
        }
    }
}
