//! `--format gitlab`: a GitLab Code Quality report (the subset of the Code Climate issue
//! format that GitLab reads), for `artifacts: reports: codequality:`.
//!
//! Each finding is one object: `description` (the message), `check_name` (the rule),
//! `fingerprint`, `severity` and `location` (`path` relative to the project, `lines.begin`
//! and `lines.end`). GitLab matches findings across pipelines by fingerprint and shows only
//! the first of several equal ones, so a fingerprint is a stable hash of what identifies
//! the finding — rule, path, line, column and message — and never depends on the run,
//! the machine or the order of files; two findings that would hash alike get a counter
//! mixed in. Messages never hold secrets, so neither do fingerprints.
//! See <https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format>.

use std::collections::HashSet;
use std::io::Write;

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::report::{Finding, Report};

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// GitLab's scale is info < minor < major < critical < blocker. An error means the
/// connection will fail or a secret is exposed (critical); a warning breaks a documented
/// limit (major); an info is advice (info). `minor` and `blocker` are not used.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "critical",
        Severity::Warning => "major",
        Severity::Info => "info",
    }
}

/// The path as GitLab wants it: relative to the project directory (`CI_PROJECT_DIR` in a
/// job, else the working directory) when it lies inside it, with `/` separators and no
/// leading `./`.
pub fn project_path(path: &str, project_dir: Option<&std::path::Path>) -> String {
    let p = std::path::Path::new(path);
    let relative = match project_dir {
        Some(dir) if p.is_absolute() => p
            .strip_prefix(dir)
            .map(|r| r.display().to_string())
            .unwrap_or_else(|_| path.to_owned()),
        _ => path.to_owned(),
    };
    let unix = relative.replace('\\', "/");
    let mut s = unix.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_owned()
}

/// The message with the paths it names inside the project made relative like
/// `location.path`: a message naming a managing file (`locked by /builds/g/r/deploy/x.cfg:2`)
/// then reads, and hashes, the same however the run named its paths.
pub fn project_description(message: &str, project_dir: Option<&std::path::Path>) -> String {
    match project_dir.and_then(|d| d.to_str()) {
        Some(dir) if dir.len() > 1 => {
            message.replace(&format!("{}/", dir.trim_end_matches('/')), "")
        }
        _ => message.to_owned(),
    }
}

fn project_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("CI_PROJECT_DIR")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::current_dir().ok())
}

const FNV_OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
const FNV_PRIME: u128 = 0x0000000001000000000000000000013b;

/// One step of FNV-1a, 128 bits: small and fixed by its specification, so fingerprints
/// stay equal across Rust versions and machines (std's `DefaultHasher` promises neither).
fn fnv1a_128(mut hash: u128, bytes: &[u8]) -> u128 {
    for &b in bytes {
        hash ^= u128::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The hash of `parts`, each followed by a byte no UTF-8 text holds, so ("ab", "c") and
/// ("a", "bc") differ.
fn hash_parts(parts: &[&[u8]]) -> u128 {
    parts
        .iter()
        .fold(FNV_OFFSET, |h, part| fnv1a_128(fnv1a_128(h, part), &[0xff]))
}

/// The fingerprint of a finding at `path` (as printed), 32 hex digits; `nonce` is 0 unless
/// an earlier finding of the report already has that fingerprint.
pub fn fingerprint(f: &Finding, path: &str, description: &str, nonce: u32) -> String {
    let line = f.at.line.to_string();
    let column = f.at.column.to_string();
    let nonce = nonce.to_string();
    let mut parts: Vec<&[u8]> = vec![
        f.rule.as_bytes(),
        path.as_bytes(),
        line.as_bytes(),
        column.as_bytes(),
        description.as_bytes(),
    ];
    if nonce != "0" {
        parts.push(nonce.as_bytes());
    }
    format!("{:032x}", hash_parts(&parts))
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let dir = project_dir();
    let mut seen = HashSet::new();
    let issues: Vec<Issue<'_>> = report
        .findings
        .iter()
        .map(|f| {
            let path = project_path(report.path_of(f.at.file), dir.as_deref());
            let description = project_description(&f.message, dir.as_deref());
            let mut nonce = 0;
            let mut print = fingerprint(f, &path, &description, nonce);
            while !seen.insert(print.clone()) {
                nonce += 1;
                print = fingerprint(f, &path, &description, nonce);
            }
            Issue {
                description,
                check_name: f.rule,
                fingerprint: print,
                severity: severity(f.severity),
                location: Location {
                    path,
                    lines: Lines {
                        begin: f.at.line,
                        end: f.at.end_line.max(f.at.line),
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::{fnv1a_128, hash_parts, project_description, project_path, FNV_OFFSET};
    use std::path::Path;

    #[test]
    fn paths_are_relative_to_the_project_with_slashes() {
        let dir = Path::new("/builds/group/repo");
        assert_eq!(
            project_path("/builds/group/repo/deploy/prefs.js", Some(dir)),
            "deploy/prefs.js"
        );
        assert_eq!(project_path("./a/./b.prf", Some(dir)), "a/./b.prf");
        assert_eq!(project_path("deploy\\x.reg", None), "deploy/x.reg");
        assert_eq!(
            project_path("/elsewhere/x.reg", Some(dir)),
            "/elsewhere/x.reg"
        );
    }

    #[test]
    fn descriptions_name_project_files_like_locations() {
        let dir = Path::new("/builds/group/repo");
        assert_eq!(
            project_description(
                "`check_time` is locked by /builds/group/repo/deploy/a.cfg:2 (AutoConfig)",
                Some(dir)
            ),
            "`check_time` is locked by deploy/a.cfg:2 (AutoConfig)"
        );
        // Outside the project, and a sibling whose name only starts alike: unchanged.
        let outside =
            "locked by /etc/thunderbird/policies/policies.json:5 and /builds/group/repo2/x";
        assert_eq!(project_description(outside, Some(dir)), outside);
        assert_eq!(
            project_description("at /x/y", Some(Path::new("/"))),
            "at /x/y"
        );
    }

    #[test]
    fn equal_findings_still_get_unique_fingerprints() {
        let settings = crate::settings::Settings::default();
        let analysis = crate::lint_paths(&["fixtures/demo".into()], &settings);
        let resolved = &analysis.resolved;
        let twice: Vec<_> = resolved
            .findings
            .iter()
            .chain(&resolved.findings)
            .cloned()
            .collect();
        let report = crate::report::Report {
            files: &resolved.files,
            findings: &twice,
            connections: None,
        };
        let mut buf = Vec::new();
        super::write(&report, &mut buf).expect("writes");
        let issues: serde_json::Value = serde_json::from_slice(&buf).expect("json");
        let prints: Vec<&str> = issues
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        assert_eq!(prints.len(), twice.len());
        let unique: std::collections::HashSet<&str> = prints.iter().copied().collect();
        assert_eq!(unique.len(), prints.len());
        // The first copy keeps the fingerprint it has on its own.
        let (first, second) = prints.split_at(resolved.findings.len());
        let mut buf = Vec::new();
        super::write(&resolved.report(), &mut buf).expect("writes");
        let once: serde_json::Value = serde_json::from_slice(&buf).expect("json");
        let once: Vec<&str> = once
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|i| i["fingerprint"].as_str())
            .collect();
        assert_eq!(first, once.as_slice());
        assert_ne!(first, second);
    }

    #[test]
    fn fnv1a_128_matches_its_specification() {
        // The published test vector for "a".
        assert_eq!(
            fnv1a_128(FNV_OFFSET, b"a"),
            0xd228cb696f1a8caf78912b704e4a8964
        );
        assert_ne!(hash_parts(&[b"ab", b"c"]), hash_parts(&[b"a", b"bc"]));
    }
}
