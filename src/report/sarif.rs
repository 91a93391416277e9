//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other CI systems.
//!
//! `tool.driver.rules` comes from the rule registry; each result has its level, message,
//! a physical location (relative, percent-encoded URI; region with lines, columns in
//! Unicode code points, and byte offset/length into the original file) and, when fixable,
//! `fixes[]` with byte-range replacements. Messages never hold secrets; no source text is
//! embedded.

use std::io::Write;

use serde_json::{json, Value};

use crate::diagnostic::Severity;
use crate::report::Report;
use crate::rules::{RuleMeta, ALL};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a SARIF URI: relative paths stay relative (with `/`), absolute ones become
/// `file://` URIs; everything outside the unreserved set is percent-encoded.
pub fn uri(path: &str) -> String {
    let unix = path.replace('\\', "/");
    let absolute = unix.starts_with('/') || unix.get(1..2) == Some(":");
    let mut out = String::with_capacity(unix.len());
    if absolute {
        out.push_str("file://");
        if !unix.starts_with('/') {
            out.push('/');
        }
    }
    for b in unix.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(b))
            }
            b':' if absolute => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn rule_descriptor(rule: &dyn RuleMeta) -> Value {
    json!({
        "id": rule.name(),
        "name": rule.name(),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": rule.summary() },
        "help": { "text": rule.explanation(), "markdown": rule.explanation() },
        "defaultConfiguration": { "level": level(rule.default_severity()) },
    })
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<Value> = ALL.iter().map(|r| rule_descriptor(*r)).collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let d = &f.diagnostic;
            let (start_line, start_column) = (f.at.line, f.at.column);
            let (end_line, end_column) = (f.at.end_line, f.at.end_column);
            let original = f.at.original;
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": ALL.iter().position(|r| r.name() == d.rule),
                "level": level(d.severity),
                "message": { "text": match &d.help {
                    Some(h) => format!("{}\n{h}", d.message),
                    None => d.message.clone(),
                } },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(report.path_of(d.file)) },
                        "region": {
                            "startLine": start_line,
                            "startColumn": start_column,
                            "endLine": end_line,
                            "endColumn": end_column,
                            "byteOffset": original.start,
                            "byteLength": original.len(),
                        }
                    }
                }],
            });
            if let Some(account) = &d.account {
                result["properties"] = json!({ "client": d.client.name(), "account": account });
            } else {
                result["properties"] = json!({ "client": d.client.name() });
            }
            if let Some(fix) = &d.fix {
                let mut by_file: Vec<(&str, Vec<Value>)> = Vec::new();
                for (e, span) in fix.edits.iter().zip(&f.edits) {
                    let path = report.path_of(e.file);
                    let replacement = json!({
                        "deletedRegion": { "byteOffset": span.start, "byteLength": span.len() },
                        "insertedContent": { "text": e.replacement },
                    });
                    match by_file.iter_mut().find(|(p, _)| *p == path) {
                        Some((_, list)) => list.push(replacement),
                        None => by_file.push((path, vec![replacement])),
                    }
                }
                result["fixes"] = json!([{
                    "description": { "text": format!("{} ({})", fix.description, fix.applicability.name()) },
                    "artifactChanges": by_file.into_iter().map(|(path, replacements)| json!({
                        "artifactLocation": { "uri": uri(path) },
                        "replacements": replacements,
                    })).collect::<Vec<_>>(),
                }]);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "clientlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_relative_or_file_and_percent_encoded() {
        assert_eq!(uri("fixtures/a b/prefs.js"), "fixtures/a%20b/prefs.js");
        assert_eq!(uri("/home/u/é.js"), "file:///home/u/%C3%A9.js");
        assert_eq!(uri("C:\\Users\\u\\x.prf"), "file:///C:/Users/u/x.prf");
        assert_eq!(uri("100%#?.js"), "100%25%23%3F.js");
    }
}
