//! Outlook against real files and against an independent parser: every corpus PRF and
//! `.reg` parses, the real PRF's IMAP account is modelled, no output shows a `… Password`
//! value, regashii (a separate `.reg` parser) reads the same values as ours, and applying
//! reported fixes with `fix::splice` keeps encoding, BOM and CRLF and removes the finding.

use std::path::{Path, PathBuf};

use clientlint::diagnostic::{Applicability, Diagnostic, Edit};
use clientlint::fix;
use clientlint::model::{AuthMethod, Protocol, Role, Security};
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::source::SourceFile;
use clientlint::syntax::reg::{self, RegData};
use clientlint::{lint_paths, render, Analysis};

fn corpus(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(Path::new("fixtures/corpus").join(dir))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn only(rule: &str) -> Settings {
    Settings {
        select: Some(vec![rule.to_owned()]),
        ..Settings::default()
    }
}

#[test]
fn every_corpus_file_parses_and_is_an_outlook_file() {
    let files: Vec<PathBuf> = corpus("outlook-prf")
        .into_iter()
        .chain(corpus("outlook-reg"))
        .collect();
    assert_eq!(files.len(), 5);
    for path in files {
        let analysis = lint_paths(std::slice::from_ref(&path), &Settings::default());
        assert_eq!(analysis.profiles.len(), 1, "{}", path.display());
        // The corpus files are valid: nothing about their syntax or values is reported.
        assert!(
            analysis.diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            render(&analysis, OutputFormat::Concise)
        );
    }
}

#[test]
fn the_real_prfs_imap_account_is_modelled_in_both_encodings() {
    for path in corpus("outlook-prf") {
        let analysis = lint_paths(std::slice::from_ref(&path), &Settings::default());
        let servers = &analysis.profiles[0].servers;
        assert_eq!(servers.len(), 2, "{}", path.display());
        let imap = &servers[0];
        assert_eq!(imap.protocol, Protocol::Imap);
        assert_eq!(imap.host_name(), "imap.mail.ru");
        assert_eq!(imap.port.value, 993);
        assert!(imap.port.is_explicit());
        assert_eq!(imap.security.value, Security::ImplicitTls, "IMAPUseSSL=1");
        // `%mail%` is a template value, not a user name.
        assert!(imap.user.is_none());
        assert_eq!(imap.timeout_seconds.as_ref().map(|t| t.value), Some(60));
        let smtp = &servers[1];
        assert_eq!(
            (smtp.role, smtp.host_name()),
            (Role::Outgoing, "smtp.mail.ru")
        );
        assert_eq!(smtp.port.value, 465);
        assert_eq!(
            smtp.security.value,
            Security::ImplicitTls,
            "SMTPSecureConnection=1"
        );
        assert_eq!(
            smtp.auth.as_ref().map(|a| a.value),
            Some(AuthMethod::PasswordCleartext)
        );
    }
}

/// The bytes of the planted password, as they appear in the `.reg` text.
const SECRET_HEX: &[&str] = &["c0", "ff", "ee", "5e", "c2", "e7", "ba", "be", "d1", "57"];

fn planted_reg() -> String {
    let key = "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000003]";
    // The first password is well-formed; the second lacks its `\`, so its tail is on a line
    // Regedit drops (and that is reported, with a snippet around it); the third has a bad
    // byte, so Regedit rejects it (also reported).
    format!(
        "Windows Registry Editor Version 5.00\r\n\r\n{key}\r\n\"IMAP Server\"=\"imap.example.net\"\r\n\"IMAP Port\"=dword:3e1\r\n\"IMAP Password\"=hex:02,c0,ff,ee,5e,\\\r\n  c2,e7,ba,be,d1,57\r\n\"SMTP Password\"=hex:02,c0,ff,ee,5e,\r\n  c2,e7,ba,be,d1,57\r\n\"POP3 Password\"=hex:02,c0,ff,ee,zz,c2,e7,ba,be,d1,57\r\n\"SMTP Server\"=\"smtp.example.net\"\r\nrubbish\r\n"
    )
}

fn assert_no_secret(out: &str, what: &str) {
    for pair in SECRET_HEX.windows(2) {
        let needle = format!("{},{}", pair[0], pair[1]);
        assert!(!out.contains(&needle), "{what} shows `{needle}`:\n{out}");
    }
    assert!(
        !out.contains("Sup3rS3cret"),
        "{what} shows the PRF password:\n{out}"
    );
}

#[test]
fn no_output_format_shows_a_password_value() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = planted_reg();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let prf = "[Internet Account List]\r\nAccount1=I_Mail\r\n[Account1]\r\nPOP3Server=pop.example.net\r\nPOP3Password=Sup3rS3cret!\r\n[I_Mail]\r\nAccountType=POP3\r\nPOP3Server=PT_UNICODE,0x0100\r\n";
    let files = [
        ("utf8.reg", text.clone().into_bytes()),
        ("utf16.reg", utf16),
        ("a.prf", prf.as_bytes().to_vec()),
    ];
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let analysis = lint_paths(std::slice::from_ref(&path), &Settings::default());
        assert!(
            !analysis.diagnostics.is_empty(),
            "{name}: the planted file should have findings whose snippets reach the secret"
        );
        for format in [
            OutputFormat::Text,
            OutputFormat::Concise,
            OutputFormat::Json,
        ] {
            assert_no_secret(&render(&analysis, format), name);
        }
    }
}

/// Our value data in regashii's terms, or `None` where the comparison does not apply.
fn ours_as_regashii(data: &RegData, v5: bool) -> Option<regashii::Value> {
    use regashii::Value;
    let text = |bytes: &[u8]| -> Option<String> {
        if v5 {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units)
                .ok()
                .map(|s| s.trim_end_matches('\0').to_owned())
        } else {
            String::from_utf8(bytes.to_vec())
                .ok()
                .map(|s| s.trim_end_matches('\0').to_owned())
        }
    };
    Some(match data {
        RegData::Delete => Value::Delete,
        RegData::Sz(s) => Value::Sz(s.clone()),
        RegData::Dword(d) => Value::Dword(*d),
        RegData::Hex { kind: 3, bytes } => Value::Binary(bytes.clone()),
        RegData::Hex { kind: 1, bytes } => Value::Sz(text(bytes)?),
        RegData::Hex { kind: 2, bytes } => Value::ExpandSz(text(bytes)?),
        RegData::Hex { .. } => return None,
    })
}

fn oracle_files() -> Vec<PathBuf> {
    let mut files = corpus("outlook-reg");
    for rule in std::fs::read_dir("fixtures/rules")
        .expect("fixtures")
        .flatten()
    {
        for f in std::fs::read_dir(rule.path()).expect("rule dir").flatten() {
            let p = f.path();
            if p.extension().map(|e| e == "reg").unwrap_or(false) {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn regashii_reads_the_same_values_as_our_reader() {
    let mut compared_values = 0;
    let mut compared_files = 0;
    for path in oracle_files() {
        let bytes = std::fs::read(&path).expect("read");
        let file = SourceFile::new(&path, bytes);
        let ours = reg::parse(&file.text);
        // Files with deliberate errors are where the two may rightly differ.
        if !ours.errors.is_empty() {
            continue;
        }
        let Ok(theirs) = regashii::Registry::deserialize(&file.text) else {
            continue;
        };
        compared_files += 1;
        let v5 = matches!(theirs.format(), regashii::Format::Regedit5);
        for (name, key) in theirs.keys() {
            let lower = name.raw().to_ascii_lowercase();
            let our_keys: Vec<_> = ours
                .keys
                .iter()
                .filter(|k| k.path.to_ascii_lowercase() == lower)
                .collect();
            assert!(!our_keys.is_empty(), "{}: no key {lower}", path.display());
            for (vname, value) in key.values() {
                let ours_last = our_keys
                    .iter()
                    .flat_map(|k| k.values.iter())
                    .rfind(|v| {
                        v.name
                            .as_deref()
                            .unwrap_or("@")
                            .eq_ignore_ascii_case(vname.raw())
                    })
                    .unwrap_or_else(|| panic!("{}: no value {}", path.display(), vname.raw()));
                if let Some(mine) = ours_as_regashii(&ours_last.data, v5) {
                    assert_eq!(&mine, value, "{}: {}", path.display(), vname.raw());
                    compared_values += 1;
                }
            }
        }
    }
    assert!(compared_files >= 10, "only {compared_files} files compared");
    assert!(
        compared_values >= 100,
        "only {compared_values} values compared"
    );
}

/// Applies every edit of the first fix of `rule` found in `analysis` to the file.
fn fixed_bytes(analysis: &Analysis, d: &Diagnostic) -> (Vec<u8>, Vec<Edit>) {
    let fix = d.fix.as_ref().expect("a fix");
    let file = analysis.files.get(d.file).expect("the file");
    let edits: Vec<&Edit> = fix.edits.iter().collect();
    (
        fix::splice(file, &edits).expect("splices"),
        fix.edits.clone(),
    )
}

/// Writes `bytes` next to a copy of the name and lints it again with `rule` only.
fn relint(dir: &Path, name: &str, bytes: &[u8], rule: &str) -> Analysis {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    lint_paths(&[path], &only(rule))
}

#[test]
fn a_fixed_utf16_reg_differs_only_in_the_edited_dword() {
    let path = PathBuf::from("fixtures/rules/port-security-mismatch/outlook-utf16.bad.reg");
    let original = std::fs::read(&path).expect("read");
    let analysis = lint_paths(std::slice::from_ref(&path), &only("port-security-mismatch"));
    let d = analysis
        .diagnostics
        .iter()
        .find(|d| d.fix.is_some())
        .expect("the SMTP finding has a fix");
    assert_eq!(
        d.fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Unsafe)
    );
    let (out, edits) = fixed_bytes(&analysis, d);
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].replacement, "dword:00000001");
    assert_eq!(&out[..2], &[0xFF, 0xFE]);
    assert_eq!(out.len(), original.len());
    let file = analysis.files.get(d.file).expect("file");
    let span = file.original_span(edits[0].span);
    assert_eq!(&out[..span.start], &original[..span.start]);
    assert_eq!(&out[span.end..], &original[span.end..]);
    let expected: Vec<u8> = "dword:00000001"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert_eq!(&out[span.start..span.end], expected.as_slice());
    let dir = tempfile::tempdir().expect("tempdir");
    let again = relint(dir.path(), "fixed.reg", &out, "port-security-mismatch");
    // Only the IMAP finding is left: a boolean `Use SSL` cannot say STARTTLS, so it has no fix.
    assert_eq!(again.diagnostics.len(), 1);
    assert!(again.diagnostics[0].message.contains("IMAP"));
}

#[test]
fn the_safe_timeout_fix_keeps_the_prfs_bom_and_crlf() {
    // ServerTimeOut's unit is inferred (seconds), hence the fixture's name.
    let path =
        PathBuf::from("fixtures/rules/timeout-too-long/outlook-utf8bom-inferred-seconds.bad.prf");
    let analysis = lint_paths(std::slice::from_ref(&path), &only("timeout-too-long"));
    let d = &analysis.diagnostics[0];
    assert_eq!(
        d.fix.as_ref().map(|f| f.applicability),
        Some(Applicability::Safe)
    );
    let (out, _) = fixed_bytes(&analysis, d);
    assert_eq!(&out[..3], b"\xEF\xBB\xBF");
    let text = String::from_utf8(out.clone()).expect("utf-8");
    assert!(text.contains("\r\nServerTimeOut=60\r\n"));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "only CRLF line endings"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let again = relint(dir.path(), "fixed.prf", &out, "timeout-too-long");
    assert!(again.diagnostics.is_empty());
}

#[test]
fn fixes_insert_missing_prf_keys_in_utf16_and_crlf() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rule, fixture) in [
        ("smtp-auth-disabled", "outlook-utf16-absent.bad.prf"),
        // POP3 is fixed (SSL on 995); its SMTP server uses the boolean mapping: see below.
        ("unencrypted-connection", "outlook-utf16-pop3.bad.prf"),
        ("smtp-port-25", "outlook-utf16.bad.prf"),
    ] {
        let path = Path::new("fixtures/rules").join(rule).join(fixture);
        let analysis = lint_paths(std::slice::from_ref(&path), &only(rule));
        assert!(!analysis.diagnostics.is_empty(), "{rule}");
        // Apply every fix of the file, as --unsafe-fixes would.
        let file = analysis.files.get(0).expect("file");
        let edits: Vec<&Edit> = analysis
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.iter())
            .collect();
        assert!(!edits.is_empty(), "{rule} offers a fix");
        let out = fix::splice(file, &edits).expect("splices");
        assert_eq!(&out[..2], &[0xFF, 0xFE], "{rule}");
        let fixed = SourceFile::new("x.prf", out.clone());
        assert!(
            !fixed.text.replace("\r\n", "").contains('\n'),
            "{rule}: only CRLF"
        );
        let again = relint(dir.path(), fixture, &out, rule);
        // What is left is exactly what had no fix: the older `SMTPUseSSL` boolean cannot
        // say STARTTLS, so "587 with STARTTLS" is not offered for that SMTP server.
        let unfixable = analysis
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_none())
            .count();
        assert_eq!(
            again.diagnostics.len(),
            unfixable,
            "{rule} still reported after its fix:\n{}",
            render(&again, OutputFormat::Concise)
        );
        assert!(again.diagnostics.iter().all(|d| d.fix.is_none()));
    }
}
