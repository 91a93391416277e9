//! `server-connection-budget-exceeded`: all clients of a run together may open more
//! connections to one server than it allows.

use crate::diagnostic::Diagnostic;
use crate::model::budget::{group_by_server, LimitSource, Share};
use crate::model::{Note, Profile};
use crate::rules::{Context, Rule, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Adds up the connections that every profile found in one run — every Thunderbird
    /// profile, FileZilla settings directory, Outlook PRF or registry export, WinSCP.ini or
    /// WinSCP registry export — may open at
    /// once to the same server (same host and protocol, and the same user where it is
    /// known), and flags servers where the sum is above `server-connection-limit` (default
    /// 8, or the server's own `connection-limit` in clientlint.toml). Each contributor is
    /// listed with its file, line and share: Thunderbird IMAP counts
    /// `max_cached_connections`, POP3 and SMTP one each, FileZilla one browsing connection
    /// plus min(Number of Transfers, site limit), Outlook one per account (a lower bound:
    /// Outlook has no setting that caps IMAP connections), WinSCP one connection per site
    /// plus `QueueTransfersLimit` for its background queue. Of one profile's bookmarks
    /// (FileZilla and WinSCP sites) to the same server and user only the largest counts.
    ///
    /// In `clientlint probe` (and `clientlint connections --probe`), a server that states
    /// its per-address limit with its number ("421 Too many connections (8) from this IP")
    /// is held to that limit instead of `server-connection-limit`, and the message says it
    /// was announced by the server; a `connection-limit` in clientlint.toml still wins.
    ///
    /// ## Why is this bad?
    /// Servers count connections per IP address (and often per user): `421 Too many
    /// connections (8) from this IP`. Each client may be within its own limit while a
    /// desktop with Thunderbird and Outlook on the same mailbox, or an office behind one
    /// NAT address, is far beyond the server's.
    ///
    /// ## Example
    /// Two Thunderbird profiles with `max_cached_connections` 5 and an Outlook account, all
    /// on `imap.example.com` as the same user: 5 + 5 + 1 = 11 > 8.
    ///
    /// ## Fix
    /// None as such: the report lists each contributor, and each has its own fixable
    /// finding (for example `too-many-cached-connections`).
    pub(crate) struct ServerConnectionBudgetExceeded {
        name: "server-connection-budget-exceeded",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for ServerConnectionBudgetExceeded {
    fn check(&self, _profile: &Profile, _ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}

    fn check_run(&self, shares: &[Share], ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for ((host, protocol, user), group) in group_by_server(shares) {
            let total: i64 = group.iter().map(|c| c.connections).sum();
            let server_limit = ctx.settings.limits.server_limit(host, protocol);
            let limit = server_limit.value;
            if total <= limit {
                continue;
            }
            let source = match &server_limit.source {
                LimitSource::Announced(said) => format!(" (announced by the server: \"{said}\")"),
                LimitSource::Default | LimitSource::Config => String::new(),
            };
            let Some(first) = group.first() else { continue };
            let who = if user.is_empty() {
                String::new()
            } else {
                format!(" as `{user}`")
            };
            let notes = group
                .iter()
                .skip(1)
                .map(|c| Note {
                    file: c.anchor.0,
                    span: c.anchor.1,
                    text: format!(
                        "{} of {total}: {} ({}, {})",
                        c.connections,
                        c.why,
                        c.client.display(),
                        c.label
                    ),
                })
                .collect();
            let shares: Vec<String> = group
                .iter()
                .map(|c| format!("{} {} ({})", c.client.display(), c.profile, c.connections))
                .collect();
            out.push(Diagnostic {
                rule: self.name(),
                severity: self.default_severity(),
                message: format!(
                    "{} profiles may open {total} {protocol} connections to `{host}`{who}, more than its limit of {limit}{source}",
                    group.len()
                ),
                help: Some(format!(
                    "lower the connections of each contributor so they add up to {limit} or less: {}",
                    shares.join(", ")
                )),
                file: first.anchor.0,
                span: first.anchor.1,
                label: format!("{} of {total}: {}", first.connections, first.why),
                notes,
                client: first.client,
                account: Some(first.account.clone()),
                fix: None,
                managed_by: None,
                client_line: None,
            });
        }
    }
}
