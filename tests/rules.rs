//! Every rule against its fixtures: `fixtures/rules/<rule>/*.bad*` must produce that rule's
//! diagnostics (snapshotted as text and JSON), `*.good*` must produce no diagnostic at all.

use std::path::{Path, PathBuf};

use clientlint::diagnostic::FixAvailability;
use clientlint::engine::discover;
use clientlint::report::OutputFormat;
use clientlint::rules::ALL;
use clientlint::settings::Settings;
use clientlint::{
    lint_paths, lint_sysroot, plan_fixes, read_files, render, unified_diff, Analysis,
};

fn fixture_dir(rule: &str) -> PathBuf {
    Path::new("fixtures/rules").join(rule)
}

/// Fixture cases of a rule: files or directories whose name holds `.bad` or `.good`.
fn cases(rule: &str, marker: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixture_dir(rule))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| {
        p.file_name()
            .map(|n| n.to_string_lossy().contains(marker))
            .unwrap_or(false)
    });
    out.sort();
    out
}

/// Lints a fixture case: a file or tree, or (named `*.sysroot`) a whole machine's image,
/// as `--sysroot` reads one.
fn lint_case(case: &Path, settings: &Settings) -> Analysis {
    if is_image(case) {
        lint_sysroot(case, settings)
    } else {
        lint_paths(&[case.to_path_buf()], settings)
    }
}

fn is_image(case: &Path) -> bool {
    case.to_string_lossy().ends_with(".sysroot")
}

fn only(rule: &str) -> Settings {
    Settings {
        select: Some(vec![rule.to_owned()]),
        ..Settings::default()
    }
}

fn snapshot_name(case: &Path) -> String {
    case.strip_prefix("fixtures/rules")
        .unwrap_or(case)
        .to_string_lossy()
        .replace(['/', '\\'], "__")
}

/// Rules whose formats are being built in parallel; each entry is removed when that
/// format's fixtures land. Must be empty when an issue closes.
const AWAITING_FIXTURES: &[&str] = &[];

/// Rules that cannot have static fixtures: the probe rules report what `clientlint probe`
/// found when it connected to a live server, so no file alone makes them fire (in a
/// `check` run they report nothing, which `good_fixtures_are_clean_under_every_rule`
/// covers). Each is covered instead by tests against real servers on 127.0.0.1 in
/// `tests/probe_rules.rs`, named after the rule (`fn probe_unreachable_…`), which
/// `tests/probe/run.sh` runs and `.ci/run` calls; the test below holds the list to exactly
/// the probe rules and checks that each has its test there.
const COVERED_BY_THE_PROBE_SUITE: &[&str] = &[
    "probe-unreachable",
    "probe-timeout",
    "probe-address-not-allowed",
    "probe-tls-mode-mismatch",
    "probe-certificate-invalid",
    "probe-tls-handshake-failed",
    "probe-server-refuses",
    "probe-starttls-unavailable",
    "probe-auth-unavailable",
    "probe-not-the-expected-protocol",
];

#[test]
fn rules_without_fixtures_are_the_probe_rules_each_with_a_probe_suite_test() {
    let probe_rules: Vec<&str> = ALL
        .iter()
        .map(|r| r.name())
        .filter(|n| clientlint::rules::is_probe_rule(n))
        .collect();
    assert_eq!(probe_rules, COVERED_BY_THE_PROBE_SUITE);
    let suite = std::fs::read_to_string("tests/probe_rules.rs").expect("tests/probe_rules.rs");
    for name in COVERED_BY_THE_PROBE_SUITE {
        let test = format!("fn {}_", name.replace('-', "_"));
        assert!(
            suite.contains(&test),
            "{name} has no test `{test}…` in tests/probe_rules.rs"
        );
        assert!(
            cases(name, ".bad").is_empty() && cases(name, ".good").is_empty(),
            "{name} has fixtures: take it off COVERED_BY_THE_PROBE_SUITE"
        );
    }
}

#[test]
fn every_rule_has_bad_and_good_fixtures() {
    for rule in ALL {
        let name = rule.name();
        if AWAITING_FIXTURES.contains(&name) || COVERED_BY_THE_PROBE_SUITE.contains(&name) {
            continue;
        }
        assert!(
            !cases(name, ".bad").is_empty(),
            "{name} has no *.bad* fixture"
        );
        assert!(
            !cases(name, ".good").is_empty(),
            "{name} has no *.good* fixture"
        );
    }
}

#[test]
fn bad_fixtures_report_their_rule() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/rules");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for rule in ALL {
            for case in cases(rule.name(), ".bad") {
                let analysis = lint_case(&case, &only(rule.name()));
                assert!(
                    analysis.diagnostics.iter().any(|d| d.rule == rule.name()),
                    "{} reports nothing for {}",
                    rule.name(),
                    case.display()
                );
                let name = snapshot_name(&case);
                insta::assert_snapshot!(
                    format!("{name}.text"),
                    render(&analysis, OutputFormat::Text)
                );
                insta::assert_snapshot!(
                    format!("{name}.json"),
                    render(&analysis, OutputFormat::Json)
                );
                insta::assert_snapshot!(
                    format!("{name}.github"),
                    render(&analysis, OutputFormat::Github)
                );
                // The driver's rule list is the same for every run (snapshotted once in
                // tests/outputs.rs); here only the results.
                let sarif: serde_json::Value =
                    serde_json::from_str(&render(&analysis, OutputFormat::Sarif)).expect("sarif");
                insta::assert_snapshot!(
                    format!("{name}.sarif"),
                    serde_json::to_string_pretty(&sarif["runs"][0]["results"]).expect("json")
                );
                // Rules behave as they declare: `Never` offers no fix, `Always` always does.
                for d in analysis
                    .diagnostics
                    .iter()
                    .filter(|d| d.rule == rule.name())
                {
                    match rule.fix_availability() {
                        FixAvailability::Never => assert!(
                            d.fix.is_none(),
                            "{} declares no fix but offered one",
                            rule.name()
                        ),
                        FixAvailability::Always => assert!(
                            d.fix.is_some(),
                            "{} declares a fix always but offered none for {}",
                            rule.name(),
                            case.display()
                        ),
                        FixAvailability::Sometimes => {}
                    }
                }
                // The fixed file, as the diff `--unsafe-fixes --diff` prints.
                if rule.fix_availability() != FixAvailability::Never && !is_image(&case) {
                    let discovery = discover::from_paths(std::slice::from_ref(&case));
                    let (files, _) = read_files(&discovery.units);
                    let plan = plan_fixes(&discovery.units, files, &only(rule.name()), true);
                    assert!(plan.errors.is_empty(), "{:?}", plan.errors);
                    insta::assert_snapshot!(format!("{name}.fixed"), unified_diff(&plan));
                }
            }
        }
    });
}

#[test]
fn good_fixtures_are_clean_under_every_rule() {
    for rule in ALL {
        for case in cases(rule.name(), ".good") {
            let analysis = lint_case(&case, &Settings::default());
            assert!(
                !analysis.files.is_empty(),
                "{} was not read as a configuration file",
                case.display()
            );
            assert!(
                analysis.diagnostics.is_empty(),
                "{} should be clean, got:\n{}",
                case.display(),
                render(&analysis, OutputFormat::Concise)
            );
        }
    }
}
