//! How `--fix` writes on an untrusted tree (issue 16, items 2, 6 and 10): backups that
//! never follow a link and keep the mode, hard links left whole unless asked, extended
//! attributes kept, a lock between concurrent runs, and no temporary copy left behind by a
//! signal — or, after a SIGKILL, one said and then removed.
#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn clientlint() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_clientlint"));
    cmd.env(
        clientlint::engine::discover::MACHINE_ROOT_ENV,
        "/nonexistent/clientlint-test-machine",
    );
    cmd.env_remove("NO_COLOR")
        .env_remove(clientlint::fix::FAILPOINT_ENV);
    cmd
}

const ACCOUNT: &str = "user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
user_pref(\"mail.server.server1.check_time\", 1);\n\
user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\n\
user_pref(\"mail.server.server1.password\", \"hunter2\");\n\
user_pref(\"mail.server.server1.socketType\", 3);\n\
user_pref(\"mail.server.server1.type\", \"imap\");\n";

const FIXED: &str = "check_time\", 10)";

fn profile() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefs = dir.path().join("prefs.js");
    fs::write(&prefs, ACCOUNT).expect("write");
    (dir, prefs)
}

fn fix(args: &[&str], path: &Path) -> std::process::Output {
    clientlint()
        .args(["--fix", "--format", "concise"])
        .args(args)
        .arg(path)
        .output()
        .expect("runs")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_backup_replaces_a_planted_link_instead_of_writing_through_it() {
    let (dir, prefs) = profile();
    let victim = tempfile::NamedTempFile::new().expect("victim");
    fs::write(victim.path(), "precious").expect("write");
    std::os::unix::fs::symlink(victim.path(), dir.path().join("prefs.js.clientlint.bak"))
        .expect("plant link");
    let out = fix(&["--backup"], &prefs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fs::read_to_string(victim.path()).expect("read"), "precious");
    let bak = dir.path().join("prefs.js.clientlint.bak");
    assert!(!fs::symlink_metadata(&bak)
        .expect("meta")
        .file_type()
        .is_symlink());
    assert_eq!(fs::read_to_string(&bak).expect("read"), ACCOUNT);
}

#[test]
fn a_backup_of_a_private_file_stays_private() {
    let (dir, prefs) = profile();
    fs::set_permissions(&prefs, fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = fix(&["--backup"], &prefs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o7777;
    assert_eq!(mode(&dir.path().join("prefs.js.clientlint.bak")), 0o600);
    assert_eq!(mode(&prefs), 0o600);
}

#[test]
fn a_hard_link_is_not_split_unless_asked() {
    let (dir, prefs) = profile();
    let other = dir.path().join("elsewhere.js");
    fs::hard_link(&prefs, &other).expect("link");
    let out = fix(&[], &prefs);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("has 2 hard links") && stderr.contains("--break-hardlinks"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&prefs).expect("read"), ACCOUNT);

    let out = fix(&["--break-hardlinks"], &prefs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(fs::read_to_string(&prefs).expect("read").contains(FIXED));
    assert_eq!(
        fs::read_to_string(&other).expect("read"),
        ACCOUNT,
        "the other name keeps its bytes"
    );
}

#[test]
fn extended_attributes_survive_a_fix() {
    let (_dir, prefs) = profile();
    let file = fs::File::open(&prefs).expect("open");
    match rustix::fs::fsetxattr(
        &file,
        "user.clientlint-test",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    ) {
        Ok(()) => {}
        // No user xattrs on this file system: nothing to show here.
        Err(rustix::io::Errno::OPNOTSUPP) => return,
        Err(e) => panic!("setxattr: {e}"),
    }
    drop(file);
    let out = fix(&[], &prefs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(fs::read_to_string(&prefs).expect("read").contains(FIXED));
    let file = fs::File::open(&prefs).expect("open");
    let mut buf = [0u8; 16];
    let n = rustix::fs::fgetxattr(&file, "user.clientlint-test", &mut buf[..]).expect("kept");
    assert_eq!(buf.get(..n), Some(&b"kept"[..]));
}

#[test]
fn a_run_waits_for_another_runs_lock_and_then_rechecks() {
    let (_dir, prefs) = profile();
    let held = fs::File::open(&prefs).expect("open");
    rustix::fs::flock(&held, rustix::fs::FlockOperation::LockExclusive).expect("lock");
    let child = clientlint()
        .args(["--fix", "--format", "concise"])
        .arg(&prefs)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // While we hold the lock, the other "run" changes the file; clientlint must notice it
    // under the lock instead of writing over it.
    std::thread::sleep(Duration::from_millis(700));
    let changed = ACCOUNT.replace("check_time\", 1)", "check_time\", 2)");
    fs::write(&prefs, &changed).expect("write");
    drop(held);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("changed on disk since it was read"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&prefs).expect("read"), changed);
}

/// Starts a `--fix` that stops with a named temporary file next to prefs.js, and returns
/// it once that file exists.
fn fix_paused_before_rename(prefs: &Path) -> std::process::Child {
    let child = clientlint()
        .env(clientlint::fix::FAILPOINT_ENV, "before-rename")
        .args(["--fix", "--format", "concise"])
        .arg(prefs)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let dir = prefs.parent().expect("dir");
    let start = Instant::now();
    while !names_in(dir)
        .iter()
        .any(|n| n.starts_with(".prefs.js.clientlint-"))
    {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

#[test]
fn a_terminated_fix_leaves_no_temporary_copy() {
    for signal in [
        rustix::process::Signal::TERM,
        rustix::process::Signal::HUP,
        rustix::process::Signal::INT,
    ] {
        let (dir, prefs) = profile();
        let mut child = fix_paused_before_rename(&prefs);
        let pid =
            rustix::process::Pid::from_raw(i32::try_from(child.id()).expect("pid")).expect("pid");
        rustix::process::kill_process(pid, signal).expect("kill");
        let status = child.wait().expect("wait");
        assert!(!status.success(), "{signal:?}");
        assert_eq!(names_in(dir.path()), ["prefs.js"], "{signal:?}");
        assert_eq!(fs::read_to_string(&prefs).expect("read"), ACCOUNT);
    }
}

#[test]
fn a_copy_left_by_a_killed_fix_is_said_and_removed_by_the_next_fix() {
    let (dir, prefs) = profile();
    let mut child = fix_paused_before_rename(&prefs);
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let left: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.starts_with(".prefs.js.clientlint-"))
        .collect();
    assert_eq!(left.len(), 1, "SIGKILL cannot be caught: the copy stays");
    // It holds the profile, password included: said, without showing it.
    let out = clientlint()
        .args(["--format", "concise"])
        .arg(&prefs)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&left[0]) && stderr.contains("--fix` removes it"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"));
    let out = fix(&[], &prefs);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("removed `{}", dir.path().join(&left[0]).display())),
        "{stderr}"
    );
    assert_eq!(names_in(dir.path()), ["prefs.js"]);
}
