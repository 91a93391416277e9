//! `clientlint probe` end to end, one test (at least) per probe rule, against real servers
//! on 127.0.0.1: client configuration files are written with the servers' ports, the binary
//! probes them, and the findings must point at each server's configuration line. The
//! probe rules have no static fixtures (tests/rules.rs, `COVERED_BY_THE_PROBE_SUITE`);
//! these tests are their fixtures. Each fails without the feature: without the probe the
//! same files give no finding at all.
//!
//! Tests marked `#[ignore]` need the servers `tests/probe/run.sh` starts (it runs them
//! with `--include-ignored`, the ports in `PROBE_PORT_*`, the test CA in `PROBE_CA`, the
//! recorders' logs in `PROBE_RECORD_DIR`); the others need nothing.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

#[path = "support/schema.rs"]
mod schema;
#[path = "support/servers.rs"]
mod servers;
use servers::{hold, port, recorded, STARTTLS_DIALOGS};

/// The test CA, as an argument.
fn ca() -> String {
    servers::ca().display().to_string()
}

const NEEDS: &str = "needs the servers of tests/probe/run.sh";

fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd.env("NO_COLOR", "1");
    cmd
}

// ---- configuration files --------------------------------------------------------------

/// One FileZilla site: `protocol` 0 (FTP, TLS if available), 1 (SFTP), 3 (implicit FTPS),
/// 4 (explicit FTPS), 6 (plain FTP). It stores a user and a password, which the probe must
/// never send.
fn site(name: &str, port: u16, protocol: u8) -> String {
    format!(
        "\t\t<Server>\n\t\t\t<Host>127.0.0.1</Host>\n\t\t\t<Port>{port}</Port>\n\
         \t\t\t<Protocol>{protocol}</Protocol>\n\t\t\t<Type>0</Type>\n\
         \t\t\t<User>alice</User>\n\t\t\t<Pass>secret-ftp-password</Pass>\n\
         \t\t\t<Logontype>1</Logontype>\n\t\t\t<Name>{name}</Name>\n\t\t</Server>\n"
    )
}

/// A FileZilla settings directory with these sites.
fn filezilla(dir: &Path, sites: &[String]) -> PathBuf {
    let fz = dir.join("filezilla");
    std::fs::create_dir_all(&fz).expect("mkdir");
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3.70.6\" \
         platform=\"*nix\">\n\t<Servers>\n{}\t</Servers>\n</FileZilla3>\n",
        sites.concat()
    );
    std::fs::write(fz.join("sitemanager.xml"), xml).expect("write");
    fz
}

/// A mail server of a Thunderbird profile.
struct Mail {
    kind: &'static str,
    port: u16,
    /// socketType / try_ssl: 0 none, 2 STARTTLS, 3 SSL/TLS.
    security: u8,
    /// authMethod: 3 normal password, 4 encrypted password, 10 OAuth2.
    auth: u8,
}

/// A Thunderbird profile with one account per incoming server and the SMTP servers, all
/// on 127.0.0.1 (or `host`), each storing a password the probe must never send.
fn thunderbird(dir: &Path, host: &str, servers: &[Mail]) -> PathBuf {
    let profile = dir.join("thunderbird");
    std::fs::create_dir_all(&profile).expect("mkdir");
    let mut prefs = String::from("// Mozilla User Preferences\n\n");
    let mut accounts = Vec::new();
    let mut smtps = Vec::new();
    for (i, s) in servers.iter().enumerate() {
        let n = i + 1;
        if s.kind == "smtp" {
            let b = format!("mail.smtpserver.smtp{n}");
            prefs.push_str(&format!(
                "user_pref(\"{b}.authMethod\", {});\nuser_pref(\"{b}.hostname\", \"{host}\");\n\
                 user_pref(\"{b}.password\", \"secret-mail-password\");\n\
                 user_pref(\"{b}.port\", {});\nuser_pref(\"{b}.try_ssl\", {});\n\
                 user_pref(\"{b}.username\", \"alice\");\n",
                s.auth, s.port, s.security
            ));
            smtps.push(format!("smtp{n}"));
        } else {
            let b = format!("mail.server.server{n}");
            prefs.push_str(&format!(
                "user_pref(\"mail.account.account{n}.server\", \"server{n}\");\n\
                 user_pref(\"{b}.authMethod\", {});\nuser_pref(\"{b}.hostname\", \"{host}\");\n\
                 user_pref(\"{b}.max_cached_connections\", 1);\n\
                 user_pref(\"{b}.password\", \"secret-mail-password\");\n\
                 user_pref(\"{b}.port\", {});\nuser_pref(\"{b}.socketType\", {});\n\
                 user_pref(\"{b}.type\", \"{}\");\nuser_pref(\"{b}.userName\", \"alice\");\n",
                s.auth, s.port, s.security, s.kind
            ));
            accounts.push(format!("account{n}"));
        }
    }
    prefs.push_str(&format!(
        "user_pref(\"mail.accountmanager.accounts\", \"{}\");\n\
         user_pref(\"mail.smtpservers\", \"{}\");\n",
        accounts.join(","),
        smtps.join(",")
    ));
    std::fs::write(profile.join("prefs.js"), prefs).expect("write");
    profile
}

// ---- running the probe ----------------------------------------------------------------

/// What one `clientlint probe --format json` run gave.
struct Run {
    code: i32,
    json: Value,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn diagnostics(&self) -> &[Value] {
        self.json["diagnostics"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// (rule, line, message) of every diagnostic.
    fn findings(&self) -> Vec<(String, u64, String)> {
        self.diagnostics()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap_or_default().to_owned(),
                    d["line"].as_u64().unwrap_or_default(),
                    d["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    fn rules(&self) -> Vec<String> {
        self.findings().into_iter().map(|(r, _, _)| r).collect()
    }

    fn probes(&self) -> &[Value] {
        self.json["probes"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// `clientlint probe --format json ARGS… PATH` (trusting the test CA unless `ARGS` say
/// otherwise).
fn probe(path: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let out = clientlint()
        .arg("probe")
        .args(["--format", "json"])
        .args(args)
        .arg(path)
        .output()
        .expect("runs");
    let elapsed = start.elapsed();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run {
        code: out.status.code().unwrap_or(-1),
        json,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
    }
}

/// The rules `clientlint check` reports for `path` (the static rules: the sites store a
/// password in clear text, and nothing else is wrong with them).
fn static_rules(path: &Path) -> Vec<String> {
    let out = clientlint()
        .args(["check", "--format", "json"])
        .arg(path)
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    json["diagnostics"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn trusting(path: &Path) -> Run {
    let ca = ca();
    probe(path, &["--ca-file", &ca])
}

/// The 1-based line of the first line of `file` containing `needle`.
fn line_of(file: &Path, needle: &str) -> u64 {
    let text = std::fs::read_to_string(file).expect("read");
    let i = text
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {}", file.display()));
    u64::try_from(i + 1).unwrap_or_default()
}

// ---- no server needed -----------------------------------------------------------------

#[test]
fn probe_unreachable_on_a_closed_loopback_port_points_at_the_host_line() {
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(dir.path(), &[site("Closed", closed, 4)]);
    // Without the probe: no probe finding.
    assert_eq!(static_rules(&fz), ["password-stored-unencrypted"]);
    let run = probe(&fz, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let file = fz.join("sitemanager.xml");
    assert_eq!(
        run.findings(),
        [(
            "probe-unreachable".to_owned(),
            line_of(&file, "<Host>"),
            format!(
                "FTP with explicit TLS (AUTH TLS) at `127.0.0.1:{closed}` of `Closed`: cannot \
                 connect to 127.0.0.1:{closed}: the connection was refused (nothing listens on \
                 that port)"
            )
        )]
    );
    let d = &run.diagnostics()[0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["account"], "Closed");
    assert_eq!(d["fix"], Value::Null);
    let p = &run.probes()[0];
    assert_eq!(p["target"]["port"], u64::from(closed));
    assert_eq!(p["commands_sent"], serde_json::json!([]));
    assert_eq!(p["findings"][0]["rule"], "probe-unreachable");
}

#[test]
fn probe_address_not_allowed_also_after_resolving_a_name() {
    // 2852039166 is 169.254.169.254 written as one number: not an address literal to
    // Rust, so it goes through the system resolver, which answers 169.254.169.254.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sites = Vec::new();
    for (name, host) in [
        ("Literal", "169.254.169.254"),
        ("Resolved", "2852039166"),
        ("IPv6", "fe80::1"),
    ] {
        sites.push(site(name, 21, 6).replace("127.0.0.1", host));
    }
    let fz = filezilla(dir.path(), &sites);
    let run = probe(&fz, &["--timeout", "3"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let got: Vec<(String, String)> = run
        .findings()
        .into_iter()
        .map(|(rule, _, message)| (rule, message))
        .collect();
    let expect = |host: &str, what: &str, account: &str| {
        (
            "probe-address-not-allowed".to_owned(),
            format!(
                "FTP with no TLS at `{host}:21` of `{account}`: not probed: {what}; pass \
                 --allow-link-local to probe it"
            ),
        )
    };
    assert_eq!(
        got,
        [
            expect(
                "169.254.169.254",
                "`169.254.169.254` is the cloud metadata address 169.254.169.254",
                "Literal"
            ),
            expect(
                "2852039166",
                "`2852039166` resolves only to 169.254.169.254 (the cloud metadata address \
                 169.254.169.254)",
                "Resolved"
            ),
            expect(
                "[fe80::1]",
                "`fe80::1` is a link-local address (fe80::/10)",
                "IPv6"
            ),
        ]
    );
    for p in run.probes() {
        assert_eq!(p["address"], Value::Null, "nothing was contacted: {p}");
    }
    assert!(run.diagnostics().iter().all(|d| d["severity"] == "warning"));
}

#[test]
fn probe_refuses_fix_and_diff_and_lists_without_connecting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(
        dir.path(),
        &[
            site("A", 21, 4),
            site("Meta", 21, 3).replace("127.0.0.1", "169.254.169.254"),
        ],
    );
    for flag in ["--fix", "--diff", "--unsafe-fixes"] {
        let out = clientlint()
            .args(["probe", flag])
            .arg(&fz)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("never changes a file"));
    }
    let out = clientlint()
        .args(["probe", "--select", "too-many-transfers"])
        .arg(&fz)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = clientlint()
        .args(["probe", "--list"])
        .arg(&fz)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let file = fz.join("sitemanager.xml");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "2 servers to probe (--list: nothing is contacted):\n  FTP 127.0.0.1:21, explicit \
             TLS (AUTH TLS)\n    {f}:5 (filezilla, A)\n  FTP 169.254.169.254:21, implicit TLS \
             — not contacted without --allow-link-local: the cloud metadata address \
             169.254.169.254\n    {f}:15 (filezilla, Meta)\n",
            f = file.display()
        )
    );
}

// ---- right and wrong TLS modes (the acceptance cases) ----------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn filezilla_explicit_ftps_against_vsftpd_has_no_finding_and_exits_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(dir.path(), &[site("Explicit", port("FTP"), 4)]);
    let run = trusting(&fz);
    assert_eq!(run.code, 0, "{:?}\n{}", run.findings(), run.stderr);
    assert_eq!(run.findings(), []);
    let p = &run.probes()[0];
    assert_eq!(
        p["commands_sent"],
        serde_json::json!(["AUTH TLS", "PBSZ 0", "PROT P", "FEAT", "QUIT"])
    );
    assert_eq!(p["tls"]["certificate_verified"], true);
    assert_eq!(p["greeting"], "220 (vsFTPd 3.0.3)");
    let _ = NEEDS;
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_tls_mode_mismatch_implicit_tls_on_the_explicit_port_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(dir.path(), &[site("Implicit", port("FTP"), 3)]);
    // Without the probe nothing says so: port-security-mismatch knows only 21 and 990.
    assert_eq!(static_rules(&fz), ["password-stored-unencrypted"]);
    let run = trusting(&fz);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let file = fz.join("sitemanager.xml");
    let ftp = port("FTP");
    assert_eq!(
        run.findings(),
        [(
            "probe-tls-mode-mismatch".to_owned(),
            line_of(&file, "<Protocol>"),
            format!(
                "FTP with implicit TLS at `127.0.0.1:{ftp}` of `Implicit`: the server at \
                 127.0.0.1:{ftp} answered the TLS handshake with a plain-text FTP greeting: the \
                 port does not speak implicit TLS (use STARTTLS or the implicit-TLS port): \
                 \"220 (vsFTPd 3.0.3)\""
            )
        )]
    );
    assert_eq!(
        run.diagnostics()[0]["help"],
        format!(
            "port {ftp} speaks plain text first: use STARTTLS on it, or SSL/TLS on the \
             implicit-TLS port (990)"
        )
    );
    // The other way round: STARTTLS (and plain IMAP) on Dovecot's implicit-TLS port.
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[Mail {
            kind: "imap",
            port: port("IMAPS"),
            security: 2,
            auth: 3,
        }],
    );
    let ca = ca();
    let run = probe(&tb, &["--ca-file", &ca, "--timeout", "4"]);
    assert_eq!(run.rules(), ["probe-tls-mode-mismatch"], "{}", run.stderr);
    assert!(run.findings()[0]
        .2
        .ends_with("the port speaks implicit TLS, but the configuration says STARTTLS"));
    assert_eq!(
        run.findings()[0].1,
        line_of(&tb.join("prefs.js"), "socketType")
    );
    assert!(run.elapsed < Duration::from_secs(4), "{:?}", run.elapsed);
}

// ---- certificates ---------------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_certificate_invalid_without_the_ca_and_for_another_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let imaps = Mail {
        kind: "imap",
        port: port("IMAPS"),
        security: 3,
        auth: 3,
    };
    let tb = thunderbird(dir.path(), "127.0.0.1", &[imaps]);
    // The self-signed test CA is not among the system's roots.
    let run = probe(&tb, &[]);
    assert_eq!(run.code, 1);
    let prefs = tb.join("prefs.js");
    assert_eq!(
        run.findings(),
        [(
            "probe-certificate-invalid".to_owned(),
            line_of(&prefs, "hostname"),
            format!(
                "IMAP with implicit TLS at `127.0.0.1:{}` of `account1`: the certificate is not \
                 signed by a trusted authority (self-signed or a private CA; see --ca-file)",
                port("IMAPS")
            )
        )]
    );
    assert_eq!(trusting(&tb).findings(), []);
    // The certificate names 127.0.0.1 and mail.test, not localhost.
    let dir = tempfile::tempdir().expect("tempdir");
    let pop3 = Mail {
        kind: "pop3",
        port: port("POP3"),
        security: 2,
        auth: 3,
    };
    let tb = thunderbird(dir.path(), "localhost", &[pop3]);
    let run = trusting(&tb);
    assert_eq!(run.rules(), ["probe-certificate-invalid"]);
    assert!(run.findings()[0]
        .2
        .ends_with("the certificate is not valid for the configured host name `localhost`"));
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn insecure_goes_past_the_certificate_and_every_finding_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let imap = Mail {
        kind: "imap",
        port: port("IMAP"),
        security: 2,
        auth: 4,
    };
    let tb = thunderbird(dir.path(), "127.0.0.1", &[imap]);
    let run = probe(&tb, &["--insecure"]);
    // In file order: authMethod sorts before hostname.
    assert_eq!(
        run.rules(),
        ["probe-auth-unavailable", "probe-certificate-invalid"]
    );
    for (_, _, message) in run.findings() {
        assert!(
            message.ends_with("(the certificate did not verify; --insecure continued past it)"),
            "{message}"
        );
    }
    assert!(run.stderr.contains("warning: --insecure"), "{}", run.stderr);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_tls_handshake_failed_when_the_server_offers_only_old_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let smtp = Mail {
        kind: "smtp",
        port: port("SMTPS_OLD"),
        security: 3,
        auth: 3,
    };
    let tb = thunderbird(dir.path(), "127.0.0.1", &[smtp]);
    let run = trusting(&tb);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.rules(),
        ["probe-tls-handshake-failed"],
        "{}",
        run.stderr
    );
    assert_eq!(
        run.findings()[0].1,
        line_of(&tb.join("prefs.js"), "try_ssl")
    );
}

// ---- refusals, limits and the connection budget ---------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_server_refuses_vsftpd_at_its_per_address_limit_quotes_the_421_within_the_timeout() {
    let held = hold(port("FTP_LIMIT"), 2);
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(dir.path(), &[site("Busy", port("FTP_LIMIT"), 6)]);
    let ca = ca();
    let run = probe(&fz, &["--ca-file", &ca, "--timeout", "5"]);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);
    assert_eq!(run.code, 1);
    let limit = port("FTP_LIMIT");
    assert_eq!(
        run.findings(),
        [(
            "probe-server-refuses".to_owned(),
            line_of(&fz.join("sitemanager.xml"), "<Host>"),
            format!(
                "FTP with no TLS at `127.0.0.1:{limit}` of `Busy`: the server at \
                 127.0.0.1:{limit} refused the connection (its per-address connection limit is \
                 reached): \"421 There are too many connections from your internet address.\""
            )
        )]
    );
    let announced = &run.probes()[0]["announced_limit"];
    assert_eq!(announced["reached"], "per-address");
    assert_eq!(
        announced["per_address"],
        Value::Null,
        "vsftpd gives no number"
    );
    drop(held);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn announced_per_address_limit_feeds_the_budget_and_connections() {
    // pure-ftpd -C 2: "421 Too many connections (2) from this IP" once two are open.
    let pure = port("FTP_PURE");
    let dir = tempfile::tempdir().expect("tempdir");
    // One site: 1 browsing + 2 transfers (FileZilla's default) = 3 connections.
    let fz = filezilla(dir.path(), &[site("Pure", pure, 6)]);
    // Not at its limit: the greeting states only the server-wide limit, the budget of 8
    // holds.
    let run = trusting(&fz);
    assert_eq!(run.code, 0, "{:?}", run.findings());
    let announced = &run.probes()[0]["announced_limit"];
    assert_eq!(
        (&announced["server_wide"], &announced["per_address"]),
        (&Value::from(50), &Value::Null)
    );
    let held = hold(pure, 2);
    let run = trusting(&fz);
    assert_eq!(run.code, 1);
    let host_line = line_of(&fz.join("sitemanager.xml"), "<Host>");
    let findings = run.findings();
    assert_eq!(
        findings.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        ["probe-server-refuses", "server-connection-budget-exceeded"]
    );
    assert_eq!(findings[0].1, host_line);
    assert!(findings[0]
        .2
        .ends_with("\"421 Too many connections (2) from this IP\""));
    assert_eq!(
        findings[1].2,
        "1 profile may open 3 FTP connections to `127.0.0.1`, more than its limit of 2 \
         (announced by the server: \"421 Too many connections (2) from this IP\")"
    );
    assert_eq!(run.probes()[0]["announced_limit"]["per_address"], 2);
    // `connections --probe`: the announced limit in the table and the verdict.
    let ca = ca();
    let out = clientlint()
        .args(["connections", "--probe", "--ca-file", &ca])
        .arg(&fz)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "FTP 127.0.0.1: 3 of 2 connections from 1 profile, OVER the limit (limit announced \
             by the server: \"421 Too many connections (2) from this IP\")\n"
        ),
        "{text}"
    );
    let out = clientlint()
        .args([
            "connections",
            "--probe",
            "--format",
            "json",
            "--ca-file",
            &ca,
        ])
        .arg(&fz)
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["servers"][0]["limit"], 2);
    assert_eq!(json["servers"][0]["limit_source"], "announced");
    // Without --probe: the default limit.
    let out = clientlint()
        .args(["connections", "--format", "json"])
        .arg(&fz)
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        (
            &json["servers"][0]["limit"],
            &json["servers"][0]["limit_source"]
        ),
        (&Value::from(8), &Value::from("default"))
    );
    assert_eq!(out.status.code(), Some(0));
    drop(held);
}

// ---- STARTTLS, authentication, protocol, time ------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_starttls_unavailable_on_vsftpd_and_dovecot_without_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(
        dir.path(),
        &[
            site("Explicit", port("FTP_NOTLS"), 4),
            site("IfAvailable", port("FTP_NOTLS"), 0),
        ],
    );
    let run = trusting(&fz);
    assert_eq!(run.code, 1);
    let file = fz.join("sitemanager.xml");
    let lines: Vec<u64> = run.findings().iter().map(|f| f.1).collect();
    assert_eq!(
        run.rules(),
        ["probe-starttls-unavailable", "probe-starttls-unavailable"]
    );
    assert_eq!(lines[0], line_of(&file, "<Protocol>4"));
    assert_eq!(lines[1], line_of(&file, "<Protocol>0"));
    assert!(run.findings()[0].2.ends_with(
        "refused AUTH TLS, so explicit FTPS cannot start: \"530 Please login with USER and PASS.\""
    ));
    // "TLS if available" falls back to plain text: the help says so.
    assert!(run.diagnostics()[1]["help"]
        .as_str()
        .unwrap_or_default()
        .starts_with("the client falls back to plain text, password included"));
    // One connection for both sites (same host, port, protocol and mode).
    assert_eq!(run.probes().len(), 1);
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[Mail {
            kind: "pop3",
            port: port("POP3_NOTLS"),
            security: 2,
            auth: 3,
        }],
    );
    let run = trusting(&tb);
    assert_eq!(run.rules(), ["probe-starttls-unavailable"]);
    assert_eq!(
        run.findings()[0].1,
        line_of(&tb.join("prefs.js"), "socketType")
    );
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_auth_unavailable_encrypted_password_on_dovecot_and_postfix_before_tls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[
            Mail {
                kind: "imap",
                port: port("IMAP"),
                security: 2,
                auth: 4,
            },
            Mail {
                kind: "smtp",
                port: port("SMTP"),
                security: 0,
                auth: 3,
            },
            Mail {
                kind: "smtp",
                port: port("SMTP"),
                security: 2,
                auth: 3,
            },
        ],
    );
    let run = trusting(&tb);
    assert_eq!(run.code, 1);
    let prefs = tb.join("prefs.js");
    let findings = run.findings();
    assert_eq!(
        findings
            .iter()
            .map(|f| (f.0.as_str(), f.1))
            .collect::<Vec<_>>(),
        [
            (
                "probe-auth-unavailable",
                line_of(&prefs, "server1.authMethod")
            ),
            (
                "probe-auth-unavailable",
                line_of(&prefs, "smtp2.authMethod")
            ),
        ],
        "{findings:?}"
    );
    assert!(findings[0].2.ends_with(
        "the IMAP server offers only the LOGIN command, PLAIN, LOGIN after TLS, but the account \
         is configured for an encrypted password (CRAM-MD5, DIGEST-MD5, SCRAM or APOP)"
    ));
    assert!(findings[1].2.contains("offers no authentication method"));
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_not_the_expected_protocol_imap_on_postfix_and_ftp_on_ssh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[Mail {
            kind: "imap",
            port: port("SMTP_NOTLS"),
            security: 0,
            auth: 3,
        }],
    );
    let run = trusting(&tb);
    assert_eq!(run.rules(), ["probe-not-the-expected-protocol"]);
    assert_eq!(run.findings()[0].1, line_of(&tb.join("prefs.js"), ".port"));
    assert!(run.findings()[0]
        .2
        .contains("greets like an SMTP server, not IMAP"));
    let fz = filezilla(dir.path(), &[site("Ssh", port("SSH"), 6)]);
    let run = trusting(&fz);
    assert_eq!(run.rules(), ["probe-not-the-expected-protocol"]);
    assert!(run.findings()[0]
        .2
        .ends_with("\"SSH-2.0-OpenSSH_9.2p1 clientlint-fake\""));
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_timeout_on_a_silent_server_within_the_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[Mail {
            kind: "pop3",
            port: port("SILENT"),
            security: 3,
            auth: 3,
        }],
    );
    let ca = ca();
    let run = probe(&tb, &["--ca-file", &ca, "--timeout", "2"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.rules(), ["probe-timeout"]);
    assert_eq!(
        run.findings()[0].1,
        line_of(&tb.join("prefs.js"), "hostname")
    );
    assert!(
        run.elapsed < Duration::from_secs(4),
        "2 s timeout, {:?}",
        run.elapsed
    );
}

// ---- never a credential; escaping; the JSON schema -------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn recording_servers_see_no_credential_from_the_cli() {
    let before: Vec<usize> = ["ftp", "imap", "pop3", "smtp"]
        .iter()
        .map(|p| recorded(p).len())
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(dir.path(), &[site("Rec", port("REC_FTP"), 4)]);
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[
            Mail {
                kind: "imap",
                port: port("REC_IMAP"),
                security: 2,
                auth: 3,
            },
            Mail {
                kind: "pop3",
                port: port("REC_POP3"),
                security: 2,
                auth: 4,
            },
            Mail {
                kind: "smtp",
                port: port("REC_SMTP"),
                security: 2,
                auth: 3,
            },
        ],
    );
    let ca = ca();
    let out = clientlint()
        .args(["probe", "--ca-file", &ca])
        .arg(&fz)
        .arg(&tb)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let expected = STARTTLS_DIALOGS;
    for ((proto, commands), skip) in expected.iter().zip(before) {
        let log: Vec<String> = recorded(proto).into_iter().skip(skip).collect();
        assert_eq!(log, *commands, "{proto}: what the server received");
        for line in &log {
            assert!(
                !line.contains("secret"),
                "{proto}: a password was sent: {line}"
            );
            assert!(
                !line.contains("alice"),
                "{proto}: a user name was sent: {line}"
            );
        }
    }
    // The text report says what was sent, and that nothing else was.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no login, no credential sent"), "{text}");
    assert!(text.contains("    sent: AUTH TLS, PBSZ 0, PROT P, FEAT, QUIT\n"));
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn server_text_is_escaped_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(dir.path(), &[site("Garbage", port("GARBAGE"), 6)]);
    for format in ["text", "concise", "github", "gitlab", "sarif", "json"] {
        let ca = ca();
        let out = clientlint()
            .args(["probe", "--format", format, "--ca-file", &ca])
            .arg(&fz)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}') && !stdout.contains('\u{9b}'),
            "{format}: a control character reached the output: {stdout:?}"
        );
        assert!(stdout.contains("x1b[2J"), "{format}: {stdout}");
    }
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn probe_json_validates_against_the_schema_with_real_servers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = filezilla(
        dir.path(),
        &[
            site("Explicit", port("FTP"), 4),
            site("Notls", port("FTP_NOTLS"), 6),
            site("Implicit", port("FTPS"), 3),
        ],
    );
    let tb = thunderbird(
        dir.path(),
        "127.0.0.1",
        &[Mail {
            kind: "imap",
            port: port("IMAP"),
            security: 2,
            auth: 4,
        }],
    );
    let ca = ca();
    let out = clientlint()
        .args(["probe", "--format", "json", "--ca-file", &ca])
        .arg(&fz)
        .arg(&tb)
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    // As shipped and closed: every field written is documented.
    schema::assert_valid(&schema::validators(), &doc, "probe --format json");
    let probes = doc["probes"].as_array().expect("probes");
    assert_eq!(probes.len(), 4);
    assert!(probes
        .iter()
        .any(|p| p["announced_limit"]["server_wide"] == 50));
}
