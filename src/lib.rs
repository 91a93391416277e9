//! clientlint: lints the configuration files of FTP and e-mail clients against documented
//! connection limits, and repairs what it can, byte for byte.
//!
//! The pipeline (see DESIGN.md): [`discover`] finds the files and groups them into units;
//! [`source`] reads each file once; [`formats`] parses them and builds the [`model`];
//! [`rules`] turn the model into [`diagnostic`]s; [`report`] renders them. [`run`] ties it
//! together for the binary; [`analyze`] is the same without any printing.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod formats;
pub mod model;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context as _};

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, RulesFormat};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::{FileInfo, Unit};
use crate::model::Profile;
use crate::report::{OutputFormat, Report};
use crate::rules::{Context, ALL};
use crate::settings::Settings;
use crate::source::{Files, SourceFile};

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above `--fail-on`.
    Success,
    /// Findings at or above `--fail-on`.
    Failure,
    /// The tool could not do its job (bad arguments, unreadable path).
    Error,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// The result of linting a set of units.
pub struct Analysis {
    pub files: Files,
    pub infos: Vec<Option<FileInfo>>,
    pub profiles: Vec<Profile>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    pub fn report(&self) -> Report<'_> {
        Report {
            files: &self.files,
            infos: &self.infos,
            diagnostics: &self.diagnostics,
        }
    }
}

/// Reads every file of `units` once. Unreadable files are returned as errors.
pub fn read_files(units: &[Unit]) -> (Files, Vec<String>) {
    let mut files = Files::default();
    let mut errors = Vec::new();
    for unit in units {
        for path in unit.paths() {
            if files.find(path).is_some() {
                continue;
            }
            match std::fs::read(path) {
                Ok(bytes) => {
                    files.add(SourceFile::new(path, bytes));
                }
                Err(e) => errors.push(format!("cannot read `{}`: {e}", path.display())),
            }
        }
    }
    (files, errors)
}

/// Parses and lints files already read. Diagnostics come out sorted by (path, offset,
/// rule), so output is deterministic.
pub fn analyze(units: &[Unit], mut files: Files, settings: &Settings) -> Analysis {
    let (profiles, infos) = formats::build_profiles(units, &mut files);
    let diagnostics = lint(&profiles, &files, settings);
    Analysis {
        files,
        infos,
        profiles,
        diagnostics,
    }
}

/// Runs every enabled rule over every profile.
pub fn lint(profiles: &[Profile], files: &Files, settings: &Settings) -> Vec<Diagnostic> {
    let ctx = Context { settings };
    let mut out = Vec::new();
    for rule in ALL.iter().filter(|r| settings.is_enabled(r.name())) {
        let start = out.len();
        for profile in profiles {
            rule.check(profile, &ctx, &mut out);
        }
        if let Some(severity) = settings.severity.get(rule.name()) {
            for d in out.iter_mut().skip(start) {
                d.severity = *severity;
            }
        }
    }
    out.sort_by(|a, b| {
        // Borrow the path: cloning it per comparison dominated large runs.
        let path = |d: &Diagnostic| files.get(d.file).map(|f| f.path.as_path());
        (path(a), a.span.start, a.rule, a.span.end).cmp(&(
            path(b),
            b.span.start,
            b.rule,
            b.span.end,
        ))
    });
    // Two profiles can share a file (a profiles.ini named twice); report each finding once.
    out.dedup_by(|a, b| {
        a.rule == b.rule && a.file == b.file && a.span == b.span && a.message == b.message
    });
    out
}

fn settings_from(args: &CheckArgs) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    for name in args.select.iter().chain(&args.ignore) {
        if name != "all" && rules::find(name).is_none() {
            bail!("unknown rule `{name}` (see `clientlint rules`)");
        }
    }
    if !args.select.is_empty() {
        settings.select = Some(args.select.clone());
    }
    settings.ignore = args.ignore.clone();
    settings.fail_on = match args.fail_on.unwrap_or(FailOn::Warning) {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(settings)
}

/// Runs the command line. Writes results to `out` and messages about the run to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Some(Command::Check(args)) => check(&args, out, err),
        Some(Command::Rules(args)) => list_rules(args.format, out),
        Some(Command::Explain { rule }) => explain(&rule, out),
        None => check(&cli.check, out, err),
    }
}

fn explain(name: &str, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let Some(rule) = rules::find(name) else {
        bail!("unknown rule `{name}` (see `clientlint rules`)");
    };
    writeln!(
        out,
        "# {} ({}, fix: {})\n\n{}",
        rule.name(),
        rule.default_severity().name(),
        fix_name(rule.fix_availability()),
        rule.explanation()
    )?;
    Ok(ExitStatus::Success)
}

fn fix_name(f: diagnostic::FixAvailability) -> &'static str {
    match f {
        diagnostic::FixAvailability::Never => "none",
        diagnostic::FixAvailability::Sometimes => "sometimes",
        diagnostic::FixAvailability::Always => "always",
    }
}

fn list_rules(format: RulesFormat, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    match format {
        RulesFormat::Text => {
            for rule in ALL {
                writeln!(
                    out,
                    "{:<36} {:<8} fix:{:<10} {}",
                    rule.name(),
                    rule.default_severity().name(),
                    fix_name(rule.fix_availability()),
                    rule.summary()
                )?;
            }
        }
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = ALL
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "name": r.name(),
                        "severity": r.default_severity().name(),
                        "fix": fix_name(r.fix_availability()),
                        "summary": r.summary(),
                        "explanation": r.explanation(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &list)?;
            writeln!(out)?;
        }
    }
    Ok(ExitStatus::Success)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR")
                .map(|v| v.is_empty())
                .unwrap_or(true)
                && std::io::stdout().is_terminal()
        }
    }
}

fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let settings = settings_from(args)?;
    let discovery = if args.paths.is_empty() {
        discover::from_default_locations()
    } else {
        discover::from_paths(&args.paths)
    };
    let mut tool_error = false;
    for e in &discovery.errors {
        writeln!(err, "error: {e}")?;
        tool_error = true;
    }
    for path in &discovery.unsupported {
        writeln!(
            err,
            "warning: `{}` is not a configuration file clientlint reads; skipped",
            path.display()
        )?;
    }
    if discovery.units.is_empty() && args.paths.is_empty() {
        writeln!(err, "No client configuration found. Looked in:")?;
        for p in &discovery.searched {
            writeln!(err, "  {}", p.display())?;
        }
    }
    let (files, read_errors) = read_files(&discovery.units);
    for e in &read_errors {
        writeln!(err, "error: {e}")?;
        tool_error = true;
    }
    let analysis = analyze(&discovery.units, files, &settings);
    let report = analysis.report();
    match args.format.unwrap_or(OutputFormat::Text) {
        OutputFormat::Json => report::json::write(&report, out)?,
        OutputFormat::Concise => report::concise::write(&report, out)?,
        OutputFormat::Text => {
            let options = report::text::TextOptions {
                color: use_color(args.color.unwrap_or(ColorChoice::Auto)),
                width: 100,
            };
            if args.quiet {
                let quiet = Report {
                    files: report.files,
                    infos: report.infos,
                    diagnostics: report.diagnostics,
                };
                let mut buf = Vec::new();
                report::text::write(&quiet, options, &mut buf)?;
                // Drop the summary line in quiet mode.
                let text = String::from_utf8_lossy(&buf);
                let body = text
                    .trim_end()
                    .rsplit_once('\n')
                    .map(|(b, _)| b)
                    .unwrap_or("");
                if !body.is_empty() {
                    writeln!(out, "{body}")?;
                }
            } else {
                report::text::write(&report, options, out)?;
            }
        }
    }
    out.flush().context("could not write the report")?;
    if tool_error {
        return Ok(ExitStatus::Error);
    }
    let failing = analysis
        .diagnostics
        .iter()
        .any(|d| d.severity >= settings.fail_on);
    Ok(if failing {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// Discovers, reads and lints `paths` with `settings`: the whole job without printing.
/// Paths that cannot be read are skipped (the CLI reports them).
pub fn lint_paths(paths: &[PathBuf], settings: &Settings) -> Analysis {
    let discovery = discover::from_paths(paths);
    let (files, _) = read_files(&discovery.units);
    analyze(&discovery.units, files, settings)
}

/// Renders an analysis in one of the output formats, colourless, as a string.
pub fn render(analysis: &Analysis, format: OutputFormat) -> String {
    let mut buf = Vec::new();
    let report = analysis.report();
    let written = match format {
        OutputFormat::Json => report::json::write(&report, &mut buf),
        OutputFormat::Concise => report::concise::write(&report, &mut buf),
        OutputFormat::Text => report::text::write(
            &report,
            report::text::TextOptions {
                color: false,
                width: 100,
            },
            &mut buf,
        ),
    };
    // Writing to a Vec cannot fail; keep whatever was written if it somehow did.
    let _ = written;
    String::from_utf8_lossy(&buf).into_owned()
}
