//! `unencrypted-connection`: a server reached without any TLS.

use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::model::{Profile, Protocol, Security};
use crate::rules::{describe_server, server_diagnostic, set_port_and_security, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags servers configured with no TLS at all: Thunderbird `socketType`/`try_ssl` 0;
    /// FileZilla protocol 6 ("insecure FTP") or 0 ("TLS if available", which silently
    /// falls back to plain text); a WinSCP FTP, WebDAV or S3 site whose `Ftps` is 0 or
    /// absent (WinSCP has no "TLS if available").
    /// It is an error when a password or token is sent over that connection (normal
    /// password, original login, "any method", OAuth2), and a warning otherwise.
    ///
    /// ## Why is this bad?
    /// Everything, including the login, crosses the network readable by anyone on the
    /// path: the Wi-Fi, the ISP, a compromised router. Providers increasingly refuse plain
    /// connections, which then fail and are retried.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.socketType", 0);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.socketType", 3);
    /// ```
    ///
    /// ```xml
    /// <Protocol>6</Protocol>
    /// ```
    /// Use instead (explicit FTP over TLS, required):
    /// ```xml
    /// <Protocol>4</Protocol>
    /// ```
    ///
    /// ## Fix
    /// unsafe: switches to the protocol's recommended secure port and mode (IMAP 993
    /// SSL/TLS, POP3 995 SSL/TLS, SMTP 587 STARTTLS; FTP: protocol 4, explicit TLS, on the
    /// same port; WinSCP FTP: `Ftps=3`, explicit TLS, on the same port; WinSCP WebDAV and
    /// S3: `Ftps=1`, HTTPS, on port 443). Unsafe because the server must offer TLS there.
    pub(crate) struct UnencryptedConnection {
        name: "unencrypted-connection",
        severity: Error,
        fix: Sometimes,
    }
}

impl Rule for UnencryptedConnection {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for server in &profile.servers {
            // "TLS if available" falls back to plain text without asking (FileZilla
            // protocol 0). A removed mode that the client migrates to STARTTLS
            // (Thunderbird 132+ and its mode 1) is deprecated-security-mode's.
            let plain = matches!(
                server.security.value,
                Security::None | Security::TryStartTls
            );
            if !plain {
                continue;
            }
            let sends_secret = server
                .auth
                .as_ref()
                .map(|a| a.value.sends_secret_in_clear())
                .unwrap_or(false);
            let what = if sends_secret {
                "the password is sent in clear text"
            } else if server.protocol.is_mail() {
                "all mail crosses the network unencrypted"
            } else {
                "all data crosses the network unencrypted"
            };
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                server.security.anchor(),
                "no encryption".to_owned(),
                format!(
                    "the {} is reached without TLS ({}): {what}",
                    describe_server(server),
                    server.security.provenance()
                ),
            );
            if !sends_secret {
                d.severity = Severity::Warning;
            }
            let (mut port, security) = server.protocol.recommended();
            // Explicit FTP over TLS runs on the site's own port: keep it.
            if server.protocol == Protocol::Ftp {
                port = server.port.value;
            }
            let what_to_do = format!("use {} on port {port}", security.describe());
            d.help = Some(what_to_do.clone());
            d.fix = Fix::new(
                Applicability::Unsafe,
                what_to_do,
                set_port_and_security(server, port, security),
            );
            out.push(d);
        }
    }
}
