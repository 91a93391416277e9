//! Reporters: text (miette), concise, JSON. Each renders the same [`Report`]; none may show
//! a secret, so source text is always taken from `SourceFile::masked_text`.

pub mod concise;
pub mod github;
pub mod json;
pub mod sarif;
pub mod statistics;
pub mod text;

use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::FileInfo;
use crate::source::Files;

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics drawn on the source, with a summary.
    Text,
    /// One line per diagnostic: `path:line:col: severity [rule] message`.
    Concise,
    /// The stable JSON document described in the README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other CI systems.
    Sarif,
    /// GitHub Actions annotations (`::warning file=…`).
    Github,
}

/// Everything a reporter needs.
pub struct Report<'a> {
    pub files: &'a Files,
    pub infos: &'a [Option<FileInfo>],
    pub diagnostics: &'a [Diagnostic],
}

/// Counts for the summary line and the JSON `summary` object.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub fixable: usize,
}

impl Report<'_> {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.infos.iter().filter(|i| i.is_some()).count(),
            ..Summary::default()
        };
        for d in self.diagnostics {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
            if d.fix.is_some() {
                s.fixable += 1;
            }
        }
        s
    }

    /// Path of a file as given on the command line.
    pub fn path_of(&self, file: crate::source::FileId) -> String {
        self.files
            .get(file)
            .map(|f| f.display_path())
            .unwrap_or_default()
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
