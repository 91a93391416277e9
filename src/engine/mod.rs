//! Linting a run in batches of units, so memory stays flat however many homes a tree holds.
//!
//! Each unit (a Thunderbird profile, a FileZilla settings directory, a PRF…) is read,
//! parsed, modelled and linted on its own; its diagnostics are resolved into [`Finding`]s
//! and its servers reduced to budget [`Share`]s while its files are in memory, and then its
//! files and profiles are dropped. Only the findings, the shares and (for text output) the
//! masked lines to draw outlive the batch. The run-wide rules then see the shares, and the
//! findings are sorted exactly as [`crate::lint`] sorts diagnostics, so the output is the
//! same as linting everything at once — the tests compare the two.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::budget::Share;
use crate::diagnostic::Diagnostic;
use crate::formats::{self, Unit};
use crate::report::{Excerpt, FileEntry, Finding, Interner, Place, Report};
use crate::rules::{Context, Rule, ALL};
use crate::settings::Settings;
use crate::source::{self, FileId, Files, SourceFile, Span};

/// Units linted together: enough to keep every core busy, few enough that a batch's files
/// are a few megabytes.
const BATCH_UNITS: usize = 256;

/// What a run leaves for reporting.
#[derive(Debug, Default)]
pub struct Resolved {
    /// Every file the units name, in first-named order; a [`FileId`] indexes it.
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
        }
    }
}

/// A whole run, linted in batches.
#[derive(Debug, Default)]
pub struct Run {
    pub resolved: Resolved,
    /// Every profile's budget shares, file ids into `resolved.files`.
    pub shares: Vec<Share>,
    /// Where each share's server is defined, resolved.
    pub anchors: HashMap<(FileId, Span), Place>,
    /// Files that could not be read ("cannot read `path`: reason"), once each.
    pub read_errors: Vec<String>,
}

/// What the batches add up to, built on the merging thread.
struct Merged {
    out: Run,
    files: Vec<FileEntry>,
    interner: Interner,
    reported: HashSet<FileId>,
    excerpts_seen: HashSet<FileId>,
}

impl Merged {
    fn new(files: Vec<FileEntry>) -> Merged {
        Merged {
            out: Run::default(),
            files,
            interner: Interner::default(),
            reported: HashSet::new(),
            excerpts_seen: HashSet::new(),
        }
    }

    /// Takes in one batch, in unit order.
    fn add(&mut self, results: Vec<UnitResult>) {
        for r in results {
            for (id, info, excerpt) in r.files {
                if let Some(entry) = self.files.get_mut(id) {
                    if info.is_some() {
                        entry.info = info;
                    }
                    // A file two units share gets the first unit's excerpt; its findings
                    // are the same in both (and reported once).
                    if self.excerpts_seen.insert(id) {
                        entry.excerpt = excerpt;
                    }
                }
            }
            // Findings and shares are copied on this thread: what outlives the batch is
            // then packed in this thread's heap, and the workers' pages, where it was interleaved with the
            // batch's parse trees, come free whole for the next batch. (Measured: without
            // the copy, a 2,000-home fleet kept ~40 MB more resident.)
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
        }
    }
}

/// One unit's results, file ids already global.
#[derive(Default)]
struct UnitResult {
    files: Vec<(FileId, Option<formats::FileInfo>, Excerpt)>,
    findings: Vec<Finding>,
    shares: Vec<(Share, Place)>,
    read_errors: Vec<(FileId, String)>,
}

/// Reads, parses and lints `units` in batches, keeping only what reporting needs.
/// `excerpts`: keep the masked lines the text reporter draws.
pub fn run(units: &[Unit], settings: &Settings, excerpts: bool) -> Run {
    // The run's file table: every path any unit names, first-named order, as
    // `formats::build_profiles` numbers them.
    let mut ids: HashMap<&Path, FileId> = HashMap::new();
    let mut files: Vec<FileEntry> = Vec::new();
    for path in units.iter().flat_map(Unit::paths) {
        ids.entry(path).or_insert_with(|| {
            files.push(FileEntry {
                path: path.display().to_string(),
                info: None,
                excerpt: Excerpt::default(),
            });
            files.len() - 1
        });
    }
    let mut by_path: Vec<(&Path, FileId)> = ids.iter().map(|(p, id)| (*p, *id)).collect();
    by_path.sort_unstable();
    let mut ranks = vec![0; files.len()];
    for (rank, (_, id)) in by_path.iter().enumerate() {
        if let Some(slot) = ranks.get_mut(*id) {
            *slot = rank;
        }
    }
    let enabled = enabled_rules(settings);
    let ctx = Context { settings };

    // The pool lints batch k+1 while this scope's merging thread packs batch k: no core
    // waits for the merge. The channel holds one batch, so at most three are alive.
    let merged = std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Vec<UnitResult>>(1);
        let merger = scope.spawn(move || {
            let mut merged = Merged::new(files);
            for results in receive {
                merged.add(results);
            }
            merged
        });
        for batch in units.chunks(BATCH_UNITS) {
            let results: Vec<UnitResult> = batch
                .par_iter()
                .map(|unit| lint_unit(unit, &ids, &enabled, &ctx, excerpts))
                .collect();
            if send.send(results).is_err() {
                break; // The merger is gone: it panicked, and join says so below.
            }
        }
        drop(send);
        match merger.join() {
            Ok(merged) => merged,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let Merged {
        mut out,
        files,
        mut interner,
        ..
    } = merged;

    // Run-wide rules: they see the shares, whose places were resolved above.
    let mut run_wide: Vec<Diagnostic> = Vec::new();
    for rule in &enabled {
        rule.check_run(&out.shares, &ctx, &mut run_wide);
    }
    let path_of = |id: FileId| files.get(id).map(|f| Path::new(f.path.as_str()));
    crate::apply_settings(&mut run_wide, settings, &path_of);
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
    sort_unique(&mut out.resolved.findings, |f| {
        let rank = ranks.get(f.at.file).copied().unwrap_or(usize::MAX);
        (rank, f.at.span.start, f.rule, f.at.span.end, &*f.message)
    });
    out.resolved.files = files;
    out
}

/// Where a finding sorts: the rank of its file's path, its offset, rule, end and message.
pub(crate) type SortKey<'a> = (usize, usize, &'static str, usize, &'a str);

/// Sorts a run's findings (or diagnostics) by [`SortKey`] and drops repeats: two profiles
/// can share a file (a profiles.ini named twice), and each finding is reported once. The
/// batched and the whole-run paths both sort here, so they print the same order.
pub(crate) fn sort_unique<T>(items: &mut Vec<T>, key: impl for<'a> Fn(&'a T) -> SortKey<'a>) {
    items.sort_by(|a, b| key(a).cmp(&key(b)));
    items.dedup_by(|a, b| key(a) == key(b));
}

/// The rules `settings` enables, in registry order.
pub(crate) fn enabled_rules(settings: &Settings) -> Vec<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .filter(|r| settings.is_enabled(r.name()))
        .collect()
}

/// Reads, parses and lints one unit on its own file arena.
fn lint_unit(
    unit: &Unit,
    ids: &HashMap<&Path, FileId>,
    enabled: &[&'static dyn Rule],
    ctx: &Context<'_>,
    excerpts: bool,
) -> UnitResult {
    let mut result = UnitResult::default();
    let mut interner = Interner::default();
    let mut local = Files::default();
    let mut global_of: Vec<FileId> = Vec::new();
    for path in unit.paths() {
        let Some(&id) = ids.get(path) else { continue };
        if local.find(path).is_some() {
            continue;
        }
        // The checked reader: regular files only, and a size cap.
        match source::read_config_file(path) {
            Ok(bytes) => {
                local.add(SourceFile::new(path, bytes));
                global_of.push(id);
            }
            Err(e) => result
                .read_errors
                .push((id, format!("cannot read `{}`: {e}", path.display()))),
        }
    }
    // Ids the unit's arena does not know stay out of range of the run's files.
    let global = |id: FileId| global_of.get(id).copied().unwrap_or(FileId::MAX);

    let (profiles, infos) = formats::build_unit(unit, &mut local);
    let mut diagnostics = Vec::new();
    for profile in &profiles {
        for rule in enabled {
            rule.check(profile, ctx, &mut diagnostics);
        }
    }
    let path_of = |id: FileId| local.get(id).map(|f| f.path.as_path());
    crate::apply_settings(&mut diagnostics, ctx.settings, &path_of);

    // What the text reporter will draw: (local file id, span).
    let mut drawn: Vec<(FileId, Span)> = Vec::new();
    for profile in &profiles {
        for mut share in crate::budget::shares(profile) {
            let (id, span) = share.anchor;
            let place = Place::of(&local, id, global(id), span);
            share.anchor.0 = global(id);
            result.shares.push((share, place));
        }
    }
    drop(profiles);
    // Local ids again: places hold the run's ids.
    let local_of = |g: FileId| global_of.iter().position(|&x| x == g);
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
        for ((_, _, file), span) in cover {
            drawn.extend(local_of(file).map(|id| (id, span)));
        }
    }
    for mut d in diagnostics {
        if !excerpts {
            // Labels and note texts are drawn only by the text reporter; no other format
            // carries them, so they go with the file.
            d.label = String::new();
            for note in &mut d.notes {
                note.text = String::new();
            }
        }
        let finding = Finding::resolve(d, &local, &global, &mut interner);
        if excerpts {
            for (file, span) in crate::report::text::drawn_spans(&finding) {
                drawn.extend(local_of(file).map(|id| (id, span)));
            }
        }
        result.findings.push(finding);
    }
    for ((id, _), excerpt) in local.iter().zip(Excerpt::per_file(&local, drawn)) {
        let info = infos.get(id).copied().flatten();
        result.files.push((global(id), info, excerpt));
    }
    result
}
