//! The cross-client connection budget: which servers a run's profiles share, and how many
//! connections each profile may open to each. Used by `server-connection-budget-exceeded`
//! and by `clientlint connections`.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Profile, Protocol, Server, Usage};

/// A server as the budget counts it: host, protocol family, user ("" when unknown).
pub type ServerKey = (String, &'static str, String);

/// One profile's share of a server's connections.
pub struct Contribution<'p> {
    pub profile: &'p Profile,
    pub server: &'p Server,
    pub connections: i64,
    // How the count comes about is asked of the profile only for servers that are
    // reported (`Contribution::why`): formatting it for every server of a fleet is waste.
}

/// The servers of a run grouped as the budget counts them: by (host, protocol, user).
/// Entries whose user is unknown count towards every user of their host and protocol.
pub fn group_by_server(profiles: &[Profile]) -> BTreeMap<ServerKey, Vec<Contribution<'_>>> {
    // (host, protocol) → user ("" when unknown) → contributions. Users are computed once
    // per server; each step is a map lookup, so a fleet of thousands of homes sharing a
    // host stays linear.
    let mut by_host: BTreeMap<(String, &'static str), BTreeMap<String, Vec<Contribution<'_>>>> =
        BTreeMap::new();
    for profile in profiles {
        // Bookmarks are opened one at a time per server: of one profile's bookmarks to a
        // server and user, only the largest counts.
        let mut bookmarks: HashMap<(String, &'static str, String), usize> = HashMap::new();
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
            let connections = profile.worst_case_connection_count(server);
            let list = by_host
                .entry((host.clone(), protocol))
                .or_default()
                .entry(user.clone())
                .or_default();
            let contribution = Contribution {
                profile,
                server,
                connections,
            };
            if server.usage == Usage::OnDemand {
                match bookmarks.get(&(host.clone(), protocol, user.clone())) {
                    Some(&at) => {
                        if let Some(existing) = list.get_mut(at) {
                            if connections > existing.connections {
                                *existing = contribution;
                            }
                        }
                        continue;
                    }
                    None => {
                        bookmarks.insert((host, protocol, user), list.len());
                    }
                }
            }
            list.push(contribution);
        }
    }
    let mut out = BTreeMap::new();
    for ((host, protocol), mut users) in by_host {
        // Entries whose user is unknown count towards every known user of the server.
        let unknown = users.remove("").unwrap_or_default();
        if users.is_empty() {
            out.insert((host, protocol, String::new()), unknown);
            continue;
        }
        for (user, mut group) in users {
            group.extend(unknown.iter().map(|c| Contribution {
                profile: c.profile,
                server: c.server,
                connections: c.connections,
            }));
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

impl Contribution<'_> {
    /// How this profile's count comes about ("IMAP max_cached_connections 5").
    pub fn why(&self) -> String {
        self.profile.worst_case_connections(self.server).1
    }
}
