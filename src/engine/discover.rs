//! Finding what to lint: the paths on the command line, or this machine's default client
//! locations, turned into [`Unit`]s (which files make up which profile).
//!
//! A Thunderbird profile directory is the unit: naming its prefs.js also brings in its
//! user.js (which overrides it), and the other way round. A Thunderbird root is recognised
//! by its profiles.ini, a FileZilla settings directory by its files. When walking, files
//! are recognised by name and confirmed by their first bytes; nothing else is opened.
//! Directory links are never followed and file links only when their target lies inside
//! the walked tree, so loops cannot happen; FIFOs and devices are never opened; unreadable
//! entries are reported once and the walk goes on.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::formats::filezilla::{self, FzFileKind};
use crate::formats::thunderbird::Layer;
use crate::formats::{self, profiles_ini, Format, Unit};

/// The outcome of discovery.
#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<Unit>,
    /// Paths named on the command line that could not be used (a tool error, exit 2).
    pub errors: Vec<String>,
    /// Files named explicitly that are not a configuration clientlint reads.
    pub unsupported: Vec<PathBuf>,
    /// Places looked at when no path was given.
    pub searched: Vec<PathBuf>,
}

/// How much of a file is read to recognise it.
const SNIFF_BYTES: u64 = 64 * 1024;

/// Directories that hold mail stores, caches or code, never client configuration: not
/// descended into, which keeps walking a home directory cheap.
const SKIPPED_DIRS: &[&str] = &[
    "ImapMail",
    "Mail",
    "News",
    "cache2",
    "startupCache",
    "node_modules",
    ".git",
    ".hg",
    ".svn",
];

/// Collects profiles per directory, so prefs.js and user.js of one directory form one unit.
#[derive(Default)]
struct Collector {
    /// profile dir → (prefs.js, user.js)
    profiles: BTreeMap<PathBuf, (Option<PathBuf>, Option<PathBuf>)>,
    /// FileZilla settings dir → its files, recognised by content.
    filezilla: BTreeMap<PathBuf, BTreeMap<PathBuf, FzFileKind>>,
    standalone: Vec<Unit>,
    /// Files and directories met while walking that could not be read.
    errors: Vec<String>,
}

impl Collector {
    fn add_profile_dir(&mut self, dir: &Path) {
        let prefs = dir.join("prefs.js");
        let user = dir.join("user.js");
        let entry = self.profiles.entry(dir.to_path_buf()).or_default();
        if prefs.is_file() {
            entry.0 = Some(prefs);
        }
        if user.is_file() {
            entry.1 = Some(user);
        }
    }

    fn add_profiles_ini(&mut self, path: &Path) {
        self.standalone.push(Unit::ProfilesIni(path.to_path_buf()));
        // Unreadable or oversized: reading the unit's files reports it.
        if let Ok(bytes) = crate::source::read_config_file(path) {
            let text = String::from_utf8_lossy(&bytes);
            for entry in profiles_ini::profile_dirs(path, &text) {
                if entry.dir.is_dir() {
                    self.add_profile_dir(&entry.dir);
                }
            }
        }
    }

    /// Adds the FileZilla files of `dir` (as named in reference filezilla §1.2–1.3). Each
    /// is recognised by content, so a non-FileZilla file under one of these names is left
    /// out, and `*.xml~` backups are never picked up.
    fn add_filezilla_dir(&mut self, dir: &Path) {
        for name in filezilla::FILE_NAMES {
            let path = dir.join(name);
            // Through the checked reader: one of these names may be a FIFO or a device,
            // and a plain read would block on it forever. The root element decides; the
            // whole file is read once, later.
            let bytes = match crate::source::read_config_head(&path, SNIFF_BYTES) {
                Ok(b) => b,
                Err(e) if e.is_not_found() => continue,
                Err(e) => {
                    self.errors
                        .push(format!("cannot read `{}`: {e}", path.display()));
                    continue;
                }
            };
            if let Some(kind) = filezilla::sniff(name, &bytes) {
                self.filezilla
                    .entry(dir.to_path_buf())
                    .or_default()
                    .insert(path, kind);
            }
        }
    }

    /// Takes in what another collector found (of another home).
    fn merge(&mut self, other: Collector) {
        for (dir, (prefs, user)) in other.profiles {
            let entry = self.profiles.entry(dir).or_default();
            entry.0 = entry.0.take().or(prefs);
            entry.1 = entry.1.take().or(user);
        }
        for (dir, members) in other.filezilla {
            self.filezilla.entry(dir).or_default().extend(members);
        }
        self.standalone.extend(other.standalone);
        self.errors.extend(other.errors);
    }

    fn finish(self, d: &mut Discovery) {
        d.errors.extend(self.errors);
        let mut units: Vec<Unit> = self
            .profiles
            .into_iter()
            .filter_map(|(dir, (prefs, user))| {
                let mut layers = Vec::new();
                layers.extend(prefs.map(|p| (p, Layer::Prefs)));
                layers.extend(user.map(|p| (p, Layer::User)));
                (!layers.is_empty()).then(|| Unit::Thunderbird {
                    name: dir.display().to_string(),
                    layers,
                })
            })
            .collect();
        for (dir, members) in self.filezilla {
            let mut files: Vec<(PathBuf, FzFileKind)> = members.into_iter().collect();
            files.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
            units.push(Unit::FileZilla {
                name: dir.display().to_string(),
                files,
            });
        }
        units.extend(self.standalone);
        units.sort_by(|a, b| a.paths().cmp(&b.paths()));
        units.dedup();
        d.units = units;
    }
}

/// Turns command-line paths into units.
pub fn from_paths(paths: &[PathBuf]) -> Discovery {
    let mut d = Discovery::default();
    let mut c = Collector::default();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                d.errors
                    .push(format!("cannot read `{}`: {e}", path.display()));
                continue;
            }
        };
        if meta.is_dir() {
            walk(path, &mut c);
        } else if !meta.is_file() {
            // Named explicitly but a FIFO or device: opening it could block forever.
            d.errors.push(format!(
                "cannot read `{}`: not a regular file",
                path.display()
            ));
        } else {
            add_file(path, &mut c, &mut d);
        }
    }
    c.finish(&mut d);
    d
}

fn add_file(path: &Path, c: &mut Collector, d: &mut Discovery) {
    let bytes = match crate::source::read_config_head(path, SNIFF_BYTES) {
        Ok(b) => b,
        Err(e) => {
            d.errors
                .push(format!("cannot read `{}`: {e}", path.display()));
            return;
        }
    };
    let name = crate::source::file_name_lower(path);
    match formats::classify(path, &bytes) {
        Some(Format::PrefsJs) if name == "prefs.js" || name == "user.js" => {
            let dir = path.parent().unwrap_or(Path::new(""));
            let entry = c.profiles.entry(dir.to_path_buf()).or_default();
            // Keep the path as given, and bring in the sibling layer if it exists.
            let sibling = if name == "prefs.js" {
                "user.js"
            } else {
                "prefs.js"
            };
            let sibling_path = dir.join(sibling);
            let sibling_path = sibling_path.is_file().then_some(sibling_path);
            if name == "prefs.js" {
                entry.0 = Some(path.to_path_buf());
                if entry.1.is_none() {
                    entry.1 = sibling_path;
                }
            } else {
                entry.1 = Some(path.to_path_buf());
                if entry.0.is_none() {
                    entry.0 = sibling_path;
                }
            }
        }
        Some(Format::PrefsJs) => {
            // A prefs file under another name: a profile of its own, one layer.
            let layer = if name.ends_with("user.js") {
                Layer::User
            } else {
                Layer::Prefs
            };
            c.standalone.push(Unit::Thunderbird {
                name: path.display().to_string(),
                layers: vec![(path.to_path_buf(), layer)],
            });
        }
        Some(Format::DefaultPrefsJs) => c.standalone.push(Unit::DefaultPrefs(path.to_path_buf())),
        Some(Format::ProfilesIni) => c.add_profiles_ini(path),
        Some(Format::Prf) => c.standalone.push(Unit::OutlookPrf(path.to_path_buf())),
        Some(Format::Reg) => c.standalone.push(Unit::OutlookReg(path.to_path_buf())),
        // A FileZilla file under its usual name brings in its settings directory, which
        // FileZilla reads as one (fzdefaults.xml < filezilla.xml, sites use both).
        Some(Format::FileZilla(_)) if filezilla::FILE_NAMES.contains(&name.as_str()) => {
            c.add_filezilla_dir(path.parent().unwrap_or(Path::new("")));
        }
        Some(Format::FileZilla(kind)) => c.standalone.push(Unit::FileZilla {
            name: path.display().to_string(),
            files: vec![(path.to_path_buf(), kind)],
        }),
        None => d.unsupported.push(path.to_path_buf()),
    }
}

/// Walks `root` without following directory links. Only regular files are looked at (and
/// file links whose target stays inside the tree): a FIFO, socket or device under a
/// configuration file's name is never opened (that could block), a symlink loop is never
/// entered, and mail stores are not descended into. A directory that cannot be read is
/// reported and the walk goes on.
fn walk(root: &Path, c: &mut Collector) {
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_dir()
                && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s))
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).display().to_string();
                let reason = e
                    .io_error()
                    .map(ToString::to_string)
                    .unwrap_or_else(|| e.to_string());
                c.errors.push(format!("cannot read `{path}`: {reason}"));
                continue;
            }
        };
        let file_type = entry.file_type();
        let path = entry.path();
        if file_type.is_symlink() {
            // Follow a file link only when it stays inside the tree (a dotfiles
            // repository's user.js, say); never a directory link.
            let inside = std::fs::canonicalize(path)
                .map(|t| t.starts_with(&canonical_root) && t.is_file())
                .unwrap_or(false);
            if !inside {
                continue;
            }
        } else if !file_type.is_file() {
            // Directories are descended into by walkdir; FIFOs, sockets and devices are
            // never opened.
            continue;
        }
        add_walked_file(path, c);
    }
}

fn add_walked_file(path: &Path, c: &mut Collector) {
    match crate::source::file_name_lower(path).as_str() {
        "prefs.js" | "user.js" => {
            let dir = path.parent().unwrap_or(Path::new(""));
            let slot = c.profiles.entry(dir.to_path_buf()).or_default();
            if crate::source::file_name_lower(path) == "prefs.js" {
                slot.0 = Some(path.to_path_buf());
            } else {
                slot.1 = Some(path.to_path_buf());
            }
        }
        "profiles.ini" => c.add_profiles_ini(path),
        name if filezilla::FILE_NAMES.contains(&name) => {
            c.add_filezilla_dir(path.parent().unwrap_or(Path::new("")));
        }
        _ => match formats::is_outlook_file_when_walking(path) {
            Some(Format::Prf) => c.standalone.push(Unit::OutlookPrf(path.to_path_buf())),
            Some(Format::Reg) => c.standalone.push(Unit::OutlookReg(path.to_path_buf())),
            _ => {}
        },
    }
}

/// The operating-system layouts a home directory may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Linux,
    MacOs,
    Windows,
}

impl Layout {
    /// The layout of the machine clientlint runs on.
    pub fn current() -> Layout {
        if cfg!(windows) {
            Layout::Windows
        } else if cfg!(target_os = "macos") {
            Layout::MacOs
        } else {
            Layout::Linux
        }
    }
}

/// Thunderbird roots (holding profiles.ini) under `home` for a layout (reference
/// thunderbird §2.2). `xdg_config` is `$XDG_CONFIG_HOME` when it applies.
pub fn thunderbird_roots(home: &Path, layout: Layout, xdg_config: Option<&Path>) -> Vec<PathBuf> {
    match layout {
        Layout::Windows => vec![home.join("AppData").join("Roaming").join("Thunderbird")],
        Layout::MacOs => vec![home.join("Library").join("Thunderbird")],
        Layout::Linux => {
            let xdg = xdg_config
                .map(Path::to_path_buf)
                .unwrap_or_else(|| home.join(".config"));
            vec![
                home.join(".thunderbird"),
                // XDG location; which Thunderbird release first uses it is unverified
                // (reference thunderbird §2.2, open question 1), so both are searched.
                xdg.join("thunderbird"),
                home.join(".var/app/org.mozilla.thunderbird/.thunderbird"),
                // The older community Flatpak id; unverified whether still in use
                // (reference thunderbird, open question 4).
                home.join(".var/app/org.mozilla.Thunderbird/.thunderbird"),
                home.join("snap/thunderbird/common/.thunderbird"),
            ]
        }
    }
}

/// FileZilla settings directories under `home` for a layout, in FileZilla's lookup order
/// (reference filezilla §1.1: `$XDG_CONFIG_HOME/filezilla`, `~/.config/filezilla`,
/// `~/.filezilla` on Linux and macOS; `%APPDATA%\FileZilla` on Windows).
pub fn filezilla_dirs(home: &Path, layout: Layout, xdg_config: Option<&Path>) -> Vec<PathBuf> {
    match layout {
        Layout::Windows => vec![home.join("AppData").join("Roaming").join("FileZilla")],
        Layout::Linux | Layout::MacOs => {
            let mut dirs = Vec::new();
            if let Some(x) = xdg_config {
                dirs.push(x.join("filezilla"));
            }
            dirs.push(home.join(".config").join("filezilla"));
            dirs.push(home.join(".filezilla"));
            dirs.dedup();
            dirs
        }
    }
}

/// System-wide fzdefaults.xml locations on this machine (reference filezilla §1.3).
pub fn system_fzdefaults() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(d) = std::env::var_os("FZ_DATADIR") {
        out.push(PathBuf::from(d).join("fzdefaults.xml"));
    }
    if cfg!(windows) {
        for var in ["ProgramFiles", "ProgramFiles(x86)"] {
            if let Some(pf) = std::env::var_os(var) {
                out.push(
                    PathBuf::from(pf)
                        .join("FileZilla FTP Client")
                        .join("fzdefaults.xml"),
                );
            }
        }
    } else if cfg!(target_os = "macos") {
        out.push(PathBuf::from(
            "/Applications/FileZilla.app/Contents/SharedSupport/fzdefaults.xml",
        ));
    } else {
        out.push(PathBuf::from("/etc/filezilla/fzdefaults.xml"));
        out.push(PathBuf::from("/usr/share/filezilla/fzdefaults.xml"));
        out.push(PathBuf::from("/usr/local/share/filezilla/fzdefaults.xml"));
    }
    out
}

impl Collector {
    /// Adds every client found under `home` in the given layouts.
    fn add_home(&mut self, home: &Path, layouts: &[Layout], xdg: Option<&Path>, d: &mut Discovery) {
        for &layout in layouts {
            for root in thunderbird_roots(home, layout, xdg) {
                let ini = root.join("profiles.ini");
                if ini.is_file() {
                    self.add_profiles_ini(&ini);
                }
                d.searched.push(root);
            }
            // FileZilla uses the first settings directory that exists.
            let fz = filezilla_dirs(home, layout, xdg);
            if let Some(dir) = fz.iter().find(|d| d.is_dir()) {
                self.add_filezilla_dir(dir);
            }
            d.searched.extend(fz);
        }
    }
}

/// Units for the clients of one home directory — of this machine, or of a mounted image
/// or another user (`--home`), where every OS layout is searched since an image may come
/// from another system.
pub fn from_home(home: &Path, layouts: &[Layout]) -> Discovery {
    let mut d = Discovery::default();
    let mut c = Collector::default();
    c.add_home(home, layouts, None, &mut d);
    c.finish(&mut d);
    d
}

/// Units for every home under `root` (`/home`, an image's `Users`): each subdirectory is a
/// home, in every layout.
pub fn from_root(root: &Path) -> Discovery {
    let mut d = Discovery::default();
    let mut c = Collector::default();
    match std::fs::read_dir(root) {
        Ok(entries) => {
            let mut homes: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                .map(|e| e.path())
                .collect();
            homes.sort();
            // Homes in parallel (probing a home is dozens of stats and a few small
            // reads), merged in home order so the result does not depend on threads.
            use rayon::prelude::*;
            let found: Vec<(Collector, Discovery)> = homes
                .par_iter()
                .map(|home| {
                    let mut c = Collector::default();
                    let mut d = Discovery::default();
                    let layouts = [Layout::Linux, Layout::MacOs, Layout::Windows];
                    c.add_home(home, &layouts, None, &mut d);
                    (c, d)
                })
                .collect();
            for (home_c, home_d) in found {
                c.merge(home_c);
                d.units.extend(home_d.units);
                d.errors.extend(home_d.errors);
                d.unsupported.extend(home_d.unsupported);
                d.searched.extend(home_d.searched);
            }
        }
        Err(e) => d
            .errors
            .push(format!("cannot read `{}`: {e}", root.display())),
    }
    c.finish(&mut d);
    d
}

/// Units for this machine's default locations: the user's clients and the system-wide
/// fzdefaults.xml.
pub fn from_default_locations() -> Discovery {
    let mut d = Discovery::default();
    let mut c = Collector::default();
    if let Some(home) = dirs::home_dir() {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let layout = Layout::current();
        if layout == Layout::Windows {
            // %APPDATA% may be redirected: ask the OS rather than assume the layout.
            let appdata = dirs::config_dir();
            for (client, dir) in [("Thunderbird", "Thunderbird"), ("FileZilla", "FileZilla")] {
                let Some(base) = &appdata else { continue };
                let root = base.join(dir);
                if client == "Thunderbird" && root.join("profiles.ini").is_file() {
                    c.add_profiles_ini(&root.join("profiles.ini"));
                } else if client == "FileZilla" && root.is_dir() {
                    c.add_filezilla_dir(&root);
                }
                d.searched.push(root);
            }
        } else {
            c.add_home(&home, &[layout], xdg.as_deref(), &mut d);
        }
    }
    // FileZilla reads the first fzdefaults.xml it finds: the one in the settings
    // directory, else the first system-wide one (reference filezilla §1.3).
    let system = system_fzdefaults();
    let first_system = system.iter().find(|p| p.is_file()).and_then(|path| {
        let bytes = crate::source::read_config_head(path, SNIFF_BYTES).ok()?;
        let kind = filezilla::sniff("fzdefaults.xml", &bytes)?;
        Some((path.clone(), kind))
    });
    d.searched.extend(system);
    if let Some((path, kind)) = first_system {
        if c.filezilla.is_empty() {
            c.standalone.push(Unit::FileZilla {
                name: path.display().to_string(),
                files: vec![(path, kind)],
            });
        } else {
            for members in c.filezilla.values_mut() {
                if !members.values().any(|k| *k == FzFileKind::Defaults) {
                    members.insert(path.clone(), kind);
                }
            }
        }
    }
    c.finish(&mut d);
    d
}

/// Everything a command line names: paths, `--home` and `--root` directories; with none,
/// this machine's default locations.
pub fn discover(paths: &[PathBuf], homes: &[PathBuf], roots: &[PathBuf]) -> Discovery {
    if paths.is_empty() && homes.is_empty() && roots.is_empty() {
        return from_default_locations();
    }
    let mut all = from_paths(paths);
    let layouts = [Layout::Linux, Layout::MacOs, Layout::Windows];
    let extra = homes
        .iter()
        .map(|h| {
            if h.is_dir() {
                from_home(h, &layouts)
            } else {
                Discovery {
                    errors: vec![format!("cannot read `{}`: not a directory", h.display())],
                    ..Discovery::default()
                }
            }
        })
        .chain(roots.iter().map(|r| from_root(r)));
    for d in extra {
        all.units.extend(d.units);
        all.errors.extend(d.errors);
        all.searched.extend(d.searched);
    }
    all.units.sort_by(|a, b| a.paths().cmp(&b.paths()));
    all.units.dedup();
    all
}
