//! Robustness (issue 8): no panic on any input, no secret in any output, no data lost
//! under faults. One test binary, so the suite links it once:
//! - `adversarial`: hostile and broken inputs, each with what must happen;
//! - `mutations`: always-on property tests over mutated corpus and fixture files;
//! - `redaction`: a planted password in every place a format holds one, every output;
//! - `write_faults`: a full disk, a file changed under us, a read-only directory.
//!
//! Regressions found by the fuzz targets in `fuzz/` live in `adversarial` too.

mod adversarial;
mod hostile;
mod mutations;
mod redaction;
mod write_faults;

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use clientlint::clients::filezilla::FzFileKind;
use clientlint::clients::{outlook, thunderbird, winscp, Unit};
use clientlint::engine::discover;
use clientlint::settings::Settings;
use clientlint::source::{Files, SourceFile, Span};
use clientlint::Analysis;

/// The CLI, with a timeout: a test that would hang fails instead.
fn clientlint() -> Command {
    let mut cmd = Command::cargo_bin("clientlint").expect("binary builds");
    cmd.env_remove("NO_COLOR")
        // This machine's own Thunderbird (the interop suite installs one) is not the test's.
        .env(
            discover::MACHINE_ROOT_ENV,
            "/nonexistent/clientlint-test-machine",
        )
        .env_remove(clientlint::fix::FAILPOINT_ENV)
        .timeout(Duration::from_secs(60));
    cmd
}

/// Output of a CLI run: stdout, stderr, exit code.
struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("runs");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The formats of the clients, as the tests name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    PrefsJs,
    DefaultPrefsJs,
    ProfilesIni,
    Prf,
    Reg,
    WinscpIni,
    WinscpReg,
    FileZilla(FzFileKind),
}

impl Format {
    const ALL: [Format; 11] = [
        Format::PrefsJs,
        Format::DefaultPrefsJs,
        Format::ProfilesIni,
        Format::Prf,
        Format::Reg,
        Format::WinscpIni,
        Format::WinscpReg,
        Format::FileZilla(FzFileKind::Defaults),
        Format::FileZilla(FzFileKind::Settings),
        Format::FileZilla(FzFileKind::SiteManager),
        Format::FileZilla(FzFileKind::RecentServers),
    ];

    /// The client's format.
    fn of_client(self) -> clientlint::clients::Format {
        match self {
            Format::PrefsJs => thunderbird::PREFS_JS,
            Format::DefaultPrefsJs => thunderbird::DEFAULT_PREFS_JS,
            Format::ProfilesIni => thunderbird::PROFILES_INI,
            Format::Prf => outlook::PRF,
            Format::Reg => outlook::REG,
            Format::WinscpIni => winscp::INI,
            Format::WinscpReg => winscp::REG,
            Format::FileZilla(kind) => kind.format(),
        }
    }
}

/// The unit that reads `path` as `format`, as discovery would.
fn unit_for(path: &Path, format: Format) -> Unit {
    discover::unit_for(path, format.of_client()).expect("every format makes a unit")
}

/// Every format, with a file name that format is read under.
const FORMATS: &[(&str, Format)] = &[
    ("prefs.js", Format::PrefsJs),
    ("defaults.js", Format::DefaultPrefsJs),
    ("profiles.ini", Format::ProfilesIni),
    ("outlook.prf", Format::Prf),
    ("outlook.reg", Format::Reg),
    ("WinSCP.ini", Format::WinscpIni),
    ("winscp.reg", Format::WinscpReg),
    ("filezilla.xml", Format::FileZilla(FzFileKind::Settings)),
    ("fzdefaults.xml", Format::FileZilla(FzFileKind::Defaults)),
    (
        "sitemanager.xml",
        Format::FileZilla(FzFileKind::SiteManager),
    ),
    (
        "recentservers.xml",
        Format::FileZilla(FzFileKind::RecentServers),
    ),
];

/// Lints `bytes` in memory as `format` (under `name`) and checks every span invariant.
fn lint_bytes(name: &str, format: Format, bytes: Vec<u8>) -> Analysis {
    let path = PathBuf::from(name);
    let mut files = Files::default();
    files.add(SourceFile::new(path.clone(), bytes));
    let analysis = clientlint::analyze(&[unit_for(&path, format)], files, &Settings::default());
    assert_spans(&analysis, name);
    analysis
}

/// The format a file of the corpus is read as: by name and content, as when it is named
/// on the command line; anything unrecognised is read as prefs.js, the most lenient.
fn format_of(path: &Path, bytes: &[u8]) -> Format {
    let format = discover::recognise(path, bytes);
    Format::ALL
        .into_iter()
        .find(|f| Some(f.of_client()) == format)
        .unwrap_or(Format::PrefsJs)
}

fn check_span(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: {span:?} outside the file ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: {span:?} splits a character"
    );
}

/// Every diagnostic, note and fix-edit span lies inside its file, on char boundaries.
fn assert_spans(analysis: &Analysis, context: &str) {
    for d in &analysis.diagnostics {
        let file = analysis.files.get(d.file).expect("diagnostic's file");
        check_span(&file.text, d.span, &format!("{context}: {}", d.rule));
        for n in &d.notes {
            let f = analysis.files.get(n.file).expect("note's file");
            check_span(&f.text, n.span, &format!("{context}: {} note", d.rule));
        }
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            let f = analysis.files.get(e.file).expect("edit's file");
            check_span(&f.text, e.span, &format!("{context}: {} edit", d.rule));
        }
    }
}

/// Every file under `roots`, sorted.
fn files_under(roots: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = roots
        .iter()
        .flat_map(|r| walkdir::WalkDir::new(r).into_iter().filter_map(Result::ok))
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// The rules an analysis reported, sorted, deduplicated.
fn rules_of(analysis: &Analysis) -> Vec<&'static str> {
    let mut r: Vec<_> = analysis.diagnostics.iter().map(|d| d.rule).collect();
    r.sort_unstable();
    r.dedup();
    r
}
