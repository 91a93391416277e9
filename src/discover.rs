//! Finding what to lint: the paths on the command line, or this machine's default client
//! locations, turned into [`Unit`]s (which files make up which profile).
//!
//! A Thunderbird profile directory is the unit: naming its prefs.js also brings in its
//! user.js (which overrides it), and the other way round. A Thunderbird root is recognised
//! by its profiles.ini. Files are recognised by name, and a file named explicitly also by
//! its content. Symbolic links are not followed when walking a directory.

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
            // and a plain read would block on it forever.
            let bytes = match crate::source::read_config_file(&path) {
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
    let bytes = match crate::source::read_config_file(path) {
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

/// Walks `root` without following links. Only regular files are looked at: a FIFO,
/// socket or device under a configuration file's name is never opened (that could block),
/// and a symlink loop is never entered. A directory that cannot be read is reported and
/// the walk goes on.
fn walk(root: &Path, c: &mut Collector) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
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
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
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
}

/// This machine's Thunderbird roots (reference thunderbird §2.2), in lookup order.
pub fn default_thunderbird_roots() -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let home = dirs::home_dir();
    if cfg!(windows) {
        roots.extend(dirs::config_dir().map(|d| d.join("Thunderbird")));
    } else if cfg!(target_os = "macos") {
        roots.extend(home.as_ref().map(|h| h.join("Library/Thunderbird")));
    } else if let Some(h) = &home {
        roots.push(h.join(".thunderbird"));
        // XDG location; which Thunderbird release first uses it is unverified (reference
        // thunderbird §2.2, open question 1), so both are searched.
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| h.join(".config"));
        roots.push(xdg.join("thunderbird"));
        roots.push(h.join(".var/app/org.mozilla.thunderbird/.thunderbird"));
        roots.push(h.join(".var/app/org.mozilla.Thunderbird/.thunderbird"));
        roots.push(h.join("snap/thunderbird/common/.thunderbird"));
    }
    roots
}

/// Units for this machine's default locations.
pub fn from_default_locations() -> Discovery {
    let mut d = Discovery::default();
    let mut c = Collector::default();
    for root in default_thunderbird_roots() {
        let ini = root.join("profiles.ini");
        if ini.is_file() {
            c.add_profiles_ini(&ini);
        }
        d.searched.push(root);
    }
    c.finish(&mut d);
    d
}
