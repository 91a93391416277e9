//! The cross-client connection budget: which servers a run's profiles share, and how many
//! connections each profile may open to each. Used by `server-connection-budget-exceeded`
//! and by `clientlint connections`.
//!
//! Each profile is reduced to its [`Share`]s while its files are in memory; the run-wide
//! grouping ([`groups`]) works on shares alone, so a fleet-wide run can drop every profile
//! (and every file) as soon as it is linted.

mod group;

use std::collections::HashMap;
use std::sync::Arc;

pub use group::{groups, BudgetLimits, Contributor, Counted, Group, LimitSource, ServerLimit};

use crate::model::{ClientId, Profile, Protocol, Server, Usage};
use crate::source::{FileId, Span};

/// One profile's share of one server's connections: everything the budget and its report
/// need, without the profile.
#[derive(Debug, Clone)]
pub struct Share {
    /// Lower-cased host name.
    pub host: String,
    /// Protocol family: FTP, SFTP and SCP count together (one server, one limit).
    pub protocol: &'static str,
    /// Lower-cased login, "" when unknown.
    pub user: String,
    pub connections: i64,
    /// How the count comes about ("IMAP max_cached_connections 5").
    pub why: String,
    pub client: ClientId,
    /// The profile's display name (shared by all its shares).
    pub profile: Arc<str>,
    /// "account1 (server2)": the server as messages name it.
    pub label: String,
    /// The account a diagnostic about this server carries.
    pub account: String,
    /// Minutes between automatic checks, when the client polls.
    pub poll_minutes: Option<i64>,
    /// The managing layer that decides the connection count, if one does ("locked by
    /// /etc/thunderbird/policies/policies.json:5 (…)").
    pub managed_by: Option<Arc<str>>,
    /// Where the server is defined.
    pub anchor: (FileId, Span),
}

/// The shares of one profile. History entries (recent servers) are not counted, and of
/// one profile's bookmarks to the same server (host and protocol family, whatever the
/// user) only the largest counts: bookmarks are opened one at a time.
pub fn shares(profile: &Profile) -> Vec<Share> {
    let name: Arc<str> = Arc::from(profile.name.as_str());
    let mut out: Vec<Share> = Vec::with_capacity(profile.servers.len());
    let mut bookmarks: HashMap<(String, &'static str), usize> = HashMap::new();
    for server in &profile.servers {
        if matches!(server.usage, Usage::History | Usage::Hypothetical) {
            continue;
        }
        let host = server.host_name().trim().to_ascii_lowercase();
        if host.is_empty() || host.contains('%') {
            continue;
        }
        let protocol = protocol_family(server.protocol);
        let user = user_of(server).unwrap_or_default();
        let (connections, why) = (server.connections.count(), server.connections.why());
        let poll_minutes = match (&server.poll_enabled, &server.poll_minutes) {
            (Some(on), Some(m)) if on.value && m.value > 0 => Some(m.value),
            _ => None,
        };
        let share = Share {
            host,
            protocol,
            user,
            connections,
            why,
            client: profile.client,
            profile: Arc::clone(&name),
            label: server.label(),
            account: server.account.clone().unwrap_or_else(|| server.key.clone()),
            poll_minutes,
            managed_by: server
                .max_connections
                .as_ref()
                .and_then(|m| m.managed())
                .map(|m| Arc::from(m.how.as_str())),
            anchor: server.anchor,
        };
        if server.usage == Usage::OnDemand {
            let key = (share.host.clone(), protocol);
            if let Some(&at) = bookmarks.get(&key) {
                if let Some(existing) = out.get_mut(at) {
                    if share.connections > existing.connections {
                        *existing = share;
                    }
                }
                continue;
            }
            bookmarks.insert(key, out.len());
        }
        out.push(share);
    }
    out
}

impl Counted for Share {
    /// One run is one network.
    fn network(&self) -> &str {
        ""
    }
    fn host(&self) -> &str {
        &self.host
    }
    fn protocol(&self) -> &str {
        self.protocol
    }
    fn user(&self) -> &str {
        &self.user
    }
    fn connections(&self) -> i64 {
        self.connections
    }
    /// One run is one machine.
    fn profile_key(&self) -> (&str, &str) {
        ("", &self.profile)
    }
}

fn protocol_family(p: Protocol) -> &'static str {
    match p {
        Protocol::Ftp | Protocol::Sftp | Protocol::Scp => "FTP",
        other => other.name(),
    }
}

fn user_of(server: &Server) -> Option<String> {
    server
        .user
        .as_ref()
        .map(|u| u.value.trim().to_ascii_lowercase())
        .filter(|u| !u.is_empty() && !u.contains('%'))
}
