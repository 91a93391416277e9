//! The budgets as a table, for `clientlint connections` (a run's, or merged reports'): per
//! server, its connections against its limit and the verdict, then each contributing
//! profile (largest first) with its summed count, how it comes about, its poll interval
//! and where it is defined. Every value that comes from a file or a report is shown with
//! its control characters escaped (`crate::escape::terminal`).

use std::io::Write;

use super::Row;
use crate::escape::terminal as shown;
use crate::model::budget::{Contributor, Counted, Group, LimitSource};

/// Servers over their limit first, then in the order of [`crate::model::budget::groups`].
pub fn ordered<'g, 's, T>(groups: &'g [Group<'s, T>], over_only: bool) -> Vec<&'g Group<'s, T>> {
    let mut out: Vec<&Group<'s, T>> = groups.iter().filter(|g| g.over() || !over_only).collect();
    out.sort_by_key(|g| !g.over());
    out
}

/// Prints `groups` (see [`ordered`]); `row` gives each share's report row. `merged`: name
/// each profile's machine.
pub fn write<'s, T: Counted>(
    groups: &[&Group<'s, T>],
    row: &dyn Fn(&'s T) -> Row<'s>,
    merged: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if groups.is_empty() {
        return writeln!(out, "No servers found.");
    }
    for (i, g) in groups.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", heading(g))?;
        for c in &g.contributors {
            writeln!(out, "{}", contributor(c, row, merged))?;
        }
    }
    Ok(())
}

/// `IMAP imap.example.net: 9 of 8 connections from 3 profiles, OVER the limit`.
fn heading<T>(g: &Group<'_, T>) -> String {
    let who = g
        .user
        .map(|u| format!(" as {}", shown(u)))
        .unwrap_or_default();
    let network = if g.network.is_empty() {
        String::new()
    } else {
        format!(" from network {}", shown(g.network))
    };
    let profiles = match g.profiles() {
        1 => "1 profile".to_owned(),
        n => format!("{n} profiles"),
    };
    let verdict = if g.over() { "OVER" } else { "within" };
    let which = if g.user.is_some() {
        "the per-user limit"
    } else {
        "the limit"
    };
    let source = match &g.limit.source {
        LimitSource::Default => String::new(),
        LimitSource::Config => " (clientlint.toml)".to_owned(),
        LimitSource::Announced(said) => {
            format!(" (limit announced by the server: \"{}\")", shown(said))
        }
    };
    format!(
        "{} {}{who}{network}: {} of {} connections from {profiles}, {verdict} {which}{source}",
        g.protocol,
        shown(g.host),
        g.total,
        g.limit.value
    )
}

/// `    4  thunderbird account1 (server1)  [IMAP max_cached_connections 4]  polls every 10
/// min — ./tb/desktop/prefs.js:3 (./tb/desktop)`: one profile, its shares summed.
fn contributor<'s, T>(
    c: &Contributor<'s, T>,
    row: &dyn Fn(&'s T) -> Row<'s>,
    merged: bool,
) -> String {
    let rows: Vec<Row<'s>> = c.shares.iter().map(|s| row(s)).collect();
    let Some(first) = rows.first() else {
        return String::new();
    };
    let accounts: Vec<String> = rows.iter().map(|r| shown(r.account).into_owned()).collect();
    let why = if rows.iter().all(|r| r.why == first.why) {
        let each = if rows.len() > 1 { " each" } else { "" };
        format!("{}{each}", shown(first.why))
    } else {
        let each: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", shown(r.account), shown(r.why)))
            .collect();
        each.join("; ")
    };
    let managed: String = rows
        .iter()
        .filter_map(|r| r.managed_by)
        .map(|m| format!(", {}", shown(m)))
        .collect();
    let poll = rows
        .iter()
        .filter_map(|r| r.poll_minutes)
        .min()
        .map(|m| format!("polls every {m} min"))
        .unwrap_or_else(|| "no polling".to_owned());
    let machine = match first.machine {
        Some(m) if merged => format!("{}: ", shown(m)),
        _ => String::new(),
    };
    format!(
        "  {:>3}  {:<11} {}  [{why}{managed}]  {poll} — {}:{} ({machine}{})",
        c.connections,
        shown(first.client),
        accounts.join(", "),
        shown(first.path),
        first.line,
        shown(first.profile)
    )
}
