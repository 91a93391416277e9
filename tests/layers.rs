//! clientlint's model of Thunderbird's machine-wide layers against what Thunderbird 140.12.0
//! and 153.8.0 themselves did with them (issue 15): every case of `tests/interop/layers/`
//! (a machine tree and a profile, observed on the real client by `tb_layers_case.sh`, one
//! `observed-<version>.json` per version) is laid out as an image — the case's system files,
//! a stub Debian install whose application.ini says that version, the profile in a home —
//! and linted with `--sysroot`; each mail server's connection cache, poll interval and poll
//! switch, and whether the value is locked, must be what Thunderbird reported. The live run
//! of the same cases is in the interop suite.

use std::path::{Path, PathBuf};

use clientlint::model::{Origin, Protocol, Server, Setting};
use clientlint::settings::Settings;
use serde_json::Value;

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The image of a case: its system files, a Debian-like install at /usr/lib/thunderbird
/// (with the `defaults/syspref` link to /etc/thunderbird/pref), and the profile as the
/// only profile of /home/user.
fn image(case: &Path, version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    copy_tree(&case.join("sys"), root);
    let install = root.join("usr/lib/thunderbird");
    std::fs::create_dir_all(install.join("defaults")).expect("mkdir");
    std::fs::write(
        install.join("application.ini"),
        format!("[App]\nName=Thunderbird\nVersion={version}\n"),
    )
    .expect("ini");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/thunderbird/pref", install.join("defaults/syspref"))
        .expect("syspref link");
    let tb = root.join("home/user/.thunderbird");
    copy_tree(&case.join("profile"), &tb.join("p"));
    std::fs::write(
        tb.join("profiles.ini"),
        "[Profile0]\nName=default\nIsRelative=1\nPath=p\nDefault=1\n",
    )
    .expect("profiles.ini");
    dir
}

fn cases() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir("tests/interop/layers")
        .expect("cases")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("observed-140.12.0.json").is_file())
        .collect();
    out.sort();
    out
}

fn locked<T>(s: &Setting<T>) -> bool {
    matches!(&s.origin, Origin::Managed(m) if m.how.starts_with("locked"))
}

/// Whether Thunderbird reported the value of attribute `attr` of server `key` locked: the
/// server's own pref when it has a value, else `mail.server.default.<attr>`.
fn observed_locked(prefs: &Value, key: &str, attr: &str) -> Option<bool> {
    let own = &prefs[format!("mail.server.{key}.{attr}")];
    let has = |p: &Value| p["hasUser"] == true || p["hasDefault"] == true;
    let int_ok = |p: &Value| p.get("intGetter").and_then(|g| g.get("error")).is_none();
    let pref = if has(own) && int_ok(own) {
        own
    } else {
        &prefs[format!("mail.server.default.{attr}")]
    };
    pref.get("locked").and_then(Value::as_bool)
}

fn compare(case: &Path, observed: &Value, servers: &[&Server]) -> Vec<String> {
    let mut problems = Vec::new();
    let dump = &observed["dump"];
    let Some(tb_servers) = dump["servers"].as_array() else {
        return problems;
    };
    for tb in tb_servers
        .iter()
        .filter(|s| s["type"] == "imap" || s["type"] == "pop3")
    {
        let key = tb["key"].as_str().unwrap_or("");
        let Some(ours) = servers.iter().find(|s| s.key == key) else {
            problems.push(format!("{key}: Thunderbird has it, clientlint does not"));
            continue;
        };
        let mut check = |what: &str, theirs: Option<i64>, mine: Option<i64>| {
            if theirs != mine {
                problems.push(format!(
                    "{key}.{what}: thunderbird {theirs:?} clientlint {mine:?}"
                ));
            }
        };
        check(
            "biffMinutes",
            tb["biffMinutes"].as_i64(),
            ours.poll_minutes.as_ref().map(|p| p.value),
        );
        check(
            "doBiff",
            tb["doBiff"].as_bool().map(i64::from),
            ours.poll_enabled.as_ref().map(|p| i64::from(p.value)),
        );
        if ours.protocol == Protocol::Imap {
            check(
                "maximumConnectionsNumber",
                tb["maximumConnectionsNumber"].as_i64(),
                ours.max_connections.as_ref().map(|m| m.value),
            );
        }
        let prefs = &dump["prefs"];
        for (attr, setting) in [
            (
                "max_cached_connections",
                ours.max_connections.as_ref().map(locked),
            ),
            ("check_time", ours.poll_minutes.as_ref().map(locked)),
        ] {
            if let (Some(theirs), Some(mine)) = (observed_locked(prefs, key, attr), setting) {
                if theirs != mine {
                    problems.push(format!(
                        "{key}.{attr} locked: thunderbird {theirs} clientlint {mine}"
                    ));
                }
            }
        }
    }
    let _ = case;
    problems
}

/// Cases where Thunderbird did not get to report its accounts, and what clientlint must
/// say instead. Thunderbird 153 reads a .cfg in /etc/thunderbird (case 38 runs with it).
fn expected_rules(case: &str, version: &str) -> &'static [&'static str] {
    match case {
        "38-cfg-in-etc-only" if version.starts_with("153.") => &[],
        "05-install-lockPref-parse-error" => &["syntax-error"],
        "13-policy-etc-invalid" | "14-policy-dist-invalid" => &["syntax-error"],
        "11-policy-etc-and-dist" => &["policies-file-shadowed"],
        "22-policy-outside-prefixes" => &["unknown-setting"],
        "23-policy-invalid-status" => &["invalid-value"],
        "34-cfg-line1-skipped" => &["autoconfig-first-line-ignored"],
        "37-cfg-missing" | "37b-cfg-missing-desktop" | "38-cfg-in-etc-only" => {
            &["autoconfig-file-missing"]
        }
        "44-cfg-sandbox-probe" => &["autoconfig-not-evaluated"],
        "45-cfg-syntax-error" | "46-cfg-runtime-error" => &["syntax-error"],
        _ => &[],
    }
}

#[test]
fn every_layer_case_gives_the_values_thunderbird_140_and_153_used() {
    let mut failures = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut runs = 0;
    for case in &cases {
        for version in ["140.12.0", "153.8.0"] {
            let file = case.join(format!("observed-{version}.json"));
            if !file.is_file() {
                continue;
            }
            runs += 1;
            compare_case(case, version, &file, &mut failures);
        }
    }
    assert!(runs >= 80, "only {runs} observations");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One case against one version's observation: its disagreements go to `failures`.
fn compare_case(case: &Path, version: &str, file: &Path, failures: &mut Vec<String>) {
    {
        let name = case
            .file_name()
            .map(|n| format!("{} on {version}", n.to_string_lossy()))
            .unwrap_or_default();
        let case_name = case
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let observed: Value =
            serde_json::from_str(&std::fs::read_to_string(file).expect("observed")).expect("json");
        let img = image(case, version);
        let analysis = clientlint::lint_sysroot(img.path(), &Settings::default());
        let servers: Vec<&Server> = analysis
            .profiles
            .iter()
            .filter(|p| p.name.ends_with(".thunderbird/p"))
            .flat_map(|p| &p.servers)
            .collect();
        for p in compare(case, &observed, &servers) {
            failures.push(format!("{name}: {p}"));
        }
        let rules: Vec<&str> = analysis.diagnostics.iter().map(|d| d.rule).collect();
        for want in expected_rules(&case_name, version) {
            if !rules.contains(want) {
                failures.push(format!("{name}: expected a {want} finding, got {rules:?}"));
            }
        }
    }
}
