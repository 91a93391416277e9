//! What ships around the binary (issue 21): the GitLab Code Quality report, the JSON Schema
//! of `--format json`, the example /etc/clientlint.toml of the Debian package, and the
//! notice when the paths given hold nothing clientlint reads. The package itself, the
//! pre-commit hooks and the CI action are tested by the scripts in tests/packaging/.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::{lint_paths, render};

#[path = "support/schema.rs"]
mod schema;
use schema::{assert_valid, schema, validators};

fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    cmd.env_remove("NO_COLOR").env_remove("CI_PROJECT_DIR");
    cmd
}

/// Every bad fixture case of every rule (files, or directories such as a profile).
fn bad_fixtures() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for rule in std::fs::read_dir("fixtures/rules")
        .expect("fixtures")
        .filter_map(Result::ok)
    {
        for case in std::fs::read_dir(rule.path())
            .expect("rule dir")
            .filter_map(Result::ok)
        {
            if case.file_name().to_string_lossy().contains(".bad") {
                out.push(case.path());
            }
        }
    }
    out.sort();
    assert!(out.len() > 50, "fixtures/rules holds the bad fixtures");
    out
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).expect("valid JSON")
}

// ---- GitLab Code Quality ------------------------------------------------------------

#[test]
fn gitlab_report_of_the_demo() {
    let analysis = lint_paths(&[PathBuf::from("fixtures/demo")], &Settings::default());
    insta::assert_snapshot!("gitlab_demo", render(&analysis, OutputFormat::Gitlab));
}

/// What GitLab reads (docs.gitlab.com/ci/testing/code_quality, "Code Quality report
/// format"): an array of objects with description, check_name, fingerprint (unique:
/// GitLab shows only the first of equal ones), severity (info, minor, major, critical,
/// blocker) and location.path (relative to the project) with location.lines.begin.
#[test]
fn gitlab_report_has_what_gitlab_reads_with_unique_stable_fingerprints() {
    let cases = bad_fixtures();
    let out = clientlint()
        .args(["--format", "gitlab"])
        .args(&cases)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out.stdout);
    let issues = report.as_array().expect("an array of issues");
    let diagnostics = lint_paths(&cases, &Settings::default()).diagnostics;
    assert_eq!(issues.len(), diagnostics.len());
    let rules: HashSet<&str> = clientlint::rules::ALL.iter().map(|r| r.name()).collect();
    let mut fingerprints = HashSet::new();
    for issue in issues {
        let mut keys: Vec<&str> = issue
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "check_name",
                "description",
                "fingerprint",
                "location",
                "severity"
            ],
            "{issue}"
        );
        assert!(!issue["description"].as_str().unwrap_or("").is_empty());
        assert!(rules.contains(issue["check_name"].as_str().unwrap_or("")));
        let fp = issue["fingerprint"].as_str().expect("fingerprint");
        assert!(
            fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()),
            "{fp}"
        );
        assert!(fingerprints.insert(fp.to_owned()), "duplicate {fp}");
        assert!(["info", "minor", "major", "critical", "blocker"]
            .contains(&issue["severity"].as_str().unwrap_or("")));
        let path = issue["location"]["path"].as_str().expect("path");
        assert!(!path.starts_with('/') && !path.starts_with("./"), "{path}");
        assert!(
            Path::new(path).is_file(),
            "{path} is relative to the project"
        );
        let begin = issue["location"]["lines"]["begin"].as_u64().expect("begin");
        let end = issue["location"]["lines"]["end"].as_u64().expect("end");
        assert!(begin >= 1 && end >= begin, "{issue}");
    }
    // Severities map error → critical, warning → major, info → info.
    for (d, issue) in diagnostics.iter().zip(issues) {
        let expected = match d.severity.name() {
            "error" => "critical",
            "warning" => "major",
            _ => "info",
        };
        assert_eq!(issue["severity"], expected);
        assert_eq!(issue["check_name"], d.rule);
    }

    // Stable across runs, and independent of how the paths were named: the same files as
    // absolute paths inside $CI_PROJECT_DIR give the same report, byte for byte.
    let cwd = std::env::current_dir().expect("cwd");
    let again = clientlint()
        .env("CI_PROJECT_DIR", &cwd)
        .current_dir("/")
        .args(["--format", "gitlab"])
        .args(cases.iter().map(|c| cwd.join(c)))
        .output()
        .expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn gitlab_report_shows_no_secret_and_is_empty_when_clean() {
    let out = clientlint()
        .args(["--format", "gitlab", "fixtures/demo/thunderbird"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("too-many-cached-connections"), "{text}");
    let out = clientlint()
        .args([
            "--format",
            "gitlab",
            "fixtures/rules/too-many-cached-connections/thunderbird.good.js",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout), serde_json::json!([]));
}

// ---- JSON Schema of --format json ---------------------------------------------------

#[test]
fn json_output_of_every_bad_fixture_validates_against_the_schema() {
    assert_eq!(
        schema()["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let validators = validators();
    let cases = bad_fixtures();
    for case in &cases {
        let analysis = lint_paths(std::slice::from_ref(case), &Settings::default());
        let doc = json(render(&analysis, OutputFormat::Json).as_bytes());
        assert_valid(&validators, &doc, &case.display().to_string());
    }
    // All of them in one run, with fixes in several files and the run-wide budget.
    let analysis = lint_paths(&cases, &Settings::default());
    let doc = json(render(&analysis, OutputFormat::Json).as_bytes());
    assert!(doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .any(|d| d["fix"].is_object()));
    assert_valid(&validators, &doc, "all bad fixtures");

    // Through the binary: what the batched pipeline writes, and the empty run.
    let out = clientlint()
        .args(["--format", "json", "fixtures/demo"])
        .output()
        .expect("runs");
    assert_valid(&validators, &json(&out.stdout), "fixtures/demo");
    let empty = tempfile::tempdir().expect("tempdir");
    let out = clientlint()
        .args(["--format", "json"])
        .arg(empty.path())
        .output()
        .expect("runs");
    assert_valid(&validators, &json(&out.stdout), "an empty directory");
}

/// A one-shot FTP server on 127.0.0.1 for the probe: greets with a server-wide limit,
/// answers FEAT and QUIT. Returns its port.
fn tiny_ftp_server() -> u16 {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut out = stream.try_clone().expect("clone");
        let _ = out.write_all(b"220 You are user number 3 of 50 allowed.\r\n");
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            let reply: &[u8] = match line.as_str() {
                "FEAT" => b"211-Features:\r\n UTF8\r\n211 End\r\n",
                "QUIT" => b"221 Bye\r\n",
                _ => b"500 ?\r\n",
            };
            let _ = out.write_all(reply);
        }
    });
    port
}

#[test]
fn probe_json_validates_against_the_schema() {
    let closed_port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let open_port = tiny_ftp_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = dir.path().join("filezilla");
    std::fs::create_dir_all(&fz).expect("mkdir");
    let site = |name: &str, host: &str, port: u16, protocol: u8| {
        format!(
            "<Server><Host>{host}</Host><Port>{port}</Port><Protocol>{protocol}</Protocol>\
             <Type>0</Type><Logontype>0</Logontype><Name>{name}</Name></Server>"
        )
    };
    std::fs::write(
        fz.join("sitemanager.xml"),
        format!(
            "<?xml version=\"1.0\"?>\n<FileZilla3><Servers>{}{}{}</Servers></FileZilla3>\n",
            site("Closed", "127.0.0.1", closed_port, 4),
            site("Open", "127.0.0.1", open_port, 6),
            site("Meta", "169.254.169.254", 21, 3),
        ),
    )
    .expect("write");
    let out = clientlint()
        .env(
            clientlint::engine::discover::MACHINE_ROOT_ENV,
            "/nonexistent/clientlint-test-machine",
        )
        .args(["probe", "--format", "json", "--timeout", "5"])
        .arg(&fz)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc = json(&out.stdout);
    assert_valid(&validators(), &doc, "probe --format json");
    let probes = doc["probes"].as_array().expect("probes");
    assert_eq!(probes.len(), 3);
    let open = probes
        .iter()
        .find(|p| p["target"]["port"] == open_port)
        .expect("the open server");
    assert_eq!(open["greeting"], "220 You are user number 3 of 50 allowed.");
    assert_eq!(open["announced_limit"]["server_wide"], 50);
    assert_eq!(open["commands_sent"], serde_json::json!(["FEAT", "QUIT"]));
    assert_eq!(open["findings"], serde_json::json!([]));
    // `check` never writes `probes`.
    let out = clientlint()
        .args(["check", "--format", "json"])
        .arg(&fz)
        .output()
        .expect("runs");
    assert!(json(&out.stdout).get("probes").is_none());
}

#[test]
fn schema_rejects_what_the_contract_forbids() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let analysis = lint_paths(
        &[PathBuf::from("fixtures/demo/thunderbird")],
        &Settings::default(),
    );
    let good = json(render(&analysis, OutputFormat::Json).as_bytes());
    assert!(validator.is_valid(&good));
    let mutate = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut doc = good.clone();
        f(&mut doc);
        validator.is_valid(&doc)
    };
    assert!(!mutate(&|d| d["version"] = 2.into()));
    assert!(!mutate(
        &|d| d["diagnostics"][0]["severity"] = "fatal".into()
    ));
    assert!(!mutate(&|d| d["diagnostics"][0]["line"] = 0.into()));
    assert!(!mutate(&|d| {
        d["diagnostics"][0]
            .as_object_mut()
            .map(|o| o.remove("byte_offset"));
    }));
    assert!(!mutate(
        &|d| d["summary"]["no_configuration_found"] = false.into()
    ));
    // A field added later (the version policy) does not break validation.
    assert!(mutate(&|d| d["diagnostics"][0]["new_field"] = 1.into()));
}

// ---- The example /etc/clientlint.toml -----------------------------------------------

const EXAMPLE: &str = "packaging/clientlint.toml";

/// The keys docs/configuration.md documents: the first column of its table of keys.
fn documented_keys() -> Vec<String> {
    let docs = std::fs::read_to_string("docs/configuration.md").expect("docs");
    let keys: Vec<String> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect();
    assert!(
        keys.len() >= 10,
        "the table of keys in docs/configuration.md"
    );
    keys
}

/// A line of the example that is a commented-out setting: `#` directly followed by a
/// key, a quoted glob or a `[table]` (explanations start with `# `).
fn commented_setting(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('#')?;
    (!rest.is_empty() && !rest.starts_with([' ', '#', '-'])).then_some(rest)
}

#[test]
fn example_configuration_documents_every_key_and_is_all_commented_out() {
    let example = std::fs::read_to_string(EXAMPLE).expect(EXAMPLE);
    let settings: Vec<&str> = example.lines().filter_map(commented_setting).collect();
    for key in documented_keys() {
        // `[servers."HOST"] connection-limit` is a table and a key inside it.
        let found = key.split(' ').all(|part| {
            let part = part.replace("\"HOST\"", "\"");
            settings.iter().any(|s| {
                if part.starts_with('[') {
                    s.starts_with(part.trim_end_matches(']'))
                } else {
                    s.starts_with(&format!("{part} ="))
                }
            })
        });
        assert!(found, "{EXAMPLE} does not show `{key}` (commented out)");
    }
    // Nothing is active: every line is empty or a comment.
    for line in example.lines() {
        assert!(
            line.is_empty() || line.starts_with('#'),
            "{EXAMPLE}: active line {line:?}"
        );
    }
}

#[test]
fn example_configuration_parses_and_its_limits_are_the_defaults() {
    let example = std::fs::read_to_string(EXAMPLE).expect(EXAMPLE);
    let dir = tempfile::tempdir().expect("tempdir");
    // As shipped: all comments, so the defaults.
    let shipped = dir.path().join("shipped.toml");
    std::fs::write(&shipped, &example).expect("write");
    let defaults = clientlint()
        .args(["config", "--isolated"])
        .output()
        .expect("runs");
    let as_shipped = clientlint()
        .arg("config")
        .arg("--config")
        .arg(&shipped)
        .output()
        .expect("runs");
    assert_eq!(as_shipped.status.code(), Some(0));
    let values = |out: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(out)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.split("  #").next().unwrap_or(l).to_owned())
            .collect()
    };
    assert_eq!(values(&as_shipped.stdout), values(&defaults.stdout));

    // Every setting uncommented: a valid configuration, whose limits are the defaults.
    let uncommented: String = example
        .lines()
        .map(|l| commented_setting(l).unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let active = dir.path().join("active.toml");
    std::fs::write(&active, uncommented).expect("write");
    let out = clientlint()
        .arg("config")
        .arg("--config")
        .arg(&active)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The limits: the documented top-level keys other than the rule lists.
    let keys: Vec<String> = documented_keys()
        .into_iter()
        .filter(|k| !k.starts_with('[') && k != "select" && k != "ignore")
        .collect();
    let limits = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| keys.iter().any(|k| l.starts_with(&format!("{k} = "))))
            .map(|l| l.split("  #").next().unwrap_or(l).to_owned())
            .collect()
    };
    assert_eq!(limits(&text).len(), keys.len(), "{text}");
    assert_eq!(
        limits(&text),
        limits(&String::from_utf8_lossy(&defaults.stdout))
    );
    assert!(text.contains("[servers.\"imap.example.com\"]"), "{text}");
    assert!(text.contains("[per-path-ignores]"), "{text}");
    assert!(text.contains("smtp-port-25 = \"error\""), "{text}");
}

// ---- Nothing found ------------------------------------------------------------------

const NOTICE: &str = "warning: no FTP or e-mail client configuration found under";

#[test]
fn an_empty_or_unrelated_directory_gives_the_notice_and_exit_0() {
    let empty = tempfile::tempdir().expect("tempdir");
    let unrelated = tempfile::tempdir().expect("tempdir");
    std::fs::write(unrelated.path().join("notes.txt"), "user_pref(\"a\", 1);\n").expect("w");
    std::fs::write(unrelated.path().join("config.json"), "{}\n").expect("w");
    std::fs::create_dir(unrelated.path().join("sub")).expect("mkdir");
    std::fs::write(unrelated.path().join("sub/settings.xml"), "<a/>\n").expect("w");
    for dir in [empty.path(), unrelated.path()] {
        let out = clientlint().arg(dir).output().expect("runs");
        assert_eq!(out.status.code(), Some(0));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!("{NOTICE} `{}`;", dir.display())),
            "{err}"
        );
        for name in [
            "prefs.js",
            "user.js",
            "profiles.ini",
            "filezilla.xml",
            "sitemanager.xml",
            "recentservers.xml",
            "fzdefaults.xml",
            ".prf",
            ".reg",
        ] {
            assert!(err.contains(name), "the notice names {name}: {err}");
        }
        assert_eq!(err.lines().count(), 1, "{err}");

        let out = clientlint()
            .args(["--format", "json"])
            .arg(dir)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stderr).contains(NOTICE));
        let doc = json(&out.stdout);
        assert_eq!(doc["summary"]["no_configuration_found"], true, "{doc}");
        assert_eq!(doc["summary"]["files"], 0);
    }
    // Several paths are all named.
    let out = clientlint()
        .arg(empty.path())
        .arg(unrelated.path())
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "`{}`, `{}`;",
            empty.path().display(),
            unrelated.path().display()
        )),
        "{err}"
    );
}

#[test]
fn no_notice_when_something_is_found_or_a_path_cannot_be_read() {
    let out = clientlint()
        .args(["--format", "json", "fixtures/demo"])
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(NOTICE));
    let doc = json(&out.stdout);
    assert!(doc["summary"].get("no_configuration_found").is_none());
    // A path that does not exist is a tool error (exit 2), not "nothing found".
    let out = clientlint().arg("does/not/exist").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(NOTICE));
}
