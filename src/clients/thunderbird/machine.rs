//! Where a machine's Thunderbird layers live: each install, and the files it reads before
//! and after a profile's own (tests/interop/layers/FACTS.md, observed on the Debian
//! package of Thunderbird 140; other layouts from Mozilla's source, marked below).
//!
//! Per install, in the order Thunderbird applies them: `<install>/defaults/pref/*.js`;
//! on Linux `/etc/thunderbird/pref/*.js` when the install has the Debian `defaults/syspref`
//! link to it, and `/etc/thunderbird/defaults/pref/*.js`; inside each directory the files
//! whose names sort last come first (FACTS fact 7); then the AutoConfig file the defaults
//! name, looked for in the install directory only (fact 34); then the enterprise policies
//! (`/etc/thunderbird/policies/policies.json` on Linux, which hides
//! `<install>/distribution/policies.json` entirely when it exists, facts 12–15).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::clients::{file_name, Found, Layout, Recognised, Seen, SNIFF_BYTES};
use crate::tree::Tree;

use super::{AUTOCONFIG, DEFAULT_PREFS_JS, POLICIES_JSON};

/// Where installs are, per OS layout, as machine paths. Linux: the Debian/Ubuntu package,
/// a 64-bit library directory, a tarball in /opt, and (from Mozilla's and the stores'
/// layouts, not observed here) the snap and the Flatpak. Windows and macOS from Mozilla's
/// installers (source).
fn install_candidates(layout: Layout) -> &'static [&'static str] {
    match layout {
        Layout::Linux => &[
            "/usr/lib/thunderbird",
            "/usr/lib64/thunderbird",
            "/opt/thunderbird",
            "/usr/local/lib/thunderbird",
            "/snap/thunderbird/current/usr/lib/thunderbird",
            "/var/lib/flatpak/app/org.mozilla.Thunderbird/current/active/files/lib/thunderbird",
            "/var/lib/flatpak/app/org.mozilla.thunderbird/current/active/files/lib/thunderbird",
        ],
        Layout::Windows => &[
            "/Program Files/Mozilla Thunderbird",
            "/Program Files (x86)/Mozilla Thunderbird",
        ],
        Layout::MacOs => &["/Applications/Thunderbird.app/Contents/Resources"],
    }
}

/// Which kind of install a profile of this path belongs to: a snap profile is used by
/// the snap, a Flatpak one by the Flatpak, any other by a native install.
pub(super) fn install_kind(path: &str) -> &'static str {
    if path.contains("/snap/thunderbird/") {
        "snap"
    } else if path.contains("flatpak") || path.contains(".var/app/org.mozilla") {
        "flatpak"
    } else {
        "native"
    }
}

/// Adds every install's layer files, each tagged with its install.
pub(super) fn locate(tree: &Tree, found: &mut Found) {
    for layout in tree.layouts() {
        for candidate in install_candidates(layout) {
            let dir = tree.machine_path(candidate);
            found.searched.push(dir.clone());
            if !is_install(tree, &dir) {
                continue;
            }
            let set: Arc<str> = Arc::from(dir.display().to_string());
            let version = install_version(tree, &dir);
            for (path, format) in layer_files(tree, &dir, layout, version, found) {
                found.files.push(Recognised {
                    path,
                    format,
                    seen: Seen::Located,
                    set: Some(Arc::clone(&set)),
                    version,
                });
            }
        }
    }
}

/// True when `dir` holds a Thunderbird install (its files, or the directories the layers
/// live in).
fn is_install(tree: &Tree, dir: &Path) -> bool {
    [
        "omni.ja",
        "application.ini",
        "thunderbird",
        "thunderbird.exe",
    ]
    .iter()
    .any(|f| tree.exists(&dir.join(f)))
        || ["defaults", "distribution"]
            .iter()
            .any(|d| tree.is_dir(&dir.join(d)))
}

/// The major version of the install in `dir`, from the `Version=` of its
/// `application.ini` (`[App]`), when it says one.
pub(super) fn install_version(tree: &Tree, dir: &Path) -> Option<u32> {
    let bytes = tree
        .read_head(&dir.join("application.ini"), 16 * 1024)
        .ok()?;
    let text = String::from_utf8_lossy(&bytes);
    let mut in_app = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_app = line.eq_ignore_ascii_case("[App]");
        } else if let Some(value) = line.strip_prefix("Version=").filter(|_| in_app) {
            let major: String = value.chars().take_while(char::is_ascii_digit).collect();
            return major.parse().ok();
        }
    }
    None
}

/// The first Thunderbird version observed to read the AutoConfig file from
/// `/etc/thunderbird` (SysConfD) before the install directory, and to ignore only the
/// entry of the `Preferences` policy that fails its schema rather than the whole policy:
/// 153.8.0 did both (Debian `1:153.8.0esr-1~deb12u1`, tests/interop/layers cases 23, 38,
/// 39), 140.12.0 neither. Versions between the two were not observed: they are taken to
/// behave as 140 did (unverified).
pub(super) const FIRST_ETC_CFG_VERSION: u32 = 153;

/// True when an install of `version` behaves as 153.8.0 was observed to (see
/// [`FIRST_ETC_CFG_VERSION`]); an install that does not say its version is taken to be the
/// older kind.
pub(super) fn is_153_or_later(version: Option<u32>) -> bool {
    version.is_some_and(|v| v >= FIRST_ETC_CFG_VERSION)
}

/// Where an install of `version` reads the AutoConfig file `name` from: on Linux, 153 and
/// later take `/etc/thunderbird/<name>` when it is there, before the install directory's.
pub(super) fn autoconfig_candidates(
    tree: &Tree,
    install: &Path,
    name: &str,
    layout: Layout,
    version: Option<u32>,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if layout == Layout::Linux && is_153_or_later(version) {
        out.push(tree.machine_path("/etc/thunderbird").join(name));
    }
    out.push(install.join(name));
    out
}

/// The layer files of one install, in the order Thunderbird applies them.
fn layer_files(
    tree: &Tree,
    dir: &Path,
    layout: Layout,
    version: Option<u32>,
    found: &mut Found,
) -> Vec<(PathBuf, crate::clients::Format)> {
    let mut out = Vec::new();
    let mut pref_dirs = vec![dir.join("defaults").join("pref")];
    if layout == Layout::Linux {
        // The Debian package's `defaults/syspref` is a link to /etc/thunderbird/pref;
        // name the files by where they are.
        if tree.exists(&dir.join("defaults").join("syspref")) {
            pref_dirs.push(tree.machine_path("/etc/thunderbird/pref"));
        }
        // SysConfD/defaults/pref, read after the others (FACTS fact 10; observed in the
        // .deb build, other builds from source).
        pref_dirs.push(tree.machine_path("/etc/thunderbird/defaults/pref"));
    }
    for pref_dir in pref_dirs {
        out.extend(
            default_prefs_in(tree, &pref_dir, found)
                .into_iter()
                .map(|p| (p, DEFAULT_PREFS_JS)),
        );
    }
    // The AutoConfig file: named by the defaults; the build reports it when missing.
    if let Some(name) = autoconfig_name(tree, out.iter().map(|(p, _)| p.as_path())) {
        let cfg = autoconfig_candidates(tree, dir, &name, layout, version)
            .into_iter()
            .find(|cfg| tree.is_file(cfg));
        if let Some(cfg) = cfg.filter(|_| !name.contains(['/', '\\'])) {
            out.push((cfg, AUTOCONFIG));
        }
    }
    let system = (layout == Layout::Linux)
        .then(|| tree.machine_path("/etc/thunderbird/policies/policies.json"))
        .filter(|p| tree.exists(p));
    let distribution = dir.join("distribution").join("policies.json");
    // Both are listed when both exist: the build says the distribution one is hidden.
    out.extend(system.into_iter().map(|p| (p, POLICIES_JSON)));
    if tree.is_file(&distribution) {
        out.push((distribution, POLICIES_JSON));
    }
    out
}

/// The `.js` files of a default prefs directory in the order Thunderbird reads them: the
/// names that sort last by byte come first, so the first name wins (FACTS fact 7); only
/// names ending in `.js`, in any case.
pub(super) fn default_prefs_in(tree: &Tree, dir: &Path, found: &mut Found) -> Vec<PathBuf> {
    let mut files = match tree.files_in(dir) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            found
                .errors
                .push(format!("cannot read `{}`: {e}", dir.display()));
            return Vec::new();
        }
    };
    files.retain(|p| file_name(p).ends_with(".js"));
    files.sort_by(|a, b| {
        let name = |p: &Path| {
            p.file_name()
                .map(|n| n.as_encoded_bytes().to_vec())
                .unwrap_or_default()
        };
        name(b).cmp(&name(a))
    });
    files
}

/// The value of `general.config.filename` the default prefs files set (the last one
/// Thunderbird applies), if any.
pub(super) fn autoconfig_name<'p>(
    tree: &Tree,
    defaults: impl Iterator<Item = &'p Path>,
) -> Option<String> {
    let mut name = None;
    for path in defaults {
        let Ok(bytes) = tree.read(path) else {
            continue;
        };
        let file = crate::source::SourceFile::new(path, bytes);
        let parsed =
            crate::syntax::prefs::parse(&file, crate::syntax::prefs::PrefFileKind::Default);
        for e in parsed.entries.iter().filter(|e| e.default_branch) {
            if e.name == "general.config.filename" {
                if let crate::syntax::prefs::PrefValue::Str(s) = &e.value {
                    name = Some(s.clone());
                }
            }
        }
    }
    name
}

/// A default prefs file that sits in an install's `defaults/pref`: the install directory.
pub(super) fn install_of_defaults_file(path: &Path) -> Option<&Path> {
    let pref = path.parent()?;
    let defaults = pref.parent()?;
    (file_name(pref) == "pref" && file_name(defaults) == "defaults")
        .then(|| defaults.parent())
        .flatten()
}

/// True when a recognised file's head looks like an AutoConfig script: a call of one of
/// AutoConfig's pref functions.
pub(super) fn looks_like_autoconfig(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&head[..head.len().min(SNIFF_BYTES as usize)]);
    [
        "lockPref(",
        "defaultPref(",
        "pref(",
        "clearPref(",
        "unlockPref(",
    ]
    .iter()
    .any(|f| text.contains(f))
}
