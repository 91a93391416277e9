//! Thunderbird: where its profiles live, how prefs.js, user.js, profiles.ini and default
//! prefs files are recognised and grouped, which prefs are secret, and when a running
//! Thunderbird holds a profile. The model is built in [`build`] (reference thunderbird.md).

mod assemble;
mod autoconfig;
mod build;
mod builder;
mod layers;
mod machine;
mod policies;
mod profiles_ini;
mod registry;
mod servers;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::clients::{
    file_name, Built, Client, Confidence, Format, Found, Home, Layout, Recognised, Seen, Unit,
    UnitFile,
};

use crate::model::ClientId;
use crate::source::{Files, ReadError, SourceFile, Span};
use crate::syntax::prefs::ParsedPrefs;
use crate::tree::Tree;

pub(crate) use profiles_ini::profile_dirs;

/// The Thunderbird client.
pub struct Thunderbird;

/// The one instance, listed in [`crate::clients::CLIENTS`].
pub static THUNDERBIRD: Thunderbird = Thunderbird;

const ID: ClientId = ClientId::new("thunderbird", "Thunderbird");

/// prefs.js or user.js: a user prefs file.
pub const PREFS_JS: Format = Format("prefs-js");
/// defaults/pref/*.js: a default prefs file (syntax only).
pub const DEFAULT_PREFS_JS: Format = Format("default-prefs-js");
/// profiles.ini.
pub const PROFILES_INI: Format = Format("profiles-ini");
/// An enterprise policies file (policies.json).
pub const POLICIES_JSON: Format = Format("policies-json");
/// An AutoConfig file (named by `general.config.filename`, usually `*.cfg`).
pub const AUTOCONFIG: Format = Format("autoconfig-cfg");
/// A Regedit export (`.reg`) holding Windows registry policies for Thunderbird.
pub const POLICIES_REG: Format = Format("policies-reg");
const POLICIES: &str = "policies.json";

const PREFS: &str = "prefs.js";
const USER: &str = "user.js";
const PROFILES: &str = "profiles.ini";

/// Which layer a file is in a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// prefs.js: written by Thunderbird.
    Prefs,
    /// user.js: read after prefs.js at every start, so its values win.
    User,
}

impl Layer {
    /// The layer a prefs file is, by its name: user.js (or `*user.js`) is read last.
    pub fn of(path: &Path) -> Layer {
        if file_name(path).ends_with(USER) {
            Layer::User
        } else {
            Layer::Prefs
        }
    }

    fn file_label(self) -> &'static str {
        match self {
            Layer::Prefs => PREFS,
            Layer::User => USER,
        }
    }
}

impl Client for Thunderbird {
    fn id(&self) -> ClientId {
        ID
    }

    fn formats(&self) -> &'static [Format] {
        &[
            PREFS_JS,
            DEFAULT_PREFS_JS,
            PROFILES_INI,
            POLICIES_JSON,
            AUTOCONFIG,
            POLICIES_REG,
        ]
    }

    fn reads(&self) -> &'static str {
        "Thunderbird prefs.js, user.js and profiles.ini, enterprise policies.json and .reg exports of registry policies, AutoConfig files (*.cfg) and default prefs files (defaults/pref/*.js)"
    }

    fn wants_when_walking(&self, path: &Path, name: &str) -> bool {
        matches!(name, PREFS | USER | PROFILES | POLICIES)
            || name.ends_with(".cfg")
            || (name.ends_with(".js") && in_pref_dir(path))
    }

    fn recognise(
        &self,
        path: &Path,
        name: &str,
        head: &[u8],
        seen: Seen,
    ) -> Option<(Format, Confidence)> {
        match name {
            PREFS | USER => return Some((PREFS_JS, Confidence::Sure)),
            PROFILES => return Some((PROFILES_INI, Confidence::Sure)),
            POLICIES => return Some((POLICIES_JSON, Confidence::Sure)),
            // A file in a default prefs directory is read with that grammar, whatever it
            // holds (Gecko takes the grammar from where it reads the file, not from it).
            _ if name.ends_with(".js") && in_pref_dir(path) => {
                return Some((DEFAULT_PREFS_JS, Confidence::Sure))
            }
            _ if name.ends_with(".cfg") && machine::looks_like_autoconfig(head) => {
                return Some((AUTOCONFIG, Confidence::Sure))
            }
            _ if seen != Seen::Named => return None,
            _ => {}
        }
        // A Regedit export (UTF-16LE or 8-bit) with Thunderbird's policy keys.
        let decoded = SourceFile::new("", head.to_vec());
        if (name.ends_with(".reg")
            || decoded
                .text
                .trim_start()
                .starts_with("Windows Registry Editor"))
            && registry::has_policies(&decoded.text)
        {
            return Some((POLICIES_REG, Confidence::Sure));
        }
        let text = String::from_utf8_lossy(head);
        if name.ends_with(".json") && text.contains("\"policies\"") {
            return Some((POLICIES_JSON, Confidence::Guess));
        }
        // The grammar is the one most statements are written in: a default prefs file
        // may hold a stray `user_pref`, a user file a stray `pref(` (issue 17, P1).
        let calls = |word: &str| {
            text.match_indices(&format!("{word}("))
                .filter(|(i, _)| {
                    !text
                        .get(..*i)
                        .unwrap_or("")
                        .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                })
                .count()
        };
        let (defaults, users) = (calls("pref") + calls("sticky_pref"), calls("user_pref"));
        if name.ends_with(".js") && defaults > users {
            Some((DEFAULT_PREFS_JS, Confidence::Guess))
        } else if text.contains("user_pref") {
            Some((PREFS_JS, Confidence::Guess))
        } else if name.ends_with(".ini") && text.contains("[Profile") {
            Some((PROFILES_INI, Confidence::Guess))
        } else {
            None
        }
    }

    fn locate(&self, tree: &Tree, home: &Home<'_>, found: &mut Found) {
        for root in roots(home) {
            let ini = root.join(PROFILES);
            if home.may_hold(&ini) && tree.is_file(&ini) {
                found
                    .files
                    .push(Recognised::new(ini, PROFILES_INI, Seen::Located));
            }
            found.searched.push(root);
        }
    }

    fn locate_machine(&self, tree: &Tree, found: &mut Found) {
        machine::locate(tree, found);
    }

    fn group(
        &self,
        tree: &Tree,
        files: Vec<Recognised>,
        machine: Vec<Recognised>,
        found: &mut Found,
    ) -> Vec<Unit> {
        let mut profiles = ProfileDirs::default();
        let mut units = Vec::new();
        let mut registry_exports = Vec::new();
        let mut inis = Vec::new();
        for r in files {
            let name = file_name(&r.path);
            match r.format {
                PREFS_JS if name == PREFS || name == USER => {
                    profiles.add_file(tree, &r.path, r.seen == Seen::Named)
                }
                PROFILES_INI => inis.push(r),
                POLICIES_REG => registry_exports.push(r),
                // A prefs file under another name, a default prefs file, a policies.json
                // or an AutoConfig file on its own: a deployment artefact, checked as
                // what every account on a machine that gets it inherits.
                _ => units.push(assemble::artefact_unit(tree, r)),
            }
        }
        // Each profiles.ini is read and the profiles it lists probed in parallel (a fleet
        // has one per home), then taken in order, so the result does not depend on threads.
        use rayon::prelude::*;
        let listed: Vec<(Vec<ProbedProfile>, Found)> = inis
            .par_iter()
            .map(|r| listed_profiles(tree, &r.path))
            .collect();
        for (r, (dirs, mut local)) in inis.into_iter().zip(listed) {
            for dir in dirs {
                profiles.add_probed(dir);
            }
            // Whatever reading the file recorded (today only warnings for profiles left
            // outside the tree), so nothing it says is dropped.
            found.absorb_messages(&mut local);
            // Its own findings, and the profiles it lists. An unreadable or oversized
            // file is reported when the unit is read.
            units.push(Unit::new(
                &THUNDERBIRD,
                r.path.display().to_string(),
                vec![r.unit_file()],
            ));
        }
        units.extend(assemble::registry_units(registry_exports, &units));
        let installs = assemble::install_units(tree, machine);
        units.extend(profiles.into_units(&installs));
        units.extend(installs);
        units
    }

    fn build(&self, unit: &Unit, files: &Files) -> Built {
        assemble::build(unit, files)
    }

    fn lock_held(&self, unit: &Unit) -> Option<String> {
        let first = unit.files.first()?;
        (first.format == PREFS_JS)
            .then(|| first.path.parent())
            .flatten()
            .and_then(|dir| profile_lock(&unit.tree, dir))
    }
}

/// Thunderbird roots (holding profiles.ini) under a home (reference thunderbird §2.2).
fn roots(home: &Home<'_>) -> Vec<PathBuf> {
    let dir = home.dir;
    match home.layout {
        Layout::Windows => vec![home.appdata().join("Thunderbird")],
        Layout::MacOs => vec![dir.join("Library").join("Thunderbird")],
        Layout::Linux => {
            let xdg = home
                .xdg_config
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dir.join(".config"));
            vec![
                dir.join(".thunderbird"),
                // XDG location; which Thunderbird release first uses it is unverified
                // (reference thunderbird §2.2, open question 1), so both are searched.
                xdg.join("thunderbird"),
                dir.join(".var/app/org.mozilla.thunderbird/.thunderbird"),
                // The older community Flatpak id; unverified whether still in use
                // (reference thunderbird, open question 4).
                dir.join(".var/app/org.mozilla.Thunderbird/.thunderbird"),
                dir.join("snap/thunderbird/common/.thunderbird"),
            ]
        }
    }
}

/// A profile directory a profiles.ini lists, and the layers found in it.
struct ProbedProfile {
    dir: PathBuf,
    prefs: Option<PathBuf>,
    user: Option<PathBuf>,
}

/// The profile directories the profiles.ini at `ini` lists that exist, each with its
/// layers, and the warnings for those left alone (out of the tree). Reads only: it runs
/// for many profiles.ini files at once.
fn listed_profiles(tree: &Tree, ini: &Path) -> (Vec<ProbedProfile>, Found) {
    let mut found = Found::default();
    let mut dirs = Vec::new();
    let Ok(bytes) = tree.read(ini) else {
        return (dirs, found);
    };
    let text = String::from_utf8_lossy(&bytes);
    for entry in profile_dirs(tree, ini, &text) {
        if tree.is_dir(&entry.dir) {
            let mut layer = |name: &str| {
                let path = entry.dir.join(name);
                if tree.is_file(&path) {
                    Some(path)
                } else {
                    found.note_if_outside(tree, &path);
                    None
                }
            };
            let (prefs, user) = (layer(PREFS), layer(USER));
            dirs.push(ProbedProfile {
                dir: entry.dir,
                prefs,
                user,
            });
        } else if matches!(tree.check(&entry.dir), Err(ReadError::Outside)) {
            found.warnings.push(format!(
                "`{}` lists profile `{}` at `{}`, which is out of the tree clientlint was given; not read",
                ini.display(),
                entry.name,
                entry.dir.display()
            ));
        }
    }
    (dirs, found)
}

/// Profile directories met so far: prefs.js and user.js of one directory form one unit.
#[derive(Default)]
struct ProfileDirs(BTreeMap<PathBuf, (Option<PathBuf>, Option<PathBuf>)>);

impl ProfileDirs {
    /// A profile directory named by profiles.ini, with whichever layers exist there.
    fn add_probed(&mut self, probed: ProbedProfile) {
        let entry = self.0.entry(probed.dir).or_default();
        for (slot, layer) in [(&mut entry.0, probed.prefs), (&mut entry.1, probed.user)] {
            if layer.is_some() {
                *slot = layer;
            }
        }
    }

    /// A prefs.js or user.js. Named on the command line, it brings in its sibling layer:
    /// the profile is the unit (user.js overrides prefs.js).
    fn add_file(&mut self, tree: &Tree, path: &Path, named: bool) {
        let dir = path.parent().unwrap_or(Path::new(""));
        let is_prefs = file_name(path) == PREFS;
        let entry = self.0.entry(dir.to_path_buf()).or_default();
        let (own, other, sibling) = if is_prefs {
            (&mut entry.0, &mut entry.1, USER)
        } else {
            (&mut entry.1, &mut entry.0, PREFS)
        };
        *own = Some(path.to_path_buf());
        if named && other.is_none() {
            let sibling = dir.join(sibling);
            if tree.is_file(&sibling) {
                *other = Some(sibling);
            }
        }
    }

    /// One unit per profile directory, sharing the layers of the installs that use it.
    fn into_units(self, installs: &[Unit]) -> Vec<Unit> {
        self.0
            .into_iter()
            .filter_map(|(dir, (prefs, user))| {
                let files: Vec<UnitFile> = prefs
                    .into_iter()
                    .chain(user)
                    .map(|path| UnitFile::new(path, PREFS_JS))
                    .collect();
                if files.is_empty() {
                    return None;
                }
                let name = dir.display().to_string();
                let mut unit = Unit::new(&THUNDERBIRD, name, files);
                unit.shared = assemble::layers_for_profile(&unit.name, installs);
                Some(unit)
            })
            .collect()
    }
}

/// Why the profile in `dir` is in use by a running Thunderbird, if it is (reference §1.2):
/// the old-style `lock` symlink exists (Unix), or `.parentlock` (Unix, macOS) or
/// `parent.lock` (Windows) is locked by another process.
pub fn profile_lock(tree: &Tree, dir: &Path) -> Option<String> {
    let symlink = dir.join("lock");
    // In an image too: a mounted home may be live.
    if tree.is_link(&symlink) {
        return Some(format!(
            "Thunderbird's lock `{}` exists: Thunderbird is running on this profile (or crashed and left the lock behind)",
            symlink.display()
        ));
    }
    for name in [".parentlock", "parent.lock"] {
        let path = dir.join(name);
        if crate::os::fcntl_lock_held(tree, &path) {
            return Some(format!(
                "`{}` is locked: Thunderbird is running on this profile",
                path.display()
            ));
        }
    }
    None
}

/// True when a pref's value is a secret that no output may show (see [`crate::secret`]).
pub fn is_secret_pref(name: &str) -> bool {
    crate::secret::is_credential_name(name)
}

/// True when `path` is in a default prefs directory (`defaults/pref`, or the system's
/// `pref` directory): its `.js` files are default prefs files.
fn in_pref_dir(path: &Path) -> bool {
    path.parent()
        .is_some_and(|p| file_name(p) == "pref" || file_name(p) == "syspref")
}

/// The secret values of a parsed prefs file, including values of statements that a
/// syntax error swallowed (they are still drawn in snippets).
fn secrets(file: &SourceFile, parsed: &ParsedPrefs) -> Vec<Span> {
    let mut out = Vec::new();
    for e in &parsed.entries {
        if is_secret_pref(&e.name) {
            out.push(e.value_span);
        }
    }
    for err in &parsed.errors {
        // The statement the error is in starts after the `;` before it.
        let text = file.text.as_bytes();
        let from = text
            .get(..err.skipped.start.min(text.len()))
            .and_then(|t| memchr::memrchr(b';', t))
            .map(|i| i + 1)
            .unwrap_or(0);
        let names = err.lost.iter().map(|(_, span)| span.start);
        let from = names.fold(from, usize::min);
        secrets_in_broken_text(&file.text, Span::new(from, err.skipped.end), &mut out);
    }
    out
}

/// Masks, in text a syntax error made unreadable, everything after a string that names a
/// secret up to the end of its statement (`;`) or of the text: the value may be on the next
/// line, after a doubled parenthesis, or anywhere the statement's broken shape puts it.
fn secrets_in_broken_text(text: &str, region: Span, out: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    let end = region.end.min(bytes.len());
    let mut i = region.start;
    while i < end {
        match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let content_start = i + 1;
                let mut j = content_start;
                while j < end && bytes.get(j) != Some(&q) {
                    j += if bytes.get(j) == Some(&b'\\') { 2 } else { 1 };
                }
                let content = text.get(content_start..j.min(end)).unwrap_or("");
                i = (j + 1).min(end);
                if is_secret_pref(content) {
                    let stop = bytes
                        .get(i..end)
                        .and_then(|t| memchr::memchr(b';', t))
                        .map(|k| i + k)
                        .unwrap_or(end);
                    out.push(Span::new(i, stop));
                    i = stop;
                }
            }
            _ => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::secrets;
    use crate::source::SourceFile;
    use crate::syntax::prefs;

    fn masked(text: &str) -> String {
        let mut file = SourceFile::new("prefs.js", text.as_bytes().to_vec());
        file.secrets = secrets(&file, &prefs::parse(&file, prefs::PrefFileKind::User));
        file.masked_text()
    }

    #[test]
    fn a_password_in_a_broken_statement_is_masked_wherever_it_is() {
        // The value on the line after the name, in a statement with a syntax error.
        let m = masked("user_pref(\"mail.smtpserver.smtp1.password\",\n  \"hunter2\" x);\nuser_pref(\"a\", 1);\n");
        assert!(!m.contains("hunter2"), "{m}");
        assert_eq!(m.lines().count(), 3, "line structure kept: {m}");
        assert!(
            m.contains("user_pref(\"a\", 1);"),
            "the next statement is shown: {m}"
        );
        // A doubled parenthesis.
        let m = masked("user_pref((\"x.password\", \"hunter2\"));\n");
        assert!(!m.contains("hunter2"), "{m}");
        // An OAuth refresh token, in a statement cut off at the end of the file.
        let m = masked("user_pref(\"mail.server.server1.oauth2.refresh_token\", \"tok3n\"");
        assert!(!m.contains("tok3n"), "{m}");
        // Names that only mention OAuth stay readable.
        let m =
            masked("user_pref(\"mail.server.server1.oauth2.issuer\", \"accounts.example\" x;\n");
        assert!(m.contains("accounts.example"), "{m}");
    }
}
