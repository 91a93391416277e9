//! `unknown-setting`: a key the client does not know.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a setting name the client does not know, with the closest known name when
    /// one is near (for example FileZilla's `Number of transfers` for `Number of
    /// Transfers`: names are case-sensitive). For WinSCP only the keys of a stored site
    /// (`[Sessions\…]`) are checked, against the ones WinSCP reads.
    ///
    /// ## Why is this bad?
    /// The client ignores the setting, so the limit it was meant to set does not apply,
    /// while the file looks as if it did.
    ///
    /// ## Example
    /// ```xml
    /// <Setting name="Number of transfers">2</Setting>
    /// ```
    /// Use instead:
    /// ```xml
    /// <Setting name="Number of Transfers">2</Setting>
    /// ```
    ///
    /// ## Fix
    /// None: renaming is left to you, since the name may belong to a newer client version.
    pub(crate) struct UnknownSetting {
        name: "unknown-setting",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for UnknownSetting {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::UnknownSetting, out);
    }
}
