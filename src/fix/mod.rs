//! Applying fixes safely: choosing non-overlapping edits, splicing them into the original
//! bytes in the file's own encoding, re-linting the result, and writing atomically.
//!
//! Splicing works on the bytes as read, not on a re-encoding of the decoded text, so every
//! byte outside the edits (a BOM, CRLF, invalid UTF-8 in a comment, an unpaired UTF-16
//! surrogate elsewhere) survives exactly. A pass is kept only if re-parsing the result adds
//! no syntax error or invalid value and the fixed findings are gone; passes repeat until
//! nothing more is fixable. Writing refuses read-only files, files changed since they were
//! read, and profiles whose client is running.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::formats::Unit;
use crate::settings::Settings;
use crate::source::{FileId, Files, SourceFile, Span};
use crate::Analysis;

/// Why a set of edits could not be spliced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpliceError {
    #[error("edits overlap at byte {0}")]
    Overlap(usize),
    #[error("an edit reaches past the end of the file or splits a character")]
    OutOfRange,
}

/// Splices `edits` (all for `file`, text spans) into the file's original bytes. Edits are
/// applied in order of position; insertions at the same position keep their given order.
pub fn splice(file: &SourceFile, edits: &[&Edit]) -> Result<Vec<u8>, SpliceError> {
    let mut sorted: Vec<(usize, &Edit)> = edits.iter().copied().enumerate().collect();
    sorted.sort_by_key(|(i, e)| (e.span.start, e.span.end, *i));
    let mut out = Vec::with_capacity(file.bytes().len() + 64);
    let mut cursor = 0usize;
    let mut last_end_text = 0usize;
    for (_, edit) in sorted {
        let span = edit.span;
        if span.end > file.text.len()
            || !file.text.is_char_boundary(span.start)
            || !file.text.is_char_boundary(span.end)
        {
            return Err(SpliceError::OutOfRange);
        }
        if span.start < last_end_text {
            return Err(SpliceError::Overlap(span.start));
        }
        let original: Span = file.original_span(span);
        out.extend_from_slice(
            file.bytes()
                .get(cursor..original.start)
                .ok_or(SpliceError::OutOfRange)?,
        );
        out.extend_from_slice(&file.encoding.encode(&edit.replacement));
        cursor = original.end;
        last_end_text = span.end;
    }
    out.extend_from_slice(file.bytes().get(cursor..).ok_or(SpliceError::OutOfRange)?);
    Ok(out)
}

/// Most lint→fix passes before giving up on convergence (ruff uses 100; our fixes do not
/// cascade, so a few suffice).
pub const MAX_PASSES: usize = 10;

/// One pass's change to one file, with the edits (in that pass's original bytes).
#[derive(Debug, Clone)]
pub struct PassChange {
    pub path: PathBuf,
    pub before: Vec<u8>,
    pub after: Vec<u8>,
    /// The pass's edits in bytes: the range of `before` each replaced, and the bytes it
    /// wrote (in the file's encoding).
    pub edits: Vec<(Span, Vec<u8>)>,
}

/// The outcome of planning fixes, before anything is written.
pub struct FixPlan {
    /// The run after the last pass: its files hold the fixed bytes, its diagnostics are
    /// what remains.
    pub analysis: Analysis,
    /// The bytes each changed file had when read.
    pub originals: BTreeMap<PathBuf, Vec<u8>>,
    /// The secret spans of every file as read, so a diff can mask the old side too.
    pub original_secrets: BTreeMap<PathBuf, Vec<Span>>,
    /// The diagnostics whose fixes were applied.
    pub applied: Vec<Diagnostic>,
    /// Every pass, for checking that edits stay where they say.
    pub passes: Vec<PassChange>,
    /// Fixes that were reverted because the result did not verify (internal errors).
    pub errors: Vec<String>,
}

impl FixPlan {
    /// Paths whose bytes differ from what was read.
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

/// Whether fixes of this applicability are wanted.
fn allowed(applicability: Applicability, unsafe_fixes: bool) -> bool {
    applicability == Applicability::Safe || unsafe_fixes
}

/// A finding's identity across passes (spans move when a file changes).
fn identity(d: &Diagnostic, files: &Files) -> (String, &'static str, Option<String>, String) {
    let path = files
        .get(d.file)
        .map(|f| f.display_path())
        .unwrap_or_default();
    (path, d.rule, d.account.clone(), d.message.clone())
}

/// Findings that mean "the file got worse" if a fix introduces them.
fn is_breakage(d: &Diagnostic) -> bool {
    matches!(d.rule, "syntax-error" | "invalid-value")
}

/// Chooses, from `diagnostics` in order, the fixes whose edits overlap no edit chosen
/// before. Two insertions at one place count as overlapping: the next pass takes the
/// second.
fn choose(diagnostics: &[Diagnostic], unsafe_fixes: bool) -> Vec<&Diagnostic> {
    let mut taken: Vec<(FileId, Span)> = Vec::new();
    let mut chosen = Vec::new();
    for d in diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !allowed(fix.applicability, unsafe_fixes) {
            continue;
        }
        let clashes = fix.edits.iter().any(|e| {
            taken.iter().any(|(file, span)| {
                *file == e.file
                    && (span.overlaps(e.span)
                        || (span.is_empty() || e.span.is_empty())
                            && span.start <= e.span.end
                            && e.span.start <= span.end)
            })
        });
        if clashes {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| (e.file, e.span)));
        chosen.push(d);
    }
    chosen
}

/// Plans the fixes of a run without writing anything.
pub fn plan(units: &[Unit], files: Files, settings: &Settings, unsafe_fixes: bool) -> FixPlan {
    let mut analysis = crate::analyze(units, files, settings);
    let original_secrets = analysis
        .files
        .iter()
        .map(|(_, f)| (f.path.clone(), f.secrets.clone()))
        .collect();
    let mut originals = BTreeMap::new();
    let mut applied = Vec::new();
    let mut passes = Vec::new();
    let mut errors = Vec::new();
    let mut refused: BTreeSet<(String, &'static str, Option<String>, String)> = BTreeSet::new();

    for _ in 0..MAX_PASSES {
        let candidates: Vec<Diagnostic> = analysis
            .diagnostics
            .iter()
            .filter(|d| !refused.contains(&identity(d, &analysis.files)))
            .cloned()
            .collect();
        let chosen = choose(&candidates, unsafe_fixes);
        if chosen.is_empty() {
            break;
        }
        // Splice per file.
        let mut per_file: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
        for d in &chosen {
            if let Some(fix) = &d.fix {
                for e in &fix.edits {
                    per_file.entry(e.file).or_default().push(e);
                }
            }
        }
        let mut next_files = Files::default();
        let mut pass_changes = Vec::new();
        let mut splice_failed = false;
        for (id, file) in analysis.files.iter() {
            let bytes = match per_file.get(&id) {
                Some(edits) => match splice(file, edits) {
                    Ok(b) => {
                        pass_changes.push(PassChange {
                            path: file.path.clone(),
                            before: file.bytes().to_vec(),
                            after: b.clone(),
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
                        b
                    }
                    Err(e) => {
                        errors.push(format!(
                            "internal error: could not apply fixes to `{}`: {e}",
                            file.display_path()
                        ));
                        splice_failed = true;
                        file.bytes().to_vec()
                    }
                },
                None => file.bytes().to_vec(),
            };
            next_files.add(SourceFile::new(file.path.clone(), bytes));
        }
        if splice_failed {
            break;
        }
        let next = crate::analyze(units, next_files, settings);

        // Verify: no new breakage, and every fixed finding is gone.
        let before_breakage: BTreeSet<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| is_breakage(d))
            .map(|d| (identity(d, &analysis.files).0, d.rule))
            .collect();
        let before_count = |path: &str, rule: &str| {
            analysis
                .diagnostics
                .iter()
                .filter(|d| d.rule == rule && identity(d, &analysis.files).0 == path)
                .count()
        };
        let mut broken: Vec<String> = Vec::new();
        for d in next.diagnostics.iter().filter(|d| is_breakage(d)) {
            let (path, rule, ..) = identity(d, &next.files);
            let after_count = next
                .diagnostics
                .iter()
                .filter(|x| x.rule == rule && identity(x, &next.files).0 == path)
                .count();
            if !before_breakage.contains(&(path.clone(), rule))
                || after_count > before_count(&path, rule)
            {
                broken.push(format!("`{path}` gained a {rule} finding: {}", d.message));
            }
        }
        let remaining: BTreeSet<_> = next
            .diagnostics
            .iter()
            .map(|d| identity(d, &next.files))
            .collect();
        let mut not_fixed: Vec<&Diagnostic> = chosen
            .iter()
            .copied()
            .filter(|d| remaining.contains(&identity(d, &analysis.files)))
            .collect();
        if !broken.is_empty() || !not_fixed.is_empty() {
            for d in chosen.iter().copied() {
                refused.insert(identity(d, &analysis.files));
            }
            for b in broken {
                errors.push(format!(
                    "internal error: fixes were not applied because the result did not verify: {b}"
                ));
            }
            not_fixed.sort_by_key(|d| d.rule);
            for d in not_fixed {
                errors.push(format!(
                    "internal error: the fix for {} did not remove the finding in `{}`; it was not applied",
                    d.rule,
                    identity(d, &analysis.files).0
                ));
            }
            continue;
        }
        for change in &pass_changes {
            originals
                .entry(change.path.clone())
                .or_insert_with(|| change.before.clone());
        }
        applied.extend(chosen.iter().map(|d| (*d).clone()));
        passes.extend(pass_changes);
        analysis = next;
    }
    FixPlan {
        analysis,
        originals,
        original_secrets,
        applied,
        passes,
        errors,
    }
}

/// How fixed files are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Keep `FILE.clientlint.bak` with the original bytes.
    pub backup: bool,
    /// Write even though the client holds its profile lock.
    pub force: bool,
}

/// Environment variable naming a failure point, for tests of interrupted writes:
/// `after-temp-write` fails after the temporary file is written and before it replaces
/// the original.
pub const FAILPOINT_ENV: &str = "CLIENTLINT_FAILPOINT";

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{path}` is read-only; it was left untouched")]
    ReadOnly { path: String },
    #[error("`{path}` changed on disk since it was read; it was left untouched (run again)")]
    Changed { path: String },
    #[error("{reason}; `{path}` was left untouched (close the client first, or use --force)")]
    Locked { path: String, reason: String },
    #[error("could not write `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes one fixed file atomically, in place of `path` (through a symlink to its target),
/// keeping its permissions and, where possible, its owner.
pub fn write_file(
    path: &Path,
    before: &[u8],
    after: &[u8],
    options: WriteOptions,
) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    // Write the link's target, so the link stays a link.
    let target = std::fs::canonicalize(path).map_err(io)?;
    let meta = std::fs::metadata(&target).map_err(io)?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly { path: shown });
    }
    let current = std::fs::read(&target).map_err(io)?;
    if current != before {
        return Err(WriteError::Changed { path: shown });
    }
    if options.backup {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".clientlint.bak");
        std::fs::write(target.with_file_name(name), before).map_err(io)?;
    }
    let mut file = atomic_write_file::AtomicWriteFile::options()
        .open(&target)
        .map_err(io)?;
    file.write_all(after).map_err(io)?;
    if std::env::var(FAILPOINT_ENV).as_deref() == Ok("after-temp-write") {
        // Dropping the uncommitted file removes the temporary copy.
        drop(file);
        return Err(io(std::io::Error::other("failpoint after-temp-write")));
    }
    // Last check before the rename: the file may have changed while we wrote.
    let current = std::fs::read(&target).map_err(io)?;
    if current != before {
        drop(file);
        return Err(WriteError::Changed { path: shown });
    }
    file.commit().map_err(io)
}

/// Writes every changed file of a plan. Files of a unit whose client holds its lock are
/// refused unless forced. Returns the paths written and the errors.
pub fn write_plan(
    plan: &FixPlan,
    units: &[Unit],
    options: WriteOptions,
) -> (Vec<PathBuf>, Vec<WriteError>) {
    let mut written = Vec::new();
    let mut errors = Vec::new();
    for (path, before, after) in plan.changed() {
        let lock = units
            .iter()
            .find(|u| u.paths().contains(&path))
            .and_then(crate::formats::lock_held);
        if let Some(reason) = lock {
            if !options.force {
                errors.push(WriteError::Locked {
                    path: path.display().to_string(),
                    reason,
                });
                continue;
            }
        }
        match write_file(path, before, after, options) {
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
        let Some(id) = plan.analysis.files.find(path) else {
            continue;
        };
        let Some(new) = plan.analysis.files.get(id) else {
            continue;
        };
        // Re-read the original through the same decoder, with the secrets the parser
        // found then, so masked spans line up.
        let old = masked_original(plan, path, before);
        let name = path.display().to_string();
        let diff = similar::TextDiff::from_lines(&old, &new.masked_text())
            .unified_diff()
            .context_radius(3)
            .header(&name, &name)
            .to_string();
        out.push_str(&diff);
    }
    out
}

fn masked_original(plan: &FixPlan, path: &Path, before: &[u8]) -> String {
    let mut file = SourceFile::new(path.to_path_buf(), before.to_vec());
    file.secrets = plan.original_secrets.get(path).cloned().unwrap_or_default();
    file.masked_text()
}

#[cfg(test)]
mod tests {
    use super::{splice, SpliceError};
    use crate::diagnostic::Edit;
    use crate::source::{SourceFile, Span};

    fn edit(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            file: 0,
            span: Span::new(start, end),
            replacement: text.to_owned(),
        }
    }

    #[test]
    fn utf16le_edit_keeps_bom_and_everything_else() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(
            "a=dword:00000001\r\nb=2\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        let f = SourceFile::new("x.reg", bytes.clone());
        let out = splice(&f, &[&edit(8, 16, "0000003c")]).expect("splices");
        assert_eq!(&out[..2], &[0xFF, 0xFE]);
        let mut expected = vec![0xFF, 0xFE];
        expected.extend(
            "a=dword:0000003c\r\nb=2\r\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn invalid_utf8_outside_the_edit_survives() {
        let bytes = b"// \x82\xa0\nuser_pref(\"a\", 1);\n".to_vec();
        let f = SourceFile::new("prefs.js", bytes);
        let out = splice(&f, &[&edit(21, 22, "3")]).expect("splices");
        assert_eq!(out, b"// \x82\xa0\nuser_pref(\"a\", 3);\n".to_vec());
    }

    #[test]
    fn insertions_at_one_place_keep_their_order_and_overlaps_are_refused() {
        let f = SourceFile::new("p", b"ab".to_vec());
        let out = splice(&f, &[&edit(1, 1, "X"), &edit(1, 1, "Y")]).expect("splices");
        assert_eq!(out, b"aXYb".to_vec());
        assert_eq!(
            splice(&f, &[&edit(0, 2, "Z"), &edit(1, 2, "W")]),
            Err(SpliceError::Overlap(1))
        );
    }
}
