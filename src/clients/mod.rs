//! File formats: recognising a file, and turning a run's files into profiles.
//!
//! One module per format holds every quirk of that format; this module only dispatches.
//! A [`Unit`] says which files make up one client instance (e.g. a Thunderbird profile's
//! prefs.js and user.js); [`build_profiles`] parses each file once and builds the model.

pub mod filezilla;
pub mod ini;
pub mod outlook;
pub mod outlook_reg;
pub mod prefs;
pub mod prf;
pub mod profiles_ini;
pub mod reg;
pub mod thunderbird;

use std::path::{Path, PathBuf};

use crate::model::{Client, Profile};
use crate::source::{FileId, Files};

/// The formats clientlint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// prefs.js or user.js: a user prefs file.
    PrefsJs,
    /// defaults/pref/*.js: a default prefs file (syntax only).
    DefaultPrefsJs,
    /// Thunderbird's profiles.ini.
    ProfilesIni,
    /// An Outlook PRF profile file (`outlook.exe /importprf`).
    Prf,
    /// A Regedit export (`.reg`), read for Outlook account keys.
    Reg,
    /// A FileZilla XML file, by what its root holds.
    FileZilla(filezilla::FzFileKind),
}

impl Format {
    /// Stable name used in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Format::PrefsJs => "prefs-js",
            Format::DefaultPrefsJs => "default-prefs-js",
            Format::ProfilesIni => "profiles-ini",
            Format::Prf => "prf",
            Format::Reg => "reg",
            Format::FileZilla(kind) => kind.format_name(),
        }
    }

    pub fn client(self) -> Client {
        match self {
            Format::PrefsJs | Format::DefaultPrefsJs | Format::ProfilesIni => Client::Thunderbird,
            Format::Prf | Format::Reg => Client::Outlook,
            Format::FileZilla(_) => Client::FileZilla,
        }
    }
}

/// Which files make up one linted unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// A Thunderbird profile: its layers, lowest precedence first.
    Thunderbird {
        name: String,
        layers: Vec<(PathBuf, thunderbird::Layer)>,
    },
    /// A default prefs file, checked for syntax only.
    DefaultPrefs(PathBuf),
    /// A profiles.ini.
    ProfilesIni(PathBuf),
    /// An Outlook PRF file: one profile.
    OutlookPrf(PathBuf),
    /// A `.reg` export: one profile (Outlook accounts in it are modelled).
    OutlookReg(PathBuf),
    /// A FileZilla settings directory (or a single FileZilla file): its files and what
    /// each holds.
    FileZilla {
        name: String,
        files: Vec<(PathBuf, filezilla::FzFileKind)>,
    },
}

impl Unit {
    pub fn paths(&self) -> Vec<&Path> {
        match self {
            Unit::Thunderbird { layers, .. } => layers.iter().map(|(p, _)| p.as_path()).collect(),
            Unit::DefaultPrefs(p)
            | Unit::ProfilesIni(p)
            | Unit::OutlookPrf(p)
            | Unit::OutlookReg(p) => vec![p.as_path()],
            Unit::FileZilla { files, .. } => files.iter().map(|(p, _)| p.as_path()).collect(),
        }
    }

    fn format_of(&self) -> Format {
        match self {
            Unit::Thunderbird { .. } => Format::PrefsJs,
            Unit::DefaultPrefs(_) => Format::DefaultPrefsJs,
            Unit::ProfilesIni(_) => Format::ProfilesIni,
            Unit::OutlookPrf(_) => Format::Prf,
            Unit::OutlookReg(_) => Format::Reg,
            Unit::FileZilla { files, .. } => Format::FileZilla(
                files
                    .first()
                    .map(|(_, k)| *k)
                    .unwrap_or(filezilla::FzFileKind::Settings),
            ),
        }
    }
}

/// Why a client that would overwrite our edits holds this unit's files, if one does.
pub fn lock_held(unit: &Unit) -> Option<String> {
    match unit {
        Unit::Thunderbird { layers, .. } => layers
            .first()
            .and_then(|(p, _)| p.parent())
            .and_then(thunderbird::profile_lock),
        // PRF files and .reg exports are imported by an admin, not rewritten by a
        // running client.
        Unit::DefaultPrefs(_)
        | Unit::ProfilesIni(_)
        | Unit::OutlookPrf(_)
        | Unit::OutlookReg(_) => None,
        Unit::FileZilla { files, .. } => files
            .iter()
            .find_map(|(p, _)| p.parent())
            .and_then(filezilla::settings_lock),
    }
}

/// Recognises a file that was named explicitly, by name and then by content.
pub fn classify(path: &Path, bytes: &[u8]) -> Option<Format> {
    let name = crate::source::file_name_lower(path);
    match name.as_str() {
        "prefs.js" | "user.js" => return Some(Format::PrefsJs),
        "profiles.ini" => return Some(Format::ProfilesIni),
        _ => {}
    }
    if let Some(f) = classify_outlook(&name, bytes) {
        return Some(f);
    }
    if let Some(kind) = filezilla::sniff(&name, bytes) {
        return Some(Format::FileZilla(kind));
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
    if has(b"user_pref") {
        return Some(Format::PrefsJs);
    }
    if name.ends_with(".js") && (has(b"pref(") || has(b"sticky_pref")) {
        return Some(Format::DefaultPrefsJs);
    }
    if name.ends_with(".ini") && has(b"[Profile") {
        return Some(Format::ProfilesIni);
    }
    None
}

/// Recognises a PRF or `.reg` file by its extension, else by its start: a Regedit header,
/// or a PRF's `[Internet Account List]`. Both are often UTF-16LE, so the start is decoded.
fn classify_outlook(name: &str, bytes: &[u8]) -> Option<Format> {
    if name.ends_with(".prf") {
        return Some(Format::Prf);
    }
    let head = crate::source::SourceFile::new("", bytes.get(..4096).unwrap_or(bytes).to_vec());
    let text = head.text.trim_start();
    let is_reg =
        text.starts_with("Windows Registry Editor Version 5.00") || text.starts_with("REGEDIT4");
    if name.ends_with(".reg") || is_reg {
        return Some(Format::Reg);
    }
    let lower = text.to_ascii_lowercase();
    (lower.contains("[internet account list]")
        || lower.starts_with(";automatically generated prf file"))
    .then_some(Format::Prf)
}

/// True when a file met while walking a directory is a PRF or an Outlook `.reg` export.
/// Walking is stricter than naming a file: a `.reg` must carry a Regedit header.
pub fn is_outlook_file_when_walking(path: &Path) -> Option<Format> {
    let name = crate::source::file_name_lower(path);
    if !(name.ends_with(".prf") || name.ends_with(".reg")) {
        return None;
    }
    // Only the head decides, so an oversized export is still recognised here and then
    // reported (not silently skipped) when it is read in full.
    let bytes = crate::source::read_config_head(path, 4096).ok()?;
    match classify_outlook(&name, &bytes)? {
        Format::Reg => {
            let head =
                crate::source::SourceFile::new("", bytes.get(..4096).unwrap_or(&bytes).to_vec());
            let t = head.text.trim_start();
            (t.starts_with("Windows Registry Editor Version 5.00") || t.starts_with("REGEDIT4"))
                .then_some(Format::Reg)
        }
        f => Some(f),
    }
}

/// What the run knows about each file, for the `files` list of the JSON output.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo {
    pub client: Client,
    pub format: Format,
}

/// Parses every file of every unit once and builds the profiles, units in parallel.
/// Registers secret spans with the files, so any later rendering masks them.
///
/// Each unit is built against an arena of its own files (moved out of `files`, so nothing
/// is copied unless two units share a file), then the arenas are merged back in unit
/// order and the profiles' file ids rewritten. The result does not depend on the number
/// of threads.
pub fn build_profiles(units: &[Unit], files: &mut Files) -> (Vec<Profile>, Vec<Option<FileInfo>>) {
    use rayon::prelude::*;
    use std::collections::HashMap;

    let mut slots: Vec<Option<crate::source::SourceFile>> = std::mem::take(files)
        .into_vec()
        .into_iter()
        .map(Some)
        .collect();
    let index: HashMap<PathBuf, usize> = slots
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.as_ref().map(|f| (f.path.clone(), i)))
        .collect();
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for unit in units {
        for p in unit.paths() {
            if let Some(&i) = index.get(p) {
                *uses.entry(i).or_default() += 1;
            }
        }
    }
    // Give each unit its files: moved, or cloned while another unit still needs them.
    let locals: Vec<Files> = units
        .iter()
        .map(|unit| {
            let mut local = Files::default();
            for p in unit.paths() {
                let Some(&i) = index.get(p) else { continue };
                if local.find(p).is_some() {
                    continue;
                }
                let remaining = uses.entry(i).or_default();
                *remaining = remaining.saturating_sub(1);
                let file = if *remaining == 0 {
                    slots.get_mut(i).and_then(Option::take)
                } else {
                    slots.get(i).and_then(|f| {
                        f.as_ref().map(|f| {
                            crate::source::SourceFile::new(f.path.clone(), f.bytes().to_vec())
                        })
                    })
                };
                if let Some(file) = file {
                    local.add(file);
                }
            }
            local
        })
        .collect();
    let built: Vec<(Files, Vec<Profile>, Vec<Option<FileInfo>>)> = units
        .par_iter()
        .zip(locals.into_par_iter())
        .map(|(unit, mut local)| {
            let (profiles, infos) = build_unit(unit, &mut local);
            (local, profiles, infos)
        })
        .collect();

    // Merge in unit order.
    let mut infos: Vec<Option<FileInfo>> = Vec::new();
    let mut profiles = Vec::new();
    for (local, mut unit_profiles, local_infos) in built {
        let mut map = Vec::with_capacity(local.len());
        for (local_id, file) in local.into_vec().into_iter().enumerate() {
            let id = match files.find(&file.path) {
                Some(existing) => existing,
                None => {
                    infos.push(None);
                    files.add(file)
                }
            };
            if let (Some(slot), Some(Some(info))) = (infos.get_mut(id), local_infos.get(local_id)) {
                *slot = Some(*info);
            }
            map.push(id);
        }
        for p in &mut unit_profiles {
            crate::model::RemapFiles::remap_files(p, &|id| map.get(id).copied().unwrap_or(id));
        }
        profiles.extend(unit_profiles);
    }
    // Files no unit claimed stay in the run.
    for file in slots.into_iter().flatten() {
        if files.find(&file.path).is_none() {
            infos.push(None);
            files.add(file);
        }
    }
    (profiles, infos)
}

/// Builds the profiles of one unit against an arena holding its files.
pub(crate) fn build_unit(unit: &Unit, files: &mut Files) -> (Vec<Profile>, Vec<Option<FileInfo>>) {
    let units = std::slice::from_ref(unit);
    let mut infos: Vec<Option<FileInfo>> = vec![None; files.len()];
    let mut profiles = Vec::new();
    let mut set_info = |id: FileId, format: Format| {
        if let Some(slot) = infos.get_mut(id) {
            *slot = Some(FileInfo {
                client: format.client(),
                format,
            });
        }
    };
    for unit in units {
        match unit {
            Unit::Thunderbird { name, layers } => {
                let mut parsed = Vec::new();
                for (path, layer) in layers {
                    let Some(id) = files.find(path) else { continue };
                    let Some(file) = files.get_mut(id) else {
                        continue;
                    };
                    let p = prefs::parse(file, prefs::PrefFileKind::User);
                    thunderbird::register_secrets(file, &p);
                    set_info(id, unit.format_of());
                    parsed.push((id, *layer, p));
                }
                let inputs: Vec<thunderbird::LayerInput<'_>> = parsed
                    .iter()
                    .map(|(file, layer, parsed)| thunderbird::LayerInput {
                        file: *file,
                        layer: *layer,
                        parsed,
                        user_file: true,
                    })
                    .collect();
                profiles.push(thunderbird::build_profile(name.clone(), files, &inputs));
            }
            Unit::DefaultPrefs(path) => {
                let Some(id) = files.find(path) else { continue };
                let Some(file) = files.get_mut(id) else {
                    continue;
                };
                let p = prefs::parse(file, prefs::PrefFileKind::Default);
                thunderbird::register_secrets(file, &p);
                set_info(id, unit.format_of());
                let input = [thunderbird::LayerInput {
                    file: id,
                    layer: thunderbird::Layer::Prefs,
                    parsed: &p,
                    user_file: false,
                }];
                let mut profile =
                    thunderbird::build_profile(path.display().to_string(), files, &input);
                // Default prefs are not a profile: only their syntax matters.
                profile.servers.clear();
                profiles.push(profile);
            }
            Unit::ProfilesIni(path) => {
                let Some(id) = files.find(path) else { continue };
                set_info(id, unit.format_of());
                if let Some(file) = files.get(id) {
                    profiles.push(profiles_ini::build_profile(id, file));
                }
            }
            Unit::OutlookPrf(path) => {
                let Some(id) = files.find(path) else { continue };
                let Some(file) = files.get_mut(id) else {
                    continue;
                };
                let parsed = prf::parse(file);
                prf::register_secrets(file, &parsed);
                set_info(id, unit.format_of());
                profiles.push(prf::build_profile(id, file, &parsed));
            }
            Unit::OutlookReg(path) => {
                let Some(id) = files.find(path) else { continue };
                let Some(file) = files.get_mut(id) else {
                    continue;
                };
                let parsed = reg::parse(&file.text);
                outlook_reg::register_secrets(file, &parsed);
                set_info(id, unit.format_of());
                profiles.push(outlook_reg::build_profile(id, file, &parsed));
            }
            Unit::FileZilla {
                name,
                files: members,
            } => {
                let mut parsed = Vec::new();
                for (path, kind) in members {
                    let Some(id) = files.find(path) else { continue };
                    let Some(file) = files.get_mut(id) else {
                        continue;
                    };
                    parsed.push(filezilla::parse_file(file, id, *kind));
                    set_info(id, Format::FileZilla(*kind));
                }
                profiles.push(filezilla::build_profile(name.clone(), files, &parsed));
            }
        }
    }
    (profiles, infos)
}
