//! `unmapped-prf-key`: an Outlook PRF account key that its mapping section does not map.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a key in an Outlook PRF `[AccountN]` section that has no entry in the mapping
    /// section the account refers to (for example `[I_Mail]` or `[IMAP_I_Mail]`), so
    /// Outlook ignores it when it imports the file.
    ///
    /// ## Why is this bad?
    /// The setting silently does not reach the deployed profile: a port or SSL flag that
    /// the admin wrote is not applied on any desktop.
    ///
    /// ## Example
    /// ```ini
    /// [Account1]
    /// IMAPPort=993
    /// ; [IMAP_I_Mail] has no IMAPPort= line
    /// ```
    /// Use instead: add `IMAPPort=PT_LONG,0x0104` (the property the key maps to) to the
    /// mapping section, or use a key that the section maps. A file with the older mapping
    /// (`SMTPUseSSL=PT_LONG,0x0202`) ignores `SMTPSecureConnection`, and the other way round.
    ///
    /// Key and section names are compared case-insensitively, and the first copy of a key
    /// counts: Outlook's PRF reader is undocumented and this is inferred [INF] from how
    /// Windows INI readers behave.
    ///
    /// ## Fix
    /// None: the right property tag depends on the Outlook version the PRF targets.
    pub(crate) struct UnmappedPrfKey {
        name: "unmapped-prf-key",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for UnmappedPrfKey {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::UnmappedPrfKey, out);
    }
}
