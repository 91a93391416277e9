//! Resolved settings for a run: built-in defaults ⊕ clientlint.toml ⊕ command line.
//!
//! [`file`] reads clientlint.toml; this module applies it. Rule names are checked against
//! the registry by a function the caller passes, so settings know no rule.
//!
//! Every threshold a rule uses is a row of the table of [`limits`], with the default
//! RULES.md documents and its accepted range; rules read them from [`Limits`] and never
//! hold literals of their own.

use std::collections::BTreeMap;

use crate::diagnostic::Severity;

pub mod file;
pub mod limits;

pub use limits::{Limit, Limits, LIMITS};

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

    /// Applies a configuration file over these settings. Limits, rule names, severities
    /// and globs are checked here, with errors pointing into the file.
    pub fn apply_config(
        &mut self,
        loaded: &file::LoadedConfig,
        is_rule: &dyn Fn(&str) -> bool,
    ) -> Result<(), Box<file::ConfigError>> {
        let cx = Applying {
            loaded,
            origin: loaded.path.display().to_string(),
            is_rule,
        };
        self.apply_limits(&cx)?;
        self.apply_rule_lists(&cx)?;
        self.apply_severities(&cx)?;
        self.apply_servers(&cx)?;
        self.apply_per_path_ignores(&cx)
    }

    /// The limits of the table, each checked against its range.
    fn apply_limits(&mut self, cx: &Applying<'_>) -> Result<(), Box<file::ConfigError>> {
        for limit in LIMITS {
            if let Some(value) = cx.loaded.file.limits.get(limit.key) {
                let v = *value.get_ref();
                let help = format!("the default is {}", limit.default);
                cx.check_range(limit, &format!("`{}`", limit.key), value, help)?;
                (limit.set)(&mut self.limits, v);
                self.origins.insert(limit.key.to_owned(), cx.origin.clone());
            }
        }
        Ok(())
    }

    /// `select` and `ignore`.
    fn apply_rule_lists(&mut self, cx: &Applying<'_>) -> Result<(), Box<file::ConfigError>> {
        let f = &cx.loaded.file;
        if let Some(select) = &f.select {
            for r in select {
                cx.check_rule(r)?;
            }
            self.select = Some(select.iter().map(|r| r.get_ref().clone()).collect());
            self.origins.insert("select".to_owned(), cx.origin.clone());
        }
        if let Some(ignore) = &f.ignore {
            for r in ignore {
                cx.check_rule(r)?;
            }
            self.ignore = ignore.iter().map(|r| r.get_ref().clone()).collect();
            self.origins.insert("ignore".to_owned(), cx.origin.clone());
        }
        Ok(())
    }

    /// `[severity]`.
    fn apply_severities(&mut self, cx: &Applying<'_>) -> Result<(), Box<file::ConfigError>> {
        for (rule, severity) in &cx.loaded.file.severity {
            if !(cx.is_rule)(rule) {
                return Err(cx.error(
                    severity.span(),
                    format!("unknown rule `{rule}` in [severity]"),
                    "for an unknown rule",
                    Some("`clientlint rules` lists every rule".to_owned()),
                ));
            }
            let Some(level) = Severity::parse(severity.get_ref()) else {
                return Err(cx.error(
                    severity.span(),
                    format!("unknown severity `{}`", severity.get_ref()),
                    "not a severity",
                    Some("use \"error\", \"warning\" or \"info\"".to_owned()),
                ));
            };
            self.severity.insert(rule.clone(), level);
            self.origins
                .insert(format!("severity.{rule}"), cx.origin.clone());
        }
        Ok(())
    }

    /// `[servers."HOST"] connection-limit` and `per-user-limit`, in the range of
    /// `server-connection-limit`.
    fn apply_servers(&mut self, cx: &Applying<'_>) -> Result<(), Box<file::ConfigError>> {
        for (host, server) in &cx.loaded.file.servers {
            let keys = [
                ("connection-limit", &server.connection_limit),
                ("per-user-limit", &server.per_user_limit),
            ];
            for (key, limit) in keys {
                let Some(limit) = limit else { continue };
                let range = &limits::SERVER_CONNECTION_LIMIT;
                let setting = format!("`[servers.{host:?}] {key}`");
                let help = format!("a server's own limit has the range of `{}`", range.key);
                cx.check_range(range, &setting, limit, help)?;
                let map = if key == "connection-limit" {
                    &mut self.limits.server_limits
                } else {
                    &mut self.limits.per_user_limits
                };
                map.insert(host.to_ascii_lowercase(), *limit.get_ref());
                self.origins
                    .insert(format!("servers.\"{host}\".{key}"), cx.origin.clone());
            }
        }
        Ok(())
    }

    /// `[per-path-ignores]`.
    fn apply_per_path_ignores(&mut self, cx: &Applying<'_>) -> Result<(), Box<file::ConfigError>> {
        for (glob, rules) in &cx.loaded.file.per_path_ignores {
            for r in rules {
                cx.check_rule(r)?;
            }
            let matcher = globset::Glob::new(glob)
                .map_err(|e| {
                    let span = rules.first().map(|r| r.span()).unwrap_or(0..0);
                    cx.error(
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
                .insert(format!("per-path-ignores.\"{glob}\""), cx.origin.clone());
        }
        Ok(())
    }
}

/// A configuration file being applied: its text for errors, its path as the origin of
/// each value, and the rule names it may use.
struct Applying<'a> {
    loaded: &'a file::LoadedConfig,
    origin: String,
    is_rule: &'a dyn Fn(&str) -> bool,
}

impl Applying<'_> {
    /// An error pointing at `span` of the file.
    fn error(
        &self,
        span: std::ops::Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Box<file::ConfigError> {
        Box::new(file::ConfigError::at(
            &self.loaded.path,
            &self.loaded.text,
            Some(span),
            message,
            label,
            help,
        ))
    }

    /// Refuses a rule name that is neither a rule nor `all`.
    fn check_rule(&self, name: &toml::Spanned<String>) -> Result<(), Box<file::ConfigError>> {
        let n = name.get_ref();
        if n == "all" || (self.is_rule)(n) {
            return Ok(());
        }
        Err(self.error(
            name.span(),
            format!("unknown rule `{n}` in `{}`", self.loaded.path.display()),
            "no such rule",
            Some("`clientlint rules` lists every rule".to_owned()),
        ))
    }

    /// Refuses a value of `setting` outside the range of `limit`.
    fn check_range(
        &self,
        limit: &Limit,
        setting: &str,
        value: &toml::Spanned<i64>,
        help: String,
    ) -> Result<(), Box<file::ConfigError>> {
        if limit.accepts(*value.get_ref()) {
            return Ok(());
        }
        Err(self.error(
            value.span(),
            limit.refusal(setting, value.get_ref()),
            &format!("outside {}–{}", limit.min, limit.max),
            Some(format!("{help}; see docs/configuration.md")),
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::file::{parse, LoadedConfig};
    use super::Settings;

    fn apply(text: &str) -> Result<Settings, Box<super::file::ConfigError>> {
        let path = Path::new("c.toml");
        let loaded = LoadedConfig {
            path: PathBuf::from(path),
            text: text.to_owned(),
            file: parse(path, text)?,
        };
        let mut settings = Settings::default();
        settings.apply_config(&loaded, &|_| true)?;
        Ok(settings)
    }

    #[test]
    fn limits_fill_their_fields_and_record_the_file() {
        let s = apply(
            "ftp-timeout-seconds = 30\n[servers.\"Mail.Example.com\"]\nconnection-limit = 4\nper-user-limit = 2\n",
        )
        .expect("valid");
        assert_eq!(s.limits.ftp_timeout_seconds, 30);
        let limit = s.limits.server_limit("mail.example.com", "IMAP");
        assert_eq!(
            (limit.value, limit.source),
            (4, crate::model::budget::LimitSource::Config)
        );
        assert_eq!(s.limits.server_limit("other.example.com", "IMAP").value, 8);
        let per_user = s.limits.per_user_limit("MAIL.example.com").expect("set");
        assert_eq!(per_user.value, 2);
        assert!(s.limits.per_user_limit("other.example.com").is_none());
        assert_eq!(s.origins["ftp-timeout-seconds"], "c.toml");
    }

    #[test]
    fn values_outside_a_range_are_refused_at_the_value() {
        for (text, value, message) in [
            (
                "min-poll-minutes = 4294967296\n",
                "4294967296",
                "`min-poll-minutes` must be a whole number from 1 to 1440, not 4294967296",
            ),
            (
                "max-transfers = 0\n",
                "0",
                "`max-transfers` must be a whole number from 1 to 10, not 0",
            ),
            (
                "[servers.\"h\"]\nconnection-limit = -1\n",
                "-1",
                "`[servers.\"h\"] connection-limit` must be a whole number from 1 to 100000, not -1",
            ),
            (
                "[servers.\"h\"]\nper-user-limit = 0\n",
                "0",
                "`[servers.\"h\"] per-user-limit` must be a whole number from 1 to 100000, not 0",
            ),
        ] {
            let e = apply(text).expect_err(text);
            assert_eq!(e.message, message);
            let span = e.span.expect("span");
            assert_eq!(&text[span.offset()..span.offset() + span.len()], value);
        }
    }
}
