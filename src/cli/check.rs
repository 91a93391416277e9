//! `clientlint check` (the default subcommand): lint, and with `--fix` / `--diff` repair,
//! then report in the chosen format.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::args::{CheckArgs, ColorChoice, HomeArgs};
use super::{settings_from, ExitStatus};
use crate::engine::connections::{label, machine_label};
use crate::engine::{self, discover, Mode, Resolved};
use crate::escape::{self, terminal};
use crate::fix::WriteOptions;
use crate::report::connections::RunShares;
use crate::report::{self, EmbeddedWriter, OutputFormat, Report};
use crate::settings::Settings;
use crate::source::FileId;

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

pub(super) fn check(
    args: &CheckArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let settings = settings_from(args)?;
    let h = &args.homes;
    let discovery = discover::from_args(&args.paths, &h.home, &h.root, h.sysroot.as_deref());
    let mut tool_error = say_discovery(&discovery, &args.paths, h, err)?;
    let format = args.format.unwrap_or(OutputFormat::Text);
    // Only the text reporter draws source lines, and not for --statistics.
    let excerpts = format == OutputFormat::Text && !args.statistics;
    let unsafe_fixes = args.unsafe_fixes;
    let mode = if args.diff {
        Mode::Diff { unsafe_fixes }
    } else if args.fix || args.unsafe_fixes {
        Mode::Fix {
            unsafe_fixes,
            options: WriteOptions {
                backup: args.backup,
                force: args.force,
                break_hardlinks: args.break_hardlinks,
            },
        }
    } else if matches!(format, OutputFormat::Json | OutputFormat::Sarif) && !args.statistics {
        // These formats publish fixes: offer only those `--fix` would apply.
        Mode::Publish
    } else {
        Mode::Check
    };
    // Units in batches: each unit's files and model are dropped once its findings are
    // resolved (and its fixes written), so memory stays flat across a fleet.
    let run = engine::run(&discovery.units, &settings, mode, excerpts);
    for e in &run.read_errors {
        writeln!(err, "error: {}", terminal(e))?;
        tool_error = true;
    }
    for path in &run.leftovers {
        writeln!(
            err,
            "warning: `{}` is a temporary copy left by an interrupted `clientlint --fix`; it may hold passwords: `--fix` removes it",
            escape::path(path)
        )?;
    }
    for path in &run.fixed.removed {
        writeln!(
            err,
            "removed `{}`, a temporary copy left by an interrupted `clientlint --fix`",
            escape::path(path)
        )?;
    }
    let fixed = &run.fixed;
    for e in &fixed.internal_errors {
        writeln!(err, "{}", terminal(e))?;
        tool_error = true;
    }
    match mode {
        Mode::Check | Mode::Publish => {}
        Mode::Diff { .. } => {
            write!(out, "{}", fixed.diff)?;
            out.flush().context("could not write the diff")?;
            return Ok(if tool_error {
                ExitStatus::Error
            } else if fixed.diff.is_empty() {
                ExitStatus::Success
            } else {
                ExitStatus::Failure
            });
        }
        Mode::Fix { .. } => {
            for reason in &fixed.forced {
                writeln!(
                    err,
                    "warning: --force: {}; the client may overwrite these fixes when it exits",
                    terminal(reason)
                )?;
            }
            for e in &fixed.write_errors {
                writeln!(err, "error: {}", terminal(&e.to_string()))?;
                tool_error = true;
            }
            let line = format!(
                "Fixed {} in {}; {} remaining.",
                report::plural(fixed.applied, "finding", "findings"),
                report::plural(fixed.written.len(), "file", "files"),
                run.resolved.findings.len()
            );
            if format == OutputFormat::Text && !args.quiet {
                // After the report, like the summary line.
                write_report(&run.resolved.report(), &Output::of(args, format), out)?;
                writeln!(out, "{line}")?;
                out.flush().context("could not write the report")?;
                return Ok(exit_status(tool_error, &run.resolved, &settings));
            }
            writeln!(err, "{line}")?;
        }
    }
    write_run(&run, args, &settings, format, out)?;
    let status = exit_status(tool_error, &run.resolved, &settings);
    // The report is out and the process exits next: freeing a fleet's findings and shares
    // one by one took ~20 ms after the last byte (2,000 homes), with every other core idle.
    // The operating system takes the memory back at once. (The run holds no file or
    // directory; discovery, whose tree does, is dropped as usual.)
    std::mem::forget(run);
    Ok(status)
}

/// Writes the report of a run; JSON embeds the run's connections report (for
/// `connections --merge`).
fn write_run(
    run: &engine::Run,
    args: &CheckArgs,
    settings: &Settings,
    format: OutputFormat,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let sysroot = args.homes.sysroot.as_deref();
    let machine = machine_label(args.labels.machine_label.as_deref(), sysroot);
    let network = args.labels.network.as_deref().and_then(label);
    let files = &run.resolved.files;
    let path_of = |id: FileId| files.get(id).map(|f| f.path.as_str()).unwrap_or("");
    let shares = RunShares {
        shares: &run.shares,
        places: &run.anchors,
        path_of: &path_of,
    };
    let embed =
        |out: &mut dyn Write| shares.write(&machine, network.as_deref(), &settings.limits, 2, out);
    let report = Report {
        connections: (format == OutputFormat::Json).then_some(&embed as &EmbeddedWriter<'_>),
        ..run.resolved.report()
    };
    write_report(&report, &Output::of(args, format), out)?;
    out.flush().context("could not write the report")
}

/// What discovery has to say on stderr: errors (true when there was one: exit 2), links
/// and paths left alone, files that are not configuration, and where nothing was found.
/// `paths` and `h` are what the command line named.
pub(super) fn say_discovery(
    discovery: &discover::Discovery,
    paths: &[PathBuf],
    h: &HomeArgs,
    err: &mut dyn Write,
) -> anyhow::Result<bool> {
    let mut tool_error = false;
    for e in &discovery.errors {
        writeln!(err, "error: {}", terminal(e))?;
        tool_error = true;
    }
    for w in &discovery.warnings {
        writeln!(err, "warning: {}", terminal(w))?;
    }
    for path in &discovery.unsupported {
        writeln!(
            err,
            "warning: `{}` is not a configuration file clientlint reads; skipped",
            escape::path(path)
        )?;
    }
    // Machine-wide layers alone (an installed Thunderbird) are no client configuration.
    let found_any = discovery.units.iter().any(|u| !u.machine_wide);
    if !found_any && paths.is_empty() && discovery.errors.is_empty() {
        writeln!(err, "No client configuration found. Looked in:")?;
        for p in &discovery.searched {
            writeln!(err, "  {}", escape::path(p))?;
        }
    }
    // Paths were named but hold nothing clientlint reads (an empty or unrelated
    // directory): say so, as ruff does when it finds no Python file, and still exit 0.
    // (With only --home/--root, the message above lists every place searched.)
    if discovery.units.is_empty() && !paths.is_empty() && discovery.errors.is_empty() {
        let named: Vec<String> = paths
            .iter()
            .chain(&h.home)
            .chain(&h.root)
            .map(|p| format!("`{}`", escape::path(p)))
            .collect();
        writeln!(
            err,
            "warning: no FTP or e-mail client configuration found under {}; clientlint reads {}",
            named.join(", "),
            crate::clients::what_is_read()
        )?;
    }
    Ok(tool_error)
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

/// How and where a report is written: what `check` and `probe` share.
pub(super) struct Output<'a> {
    pub(super) format: OutputFormat,
    pub(super) quiet: bool,
    pub(super) statistics: bool,
    pub(super) color: ColorChoice,
    pub(super) output_file: Option<&'a Path>,
    /// Fields the JSON document carries besides the contract's (`probes`).
    pub(super) json_extra: Vec<(&'static str, serde_json::Value)>,
}

impl Output<'_> {
    fn of(args: &CheckArgs, format: OutputFormat) -> Output<'_> {
        Output {
            format,
            quiet: args.quiet,
            statistics: args.statistics,
            color: args.color.unwrap_or(ColorChoice::Auto),
            output_file: args.output_file.as_deref(),
            json_extra: Vec::new(),
        }
    }
}

/// Writes `report` as `output` says: to its file, or to `out` (coloured if wanted).
pub(super) fn write_report(
    report: &Report<'_>,
    output: &Output<'_>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if let Some(path) = output.output_file {
        if let Some(input) = report
            .files
            .iter()
            .find(|f| same_file(Path::new(&f.path), path))
        {
            anyhow::bail!(
                "--output-file `{}` is `{}`, a file this run checks; the report was not written over it",
                escape::path(path),
                terminal(&input.path)
            );
        }
        let mut buf = Vec::new();
        render_to(report, output, false, &mut buf)?;
        std::fs::write(path, buf)
            .with_context(|| format!("could not write `{}`", path.display()))?;
        return Ok(());
    }
    render_to(report, output, use_color(output.color), out)
}

/// True when both paths name one existing file (through links, and hard links too).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
    }
}

fn render_to(
    report: &Report<'_>,
    output: &Output<'_>,
    color: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let format = output.format;
    if output.statistics {
        return report::statistics::write(report, format == OutputFormat::Json, out)
            .context("could not write the statistics");
    }
    match format {
        OutputFormat::Json => report::json::write_with(report, &output.json_extra, out)?,
        OutputFormat::Concise => report::concise::write(report, out)?,
        OutputFormat::Sarif => report::sarif::write(report, out)?,
        OutputFormat::Github => report::github::write(report, out)?,
        OutputFormat::Gitlab => report::gitlab::write(report, out)?,
        OutputFormat::Text => {
            let options = report::text::TextOptions {
                color,
                width: 100,
                summary: !output.quiet,
            };
            report::text::write(report, options, out)?;
        }
    }
    Ok(())
}
