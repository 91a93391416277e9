//! `timeout-too-long`: a connection timeout above the limit.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Setting, Value};
use crate::rules::{describe_server, diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags connection timeouts above `ftp-timeout-seconds` (default 60): FileZilla's
    /// global `Timeout` (default 20), a WinSCP site's `Timeout` (default 15), an Outlook
    /// account's `ServerTimeOut`. The unit of `ServerTimeOut` is not documented anywhere;
    /// clientlint reads it as seconds, inferred [INF] from samples that use 60.
    ///
    /// ## Why is this bad?
    /// A dead or idle connection is only dropped when the timeout expires. With a long
    /// timeout, connections the client has given up on still count against the server's
    /// per-IP limit, and the next attempt is refused with `421 Too many connections`.
    ///
    /// ## Example
    /// ```xml
    /// <Setting name="Timeout">600</Setting>
    /// ```
    /// Use instead:
    /// ```xml
    /// <Setting name="Timeout">60</Setting>
    /// ```
    ///
    /// ## Fix
    /// safe: sets the timeout to the limit; transfers that make progress are not affected
    /// by it.
    pub(crate) struct TimeoutTooLong {
        name: "timeout-too-long",
        severity: Warning,
        fix: Always,
    }
}

impl TimeoutTooLong {
    fn make(
        &self,
        profile: &Profile,
        timeout: &Setting<i64>,
        whose: String,
        limit: i64,
    ) -> Diagnostic {
        let mut d = diagnostic(
            self,
            profile,
            timeout.anchor(),
            format!("{} seconds", timeout.value),
            format!(
                "{whose} waits {} seconds before dropping a dead connection ({}), longer than the limit of {limit}",
                timeout.value,
                timeout.provenance()
            ),
        );
        d.help = Some(format!(
            "use {limit} seconds or less, so stale connections stop counting against the server's limit"
        ));
        d.fix = Fix::new(
            Applicability::Safe,
            format!("set the timeout to {limit} seconds"),
            vec![timeout.edit_to(&Value::Int(limit))],
        );
        d
    }
}

impl Rule for TimeoutTooLong {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let limit = ctx.settings.limits.ftp_timeout_seconds;
        if let Some(t) = &profile.globals.timeout_seconds {
            if t.value > limit {
                out.push(self.make(profile, t, profile.client.display().to_owned(), limit));
            }
        }
        for server in &profile.servers {
            let Some(t) = &server.timeout_seconds else {
                continue;
            };
            if t.value > limit {
                let mut d = self.make(
                    profile,
                    t,
                    format!("the {}", describe_server(server)),
                    limit,
                );
                d.account = server.account.clone().or_else(|| Some(server.key.clone()));
                out.push(d);
            }
        }
    }
}
