//! FileZilla's settings layers and the globals they give: each `<Setting>` read as
//! FileZilla reads it (unknown, duplicate and predefined-only names; values clamped,
//! discarded or raised), built-in defaults < fzdefaults.xml < filezilla.xml with the
//! predefined-priority exception (reference filezilla §1.3, §2), and the effective
//! `Number of Transfers`, `Timeout` and keep-alive of the profile.

use super::write::{defaulted, location, value_span, write_into_empty_setting};
use super::{file_name, Builder};
use crate::clients::filezilla::options::{self, Kind, Layering, Opt, OutOfRange};
use crate::clients::filezilla::{FzFileKind, ParsedFile};
use crate::model::{FileFinding, FileFindingKind, PasswordStorage, Setting, StoredPassword};
use crate::source::{FileId, Span};
use crate::syntax::xml::{Attr, Element};

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

/// The `<Setting>`s of one layer, one slot per known option at its name's rank (see
/// [`options::find_ranked`]): walking the slots walks the names in byte order. A
/// filezilla.xml holds ~150 settings and a fleet thousands of files; hashing each name
/// into a map per layer, then sorting the names to merge, was ~4 % of a fleet run.
#[derive(Clone)]
struct Layer<'a>(Vec<Option<Entry<'a>>>);

impl<'a> Layer<'a> {
    fn new() -> Self {
        Layer(vec![None; options::count()])
    }

    fn get(&self, rank: usize) -> Option<&Entry<'a>> {
        self.0.get(rank)?.as_ref()
    }

    fn insert(&mut self, rank: usize, entry: Entry<'a>) {
        if let Some(slot) = self.0.get_mut(rank) {
            *slot = Some(entry);
        }
    }

    /// The settings, by name in byte order, with their ranks.
    fn iter(&self) -> impl Iterator<Item = (usize, &Entry<'a>)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(rank, e)| Some((rank, e.as_ref()?)))
    }
}

impl<'a> Builder<'a> {
    /// Reads the `<Settings>` of fzdefaults.xml and filezilla.xml (`usable`, lowest layer
    /// first), merges them and fills the profile's globals.
    pub(super) fn read_settings_layers(
        &mut self,
        usable: &[(&ParsedFile, Element<'a>)],
        parsed: &[ParsedFile],
    ) {
        let mut defaults = Layer::new();
        let mut user = Layer::new();
        let mut settings_elements: Vec<(FileId, FzFileKind, Element<'a>)> = Vec::new();
        for (p, root) in usable {
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
            self.read_settings(p.file, p.kind, settings, layer);
        }
        let effective = self.merge_layers(&defaults, &user);
        self.fill_globals(&effective, &settings_elements, parsed);
    }

    /// Reads the children of one `<Settings>` element: `<Setting>`s into `layer`, and the
    /// password of `<LastServer>`.
    fn read_settings(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        settings: Element<'a>,
        layer: &mut Layer<'a>,
    ) {
        let fname = file_name(self.files, file);
        for el in settings.elements() {
            match el.name.as_ref() {
                "LastServer" => self.read_passwords_in(
                    file,
                    el,
                    format!(
                        "the last server `{}`",
                        el.child("Host").map(|h| h.text().trim()).unwrap_or("")
                    ),
                ),
                "Setting" => self.read_setting(file, kind, &fname, el, layer),
                // FileZilla ignores other children (and deletes them on cleanup).
                _ => {}
            }
        }
    }

    /// Reads one `<Setting>` of the file `fname` into `layer`, unless FileZilla ignores it.
    fn read_setting(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        fname: &str,
        el: Element<'a>,
        layer: &mut Layer<'a>,
    ) {
        let Some(name_attr) = el.attr("name") else {
            return;
        };
        let name = name_attr.value;
        let Some((opt, rank)) = options::find_ranked(name) else {
            self.profile.findings.push(unknown_setting(file, name_attr));
            return;
        };
        if let Some(first) = layer.get(rank) {
            // Copies for two different platforms (`platform="win"`, `"unix"`, `"mac"`) never
            // meet: FileZilla skips the one that is not its own.
            let platform = |e: Element<'_>| e.attr("platform").map(|a| a.value.to_owned());
            if let (Some(a), Some(b)) = (platform(first.el), platform(el)) {
                if !a.is_empty() && !b.is_empty() && a != b {
                    return;
                }
            }
            self.profile.findings.push(
                FileFinding::new(
                    FileFindingKind::DuplicateSetting,
                    file,
                    name_attr.value_span,
                    "ignored duplicate",
                    format!("`{name}` is set twice in {fname}: FileZilla uses the first one and deletes this one when it saves"),
                )
                .help("delete this duplicate so the file says what FileZilla does")
                .note(file, first.name_span, "FileZilla uses this one"),
            );
            return;
        }
        if kind == FzFileKind::Settings && opt.layering == Layering::PredefinedOnly {
            self.profile.findings.push(
                FileFinding::new(
                    FileFindingKind::OverriddenSetting,
                    file,
                    value_span(el),
                    "ignored here",
                    format!("`{name}` is only read from fzdefaults.xml: FileZilla ignores it in {fname}, so this value has no effect"),
                )
                .help("set it in fzdefaults.xml (reference filezilla §1.3) or delete it here"),
            );
            return;
        }
        let int = self.read_value(file, el, &opt);
        layer.insert(
            rank,
            Entry {
                file,
                el,
                name_span: name_attr.value_span,
                opt,
                int,
            },
        );
        self.read_setting_passwords(file, el, name, &opt);
    }

    /// The passwords a `<Setting>` holds: those of the open tabs in `Tab data`, and the
    /// proxy passwords, which FileZilla stores as typed.
    fn read_setting_passwords(&mut self, file: FileId, el: Element<'a>, name: &str, opt: &Opt) {
        if opt.name == "Tab data" {
            for tab in el.elements().flat_map(|tabs| tabs.elements()) {
                let host = tab.child("Host").map(|h| h.text().trim()).unwrap_or("");
                self.read_passwords_in(file, tab, format!("the open tab `{host}` (`Tab data`)"));
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
        let finding = |label: String, message: String, help: String| {
            FileFinding::new(FileFindingKind::InvalidValue, file, span, label, message).help(help)
        };
        if !clean {
            let shown = if text.trim().is_empty() {
                "has no value".to_owned()
            } else {
                format!("is `{}`, not a number", text.trim())
            };
            self.profile.findings.push(finding(
                format!("reads as {v}"),
                format!("`{name}` {shown}: FileZilla reads it as {v}"),
                if is_bool {
                    "write 0 or 1".to_owned()
                } else {
                    format!("write the number FileZilla should use, e.g. {v}")
                },
            ));
        }
        if let Some((min, max, how)) = range {
            if v < min || v > max {
                match how {
                    OutOfRange::Clamp => {
                        let c = v.clamp(min, max);
                        self.profile.findings.push(finding(
                            format!("clamped to {c}"),
                            format!(
                                "`{name}` is {v}, outside {min}–{max}: FileZilla clamps it to {c}"
                            ),
                            format!("write a value between {min} and {max}"),
                        ));
                        v = c;
                    }
                    OutOfRange::Discard => {
                        let fallback = builtin_default(opt);
                        self.profile.findings.push(finding(
                            "ignored".to_owned(),
                            format!("`{name}` is {v}, outside {min}–{max}: FileZilla ignores the value and uses {fallback}"),
                            format!("write a value between {min} and {max}"),
                        ));
                        return None;
                    }
                }
            }
        }
        // The Timeout validator turns 1–9 into 10 (optionspage_connection: "10-9999, 0 to
        // disable").
        if name == options::TIMEOUT && (1..=9).contains(&v) {
            self.profile.findings.push(finding(
                "raised to 10".to_owned(),
                format!("`{name}` is {v}: FileZilla's minimum timeout is 10 seconds (0 disables it), so it uses 10"),
                "write a timeout between 10 and 9999 seconds".to_owned(),
            ));
            v = 10;
        }
        Some(v)
    }

    /// Applies fzdefaults.xml < filezilla.xml with the predefined exceptions.
    fn merge_layers(&mut self, defaults: &Layer<'a>, user: &Layer<'a>) -> Layer<'a> {
        let mut effective = defaults.clone();
        for (rank, u) in user.iter() {
            let name = u.opt.name;
            let ufile = || file_name(self.files, u.file);
            match defaults.get(rank) {
                Some(d)
                    if u.opt.layering == Layering::PredefinedPriority
                        && !matches!(d.el.text().trim(), "" | "0") =>
                {
                    let dfile = file_name(self.files, d.file);
                    self.profile.findings.push(
                        FileFinding::new(
                            FileFindingKind::OverriddenSetting,
                            u.file,
                            value_span(u.el),
                            "overridden",
                            format!("`{name}` in {} is overridden by {dfile}, whose value always wins for this setting: editing it here has no effect", ufile()),
                        )
                        .help(format!("change it in {dfile} instead"))
                        .note(d.file, value_span(d.el), "this value wins"),
                    );
                }
                Some(d) => {
                    if d.el.text() != u.el.text() {
                        let dfile = file_name(self.files, d.file);
                        self.profile.findings.push(
                            FileFinding::new(
                                FileFindingKind::OverriddenSetting,
                                d.file,
                                value_span(d.el),
                                "overridden",
                                format!("`{name}` in {dfile} is only a default: {} sets it too, and FileZilla uses that value", ufile()),
                            )
                            .help(format!("change it in {}, or make it a value users cannot override (only Kiosk mode and Cache directory can be)", ufile()))
                            .note(u.file, value_span(u.el), "this value wins"),
                        );
                    }
                    effective.insert(rank, *u);
                }
                None => {
                    effective.insert(rank, *u);
                }
            }
        }
        effective
    }

    /// Fills the profile's globals from the `effective` settings; a missing one is
    /// FileZilla's built-in default, and a fix inserts it into filezilla.xml, else into
    /// fzdefaults.xml.
    fn fill_globals(
        &mut self,
        effective: &Layer<'a>,
        settings_elements: &[(FileId, FzFileKind, Element<'a>)],
        parsed: &[ParsedFile],
    ) {
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
            let (opt, rank) = options::find_ranked(name)?;
            let default = builtin_default(&opt);
            Some(match effective.get(rank) {
                Some(e) => Setting::explicit(
                    e.int.unwrap_or(default),
                    location(
                        e.file,
                        &file_name(b.files, e.file),
                        name,
                        e.name_span,
                        e.el,
                        write_into_empty_setting,
                    ),
                ),
                None => defaulted(
                    default,
                    format!("`{name}` is absent: FileZilla uses {default}"),
                    anchor,
                    target.and_then(|(f, _, s)| b.setting_insertion(f, s, name)),
                ),
            })
        };
        self.profile.globals.transfers = int_setting(self, options::NUMBER_OF_TRANSFERS);
        self.profile.globals.timeout_seconds = int_setting(self, options::TIMEOUT);
        self.profile.globals.keepalive = int_setting(self, options::KEEPALIVE).map(|s| Setting {
            value: s.value != 0,
            origin: s.origin,
        });
    }
}

/// FileZilla's built-in value of an option.
fn builtin_default(opt: &Opt) -> i64 {
    match opt.kind {
        Kind::Int { default, .. } => default,
        Kind::Bool { default } => i64::from(default),
        _ => 0,
    }
}

/// A `<Setting>` whose name FileZilla does not know, at its `name` attribute. The "did
/// you mean" is worked out only if `unknown-setting` reports it ([`suggest`]).
fn unknown_setting(file: FileId, name_attr: Attr<'_>) -> FileFinding {
    let name = name_attr.value;
    FileFinding::new(
        FileFindingKind::UnknownSetting,
        file,
        name_attr.value_span,
        "unknown setting",
        format!(
            "`{name}` is not a FileZilla setting: FileZilla ignores it and leaves it in the file"
        ),
    )
    .help("remove it, or check the setting's name")
    .deferred(name, suggest)
}

/// Names the closest known setting in an `unknown-setting` finding about `name`, when one
/// is near enough to be a typo.
fn suggest(name: &str, finding: &mut FileFinding) {
    if let Some(n) = options::nearest(name) {
        finding.message = format!("`{name}` is not a FileZilla setting: FileZilla ignores it; did you mean `{n}`? (names are matched exactly, including case)");
        finding.help = Some(format!("rename it to `{n}`"));
    }
}
