//! `insecure-auth-method`: a login that exposes the password.

use crate::diagnostic::Diagnostic;
use crate::model::{AuthMethod, Profile, Security};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags authentication settings that expose the password: Thunderbird `authMethod` 9
    /// ("any method, including insecure"), or a cleartext password (`authMethod` 2 or 3)
    /// over a connection without TLS.
    ///
    /// ## Why is this bad?
    /// "Any method" lets a man in the middle offer the weakest mechanism and read the
    /// password; a cleartext password without TLS is readable by anyone on the path.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.authMethod", 9);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.authMethod", 3);
    /// user_pref("mail.server.server2.socketType", 3);
    /// ```
    ///
    /// ## Fix
    /// None: which method works depends on the server; choose it in the account settings.
    pub(crate) struct InsecureAuthMethod {
        name: "insecure-auth-method",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for InsecureAuthMethod {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Only a chosen mechanism (Thunderbird's authMethod, RULES.md); a FileZilla password
        // over plain FTP is unencrypted-connection's error.
        for server in profile.servers.iter().filter(|s| s.auth_is_mechanism) {
            let Some(auth) = &server.auth else { continue };
            let why = match auth.value {
                AuthMethod::Anything => {
                    "accepts any authentication method, so a man in the middle can pick one that reveals the password"
                }
                AuthMethod::PasswordCleartext | AuthMethod::Old
                    if server.security.value == Security::None =>
                {
                    "sends a cleartext password over a connection without TLS"
                }
                _ => continue,
            };
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                auth.anchor(),
                auth.value.describe().to_owned(),
                format!("the {} {why}", describe_server(server)),
            );
            d.help = Some(
                "use an explicit method (normal password over TLS, encrypted password, Kerberos or OAuth2)"
                    .to_owned(),
            );
            out.push(d);
        }
    }
}
