//! How the budget adds shares up. A server's limit is per address ("421 Too many
//! connections from this IP"), so within one network every connection to a server (host
//! and protocol family) counts, whoever the user; a per-user limit applies only where
//! clientlint.toml sets one (`[servers."HOST"] per-user-limit`). Each profile is one
//! contributor, its shares of the server summed (its worst case there).
//!
//! Generic over [`Counted`], so the shares of a run and those read back from connections
//! reports (`clientlint connections --merge`) add up alike. One sort, then runs: the work
//! and the output grow with the number of shares, never with its square.

/// Where the budget's limits come from: the run's settings (`crate::settings::Limits`),
/// which also hold what servers announced.
pub trait BudgetLimits {
    /// The limit on all connections from one network to a server (host, protocol family).
    fn server_limit(&self, host: &str, protocol: &str) -> ServerLimit;
    /// The limit on one user's connections to a server, where one is configured.
    fn per_user_limit(&self, host: &str) -> Option<ServerLimit>;
}

/// Where a server's connection limit comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitSource {
    /// `server-connection-limit`, the limit of every server without one of its own (built
    /// in, or set in clientlint.toml or on the command line).
    Default,
    /// The server's own `[servers."HOST"]` entry in clientlint.toml.
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

impl ServerLimit {
    /// The limit as messages state it: "its limit of 8", "its limit of 4 (clientlint.toml)",
    /// "its limit of 2 (announced by the server: "421 …")".
    pub fn describe(&self) -> String {
        match &self.source {
            LimitSource::Default => format!("its limit of {}", self.value),
            LimitSource::Config => format!("its limit of {} (clientlint.toml)", self.value),
            LimitSource::Announced(said) => {
                format!(
                    "its limit of {} (announced by the server: \"{said}\")",
                    self.value
                )
            }
        }
    }
}

/// What the budget needs to know of a share.
pub trait Counted {
    /// The network its connections leave from (one egress address); "" for the run's
    /// one network.
    fn network(&self) -> &str;
    /// Lower-cased host name.
    fn host(&self) -> &str;
    /// Protocol family (`FTP` for FTP and SFTP alike, `IMAP`, `SMTP`, …).
    fn protocol(&self) -> &str;
    /// Lower-cased login, "" when unknown.
    fn user(&self) -> &str;
    fn connections(&self) -> i64;
    /// The profile it belongs to: (machine label, profile name). One contributor per pair.
    fn profile_key(&self) -> (&str, &str);
}

/// One profile's part of a server's budget.
#[derive(Debug)]
pub struct Contributor<'s, T> {
    /// The profile's shares of the server, in input order: the first is where a finding
    /// about the contributor points.
    pub shares: Vec<&'s T>,
    /// Summed over `shares`.
    pub connections: i64,
}

impl<'s, T> Contributor<'s, T> {
    /// The share a finding about this contributor points at.
    pub fn first(&self) -> Option<&'s T> {
        self.shares.first().copied()
    }
}

/// The connections of one network to one server (or, with a per-user limit, of one user).
#[derive(Debug)]
pub struct Group<'s, T> {
    /// "" for the run's one network.
    pub network: &'s str,
    pub host: &'s str,
    pub protocol: &'s str,
    /// The user, for a per-user group.
    pub user: Option<&'s str>,
    pub limit: ServerLimit,
    pub total: i64,
    /// Largest first; ties by machine and profile.
    pub contributors: Vec<Contributor<'s, T>>,
}

impl<T> Group<'_, T> {
    pub fn over(&self) -> bool {
        self.total > self.limit.value
    }

    /// How many profiles contribute.
    pub fn profiles(&self) -> usize {
        self.contributors.len()
    }
}

/// The budget of every server the shares use, by network, host and protocol; each
/// server's per-user groups (where clientlint.toml sets a per-user limit) follow it. In
/// a per-user group, shares whose user is unknown count towards every known user.
pub fn groups<'s, T: Counted>(shares: &'s [T], limits: &dyn BudgetLimits) -> Vec<Group<'s, T>> {
    fn server<T: Counted>(s: &T) -> (&str, &str, &str) {
        (s.network(), s.host(), s.protocol())
    }
    let mut sorted: Vec<&T> = shares.iter().collect();
    // Stable: a profile's shares stay in input order.
    sorted.sort_by(|a, b| {
        server(*a)
            .cmp(&server(*b))
            .then_with(|| a.profile_key().cmp(&b.profile_key()))
    });
    let mut out = Vec::new();
    for run in sorted.chunk_by(|a, b| server(*a) == server(*b)) {
        let Some(first) = run.first() else { continue };
        let (network, host, protocol) = server(*first);
        let limit = limits.server_limit(host, protocol);
        out.push(group((network, host, protocol, None), limit, run));
        let Some(per_user) = limits.per_user_limit(host) else {
            continue;
        };
        let unknown: Vec<&T> = run
            .iter()
            .filter(|s| s.user().is_empty())
            .copied()
            .collect();
        let mut known: Vec<&T> = run
            .iter()
            .filter(|s| !s.user().is_empty())
            .copied()
            .collect();
        known.sort_by(|a, b| a.user().cmp(b.user()));
        for user in known.chunk_by(|a, b| a.user() == b.user()) {
            let Some(u) = user.first() else { continue };
            let mut members = user.to_vec();
            members.extend_from_slice(&unknown);
            members.sort_by(|a, b| a.profile_key().cmp(&b.profile_key()));
            let key = (network, host, protocol, Some(u.user()));
            out.push(group(key, per_user.clone(), &members));
        }
    }
    out
}

/// One group of `members`, sorted by profile: its contributors, largest first.
fn group<'s, T: Counted>(
    (network, host, protocol, user): (&'s str, &'s str, &'s str, Option<&'s str>),
    limit: ServerLimit,
    members: &[&'s T],
) -> Group<'s, T> {
    let mut contributors: Vec<Contributor<'s, T>> = members
        .chunk_by(|a, b| a.profile_key() == b.profile_key())
        .map(|shares| Contributor {
            connections: shares.iter().map(|s| s.connections()).sum(),
            shares: shares.to_vec(),
        })
        .collect();
    let key = |c: &Contributor<'s, T>| c.first().map(|s| s.profile_key()).unwrap_or(("", ""));
    contributors.sort_by(|a, b| {
        b.connections
            .cmp(&a.connections)
            .then_with(|| key(a).cmp(&key(b)))
    });
    Group {
        network,
        host,
        protocol,
        user,
        limit,
        total: contributors.iter().map(|c| c.connections).sum(),
        contributors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 8 per server; `per_user` per user on `a.example` when set.
    #[derive(Default)]
    struct Limits {
        per_user: Option<i64>,
    }

    impl BudgetLimits for Limits {
        fn server_limit(&self, _host: &str, _protocol: &str) -> ServerLimit {
            ServerLimit {
                value: 8,
                source: LimitSource::Default,
            }
        }
        fn per_user_limit(&self, host: &str) -> Option<ServerLimit> {
            let value = self.per_user.filter(|_| host == "a.example")?;
            Some(ServerLimit {
                value,
                source: LimitSource::Config,
            })
        }
    }

    struct S {
        network: &'static str,
        host: &'static str,
        protocol: &'static str,
        user: &'static str,
        connections: i64,
        profile: &'static str,
    }

    impl Counted for S {
        fn network(&self) -> &str {
            self.network
        }
        fn host(&self) -> &str {
            self.host
        }
        fn protocol(&self) -> &str {
            self.protocol
        }
        fn user(&self) -> &str {
            self.user
        }
        fn connections(&self) -> i64 {
            self.connections
        }
        fn profile_key(&self) -> (&str, &str) {
            ("", self.profile)
        }
    }

    fn s(
        host: &'static str,
        protocol: &'static str,
        user: &'static str,
        n: i64,
        p: &'static str,
    ) -> S {
        S {
            network: "",
            host,
            protocol,
            user,
            connections: n,
            profile: p,
        }
    }

    /// (host protocol user, total, [(profile, connections)]) of a group.
    type Summary = (String, i64, Vec<(&'static str, i64)>);

    fn summary(groups: &[Group<'_, S>]) -> Vec<Summary> {
        groups
            .iter()
            .map(|g| {
                (
                    format!("{} {} {}", g.host, g.protocol, g.user.unwrap_or("*")),
                    g.total,
                    g.contributors
                        .iter()
                        .map(|c| (c.first().map(|s| s.profile).unwrap_or(""), c.connections))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn every_user_counts_towards_the_address_and_a_profile_is_one_contributor() {
        let shares = [
            s("b.example", "IMAP", "bob", 1, "p1"),
            s("a.example", "IMAP", "", 2, "p2"),
            s("a.example", "IMAP", "zoe", 3, "p3"),
            s("a.example", "IMAP", "amy", 4, "p1"),
            s("a.example", "SMTP", "", 1, "p1"),
            s("a.example", "SMTP", "amy", 1, "p1"),
            s("a.example", "SMTP", "bob", 1, "p1"),
            s("a.example", "IMAP", "amy", 6, "p4"),
        ];
        let groups = groups(&shares, &Limits::default());
        assert_eq!(
            summary(&groups),
            vec![
                (
                    "a.example IMAP *".to_owned(),
                    15,
                    vec![("p4", 6), ("p1", 4), ("p3", 3), ("p2", 2)]
                ),
                // Three SMTP servers of one profile on one host: one contributor of 3.
                ("a.example SMTP *".to_owned(), 3, vec![("p1", 3)]),
                ("b.example IMAP *".to_owned(), 1, vec![("p1", 1)]),
            ]
        );
        assert!(groups.iter().all(|g| g.limit.value == 8));
        assert_eq!(groups[0].profiles(), 4);
        assert!(groups[0].over());
    }

    #[test]
    fn a_per_user_limit_adds_a_group_per_known_user_with_the_unknown_ones() {
        let shares = [
            s("a.example", "IMAP", "", 2, "p2"),
            s("a.example", "IMAP", "zoe", 3, "p3"),
            s("a.example", "IMAP", "amy", 4, "p1"),
            s("a.example", "IMAP", "amy", 6, "p4"),
        ];
        let groups = groups(&shares, &Limits { per_user: Some(5) });
        assert_eq!(
            summary(&groups),
            vec![
                (
                    "a.example IMAP *".to_owned(),
                    15,
                    vec![("p4", 6), ("p1", 4), ("p3", 3), ("p2", 2)]
                ),
                (
                    "a.example IMAP amy".to_owned(),
                    12,
                    vec![("p4", 6), ("p1", 4), ("p2", 2)]
                ),
                (
                    "a.example IMAP zoe".to_owned(),
                    5,
                    vec![("p3", 3), ("p2", 2)]
                ),
            ]
        );
        assert_eq!(groups[1].limit.value, 5);
        assert!(groups[1].over() && !groups[2].over());
    }

    #[test]
    fn networks_are_budgeted_apart() {
        let mut office = s("a.example", "IMAP", "", 5, "p1");
        office.network = "office";
        let home = s("a.example", "IMAP", "", 5, "p1");
        let shares = [office, home];
        let groups = groups(&shares, &Limits::default());
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].network, groups[0].total), ("", 5));
        assert_eq!((groups[1].network, groups[1].total), ("office", 5));
    }
}
