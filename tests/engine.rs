//! The batched pipeline (`clientlint::engine::run`, what every command runs) over a
//! generated fleet large enough to span several batches, with the cross-client budget
//! firing across files and within one, and with unreadable files.

#[path = "../benches/support/fleet.rs"]
#[allow(dead_code)]
mod fleet;

use std::path::PathBuf;

use clientlint::clients::thunderbird::PREFS_JS;
use clientlint::engine::discover::unit_for;
use clientlint::engine::Mode;
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;

#[test]
fn a_fleet_spanning_several_batches_reports_the_same_with_the_budget_firing() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Three units per home (profiles.ini, the profile, the FileZilla directory): 100 homes
    // are more than one batch of 256 units.
    fleet::generate(dir.path(), 100).expect("fleet");
    let mut settings = Settings::default();
    // Every home uses the same FTP and IMAP hosts: the budget adds up across the fleet.
    settings.limits.server_connection_limit = 40;
    let run = clientlint::engine::run(
        &clientlint::engine::discover::discover(&[], &[], &[dir.path().to_path_buf()]).units,
        &settings,
        Mode::Check,
        false,
    );
    let n = run.resolved.findings.len();
    let budget: Vec<_> = run
        .resolved
        .findings
        .iter()
        .filter(|f| f.rule == "server-connection-budget-exceeded")
        .collect();
    assert!(
        !budget.is_empty(),
        "the budget should fire ({n} diagnostics)"
    );
    // Its contributors are resolved to the lines where each server is defined.
    let first = budget[0];
    assert!(first.notes.len() > 10);
    assert!(first
        .notes
        .iter()
        .all(|n| n.at.line > 1 && !n.text.is_empty()));
}

#[test]
fn budget_notes_in_the_same_file_are_drawn_alike_both_ways() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(&profile).expect("mkdir");
    // Two accounts on one mailbox in one prefs.js, far apart, and a second profile.
    let mut prefs = String::from(
        "user_pref(\"mail.accountmanager.accounts\", \"account1,account2\");\n\
         user_pref(\"mail.account.account1.server\", \"server1\");\n\
         user_pref(\"mail.account.account2.server\", \"server2\");\n\
         user_pref(\"mail.server.server1.hostname\", \"imap.example.net\");\n\
         user_pref(\"mail.server.server1.type\", \"imap\");\n\
         user_pref(\"mail.server.server1.userName\", \"u@example.net\");\n",
    );
    for i in 0..20 {
        prefs.push_str(&format!("user_pref(\"browser.filler{i}\", {i});\n"));
    }
    prefs.push_str(
        "user_pref(\"mail.server.server2.hostname\", \"imap.example.net\");\n\
         user_pref(\"mail.server.server2.type\", \"imap\");\n\
         user_pref(\"mail.server.server2.userName\", \"u@example.net\");\n\
         user_pref(\"mail.server.server2.password\", \"hunter2-secret\");\n",
    );
    std::fs::write(profile.join("prefs.js"), &prefs).expect("write");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(other.join("prefs.js"), &prefs).expect("write");
    let settings = Settings::default();
    let discovery = clientlint::engine::discover::discover(&[dir.path().to_path_buf()], &[], &[]);
    let run = clientlint::engine::run(&discovery.units, &settings, Mode::Check, true);
    let text = clientlint::render_resolved(&run.resolved, OutputFormat::Text);
    assert!(text.contains("server-connection-budget-exceeded"), "{text}");
    assert!(!text.contains("hunter2"), "a secret was drawn:\n{text}");
    // Both servers of a file are drawn with their context lines, the lines between them
    // are not (miette draws far-apart labels as two snippets, and so do excerpts).
    assert!(text.contains("browser.filler19"), "{text}");
    assert!(!text.contains("browser.filler10"), "{text}");
}

#[test]
fn unreadable_files_are_reported_once_and_do_not_stop_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good/prefs.js");
    std::fs::create_dir_all(good.parent().expect("parent")).expect("mkdir");
    std::fs::write(&good, "user_pref(\"mail.server.server1.check_time\", 1);\n").expect("write");
    let missing = dir.path().join("missing/prefs.js");
    let unit = |path: &PathBuf| unit_for(path, PREFS_JS).expect("a unit");
    let units = vec![unit(&missing), unit(&good)];
    let run = clientlint::engine::run(&units, &Settings::default(), Mode::Check, false);
    assert_eq!(run.read_errors.len(), 1, "{:?}", run.read_errors);
    assert!(run.read_errors[0].contains(&missing.display().to_string()));
    assert_eq!(run.resolved.files.len(), 2);
    assert!(run.resolved.files[0].info.is_none());
    assert!(run.resolved.files[1].info.is_some());
}

/// One `.reg` export may hold several clients' keys (issue 14, clarification): each client
/// reads it, each reports its own findings, and JSON `files[]` names every reader.
#[test]
fn a_reg_export_holding_outlook_and_winscp_keys_is_read_by_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    let winscp = std::fs::read("fixtures/rules/duplicate-account/winscp.bad.reg").expect("read");
    let winscp: Vec<u16> = winscp
        .get(2..)
        .unwrap_or(&[])
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]))
        .collect();
    let mut text = String::from_utf16(&winscp).expect("UTF-16LE with BOM");
    let outlook =
        std::fs::read_to_string("fixtures/rules/duplicate-setting/outlook.bad.reg").expect("read");
    text.push_str("\r\n");
    text.push_str(outlook.split_once('\n').map(|(_, rest)| rest).unwrap_or(""));
    let path = dir.path().join("both.reg");
    std::fs::write(&path, text).expect("write");
    let analysis = clientlint::lint_paths(std::slice::from_ref(&path), &Settings::default());
    let json: serde_json::Value =
        serde_json::from_str(&clientlint::render(&analysis, OutputFormat::Json)).expect("json");
    let readers: Vec<&str> = json["files"][0]["readers"]
        .as_array()
        .expect("readers")
        .iter()
        .filter_map(|r| r["client"].as_str())
        .collect();
    assert_eq!(readers, ["outlook", "winscp"]);
    let mut found: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| Some((d["client"].as_str()?, d["rule"].as_str()?)))
        .collect();
    found.dedup();
    assert!(
        found.contains(&("outlook", "duplicate-setting")),
        "{found:?}"
    );
    assert!(
        found.contains(&("winscp", "duplicate-account")),
        "{found:?}"
    );
}
