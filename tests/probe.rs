//! `clientlint::probe` against real servers on 127.0.0.1 (issue 20).
//!
//! The tests marked `#[ignore]` need the servers that `tests/probe/run.sh` installs and
//! starts (Dovecot, Postfix, vsftpd and the Python fakes); it runs them with
//! `--include-ignored` and passes the ports in `PROBE_PORT_*`, the test CA in `PROBE_CA`
//! and the recorders' logs in `PROBE_RECORD_DIR`. The others need nothing.
//! Only 127.0.0.1 is ever contacted.

use std::net::TcpListener;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clientlint::probe::{
    probe, probe_all, AuthMethod, FindingKind, LimitScope, Options, Outcome, Protocol, Security,
    Target, TlsStart,
};

#[path = "support/servers.rs"]
mod servers;
use servers::{ca, hold, port, recorded, STARTTLS_DIALOGS};

const NEEDS: &str = "needs the servers of tests/probe/run.sh";

fn target(host: &str, port: u16, protocol: Protocol, security: Security) -> Target {
    Target {
        host: host.to_owned(),
        port,
        protocol,
        security,
        auth: None,
    }
}

fn local(port_name: &str, protocol: Protocol, security: Security) -> Target {
    target("127.0.0.1", port(port_name), protocol, security)
}

/// Options that trust the test CA, with a timeout of `secs`.
fn trusting(secs: u64) -> Options {
    Options {
        timeout: Duration::from_secs(secs),
        ca_file: Some(ca()),
        ..Options::default()
    }
}

fn run(t: &Target, options: &Options) -> Outcome {
    probe(t, options).expect("the probe could not start")
}

fn kinds(o: &Outcome) -> Vec<FindingKind> {
    o.findings.iter().map(|f| f.kind).collect()
}

fn only(o: &Outcome, kind: FindingKind) -> &clientlint::probe::ProbeFinding {
    assert_eq!(kinds(o), [kind], "{o:#?}");
    &o.findings[0]
}

fn no_control_characters(o: &Outcome) {
    let json = serde_json::to_string(o).expect("serializable");
    let value: serde_json::Value = serde_json::from_str(&json).expect("json");
    fn walk(v: &serde_json::Value) {
        match v {
            serde_json::Value::String(s) => assert!(!s.chars().any(char::is_control), "{s:?}"),
            serde_json::Value::Array(a) => {
                for v in a {
                    walk(v);
                }
            }
            serde_json::Value::Object(m) => {
                for v in m.values() {
                    walk(v);
                }
            }
            _ => {}
        }
    }
    walk(&value);
}

// ---- no server needed ------------------------------------------------------------------

#[test]
fn closed_port_is_unreachable() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let o = run(
        &target("127.0.0.1", port, Protocol::Imap, Security::ImplicitTls),
        &Options::default(),
    );
    let f = only(&o, FindingKind::Unreachable);
    assert_eq!(
        f.message,
        format!("cannot connect to 127.0.0.1:{port}: the connection was refused (nothing listens on that port)")
    );
    assert!(o.commands_sent.is_empty());
    assert!(o.elapsed_ms < 2000, "{}", o.elapsed_ms);
}

#[test]
fn link_local_and_metadata_addresses_are_not_contacted() {
    for (host, why) in [
        (
            "169.254.169.254",
            "the cloud metadata address 169.254.169.254",
        ),
        ("[fe80::1]", "a link-local address (fe80::/10)"),
    ] {
        let o = run(
            &target(host, 143, Protocol::Imap, Security::StartTls),
            &Options::default(),
        );
        let f = only(&o, FindingKind::AddressNotAllowed);
        assert_eq!(
            f.message,
            format!("not probed: `{host}` is {why}; pass --allow-link-local to probe it")
        );
        assert_eq!(o.address, None);
    }
}

#[test]
fn a_bad_ca_file_is_a_tool_error() {
    let options = Options {
        ca_file: Some(PathBuf::from("/nonexistent/ca.pem")),
        ..Options::default()
    };
    let err = probe(
        &target("127.0.0.1", 1, Protocol::Imap, Security::None),
        &options,
    )
    .expect_err("a missing CA file must fail the run");
    assert!(
        err.to_string()
            .starts_with("cannot use the CA file `/nonexistent/ca.pem`"),
        "{err}"
    );
}

#[test]
fn hostile_host_names_are_escaped_in_every_message() {
    let host = "\u{1b}]52;c;aGk=\u{7}\n::error::x";
    let options = Options {
        timeout: Duration::from_secs(3),
        ..Options::default()
    };
    let o = run(&target(host, 21, Protocol::Ftp, Security::None), &options);
    assert_eq!(o.findings.len(), 1, "{o:#?}");
    assert!(
        o.findings[0]
            .message
            .contains("`\\x1b]52;c;aGk=\\x07\\n::error::x`"),
        "{}",
        o.findings[0].message
    );
    // The target keeps the configured value; everything the probe wrote is escaped.
    let mut o = o;
    o.target.host = String::new();
    no_control_characters(&o);
}

// ---- right mode: no finding -----------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn explicit_ftps_on_vsftpd_has_no_finding() {
    let o = run(
        &local("FTP", Protocol::Ftp, Security::StartTls),
        &trusting(10),
    );
    assert_eq!(kinds(&o), [], "{o:#?}");
    assert_eq!(
        o.commands_sent,
        ["AUTH TLS", "PBSZ 0", "PROT P", "FEAT", "QUIT"]
    );
    assert_eq!(o.greeting.as_deref(), Some("220 (vsFTPd 3.0.3)"));
    let tls = o.tls.as_ref().expect("TLS");
    assert_eq!(tls.started, TlsStart::Starttls);
    assert!(tls.certificate_verified);
    assert!(
        ["TLSv1.2", "TLSv1.3"].contains(&tls.version.as_str()),
        "{}",
        tls.version
    );
    assert!(
        o.capabilities.iter().any(|c| c == "PROT"),
        "{:?}",
        o.capabilities
    );
    let _ = NEEDS;
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn implicit_ftps_on_vsftpd_has_no_finding() {
    let o = run(
        &local("FTPS", Protocol::Ftp, Security::ImplicitTls),
        &trusting(10),
    );
    assert_eq!(kinds(&o), [], "{o:#?}");
    assert_eq!(o.commands_sent, ["PBSZ 0", "PROT P", "FEAT", "QUIT"]);
    assert_eq!(o.tls.as_ref().map(|t| t.started), Some(TlsStart::Implicit));
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn dovecot_imap_and_pop3_in_both_tls_modes_have_no_finding() {
    let mut cases = Vec::new();
    for (name, protocol, security) in [
        ("IMAP", Protocol::Imap, Security::StartTls),
        ("IMAPS", Protocol::Imap, Security::ImplicitTls),
        ("POP3", Protocol::Pop3, Security::StartTls),
        ("POP3S", Protocol::Pop3, Security::ImplicitTls),
    ] {
        let mut t = local(name, protocol, security);
        t.auth = Some(AuthMethod::PasswordCleartext);
        cases.push(t);
    }
    let outcomes = probe_all(&cases, &trusting(10)).expect("probe");
    let sent: Vec<Vec<String>> = outcomes.iter().map(|o| o.commands_sent.clone()).collect();
    assert_eq!(
        sent,
        [
            vec!["a1 CAPABILITY", "a2 STARTTLS", "a3 CAPABILITY", "a9 LOGOUT"],
            vec!["a1 CAPABILITY", "a9 LOGOUT"],
            vec!["CAPA", "STLS", "CAPA", "QUIT"],
            vec!["CAPA", "QUIT"],
        ]
    );
    for o in &outcomes {
        assert_eq!(kinds(o), [], "{o:#?}");
        assert!(
            o.tls
                .as_ref()
                .map(|t| t.certificate_verified)
                .unwrap_or(false),
            "{o:#?}"
        );
    }
    assert!(
        outcomes[0]
            .greeting
            .as_deref()
            .unwrap_or_default()
            .contains("Dovecot"),
        "{:?}",
        outcomes[0].greeting
    );
    assert!(
        outcomes[0].capabilities.iter().any(|c| c == "AUTH=PLAIN"),
        "{:?}",
        outcomes[0].capabilities
    );
    assert!(
        !outcomes[0].capabilities.iter().any(|c| c == "STARTTLS"),
        "capabilities are re-read after TLS"
    );
    assert!(
        outcomes[2].capabilities.iter().any(|c| c == "USER"),
        "{:?}",
        outcomes[2].capabilities
    );
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn postfix_submission_with_starttls_and_auth_and_smtps_have_no_finding() {
    let mut sub = local("SMTP", Protocol::Smtp, Security::StartTls);
    sub.auth = Some(AuthMethod::PasswordCleartext);
    let mut smtps = local("SMTPS", Protocol::Smtp, Security::ImplicitTls);
    smtps.auth = Some(AuthMethod::PasswordCleartext);
    let outcomes = probe_all(&[sub, smtps], &trusting(10)).expect("probe");
    assert_eq!(kinds(&outcomes[0]), [], "{:#?}", outcomes[0]);
    assert_eq!(kinds(&outcomes[1]), [], "{:#?}", outcomes[1]);
    assert_eq!(
        outcomes[0].greeting.as_deref(),
        Some("220 mail.test ESMTP Postfix")
    );
    assert_eq!(
        outcomes[0].commands_sent,
        ["EHLO [127.0.0.1]", "STARTTLS", "EHLO [127.0.0.1]", "QUIT"]
    );
    assert_eq!(outcomes[1].commands_sent, ["EHLO [127.0.0.1]", "QUIT"]);
    assert!(
        outcomes[0]
            .capabilities
            .iter()
            .any(|c| c == "AUTH PLAIN LOGIN"),
        "{:?}",
        outcomes[0].capabilities
    );
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn sftp_reads_the_ssh_banner_and_sends_nothing() {
    let o = run(&local("SSH", Protocol::Sftp, Security::None), &trusting(5));
    assert_eq!(kinds(&o), []);
    assert_eq!(
        o.greeting.as_deref(),
        Some("SSH-2.0-OpenSSH_9.2p1 clientlint-fake")
    );
    assert!(o.commands_sent.is_empty());
    assert!(o.tls.is_none());
}

// ---- wrong mode, both ways ---------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn implicit_tls_configured_on_a_plain_text_port() {
    let o = run(
        &local("FTP", Protocol::Ftp, Security::ImplicitTls),
        &trusting(10),
    );
    let f = only(&o, FindingKind::TlsModeMismatch);
    assert_eq!(f.server_text.as_deref(), Some("220 (vsFTPd 3.0.3)"));
    assert!(
        f.message
            .contains("answered the TLS handshake with a plain-text FTP greeting"),
        "{}",
        f.message
    );
    assert!(o.commands_sent.is_empty());
    let o = run(
        &local("IMAP", Protocol::Imap, Security::ImplicitTls),
        &trusting(10),
    );
    let f = only(&o, FindingKind::TlsModeMismatch);
    assert!(
        f.server_text
            .as_deref()
            .unwrap_or_default()
            .starts_with("* OK"),
        "{f:?}"
    );
    assert!(o.elapsed_ms < 3000, "{}", o.elapsed_ms);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn starttls_or_plain_configured_on_an_implicit_tls_port() {
    let options = trusting(4);
    for (name, protocol, security) in [
        ("FTPS", Protocol::Ftp, Security::StartTls),
        ("IMAPS", Protocol::Imap, Security::StartTls),
        ("SMTPS", Protocol::Smtp, Security::None),
    ] {
        let o = run(&local(name, protocol, security), &options);
        let f = only(&o, FindingKind::TlsModeMismatch);
        assert!(
            f.message.ends_with(&format!(
                "sent no greeting and answered a TLS handshake instead: the port speaks implicit TLS, but the configuration says {}",
                security.describe(protocol)
            )),
            "{}",
            f.message
        );
        assert!(o.commands_sent.is_empty(), "{:?}", o.commands_sent);
        // Half the timeout of silence, then the handshake: well within the timeout.
        assert!(
            (1900..3900).contains(&o.elapsed_ms),
            "{name}: {} ms",
            o.elapsed_ms
        );
    }
}

// ---- certificates ----------------------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn self_signed_ca_is_invalid_without_ca_file_and_fine_with_it() {
    let t = local("IMAPS", Protocol::Imap, Security::ImplicitTls);
    let untrusted = Options {
        timeout: Duration::from_secs(10),
        ..Options::default()
    };
    let o = run(&t, &untrusted);
    let f = only(&o, FindingKind::CertificateInvalid);
    assert_eq!(
        f.message,
        "the certificate is not signed by a trusted authority (self-signed or a private CA; see --ca-file)"
    );
    assert!(o.commands_sent.is_empty());
    let o = run(&t, &trusting(10));
    assert_eq!(kinds(&o), []);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn certificate_must_match_the_configured_host_name() {
    // The certificate names 127.0.0.1 and mail.test, not localhost.
    let t = target(
        "localhost",
        port("POP3"),
        Protocol::Pop3,
        Security::StartTls,
    );
    let o = run(&t, &trusting(10));
    let f = only(&o, FindingKind::CertificateInvalid);
    assert_eq!(
        f.message,
        "the certificate is not valid for the configured host name `localhost`"
    );
    assert_eq!(o.commands_sent, ["CAPA", "STLS"]);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn insecure_continues_past_a_bad_certificate_and_says_so_everywhere() {
    let mut t = local("IMAP", Protocol::Imap, Security::StartTls);
    t.auth = Some(AuthMethod::PasswordEncrypted);
    let options = Options {
        timeout: Duration::from_secs(10),
        insecure: true,
        ..Options::default()
    };
    let o = run(&t, &options);
    assert_eq!(
        kinds(&o),
        [
            FindingKind::CertificateInvalid,
            FindingKind::AuthUnavailable
        ],
        "{o:#?}"
    );
    for f in &o.findings {
        assert!(
            f.message
                .ends_with(" (the certificate did not verify; --insecure continued past it)"),
            "{}",
            f.message
        );
    }
    assert_eq!(
        o.commands_sent,
        ["a1 CAPABILITY", "a2 STARTTLS", "a3 CAPABILITY", "a9 LOGOUT"]
    );
    let tls = o.tls.as_ref().expect("TLS");
    assert!(!tls.certificate_verified);
    assert!(tls
        .certificate_error
        .as_deref()
        .unwrap_or_default()
        .contains("not signed by a trusted authority"));
}

// ---- refusals and limits ---------------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn vsftpd_at_its_per_address_limit_answers_421_and_the_finding_quotes_it() {
    let held = hold(port("FTP_LIMIT"), 2);
    let start = Instant::now();
    let o = run(
        &local("FTP_LIMIT", Protocol::Ftp, Security::None),
        &trusting(10),
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    let f = only(&o, FindingKind::ServerRefuses);
    assert_eq!(
        f.server_text.as_deref(),
        Some("421 There are too many connections from your internet address.")
    );
    assert_eq!(
        f.message,
        format!(
            "the server at 127.0.0.1:{} refused the connection (its per-address connection limit is reached): \"421 There are too many connections from your internet address.\"",
            port("FTP_LIMIT")
        )
    );
    let limit = o.announced_limit.as_ref().expect("limit");
    assert_eq!(
        (limit.reached, limit.per_address, limit.server_wide),
        (Some(LimitScope::PerAddress), None, None)
    );
    assert!(o.commands_sent.is_empty());
    drop(held);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn postfix_at_its_per_address_limit_answers_421() {
    let held = hold(port("SMTP_LIMIT"), 1);
    let o = run(
        &local("SMTP_LIMIT", Protocol::Smtp, Security::None),
        &trusting(10),
    );
    let f = only(&o, FindingKind::ServerRefuses);
    assert_eq!(
        f.server_text.as_deref(),
        Some("421 4.7.0 mail.test Error: too many connections from 127.0.0.1")
    );
    assert_eq!(
        o.announced_limit.as_ref().and_then(|l| l.reached),
        Some(LimitScope::PerAddress)
    );
    assert!(o.elapsed_ms < 3000, "{}", o.elapsed_ms);
    drop(held);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn a_user_n_of_m_greeting_announces_a_server_wide_limit() {
    let o = run(
        &local("FTP_NOTLS", Protocol::Ftp, Security::None),
        &trusting(10),
    );
    assert_eq!(kinds(&o), []);
    assert_eq!(
        o.greeting.as_deref(),
        Some("220 You are user number 1 of 50 allowed.")
    );
    let limit = o.announced_limit.expect("limit");
    assert_eq!(
        (limit.per_address, limit.server_wide, limit.reached),
        (None, Some(50), None)
    );
    assert_eq!(o.commands_sent, ["FEAT", "QUIT"]);
}

// ---- misbehaving servers ---------------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn a_server_that_never_answers_times_out_within_the_timeout() {
    let o = run(
        &local("SILENT", Protocol::Imap, Security::StartTls),
        &trusting(4),
    );
    let f = only(&o, FindingKind::Timeout);
    assert_eq!(
        f.message,
        format!(
            "the server at 127.0.0.1:{} did not send the greeting within 4 s",
            port("SILENT")
        )
    );
    assert!((3900..5000).contains(&o.elapsed_ms), "{} ms", o.elapsed_ms);
    assert!(o.commands_sent.is_empty());
    let o = run(
        &local("SILENT", Protocol::Pop3, Security::ImplicitTls),
        &trusting(3),
    );
    only(&o, FindingKind::Timeout);
    assert!((2900..4000).contains(&o.elapsed_ms), "{} ms", o.elapsed_ms);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn a_server_that_dribbles_bytes_still_times_out_within_the_timeout() {
    let o = run(
        &local("DRIBBLE", Protocol::Smtp, Security::None),
        &trusting(3),
    );
    let f = only(&o, FindingKind::Timeout);
    assert!(
        f.message.ends_with("did not send the greeting within 3 s"),
        "{}",
        f.message
    );
    assert!((2900..4000).contains(&o.elapsed_ms), "{} ms", o.elapsed_ms);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn garbage_is_not_the_expected_protocol_and_is_escaped() {
    for protocol in [
        Protocol::Ftp,
        Protocol::Imap,
        Protocol::Pop3,
        Protocol::Smtp,
    ] {
        let o = run(&local("GARBAGE", protocol, Security::None), &trusting(5));
        let f = only(&o, FindingKind::NotTheExpectedProtocol);
        assert_eq!(
            f.server_text.as_deref(),
            Some("\\x00\\x01\u{fffd}\u{fffd}\\x1b[2J\\x1b]52;c;aGVsbG8=\\x07 garbage \u{fffd}31m"),
            "{protocol:?}"
        );
        assert!(
            f.message
                .contains(&format!("sent something that is not {}", protocol.name())),
            "{}",
            f.message
        );
        assert!(o.elapsed_ms < 1000, "{} ms", o.elapsed_ms);
        no_control_characters(&o);
    }
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn an_endless_line_ends_in_a_finding_at_once() {
    for (name, protocol) in [
        ("ENDLESS", Protocol::Ftp),
        ("ENDLESS", Protocol::Smtp),
        ("ENDLESS_IMAP", Protocol::Imap),
        ("ENDLESS_POP3", Protocol::Pop3),
        ("ENDLESS_SSH", Protocol::Sftp),
    ] {
        let o = run(&local(name, protocol, Security::None), &trusting(5));
        let f = only(&o, FindingKind::NotTheExpectedProtocol);
        assert!(
            f.message
                .contains("sent a line longer than 8192 bytes as the greeting"),
            "{protocol:?}: {}",
            f.message
        );
        assert!(o.elapsed_ms < 1500, "{} ms", o.elapsed_ms);
    }
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn another_protocols_greeting_is_named() {
    let o = run(&local("SSH", Protocol::Ftp, Security::None), &trusting(5));
    let f = only(&o, FindingKind::NotTheExpectedProtocol);
    assert!(
        f.message.contains("greets like an SSH server, not FTP"),
        "{}",
        f.message
    );
    assert_eq!(
        f.server_text.as_deref(),
        Some("SSH-2.0-OpenSSH_9.2p1 clientlint-fake")
    );
    let o = run(&local("SMTP", Protocol::Imap, Security::None), &trusting(5));
    let f = only(&o, FindingKind::NotTheExpectedProtocol);
    assert!(
        f.message.contains("greets like an SMTP server, not IMAP"),
        "{}",
        f.message
    );
}

// ---- STARTTLS and AUTH ---------------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn starttls_unavailable_on_real_servers() {
    let options = trusting(10);
    let o = run(
        &local("IMAP_NOTLS", Protocol::Imap, Security::StartTls),
        &options,
    );
    let f = only(&o, FindingKind::StarttlsUnavailable);
    assert!(
        f.message
            .ends_with("does not offer STARTTLS in its capabilities"),
        "{}",
        f.message
    );
    assert_eq!(o.commands_sent, ["a1 CAPABILITY", "a9 LOGOUT"]);
    let o = run(
        &local("POP3_NOTLS", Protocol::Pop3, Security::StartTls),
        &options,
    );
    let f = only(&o, FindingKind::StarttlsUnavailable);
    assert!(
        f.message.ends_with("does not offer STLS in its CAPA list"),
        "{}",
        f.message
    );
    let o = run(
        &local("SMTP_NOTLS", Protocol::Smtp, Security::StartTls),
        &options,
    );
    let f = only(&o, FindingKind::StarttlsUnavailable);
    assert!(
        f.message.ends_with("does not offer STARTTLS after EHLO"),
        "{}",
        f.message
    );
    assert_eq!(o.commands_sent, ["EHLO [127.0.0.1]", "QUIT"]);
    let o = run(
        &local("FTP_NOTLS", Protocol::Ftp, Security::StartTls),
        &options,
    );
    let f = only(&o, FindingKind::StarttlsUnavailable);
    assert!(
        f.message
            .contains("refused AUTH TLS, so explicit FTPS cannot start"),
        "{}",
        f.message
    );
    assert_eq!(
        f.server_text.as_deref(),
        Some("530 Please login with USER and PASS.")
    );
    assert_eq!(o.commands_sent, ["AUTH TLS", "QUIT"]);
}

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn auth_mechanisms_unavailable() {
    let options = trusting(10);
    // Dovecot offers PLAIN and LOGIN only.
    let mut t = local("IMAP", Protocol::Imap, Security::StartTls);
    t.auth = Some(AuthMethod::PasswordEncrypted);
    let o = run(&t, &options);
    let f = only(&o, FindingKind::AuthUnavailable);
    assert_eq!(
        f.message,
        "the IMAP server offers only the LOGIN command, PLAIN, LOGIN after TLS, but the account is configured for an encrypted password (CRAM-MD5, DIGEST-MD5, SCRAM or APOP)"
    );
    // Postfix without SASL on this service offers no AUTH at all.
    let mut t = local("SMTP_NOTLS", Protocol::Smtp, Security::None);
    t.auth = Some(AuthMethod::PasswordCleartext);
    let o = run(&t, &options);
    let f = only(&o, FindingKind::AuthUnavailable);
    assert_eq!(
        f.message,
        "the SMTP server offers no authentication method, but the account is configured for a normal (cleartext) password (many servers offer authentication only over TLS)"
    );
    // Postfix submission offers AUTH only after STARTTLS (smtpd_tls_auth_only): with no TLS
    // configured, none.
    let mut t = local("SMTP", Protocol::Smtp, Security::None);
    t.auth = Some(AuthMethod::PasswordCleartext);
    only(&run(&t, &options), FindingKind::AuthUnavailable);
}

// ---- never a credential ----------------------------------------------------------------------

#[test]
#[ignore = "needs the servers of tests/probe/run.sh"]
fn recording_servers_receive_no_credential_command() {
    let every_method = [
        AuthMethod::PasswordCleartext,
        AuthMethod::PasswordEncrypted,
        AuthMethod::Any,
        AuthMethod::OAuth2,
    ];
    // The recorders append to their logs; other tests (tests/probe_rules.rs) use them too.
    let before: Vec<usize> = ["ftp", "imap", "pop3", "smtp"]
        .iter()
        .map(|p| recorded(p).len())
        .collect();
    let mut targets = Vec::new();
    for (name, protocol) in [
        ("REC_FTP", Protocol::Ftp),
        ("REC_IMAP", Protocol::Imap),
        ("REC_POP3", Protocol::Pop3),
        ("REC_SMTP", Protocol::Smtp),
    ] {
        // Four accounts on the same server: one connection.
        for method in every_method {
            let mut t = local(name, protocol, Security::StartTls);
            t.auth = Some(method);
            targets.push(t);
        }
    }
    let outcomes = probe_all(&targets, &trusting(10)).expect("probe");
    let expected = STARTTLS_DIALOGS;
    for (i, (proto, commands)) in expected.iter().enumerate() {
        let skip = before.get(i).copied().unwrap_or_default();
        let log: Vec<String> = recorded(proto).into_iter().skip(skip).collect();
        assert_eq!(log, *commands, "{proto}: what the server received");
        for o in &outcomes[i * 4..i * 4 + 4] {
            assert_eq!(
                o.commands_sent, *commands,
                "{proto}: what the probe recorded"
            );
            assert!(o
                .tls
                .as_ref()
                .map(|t| t.certificate_verified)
                .unwrap_or(false));
        }
        for line in &log {
            let upper = line.to_ascii_uppercase();
            let verb = upper
                .split(' ')
                .nth(if *proto == "imap" { 1 } else { 0 })
                .unwrap_or_default();
            let credential = ["USER", "PASS", "LOGIN", "AUTHENTICATE", "APOP", "ACCT"]
                .contains(&verb)
                || (verb == "AUTH" && upper != "AUTH TLS");
            assert!(!credential, "{proto}: credential command {line:?}");
        }
        // The plain-password account finds what it needs; OAuth2 does not (except FTP,
        // where no method is checked).
        let o = &outcomes[i * 4];
        assert_eq!(kinds(o), [], "{o:#?}");
        let oauth = &outcomes[i * 4 + 3];
        let want: &[FindingKind] = if *proto == "ftp" {
            &[]
        } else {
            &[FindingKind::AuthUnavailable]
        };
        assert_eq!(kinds(oauth), want, "{oauth:#?}");
    }
}
