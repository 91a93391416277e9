//! Fuzzes the profiles_ini reader through the whole lint pipeline (parse, model, rules, output).
#![no_main]

use clientlint_fuzz::{lint, As};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    lint(As::ProfilesIni, data);
});
