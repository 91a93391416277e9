//! `duplicate-account`: the same server and user configured twice in one client.

use std::collections::BTreeMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Note, Profile, Role, Usage};
use crate::rules::{server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a server and user that one client profile configures twice as an account it
    /// connects to on its own: two Thunderbird accounts on the same IMAP server and login,
    /// two Outlook accounts for one mailbox. Sites are bookmarks (several for one server,
    /// per remote directory, are normal): FileZilla's are not flagged, and WinSCP's only
    /// when two are copies, with the same protocol, host, port, user, and local and remote
    /// directories.
    ///
    /// ## Why is this bad?
    /// Each copy polls and holds its own connections, so the mailbox or FTP account gets
    /// twice the load and the server's per-user connection limit is reached twice as fast.
    /// The copies also drift apart: one gets fixed, the other keeps the old port or
    /// password.
    ///
    /// ## Example
    /// `account1` and `account3` both use `imap.example.com` as `alice`; WinSCP sites
    /// `Web server` and `Backup/Web server` both open `/var/www` on `sftp.example.com` as
    /// `alice`.
    ///
    /// ## Fix
    /// None: which copy to keep (and its folders and filters) is the user's decision.
    pub(crate) struct DuplicateAccount {
        name: "duplicate-account",
        severity: Warning,
        fix: Never,
    }
}

/// Role, protocol, host, user, and for a bookmark its port and what it opens.
type Key = (bool, &'static str, String, String, Option<(i64, String)>);

impl Rule for DuplicateAccount {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut seen: BTreeMap<Key, usize> = BTreeMap::new();
        for (i, server) in profile.servers.iter().enumerate() {
            // Bookmarks: several for one server (say, per remote directory) are normal and
            // open nothing by themselves. Only copies (the same `bookmark`) are one account
            // configured twice.
            let bookmark = match (server.usage, &server.bookmark) {
                (Usage::Always, _) => None,
                (Usage::OnDemand, Some(b)) => Some(b.as_str()),
                _ => continue,
            };
            let host = server.host_name().trim().to_ascii_lowercase();
            let user = server
                .user
                .as_ref()
                .map(|u| u.value.trim().to_ascii_lowercase())
                .unwrap_or_default();
            if host.is_empty() || host.contains('%') {
                continue;
            }
            // A bookmark's port is part of what it opens; an account's port is not (two
            // accounts on one mailbox over different ports are still one mailbox).
            let key = (
                server.role == Role::Incoming,
                server.protocol.name(),
                host.clone(),
                user.clone(),
                bookmark.map(|b| (server.port.value, b.to_owned())),
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
