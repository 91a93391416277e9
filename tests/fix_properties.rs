//! Properties of the fix engine over every fixture and corpus file, and over generated
//! profiles: only reported bytes change, results re-parse cleanly, fixing is idempotent,
//! and fixed findings are gone.

use std::path::{Path, PathBuf};

use clientlint::diagnostic::Diagnostic;
use clientlint::engine::discover;
use clientlint::settings::Settings;
use clientlint::source::Files;
use clientlint::{plan_fixes, read_files};
use proptest::prelude::*;

fn all_inputs() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in ["fixtures/rules", "fixtures/corpus", "fixtures/demo"] {
        for entry in walk(Path::new(root)) {
            out.push(entry);
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// Rebuilds a file from its old bytes and the reported edits, copying every byte outside
/// the edits: if this equals the fixed file, nothing outside the edits changed.
fn rebuild(before: &[u8], edits: &[(clientlint::source::Span, Vec<u8>)]) -> Vec<u8> {
    let mut sorted: Vec<_> = edits.iter().enumerate().collect();
    sorted.sort_by_key(|(i, (span, _))| (span.start, span.end, *i));
    let mut out = Vec::new();
    let mut cursor = 0;
    for (_, (span, bytes)) in sorted {
        out.extend_from_slice(&before[cursor..span.start]);
        out.extend_from_slice(bytes);
        cursor = span.end;
    }
    out.extend_from_slice(&before[cursor..]);
    out
}

fn identity(d: &Diagnostic, files: &Files) -> (String, &'static str, Option<String>, String) {
    (
        files
            .get(d.file)
            .map(|f| f.display_path())
            .unwrap_or_default(),
        d.rule,
        d.account.clone(),
        d.message.clone(),
    )
}

/// Checks every property for the files of `paths`, with unsafe fixes on.
fn check_fix_properties(paths: &[PathBuf]) {
    let settings = Settings::default();
    let discovery = discover::from_paths(paths);
    let (files, _) = read_files(&discovery.units);
    let plan = plan_fixes(&discovery.units, files, &settings, true);
    assert!(plan.errors.is_empty(), "{paths:?}: {:?}", plan.errors);

    // 1. Each pass changes bytes only inside the edits it reports.
    for pass in &plan.passes {
        assert!(!pass.edits.is_empty());
        assert_eq!(
            rebuild(&pass.before, &pass.edits),
            pass.after,
            "{}: the fixed file differs from its reported edits",
            pass.path.display()
        );
    }

    // 2. The fixed findings are gone, and no syntax error or invalid value was added.
    let remaining: Vec<_> = plan
        .analysis
        .diagnostics
        .iter()
        .map(|d| identity(d, &plan.analysis.files))
        .collect();
    for d in &plan.applied {
        // The applied diagnostic's file id belongs to an earlier pass; match by path.
        let id = (
            plan.analysis
                .files
                .iter()
                .nth(d.file)
                .map(|(_, f)| f.display_path())
                .unwrap_or_default(),
            d.rule,
            d.account.clone(),
            d.message.clone(),
        );
        assert!(
            !remaining.contains(&id),
            "{paths:?}: {} still reported",
            d.rule
        );
    }

    // 3. A second run on the result fixes nothing.
    let mut again = Files::default();
    for (_, f) in plan.analysis.files.iter() {
        again.add(clientlint::source::SourceFile::new(
            f.path.clone(),
            f.bytes().to_vec(),
        ));
    }
    let second = plan_fixes(&discovery.units, again, &settings, true);
    assert!(
        second.applied.is_empty(),
        "{paths:?}: second run applied {:?}",
        second.applied.iter().map(|d| d.rule).collect::<Vec<_>>()
    );
    assert!(second.changed().is_empty());
}

#[test]
fn fixing_any_fixture_or_corpus_file_keeps_every_promise() {
    for path in all_inputs() {
        check_fix_properties(&[path]);
    }
}

/// A prefs.js with one IMAP and one SMTP server whose values come from the strategy.
#[allow(clippy::too_many_arguments)] // one argument per generated value
fn generated_prefs(
    check_time: i32,
    max_cached: Option<i32>,
    socket: i32,
    port: Option<i32>,
    smtp_port: Option<i32>,
    smtp_ssl: i32,
    crlf: bool,
    user_js_overrides: bool,
) -> (String, Option<String>) {
    let mut lines = vec![
        "// Mozilla User Preferences".to_owned(),
        "user_pref(\"mail.account.account1.server\", \"server1\");".to_owned(),
        "user_pref(\"mail.accountmanager.accounts\", \"account1\");".to_owned(),
        format!("user_pref(\"mail.server.server1.check_time\", {check_time});"),
        "user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");".to_owned(),
    ];
    if let Some(m) = max_cached {
        lines.push(format!(
            "user_pref(\"mail.server.server1.max_cached_connections\", {m});"
        ));
    }
    if let Some(p) = port {
        lines.push(format!("user_pref(\"mail.server.server1.port\", {p});"));
    }
    lines.push(format!(
        "user_pref(\"mail.server.server1.socketType\", {socket});"
    ));
    lines.push("user_pref(\"mail.server.server1.type\", \"imap\");".to_owned());
    lines.push("user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.com\");".to_owned());
    if let Some(p) = smtp_port {
        lines.push(format!("user_pref(\"mail.smtpserver.smtp1.port\", {p});"));
    }
    lines.push(format!(
        "user_pref(\"mail.smtpserver.smtp1.try_ssl\", {smtp_ssl});"
    ));
    lines.push("user_pref(\"mail.smtpservers\", \"smtp1\");".to_owned());
    let eol = if crlf { "\r\n" } else { "\n" };
    let prefs = lines.join(eol) + eol;
    let user = user_js_overrides.then(|| {
        format!(
            "user_pref(\"mail.server.server1.check_time\", {});{eol}",
            check_time / 2
        )
    });
    (prefs, user)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn fixing_generated_profiles_keeps_every_promise(
        check_time in -2i32..30,
        max_cached in proptest::option::of(-1i32..12),
        socket in 0i32..4,
        port in proptest::option::of(prop_oneof![Just(-1), Just(0), Just(143), Just(993), Just(1143)]),
        smtp_port in proptest::option::of(prop_oneof![Just(0), Just(25), Just(465), Just(587), Just(2525)]),
        smtp_ssl in 0i32..4,
        crlf in any::<bool>(),
        user_js in any::<bool>(),
    ) {
        let (prefs, user) = generated_prefs(check_time, max_cached, socket, port, smtp_port, smtp_ssl, crlf, user_js);
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("prefs.js"), prefs).expect("write");
        if let Some(u) = user {
            std::fs::write(dir.path().join("user.js"), u).expect("write");
        }
        check_fix_properties(&[dir.path().to_path_buf()]);
    }
}

/// Fixes that insert at one place go in one pass: every pref Thunderbird's fixes add goes
/// to the end of prefs.js, and each pass is a re-lint of the profile. Three accounts
/// without `max_cached_connections` (default 5, over the limit) are fixed in one pass,
/// their lines in the order of the findings; the file still keeps every promise above.
#[test]
fn insertions_at_one_place_share_one_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefs = dir.path().join("prefs.js");
    let mut text = String::from("// Mozilla User Preferences\n\n");
    let ids = ["account1", "account2", "account3"];
    text.push_str(&format!(
        "user_pref(\"mail.accountmanager.accounts\", \"{}\");\n",
        ids.join(",")
    ));
    for n in 1..=3 {
        text.push_str(&format!(
            "user_pref(\"mail.account.account{n}.server\", \"server{n}\");\n\
             user_pref(\"mail.server.server{n}.hostname\", \"imap{n}.example.com\");\n\
             user_pref(\"mail.server.server{n}.socketType\", 3);\n\
             user_pref(\"mail.server.server{n}.type\", \"imap\");\n\
             user_pref(\"mail.server.server{n}.userName\", \"user{n}@example.com\");\n"
        ));
    }
    std::fs::write(&prefs, &text).expect("write");
    let paths = [prefs];
    let discovery = discover::from_paths(&paths);
    let (files, _) = read_files(&discovery.units);
    let plan = plan_fixes(&discovery.units, files, &Settings::default(), false);
    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
    let cached: Vec<_> = plan
        .applied
        .iter()
        .filter(|d| d.rule == "too-many-cached-connections")
        .collect();
    assert_eq!(cached.len(), 3, "{:?}", plan.applied);
    assert_eq!(plan.passes.len(), 1, "one pass for all three insertions");
    let after = String::from_utf8(plan.passes[0].after.clone()).expect("utf-8");
    let added: Vec<&str> = after
        .lines()
        .filter(|l| l.contains("max_cached_connections"))
        .collect();
    assert_eq!(added.len(), 3, "{after}");
    for (line, n) in added.iter().zip(1..) {
        assert!(
            line.contains(&format!("server{n}.max_cached_connections")),
            "{after}"
        );
    }
    check_fix_properties(&paths);
}
