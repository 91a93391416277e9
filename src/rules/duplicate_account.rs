//! `duplicate-account`: the same server and user configured twice in one client.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Note, Profile, Role, Usage};
use crate::rules::{server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a server and user that one client profile configures twice as an account it
    /// connects to on its own: two Thunderbird accounts on the same IMAP server and login,
    /// two Outlook accounts for one mailbox. FileZilla sites are bookmarks (several for one
    /// server, per remote directory, are normal) and are not flagged.
    ///
    /// ## Why is this bad?
    /// Each copy polls and holds its own connections, so the mailbox or FTP account gets
    /// twice the load and the server's per-user connection limit is reached twice as fast.
    /// The copies also drift apart: one gets fixed, the other keeps the old port or
    /// password.
    ///
    /// ## Example
    /// `account1` and `account3` both use `imap.example.com` as `alice`.
    ///
    /// ## Fix
    /// None: which copy to keep (and its folders and filters) is the user's decision.
    pub(crate) struct DuplicateAccount {
        name: "duplicate-account",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for DuplicateAccount {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: BTreeMap<(bool, &'static str, String, String), usize> = BTreeMap::new();
        for (i, server) in profile.servers.iter().enumerate() {
            // FileZilla sites are bookmarks: several for one server (say, per remote
            // directory) are normal and open nothing by themselves.
            if server.usage != Usage::Always {
                continue;
            }
            let host = server.host_name().trim().to_ascii_lowercase();
            let user = server
                .user
                .as_ref()
                .map(|u| u.value.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if host.is_empty() || host.contains('%') {
                continue;
            }
            let key = (
                server.role == Role::Incoming,
                server.protocol.name(),
                host.clone(),
                user.clone(),
            );
            let Some(&first) = seen.get(&key) else {
                seen.insert(key, i);
                continue;
            };
            let Some(original) = profile.servers.get(first) else {
                continue;
            };
            let who = if user.is_empty() {
                String::new()
            } else {
                format!(" as `{user}`")
            };
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                server.anchor,
                "configured again here",
                format!(
                    "`{}` connects to {} server `{host}`{who}, like `{}`: the same account is configured twice",
                    server.label(),
                    server.protocol.name(),
                    original.label()
                ),
            );
            d.notes.push(Note {
                file: original.anchor.0,
                span: original.anchor.1,
                text: "first configured here".to_owned(),
                connections: None,
            });
            d.help = Some("remove one of the two, so the server sees one client".to_owned());
            out.push(d);
        }
    }
}
