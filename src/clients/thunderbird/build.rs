//! Thunderbird profiles: every layer that decides a pref → the common model.
//!
//! Facts from `reference/thunderbird.md` and `tests/interop/layers/FACTS.md`: default prefs
//! files (install directory, then the system directories) set the default branch; prefs.js
//! and then user.js set the user value at every start, so user.js wins (§1.1) and inside
//! one file the last statement wins; AutoConfig and enterprise policies come after them and
//! may lock, set or clear values; a value whose type differs from the pref's type is
//! rejected; per-server reads fall back from `mail.server.<key>.<name>` to
//! `mail.server.default.<name>` and then to built-in defaults (§3). The account list is
//! `mail.accountmanager.accounts` → `mail.account.X.server` → `mail.server.Y.*`, outgoing
//! servers are `mail.smtpservers` → `mail.smtpserver.Z.*`. The pref table is `layers.rs`,
//! the servers are read in `servers.rs`, the value vocabulary is in `values.rs`.

use super::autoconfig::Cfg;
use super::builder::Builder;
use super::layers::{Src, Stmt, Table};
use super::policies::Policies;
use super::values::expected_type;
use super::{is_secret_pref, Layer};
use crate::model::{FileFinding, FileFindingKind, Profile};
use crate::source::{FileId, Files, Span};
use crate::syntax::prefs::{self, ParsedPrefs, PrefEntry, PrefErrorKind, PrefValue};

/// A parsed prefs.js or user.js of a profile (or a prefs file named on its own).
pub(super) struct LayerInput<'a> {
    pub file: FileId,
    pub layer: Layer,
    pub parsed: &'a ParsedPrefs,
}

/// The machine-wide layers of one Thunderbird install, parsed, in the order Thunderbird
/// applies them.
#[derive(Default)]
pub(super) struct MachineInput<'a> {
    /// Default prefs files: the install directory's, then the system directories'.
    pub defaults: Vec<(FileId, &'a ParsedPrefs)>,
    pub cfg: Option<(FileId, &'a Cfg)>,
    pub policies: Option<(FileId, &'a Policies)>,
    /// Windows registry policies (from a `.reg` export): they replace the policies.json
    /// policies of the same top-level name (see `registry.rs`).
    pub registry: Option<(FileId, &'a Policies)>,
}

/// What is being modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    /// A profile: its accounts, as the layers leave them.
    Profile,
    /// Machine layers or a deployment artefact on their own: applied to one account per
    /// protocol (and to each server they name) that has no value of its own.
    Artefact,
}

/// Builds the model of one Thunderbird profile (or artefact) from its layers.
pub(super) fn build_profile(
    name: String,
    files: &Files,
    profile_layers: &[LayerInput<'_>],
    machine: &MachineInput<'_>,
    subject: Subject,
) -> Profile {
    let mut profile = Profile::new(super::ID, name);
    profile.files = profile_layers.iter().map(|l| l.file).collect();
    for l in profile_layers {
        report_parse_errors(&mut profile, files, l.file, l.parsed, Some(l.layer));
    }
    for (file, parsed) in &machine.defaults {
        report_parse_errors(&mut profile, files, *file, parsed, None);
    }
    let statements: usize = profile_layers.iter().map(|l| l.parsed.entries.len()).sum();
    let mut table = Table::with_builtin_ints(super::values::builtin_int, statements);
    apply_defaults_files(&mut profile, &mut table, machine);
    apply_profile_layers(&mut profile, &mut table, profile_layers);
    apply_managing_layers(&mut profile, &mut table, machine);
    report_managed_profile_values(&mut profile, files, &table);
    let insert_target = choose_insert_target(profile_layers);
    let builder = Builder {
        files,
        table,
        insert_target_sorted: insert_target.map(|t| is_sorted(files, t)).unwrap_or(false),
        insert_target,
        fallback_anchor: match subject {
            // Values nobody set are not the artefact's: anchored nowhere, so no finding
            // about them is reported (the engine keeps only findings in a unit's files).
            Subject::Artefact => (FileId::MAX, Span::empty(0)),
            Subject::Profile => profile_layers
                .first()
                .map(|l| (l.file, Span::empty(0)))
                .unwrap_or((FileId::MAX, Span::empty(0))),
        },
        subject,
        cfg_obscured: machine.cfg.is_some_and(|(_, c)| c.obscured),
        registry: machine.registry.map(|(id, _)| id),
    };
    match subject {
        Subject::Profile => builder.build_servers(&mut profile),
        Subject::Artefact => builder.build_hypothetical_servers(&mut profile),
    }
    profile
}

fn report_parse_errors(
    profile: &mut Profile,
    files: &Files,
    file: FileId,
    parsed: &ParsedPrefs,
    layer: Option<Layer>,
) {
    for err in &parsed.errors {
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
        let help = match layer {
            Some(Layer::Prefs) => "Thunderbird skips to the next `;`, copies the file to Invalidprefs.js and rewrites prefs.js without the skipped text when it exits; correct the statement (with Thunderbird closed)",
            Some(Layer::User) => "Thunderbird skips to the next `;` and applies the rest; correct the statement",
            None => "Thunderbird skips to the next `;`, applies the rest and reports `prefs parse error` on its console only; correct the statement",
        };
        // Thunderbird's console names the line its parser was on (an unterminated string:
        // where the file ends); say it when it is not the line the span starts on.
        let span_line = files.get(file).map(|f| f.line_col(err.span.start).0);
        let message = match err.client_line {
            Some(line) if Some(line) != span_line => {
                format!("{message} (Thunderbird reports it at line {line})")
            }
            _ => message,
        };
        let mut f = FileFinding::new(kind, file, err.span, err.message, message)
            .help(help)
            .client_line(err.client_line);
        if err.skipped.len() > err.span.len() {
            f = f.note(
                file,
                err.skipped,
                "Thunderbird skips everything up to the next `;`",
            );
        }
        profile.findings.push(f);
    }
    for e in &parsed.entries {
        if e.value_not_utf8 {
            profile.findings.push(
                FileFinding::new(
                    FileFindingKind::InvalidValue,
                    file,
                    e.value_span,
                    "not valid UTF-8",
                    format!(
                        "the value of `{}` is not valid UTF-8: Thunderbird stores the bytes as they are and shows them garbled",
                        e.name
                    ),
                )
                .help("save the file as UTF-8, or write non-ASCII characters as \\uNNNN escapes"),
            );
        }
    }
}

/// A statement of a prefs-grammar file.
fn entry_stmt(file: FileId, src: Src, e: &PrefEntry) -> Stmt<'_> {
    Stmt {
        file,
        src,
        name: &e.name,
        value: Some(&e.value),
        name_span: e.name_span,
        value_span: e.value_span,
        statement_span: e.statement_span,
        as_bool: false,
    }
}

/// Default prefs files: `pref`/`sticky_pref` set the default branch, `, locked` locks it;
/// a `user_pref` there is accepted and has no effect at all (FACTS fact 5).
fn apply_defaults_files<'a>(
    profile: &mut Profile,
    table: &mut Table<'a>,
    machine: &MachineInput<'a>,
) {
    for (file, parsed) in &machine.defaults {
        for e in &parsed.entries {
            if !e.default_branch {
                profile.findings.push(
                    FileFinding::new(
                        FileFindingKind::InvalidValue,
                        *file,
                        Span::new(e.statement_span.start, e.name_span.start),
                        "has no effect",
                        format!("`{}` is set with `user_pref(` in a default prefs file: Thunderbird accepts the line and ignores it", e.name),
                    )
                    .help("write `pref(` to set the default, or `pref(…, locked)` to lock it"),
                );
                continue;
            }
            if wrong_type(profile, *file, e) {
                continue;
            }
            table.apply(entry_stmt(*file, Src::Defaults { locked: e.locked }, e));
        }
    }
}

/// True (and reported) when a pref that rules read has a value of the wrong type, which
/// Thunderbird rejects.
fn wrong_type(profile: &mut Profile, file: FileId, entry: &PrefEntry) -> bool {
    let name = entry.name.as_str();
    let Some(want) = expected_type(name) else {
        return false;
    };
    if entry.value.type_name() == want {
        return false;
    }
    let shown = if is_secret_pref(name) {
        "a value".to_owned()
    } else {
        format!(
            "{} {}",
            entry.value.type_name(),
            display_value(&entry.value)
        )
    };
    profile.findings.push(
        FileFinding::new(
            FileFindingKind::InvalidValue,
            file,
            entry.value_span,
            format!("a {}, not an {want}", entry.value.type_name()),
            format!(
                "`{name}` must be {} {want}, but is {shown}: Thunderbird rejects the value and keeps the previous one or the default",
                if want == "int" { "an" } else { "a" }
            ),
        )
        .help(format!("write it as {}", example_of(want))),
    );
    true
}

/// prefs.js then user.js; reports duplicates, overrides, type mismatches and `pref(` in a
/// user file.
fn apply_profile_layers<'a>(
    profile: &mut Profile,
    table: &mut Table<'a>,
    layers: &'a [LayerInput<'a>],
) {
    // The last profile statement of each name, for duplicates and overrides.
    let statements = layers.iter().map(|l| l.parsed.entries.len()).sum();
    let mut last: foldhash::HashMap<&'a str, (FileId, Layer, &'a PrefEntry)> =
        foldhash::HashMap::with_capacity_and_hasher(statements, Default::default());
    for l in layers {
        for entry in &l.parsed.entries {
            let name = entry.name.as_str();
            if wrong_type(profile, l.file, entry) {
                continue;
            }
            if entry.default_branch {
                profile.findings.push(pref_keyword_finding(l, entry));
            }
            if let Some(&(prev_file, prev_layer, prev)) = last.get(name) {
                // A default-branch value never overrides a user value, whatever the order.
                if entry.default_branch && !prev.default_branch {
                    table.apply(entry_stmt(
                        l.file,
                        Src::Profile {
                            layer: l.layer,
                            default: true,
                        },
                        entry,
                    ));
                    continue;
                }
                if prev_file == l.file {
                    profile.findings.push(
                        FileFinding::new(
                            FileFindingKind::DuplicateSetting,
                            prev_file,
                            prev.name_span,
                            "set here first",
                            format!(
                                "`{name}` is set twice in {}: Thunderbird uses the last one",
                                l.layer.file_label()
                            ),
                        )
                        .help("delete the first statement so the file says what Thunderbird does")
                        .note(
                            l.file,
                            entry.name_span,
                            "this later value wins",
                        ),
                    );
                } else if prev.value != entry.value {
                    profile.findings.push(
                        FileFinding::new(
                            FileFindingKind::OverriddenSetting,
                            prev_file,
                            prev.value_span,
                            "overridden",
                            format!(
                                "`{name}` in {} is overridden by {}, which Thunderbird reads after it at every start: editing this value has no effect",
                                prev_layer.file_label(),
                                l.layer.file_label()
                            ),
                        )
                        .help(format!("change the value in {} instead", l.layer.file_label()))
                        .note(l.file, entry.value_span, "this value wins"),
                    );
                }
            }
            last.insert(name, (l.file, l.layer, entry));
            let src = Src::Profile {
                layer: l.layer,
                default: entry.default_branch,
            };
            table.apply(entry_stmt(l.file, src, entry));
        }
    }
}

fn pref_keyword_finding(l: &LayerInput<'_>, entry: &PrefEntry) -> FileFinding {
    let name = &entry.name;
    FileFinding::new(
        FileFindingKind::InvalidValue,
        l.file,
        Span::new(entry.statement_span.start, entry.name_span.start),
        "a default, not a user value",
        match l.layer {
            Layer::Prefs => format!(
                "`{name}` is set with `pref(`, which sets a default, not a user value: Thunderbird applies it only until it next rewrites prefs.js, then the line is gone"
            ),
            Layer::User => format!(
                "`{name}` is set with `pref(`, which sets only the default value: a user value of the same pref (in prefs.js or the settings dialog) wins over it"
            ),
        },
    )
    .help("write `user_pref(` instead")
}

/// True (and reported) when a managing layer gives a pref that rules read a value of
/// another type: a string where a number is needed, say. Thunderbird then keeps the
/// previous value or the default (a policy's 0 or 1 is another matter: see
/// [`report_bool_conversions`]).
fn managed_wrong_type(profile: &mut Profile, stmt: &Stmt<'_>) -> bool {
    let (Some(want), Some(value)) = (expected_type(stmt.name), stmt.value) else {
        return false;
    };
    // A policy's 0 or 1 becomes a bool for a pref with no int value (FACTS fact 21).
    let policy_bool = matches!(stmt.src, Src::Policy(_))
        && want == "bool"
        && matches!(value, PrefValue::Int(0 | 1));
    if value.type_name() == want || policy_bool {
        return false;
    }
    profile.findings.push(
        FileFinding::new(
            FileFindingKind::InvalidValue,
            stmt.file,
            stmt.value_span,
            format!("a {}, not an {want}", value.type_name()),
            format!(
                "`{}` must be {} {want}, but is a {}: Thunderbird does not use it and keeps the previous value or the default",
                stmt.name,
                if want == "int" { "an" } else { "a" },
                value.type_name()
            ),
        )
        .help(format!("write it as {}", example_of(want))),
    );
    true
}

/// A policy's 0 or 1 for an int pref with no int value yet: Thunderbird stores a bool,
/// which its int getter then refuses (FACTS fact 21).
fn report_bool_conversions(profile: &mut Profile, table: &Table<'_>) {
    let mut found = Vec::new();
    for (name, state) in table.iter() {
        for stmt in [state.default(), state.user].into_iter().flatten() {
            if !stmt.as_bool || expected_type(name) != Some("int") {
                continue;
            }
            found.push(
                FileFinding::new(
                    FileFindingKind::InvalidValue,
                    stmt.file,
                    stmt.value_span,
                    "becomes a boolean",
                    format!(
                        "`{name}` is given 0 or 1 while it has no number yet, so Thunderbird stores it as a boolean and ignores it: the server falls back to `mail.server.default` or the built-in value"
                    ),
                )
                .help("set the pref with a value other than 0 or 1, or give it a number in a default prefs file first"),
            );
        }
    }
    found.sort_by_key(|f| (f.file, f.span.start));
    profile.findings.extend(found);
}

/// AutoConfig, then enterprise policies: they run after the profile's files are read.
fn apply_managing_layers<'a>(
    profile: &mut Profile,
    table: &mut Table<'a>,
    machine: &MachineInput<'a>,
) {
    if let Some((file, cfg)) = machine.cfg {
        profile.findings.extend(cfg.findings.iter().cloned());
        for p in &cfg.prefs {
            apply_managed(
                profile,
                table,
                Stmt {
                    file,
                    src: Src::Cfg(p.op),
                    name: &p.name,
                    value: p.value.as_ref(),
                    name_span: p.name_span,
                    value_span: p.value_span,
                    statement_span: p.statement_span,
                    as_bool: false,
                },
            );
        }
    }
    // Registry policies first: Gecko's `CombinedProvider` starts from them and adds only
    // the policies.json policies whose top-level name the registry does not have.
    let registry = machine.registry.filter(|(_, r)| r.active);
    let replaced = |name: &str| registry.is_some_and(|(_, r)| r.names.iter().any(|n| n == name));
    let sources = registry
        .map(|(file, r)| (file, r, false))
        .into_iter()
        .chain(machine.policies.map(|(file, p)| (file, p, true)));
    for (file, policies, json) in sources {
        profile.findings.extend(policies.findings.iter().cloned());
        for p in policies
            .prefs
            .iter()
            .filter(|_| policies.active)
            .filter(|p| !(json && replaced(super::policies::policy_of(p.op))))
        {
            apply_managed(
                profile,
                table,
                Stmt {
                    file,
                    src: Src::Policy(p.op),
                    name: &p.name,
                    value: p.value.as_ref(),
                    name_span: p.name_span,
                    value_span: p.value_span,
                    statement_span: p.statement_span,
                    as_bool: false,
                },
            );
        }
    }
    report_bool_conversions(profile, table);
}

/// Applies a managing layer's statement unless its value has the wrong type.
fn apply_managed<'a>(profile: &mut Profile, table: &mut Table<'a>, stmt: Stmt<'a>) {
    if !managed_wrong_type(profile, &stmt) {
        table.apply(stmt);
    }
}

/// "path:line" of a statement, for messages.
pub(super) fn place(files: &Files, stmt: &Stmt<'_>) -> String {
    match files.get(stmt.file) {
        Some(f) => format!(
            "{}:{}",
            f.display_path(),
            f.line_col(stmt.name_span.start).0
        ),
        None => "a managing file".to_owned(),
    }
}

/// The profile's own values that a managing layer makes irrelevant: under a lock, or
/// replaced or cleared at every start. Each is an overridden-setting, pointing at the
/// profile's value and naming the managing line.
fn report_managed_profile_values(profile: &mut Profile, files: &Files, table: &Table<'_>) {
    let mut found: Vec<FileFinding> = Vec::new();
    for (name, state) in table.iter() {
        let (own, by, what) = match (
            state.locked_by(),
            state.user,
            state.replaced_profile_value(),
        ) {
            (Some(lock), Some(user), _) if user.src.is_profile() => (user, lock, "it is locked by"),
            (_, _, Some((own, by))) if by.value.is_none() => {
                (own, by, "it is cleared at every start by")
            }
            (_, _, Some((own, by))) => (own, by, "it is replaced at every start by"),
            _ => continue,
        };
        let Src::Profile { layer, .. } = own.src else {
            continue;
        };
        found.push(
            FileFinding::new(
                FileFindingKind::OverriddenSetting,
                own.file,
                own.value_span,
                "ignored",
                format!(
                    "`{name}` in {} is ignored: {what} {} ({}), so editing this value has no effect",
                    layer.file_label(),
                    place(files, &by),
                    by.src.describe()
                ),
            )
            .help("change the value in the managing file, or remove this line")
            .note(by.file, by.value_span, "the managing value"),
        );
    }
    found.sort_by_key(|f| (f.file, f.span.start));
    profile.findings.extend(found);
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
