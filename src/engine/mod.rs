//! The one pipeline every run goes through — `check`, `--fix`, `--diff`, `connections`
//! and the library alike: discovery gives units; each unit is read, built, linted and, when
//! the run fixes, its fixes planned, verified and written, all while its files are in
//! memory; then only what reporting needs outlives it (its findings, its budget shares,
//! the masked lines to draw). Units run in batches on every core, so memory stays flat
//! however many homes a tree holds, and time grows linearly with the number of units.
//! The run-wide rules (the connection budget) then see every unit's shares.

pub mod connections;
pub mod discover;
pub mod library;
pub mod probe;
mod scrub;
mod unit;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::clients::Unit;
use crate::diagnostic::Diagnostic;
use crate::fix::{self, WriteError, WriteOptions};
use crate::model::budget::{self, Share};
use crate::report::{Excerpt, FileEntry, FileInfo, Finding, Interner, Place, Report};
use crate::rules::{Context, Rule, ALL};
use crate::settings::Settings;
use crate::source::{FileId, Span};

pub use unit::{read_shared, Bytes, FileTable, Job, LintedUnit, Model};

/// Units processed together: enough to keep every core busy, few enough that a batch's
/// files are a few megabytes.
const BATCH_UNITS: usize = 256;

/// What a run does with each unit besides linting it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Lint only.
    Check,
    /// Lint, and offer only the fixes `--fix --unsafe-fixes` would apply: each unit with a
    /// fix is planned as `--fix` plans it, and a fix that does not verify is dropped. For
    /// the formats that publish fixes (JSON, SARIF).
    Publish,
    /// Plan the fixes and keep the diff; write nothing.
    Diff { unsafe_fixes: bool },
    /// Plan the fixes and write them; report what is on disk afterwards.
    Fix {
        unsafe_fixes: bool,
        options: WriteOptions,
    },
}

/// What a run leaves for reporting.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Every file the units name; a [`FileId`] indexes it.
    pub files: Vec<FileEntry>,
    /// Sorted by path, offset, rule. Boxed: a fleet has tens of thousands, and sorting or
    /// growing the list then moves pointers, not whole findings.
    pub findings: Vec<Box<Finding>>,
}

impl Resolved {
    pub fn report(&self) -> Report<'_> {
        Report {
            files: &self.files,
            findings: &self.findings,
            connections: None,
        }
    }
}

/// What fixing did, over the whole run.
#[derive(Debug, Default)]
pub struct Fixed {
    /// Findings whose fixes are now on disk.
    pub applied: usize,
    /// Files written.
    pub written: Vec<PathBuf>,
    /// `--diff`: the unified diff of every changed file, in path order.
    pub diff: String,
    /// Fixes that were not applied because their result did not verify.
    pub internal_errors: Vec<String>,
    /// Files that could not be written.
    pub write_errors: Vec<WriteError>,
    /// Units written although their client holds its lock (`--force`).
    pub forced: Vec<String>,
    /// Temporary copies an interrupted `--fix` had left, removed by this one.
    pub removed: Vec<PathBuf>,
}

/// A whole run.
#[derive(Debug, Default)]
pub struct Run {
    pub resolved: Resolved,
    /// Every profile's budget shares.
    pub shares: Vec<Share>,
    /// Where each share's server is defined, resolved.
    pub anchors: foldhash::HashMap<(FileId, Span), Place>,
    /// Files that could not be read ("cannot read `path`: reason"), once each.
    pub read_errors: Vec<String>,
    /// Temporary copies an interrupted `--fix` left next to a unit's files (they may hold
    /// passwords); `--fix` removes them.
    pub leftovers: Vec<PathBuf>,
    pub fixed: Fixed,
}

/// Reads, lints (and, per `mode`, fixes) `units` in batches, keeping only what reporting
/// needs. `excerpts`: keep the masked lines the text reporter draws.
pub fn run(units: &[Unit], settings: &Settings, mode: Mode, excerpts: bool) -> Run {
    run_with(units, &Context::of(settings), mode, excerpts)
}

/// [`run`] with what the rules may read besides the settings: a probe's outcomes, for
/// `clientlint probe`.
pub fn run_with(units: &[Unit], ctx: &Context<'_>, mode: Mode, excerpts: bool) -> Run {
    let table = FileTable::of(units);
    let shared = read_shared(units);
    let bytes = Bytes::Disk { shared: &shared };
    run_on(units, ctx, mode, excerpts, &table, bytes, false).0
}

/// What a run keeps of each unit for the library (`keep`), besides the report.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    /// Each unit as it is after the run (fixed, when the run fixes).
    pub units: Vec<LintedUnit>,
    /// Each unit's fix plan (`--diff` mode).
    pub plans: Vec<fix::Plan<Model>>,
    /// The run-wide diagnostics (the connection budget).
    pub run_wide: Vec<Diagnostic>,
}

/// [`run`], on the files `table` numbers and `bytes` provides; with `keep`, also every
/// unit's files, model and findings (and plans), for the library.
pub(crate) fn run_on(
    units: &[Unit],
    ctx: &Context<'_>,
    mode: Mode,
    excerpts: bool,
    table: &FileTable,
    bytes: Bytes<'_>,
    keep: bool,
) -> (Run, Kept) {
    let ranks = table.ranks();
    let files: Vec<FileEntry> = table
        .paths
        .iter()
        .map(|p| FileEntry {
            path: p.display().to_string(),
            info: None,
            also: Vec::new(),
            excerpt: Excerpt::default(),
        })
        .collect();
    let settings = ctx.settings;
    let rules = enabled_rules(settings);
    let job = Job {
        settings,
        probed: ctx.probed,
        rules: &rules,
        ids: &table.ids,
        bytes,
    };
    let mut merged = Merged::new(files);
    in_batches(
        units,
        |unit| process(&job, unit, mode, excerpts, keep),
        |results| merged.add(results),
    );
    let Merged {
        mut out,
        files,
        mut interner,
        mut diffs,
        mut kept,
        ..
    } = merged;

    // Run-wide rules: they see the shares, whose places were resolved above. They run
    // while the units' findings are sorted (both were serial after the last batch, ~30 ms
    // of a 2,000-home run with every other core idle); theirs are few and sorted in after.
    let findings = &mut out.resolved.findings;
    let shares = &out.shares;
    let ((), mut run_wide) = rayon::join(
        || sort_unique(findings, |f| place_key(&ranks, f), |f| f.fix.is_some()),
        || {
            let mut run_wide: Vec<Diagnostic> = Vec::new();
            for rule in &rules {
                rule.check_run(shares, ctx, &mut run_wide);
            }
            run_wide
        },
    );
    let path_of = |id: FileId| files.get(id).map(|f| Path::new(f.path.as_str()));
    apply_settings(&mut run_wide, settings, &path_of);
    if keep {
        kept.run_wide = run_wide.clone();
    }
    if !run_wide.is_empty() {
        for d in run_wide {
            let place = |id: FileId, span: Span| {
                out.anchors
                    .get(&(id, span))
                    .copied()
                    .unwrap_or_else(|| Place::unknown(id, span))
            };
            let at = place(d.file, d.span);
            let notes = d.notes.iter().map(|n| place(n.file, n.span)).collect();
            let finding = Finding::new(d, at, notes, Vec::new(), &mut interner);
            out.resolved.findings.push(Box::new(finding));
        }
        // Sorted findings with a few appended: the sort finds the long run and merges.
        sort_unique(
            &mut out.resolved.findings,
            |f| place_key(&ranks, f),
            |f| f.fix.is_some(),
        );
    }
    diffs.sort_by(|a, b| a.0.cmp(&b.0));
    out.fixed.diff = diffs.into_iter().map(|(_, d)| d).collect();
    out.resolved.files = files;
    (out, kept)
}

/// Runs `process` on every unit, a batch at a time on the thread pool, and hands each
/// batch's results, in unit order, to `merge` on a thread of its own: the pool processes
/// batch k+1 while batch k is merged. The channel holds one batch, so at most three are
/// alive.
pub(crate) fn in_batches<T: Send>(
    units: &[Unit],
    process: impl Fn(&Unit) -> T + Sync,
    merge: impl FnMut(Vec<T>) + Send,
) {
    let mut merge = merge;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<T>>(1);
        let merger = scope.spawn(move || {
            for results in receive {
                merge(results);
            }
        });
        for batch in units.chunks(BATCH_UNITS) {
            let results: Vec<T> = batch.par_iter().map(&process).collect();
            if send.send(results).is_err() {
                break; // The merger is gone: it panicked, and join says so below.
            }
        }
        drop(send);
        if let Err(panic) = merger.join() {
            std::panic::resume_unwind(panic);
        }
    });
}

/// One unit's results, ready to merge.
#[derive(Default)]
struct UnitResult {
    files: Vec<(FileId, Option<FileInfo>, Excerpt)>,
    findings: Vec<Finding>,
    shares: Vec<(Share, Place)>,
    read_errors: Vec<(FileId, String)>,
    leftovers: Vec<PathBuf>,
    fixed: Fixed,
    diffs: Vec<(PathBuf, String)>,
    kept: Option<LintedUnit>,
    plan: Option<fix::Plan<Model>>,
}

/// What the batches add up to, built on the merging thread.
struct Merged {
    out: Run,
    files: Vec<FileEntry>,
    interner: Interner,
    reported: foldhash::HashSet<FileId>,
    diffs: Vec<(PathBuf, String)>,
    kept: Kept,
}

impl Merged {
    fn new(files: Vec<FileEntry>) -> Merged {
        Merged {
            out: Run::default(),
            files,
            interner: Interner::default(),
            reported: foldhash::HashSet::default(),
            diffs: Vec::new(),
            kept: Kept::default(),
        }
    }

    /// Takes in one batch, in unit order.
    fn add(&mut self, results: Vec<UnitResult>) {
        for r in results {
            for (id, info, excerpt) in r.files {
                if let Some(entry) = self.files.get_mut(id) {
                    match (entry.info, info) {
                        (None, Some(new)) => entry.info = Some(new),
                        (Some(first), Some(new))
                            if first.client != new.client && !entry.also.contains(&new) =>
                        {
                            entry.also.push(new)
                        }
                        _ => {}
                    }
                    // A file two units read (a machine-wide layer) is drawn by both: one
                    // points into it from a note, the other owns its findings.
                    entry.excerpt.merge(excerpt);
                }
            }
            // Findings and shares are copied on this thread: what outlives the batch is
            // then packed in this thread's heap, and the workers' pages, where it was
            // interleaved with the batch's parse trees, come free whole for the next
            // batch. (Measured: without the copy, a 2,000-home fleet kept ~40 MB more
            // resident.)
            let interner = &mut self.interner;
            self.out
                .resolved
                .findings
                .extend(r.findings.iter().map(|f| Box::new(f.repack(interner))));
            drop(r.findings);
            for (share, place) in r.shares {
                self.out.anchors.insert(share.anchor, place);
                self.out.shares.push(share.clone());
            }
            for (id, message) in r.read_errors {
                if self.reported.insert(id) {
                    self.out.read_errors.push(message);
                }
            }
            let fixed = &mut self.out.fixed;
            fixed.applied += r.fixed.applied;
            fixed.written.extend(r.fixed.written);
            fixed.internal_errors.extend(r.fixed.internal_errors);
            fixed.write_errors.extend(r.fixed.write_errors);
            fixed.forced.extend(r.fixed.forced);
            fixed.removed.extend(r.fixed.removed);
            self.out.leftovers.extend(r.leftovers);
            self.diffs.extend(r.diffs);
            self.kept.units.extend(r.kept);
            self.kept.plans.extend(r.plan);
        }
    }
}

/// One unit through the pipeline, per `mode`, resolved for reporting (and with `keep`,
/// kept whole).
fn process(job: &Job<'_>, unit: &Unit, mode: Mode, excerpts: bool, keep: bool) -> UnitResult {
    let (linted, read_errors) = job.read_and_lint(unit);
    let mut result = UnitResult {
        read_errors,
        ..UnitResult::default()
    };
    for leftover in unit::leftover_temps(unit) {
        match mode {
            Mode::Fix { .. } => match unit.tree.remove_file(&leftover) {
                Ok(()) => result.fixed.removed.push(leftover),
                Err(e) => result.fixed.write_errors.push(WriteError::Io {
                    path: leftover.display().to_string(),
                    source: std::io::Error::other(e.to_string()),
                }),
            },
            _ => result.leftovers.push(leftover),
        }
    }
    let mut now = match mode {
        Mode::Check => linted,
        Mode::Publish if linted.diagnostics.iter().any(|d| d.fix.is_some()) => {
            fix::offer_verified(linted, &|files| job.lint(unit, files))
        }
        Mode::Publish => linted,
        Mode::Diff { unsafe_fixes } => {
            let mut plan = job.plan(unit, linted, unsafe_fixes);
            result.fixed.internal_errors = plan.errors.clone();
            for (id, after, before) in plan.changed() {
                let secrets = plan.original_secrets.get(&id).map(Vec::as_slice);
                let diff = fix::diff::unified(after, before, secrets.unwrap_or(&[]));
                result.diffs.push((after.path.clone(), diff));
            }
            let last = std::mem::replace(&mut plan.last, fix::Linted::empty());
            if keep {
                result.plan = Some(plan);
            }
            last
        }
        Mode::Fix {
            unsafe_fixes,
            options,
        } => {
            let plan = job.plan(unit, linted, unsafe_fixes);
            result.fixed.internal_errors = plan.errors.clone();
            write(job, unit, plan, options, &mut result.fixed)
        }
    };
    let diagnostics = if keep {
        now.diagnostics.clone()
    } else {
        std::mem::take(&mut now.diagnostics)
    };
    resolve(&now, diagnostics, excerpts, &mut result);
    if keep {
        result.kept = Some(now);
    }
    result
}

/// Writes a unit's planned fixes and returns the unit as it is on disk afterwards.
fn write(
    job: &Job<'_>,
    unit: &Unit,
    plan: fix::Plan<Model>,
    options: WriteOptions,
    fixed: &mut Fixed,
) -> LintedUnit {
    let lock = unit.lock_held();
    if let (Some(reason), true) = (&lock, options.force) {
        fixed.forced.push(reason.clone());
    }
    let changed = plan.changed();
    if changed.is_empty() {
        return plan.last;
    }
    let mut written = Vec::new();
    for (_, after, before) in &changed {
        let path = after.path.as_path();
        let outcome = match &lock {
            Some(reason) if !options.force => Err(WriteError::Locked {
                path: path.display().to_string(),
                reason: reason.clone(),
            }),
            _ => fix::write_file(&unit.tree, path, before, after.bytes(), options),
        };
        match outcome {
            Ok(()) => written.push(path.to_path_buf()),
            Err(e) => fixed.write_errors.push(e),
        }
    }
    let all_written = written.len() == changed.len();
    fixed.applied += plan
        .applied
        .iter()
        .filter(|d| {
            plan.last
                .files
                .get(d.file)
                .is_some_and(|f| written.contains(&f.path))
        })
        .count();
    fixed.written.extend(written);
    if all_written {
        plan.last
    } else {
        // Files that could not be written keep their findings: report what is on disk.
        job.read_and_lint(unit).0
    }
}

/// Resolves a unit's findings (its `diagnostics`), budget shares and (for text output) the
/// lines to draw.
fn resolve(
    now: &LintedUnit,
    diagnostics: Vec<Diagnostic>,
    excerpts: bool,
    result: &mut UnitResult,
) {
    let mut interner = Interner::default();
    let files = &now.files;
    for profile in &now.extra.profiles {
        for share in budget::shares(profile) {
            let place = Place::of(files, share.anchor.0, share.anchor.1);
            result.shares.push((share, place));
        }
    }
    // What the text reporter will draw: (file id, span).
    let mut drawn: Vec<(FileId, Span)> = Vec::new();
    if excerpts {
        // A budget diagnostic draws the servers of one host that share a file in one
        // snippet (the lines between them too); the others alone.
        let mut cover: HashMap<(&str, &str, FileId), Span> = HashMap::new();
        for (share, place) in result.shares.iter().filter(|(_, p)| p.drawable) {
            cover
                .entry((share.host.as_str(), share.protocol, place.file))
                .and_modify(|c| *c = c.cover(place.span))
                .or_insert(place.span);
        }
        drawn.extend(cover.into_iter().map(|((_, _, file), span)| (file, span)));
    }
    for mut d in diagnostics {
        if !excerpts {
            // Labels are drawn only by the text reporter; no other format carries them,
            // so they go with the file. (Note texts stay: JSON and SARIF give them with
            // each related location.)
            d.label = String::new();
        }
        let finding = Finding::resolve(d, files, &mut interner);
        if excerpts {
            drawn.extend(crate::report::text::drawn_spans(&finding));
        }
        result.findings.push(finding);
    }
    for (id, excerpt) in Excerpt::per_file(files, drawn) {
        let info = now
            .extra
            .infos
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, info)| *info);
        result.files.push((id, info, excerpt));
    }
}

/// Where a finding sorts: the rank of its file's path, its offset, rule, end and message.
pub(crate) type SortKey<'a> = (usize, usize, &'static str, usize, &'a str);

/// Where a finding sorts: `ranks` are the files' ranks in path order.
fn place_key<'a>(ranks: &[usize], f: &'a Finding) -> SortKey<'a> {
    let rank = ranks.get(f.at.file).copied().unwrap_or(usize::MAX);
    (rank, f.at.span.start, f.rule, f.at.span.end, &f.message)
}

/// Sorts a run's findings (or diagnostics) by [`SortKey`] and drops repeats: two units
/// can read one file (a profiles.ini named twice, a machine-wide file several profiles
/// share), and each finding is reported once — with its fix, when one of the copies has
/// it (only the unit that owns a file offers fixes in it).
pub(crate) fn sort_unique<T>(
    items: &mut Vec<T>,
    key: impl for<'a> Fn(&'a T) -> SortKey<'a>,
    has_fix: impl Fn(&T) -> bool,
) {
    items.sort_by(|a, b| key(a).cmp(&key(b)));
    // In place: equal neighbours collapse into the first, which takes a fix if only a
    // later one has it (no second list of a fleet's findings).
    items.dedup_by(|later, kept| {
        let repeat = key(later) == key(kept);
        if repeat && !has_fix(kept) && has_fix(later) {
            std::mem::swap(later, kept);
        }
        repeat
    });
}

/// The rules `settings` enables, in registry order.
pub(crate) fn enabled_rules(settings: &Settings) -> Vec<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .filter(|r| settings.is_enabled(r.name()))
        .collect()
}

/// Severity overrides and per-path ignores of the configuration.
pub(crate) fn apply_settings<'p>(
    diagnostics: &mut Vec<Diagnostic>,
    settings: &Settings,
    path_of: &dyn Fn(FileId) -> Option<&'p Path>,
) {
    for d in diagnostics.iter_mut() {
        if let Some(severity) = settings.severity.get(d.rule) {
            d.severity = *severity;
        }
    }
    if !settings.per_path_ignores.is_empty() {
        diagnostics.retain(|d| {
            path_of(d.file)
                .map(|path| !settings.is_ignored_for_path(d.rule, path))
                .unwrap_or(true)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::sort_unique;

    /// Repeats collapse into one, in key order, and the one kept carries a fix when any
    /// copy does (the unit that owns a file offers its fixes; another unit reading it
    /// reports the same finding without).
    #[test]
    fn sort_unique_keeps_one_of_each_and_prefers_a_copy_with_a_fix() {
        let mut items = vec![
            (2, false, "b"),
            (1, false, "a first, no fix"),
            (3, true, "c"),
            (1, true, "a with a fix"),
            (1, false, "a last, no fix"),
            (2, false, "b again"),
        ];
        sort_unique(&mut items, |i| (i.0, 0, "rule", 0, ""), |i| i.1);
        let tags: Vec<&str> = items.iter().map(|i| i.2).collect();
        assert_eq!(tags, ["a with a fix", "b", "c"]);
    }
}
