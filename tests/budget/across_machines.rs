//! The connections report across machines (issue 18): `connections --format json` and the
//! `connections` that `check --format json` embeds, against schemas/connections.json; the
//! machine label; and `connections --merge`, which adds up the reports of many machines.

use std::fs;
use std::path::Path;

use serde_json::Value;

use super::{clientlint, profile_as as profile};

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).expect("JSON")
}

/// Runs clientlint in `dir`; (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = clientlint()
        .current_dir(dir)
        .arg("--isolated")
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn schema(path: &str) -> Value {
    json(&fs::read(path).expect("schema"))
}

/// The schema with every object closed: every field written must be documented.
fn closed(mut schema: Value) -> Value {
    fn close(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.contains_key("properties") {
                    map.insert("additionalProperties".into(), false.into());
                }
                for child in map.values_mut() {
                    close(child);
                }
            }
            Value::Array(list) => {
                for child in list {
                    close(child);
                }
            }
            _ => {}
        }
    }
    close(&mut schema);
    schema
}

fn assert_valid(schema: &Value, doc: &Value, what: &str) {
    for s in [schema.clone(), closed(schema.clone())] {
        let validator = jsonschema::validator_for(&s).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{what}: {errors:#?}");
    }
}

#[test]
fn the_report_is_versioned_labelled_and_embedded_in_check_json() {
    let root = tempfile::tempdir().expect("tempdir");
    profile(&root.path().join("tb/a"), "amy", 4);
    profile(&root.path().join("tb/b"), "bob", 5);
    let (code, out, _) = run(
        root.path(),
        &[
            "connections",
            "--format",
            "json",
            "--machine-label",
            "ws-1",
            ".",
        ],
    );
    assert_eq!(code, Some(1), "9 of 8: over the limit");
    let report = json(out.as_bytes());
    assert_valid(&schema("schemas/connections.json"), &report, "connections");
    assert_eq!(report["version"], 1);
    assert_eq!(report["machine"], "ws-1");
    assert_eq!(report["network"], Value::Null);
    let shares = report["shares"].as_array().expect("shares");
    assert_eq!(shares.len(), 2);
    assert_eq!(shares[0]["host"], "imap.example.net");
    assert_eq!(shares[0]["user"], "amy@example.net");
    assert_eq!(shares[0]["connections"], 4);
    assert_eq!(shares[0]["path"], "./tb/a/prefs.js");
    assert_eq!(shares[0]["line"], 3);
    assert_eq!(report["servers"][0]["connections"], 9);
    assert_eq!(report["servers"][0]["limit_source"], "default");
    assert_eq!(report["servers"][0]["over"], true);

    // check --format json embeds the same report.
    let (_, out, _) = run(
        root.path(),
        &[
            "--format",
            "json",
            "--machine-label",
            "ws-1",
            "--network",
            "office",
            ".",
        ],
    );
    let check = json(out.as_bytes());
    assert_valid(&schema("schemas/clientlint.json"), &check, "check");
    assert_eq!(check["connections"]["shares"], report["shares"]);
    assert_eq!(check["connections"]["network"], "office");

    // Without --machine-label: this machine's host name; under --sysroot, the image's.
    let (_, out, _) = run(root.path(), &["connections", "--format", "json", "."]);
    assert!(json(out.as_bytes())["machine"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    let image = root.path().join("image");
    profile(&image.join("home/amy/.thunderbird/p"), "amy", 2);
    fs::write(
        image.join("home/amy/.thunderbird/profiles.ini"),
        "[Profile0]\nName=p\nIsRelative=1\nPath=p\n",
    )
    .expect("ini");
    fs::create_dir_all(image.join("etc")).expect("etc");
    fs::write(image.join("etc/hostname"), "ws-image\n").expect("hostname");
    let (_, out, _) = run(
        root.path(),
        &["connections", "--format", "json", "--sysroot", "image"],
    );
    let report = json(out.as_bytes());
    assert_eq!(report["machine"], "ws-image");
    assert_eq!(report["shares"].as_array().map(Vec::len), Some(1));
}

#[test]
fn the_schema_copy_in_the_check_schema_is_the_connections_schema() {
    let connections = schema("schemas/connections.json");
    let check = schema("schemas/clientlint.json");
    let embedded = &check["$defs"]["connections"];
    for key in ["type", "required", "properties"] {
        let theirs = serde_json::to_string(&connections[key]).expect("json");
        let ours = serde_json::to_string(&embedded[key])
            .expect("json")
            .replace("#/$defs/connections_", "#/$defs/");
        assert_eq!(ours, theirs, "{key}");
    }
    assert_eq!(
        connections["$defs"]["share"],
        check["$defs"]["connections_share"]
    );
    assert_eq!(
        connections["$defs"]["server"],
        check["$defs"]["connections_server"]
    );
}

/// Two machines, each within the limit on its own (4 and 5 of 8): their reports merged are
/// over it (exit 1), as a text table and as a merged report; a network label splits them.
#[test]
fn two_machines_within_the_limit_merged_are_over_it() {
    let root = tempfile::tempdir().expect("tempdir");
    profile(&root.path().join("ws1/tb"), "amy", 4);
    profile(&root.path().join("ws2/tb"), "bob", 5);
    let (code, out, _) = run(
        root.path(),
        &[
            "connections",
            "--format",
            "json",
            "--machine-label",
            "ws-1",
            "ws1",
        ],
    );
    assert_eq!(code, Some(0), "4 of 8");
    fs::write(root.path().join("ws1.json"), out).expect("write");
    // The second machine sends its check output: the report is in it (whatever rules
    // the check ran).
    let (code, out, _) = run(
        root.path(),
        &[
            "--format",
            "json",
            "--machine-label",
            "ws-2",
            "--select",
            "server-connection-budget-exceeded",
            "ws2",
        ],
    );
    assert_eq!(code, Some(0), "5 of 8");
    fs::write(root.path().join("ws2.json"), out).expect("write");

    let (code, out, err) = run(
        root.path(),
        &["connections", "--merge", "ws1.json", "ws2.json"],
    );
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.starts_with(
            "IMAP imap.example.net: 9 of 8 connections from 2 profiles, OVER the limit\n"
        ),
        "{out}"
    );
    assert!(out.contains("(ws-2: ws2/tb)"), "{out}");
    assert!(out.contains("(ws-1: ws1/tb)"), "{out}");

    let (code, out, _) = run(
        root.path(),
        &[
            "connections",
            "--merge",
            "--format",
            "json",
            "ws1.json",
            "ws2.json",
        ],
    );
    assert_eq!(code, Some(1));
    let merged = json(out.as_bytes());
    assert_valid(&schema("schemas/connections.json"), &merged, "merged");
    assert_eq!(merged["machine"], Value::Null);
    assert_eq!(merged["machines"], serde_json::json!(["ws-1", "ws-2"]));
    assert_eq!(merged["servers"][0]["connections"], 9);
    assert_eq!(merged["servers"][0]["profiles"], 2);
    // A merged report merges again, and a limit from this machine's clientlint.toml counts.
    fs::write(root.path().join("merged.json"), out).expect("write");
    fs::write(
        root.path().join("clientlint.toml"),
        "[servers.\"imap.example.net\"]\nconnection-limit = 10\n",
    )
    .expect("toml");
    let out = clientlint()
        .current_dir(root.path())
        .args(["connections", "--merge", "merged.json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("9 of 10 connections"), "{text}");

    // Behind two addresses, the server sees two budgets.
    let (_, out, _) = run(
        root.path(),
        &[
            "connections",
            "--format",
            "json",
            "--machine-label",
            "ws-1",
            "--network",
            "office",
            "ws1",
        ],
    );
    fs::write(root.path().join("ws1.json"), out).expect("write");
    let (code, out, _) = run(
        root.path(),
        &["connections", "--merge", "ws1.json", "ws2.json"],
    );
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("from network office: 4 of 8"), "{out}");
}

#[test]
fn merge_refuses_what_it_cannot_add_up() {
    let root = tempfile::tempdir().expect("tempdir");
    profile(&root.path().join("ws1/tb"), "amy", 4);
    let (_, out, _) = run(
        root.path(),
        &[
            "connections",
            "--format",
            "json",
            "--machine-label",
            "ws-1",
            "ws1",
        ],
    );
    fs::write(root.path().join("a.json"), &out).expect("write");
    fs::write(root.path().join("b.json"), &out).expect("write");
    fs::write(root.path().join("old.json"), "[]").expect("write");
    fs::write(root.path().join("prefs.json"), "{\"a\": 1}").expect("write");
    fs::write(root.path().join("cut.json"), &out[..out.len() / 2]).expect("write");
    for (files, says) in [
        (
            &["a.json", "b.json"][..],
            "the machine `ws-1` is in both `a.json` and `b.json`",
        ),
        (&["old.json"][..], "`old.json` is a JSON array"),
        (
            &["prefs.json"][..],
            "`prefs.json` is not a clientlint connections report",
        ),
        (&["cut.json"][..], "`cut.json` is not JSON"),
        (&["missing.json"][..], "cannot read `missing.json`"),
        (&[][..], "--merge needs the connections reports"),
    ] {
        let mut args = vec!["connections", "--merge"];
        args.extend_from_slice(files);
        let (code, out, err) = run(root.path(), &args);
        assert_eq!(code, Some(2), "{files:?}: {out}{err}");
        assert!(err.contains(says), "{files:?}: {err}");
        assert!(out.is_empty(), "{files:?}: {out}");
    }
}

/// Values from other machines' reports are escaped before they reach the terminal.
#[test]
fn a_hostile_report_cannot_write_to_the_terminal() {
    let root = tempfile::tempdir().expect("tempdir");
    let report = serde_json::json!({
        "version": 1, "machine": "ws\u{1b}[2J", "network": null, "servers": [],
        "shares": [{
            "host": "imap.example.net\r\n::error::forged", "protocol": "IMAP", "user": null,
            "connections": 9, "client": "thunderbird", "profile": "p\u{1b}]52;c;eA==\u{7}",
            "account": "a", "path": "prefs.js", "line": 1, "why": "w", "poll_minutes": null,
        }],
    });
    fs::write(root.path().join("x.json"), report.to_string()).expect("write");
    let (code, out, _) = run(root.path(), &["connections", "--merge", "x.json"]);
    assert_eq!(code, Some(1));
    assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
    assert!(!out.lines().any(|l| l.starts_with("::")), "{out}");
    assert!(
        out.contains("imap.example.net\\r\\n::error::forged"),
        "{out}"
    );
}
