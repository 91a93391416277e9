//! `too-many-transfers`: an FTP client that runs more simultaneous transfers than the limit.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Value};
use crate::rules::{diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags a maximum number of simultaneous transfers above `max-transfers` (default 3):
    /// FileZilla's `Number of Transfers` (default 2, clamped to 1–10); WinSCP's
    /// `QueueTransfersLimit` in `[Configuration\Interface]` (default 2; a negative value
    /// removes the cap, so the background queue opens a connection for every queued item).
    ///
    /// ## Why is this bad?
    /// Each transfer is a connection of its own, on top of the one each tab uses for
    /// browsing. Many FTP servers allow only a few connections per IP and answer the rest
    /// with `421 Too many connections (8) from this IP`; hosting providers advise 2–3
    /// simultaneous transfers.
    ///
    /// ## Example
    /// ```xml
    /// <Setting name="Number of Transfers">10</Setting>
    /// ```
    /// Use instead:
    /// ```xml
    /// <Setting name="Number of Transfers">3</Setting>
    /// ```
    ///
    /// ```ini
    /// [Configuration\Interface]
    /// QueueTransfersLimit=-1
    /// ```
    /// Use instead:
    /// ```ini
    /// [Configuration\Interface]
    /// QueueTransfersLimit=3
    /// ```
    ///
    /// ## Fix
    /// safe: sets the value to `max-transfers`. Transfers queue up instead of failing.
    pub(crate) struct TooManyTransfers {
        name: "too-many-transfers",
        severity: Warning,
        fix: Always,
    }
}

impl Rule for TooManyTransfers {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let limit = ctx.settings.limits.max_transfers;
        let Some(t) = &profile.globals.transfers else {
            return;
        };
        // A negative count is no cap at all (WinSCP's QueueTransfersLimit < 0).
        if (0..=limit).contains(&t.value) {
            return;
        }
        let (label, how_many) = if t.value < 0 {
            ("no limit".to_owned(), "any number of".to_owned())
        } else {
            (
                format!("{} transfers", t.value),
                format!("up to {}", t.value),
            )
        };
        let mut d = diagnostic(
            self,
            profile,
            t.anchor(),
            label,
            format!(
                "{} runs {how_many} transfers at once ({}), more than the limit of {limit}: each is a connection of its own",
                profile.client.display(),
                t.provenance()
            ),
        );
        d.help = Some(format!(
            "servers often allow only a few connections per IP; {limit} simultaneous transfers are enough"
        ));
        d.fix = Fix::new(
            Applicability::Safe,
            format!("set the number of simultaneous transfers to {limit}"),
            vec![t.edit_to(&Value::Int(limit))],
        );
        out.push(d);
    }
}
