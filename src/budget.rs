//! The cross-client connection budget: which servers a run's profiles share, and how many
//! connections each profile may open to each. Used by `server-connection-budget-exceeded`
//! and by `clientlint connections`.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Profile, Protocol, Server, Usage};

/// A server as the budget counts it: host, protocol family, user ("" when unknown).
pub type ServerKey = (String, &'static str, String);

/// One profile's share of a server's connections.
pub struct Contribution<'p> {
    pub profile: &'p Profile,
    pub server: &'p Server,
    pub connections: i64,
    pub why: String,
}

/// The servers of a run grouped as the budget counts them: by (host, protocol, user).
/// Entries whose user is unknown count towards every user of their host and protocol.
pub fn group_by_server(profiles: &[Profile]) -> BTreeMap<ServerKey, Vec<Contribution<'_>>> {
    let mut by_host: BTreeMap<(String, &'static str), Vec<Contribution<'_>>> = BTreeMap::new();
    for profile in profiles {
        for server in &profile.servers {
            if server.usage == Usage::History {
                continue;
            }
            let host = server.host_name().trim().to_ascii_lowercase();
            if host.is_empty() || host.contains('%') {
                continue;
            }
            let (connections, why) = profile.worst_case_connections(server);
            by_host
                .entry((host, protocol_family(server.protocol)))
                .or_default()
                .push(Contribution {
                    profile,
                    server,
                    connections,
                    why,
                });
        }
    }
    let mut out = BTreeMap::new();
    for ((host, protocol), mut entries) in by_host {
        // Bookmarks are opened one at a time per server: of one profile's bookmarks to a
        // server (and user), only the largest counts.
        entries = keep_largest_bookmark(entries);
        let users: BTreeSet<String> = entries.iter().filter_map(|c| user_of(c.server)).collect();
        if users.is_empty() {
            out.insert((host, protocol, String::new()), entries);
            continue;
        }
        for user in users {
            let group: Vec<Contribution<'_>> = entries
                .iter()
                .filter(|c| user_of(c.server).map(|u| u == user).unwrap_or(true))
                .map(|c| Contribution {
                    profile: c.profile,
                    server: c.server,
                    connections: c.connections,
                    why: c.why.clone(),
                })
                .collect();
            out.insert((host.clone(), protocol, user), group);
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

/// Of a profile's on-demand servers with the same user, keeps only the one with the most
/// connections.
fn keep_largest_bookmark(entries: Vec<Contribution<'_>>) -> Vec<Contribution<'_>> {
    let mut out: Vec<Contribution<'_>> = Vec::with_capacity(entries.len());
    for c in entries {
        if c.server.usage == Usage::OnDemand {
            let same = out.iter().position(|o| {
                o.server.usage == Usage::OnDemand
                    && std::ptr::eq(o.profile, c.profile)
                    && user_of(o.server) == user_of(c.server)
            });
            if let Some(i) = same {
                if let Some(existing) = out.get_mut(i) {
                    if c.connections > existing.connections {
                        *existing = c;
                    }
                }
                continue;
            }
        }
        out.push(c);
    }
    out
}
