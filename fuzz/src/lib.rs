//! What every fuzz target checks, shared so the targets stay one line each: lint one
//! in-memory file as a given format, then assert the invariants the CLI relies on
//! (spans inside the file and on char boundaries, secrets never in the rendered output,
//! JSON that parses). A panic anywhere is the crash libFuzzer reports.

use std::path::PathBuf;

use clientlint::clients::filezilla::FzFileKind;
use clientlint::clients::{outlook, thunderbird, winscp, Unit};
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::source::{Files, SourceFile, Span};
use clientlint::Analysis;

/// The file formats a target can feed its input as.
#[derive(Debug, Clone, Copy)]
pub enum As {
    PrefsJs,
    ProfilesIni,
    Prf,
    Reg,
    WinscpIni,
    WinscpReg,
    FileZilla(FzFileKind),
}

impl As {
    /// The unit that makes `path` be read as this format, and the path to use.
    pub fn unit(self) -> (PathBuf, Unit) {
        let path = PathBuf::from(match self {
            As::PrefsJs => "p/prefs.js",
            As::ProfilesIni => "profiles.ini",
            As::Prf => "outlook.prf",
            As::Reg => "outlook.reg",
            As::WinscpIni => "WinSCP.ini",
            As::WinscpReg => "winscp.reg",
            As::FileZilla(FzFileKind::Settings) => "fz/filezilla.xml",
            As::FileZilla(FzFileKind::Defaults) => "fz/fzdefaults.xml",
            As::FileZilla(FzFileKind::SiteManager) => "fz/sitemanager.xml",
            As::FileZilla(FzFileKind::RecentServers) => "fz/recentservers.xml",
        });
        let format = match self {
            As::PrefsJs => thunderbird::PREFS_JS,
            As::ProfilesIni => thunderbird::PROFILES_INI,
            As::Prf => outlook::PRF,
            As::Reg => outlook::REG,
            As::WinscpIni => winscp::INI,
            As::WinscpReg => winscp::REG,
            As::FileZilla(kind) => kind.format(),
        };
        let unit = clientlint::engine::discover::unit_for(&path, format)
            .expect("every format makes a unit");
        (path, unit)
    }
}

/// A span lies inside `text` and on char boundaries.
pub fn assert_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end, "{what}: reversed span {span:?}");
    assert!(
        span.end <= text.len(),
        "{what}: {span:?} past the end ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start),
        "{what}: {span:?} splits a char"
    );
    assert!(
        text.is_char_boundary(span.end),
        "{what}: {span:?} splits a char"
    );
}

/// Every diagnostic, note and fix-edit span of an analysis is valid for its file.
pub fn assert_spans(analysis: &Analysis) {
    for d in &analysis.diagnostics {
        let file = analysis.files.get(d.file).expect("diagnostic names a file");
        assert_span(&file.text, d.span, d.rule);
        for n in &d.notes {
            let f = analysis.files.get(n.file).expect("note names a file");
            assert_span(&f.text, n.span, "note");
        }
        for e in d.fix.iter().flat_map(|f| &f.edits) {
            let f = analysis.files.get(e.file).expect("edit names a file");
            assert_span(&f.text, e.span, "edit");
        }
    }
    for (_, f) in analysis.files.iter() {
        for s in &f.secrets {
            assert!(
                s.start <= s.end && s.end <= f.text.len(),
                "secret {s:?} out of range"
            );
        }
    }
}

/// Lints `bytes` as format `as_`, checks spans, and renders JSON (which must parse) and
/// text. Returns the analysis for targets that go further.
pub fn lint(as_: As, bytes: &[u8]) -> Analysis {
    let (path, unit) = as_.unit();
    let mut files = Files::default();
    files.add(SourceFile::new(path, bytes.to_vec()));
    let analysis = clientlint::analyze(&[unit], files, &Settings::default());
    assert_spans(&analysis);
    let json = clientlint::render(&analysis, OutputFormat::Json);
    serde_json::from_str::<serde_json::Value>(&json).expect("JSON output parses");
    let _ = clientlint::render(&analysis, OutputFormat::Text);
    analysis
}

/// Parse → fix (unsafe fixes on) → re-parse: the plan's bytes equal its edits applied,
/// no internal error is reported, and the fixed files still have valid spans.
pub fn fix_roundtrip(as_: As, bytes: &[u8]) {
    let (path, unit) = as_.unit();
    let mut files = Files::default();
    files.add(SourceFile::new(path, bytes.to_vec()));
    let units = [unit];
    let plan = clientlint::plan_fixes(&units, files, &Settings::default(), true);
    assert!(
        plan.errors.is_empty(),
        "fix did not verify: {:?}",
        plan.errors
    );
    for pass in &plan.passes {
        let mut edits = pass.edits.clone();
        edits.sort_by_key(|(s, _)| (s.start, s.end));
        let mut out = Vec::new();
        let mut cursor = 0;
        for (span, replacement) in &edits {
            out.extend_from_slice(&pass.before[cursor..span.start]);
            out.extend_from_slice(replacement);
            cursor = span.end;
        }
        out.extend_from_slice(&pass.before[cursor..]);
        assert_eq!(out, pass.after, "bytes changed outside the reported edits");
    }
    assert_spans(&plan.analysis);
    let diff = clientlint::unified_diff(&plan);
    let _ = diff;
}

/// The probe's reply parsers on `bytes` as a server could send them: no panic; a complete
/// reply uses at least one and at most all of the bytes, and the bytes it used alone parse
/// to the same reply (the parsers never look past what they use); the limit reader and the
/// escaping leave no control character in what they return.
pub fn probe_replies(bytes: &[u8]) {
    use clientlint::probe::reply::{
        ftp_features, imap_capabilities, parse_imap_line, parse_numeric_reply,
        parse_pop3_multiline, parse_pop3_status, parse_ssh_banner, sasl_mechanisms,
        smtp_extensions, sniff_greeting, Parse,
    };
    use clientlint::probe::{escape_server_text, parse_announced_limit, quote_server_text};

    fn consistent<T: PartialEq + std::fmt::Debug>(parser: fn(&[u8]) -> Parse<T>, bytes: &[u8]) {
        if let Parse::Complete(value, used) = parser(bytes) {
            assert!(used >= 1 && used <= bytes.len(), "used {used} of {}", bytes.len());
            match parser(&bytes[..used]) {
                Parse::Complete(again, used_again) => {
                    assert_eq!(again, value, "the same bytes, another reply");
                    assert_eq!(used_again, used);
                }
                other => panic!("the bytes a reply used do not parse alone: {other:?}"),
            }
        }
    }
    consistent(parse_numeric_reply, bytes);
    consistent(parse_imap_line, bytes);
    consistent(parse_pop3_status, bytes);
    consistent(parse_pop3_multiline, bytes);
    consistent(parse_ssh_banner, bytes);
    if let Parse::Complete(reply, _) = parse_numeric_reply(bytes) {
        let _ = ftp_features(&reply);
        let _ = sasl_mechanisms(&smtp_extensions(&reply));
    }
    let text = String::from_utf8_lossy(bytes);
    let _ = imap_capabilities(&text);
    let _ = sniff_greeting(&text);
    let dangerous = |c: char| c.is_control() || clientlint::escape::is_unsafe(c);
    for escaped in [escape_server_text(&text), quote_server_text(&text)] {
        assert!(!escaped.chars().any(dangerous), "{escaped:?}");
    }
    if let Some(limit) = parse_announced_limit(&text) {
        assert!(!limit.text.chars().any(dangerous), "{:?}", limit.text);
    }
}
