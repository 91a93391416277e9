//! `policy-not-modelled`: a managing layer's setting clientlint lists but does not model.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Lists settings of a managing layer that clientlint reads but does not model: today
    /// the Group Policy keys for Outlook in a `.reg` export
    /// (`…\Software\Policies\Microsoft\Office\<version>\Outlook`, any case).
    ///
    /// ## Why is this bad?
    /// Policy values override what a user (or a PRF) sets, so the account settings
    /// clientlint reports may not be the ones Outlook uses. Which policy value overrides
    /// which account setting is not verified, so clientlint says the key is there rather
    /// than guess its effect.
    ///
    /// ## Example
    /// ```reg
    /// [HKEY_CURRENT_USER\Software\Policies\Microsoft\Office\16.0\Outlook\Options\Mail]
    /// "DisableAutoComplete"=dword:00000001
    /// ```
    ///
    /// ## Fix
    /// None: this is information.
    pub(crate) struct PolicyNotModelled {
        name: "policy-not-modelled",
        severity: Info,
        fix: Never,
    }
}

impl Rule for PolicyNotModelled {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::PolicyNotModelled, out);
    }
}
