//! `too-many-cached-connections`: a mail account that may keep more connections open than
//! the limit.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Value};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags mail accounts that may open more simultaneous connections to their server than
    /// `max-connections` (default 3), including the client's built-in default when the
    /// setting is absent. For Thunderbird this is the IMAP `max_cached_connections` pref:
    /// absent or 0 means 5.
    ///
    /// ## Why is this bad?
    /// Mail servers limit connections per user and per IP address (Dovecot allows 10 per
    /// user and IP by default, many hosts fewer). Two devices or two clients on one mailbox
    /// that each open 5 connections exceed that, and the server answers with errors such as
    /// `421 Too many connections`, or refuses logins at random.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.max_cached_connections", 10);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.max_cached_connections", 3);
    /// ```
    ///
    /// ## Fix
    /// safe: sets the value to the limit, or inserts the pref when it is absent (in user.js
    /// when user.js manages `mail.` prefs, else in prefs.js). Fewer cached connections only
    /// make folder operations queue a little.
    pub(crate) struct TooManyCachedConnections {
        name: "too-many-cached-connections",
        severity: Warning,
        fix: Always,
    }
}

impl Rule for TooManyCachedConnections {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let limit = ctx.settings.limits.max_connections;
        for server in &profile.servers {
            // Mail connection caches only; FTP site caps are too-many-site-connections'.
            let Some(max) = server
                .max_connections
                .as_ref()
                .filter(|_| server.protocol.is_mail())
            else {
                continue;
            };
            if max.value <= limit {
                continue;
            }
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                max.anchor(),
                format!("{} connections", max.value),
                format!(
                    "the {} may open {} connections, more than the limit of {limit} ({})",
                    describe_server(server),
                    max.value,
                    max.provenance()
                ),
            );
            d.help = Some(format!(
                "servers often allow only a few connections per user and IP; {limit} are enough for normal use"
            ));
            d.fix = Fix::new(
                Applicability::Safe,
                format!(
                    "set max_cached_connections to {limit} in {}",
                    max.target_file_name().unwrap_or("the file")
                ),
                vec![max.edit_to(&Value::Int(limit))],
            );
            out.push(d);
        }
    }
}
