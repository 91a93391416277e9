//! `invalid-value`: a value the client rejects, clamps or ignores.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports values the client will not use as written: the wrong type (Thunderbird
    /// rejects `check_time` given as a string and keeps the default), an integer outside
    /// the client's range (Thunderbird skips the statement), an unknown enum value (a
    /// `socketType` of 5), a port outside 1–65535, text that is not valid UTF-8; for
    /// WinSCP also a number stored as text in a registry export (WinSCP then uses its
    /// default) and a site `Timeout` of 0, which does not switch the timeout off but makes
    /// WinSCP give up waiting for the server at once. The message says what the client
    /// does instead.
    ///
    /// ## Why is this bad?
    /// The setting you see in the file is not the one in effect, so the file misleads
    /// whoever reads it next, and a limit you meant to set does not apply.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.check_time", "30");
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.check_time", 30);
    /// ```
    ///
    /// ## Fix
    /// None: the intended value is not always clear from the rejected one.
    pub(crate) struct InvalidValue {
        name: "invalid-value",
        severity: Error,
        fix: Never,
    }
}

impl Rule for InvalidValue {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::InvalidValue, out);
    }
}
