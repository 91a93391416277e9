//! Fuzzes the FileZilla XML reader through the whole lint pipeline; the first byte picks
//! which FileZilla file the rest is read as.
#![no_main]

use clientlint::clients::filezilla::FzFileKind;
use clientlint_fuzz::{lint, As};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let kind = match which % 4 {
        0 => FzFileKind::Settings,
        1 => FzFileKind::Defaults,
        2 => FzFileKind::SiteManager,
        _ => FzFileKind::RecentServers,
    };
    lint(As::FileZilla(kind), rest);
});
