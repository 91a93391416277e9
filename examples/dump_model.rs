//! Owns the interop suite's view of clientlint's model (issue 9): prints, as JSON, what
//! clientlint believes a client reads from one file, so `tests/interop/` can compare it
//! with what the real client (Thunderbird, Wine's regedit) reports.
//!
//! usage: `cargo run --release --example dump_model -- FILE|PROFILE_DIR`
//!
//! The JSON output (`--format json`) holds findings only; ports, security and intervals
//! are effective values of the model, which only the library exposes. Output:
//! - `servers`: every server of every profile with its effective port, security as the
//!   client's number (Thunderbird socketType/try_ssl), poll minutes, max connections;
//! - for prefs files, `prefs`: the value of every pref the parser applied (last one wins)
//!   and `errors`: each syntax error with the prefs it loses;
//! - for `.reg` files, `reg_keys`: every key with its values as the reader decoded them;
//! - for FileZilla files (a file or a settings directory), `fz_files`: each file with its
//!   kind and its XML syntax error, if any (FileZilla then shows "Error loading xml file");
//!   a server's `usage` tells Site Manager sites (`OnDemand`) from recent servers;
//! - `findings`: the model's file findings (kind and message), e.g. a rejected type.

use std::io::Write as _;
use std::path::PathBuf;

use clientlint::clients::filezilla;
use clientlint::model::{Role, Security};
use clientlint::settings::Settings;
use clientlint::source::SourceFile;
use clientlint::syntax::prefs::{self, PrefFileKind, PrefValue};
use clientlint::syntax::reg::{self, RegData};
use serde_json::{json, Map, Value};

/// Thunderbird's socketType/try_ssl numbering (reference/thunderbird.md §4).
fn security_number(s: Security) -> i64 {
    match s {
        Security::None => 0,
        Security::TryStartTls | Security::RemovedTryStartTls => 1,
        Security::StartTls => 2,
        Security::ImplicitTls => 3,
    }
}

fn pref_value(v: &PrefValue) -> Value {
    match v {
        PrefValue::Bool(b) => json!(b),
        PrefValue::Int(i) => json!(i),
        PrefValue::Str(s) => json!(s),
    }
}

fn reg_data(d: &RegData) -> Value {
    match d {
        RegData::Delete => json!({"type": "delete"}),
        RegData::Sz(s) => json!({"type": "sz", "value": s}),
        RegData::Dword(n) => json!({"type": "dword", "value": n}),
        RegData::Hex { kind, bytes } => json!({
            "type": "hex",
            "kind": kind,
            "value": bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(","),
        }),
    }
}

/// The `.xml` files of a FileZilla settings directory, or the one file given.
fn fz_candidates(path: &std::path::Path) -> Vec<PathBuf> {
    if path.is_dir() {
        let mut v: Vec<PathBuf> = filezilla::FILE_NAMES
            .iter()
            .map(|n| path.join(n))
            .filter(|p| p.is_file())
            .collect();
        v.sort();
        v
    } else if path
        .extension()
        .map(|e| e.eq_ignore_ascii_case("xml") || e.eq_ignore_ascii_case("example"))
        .unwrap_or(false)
    {
        vec![path.to_path_buf()]
    } else {
        Vec::new()
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let first: PathBuf = args
        .next()
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: dump_model FILE | dump_model --sysroot DIR"))?;
    // `--sysroot DIR`: a whole machine's image (machine-wide layers and every home), as
    // the machine-layer interop cases lay it out.
    let (path, analysis) = if first.as_os_str() == "--sysroot" {
        let root: PathBuf = args
            .next()
            .map(PathBuf::from)
            .ok_or_else(|| anyhow::anyhow!("usage: dump_model --sysroot DIR"))?;
        let analysis = clientlint::lint_sysroot(&root, &Settings::default());
        (root, analysis)
    } else {
        let analysis = clientlint::lint_paths(std::slice::from_ref(&first), &Settings::default());
        (first, analysis)
    };
    let locked = |s: Option<&clientlint::model::Origin>| matches!(s, Some(clientlint::model::Origin::Managed(m)) if m.how.starts_with("locked"));

    let mut servers = Vec::new();
    let mut findings = Vec::new();
    for profile in &analysis.profiles {
        for s in &profile.servers {
            servers.push(json!({
                "profile": profile.name,
                "account": s.account,
                "key": s.key,
                "role": if s.role == Role::Incoming { "incoming" } else { "outgoing" },
                "protocol": s.protocol.name(),
                "host": s.host.as_ref().map(|h| h.value.clone()),
                "port": s.port.value,
                "port_explicit": s.port.is_explicit(),
                "socketType": security_number(s.security.value),
                "check_time": s.poll_minutes.as_ref().map(|p| p.value),
                "check_new_mail": s.poll_enabled.as_ref().map(|p| p.value),
                "max_cached_connections": s.max_connections.as_ref().map(|m| m.value),
                "max_cached_connections_locked": locked(s.max_connections.as_ref().map(|m| &m.origin)),
                "check_time_locked": locked(s.poll_minutes.as_ref().map(|m| &m.origin)),
                "timeout_seconds": s.timeout_seconds.as_ref().map(|t| t.value),
                "usage": format!("{:?}", s.usage),
            }));
        }
        for f in &profile.findings {
            findings.push(json!({"kind": format!("{:?}", f.kind), "message": f.message}));
        }
    }

    let mut out = Map::new();
    out.insert("file".into(), json!(path.display().to_string()));
    out.insert("servers".into(), Value::Array(servers));
    out.insert("findings".into(), Value::Array(findings));

    out.insert(
        "rules".into(),
        json!(analysis
            .diagnostics
            .iter()
            .map(|d| d.rule)
            .collect::<Vec<_>>()),
    );
    let is_reg = path
        .extension()
        .map(|e| e.eq_ignore_ascii_case("reg"))
        .unwrap_or(false);
    let fz_files: Vec<(PathBuf, filezilla::FzFileKind)> = fz_candidates(&path)
        .into_iter()
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().to_lowercase();
            let bytes = std::fs::read(&p).ok()?;
            filezilla::sniff(&name, &bytes).map(|k| (p, k))
        })
        .collect();
    if !fz_files.is_empty() {
        let mut files = Vec::new();
        for (p, kind) in fz_files {
            let file = SourceFile::new(&p, std::fs::read(&p)?);
            let (parsed, _) = filezilla::parse_file(&file, 0, kind);
            files.push(json!({
                "name": p.file_name().map(|n| n.to_string_lossy().into_owned()),
                "kind": kind.format().name(),
                "usual_name": kind.usual_file_name(),
                "syntax_error": parsed.doc.error.as_ref().map(|e| e.message.clone()),
            }));
        }
        out.insert("fz_files".into(), Value::Array(files));
    } else if is_reg {
        let file = SourceFile::new(&path, std::fs::read(&path)?);
        let parsed = reg::parse(&file.text);
        let keys: Vec<Value> = parsed
            .keys
            .iter()
            .map(|k| {
                let values: Vec<Value> = k
                    .values
                    .iter()
                    .map(|v| json!({"name": v.name, "data": reg_data(&v.data)}))
                    .collect();
                json!({"path": k.path, "delete": k.delete, "values": values})
            })
            .collect();
        out.insert("reg_keys".into(), Value::Array(keys));
        out.insert(
            "reg_errors".into(),
            json!(parsed.errors.iter().map(|e| &e.message).collect::<Vec<_>>()),
        );
    } else {
        // A profile directory is prefs.js then user.js: user.js is read last, so it wins.
        let layers: Vec<PathBuf> = if path.is_dir() {
            ["prefs.js", "user.js"]
                .iter()
                .map(|n| path.join(n))
                .filter(|p| p.is_file())
                .collect()
        } else {
            vec![path.clone()]
        };
        let mut values = Map::new();
        let mut errors = Vec::new();
        for layer in layers {
            let file = SourceFile::new(&layer, std::fs::read(&layer)?);
            let parsed = prefs::parse(&file, PrefFileKind::User);
            // Applied in file order, so a later duplicate overwrites an earlier one.
            for e in &parsed.entries {
                values.insert(e.name.clone(), pref_value(&e.value));
            }
            let name = layer
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            for e in &parsed.errors {
                errors.push(json!({
                    "file": name,
                    "line": file.line_col(e.span.start).0,
                    // The line Thunderbird's console names (issue 17): compare_tb.py uses it.
                    "client_line": e.client_line,
                    "message": e.message,
                    "lost": e.lost.iter().map(|(n, _)| n).collect::<Vec<_>>(),
                }));
            }
        }
        out.insert("prefs".into(), Value::Object(values));
        out.insert("errors".into(), Value::Array(errors));
    }
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &Value::Object(out))?;
    writeln!(stdout)?;
    Ok(())
}
