//! `--format json`: the stable, versioned document of RULES.md ("Output contract").
//!
//! Offsets are into the original file (BOM and UTF-16 included); lines and columns are
//! 1-based, columns counted in Unicode scalar values of the decoded text.

use std::io::Write;

use serde::Serialize;

use crate::report::{Report, Summary};

/// Bumped on any incompatible change of this document.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File>,
    diagnostics: Vec<Diagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File {
    path: String,
    client: &'static str,
    format: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
    client: &'static str,
    account: Option<&'a str>,
    fix: Option<Fix<'a>>,
}

#[derive(Serialize)]
struct Fix<'a> {
    applicability: &'static str,
    description: &'a str,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Edit<'a> {
    path: String,
    byte_offset: usize,
    byte_length: usize,
    replacement: &'a str,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let files = report
        .files
        .iter()
        .filter_map(|(id, f)| {
            let info = report.infos.get(id).copied().flatten()?;
            Some(File {
                path: f.display_path(),
                client: info.client.name(),
                format: info.format.name(),
            })
        })
        .collect();
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| {
            let file = report.files.get(d.file);
            let (line, column) = file.map(|f| f.line_col(d.span.start)).unwrap_or((1, 1));
            let (end_line, end_column) = file.map(|f| f.line_col(d.span.end)).unwrap_or((1, 1));
            let original = file.map(|f| f.original_span(d.span)).unwrap_or(d.span);
            Diagnostic {
                rule: d.rule,
                severity: d.severity.name(),
                message: &d.message,
                help: d.help.as_deref(),
                path: report.path_of(d.file),
                line,
                column,
                end_line,
                end_column,
                byte_offset: original.start,
                byte_length: original.len(),
                client: d.client.name(),
                account: d.account.as_deref(),
                fix: d.fix.as_ref().map(|fix| Fix {
                    applicability: fix.applicability.name(),
                    description: &fix.description,
                    edits: fix
                        .edits
                        .iter()
                        .map(|e| {
                            let span = report
                                .files
                                .get(e.file)
                                .map(|f| f.original_span(e.span))
                                .unwrap_or(e.span);
                            Edit {
                                path: report.path_of(e.file),
                                byte_offset: span.start,
                                byte_length: span.len(),
                                replacement: &e.replacement,
                            }
                        })
                        .collect(),
                }),
            }
        })
        .collect();
    let doc = Document {
        version: JSON_VERSION,
        tool: Tool {
            name: "clientlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        files,
        diagnostics,
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
