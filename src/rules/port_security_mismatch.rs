//! `port-security-mismatch`: a port and a security mode that cannot work together.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Security, Value};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

/// Ports where the server expects TLS from the first byte.
const IMPLICIT_TLS_PORTS: &[i64] = &[993, 995, 465, 563, 990];
/// Ports where the server starts in plain text (and may offer STARTTLS).
const PLAIN_PORTS: &[i64] = &[143, 110, 587, 25, 119, 21];

declare_rule! {
    /// ## What it does
    /// Flags servers whose port and security mode contradict each other: implicit TLS
    /// ("SSL/TLS") on a port where the server talks plain text first (143, 110, 587, 25,
    /// 119, 21), or plain text / STARTTLS on an implicit-TLS port (993, 995, 465, 563, 990).
    ///
    /// ## Why is this bad?
    /// The two ends never agree on how to start: the client sends a TLS handshake to a
    /// server waiting for a greeting, or waits for a greeting the server will only send
    /// inside TLS. Every attempt times out or fails, and clients retry, so a broken
    /// account also adds connections to the server.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.port", 993);
    /// user_pref("mail.server.server2.socketType", 2);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.port", 993);
    /// user_pref("mail.server.server2.socketType", 3);
    /// ```
    ///
    /// ## Fix
    /// unsafe: sets the security mode that matches the port (SSL/TLS for an implicit-TLS
    /// port, STARTTLS otherwise). It is unsafe because the port, not the mode, may be the
    /// mistake; check the provider's documentation.
    pub(crate) struct PortSecurityMismatch {
        name: "port-security-mismatch",
        severity: Error,
        fix: Sometimes,
    }
}

impl Rule for PortSecurityMismatch {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for server in &profile.servers {
            // SSH has no TLS modes: the port lists below do not apply to SFTP or SCP.
            if server.protocol.is_ssh() {
                continue;
            }
            let port = server.port.value;
            let security = server.security.value;
            let wanted = if IMPLICIT_TLS_PORTS.contains(&port) && security != Security::ImplicitTls
            {
                Security::ImplicitTls
            } else if PLAIN_PORTS.contains(&port) && security == Security::ImplicitTls {
                Security::StartTls
            } else {
                continue;
            };
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                server.security.anchor(),
                security.describe().to_owned(),
                format!(
                    "the {} uses {} on port {port} ({}), which expects {}: the connection cannot start",
                    describe_server(server),
                    security.describe(),
                    server.port.provenance(),
                    wanted.describe()
                ),
            );
            d.help = Some(format!(
                "use {} on port {port}, or the port that matches {}",
                wanted.describe(),
                security.describe()
            ));
            d.fix = Fix::new(
                Applicability::Unsafe,
                format!("set the security mode to {}", wanted.describe()),
                vec![server.security.edit_to(&Value::Security(wanted))],
            );
            out.push(d);
        }
    }
}
