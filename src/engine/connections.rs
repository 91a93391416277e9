//! Connections across machines: the label a machine's connections report carries, and
//! reading the reports of many machines back (`clientlint connections --merge`) as one
//! set of shares. The report itself, its table and its budget are in
//! `report::connections` and `model::budget`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;

use crate::report::connections::{Document, ReportShare, CONNECTIONS_VERSION};

/// The longest machine or network label kept (a DNS name's limit).
const MAX_LABEL: usize = 253;

/// A label as given, trimmed and at most [`MAX_LABEL`] characters; `None` when empty.
pub fn label(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.chars().take(MAX_LABEL).collect())
}

/// The machine a run reads: `given` (`--machine-label`); else, for an image
/// (`--sysroot DIR`), the first line of `DIR/etc/hostname`, or the name of DIR when the
/// image has none (a Windows image); else this machine's host name.
pub fn machine_label(given: Option<&str>, sysroot: Option<&Path>) -> String {
    if let Some(l) = given.and_then(label) {
        return l;
    }
    if let Some(root) = sysroot {
        // Read as the image's own file: a link in it cannot lead out of the image.
        let image = crate::tree::Tree::image(root);
        let from_file = image
            .read_head(&image.machine_path("/etc/hostname"), 4096)
            .ok()
            .and_then(|bytes| {
                let text = String::from_utf8_lossy(&bytes);
                text.lines()
                    .map(|l| l.split('#').next().unwrap_or(""))
                    .find_map(label)
            });
        let from_name = || {
            let name = root.file_name().map(|n| n.to_string_lossy().into_owned());
            name.as_deref().and_then(label)
        };
        if let Some(l) = from_file.or_else(from_name) {
            return l;
        }
    }
    hostname()
}

/// This machine's host name (`gethostname`), or `localhost` when it has none.
fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer we own; a name
    // that does not fit is cut, and the NUL search below stops at the buffer's end.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let end = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    let name = buf.get(..end).unwrap_or(&[]);
    (rc == 0)
        .then(|| label(&String::from_utf8_lossy(name)))
        .flatten()
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Every share of the reports merged, each with its machine (and network) filled in.
#[derive(Debug, Default)]
pub struct Merged {
    /// The machines, in the order their reports were given.
    pub machines: Vec<String>,
    pub shares: Vec<ReportShare>,
}

/// What `--merge` accepts: a connections report, or `check --format json` output that
/// embeds one. Read in one pass; the check output's diagnostics are skipped unread.
#[derive(Deserialize)]
struct Input {
    version: Option<u64>,
    #[serde(default)]
    machine: Option<String>,
    #[serde(default)]
    network: Option<String>,
    shares: Option<Vec<ReportShare>>,
    connections: Option<Document>,
    diagnostics: Option<serde::de::IgnoredAny>,
}

/// The connections report in `bytes` (a report, or check output), named `name` in errors.
pub fn parse(name: &str, bytes: &[u8]) -> Result<Document, String> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return Err(format!(
            "`{name}` is a JSON array, not a connections report (clientlint wrote a bare array before the versioned report): write it again with this clientlint"
        ));
    }
    let input: Input = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_syntax() || e.is_eof() {
            format!("`{name}` is not JSON: {e}")
        } else {
            format!("`{name}` is not a clientlint connections report or `check --format json` output: {e}")
        }
    })?;
    let doc = match (input.connections, input.shares, input.diagnostics) {
        (Some(doc), _, _) => doc,
        (None, Some(shares), _) => Document {
            version: u32::try_from(input.version.unwrap_or(0)).unwrap_or(u32::MAX),
            machine: input.machine,
            network: input.network,
            shares,
        },
        (None, None, Some(_)) => {
            return Err(format!(
                "`{name}` is `check --format json` output without a `connections` report: write it with this clientlint (and without --statistics)"
            ))
        }
        (None, None, None) => {
            return Err(format!(
                "`{name}` is not a clientlint connections report or `check --format json` output: it has neither `shares` nor `connections`"
            ))
        }
    };
    if doc.version != CONNECTIONS_VERSION {
        return Err(format!(
            "`{name}` is a connections report of version {}; this clientlint reads version {CONNECTIONS_VERSION}",
            doc.version
        ));
    }
    Ok(doc)
}

/// Merges reports given as (name, bytes): every share labelled with its machine and
/// network (its own, else its report's), host and user lower-cased. A report without a
/// machine label, a share with a negative count, or a machine found in two reports is an
/// error naming the file.
pub fn merge(inputs: &[(String, Vec<u8>)]) -> Result<Merged, String> {
    let mut merged = Merged::default();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for (name, bytes) in inputs {
        let doc = parse(name, bytes)?;
        let mut machines: Vec<String> = doc.machine.iter().cloned().collect();
        for mut share in doc.shares {
            let machine = share
                .machine
                .take()
                .or_else(|| doc.machine.clone())
                .and_then(|m| label(&m))
                .ok_or_else(|| {
                    format!("`{name}` has no machine label (`machine`): write it again with `--machine-label NAME`")
                })?;
            if share.connections < 0 {
                return Err(format!(
                    "`{name}`: a share of `{}` has {} connections",
                    share.host, share.connections
                ));
            }
            if !machines.contains(&machine) {
                machines.push(machine.clone());
            }
            share.network = share
                .network
                .take()
                .or_else(|| doc.network.clone())
                .and_then(|n| label(&n));
            share.machine = Some(machine);
            share.host = share.host.trim().to_ascii_lowercase();
            share.user = share
                .user
                .map(|u| u.trim().to_ascii_lowercase())
                .filter(|u| !u.is_empty());
            merged.shares.push(share);
        }
        for machine in machines {
            if let Some(other) = seen.get(&machine) {
                return Err(format!(
                    "the machine `{machine}` is in both `{other}` and `{name}`: each machine's report must be given once (label machines apart with `--machine-label`)"
                ));
            }
            seen.insert(machine.clone(), name);
            merged.machines.push(machine);
        }
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(machine: &str, network: Option<&str>, host: &str, n: i64) -> Vec<u8> {
        serde_json::json!({
            "version": 1,
            "machine": machine,
            "network": network,
            "shares": [{
                "host": host, "protocol": "IMAP", "user": null, "connections": n,
                "client": "thunderbird", "profile": "p", "account": "a", "path": "prefs.js",
                "line": 3, "why": "IMAP max_cached_connections 5", "poll_minutes": 10,
            }],
            "servers": [],
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn reports_merge_with_their_machine_and_network() {
        let merged = merge(&[
            (
                "a.json".to_owned(),
                report("ws-1", None, "IMAP.Example.net", 5),
            ),
            (
                "b.json".to_owned(),
                report("ws-2", Some("office"), "imap.example.net", 4),
            ),
        ])
        .expect("merges");
        assert_eq!(merged.machines, ["ws-1", "ws-2"]);
        let labels: Vec<_> = merged
            .shares
            .iter()
            .map(|s| (s.machine.as_deref(), s.network.as_deref(), s.host.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                (Some("ws-1"), None, "imap.example.net"),
                (Some("ws-2"), Some("office"), "imap.example.net")
            ]
        );
    }

    #[test]
    fn the_same_machine_twice_and_foreign_documents_are_refused() {
        let e = merge(&[
            ("a.json".to_owned(), report("ws-1", None, "h", 5)),
            ("b.json".to_owned(), report("ws-1", None, "h", 4)),
        ])
        .expect_err("same machine");
        assert!(e.contains("`ws-1` is in both `a.json` and `b.json`"), "{e}");
        for (bytes, says) in [
            (&b"[]"[..], "is a JSON array"),
            (b"{\"version\": 1", "is not JSON"),
            (b"{\"a\": 1}", "neither `shares` nor `connections`"),
            (b"{\"version\": 2, \"shares\": []}", "version 2"),
            (
                b"{\"version\": 1, \"diagnostics\": [], \"summary\": {}}",
                "without a `connections` report",
            ),
            (
                b"{\"version\": 1, \"shares\": [{\"host\": 3}]}",
                "not a clientlint connections report",
            ),
            (b"{\"version\": 1, \"shares\": []}", ""),
        ] {
            let result = merge(&[("x.json".to_owned(), bytes.to_vec())]);
            match result {
                Err(e) => assert!(!says.is_empty() && e.contains(says), "{e}"),
                Ok(m) => assert!(says.is_empty() && m.shares.is_empty()),
            }
        }
        let mut unlabelled: serde_json::Value =
            serde_json::from_slice(&report("x", None, "h", 1)).expect("json");
        unlabelled["machine"] = serde_json::Value::Null;
        let e = merge(&[("u.json".to_owned(), unlabelled.to_string().into_bytes())])
            .expect_err("no label");
        assert!(e.contains("no machine label"), "{e}");
    }

    #[test]
    fn labels_come_from_the_flag_the_image_or_the_host() {
        let image = tempfile::tempdir().expect("tempdir");
        assert_eq!(machine_label(Some(" ws-9 "), Some(image.path())), "ws-9");
        let dir_name = image
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        assert_eq!(Some(machine_label(None, Some(image.path()))), dir_name);
        std::fs::create_dir_all(image.path().join("etc")).expect("mkdir");
        // A link out of the image is not followed: the image's name stands.
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::write(outside.path().join("hostname"), "outside\n").expect("write");
        #[cfg(unix)]
        {
            let link = image.path().join("etc/hostname");
            std::os::unix::fs::symlink(outside.path().join("hostname"), &link).expect("link");
            assert_eq!(Some(machine_label(None, Some(image.path()))), dir_name);
            std::fs::remove_file(link).expect("unlink");
        }
        std::fs::write(image.path().join("etc/hostname"), "# image\n\nws-7\n").expect("write");
        assert_eq!(machine_label(None, Some(image.path())), "ws-7");
        assert!(!machine_label(None, None).is_empty());
    }
}
