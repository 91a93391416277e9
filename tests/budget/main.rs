//! The cross-client connection budget on a whole machine: two Thunderbird profiles and an
//! Outlook registry export on one IMAP mailbox, with and without a per-server limit from
//! clientlint.toml; a fleet sharing one SMTP host; `clientlint connections`; and
//! ([`across_machines`]) the connections reports of many machines merged.

mod across_machines;

use std::fs;
use std::path::Path;

use assert_cmd::Command;

pub(crate) fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    // This machine's own Thunderbird (the interop suite installs one) is not the test's.
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd.env_remove("NO_COLOR");
    cmd
}

fn thunderbird_profile(dir: &Path, max_cached: i32) {
    profile_as(dir, "user", max_cached);
}

/// A Thunderbird profile at `dir` with one IMAP account on imap.example.net, as
/// `USER@example.net`.
pub(crate) fn profile_as(dir: &Path, user: &str, max_cached: i32) {
    fs::create_dir_all(dir).expect("mkdir");
    fs::write(
        dir.join("prefs.js"),
        format!(
            "user_pref(\"mail.account.account1.server\", \"server1\");\n\
             user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
             user_pref(\"mail.server.server1.hostname\", \"imap.example.net\");\n\
             user_pref(\"mail.server.server1.max_cached_connections\", {max_cached});\n\
             user_pref(\"mail.server.server1.socketType\", 3);\n\
             user_pref(\"mail.server.server1.type\", \"imap\");\n\
             user_pref(\"mail.server.server1.userName\", \"{user}@example.net\");\n"
        ),
    )
    .expect("write");
}

/// A machine: two Thunderbird profiles with `max_cached` each, and an Outlook export of
/// an IMAP account on the same server and user.
fn machine(max_cached: i32) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("tempdir");
    thunderbird_profile(&root.path().join("tb/laptop"), max_cached);
    thunderbird_profile(&root.path().join("tb/desktop"), max_cached);
    fs::copy(
        "fixtures/rules/smtp-port-25/outlook.good.reg",
        root.path().join("outlook.reg"),
    )
    .expect("copy");
    root
}

fn budget_findings(root: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let out = clientlint()
        .current_dir(root)
        .args([
            "--format",
            "json",
            "--select",
            "server-connection-budget-exceeded",
        ])
        .args(extra)
        .arg(".")
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    v["diagnostics"].as_array().cloned().unwrap_or_default()
}

#[test]
fn thunderbird_and_outlook_on_one_mailbox_are_summed_and_each_is_named() {
    let root = machine(4);
    let found = budget_findings(root.path(), &["--isolated"]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let d = &found[0];
    let message = d["message"].as_str().unwrap_or_default();
    assert_eq!(
        message,
        "3 profiles may open 9 IMAP connections to `imap.example.net`, more than its limit of 8"
    );
    let help = d["help"].as_str().unwrap_or_default();
    assert!(help.contains("Thunderbird ./tb/desktop (4)"), "{help}");
    assert!(help.contains("Thunderbird ./tb/laptop (4)"), "{help}");
    assert!(help.contains("Outlook ./outlook.reg (1)"), "{help}");
    // Every contributor is a related location with its count, the largest first.
    let related = d["related"].as_array().cloned().unwrap_or_default();
    let counts: Vec<(String, i64)> = related
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or_default().to_owned(),
                r["connections"].as_i64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            ("./tb/desktop/prefs.js".to_owned(), 4),
            ("./tb/laptop/prefs.js".to_owned(), 4),
            ("./outlook.reg".to_owned(), 1),
        ]
    );
    assert_eq!(d["path"], "./tb/desktop/prefs.js");
    assert_eq!(
        (d["line"].as_i64(), related[0]["line"].as_i64()),
        (Some(3), Some(3))
    );
}

#[test]
fn a_per_server_limit_in_clientlint_toml_changes_the_verdict() {
    // 3 + 3 + 1 = 7: within the default of 8 ...
    let root = machine(3);
    assert!(budget_findings(root.path(), &["--isolated"]).is_empty());
    // ... but not within this server's own limit of 6.
    fs::write(
        root.path().join("clientlint.toml"),
        "[servers.\"imap.example.net\"]\nconnection-limit = 6\n",
    )
    .expect("toml");
    let found = budget_findings(root.path(), &[]);
    assert_eq!(found.len(), 1);
    assert!(found[0]["message"]
        .as_str()
        .unwrap_or_default()
        .ends_with("more than its limit of 6 (clientlint.toml)"));
    // The command line overrides the general limit, not the per-server one.
    assert_eq!(
        budget_findings(root.path(), &["--server-connection-limit", "20"]).len(),
        1
    );
}

/// Users are not counted apart unless clientlint.toml sets a per-user limit; then each
/// user's connections (with those whose user is unknown) are compared with it too.
#[test]
fn a_per_user_limit_adds_a_finding_per_user_over_it() {
    let root = tempfile::tempdir().expect("tempdir");
    profile_as(&root.path().join("a"), "amy", 2);
    profile_as(&root.path().join("b"), "amy", 2);
    profile_as(&root.path().join("c"), "bob", 3);
    // 7 of 8 from the address: within the limit.
    assert!(budget_findings(root.path(), &["--isolated"]).is_empty());
    fs::write(
        root.path().join("clientlint.toml"),
        "[servers.\"imap.example.net\"]\nper-user-limit = 3\n",
    )
    .expect("toml");
    let found = budget_findings(root.path(), &[]);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0]["message"],
        "2 profiles may open 4 IMAP connections to `imap.example.net` as `amy@example.net`, more than its per-user limit of 3"
    );
    let out = clientlint()
        .current_dir(root.path())
        .args(["connections", "."])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("IMAP imap.example.net as amy@example.net: 4 of 3 connections from 2 profiles, OVER the per-user limit (clientlint.toml)"),
        "{text}"
    );
    assert!(
        text.contains(
            "IMAP imap.example.net: 7 of 8 connections from 3 profiles, within the limit"
        ),
        "{text}"
    );
}

#[test]
fn connections_table_lists_every_contributor_and_the_total() {
    let root = machine(4);
    let out = clientlint()
        .current_dir(root.path())
        .args(["connections", "--isolated", "."])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "over the limit exits 1");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(
            "IMAP imap.example.net: 9 of 8 connections from 3 profiles, OVER the limit\n"
        ),
        "{text}"
    );
    let imap_section = text.split("\n\n").next().unwrap_or_default();
    let lines: Vec<&str> = imap_section.lines().skip(1).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("    4  thunderbird account1 (server1)  [IMAP max_cached_connections 4]  polls every 10 min — ./tb/desktop/prefs.js:3 (./tb/desktop)"), "{text}");
    assert!(lines[2].contains(" outlook "), "{text}");

    let out = clientlint()
        .current_dir(root.path())
        .args(["connections", "--isolated", "--format", "json", "."])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let imap = v["servers"]
        .as_array()
        .and_then(|a| a.iter().find(|b| b["protocol"] == "IMAP"))
        .expect("the IMAP server");
    assert_eq!(imap["connections"], 9);
    assert_eq!(imap["limit"], 8);
    assert_eq!(imap["profiles"], 3);
    let shares: Vec<&serde_json::Value> = v["shares"]
        .as_array()
        .map(|s| s.iter().filter(|s| s["protocol"] == "IMAP").collect())
        .unwrap_or_default();
    assert_eq!(shares.len(), 3);
    let thunderbird = shares
        .iter()
        .find(|c| c["client"] == "thunderbird")
        .expect("a Thunderbird share");
    assert_eq!(thunderbird["poll_minutes"], 10);
    assert_eq!(thunderbird["connections"], 4);
}

#[test]
fn config_errors_exit_2_and_point_into_the_toml() {
    let root = machine(3);
    fs::write(
        root.path().join("clientlint.toml"),
        "max-connections = \"three\"\n",
    )
    .expect("toml");
    let out = clientlint()
        .current_dir(root.path())
        .arg(".")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("clientlint.toml:1:19"), "{err}");
    assert!(err.contains("invalid type: string \"three\""), "{err}");

    fs::write(
        root.path().join("clientlint.toml"),
        "[severity]\nno-such-rule = \"error\"\n",
    )
    .expect("toml");
    let out = clientlint()
        .current_dir(root.path())
        .arg(".")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule` in [severity]")
    );
}

#[test]
fn config_shows_values_and_their_origin() {
    let root = tempfile::tempdir().expect("tempdir");
    fs::write(
        root.path().join(".clientlint.toml"),
        "max-connections = 2\nignore = [\"not-recommended-port\"]\n[per-path-ignores]\n\"**/user.js\" = [\"poll-interval-too-short\"]\n",
    )
    .expect("toml");
    let out = clientlint()
        .current_dir(root.path())
        .args(["config", "--min-poll-minutes", "15"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("max-connections = 2  # "), "{text}");
    assert!(text.contains(".clientlint.toml"), "{text}");
    assert!(
        text.contains("min-poll-minutes = 15  # command line"),
        "{text}"
    );
    assert!(text.contains("max-transfers = 3  # default"), "{text}");
    assert!(
        text.contains("\"**/user.js\" = [\"poll-interval-too-short\"]"),
        "{text}"
    );
}

#[test]
fn per_path_ignores_silence_a_rule_for_matching_files_only() {
    let root = tempfile::tempdir().expect("tempdir");
    thunderbird_profile(&root.path().join("a"), 10);
    thunderbird_profile(&root.path().join("b"), 10);
    fs::write(
        root.path().join("clientlint.toml"),
        "[per-path-ignores]\n\"**/a/prefs.js\" = [\"too-many-cached-connections\"]\n",
    )
    .expect("toml");
    let out = clientlint()
        .current_dir(root.path())
        .args([
            "--format",
            "concise",
            "--select",
            "too-many-cached-connections",
            ".",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("b/prefs.js"), "{text}");
}

/// `homes` homes under a new directory, each with a Thunderbird profile whose 2 or 3 SMTP
/// servers (alternately) are all on smtp.corp.example, with the home's own user.
fn smtp_fleet(homes: usize) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("tempdir");
    for h in 0..homes {
        let tb = root.path().join(format!("user{h:04}/.thunderbird"));
        let profile = tb.join("p.default");
        fs::create_dir_all(&profile).expect("mkdir");
        fs::write(
            tb.join("profiles.ini"),
            "[Profile0]\nName=default\nIsRelative=1\nPath=p.default\nDefault=1\n",
        )
        .expect("ini");
        let servers = 2 + h % 2;
        let mut prefs = String::new();
        for i in 1..=servers {
            prefs.push_str(&format!(
                "user_pref(\"mail.smtpserver.smtp{i}.hostname\", \"smtp.corp.example\");\n\
                 user_pref(\"mail.smtpserver.smtp{i}.port\", 587);\n\
                 user_pref(\"mail.smtpserver.smtp{i}.try_ssl\", 2);\n\
                 user_pref(\"mail.smtpserver.smtp{i}.username\", \"u{h}-{i}@corp.example\");\n"
            ));
        }
        let list: Vec<String> = (1..=servers).map(|i| format!("smtp{i}")).collect();
        prefs.push_str(&format!(
            "user_pref(\"mail.smtpservers\", \"{}\");\n",
            list.join(",")
        ));
        fs::write(profile.join("prefs.js"), prefs).expect("prefs");
    }
    root
}

/// The budget finding of a fleet, and how long its text rendering is.
fn fleet_budget(homes: usize) -> (serde_json::Value, usize) {
    let fleet = smtp_fleet(homes);
    let run = |format: &str| {
        clientlint()
            .args([
                "--isolated",
                "--select",
                "server-connection-budget-exceeded",
            ])
            .args(["--format", format, "--root"])
            .arg(fleet.path())
            .output()
            .expect("runs")
            .stdout
    };
    let v: serde_json::Value = serde_json::from_slice(&run("json")).expect("json");
    let found = v["diagnostics"].as_array().cloned().unwrap_or_default();
    assert_eq!(found.len(), 1, "one finding for the one server");
    (found[0].clone(), run("text").len())
}

/// Issue 18: 300 homes whose profiles have 2–3 SMTP servers each on one host are 300
/// profiles, not 750; and the finding grows linearly with the contributors (JSON lists
/// each once; text names a few and counts the rest).
#[test]
fn r18_a_fleet_sharing_one_smtp_host_counts_profiles_and_grows_linearly() {
    let (d, text_300) = fleet_budget(300);
    assert_eq!(
        d["message"],
        "300 profiles may open 750 SMTP connections to `smtp.corp.example`, more than its limit of 8"
    );
    let help = d["help"].as_str().unwrap_or_default();
    assert!(
        help.ends_with("and 297 more (`clientlint connections` lists them all)"),
        "{help}"
    );
    let related = d["related"].as_array().cloned().unwrap_or_default();
    assert_eq!(related.len(), 300, "one related location per profile");
    let sum: i64 = related
        .iter()
        .filter_map(|r| r["connections"].as_i64())
        .sum();
    assert_eq!(sum, 750);
    assert_eq!(related[0]["connections"], 3, "the largest first");
    let paths: std::collections::HashSet<&str> =
        related.iter().filter_map(|r| r["path"].as_str()).collect();
    assert_eq!(paths.len(), 300, "no profile twice");

    let (d_100, text_100) = fleet_budget(100);
    let size = |d: &serde_json::Value| d.to_string().len() as f64;
    let ratio = size(&d) / size(&d_100);
    assert!(
        (2.7..3.3).contains(&ratio),
        "JSON grows 3× for 3× the homes, not {ratio:.2}×"
    );
    // The text names the first few contributors and counts the others.
    assert!(text_300 < text_100 + 200, "{text_100} → {text_300} bytes");
}
