//! Fuzzes the probe's reply parsers (FTP/SMTP numeric replies, IMAP lines, POP3 status and
//! multi-line responses, the SSH banner), the limit reader and the escaping of server text:
//! everything a probed server sends goes through them.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    clientlint_fuzz::probe_replies(data);
});
