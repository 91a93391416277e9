//! `--fix`, `--unsafe-fixes` and `--diff` end to end: only the reported bytes change, files
//! keep encoding, line endings, permissions and links, and nothing is written while the
//! client holds its profile lock or when a write is interrupted.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    // This machine's own Thunderbird (the interop suite installs one) is not the test's.
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd.env_remove("NO_COLOR")
        .env_remove("CLIENTLINT_FAILPOINT");
    cmd
}

const ACCOUNT: &str = "user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
user_pref(\"mail.server.server1.check_time\", 1);\n\
user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n\
user_pref(\"mail.server.server1.max_cached_connections\", 3);\n\
user_pref(\"mail.server.server1.socketType\", 3);\n\
user_pref(\"mail.server.server1.type\", \"imap\");\n";

/// A profile directory holding `prefs.js` with `text`.
fn profile(text: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefs = dir.path().join("prefs.js");
    fs::write(&prefs, text).expect("write");
    (dir, prefs)
}

fn run_fix(path: &Path) -> std::process::Output {
    clientlint()
        .args(["--fix", "--format", "concise"])
        .arg(path)
        .output()
        .expect("runs")
}

#[test]
fn fix_changes_only_the_value_and_keeps_comments_and_unknown_prefs() {
    let text = format!("# Mozilla User Preferences\n/* keep me */\nuser_pref(\"some.unknown\", \"x\"); // trailing\n{ACCOUNT}");
    let (_dir, prefs) = profile(text.as_bytes());
    let out = run_fix(&prefs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = fs::read_to_string(&prefs).expect("read");
    assert_eq!(
        after,
        text.replace("check_time\", 1)", "check_time\", 10)"),
        "only the value may change"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Fixed 1 finding in 1 file; 0 remaining.")
    );
}

#[test]
fn crlf_and_bom_survive() {
    let crlf = ACCOUNT.replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF// header\r\n".to_vec();
    bytes.extend_from_slice(crlf.as_bytes());
    let (_dir, prefs) = profile(&bytes);
    assert_eq!(run_fix(&prefs).status.code(), Some(0));
    let after = fs::read(&prefs).expect("read");
    assert!(after.starts_with(b"\xEF\xBB\xBF// header\r\n"));
    let expected = {
        let mut e = b"\xEF\xBB\xBF// header\r\n".to_vec();
        e.extend_from_slice(
            crlf.replace("check_time\", 1)", "check_time\", 10)")
                .as_bytes(),
        );
        e
    };
    assert_eq!(after, expected);
}

#[test]
fn missing_key_is_inserted_as_a_sorted_line_and_nothing_else_changes() {
    let text = ACCOUNT
        .replace(
            "user_pref(\"mail.server.server1.max_cached_connections\", 3);\n",
            "",
        )
        .replace("check_time\", 1)", "check_time\", 10)");
    let (_dir, prefs) = profile(text.as_bytes());
    assert_eq!(run_fix(&prefs).status.code(), Some(0));
    let after = fs::read_to_string(&prefs).expect("read");
    let expected = text.replace(
        "user_pref(\"mail.server.server1.socketType\", 3);\n",
        "user_pref(\"mail.server.server1.max_cached_connections\", 3);\nuser_pref(\"mail.server.server1.socketType\", 3);\n",
    );
    assert_eq!(after, expected);
}

#[test]
fn user_js_override_is_edited_and_prefs_js_left_alone() {
    let (dir, prefs) = profile(
        ACCOUNT
            .replace("check_time\", 1)", "check_time\", 30)")
            .as_bytes(),
    );
    let user = dir.path().join("user.js");
    fs::write(&user, "user_pref(\"mail.server.server1.check_time\", 2);\n").expect("write");
    let prefs_before = fs::read(&prefs).expect("read");
    let out = run_fix(dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(fs::read(&prefs).expect("read"), prefs_before);
    assert_eq!(
        fs::read_to_string(&user).expect("read"),
        "user_pref(\"mail.server.server1.check_time\", 10);\n"
    );
}

#[cfg(unix)]
#[test]
fn mode_0600_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, prefs) = profile(ACCOUNT.as_bytes());
    fs::set_permissions(&prefs, fs::Permissions::from_mode(0o600)).expect("chmod");
    assert_eq!(run_fix(&prefs).status.code(), Some(0));
    let mode = fs::metadata(&prefs).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(fs::read_to_string(&prefs)
        .expect("read")
        .contains("check_time\", 10)"));
}

#[test]
fn read_only_file_is_refused_untouched_with_exit_2() {
    let (_dir, prefs) = profile(ACCOUNT.as_bytes());
    let mut perms = fs::metadata(&prefs).expect("meta").permissions();
    perms.set_readonly(true);
    fs::set_permissions(&prefs, perms).expect("chmod");
    let out = run_fix(&prefs);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is read-only; it was left untouched"));
    assert_eq!(fs::read_to_string(&prefs).expect("read"), ACCOUNT);
}

#[cfg(unix)]
#[test]
fn symlinked_prefs_js_updates_the_target_and_keeps_the_link() {
    // A dotfiles-style link inside the directory given: the target is written, the link
    // stays a link.
    let profile_dir = tempfile::tempdir().expect("tempdir");
    let target = profile_dir.path().join("store/real-prefs.js");
    fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
    fs::write(&target, ACCOUNT).expect("write");
    let link = profile_dir.path().join("prefs.js");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    assert_eq!(run_fix(&link).status.code(), Some(0));
    assert!(fs::symlink_metadata(&link)
        .expect("meta")
        .file_type()
        .is_symlink());
    assert!(fs::read_to_string(&target)
        .expect("read")
        .contains("check_time\", 10)"));
}

#[cfg(unix)]
#[test]
fn a_named_file_linking_out_of_its_directory_is_neither_read_nor_written() {
    let store = tempfile::tempdir().expect("tempdir");
    let target = store.path().join("real-prefs.js");
    fs::write(&target, ACCOUNT).expect("write");
    let profile_dir = tempfile::tempdir().expect("tempdir");
    let link = profile_dir.path().join("prefs.js");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = run_fix(&link);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("leads out of the tree"), "{stderr}");
    assert_eq!(fs::read_to_string(&target).expect("read"), ACCOUNT);
}

#[cfg(unix)]
#[test]
fn a_running_thunderbird_lock_symlink_blocks_writing_unless_forced() {
    let (dir, prefs) = profile(ACCOUNT.as_bytes());
    std::os::unix::fs::symlink("127.0.0.1:+4242", dir.path().join("lock")).expect("lock");
    let out = run_fix(&prefs);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Thunderbird is running on this profile"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&prefs).expect("read"), ACCOUNT);

    let out = clientlint()
        .args(["--fix", "--force"])
        .arg(&prefs)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert!(fs::read_to_string(&prefs)
        .expect("read")
        .contains("check_time\", 10)"));
}

#[cfg(unix)]
#[test]
fn an_fcntl_locked_parentlock_blocks_writing() {
    let (dir, prefs) = profile(ACCOUNT.as_bytes());
    let lock = dir.path().join(".parentlock");
    fs::write(&lock, b"").expect("lock file");
    // Another process holds the POSIX lock, as Gecko does.
    let mut holder = std::process::Command::new("python3")
        .args([
            "-c",
            "import fcntl,sys,time; f=open(sys.argv[1],'r+'); fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(30)",
        ])
        .arg(&lock)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is on the project's machines");
    let mut line = String::new();
    let stdout = holder.stdout.take().expect("stdout");
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
    assert_eq!(line.trim(), "locked");
    let out = run_fix(&prefs);
    let _ = holder.kill();
    let _ = holder.wait();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains(".parentlock` is locked"));
    assert_eq!(fs::read_to_string(&prefs).expect("read"), ACCOUNT);
    // Once the lock is released, an existing .parentlock does not block.
    assert_eq!(run_fix(&prefs).status.code(), Some(0));
}

#[test]
fn an_interrupted_write_leaves_the_original_intact() {
    let (dir, prefs) = profile(ACCOUNT.as_bytes());
    let out = clientlint()
        .env("CLIENTLINT_FAILPOINT", "after-temp-write")
        .arg("--fix")
        .arg(&prefs)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("failpoint after-temp-write"));
    assert_eq!(fs::read_to_string(&prefs).expect("read"), ACCOUNT);
    let names: Vec<String> = fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["prefs.js"],
        "no temporary file may be left behind"
    );
}

#[test]
fn a_file_changed_after_reading_is_not_overwritten() {
    let (_dir, prefs) = profile(ACCOUNT.as_bytes());
    fs::write(&prefs, "user_pref(\"changed\", 1);\n").expect("write");
    let err = clientlint::fix::write_file(
        &clientlint::tree::Tree::host(),
        &prefs,
        ACCOUNT.as_bytes(),
        b"new",
        clientlint::fix::WriteOptions::default(),
    )
    .expect_err("must refuse");
    assert!(err
        .to_string()
        .contains("changed on disk since it was read"));
    assert_eq!(
        fs::read_to_string(&prefs).expect("read"),
        "user_pref(\"changed\", 1);\n"
    );
}

#[test]
fn backup_keeps_the_original_bytes() {
    let (dir, prefs) = profile(ACCOUNT.as_bytes());
    let out = clientlint()
        .args(["--fix", "--backup"])
        .arg(&prefs)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        fs::read_to_string(dir.path().join("prefs.js.clientlint.bak")).expect("backup"),
        ACCOUNT
    );
}

#[test]
fn a_second_fix_run_changes_nothing() {
    let (_dir, prefs) = profile(ACCOUNT.as_bytes());
    assert_eq!(run_fix(&prefs).status.code(), Some(0));
    let once = fs::read(&prefs).expect("read");
    let out = run_fix(&prefs);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Fixed 0 findings in 0 files"));
    assert_eq!(fs::read(&prefs).expect("read"), once);
}

#[test]
fn unsafe_fixes_need_their_flag() {
    let text = ACCOUNT
        .replace("check_time\", 1)", "check_time\", 10)")
        .replace("socketType\", 3)", "socketType\", 0)");
    let (_dir, prefs) = profile(text.as_bytes());
    let out = run_fix(&prefs);
    assert_eq!(out.status.code(), Some(1), "the unsafe finding remains");
    assert_eq!(fs::read_to_string(&prefs).expect("read"), text);
    let out = clientlint()
        .arg("--unsafe-fixes")
        .arg(&prefs)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Port absent follows the mode: switching to SSL/TLS makes it 993 without a port line.
    assert_eq!(
        fs::read_to_string(&prefs).expect("read"),
        text.replace("socketType\", 0)", "socketType\", 3)")
    );
}

#[test]
fn diff_writes_nothing_and_patch_accepts_it() {
    let (dir, prefs) = profile(ACCOUNT.as_bytes());
    let out = clientlint()
        .current_dir(dir.path())
        .args(["--diff", "prefs.js"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        fs::read_to_string(&prefs).expect("read"),
        ACCOUNT,
        "--diff writes nothing"
    );
    let diff = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(diff.starts_with("--- prefs.js\n+++ prefs.js\n@@"), "{diff}");
    let patch = std::process::Command::new("patch")
        .current_dir(dir.path())
        .args(["-p0", "--quiet"])
        .stdin(std::process::Stdio::piped())
        .spawn();
    let mut patch = patch.expect("patch is on the project's machines");
    std::io::Write::write_all(patch.stdin.as_mut().expect("stdin"), diff.as_bytes()).expect("pipe");
    assert!(patch.wait().expect("waits").success());
    assert_eq!(
        fs::read_to_string(&prefs).expect("read"),
        ACCOUNT.replace("check_time\", 1)", "check_time\", 10)")
    );
}

#[test]
fn diff_masks_passwords_on_both_sides() {
    let text =
        format!("{ACCOUNT}user_pref(\"mail.server.server1.password\", \"pw-in-context\");\n");
    let (_dir, prefs) = profile(text.as_bytes());
    let out = clientlint()
        .arg("--diff")
        .arg(&prefs)
        .output()
        .expect("runs");
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(diff.contains("check_time\", 10)"), "{diff}");
    assert!(!diff.contains("pw-in-context"), "{diff}");
}

/// JSON (and SARIF) offer a fix only when `--fix --unsafe-fixes` applies it (issue 16, item
/// 11). Here the insertions would land inside an unterminated comment, which swallows them;
/// they are not offered, and they no longer keep the good fix of the same pass out.
#[test]
fn only_fixes_that_verify_are_published_and_a_bad_one_spoils_no_other() {
    let text = "user_pref(\"mail.server.server1.type\", \"imap\");\n\
user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n\
user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
user_pref(\"mail.server.server1.check_time\", 1);\n\
/* trailing";
    let (_dir, prefs) = profile(text.as_bytes());
    let out = clientlint()
        .args(["--format", "json"])
        .arg(&prefs)
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let offered: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| !d["fix"].is_null())
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert_eq!(offered, ["poll-interval-too-short"]);
    let out = clientlint()
        .args(["--fix", "--unsafe-fixes", "--format", "concise"])
        .arg(&prefs)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Fixed 1 finding in 1 file"), "{stderr}");
    let after = fs::read_to_string(&prefs).expect("read");
    assert!(after.contains("check_time\", 10);"), "{after}");
    assert!(after.ends_with("/* trailing"), "{after}");
}

/// When no fix of a unit verifies (no pass is kept), JSON still reports every finding, each
/// without a fix: the unit as first linted is published, not the last attempt.
#[test]
fn a_unit_whose_fixes_all_fail_to_verify_is_published_with_no_fix() {
    let text = "user_pref(\"mail.server.server1.type\", \"imap\");\n\
user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n\
user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n";
    let rules = |prefs: &Path| -> Vec<(String, bool)> {
        let out = clientlint()
            .args(["--format", "json"])
            .arg(prefs)
            .output()
            .expect("runs");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        report["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap_or("").to_owned(),
                    !d["fix"].is_null(),
                )
            })
            .collect()
    };
    // Without the comment, the missing prefs' insertions verify and are offered.
    let (_dir, prefs) = profile(text.as_bytes());
    let offered = rules(&prefs);
    assert!(
        offered.contains(&("too-many-cached-connections".to_owned(), true)),
        "{offered:?}"
    );
    // An unterminated comment at the end swallows every insertion: none is offered, and
    // the findings are the same ones, with the syntax error.
    fs::write(&prefs, format!("{text}/* trailing")).expect("write");
    let spoiled = rules(&prefs);
    assert!(spoiled.iter().all(|(_, fix)| !fix), "{spoiled:?}");
    let names = |v: &[(String, bool)]| v.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>();
    let mut expected = names(&offered);
    expected.push("syntax-error".to_owned());
    expected.sort();
    let mut got = names(&spoiled);
    got.sort();
    assert_eq!(got, expected);
}

/// A `.reg` export of Thunderbird registry policies is fixed in Regedit's syntax: only the
/// DWORD's digits change, the file stays UTF-16LE with its BOM and CRLF; a pref given as
/// JSON in a REG_MULTI_SZ is reported but not rewritten.
#[test]
fn registry_policy_dword_is_fixed_in_place_and_multi_sz_is_not() {
    let utf16 = |text: &str| {
        let mut out = vec![0xff, 0xfe];
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    };
    let head = "Windows Registry Editor Version 5.00\r\n\r\n\
        [HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let reg = dir.path().join("tb.reg");
    fs::write(
        &reg,
        utf16(&format!(
            "{head}\"mail.server.default.max_cached_connections\"=dword:0000000a\r\n\r\n"
        )),
    )
    .expect("write");
    let out = run_fix(&reg);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        fs::read(&reg).expect("read"),
        utf16(&format!(
            "{head}\"mail.server.default.max_cached_connections\"=dword:00000003\r\n\r\n"
        ))
    );

    // {"mail.server.default.max_cached_connections": 10} as REG_MULTI_SZ.
    let json = "{\"mail.server.default.max_cached_connections\": 10}";
    let hex: Vec<String> = json
        .encode_utf16()
        .chain([0, 0])
        .flat_map(u16::to_le_bytes)
        .map(|b| format!("{b:02x}"))
        .collect();
    let multi = utf16(&format!(
        "Windows Registry Editor Version 5.00\r\n\r\n\
         [HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Mozilla\\Thunderbird]\r\n\
         \"Preferences\"=hex(7):{}\r\n\r\n",
        hex.join(",")
    ));
    fs::write(&reg, &multi).expect("write");
    let out = run_fix(&reg);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("too-many-cached-connections"), "{stdout}");
    assert_eq!(fs::read(&reg).expect("read"), multi);
}
