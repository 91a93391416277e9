//! `autoconfig-first-line-ignored`: line 1 of an AutoConfig file holds a statement, which
//! Thunderbird never runs.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports an AutoConfig file (`.cfg`) whose first line holds more than a comment.
    /// Thunderbird always skips line 1 of the file (observed on Thunderbird 140 ESR: a
    /// `lockPref` there does not lock anything).
    ///
    /// ## Why is this bad?
    /// The statement on line 1 silently never applies, on every desktop that gets the file.
    ///
    /// ## Example
    /// ```js
    /// lockPref("mail.server.default.check_time", 15);
    /// lockPref("mail.server.default.max_cached_connections", 3);
    /// ```
    /// Use instead:
    /// ```js
    /// // AutoConfig
    /// lockPref("mail.server.default.check_time", 15);
    /// lockPref("mail.server.default.max_cached_connections", 3);
    /// ```
    ///
    /// ## Fix
    /// None: adding a comment line would make the skipped statement start to apply, which
    /// changes what the desktops do; the administrator decides.
    pub(crate) struct AutoconfigFirstLineIgnored {
        name: "autoconfig-first-line-ignored",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for AutoconfigFirstLineIgnored {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::AutoconfigFirstLine, out);
    }
}
