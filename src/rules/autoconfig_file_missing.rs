//! `autoconfig-file-missing`: a default prefs file names an AutoConfig file that is not in
//! the Thunderbird install directory.

use crate::diagnostic::Diagnostic;
use crate::model::{FileFindingKind, Profile};
use crate::rules::{report_findings, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `general.config.filename` in a default prefs file of a Thunderbird
    /// install (`defaults/pref/*.js`) that names an AutoConfig file which is not where
    /// that install reads it. Thunderbird 140 ESR reads the AutoConfig file only from the
    /// install directory, never from `/etc/thunderbird/`; Thunderbird 153 ESR (Debian's
    /// package) reads `/etc/thunderbird/<name>` first and the install directory's only
    /// when that is absent. The version is taken from the install's `application.ini`;
    /// versions between the two were not observed and are taken to behave as 140 did.
    ///
    /// ## Why is this bad?
    /// At every start Thunderbird shows a "Configuration Error" alert ("Failed to read the
    /// configuration file") and waits until someone dismisses it; started headless, it
    /// never starts at all. Every pref the AutoConfig file was meant to lock is missing.
    ///
    /// ## Example
    /// ```js
    /// // /usr/lib/thunderbird/defaults/pref/autoconfig.js
    /// pref("general.config.filename", "company.cfg");
    /// // but /usr/lib/thunderbird/company.cfg does not exist
    /// ```
    /// Use instead: install `company.cfg` next to the Thunderbird binary, or remove the
    /// line.
    ///
    /// ## Fix
    /// None: only the administrator knows whether the file or the line is wrong.
    pub(crate) struct AutoconfigFileMissing {
        name: "autoconfig-file-missing",
        severity: Error,
        fix: Never,
    }
}

impl Rule for AutoconfigFileMissing {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        report_findings(self, profile, FileFindingKind::AutoconfigMissing, out);
    }
}
