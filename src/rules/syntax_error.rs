//! `syntax-error`: a file, or part of one, that the client's own parser rejects.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports text that the client's own parser cannot read, and says what the client
    /// does with it. Thunderbird skips from the error to the next `;`, so a missing `);`
    /// also loses the next statement and an unterminated string can lose everything up to
    /// the end of the file; the message names every pref that is lost. Thunderbird then
    /// copies prefs.js to Invalidprefs.js and rewrites it without the skipped text.
    ///
    /// ## Why is this bad?
    /// The client silently runs without the lost settings: accounts disappear, limits you
    /// set do not apply, and the next save deletes the text for good.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server2.check_time", 10
    /// user_pref("mail.server.server2.max_cached_connections", 3);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server2.check_time", 10);
    /// user_pref("mail.server.server2.max_cached_connections", 3);
    /// ```
    ///
    /// ## Fix
    /// None: only you know what the statement was meant to say.
    pub(crate) struct SyntaxError {
        name: "syntax-error",
        severity: Error,
        fix: Never,
    }
}

impl Rule for SyntaxError {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::SyntaxError, out);
    }
}
