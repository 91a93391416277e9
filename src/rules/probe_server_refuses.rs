//! `probe-server-refuses`: a server refused the probe's connection (421 and friends).

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the server refused the connection in its greeting
    /// or at once — FTP or SMTP `421` (and SMTP `554`), IMAP `* BYE`, POP3 `-ERR`, SMTP
    /// refusing `EHLO`, or a connection closed before any greeting. The finding quotes the
    /// server's words, escaped. When they state a per-address limit with its number
    /// ("421 Too many connections (8) from this IP"), that limit replaces the default of
    /// `server-connection-budget-exceeded` and `clientlint connections` for the server
    /// ("announced by the server"); a server-wide limit ("You are user number 3 of 50")
    /// is reported in the probe's output.
    ///
    /// ## Why is this bad?
    /// The client gets the same refusal. A `421 Too many connections` is the typical
    /// result of clients that open too many parallel connections or keep idle sessions
    /// alive: the connections of every client behind one address add up.
    ///
    /// ## Example
    /// A FileZilla site while the user's other transfers hold every connection the server
    /// allows one address: `421 Too many connections (8) from this IP`.
    ///
    /// ## Fix
    /// None from the probe; lower the connection counts that `clientlint connections` and
    /// the connection-budget rules point at, each of which has its own fix.
    pub(crate) struct ProbeServerRefuses {
        name: "probe-server-refuses",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::ServerRefuses,
    at: At::Host,
    label: "the server refused the connection",
    help: |_, _| {
        "if the server counts connections per address, lower what the clients behind this \
         address open (see `clientlint connections --probe`)"
            .to_owned()
    },
};

impl Rule for ProbeServerRefuses {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
