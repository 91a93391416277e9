//! The cross-client connection budget: which servers a run's profiles share, and how many
//! connections each profile may open to each. Used by `server-connection-budget-exceeded`
//! and by `clientlint connections`.
//!
//! Each profile is reduced to its [`Share`]s while its files are in memory; the run-wide
//! grouping works on shares alone, so a fleet-wide run can drop every profile (and every
//! file) as soon as it is linted.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::model::{Client, Profile, Protocol, Server, Usage};
use crate::source::{FileId, Span};

/// A server as the budget counts it: host, protocol family, user ("" when unknown).
pub type ServerKey = (String, &'static str, String);

/// One profile's share of one server's connections: everything the budget and its report
/// need, without the profile.
#[derive(Debug, Clone)]
pub struct Share {
    /// Lower-cased host name.
    pub host: String,
    /// Protocol family: FTP and SFTP count together (one server, one limit).
    pub protocol: &'static str,
    /// Lower-cased login, "" when unknown.
    pub user: String,
    pub connections: i64,
    /// How the count comes about ("IMAP max_cached_connections 5").
    pub why: String,
    pub client: Client,
    /// The profile's display name (shared by all its shares).
    pub profile: Arc<str>,
    /// "account1 (server2)": the server as messages name it.
    pub label: String,
    /// The account a diagnostic about this server carries.
    pub account: String,
    /// Minutes between automatic checks, when the client polls.
    pub poll_minutes: Option<i64>,
    /// Where the server is defined.
    pub anchor: (FileId, Span),
}

/// The shares of one profile. History entries (recent servers) are not counted, and of
/// one profile's bookmarks to the same server and user only the largest counts: bookmarks
/// are opened one at a time.
pub fn shares(profile: &Profile) -> Vec<Share> {
    let name: Arc<str> = Arc::from(profile.name.as_str());
    let mut out: Vec<Share> = Vec::new();
    let mut bookmarks: HashMap<ServerKey, usize> = HashMap::new();
    for server in &profile.servers {
        if server.usage == Usage::History {
            continue;
        }
        let host = server.host_name().trim().to_ascii_lowercase();
        if host.is_empty() || host.contains('%') {
            continue;
        }
        let protocol = protocol_family(server.protocol);
        let user = user_of(server).unwrap_or_default();
        let (connections, why) = profile.worst_case_connections(server);
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
            anchor: server.anchor,
        };
        if server.usage == Usage::OnDemand {
            let key = (share.host.clone(), protocol, share.user.clone());
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

/// The shares of a run grouped as the budget counts them: by (host, protocol, user).
/// Shares whose user is unknown count towards every known user of their host and protocol.
pub fn group_by_server(shares: &[Share]) -> BTreeMap<ServerKey, Vec<&Share>> {
    // (host, protocol) → user ("" when unknown) → shares: each step is a map lookup, so a
    // fleet of thousands of homes sharing a host stays linear.
    let mut by_host: BTreeMap<(&str, &'static str), BTreeMap<&str, Vec<&Share>>> = BTreeMap::new();
    for share in shares {
        by_host
            .entry((share.host.as_str(), share.protocol))
            .or_default()
            .entry(share.user.as_str())
            .or_default()
            .push(share);
    }
    let mut out = BTreeMap::new();
    for ((host, protocol), mut users) in by_host {
        let unknown = users.remove("").unwrap_or_default();
        if users.is_empty() {
            out.insert((host.to_owned(), protocol, String::new()), unknown);
            continue;
        }
        for (user, mut group) in users {
            group.extend(unknown.iter().copied());
            out.insert((host.to_owned(), protocol, user.to_owned()), group);
        }
    }
    out
}

fn protocol_family(p: Protocol) -> &'static str {
    match p {
        Protocol::Ftp | Protocol::Sftp => "FTP",
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
