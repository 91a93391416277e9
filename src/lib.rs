//! clientlint: lints the configuration files of FTP and e-mail clients against documented
//! connection limits, and repairs what it can, byte for byte.
//!
//! The pipeline (see DESIGN.md): [`discover`] finds the files and groups them into units;
//! [`source`] reads each file once; [`formats`] parses them and builds the [`model`];
//! [`rules`] turn the model into [`diagnostic`]s; [`report`] renders them. [`run`] ties it
//! together for the binary; [`analyze`] is the same without any printing.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod budget;
pub mod cli;
pub mod config;
pub mod connections;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod formats;
pub mod lock;
pub mod model;
pub mod report;
pub mod rules;
pub mod settings;
pub mod source;
pub mod stream;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{bail, Context as _};

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, RulesFormat};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::{FileInfo, Unit};
use crate::model::Profile;
use crate::report::{FileEntry, Finding, OutputFormat, Report};
use crate::rules::{Context, ALL};
use crate::settings::Settings;
use crate::source::{Files, SourceFile};
use crate::stream::Resolved;

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
    /// Resolves every diagnostic for reporting; `excerpts` keeps the lines the text
    /// reporter draws.
    pub fn resolve(&self, excerpts: bool) -> Resolved {
        let mut interner = report::Interner::default();
        let findings: Vec<Box<Finding>> = self
            .diagnostics
            .iter()
            .map(|d| {
                Box::new(Finding::resolve(
                    d.clone(),
                    &self.files,
                    &|id| id,
                    &mut interner,
                ))
            })
            .collect();
        let drawn: Vec<(source::FileId, source::Span)> = if excerpts {
            findings
                .iter()
                .flat_map(|f| report::text::drawn_spans(f))
                .collect()
        } else {
            Vec::new()
        };
        let files = self
            .files
            .iter()
            .zip(report::Excerpt::per_file(&self.files, drawn))
            .map(|((id, f), excerpt)| FileEntry {
                path: f.display_path(),
                info: self.infos.get(id).copied().flatten(),
                excerpt,
            })
            .collect();
        Resolved { files, findings }
    }
}

/// Reads every file of `units` once. Unreadable files, files that are not regular files
/// and files over [`source::MAX_FILE_BYTES`] are returned as errors.
pub fn read_files(units: &[Unit]) -> (Files, Vec<String>) {
    use rayon::prelude::*;
    let mut seen = std::collections::HashSet::new();
    let paths: Vec<&std::path::Path> = units
        .iter()
        .flat_map(Unit::paths)
        .filter(|p| seen.insert(*p))
        .collect();
    // Read and decode in parallel; keep the order, so ids do not depend on threads.
    let read: Vec<Result<SourceFile, String>> = paths
        .par_iter()
        .map(|path| {
            // The checked reader: regular files only, and a size cap.
            source::read_config_file(path)
                .map(|bytes| SourceFile::new(*path, bytes))
                .map_err(|e| format!("cannot read `{}`: {e}", path.display()))
        })
        .collect();
    let mut files = Files::default();
    let mut errors = Vec::new();
    for r in read {
        match r {
            Ok(file) => {
                files.add(file);
            }
            Err(e) => errors.push(e),
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

/// Runs every enabled rule over every profile, then the run-wide rules over every
/// profile's budget shares.
pub fn lint(profiles: &[Profile], files: &Files, settings: &Settings) -> Vec<Diagnostic> {
    use rayon::prelude::*;
    let ctx = Context { settings };
    let enabled = stream::enabled_rules(settings);
    // Every (profile, rule) pair in parallel: many small profiles in a fleet, or one
    // huge sitemanager.xml, both use every core. The sort below makes the order
    // independent of threads.
    let mut out: Vec<Diagnostic> = profiles
        .par_iter()
        .flat_map(|profile| {
            enabled.par_iter().flat_map_iter(|rule| {
                let mut found = Vec::new();
                rule.check(profile, &ctx, &mut found);
                found
            })
        })
        .collect();
    let shares: Vec<budget::Share> = profiles.iter().flat_map(budget::shares).collect();
    for rule in &enabled {
        rule.check_run(&shares, &ctx, &mut out);
    }
    let path_of = |id| files.get(id).map(|f: &SourceFile| f.path.as_path());
    apply_settings(&mut out, settings, &path_of);
    let ranks = files.path_ranks();
    stream::sort_unique(&mut out, |d| {
        let rank = ranks.get(d.file).copied().unwrap_or(usize::MAX);
        (rank, d.span.start, d.rule, d.span.end, d.message.as_str())
    });
    out
}

/// Severity overrides and per-path ignores of the configuration.
pub(crate) fn apply_settings<'p>(
    diagnostics: &mut Vec<Diagnostic>,
    settings: &Settings,
    path_of: &dyn Fn(source::FileId) -> Option<&'p std::path::Path>,
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

/// Resolves settings: defaults, then clientlint.toml (unless `--isolated`), then the
/// command line.
pub fn resolve_settings(
    config: &cli::ConfigArgs,
    cwd: &std::path::Path,
) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    if !config.isolated {
        if let Some(loaded) = config::load(config.config.as_deref(), cwd)? {
            settings.apply_config(&loaded)?;
            settings
                .origins
                .insert("config-file".to_owned(), loaded.path.display().to_string());
        }
    }
    let overrides = [
        (
            "max-transfers",
            config.max_transfers,
            &mut settings.limits.max_transfers,
        ),
        (
            "max-connections",
            config.max_connections,
            &mut settings.limits.max_connections,
        ),
        (
            "min-poll-minutes",
            config.min_poll_minutes,
            &mut settings.limits.min_poll_minutes,
        ),
        (
            "ftp-timeout-seconds",
            config.ftp_timeout_seconds,
            &mut settings.limits.ftp_timeout_seconds,
        ),
        (
            "server-connection-limit",
            config.server_connection_limit,
            &mut settings.limits.server_connection_limit,
        ),
    ];
    let mut cli_keys = Vec::new();
    for (key, value, slot) in overrides {
        if let Some(v) = value {
            *slot = v;
            cli_keys.push(key);
        }
    }
    for key in cli_keys {
        settings
            .origins
            .insert(key.to_owned(), "command line".to_owned());
    }
    Ok(settings)
}

fn settings_from(args: &CheckArgs) -> anyhow::Result<Settings> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let mut settings = resolve_settings(&args.config, &cwd)?;
    for name in args.select.iter().chain(&args.ignore) {
        if name != "all" && rules::find(name).is_none() {
            bail!("unknown rule `{name}` (see `clientlint rules`)");
        }
    }
    if !args.select.is_empty() {
        settings.select = Some(args.select.clone());
        settings
            .origins
            .insert("select".to_owned(), "command line".to_owned());
    }
    if !args.ignore.is_empty() {
        settings.ignore.extend(args.ignore.iter().cloned());
        settings
            .origins
            .insert("ignore".to_owned(), "command line".to_owned());
    }
    settings.fail_on = match args.fail_on.unwrap_or(FailOn::Warning) {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    };
    Ok(settings)
}

/// `clientlint connections`: the per-server budget table.
fn show_connections(
    args: &cli::ConnectionsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let settings = resolve_settings(&args.config, &cwd)?;
    let discovery = discover::discover(&args.paths, &args.homes.home, &args.homes.root);
    let mut tool_error = false;
    for e in &discovery.errors {
        writeln!(err, "error: {e}")?;
        tool_error = true;
    }
    let run = stream::run(&discovery.units, &settings, false);
    for e in &run.read_errors {
        writeln!(err, "error: {e}")?;
        tool_error = true;
    }
    let locate = |anchor: (source::FileId, source::Span)| {
        let path = run.resolved.report().path_of(anchor.0).to_owned();
        let line = run.anchors.get(&anchor).map(|p| p.line).unwrap_or(0);
        (path, line)
    };
    let mut budgets = connections::budgets(&run.shares, &locate, &settings);
    if args.over {
        budgets.retain(|b| b.over);
    }
    match args.format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &budgets)?;
            writeln!(out)?;
        }
        RulesFormat::Text | RulesFormat::Markdown => connections::write_text(&budgets, out)?,
    }
    Ok(if tool_error {
        ExitStatus::Error
    } else if budgets.iter().any(|b| b.over) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}

/// `clientlint config`: the effective settings and where each came from.
fn show_config(args: &cli::ConfigArgs, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let s = resolve_settings(args, &cwd)?;
    let origin = |key: &str| {
        s.origins
            .get(key)
            .cloned()
            .unwrap_or_else(|| "default".to_owned())
    };
    match s.origins.get("config-file") {
        Some(path) => writeln!(out, "# configuration file: {path}")?,
        None if args.isolated => writeln!(out, "# configuration files ignored (--isolated)")?,
        None => writeln!(out, "# no configuration file found")?,
    }
    let l = &s.limits;
    for (key, value) in [
        ("max-transfers", l.max_transfers),
        ("max-connections", l.max_connections),
        ("min-poll-minutes", l.min_poll_minutes),
        ("ftp-timeout-seconds", l.ftp_timeout_seconds),
        ("server-connection-limit", l.server_connection_limit),
    ] {
        writeln!(out, "{key} = {value}  # {}", origin(key))?;
    }
    let list = |v: &[String]| {
        v.iter()
            .map(|r| format!("\"{r}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &s.select {
        Some(sel) => writeln!(out, "select = [{}]  # {}", list(sel), origin("select"))?,
        None => writeln!(out, "select = [\"all\"]  # default")?,
    }
    writeln!(
        out,
        "ignore = [{}]  # {}",
        list(&s.ignore),
        origin("ignore")
    )?;
    if !s.severity.is_empty() {
        writeln!(out, "\n[severity]")?;
        for (rule, sev) in &s.severity {
            writeln!(
                out,
                "{rule} = \"{}\"  # {}",
                sev.name(),
                origin(&format!("severity.{rule}"))
            )?;
        }
    }
    for (host, limit) in &l.server_limits {
        writeln!(out, "\n[servers.\"{host}\"]")?;
        writeln!(
            out,
            "connection-limit = {limit}  # {}",
            origin(&format!("servers.\"{host}\".connection-limit"))
        )?;
    }
    if !s.per_path_ignores.is_empty() {
        writeln!(out, "\n[per-path-ignores]")?;
        for p in &s.per_path_ignores {
            writeln!(
                out,
                "\"{}\" = [{}]  # {}",
                p.glob,
                list(&p.rules),
                origin(&format!("per-path-ignores.\"{}\"", p.glob))
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

/// Runs the command line. Writes results to `out` and messages about the run to `err`.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Some(Command::Check(args)) => check(&args, out, err),
        Some(Command::Rules(args)) => list_rules(args.format, out),
        Some(Command::Explain { rule }) => explain(&rule, out),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "clientlint", out);
            Ok(ExitStatus::Success)
        }
        Some(Command::Config(args)) => show_config(&args, out),
        Some(Command::Connections(args)) => show_connections(&args, out, err),
        Some(Command::Manpage) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(out)
                .context("could not render the man page")?;
            Ok(ExitStatus::Success)
        }
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
        RulesFormat::Markdown => write!(out, "{}", rules_markdown())?,
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

/// docs/rules.md: one section per rule, from the registry.
pub fn rules_markdown() -> String {
    let mut md = String::from(
        "# Rules\n\n<!-- Generated by `clientlint rules --format markdown`; do not edit. -->\n\n\
         | rule | severity | fix | what it flags |\n|---|---|---|---|\n",
    );
    for rule in ALL {
        md.push_str(&format!(
            "| [`{0}`](#{0}) | {1} | {2} | {3} |\n",
            rule.name(),
            rule.default_severity().name(),
            fix_name(rule.fix_availability()),
            rule.summary().replace('|', "\\|")
        ));
    }
    for rule in ALL {
        // Demote the doc's headings one level under the rule's own heading.
        let body = rule
            .explanation()
            .lines()
            .map(|l| {
                if l.starts_with("## ") {
                    format!("#{l}")
                } else {
                    l.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        md.push_str(&format!(
            "\n## {}\n\nSeverity: {}. Fix: {}.\n\n{body}\n",
            rule.name(),
            rule.default_severity().name(),
            fix_name(rule.fix_availability()),
        ));
    }
    md
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

/// What `check` reads, named in the notice when the paths given hold none of it.
const CONFIGURATION_FILES: &str = "Thunderbird prefs.js, user.js and profiles.ini; \
    FileZilla filezilla.xml, sitemanager.xml, recentservers.xml and fzdefaults.xml; \
    Outlook profile files (*.prf) and registry exports (*.reg)";

fn check(args: &CheckArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let settings = settings_from(args)?;
    let discovery = discover::discover(&args.paths, &args.homes.home, &args.homes.root);
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
    if discovery.units.is_empty() && args.paths.is_empty() && discovery.errors.is_empty() {
        writeln!(err, "No client configuration found. Looked in:")?;
        for p in &discovery.searched {
            writeln!(err, "  {}", p.display())?;
        }
    }
    // Paths were named but hold nothing clientlint reads (an empty or unrelated
    // directory): say so, as ruff does when it finds no Python file, and still exit 0.
    // (With only --home/--root, the message above lists every place searched.)
    let named: Vec<String> = args
        .paths
        .iter()
        .chain(&args.homes.home)
        .chain(&args.homes.root)
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if discovery.units.is_empty() && !args.paths.is_empty() && discovery.errors.is_empty() {
        writeln!(
            err,
            "warning: no FTP or e-mail client configuration found under {}; clientlint reads {CONFIGURATION_FILES}",
            named.join(", ")
        )?;
    }
    let format = args.format.unwrap_or(OutputFormat::Text);
    // Only the text reporter draws source lines, and not for --statistics.
    let excerpts = format == OutputFormat::Text && !args.statistics;
    let fixing = args.fix || args.unsafe_fixes || args.diff;
    let resolved = if fixing {
        let (files, read_errors) = read_files(&discovery.units);
        for e in &read_errors {
            writeln!(err, "error: {e}")?;
            tool_error = true;
        }
        let plan = fix::plan(&discovery.units, files, &settings, args.unsafe_fixes);
        for e in &plan.errors {
            writeln!(err, "{e}")?;
            tool_error = true;
        }
        if args.diff {
            let diff = fix::unified_diff(&plan);
            write!(out, "{diff}")?;
            out.flush().context("could not write the diff")?;
            return Ok(if tool_error {
                ExitStatus::Error
            } else if diff.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            });
        }
        let options = fix::WriteOptions {
            backup: args.backup,
            force: args.force,
        };
        if args.force {
            for unit in &discovery.units {
                if let Some(reason) = formats::lock_held(unit) {
                    writeln!(
                        err,
                        "warning: --force: {reason}; the client may overwrite these fixes when it exits"
                    )?;
                }
            }
        }
        let (written, write_errors) = fix::write_plan(&plan, &discovery.units, options);
        for e in &write_errors {
            writeln!(err, "error: {e}")?;
            tool_error = true;
        }
        // Report what is on disk now: files that could not be written keep their findings.
        let (files, _) = read_files(&discovery.units);
        let after = analyze(&discovery.units, files, &settings);
        let applied = plan
            .applied
            .iter()
            .filter(|d| {
                plan.analysis
                    .files
                    .get(d.file)
                    .map(|f| written.contains(&f.path))
                    .unwrap_or(false)
            })
            .count();
        let line = format!(
            "Fixed {} in {}; {} remaining.",
            report::plural(applied, "finding", "findings"),
            report::plural(written.len(), "file", "files"),
            after.diagnostics.len()
        );
        let after = after.resolve(excerpts);
        if format == OutputFormat::Text && !args.quiet {
            // After the report, like the summary line.
            write_report(&after.report(), args, format, out)?;
            writeln!(out, "{line}")?;
            out.flush().context("could not write the report")?;
            return Ok(exit_status(tool_error, &after, &settings));
        }
        writeln!(err, "{line}")?;
        after
    } else {
        // Batches: each unit's files and model are dropped once its findings are
        // resolved, so memory stays flat across a fleet.
        let run = stream::run(&discovery.units, &settings, excerpts);
        for e in &run.read_errors {
            writeln!(err, "error: {e}")?;
            tool_error = true;
        }
        run.resolved
    };
    write_report(&resolved.report(), args, format, out)?;
    out.flush().context("could not write the report")?;
    Ok(exit_status(tool_error, &resolved, &settings))
}

fn exit_status(tool_error: bool, resolved: &Resolved, settings: &Settings) -> ExitStatus {
    if tool_error {
        return ExitStatus::Error;
    }
    if resolved
        .findings
        .iter()
        .any(|f| f.severity >= settings.fail_on)
    {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

fn write_report(
    report: &Report<'_>,
    args: &CheckArgs,
    format: OutputFormat,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if let Some(path) = &args.output_file {
        let mut buf = Vec::new();
        render_to(report, args, format, false, &mut buf)?;
        std::fs::write(path, buf)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        return Ok(());
    }
    let color = use_color(args.color.unwrap_or(ColorChoice::Auto));
    render_to(report, args, format, color, out)
}

fn render_to(
    report: &Report<'_>,
    args: &CheckArgs,
    format: OutputFormat,
    color: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.statistics {
        return report::statistics::write(report, format == OutputFormat::Json, out)
            .context("could not write the statistics");
    }
    match format {
        OutputFormat::Json => report::json::write(report, out)?,
        OutputFormat::Concise => report::concise::write(report, out)?,
        OutputFormat::Sarif => report::sarif::write(report, out)?,
        OutputFormat::Github => report::github::write(report, out)?,
        OutputFormat::Gitlab => report::gitlab::write(report, out)?,
        OutputFormat::Text => {
            let options = report::text::TextOptions {
                color,
                width: 100,
                summary: !args.quiet,
            };
            report::text::write(report, options, out)?;
        }
    }
    Ok(())
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
    render_resolved(&analysis.resolve(format == OutputFormat::Text), format)
}

/// Renders resolved findings in one of the output formats, colourless, as a string.
pub fn render_resolved(resolved: &Resolved, format: OutputFormat) -> String {
    let mut buf = Vec::new();
    let report = resolved.report();
    let written = match format {
        OutputFormat::Json => report::json::write(&report, &mut buf),
        OutputFormat::Concise => report::concise::write(&report, &mut buf),
        OutputFormat::Sarif => report::sarif::write(&report, &mut buf),
        OutputFormat::Github => report::github::write(&report, &mut buf),
        OutputFormat::Gitlab => report::gitlab::write(&report, &mut buf),
        OutputFormat::Text => report::text::write(
            &report,
            report::text::TextOptions {
                color: false,
                width: 100,
                summary: true,
            },
            &mut buf,
        ),
    };
    // Writing to a Vec cannot fail; keep whatever was written if it somehow did.
    let _ = written;
    String::from_utf8_lossy(&buf).into_owned()
}
