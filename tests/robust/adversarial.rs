//! Hostile and broken inputs, each with what must happen: bounded time and memory, a
//! clear message, and the rest of the run carrying on.

use std::path::Path;
use std::time::{Duration, Instant};

use clientlint::report::OutputFormat;
use clientlint::source::MAX_FILE_BYTES;

use super::{clientlint, lint_bytes, rules_of, run, FORMATS};

/// A finding the CLI must still report when something else in the tree is hostile: proof
/// that the run went on.
const BAD_PREFS: &str =
    include_str!("../../fixtures/rules/poll-interval-too-short/thunderbird.bad.js");

fn write_bad_profile(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("prefs.js"), BAD_PREFS).expect("write");
}

#[test]
fn empty_files_of_every_format_lint_cleanly() {
    for (name, format) in FORMATS {
        let analysis = lint_bytes(name, *format, Vec::new());
        // An empty prefs.js, profiles.ini, PRF or .reg is a valid (empty) file; an empty
        // FileZilla file is what FileZilla itself rejects, so it may be a syntax error,
        // but nothing else.
        for d in &analysis.diagnostics {
            assert_eq!(d.rule, "syntax-error", "{name}: {}", d.message);
            assert_eq!(d.span.start, 0, "{name}");
        }
        let json = clientlint::render(&analysis, OutputFormat::Json);
        serde_json::from_str::<serde_json::Value>(&json).expect("JSON");
    }
}

#[test]
fn empty_files_through_the_cli() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["prefs.js", "user.js", "profiles.ini", "a.prf"] {
        std::fs::write(dir.path().join(name), "").expect("write");
    }
    let r = run(clientlint().arg(dir.path()));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

/// A sparse file of 200 MB (the figure) costs no disk and no time to make; the
/// run must skip it with a clear message, lint the rest, and stay small in memory.
#[test]
fn a_200_mb_file_is_skipped_with_a_message_and_memory_stays_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = dir.path().join("huge");
    std::fs::create_dir(&huge).expect("mkdir");
    let big = huge.join("prefs.js");
    let f = std::fs::File::create(&big).expect("create");
    f.set_len(200 * 1024 * 1024).expect("sparse file");
    drop(f);
    write_bad_profile(&dir.path().join("ok"));
    let start = Instant::now();
    let r = run(clientlint().args(["--format", "concise"]).arg(dir.path()));
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "cannot read `{}`: the file is 200 MiB, over clientlint's 32 MiB limit for a configuration file; skipped",
            big.display()
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout.contains("[poll-interval-too-short]"),
        "{}",
        r.stdout
    );
    // Named explicitly, it is refused the same way (not read whole to classify it).
    let r = run(clientlint().arg(&big));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("over clientlint's 32 MiB limit"),
        "{}",
        r.stderr
    );
    assert!(
        max_child_rss_bytes() < 150 * 1024 * 1024,
        "a child used {} MiB",
        max_child_rss_bytes() / (1024 * 1024)
    );
}

/// The largest resident set of any child this test process has waited for.
fn max_child_rss_bytes() -> u64 {
    // SAFETY: `rusage` is plain data for which all-zero bytes are valid; getrusage only
    // writes into it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` outlives the call.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    // Linux reports kilobytes.
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

#[test]
fn the_size_limit_holds_one_byte_past_it_and_in_a_filezilla_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fz = dir.path().join("fz");
    std::fs::create_dir(&fz).expect("mkdir");
    let f = std::fs::File::create(fz.join("sitemanager.xml")).expect("create");
    f.set_len(MAX_FILE_BYTES + 1).expect("sparse");
    drop(f);
    let at_limit = dir.path().join("p");
    std::fs::create_dir(&at_limit).expect("mkdir");
    let r = run(clientlint().arg(dir.path()));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("sitemanager.xml`: the file is 33 MiB, over clientlint's 32 MiB limit"),
        "{}",
        r.stderr
    );
}

/// Deeper than any FileZilla file, and deep enough that a recursive tree (or its drop)
/// would overflow a test thread's 2 MiB stack.
#[test]
fn a_100000_deep_xml_nesting_stops_with_an_error_not_a_stack_overflow() {
    for (name, head, element) in [
        (
            "sitemanager.xml",
            "<?xml version=\"1.0\"?>\n<FileZilla3><Servers>",
            "<Folder>",
        ),
        ("filezilla.xml", "<FileZilla3><Settings>", "<a>"),
    ] {
        let text = format!("{head}{}", element.repeat(100_000));
        let format = FORMATS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .expect("format");
        let analysis = lint_bytes(name, format, text.into_bytes());
        let d = analysis
            .diagnostics
            .iter()
            .find(|d| d.rule == "syntax-error")
            .expect("a syntax error");
        assert!(
            d.message.contains("nested more than 256 levels"),
            "{}",
            d.message
        );
    }
    // Through the CLI as well, with a closed, valid document of the same depth.
    let dir = tempfile::tempdir().expect("tempdir");
    let deep = format!(
        "<FileZilla3><Servers>{}{}</Servers></FileZilla3>",
        "<Folder>x".repeat(100_000),
        "</Folder>".repeat(100_000)
    );
    std::fs::write(dir.path().join("sitemanager.xml"), deep).expect("write");
    let r = run(clientlint()
        .args(["--format", "json"])
        .arg(dir.path().join("sitemanager.xml")));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("nested more than 256 levels"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_billion_laughs_doctype_is_never_expanded() {
    let mut dtd = String::from("<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    dtd.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
    for i in 2..=9 {
        let prev = format!("&lol{};", i - 1);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", prev.repeat(10)));
    }
    dtd.push_str("]>\n");
    let text = format!(
        "<?xml version=\"1.0\"?>\n{dtd}<FileZilla3><Servers><Server><Host>&lol9;</Host><Port>21</Port><Protocol>0</Protocol><Type>0</Type><User>u</User><Pass>&lol9;</Pass><Logontype>1</Logontype><Name>laughs</Name></Server></Servers></FileZilla3>\n"
    );
    let start = Instant::now();
    let analysis = lint_bytes(
        "sitemanager.xml",
        super::Format::FileZilla(super::FzFileKind::SiteManager),
        text.clone().into_bytes(),
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    for format in [OutputFormat::Json, OutputFormat::Text, OutputFormat::Sarif] {
        let out = clientlint::render(&analysis, format);
        // Expanded once, `&lol9;` is 3,000,000,000 characters; as written it is 6.
        assert!(out.len() < 1024 * 1024, "{format:?}: {} bytes", out.len());
        assert!(!out.contains("lollollol"), "{format:?} expanded an entity");
    }
}

#[test]
fn extremely_long_lines_stay_fast_and_output_stays_bounded() {
    // A 4 MiB line: a long string value, then the file's finding on the same line.
    let long = "x".repeat(4 * 1024 * 1024);
    let text = BAD_PREFS.replace(
        "user_pref(\"mail.server.server1.check_time\", 1);\n",
        &format!(
            "user_pref(\"a.b\", \"{long}\"); user_pref(\"mail.server.server1.check_time\", 1);"
        ),
    );
    assert_ne!(text, BAD_PREFS);
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("prefs.js"), &text).expect("write");
    for format in ["text", "json", "sarif", "concise"] {
        let start = Instant::now();
        let r = run(clientlint().args(["--format", format]).arg(dir.path()));
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{format}: {:?}",
            start.elapsed()
        );
        assert_eq!(r.code, 1, "{format}: {}", r.stderr);
        assert!(r.stdout.contains("poll-interval-too-short"), "{format}");
        if format == "text" {
            // miette pads to the column with `{:width$}`, which panicked past 65,535.
            assert!(
                r.stdout.contains("the line is too long to draw"),
                "{}",
                r.stdout
            );
        }
        assert!(
            r.stdout.len() < 2 * text.len(),
            "{format}: {} bytes of output",
            r.stdout.len()
        );
    }
}

#[test]
fn nul_bytes_are_read_as_text_and_reported_where_they_break_syntax() {
    let mut text = BAD_PREFS.as_bytes().to_vec();
    text.extend_from_slice(b"\0\0\0user_pref(\"a\", \0);\n");
    let analysis = lint_bytes("prefs.js", super::Format::PrefsJs, text);
    let rules = rules_of(&analysis);
    assert!(rules.contains(&"syntax-error"), "{rules:?}");
    // Gecko reads a NUL as the end of the file, and so do we, out loud.
    let nul = analysis
        .diagnostics
        .iter()
        .find(|d| d.rule == "syntax-error")
        .expect("syntax error");
    assert_eq!(nul.span.start, BAD_PREFS.len());
    assert!(nul.message.contains("NUL byte"), "{}", nul.message);
    // The statement before the NULs still counts.
    assert!(rules.contains(&"poll-interval-too-short"), "{rules:?}");
    for (name, format) in FORMATS {
        let mut bytes = b"[a]\r\n\0k=\0v\0\r\n<FileZilla3>\0</FileZilla3>".to_vec();
        bytes.extend(std::iter::repeat(0).take(1000));
        lint_bytes(name, *format, bytes);
    }
}

#[test]
fn invalid_utf8_and_utf16_decode_without_panics_and_keep_their_bytes() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "invalid utf-8",
            b"user_pref(\"a\", \"\xff\xfe\xc3\");\n".to_vec(),
        ),
        ("truncated utf-8", b"user_pref(\"a\", \"\xe2\x82".to_vec()),
        // UTF-16LE with BOM and an odd number of bytes.
        ("odd utf-16", {
            let mut b = vec![0xFF, 0xFE];
            b.extend("[A]\r\nk=v".encode_utf16().flat_map(u16::to_le_bytes));
            b.push(b'x');
            b
        }),
        // A lone high surrogate, a lone low surrogate, and a reversed pair.
        ("lone surrogates", {
            let mut b = vec![0xFF, 0xFE];
            for unit in [0xD800u16, b'a'.into(), 0xDC00, 0xDC00, 0xD800, b'\n'.into()] {
                b.extend(unit.to_le_bytes());
            }
            b
        }),
        ("utf-16be lone surrogate", vec![0xFE, 0xFF, 0xD8, 0x00]),
    ];
    for (what, bytes) in cases {
        for (name, format) in FORMATS {
            let analysis = lint_bytes(name, *format, bytes.clone());
            let file = analysis.files.get(0).expect("file");
            assert_eq!(
                file.bytes(),
                bytes.as_slice(),
                "{what} as {name}: bytes kept as read"
            );
            serde_json::from_str::<serde_json::Value>(&clientlint::render(
                &analysis,
                OutputFormat::Sarif,
            ))
            .expect("SARIF is JSON");
        }
    }
}

/// Regedit writes UTF-16LE with a BOM; without one we read the bytes as UTF-8, where the
/// text is every character followed by NUL. That is not a Regedit header, so the file
/// is not mistaken for an empty export: it is a syntax error at its first byte.
#[test]
fn a_utf16_file_without_bom_is_reported_not_misread() {
    let text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software]\r\n\"a\"=dword:00000001\r\n";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let analysis = lint_bytes("outlook.reg", super::Format::Reg, bytes.clone());
    let d = analysis
        .diagnostics
        .iter()
        .find(|d| d.rule == "syntax-error")
        .expect("a syntax error");
    assert_eq!(d.span.start, 0, "{}", d.message);
    // Walking a tree, such a file is not recognised as a .reg export at all.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("x.reg"), &bytes).expect("write");
    let r = run(clientlint().arg(dir.path()));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Deterministic noise (xorshift), so a failure reproduces.
fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect()
}

#[test]
fn binary_files_named_like_config_files() {
    let elf: Vec<u8> = b"\x7fELF\x02\x01\x01\0"
        .iter()
        .copied()
        .chain(noise(64 * 1024, 7))
        .collect();
    let gzip: Vec<u8> = b"\x1f\x8b\x08\0"
        .iter()
        .copied()
        .chain(noise(4096, 11))
        .collect();
    for (i, bytes) in [elf, gzip, noise(100_000, 3)].into_iter().enumerate() {
        for (name, format) in FORMATS {
            lint_bytes(name, *format, bytes.clone());
        }
        // Through the CLI, in a tree: every format's name at once.
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [
            "prefs.js",
            "user.js",
            "profiles.ini",
            "filezilla.xml",
            "sitemanager.xml",
            "a.prf",
            "b.reg",
        ] {
            std::fs::write(dir.path().join(name), &bytes).expect("write");
        }
        let r = run(clientlint().args(["--format", "json"]).arg(dir.path()));
        assert!(r.code == 0 || r.code == 1, "case {i}: {}", r.stderr);
        let json: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        assert!(json["diagnostics"].is_array(), "case {i}");
    }
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt as _;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("no NUL in path");
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let rc = unsafe { libc::mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(rc, 0, "mkfifo {}", path.display());
}

/// FIFOs under every name clientlint reads, devices behind symlinks, and symlink loops:
/// the walk skips them all (opening a FIFO would block until a writer comes) and lints
/// the real profile next to them.
#[test]
fn fifos_devices_and_symlink_loops_in_a_walked_tree_do_not_hang() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write_bad_profile(&root.join("ok"));
    let fifos = root.join("fifos");
    std::fs::create_dir(&fifos).expect("mkdir");
    for name in [
        "prefs.js",
        "user.js",
        "profiles.ini",
        "filezilla.xml",
        "sitemanager.xml",
        "a.prf",
        "b.reg",
    ] {
        mkfifo(&fifos.join(name));
    }
    let devices = root.join("devices");
    std::fs::create_dir(&devices).expect("mkdir");
    symlink("/dev/zero", devices.join("prefs.js")).expect("symlink");
    symlink("/dev/urandom", devices.join("filezilla.xml")).expect("symlink");
    symlink("/dev/null", devices.join("recentservers.xml")).expect("symlink");
    let loops = root.join("loops");
    std::fs::create_dir(&loops).expect("mkdir");
    symlink(".", loops.join("self")).expect("symlink");
    symlink("..", loops.join("parent")).expect("symlink");
    symlink("b", loops.join("a")).expect("symlink");
    symlink("a", loops.join("b")).expect("symlink");
    symlink("prefs.js", loops.join("prefs.js")).expect("symlink");

    let start = Instant::now();
    let r = run(clientlint().args(["--format", "concise"]).arg(root));
    assert!(start.elapsed() < Duration::from_secs(30));
    assert!(
        r.stdout.contains("[poll-interval-too-short]"),
        "{}",
        r.stdout
    );
    // Walking skips what is not a regular file; links that lead out of the tree (to
    // /dev here) under a configuration file's name are said, and not followed.
    assert_eq!(r.code, 1, "{}", r.stderr);
    let warned: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(warned.len(), 3, "{}", r.stderr);
    for (line, name) in warned
        .iter()
        .zip(["filezilla.xml", "prefs.js", "recentservers.xml"])
    {
        assert!(
            line.starts_with("warning: `")
                && line.contains(&format!("devices/{name}`"))
                && line.ends_with("leads out of the tree clientlint was given; not followed"),
            "{line}"
        );
    }
    // Next to a real FileZilla file, a FIFO under a FileZilla name is reported (the
    // directory's files are read by name), and still never opened.
    std::fs::write(
        fifos.join("sitemanager.xml.tmp"),
        "<FileZilla3><Servers/></FileZilla3>",
    )
    .expect("write");
    std::fs::remove_file(fifos.join("sitemanager.xml")).expect("rm");
    std::fs::rename(
        fifos.join("sitemanager.xml.tmp"),
        fifos.join("sitemanager.xml"),
    )
    .expect("mv");
    let r = run(clientlint().args(["--format", "concise"]).arg(root));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().next().unwrap_or(""),
        format!(
            "error: cannot read `{}`: not a regular file",
            fifos.join("filezilla.xml").display()
        )
    );
    assert_eq!(
        r.stderr.lines().count(),
        4,
        "and the three links: {}",
        r.stderr
    );
    assert!(
        r.stdout.contains("[poll-interval-too-short]"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_fifo_or_device_named_on_the_command_line_is_refused_not_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("prefs.js");
    mkfifo(&fifo);
    for path in [fifo.as_path(), Path::new("/dev/zero")] {
        let r = run(clientlint().arg(path));
        assert_eq!(r.code, 2, "{}", path.display());
        assert!(
            r.stderr.contains(&format!(
                "cannot read `{}`: not a regular file",
                path.display()
            )),
            "{}",
            r.stderr
        );
    }
}

/// Root reads everything, so when the tests run as root the CLI runs as `nobody` for this
/// test; the tree is made world-readable except for the parts under test.
#[test]
fn unreadable_files_and_directories_are_reported_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt as _;
    use std::os::unix::process::CommandExt as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let open = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod")
    };
    open(root, 0o755);
    write_bad_profile(&root.join("ok"));
    open(&root.join("ok"), 0o755);
    open(&root.join("ok/prefs.js"), 0o644);
    let locked_dir = root.join("locked");
    write_bad_profile(&locked_dir);
    open(&locked_dir, 0o000);
    let locked_file_dir = root.join("unreadable");
    write_bad_profile(&locked_file_dir);
    open(&locked_file_dir, 0o755);
    open(&locked_file_dir.join("prefs.js"), 0o000);

    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("clientlint"));
    cmd.args(["--format", "concise"]).arg(root);
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        cmd.uid(65534).gid(65534);
    }
    let out = cmd.output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    open(&locked_dir, 0o755);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot read `{}`: Permission denied",
            locked_dir.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "cannot read `{}`: Permission denied",
            locked_file_dir.join("prefs.js").display()
        )),
        "{stderr}"
    );
    // The readable profile was linted all the same.
    assert!(
        stdout.contains(&format!("{}:8:", root.join("ok/prefs.js").display())),
        "{stdout}"
    );
}

/// Inputs the fuzz targets crashed on, replayed as those targets read them: the file
/// name starts with the target's name, and for `filezilla_xml`, `winscp` and
/// `fix_roundtrip` the first byte picks the format (as in `fuzz/fuzz_targets/`).
#[test]
fn fuzz_regressions_replay_cleanly() {
    use super::{Format, FzFileKind};
    let dir = Path::new("fixtures/regressions/fuzz");
    let mut seen = 0;
    for path in super::files_under(&[dir.to_str().expect("utf-8 path")]) {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let data = std::fs::read(&path).expect("read");
        let picked = |b: u8, kinds: &[Format]| kinds[usize::from(b) % kinds.len()];
        let fz = [
            Format::FileZilla(FzFileKind::Settings),
            Format::FileZilla(FzFileKind::Defaults),
            Format::FileZilla(FzFileKind::SiteManager),
            Format::FileZilla(FzFileKind::RecentServers),
        ];
        let fixable = [
            Format::PrefsJs,
            Format::FileZilla(FzFileKind::SiteManager),
            Format::FileZilla(FzFileKind::Settings),
            Format::Prf,
            Format::Reg,
        ];
        let (format, bytes, fix) = match name.split('-').next() {
            Some("prefs_js") => (Format::PrefsJs, data, false),
            Some("prf") => (Format::Prf, data, false),
            Some("reg") => (Format::Reg, data, false),
            Some("profiles_ini") => (Format::ProfilesIni, data, false),
            Some("winscp") => match data.split_first() {
                Some((b, rest)) => (
                    picked(*b, &[Format::WinscpIni, Format::WinscpReg]),
                    rest.to_vec(),
                    true,
                ),
                None => continue,
            },
            Some("filezilla_xml") => match data.split_first() {
                Some((b, rest)) => (picked(*b, &fz), rest.to_vec(), false),
                None => continue,
            },
            Some("fix_roundtrip") => match data.split_first() {
                Some((b, rest)) => (picked(*b, &fixable), rest.to_vec(), true),
                None => continue,
            },
            _ => panic!("{name}: name it after its fuzz target"),
        };
        let file_name = FORMATS
            .iter()
            .find(|(_, f)| *f == format)
            .map(|(n, _)| *n)
            .expect("format");
        let analysis = lint_bytes(file_name, format, bytes.clone());
        serde_json::from_str::<serde_json::Value>(&clientlint::render(
            &analysis,
            OutputFormat::Json,
        ))
        .expect("JSON");
        let _ = clientlint::render(&analysis, OutputFormat::Text);
        if fix {
            let path = std::path::PathBuf::from(file_name);
            let mut files = clientlint::source::Files::default();
            files.add(clientlint::source::SourceFile::new(path.clone(), bytes));
            let plan = clientlint::plan_fixes(
                &[super::unit_for(&path, format)],
                files,
                &clientlint::settings::Settings::default(),
                true,
            );
            assert!(plan.errors.is_empty(), "{name}: {:?}", plan.errors);
        }
        seen += 1;
    }
    assert!(seen > 0, "no regression inputs in {}", dir.display());
}
