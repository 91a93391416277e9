//! `--format json`: the stable, versioned document of RULES.md ("Output contract").
//!
//! Offsets are into the original file (BOM and UTF-16 included); lines and columns are
//! 1-based, columns counted in Unicode scalar values of the decoded text.

use std::io::Write;

use serde::Serialize;

use crate::report::{Finding, Report, Summary};

/// Bumped on any incompatible change of this document.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File<'a>>,
    diagnostics: Diagnostics<'a>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    client: &'static str,
    format: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
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
    path: &'a str,
    byte_offset: usize,
    byte_length: usize,
    replacement: &'a str,
}

/// The diagnostics, serialised one at a time as they are visited: a fleet-wide run has
/// tens of thousands, and their views need not all exist at once.
struct Diagnostics<'a>(&'a Report<'a>);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.findings.iter().map(|f| view(report, f)))
    }
}

fn view<'a>(report: &'a Report<'a>, f: &'a Finding) -> Diagnostic<'a> {
    Diagnostic {
        rule: f.rule,
        severity: f.severity.name(),
        message: &f.message,
        help: f.help.as_deref(),
        path: report.path_of(f.at.file),
        line: f.at.line,
        column: f.at.column,
        end_line: f.at.end_line,
        end_column: f.at.end_column,
        byte_offset: f.at.original.start,
        byte_length: f.at.original.len(),
        client: f.client.name(),
        account: f.account.as_deref(),
        fix: f.fix.as_ref().map(|fix| Fix {
            applicability: fix.applicability.name(),
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|e| Edit {
                    path: report.path_of(e.file),
                    byte_offset: e.original.start,
                    byte_length: e.original.len(),
                    replacement: &e.replacement,
                })
                .collect(),
        }),
    }
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let files = report
        .files
        .iter()
        .filter_map(|f| {
            let info = f.info?;
            Some(File {
                path: &f.path,
                client: info.client.name(),
                format: info.format.name(),
            })
        })
        .collect();
    let doc = Document {
        version: JSON_VERSION,
        tool: Tool {
            name: "clientlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        files,
        diagnostics: Diagnostics(report),
        summary: report.summary(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
