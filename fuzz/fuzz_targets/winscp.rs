//! Fuzzes the WinSCP readers (first byte: even WinSCP.ini, odd a `.reg` export) through
//! the whole lint pipeline, then parse → fix (unsafe fixes on) → re-parse.
#![no_main]

use clientlint_fuzz::{fix_roundtrip, lint, As};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let as_ = if which % 2 == 0 {
        As::WinscpIni
    } else {
        As::WinscpReg
    };
    lint(as_, rest);
    fix_roundtrip(as_, rest);
});
