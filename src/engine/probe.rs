//! The servers a run would probe: every configured server as a probe [`Target`], with the
//! places it is configured, found by the same pipeline as every run (read, build; no rule
//! runs). `clientlint probe` probes these targets and then lints the units again with the
//! outcomes, so that each finding lands on its server's configuration line.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::in_batches;
use super::unit::{read_shared, Bytes, FileTable, Job};
use crate::clients::Unit;
use crate::probe::{target_of, Skip, Target};
use crate::report::Place;
use crate::settings::Settings;
use crate::source::FileId;

/// Where a server is configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfiguredAt {
    /// The file, as given.
    pub path: String,
    /// 1-based line of the server's definition.
    pub line: usize,
    /// The client whose file it is.
    pub client: &'static str,
    /// The account or site, as messages name it.
    pub account: String,
}

/// One distinct target and every place that configures it.
#[derive(Debug, Clone)]
pub struct Configured {
    pub target: Target,
    pub at: Vec<ConfiguredAt>,
}

/// A configured server the probe leaves alone, and why.
#[derive(Debug, Clone)]
pub struct NotProbed {
    /// The host as configured ("" when there is none).
    pub host: String,
    pub protocol: &'static str,
    pub why: Skip,
    pub at: ConfiguredAt,
}

/// Every target of a run, sorted by host, port, protocol, security and authentication
/// method, each once.
#[derive(Debug, Default)]
pub struct Targets {
    pub configured: Vec<Configured>,
    pub not_probed: Vec<NotProbed>,
    /// Files that could not be read ("cannot read `path`: reason"), once each.
    pub read_errors: Vec<String>,
}

/// The targets of `units`.
pub fn targets(units: &[Unit], settings: &Settings) -> Targets {
    let table = FileTable::of(units);
    let shared = read_shared(units);
    let job = Job {
        settings,
        probed: None,
        rules: &[],
        ids: &table.ids,
        bytes: Bytes::Disk { shared: &shared },
    };
    type Found = (Result<Target, Skip>, String, &'static str, ConfiguredAt);
    let mut found: Vec<Found> = Vec::new();
    let mut read_errors: Vec<(FileId, String)> = Vec::new();
    in_batches(
        units,
        |unit| {
            let (linted, errors) = job.read_and_lint(unit);
            let client = unit.client.id().name();
            let mut servers: Vec<Found> = Vec::new();
            for profile in &linted.extra.profiles {
                for server in &profile.servers {
                    // The host's line: where the server is named (else its definition).
                    let (file, span) = server
                        .host
                        .as_ref()
                        .map(|h| h.anchor())
                        .unwrap_or(server.anchor);
                    let place = Place::of(&linted.files, file, span);
                    let path = linted
                        .files
                        .get(file)
                        .map(|f| f.path.display().to_string())
                        .unwrap_or_default();
                    let at = ConfiguredAt {
                        path,
                        line: place.line,
                        client,
                        account: server.label(),
                    };
                    let host = server.host_name().trim().to_owned();
                    servers.push((target_of(server), host, server.protocol.name(), at));
                }
            }
            (servers, errors)
        },
        |results| {
            for (servers, errors) in results {
                found.extend(servers);
                read_errors.extend(errors);
            }
        },
    );
    let mut out = Targets::default();
    let mut index: HashMap<Target, usize> = HashMap::new();
    for (target, host, protocol, at) in found {
        match target {
            Ok(target) => match index.get(&target) {
                Some(&i) => {
                    if let Some(c) = out.configured.get_mut(i) {
                        if !c.at.contains(&at) {
                            c.at.push(at);
                        }
                    }
                }
                None => {
                    index.insert(target.clone(), out.configured.len());
                    out.configured.push(Configured {
                        target,
                        at: vec![at],
                    });
                }
            },
            // History and placeholders are not servers anyone connects to: not listed.
            Err(Skip::NotConnected | Skip::NoHost) => {}
            Err(why) => out.not_probed.push(NotProbed {
                host,
                protocol,
                why,
                at,
            }),
        }
    }
    out.configured
        .sort_by(|a, b| sort_key(&a.target).cmp(&sort_key(&b.target)));
    let mut seen = HashSet::new();
    out.read_errors = read_errors
        .into_iter()
        .filter(|(id, _)| seen.insert(*id))
        .map(|(_, e)| e)
        .collect();
    out
}

fn sort_key(t: &Target) -> (String, u16, &'static str, u8, String) {
    (
        t.host.to_ascii_lowercase(),
        t.port,
        t.protocol.name(),
        t.security as u8,
        t.auth.map(|a| format!("{a:?}")).unwrap_or_default(),
    )
}
