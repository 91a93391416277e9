//! `overridden-setting`: a value that a higher layer overrides.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a value that a higher-precedence file replaces with a different value, so
    /// editing it has no effect: a prefs.js pref that user.js also sets (Thunderbird reads
    /// user.js after prefs.js at every start).
    ///
    /// ## Why is this bad?
    /// Changes made in the settings dialog, which writes prefs.js, are undone at the next
    /// start, and someone reading prefs.js sees a value that is not in effect.
    ///
    /// ## Example
    /// prefs.js:
    /// ```js
    /// user_pref("mail.server.server2.check_time", 30);
    /// ```
    /// user.js:
    /// ```js
    /// user_pref("mail.server.server2.check_time", 5);
    /// ```
    ///
    /// ## Fix
    /// None: decide which value you want and keep it in user.js.
    pub(crate) struct OverriddenSetting {
        name: "overridden-setting",
        severity: Info,
        fix: Never,
    }
}

impl Rule for OverriddenSetting {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::OverriddenSetting, out);
    }
}
