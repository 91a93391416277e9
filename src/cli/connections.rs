//! `clientlint connections`: per server, every profile's worst-case connections and the
//! total against the server's limit.

use std::io::Write;

use anyhow::Context as _;

use super::args::{ConnectionsArgs, RulesFormat};
use super::{resolve_settings, ExitStatus};
use crate::engine::{self, discover, Mode};
use crate::source::{FileId, Span};

/// `clientlint connections`: the per-server budget table.
pub(super) fn show(
    args: &ConnectionsArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let mut settings = resolve_settings(&args.config, &cwd)?;
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
    let locate = |anchor: (FileId, Span)| {
        let path = run.resolved.report().path_of(anchor.0).to_owned();
        let line = run.anchors.get(&anchor).map(|p| p.line).unwrap_or(0);
        (path, line)
    };
    let mut budgets = engine::connections::budgets(&run.shares, &locate, &settings);
    if args.over {
        budgets.retain(|b| b.over);
    }
    match args.format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &budgets)?;
            writeln!(out)?;
        }
        RulesFormat::Text | RulesFormat::Markdown => {
            engine::connections::write_text(&budgets, out)?
        }
    }
    Ok(if tool_error {
        ExitStatus::Error
    } else if budgets.iter().any(|b| b.over) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
