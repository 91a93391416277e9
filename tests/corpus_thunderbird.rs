//! Real Thunderbird files (fixtures/corpus/thunderbird, see SOURCES.md): every one is read
//! without panic, and each gives the findings a reader of the file expects.

use std::path::PathBuf;

use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::{lint_paths, render};

fn corpus(name: &str) -> PathBuf {
    PathBuf::from("fixtures/corpus/thunderbird").join(name)
}

/// (rule, line) of every diagnostic.
fn findings(name: &str) -> Vec<(String, usize)> {
    let analysis = lint_paths(&[corpus(name)], &Settings::default());
    analysis
        .diagnostics
        .iter()
        .map(|d| {
            let line = analysis
                .files
                .get(d.file)
                .map(|f| f.line_col(d.span.start).0)
                .unwrap_or(0);
            (d.rule.to_owned(), line)
        })
        .collect()
}

fn rules(name: &str) -> Vec<String> {
    findings(name).into_iter().map(|(r, _)| r).collect()
}

#[test]
fn every_corpus_file_is_read_without_panic_and_renders_in_every_format() {
    let dir = std::fs::read_dir("fixtures/corpus/thunderbird").expect("corpus");
    for entry in dir.filter_map(Result::ok) {
        let analysis = lint_paths(&[entry.path()], &Settings::default());
        for format in [
            OutputFormat::Text,
            OutputFormat::Concise,
            OutputFormat::Json,
        ] {
            let _ = render(&analysis, format);
        }
        let json = render(&analysis, OutputFormat::Json);
        serde_json::from_str::<serde_json::Value>(&json).expect("valid JSON");
    }
}

#[test]
fn tb115_profile_without_accounts_is_clean() {
    assert!(findings("adonis329-homedir-tb115-noaccount-prefs.js").is_empty());
}

#[test]
fn tb2_migration_profile_has_one_gmail_imap_account_with_default_connections() {
    // A TB2-era Gmail IMAP account: SSL on 993 (fine), max_cached_connections 5 written
    // explicitly by Thunderbird, above the limit of 3.
    assert_eq!(
        findings("commcentral-mozmill-migration-from-tb2-prefs.js"),
        vec![("too-many-cached-connections".to_owned(), 69)]
    );
}

#[test]
fn perf_test_profile_sends_passwords_in_clear_over_pop3_and_smtp() {
    let r = rules("commcentral-perf-mailnewsTestPrefs.js");
    assert_eq!(
        r,
        vec![
            "insecure-auth-method",
            "unencrypted-connection",
            "insecure-auth-method",
            "unencrypted-connection"
        ]
    );
}

#[test]
fn distro_skeleton_has_its_two_duplicate_keys() {
    assert_eq!(
        findings("distroastro-skel-sclu99sw-prefs.js"),
        vec![
            ("duplicate-setting".to_owned(), 25),
            ("duplicate-setting".to_owned(), 38)
        ]
    );
}

#[test]
fn tb45_profile_flags_starttls_port_cached_connections_and_port_25() {
    assert_eq!(
        findings("helvethor-dotfiles-tb45-prefs.js"),
        vec![
            ("not-recommended-port".to_owned(), 207),
            ("too-many-cached-connections".to_owned(), 210),
            ("too-many-cached-connections".to_owned(), 246),
            ("smtp-port-25".to_owned(), 277),
            ("smtp-port-25".to_owned(), 282),
        ]
    );
}

#[test]
fn tb78_gmail_oauth_profile_only_exceeds_cached_connections() {
    assert_eq!(
        rules("icantit-homedir-tb-default-default-prefs.js"),
        vec!["too-many-cached-connections"]
    );
}

#[test]
fn netscape_m4_prefs_with_shift_jis_comments_parse_and_pop3_is_plain() {
    // Shift_JIS bytes sit in comments only: no syntax or invalid-value finding.
    let r = rules("mozarchive-netscape-m4-prefs.js");
    assert_eq!(r, vec!["insecure-auth-method", "unencrypted-connection"]);
    // Its `mail.server.server1.password` value is masked in every output.
    let analysis = lint_paths(
        &[corpus("mozarchive-netscape-m4-prefs.js")],
        &Settings::default(),
    );
    for format in [
        OutputFormat::Text,
        OutputFormat::Concise,
        OutputFormat::Json,
    ] {
        assert!(!render(&analysis, format).contains("your_password"));
    }
}

#[test]
fn dotfiles_user_js_sets_check_time_for_servers_without_accounts() {
    // Servers 1-3 have no account in this file, so they are not linted as live accounts.
    assert!(findings("nobuto-dotfiles-user.js").is_empty());
}

#[test]
fn default_prefs_file_with_pref_keyword_is_valid() {
    assert!(findings("kowith337-defaults-pref-autoconfig.js").is_empty());
}

#[test]
fn profiles_ini_whose_profile_dirs_are_missing_says_so() {
    assert_eq!(
        rules("adonis329-homedir-tb115-profiles.ini"),
        vec!["invalid-value", "invalid-value"]
    );
    assert_eq!(rules("nobuto-dotfiles-profiles.ini"), vec!["invalid-value"]);
}

/// Issue 15: policies.json, AutoConfig and default prefs files are read as what they are
/// (they were skipped as "not a configuration file" before), with findings where due.
#[test]
fn autoconfig_and_policies_files_are_read_as_managing_layers() {
    for (name, format, expected) in [
        (
            "kowith337-autoconfig-defaultPref.cfg",
            "autoconfig-cfg",
            vec![],
        ),
        (
            "malnova-dotfiles-autoconfig-lockPref.cfg",
            "autoconfig-cfg",
            vec![],
        ),
        ("commcentral-tb-snap-policies.json", "policies-json", vec![]),
        (
            "kowith337-distribution-policies.json",
            "policies-json",
            vec![],
        ),
        (
            "kowith337-defaults-pref-autoconfig.js",
            "default-prefs-js",
            vec![],
        ),
        // The devtools prefs are outside what the Preferences policy accepts; the `"//"`
        // comment keys are not reported.
        (
            "joendres-nextcloud-filelink-policies-dupkeys.json",
            "policies-json",
            vec![
                ("unknown-setting".to_owned(), 13),
                ("unknown-setting".to_owned(), 16),
                ("unknown-setting".to_owned(), 19),
            ],
        ),
    ] {
        let analysis = lint_paths(&[corpus(name)], &Settings::default());
        let info = analysis.infos.first().copied().flatten();
        assert_eq!(info.map(|i| i.format), Some(format), "{name}");
        assert_eq!(findings(name), expected, "{name}");
    }
}
