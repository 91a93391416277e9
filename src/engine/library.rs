//! The pipeline as a library: lint or plan fixes for files held in memory and keep
//! everything (files, profiles, diagnostics) instead of only what a report needs. Tests,
//! benches, fuzzing and embedders use it; it runs each unit exactly as [`super::run`] does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::unit::{sorted, Bytes, FileTable, LintedUnit};
use super::{Mode, Resolved};
use crate::clients::Unit;
use crate::diagnostic::Diagnostic;
use crate::fix::{self, PassChange, WriteError, WriteOptions};
use crate::model::Profile;
use crate::report::{self, FileInfo, OutputFormat};
use crate::rules::Context;
use crate::settings::Settings;
use crate::source::{Files, SourceFile, Span};

/// The result of linting a set of units, everything kept.
#[derive(Debug, Default)]
pub struct Analysis {
    pub files: Files,
    /// Client and format of each file, by id.
    pub infos: Vec<Option<FileInfo>>,
    pub profiles: Vec<Profile>,
    /// Sorted by (path, offset, rule).
    pub diagnostics: Vec<Diagnostic>,
    /// The findings as the CLI reports them, resolved by the same code.
    pub resolved: Resolved,
}

impl Analysis {
    /// The analysis of what a run kept, with `given` files no unit read.
    fn of(
        kept: Vec<LintedUnit>,
        run_wide: Vec<Diagnostic>,
        resolved: Resolved,
        given: &Files,
        table: &FileTable,
    ) -> Analysis {
        let mut analysis = Analysis {
            resolved,
            ..Analysis::default()
        };
        for linted in kept {
            for (id, info) in linted.extra.infos {
                if analysis.infos.len() <= id {
                    analysis.infos.resize(id + 1, None);
                }
                if let Some(slot) = analysis.infos.get_mut(id) {
                    *slot = Some(info);
                }
            }
            analysis.files.extend(linted.files);
            analysis.profiles.extend(linted.extra.profiles);
            analysis.diagnostics.extend(linted.diagnostics);
        }
        // Files no unit claimed stay in the analysis.
        for (id, f) in given.iter() {
            if analysis.files.get(id).is_none() {
                analysis
                    .files
                    .insert(id, SourceFile::new(f.path.clone(), f.bytes().to_vec()));
            }
        }
        analysis.diagnostics.extend(run_wide);
        let diagnostics = std::mem::take(&mut analysis.diagnostics);
        analysis.diagnostics = sorted(diagnostics, &table.ranks());
        analysis
    }
}

/// The run's numbering of files held in memory: their own ids.
fn table_of(files: &Files) -> FileTable {
    let count = files.iter().map(|(id, _)| id + 1).max().unwrap_or(0);
    FileTable {
        ids: files.iter().map(|(id, f)| (f.path.clone(), id)).collect(),
        paths: (0..count)
            .map(|id| files.get(id).map(|f| f.path.clone()).unwrap_or_default())
            .collect(),
    }
}

/// Reads every file of `units` once, numbered in first-named order. Unreadable files,
/// files that are not regular files and files over [`source::MAX_FILE_BYTES`] are
/// returned as errors.
pub fn read_files(units: &[Unit]) -> (Files, Vec<String>) {
    use rayon::prelude::*;
    let table = FileTable::of(units);
    let trees: std::collections::HashMap<&Path, &crate::tree::Tree> = units
        .iter()
        .flat_map(|u| u.paths().map(move |p| (p, &u.tree)))
        .collect();
    let host = crate::tree::Tree::host();
    let read: Vec<Result<SourceFile, String>> = table
        .paths
        .par_iter()
        .map(|path| {
            trees
                .get(path.as_path())
                .copied()
                .unwrap_or(&host)
                .read(path)
                .map(|bytes| SourceFile::new(path.as_path(), bytes))
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
        })
        .collect();
    let mut files = Files::default();
    let mut errors = Vec::new();
    for (id, r) in read.into_iter().enumerate() {
        match r {
            Ok(file) => files.insert(id, file),
            Err(e) => errors.push(e),
        }
    }
    (files, errors)
}

/// Parses and lints files already read, exactly as `check --format json` does: a fix is
/// offered only when `--fix --unsafe-fixes` would apply it. Diagnostics come out sorted by
/// (path, offset, rule), so output is deterministic.
pub fn analyze(units: &[Unit], files: Files, settings: &Settings) -> Analysis {
    let table = table_of(&files);
    let (run, kept) = super::run_on(
        units,
        &Context::of(settings),
        Mode::Publish,
        true,
        &table,
        Bytes::Given(&files),
        true,
    );
    Analysis::of(kept.units, kept.run_wide, run.resolved, &files, &table)
}

/// Discovers, reads and lints `paths` with `settings`: the whole job without printing.
/// Paths that cannot be read are skipped (the CLI reports them).
pub fn lint_paths(paths: &[PathBuf], settings: &Settings) -> Analysis {
    let discovery = super::discover::from_paths(paths);
    let (files, _) = read_files(&discovery.units);
    analyze(&discovery.units, files, settings)
}

/// Lints a whole machine's image, as `--sysroot DIR` does: its machine-wide layers and
/// every home in it.
pub fn lint_sysroot(root: &Path, settings: &Settings) -> Analysis {
    let discovery = super::discover::from_sysroot(root, &[]);
    let (files, _) = read_files(&discovery.units);
    analyze(&discovery.units, files, settings)
}

/// The fixes of a set of units, planned unit by unit as `--fix` plans them, nothing
/// written.
#[derive(Debug, Default)]
pub struct FixPlan {
    /// The units after their last pass: files hold the fixed bytes, diagnostics what
    /// remains.
    pub analysis: Analysis,
    /// The bytes each changed file had when read.
    pub originals: BTreeMap<PathBuf, Vec<u8>>,
    /// The secret spans of every file as read, so a diff can mask the old side too.
    pub original_secrets: BTreeMap<PathBuf, Vec<Span>>,
    /// The diagnostics whose fixes were applied.
    pub applied: Vec<Diagnostic>,
    /// Every pass of every unit.
    pub passes: Vec<PassChange>,
    /// Fixes that were reverted because the result did not verify (internal errors).
    pub errors: Vec<String>,
}

impl FixPlan {
    /// Paths whose bytes differ from what was read: (path, before, after).
    pub fn changed(&self) -> Vec<(&Path, &[u8], &[u8])> {
        self.originals
            .iter()
            .filter_map(|(path, before)| {
                let id = self.analysis.files.find(path)?;
                let after = self.analysis.files.get(id)?.bytes();
                (after != before.as_slice()).then_some((path.as_path(), before.as_slice(), after))
            })
            .collect()
    }
}

/// Plans the fixes of `units` (whose files are `files`) without writing anything, as
/// `--diff` does.
pub fn plan_fixes(
    units: &[Unit],
    files: Files,
    settings: &Settings,
    unsafe_fixes: bool,
) -> FixPlan {
    let table = table_of(&files);
    let (run, kept) = super::run_on(
        units,
        &Context::of(settings),
        Mode::Diff { unsafe_fixes },
        true,
        &table,
        Bytes::Given(&files),
        true,
    );
    let path = |id: &usize| table.paths.get(*id).cloned().unwrap_or_default();
    let mut plan = FixPlan::default();
    for p in kept.plans {
        for (id, before) in p.originals {
            plan.originals.insert(path(&id), before);
        }
        for (id, secrets) in p.original_secrets {
            plan.original_secrets.insert(path(&id), secrets);
        }
        plan.applied.extend(p.applied);
        plan.passes.extend(p.passes);
        plan.errors.extend(p.errors);
    }
    plan.analysis = Analysis::of(kept.units, kept.run_wide, run.resolved, &files, &table);
    plan
}

/// Writes every changed file of a plan. Files of a unit whose client holds its lock are
/// refused unless forced. Returns the paths written and the errors.
pub fn write_fixes(
    plan: &FixPlan,
    units: &[Unit],
    options: WriteOptions,
) -> (Vec<PathBuf>, Vec<WriteError>) {
    let mut written = Vec::new();
    let mut errors = Vec::new();
    let host = crate::tree::Tree::host();
    for (path, before, after) in plan.changed() {
        let unit = units.iter().find(|u| u.owned_paths().any(|p| p == path));
        let tree = unit.map(|u| &u.tree).unwrap_or(&host);
        let lock = unit.and_then(Unit::lock_held);
        if let Some(reason) = lock {
            if !options.force {
                errors.push(WriteError::Locked {
                    path: path.display().to_string(),
                    reason,
                });
                continue;
            }
        }
        match fix::write_file(tree, path, before, after, options) {
            Ok(()) => written.push(path.to_path_buf()),
            Err(e) => errors.push(e),
        }
    }
    (written, errors)
}

/// A unified diff of every changed file, with secrets masked on both sides.
pub fn unified_diff(plan: &FixPlan) -> String {
    let mut out = String::new();
    for (path, before, _) in plan.changed() {
        let Some(after) = plan
            .analysis
            .files
            .find(path)
            .and_then(|id| plan.analysis.files.get(id))
        else {
            continue;
        };
        let secrets = plan.original_secrets.get(path).map(Vec::as_slice);
        out.push_str(&fix::diff::unified(after, before, secrets.unwrap_or(&[])));
    }
    out
}

/// Renders an analysis in one of the output formats, colourless, as a string.
pub fn render(analysis: &Analysis, format: OutputFormat) -> String {
    render_resolved(&analysis.resolved, format)
}

/// Renders resolved findings in one of the output formats, colourless, as a string.
pub fn render_resolved(resolved: &Resolved, format: OutputFormat) -> String {
    let mut buf = Vec::new();
    let report = resolved.report();
    let written = match format {
        OutputFormat::Json => report::json::write(&report, &mut buf),
        OutputFormat::Concise => report::concise::write(&report, &mut buf),
        OutputFormat::Sarif => report::sarif::write(&report, &mut buf),
        OutputFormat::Github => report::github::write(&report, &mut buf),
        OutputFormat::Gitlab => report::gitlab::write(&report, &mut buf),
        OutputFormat::Text => report::text::write(
            &report,
            report::text::TextOptions {
                color: false,
                width: 100,
                summary: true,
            },
            &mut buf,
        ),
    };
    // Writing to a Vec cannot fail; keep whatever was written if it somehow did.
    let _ = written;
    String::from_utf8_lossy(&buf).into_owned()
}
