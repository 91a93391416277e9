//! The cross-client connection budget: which servers a run's profiles share, and how many
//! connections each profile may open to each. Used by `server-connection-budget-exceeded`
//! and by `clientlint connections`.
//!
//! Each profile is reduced to its [`Share`]s while its files are in memory; the run-wide
//! grouping works on shares alone, so a fleet-wide run can drop every profile (and every
//! file) as soon as it is linted.

use std::collections::HashMap;
use std::sync::Arc;

use crate::model::{ClientId, Profile, Protocol, Server, Usage};
use crate::source::{FileId, Span};

/// A server as the budget counts it: host, protocol family, user ("" when unknown).
pub type ServerKey = (String, &'static str, String);

/// Where the connection limit of a server comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitSource {
    /// `server-connection-limit`, the limit of every server without one of its own (built
    /// in, or set in clientlint.toml or on the command line).
    Default,
    /// The server's own `[servers."HOST"] connection-limit` in clientlint.toml.
    Config,
    /// What the server announced itself when `clientlint probe` connected (`421 Too many
    /// connections (8) from this IP`), in its own words, escaped.
    Announced(String),
}

impl LimitSource {
    /// `default`, `config` or `announced`: the name in JSON output.
    pub fn name(&self) -> &'static str {
        match self {
            LimitSource::Default => "default",
            LimitSource::Config => "config",
            LimitSource::Announced(_) => "announced",
        }
    }
}

/// A server's connection limit and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerLimit {
    pub value: i64,
    pub source: LimitSource,
}

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
/// one profile's bookmarks to the same server and user only the largest counts: bookmarks
/// are opened one at a time.
pub fn shares(profile: &Profile) -> Vec<Share> {
    let name: Arc<str> = Arc::from(profile.name.as_str());
    let mut out: Vec<Share> = Vec::new();
    let mut bookmarks: HashMap<ServerKey, usize> = HashMap::new();
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

/// A server as [`group_by_server`] names it: host, protocol family, user ("" when
/// unknown), borrowed from the shares.
pub type ServerRef<'s> = (&'s str, &'static str, &'s str);

/// The shares of a run grouped as the budget counts them: by (host, protocol, user), in
/// that order. Shares whose user is unknown count towards every known user of their host
/// and protocol (after that user's own shares); with no known user they form one group.
pub fn group_by_server(shares: &[Share]) -> Vec<(ServerRef<'_>, Vec<&Share>)> {
    // One stable sort of references, then runs: no map and no key copies, so a fleet of
    // thousands of homes groups in O(n log n) comparisons of borrowed strings.
    fn key(s: &Share) -> ServerRef<'_> {
        (s.host.as_str(), s.protocol, s.user.as_str())
    }
    let mut sorted: Vec<&Share> = shares.iter().collect();
    sorted.sort_by(|a, b| key(a).cmp(&key(b)));
    let mut out = Vec::new();
    for server in sorted.chunk_by(|a, b| (&a.host, a.protocol) == (&b.host, b.protocol)) {
        // Within a server, the unknown user ("") sorts first.
        let unknown_len = server.iter().take_while(|s| s.user.is_empty()).count();
        let (unknown, known) = server.split_at(unknown_len);
        let Some(first) = server.first() else {
            continue;
        };
        if known.is_empty() {
            out.push(((first.host.as_str(), first.protocol, ""), unknown.to_vec()));
            continue;
        }
        for user in known.chunk_by(|a, b| a.user == b.user) {
            let Some(u) = user.first() else { continue };
            let mut group = user.to_vec();
            group.extend_from_slice(unknown);
            out.push(((u.host.as_str(), u.protocol, u.user.as_str()), group));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn share(host: &str, protocol: &'static str, user: &str, connections: i64) -> Share {
        Share {
            host: host.to_owned(),
            protocol,
            user: user.to_owned(),
            connections,
            why: String::new(),
            client: ClientId::new("thunderbird", "Thunderbird"),
            profile: Arc::from("p"),
            label: format!("{host}/{user}/{connections}"),
            account: String::new(),
            poll_minutes: None,
            managed_by: None,
            anchor: (0, Span::empty(0)),
        }
    }

    fn labels(groups: &[(ServerRef<'_>, Vec<&Share>)]) -> Vec<(String, Vec<String>)> {
        groups
            .iter()
            .map(|((h, p, u), g)| {
                (
                    format!("{h} {p} {u}"),
                    g.iter().map(|s| s.label.clone()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn unknown_users_count_towards_every_known_user_of_the_server() {
        let shares = [
            share("b.example", "IMAP", "bob", 1),
            share("a.example", "IMAP", "", 2),
            share("a.example", "IMAP", "zoe", 3),
            share("a.example", "IMAP", "amy", 4),
            share("a.example", "SMTP", "", 5),
            share("a.example", "IMAP", "amy", 6),
        ];
        let groups = group_by_server(&shares);
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            labels(&groups),
            vec![
                // Sorted by host, protocol, user; a user's own shares in input order,
                // then the unknown-user ones.
                (
                    "a.example IMAP amy".to_owned(),
                    s(&["a.example/amy/4", "a.example/amy/6", "a.example//2"])
                ),
                (
                    "a.example IMAP zoe".to_owned(),
                    s(&["a.example/zoe/3", "a.example//2"])
                ),
                // No known user: one group of the unknown ones.
                ("a.example SMTP ".to_owned(), s(&["a.example//5"])),
                ("b.example IMAP bob".to_owned(), s(&["b.example/bob/1"])),
            ]
        );
    }
}
