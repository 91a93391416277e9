//! `autoconfig-not-evaluated`: an AutoConfig file runs JavaScript clientlint does not
//! evaluate.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports an AutoConfig file (`.cfg`) that does more than call `pref`, `defaultPref`,
    /// `lockPref`, `clearPref` or `unlockPref` with literal values at the top level:
    /// conditions, variables, `getenv`, other functions. AutoConfig files are JavaScript
    /// run with chrome privileges (on Thunderbird 140 ESR without a sandbox), and
    /// clientlint does not run them.
    ///
    /// ## Why is this bad?
    /// Prefs set in that code are not in clientlint's model, so the effective values it
    /// reports for the desktops may differ from what Thunderbird uses. It is also code that
    /// runs on every start of every desktop, with full privileges.
    ///
    /// ## Example
    /// ```js
    /// // AutoConfig
    /// if (getenv("USER") == "kiosk") { lockPref("mail.server.default.check_time", 30); }
    /// ```
    /// Use instead: plain calls for what all desktops share, and a separate file per
    /// group of desktops.
    ///
    /// ## Fix
    /// None.
    pub(crate) struct AutoconfigNotEvaluated {
        name: "autoconfig-not-evaluated",
        severity: Info,
        fix: Never,
    }
}

impl Rule for AutoconfigNotEvaluated {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::AutoconfigNotEvaluated, out);
    }
}
