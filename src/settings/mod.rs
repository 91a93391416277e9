//! Resolved settings for a run: built-in defaults ⊕ clientlint.toml ⊕ command line.
//!
//! [`file`] reads clientlint.toml; this module applies it. Rule names are checked against
//! the registry by a function the caller passes, so settings know no rule.
//!
//! Every threshold a rule uses lives here with the default RULES.md documents; rules read
//! them from [`Limits`] and never hold literals of their own.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;

pub mod file;

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
    /// Per-host overrides of `server_connection_limit` (host names lower-cased).
    pub server_limits: BTreeMap<String, i64>,
}

impl Limits {
    /// The connection limit of one server.
    pub fn connection_limit_for(&self, host: &str) -> i64 {
        self.server_limits
            .get(&host.to_ascii_lowercase())
            .copied()
            .unwrap_or(self.server_connection_limit)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_transfers: 3,
            max_connections: 3,
            min_poll_minutes: 10,
            ftp_timeout_seconds: 60,
            server_connection_limit: 8,
            server_limits: BTreeMap::new(),
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
    /// Rules ignored for paths matching a glob.
    pub per_path_ignores: Vec<PathIgnore>,
    /// Where each configured value came from, for `clientlint config`.
    pub origins: BTreeMap<String, String>,
}

/// `[per-path-ignores]`: rules not reported for files whose path matches `glob`.
#[derive(Debug, Clone)]
pub struct PathIgnore {
    pub glob: String,
    pub matcher: globset::GlobMatcher,
    pub rules: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            limits: Limits::default(),
            select: None,
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            fail_on: Severity::Warning,
            per_path_ignores: Vec::new(),
            origins: BTreeMap::new(),
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

    /// True when `rule` is ignored for the file at `path`.
    pub fn is_ignored_for_path(&self, rule: &str, path: &std::path::Path) -> bool {
        self.per_path_ignores
            .iter()
            .any(|p| p.rules.iter().any(|r| r == rule || r == "all") && p.matcher.is_match(path))
    }

    /// Applies a configuration file over these settings. Rule names, severities and globs
    /// are checked here, with errors pointing into the file.
    pub fn apply_config(
        &mut self,
        loaded: &file::LoadedConfig,
        is_rule: &dyn Fn(&str) -> bool,
    ) -> Result<(), Box<file::ConfigError>> {
        use file::ConfigError;
        let origin = format!("{}", loaded.path.display());
        let err =
            |span: std::ops::Range<usize>, message: String, label: &str, help: Option<String>| {
                Box::new(ConfigError::at(
                    &loaded.path,
                    &loaded.text,
                    Some(span),
                    message,
                    label,
                    help,
                ))
            };
        let check_rule = |name: &toml::Spanned<String>| {
            let n = name.get_ref();
            if n == "all" || is_rule(n) {
                Ok(())
            } else {
                Err(err(
                    name.span(),
                    format!("unknown rule `{n}` in `{}`", loaded.path.display()),
                    "no such rule",
                    Some("`clientlint rules` lists every rule".to_owned()),
                ))
            }
        };
        let f = &loaded.file;
        let limits: [(&str, &Option<toml::Spanned<i64>>, &mut i64); 5] = [
            (
                "max-transfers",
                &f.max_transfers,
                &mut self.limits.max_transfers,
            ),
            (
                "max-connections",
                &f.max_connections,
                &mut self.limits.max_connections,
            ),
            (
                "min-poll-minutes",
                &f.min_poll_minutes,
                &mut self.limits.min_poll_minutes,
            ),
            (
                "ftp-timeout-seconds",
                &f.ftp_timeout_seconds,
                &mut self.limits.ftp_timeout_seconds,
            ),
            (
                "server-connection-limit",
                &f.server_connection_limit,
                &mut self.limits.server_connection_limit,
            ),
        ];
        for (key, value, slot) in limits {
            if let Some(v) = value {
                if *v.get_ref() < 0 {
                    return Err(err(
                        v.span(),
                        format!("`{key}` must not be negative"),
                        "negative",
                        None,
                    ));
                }
                *slot = *v.get_ref();
                self.origins.insert(key.to_owned(), origin.clone());
            }
        }
        if let Some(select) = &f.select {
            for r in select {
                check_rule(r)?;
            }
            self.select = Some(select.iter().map(|r| r.get_ref().clone()).collect());
            self.origins.insert("select".to_owned(), origin.clone());
        }
        if let Some(ignore) = &f.ignore {
            for r in ignore {
                check_rule(r)?;
            }
            self.ignore = ignore.iter().map(|r| r.get_ref().clone()).collect();
            self.origins.insert("ignore".to_owned(), origin.clone());
        }
        for (rule, severity) in &f.severity {
            if !is_rule(rule) {
                return Err(err(
                    severity.span(),
                    format!("unknown rule `{rule}` in [severity]"),
                    "for an unknown rule",
                    Some("`clientlint rules` lists every rule".to_owned()),
                ));
            }
            let Some(level) = Severity::parse(severity.get_ref()) else {
                return Err(err(
                    severity.span(),
                    format!("unknown severity `{}`", severity.get_ref()),
                    "not a severity",
                    Some("use \"error\", \"warning\" or \"info\"".to_owned()),
                ));
            };
            self.severity.insert(rule.clone(), level);
            self.origins
                .insert(format!("severity.{rule}"), origin.clone());
        }
        for (host, server) in &f.servers {
            if let Some(limit) = &server.connection_limit {
                self.limits
                    .server_limits
                    .insert(host.to_ascii_lowercase(), *limit.get_ref());
                self.origins.insert(
                    format!("servers.\"{host}\".connection-limit"),
                    origin.clone(),
                );
            }
        }
        for (glob, rules) in &f.per_path_ignores {
            for r in rules {
                check_rule(r)?;
            }
            let matcher = globset::Glob::new(glob)
                .map_err(|e| {
                    let span = rules.first().map(|r| r.span()).unwrap_or(0..0);
                    err(
                        span,
                        format!("invalid glob `{glob}`: {e}"),
                        "for this glob",
                        None,
                    )
                })?
                .compile_matcher();
            self.per_path_ignores.push(PathIgnore {
                glob: glob.clone(),
                matcher,
                rules: rules.iter().map(|r| r.get_ref().clone()).collect(),
            });
            self.origins
                .insert(format!("per-path-ignores.\"{glob}\""), origin.clone());
        }
        Ok(())
    }
}
