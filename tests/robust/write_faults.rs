//! Faults while `--fix` writes: a full disk, a file changed between read and write, a
//! read-only directory. In every case the original bytes are intact, no temporary file
//! is left behind, the message says what happened, and the exit code is 2.

use std::path::{Path, PathBuf};

use super::{clientlint, run};

const ACCOUNT: &str =
    include_str!("../../fixtures/rules/poll-interval-too-short/thunderbird.bad.js");

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A tmpfs of 256 KiB mounted on a fresh directory; unmounted on drop.
struct TinyDisk {
    dir: tempfile::TempDir,
}

impl TinyDisk {
    /// `None` when this machine will not let the test mount (not root, no `mount`, a
    /// container without the capability); the failpoint test covers that case.
    fn mount() -> Option<TinyDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs"])
            .arg(dir.path())
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        ok.then_some(TinyDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk to the last byte.
    fn fill(&self) {
        use std::io::Write as _;
        let mut f = std::fs::File::create(self.path().join("filler")).expect("filler");
        let block = vec![0u8; 4096];
        while f.write_all(&block).is_ok() {}
        let _ = f.write_all(&[0]);
        let _ = f.sync_all();
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.dir.path())
            .output();
    }
}

#[test]
fn a_full_disk_fails_the_write_and_keeps_the_original() {
    let Some(disk) = TinyDisk::mount() else {
        // Without a mount, the failpoint fails the write at the same step.
        let dir = tempfile::tempdir().expect("tempdir");
        let prefs = dir.path().join("prefs.js");
        std::fs::write(&prefs, ACCOUNT).expect("write");
        let r = run(clientlint()
            .env(clientlint::fix::FAILPOINT_ENV, "after-temp-write")
            .args(["--fix", "--unsafe-fixes"])
            .arg(dir.path()));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains("failpoint after-temp-write"),
            "{}",
            r.stderr
        );
        assert_eq!(std::fs::read_to_string(&prefs).expect("read"), ACCOUNT);
        assert_eq!(names_in(dir.path()), vec!["prefs.js"]);
        return;
    };
    let prefs = disk.path().join("prefs.js");
    std::fs::write(&prefs, ACCOUNT).expect("write");
    disk.fill();
    let r = run(clientlint()
        .args(["--fix", "--unsafe-fixes"])
        .arg(disk.path()));
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "error: could not write `{}`: No space left on device",
            prefs.display()
        )),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&prefs).expect("read"), ACCOUNT);
    assert_eq!(names_in(disk.path()), vec!["filler", "prefs.js"]);
    // The report describes the file as it still is: the finding remains.
    assert!(r.stdout.contains("poll-interval-too-short"), "{}", r.stdout);

    // With room again, the same run succeeds: the failure left nothing in the way.
    std::fs::remove_file(disk.path().join("filler")).expect("rm");
    let r = run(clientlint()
        .args(["--fix", "--unsafe-fixes"])
        .arg(disk.path()));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_ne!(std::fs::read_to_string(&prefs).expect("read"), ACCOUNT);
}

/// The CLI plans, then writes (`fix::plan`, then `fix::write_plan`); a file another
/// program rewrites in between is refused by content, and left as that program wrote it.
#[test]
fn a_file_changed_between_planning_and_writing_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefs = dir.path().join("prefs.js");
    std::fs::write(&prefs, ACCOUNT).expect("write");
    let discovery = clientlint::engine::discover::from_paths(&[dir.path().to_path_buf()]);
    let (files, errors) = clientlint::read_files(&discovery.units);
    assert!(errors.is_empty());
    let settings = clientlint::settings::Settings::default();
    let plan = clientlint::plan_fixes(&discovery.units, files, &settings, true);
    assert_eq!(plan.changed().len(), 1, "there is a fix to write");

    // Same length, one byte different: neither size nor a coarse mtime would tell.
    let changed = ACCOUNT.replacen("check_time\", 1", "check_time\", 7", 1);
    assert_eq!(changed.len(), ACCOUNT.len());
    std::fs::write(&prefs, &changed).expect("write");

    let (written, errors) = clientlint::write_fixes(
        &plan,
        &discovery.units,
        clientlint::fix::WriteOptions::default(),
    );
    assert!(written.is_empty());
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        vec![format!(
            "`{}` changed on disk since it was read; it was left untouched (run again)",
            prefs.display()
        )]
    );
    assert_eq!(std::fs::read_to_string(&prefs).expect("read"), changed);
    assert_eq!(names_in(dir.path()), vec!["prefs.js"]);
}

/// The file is writable but its directory is not, so the temporary file cannot be
/// created. Root writes anywhere, so as root the CLI runs as `nobody` owning the file.
#[test]
fn a_read_only_directory_fails_cleanly() {
    use std::os::unix::fs::PermissionsExt as _;
    use std::os::unix::process::CommandExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let profile: PathBuf = dir.path().join("profile");
    std::fs::create_dir(&profile).expect("mkdir");
    let prefs = profile.join("prefs.js");
    std::fs::write(&prefs, ACCOUNT).expect("write");
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    mode(dir.path(), 0o755);
    mode(&prefs, 0o644);
    mode(&profile, 0o555);
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::os::unix::fs::chown(&prefs, Some(65534), Some(65534)).expect("chown");
    }
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("clientlint"));
    cmd.args(["--fix", "--unsafe-fixes"])
        .arg(&profile)
        .env_remove(clientlint::fix::FAILPOINT_ENV);
    if root {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    mode(&profile, 0o755);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: could not write `{}`: Permission denied",
            prefs.display()
        )),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&prefs).expect("read"), ACCOUNT);
    assert_eq!(names_in(&profile), vec!["prefs.js"]);
}

/// A WinSCP registry export (UTF-16LE with BOM, CRLF): a copy changed between planning and
/// writing is refused and left as it is; an untouched copy is written back in its own
/// encoding and line endings, different only in the fixed value.
#[test]
fn a_winscp_reg_export_is_refused_when_changed_and_otherwise_written_in_utf16() {
    let original =
        std::fs::read("fixtures/rules/too-many-transfers/winscp.bad.reg").expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let export = dir.path().join("winscp.reg");
    std::fs::write(&export, &original).expect("write");
    let discovery = clientlint::engine::discover::from_paths(std::slice::from_ref(&export));
    let (files, _) = clientlint::read_files(&discovery.units);
    let settings = clientlint::settings::Settings::default();
    let plan = clientlint::plan_fixes(&discovery.units, files, &settings, false);
    assert_eq!(plan.changed().len(), 1, "there is a fix to write");
    // Another program rewrites one UTF-16 unit of the comment meanwhile.
    let mut changed = original.clone();
    let at = changed.len() / 4 * 2;
    changed[at] ^= 0x01;
    std::fs::write(&export, &changed).expect("write");
    let (written, errors) = clientlint::write_fixes(
        &plan,
        &discovery.units,
        clientlint::fix::WriteOptions::default(),
    );
    assert!(written.is_empty());
    assert_eq!(errors.len(), 1);
    assert_eq!(std::fs::read(&export).expect("read"), changed);

    std::fs::write(&export, &original).expect("write");
    let r = run(clientlint().arg("--fix").arg(&export));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let fixed = std::fs::read(&export).expect("read");
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let from = utf16("\"QueueTransfersLimit\"=dword:00000006\r\n");
    let to = utf16("\"QueueTransfersLimit\"=dword:00000003\r\n");
    let at = original
        .windows(from.len())
        .position(|w| w == from.as_slice())
        .expect("the value");
    let mut want = original.clone();
    want.splice(at..at + from.len(), to);
    assert_eq!(fixed, want);
    assert_eq!(names_in(dir.path()), vec!["winscp.reg"]);
}
