//! Reporters: text (miette), concise, JSON, SARIF, GitHub. Each renders the same [`Report`]:
//! findings whose spans were resolved ([`Place`]) while their files were in memory, and
//! masked excerpts of the lines the text reporter draws. No reporter reads a source file,
//! so none can show a secret: excerpts are cut from `SourceFile::masked_text`.

pub mod concise;
pub mod connections;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod sarif;
pub mod statistics;
pub mod text;

use std::sync::Arc;

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::model::ClientId;
use crate::source::{FileId, Files, SourceFile, Span};

/// What a run knows about a file it read, for the `files` list of the JSON output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileInfo {
    pub client: ClientId,
    /// The format's stable name (`prefs-js`, `filezilla-sitemanager`, `reg`, …).
    pub format: &'static str,
}

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics drawn on the source, with a summary.
    Text,
    /// One line per diagnostic: `path:line:col: severity [rule] message`.
    Concise,
    /// The stable JSON document described in the README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other CI systems.
    Sarif,
    /// GitHub Actions annotations (`::warning file=…`).
    Github,
    /// GitLab Code Quality report (JSON), for `artifacts: reports: codequality`.
    Gitlab,
}

/// The most source text drawn for one label: the lines it covers. miette prints whole
/// lines and pads with `{:width$}`, which panics past 65,535 columns, so a label on a
/// minified or hostile multi-megabyte line is given as a position instead.
pub const MAX_DRAWN_BYTES: usize = 4096;

/// Lines of context kept around every drawn place. miette draws one line before and after
/// a label; keeping more costs little and means an excerpt never falls short of it.
const EXCERPT_CONTEXT_LINES: usize = 2;

/// A span resolved against its file while the file was in memory: reporters need nothing
/// else, so a run can drop each file as soon as its findings are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub file: FileId,
    /// Offsets into the decoded text (what labels are drawn on).
    pub span: Span,
    /// Offsets into the bytes on disk (BOM and UTF-16 included).
    pub original: Span,
    /// 1-based; columns count Unicode scalar values.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// False when the lines the span covers are too long to draw ([`MAX_DRAWN_BYTES`]).
    pub drawable: bool,
}

impl Place {
    /// Resolves `span` of `file`, which the run knows as `id`.
    pub fn resolve(file: &SourceFile, id: FileId, span: Span) -> Place {
        let (line, column) = file.line_col(span.start);
        let (end_line, end_column) = file.line_col(span.end);
        let drawn = file.next_line_start(span.end) - file.line_start(span.start).min(span.end);
        Place {
            file: id,
            span,
            original: file.original_span(span),
            line,
            column,
            end_line,
            end_column,
            drawable: drawn <= MAX_DRAWN_BYTES,
        }
    }

    /// Resolves `span` of file `id` of `files`.
    pub fn of(files: &Files, id: FileId, span: Span) -> Place {
        match files.get(id) {
            Some(f) => Place::resolve(f, id, span),
            None => Place::unknown(id, span),
        }
    }

    /// A place in a file the run could not resolve against (never expected).
    pub(crate) fn unknown(id: FileId, span: Span) -> Place {
        Place {
            file: id,
            span,
            original: span,
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            drawable: false,
        }
    }
}

/// A diagnostic with every span it names resolved, in the compact form a run keeps until
/// it reports: strings boxed to their length, and the help texts and fix descriptions that
/// repeat across thousands of findings shared through an [`Interner`].
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub client: ClientId,
    pub message: Box<str>,
    pub help: Option<Arc<str>>,
    /// Drawn under `at` by the text reporter.
    pub label: Box<str>,
    pub account: Option<Box<str>>,
    /// The managing layer that decides the flagged value, if one does.
    pub managed_by: Option<Box<str>>,
    /// The line the client itself reports the problem on, if it does.
    pub client_line: Option<usize>,
    /// Where the diagnostic points.
    pub at: Place,
    pub notes: Box<[ResolvedNote]>,
    pub fix: Option<Box<ResolvedFix>>,
}

/// A note of a finding (a related location), resolved.
#[derive(Debug, Clone)]
pub struct ResolvedNote {
    pub at: Place,
    /// Shared through the run's [`Interner`]: a budget over a fleet has thousands of notes
    /// that read alike.
    pub text: Arc<str>,
    /// The connections this place contributes (connection-budget findings).
    pub connections: Option<i64>,
}

/// A fix of a finding, its edits resolved to the bytes on disk.
#[derive(Debug, Clone)]
pub struct ResolvedFix {
    pub applicability: Applicability,
    pub description: Arc<str>,
    pub edits: Box<[ResolvedEdit]>,
}

/// One edit of a fix: replace `original` (bytes on disk) of `file` by `replacement`.
#[derive(Debug, Clone)]
pub struct ResolvedEdit {
    pub file: FileId,
    pub original: Span,
    pub replacement: Box<str>,
}

/// Shares equal strings: one allocation per distinct help text or fix description.
#[derive(Debug, Default)]
pub struct Interner(foldhash::HashSet<Arc<str>>);

impl Interner {
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(s) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(s);
        self.0.insert(Arc::clone(&shared));
        shared
    }
}

impl Finding {
    /// Resolves `d` against `files`, which hold the files it names.
    pub fn resolve(d: Diagnostic, files: &Files, interner: &mut Interner) -> Finding {
        let place = |id: FileId, span: Span| Place::of(files, id, span);
        let at = place(d.file, d.span);
        let notes = d.notes.iter().map(|n| place(n.file, n.span)).collect();
        let edits = d
            .fix
            .iter()
            .flat_map(|fix| &fix.edits)
            .map(|e| {
                let original = files
                    .get(e.file)
                    .map(|f| f.original_span(e.span))
                    .unwrap_or(e.span);
                (e.file, original)
            })
            .collect();
        Finding::new(d, at, notes, edits, interner)
    }

    /// A finding from a diagnostic whose places are already resolved: `notes` one per
    /// note, `edits` (run-wide file id, bytes on disk) one per fix edit, in order.
    pub fn new(
        d: Diagnostic,
        at: Place,
        notes: Vec<Place>,
        edits: Vec<(FileId, Span)>,
        interner: &mut Interner,
    ) -> Finding {
        Finding {
            rule: d.rule,
            severity: d.severity,
            client: d.client,
            message: d.message.into_boxed_str(),
            help: d.help.as_deref().map(|h| interner.intern(h)),
            label: d.label.into_boxed_str(),
            account: d.account.map(String::into_boxed_str),
            managed_by: d.managed_by.map(String::into_boxed_str),
            client_line: d.client_line,
            at,
            notes: d
                .notes
                .into_iter()
                .zip(notes)
                .map(|(n, at)| ResolvedNote {
                    at,
                    text: interner.intern(&n.text),
                    connections: n.connections,
                })
                .collect(),
            fix: d.fix.map(|fix| {
                Box::new(ResolvedFix {
                    applicability: fix.applicability,
                    description: interner.intern(&fix.description),
                    edits: fix
                        .edits
                        .into_iter()
                        .zip(edits)
                        .map(|(e, (file, original))| ResolvedEdit {
                            file,
                            original,
                            replacement: e.replacement.into_boxed_str(),
                        })
                        .collect(),
                })
            }),
        }
    }

    /// A copy in fresh allocations, its shared strings taken from `interner`: what a
    /// batched run keeps (see `engine::run`).
    pub fn repack(&self, interner: &mut Interner) -> Finding {
        Finding {
            help: self.help.as_deref().map(|h| interner.intern(h)),
            notes: self
                .notes
                .iter()
                .map(|n| ResolvedNote {
                    text: interner.intern(&n.text),
                    ..n.clone()
                })
                .collect(),
            fix: self.fix.as_ref().map(|fix| {
                Box::new(ResolvedFix {
                    description: interner.intern(&fix.description),
                    ..ResolvedFix::clone(fix)
                })
            }),
            ..self.clone()
        }
    }
}

/// Masked source lines around the places drawn on one file: what the text reporter draws,
/// without keeping the whole file.
#[derive(Debug, Clone, Default)]
pub struct Excerpt {
    /// Sorted, disjoint, each starting at a line start.
    segments: Vec<Segment>,
}

#[derive(Debug, Clone)]
struct Segment {
    /// Text offset of the segment's first byte.
    offset: usize,
    /// 0-based line number of the segment's first line.
    first_line: usize,
    text: String,
    /// Where each line of `text` starts (relative to it), so a span's lines are found
    /// by a binary search, not a scan from the top: drawing findings on neighbouring
    /// lines of one long file stays linear.
    line_starts: Vec<usize>,
}

impl Segment {
    fn new(offset: usize, first_line: usize, text: String) -> Segment {
        let line_starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .filter(|&i| i < text.len() || i == 0)
            .collect();
        Segment {
            offset,
            first_line,
            text,
            line_starts,
        }
    }

    /// The index of the line holding text offset `at` (relative).
    fn line_of(&self, at: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= at)
            .saturating_sub(1)
    }
}

impl Excerpt {
    /// No lines at all.
    pub const fn empty() -> Excerpt {
        Excerpt {
            segments: Vec::new(),
        }
    }

    /// The lines of `file` around each drawable span, secrets masked.
    pub fn new(file: &SourceFile, spans: impl IntoIterator<Item = Span>) -> Excerpt {
        let mut ranges: Vec<Span> = spans
            .into_iter()
            .map(|span| {
                let mut start = file.line_start(span.start.min(span.end));
                for _ in 0..EXCERPT_CONTEXT_LINES {
                    start = file.line_start(start.saturating_sub(1));
                }
                let mut end = file.next_line_start(span.end);
                for _ in 0..EXCERPT_CONTEXT_LINES {
                    end = file.next_line_start(end);
                }
                Span::new(start, end.max(start))
            })
            .collect();
        if ranges.is_empty() {
            return Excerpt::default();
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Span> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        let masked = file.masked_text();
        let segments = merged
            .into_iter()
            .map(|r| {
                Segment::new(
                    r.start,
                    file.line_col(r.start).0 - 1,
                    masked.get(r.start..r.end).unwrap_or("").to_owned(),
                )
            })
            .collect();
        Excerpt { segments }
    }

    /// One excerpt per file of `files`, in id order: the lines drawn at each
    /// (file id, span) of `drawn`.
    pub fn per_file(
        files: &Files,
        drawn: impl IntoIterator<Item = (FileId, Span)>,
    ) -> Vec<(FileId, Excerpt)> {
        let mut spans: std::collections::BTreeMap<FileId, Vec<Span>> = Default::default();
        for (id, span) in drawn {
            spans.entry(id).or_default().push(span);
        }
        files
            .iter()
            .map(|(id, file)| {
                let excerpt = match spans.remove(&id) {
                    Some(spans) => Excerpt::new(file, spans),
                    None => Excerpt::default(),
                };
                (id, excerpt)
            })
            .collect()
    }

    /// Takes in another excerpt of the same file (drawn by another unit that reads it):
    /// the lines of both.
    pub fn merge(&mut self, other: Excerpt) {
        if other.segments.is_empty() {
            return;
        }
        let mut all = std::mem::take(&mut self.segments);
        all.extend(other.segments);
        all.sort_by_key(|s| s.offset);
        let mut merged: Vec<Segment> = Vec::with_capacity(all.len());
        for seg in all {
            match merged.last_mut() {
                Some(last) if seg.offset <= last.offset + last.text.len() => {
                    let end = seg.offset + seg.text.len();
                    let last_end = last.offset + last.text.len();
                    if end > last_end {
                        let from = last_end - seg.offset;
                        last.text.push_str(seg.text.get(from..).unwrap_or(""));
                    }
                }
                _ => merged.push(seg),
            }
        }
        self.segments = merged
            .into_iter()
            .map(|s| Segment::new(s.offset, s.first_line, s.text))
            .collect();
    }

    /// The lines around `span` (at least `before` lines before its first line and `after`
    /// after its last, where the excerpt has them), with their text offset and 0-based
    /// first line: what miette reads to draw `span`, found without scanning the excerpt.
    pub fn lookup(&self, span: Span, before: usize, after: usize) -> Option<(&str, usize, usize)> {
        let i = self.segments.partition_point(|s| s.offset <= span.start);
        let s = self.segments.get(i.checked_sub(1)?)?;
        if span.end > s.offset + s.text.len() {
            return None;
        }
        let first = s.line_of(span.start - s.offset).saturating_sub(before + 1);
        let last = s.line_of(span.end - s.offset) + after + 2;
        let from = s.line_starts.get(first).copied().unwrap_or(0);
        let to = s.line_starts.get(last).copied().unwrap_or(s.text.len());
        let text = s.text.get(from..to)?;
        Some((text, s.offset + from, s.first_line + first))
    }
}

/// One file of the run, as reporters see it.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// The path as given (relative stays relative).
    pub path: String,
    /// Client and format, when the file was read and recognised: the first client that
    /// read it.
    pub info: Option<FileInfo>,
    /// Other clients that read the same file (one `.reg` export may hold several clients'
    /// keys).
    pub also: Vec<FileInfo>,
    /// The lines drawn by the text reporter (empty for the other formats).
    pub excerpt: Excerpt,
}

/// Everything a reporter needs.
pub struct Report<'a> {
    pub files: &'a [FileEntry],
    /// Sorted by path, offset and rule.
    pub findings: &'a [Box<Finding>],
    /// `check --format json`: writes the run's connections report, embedded as
    /// `connections` (see [`connections::RunShares::write`]; two spaces deep).
    pub connections: Option<&'a EmbeddedWriter<'a>>,
}

/// Writes a document embedded in another.
pub type EmbeddedWriter<'a> = dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()> + Sync + 'a;

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub fixable: usize,
    /// True when the run found no file clientlint reads at all (an empty or unrelated
    /// directory). Written to JSON only when true, so every other document is unchanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_configuration_found: bool,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.files.iter().filter(|f| f.info.is_some()).count(),
            // Every unit names at least one file, so no file means nothing was found.
            no_configuration_found: self.files.is_empty(),
            ..Summary::default()
        };
        for f in self.findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
            if f.fix.is_some() {
                s.fixable += 1;
            }
        }
        s
    }

    /// Path of a file as given on the command line.
    pub fn path_of(&self, file: FileId) -> &str {
        self.files.get(file).map(|f| f.path.as_str()).unwrap_or("")
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
