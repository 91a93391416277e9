//! FileZilla end to end: fixes spliced into tab-indented, space-indented and CRLF files
//! change only their own bytes, inserted elements follow the file's indentation, and no
//! output format shows a stored password.

use std::path::{Path, PathBuf};

use clientlint::diagnostic::Edit;
use clientlint::fix::splice;
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::{lint_paths, render, Analysis};

fn write_dir(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write fixture");
    }
    dir
}

fn only(rule: &str) -> Settings {
    Settings {
        select: Some(vec![rule.to_owned()]),
        ..Settings::default()
    }
}

/// Applies every edit of `rule`'s fixes; checks each file is unchanged outside the edits.
fn apply(analysis: &Analysis, rule: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let edits: Vec<&Edit> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.rule == rule)
        .filter_map(|d| d.fix.as_ref())
        .flat_map(|f| f.edits.iter())
        .collect();
    assert!(!edits.is_empty(), "{rule} offered no fix");
    let mut out = Vec::new();
    for (id, file) in analysis.files.iter() {
        let mine: Vec<&Edit> = edits.iter().copied().filter(|e| e.file == id).collect();
        if mine.is_empty() {
            continue;
        }
        let fixed = splice(file, &mine).expect("edits splice");
        // Outside the edits, every byte is the original one.
        let mut sorted = mine.clone();
        sorted.sort_by_key(|e| e.span.start);
        let mut orig_cursor = 0;
        let mut new_cursor = 0;
        for e in &sorted {
            let span = file.original_span(e.span);
            let same = span.start - orig_cursor;
            assert_eq!(
                fixed[new_cursor..new_cursor + same],
                file.bytes()[orig_cursor..span.start],
                "bytes before an edit changed"
            );
            new_cursor += same + e.replacement.len();
            orig_cursor = span.end;
        }
        assert_eq!(
            fixed[new_cursor..],
            file.bytes()[orig_cursor..],
            "bytes after the last edit changed"
        );
        out.push((file.path.clone(), fixed));
    }
    out
}

/// Writes the fixed files back and re-lints `dir`: the rule must be gone.
fn relint_clean(dir: &Path, fixed: &[(PathBuf, Vec<u8>)], rule: &str, settings: &Settings) {
    for (path, bytes) in fixed {
        std::fs::write(path, bytes).expect("write fixed");
    }
    let again = lint_paths(&[dir.to_path_buf()], settings);
    assert!(
        again.diagnostics.iter().all(|d| d.rule != rule),
        "{rule} still reported:\n{}",
        render(&again, OutputFormat::Concise)
    );
    assert!(
        again
            .diagnostics
            .iter()
            .all(|d| d.rule != "syntax-error" && d.rule != "invalid-value"),
        "the fix broke the file:\n{}",
        render(&again, OutputFormat::Concise)
    );
}

fn settings_file(indent: &str, eol: &str, lines: &[&str]) -> String {
    let mut s = format!("<?xml version=\"1.0\"?>{eol}<FileZilla3 version=\"3.70.6\" platform=\"*nix\">{eol}{indent}<Settings>{eol}");
    for l in lines {
        s.push_str(&format!("{indent}{indent}{l}{eol}"));
    }
    s.push_str(&format!("{indent}</Settings>{eol}</FileZilla3>{eol}"));
    s
}

#[test]
fn replacing_a_value_keeps_tabs_spaces_and_crlf() {
    for (indent, eol) in [("\t", "\n"), ("  ", "\n"), ("\t", "\r\n"), ("    ", "\r\n")] {
        let text = settings_file(
            indent,
            eol,
            &[
                "<Setting name=\"Timeout\">600</Setting>",
                "<Setting name=\"FTP Keep-alive commands\">1</Setting>",
                "<Setting name=\"Number of Transfers\">10</Setting>",
            ],
        );
        let dir = write_dir(&[("filezilla.xml", text.clone())]);
        for (rule, line) in [
            ("timeout-too-long", "<Setting name=\"Timeout\">60</Setting>"),
            (
                "keepalive-holds-idle-connections",
                "<Setting name=\"FTP Keep-alive commands\">0</Setting>",
            ),
            (
                "too-many-transfers",
                "<Setting name=\"Number of Transfers\">3</Setting>",
            ),
        ] {
            let analysis = lint_paths(&[dir.path().to_path_buf()], &only(rule));
            let fixed = apply(&analysis, rule);
            let new_text = String::from_utf8(fixed[0].1.clone()).expect("utf-8");
            assert!(
                new_text.contains(&format!("{indent}{indent}{line}{eol}")),
                "{new_text:?}"
            );
            assert!(!new_text.contains("\r\r"), "line endings changed");
            relint_clean(dir.path(), &fixed, rule, &only(rule));
            // Restore for the next rule.
            std::fs::write(dir.path().join("filezilla.xml"), &text).expect("restore");
        }
    }
}

#[test]
fn a_self_closed_setting_gets_a_text() {
    let text = settings_file(
        "\t",
        "\n",
        &[
            "<Setting name=\"Number of Transfers\">9</Setting>",
            "<Setting name=\"Timeout\" />",
        ],
    );
    let dir = write_dir(&[("filezilla.xml", text)]);
    // An empty Timeout reads as 0 (pugixml as_int): timeouts are off.
    let analysis = lint_paths(&[dir.path().to_path_buf()], &only("timeout-disabled"));
    let fixed = apply(&analysis, "timeout-disabled");
    let new_text = String::from_utf8(fixed[0].1.clone()).expect("utf-8");
    assert!(
        new_text.contains("\t\t<Setting name=\"Timeout\">60</Setting>\n"),
        "{new_text}"
    );
    relint_clean(
        dir.path(),
        &fixed,
        "timeout-disabled",
        &only("timeout-disabled"),
    );
}

#[test]
fn a_missing_setting_is_inserted_in_the_files_own_indentation() {
    for (indent, eol) in [("\t", "\n"), ("  ", "\n"), ("\t", "\r\n")] {
        let text = settings_file(
            indent,
            eol,
            &["<Setting name=\"Number of Transfers\">2</Setting>"],
        );
        let dir = write_dir(&[("filezilla.xml", text)]);
        // With a limit below FileZilla's built-in 20 s, the absent Timeout is reported.
        let mut settings = only("timeout-too-long");
        settings.limits.ftp_timeout_seconds = 15;
        let analysis = lint_paths(&[dir.path().to_path_buf()], &settings);
        let fixed = apply(&analysis, "timeout-too-long");
        let new_text = String::from_utf8(fixed[0].1.clone()).expect("utf-8");
        let expected = format!(
            "{indent}{indent}<Setting name=\"Number of Transfers\">2</Setting>{eol}{indent}{indent}<Setting name=\"Timeout\">15</Setting>{eol}{indent}</Settings>"
        );
        assert!(new_text.contains(&expected), "{new_text:?}");
        relint_clean(dir.path(), &fixed, "timeout-too-long", &settings);
    }
}

fn server(indent: &str, eol: &str, name: &str, cap: Option<&str>) -> String {
    let i3 = indent.repeat(3);
    let mut s = format!("{indent}{indent}<Server>{eol}");
    for (k, v) in [
        ("Host", "ftp.example.com"),
        ("Port", "21"),
        ("Protocol", "4"),
        ("Type", "0"),
        ("User", "alice"),
        ("Logontype", "2"),
        ("PasvMode", "MODE_DEFAULT"),
    ] {
        s.push_str(&format!("{i3}<{k}>{v}</{k}>{eol}"));
    }
    if let Some(c) = cap {
        s.push_str(&format!(
            "{i3}<MaximumMultipleConnections>{c}</MaximumMultipleConnections>{eol}"
        ));
    }
    s.push_str(&format!(
        "{i3}<Name>{name}</Name>{eol}{indent}{indent}</Server>{eol}"
    ));
    s
}

#[test]
fn site_limits_are_set_or_inserted_in_the_server() {
    for (indent, eol) in [("\t", "\n"), ("    ", "\n"), ("\t", "\r\n")] {
        let sm = format!(
            "<?xml version=\"1.0\"?>{eol}<FileZilla3>{eol}{indent}<Servers>{eol}{}{}{indent}</Servers>{eol}</FileZilla3>{eol}",
            server(indent, eol, "Capped", Some("8")),
            server(indent, eol, "Open", None)
        );
        let fz = settings_file(
            indent,
            eol,
            &["<Setting name=\"Number of Transfers\">6</Setting>"],
        );
        let dir = write_dir(&[("sitemanager.xml", sm), ("filezilla.xml", fz)]);
        let rule = "too-many-site-connections";
        let analysis = lint_paths(&[dir.path().to_path_buf()], &only(rule));
        assert_eq!(analysis.diagnostics.len(), 2);
        let fixed = apply(&analysis, rule);
        let new_text = String::from_utf8(fixed[0].1.clone()).expect("utf-8");
        let i3 = indent.repeat(3);
        let inserted = format!(
            "{i3}<PasvMode>MODE_DEFAULT</PasvMode>{eol}{i3}<MaximumMultipleConnections>3</MaximumMultipleConnections>{eol}{i3}<Name>Open</Name>"
        );
        assert!(new_text.contains(&inserted), "{new_text:?}");
        assert!(new_text.contains(&format!(
            "{i3}<MaximumMultipleConnections>3</MaximumMultipleConnections>{eol}{i3}<Name>Capped"
        )));
        relint_clean(dir.path(), &fixed, rule, &only(rule));
    }
}

#[test]
fn protocol_6_becomes_explicit_tls_on_the_same_port() {
    let sm = "<FileZilla3>\n\t<Servers>\n\t\t<Server>\n\t\t\t<Host>ftp.example.com</Host>\n\t\t\t<Port>2121</Port>\n\t\t\t<Protocol>6</Protocol>\n\t\t\t<User>bob</User>\n\t\t\t<Logontype>2</Logontype>\n\t\t\t<Name>Plain</Name>\n\t\t</Server>\n\t</Servers>\n</FileZilla3>\n";
    let dir = write_dir(&[("sitemanager.xml", sm.to_owned())]);
    let rule = "unencrypted-connection";
    let analysis = lint_paths(&[dir.path().to_path_buf()], &only(rule));
    let d = analysis.diagnostics.first().expect("reported");
    assert_eq!(
        d.severity.name(),
        "error",
        "logon type ask sends a password"
    );
    let fixed = apply(&analysis, rule);
    let text = String::from_utf8(fixed[0].1.clone()).expect("utf-8");
    assert!(text.contains("<Protocol>4</Protocol>") && text.contains("<Port>2121</Port>"));
    relint_clean(dir.path(), &fixed, rule, &only(rule));
}

#[test]
fn stored_passwords_never_appear_in_any_output() {
    let decoded = "hunter2-Sup3rSecret";
    let b64 = "aHVudGVyMi1TdXAzclNlY3JldA==";
    let sm = format!(
        "<?xml version=\"1.0\"?>\n<FileZilla3>\n\t<Servers>\n\t\t<Server>\n\t\t\t<Host>ftp.example.com</Host>\n\t\t\t<Port>21</Port>\n\t\t\t<Protocol>6</Protocol>\n\t\t\t<User>alice</User>\n\t\t\t<Pass encoding=\"base64\">{b64}</Pass>\n\t\t\t<Logontype>1</Logontype>\n\t\t\t<PasvMode>MODE_DEFAULT</PasvMode>\n\t\t\t<Name>Shop</Name>\n\t\t</Server>\n\t\t<Server>\n\t\t\t<Host></Host>\n\t\t\t<Port>99999</Port>\n\t\t\t<Pass>{decoded}</Pass>\n\t\t\t<Name>Broken</Name>\n\t\t</Server>\n\t</Servers>\n</FileZilla3>\n"
    );
    let fz = settings_file(
        "\t",
        "\n",
        &[
            &format!("<Setting name=\"Proxy password\">{decoded}</Setting>"),
            &format!("<Setting name=\"Tab data\"><Tabs><Tab><Host>h</Host><Pass encoding=\"base64\">{b64}</Pass></Tab></Tabs></Setting>"),
        ],
    );
    let recent = format!("<FileZilla3><RecentServers><Server><Host>h</Host><Port>21</Port><Pass>{decoded}</Pass></Serve></RecentServers></FileZilla3>");
    let dir = write_dir(&[
        ("sitemanager.xml", sm),
        ("filezilla.xml", fz),
        ("recentservers.xml", recent),
    ]);
    let analysis = lint_paths(&[dir.path().to_path_buf()], &Settings::default());
    let rules: Vec<&str> = analysis.diagnostics.iter().map(|d| d.rule).collect();
    for expected in [
        "password-stored-unencrypted",
        "unencrypted-connection",
        "invalid-value",
        "syntax-error",
    ] {
        assert!(rules.contains(&expected), "{expected} missing: {rules:?}");
    }
    for format in [
        OutputFormat::Text,
        OutputFormat::Concise,
        OutputFormat::Json,
    ] {
        let out = render(&analysis, format);
        assert!(
            !out.contains(b64),
            "base64 password in {format:?} output:\n{out}"
        );
        assert!(
            !out.contains(decoded),
            "password in {format:?} output:\n{out}"
        );
    }
}

proptest::proptest! {
    /// Any mix of FileZilla-like fragments parses and lints without panicking.
    #[test]
    fn reader_and_model_never_panic(parts in proptest::collection::vec(proptest::sample::select(vec![
        "<FileZilla3>", "</FileZilla3>", "<Settings>", "</Settings>", "<Servers>", "</Servers>",
        "<Server>", "</Server>", "<Folder>", "</Folder>", "<Setting name=\"Timeout\">",
        "<Setting name=\"Number of Transfers\"/>", "</Setting>", "<Port>", "</Port>", "<Host>h</Host>",
        "<Pass encoding=\"base64\">", "</Pass>", "12abc", "&amp;", "&x;", "<!DOCTYPE a>", "\r\n", "\t",
        "<?xml version=\"1.0\"?>", "<![CDATA[x]]>", "<a b=>", "é", "<", ">", "-1", "99999",
    ]), 0..40)) {
        let text: String = parts.concat();
        let path = PathBuf::from("sitemanager.xml");
        let format = clientlint::clients::filezilla::FzFileKind::SiteManager.format();
        let units: Vec<_> = clientlint::engine::discover::unit_for(&path, format).into_iter().collect();
        let mut files = clientlint::source::Files::default();
        files.add(clientlint::source::SourceFile::new(path, text.into_bytes()));
        let analysis = clientlint::analyze(&units, files, &Settings::default());
        let _ = render(&analysis, OutputFormat::Json);
    }
}
