//! `--format text`: miette's graphical rendering of each diagnostic on the (masked)
//! source, then a summary line.
//!
//! Rendering is deterministic when colour is off: a fixed width, no hyperlinks, the
//! Unicode theme without colour. Source snippets come from `masked_text`, so a secret
//! value is drawn as `*****`.

use std::fmt;
use std::io::Write;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::report::{plural, Report};
use crate::source::{FileId, Span};

/// How the text reporter draws.
#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub color: bool,
    pub width: usize,
    /// Print the summary line at the end.
    pub summary: bool,
}

/// Masked text of a file shared by all diagnostics drawn on it.
#[derive(Clone)]
struct SharedSource {
    name: String,
    text: Arc<str>,
}

impl SourceCode for SharedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_ref()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One diagnostic in the shape miette draws.
struct Drawn {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<String>,
    source: SharedSource,
    labels: Vec<LabeledSpan>,
    related: Vec<Drawn>,
}

impl fmt::Debug for Drawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Drawn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Drawn {}

impl miette::Diagnostic for Drawn {
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

struct Sources<'r> {
    report: &'r Report<'r>,
    cache: Vec<Option<SharedSource>>,
}

impl Sources<'_> {
    fn get(&mut self, id: FileId) -> SharedSource {
        if self.cache.len() <= id {
            self.cache.resize(id + 1, None);
        }
        if let Some(Some(s)) = self.cache.get(id) {
            return s.clone();
        }
        let source = SharedSource {
            name: self.report.path_of(id),
            text: self
                .report
                .files
                .get(id)
                .map(|f| Arc::from(f.masked_text()))
                .unwrap_or_else(|| Arc::from("")),
        };
        if let Some(slot) = self.cache.get_mut(id) {
            *slot = Some(source.clone());
        }
        source
    }
}

fn labeled(span: Span, text: &str) -> LabeledSpan {
    LabeledSpan::new_with_span(
        (!text.is_empty()).then(|| text.to_owned()),
        SourceSpan::from(span.start..span.end),
    )
}

/// The most source text drawn for one label: the lines it covers. miette prints whole
/// lines and pads with `{:width$}`, which panics past 65,535 columns, so a label on a
/// minified or hostile multi-megabyte line is given as a position instead.
const MAX_DRAWN_BYTES: usize = 4096;

/// `None` when `span` can be drawn; else where it is, as `path:line:column`.
fn too_long_to_draw(report: &Report<'_>, file: FileId, span: Span) -> Option<String> {
    let f = report.files.get(file)?;
    let drawn = f.next_line_start(span.end) - f.line_start(span.start).min(span.end);
    (drawn > MAX_DRAWN_BYTES).then(|| {
        let (line, column) = f.line_col(span.start);
        format!("{}:{line}:{column}", f.display_path())
    })
}

fn drawn(d: &Diagnostic, sources: &mut Sources<'_>) -> Drawn {
    let undrawable = too_long_to_draw(sources.report, d.file, d.span);
    let mut labels = Vec::new();
    if undrawable.is_none() {
        labels.push(labeled(d.span, &d.label));
    }
    let mut related = Vec::new();
    for note in &d.notes {
        let note_undrawable = too_long_to_draw(sources.report, note.file, note.span);
        if note.file == d.file && undrawable.is_none() && note_undrawable.is_none() {
            labels.push(labeled(note.span, &note.text));
        } else {
            let (message, labels) = match note_undrawable {
                Some(at) => (format!("{} (at {at})", note.text), Vec::new()),
                None => (note.text.clone(), vec![labeled(note.span, "")]),
            };
            related.push(Drawn {
                message,
                code: String::new(),
                severity: miette::Severity::Advice,
                help: None,
                source: sources.get(note.file),
                labels,
                related: Vec::new(),
            });
        }
    }
    let mut help = d.help.clone();
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            Applicability::Safe => "--fix",
            Applicability::Unsafe => "--unsafe-fixes",
        };
        let line = format!("fix ({how}): {}", fix.description);
        help = Some(match help {
            Some(h) => format!("{h}\n{line}"),
            None => line,
        });
    }
    let message = match undrawable {
        Some(at) => format!("{} (at {at}; the line is too long to draw)", d.message),
        None => d.message.clone(),
    };
    Drawn {
        message,
        code: d.rule.to_owned(),
        severity: miette_severity(d.severity),
        help,
        source: sources.get(d.file),
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
    let mut sources = Sources {
        report,
        cache: Vec::new(),
    };
    for d in report.diagnostics {
        let mut rendered = String::new();
        if handler
            .render_report(&mut rendered, &drawn(d, &mut sources))
            .is_err()
        {
            rendered = format!("{}: {} [{}]\n", report.path_of(d.file), d.message, d.rule);
        }
        write!(out, "{rendered}")?;
        writeln!(out)?;
    }
    if !options.summary {
        return Ok(());
    }
    let s = report.summary();
    if report.diagnostics.is_empty() {
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
            .diagnostics
            .iter()
            .filter(|d| matches!(&d.fix, Some(f) if f.applicability == Applicability::Safe))
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
