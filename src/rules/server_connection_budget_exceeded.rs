//! `server-connection-budget-exceeded`: all clients of a run together may open more
//! connections to one server than it allows.

use crate::diagnostic::Diagnostic;
use crate::model::budget::{groups, Contributor, Group, Share};
use crate::model::{Note, Profile};
use crate::rules::{Context, Rule, RuleMeta};

/// Contributors named in the help text; the rest are counted ("and 297 more"), and every
/// one is a related location of the finding.
const NAMED_IN_HELP: usize = 3;

declare_rule! {
    /// ## What it does
    /// Adds up the connections that every profile found in one run — every Thunderbird
    /// profile, FileZilla settings directory, Outlook PRF or registry export, WinSCP.ini or
    /// WinSCP registry export — may open at once to the same server (same host and
    /// protocol, whatever the user: the limit is per address), and flags servers where the
    /// sum is above `server-connection-limit` (default 8, or the server's own
    /// `connection-limit` in clientlint.toml). Where clientlint.toml sets a server's
    /// `per-user-limit`, each user's connections are also compared with it. A profile
    /// contributes its worst case: the sum over its accounts and servers there
    /// (Thunderbird IMAP counts `max_cached_connections`, POP3 and SMTP one each,
    /// FileZilla one browsing connection plus min(Number of Transfers, site limit),
    /// Outlook one per account, a lower bound: Outlook has no setting that caps IMAP
    /// connections, WinSCP one connection per site plus `QueueTransfersLimit` for its
    /// background queue); of one profile's bookmarks (FileZilla and WinSCP sites) to the
    /// same server only the largest counts. There is one finding per server, at its largest
    /// contributor; every contributor is a related location with its count.
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
        for group in groups(shares, &ctx.settings.limits) {
            if group.over() {
                if let Some(d) = self.finding(&group) {
                    out.push(d);
                }
            }
        }
    }
}

impl ServerConnectionBudgetExceeded {
    /// One over-limit group's finding, at its largest contributor.
    fn finding(&self, group: &Group<'_, Share>) -> Option<Diagnostic> {
        let primary = group.contributors.first()?;
        let at = primary.first()?;
        let total = group.total;
        let (who, limit) = match group.user {
            Some(user) => (
                format!(" as `{user}`"),
                format!("its per-user limit of {}", group.limit.value),
            ),
            None => (String::new(), group.limit.describe()),
        };
        let mut notes = Vec::with_capacity(group.contributors.len());
        for c in &group.contributors {
            let Some(first) = c.first() else { continue };
            notes.push(Note {
                file: first.anchor.0,
                span: first.anchor.1,
                text: format!("{} of {total}: {} ({})", c.connections, why(c), whose(c)),
                connections: Some(c.connections),
            });
        }
        let mut named: Vec<String> = group
            .contributors
            .iter()
            .take(NAMED_IN_HELP)
            .filter_map(|c| {
                let first = c.first()?;
                Some(format!(
                    "{} {} ({})",
                    first.client.display(),
                    first.profile,
                    c.connections
                ))
            })
            .collect();
        let more = group.profiles().saturating_sub(NAMED_IN_HELP);
        if more > 0 {
            named.push(format!(
                "and {more} more (`clientlint connections` lists them all)"
            ));
        }
        let largest = if more > 0 { "; the largest: " } else { ": " };
        Some(Diagnostic {
            rule: self.name(),
            severity: self.default_severity(),
            message: format!(
                "{} may open {total} {} connections to `{}`{who}, more than {limit}",
                match group.profiles() {
                    1 => "1 profile".to_owned(),
                    n => format!("{n} profiles"),
                },
                group.protocol,
                group.host,
            ),
            help: Some(format!(
                "lower the connections of each contributor so they add up to {} or less{largest}{}",
                group.limit.value,
                named.join(", ")
            )),
            file: at.anchor.0,
            span: at.anchor.1,
            label: format!("{} of {total}: {}", primary.connections, why(primary)),
            notes,
            client: at.client,
            account: Some(at.account.clone()),
            fix: None,
            managed_by: None,
            client_line: None,
        })
    }
}

/// How a contributor's count comes about: its one share's reason, or its servers' ("3
/// servers (smtp1, smtp2, smtp3): SMTP uses one connection each").
fn why(c: &Contributor<'_, Share>) -> String {
    match c.shares.as_slice() {
        [one] => one.why.clone(),
        many => {
            let labels: Vec<&str> = many.iter().map(|s| s.label.as_str()).collect();
            let first_why = many.first().map(|s| s.why.as_str()).unwrap_or("");
            if many.iter().all(|s| s.why == first_why) {
                format!(
                    "{} servers ({}): {first_why} each",
                    many.len(),
                    labels.join(", ")
                )
            } else {
                let each: Vec<String> = many
                    .iter()
                    .map(|s| format!("{} {}", s.label, s.why))
                    .collect();
                format!("{} servers: {}", many.len(), each.join("; "))
            }
        }
    }
}

/// Whose the contributor is, for a note: the client, and the account when there is one
/// share (several are named by [`why`]).
fn whose(c: &Contributor<'_, Share>) -> String {
    match c.shares.as_slice() {
        [one] => format!("{}, {}", one.client.display(), one.label),
        many => many
            .first()
            .map(|s| s.client.display().to_owned())
            .unwrap_or_default(),
    }
}
