//! Thunderbird profiles: prefs.js and user.js layers → the common model.
//!
//! Facts from `reference/thunderbird.md`: user.js is read after prefs.js at every start, so
//! it wins (§1.1); inside one file the last statement wins; a value whose type differs from
//! the pref's type is rejected; per-server reads fall back from `mail.server.<key>.<name>`
//! to `mail.server.default.<name>` and then to built-in defaults (§3); the account list is
//! `mail.accountmanager.accounts` → `mail.account.X.server` → `mail.server.Y.*`, outgoing
//! servers are `mail.smtpservers` → `mail.smtpserver.Z.*`. The servers themselves are read
//! in `servers.rs`, the value vocabulary is in `values.rs`.

// Pref names come from files we lint, but a map per profile lives for one build:
// collision flooding is not a concern, and SipHash was 5 % of a fleet-wide run.
use foldhash::{HashMap, HashMapExt};

use super::values::{expected_type, write_value};
use super::{is_secret_pref, Layer};
use crate::model::{
    FileFinding, FileFindingKind, Insertion, Location, Note, Origin, Profile, Protocol, Setting,
};
use crate::source::{FileId, Files, Span};
use crate::syntax::prefs::{self, ParsedPrefs, PrefEntry, PrefErrorKind, PrefValue};

/// One applied statement: which layer and which entry.
#[derive(Clone, Copy)]
pub(super) struct Applied<'a> {
    pub(super) file: FileId,
    pub(super) layer: Layer,
    pub(super) entry: &'a PrefEntry,
}

/// A parsed layer of a profile.
pub(super) struct LayerInput<'a> {
    pub file: FileId,
    pub layer: Layer,
    pub parsed: &'a ParsedPrefs,
    /// False for a default prefs file (defaults/pref/*.js), where `pref(` is the norm.
    pub user_file: bool,
}

/// Builds the model of one Thunderbird profile from its layers (lowest first).
pub(super) fn build_profile(name: String, files: &Files, layers: &[LayerInput<'_>]) -> Profile {
    let mut profile = Profile::new(super::ID, name);
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

pub(super) struct Builder<'a> {
    files: &'a Files,
    effective: HashMap<&'a str, Applied<'a>>,
    insert_target: Option<&'a LayerInput<'a>>,
    /// Whether the insert target is sorted, computed once.
    insert_target_sorted: bool,
    fallback_anchor: (FileId, Span),
}

impl<'a> Builder<'a> {
    pub(super) fn get(&self, name: &str) -> Option<Applied<'a>> {
        self.effective.get(name).copied()
    }

    pub(super) fn get_str(&self, name: &str) -> Option<&'a str> {
        match &self.get(name)?.entry.value {
            PrefValue::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    pub(super) fn location(&self, a: Applied<'a>) -> Location {
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
    pub(super) fn insertion(&self, name: &str) -> Option<Insertion> {
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
    pub(super) fn server_int(
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

    pub(super) fn server_bool(&self, key: &str, name: &str) -> Option<Setting<bool>> {
        let a = self.get(&format!("mail.server.{key}.{name}"))?;
        match a.entry.value {
            PrefValue::Bool(b) => Some(Setting::explicit(b, self.location(a))),
            _ => None,
        }
    }

    pub(super) fn string_setting(&self, name: &str) -> Option<Setting<String>> {
        let a = self.get(name)?;
        match &a.entry.value {
            PrefValue::Str(s) => Some(Setting::explicit(s.clone(), self.location(a))),
            _ => None,
        }
    }

    /// Where diagnostics about a server as a whole point: its hostname, else its type.
    pub(super) fn server_anchor(&self, branch: &str, key: &str) -> (FileId, Span) {
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
}

fn split_list(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect()
}
