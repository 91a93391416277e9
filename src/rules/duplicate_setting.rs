//! `duplicate-setting`: the same key twice in one file.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a key set more than once in the same file, and says which copy the client
    /// uses: in prefs.js and user.js the last one wins; in a WinSCP.ini the first (as
    /// Delphi's INI reader finds it); in a `.reg` export the last.
    ///
    /// ## Why is this bad?
    /// Whoever edits the first copy sees no effect. Hand-edited and generated files often
    /// collect such copies, and the one that wins is not always the one meant.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.check_time", 1);
    /// user_pref("mail.server.server2.check_time", 15);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.check_time", 15);
    /// ```
    ///
    /// ## Fix
    /// None: deleting a line is left to you, so no data is removed behind your back.
    pub(crate) struct DuplicateSetting {
        name: "duplicate-setting",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for DuplicateSetting {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::DuplicateSetting, out);
    }
}
