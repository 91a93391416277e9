//! `timeout-disabled`: a connection timeout of 0, so dead sessions are never dropped.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Setting, Value};
use crate::rules::{describe_server, diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a connection timeout of 0, which switches the timeout off: FileZilla's global
    /// `Timeout`.
    ///
    /// ## Why is this bad?
    /// Without a timeout, a connection whose peer vanished (a NAT table expired, a laptop
    /// went to sleep) is never dropped. Each one keeps a slot of the server's per-IP limit
    /// until the server itself gives up, and new connections get `421 Too many
    /// connections`.
    ///
    /// ## Example
    /// ```xml
    /// <Setting name="Timeout">0</Setting>
    /// ```
    /// Use instead:
    /// ```xml
    /// <Setting name="Timeout">60</Setting>
    /// ```
    ///
    /// ## Fix
    /// safe: sets the timeout to `ftp-timeout-seconds` (default 60).
    pub(crate) struct TimeoutDisabled {
        name: "timeout-disabled",
        severity: Warning,
        fix: Always,
    }
}

impl TimeoutDisabled {
    fn make(&self, profile: &Profile, t: &Setting<i64>, whose: String, limit: i64) -> Diagnostic {
        let mut d = diagnostic(
            self,
            profile,
            t.anchor(),
            "no timeout",
            format!(
                "{whose} never drops a dead connection: the timeout is 0 ({})",
                t.provenance()
            ),
        );
        d.help = Some(format!("set a timeout of {limit} seconds"));
        d.fix = Fix::new(
            Applicability::Safe,
            format!("set the timeout to {limit} seconds"),
            vec![t.edit_to(&Value::Int(limit))],
        );
        d
    }
}

impl Rule for TimeoutDisabled {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let limit = ctx.settings.limits.ftp_timeout_seconds;
        if let Some(t) = &profile.globals.timeout_seconds {
            if t.value == 0 {
                out.push(self.make(profile, t, profile.client.display().to_owned(), limit));
            }
        }
        for server in &profile.servers {
            let Some(t) = &server.timeout_seconds else {
                continue;
            };
            if t.value == 0 {
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
