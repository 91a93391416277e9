//! Command-line definitions (clap derive). Doc comments here are the `--help` text; the
//! limit flags come from the table of limits ([`LimitArgs`]). Values are raw, except that
//! limits are range-checked; [`super::settings_from`] turns them into
//! [`crate::settings::Settings`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{ArgMatches, Args, Parser, Subcommand, ValueEnum};

use crate::report::OutputFormat;
use crate::settings::{Limit, LIMITS};

/// Lint FTP and e-mail client configurations (Thunderbird, FileZilla, Outlook) against
/// documented connection limits, and fix what can be fixed.
///
/// With no subcommand, `clientlint [PATH]...` runs `check`.
#[derive(Debug, Parser)]
#[command(name = "clientlint", version)]
pub struct Cli {
    // Before `command`: clap's derive takes the subcommand out of the matches, and
    // `TopLevelArgs` needs to see it.
    #[command(flatten)]
    pub check: TopLevelArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The `check` options written without a subcommand (`clientlint [OPTIONS] [PATH]...`).
///
/// A word that names a subcommand is the subcommand, even after options, so that
/// `clientlint --config x.toml connections DIR` runs `connections` with that file (issue
/// 16). Only the global options ([`ConfigArgs`]) may come before a subcommand: any other
/// is refused, so `clientlint --fix connections DIR` is an error rather than a run that
/// quietly drops `--fix`.
#[derive(Debug, Default)]
pub struct TopLevelArgs(pub CheckArgs);

impl TopLevelArgs {
    /// Refuses a `check` option given before a subcommand.
    fn refuse_before_subcommand(matches: &ArgMatches) -> Result<(), clap::Error> {
        let Some(subcommand) = matches.subcommand_name() else {
            return Ok(());
        };
        // The global options are those of `ConfigArgs`; clap passes them on to the
        // subcommand itself.
        let globals = ConfigArgs::augment_args(clap::Command::new("config"));
        let is_global = |id: &str| globals.get_arguments().any(|a| a.get_id() == id);
        let given = matches.ids().map(|id| id.as_str()).find(|id| {
            !is_global(id)
                && matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
        });
        match given {
            Some(id) => Err(clap::Error::raw(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "the option `--{}` cannot be used before the `{subcommand}` subcommand",
                    id.replace('_', "-")
                ),
            )),
            None => Ok(()),
        }
    }
}

impl clap::FromArgMatches for TopLevelArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Self::refuse_before_subcommand(matches)?;
        CheckArgs::from_arg_matches(matches).map(TopLevelArgs)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        Self::refuse_before_subcommand(matches)?;
        self.0.update_from_arg_matches(matches)
    }
}

impl Args for TopLevelArgs {
    fn group_id() -> Option<clap::Id> {
        CheckArgs::group_id()
    }

    fn augment_args(cmd: clap::Command) -> clap::Command {
        CheckArgs::augment_args(cmd)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        CheckArgs::augment_args_for_update(cmd)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files, profile directories or client roots (the default subcommand).
    Check(CheckArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// The rule's name, e.g. poll-interval-too-short.
        rule: String,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell: bash, zsh, fish, powershell or elvish.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Manpage,
    /// Print the effective configuration and where each value came from.
    Config(ConfigArgs),
    /// Show, per server, every profile's worst-case connections and the total against
    /// the server's limit: the page to read when a user reports `421 Too many
    /// connections`.
    Connections(ConnectionsArgs),
    /// Connect once to every configured server and check what a file cannot tell: the
    /// TLS mode, STARTTLS, the certificate, the authentication methods, a refusal.
    ///
    /// Finds servers as `check` does (same PATHs, --home, --root, --sysroot, clientlint.toml)
    /// and opens one connection to each distinct host, port, protocol and security mode,
    /// at most --jobs at a time, each bounded by --timeout. Findings are the probe-* rules
    /// and server-connection-budget-exceeded, which uses a per-address limit the server
    /// announced ("421 Too many connections (8) from this IP") instead of the default;
    /// each points at the configuration line of its server. Exit 0: no finding; 1: a
    /// finding (unreachable, timeout, refusal and TLS problems included); 2: tool error.
    ///
    /// It never authenticates and never sends a credential. It sends only: FTP `AUTH TLS`,
    /// `PBSZ 0`, `PROT P`, `FEAT`, `QUIT`; IMAP `CAPABILITY`, `STARTTLS`, `LOGOUT`; POP3
    /// `CAPA`, `STLS`, `QUIT`; SMTP `EHLO [own address]`, `STARTTLS`, `QUIT`; SFTP nothing
    /// (the SSH banner is read); and a TLS handshake without a client certificate. Never
    /// USER, PASS, LOGIN, AUTHENTICATE, SMTP AUTH or APOP. Link-local and cloud metadata
    /// addresses (169.254.0.0/16, fe80::/10) are not contacted, also after resolving a
    /// name, unless --allow-link-local is given.
    Probe(ProbeArgs),
}

/// Where to look instead of this machine's default locations.
#[derive(Debug, Args, Default, Clone)]
pub struct HomeArgs {
    /// Search the default client locations under this home directory (a mounted image,
    /// another user), in the Linux, macOS and Windows layouts.
    #[arg(long, value_name = "DIR")]
    pub home: Vec<PathBuf>,

    /// Treat every subdirectory of DIR as a home (`/home`, an image's `Users`).
    #[arg(long, value_name = "DIR")]
    pub root: Vec<PathBuf>,

    /// Treat DIR as a whole machine's file system (a mounted image): its system-wide
    /// layers (Thunderbird's default prefs, AutoConfig and enterprise policies; FileZilla's
    /// fzdefaults.xml) under DIR/etc, DIR/usr/lib, DIR/opt, DIR/Program Files…, and its
    /// homes (DIR/home/*, DIR/root, DIR/Users/*). PATHs given with it are paths inside
    /// the image.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["home", "root"])]
    pub sysroot: Option<PathBuf>,
}

/// What a connections report says about where it was made.
#[derive(Debug, Args, Default, Clone)]
pub struct LabelArgs {
    /// The machine's name in the connections report (default: this machine's host name;
    /// with --sysroot DIR, the image's DIR/etc/hostname, else DIR's name).
    #[arg(long, value_name = "NAME")]
    pub machine_label: Option<String>,

    /// The network the machine's connections leave from, e.g. an office behind one NAT
    /// address: servers count connections per address, so `connections --merge` budgets
    /// each network apart (reports without one form one network).
    #[arg(long, value_name = "NAME")]
    pub network: Option<String>,
}

#[derive(Debug, Args)]
pub struct ConnectionsArgs {
    /// Files or directories, as for `check`; without PATH, the default locations. With
    /// --merge: connections reports (`-` for standard input).
    pub paths: Vec<PathBuf>,

    /// Output format: the table, or the versioned connections report (JSON).
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,

    /// Show only servers above their limit.
    #[arg(long)]
    pub over: bool,

    /// Add up the connections reports given as PATHs (`connections --format json` of each
    /// machine, or its `check --format json` output) with this machine's limits; exit 1
    /// when a server is over its limit, 2 when a report cannot be read or two reports
    /// come from the same machine.
    #[arg(
        long,
        conflicts_with_all = ["home", "root", "sysroot", "machine_label", "network", "probe"]
    )]
    pub merge: bool,

    /// Probe the servers first (as `clientlint probe`, one connection each, no login) and
    /// use the per-address limits they announce instead of the default.
    #[arg(long)]
    pub probe: bool,

    #[command(flatten)]
    pub probing: ProbeOptions,

    #[command(flatten)]
    pub homes: HomeArgs,

    #[command(flatten)]
    pub labels: LabelArgs,

    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Where settings come from: clientlint.toml and command-line overrides.
///
/// These options are global: written before a subcommand (`clientlint --config x.toml
/// connections DIR`) they apply to it, as they do after it.
#[derive(Debug, Args, Default, Clone)]
pub struct ConfigArgs {
    /// Read this configuration file instead of searching for clientlint.toml.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long, conflicts_with = "config", global = true)]
    pub isolated: bool,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The limit flags, one per row of the table of limits (`--max-transfers N`, …): their
/// names, help and accepted ranges come from [`LIMITS`], so clap is given them by hand
/// rather than by derive. A value outside the range is refused while parsing.
#[derive(Debug, Default, Clone)]
pub struct LimitArgs {
    values: BTreeMap<&'static str, i64>,
}

impl LimitArgs {
    /// The value given for `limit`, if any.
    pub fn get(&self, limit: &Limit) -> Option<i64> {
        self.values.get(limit.key).copied()
    }
}

impl clap::FromArgMatches for LimitArgs {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        let mut args = LimitArgs::default();
        args.update_from_arg_matches(matches)?;
        Ok(args)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        for limit in LIMITS {
            let value = matches
                .try_get_one::<i64>(limit.key)
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::ValueValidation, e))?;
            if let Some(value) = value {
                self.values.insert(limit.key, *value);
            }
        }
        Ok(())
    }
}

impl Args for LimitArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        LIMITS.iter().fold(cmd, |cmd, limit| {
            cmd.arg(
                clap::Arg::new(limit.key)
                    .long(limit.key)
                    .value_name("N")
                    .global(true)
                    .help(limit.flag_help())
                    .value_parser(move |text: &str| limit.parse_flag(text)),
            )
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

/// The lowest severity that makes the run fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub homes: HomeArgs,

    // The labels of the connections report `--format json` embeds.
    #[command(flatten)]
    pub labels: LabelArgs,

    /// Files or directories to lint. A directory may be a Thunderbird root (with
    /// profiles.ini), a profile directory, or any tree holding them. Without PATH, this
    /// machine's default client locations are searched.
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Option<OutputFormat>,

    /// Run only these rules (comma-separated names, or `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Do not run these rules (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Exit with 1 when a finding of this severity or higher remains.
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: Option<FailOn>,

    /// Print nothing but diagnostics (no summary line).
    #[arg(short, long)]
    pub quiet: bool,

    /// When to use colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Option<ColorChoice>,

    /// Write the report to FILE instead of standard output (never coloured).
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Print the number of findings per rule (and how many are fixable) instead of the
    /// findings.
    #[arg(long)]
    pub statistics: bool,

    /// Apply safe fixes in place (atomically, keeping encoding, line endings and
    /// permissions). Refused while the client holds its profile lock.
    #[arg(long)]
    pub fix: bool,

    /// Also apply unsafe fixes (they change ports, TLS modes or logins). Implies --fix
    /// unless --diff is given.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Write nothing; print a unified diff of what the fixes would change. Exits 1 when
    /// there is a change.
    #[arg(long)]
    pub diff: bool,

    /// Keep a copy of each changed file as FILE.clientlint.bak.
    #[arg(long)]
    pub backup: bool,

    /// Write even though the client holds its profile lock (it may overwrite the fix
    /// when it exits).
    #[arg(long)]
    pub force: bool,

    /// Write a file that has several hard links: it becomes a file of its own, and the
    /// other names keep the old content. Without it such a file is left untouched.
    #[arg(long)]
    pub break_hardlinks: bool,
}

/// How `clientlint probe` (and `connections --probe`) connects.
#[derive(Debug, Args, Clone)]
pub struct ProbeOptions {
    /// Give up on a server after SECONDS: resolving, connecting, TLS and every reply of
    /// its one connection together.
    #[arg(long, value_name = "SECONDS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// Probe at most N servers at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    pub jobs: u64,

    /// Also trust the CA certificates in FILE (PEM): a company CA, a test's self-signed
    /// certificate.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,

    /// Continue past a certificate that does not verify, to check the rest; the
    /// certificate is still reported, and every finding of that server says so.
    #[arg(long)]
    pub insecure: bool,

    /// Also contact link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10).
    #[arg(long)]
    pub allow_link_local: bool,
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    #[command(flatten)]
    pub homes: HomeArgs,

    /// Files or directories, as for `check`; without PATH, the default locations.
    pub paths: Vec<PathBuf>,

    /// Output format; JSON adds a `probes` array: each server's greeting, TLS session,
    /// announced limit and the commands sent.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,

    /// Run only these probe rules (comma-separated names, or `all`).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub select: Vec<String>,

    /// Do not run these rules (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    pub ignore: Vec<String>,

    /// Print nothing but diagnostics (no summary, no table of servers).
    #[arg(short, long)]
    pub quiet: bool,

    /// When to use colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,

    /// Write the report to FILE instead of standard output (never coloured).
    #[arg(long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Print the servers that would be probed, and where each is configured; connect to
    /// nothing.
    #[arg(long)]
    pub list: bool,

    #[command(flatten)]
    pub probing: ProbeOptions,

    /// Refused: the probe reports, it does not fix (use `clientlint check --fix`).
    #[arg(long, hide = true)]
    pub fix: bool,

    /// Refused, as --fix.
    #[arg(long, hide = true)]
    pub unsafe_fixes: bool,

    /// Refused, as --fix.
    #[arg(long, hide = true)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    /// The rules page, docs/rules.md.
    Markdown,
}
