//! Planning fixes safely, one unit at a time: choosing non-overlapping edits, splicing them
//! into the original bytes ([`splice`]), re-linting the result, and keeping a pass only if
//! it adds no syntax error or invalid value and its findings are gone. Passes repeat until
//! nothing more is fixable. Writing is [`write`]'s; the unified diff is [`diff`]'s.
//!
//! Planning knows neither clients nor rules: the engine hands it a unit's files and
//! findings and a function that lints another version of those files.

pub mod diff;
pub mod splice;
pub mod write;

use std::collections::BTreeMap;

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::source::{FileId, Files, SourceFile, Span};

pub use splice::{splice, SpliceError};
pub use write::{write_file, WriteError, WriteOptions, FAILPOINT_ENV};

/// Most lint→fix passes before giving up on convergence (ruff uses 100; our fixes do not
/// cascade, so a few suffice).
pub const MAX_PASSES: usize = 10;

/// A unit's files as linted, with its findings and whatever else the caller keeps of a
/// lint (the model, the files' formats).
#[derive(Debug)]
pub struct Linted<X> {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    pub extra: X,
}

impl<X: Default> Linted<X> {
    /// Nothing: what is left where a lint was moved out.
    pub fn empty() -> Self {
        Linted {
            files: Files::default(),
            diagnostics: Vec::new(),
            extra: X::default(),
        }
    }
}

/// One pass's change to one file, with the edits (in that pass's original bytes).
#[derive(Debug, Clone)]
pub struct PassChange {
    pub path: std::path::PathBuf,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    /// The pass's edits in bytes: the range of `before` each replaced, and the bytes it
    /// wrote (in the file's encoding).
    pub edits: Vec<(Span, Vec<u8>)>,
}

/// The outcome of planning one unit's fixes, before anything is written.
#[derive(Debug)]
pub struct Plan<X> {
    /// The unit after the last pass: its files hold the fixed bytes, its diagnostics are
    /// what remains.
    pub last: Linted<X>,
    /// The bytes each changed file had when read.
    pub originals: BTreeMap<FileId, Vec<u8>>,
    /// The secret spans of every file as read, so a diff can mask the old side too.
    pub original_secrets: BTreeMap<FileId, Vec<Span>>,
    /// The diagnostics whose fixes were applied.
    pub applied: Vec<Diagnostic>,
    /// Every pass, for checking that edits stay where they say.
    pub passes: Vec<PassChange>,
    /// Fixes that were reverted because the result did not verify (internal errors).
    pub errors: Vec<String>,
}

impl<X> Plan<X> {
    /// The files whose bytes differ from what was read: (id, before, after).
    pub fn changed(&self) -> Vec<(FileId, &SourceFile, &[u8])> {
        self.originals
            .iter()
            .filter_map(|(id, before)| {
                let after = self.last.files.get(*id)?;
                (after.bytes() != before.as_slice()).then_some((*id, after, before.as_slice()))
            })
            .collect()
    }
}

/// Whether fixes of this applicability are wanted.
fn allowed(applicability: Applicability, unsafe_fixes: bool) -> bool {
    applicability == Applicability::Safe || unsafe_fixes
}

/// A finding's identity across passes: its file, rule, account and message (spans move
/// when a file changes; a file keeps its id in every pass, see [`splice_pass`]). Borrowed
/// from the finding: a fleet run compares millions, and owning them was a tenth of the
/// planning.
type Identity<'d> = (FileId, &'static str, Option<&'d str>, &'d str);

fn identity(d: &Diagnostic) -> Identity<'_> {
    (d.file, d.rule, d.account.as_deref(), d.message.as_str())
}

/// Identities kept from one pass to the next (refused and suspect fixes): few, so a list.
#[derive(Default)]
struct Identities(Vec<(FileId, &'static str, Option<String>, String)>);

impl Identities {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn contains(&self, d: &Diagnostic) -> bool {
        let wanted = identity(d);
        self.0.iter().any(|(file, rule, account, message)| {
            (*file, *rule, account.as_deref(), message.as_str()) == wanted
        })
    }

    /// Adds `d`'s identity; false when it was there already.
    fn insert(&mut self, d: &Diagnostic) -> bool {
        if self.contains(d) {
            return false;
        }
        self.0
            .push((d.file, d.rule, d.account.clone(), d.message.clone()));
        true
    }
}

/// The path `files` shows for a finding's file, for messages.
fn path_of(files: &Files, d: &Diagnostic) -> String {
    files
        .get(d.file)
        .map(SourceFile::display_path)
        .unwrap_or_default()
}

/// Findings that mean "the file got worse" if a fix introduces them.
fn is_breakage(d: &Diagnostic) -> bool {
    matches!(d.rule, "syntax-error" | "invalid-value")
}

/// Chooses, from `diagnostics` in order, the fixes whose edits clash with no edit chosen
/// before (see [`clash`]).
fn choose<'d>(
    diagnostics: impl Iterator<Item = &'d Diagnostic>,
    unsafe_fixes: bool,
) -> Vec<&'d Diagnostic> {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut chosen = Vec::new();
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !allowed(fix.applicability, unsafe_fixes) {
            continue;
        }
        if fix.edits.iter().any(|e| taken.iter().any(|t| clash(t, e))) {
            continue;
        }
        taken.extend(fix.edits.iter());
        chosen.push(d);
    }
    chosen
}

/// Two edits that cannot go in one pass: they overlap, or one inserts where the other
/// replaces (which comes first would be a guess). Insertions at one place can: they are
/// spliced in the order chosen, as each one's text stands on its own (a line, an
/// element) — unless they insert the same text, which the next pass decides. Letting them
/// share a pass matters: every pref Thunderbird's fixes add goes to the end of prefs.js,
/// and a profile with four accounts took four passes, each a re-lint of the profile.
fn clash(a: &Edit, b: &Edit) -> bool {
    if a.file != b.file {
        return false;
    }
    let (x, y) = (a.span, b.span);
    if x.is_empty() && y.is_empty() && x.start == y.start {
        return a.replacement == b.replacement;
    }
    x.overlaps(y) || (x.is_empty() || y.is_empty()) && x.start <= y.end && y.start <= x.end
}

/// Plans the fixes of one unit. `relint` lints another version of the unit's files.
pub fn plan<X>(
    first: Linted<X>,
    unsafe_fixes: bool,
    relint: &dyn Fn(Files) -> Linted<X>,
) -> Plan<X> {
    plan_passes(first, unsafe_fixes, relint, Record::Passes).0
}

/// `first` with the fix taken away from every finding whose fix `--fix --unsafe-fixes`
/// would not apply (a fix that does not verify, or one that never gets its pass): what
/// JSON and SARIF publish. Plans as [`plan`] does, keeping `first` aside rather than
/// cloning it and recording no pass (a fleet run does this for every unit with a fix).
pub fn offer_verified<X>(first: Linted<X>, relint: &dyn Fn(Files) -> Linted<X>) -> Linted<X> {
    let (plan, kept) = plan_passes(first, true, relint, Record::Verdicts);
    match kept {
        Some(mut first) => {
            keep_verified(&mut first.diagnostics, &plan);
            first
        }
        // No pass was kept, so no fix applied: `last` is still `first`.
        None => {
            let mut first = plan.last;
            for d in &mut first.diagnostics {
                d.fix = None;
            }
            first
        }
    }
}

/// What planning keeps besides the fixes it applied and the unit after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Record {
    /// Every pass, and the bytes and secrets each changed file had: for writing (edits are
    /// checked against the passes) and diffs.
    Passes,
    /// No pass and no byte of the files as read, but the first lint itself, once a kept
    /// pass replaced it: which fixes verify is all that is asked.
    Verdicts,
}

/// [`plan`], keeping what `record` says; with [`Record::Verdicts`], also `first` itself
/// once a kept pass has replaced it in [`Plan::last`] (`None`: no pass was kept).
fn plan_passes<X>(
    first: Linted<X>,
    unsafe_fixes: bool,
    relint: &dyn Fn(Files) -> Linted<X>,
    record: Record,
) -> (Plan<X>, Option<Linted<X>>) {
    let passes = record == Record::Passes;
    let original_secrets = if passes {
        first
            .files
            .iter()
            .map(|(id, f)| (id, f.secrets.clone()))
            .collect()
    } else {
        BTreeMap::new()
    };
    let mut plan = Plan {
        last: first,
        originals: BTreeMap::new(),
        original_secrets,
        applied: Vec::new(),
        passes: Vec::new(),
        errors: Vec::new(),
    };
    let mut kept_first = None;
    let mut refused = Identities::default();
    // Fixes of a pass that did not verify: each is then tried on its own, so one bad fix
    // does not keep the others of its pass from landing.
    let mut suspects = Identities::default();
    let mut passes_left = MAX_PASSES;
    while passes_left > 0 {
        passes_left -= 1;
        // Nothing refused or suspect is the rule: then no identity is compared.
        let mut candidates = plan
            .last
            .diagnostics
            .iter()
            .filter(|d| refused.is_empty() || !refused.contains(d));
        let suspect = candidates.clone().find(|d| {
            !suspects.is_empty()
                && suspects.contains(d)
                && d.fix
                    .as_ref()
                    .is_some_and(|f| allowed(f.applicability, unsafe_fixes))
        });
        let chosen = match suspect {
            Some(d) => vec![d],
            None => choose(&mut candidates, unsafe_fixes),
        };
        if chosen.is_empty() {
            break;
        }
        let Some((next_files, changes)) =
            splice_pass(&plan.last.files, &chosen, passes, &mut plan.errors)
        else {
            break;
        };
        let next = relint(next_files);
        let problems = verify(&plan.last, &next, &chosen);
        if !problems.is_empty() {
            if chosen.len() > 1 {
                // Each identity becomes a suspect once, so this stays bounded.
                let new = chosen.iter().filter(|d| suspects.insert(d)).count();
                passes_left += new;
            } else {
                for d in &chosen {
                    refused.insert(d);
                }
                plan.errors.extend(problems);
            }
            continue;
        }
        for change in &changes {
            if let Some(id) = plan.last.files.find(&change.path) {
                plan.originals
                    .entry(id)
                    .or_insert_with(|| change.before.clone());
            }
        }
        plan.applied.extend(chosen.into_iter().cloned());
        plan.passes.extend(changes);
        let before = std::mem::replace(&mut plan.last, next);
        if !passes && kept_first.is_none() {
            kept_first = Some(before);
        }
    }
    (plan, kept_first)
}

/// Takes away the fix of every diagnostic in `diagnostics` that `plan` did
/// not apply: what `--fix` would refuse is not offered either (JSON and SARIF publish the
/// fixes they carry). `plan` is of the same diagnostics, planned with every fix allowed.
fn keep_verified<X>(diagnostics: &mut [Diagnostic], plan: &Plan<X>) {
    let applied: foldhash::HashSet<Identity<'_>> = plan.applied.iter().map(identity).collect();
    // Two findings may carry the same fix (one locked pref behind two of them): applying
    // either removes both, so a fix equal to an applied one is as good.
    fn edits_of(d: &Diagnostic) -> Vec<(FileId, Span, &str)> {
        d.fix
            .iter()
            .flat_map(|f| &f.edits)
            .map(|e| (e.file, e.span, e.replacement.as_str()))
            .collect()
    }
    let applied_edits: foldhash::HashSet<Vec<(FileId, Span, &str)>> =
        plan.applied.iter().map(edits_of).collect();
    for d in diagnostics.iter_mut().filter(|d| d.fix.is_some()) {
        let keep = applied.contains(&identity(d)) || applied_edits.contains(&edits_of(d));
        if !keep {
            d.fix = None;
        }
    }
}

/// The unit's files with the chosen fixes spliced in, and (with `record`) each changed
/// file's change; `None` (and an internal error) when a splice fails.
fn splice_pass(
    files: &Files,
    chosen: &[&Diagnostic],
    record: bool,
    errors: &mut Vec<String>,
) -> Option<(Files, Vec<PassChange>)> {
    let mut per_file: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
    for d in chosen {
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            per_file.entry(e.file).or_default().push(e);
        }
    }
    let mut next = Files::default();
    let mut changes = Vec::new();
    for (id, file) in files.iter() {
        let Some(edits) = per_file.get(&id) else {
            next.insert(
                id,
                SourceFile::new(file.path.clone(), file.bytes().to_vec()),
            );
            continue;
        };
        match splice(file, edits) {
            Ok(bytes) if !record => next.insert(id, SourceFile::new(file.path.clone(), bytes)),
            Ok(bytes) => {
                changes.push(PassChange {
                    path: file.path.clone(),
                    before: file.bytes().to_vec(),
                    after: bytes.clone(),
                    edits: edits
                        .iter()
                        .map(|e| {
                            (
                                file.original_span(e.span),
                                file.encoding.encode(&e.replacement),
                            )
                        })
                        .collect(),
                });
                next.insert(id, SourceFile::new(file.path.clone(), bytes));
            }
            Err(e) => {
                errors.push(format!(
                    "internal error: could not apply fixes to `{}`: {e}",
                    file.display_path()
                ));
                return None;
            }
        }
    }
    Some((next, changes))
}

/// What is wrong with a pass: a new syntax error or invalid value, or a chosen finding
/// that is still there. Empty when the pass may be kept.
fn verify<X>(before: &Linted<X>, after: &Linted<X>, chosen: &[&Diagnostic]) -> Vec<String> {
    let count = |l: &Linted<X>, file: FileId, rule: &str| {
        l.diagnostics
            .iter()
            .filter(|d| d.rule == rule && d.file == file)
            .count()
    };
    let broken_before: foldhash::HashSet<(FileId, &str)> = before
        .diagnostics
        .iter()
        .filter(|d| is_breakage(d))
        .map(|d| (d.file, d.rule))
        .collect();
    let mut problems = Vec::new();
    for d in after.diagnostics.iter().filter(|d| is_breakage(d)) {
        let (file, rule) = (d.file, d.rule);
        if !broken_before.contains(&(file, rule))
            || count(after, file, rule) > count(before, file, rule)
        {
            problems.push(format!(
                "internal error: fixes were not applied because the result did not verify: `{}` gained a {rule} finding: {}",
                path_of(&after.files, d),
                d.message
            ));
        }
    }
    let remaining: foldhash::HashSet<Identity<'_>> =
        after.diagnostics.iter().map(identity).collect();
    let mut not_fixed: Vec<&&Diagnostic> = chosen
        .iter()
        .filter(|d| remaining.contains(&identity(d)))
        .collect();
    not_fixed.sort_by_key(|d| d.rule);
    for d in not_fixed {
        problems.push(format!(
            "internal error: the fix for {} did not remove the finding in `{}`; it was not applied",
            d.rule,
            path_of(&before.files, d)
        ));
    }
    problems
}
