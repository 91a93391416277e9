//! `--format sarif`: SARIF 2.1.0, for GitHub code scanning and other CI systems.
//!
//! `tool.driver.rules` comes from the rule registry; each result has its level, message,
//! a physical location (relative, percent-encoded URI; region with lines, columns in
//! Unicode code points, and byte offset/length into the original file), the places it
//! refers to as `relatedLocations` (with `properties.connections` for a connection-budget
//! contributor) and, when fixable, `fixes[]` with byte-range replacements. Messages never hold secrets; no source text is
//! embedded.

use std::io::Write;

use serde::Serialize;
use serde_json::{json, Value};

use crate::diagnostic::Severity;
use crate::report::{Finding, Place, Report};
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

/// A region: lines, columns (Unicode code points) and the byte range in the file on disk.
fn region(at: &Place) -> Value {
    json!({
        "startLine": at.line,
        "startColumn": at.column,
        "endLine": at.end_line,
        "endColumn": at.end_column,
        "byteOffset": at.original.start,
        "byteLength": at.original.len(),
    })
}

/// One result, built when it is serialised.
fn result(report: &Report<'_>, f: &Finding) -> Value {
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": ALL.iter().position(|r| r.name() == f.rule),
        "level": level(f.severity),
        "message": { "text": match &f.help {
            Some(h) => format!("{}\n{h}", f.message),
            None => f.message.to_string(),
        } },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri(report.path_of(f.at.file)) },
                "region": region(&f.at),
            }
        }],
    });
    if !f.notes.is_empty() {
        result["relatedLocations"] = f
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let mut location = json!({
                    "id": i,
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(report.path_of(n.at.file)) },
                        "region": region(&n.at),
                    },
                    "message": { "text": &*n.text },
                });
                if let Some(connections) = n.connections {
                    location["properties"] = json!({ "connections": connections });
                }
                location
            })
            .collect();
    }
    if let Some(account) = &f.account {
        result["properties"] = json!({ "client": f.client.name(), "account": account });
    } else {
        result["properties"] = json!({ "client": f.client.name() });
    }
    if let Some(how) = &f.managed_by {
        result["properties"]["managedBy"] = json!(how);
    }
    if let Some(line) = f.client_line {
        result["properties"]["clientLine"] = json!(line);
    }
    if let Some(fix) = &f.fix {
        let mut by_file: Vec<(&str, Vec<Value>)> = Vec::new();
        for e in fix.edits.iter() {
            let path = report.path_of(e.file);
            let span = e.original;
            let replacement = json!({
                "deletedRegion": { "byteOffset": span.start, "byteLength": span.len() },
                "insertedContent": { "text": &*e.replacement },
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
}

/// The results, each built and written in turn: a fleet-wide run has tens of thousands.
struct Results<'a>(&'a Report<'a>);

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let report = self.0;
        serializer.collect_seq(report.findings.iter().map(|f| result(report, f)))
    }
}

// The log's keys in the order `serde_json::Value` writes them (sorted), as before the
// results were streamed.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [Run<'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    column_kind: &'static str,
    results: Results<'a>,
    tool: Value,
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let rules: Vec<Value> = ALL.iter().map(|r| rule_descriptor(*r)).collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            results: Results(report),
            tool: json!({
                "driver": {
                    "name": "clientlint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            }),
        }],
        version: "2.1.0",
    };
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
