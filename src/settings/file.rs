//! clientlint.toml: the schema, where the file is found, and errors that point into it.
//!
//! Lookup order (first found wins): `--config FILE`; `clientlint.toml` or
//! `.clientlint.toml` in the current directory or any parent; the user's config directory
//! (`~/.config/clientlint/clientlint.toml`, `%APPDATA%\clientlint\clientlint.toml`); then a
//! system-wide file for managed desktops (`/etc/clientlint.toml`,
//! `%ProgramData%\clientlint\clientlint.toml`). `--isolated` ignores them all. Unknown keys
//! and wrong types are errors with a span, rendered by miette; values outside a limit's
//! range are refused when the file is applied ([`super::Settings::apply_config`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use toml::Spanned;

use super::limits::{Limit, LIMITS};

/// The file as written. Every field is optional so that "unset" differs from a value.
///
/// The limits are the keys of the table of limits ([`super::limits::LIMITS`]); serde reads
/// them through [`Key`], which refuses any other name with an error on the key's bytes, as
/// `deny_unknown_fields` would.
#[derive(Debug, Default)]
pub struct ConfigFile {
    /// The limits set in the file, by key (`max-transfers = 2`).
    pub limits: BTreeMap<&'static str, Spanned<i64>>,
    /// Run only these rules.
    pub select: Option<Vec<Spanned<String>>>,
    /// Never run these rules.
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Severity per rule: "error", "warning" or "info".
    pub severity: BTreeMap<String, Spanned<String>>,
    /// Limits per server host.
    pub servers: BTreeMap<String, ServerConfig>,
    /// Rules to ignore for paths matching a glob.
    pub per_path_ignores: BTreeMap<String, Vec<Spanned<String>>>,
}

/// A top-level key of clientlint.toml.
enum Key {
    Limit(&'static Limit),
    Select,
    Ignore,
    Severity,
    Servers,
    PerPathIgnores,
}

/// The top-level keys other than the limits, in the order of the docs.
const OTHER_KEYS: [(&str, Key); 5] = [
    ("select", Key::Select),
    ("ignore", Key::Ignore),
    ("severity", Key::Severity),
    ("servers", Key::Servers),
    ("per-path-ignores", Key::PerPathIgnores),
];

/// Every top-level key, for "expected one of …".
fn key_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        LIMITS
            .iter()
            .map(|l| l.key)
            .chain(OTHER_KEYS.iter().map(|(name, _)| *name))
            .collect()
    })
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a clientlint.toml key")
            }
            // Raised while the key is read, so toml points the error at the key's bytes.
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
                if let Some(limit) = Limit::find(name) {
                    return Ok(Key::Limit(limit));
                }
                match OTHER_KEYS.into_iter().find(|(n, _)| *n == name) {
                    Some((_, key)) => Ok(key),
                    None => Err(E::unknown_field(name, key_names())),
                }
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for ConfigFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = ConfigFile;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a clientlint.toml table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ConfigFile, A::Error> {
                let mut file = ConfigFile::default();
                while let Some(key) = map.next_key::<Key>()? {
                    match key {
                        Key::Limit(limit) => {
                            file.limits.insert(limit.key, map.next_value()?);
                        }
                        Key::Select => file.select = Some(map.next_value()?),
                        Key::Ignore => file.ignore = Some(map.next_value()?),
                        Key::Severity => file.severity = map.next_value()?,
                        Key::Servers => file.servers = map.next_value()?,
                        Key::PerPathIgnores => file.per_path_ignores = map.next_value()?,
                    }
                }
                Ok(file)
            }
        }
        deserializer.deserialize_map(FileVisitor)
    }
}

/// `[servers."mail.example.com"]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServerConfig {
    /// Most connections all clients together may open to this server.
    pub connection_limit: Option<Spanned<i64>>,
    /// Most connections one user's clients together may open to this server.
    pub per_user_limit: Option<Spanned<i64>>,
}

/// A configuration error that points into the file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(clientlint::config))]
pub struct ConfigError {
    pub message: String,
    #[source_code]
    pub source_code: miette::NamedSource<String>,
    #[label("{label}")]
    pub span: Option<miette::SourceSpan>,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

impl ConfigError {
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<std::ops::Range<usize>>,
        message: impl Into<String>,
        label: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ConfigError {
            message: message.into(),
            source_code: miette::NamedSource::new(path.display().to_string(), text.to_owned()),
            span: span.map(|r| miette::SourceSpan::from(r.start..r.end)),
            label: label.into(),
            help,
        }
    }
}

/// Draws a configuration error with its source line, without colour.
pub fn render_error(e: &ConfigError) -> String {
    let mut out = String::new();
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
    if handler.render_report(&mut out, e).is_err() {
        out = crate::escape::terminal(&e.message).into_owned();
    }
    // Drawn without colour, so every control character in it came from the file or a path.
    crate::escape::source_text(out)
}

/// A configuration file that was read, with its text (for error rendering).
#[derive(Debug)]
pub struct LoadedConfig {
    pub path: PathBuf,
    pub text: String,
    pub file: ConfigFile,
}

/// Parses clientlint.toml text.
pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, Box<ConfigError>> {
    toml::from_str::<ConfigFile>(text).map_err(|e| {
        Box::new(ConfigError::at(
            path,
            text,
            e.span(),
            format!(
                "invalid configuration in `{}`: {}",
                path.display(),
                e.message()
            ),
            "here",
            Some("see docs/configuration.md for every key".to_owned()),
        ))
    })
}

/// The places searched for a configuration file, in order, when `--config` is not given.
pub fn candidates(cwd: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in cwd.ancestors() {
        out.push(dir.join("clientlint.toml"));
        out.push(dir.join(".clientlint.toml"));
    }
    if let Some(dir) = dirs::config_dir() {
        out.push(dir.join("clientlint").join("clientlint.toml"));
    }
    if cfg!(windows) {
        if let Some(pd) = std::env::var_os("ProgramData") {
            out.push(PathBuf::from(pd).join("clientlint").join("clientlint.toml"));
        }
    } else {
        out.push(PathBuf::from("/etc/clientlint.toml"));
    }
    out
}

/// Finds and reads the configuration: `explicit` if given (it must exist), else the first
/// candidate that exists. `Ok(None)` when there is none.
pub fn load(explicit: Option<&Path>, cwd: &Path) -> anyhow::Result<Option<LoadedConfig>> {
    use anyhow::Context as _;
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match candidates(cwd).into_iter().find(|p| p.is_file()) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read the configuration `{}`", path.display()))?;
    let file = parse(&path, &text)?;
    Ok(Some(LoadedConfig { path, text, file }))
}

#[cfg(test)]
mod tests {
    use super::parse;
    use std::path::Path;

    #[test]
    fn reads_every_section() {
        let c = parse(
            Path::new("c.toml"),
            "max-connections = 2\nselect = [\"smtp-port-25\"]\n[severity]\nsmtp-port-25 = \"error\"\n[servers.\"imap.example.com\"]\nconnection-limit = 4\n[per-path-ignores]\n\"**/user.js\" = [\"poll-interval-too-short\"]\n",
        )
        .expect("valid");
        assert_eq!(
            c.limits.get("max-connections").map(|s| *s.get_ref()),
            Some(2)
        );
        assert_eq!(
            c.servers["imap.example.com"]
                .connection_limit
                .as_ref()
                .map(|s| *s.get_ref()),
            Some(4)
        );
        assert_eq!(c.per_path_ignores["**/user.js"].len(), 1);
    }

    #[test]
    fn unknown_keys_and_wrong_types_point_at_the_bytes() {
        let text = "max-conections = 2\n";
        let e = parse(Path::new("c.toml"), text).expect_err("unknown key");
        let span = e.span.expect("span");
        assert_eq!(
            &text[span.offset()..span.offset() + span.len()],
            "max-conections"
        );
        let text = "max-connections = \"two\"\n";
        let e = parse(Path::new("c.toml"), text).expect_err("wrong type");
        let span = e.span.expect("span");
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "\"two\"");
    }
}
