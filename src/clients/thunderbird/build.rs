//! Thunderbird profiles: prefs.js and user.js layers → the common model.
//!
//! Facts from `reference/thunderbird.md`: user.js is read after prefs.js at every start, so
//! it wins (§1.1); inside one file the last statement wins; a value whose type differs from
//! the pref's type is rejected; per-server reads fall back from `mail.server.<key>.<name>`
//! to `mail.server.default.<name>` and then to built-in defaults (§3); the account list is
//! `mail.accountmanager.accounts` → `mail.account.X.server` → `mail.server.Y.*`, outgoing
//! servers are `mail.smtpservers` → `mail.smtpserver.Z.*`; ports -1/0 mean the protocol
//! default for the security mode (§5); socketType/try_ssl 0/1/2/3 and authMethod 1–10 (§4).

// Pref names come from files we lint, but a map per profile lives for one build:
// collision flooding is not a concern, and SipHash was 5 % of a fleet-wide run.
use foldhash::{HashMap, HashMapExt};

use crate::formats::prefs::{self, ParsedPrefs, PrefEntry, PrefErrorKind, PrefValue};
use crate::model::{
    AuthMethod, Client, FileFinding, FileFindingKind, Insertion, Location, Note, Origin, Profile,
    Protocol, Role, Security, Server, Setting, Value,
};
use crate::source::{FileId, Files, SourceFile, Span};

/// Which layer a file is in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// prefs.js: written by Thunderbird.
    Prefs,
    /// user.js: read after prefs.js at every start, so its values win.
    User,
}

impl Layer {
    fn file_label(self) -> &'static str {
        match self {
            Layer::Prefs => "prefs.js",
            Layer::User => "user.js",
        }
    }
}

/// Why the profile in `dir` is in use by a running Thunderbird, if it is (reference §1.2):
/// the old-style `lock` symlink exists (Unix), or `.parentlock` (Unix, macOS) or
/// `parent.lock` (Windows) is locked by another process.
pub fn profile_lock(dir: &std::path::Path) -> Option<String> {
    let symlink = dir.join("lock");
    if std::fs::symlink_metadata(&symlink)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false)
    {
        return Some(format!(
            "Thunderbird's lock `{}` exists: Thunderbird is running on this profile (or crashed and left the lock behind)",
            symlink.display()
        ));
    }
    for name in [".parentlock", "parent.lock"] {
        let path = dir.join(name);
        if path.is_file() && crate::lock::fcntl_lock_held(&path) {
            return Some(format!(
                "`{}` is locked: Thunderbird is running on this profile",
                path.display()
            ));
        }
    }
    None
}

/// True when a pref's value is a secret that no output may show: its name contains
/// "password", "passwd", "token", "secret" or "credential", in any case.
pub fn is_secret_pref(name: &str) -> bool {
    // One pass over the name, comparing only where a word's first two letters are: this
    // runs for every pref of every profile, and a fleet has millions.
    let bytes = name.as_bytes();
    let word_at = |i: usize, word: &[u8]| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|s| s.eq_ignore_ascii_case(word))
    };
    bytes.windows(2).enumerate().any(|(i, pair)| {
        match [pair[0].to_ascii_lowercase(), pair[1].to_ascii_lowercase()] {
            [b'p', b'a'] => word_at(i, b"password") || word_at(i, b"passwd"),
            [b't', b'o'] => word_at(i, b"token"),
            [b's', b'e'] => word_at(i, b"secret"),
            [b'c', b'r'] => word_at(i, b"credential"),
            _ => false,
        }
    })
}

/// Registers every secret value of a parsed prefs file with the file, including values of
/// statements that a syntax error swallowed (they are still drawn in snippets).
pub fn register_secrets(file: &mut SourceFile, parsed: &ParsedPrefs) {
    for e in &parsed.entries {
        if is_secret_pref(&e.name) {
            file.secrets.push(e.value_span);
        }
    }
    for err in &parsed.errors {
        for (name, name_span) in &err.lost {
            if is_secret_pref(name) {
                // Mask from after the name to the end of the statement's line or of the
                // skipped text, whichever comes first.
                let line_end = file.next_line_start(name_span.end);
                let end = line_end.min(err.skipped.end.max(name_span.end));
                file.secrets.push(Span::new(name_span.end, end));
            }
        }
    }
}

/// The expected type of the per-server prefs that rules read.
fn expected_type(name: &str) -> Option<&'static str> {
    let suffix = server_pref_suffix(name)?;
    Some(match suffix {
        "port"
        | "socketType"
        | "authMethod"
        | "check_time"
        | "max_cached_connections"
        | "timeout"
        | "try_ssl" => "int",
        "check_new_mail" | "isSecure" | "login_at_startup" | "use_idle" | "leave_on_server"
        | "download_on_biff" => "bool",
        "hostname" | "realhostname" | "type" | "userName" | "realuserName" | "username" => "string",
        _ => return None,
    })
}

/// `check_time` for `mail.server.server2.check_time` and `mail.smtpserver.smtp1.…`.
fn server_pref_suffix(name: &str) -> Option<&str> {
    let rest = name
        .strip_prefix("mail.server.")
        .or_else(|| name.strip_prefix("mail.smtpserver."))?;
    let (_, suffix) = rest.split_once('.')?;
    Some(suffix)
}

/// One applied statement: which layer and which entry.
#[derive(Clone, Copy)]
struct Applied<'a> {
    file: FileId,
    layer: Layer,
    entry: &'a PrefEntry,
}

/// A parsed layer of a profile.
pub struct LayerInput<'a> {
    pub file: FileId,
    pub layer: Layer,
    pub parsed: &'a ParsedPrefs,
    /// False for a default prefs file (defaults/pref/*.js), where `pref(` is the norm.
    pub user_file: bool,
}

/// Builds the model of one Thunderbird profile from its layers (lowest first).
pub fn build_profile(name: String, files: &Files, layers: &[LayerInput<'_>]) -> Profile {
    let mut profile = Profile::new(Client::Thunderbird, name);
    profile.files = layers.iter().map(|l| l.file).collect();
    for l in layers {
        report_parse_errors(&mut profile, l);
    }
    let effective = apply_layers(&mut profile, layers);
    let insert_target = choose_insert_target(layers);
    let ctx = Builder {
        files,
        effective,
        insert_target_sorted: insert_target.map(|t| is_sorted(files, t)).unwrap_or(false),
        insert_target,
        fallback_anchor: layers
            .first()
            .map(|l| (l.file, Span::empty(0)))
            .unwrap_or((0, Span::empty(0))),
    };
    ctx.build_servers(&mut profile);
    profile
}

fn report_parse_errors(profile: &mut Profile, l: &LayerInput<'_>) {
    for err in &l.parsed.errors {
        let lost: Vec<String> = err.lost.iter().map(|(n, _)| format!("`{n}`")).collect();
        let loses = if lost.is_empty() {
            "no pref is lost".to_owned()
        } else {
            format!("Thunderbird loses {}", lost.join(", "))
        };
        let (kind, message) = match err.kind {
            PrefErrorKind::Overflow => (
                FileFindingKind::InvalidValue,
                format!(
                    "integer literal overflowed (the range is -2147483648..2147483647): {loses}"
                ),
            ),
            PrefErrorKind::Syntax => (
                FileFindingKind::SyntaxError,
                format!("{}: {loses}", err.message),
            ),
        };
        let mut notes = Vec::new();
        if err.skipped.len() > err.span.len() {
            notes.push(Note {
                file: l.file,
                span: err.skipped,
                text: "Thunderbird skips everything up to the next `;`".to_owned(),
            });
        }
        profile.findings.push(FileFinding {
            kind,
            file: l.file,
            span: err.span,
            label: err.message.to_owned(),
            message,
            help: Some(match l.layer {
                Layer::Prefs => "Thunderbird skips to the next `;`, copies the file to Invalidprefs.js and rewrites prefs.js without the skipped text when it exits; correct the statement (with Thunderbird closed)".to_owned(),
                Layer::User => "Thunderbird skips to the next `;` and applies the rest; correct the statement".to_owned(),
            }),
            notes,
            account: None,
        });
    }
    for e in &l.parsed.entries {
        if e.value_not_utf8 {
            profile.findings.push(FileFinding {
                kind: FileFindingKind::InvalidValue,
                file: l.file,
                span: e.value_span,
                label: "not valid UTF-8".to_owned(),
                message: format!(
                    "the value of `{}` is not valid UTF-8: Thunderbird stores the bytes as they are and shows them garbled",
                    e.name
                ),
                help: Some("save the file as UTF-8, or write non-ASCII characters as \\uNNNN escapes".to_owned()),
                notes: Vec::new(),
                account: None,
            });
        }
    }
}

/// Applies the layers in order; reports duplicates, overrides and type mismatches.
fn apply_layers<'a>(
    profile: &mut Profile,
    layers: &'a [LayerInput<'a>],
) -> HashMap<&'a str, Applied<'a>> {
    let mut effective: HashMap<&'a str, Applied<'a>> = HashMap::new();
    for l in layers {
        for entry in &l.parsed.entries {
            let name = entry.name.as_str();
            if let Some(want) = expected_type(name) {
                if entry.value.type_name() != want {
                    let shown = if is_secret_pref(name) {
                        "a value".to_owned()
                    } else {
                        format!(
                            "{} {}",
                            entry.value.type_name(),
                            display_value(&entry.value)
                        )
                    };
                    profile.findings.push(FileFinding {
                        kind: FileFindingKind::InvalidValue,
                        file: l.file,
                        span: entry.value_span,
                        label: format!("a {}, not an {want}", entry.value.type_name()),
                        message: format!(
                            "`{name}` must be {} {want}, but is {shown}: Thunderbird rejects the value and keeps the previous one or the default",
                            if want == "int" { "an" } else { "a" }
                        ),
                        help: Some(format!("write it as {}", example_of(want))),
                        notes: Vec::new(),
                        account: None,
                    });
                    continue;
                }
            }
            if entry.default_branch && l.user_file {
                profile.findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file: l.file,
                    span: Span::new(entry.statement_span.start, entry.name_span.start),
                    label: "a default, not a user value".to_owned(),
                    message: match l.layer {
                        Layer::Prefs => format!(
                            "`{name}` is set with `pref(`, which sets a default, not a user value: Thunderbird applies it only until it next rewrites prefs.js, then the line is gone"
                        ),
                        Layer::User => format!(
                            "`{name}` is set with `pref(`, which sets only the default value: a user value of the same pref (in prefs.js or the settings dialog) wins over it"
                        ),
                    },
                    help: Some("write `user_pref(` instead".to_owned()),
                    notes: Vec::new(),
                    account: None,
                });
            }
            if let Some(prev) = effective.get(name) {
                // A default-branch value never overrides a user value, whatever the order.
                if entry.default_branch && !prev.entry.default_branch {
                    continue;
                }
                if prev.file == l.file {
                    profile.findings.push(FileFinding {
                        kind: FileFindingKind::DuplicateSetting,
                        file: prev.file,
                        span: prev.entry.name_span,
                        label: "set here first".to_owned(),
                        message: format!(
                            "`{name}` is set twice in {}: Thunderbird uses the last one",
                            l.layer.file_label()
                        ),
                        help: Some(
                            "delete the first statement so the file says what Thunderbird does"
                                .to_owned(),
                        ),
                        notes: vec![Note {
                            file: l.file,
                            span: entry.name_span,
                            text: "this later value wins".to_owned(),
                        }],
                        account: None,
                    });
                } else if prev.entry.value != entry.value {
                    profile.findings.push(FileFinding {
                        kind: FileFindingKind::OverriddenSetting,
                        file: prev.file,
                        span: prev.entry.value_span,
                        label: "overridden".to_owned(),
                        message: format!(
                            "`{name}` in {} is overridden by {}, which Thunderbird reads after it at every start: editing this value has no effect",
                            prev.layer.file_label(),
                            l.layer.file_label()
                        ),
                        help: Some(format!(
                            "change the value in {} instead",
                            l.layer.file_label()
                        )),
                        notes: vec![Note {
                            file: l.file,
                            span: entry.value_span,
                            text: "this value wins".to_owned(),
                        }],
                        account: None,
                    });
                }
            }
            effective.insert(
                name,
                Applied {
                    file: l.file,
                    layer: l.layer,
                    entry,
                },
            );
        }
    }
    effective
}

fn display_value(v: &PrefValue) -> String {
    match v {
        PrefValue::Bool(b) => b.to_string(),
        PrefValue::Int(i) => i.to_string(),
        PrefValue::Str(s) => prefs::quote(s),
    }
}

fn example_of(ty: &str) -> &'static str {
    match ty {
        "int" => "a number without quotes, e.g. 10",
        "bool" => "true or false without quotes",
        _ => "a quoted string",
    }
}

/// Where missing prefs are inserted: user.js when it already manages `mail.` prefs
/// (editing prefs.js would be undone by it anyway), else prefs.js, else the only layer.
fn choose_insert_target<'a>(layers: &'a [LayerInput<'a>]) -> Option<&'a LayerInput<'a>> {
    let user = layers.iter().find(|l| l.layer == Layer::User);
    if let Some(u) = user {
        if u.parsed.entries.iter().any(|e| e.name.starts_with("mail.")) {
            return Some(u);
        }
    }
    layers.iter().find(|l| l.layer == Layer::Prefs).or(user)
}

fn write_value(v: &Value) -> Option<String> {
    Some(match v {
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Security(s) => socket_type_number(*s).to_string(),
        Value::Auth(a) => auth_number(*a).to_string(),
    })
}

fn socket_type_number(s: Security) -> i64 {
    match s {
        Security::None => 0,
        Security::TryStartTls => 1,
        Security::StartTls => 2,
        Security::ImplicitTls => 3,
    }
}

fn auth_number(a: AuthMethod) -> i64 {
    match a {
        AuthMethod::None => 1,
        AuthMethod::Old => 2,
        AuthMethod::PasswordCleartext => 3,
        AuthMethod::PasswordEncrypted => 4,
        AuthMethod::Gssapi => 5,
        AuthMethod::Ntlm => 6,
        AuthMethod::External => 7,
        AuthMethod::Secure => 8,
        AuthMethod::Anything => 9,
        AuthMethod::OAuth2 => 10,
    }
}

fn auth_from_number(n: i64) -> Option<AuthMethod> {
    Some(match n {
        1 => AuthMethod::None,
        2 => AuthMethod::Old,
        3 => AuthMethod::PasswordCleartext,
        4 => AuthMethod::PasswordEncrypted,
        5 => AuthMethod::Gssapi,
        6 => AuthMethod::Ntlm,
        7 => AuthMethod::External,
        8 => AuthMethod::Secure,
        9 => AuthMethod::Anything,
        10 => AuthMethod::OAuth2,
        _ => return None,
    })
}

fn security_from_number(n: i64) -> Option<Security> {
    Some(match n {
        0 => Security::None,
        1 => Security::TryStartTls,
        2 => Security::StartTls,
        3 => Security::ImplicitTls,
        _ => return None,
    })
}

/// True when the layer's statements are in Gecko's byte-wise sorted order.
fn is_sorted(files: &Files, layer: &LayerInput<'_>) -> bool {
    let Some(file) = files.get(layer.file) else {
        return false;
    };
    layer
        .parsed
        .entries
        .windows(2)
        .all(|w| file.slice(w[0].statement_span) <= file.slice(w[1].statement_span))
}

struct Builder<'a> {
    files: &'a Files,
    effective: HashMap<&'a str, Applied<'a>>,
    insert_target: Option<&'a LayerInput<'a>>,
    /// Whether the insert target is sorted, computed once.
    insert_target_sorted: bool,
    fallback_anchor: (FileId, Span),
}

impl<'a> Builder<'a> {
    fn get(&self, name: &str) -> Option<Applied<'a>> {
        self.effective.get(name).copied()
    }

    fn get_str(&self, name: &str) -> Option<&'a str> {
        match &self.get(name)?.entry.value {
            PrefValue::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    fn location(&self, a: Applied<'a>) -> Location {
        Location {
            file: a.file,
            file_name: a.layer.file_label().to_owned(),
            key: a
                .entry
                .name
                .rsplit('.')
                .next()
                .unwrap_or(&a.entry.name)
                .to_owned(),
            key_span: a.entry.name_span,
            value_span: a.entry.value_span,
            writer: write_value,
        }
    }

    /// The insertion of `user_pref("name", …);` in the target layer, in its style.
    fn insertion(&self, name: &str) -> Option<Insertion> {
        let target = self.insert_target?;
        let file = self.files.get(target.file)?;
        let eol = file.line_ending.as_str();
        let new_prefix = format!("user_pref({}, ", prefs::quote(name));
        let entries = &target.parsed.entries;
        let statement = |e: &PrefEntry| file.slice(e.statement_span);
        // Gecko writes prefs.js sorted byte-wise by line: keep a sorted file sorted.
        let before = if self.insert_target_sorted && !entries.is_empty() {
            entries
                .iter()
                .find(|e| statement(e) > new_prefix.as_str())
                // Only insert before a statement that starts its own line.
                .filter(|e| {
                    file.slice(Span::new(
                        file.line_start(e.statement_span.start),
                        e.statement_span.start,
                    ))
                    .trim()
                    .is_empty()
                })
        } else {
            None
        };
        let (at, prefix) = match before {
            Some(e) => (file.line_start(e.statement_span.start), new_prefix),
            None => {
                let end = file.text.len();
                let needs_eol = !file.text.is_empty() && !file.text.ends_with('\n');
                (
                    end,
                    if needs_eol {
                        format!("{eol}{new_prefix}")
                    } else {
                        new_prefix
                    },
                )
            }
        };
        Some(Insertion {
            file: target.file,
            file_name: target.layer.file_label().to_owned(),
            at,
            prefix,
            suffix: format!(");{eol}"),
            writer: write_value,
        })
    }

    /// An int pref of a server, falling back to the branch's `default` key, then to
    /// `builtin`.
    fn server_int(
        &self,
        branch: &str,
        key: &str,
        name: &str,
        builtin: i64,
        anchor: (FileId, Span),
    ) -> (Setting<i64>, bool) {
        let own = format!("{branch}.{key}.{name}");
        for candidate in [own.clone(), format!("{branch}.default.{name}")] {
            if let Some(a) = self.get(&candidate) {
                if let PrefValue::Int(v) = a.entry.value {
                    return (Setting::explicit(i64::from(v), self.location(a)), true);
                }
            }
        }
        (
            Setting {
                value: builtin,
                origin: Origin::Default {
                    note: format!("`{name}` is absent: Thunderbird uses {builtin}"),
                    anchor,
                    insert: (self.insertion(&own)).map(Box::new),
                },
            },
            false,
        )
    }

    fn server_bool(&self, key: &str, name: &str) -> Option<Setting<bool>> {
        let a = self.get(&format!("mail.server.{key}.{name}"))?;
        match a.entry.value {
            PrefValue::Bool(b) => Some(Setting::explicit(b, self.location(a))),
            _ => None,
        }
    }

    fn string_setting(&self, name: &str) -> Option<Setting<String>> {
        let a = self.get(name)?;
        match &a.entry.value {
            PrefValue::Str(s) => Some(Setting::explicit(s.clone(), self.location(a))),
            _ => None,
        }
    }

    /// Where diagnostics about a server as a whole point: its hostname, else its type.
    fn server_anchor(&self, branch: &str, key: &str) -> (FileId, Span) {
        ["hostname", "type", "name"]
            .iter()
            .find_map(|n| self.get(&format!("{branch}.{key}.{n}")))
            .map(|a| (a.file, a.entry.statement_span))
            .unwrap_or(self.fallback_anchor)
    }

    fn build_servers(&self, profile: &mut Profile) {
        let accounts = self
            .get_str("mail.accountmanager.accounts")
            .map(split_list)
            .unwrap_or_default();
        for account in accounts {
            let Some(key) = self.get_str(&format!("mail.account.{account}.server")) else {
                continue;
            };
            let key = key.trim();
            let protocol = match self.get_str(&format!("mail.server.{key}.type")) {
                Some("imap") => Protocol::Imap,
                Some("pop3") => Protocol::Pop3,
                Some("nntp") => Protocol::Nntp,
                _ => continue,
            };
            if let Some(server) = self.incoming(profile, account, key, protocol) {
                profile.servers.push(server);
            }
        }
        let smtp = self
            .get_str("mail.smtpservers")
            .map(split_list)
            .unwrap_or_default();
        for key in smtp {
            match self.get_str(&format!("mail.smtpserver.{key}.type")) {
                None | Some("smtp") => {}
                Some(_) => continue,
            }
            if let Some(server) = self.outgoing(profile, key) {
                profile.servers.push(server);
            }
        }
    }

    fn security(
        &self,
        profile: &mut Profile,
        branch: &str,
        key: &str,
        name: &str,
        anchor: (FileId, Span),
        account: Option<&str>,
    ) -> Setting<Security> {
        let (raw, explicit) = self.server_int(branch, key, name, 0, anchor);
        if !explicit && branch == "mail.server" {
            // Legacy: `isSecure` counts only when socketType is unset (reference §3.2).
            if let Some(secure) = self.server_bool(key, "isSecure") {
                if secure.value {
                    return Setting {
                        value: Security::ImplicitTls,
                        origin: Origin::Default {
                            note: "socketType is absent and legacy isSecure is true: Thunderbird uses SSL/TLS".to_owned(),
                            anchor: secure.anchor(),
                            insert: (self.insertion(&format!("{branch}.{key}.{name}"))).map(Box::new),
                        },
                    };
                }
            }
        }
        let value = match security_from_number(raw.value) {
            Some(s) => s,
            None => {
                let (file, span) = raw.anchor();
                profile.findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file,
                    span,
                    label: "unknown security mode".to_owned(),
                    message: format!(
                        "`{name}` is {}, which is not a security mode Thunderbird knows (0 none, 2 STARTTLS, 3 SSL/TLS): it connects without encryption",
                        raw.value
                    ),
                    help: Some("use 3 (SSL/TLS) or 2 (STARTTLS)".to_owned()),
                    notes: Vec::new(),
                    account: account.map(str::to_owned),
                });
                Security::None
            }
        };
        Setting {
            value,
            origin: raw.origin,
        }
    }

    fn auth(
        &self,
        profile: &mut Profile,
        branch: &str,
        key: &str,
        anchor: (FileId, Span),
        account: Option<&str>,
    ) -> Option<Setting<AuthMethod>> {
        let (raw, _) = self.server_int(branch, key, "authMethod", 3, anchor);
        match auth_from_number(raw.value) {
            Some(a) => Some(Setting {
                value: a,
                origin: raw.origin,
            }),
            None => {
                let (file, span) = raw.anchor();
                profile.findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file,
                    span,
                    label: "unknown authentication method".to_owned(),
                    message: format!(
                        "`authMethod` is {}, which Thunderbird does not know (1–10): login fails",
                        raw.value
                    ),
                    help: Some("use 3 (normal password) or 10 (OAuth2)".to_owned()),
                    notes: Vec::new(),
                    account: account.map(str::to_owned),
                });
                None
            }
        }
    }

    /// The effective port, and whether it follows the security mode: -1, 0 or absent mean
    /// the protocol default for the mode (reference §5).
    #[allow(clippy::too_many_arguments)]
    fn port(
        &self,
        profile: &mut Profile,
        branch: &str,
        key: &str,
        protocol: Protocol,
        security: Security,
        anchor: (FileId, Span),
        account: Option<&str>,
    ) -> (Setting<i64>, bool) {
        let default_port = if security == Security::ImplicitTls {
            protocol.implicit_tls_port()
        } else {
            protocol.plain_port()
        };
        let own = format!("{branch}.{key}.port");
        let Some(a) = self.get(&own) else {
            let setting = Setting {
                value: default_port,
                origin: Origin::Default {
                    note: format!(
                        "`port` is absent: Thunderbird uses {default_port}, the {} port for {}",
                        protocol.name(),
                        security.describe()
                    ),
                    anchor,
                    insert: (self.insertion(&own)).map(Box::new),
                },
            };
            return (setting, true);
        };
        // Only ints reach here (a string is rejected by `expected_type`).
        let p = match a.entry.value {
            PrefValue::Int(p) => i64::from(p),
            _ => -1,
        };
        if p == -1 || p == 0 {
            return (Setting::explicit(default_port, self.location(a)), true);
        }
        if !(1..=65535).contains(&p) {
            profile.findings.push(FileFinding {
                kind: FileFindingKind::InvalidValue,
                file: a.file,
                span: a.entry.value_span,
                label: "not a port".to_owned(),
                message: format!("port {p} is outside 1–65535: the connection fails"),
                help: Some(format!("use {default_port}, or -1 for the default")),
                notes: Vec::new(),
                account: account.map(str::to_owned),
            });
        }
        (Setting::explicit(p, self.location(a)), false)
    }

    fn incoming(
        &self,
        profile: &mut Profile,
        account: &str,
        key: &str,
        protocol: Protocol,
    ) -> Option<Server> {
        let branch = "mail.server";
        let anchor = self.server_anchor(branch, key);
        let host = self
            .string_setting(&format!("{branch}.{key}.realhostname"))
            .or_else(|| self.string_setting(&format!("{branch}.{key}.hostname")));
        let user = self
            .string_setting(&format!("{branch}.{key}.realuserName"))
            .or_else(|| self.string_setting(&format!("{branch}.{key}.userName")));
        let security = self.security(profile, branch, key, "socketType", anchor, Some(account));
        let (port, port_follows_security) = self.port(
            profile,
            branch,
            key,
            protocol,
            security.value,
            anchor,
            Some(account),
        );
        let auth = self.auth(profile, branch, key, anchor, Some(account));
        let poll_enabled = Some(self.server_bool(key, "check_new_mail").unwrap_or_else(|| {
            let on = protocol != Protocol::Nntp;
            Setting {
                value: on,
                origin: Origin::Default {
                    note: format!(
                        "`check_new_mail` is absent: Thunderbird {} {} accounts by default",
                        if on { "checks" } else { "does not check" },
                        protocol.name()
                    ),
                    anchor,
                    insert: (self.insertion(&format!("{branch}.{key}.check_new_mail")))
                        .map(Box::new),
                },
            }
        }));
        let (poll_minutes, _) = self.server_int(branch, key, "check_time", 10, anchor);
        let max_connections = (protocol == Protocol::Imap).then(|| {
            let (mut s, _) = self.server_int(branch, key, "max_cached_connections", 5, anchor);
            // 0 means 5 and a negative value means 1 (nsImapIncomingServer.cpp).
            if s.value == 0 {
                s.value = 5;
            } else if s.value < 0 {
                s.value = 1;
            }
            s
        });
        Some(Server {
            account: Some(account.to_owned()),
            key: key.to_owned(),
            role: Role::Incoming,
            protocol,
            host,
            user,
            port,
            port_follows_security,
            security,
            auth,
            max_connections,
            poll_enabled,
            poll_minutes: Some(poll_minutes),
            timeout_seconds: None,
            anchor,
            usage: crate::model::Usage::Always,
        })
    }

    fn outgoing(&self, profile: &mut Profile, key: &str) -> Option<Server> {
        let branch = "mail.smtpserver";
        let anchor = self.server_anchor(branch, key);
        let host = self.string_setting(&format!("{branch}.{key}.hostname"));
        let user = self.string_setting(&format!("{branch}.{key}.username"));
        let security = self.security(profile, branch, key, "try_ssl", anchor, None);
        let (port, port_follows_security) = self.port(
            profile,
            branch,
            key,
            Protocol::Smtp,
            security.value,
            anchor,
            None,
        );
        let auth = self.auth(profile, branch, key, anchor, None);
        Some(Server {
            account: None,
            key: key.to_owned(),
            role: Role::Outgoing,
            protocol: Protocol::Smtp,
            host,
            user,
            port,
            port_follows_security,
            security,
            auth,
            max_connections: None,
            poll_enabled: None,
            poll_minutes: None,
            timeout_seconds: None,
            anchor,
            usage: crate::model::Usage::Always,
        })
    }
}

fn split_list(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::is_secret_pref;

    #[test]
    fn secret_pref_names_are_found_in_any_case_and_position() {
        for name in [
            "mail.server.server1.password",
            "signon.PASSWORD",
            "x.passwd",
            "oauth.Token",
            "app.clientSecret",
            "sync.credentials.v2",
            "password",
        ] {
            assert!(is_secret_pref(name), "{name}");
        }
        for name in [
            "mail.server.server1.hostname",
            "passw",
            "toke",
            "secre",
            "credentia",
            "",
            "pppppassworx",
        ] {
            assert!(!is_secret_pref(name), "{name}");
        }
    }
}
