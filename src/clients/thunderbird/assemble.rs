//! From units to models: which Thunderbird files form a unit (a profile with the layers
//! of the installs that use it, an install's own layers, a deployment artefact on its
//! own), and how a unit's files are parsed and handed to [`super::build`].

use std::path::Path;
use std::sync::Arc;

use super::autoconfig::{self, Cfg};
use super::build::{self, LayerInput, MachineInput, Subject};
use super::machine;
use super::policies::{self, Policies};
use super::registry;
use super::{
    secrets, Layer, AUTOCONFIG, DEFAULT_PREFS_JS, POLICIES_JSON, POLICIES_REG, PREFS_JS,
    PROFILES_INI, THUNDERBIRD,
};
use crate::clients::{Built, Layout, Recognised, Unit, UnitFile};
use crate::model::{FileFinding, FileFindingKind};
use crate::source::{FileId, Files, Span};
use crate::syntax::json;
use crate::syntax::prefs::{self, ParsedPrefs, PrefFileKind, PrefValue};
use crate::tree::Tree;

/// A file linted on its own as a deployment artefact. A default prefs file that sits in an
/// install's `defaults/pref` also brings the AutoConfig file it names when that is
/// missing, to say so.
pub(super) fn artefact_unit(tree: &Tree, r: Recognised) -> Unit {
    let mut unit = Unit::new(
        &THUNDERBIRD,
        r.path.display().to_string(),
        vec![r.unit_file()],
    );
    if r.format == DEFAULT_PREFS_JS {
        if let Some(install) = machine::install_of_defaults_file(&r.path) {
            if let Some(name) = machine::autoconfig_name(tree, std::iter::once(r.path.as_path())) {
                let version = machine::install_version(tree, install);
                let candidates =
                    machine::autoconfig_candidates(tree, install, &name, Layout::Linux, version);
                if !candidates.iter().any(|cfg| tree.is_file(cfg)) {
                    let mut cfg = UnitFile::new(install.join(&name), AUTOCONFIG);
                    cfg.version = version;
                    unit.absent.push(cfg);
                }
            }
        }
    }
    unit
}

/// A `.reg` export of Thunderbird's registry policies named on the command line: a
/// deployment artefact of its own, each export standing for a whole registry. When a
/// policies.json is named in the same run (the first one, if several), the export's unit
/// reads it too, as Thunderbird on Windows combines the two (see `registry.rs`); that
/// policies.json is still reported and fixed by its own unit.
pub(super) fn registry_units(exports: Vec<Recognised>, artefacts: &[Unit]) -> Vec<Unit> {
    let json = artefacts
        .iter()
        .flat_map(|u| &u.files)
        .find(|f| f.format == POLICIES_JSON)
        .cloned();
    exports
        .into_iter()
        .map(|r| {
            let mut unit = Unit::new(
                &THUNDERBIRD,
                r.path.display().to_string(),
                vec![r.unit_file()],
            );
            unit.shared.extend(json.clone());
            unit
        })
        .collect()
}

/// One unit per install: its layer files, in order. Found by discovery, they are reported
/// but never written.
pub(super) fn install_units(tree: &Tree, machine: Vec<Recognised>) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for r in machine {
        let Some(set) = r.set.clone() else { continue };
        match units.iter_mut().find(|u| u.name == *set) {
            Some(unit) => unit.files.push(r.unit_file()),
            None => {
                let mut unit = Unit::new(&THUNDERBIRD, set.to_string(), vec![r.unit_file()]);
                unit.machine_wide = true;
                units.push(unit);
            }
        }
    }
    for unit in &mut units {
        let has_cfg = unit.files.iter().any(|f| f.format == AUTOCONFIG);
        if has_cfg {
            continue;
        }
        let defaults = unit
            .files
            .iter()
            .filter(|f| f.format == DEFAULT_PREFS_JS)
            .map(|f| f.path.as_path());
        if let Some(name) = machine::autoconfig_name(tree, defaults) {
            let mut cfg = UnitFile::new(Path::new(&unit.name).join(name), AUTOCONFIG);
            cfg.version = unit.files.iter().find_map(|f| f.version);
            unit.absent.push(cfg);
        }
    }
    units
}

/// The layers a profile's directory takes: those of every install of its kind (a snap
/// profile the snap's, a Flatpak one the Flatpak's, any other the native installs'). A
/// profile is built once per install when there are several: which one runs it cannot be
/// known from its files.
pub(super) fn layers_for_profile(profile: &str, installs: &[Unit]) -> Vec<UnitFile> {
    let kind = machine::install_kind(profile);
    installs
        .iter()
        .filter(|i| machine::install_kind(&i.name) == kind)
        .flat_map(|i| i.files.iter().cloned())
        .collect()
}

/// Parsed machine layers, owned, for one install (or one artefact).
#[derive(Default)]
struct Parsed {
    defaults: Vec<(FileId, ParsedPrefs)>,
    cfg: Option<(FileId, Cfg)>,
    policies: Option<(FileId, Policies)>,
    /// Registry policies from a `.reg` export.
    registry: Option<(FileId, Policies)>,
    /// Policies files that another one hides: (file, is it identical to the one used).
    hidden_policies: Vec<(FileId, bool)>,
}

impl Parsed {
    fn input(&self) -> MachineInput<'_> {
        MachineInput {
            defaults: self.defaults.iter().map(|(id, p)| (*id, p)).collect(),
            cfg: self.cfg.as_ref().map(|(id, c)| (*id, c)),
            policies: self.policies.as_ref().map(|(id, p)| (*id, p)),
            registry: self.registry.as_ref().map(|(id, p)| (*id, p)),
        }
    }
}

/// Builds a unit's profiles.
pub(super) fn build(unit: &Unit, files: &Files) -> Built {
    let mut built = Built::default();
    let Some(first) = unit.files.first() else {
        return built;
    };
    if first.format == PROFILES_INI {
        let id = files.find(&first.path);
        if let Some((id, file)) = id.and_then(|id| Some((id, files.get(id)?))) {
            built.formats.push((id, PROFILES_INI));
            built
                .profiles
                .push(super::profiles_ini::build_profile(&unit.tree, id, file));
        }
        return built;
    }
    if first.format == PREFS_JS {
        build_profiles(unit, files, &mut built);
    } else {
        build_artefact(unit, files, &mut built);
    }
    built
}

/// A profile: its prefs.js/user.js, under the layers of each install that uses it.
fn build_profiles(unit: &Unit, files: &Files, built: &mut Built) {
    let mut parsed = Vec::new();
    for f in &unit.files {
        let Some((id, file)) = files
            .find(&f.path)
            .and_then(|id| Some((id, files.get(id)?)))
        else {
            continue;
        };
        let p = prefs::parse(file, PrefFileKind::User);
        built
            .secrets
            .extend(secrets(file, &p).into_iter().map(|s| (id, s)));
        built.formats.push((id, PREFS_JS));
        parsed.push((id, Layer::of(&f.path), p));
    }
    let layers: Vec<LayerInput<'_>> = parsed
        .iter()
        .map(|(file, layer, parsed)| LayerInput {
            file: *file,
            layer: *layer,
            parsed,
        })
        .collect();
    let mut sets: Vec<(Arc<str>, Vec<&UnitFile>)> = Vec::new();
    for f in &unit.shared {
        let Some(set) = &f.set else { continue };
        match sets.iter_mut().find(|(s, _)| s == set) {
            Some((_, list)) => list.push(f),
            None => sets.push((Arc::clone(set), vec![f])),
        }
    }
    if sets.is_empty() {
        let machine = MachineInput::default();
        let profile = build::build_profile(
            unit.name.clone(),
            files,
            &layers,
            &machine,
            Subject::Profile,
        );
        built.profiles.push(profile);
        return;
    }
    let several = sets.len() > 1;
    for (set, set_files) in &sets {
        let machine = parse_machine(set_files.iter().copied(), Some(set), files, built);
        let name = if several {
            format!("{} (under {set})", unit.name)
        } else {
            unit.name.clone()
        };
        let profile =
            build::build_profile(name, files, &layers, &machine.input(), Subject::Profile);
        built.profiles.push(profile);
    }
}

/// An install's layers or a deployment artefact, applied to hypothetical accounts.
fn build_artefact(unit: &Unit, files: &Files, built: &mut Built) {
    let set = unit.files.first().and_then(|f| f.set.clone());
    // A registry export's unit also reads the policies.json named with it.
    let layer_files = unit.files.iter().chain(&unit.shared);
    let machine = parse_machine(layer_files, set.as_ref(), files, built);
    let mut profile = build::build_profile(
        unit.name.clone(),
        files,
        &[],
        &machine.input(),
        Subject::Artefact,
    );
    if let Some(cfg) = unit.absent.iter().find(|f| f.format == AUTOCONFIG) {
        profile
            .findings
            .extend(missing_autoconfig(&machine, cfg.version));
    }
    for (id, identical) in &machine.hidden_policies {
        if !identical {
            profile
                .findings
                .push(shadowed_policies(*id, files, &machine));
        }
    }
    built.profiles.push(profile);
}

/// Parses an install's (or artefact's) layer files, in the order given.
fn parse_machine<'u>(
    layer_files: impl Iterator<Item = &'u UnitFile>,
    set: Option<&Arc<str>>,
    files: &Files,
    built: &mut Built,
) -> Parsed {
    let mut out = Parsed::default();
    let mut cfg_file = None;
    let mut policy_files = Vec::new();
    for f in layer_files {
        let Some((id, file)) = files
            .find(&f.path)
            .and_then(|id| Some((id, files.get(id)?)))
        else {
            continue;
        };
        built.formats.push((id, f.format));
        match f.format {
            DEFAULT_PREFS_JS => {
                let p = prefs::parse(file, PrefFileKind::Default);
                built
                    .secrets
                    .extend(secrets(file, &p).into_iter().map(|s| (id, s)));
                out.defaults.push((id, p));
            }
            AUTOCONFIG => cfg_file = Some(id),
            POLICIES_JSON => policy_files.push((id, in_distribution(&f.path, set), f.version)),
            POLICIES_REG => {
                let p = registry::read(id, file);
                built.secrets.extend(p.secrets.iter().map(|s| (id, *s)));
                out.registry = Some((id, p));
            }
            // A prefs.js-grammar file named on its own.
            _ => {
                let p = prefs::parse(file, PrefFileKind::User);
                built
                    .secrets
                    .extend(secrets(file, &p).into_iter().map(|s| (id, s)));
                out.defaults.push((id, p));
            }
        }
    }
    if let Some(id) = cfg_file {
        if let Some(file) = files.get(id) {
            let cfg = autoconfig::read(id, file, obscure_value(&out.defaults));
            built.secrets.extend(cfg.secrets.iter().map(|s| (id, *s)));
            out.cfg = Some((id, cfg));
        }
    }
    // The system policies.json hides the distribution one, even empty (facts 12, 15).
    policy_files.sort_by_key(|(_, distribution, _)| *distribution);
    let mut policy_files = policy_files.into_iter();
    if let Some((id, _, version)) = policy_files.next() {
        if let Some(file) = files.get(id) {
            let p = policies::read(id, file, version);
            built.secrets.extend(p.secrets.iter().map(|s| (id, *s)));
            out.policies = Some((id, p));
            for (hidden, _, version) in policy_files {
                let identical = files
                    .get(hidden)
                    .map(|h| h.bytes() == file.bytes())
                    .unwrap_or(false);
                if let Some(h) = files.get(hidden) {
                    // Masked like the file that is used, though it applies nothing.
                    let p = policies::read(hidden, h, version);
                    built.secrets.extend(p.secrets.iter().map(|s| (hidden, *s)));
                }
                out.hidden_policies.push((hidden, identical));
            }
        }
    }
    out
}

/// True for `<install>/distribution/policies.json` (the install is the set's name).
fn in_distribution(path: &Path, set: Option<&Arc<str>>) -> bool {
    match set {
        Some(install) => path.starts_with(Path::new(&**install).join("distribution")),
        None => false,
    }
}

/// `general.config.obscure_value` as the default prefs files leave it (Thunderbird's own
/// default is 0, FACTS fact 32).
fn obscure_value(defaults: &[(FileId, ParsedPrefs)]) -> i64 {
    let mut value = 0;
    for (_, p) in defaults {
        for e in p.entries.iter().filter(|e| e.default_branch) {
            if e.name == "general.config.obscure_value" {
                if let PrefValue::Int(v) = e.value {
                    value = i64::from(v);
                }
            }
        }
    }
    value
}

/// The AutoConfig file a default prefs file names is not where an install of `version`
/// reads it.
fn missing_autoconfig(machine: &Parsed, version: Option<u32>) -> Option<FileFinding> {
    let (file, entry) = machine
        .defaults
        .iter()
        .flat_map(|(id, p)| p.entries.iter().map(move |e| (*id, e)))
        .rfind(|(_, e)| e.default_branch && e.name == "general.config.filename")?;
    // The name as written: the install directory it is looked up in is a path of the run
    // (absolute or not, by how the run was given), which would make the message unstable.
    let PrefValue::Str(named) = &entry.value else {
        return None;
    };
    let (where_, reads) = if machine::is_153_or_later(version) {
        (
            "in /etc/thunderbird or the install directory",
            "Thunderbird 153 and later read the AutoConfig file from there",
        )
    } else {
        (
            "in the install directory",
            "Thunderbird reads the AutoConfig file only from there",
        )
    };
    Some(
        FileFinding::new(
            FileFindingKind::AutoconfigMissing,
            file,
            entry.value_span,
            "no such file",
            format!(
                "`general.config.filename` names `{named}`, which is not {where_} ({reads}): at every start Thunderbird shows \"Configuration Error\" and waits until it is dismissed; started headless, it never starts"
            ),
        )
        .help("install the AutoConfig file next to the Thunderbird binary, or remove `general.config.filename`"),
    )
}

/// A distribution policies.json the system one hides.
fn shadowed_policies(hidden: FileId, files: &Files, machine: &Parsed) -> FileFinding {
    let used = machine
        .policies
        .as_ref()
        .and_then(|(id, _)| files.get(*id))
        .map(|f| f.display_path())
        .unwrap_or_default();
    let span = files
        .get(hidden)
        .and_then(|f| json::parse(&f.text).value)
        .and_then(|v| v.get("policies").map(|m| m.key_span))
        .unwrap_or(Span::empty(0));
    FileFinding::new(
        FileFindingKind::PoliciesShadowed,
        hidden,
        span,
        "never read",
        format!("this policies.json is never read: `{used}` exists, and Thunderbird then uses that file alone (even when it is empty)"),
    )
    .help("put the policies in one of the two files, and delete the other")
}
