//! Fuzzes parse → fix → re-parse: the first byte picks the format (prefs.js,
//! sitemanager.xml, filezilla.xml, .prf, .reg); the plan must verify and every edit must
//! be exactly what changed.
#![no_main]

use clientlint::clients::filezilla::FzFileKind;
use clientlint_fuzz::{fix_roundtrip, As};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let as_ = match which % 5 {
        0 => As::PrefsJs,
        1 => As::FileZilla(FzFileKind::SiteManager),
        2 => As::FileZilla(FzFileKind::Settings),
        3 => As::Prf,
        _ => As::Reg,
    };
    fix_roundtrip(as_, rest);
});
