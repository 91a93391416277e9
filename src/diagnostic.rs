//! Findings as data: [`Diagnostic`], its [`Severity`], and the [`Fix`] it may carry.
//!
//! A finding is never an `Err`: rules push diagnostics, reporters render them, `fix.rs`
//! applies their edits. Spans are text spans into the file named by `file`.

use crate::model::{ClientId, Note};
pub use crate::source::Edit;
use crate::source::{FileId, Span};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "info" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// Whether applying a fix is guaranteed to keep the user's intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Keeps the account working as before, only within the limit: applied by `--fix`.
    Safe,
    /// Changes how the client connects (port, TLS mode, login); it may need the server to
    /// cooperate: applied only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn name(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Whether a rule offers fixes: declared per rule and checked by the registry tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    Never,
    Sometimes,
    Always,
}

/// A repair: edits applied together, or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    pub description: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix from edits; `None` when no edit could be rendered (then nothing is offered).
    pub fn new(
        applicability: Applicability,
        description: impl Into<String>,
        edits: Vec<Option<Edit>>,
    ) -> Option<Fix> {
        let mut out = Vec::with_capacity(edits.len());
        for e in edits {
            out.push(e?);
        }
        if out.is_empty() {
            return None;
        }
        Some(Fix {
            applicability,
            description: description.into(),
            edits: out,
        })
    }
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    pub file: FileId,
    pub span: Span,
    /// Text drawn under the primary span.
    pub label: String,
    /// Further places the finding refers to (possibly in other files).
    pub notes: Vec<Note>,
    pub client: ClientId,
    pub account: Option<String>,
    pub fix: Option<Fix>,
    /// When the flagged value is decided by a layer that manages the client (a lock, a
    /// policy): which and how, e.g. `locked by /etc/thunderbird/policies/policies.json:5
    /// (Preferences, Status "locked")`. Set by the engine from the model.
    pub managed_by: Option<String>,
    /// The line the client itself reports the problem on (Thunderbird's `prefs parse
    /// error` console lines), which may differ from the line of `span`.
    pub client_line: Option<usize>,
}
