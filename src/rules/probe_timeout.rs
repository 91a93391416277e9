//! `probe-timeout`: a configured server did not answer `clientlint probe` in time.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::probe::FindingKind;
use crate::rules::probed::{self, At, Report};
use crate::rules::{Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reported by `clientlint probe`: the configured server accepted no connection, sent
    /// no greeting, or did not answer a command within the probe's timeout (`--timeout`,
    /// default 10 s), which bounds each connection as a whole.
    ///
    /// ## Why is this bad?
    /// The client will hang until its own timeout and then fail or retry. A silent server
    /// often sits behind a firewall that drops packets, or is overloaded.
    ///
    /// ## Example
    /// A Thunderbird IMAP account on `mail.example.net:143` whose server accepts the
    /// connection but never sends `* OK`: `the server at 192.0.2.10:143 did not send the
    /// greeting within 10 s`.
    ///
    /// ## Fix
    /// None: check the port and the firewall, or raise `--timeout` for a slow server.
    pub(crate) struct ProbeTimeout {
        name: "probe-timeout",
        severity: Error,
        fix: Never,
    }
}

const REPORT: Report = Report {
    kind: FindingKind::Timeout,
    at: At::Host,
    label: "no answer in time",
    help: |_, _| {
        "check the port and any firewall on the way; for a slow server, raise --timeout".to_owned()
    },
};

impl Rule for ProbeTimeout {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        probed::report(self, &REPORT, profile, ctx, out);
    }
}
