//! Discovery on fake machines: default locations under `--home` in the Linux, macOS and
//! Windows layouts, `--root` over many homes, and walking trees with symlink loops, FIFOs,
//! unreadable directories, non-UTF-8 names and mail stores to skip.

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    // This machine's own Thunderbird (the interop suite installs one) is not the test's.
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd.env_remove("NO_COLOR").timeout(Duration::from_secs(60));
    cmd
}

const PREFS: &str = "fixtures/rules/poll-interval-too-short/thunderbird.bad.js";
const FZ_SETTINGS: &str = "fixtures/rules/too-many-transfers/filezilla.bad.xml";

fn write(path: &Path, from: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::copy(from, path).expect("copy");
}

fn profiles_ini(root: &Path, relative_profile: &str) {
    fs::create_dir_all(root).expect("mkdir");
    fs::write(
        root.join("profiles.ini"),
        format!("[Profile0]\nName=default\nIsRelative=1\nPath={relative_profile}\n\n[General]\nVersion=2\n"),
    )
    .expect("ini");
}

/// Paths of the files a run read, from the JSON `files` list.
fn files_found(args: &[&str], cwd: &Path) -> Vec<String> {
    let out = clientlint()
        .current_dir(cwd)
        .args(["--format", "json", "--isolated"])
        .args(args)
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON; stderr: {}", String::from_utf8_lossy(&out.stderr)));
    let mut files: Vec<String> = v["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["path"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn rel(home: &Path, found: Vec<String>) -> Vec<String> {
    found
        .into_iter()
        .map(|p| {
            Path::new(&p)
                .strip_prefix(home)
                .map(|r| r.to_string_lossy().replace('\\', "/"))
                .unwrap_or(p)
        })
        .collect()
}

#[test]
fn linux_home_layout() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    profiles_ini(&h.join(".thunderbird"), "abcd.default-release");
    write(&h.join(".thunderbird/abcd.default-release/prefs.js"), PREFS);
    write(&h.join(".config/filezilla/filezilla.xml"), FZ_SETTINGS);
    // ~/.filezilla is only used when ~/.config/filezilla does not exist.
    write(&h.join(".filezilla/filezilla.xml"), FZ_SETTINGS);
    let found = rel(h, files_found(&["--home", &h.display().to_string()], h));
    assert_eq!(
        found,
        vec![
            ".config/filezilla/filezilla.xml",
            ".thunderbird/abcd.default-release/prefs.js",
            ".thunderbird/profiles.ini",
        ]
    );
}

#[test]
fn flatpak_and_snap_thunderbird_roots() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    for root in [
        ".var/app/org.mozilla.thunderbird/.thunderbird",
        "snap/thunderbird/common/.thunderbird",
    ] {
        profiles_ini(&h.join(root), "p.default");
        write(&h.join(root).join("p.default/prefs.js"), PREFS);
    }
    let found = rel(h, files_found(&["--home", &h.display().to_string()], h));
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.iter().any(|f| f.starts_with("snap/")));
    assert!(found.iter().any(|f| f.starts_with(".var/")));
}

#[test]
fn windows_home_layout() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let tb = h.join("AppData/Roaming/Thunderbird");
    profiles_ini(&tb, "Profiles/x1y2.default");
    write(&tb.join("Profiles/x1y2.default/prefs.js"), PREFS);
    write(
        &h.join("AppData/Roaming/FileZilla/filezilla.xml"),
        FZ_SETTINGS,
    );
    let found = rel(h, files_found(&["--home", &h.display().to_string()], h));
    assert_eq!(
        found,
        vec![
            "AppData/Roaming/FileZilla/filezilla.xml",
            "AppData/Roaming/Thunderbird/Profiles/x1y2.default/prefs.js",
            "AppData/Roaming/Thunderbird/profiles.ini",
        ]
    );
}

const WINSCP_INI: &str = "fixtures/rules/too-many-transfers/winscp.bad.ini";
const WINSCP_REG: &str = "fixtures/rules/too-many-transfers/winscp.bad.reg";

#[test]
fn winscp_ini_in_appdata_virtualstore_and_a_wine_prefix_unverified_for_wine() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    write(&h.join("AppData/Roaming/WinSCP.ini"), WINSCP_INI);
    write(
        &h.join("AppData/Local/VirtualStore/Program Files (x86)/WinSCP/WinSCP.ini"),
        WINSCP_INI,
    );
    // Wine's profile layout (unverified for WinSCP itself: it follows from %APPDATA%).
    write(
        &h.join(".wine/drive_c/users/alice/AppData/Roaming/WinSCP.ini"),
        WINSCP_INI,
    );
    let found = rel(h, files_found(&["--home", &h.display().to_string()], h));
    assert_eq!(
        found,
        vec![
            ".wine/drive_c/users/alice/AppData/Roaming/WinSCP.ini",
            "AppData/Local/VirtualStore/Program Files (x86)/WinSCP/WinSCP.ini",
            "AppData/Roaming/WinSCP.ini",
        ]
    );
}

#[test]
fn walked_trees_find_winscp_by_name_and_content_not_other_ini_files() {
    let tree = tempfile::tempdir().expect("tree");
    let t = tree.path();
    // A portable WinSCP next to its exe, a renamed copy, an export, and strangers.
    write(&t.join("tools/WinSCP/WinSCP.ini"), WINSCP_INI);
    write(&t.join("backup/winscp-2024.ini"), WINSCP_INI);
    write(&t.join("backup/sessions.reg"), WINSCP_REG);
    fs::write(
        t.join("desktop.ini"),
        "[.ShellClassInfo]\r\nIconIndex=0\r\n",
    )
    .expect("ini");
    let found = rel(t, files_found(&[&t.display().to_string()], t));
    assert_eq!(
        found,
        vec![
            "backup/sessions.reg",
            "backup/winscp-2024.ini",
            "tools/WinSCP/WinSCP.ini",
        ]
    );
}

#[test]
fn macos_home_layout() {
    let home = tempfile::tempdir().expect("home");
    let h = home.path();
    let tb = h.join("Library/Thunderbird");
    profiles_ini(&tb, "Profiles/m.default");
    write(&tb.join("Profiles/m.default/prefs.js"), PREFS);
    let found = rel(h, files_found(&["--home", &h.display().to_string()], h));
    assert_eq!(
        found,
        vec![
            "Library/Thunderbird/Profiles/m.default/prefs.js",
            "Library/Thunderbird/profiles.ini"
        ]
    );
}

#[test]
fn root_treats_each_subdirectory_as_a_home() {
    let image = tempfile::tempdir().expect("image");
    let users = image.path().join("Users");
    profiles_ini(
        &users.join("alice/AppData/Roaming/Thunderbird"),
        "Profiles/a.default",
    );
    write(
        &users.join("alice/AppData/Roaming/Thunderbird/Profiles/a.default/prefs.js"),
        PREFS,
    );
    profiles_ini(&users.join("bob/.thunderbird"), "b.default");
    write(&users.join("bob/.thunderbird/b.default/prefs.js"), PREFS);
    fs::create_dir_all(users.join("carol")).expect("empty home");
    let found = rel(
        &users,
        files_found(&["--root", &users.display().to_string()], image.path()),
    );
    assert_eq!(
        found,
        vec![
            "alice/AppData/Roaming/Thunderbird/Profiles/a.default/prefs.js",
            "alice/AppData/Roaming/Thunderbird/profiles.ini",
            "bob/.thunderbird/b.default/prefs.js",
            "bob/.thunderbird/profiles.ini",
        ]
    );
}

#[cfg(unix)]
#[test]
fn walking_survives_symlink_loops_fifos_and_skips_mail_stores() {
    let tree = tempfile::tempdir().expect("tree");
    let t = tree.path();
    write(&t.join("p/prefs.js"), PREFS);
    std::os::unix::fs::symlink(t, t.join("p/loop")).expect("loop");
    std::os::unix::fs::symlink("../p", t.join("p/again")).expect("loop 2");
    let fifo = t.join("p/user.js");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    // A prefs.js inside a mail store is not configuration.
    write(&t.join("p/ImapMail/imap.example.com/prefs.js"), PREFS);
    let found = rel(t, files_found(&["."], t));
    assert_eq!(found, vec!["./p/prefs.js"]);
}

#[cfg(unix)]
#[test]
fn file_links_are_followed_only_inside_the_tree() {
    let outside = tempfile::tempdir().expect("outside");
    write(&outside.path().join("dotfiles-user.js"), PREFS);
    let tree = tempfile::tempdir().expect("tree");
    let t = tree.path();
    write(&t.join("p/prefs.js"), PREFS);
    write(&t.join("shared/user.js"), PREFS);
    std::os::unix::fs::symlink(t.join("shared/user.js"), t.join("p/user.js")).expect("inside");
    fs::create_dir_all(t.join("q")).expect("mkdir");
    std::os::unix::fs::symlink(outside.path().join("dotfiles-user.js"), t.join("q/user.js"))
        .expect("outside");
    let found = rel(t, files_found(&["."], t));
    assert_eq!(
        found,
        vec!["./p/prefs.js", "./p/user.js", "./shared/user.js"]
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_directory_names_are_walked() {
    use std::os::unix::ffi::OsStrExt;
    let tree = tempfile::tempdir().expect("tree");
    let dir = tree
        .path()
        .join(std::ffi::OsStr::from_bytes(b"prof\xffile"));
    write(&dir.join("prefs.js"), PREFS);
    let out = clientlint()
        .current_dir(tree.path())
        .args(["--format", "concise", "."])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("prof\u{FFFD}ile/prefs.js"), "{text}");
    assert!(text.contains("[poll-interval-too-short]"), "{text}");
}

#[cfg(unix)]
#[test]
fn an_unreadable_directory_is_reported_once_and_the_walk_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tree = tempfile::tempdir().expect("tree");
    let t = tree.path();
    fs::set_permissions(t, fs::Permissions::from_mode(0o755)).expect("chmod");
    write(&t.join("ok/prefs.js"), PREFS);
    write(&t.join("locked/prefs.js"), PREFS);
    fs::set_permissions(t.join("locked"), fs::Permissions::from_mode(0o000)).expect("chmod");
    for f in [t.join("ok"), t.join("ok/prefs.js")] {
        let mode = if f.is_dir() { 0o755 } else { 0o644 };
        fs::set_permissions(&f, fs::Permissions::from_mode(mode)).expect("chmod");
    }
    let bin = assert_cmd::cargo::cargo_bin("clientlint");
    // Root reads everything; run as nobody so the permission bits apply.
    let mut cmd = if running_as_root() {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin);
        c
    } else {
        std::process::Command::new(&bin)
    };
    let out = cmd
        .current_dir(t)
        .args(["--format", "concise", "--isolated", "."])
        .output()
        .expect("runs");
    let _ = fs::set_permissions(t.join("locked"), fs::Permissions::from_mode(0o755));
    let err = String::from_utf8_lossy(&out.stderr);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(err.matches("cannot read").count(), 1, "{err}");
    assert!(err.contains("locked"), "{err}");
    assert!(text.contains("./ok/prefs.js"), "{text}");
    // The check is incomplete, which must fail a gate: a tool error, after the findings.
    assert_eq!(out.status.code(), Some(2), "{err}");
}

fn running_as_root() -> bool {
    // The effective uid, without a libc dependency in tests: /proc/self/status.
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(2).map(|u| u == "0"))
        })
        .unwrap_or(false)
}

#[test]
fn a_missing_home_is_a_tool_error() {
    let out = clientlint()
        .args(["--home", "no/such/home"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn explicit_relative_paths_stay_relative() {
    let found = files_found(&["fixtures/demo/thunderbird"], Path::new("."));
    assert_eq!(
        found,
        vec![
            "fixtures/demo/thunderbird/prefs.js".to_owned(),
            "fixtures/demo/thunderbird/user.js".to_owned()
        ]
    );
}

#[test]
fn output_is_identical_across_runs_and_thread_counts() {
    let run = |threads: &str| {
        let out = clientlint()
            .env("RAYON_NUM_THREADS", threads)
            .args([
                "--format",
                "json",
                "--isolated",
                "fixtures/corpus",
                "fixtures/demo",
            ])
            .args(["fixtures/rules/server-connection-budget-exceeded/thunderbird.bad"].iter())
            .output()
            .expect("runs");
        assert!(!out.stdout.is_empty());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("1"), "two runs differ");
    assert_eq!(one, run("2"), "1 vs 2 threads differ");
    assert_eq!(one, run("4"), "1 vs 4 threads differ");
}

/// On this machine (no path) FileZilla's `Config Location` is expanded with the real
/// environment: `$HOME` is this user's, an unset variable expands to nothing (as in
/// FileZilla) and is said.
#[test]
#[cfg(target_os = "linux")]
fn filezilla_config_location_on_this_machine_uses_the_real_environment() {
    let home = tempfile::tempdir().expect("home");
    let machine = tempfile::tempdir().expect("machine");
    let h = home.path();
    fs::create_dir_all(machine.path().join("etc/filezilla")).expect("mkdir");
    fs::write(
        machine.path().join("etc/filezilla/fzdefaults.xml"),
        "<FileZilla3><Settings><Setting name=\"Config Location\">$HOME/$CLIENTLINT_TEST_UNSET/fz-managed</Setting></Settings></FileZilla3>\n",
    )
    .expect("fzdefaults");
    write(&h.join("fz-managed/filezilla.xml"), FZ_SETTINGS);
    write(&h.join(".config/filezilla/filezilla.xml"), FZ_SETTINGS);
    let out = clientlint()
        .current_dir(h)
        .env("HOME", h)
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("CLIENTLINT_TEST_UNSET")
        .env(
            clientlint::engine::discover::MACHINE_ROOT_ENV,
            machine.path(),
        )
        .args(["--format", "json", "--isolated"])
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let files: Vec<&str> = v["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["path"].as_str()).collect())
        .unwrap_or_default();
    let in_home: Vec<String> = rel(h, files.iter().map(|s| (*s).to_owned()).collect())
        .into_iter()
        .filter(|p| !p.ends_with("fzdefaults.xml"))
        .collect();
    assert_eq!(in_home, ["fz-managed/filezilla.xml"], "{files:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("$CLIENTLINT_TEST_UNSET is not set"),
        "{stderr}"
    );
}
