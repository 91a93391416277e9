//! `clientlint config`: the effective settings and where each came from.

use std::io::Write;

use anyhow::Context as _;

use super::args::ConfigArgs;
use super::{resolve_settings, ExitStatus};
use crate::escape::terminal;

/// A string as a TOML basic string on one line: quoted, with `"`, `\` and every control
/// character escaped (`\u001B`, `\n`), so the output stays valid TOML and a hostile host
/// or glob cannot act on the terminal or start a line of its own.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || crate::escape::is_unsafe(c) => {
                out.push_str(&format!("\\u{:04X}", u32::from(c)))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `clientlint config`: the effective settings and where each came from.
pub(super) fn show(args: &ConfigArgs, out: &mut dyn Write) -> anyhow::Result<ExitStatus> {
    let cwd = std::env::current_dir().context("could not read the current directory")?;
    let s = resolve_settings(args, &cwd)?;
    let origin = |key: &str| {
        s.origins
            .get(key)
            .map(|o| terminal(o).into_owned())
            .unwrap_or_else(|| "default".to_owned())
    };
    match s.origins.get("config-file") {
        Some(path) => writeln!(out, "# configuration file: {}", terminal(path))?,
        None if args.isolated => writeln!(out, "# configuration files ignored (--isolated)")?,
        None => writeln!(out, "# no configuration file found")?,
    }
    let l = &s.limits;
    for limit in crate::settings::LIMITS {
        let key = limit.key;
        writeln!(out, "{key} = {}  # {}", (limit.get)(l), origin(key))?;
    }
    let list = |v: &[String]| {
        v.iter()
            .map(|r| toml_string(r))
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
    let hosts: std::collections::BTreeSet<&String> = l
        .server_limits
        .keys()
        .chain(l.per_user_limits.keys())
        .collect();
    for host in hosts {
        writeln!(out, "\n[servers.{}]", toml_string(host))?;
        let keys = [
            ("connection-limit", l.server_limits.get(host)),
            ("per-user-limit", l.per_user_limits.get(host)),
        ];
        for (key, limit) in keys {
            if let Some(limit) = limit {
                writeln!(
                    out,
                    "{key} = {limit}  # {}",
                    origin(&format!("servers.\"{host}\".{key}"))
                )?;
            }
        }
    }
    if !s.per_path_ignores.is_empty() {
        writeln!(out, "\n[per-path-ignores]")?;
        for p in &s.per_path_ignores {
            writeln!(
                out,
                "{} = [{}]  # {}",
                toml_string(&p.glob),
                list(&p.rules),
                origin(&format!("per-path-ignores.\"{}\"", p.glob))
            )?;
        }
    }
    Ok(ExitStatus::Success)
}
