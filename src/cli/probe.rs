//! `clientlint probe`: connect once to every configured server, then report the probe
//! rules (and the connection budget, with the limits servers announced) at each server's
//! configuration line. Also the probing step of `connections --probe`.

use std::io::Write;
use std::time::Duration;

use anyhow::{bail, Context as _};
use serde::Serialize;

use super::args::{ProbeArgs, ProbeOptions};
use super::check::{say_discovery, write_report, Output};
use super::{is_rule, resolve_settings, ExitStatus};
use crate::clients::Unit;
use crate::engine::probe::{targets, ConfiguredAt, Targets};
use crate::engine::{self, discover, Mode};
use crate::escape::terminal;
use crate::probe::{self, Outcome, Probed, QUOTE_CHARS};
use crate::report::OutputFormat;
use crate::rules::{is_probe_rule, Context, ALL};
use crate::settings::Settings;

/// The rule a probe run reports besides the probe rules.
const BUDGET_RULE: &str = "server-connection-budget-exceeded";

pub(super) fn probe(
    args: &ProbeArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    if args.fix || args.unsafe_fixes || args.diff {
        writeln!(
            err,
            "error: `clientlint probe` reports and never changes a file; --fix, --unsafe-fixes \
             and --diff belong to `clientlint check`"
        )?;
        return Ok(ExitStatus::Error);
    }
    let mut settings = probe_settings(args)?;
    let h = &args.homes;
    let discovery = discover::from_args(&args.paths, &h.home, &h.root, h.sysroot.as_deref());
    let mut tool_error = say_discovery(&discovery, &args.paths, h, err)?;
    if args.list {
        let found = targets(&discovery.units, &settings);
        tool_error |= print_errors(&found.read_errors, err)?;
        write_list(&found, args.format, out)?;
        out.flush().context("could not write the list")?;
        return Ok(if tool_error {
            ExitStatus::Error
        } else {
            ExitStatus::Success
        });
    }
    let (found, probed, probe_error) =
        probe_units(&discovery.units, &settings, &args.probing, err)?;
    tool_error |= probe_error;
    announce(&mut settings, &probed);
    let excerpts = args.format == OutputFormat::Text;
    let ctx = Context {
        settings: &settings,
        probed: Some(&probed),
    };
    let run = engine::run_with(&discovery.units, &ctx, Mode::Check, excerpts);
    tool_error |= print_errors(&run.read_errors, &mut *err)?;
    let mut output = Output {
        format: args.format,
        quiet: args.quiet,
        statistics: false,
        color: args.color,
        output_file: args.output_file.as_deref(),
        json_extra: Vec::new(),
    };
    if args.format == OutputFormat::Json {
        let entries = json_entries(&found, &probed);
        let value = serde_json::to_value(entries).context("could not render the probes")?;
        output.json_extra.push(("probes", value));
    }
    write_report(&run.resolved.report(), &output, out)?;
    if args.format == OutputFormat::Text && !args.quiet && args.output_file.is_none() {
        write_servers(&found, &probed, out)?;
    }
    out.flush().context("could not write the report")?;
    Ok(if tool_error {
        ExitStatus::Error
    } else if run.resolved.findings.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Failure
    })
}

/// The settings of a probe run: clientlint.toml and the command line as for `check`, but
/// only the probe rules and the connection budget run. `--select` may name only those.
fn probe_settings(args: &ProbeArgs) -> anyhow::Result<Settings> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let mut settings = resolve_settings(&args.config, &cwd)?;
    let in_scope = |name: &str| is_probe_rule(name) || name == BUDGET_RULE;
    for name in args.select.iter().chain(&args.ignore) {
        if name != "all" && !is_rule(name) {
            bail!("unknown rule `{name}` (see `clientlint rules`)");
        }
    }
    for name in &args.select {
        if name != "all" && !in_scope(name) {
            bail!(
                "`{name}` is not a probe rule: `clientlint probe` runs the probe-* rules and \
                 {BUDGET_RULE}; the others belong to `clientlint check`"
            );
        }
    }
    let all = args.select.is_empty() || args.select.iter().any(|s| s == "all");
    let selected: Vec<String> = ALL
        .iter()
        .map(|r| r.name())
        .filter(|n| in_scope(n) && (all || args.select.iter().any(|s| s == n)))
        .map(str::to_owned)
        .collect();
    settings.select = Some(selected);
    settings.ignore.extend(args.ignore.iter().cloned());
    Ok(settings)
}

/// The probe's options from the command line.
pub(super) fn options(o: &ProbeOptions) -> probe::Options {
    probe::Options {
        timeout: Duration::from_secs(o.timeout),
        ca_file: o.ca_file.clone(),
        insecure: o.insecure,
        allow_link_local: o.allow_link_local,
        jobs: usize::try_from(o.jobs).unwrap_or(1),
    }
}

/// Finds the targets of `units` and probes them. Returns the targets, the outcomes and
/// whether a tool error happened (a file that could not be read, a bug in the probe).
/// A CA file that cannot be used, or a trust store that cannot be loaded, stops the run.
pub(super) fn probe_units(
    units: &[Unit],
    settings: &Settings,
    o: &ProbeOptions,
    err: &mut dyn Write,
) -> anyhow::Result<(Targets, Probed, bool)> {
    let found = targets(units, settings);
    let mut tool_error = print_errors(&found.read_errors, err)?;
    for n in &found.not_probed {
        writeln!(
            err,
            "note: not probed: the {} server `{}` at {}:{}: {}",
            n.protocol,
            terminal(&n.host),
            terminal(&n.at.path),
            n.at.line,
            n.why.describe()
        )?;
    }
    if o.insecure {
        writeln!(
            err,
            "warning: --insecure: certificates that do not verify are reported, and the probe \
             continues past them"
        )?;
    }
    let list: Vec<probe::Target> = found.configured.iter().map(|c| c.target.clone()).collect();
    let outcomes = probe::probe_all(&list, &options(o)).map_err(anyhow::Error::new)?;
    for o in &outcomes {
        if let Some(e) = &o.internal_error {
            writeln!(err, "error: probing {}: {e}", o.target.describe())?;
            tool_error = true;
        }
    }
    Ok((found, Probed::new(outcomes), tool_error))
}

/// Gives the connection budget the per-address limits the servers announced with their
/// number: each replaces `server-connection-limit` for its host and protocol family.
pub(super) fn announce(settings: &mut Settings, probed: &Probed) {
    for a in probed.announced() {
        settings
            .limits
            .announce(&a.host, a.family, i64::from(a.limit), &a.text);
    }
}

fn print_errors(errors: &[String], err: &mut dyn Write) -> anyhow::Result<bool> {
    for e in errors {
        writeln!(err, "error: {e}")?;
    }
    Ok(!errors.is_empty())
}

/// One probed server in `--format json`'s `probes`.
#[derive(Serialize)]
struct Entry<'a> {
    #[serde(flatten)]
    outcome: &'a Outcome,
    configured_at: &'a [ConfiguredAt],
}

fn json_entries<'a>(found: &'a Targets, probed: &'a Probed) -> Vec<Entry<'a>> {
    found
        .configured
        .iter()
        .filter_map(|c| {
            Some(Entry {
                outcome: probed.get(&c.target)?,
                configured_at: &c.at,
            })
        })
        .collect()
}

/// `FTP 127.0.0.1:21, explicit TLS (AUTH TLS)`, the host escaped.
fn headline(t: &probe::Target) -> String {
    let host = terminal(&t.host);
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.into_owned()
    };
    let mut line = format!(
        "{} {host}:{}, {}",
        t.protocol.name(),
        t.port,
        t.security.describe(t.protocol)
    );
    if let Some(auth) = t.auth {
        line.push_str(&format!(", login with {}", auth.describe()));
    }
    line
}

/// At most [`QUOTE_CHARS`] characters of already escaped server text, `…` when cut.
fn cut(escaped: &str) -> String {
    match escaped.char_indices().nth(QUOTE_CHARS) {
        Some((at, _)) => format!("{}…", &escaped[..at]),
        None => escaped.to_owned(),
    }
}

fn write_places(at: &[ConfiguredAt], out: &mut dyn Write) -> std::io::Result<()> {
    for a in at {
        writeln!(
            out,
            "    {}:{} ({}, {})",
            terminal(&a.path),
            a.line,
            a.client,
            terminal(&a.account)
        )?;
    }
    Ok(())
}

/// `--list`: the targets and where each is configured; nothing is contacted.
fn write_list(found: &Targets, format: OutputFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    if format == OutputFormat::Json {
        #[derive(Serialize)]
        struct Listed<'a> {
            #[serde(flatten)]
            target: &'a probe::Target,
            configured_at: &'a [ConfiguredAt],
        }
        let targets: Vec<Listed<'_>> = found
            .configured
            .iter()
            .map(|c| Listed {
                target: &c.target,
                configured_at: &c.at,
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &serde_json::json!({ "targets": targets }))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} to probe (--list: nothing is contacted):",
        crate::report::plural(found.configured.len(), "server", "servers")
    )?;
    for c in &found.configured {
        let refused = c
            .target
            .host
            .trim_matches(['[', ']'])
            .parse()
            .ok()
            .and_then(probe::refused_address)
            .map(|why| format!(" — not contacted without --allow-link-local: {why}"))
            .unwrap_or_default();
        writeln!(out, "  {}{refused}", headline(&c.target))?;
        write_places(&c.at, out)?;
    }
    Ok(())
}

/// After the text report: what each server said, and what was sent to it.
fn write_servers(found: &Targets, probed: &Probed, out: &mut dyn Write) -> anyhow::Result<()> {
    if found.configured.is_empty() {
        writeln!(out, "No server to probe.")?;
        return Ok(());
    }
    writeln!(
        out,
        "\nProbed {} (one connection each; no login, no credential sent):",
        crate::report::plural(found.configured.len(), "server", "servers")
    )?;
    for c in &found.configured {
        let Some(o) = probed.get(&c.target) else {
            continue;
        };
        let verdict = match o.findings.len() {
            0 => "ok".to_owned(),
            n => crate::report::plural(n, "finding", "findings"),
        };
        let secs = o.elapsed_ms as f64 / 1000.0;
        writeln!(out, "  {}: {verdict} ({secs:.1} s)", headline(&c.target))?;
        if let Some(g) = &o.greeting {
            // Escaped already (every server text in an Outcome is); only cut here.
            writeln!(out, "    greeting: {}", cut(g))?;
        }
        if let Some(tls) = &o.tls {
            let verified = if tls.certificate_verified {
                "certificate verified".to_owned()
            } else {
                "certificate NOT verified (--insecure)".to_owned()
            };
            writeln!(out, "    TLS: {}, {verified}", tls.version)?;
        }
        if let Some(l) = &o.announced_limit {
            let mut parts = Vec::new();
            if let Some(n) = l.per_address {
                parts.push(format!("{n} connections per address"));
            }
            if let Some(n) = l.server_wide {
                parts.push(format!("{n} connections in all"));
            }
            if l.reached.is_some() {
                parts.push("reached now".to_owned());
            }
            if parts.is_empty() {
                parts.push("a limit without its number".to_owned());
            }
            writeln!(
                out,
                "    announced limit: {} (\"{}\")",
                parts.join(", "),
                cut(&l.text)
            )?;
        }
        let sent = if o.commands_sent.is_empty() {
            "nothing".to_owned()
        } else {
            o.commands_sent.join(", ")
        };
        writeln!(out, "    sent: {sent}")?;
        write_places(&c.at, out)?;
    }
    Ok(())
}
