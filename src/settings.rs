//! Resolved settings for a run: built-in defaults ⊕ clientlint.toml ⊕ command line.
//!
//! Every threshold a rule uses lives here with the default RULES.md documents; rules read
//! them from [`Limits`] and never hold literals of their own.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;

/// The configurable limits of RULES.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most simultaneous FTP transfers (`max-transfers`).
    pub max_transfers: i64,
    /// Most connections one mail account may keep open (`max-connections`).
    pub max_connections: i64,
    /// Shortest automatic new-mail check interval in minutes (`min-poll-minutes`).
    pub min_poll_minutes: i64,
    /// Longest connection timeout in seconds (`ftp-timeout-seconds`).
    pub ftp_timeout_seconds: i64,
    /// Most connections all clients together may open to one server.
    pub server_connection_limit: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_transfers: 3,
            max_connections: 3,
            min_poll_minutes: 10,
            ftp_timeout_seconds: 60,
            server_connection_limit: 8,
        }
    }
}

/// Everything that decides what a run reports.
#[derive(Debug, Clone)]
pub struct Settings {
    pub limits: Limits,
    /// Only these rules, when set.
    pub select: Option<Vec<String>>,
    /// Never these rules.
    pub ignore: Vec<String>,
    /// Severity per rule, replacing the rule's default.
    pub severity: BTreeMap<String, Severity>,
    /// Lowest severity that makes the exit code 1.
    pub fail_on: Severity,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: Limits::default(),
            select: None,
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            fail_on: Severity::Warning,
        }
    }
}

impl Settings {
    /// True when the rule runs in this configuration.
    pub fn is_enabled(&self, rule: &str) -> bool {
        let selected = self
            .select
            .as_ref()
            .map(|s| s.iter().any(|r| r == rule || r == "all"))
            .unwrap_or(true);
        selected && !self.ignore.iter().any(|r| r == rule)
    }
}
