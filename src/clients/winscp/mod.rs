//! WinSCP: WinSCP.ini and `.reg` exports of `HKCU\Software\Martin Prikryl\WinSCP 2` → the
//! common model (sites, the background transfer queue, stored passwords).
//!
//! Facts from WinSCP's own source (`github:winscp/winscp`, collected with their places in
//! docs/winscp-facts.md): WinSCP keeps its settings in the registry unless an INI file
//! exists, looked for as `WinSCP.ini` next to `WinSCP.exe`, then `%APPDATA%\WinSCP.ini`,
//! with a `%LOCALAPPDATA%\VirtualStore\…` copy of the first winning over it
//! (`TConfiguration::GetAutomaticIniFileStorageName`, `TWinConfiguration::DetectStorage`).
//! Both forms hold the same tree: `Configuration\Interface` (program-wide settings such as
//! `QueueTransfersLimit`) and one `Sessions\<name>` key per stored site. Each file is a
//! unit of its own. The reading of each syntax is in [`store`], the meaning of the values
//! in [`facts`], the sites in [`sessions`].

mod facts;
mod munge;
mod sessions;
mod store;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::clients::{
    Built, Client, Confidence, Format, Found, Home, Layout, Recognised, Seen, Unit,
};
use crate::model::{ClientId, Origin, Profile, Setting};
use crate::source::{FileId, Files, SourceFile, Span};
use crate::tree::Tree;
use store::Store;

/// The WinSCP client.
pub struct WinScp;

/// The one instance, listed in [`crate::clients::CLIENTS`].
pub static WINSCP: WinScp = WinScp;

const ID: ClientId = ClientId::new("winscp", "WinSCP");

/// A WinSCP.ini (INI storage).
pub const INI: Format = Format("winscp-ini");
/// A Regedit export of WinSCP's registry storage.
pub const REG: Format = Format("winscp-reg");

/// The file name WinSCP looks for (`ChangeFileExt(exe, ".ini")` of `WinSCP.exe`), lower
/// case.
const INI_NAME: &str = "winscp.ini";

/// WinSCP's registry root, lower case, as it appears in a `.reg` key line.
const REG_MARKER: &str = "\\software\\martin prikryl\\winscp 2";

impl Client for WinScp {
    fn id(&self) -> ClientId {
        ID
    }

    fn formats(&self) -> &'static [Format] {
        &[INI, REG]
    }

    fn reads(&self) -> &'static str {
        "WinSCP WinSCP.ini and registry exports (*.reg) of its settings"
    }

    fn wants_when_walking(&self, _path: &Path, name: &str) -> bool {
        name.ends_with(".ini") || name.ends_with(".reg")
    }

    /// `WinSCP.ini` by name; any other file by its content: a Regedit export holding
    /// WinSCP's key, or INI text with WinSCP's sections (`[Configuration\…]`,
    /// `[Sessions\…]`, `[SshHostKeys]`).
    fn recognise(
        &self,
        path: &Path,
        name: &str,
        head: &[u8],
        seen: Seen,
    ) -> Option<(Format, Confidence)> {
        if seen == Seen::Walked && !self.wants_when_walking(path, name) {
            return None;
        }
        let text = SourceFile::new("", head.to_vec()).text;
        let start = text.trim_start();
        let is_reg = start.starts_with("Windows Registry Editor Version 5.00")
            || start.starts_with("REGEDIT4");
        if is_reg {
            let lower = text.to_ascii_lowercase();
            let ours = [format!("{REG_MARKER}]"), format!("{REG_MARKER}\\")]
                .iter()
                .any(|m| lower.contains(m.as_str()));
            return ours.then_some((REG, Confidence::Sure));
        }
        if name == INI_NAME || has_winscp_sections(&text) {
            return Some((INI, Confidence::Sure));
        }
        None
    }

    fn locate(&self, tree: &Tree, home: &Home<'_>, found: &mut Found) {
        for path in ini_locations(tree, home) {
            if home.may_hold(&path) && tree.is_file(&path) {
                found
                    .files
                    .push(Recognised::new(path.clone(), INI, Seen::Located));
            }
            found.searched.push(path);
        }
    }

    fn group(
        &self,
        _tree: &Tree,
        files: Vec<Recognised>,
        _machine: Vec<Recognised>,
        _found: &mut Found,
    ) -> Vec<Unit> {
        Unit::one_per_file(&WINSCP, files)
    }

    fn build(&self, unit: &Unit, files: &Files) -> Built {
        let mut built = Built::default();
        for f in &unit.files {
            let Some(id) = files.find(&f.path) else {
                continue;
            };
            let Some(file) = files.get(id) else { continue };
            built.formats.push((id, f.format));
            let (store, secrets) = if f.format == REG {
                let (store, parsed) = store::from_reg(id, file);
                let secrets = crate::syntax::reg::merge::secret_spans(
                    &file.text,
                    &parsed,
                    facts::is_secret_name,
                );
                (store, secrets)
            } else {
                let (store, parsed) = store::from_ini(id, file);
                (store, ini_secrets(&file.text, &parsed))
            };
            built.secrets.extend(secrets.into_iter().map(|s| (id, s)));
            built.profiles.push(build_profile(file, store));
        }
        built
    }

    /// A running WinSCP saves its configuration into its INI file (the keys of
    /// `[Configuration\Interface]` among them), which can undo a fix; whether it does so
    /// on every exit is not verified. `.reg` exports are imported, never rewritten.
    fn lock_held(&self, unit: &Unit) -> Option<String> {
        let ini = unit.files.iter().any(|f| f.format == INI);
        let running = ["WinSCP.exe", "winscp.exe", "WinSCP"]
            .iter()
            .any(|n| crate::os::process_running(n));
        (ini && running).then(|| {
            "a WinSCP process is running: it saves its configuration into WinSCP.ini".to_owned()
        })
    }
}

/// True when INI text has one of the sections only WinSCP writes.
fn has_winscp_sections(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start().to_ascii_lowercase();
        l.starts_with("[configuration\\")
            || l.starts_with("[sessions\\")
            || l.starts_with("[sshhostkeys]")
    })
}

/// Where WinSCP.ini is found under a home: `%APPDATA%` and the VirtualStore copies of an
/// installation under Program Files (Windows); a Wine prefix's users' `AppData\Roaming`
/// (Linux and macOS: Wine's own profile layout, not WinSCP's, and unverified). The copy
/// next to a portable WinSCP.exe is found by walking a tree.
fn ini_locations(tree: &Tree, home: &Home<'_>) -> Vec<PathBuf> {
    let name = "WinSCP.ini";
    match home.layout {
        Layout::Windows => {
            let store = home.dir.join("AppData").join("Local").join("VirtualStore");
            vec![
                home.appdata().join(name),
                store.join("Program Files").join("WinSCP").join(name),
                store.join("Program Files (x86)").join("WinSCP").join(name),
            ]
        }
        Layout::Linux | Layout::MacOs => {
            let users = home.dir.join(".wine").join("drive_c").join("users");
            let listed = home.may_hold(&users).then(|| tree.subdirectories(&users));
            listed
                .and_then(Result::ok)
                .unwrap_or_default()
                .into_iter()
                .map(|u| u.join("AppData").join("Roaming").join(name))
                .collect()
        }
    }
}

/// The value spans of every secret key (in any section, repeated copies included), and
/// the rest of a line without `=` that starts with a secret's name.
fn ini_secrets(text: &str, parsed: &crate::syntax::ini::ParsedIni) -> Vec<Span> {
    let mut out = Vec::new();
    for s in &parsed.sections {
        for e in &s.entries {
            if facts::is_secret_name(&e.key) {
                out.push(e.value_span);
            }
        }
    }
    for e in &parsed.errors {
        let line = text.get(e.span.start..e.span.end).unwrap_or("");
        let body = line.trim_start();
        let word_end = body
            .find(|c: char| c.is_whitespace() || c == ':')
            .unwrap_or(body.len());
        if facts::is_secret_name(body.get(..word_end).unwrap_or("")) {
            let start = e.span.start + (line.len() - body.len()) + word_end;
            out.push(Span::new(start, e.span.end));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The model of one file: the queue's transfer limit, then every site.
fn build_profile(file: &SourceFile, mut store: Store) -> Profile {
    let mut profile = Profile::new(ID, file.display_path());
    profile.files = vec![store.file];
    profile.findings.append(&mut store.findings);
    let transfers = queue_transfers_limit(&store, &mut profile);
    let queue = transfers.value;
    profile.globals.transfers = Some(transfers);
    for key in &store.keys {
        let is_site = key
            .path
            .get(..sessions::SESSIONS.len())
            .map(|p| p.eq_ignore_ascii_case(sessions::SESSIONS))
            .unwrap_or(false)
            && key.path.len() > sessions::SESSIONS.len();
        if is_site {
            sessions::read(&store, key, queue, &mut profile);
        }
    }
    profile
}

/// `[Configuration\Interface] QueueTransfersLimit` (default 2), the background queue's
/// connections per open site (`TTerminalQueue`, `source/core/Queue.cpp`: a negative limit
/// is no cap, 0 opens none but the ones "Execute now" asks for).
fn queue_transfers_limit(store: &Store, profile: &mut Profile) -> Setting<i64> {
    const KEY: &str = "Configuration\\Interface";
    const NAME: &str = "QueueTransfersLimit";
    let default = facts::default::QUEUE_TRANSFERS_LIMIT;
    let key = store.key(KEY);
    let anchor: (FileId, Span) = (
        store.file,
        key.map(|k| k.path_span).unwrap_or(Span::empty(0)),
    );
    let writer = store.int_writer();
    match key.and_then(|k| k.get(NAME)) {
        Some(entry) => match store.int(entry, &format!("`{NAME}`"), default) {
            Ok(v) => store.explicit(v, entry, writer),
            Err(f) => {
                profile.findings.push(*f);
                Setting {
                    value: default,
                    origin: Origin::Default {
                        note: format!("`{NAME}` cannot be read: WinSCP uses {default}"),
                        anchor: (store.file, entry.data_span),
                        insert: None,
                    },
                }
            }
        },
        None => Setting {
            value: default,
            origin: Origin::Default {
                note: format!("`{NAME}` is absent: WinSCP uses {default}"),
                anchor,
                insert: Some(store.insertion(key, KEY, NAME, writer)),
            },
        },
    }
}
