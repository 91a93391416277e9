//! `clientlint connections`: per server, every profile's worst-case connections and the
//! total against the server's limit — of this run, or (`--merge`) of the connections
//! reports of many machines.

use std::io::{Read, Write};

use anyhow::Context as _;

use super::args::{ConnectionsArgs, RulesFormat};
use super::{resolve_settings, ExitStatus};
use crate::engine::connections::{label, machine_label, merge};
use crate::engine::{self, discover, Mode};
use crate::model::budget::{groups, Counted, Group};
use crate::report::connections::{table, Header, ReportShare, Row, RunShares};
use crate::settings::Settings;

/// `clientlint connections`: the per-server budget table or report.
pub(super) fn show(
    args: &ConnectionsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let mut settings = resolve_settings(&args.config, &cwd)?;
    if args.merge {
        return show_merged(args, &settings, out, err);
    }
    let h = &args.homes;
    let discovery = discover::from_args(&args.paths, &h.home, &h.root, h.sysroot.as_deref());
    let mut tool_error = false;
    for e in &discovery.errors {
        writeln!(err, "error: {}", crate::escape::terminal(e))?;
        tool_error = true;
    }
    for w in &discovery.warnings {
        writeln!(err, "warning: {}", crate::escape::terminal(w))?;
    }
    if args.probe {
        let (_, probed, probe_error) =
            super::probe::probe_units(&discovery.units, &settings, &args.probing, err)?;
        tool_error |= probe_error;
        super::probe::announce(&mut settings, &probed);
    }
    let run = engine::run(&discovery.units, &settings, Mode::Check, false);
    for e in &run.read_errors {
        writeln!(err, "error: {}", crate::escape::terminal(e))?;
        tool_error = true;
    }
    let report = run.resolved.report();
    let path_of = |id| report.path_of(id);
    let shares = RunShares {
        shares: &run.shares,
        places: &run.anchors,
        path_of: &path_of,
    };
    let groups = shares.groups(&settings.limits);
    match args.format {
        RulesFormat::Json => {
            let machine = machine_label(args.labels.machine_label.as_deref(), h.sysroot.as_deref());
            let network = args.labels.network.as_deref().and_then(label);
            let header = Header {
                machine: Some(&machine),
                network: network.as_deref(),
                machines: &[],
            };
            let rows = run.shares.iter().map(|s| shares.row(s));
            let kept = kept(&groups, args.over);
            crate::report::connections::write(header, rows, &kept, 0, out)?;
            writeln!(out)?;
        }
        RulesFormat::Text | RulesFormat::Markdown => {
            let row = |s| shares.row(s);
            table::write(&table::ordered(&groups, args.over), &row, false, out)?;
        }
    }
    Ok(verdict(tool_error, &groups))
}

/// `--merge`: the reports' shares, budgeted together with this machine's limits.
fn show_merged(
    args: &ConnectionsArgs,
    settings: &Settings,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    if args.paths.is_empty() {
        writeln!(
            err,
            "error: --merge needs the connections reports to add up"
        )?;
        return Ok(ExitStatus::Error);
    }
    let mut inputs = Vec::with_capacity(args.paths.len());
    for path in &args.paths {
        let name = path.display().to_string();
        let bytes = if name == "-" {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map(|_| buf)
                .map_err(|e| format!("cannot read standard input: {e}"))
        } else {
            std::fs::read(path).map_err(|e| format!("cannot read `{name}`: {e}"))
        };
        match bytes {
            Ok(bytes) => inputs.push((name, bytes)),
            Err(e) => {
                writeln!(err, "error: {e}")?;
                return Ok(ExitStatus::Error);
            }
        }
    }
    let merged = match merge(&inputs) {
        Ok(m) => m,
        Err(e) => {
            writeln!(err, "error: {e}")?;
            return Ok(ExitStatus::Error);
        }
    };
    drop(inputs);
    let groups = groups(&merged.shares, &settings.limits);
    match args.format {
        RulesFormat::Json => {
            let header = Header {
                machine: None,
                network: None,
                machines: &merged.machines,
            };
            let rows = merged.shares.iter().map(ReportShare::row);
            crate::report::connections::write(header, rows, &kept(&groups, args.over), 0, out)?;
            writeln!(out)?;
        }
        RulesFormat::Text | RulesFormat::Markdown => {
            let row: fn(&ReportShare) -> Row<'_> = ReportShare::row;
            table::write(&table::ordered(&groups, args.over), &row, true, out)?;
        }
    }
    Ok(verdict(false, &groups))
}

/// The groups a report lists: all, or with `--over` those over their limit.
fn kept<'g, 's, T>(groups: &'g [Group<'s, T>], over: bool) -> Vec<&'g Group<'s, T>> {
    groups.iter().filter(|g| g.over() || !over).collect()
}

/// Exit 2 on a tool error, 1 when a server is over its limit, else 0.
fn verdict<T: Counted>(tool_error: bool, groups: &[Group<'_, T>]) -> ExitStatus {
    if tool_error {
        ExitStatus::Error
    } else if groups.iter().any(Group::over) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
