//! The command line: argument definitions ([`args`]), one file per subcommand, and [`run`],
//! which the binary calls. Settings are resolved here: built-in defaults, then
//! clientlint.toml (unless `--isolated`), then the command line.

pub mod args;
mod check;
mod config;
mod connections;
mod probe;
mod rules;

use std::io::Write;

use anyhow::{bail, Context as _};

use crate::diagnostic::Severity;
use crate::settings::Settings;
pub use args::{CheckArgs, Cli, Command};
use args::{ConfigArgs, FailOn};
pub use rules::rules_markdown;

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

/// Runs the command line. Writes results to `out` and messages about the run to `err`.
///
/// This is the binary's entry, which exits next: a check leaves the memory of its run's
/// findings and shares to the operating system instead of freeing it piece by piece.
/// Library callers run checks through [`crate::engine`] and the library API instead.
pub fn run(cli: Cli, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Some(Command::Check(args)) => check::check(&args, out, err),
        Some(Command::Rules(args)) => rules::list(args.format, out),
        Some(Command::Explain { rule }) => rules::explain(&rule, out),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "clientlint", out);
            Ok(ExitStatus::Success)
        }
        Some(Command::Config(args)) => config::show(&args, out),
        Some(Command::Connections(args)) => connections::show(&args, out, err),
        Some(Command::Probe(args)) => probe::probe(&args, out, err),
        Some(Command::Manpage) => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd)
                .render(out)
                .context("could not render the man page")?;
            Ok(ExitStatus::Success)
        }
        None => check::check(&cli.check.0, out, err),
    }
}

/// True when `name` is a rule (for checking names in clientlint.toml).
fn is_rule(name: &str) -> bool {
    crate::rules::find(name).is_some()
}

/// Resolves settings: defaults, then clientlint.toml (unless `--isolated`), then the
/// command line.
pub fn resolve_settings(config: &ConfigArgs, cwd: &std::path::Path) -> anyhow::Result<Settings> {
    let mut settings = Settings::default();
    if !config.isolated {
        if let Some(loaded) = crate::settings::file::load(config.config.as_deref(), cwd)? {
            settings.apply_config(&loaded, &is_rule)?;
            settings
                .origins
                .insert("config-file".to_owned(), loaded.path.display().to_string());
        }
    }
    for limit in crate::settings::LIMITS {
        if let Some(value) = config.limits.get(limit) {
            (limit.set)(&mut settings.limits, value);
            settings
                .origins
                .insert(limit.key.to_owned(), "command line".to_owned());
        }
    }
    Ok(settings)
}

/// The settings of a `check` run: [`resolve_settings`], then `--select`, `--ignore` and
/// `--fail-on`.
fn settings_from(args: &CheckArgs) -> anyhow::Result<Settings> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let mut settings = resolve_settings(&args.config, &cwd)?;
    for name in args.select.iter().chain(&args.ignore) {
        if name != "all" && !is_rule(name) {
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
