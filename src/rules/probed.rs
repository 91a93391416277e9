//! What the probe rules (`probe_*.rs`) share: each reports the probe's findings of one
//! kind on every server of a profile whose target was probed, at the setting the finding
//! is about — so two profiles that use one server both get the finding, each at its own
//! line. Without a probe (`clientlint check`) they report nothing.

use crate::diagnostic::Diagnostic;
use crate::escape::terminal;
use crate::model::{Profile, Server};
use crate::probe::{target_of, FindingKind, Target};
use crate::rules::{server_diagnostic, Context, RuleMeta};
use crate::source::{FileId, Span};

/// Which setting of the server a probe finding points at.
#[derive(Debug, Clone, Copy)]
pub(crate) enum At {
    /// The host name (where the server is, and the name its certificate must carry).
    Host,
    /// The port (a port that speaks another protocol).
    Port,
    /// The security mode (TLS mode, STARTTLS).
    Security,
    /// The authentication method.
    Auth,
}

/// How one probe rule reports its kind.
pub(crate) struct Report {
    pub(crate) kind: FindingKind,
    pub(crate) at: At,
    /// Drawn under the setting.
    pub(crate) label: &'static str,
    /// What to do about this server, probed as this target.
    pub(crate) help: fn(&Server, &Target) -> String,
}

/// Pushes a diagnostic of `rule` for every finding of `how.kind` on a server of `profile`.
pub(crate) fn report(
    rule: &dyn RuleMeta,
    how: &Report,
    profile: &Profile,
    ctx: &Context<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(probed) = ctx.probed else {
        return;
    };
    for server in &profile.servers {
        let Ok(target) = target_of(server) else {
            continue;
        };
        let Some(outcome) = probed.get(&target) else {
            continue;
        };
        for f in outcome.findings.iter().filter(|f| f.kind == how.kind) {
            let message = format!("{}: {}", describe(&target, server), f.message);
            let anchor = anchor(how.at, server);
            let mut d = server_diagnostic(rule, profile, server, anchor, how.label, message);
            d.help = Some((how.help)(server, &target));
            out.push(d);
        }
    }
}

fn anchor(at: At, server: &Server) -> (FileId, Span) {
    match at {
        At::Host => server.host.as_ref().map(|h| h.anchor()),
        At::Port => Some(server.port.anchor()),
        At::Security => Some(server.security.anchor()),
        At::Auth => server.auth.as_ref().map(|a| a.anchor()),
    }
    .unwrap_or(server.anchor)
}

/// `host:port`, an IPv6 address in brackets; escaped (the host comes from a file).
pub(crate) fn host_port(target: &Target) -> String {
    let host = terminal(&target.host);
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{}", target.port)
    } else {
        format!("{host}:{}", target.port)
    }
}

/// "IMAP with STARTTLS at `mail.example.net:143` of `account1`".
fn describe(target: &Target, server: &Server) -> String {
    let whose = match &server.account {
        Some(a) => format!("of `{}`", terminal(a)),
        None => format!("(`{}`)", terminal(&server.key)),
    };
    format!(
        "{} with {} at `{}` {whose}",
        server.protocol.name(),
        target.security.describe(target.protocol),
        host_port(target)
    )
}
