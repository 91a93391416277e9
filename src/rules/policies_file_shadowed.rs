//! `policies-file-shadowed`: a Thunderbird install's `distribution/policies.json` that the
//! system-wide one hides.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `<install>/distribution/policies.json` when `/etc/thunderbird/policies/
    /// policies.json` also exists and differs from it. Thunderbird on Linux then uses the
    /// `/etc` file alone, even an empty one, and never merges the two (observed on
    /// Thunderbird 140 ESR). Two identical files are not reported.
    ///
    /// ## Why is this bad?
    /// The policies in the distribution file look deployed but apply nowhere; an admin who
    /// edits that file sees no effect.
    ///
    /// ## Example
    /// `/etc/thunderbird/policies/policies.json` holds `{"policies": {}}`, and
    /// `/usr/lib/thunderbird/distribution/policies.json` locks
    /// `mail.server.default.max_cached_connections`: the lock never applies.
    ///
    /// ## Fix
    /// None: merge the policies into one of the files and delete the other.
    pub(crate) struct PoliciesFileShadowed {
        name: "policies-file-shadowed",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for PoliciesFileShadowed {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::PoliciesShadowed, out);
    }
}
