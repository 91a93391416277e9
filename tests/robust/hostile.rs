//! A hostile machine image (issue 16): profiles.ini entries and links that lead out of it,
//! a link into /proc, control characters in every kind of value and in a directory name,
//! and passwords planted where the parsers used to miss them. Linted and fixed as a plain
//! path, under `--root`, `--home` and `--sysroot`, in every format, in `connections` and
//! `probe --list`, and `config`: nothing outside is read or written, and nothing secret or
//! raw-control reaches stdout or stderr.
#![cfg(target_os = "linux")]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use super::{clientlint, run, Run};

/// Values planted in the image that no output may show.
const SECRETS: &[&str] = &[
    "hunter2-next-line",
    "hunter2-doubled",
    "tok-refresh-0001",
    "lowercase-pw-0002",
    "proxy-pw-0003",
    "zorkmid",
    "pt_secret0004",
    "OUTSIDE-0005",
    "root:x:0:0",
    "HOSTILE_CI_TOKEN",
];

/// A file outside the image, under a name a client reads: it must stay unread and
/// unwritten whatever links or profiles.ini entries lead to it.
const OUTSIDE_PREFS: &str = "user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
user_pref(\"mail.server.server1.check_time\", 1);\n\
user_pref(\"mail.server.server1.hostname\", \"OUTSIDE-0005.example\");\n\
user_pref(\"mail.server.server1.type\", \"imap\");\n";

struct Image {
    _dir: tempfile::TempDir,
    root: PathBuf,
    outside: PathBuf,
}

fn write(path: &Path, bytes: &[u8]) {
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, bytes).expect("write");
}

fn build() -> Image {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("img");
    let outside = dir.path().join("outside");
    write(&outside.join("prof/prefs.js"), OUTSIDE_PREFS.as_bytes());
    write(
        &outside.join("passwd"),
        b"root:x:0:0:root:/root:/bin/bash\n",
    );
    write(
        &outside.join("sitemanager.xml"),
        b"<FileZilla3><Servers><Server><Host>OUTSIDE-0005.example</Host><Port>21</Port><Protocol>0</Protocol><Type>0</Type><Logontype>0</Logontype><MaximumMultipleConnections>9</MaximumMultipleConnections><Name>x</Name></Server></Servers></FileZilla3>",
    );

    // alice: a Thunderbird root whose profiles.ini leads out three ways.
    let tb = root.join("home/alice/.thunderbird");
    write(
        &tb.join("profiles.ini"),
        format!(
            "[Profile0]\nName=p1\nIsRelative=1\nPath=p1\n\n[Profile1]\nName=abs\nIsRelative=0\nPath=/home/alice/.thunderbird/abs\n\n[Profile2]\nName=host\nIsRelative=0\nPath={}\n\n[Profile3]\nName=up\nIsRelative=1\nPath=../../../../outside/prof\n",
            outside.join("prof").display()
        )
        .as_bytes(),
    );
    let p1 = tb.join("p1");
    write(
        &p1.join("prefs.js"),
        b"user_pref(\"mail.account.account1.server\", \"server1\");\n\
user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
user_pref(\"mail.server.server1.check_time\", 1);\n\
user_pref(\"mail.server.server1.hostname\", \"imap\x1b]52;c;ZXZpbA==\x07.example\x1b[2J\r::stop-commands::x\");\n\
user_pref(\"mail.server.server1.name\", \"a\xe2\x80\xaename\x9b31m\");\n\
user_pref(\"mail.server.server1.type\", \"imap\");\n\
user_pref(\"mail.smtpserver.smtp1.password\",\n  \"hunter2-next-line\" x);\n\
user_pref((\"mail.smtpserver.smtp2.password\", \"hunter2-doubled\"));\n\
user_pref(\"mail.server.server1.oauth2.refresh_token\", \"tok-refresh-0001\");\n",
    );
    symlink(outside.join("passwd"), p1.join("user.js")).expect("link");
    // The absolute profile exists inside the image: read under --sysroot only.
    write(
        &tb.join("abs/prefs.js"),
        b"user_pref(\"mail.server.server9.check_time\", 1);\nuser_pref(\"mail.server.server9.hostname\", \"abs-in-image.example\");\nuser_pref(\"mail.server.server9.type\", \"imap\");\nuser_pref(\"mail.account.account9.server\", \"server9\");\nuser_pref(\"mail.accountmanager.accounts\", \"account9\");\n",
    );

    // bob: a FileZilla file linked out of the image; dave: a prefs.js linked into /proc.
    let bob = root.join("home/bob/.config/filezilla");
    fs::create_dir_all(&bob).expect("mkdir");
    symlink(outside.join("sitemanager.xml"), bob.join("sitemanager.xml")).expect("link");
    let dave = root.join("home/dave/.thunderbird/p");
    write(
        &dave.parent().expect("parent").join("profiles.ini"),
        b"[Profile0]\nPath=p\n",
    );
    fs::create_dir_all(&dave).expect("mkdir");
    symlink("/proc/self/environ", dave.join("prefs.js")).expect("link");

    // carol: FileZilla values with control characters, and passwords in new places.
    let carol = root.join("home/carol/.config/filezilla");
    write(
        &carol.join("sitemanager.xml"),
        b"<?xml version=\"1.0\"?>\n<FileZilla3><Servers><Server><Host>ftp.example.com&#10;::stop-commands::pwn</Host><Port>21</Port><Protocol>0</Protocol><Type>0</Type><User>u</User><pass>lowercase-pw-0002</pass><Logontype>1</Logontype><MaximumMultipleConnections>9</MaximumMultipleConnections><Name>site&#10;x.xml:1:1: error [forged] line&#27;[2J</Name></Server></Servers></FileZilla3>\n",
    );
    write(
        &carol.join("filezilla.xml"),
        b"<?xml version=\"1.0\"?>\n<FileZilla3><Settings><Setting name=\"Proxy Password\">proxy-pw-0003</Setting><Setting name=\"Number of Transfers\">9</Setting></Settings></FileZilla3>\n",
    );
    write(
        &carol.join("recentservers.xml"),
        b"<?xml version=\"1.0\"?>\n<FileZilla3><RecentServers><Server><Host>h</Host><Pass>ab<zorkmid</Pass></Server></RecentServers></FileZilla3>\n",
    );

    // A home whose name would forge a workflow command if printed raw.
    let eve = root.join("home/eve\n::error title=pwn::forged/.thunderbird");
    write(&eve.join("profiles.ini"), b"[Profile0]\nPath=p\n");
    write(
        &eve.join("p/prefs.js"),
        b"user_pref(\"mail.server.server1.check_time\", 1);\nuser_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server1.type\", \"imap\");\nuser_pref(\"mail.account.account1.server\", \"server1\");\nuser_pref(\"mail.accountmanager.accounts\", \"account1\");\n",
    );

    // An Outlook PRF with a password that begins like a mapping line.
    write(
        &root.join("deploy/outlook.prf"),
        b"[Internet Account List]\r\nAccount1=IMAP_I_Mail\r\n\r\n[Account1]\r\nIMAPServer=imap.example.net\r\nIMAPPort=143\r\nIMAPPassword=pt_secret0004\r\n\r\n[IMAP_I_Mail]\r\nIMAPServer=PT_UNICODE,0x0100\r\nIMAPPort=PT_LONG,0x0104\r\nIMAPPassword=PT_UNICODE,0x0101\r\n",
    );
    Image {
        _dir: dir,
        root,
        outside,
    }
}

/// Every byte of the outside files, to compare after the runs.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), fs::read(e.path()).expect("read")))
        .collect();
    out.sort();
    out
}

/// Nothing secret, nothing from outside the image, and no raw control character (bar the
/// line ends and tabs of the output's own structure).
fn assert_safe(what: &str, r: &Run) {
    for (stream, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        for secret in SECRETS {
            assert!(
                !text.contains(secret),
                "{what} {stream} shows {secret}:\n{text}"
            );
        }
        // The absolute profile path is the image's own: only --sysroot re-roots it (a
        // plain path walks the image and meets the file anyway).
        let located = what.starts_with("root") || what.starts_with("home");
        assert!(
            !(located && text.contains("abs-in-image")),
            "{what}: {text}"
        );
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| clientlint::escape::is_unsafe(c) && c != '\n')
            .collect();
        assert!(raw.is_empty(), "{what} {stream} has raw {raw:?}:\n{text}");
        for line in text.lines() {
            let forged = line.starts_with("::")
                && !(what.contains("github")
                    && stream == "stdout"
                    && ["::error file=", "::warning file=", "::notice file="]
                        .iter()
                        .any(|p| line.starts_with(p)));
            assert!(!forged, "{what} {stream} forges a workflow command: {line}");
            assert!(
                !line.trim_start().starts_with("x.xml:1:1:"),
                "{what} {stream} forges a finding line: {line}"
            );
        }
    }
}

#[test]
fn a_hostile_image_is_linted_and_fixed_in_every_mode_without_escaping_or_leaking() {
    let image = build();
    let before = snapshot(&image.outside);
    let home = image.root.join("home");
    let alice = home.join("alice");
    let modes: Vec<(&str, Vec<std::ffi::OsString>)> = vec![
        ("path", vec![image.root.clone().into()]),
        ("root", vec!["--root".into(), home.clone().into()]),
        ("home", vec!["--home".into(), alice.clone().into()]),
        (
            "sysroot",
            vec!["--sysroot".into(), image.root.clone().into()],
        ),
    ];
    for (mode, args) in &modes {
        for format in ["text", "concise", "json", "sarif", "github", "gitlab"] {
            let r = run(clientlint()
                .env("HOSTILE_CI_TOKEN", "HOSTILE_CI_TOKEN")
                .args(["--format", format])
                .args(args));
            let what = format!("{mode} {format}");
            assert!(
                r.code == 1 || r.code == 2,
                "{what}: exit {}\n{}",
                r.code,
                r.stderr
            );
            assert_safe(&what, &r);
        }
        let r = run(clientlint().arg("connections").args(args));
        assert_safe(&format!("{mode} connections"), &r);
        // The servers `clientlint probe` would contact (with --list it contacts none).
        let r = run(clientlint().args(["probe", "--list"]).args(args));
        assert_safe(&format!("{mode} probe --list"), &r);
        let r = run(clientlint()
            .args(["--fix", "--format", "concise"])
            .args(args));
        assert_safe(&format!("{mode} fix"), &r);
        assert_eq!(
            snapshot(&image.outside),
            before,
            "{mode}: something outside was written"
        );
    }
    // What the modes say about the ways out: each profiles.ini entry and link is named.
    let r = run(clientlint()
        .args(["--format", "concise", "--root"])
        .arg(&home));
    for said in [
        "lists profile `abs`",
        "lists profile `host`",
        "lists profile `up`",
        "p1/user.js` is a link that leads out",
        "bob/.config/filezilla/sitemanager.xml` is a link that leads out",
    ] {
        assert!(
            r.stderr.contains(said),
            "--root does not say {said}:\n{}",
            r.stderr
        );
    }
    // Under --sysroot the absolute profile is the image's own, and is read there.
    let r = run(clientlint()
        .args(["--format", "concise", "--sysroot"])
        .arg(&image.root));
    assert!(
        r.stdout.contains("home/alice/.thunderbird/abs/prefs.js"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("lists profile `abs`"), "{}", r.stderr);
}

#[test]
fn config_values_are_shown_as_valid_toml_without_raw_control_characters() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("clientlint.toml");
    fs::write(
        &config,
        "[servers.\"evil\\u001b]52;c;x\\u0007\\nhost\"]\nconnection-limit = 3\n",
    )
    .expect("write");
    let r = run(clientlint().arg("--config").arg(&config).arg("config"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_safe("config", &r);
    let parsed: toml::Table = r.stdout.parse().expect("config prints TOML");
    let servers = parsed
        .get("servers")
        .and_then(|s| s.as_table())
        .expect("servers");
    assert!(
        servers.contains_key("evil\u{1b}]52;c;x\u{7}\nhost"),
        "{servers:?}"
    );
}

#[test]
fn the_report_is_not_written_over_a_file_it_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prefs = dir.path().join("prefs.js");
    fs::write(&prefs, OUTSIDE_PREFS).expect("write");
    let r = run(clientlint().arg(&prefs).arg("--output-file").arg(&prefs));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a file this run checks"), "{}", r.stderr);
    assert_eq!(fs::read_to_string(&prefs).expect("read"), OUTSIDE_PREFS);
}

/// Windows reads a profile file without a BOM as ANSI (Wine's profile.c): such a PRF
/// imports nothing, which is said instead of "All checks passed".
#[test]
fn a_utf16_prf_without_bom_is_reported_not_passed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let prf = dir.path().join("a.prf");
    let text = "[Internet Account List]\r\nAccount1=IMAP_I_Mail\r\n\r\n[Account1]\r\nIMAPServer=imap.example.net\r\n";
    fs::write(
        &prf,
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
    )
    .expect("write");
    let r = run(clientlint().args(["--format", "concise"]).arg(&prf));
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "a.prf:1:1: error [syntax-error] a.prf is UTF-16LE without a byte-order mark"
        ),
        "{}",
        r.stdout
    );
}
