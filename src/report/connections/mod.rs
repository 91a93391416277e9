//! The connections report: every share of every server's connections that one machine's
//! profiles may open, with the machine's label and, when given, its network (egress)
//! label — versioned (`schemas/connections.json`), so the reports of many machines can be
//! merged into one budget (`clientlint connections --merge`). `clientlint connections
//! --format json` writes it, and `check --format json` embeds it as `connections`.
//!
//! Shares are written one per line: a fleet has tens of thousands, and the document stays
//! plain JSON (whitespace is not part of the contract). Each server's verdict (`servers`)
//! is the writer's, with its own limits; a merge works them out again from the shares.
//! [`table`] prints the same budgets as text.

pub mod table;

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::model::budget::{groups, BudgetLimits, Counted, Group, LimitSource, Share};
use crate::report::Place;
use crate::source::{FileId, Span};

/// Bumped on any incompatible change of the connections report.
pub const CONNECTIONS_VERSION: u32 = 1;

/// One share as the report writes it, borrowed from a run's [`Share`] or a read
/// [`ReportShare`].
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Row<'a> {
    pub host: &'a str,
    pub protocol: &'a str,
    /// `null` when unknown.
    pub user: Option<&'a str>,
    pub connections: i64,
    pub client: &'a str,
    pub profile: &'a str,
    /// The account or site, as messages name it.
    pub account: &'a str,
    /// The file and 1-based line where the server is defined.
    pub path: &'a str,
    pub line: usize,
    /// How the count comes about.
    pub why: &'a str,
    /// Minutes between automatic checks, when the client polls.
    pub poll_minutes: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<&'a str>,
    /// In a merged report: the machine of this share (else the report's `machine`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<&'a str>,
    /// In a merged report: the network of this share, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network: Option<&'a str>,
}

/// One share read back from a report, its machine and network filled in from the
/// report's own when it does not name them.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportShare {
    pub host: String,
    pub protocol: String,
    #[serde(default)]
    pub user: Option<String>,
    pub connections: i64,
    pub client: String,
    pub profile: String,
    #[serde(default)]
    pub account: String,
    pub path: String,
    pub line: usize,
    #[serde(default)]
    pub why: String,
    #[serde(default)]
    pub poll_minutes: Option<i64>,
    #[serde(default)]
    pub managed_by: Option<String>,
    #[serde(default)]
    pub machine: Option<String>,
    #[serde(default)]
    pub network: Option<String>,
}

impl ReportShare {
    /// The share as the report writes it.
    pub fn row(&self) -> Row<'_> {
        Row {
            host: &self.host,
            protocol: &self.protocol,
            user: self.user.as_deref(),
            connections: self.connections,
            client: &self.client,
            profile: &self.profile,
            account: &self.account,
            path: &self.path,
            line: self.line,
            why: &self.why,
            poll_minutes: self.poll_minutes,
            managed_by: self.managed_by.as_deref(),
            machine: self.machine.as_deref(),
            network: self.network.as_deref(),
        }
    }
}

impl Counted for ReportShare {
    fn network(&self) -> &str {
        self.network.as_deref().unwrap_or("")
    }
    fn host(&self) -> &str {
        &self.host
    }
    fn protocol(&self) -> &str {
        &self.protocol
    }
    fn user(&self) -> &str {
        self.user.as_deref().unwrap_or("")
    }
    fn connections(&self) -> i64 {
        self.connections
    }
    fn profile_key(&self) -> (&str, &str) {
        (self.machine.as_deref().unwrap_or(""), &self.profile)
    }
}

/// A connections report as read: the header and the shares (`servers` is not read: a
/// merge counts again, with the merging machine's limits).
#[derive(Debug, Clone, Deserialize)]
pub struct Document {
    pub version: u32,
    #[serde(default)]
    pub machine: Option<String>,
    #[serde(default)]
    pub network: Option<String>,
    pub shares: Vec<ReportShare>,
}

/// One server's verdict: its connections against its limit.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    pub network: &'a str,
    pub host: &'a str,
    pub protocol: &'a str,
    /// For a per-user limit: the user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<&'a str>,
    /// The sum over every profile.
    pub connections: i64,
    pub limit: i64,
    /// `default`, `config` or `announced`.
    pub limit_source: &'static str,
    /// What the server announced, for an announced limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub announced: Option<&'a str>,
    pub over: bool,
    /// How many profiles contribute.
    pub profiles: usize,
}

impl<'a> Verdict<'a> {
    pub fn of<T>(g: &'a Group<'a, T>) -> Verdict<'a> {
        Verdict {
            network: g.network,
            host: g.host,
            protocol: g.protocol,
            user: g.user,
            connections: g.total,
            limit: g.limit.value,
            limit_source: g.limit.source.name(),
            announced: match &g.limit.source {
                LimitSource::Announced(said) => Some(said),
                _ => None,
            },
            over: g.over(),
            profiles: g.profiles(),
        }
    }
}

/// What a report says about where it was made.
#[derive(Debug, Clone, Copy)]
pub struct Header<'a> {
    /// `None` in a merged report (each share names its machine).
    pub machine: Option<&'a str>,
    pub network: Option<&'a str>,
    /// The machines a merged report holds.
    pub machines: &'a [String],
}

/// Writes a connections report, `depth` spaces deep (0 for a document of its own, 2 when
/// embedded in `check --format json`), without a line break after it.
pub fn write<'r, T>(
    header: Header<'_>,
    shares: impl Iterator<Item = Row<'r>>,
    groups: &[&Group<'_, T>],
    depth: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let pad = " ".repeat(depth);
    writeln!(out, "{{")?;
    writeln!(out, "{pad}  \"version\": {CONNECTIONS_VERSION},")?;
    writeln!(out, "{pad}  \"machine\": {},", compact(&header.machine)?)?;
    writeln!(out, "{pad}  \"network\": {},", compact(&header.network)?)?;
    if !header.machines.is_empty() {
        writeln!(out, "{pad}  \"machines\": {},", compact(header.machines)?)?;
    }
    write!(out, "{pad}  \"shares\": ")?;
    list(shares, &pad, out)?;
    write!(out, ",\n{pad}  \"servers\": ")?;
    list(groups.iter().map(|g| Verdict::of(g)), &pad, out)?;
    write!(out, "\n{pad}}}")
}

/// A JSON array of `items`, each compact on a line of its own, `pad` deep.
fn list<T: Serialize>(
    items: impl Iterator<Item = T>,
    pad: &str,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut empty = true;
    for item in items {
        let sep = if empty { "[" } else { "," };
        write!(out, "{sep}\n{pad}    ")?;
        serde_json::to_writer(&mut *out, &item).map_err(std::io::Error::other)?;
        empty = false;
    }
    if empty {
        write!(out, "[]")
    } else {
        write!(out, "\n{pad}  ]")
    }
}

/// Compact JSON of a value.
fn compact<T: Serialize + ?Sized>(value: &T) -> std::io::Result<String> {
    serde_json::to_string(value).map_err(std::io::Error::other)
}

/// A run's shares with where each is defined: what a local report and table are made of.
pub struct RunShares<'a> {
    pub shares: &'a [Share],
    /// Where each share's server is defined, resolved.
    pub places: &'a foldhash::HashMap<(FileId, Span), Place>,
    /// The path of each file, by id.
    pub path_of: &'a (dyn Fn(FileId) -> &'a str + Sync),
}

impl<'a> RunShares<'a> {
    /// One share as the report writes it.
    pub fn row(&self, s: &'a Share) -> Row<'a> {
        Row {
            host: &s.host,
            protocol: s.protocol,
            user: (!s.user.is_empty()).then_some(s.user.as_str()),
            connections: s.connections,
            client: s.client.name(),
            profile: &s.profile,
            account: &s.label,
            path: (self.path_of)(s.anchor.0),
            line: self.places.get(&s.anchor).map(|p| p.line).unwrap_or(0),
            why: &s.why,
            poll_minutes: s.poll_minutes,
            managed_by: s.managed_by.as_deref(),
            machine: None,
            network: None,
        }
    }

    /// The run's budget groups.
    pub fn groups(&self, limits: &dyn BudgetLimits) -> Vec<Group<'a, Share>> {
        groups(self.shares, limits)
    }

    /// Writes the run's report (see [`write`]).
    pub fn write(
        &self,
        machine: &str,
        network: Option<&str>,
        limits: &dyn BudgetLimits,
        depth: usize,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        let header = Header {
            machine: Some(machine),
            network,
            machines: &[],
        };
        let rows = self.shares.iter().map(|s| self.row(s));
        let groups = self.groups(limits);
        let all: Vec<&Group<'_, Share>> = groups.iter().collect();
        write(header, rows, &all, depth, out)
    }
}
