//! WinSCP against the five real WinSCP.ini files of the corpus (fixtures/corpus/winscp,
//! sources in fixtures/corpus/SOURCES.md): each is read as WinSCP without a syntax error,
//! with exactly the findings listed here; their sites reach the connection budget; no
//! output shows a stored password; a fix changes only the bytes it names, in a CRLF file
//! with raw GBK bytes as in LF ones.

use std::path::{Path, PathBuf};

use clientlint::fix;
use clientlint::model::{Connections, PasswordStorage, Protocol, Usage};
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::{lint_paths, plan_fixes, read_files, render, unified_diff};

fn corpus(name: &str) -> PathBuf {
    Path::new("fixtures/corpus/winscp").join(name)
}

/// (rule, line) of every finding, sorted as reported.
fn findings(path: &Path, settings: &Settings) -> Vec<(&'static str, usize)> {
    let analysis = lint_paths(&[path.to_path_buf()], settings);
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            let file = analysis.files.get(d.file).expect("file");
            (d.rule, file.line_col(d.span.start).0)
        })
        .collect()
}

#[test]
fn every_corpus_file_is_read_as_winscp_with_exactly_the_expected_findings() {
    let expected: [(&str, Vec<(&str, usize)>); 5] = [
        // `QueueTransfersLimit=4` in a portable WinSCP.ini without sites.
        ("duzun-WinSCP-5.x.ini", vec![("too-many-transfers", 23)]),
        // Two sites with a stored (obfuscated) password; site names behind the UTF-8
        // marker; two raw GBK value names, which are not syntax errors.
        (
            "insanehui-WinSCP-bom-session.ini",
            vec![
                ("password-stored-unencrypted", 29),
                ("password-stored-unencrypted", 408),
            ],
        ),
        // Four per-project sites to one server: bookmarks, not duplicates.
        ("skomja00-WinSCP-5.15.ini", vec![]),
        // Custom commands only: their `&`-names are not site keys.
        ("theinrichs-WinSCP-customcommands-fragment.ini", vec![]),
        // WinSCP 5.7, CRLF, 4126-character lines, `QueueTransfersLimit=2`.
        ("unifield-WinSCP-crlf.ini", vec![]),
    ];
    for (name, want) in expected {
        let path = corpus(name);
        let analysis = lint_paths(std::slice::from_ref(&path), &Settings::default());
        let json: serde_json::Value =
            serde_json::from_str(&render(&analysis, OutputFormat::Json)).expect("json");
        assert_eq!(json["files"][0]["client"], "winscp", "{name}");
        assert_eq!(json["files"][0]["format"], "winscp-ini", "{name}");
        assert_eq!(findings(&path, &Settings::default()), want, "{name}");
    }
}

#[test]
fn the_bom_named_sites_are_modelled_with_their_unmunged_names() {
    let path = corpus("insanehui-WinSCP-bom-session.ini");
    let analysis = lint_paths(&[path], &Settings::default());
    let p = &analysis.profiles[0];
    let sites: Vec<(&str, Protocol, &str)> = p
        .servers
        .iter()
        .map(|s| (s.key.as_str(), s.protocol, s.host_name()))
        .collect();
    assert_eq!(
        sites,
        vec![
            ("轩辕", Protocol::Sftp, "123.207.115.237"),
            ("生产", Protocol::Scp, "59.110.170.216"),
            ("hw_tmp", Protocol::Sftp, "43.254.3.104"),
            ("dev", Protocol::Scp, "117.78.47.155"),
            ("play", Protocol::Sftp, "10.10.11.10"),
        ]
    );
    for s in &p.servers {
        assert_eq!(s.port.value, 22);
        assert_eq!(s.usage, Usage::OnDemand);
        assert_eq!(
            s.connections,
            Connections::BrowsingAndTransfers {
                transfers: 2,
                site_limit: false
            }
        );
    }
    assert!(p
        .passwords
        .iter()
        .all(|pw| pw.storage == PasswordStorage::Obfuscated));
}

#[test]
fn the_sites_count_in_the_budget_and_in_clientlint_connections() {
    // Four bookmarks to one account count once: 1 + QueueTransfersLimit 2.
    let out = assert_cmd::Command::cargo_bin("clientlint")
        .expect("binary")
        .args(["connections", "--format", "json"])
        .arg(corpus("skomja00-WinSCP-5.15.ini"))
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let text = v.to_string();
    assert!(text.contains("cis-linux2.temple.edu"), "{text}");
    assert!(text.contains("\"winscp\""), "{text}");
    // Three machines with the same WinSCP.ini exceed a server limit of 8: 3 × 3 = 9.
    let dir = tempfile::tempdir().expect("tempdir");
    for m in ["a", "b", "c"] {
        let p = dir.path().join(m).join("WinSCP.ini");
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::copy(corpus("skomja00-WinSCP-5.15.ini"), &p).expect("copy");
    }
    let got = findings(dir.path(), &Settings::default());
    let budget: Vec<_> = got
        .iter()
        .filter(|(r, _)| *r == "server-connection-budget-exceeded")
        .collect();
    assert_eq!(budget.len(), 1, "{got:?}");
}

/// An obfuscated password as WinSCP writes it, for `alice` on `ftp.example.com` (the
/// same value as fixtures/rules/unencrypted-connection/winscp.bad.ini): each byte of
/// "aliceftp.example.coms3cr3t-pass" XOR 0x5C, behind a header and padding.
fn planted() -> String {
    let fixture = std::fs::read_to_string("fixtures/rules/unencrypted-connection/winscp.bad.ini")
        .expect("fixture");
    fixture
        .lines()
        .find_map(|l| l.strip_prefix("Password="))
        .expect("a Password= line")
        .trim()
        .to_owned()
}

#[test]
fn no_output_shows_a_winscp_password_in_any_form() {
    let hex = planted();
    let dir = tempfile::tempdir().expect("tempdir");
    // Every form WinSCP stores a secret in, in a file with a fixable finding (plain FTP)
    // and a broken line holding a password.
    let ini = format!(
        "[Configuration\\Security]\r\nUseMasterPassword=0\r\nMasterPasswordVerifier={hex}\r\n\r\n[Sessions\\Shop]\r\nHostName=ftp.example.com\r\nPortNumber=21\r\nUserName=alice\r\nFSProtocol=5\r\nPassword={hex}\r\nPasswordPlain=s3cr3t-pass\r\nProxyPassword=pr0xy-pass\r\nProxyPasswordEnc={hex}\r\nTunnelPassword={hex}\r\nTunnelPasswordPlain=tunn3l-pass\r\nTunnelPassphrase={hex}\r\nEncryptKeyPlain=k3y-pass\r\nPassword {hex}\r\n"
    );
    let path = dir.path().join("WinSCP.ini");
    std::fs::write(&path, &ini).expect("write");
    let reg_text = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\Shop]\r\n\"HostName\"=\"ftp.example.com\"\r\n\"PortNumber\"=dword:00000015\r\n\"FSProtocol\"=dword:00000005\r\n\"Password\"=\"{hex}\"\r\n\"PasswordPlain\"=\"s3cr3t-pass\"\r\n\"ProxyPassword\"=\"pr0xy-pass\r\n\"TunnelPasswordPlain\"=\"tunn3l-pass\"\r\n"
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(reg_text.encode_utf16().flat_map(u16::to_le_bytes));
    let reg_path = dir.path().join("winscp.reg");
    std::fs::write(&reg_path, utf16).expect("write");
    let secrets = [
        hex.as_str(),
        "s3cr3t-pass",
        "pr0xy-pass",
        "tunn3l-pass",
        "k3y-pass",
    ];
    for p in [&path, &reg_path] {
        let analysis = lint_paths(std::slice::from_ref(p), &Settings::default());
        assert!(analysis.diagnostics.len() >= 3, "{}", p.display());
        for format in [
            OutputFormat::Text,
            OutputFormat::Concise,
            OutputFormat::Json,
            OutputFormat::Sarif,
            OutputFormat::Github,
            OutputFormat::Gitlab,
        ] {
            let out = render(&analysis, format);
            for s in secrets {
                assert!(
                    !out.contains(s),
                    "{format:?} of {} shows `{s}`",
                    p.display()
                );
            }
        }
        let discovery = clientlint::engine::discover::from_paths(std::slice::from_ref(p));
        let (files, _) = read_files(&discovery.units);
        let plan = plan_fixes(&discovery.units, files, &Settings::default(), true);
        let diff = unified_diff(&plan);
        assert!(!diff.is_empty(), "{}: a fix is offered", p.display());
        for s in secrets {
            assert!(!diff.contains(s), "--diff of {} shows `{s}`", p.display());
        }
    }
}

#[test]
fn a_fix_in_a_crlf_file_with_raw_gbk_bytes_changes_only_the_named_value() {
    let path = corpus("insanehui-WinSCP-bom-session.ini");
    let original = std::fs::read(&path).expect("read");
    assert!(std::str::from_utf8(&original).is_err(), "raw GBK bytes");
    let mut settings = Settings::default();
    settings.limits.max_transfers = 1;
    let analysis = lint_paths(std::slice::from_ref(&path), &settings);
    let d = analysis
        .diagnostics
        .iter()
        .find(|d| d.rule == "too-many-transfers")
        .expect("QueueTransfersLimit=2 is above 1");
    let file = analysis.files.get(d.file).expect("file");
    let fix = d.fix.as_ref().expect("fix");
    let edits: Vec<_> = fix.edits.iter().collect();
    let fixed = fix::splice(file, &edits).expect("splices");
    let needle = b"QueueTransfersLimit=2\r\n";
    let at = original
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("the value");
    let mut want = original.clone();
    want.splice(
        at..at + needle.len(),
        b"QueueTransfersLimit=1\r\n".iter().copied(),
    );
    assert_eq!(fixed, want);
}
