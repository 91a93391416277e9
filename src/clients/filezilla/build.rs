//! Builds the model of one FileZilla settings directory from its parsed files: layered
//! settings (built-in defaults < fzdefaults.xml < filezilla.xml, with the predefined
//! exceptions), sites, recent servers and stored passwords, plus the findings about what
//! FileZilla silently clamps, discards, ignores or drops.

use std::collections::HashMap;

use super::options::{self, Kind, Layering, Opt, OutOfRange};
use super::{FzFileKind, ParsedFile};
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Insertion, Location, Note, Origin,
    PasswordStorage, Profile, Protocol, Role, Security, Server, Setting, StoredPassword, Value,
    ValueWriter,
};
use crate::source::{FileId, Files, SourceFile, Span};
use crate::syntax::xml::Element;

/// Renders a value as FileZilla writes it: decimal text, booleans as 0/1, a security mode
/// as the FTP protocol number that gives it (reference §4.3).
fn write_value(v: &Value) -> Option<String> {
    Some(match v {
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Value::Security(s) => match s {
            Security::None => "6",
            Security::TryStartTls | Security::RemovedTryStartTls => "0",
            Security::StartTls => "4",
            Security::ImplicitTls => "3",
        }
        .to_owned(),
        Value::Auth(_) => return None,
    })
}

/// For a self-closed `<Setting name="x" />`: replaces ` />` to give it a text.
fn write_into_empty_setting(v: &Value) -> Option<String> {
    Some(format!(">{}</Setting>", write_value(v)?))
}

fn write_into_empty_max_connections(v: &Value) -> Option<String> {
    Some(format!(">{}</MaximumMultipleConnections>", write_value(v)?))
}

/// Escapes text for an XML attribute or element.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The line break and indentation to put before a new element inserted after `after`, a
/// child of `parent`: the same whitespace that precedes `after`.
fn indent_like(file: &SourceFile, parent: Element<'_>, after: Element<'_>) -> String {
    match parent.indent_before(after.start.start) {
        Some(ws) if ws.contains('\n') => {
            let tail = ws.rsplit('\n').next().unwrap_or("");
            format!(
                "{}{}",
                file.line_ending.as_str(),
                tail.trim_start_matches('\r')
            )
        }
        Some(ws) => ws.to_owned(),
        None => String::new(),
    }
}

/// Where the value of an element is edited: its text, its (whitespace) content, or the
/// ` />` of a self-closed element.
fn value_edit(el: Element<'_>, empty_writer: ValueWriter) -> (Span, ValueWriter) {
    if el.self_closing {
        (el.self_close_span, empty_writer)
    } else if let Some(t) = el.first_text() {
        (t.span, write_value)
    } else {
        (el.content_span(), write_value)
    }
}

/// The span a finding about an element's value points at.
fn value_span(el: Element<'_>) -> Span {
    match el.first_text() {
        Some(t) => t.span,
        None => el.span(),
    }
}

fn file_name(files: &Files, id: FileId) -> String {
    files
        .get(id)
        .and_then(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

/// One `<Setting>` as read from one layer.
#[derive(Clone, Copy)]
struct Entry<'a> {
    file: FileId,
    el: Element<'a>,
    name_span: Span,
    opt: Opt,
    /// The integer FileZilla ends up with from this element; `None` when discarded or
    /// not numeric.
    int: Option<i64>,
}

struct Builder<'a> {
    files: &'a Files,
    profile: Profile,
}

/// Builds the profile of one FileZilla settings directory (or of one file).
pub(super) fn build_profile(name: String, files: &Files, parsed: &[ParsedFile]) -> Profile {
    let mut b = Builder {
        files,
        profile: Profile::new(super::ID, name),
    };
    b.profile.files = parsed.iter().map(|p| p.file).collect();
    // Only files that parse are used: FileZilla discards a file with a syntax error.
    let mut usable: Vec<(&ParsedFile, Element<'_>)> = Vec::new();
    for p in parsed {
        if let Some(root) = b.check_document(p) {
            usable.push((p, root));
        }
    }
    // Layers, lowest first: fzdefaults.xml, then filezilla.xml.
    usable.sort_by_key(|(p, _)| p.kind != FzFileKind::Defaults);
    let mut defaults: HashMap<&str, Entry<'_>> = HashMap::new();
    let mut user: HashMap<&str, Entry<'_>> = HashMap::new();
    let mut settings_elements: Vec<(FileId, FzFileKind, Element<'_>)> = Vec::new();
    for (p, root) in &usable {
        if !matches!(p.kind, FzFileKind::Defaults | FzFileKind::Settings) {
            continue;
        }
        let Some(settings) = root.child("Settings") else {
            continue;
        };
        settings_elements.push((p.file, p.kind, settings));
        let layer = if p.kind == FzFileKind::Defaults {
            &mut defaults
        } else {
            &mut user
        };
        b.read_settings(p.file, p.kind, settings, layer);
    }
    let effective = b.merge_layers(&defaults, &user);
    b.fill_globals(&effective, &settings_elements, parsed);
    for (p, root) in &usable {
        match p.kind {
            FzFileKind::SiteManager | FzFileKind::Defaults => {
                if let Some(servers) = root.child("Servers") {
                    let prefix = if p.kind == FzFileKind::Defaults {
                        "predefined/"
                    } else {
                        ""
                    };
                    b.read_folder(p.file, p.kind, servers, prefix);
                }
            }
            FzFileKind::RecentServers => {
                if let Some(recent) = root.child("RecentServers") {
                    let sites = recent
                        .elements()
                        .filter(|e| e.name == "Server")
                        .enumerate()
                        .map(|(i, el)| SiteItem::Site {
                            el,
                            path: format!("recent server {}", i + 1),
                        })
                        .collect();
                    b.read_sites(p.file, p.kind, sites);
                }
            }
            FzFileKind::Settings => {}
        }
    }
    // Sites are read in parallel, before the transfer count is known to each: their
    // connection counts are worked out here, from the effective Number of Transfers.
    let transfers = b.profile.globals.transfers.as_ref().map(|t| t.value);
    for server in &mut b.profile.servers {
        let cap = server
            .max_connections
            .as_ref()
            .map(|c| c.value)
            .unwrap_or(0);
        server.connections = site_connections(transfers, cap);
    }
    b.profile
}

/// The most connections FileZilla may open to one site (reference filezilla §3,
/// "Connection model"): each tab browsing it holds one, and the queue adds up to
/// `Number of Transfers` (2 when unknown), capped by the site's
/// `MaximumMultipleConnections` when that is above 0. An upper bound: with a cap,
/// FileZilla also counts the browsing tab against it.
fn site_connections(transfers: Option<i64>, site_cap: i64) -> Connections {
    let transfers = transfers.unwrap_or(2).max(1);
    let queue = if site_cap > 0 {
        transfers.min(site_cap)
    } else {
        transfers
    };
    Connections::BrowsingAndTransfers {
        transfers: queue,
        site_limit: site_cap > 0 && site_cap == queue,
    }
}

impl<'a> Builder<'a> {
    fn finding(
        &mut self,
        kind: FileFindingKind,
        file: FileId,
        span: Span,
        label: impl Into<String>,
        message: String,
        help: Option<String>,
    ) {
        self.profile.findings.push(FileFinding {
            kind,
            file,
            span,
            label: label.into(),
            message,
            help,
            notes: Vec::new(),
            account: None,
        });
    }

    /// Reports syntax errors, a DOCTYPE and a foreign root; returns the root when FileZilla
    /// would use the file.
    fn check_document<'p>(&mut self, p: &'p ParsedFile) -> Option<Element<'p>> {
        let name = file_name(self.files, p.file);
        if let Some(dt) = p.doc.doctype {
            self.finding(
                FileFindingKind::InvalidValue,
                p.file,
                dt,
                "DOCTYPE",
                format!("{name} has a DOCTYPE declaration: FileZilla's XML parser skips it, so entities it declares are never expanded (clientlint does not follow it either)"),
                Some("remove the DOCTYPE; FileZilla never writes one".to_owned()),
            );
        }
        if let Some(err) = &p.doc.error {
            self.finding(
                FileFindingKind::SyntaxError,
                p.file,
                err.span,
                "XML error",
                format!(
                    "{name} is not well-formed XML ({}): FileZilla shows \"Error loading xml file\" and falls back to {name}~ if that backup exists, otherwise to its defaults, so nothing in this file is used",
                    err.message
                ),
                Some("fix the XML (with FileZilla closed); FileZilla writes the file again on exit".to_owned()),
            );
            return None;
        }
        let text_is_blank = self
            .files
            .get(p.file)
            .map(|f| f.text.trim().is_empty())
            .unwrap_or(true);
        match &p.doc.root {
            Some(root) if root.name == "FileZilla3" => Some(root.element()),
            Some(root) => {
                self.finding(
                    FileFindingKind::SyntaxError,
                    p.file,
                    root.name_span,
                    "unknown root element",
                    format!("{name} has the root element `<{}>`, not `<FileZilla3>`: FileZilla reports \"Unknown root element, the file does not appear to be generated by FileZilla\" and does not use it", root.name),
                    None,
                );
                None
            }
            None if text_is_blank => None,
            None => {
                self.finding(
                    FileFindingKind::SyntaxError,
                    p.file,
                    Span::empty(0),
                    "no root element",
                    format!("{name} has no root element: FileZilla shows \"Error loading xml file\" and falls back to the `~` backup or its defaults"),
                    None,
                );
                None
            }
        }
    }

    /// Reads the `<Setting>` children of one `<Settings>` element into `layer`.
    fn read_settings(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        settings: Element<'a>,
        layer: &mut HashMap<&'a str, Entry<'a>>,
    ) {
        let fname = file_name(self.files, file);
        for el in settings.elements() {
            if el.name == "LastServer" {
                self.read_passwords_in(
                    file,
                    el,
                    format!(
                        "the last server `{}`",
                        el.child("Host").map(|h| h.text().trim()).unwrap_or("")
                    ),
                );
                continue;
            }
            if el.name != "Setting" {
                // FileZilla ignores other children (and deletes them on cleanup).
                continue;
            }
            let Some(name_attr) = el.attr("name") else {
                continue;
            };
            let name = name_attr.value;
            let Some(opt) = options::find(name) else {
                let near = options::nearest(name);
                let (message, help) = match near {
                    Some(n) => (
                        format!("`{name}` is not a FileZilla setting: FileZilla ignores it; did you mean `{n}`? (names are matched exactly, including case)"),
                        Some(format!("rename it to `{n}`")),
                    ),
                    None => (
                        format!("`{name}` is not a FileZilla setting: FileZilla ignores it and leaves it in the file"),
                        Some("remove it, or check the setting's name".to_owned()),
                    ),
                };
                self.finding(
                    FileFindingKind::UnknownSetting,
                    file,
                    name_attr.value_span,
                    "unknown setting",
                    message,
                    help,
                );
                continue;
            };
            if let Some(first) = layer.get(opt.name) {
                let first_span = first.name_span;
                self.profile.findings.push(FileFinding {
                    kind: FileFindingKind::DuplicateSetting,
                    file,
                    span: name_attr.value_span,
                    label: "ignored duplicate".to_owned(),
                    message: format!("`{name}` is set twice in {fname}: FileZilla uses the first one and deletes this one when it saves"),
                    help: Some("delete this duplicate so the file says what FileZilla does".to_owned()),
                    notes: vec![Note {
                        file,
                        span: first_span,
                        text: "FileZilla uses this one".to_owned(),
                    }],
                    account: None,
                });
                continue;
            }
            if kind == FzFileKind::Settings && opt.layering == Layering::PredefinedOnly {
                self.finding(
                    FileFindingKind::OverriddenSetting,
                    file,
                    value_span(el),
                    "ignored here",
                    format!("`{name}` is only read from fzdefaults.xml: FileZilla ignores it in {fname}, so this value has no effect"),
                    Some("set it in fzdefaults.xml (reference filezilla §1.3) or delete it here".to_owned()),
                );
                continue;
            }
            let int = self.read_value(file, el, &opt);
            layer.insert(
                opt.name,
                Entry {
                    file,
                    el,
                    name_span: name_attr.value_span,
                    opt,
                    int,
                },
            );
            if opt.name == "Tab data" {
                for tab in el.elements().flat_map(|tabs| tabs.elements()) {
                    let host = tab.child("Host").map(|h| h.text().trim()).unwrap_or("");
                    self.read_passwords_in(
                        file,
                        tab,
                        format!("the open tab `{host}` (`Tab data`)"),
                    );
                }
            }
            if opt.secret && !el.text().is_empty() {
                self.profile.passwords.push(StoredPassword {
                    owner: if name.starts_with("FTP") {
                        format!("the FTP proxy (`{name}`)")
                    } else {
                        format!("the proxy (`{name}`)")
                    },
                    storage: PasswordStorage::Plain,
                    anchor: (file, el.start),
                    account: None,
                });
            }
        }
    }

    /// Reads a numeric or boolean value as FileZilla does, reporting what it changes.
    /// Returns the value FileZilla keeps, `None` when it discards it.
    fn read_value(&mut self, file: FileId, el: Element<'_>, opt: &Opt) -> Option<i64> {
        let (range, is_bool) = match opt.kind {
            Kind::Int { range, .. } => (range, false),
            Kind::Bool { .. } => (Some((0, 1, OutOfRange::Discard)), true),
            _ => return None,
        };
        let name = opt.name;
        let text = el.text();
        let span = value_span(el);
        let (mut v, clean) = options::as_int(text);
        if !clean {
            let shown = if text.trim().is_empty() {
                "has no value".to_owned()
            } else {
                format!("is `{}`, not a number", text.trim())
            };
            self.finding(
                FileFindingKind::InvalidValue,
                file,
                span,
                format!("reads as {v}"),
                format!("`{name}` {shown}: FileZilla reads it as {v}"),
                Some(if is_bool {
                    "write 0 or 1".to_owned()
                } else {
                    format!("write the number FileZilla should use, e.g. {v}")
                }),
            );
        }
        if let Some((min, max, how)) = range {
            if v < min || v > max {
                match how {
                    OutOfRange::Clamp => {
                        let c = v.clamp(min, max);
                        self.finding(
                            FileFindingKind::InvalidValue,
                            file,
                            span,
                            format!("clamped to {c}"),
                            format!(
                                "`{name}` is {v}, outside {min}–{max}: FileZilla clamps it to {c}"
                            ),
                            Some(format!("write a value between {min} and {max}")),
                        );
                        v = c;
                    }
                    OutOfRange::Discard => {
                        let fallback = self.builtin_default(opt);
                        self.finding(
                            FileFindingKind::InvalidValue,
                            file,
                            span,
                            "ignored",
                            format!("`{name}` is {v}, outside {min}–{max}: FileZilla ignores the value and uses {fallback}"),
                            Some(format!("write a value between {min} and {max}")),
                        );
                        return None;
                    }
                }
            }
        }
        // The Timeout validator turns 1–9 into 10 (optionspage_connection: "10-9999, 0 to
        // disable").
        if name == options::TIMEOUT && (1..=9).contains(&v) {
            self.finding(
                FileFindingKind::InvalidValue,
                file,
                span,
                "raised to 10",
                format!("`{name}` is {v}: FileZilla's minimum timeout is 10 seconds (0 disables it), so it uses 10"),
                Some("write a timeout between 10 and 9999 seconds".to_owned()),
            );
            v = 10;
        }
        Some(v)
    }

    fn builtin_default(&self, opt: &Opt) -> i64 {
        match opt.kind {
            Kind::Int { default, .. } => default,
            Kind::Bool { default } => i64::from(default),
            _ => 0,
        }
    }

    /// Applies fzdefaults.xml < filezilla.xml with the predefined exceptions.
    fn merge_layers(
        &mut self,
        defaults: &HashMap<&'a str, Entry<'a>>,
        user: &HashMap<&'a str, Entry<'a>>,
    ) -> HashMap<&'a str, Entry<'a>> {
        let mut effective = defaults.clone();
        let mut names: Vec<&&str> = user.keys().collect();
        names.sort();
        for name in names {
            let Some(u) = user.get(*name) else { continue };
            let ufile = file_name(self.files, u.file);
            match defaults.get(*name) {
                Some(d)
                    if u.opt.layering == Layering::PredefinedPriority
                        && !matches!(d.el.text().trim(), "" | "0") =>
                {
                    let dfile = file_name(self.files, d.file);
                    self.profile.findings.push(FileFinding {
                        kind: FileFindingKind::OverriddenSetting,
                        file: u.file,
                        span: value_span(u.el),
                        label: "overridden".to_owned(),
                        message: format!("`{name}` in {ufile} is overridden by {dfile}, whose value always wins for this setting: editing it here has no effect"),
                        help: Some(format!("change it in {dfile} instead")),
                        notes: vec![Note { file: d.file, span: value_span(d.el), text: "this value wins".to_owned() }],
                        account: None,
                    });
                }
                Some(d) => {
                    if d.el.text() != u.el.text() {
                        let dfile = file_name(self.files, d.file);
                        self.profile.findings.push(FileFinding {
                            kind: FileFindingKind::OverriddenSetting,
                            file: d.file,
                            span: value_span(d.el),
                            label: "overridden".to_owned(),
                            message: format!("`{name}` in {dfile} is only a default: {ufile} sets it too, and FileZilla uses that value"),
                            help: Some(format!("change it in {ufile}, or make it a value users cannot override (only Kiosk mode and Cache directory can be)")),
                            notes: vec![Note { file: u.file, span: value_span(u.el), text: "this value wins".to_owned() }],
                            account: None,
                        });
                    }
                    effective.insert(*name, *u);
                }
                None => {
                    effective.insert(*name, *u);
                }
            }
        }
        effective
    }

    /// The insertion of a missing `<Setting name="…">N</Setting>` into a `<Settings>`.
    fn setting_insertion(
        &self,
        file: FileId,
        settings: Element<'_>,
        name: &str,
    ) -> Option<Insertion> {
        let f = self.files.get(file)?;
        if settings.self_closing {
            return None;
        }
        let open = format!("<Setting name=\"{}\">", escape(name));
        let (at, prefix, suffix) = match settings.elements().last() {
            Some(last) => (
                last.end.end,
                format!("{}{open}", indent_like(f, settings, last)),
                "</Setting>".to_owned(),
            ),
            None => {
                let line_start = f.line_start(settings.start.start);
                let own = f.slice(Span::new(line_start, settings.start.start));
                let own = if own.trim().is_empty() { own } else { "" };
                let unit = if own.starts_with(' ') { "  " } else { "\t" };
                let eol = f.line_ending.as_str();
                (
                    settings.start.end,
                    format!("{eol}{own}{unit}{open}"),
                    format!("</Setting>{eol}{own}"),
                )
            }
        };
        Some(Insertion {
            file,
            file_name: file_name(self.files, file),
            at,
            prefix,
            suffix,
            writer: write_value,
        })
    }

    fn fill_globals(
        &mut self,
        effective: &HashMap<&'a str, Entry<'a>>,
        settings_elements: &[(FileId, FzFileKind, Element<'a>)],
        parsed: &[ParsedFile],
    ) {
        // Missing settings go into filezilla.xml, else into fzdefaults.xml.
        let target = settings_elements
            .iter()
            .find(|(_, k, _)| *k == FzFileKind::Settings)
            .or_else(|| settings_elements.first())
            .copied();
        let anchor = target
            .map(|(f, _, s)| (f, s.start))
            .or_else(|| parsed.first().map(|p| (p.file, Span::empty(0))));
        let Some(anchor) = anchor else { return };
        let int_setting = |b: &Self, name: &str| -> Option<Setting<i64>> {
            let opt = options::find(name)?;
            let default = b.builtin_default(&opt);
            match effective.get(name) {
                Some(e) => {
                    let (span, writer) = value_edit(e.el, write_into_empty_setting);
                    Some(Setting::explicit(
                        e.int.unwrap_or(default),
                        Location {
                            file: e.file,
                            file_name: file_name(b.files, e.file),
                            key: name.to_owned(),
                            key_span: e.name_span,
                            value_span: span,
                            writer,
                        },
                    ))
                }
                None => Some(Setting {
                    value: default,
                    origin: Origin::Default {
                        note: format!("`{name}` is absent: FileZilla uses {default}"),
                        anchor,
                        insert: (target.and_then(|(f, _, s)| b.setting_insertion(f, s, name)))
                            .map(Box::new),
                    },
                }),
            }
        };
        self.profile.globals.transfers = int_setting(self, options::NUMBER_OF_TRANSFERS);
        self.profile.globals.timeout_seconds = int_setting(self, options::TIMEOUT);
        self.profile.globals.keepalive = int_setting(self, options::KEEPALIVE).map(|s| Setting {
            value: s.value != 0,
            origin: s.origin,
        });
    }

    /// Reads the sites of a `<Servers>` element and its folders.
    fn read_folder(&mut self, file: FileId, kind: FzFileKind, folder: Element<'a>, prefix: &str) {
        let mut items = Vec::new();
        walk_folder(file, folder, prefix, &mut items);
        self.read_sites(file, kind, items);
    }

    /// Reads sites (and keeps findings about their folders) in document order. Sites are
    /// independent of each other, so a large Site Manager is read in parallel, in runs of
    /// sites each read into a profile of its own; those are appended in order, so the
    /// result is the same as reading the sites one by one.
    fn read_sites(&mut self, file: FileId, kind: FzFileKind, items: Vec<SiteItem<'a>>) {
        self.read_sites_split(file, kind, items, PARALLEL_SITES, SITES_PER_TASK);
    }

    /// [`Builder::read_sites`], in parallel from `parallel_from` sites on, `per_task` sites
    /// per task (the tests vary both).
    fn read_sites_split(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        items: Vec<SiteItem<'a>>,
        parallel_from: usize,
        per_task: usize,
    ) {
        use rayon::prelude::*;
        let fname = file_name(self.files, file);
        if items.len() < parallel_from {
            for item in items {
                self.read_site(file, kind, item, &fname);
            }
            return;
        }
        let files = self.files;
        let parts: Vec<Profile> = items
            .into_par_iter()
            .chunks(per_task.max(1))
            .map(|chunk| {
                let mut b = Builder {
                    files,
                    profile: Profile::new(super::ID, String::new()),
                };
                for item in chunk {
                    b.read_site(file, kind, item, &fname);
                }
                b.profile
            })
            .collect();
        let total = |f: fn(&Profile) -> usize| parts.iter().map(f).sum::<usize>();
        self.profile.findings.reserve(total(|p| p.findings.len()));
        self.profile.passwords.reserve(total(|p| p.passwords.len()));
        self.profile.servers.reserve(total(|p| p.servers.len()));
        for part in parts {
            self.profile.findings.extend(part.findings);
            self.profile.passwords.extend(part.passwords);
            self.profile.servers.extend(part.servers);
        }
    }

    fn read_site(&mut self, file: FileId, kind: FzFileKind, item: SiteItem<'a>, fname: &str) {
        match item {
            SiteItem::Site { el, path } => self.read_server(file, kind, el, &path, fname),
            SiteItem::Finding(f) => self.profile.findings.push(f),
        }
    }

    /// Finds the passwords inside `el` (a server-like block) and records them.
    fn read_passwords_in(&mut self, file: FileId, el: Element<'_>, owner: String) -> bool {
        self.read_password(file, el.child("Pass"), owner)
    }

    /// Records the password `<Pass>` of a server-like block, if it holds one.
    fn read_password(&mut self, file: FileId, pass: Option<Element<'_>>, owner: String) -> bool {
        let Some(pass) = pass else {
            return false;
        };
        if pass.text().is_empty() {
            return false;
        }
        let storage = match pass.attr("encoding").map(|a| a.value) {
            None => PasswordStorage::Plain,
            Some("base64") => PasswordStorage::Base64,
            Some("crypt") => {
                if !pubkey_is_usable(pass.attr("pubkey").map(|a| a.value)) {
                    let span = pass
                        .attr("pubkey")
                        .map(|a| a.value_span)
                        .unwrap_or(pass.start);
                    self.finding(
                        FileFindingKind::InvalidValue,
                        file,
                        span,
                        "not a usable public key",
                        format!("the master-password public key of {owner} cannot be read: FileZilla clears the stored password and asks for it at each connection"),
                        Some("re-enter the password in FileZilla, or restore the file's `Master password encryptor`".to_owned()),
                    );
                    return false;
                }
                PasswordStorage::Encrypted
            }
            Some(other) => {
                let other = other.to_owned();
                self.finding(
                    FileFindingKind::InvalidValue,
                    file,
                    pass.start,
                    "unknown encoding",
                    format!("the password of {owner} has encoding `{other}`, which FileZilla does not know: it ignores the password and asks for it at each connection"),
                    Some("re-enter the password in FileZilla".to_owned()),
                );
                return false;
            }
        };
        self.profile.passwords.push(StoredPassword {
            owner,
            storage,
            anchor: (file, pass.start),
            account: None,
        });
        true
    }

    /// Reads one `<Server>`; FileZilla drops the entries it cannot read (reference §4.2).
    /// `fname` is the file's name, for messages.
    fn read_server(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        el: Element<'a>,
        path: &str,
        fname: &str,
    ) {
        let recent = kind == FzFileKind::RecentServers;
        let unnamed = !recent && path.rsplit('/').next().unwrap_or("").is_empty();
        let path: &str = &if unnamed {
            std::borrow::Cow::Owned(format!("{path}(unnamed site)"))
        } else {
            std::borrow::Cow::Borrowed(path)
        };
        let kids = ServerChildren::of(el);
        let host = kids.child("Host").map(|h| h.text().trim()).unwrap_or("");
        let owner = if recent {
            format!("the recent server `{host}`")
        } else {
            format!("the site `{path}`")
        };
        self.read_password(file, kids.child("Pass"), owner);
        let dropped = |b: &mut Self, span: Span, label: &str, why: String| {
            let consequence = if recent {
                "FileZilla drops this recent server and deletes it from recentservers.xml"
                    .to_owned()
            } else {
                format!("FileZilla drops the site `{path}`: it does not appear in the Site Manager")
            };
            b.profile.findings.push(FileFinding {
                kind: FileFindingKind::InvalidValue,
                file,
                span,
                label: label.to_owned(),
                message: format!("{why}: {consequence}"),
                help: Some(
                    "correct the value in FileZilla's Site Manager, or here with FileZilla closed"
                        .to_owned(),
                ),
                notes: Vec::new(),
                account: Some(path.to_owned()),
            });
        };
        // Integers read with `as_int`; a non-numeric text is reported with what it reads as.
        let int_of = |b: &mut Self, child: &str| -> Option<(i64, Element<'a>)> {
            let c = kids.child(child)?;
            let (v, clean) = options::as_int(c.text());
            if !clean {
                b.profile.findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file,
                    span: value_span(c),
                    label: format!("reads as {v}"),
                    message: format!(
                        "`{child}` of `{path}` is `{}`, not a number: FileZilla reads it as {v}",
                        c.text().trim()
                    ),
                    help: Some("write a plain number".to_owned()),
                    notes: Vec::new(),
                    account: Some(path.to_owned()),
                });
            }
            Some((v, c))
        };
        if unnamed {
            dropped(
                self,
                el.start,
                "no name",
                "this site has no `<Name>` and no name text".to_owned(),
            );
            return;
        }
        let Some(host_el) = kids.child("Host").filter(|_| !host.is_empty()) else {
            let span = kids.child("Host").map(|h| h.span()).unwrap_or(el.start);
            dropped(self, span, "empty host", format!("`{path}` has no host"));
            return;
        };
        let port = int_of(self, "Port");
        let (port_value, port_el) = match port {
            Some((p, c)) if (1..=65535).contains(&p) => (p, c),
            Some((p, c)) => {
                dropped(
                    self,
                    value_span(c),
                    "not a port",
                    format!("port {p} of `{path}` is outside 1–65535"),
                );
                return;
            }
            None => {
                dropped(
                    self,
                    el.start,
                    "no port",
                    format!("`{path}` has no `<Port>`, which FileZilla reads as 0"),
                );
                return;
            }
        };
        let protocol = int_of(self, "Protocol");
        let protocol_number = protocol.map(|(p, _)| p).unwrap_or(0);
        if !(0..=24).contains(&protocol_number) {
            let span = protocol.map(|(_, c)| value_span(c)).unwrap_or(el.start);
            dropped(
                self,
                span,
                "unknown protocol",
                format!("protocol {protocol_number} of `{path}` is not one FileZilla knows (0–24)"),
            );
            return;
        }
        if let Some((t, c)) = int_of(self, "Type") {
            if !(0..=10).contains(&t) {
                dropped(
                    self,
                    value_span(c),
                    "unknown server type",
                    format!("server type {t} of `{path}` is outside 0–10"),
                );
                return;
            }
        }
        // A missing Logontype reads as 0, anonymous (GetTextElementInt's default; unverified).
        let logon = int_of(self, "Logontype");
        let logon_number = logon.map(|(l, _)| l).unwrap_or(0);
        if !(0..=7).contains(&logon_number) {
            let span = logon.map(|(_, c)| value_span(c)).unwrap_or(el.start);
            dropped(
                self,
                span,
                "unknown logon type",
                format!("logon type {logon_number} of `{path}` is not one FileZilla knows (0–7)"),
            );
            return;
        }
        let user_el = kids.child("User");
        let user_text = user_el.map(|u| u.text()).unwrap_or("");
        // Protocols without a user: Storj grant 21, Google Drive 14, Dropbox 15, OneDrive 16,
        // Box 18, GCS service account 23 (reference §4.2).
        let needs_user = logon_number != 0
            && !matches!(logon_number, 2 | 3)
            && !matches!(protocol_number, 14 | 15 | 16 | 18 | 21 | 23);
        if needs_user && user_text.is_empty() {
            let span = user_el.map(|u| u.span()).unwrap_or(el.start);
            dropped(
                self,
                span,
                "no user",
                format!("`{path}` has no user, which its logon type requires"),
            );
            return;
        }
        if let Some((tz, c)) = int_of(self, "TimezoneOffset") {
            if !(-1440..=1440).contains(&tz) {
                dropped(
                    self,
                    value_span(c),
                    "bad timezone offset",
                    format!("timezone offset {tz} of `{path}` is outside −1440..1440 minutes"),
                );
                return;
            }
        }
        if kids.child("EncodingType").map(|e| e.text().trim()) == Some("Custom")
            && kids
                .child("CustomEncoding")
                .map(|e| e.text().trim())
                .unwrap_or("")
                .is_empty()
        {
            let span = kids
                .child("EncodingType")
                .map(|e| e.span())
                .unwrap_or(el.start);
            dropped(
                self,
                span,
                "no custom encoding",
                format!("`{path}` uses a custom encoding but names none"),
            );
            return;
        }
        // Protocols outside the model (HTTP, S3, WebDAV, cloud storage) give no server.
        let (model_protocol, security) = match protocol_number {
            0 => (Protocol::Ftp, Security::TryStartTls),
            1 => (Protocol::Sftp, Security::ImplicitTls),
            3 => (Protocol::Ftp, Security::ImplicitTls),
            4 => (Protocol::Ftp, Security::StartTls),
            6 => (Protocol::Ftp, Security::None),
            _ => return,
        };
        let anchor_el = kids
            .child("Name")
            .filter(|n| !n.text().trim().is_empty())
            .unwrap_or(host_el);
        let anchor = (file, value_span(anchor_el));
        let loc = |c: Element<'_>, key: &str| {
            let (span, writer) = value_edit(c, write_value);
            Location {
                file,
                file_name: fname.to_owned(),
                key: key.to_owned(),
                key_span: c.name_span,
                value_span: span,
                writer,
            }
        };
        let security = match protocol {
            Some((_, c)) => Setting::explicit(security, loc(c, "Protocol")),
            None => Setting {
                value: security,
                origin: Origin::Default {
                    note: "`Protocol` is absent: FileZilla uses 0, FTP with TLS if available"
                        .to_owned(),
                    anchor,
                    insert: None,
                },
            },
        };
        let auth_value = match logon_number {
            0 => AuthMethod::None,
            5 => AuthMethod::External,
            6 | 7 => AuthMethod::Secure,
            _ => AuthMethod::PasswordCleartext,
        };
        let auth = Some(match logon {
            Some((_, c)) => Setting::explicit(auth_value, loc(c, "Logontype")),
            None => Setting {
                value: auth_value,
                origin: Origin::Default {
                    note: "`Logontype` is absent: FileZilla uses anonymous".to_owned(),
                    anchor,
                    insert: None,
                },
            },
        });
        // The quick-connect history has no per-site limit to set.
        let max_connections = if recent {
            None
        } else {
            Some(match int_of(self, "MaximumMultipleConnections") {
                Some((v, c)) => {
                    let v = if v < 0 {
                        self.profile.findings.push(FileFinding {
                            kind: FileFindingKind::InvalidValue,
                            file,
                            span: value_span(c),
                            label: "no limit".to_owned(),
                            message: format!("`MaximumMultipleConnections` of `{path}` is {v}: FileZilla reads it as a huge unsigned number, so the site has no connection limit"),
                            help: Some("write a limit between 1 and 10".to_owned()),
                            notes: Vec::new(),
                            account: Some(path.to_owned()),
                        });
                        0
                    } else {
                        v
                    };
                    let (span, writer) = value_edit(c, write_into_empty_max_connections);
                    Setting::explicit(
                        v,
                        Location {
                            file,
                            file_name: fname.to_owned(),
                            key: "MaximumMultipleConnections".to_owned(),
                            key_span: c.name_span,
                            value_span: span,
                            writer,
                        },
                    )
                }
                None => Setting {
                    value: 0,
                    origin: Origin::Default {
                        note: "`MaximumMultipleConnections` is absent: the site has no connection limit".to_owned(),
                        anchor,
                        insert: (self.max_connections_insertion(file, el)).map(Box::new),
                    },
                },
            })
        };
        self.profile.servers.push(Server {
            account: Some(path.to_owned()),
            key: path.to_owned(),
            role: Role::Incoming,
            protocol: model_protocol,
            host: Some(Setting::explicit(host.to_owned(), loc(host_el, "Host"))),
            user: user_el.map(|u| Setting::explicit(u.text().to_owned(), loc(u, "User"))),
            port: Setting::explicit(port_value, loc(port_el, "Port")),
            port_follows_security: false,
            security,
            auth,
            max_connections,
            poll_enabled: None,
            poll_minutes: None,
            timeout_seconds: None,
            auth_is_mechanism: false,
            // Worked out once the whole directory is read: see `build_profile`.
            connections: Connections::BrowsingAndTransfers {
                transfers: 0,
                site_limit: false,
            },
            anchor,
            // Recent servers are history; sites are bookmarks opened on demand.
            usage: if kind == FzFileKind::RecentServers {
                crate::model::Usage::History
            } else {
                crate::model::Usage::OnDemand
            },
        });
    }

    /// Where a missing `<MaximumMultipleConnections>` goes: after `<PasvMode>`, where
    /// FileZilla writes it, else after the last child element.
    fn max_connections_insertion(&self, file: FileId, server: Element<'_>) -> Option<Insertion> {
        let f = self.files.get(file)?;
        let after = server
            .child("PasvMode")
            .or_else(|| server.child("Logontype"))
            .or_else(|| server.elements().last())?;
        Some(Insertion {
            file,
            file_name: file_name(self.files, file),
            at: after.end.end,
            prefix: format!(
                "{}<MaximumMultipleConnections>",
                indent_like(f, server, after)
            ),
            suffix: "</MaximumMultipleConnections>".to_owned(),
            writer: write_value,
        })
    }
}

/// The children of a `<Server>` that [`Builder::read_server`] reads, found in one pass:
/// a site has about fifteen child elements and is asked for a dozen of them by name,
/// which `Element::child` would find by a scan each. Each is the first child of its name,
/// as with `child` (pugixml's `child(name)`).
struct ServerChildren<'a> {
    el: Element<'a>,
    found: [Option<Element<'a>>; 12],
}

impl<'a> ServerChildren<'a> {
    fn slot(name: &str) -> Option<usize> {
        Some(match name {
            "Host" => 0,
            "Port" => 1,
            "Protocol" => 2,
            "Type" => 3,
            "User" => 4,
            "Pass" => 5,
            "Logontype" => 6,
            "TimezoneOffset" => 7,
            "EncodingType" => 8,
            "CustomEncoding" => 9,
            "Name" => 10,
            "MaximumMultipleConnections" => 11,
            _ => return None,
        })
    }

    fn of(el: Element<'a>) -> Self {
        let mut found = [None; 12];
        for child in el.elements() {
            if let Some(slot) = Self::slot(&child.name).and_then(|i| found.get_mut(i)) {
                if slot.is_none() {
                    *slot = Some(child);
                }
            }
        }
        ServerChildren { el, found }
    }

    /// The first child element named `name`.
    fn child(&self, name: &str) -> Option<Element<'a>> {
        match Self::slot(name) {
            Some(i) => self.found.get(i).copied().flatten(),
            None => self.el.child(name),
        }
    }
}

/// Below this many sites, reading them is too little work to be worth spreading.
const PARALLEL_SITES: usize = 512;

/// Sites per parallel task: enough that the tasks' vectors are few and grow like the
/// profile's own would (one small vector per site made the parallel read slower than the
/// sequential one, page faults mostly).
const SITES_PER_TASK: usize = 256;

/// What a walk of the Site Manager's folders finds, in document order.
enum SiteItem<'a> {
    /// A `<Server>` and its path (`folder/…/name`).
    Site { el: Element<'a>, path: String },
    /// A folder FileZilla skips.
    Finding(FileFinding),
}

/// Lists the sites of a `<Servers>` or `<Folder>` element, recursively.
fn walk_folder<'a>(file: FileId, folder: Element<'a>, prefix: &str, out: &mut Vec<SiteItem<'a>>) {
    for el in folder.elements() {
        match el.name.as_ref() {
            "Server" => {
                let name = site_name(el);
                let path = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}{name}")
                };
                out.push(SiteItem::Site { el, path });
            }
            "Folder" => {
                let fname: String = el
                    .first_text()
                    .map(|t| t.value.trim().chars().take(255).collect())
                    .unwrap_or_default();
                if fname.is_empty() {
                    out.push(SiteItem::Finding(FileFinding {
                        kind: FileFindingKind::InvalidValue,
                        file,
                        span: el.start,
                        label: "folder without a name".to_owned(),
                        message: "this Site Manager folder has no name: FileZilla skips it, so none of the sites in it appear".to_owned(),
                        help: Some("give the folder a name (its own text)".to_owned()),
                        notes: Vec::new(),
                        account: None,
                    }));
                    continue;
                }
                walk_folder(file, el, &format!("{prefix}{fname}/"), out);
            }
            _ => {}
        }
    }
}

/// A site's name: `<Name>`, else the trimmed text of `<Server>` itself (reference §4.1).
fn site_name(el: Element<'_>) -> String {
    let name = el.child("Name").map(|n| n.text().trim()).unwrap_or("");
    if !name.is_empty() {
        return name.to_owned();
    }
    el.texts()
        .find(|t| !t.value.trim().is_empty())
        .map(|t| t.value.trim().to_owned())
        .unwrap_or_default()
}

/// Whether FileZilla can read a `crypt` password's `pubkey` attribute: if it cannot, it
/// clears the password and switches the site to "ask" (reference filezilla §5). The key
/// is `fz::public_key::to_base64()`, believed to be a 32-byte X25519 key and a 32-byte salt
/// (reference open question 2; unverified in libfilezilla's source), so anything that does
/// not decode to 64 bytes is taken as unusable — which the interop suite's FileZilla run
/// confirms for a 6-byte key (docs/interop.md, FZD1).
pub(crate) fn pubkey_is_usable(pubkey: Option<&str>) -> bool {
    use base64::Engine as _;
    let Some(key) = pubkey.map(str::trim) else {
        return false;
    };
    let padded = base64::engine::general_purpose::STANDARD.decode(key);
    let unpadded =
        base64::engine::general_purpose::STANDARD_NO_PAD.decode(key.trim_end_matches('='));
    padded.or(unpadded).map(|k| k.len() == 64).unwrap_or(false)
}

#[cfg(test)]
mod pubkey_tests {
    use super::pubkey_is_usable;

    #[test]
    fn a_64_byte_key_is_usable_believed_layout_unverified() {
        let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QA==";
        assert!(pubkey_is_usable(Some(key)));
        assert!(pubkey_is_usable(Some(key.trim_end_matches('='))));
        assert!(!pubkey_is_usable(Some("cHVia2V5")));
        assert!(!pubkey_is_usable(Some("not base64!")));
        assert!(!pubkey_is_usable(None));
    }
}

#[cfg(test)]
mod site_tests {
    use super::{walk_folder, Builder};
    use crate::clients::filezilla::{parse_file, FzFileKind};
    use crate::model::Profile;
    use crate::source::{Files, SourceFile};

    /// Sites read in parallel give the same profile, in the same order, as read one by one:
    /// across task boundaries, with folders, unnamed and dropped sites and bad values.
    #[test]
    fn parallel_site_reading_matches_sequential() -> Result<(), &'static str> {
        let mut xml = String::from("<FileZilla3>\n<Servers>\n");
        for i in 0..300 {
            let host = if i % 17 == 0 {
                String::new()
            } else {
                format!("h{}.example", i % 40)
            };
            let name = if i % 23 == 0 {
                String::new()
            } else {
                format!("s{i}")
            };
            let site = format!(
                "<Server><Host>{host}</Host><Port>{}</Port><Protocol>{}</Protocol><User>u{i}</User><Pass encoding=\"{}\">cA==</Pass><Logontype>{}</Logontype><MaximumMultipleConnections>{}</MaximumMultipleConnections><Name>{name}</Name></Server>\n",
                if i % 29 == 0 { "x1" } else { "21" },
                [0, 1, 3, 4, 6, 9][i % 6],
                if i % 31 == 0 { "rot13" } else { "base64" },
                i % 9,
                (i % 13) as i64 - 2,
            );
            match i % 50 {
                0 => xml.push_str(&format!("<Folder>f{i}\n{site}")),
                10 => xml.push_str(&format!("{site}</Folder>\n")),
                25 => xml.push_str(&format!("<Folder>\n{site}</Folder>\n")),
                _ => xml.push_str(&site),
            }
        }
        xml.push_str("</Servers>\n</FileZilla3>\n");
        let mut files = Files::default();
        let id = files.add(SourceFile::new("sitemanager.xml", xml.into_bytes()));
        let file = files.get(id).ok_or("no file")?;
        let (parsed, _) = parse_file(file, id, FzFileKind::SiteManager);
        assert!(parsed.doc.error.is_none(), "{:?}", parsed.doc.error);
        let servers = parsed
            .doc
            .root
            .as_ref()
            .and_then(|r| r.element().child("Servers"))
            .ok_or("no <Servers>")?;
        let read = |parallel_from: usize, per_task: usize| {
            let mut b = Builder {
                files: &files,
                profile: Profile::new(crate::clients::filezilla::ID, String::new()),
            };
            let mut items = Vec::new();
            walk_folder(id, servers, "", &mut items);
            b.read_sites_split(id, FzFileKind::SiteManager, items, parallel_from, per_task);
            format!("{:?}", b.profile)
        };
        let sequential = read(usize::MAX, 1);
        assert!(
            sequential.contains("InvalidValue"),
            "the sample has findings"
        );
        for per_task in [1, 7, 64, 1000] {
            assert_eq!(read(0, per_task), sequential, "{per_task} sites per task");
        }
        Ok(())
    }
}
