//! Machine-readable outputs and generated docs: SARIF validates against the 2.1.0 schema,
//! docs/rules.md is in sync with the registry, the man page and completions render,
//! `--output-file` and `--statistics` work.

use std::path::PathBuf;

use assert_cmd::Command;
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::{lint_paths, render};

fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    // This machine's own Thunderbird (the interop suite installs one) is not the test's.
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Every bad fixture of every rule, linted in one run.
fn all_bad_fixtures() -> Vec<PathBuf> {
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
    out
}

#[test]
fn sarif_for_the_fixture_set_validates_against_the_2_1_0_schema() {
    let analysis = lint_paths(&all_bad_fixtures(), &Settings::default());
    assert!(analysis.diagnostics.len() > 20);
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&analysis, OutputFormat::Sarif)).expect("valid JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("schemas/sarif-2.1.0.json").expect("schema shipped"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), analysis.diagnostics.len());
    // Fixable results carry their replacements.
    assert!(results
        .iter()
        .any(
            |r| r["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
                .is_string()
        ));
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
}

#[test]
fn sarif_driver_lists_every_rule() {
    let analysis = lint_paths(&[], &Settings::default());
    let sarif: serde_json::Value =
        serde_json::from_str(&render(&analysis, OutputFormat::Sarif)).expect("valid JSON");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    let expected: Vec<&str> = clientlint::rules::ALL.iter().map(|r| r.name()).collect();
    assert_eq!(ids, expected);
    insta::assert_snapshot!(
        "sarif_driver_rule_ids_and_levels",
        rules
            .iter()
            .map(|r| format!(
                "{} {}",
                r["id"].as_str().unwrap_or_default(),
                r["defaultConfiguration"]["level"]
                    .as_str()
                    .unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn no_secret_in_sarif_or_github_output() {
    let analysis = lint_paths(
        &[PathBuf::from("fixtures/demo/thunderbird")],
        &Settings::default(),
    );
    for format in [OutputFormat::Sarif, OutputFormat::Github] {
        assert!(!render(&analysis, format).contains("hunter2"));
    }
}

#[test]
fn rules_page_is_complete_and_in_sync() {
    let checked_in = std::fs::read_to_string("docs/rules.md").expect("docs/rules.md");
    let generated = clientlint::rules_markdown();
    assert!(
        checked_in == generated,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
    for rule in clientlint::rules::ALL {
        assert!(
            checked_in.contains(&format!("\n## {}\n", rule.name())),
            "{} missing",
            rule.name()
        );
    }
}

/// The generated limits section of docs/configuration.md, between its two marker lines.
const LIMITS_BEGIN: &str = "<!-- begin limits:";
const LIMITS_END: &str = "<!-- end limits -->";

#[test]
fn configuration_page_limits_are_in_sync() {
    let path = "docs/configuration.md";
    let page = std::fs::read_to_string(path).expect("docs/configuration.md");
    let begin = page.find(LIMITS_BEGIN).expect("the begin marker");
    let body = begin + page[begin..].find('\n').expect("a marker line") + 1;
    let end = page.find(LIMITS_END).expect("the end marker");
    let generated = format!("\n{}\n", clientlint::settings::limits::markdown());
    if page[body..end] == generated {
        return;
    }
    // `CLIENTLINT_UPDATE_DOCS=1 cargo test --test outputs configuration_page` rewrites it.
    if std::env::var_os("CLIENTLINT_UPDATE_DOCS").is_some() {
        let updated = format!("{}{generated}{}", &page[..body], &page[end..]);
        std::fs::write(path, updated).expect("write docs/configuration.md");
        return;
    }
    panic!(
        "the limits section of docs/configuration.md is stale: run \
         `CLIENTLINT_UPDATE_DOCS=1 cargo test --test outputs configuration_page`"
    );
}

#[test]
fn man_page_and_completions_render() {
    let out = clientlint().arg("manpage").output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let man = String::from_utf8_lossy(&out.stdout);
    assert!(man.contains(".TH clientlint 1"), "{man}");
    assert!(
        man.contains("unsafe\\-fixes"),
        "the man page documents the flags"
    );
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = clientlint()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("clientlint"),
            "{shell}"
        );
    }
}

#[test]
fn output_file_receives_the_report_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.sarif");
    let out = clientlint()
        .args(["--format", "sarif", "--color", "always", "--output-file"])
        .arg(&file)
        .arg("fixtures/demo/thunderbird")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("json");
    assert_eq!(written["version"], "2.1.0");
}

#[test]
fn statistics_count_findings_per_rule() {
    let cases: Vec<PathBuf> = std::fs::read_dir("fixtures/rules/invalid-value")
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.to_string_lossy().contains("thunderbird-") && p.to_string_lossy().ends_with(".bad.js")
        })
        .collect();
    let out = clientlint()
        .arg("--statistics")
        .args(&cases)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("6  invalid-value")),
        "{text}"
    );
    let out = clientlint()
        .args([
            "--statistics",
            "--format",
            "json",
            "fixtures/demo/thunderbird",
        ])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let total: u64 = v
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(total, 5);
}
