//! `clientlint connections`: the connection budget as a table — per server, each profile's
//! worst-case connections and poll interval, and the total against the server's limit.

use std::io::Write;

use serde::Serialize;

use crate::escape::terminal;
use crate::model::budget::{group_by_server, LimitSource, Share};
use crate::settings::Settings;
use crate::source::{FileId, Span};

/// One server's row group.
#[derive(Debug, Serialize)]
pub struct ServerBudget {
    pub host: String,
    pub protocol: &'static str,
    /// The login, when known.
    pub user: Option<String>,
    pub total: i64,
    pub limit: i64,
    /// Where `limit` comes from: `default` (server-connection-limit), `config` (the
    /// server's own connection-limit in clientlint.toml) or `announced` (by the server,
    /// when probed with `--probe`).
    pub limit_source: &'static str,
    /// The server's words, escaped, when it announced the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub announced: Option<String>,
    pub over: bool,
    pub contributors: Vec<Contributor>,
}

/// One profile's share.
#[derive(Debug, Serialize)]
pub struct Contributor {
    pub client: &'static str,
    pub profile: String,
    pub account: String,
    pub connections: i64,
    pub why: String,
    /// Minutes between automatic checks, when the client polls.
    pub poll_minutes: Option<i64>,
    /// The managing layer that decides the count, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    pub path: String,
    pub line: usize,
}

/// The budget of every server the shares use: servers over their limit first, then by
/// host. `locate` turns a share's anchor into a path and 1-based line; the limits are
/// `settings`' (with those the servers announced, after `--probe`).
pub fn budgets(
    shares: &[Share],
    locate: &dyn Fn((FileId, Span)) -> (String, usize),
    settings: &Settings,
) -> Vec<ServerBudget> {
    let mut out: Vec<ServerBudget> = group_by_server(shares)
        .into_iter()
        .map(|((host, protocol, user), group)| {
            let total: i64 = group.iter().map(|c| c.connections).sum();
            let limit = settings.limits.server_limit(host, protocol);
            let contributors = group
                .iter()
                .map(|c| {
                    let (path, line) = locate(c.anchor);
                    Contributor {
                        client: c.client.name(),
                        profile: c.profile.to_string(),
                        account: c.label.clone(),
                        connections: c.connections,
                        why: c.why.clone(),
                        poll_minutes: c.poll_minutes,
                        managed_by: c.managed_by.as_deref().map(str::to_owned),
                        path,
                        line,
                    }
                })
                .collect();
            ServerBudget {
                host: host.to_owned(),
                protocol,
                user: (!user.is_empty()).then(|| user.to_owned()),
                total,
                limit: limit.value,
                limit_source: limit.source.name(),
                announced: match limit.source {
                    LimitSource::Announced(said) => Some(said),
                    LimitSource::Default | LimitSource::Config => None,
                },
                over: total > limit.value,
                contributors,
            }
        })
        .collect();
    out.sort_by_key(|b| !b.over);
    out
}

/// Prints the budgets as a table.
pub fn write_text(budgets: &[ServerBudget], out: &mut dyn Write) -> std::io::Result<()> {
    if budgets.is_empty() {
        return writeln!(out, "No servers found.");
    }
    for (i, b) in budgets.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let user = b
            .user
            .as_deref()
            .map(|u| format!(" as {u}"))
            .unwrap_or_default();
        let verdict = if b.over {
            "OVER the limit"
        } else {
            "within the limit"
        };
        let source = b
            .announced
            .as_deref()
            .map(|text| format!(" (limit announced by the server: \"{text}\")"))
            .unwrap_or_default();
        writeln!(
            out,
            "{} {}{}: {} of {} connections, {verdict}{}",
            b.protocol,
            terminal(&b.host),
            terminal(&user),
            b.total,
            b.limit,
            terminal(&source)
        )?;
        for c in &b.contributors {
            let poll = c
                .poll_minutes
                .map(|m| format!("polls every {m} min"))
                .unwrap_or_else(|| "no polling".to_owned());
            let managed = c
                .managed_by
                .as_deref()
                .map(|m| format!(", {m}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:>3}  {:<11} {}  [{}{}]  {} — {}:{} ({})",
                c.connections,
                c.client,
                terminal(&c.account),
                terminal(&c.why),
                terminal(&managed),
                poll,
                terminal(&c.path),
                c.line,
                terminal(&c.profile)
            )?;
        }
    }
    Ok(())
}
