//! The table of limits: every threshold a rule reads, with its key, default, accepted range,
//! help and doc text, and the field of [`Limits`] it fills.
//!
//! Everything else derives from [`LIMITS`]: the command-line flags (`cli/args.rs`), the keys
//! of clientlint.toml ([`super::file`]), command-line overrides and `clientlint config`
//! (`cli/`), and the limits section of docs/configuration.md ([`markdown`], checked for
//! drift by the tests). A new limit is one row of the `limits!` invocation below.
//!
//! The ranges are validated wherever a value is read (flags and clientlint.toml, per-server
//! limits too), so a rule never sees a value that would make its fix disable the
//! protection it checks (a timeout of 0, no transfers at all).

use std::collections::BTreeMap;

use crate::model::budget::{BudgetLimits, LimitSource, ServerLimit};

/// One configurable limit: everything the command line, clientlint.toml, `clientlint
/// config` and docs/configuration.md say about it.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// The key in clientlint.toml, in `clientlint config` and in
    /// [`super::Settings::origins`]; the command-line flag is `--KEY`.
    pub key: &'static str,
    /// The default (RULES.md).
    pub default: i64,
    /// The smallest accepted value.
    pub min: i64,
    /// The largest accepted value.
    pub max: i64,
    /// One line for `--help` and for the example in docs/configuration.md.
    pub help: &'static str,
    /// What the limit decides, for the table in docs/configuration.md.
    pub doc: &'static str,
    /// Reads the field of [`Limits`] this limit fills.
    pub get: fn(&Limits) -> i64,
    /// Writes that field.
    pub set: fn(&mut Limits, i64),
}

/// Declares [`Limits`] (one field per row), the row constants and [`LIMITS`] from one table,
/// so a limit cannot be added in one place and forgotten in another.
macro_rules! limits {
    ($(
        $(#[$attr:meta])*
        $konst:ident => $field:ident {
            key: $key:literal,
            default: $default:literal,
            range: $min:literal ..= $max:literal,
            help: $help:literal,
            doc: $doc:literal $(,)?
        }
    )*) => {
        /// The configurable limits of RULES.md, one field per row of [`LIMITS`].
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct Limits {
            $(
                #[doc = concat!($help, " (`", $key, "`).")]
                pub $field: i64,
            )*
            /// Per-host overrides of `server_connection_limit` (host names lower-cased),
            /// validated with the range of [`SERVER_CONNECTION_LIMIT`].
            pub server_limits: BTreeMap<String, i64>,
            /// Per-host limits on one user's connections (`[servers."HOST"]
            /// per-user-limit`, host names lower-cased), in the same range.
            pub per_user_limits: BTreeMap<String, i64>,
            /// Limits the servers themselves announced, by (lower-cased host, protocol
            /// family): see [`Limits::announce`].
            pub announced: BTreeMap<(String, String), (i64, String)>,
        }

        impl Default for Limits {
            fn default() -> Self {
                Limits {
                    $($field: $default,)*
                    server_limits: BTreeMap::new(),
                    per_user_limits: BTreeMap::new(),
                    announced: BTreeMap::new(),
                }
            }
        }

        $(
            $(#[$attr])*
            pub const $konst: Limit = Limit {
                key: $key,
                default: $default,
                min: $min,
                max: $max,
                help: $help,
                doc: $doc,
                get: |limits| limits.$field,
                set: |limits, value| limits.$field = value,
            };
        )*

        /// Every limit, in the order of `--help`, `clientlint config` and the docs.
        pub const LIMITS: &[Limit] = &[$($konst),*];
    };
}

limits! {
    /// FileZilla clamps `Number of Transfers` to 1–10, and a site cap of 0 means no cap: a
    /// fix to 0 would remove the very limit it sets.
    MAX_TRANSFERS => max_transfers {
        key: "max-transfers",
        default: 3,
        range: 1..=10,
        help: "Most simultaneous FTP transfers",
        doc: "FileZilla `Number of Transfers`, WinSCP `QueueTransfersLimit` (negative: no \
              cap) or a site's own connection cap above it is reported (too-many-transfers, \
              too-many-site-connections)",
    }
    /// Thunderbird reads 0 as its default, 5: a fix to 0 would allow more connections.
    MAX_CONNECTIONS => max_connections {
        key: "max-connections",
        default: 3,
        range: 1..=100,
        help: "Most connections one mail account may keep open",
        doc: "Thunderbird IMAP `max_cached_connections` above it is reported, the default 5 \
              when the key is absent (too-many-cached-connections)",
    }
    /// Thunderbird's `check_time` is in minutes; a day is the longest sensible interval.
    MIN_POLL_MINUTES => min_poll_minutes {
        key: "min-poll-minutes",
        default: 10,
        range: 1..=1440,
        help: "Shortest automatic new-mail check interval, in minutes",
        doc: "automatic new-mail checks more often than this are reported \
              (poll-interval-too-short)",
    }
    /// A timeout of 0 disables timeouts: the fix for timeout-disabled would write the very
    /// value it reports.
    FTP_TIMEOUT_SECONDS => ftp_timeout_seconds {
        key: "ftp-timeout-seconds",
        default: 60,
        range: 10..=9999,
        help: "Longest connection timeout, in seconds",
        doc: "connection timeouts above it are reported (timeout-too-long); a timeout of 0 \
              is fixed to it (timeout-disabled)",
    }
    /// Also the range of each `[servers."HOST"] connection-limit`.
    SERVER_CONNECTION_LIMIT => server_connection_limit {
        key: "server-connection-limit",
        default: 8,
        range: 1..=100000,
        help: "Most connections all clients together may open to one server",
        doc: "the connection budget of every server without its own \
              `[servers.\"HOST\"] connection-limit` (server-connection-budget-exceeded, \
              `clientlint connections`)",
    }
}

/// The budget's view of the limits (see `model::budget`).
impl BudgetLimits for Limits {
    fn server_limit(&self, host: &str, protocol: &str) -> ServerLimit {
        Limits::server_limit(self, host, protocol)
    }

    fn per_user_limit(&self, host: &str) -> Option<ServerLimit> {
        Limits::per_user_limit(self, host)
    }
}

impl Limits {
    /// The connection limit of one server.
    pub fn connection_limit_for(&self, host: &str) -> i64 {
        self.server_limit(host, "").value
    }

    /// The limit on all connections to one server (host and protocol family: `FTP` for FTP
    /// and SFTP, `IMAP`, …) from one address: the server's own entry in clientlint.toml,
    /// else what the server announced (`clientlint probe`), else `server-connection-limit`.
    pub fn server_limit(&self, host: &str, protocol: &str) -> ServerLimit {
        let host = host.to_ascii_lowercase();
        if let Some(&value) = self.server_limits.get(&host) {
            return ServerLimit {
                value,
                source: LimitSource::Config,
            };
        }
        if let Some((value, said)) = self.announced.get(&(host, protocol.to_owned())) {
            return ServerLimit {
                value: *value,
                source: LimitSource::Announced(said.clone()),
            };
        }
        ServerLimit {
            value: self.server_connection_limit,
            source: LimitSource::Default,
        }
    }

    /// The limit on one user's connections to a server, where clientlint.toml sets one
    /// (`[servers."HOST"] per-user-limit`); otherwise users are not counted apart.
    pub fn per_user_limit(&self, host: &str) -> Option<ServerLimit> {
        let value = *self.per_user_limits.get(&host.to_ascii_lowercase())?;
        Some(ServerLimit {
            value,
            source: LimitSource::Config,
        })
    }

    /// Records a limit a server announced for connections from one address (`protocol`:
    /// the budget's protocol family), with what it said; the lowest one a host and family
    /// announced counts. A limit set in clientlint.toml for the host still wins.
    pub fn announce(&mut self, host: &str, protocol: &str, value: i64, said: &str) {
        let key = (host.trim().to_ascii_lowercase(), protocol.to_owned());
        let lower = self
            .announced
            .get(&key)
            .map(|(known, _)| value < *known)
            .unwrap_or(true);
        if lower {
            self.announced.insert(key, (value, said.to_owned()));
        }
    }
}

impl Limit {
    /// The row whose key is `key`.
    pub fn find(key: &str) -> Option<&'static Limit> {
        LIMITS.iter().find(|l| l.key == key)
    }

    /// True when `value` is inside the accepted range.
    pub fn accepts(&self, value: i64) -> bool {
        (self.min..=self.max).contains(&value)
    }

    /// The message for a refused value of `setting` (the key, or a per-server key that
    /// shares this range).
    pub fn refusal(&self, setting: &str, value: &dyn std::fmt::Display) -> String {
        format!(
            "{setting} must be a whole number from {} to {}, not {value}",
            self.min, self.max
        )
    }

    /// Parses the value of the command-line flag; the error is [`Limit::refusal`].
    pub fn parse_flag(&self, text: &str) -> Result<i64, String> {
        match text.trim().parse::<i64>() {
            Ok(value) if self.accepts(value) => Ok(value),
            _ => Err(self.refusal(&format!("--{}", self.key), &text)),
        }
    }

    /// The `--help` text: the help line with the default and the range.
    pub fn flag_help(&self) -> String {
        format!(
            "{} (default {}; {} to {}).",
            self.help, self.default, self.min, self.max
        )
    }
}

/// The limits as clientlint.toml lines with their defaults, each with its help as a
/// comment (for docs/configuration.md and example configurations).
pub fn toml_example() -> String {
    let width = LIMITS
        .iter()
        .map(|l| l.key.len() + 3 + l.default.to_string().len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for l in LIMITS {
        let line = format!("{} = {}", l.key, l.default);
        out.push_str(&format!("{line:<width$}   # {}\n", l.help));
    }
    out
}

/// The generated part of the limits section of docs/configuration.md: the example and a
/// table of key, flag, default, accepted range and meaning.
pub fn markdown() -> String {
    let mut out = String::from("```toml\n");
    out.push_str(&toml_example());
    out.push_str("```\n\n");
    out.push_str("| key | flag | default | accepted | meaning |\n|---|---|---|---|---|\n");
    for l in LIMITS {
        out.push_str(&format!(
            "| `{key}` | `--{key} N` | {default} | {min}–{max} | {doc} |\n",
            key = l.key,
            default = l.default,
            min = l.min,
            max = l.max,
            doc = l.doc,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Limit, Limits, LIMITS};

    #[test]
    fn every_row_is_consistent() {
        let defaults = Limits::default();
        let mut keys = std::collections::BTreeSet::new();
        for l in LIMITS {
            assert!(keys.insert(l.key), "{} twice", l.key);
            assert!(l.min >= 1, "{}: 0 would disable a protection", l.key);
            assert!(l.accepts(l.default), "{}: default outside its range", l.key);
            assert_eq!((l.get)(&defaults), l.default, "{}", l.key);
            let mut limits = Limits::default();
            (l.set)(&mut limits, l.max);
            assert_eq!((l.get)(&limits), l.max, "{}: get/set fill one field", l.key);
            let mut others = LIMITS.iter().filter(|o| o.key != l.key);
            assert!(others.all(|o| (o.get)(&limits) == o.default));
        }
    }

    #[test]
    fn flags_refuse_values_outside_the_range() {
        let l = Limit::find("ftp-timeout-seconds").expect("a row");
        assert_eq!(l.parse_flag("60"), Ok(60));
        assert_eq!(
            l.parse_flag("0"),
            Err("--ftp-timeout-seconds must be a whole number from 10 to 9999, not 0".to_owned())
        );
        assert!(l.parse_flag("ten").is_err());
        assert!(l.parse_flag("99999999999999999999").is_err());
    }

    #[test]
    fn a_limit_in_clientlint_toml_beats_the_lowest_announced_one_which_beats_the_default() {
        use crate::model::budget::LimitSource;
        let mut limits = Limits::default();
        let limit = |l: &Limits, host: &str, family: &str| {
            let s = l.server_limit(host, family);
            (s.value, s.source)
        };
        assert_eq!(
            limit(&limits, "a.example", "FTP"),
            (8, LimitSource::Default)
        );
        limits.announce(" A.example", "FTP", 4, "421 (4)");
        limits.announce("a.example", "FTP", 6, "421 (6)");
        assert_eq!(
            limit(&limits, "a.EXAMPLE", "FTP"),
            (4, LimitSource::Announced("421 (4)".to_owned()))
        );
        assert_eq!(limit(&limits, "a.example", "IMAP").0, 8);
        limits.server_limits.insert("a.example".to_owned(), 20);
        assert_eq!(
            limit(&limits, "a.example", "FTP"),
            (20, LimitSource::Config)
        );
    }
}
