//! clientlint: lints the configuration files of FTP and e-mail clients against documented
//! connection limits, and repairs what it can, byte for byte.
//!
//! The pipeline (DESIGN.md), one module per stage:
//!
//! - [`engine::discover`] turns paths, homes or this machine's default locations into
//!   units, by asking every client in [`clients`] whether a file is its own;
//! - [`source`] reads each file once ([`tree`] decides what a run may look at);
//! - each client (`clients/<client>/`) builds the [`model`] of a unit with the readers of
//!   [`syntax`], which know no client;
//! - [`rules`] turn the model into [`diagnostic`]s, with limits from [`settings`];
//! - [`fix`] plans, verifies and writes repairs;
//! - [`engine`] runs all of it per unit, in batches, for every command;
//! - [`report`] renders the findings; [`cli`] is the command line;
//! - [`probe`] connects once to each configured server (`clientlint probe`, never
//!   logging in); its outcomes are what the `probe-*` rules report.
//!
//! The library API ([`lint_paths`], [`analyze`], [`plan_fixes`], [`render`]) runs the same
//! pipeline and keeps everything it built.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod cli;
pub mod clients;
pub mod diagnostic;
pub mod engine;
pub mod escape;
pub mod fix;
pub mod memory;
pub mod model;
pub mod os;
pub mod probe;
pub mod report;
pub mod rules;
pub mod secret;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod tree;

pub use cli::rules_markdown;
pub use engine::library::{
    analyze, lint_paths, lint_sysroot, plan_fixes, read_files, render, render_resolved,
    unified_diff, write_fixes, Analysis, FixPlan,
};
