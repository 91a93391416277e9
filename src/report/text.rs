//! `--format text`: miette's graphical rendering of each diagnostic on the (masked)
//! source, then a summary line.
//!
//! Rendering is deterministic when colour is off: a fixed width, no hyperlinks, the
//! Unicode theme without colour. Source snippets come from each file's [`Excerpt`], cut from
//! `masked_text`, so a secret value is drawn as `*****`.

use std::fmt;
use std::io::Write;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Applicability, Severity};
use crate::escape::terminal;
use crate::report::{plural, Excerpt, Finding, Place, Report, ResolvedNote};
use crate::source::{FileId, Span};

/// How the text reporter draws.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
    pub width: usize,
    /// Print the summary line at the end.
    pub summary: bool,
}

/// A file's masked excerpt as miette reads it: offsets and line numbers are the file's,
/// and a read outside the excerpt fails (the diagnostic is then printed on one line).
#[derive(Clone)]
struct ExcerptSource<'r> {
    /// The path, escaped for the terminal.
    name: String,
    excerpt: &'r Excerpt,
}

impl SourceCode for ExcerptSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let wanted = Span::new(span.offset(), span.offset() + span.len());
        let (text, offset, first_line) = self
            .excerpt
            .lookup(wanted, context_lines_before, context_lines_after)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new((wanted.start - offset).into(), wanted.len());
        let inner = text.read_span(&local, context_lines_before, context_lines_after)?;
        let inner_span = *inner.span();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner_span.offset() + offset).into(), inner_span.len()),
            inner.line() + first_line,
            inner.column(),
            // miette's own readers count lines from the start of the source, and its
            // decision to draw two labels in one snippet depends on it.
            inner.line_count() + first_line,
        )))
    }
}

/// One diagnostic in the shape miette draws.
struct Drawn<'r> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: ExcerptSource<'r>,
    labels: Vec<LabeledSpan>,
    related: Vec<Drawn<'r>>,
}

impl fmt::Debug for Drawn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Drawn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Drawn<'_> {}

impl miette::Diagnostic for Drawn<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|d| d as &dyn miette::Diagnostic),
        ))
    }
}

fn miette_severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

fn source<'r>(report: &'r Report<'r>, id: FileId) -> ExcerptSource<'r> {
    static EMPTY: Excerpt = Excerpt::empty();
    ExcerptSource {
        name: terminal(report.path_of(id)).into_owned(),
        excerpt: report.files.get(id).map(|f| &f.excerpt).unwrap_or(&EMPTY),
    }
}

fn labeled(span: Span, text: &str) -> LabeledSpan {
    LabeledSpan::new_with_span(
        (!text.is_empty()).then(|| terminal(text).into_owned()),
        SourceSpan::from(span.start..span.end),
    )
}

/// `None` when `place` can be drawn; else where it is, as `path:line:column`.
fn too_long_to_draw(report: &Report<'_>, place: &Place) -> Option<String> {
    (!place.drawable).then(|| {
        format!(
            "{}:{}:{}",
            terminal(report.path_of(place.file)),
            place.line,
            place.column
        )
    })
}

/// The most notes drawn for one finding: a connection-budget finding has one per
/// contributing profile, thousands on a fleet; the rest are counted ("… and N more") and
/// listed in full by JSON and SARIF.
pub const MAX_DRAWN_NOTES: usize = 5;

/// The notes [`drawn`] draws: not one at the primary place itself (its label says it),
/// and at most [`MAX_DRAWN_NOTES`]; and how many others there are.
fn drawn_notes(f: &Finding) -> (impl Iterator<Item = &ResolvedNote>, usize) {
    let at = (f.at.file, f.at.span);
    let others = f.notes.iter().filter(move |n| (n.at.file, n.at.span) != at);
    let more = others.clone().count().saturating_sub(MAX_DRAWN_NOTES);
    (others.take(MAX_DRAWN_NOTES), more)
}

/// The spans [`drawn`] draws for `f`, by file: the primary label with the notes drawn
/// beside it (one snippet, so the lines between them too), and each other note alone.
pub(crate) fn drawn_spans(f: &Finding) -> Vec<(FileId, Span)> {
    let mut out = Vec::new();
    let mut primary = f.at.drawable.then_some(f.at.span);
    for place in drawn_notes(f).0.map(|n| &n.at) {
        if !place.drawable {
            continue;
        }
        match &mut primary {
            Some(cover) if place.file == f.at.file => *cover = cover.cover(place.span),
            _ => out.push((place.file, place.span)),
        }
    }
    if let Some(cover) = primary {
        out.push((f.at.file, cover));
    }
    out
}

fn drawn<'r>(f: &Finding, report: &'r Report<'r>) -> Drawn<'r> {
    let undrawable = too_long_to_draw(report, &f.at);
    let mut labels = Vec::new();
    if undrawable.is_none() {
        labels.push(labeled(f.at.span, &f.label));
    }
    let mut related = Vec::new();
    let (notes, more) = drawn_notes(f);
    for note in notes {
        let note_undrawable = too_long_to_draw(report, &note.at);
        if note.at.file == f.at.file && undrawable.is_none() && note_undrawable.is_none() {
            labels.push(labeled(note.at.span, &note.text));
        } else {
            let (message, labels) = match note_undrawable {
                Some(at) => (format!("{} (at {at})", terminal(&note.text)), Vec::new()),
                None => (
                    terminal(&note.text).into_owned(),
                    vec![labeled(note.at.span, "")],
                ),
            };
            related.push(Drawn {
                message,
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: source(report, note.at.file),
                labels,
                related: Vec::new(),
            });
        }
    }
    if more > 0 {
        related.push(Drawn {
            message: format!("… and {more} more (all of them in `--format json` or `sarif`)"),
            code: String::new(),
            severity: miette::Severity::Advice,
            help: None,
            source: source(report, f.at.file),
            labels: Vec::new(),
            related: Vec::new(),
        });
    }
    let mut help = f.help.as_deref().map(|h| terminal(h).into_owned());
    if let Some(fix) = &f.fix {
        let how = match fix.applicability {
            Applicability::Safe => "--fix",
            Applicability::Unsafe => "--unsafe-fixes",
        };
        let line = format!("fix ({how}): {}", terminal(&fix.description));
        help = Some(match help {
            Some(h) => format!("{h}\n{line}"),
            None => line,
        });
    }
    let message = match undrawable {
        Some(at) => format!(
            "{} (at {at}; the line is too long to draw)",
            terminal(&f.message)
        ),
        None => terminal(&f.message).into_owned(),
    };
    Drawn {
        message,
        code: f.rule.to_owned(),
        severity: miette_severity(f.severity),
        help,
        source: source(report, f.at.file),
        labels,
        related,
    }
}

pub fn write(
    report: &Report<'_>,
    options: TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    for f in report.findings {
        let mut rendered = String::new();
        if handler
            .render_report(&mut rendered, &drawn(f, report))
            .is_err()
        {
            rendered = format!(
                "{}: {} [{}]\n",
                terminal(report.path_of(f.at.file)),
                terminal(&f.message),
                f.rule
            );
        }
        write!(out, "{rendered}")?;
        writeln!(out)?;
    }
    if !options.summary {
        return Ok(());
    }
    let s = report.summary();
    if report.findings.is_empty() {
        writeln!(
            out,
            "All checks passed ({} checked).",
            plural(s.files, "file", "files")
        )?;
    } else {
        let mut line = format!(
            "Found {}, {} and {} in {}.",
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "info", "infos"),
            plural(s.files, "file", "files"),
        );
        let safe = report
            .findings
            .iter()
            .filter(|f| matches!(&f.fix, Some(fix) if fix.applicability == Applicability::Safe))
            .count();
        let unsafe_only = s.fixable - safe;
        if safe > 0 {
            line.push_str(&format!(" {safe} fixable with `--fix`"));
            if unsafe_only > 0 {
                line.push_str(&format!(" ({unsafe_only} more with `--unsafe-fixes`)"));
            }
            line.push('.');
        } else if unsafe_only > 0 {
            line.push_str(&format!(" {unsafe_only} fixable with `--unsafe-fixes`."));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
