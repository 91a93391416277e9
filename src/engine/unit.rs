//! One unit through the pipeline: its files read (or taken from a given arena), built by
//! its client, linted by the rules, and — when the run fixes — its fixes planned. Every run
//! (check, fix, diff, connections, the library) does exactly this per unit.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::clients::{Built, Unit};
use crate::diagnostic::Diagnostic;
use crate::fix::{self, Linted, Plan};
use crate::model::{Profile, Setting};
use crate::probe::Probed;
use crate::report::FileInfo;
use crate::rules::{Context, Rule};
use crate::settings::Settings;
use crate::source::{FileId, Files, SourceFile, Span};

/// What a unit's lint keeps besides its files and findings.
#[derive(Debug, Default)]
pub struct Model {
    pub profiles: Vec<Profile>,
    /// Client and format of each file the unit's client read.
    pub infos: Vec<(FileId, FileInfo)>,
}

/// A unit linted: files, findings, model.
pub type LintedUnit = Linted<Model>;

/// Where a unit's bytes come from.
pub enum Bytes<'a> {
    /// Read from disk through the checked reader; `shared` holds the machine-wide files,
    /// read once per run.
    Disk {
        shared: &'a HashMap<PathBuf, Result<SourceFile, String>>,
    },
    /// Taken from files the caller already holds (the library, tests, fuzzing).
    Given(&'a Files),
}

/// The run's numbering of files: every path any unit names, in first-named order.
#[derive(Debug, Default)]
pub struct FileTable {
    pub ids: foldhash::HashMap<PathBuf, FileId>,
    /// The paths, by id.
    pub paths: Vec<PathBuf>,
}

impl FileTable {
    /// Numbers every path of `units`, first-named first.
    pub fn of(units: &[Unit]) -> FileTable {
        let mut table = FileTable::default();
        for path in units.iter().flat_map(Unit::paths) {
            if !table.ids.contains_key(path) {
                table.ids.insert(path.to_path_buf(), table.paths.len());
                table.paths.push(path.to_path_buf());
            }
        }
        table
    }

    /// Each id's position in path order: sorting by it sorts by path without comparing
    /// paths again.
    pub fn ranks(&self) -> Vec<usize> {
        let mut order: Vec<FileId> = (0..self.paths.len()).collect();
        order.sort_by(|a, b| self.paths.get(*a).cmp(&self.paths.get(*b)));
        let mut ranks = vec![0; self.paths.len()];
        for (rank, id) in order.into_iter().enumerate() {
            if let Some(slot) = ranks.get_mut(id) {
                *slot = rank;
            }
        }
        ranks
    }
}

/// Everything a unit's processing needs from the run.
pub struct Job<'a> {
    pub settings: &'a Settings,
    /// A probe's outcomes, for the probe rules (`clientlint probe`).
    pub probed: Option<&'a Probed>,
    pub rules: &'a [&'static dyn Rule],
    pub ids: &'a foldhash::HashMap<PathBuf, FileId>,
    pub bytes: Bytes<'a>,
}

impl Job<'_> {
    /// Reads the unit's files (own and shared) into an arena under the run's ids, and the
    /// files that could not be read.
    pub fn read(&self, unit: &Unit) -> (Files, Vec<(FileId, String)>) {
        let mut files = Files::default();
        let mut errors = Vec::new();
        let owned: Vec<&Path> = unit.owned_paths().collect();
        for path in unit.paths() {
            let Some(&id) = self.ids.get(path) else {
                continue;
            };
            if files.get(id).is_some() {
                continue;
            }
            let file = match &self.bytes {
                Bytes::Given(given) => given
                    .find(path)
                    .and_then(|g| given.get(g))
                    .map(|f| Ok(SourceFile::new(f.path.clone(), f.bytes().to_vec()))),
                Bytes::Disk { shared } if !owned.contains(&path) => shared.get(path).cloned(),
                Bytes::Disk { .. } => Some(
                    unit.tree
                        .read(path)
                        .map(|bytes| SourceFile::new(path, bytes))
                        .map_err(|e| format!("cannot read `{}`: {e}", path.display())),
                ),
            };
            match file {
                Some(Ok(file)) => files.insert(id, file),
                Some(Err(e)) => errors.push((id, e)),
                None => {}
            }
        }
        (files, errors)
    }

    /// Builds the unit from `files` and runs every enabled rule on it. The client's
    /// secrets are registered with the files first, so nothing drawn later shows them.
    /// Findings outside the unit's own files are dropped, and so are fixes that would
    /// edit a file the unit does not own or may not write (machine-wide files discovery
    /// found on its own are reported, never written).
    pub fn lint(&self, unit: &Unit, mut files: Files) -> LintedUnit {
        let Built {
            profiles,
            secrets,
            formats,
        } = unit.client.build(unit, &files);
        for (id, span) in secrets {
            if let Some(f) = files.get_mut(id) {
                f.secrets.push(span);
            }
        }
        let client = unit.client.id();
        let infos = formats
            .into_iter()
            .map(|(id, format)| {
                let info = FileInfo {
                    client,
                    format: format.name(),
                };
                (id, info)
            })
            .collect();
        let ctx = Context {
            settings: self.settings,
            probed: self.probed,
        };
        let mut diagnostics = Vec::new();
        for profile in &profiles {
            for rule in self.rules {
                rule.check(profile, &ctx, &mut diagnostics);
            }
        }
        let owned: Vec<FileId> = unit
            .owned_paths()
            .filter_map(|p| self.ids.get(p).copied())
            .collect();
        mark_managed(&profiles, &mut diagnostics);
        super::scrub::scrub_quoted_secrets(&mut diagnostics, &files);
        // A unit reports what is in its own files: a finding in a file it shares (a
        // machine-wide layer) is the owning unit's, and one about a value no file sets
        // (an artefact's hypothetical account) is nobody's.
        diagnostics.retain(|d| owned.contains(&d.file));
        for d in &mut diagnostics {
            let foreign = d
                .fix
                .as_ref()
                .is_some_and(|f| f.edits.iter().any(|e| !owned.contains(&e.file)));
            if foreign || unit.machine_wide {
                d.fix = None;
            }
        }
        super::apply_settings(&mut diagnostics, self.settings, &|id| {
            files.get(id).map(|f| f.path.as_path())
        });
        Linted {
            files,
            diagnostics,
            extra: Model { profiles, infos },
        }
    }

    /// Reads and lints a unit.
    pub fn read_and_lint(&self, unit: &Unit) -> (LintedUnit, Vec<(FileId, String)>) {
        let (files, errors) = self.read(unit);
        (self.lint(unit, files), errors)
    }

    /// Plans the fixes of a linted unit.
    pub fn plan(&self, unit: &Unit, linted: LintedUnit, unsafe_fixes: bool) -> Plan<Model> {
        fix::plan(linted, unsafe_fixes, &|files| self.lint(unit, files))
    }
}

/// Says, on each diagnostic about a value a managing layer decides, which layer and how
/// (the model knows it; the rules need not).
fn mark_managed(profiles: &[Profile], diagnostics: &mut [Diagnostic]) {
    fn how<T>(s: &Setting<T>) -> Option<(FileId, Span, &str)> {
        let m = s.managed()?;
        Some((m.location.file, m.location.value_span, m.how.as_str()))
    }
    let mut managed: Vec<(FileId, Span, &str)> = Vec::new();
    for p in profiles {
        let g = &p.globals;
        let globals = [
            g.transfers.as_ref().and_then(how),
            g.keepalive.as_ref().and_then(how),
            g.timeout_seconds.as_ref().and_then(how),
        ];
        managed.extend(globals.into_iter().flatten());
        for s in &p.servers {
            let settings = [
                how(&s.port),
                how(&s.security),
                s.host.as_ref().and_then(how),
                s.user.as_ref().and_then(how),
                s.auth.as_ref().and_then(how),
                s.max_connections.as_ref().and_then(how),
                s.poll_enabled.as_ref().and_then(how),
                s.poll_minutes.as_ref().and_then(how),
                s.timeout_seconds.as_ref().and_then(how),
            ];
            managed.extend(settings.into_iter().flatten());
        }
    }
    if managed.is_empty() {
        return;
    }
    for d in diagnostics.iter_mut() {
        if let Some((_, _, how)) = managed
            .iter()
            .find(|(f, s, _)| *f == d.file && *s == d.span)
        {
            d.managed_by = Some((*how).to_owned());
        }
    }
}

/// The diagnostics of a unit as it is now, sorted as the run sorts them.
pub(super) fn sorted(mut diagnostics: Vec<Diagnostic>, ranks: &[usize]) -> Vec<Diagnostic> {
    super::sort_unique(
        &mut diagnostics,
        |d| {
            let rank = ranks.get(d.file).copied().unwrap_or(usize::MAX);
            (rank, d.span.start, d.rule, d.span.end, d.message.as_str())
        },
        |d| d.fix.is_some(),
    );
    diagnostics
}

/// The machine-wide files of `units`, read once for the whole run.
pub fn read_shared(units: &[Unit]) -> HashMap<PathBuf, Result<SourceFile, String>> {
    let mut shared = HashMap::new();
    for u in units {
        for f in &u.shared {
            shared.entry(f.path.clone()).or_insert_with(|| {
                u.tree
                    .read(&f.path)
                    .map(|bytes| SourceFile::new(f.path.as_path(), bytes))
                    .map_err(|e| format!("cannot read `{}`: {e}", f.path.display()))
            });
        }
    }
    shared
}

/// Temporary copies a killed `--fix` left next to the unit's own files (see
/// [`crate::fix::write::is_leftover_temp_of`]): one directory listing per directory.
pub(super) fn leftover_temps(unit: &Unit) -> Vec<PathBuf> {
    if unit.machine_wide {
        return Vec::new();
    }
    let mut by_dir: std::collections::BTreeMap<&Path, Vec<String>> = Default::default();
    for path in unit.owned_paths() {
        if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
            by_dir
                .entry(dir)
                .or_default()
                .push(name.to_string_lossy().into_owned());
        }
    }
    let mut out = Vec::new();
    for (dir, names) in by_dir {
        let Ok(files) = unit.tree.files_in(dir) else {
            continue;
        };
        out.extend(files.into_iter().filter(|f| {
            let candidate = f
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            candidate.starts_with('.')
                && names
                    .iter()
                    .any(|n| fix::write::is_leftover_temp_of(&candidate, n))
        }));
    }
    out
}
