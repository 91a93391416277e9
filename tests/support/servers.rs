//! What the tests against the servers of `tests/probe/run.sh` share: their ports, the test
//! CA, the recorders' logs, and holding connections open.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

/// What a recorder (`ftp`, `imap`, `pop3`, `smtp`) receives from one probe with STARTTLS
/// configured: the whole dialog, and nothing that could carry a credential.
pub(crate) const STARTTLS_DIALOGS: [(&str, &[&str]); 4] = [
    ("ftp", &["AUTH TLS", "PBSZ 0", "PROT P", "FEAT", "QUIT"]),
    (
        "imap",
        &["a1 CAPABILITY", "a2 STARTTLS", "a3 CAPABILITY", "a9 LOGOUT"],
    ),
    ("pop3", &["CAPA", "STLS", "CAPA", "QUIT"]),
    (
        "smtp",
        &["EHLO [127.0.0.1]", "STARTTLS", "EHLO [127.0.0.1]", "QUIT"],
    ),
];

/// The port run.sh gave the server `name` (`PROBE_PORT_<name>`).
pub(crate) fn port(name: &str) -> u16 {
    let var = format!("PROBE_PORT_{name}");
    std::env::var(&var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{var} is not set: run tests/probe/run.sh"))
}

/// The test CA that signed every server's certificate (for 127.0.0.1 and mail.test).
pub(crate) fn ca() -> PathBuf {
    PathBuf::from(std::env::var("PROBE_CA").expect("PROBE_CA is not set: run tests/probe/run.sh"))
}

/// The lines a recorder (`ftp`, `imap`, `pop3`, `smtp`) has logged so far. The recorders
/// append, and several tests use them: compare what a test added.
pub(crate) fn recorded(proto: &str) -> Vec<String> {
    let dir = std::env::var("PROBE_RECORD_DIR")
        .expect("PROBE_RECORD_DIR is not set: run tests/probe/run.sh");
    std::fs::read_to_string(PathBuf::from(dir).join(format!("{proto}.log")))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Opens `n` connections to `port` and waits for each one's greeting, so the server has
/// counted them.
pub(crate) fn hold(port: u16, n: usize) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            s.set_read_timeout(Some(Duration::from_secs(5)))
                .expect("timeout");
            let mut line = String::new();
            BufReader::new(&s).read_line(&mut line).expect("greeting");
            assert!(line.starts_with("220"), "{line:?}");
            s
        })
        .collect()
}
