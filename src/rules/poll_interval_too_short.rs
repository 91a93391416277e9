//! `poll-interval-too-short`: automatic new-mail checks more often than the limit.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Value};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags accounts that check for new mail automatically more often than every
    /// `min-poll-minutes` minutes (default 10), when automatic checking is on. For
    /// Thunderbird: `check_time` (default 10) with `check_new_mail` on (the default for
    /// IMAP and POP3). A `check_time` of 0 or less switches polling off and is not flagged.
    ///
    /// ## Why is this bad?
    /// Every check is a login (POP3) or a round of commands on a connection (IMAP). Checking
    /// every minute from every device multiplies the server's load and its connection
    /// count, and providers throttle or block such clients. IMAP accounts also get new mail
    /// pushed through IDLE, so a short interval buys nothing.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.check_time", 1);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.check_time", 10);
    /// ```
    ///
    /// ## Fix
    /// safe: sets the interval to the limit in the file that holds the effective value.
    pub(crate) struct PollIntervalTooShort {
        name: "poll-interval-too-short",
        severity: Warning,
        fix: Always,
    }
}

impl Rule for PollIntervalTooShort {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let limit = ctx.settings.limits.min_poll_minutes;
        for server in &profile.servers {
            let (Some(enabled), Some(minutes)) = (&server.poll_enabled, &server.poll_minutes)
            else {
                continue;
            };
            if !enabled.value || minutes.value <= 0 || minutes.value >= limit {
                continue;
            }
            let every = if minutes.value == 1 {
                "every minute".to_owned()
            } else {
                format!("every {} minutes", minutes.value)
            };
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                minutes.anchor(),
                format!("checks {every}"),
                format!(
                    "the {} is checked for new mail {every} ({}), more often than every {limit} minutes",
                    describe_server(server),
                    minutes.provenance()
                ),
            );
            d.help = Some(format!(
                "check every {limit} minutes or more; IMAP accounts also receive new mail through IDLE"
            ));
            d.fix = Fix::new(
                Applicability::Safe,
                format!("set check_time to {limit}"),
                vec![minutes.edit_to(&Value::Int(limit))],
            );
            out.push(d);
        }
    }
}
