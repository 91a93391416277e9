//! The command line as a user runs it: exit codes, subcommands, output formats, and the
//! promise that no secret reaches any output.

use std::path::Path;

use assert_cmd::Command;

fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    cmd.env_remove("NO_COLOR");
    // This machine's own Thunderbird (the interop suite installs one) is not the test's.
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd
}

fn stdout_of(cmd: &mut Command) -> (String, i32) {
    let out = cmd.output().expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

const DEMO: &str = "fixtures/demo/thunderbird";

#[test]
fn findings_exit_1_and_clean_files_exit_0() {
    let (_, code) = stdout_of(clientlint().arg(DEMO));
    assert_eq!(code, 1);
    let (out, code) = stdout_of(
        clientlint().arg("fixtures/rules/too-many-cached-connections/thunderbird.good.js"),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("All checks passed (1 file checked)."), "{out}");
}

#[test]
fn fail_on_error_ignores_warnings() {
    let path = "fixtures/rules/poll-interval-too-short/thunderbird.bad.js";
    let (_, code) = stdout_of(clientlint().arg(path));
    assert_eq!(code, 1);
    let (_, code) = stdout_of(clientlint().args(["--fail-on", "error", path]));
    assert_eq!(code, 0);
}

#[test]
fn tool_errors_exit_2() {
    let out = clientlint().arg("does/not/exist").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read `does/not/exist`"));
    let out = clientlint()
        .args(["--select", "no-such-rule", DEMO])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown rule `no-such-rule`"));
}

#[test]
fn select_and_ignore_filter_rules() {
    let (out, _) =
        stdout_of(clientlint().args(["--format", "concise", "--select", "smtp-port-25", DEMO]));
    assert!(!out.is_empty());
    assert!(out.lines().all(|l| l.contains("[smtp-port-25]")), "{out}");
    let (out, _) =
        stdout_of(clientlint().args(["--format", "concise", "--ignore", "smtp-port-25", DEMO]));
    assert!(!out.contains("[smtp-port-25]"), "{out}");
    assert!(out.contains("[poll-interval-too-short]"), "{out}");
}

#[test]
fn concise_lines_have_path_line_column_severity_rule() {
    let (out, _) = stdout_of(clientlint().args([
        "--format",
        "concise",
        "fixtures/rules/smtp-port-25/thunderbird.bad.js",
    ]));
    assert_eq!(
        out.trim(),
        "fixtures/rules/smtp-port-25/thunderbird.bad.js:14:41: warning [smtp-port-25] the SMTP server `smtp.example.com` (`smtp1`) submits mail on port 25, the relay port that networks often block for clients"
    );
}

#[test]
fn json_follows_the_contract() {
    let (out, code) = stdout_of(clientlint().args(["--format", "json", DEMO]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "clientlint");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert!(files
        .iter()
        .all(|f| f["client"] == "thunderbird" && f["format"] == "prefs-js"));
    let diags = v["diagnostics"].as_array().expect("diagnostics");
    // Sorted by (path, byte_offset, rule).
    let keys: Vec<(String, u64, String)> = diags
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_owned(),
                d["byte_offset"].as_u64().unwrap_or_default(),
                d["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for d in diags {
        for field in [
            "rule",
            "severity",
            "message",
            "help",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "byte_offset",
            "byte_length",
            "client",
            "account",
            "fix",
        ] {
            assert!(d.get(field).is_some(), "missing {field} in {d}");
        }
    }
    let summary = &v["summary"];
    let total = summary["errors"].as_u64().unwrap_or(0)
        + summary["warnings"].as_u64().unwrap_or(0)
        + summary["infos"].as_u64().unwrap_or(0);
    assert_eq!(total as usize, diags.len());
}

#[test]
fn no_output_format_shows_a_password() {
    // The demo prefs.js stores `hunter2-demo` in mail.server.server1.password.
    let prefs = std::fs::read_to_string(Path::new(DEMO).join("prefs.js")).expect("demo");
    assert!(
        prefs.contains("hunter2-demo"),
        "the fixture must hold the secret"
    );
    for format in ["text", "concise", "json"] {
        let out = clientlint()
            .args(["--format", format, "--select", "all", DEMO])
            .output()
            .expect("runs");
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains("hunter2"),
                "{format} leaks the password:\n{text}"
            );
        }
    }
}

#[test]
fn a_password_inside_a_broken_statement_is_masked_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("prefs.js");
    std::fs::write(
        &path,
        "user_pref(\"mail.server.server1.password\", \"s3cr3t-value\"\nuser_pref(\"a\", 1);\n",
    )
    .expect("write");
    let out = clientlint().arg(&path).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("syntax-error"), "{text}");
    assert!(!text.contains("s3cr3t"), "{text}");
}

#[test]
fn rules_lists_every_rule_and_explain_prints_docs() {
    let (out, code) = stdout_of(clientlint().arg("rules"));
    assert_eq!(code, 0);
    for rule in clientlint::rules::ALL {
        assert!(
            out.contains(rule.name()),
            "{} missing from `rules`",
            rule.name()
        );
    }
    let (out, code) = stdout_of(clientlint().args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(
        v.as_array().map(Vec::len),
        Some(clientlint::rules::ALL.len())
    );

    let (out, code) = stdout_of(clientlint().args(["explain", "poll-interval-too-short"]));
    assert_eq!(code, 0);
    assert!(
        out.starts_with("# poll-interval-too-short (warning, fix: always)"),
        "{out}"
    );
    assert!(out.contains("## Why is this bad?"));
    assert!(out.contains("check_time"));
    let out = clientlint()
        .args(["explain", "nope"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn color_never_and_no_color_give_plain_text() {
    let path = "fixtures/rules/smtp-port-25/thunderbird.bad.js";
    let (plain, _) = stdout_of(clientlint().args(["--color", "never", path]));
    assert!(!plain.contains('\u{1b}'));
    let (forced, _) = stdout_of(clientlint().args(["--color", "always", path]));
    assert!(forced.contains('\u{1b}'), "--color always must colour");
    let (auto, _) = stdout_of(clientlint().env("NO_COLOR", "1").arg(path));
    assert!(!auto.contains('\u{1b}'));
}

#[test]
fn an_empty_home_names_each_searched_place_once() {
    let home = tempfile::tempdir().expect("home");
    let out = clientlint()
        .arg("--home")
        .arg(home.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    let places: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.contains("Looked in:"))
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // FileZilla's `.config/filezilla` is searched in the Linux and the macOS layout.
    let filezilla = places
        .iter()
        .filter(|p| p.ends_with(".config/filezilla"))
        .count();
    assert_eq!(filezilla, 1, "{err}");
    let mut unique = places.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), places.len(), "{err}");
}

#[test]
fn without_paths_it_searches_the_default_locations_and_says_where() {
    let home = tempfile::tempdir().expect("home");
    let out = clientlint()
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("No client configuration found. Looked in:"),
        "{err}"
    );
    assert!(err.contains(".thunderbird"), "{err}");

    // A Thunderbird root with a profile is found through its profiles.ini.
    let root = home.path().join(".thunderbird");
    std::fs::create_dir_all(root.join("abcd.default")).expect("mkdir");
    std::fs::write(
        root.join("profiles.ini"),
        "[Profile0]\nName=default\nIsRelative=1\nPath=abcd.default\n",
    )
    .expect("ini");
    std::fs::copy(
        "fixtures/rules/poll-interval-too-short/thunderbird.bad.js",
        root.join("abcd.default/prefs.js"),
    )
    .expect("copy");
    let out = clientlint()
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .args(["--format", "concise"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("abcd.default/prefs.js"), "{text}");
    assert!(text.contains("[poll-interval-too-short]"), "{text}");
}

#[test]
fn a_profile_directory_brings_in_user_js() {
    let (out, _) = stdout_of(clientlint().args([
        "--format",
        "concise",
        "fixtures/rules/overridden-setting/thunderbird.bad/prefs.js",
    ]));
    assert!(out.contains("[overridden-setting]"), "{out}");
}

/// Runs `clientlint ARGS` in `dir` and returns (exit code, stdout, stderr).
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = clientlint()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// Issue 16, items 8 and 9: a limit of 0 made `--fix` write the very value a rule reports
// (`Timeout 0`), then fail with an internal error. Each flag is now refused up front.
#[test]
fn limit_flags_outside_their_range_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "ftp-timeout-seconds",
            "fixtures/rules/timeout-too-long/filezilla.bad.xml",
            "filezilla.xml",
            "from 10 to 9999",
        ),
        (
            "max-connections",
            "fixtures/rules/too-many-cached-connections/thunderbird.bad.js",
            "prefs.js",
            "from 1 to 100",
        ),
        (
            "max-transfers",
            "fixtures/rules/too-many-transfers/filezilla.bad.xml",
            "filezilla.xml",
            "from 1 to 10",
        ),
    ];
    for (key, fixture, name, range) in cases {
        let case = dir.path().join(key);
        std::fs::create_dir_all(&case).expect("mkdir");
        let file = case.join(name);
        std::fs::copy(fixture, &file).expect("copy");
        let before = std::fs::read(&file).expect("read");
        let flag = format!("--{key}");
        let path = file.to_string_lossy().into_owned();
        let (code, out, err) = run_in(dir.path(), &[&flag, "0", "--fix", &path]);
        assert_eq!(code, 2, "{key}: {out}{err}");
        assert!(
            err.starts_with(&format!("error: invalid value '0' for '{flag} <N>': {flag} must be a whole number {range}, not 0")),
            "{err}"
        );
        assert!(!err.contains("internal error"), "{err}");
        assert_eq!(
            std::fs::read(&file).expect("read"),
            before,
            "{key}: written"
        );
        // The same refusal for every command that reads limits.
        let (code, _, err) = run_in(dir.path(), &["config", &flag, "0"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(range), "{err}");
    }
}

#[test]
fn config_values_outside_their_range_point_into_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let toml = dir.path().join("clientlint.toml");
    std::fs::write(&toml, "min-poll-minutes = 4294967296\n").expect("toml");
    let (code, _, err) = run_in(dir.path(), &[&demo_absolute()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`min-poll-minutes` must be a whole number from 1 to 1440, not 4294967296"),
        "{err}"
    );
    assert!(err.contains("clientlint.toml:1:20"), "{err}");
    assert!(!err.contains("internal error"), "{err}");

    std::fs::write(
        &toml,
        "[servers.\"imap.example.com\"]\nconnection-limit = -4\n",
    )
    .expect("toml");
    let (code, _, err) = run_in(dir.path(), &["connections", &demo_absolute()]);
    assert_eq!(code, 2, "{err}");
    // miette wraps the message at 100 columns.
    assert!(
        err.contains("`[servers.\"imap.example.com\"] connection-limit` must be a whole number from 1 to 100000"),
        "{err}"
    );
    assert!(err.contains("outside 1–100000"), "{err}");
    assert!(err.contains("clientlint.toml:2:20"), "{err}");
}

/// The demo profile as an absolute path, for runs in another directory.
fn demo_absolute() -> String {
    std::fs::canonicalize(DEMO)
        .expect("demo")
        .to_string_lossy()
        .into_owned()
}

// Issue 16, item 12: `connections` after `--config x.toml` was taken for a path.
#[test]
fn global_options_before_a_subcommand_apply_to_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.toml"), "server-connection-limit = 2\n").expect("toml");
    let demo = &demo_absolute();
    let (code, out, err) = run_in(
        dir.path(),
        &[
            "--config",
            "x.toml",
            "connections",
            "--format",
            "json",
            demo,
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let limits: Vec<i64> = v["servers"]
        .as_array()
        .expect("servers")
        .iter()
        .filter_map(|s| s["limit"].as_i64())
        .collect();
    assert!(
        !limits.is_empty() && limits.iter().all(|l| *l == 2),
        "{out}"
    );

    let (code, out, _) = run_in(
        dir.path(),
        &["--max-transfers", "5", "config", "--isolated"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("max-transfers = 5  # command line"), "{out}");

    // Any other option before a subcommand is refused, not silently dropped.
    let (code, _, err) = run_in(dir.path(), &["--fix", "connections", demo]);
    assert_eq!(code, 2);
    assert!(
        err.contains("the option `--fix` cannot be used before the `connections` subcommand"),
        "{err}"
    );
}
