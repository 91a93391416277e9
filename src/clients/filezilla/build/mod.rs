//! Builds the model of one FileZilla settings directory from its parsed files: which files
//! FileZilla uses at all, then layered settings ([`settings`]), sites and recent servers
//! ([`sites`], [`server`]) and stored passwords ([`passwords`]), each with the findings
//! about what FileZilla silently clamps, discards, ignores or drops. How values are written
//! back and where missing ones go is in [`write`].

mod passwords;
mod server;
mod settings;
mod sites;
mod write;

use super::{FzFileKind, ParsedFile};
use crate::model::{Connections, FileFinding, FileFindingKind, Profile};
use crate::source::{FileId, Files, SourceFile, Span};
use crate::syntax::xml::Element;

/// The profile being built, and the files it is built from.
struct Builder<'a> {
    files: &'a Files,
    profile: Profile,
}

/// Builds the profile of one FileZilla settings directory (or of one file).
pub(super) fn build_profile(name: String, files: &Files, parsed: &[ParsedFile]) -> Profile {
    let mut b = Builder {
        files,
        profile: Profile::new(super::ID, name),
    };
    b.profile.files = parsed.iter().map(|p| p.file).collect();
    // Only files that parse are used: FileZilla discards a file with a syntax error.
    let mut usable: Vec<(&ParsedFile, Element<'_>)> = Vec::new();
    for p in parsed {
        if let Some(root) = b.check_document(p) {
            usable.push((p, root));
        }
    }
    // Layers, lowest first: fzdefaults.xml, then filezilla.xml; sites are read in this
    // order too.
    usable.sort_by_key(|(p, _)| p.kind != FzFileKind::Defaults);
    b.read_settings_layers(&usable, parsed);
    b.read_all_sites(&usable);
    // Sites are read in parallel, before the transfer count is known to each: their
    // connection counts are worked out here, from the effective Number of Transfers.
    let transfers = b.profile.globals.transfers.as_ref().map(|t| t.value);
    for server in &mut b.profile.servers {
        let cap = server
            .max_connections
            .as_ref()
            .map(|c| c.value)
            .unwrap_or(0);
        server.connections = site_connections(transfers, cap);
    }
    b.profile
}

/// The most connections FileZilla may open to one site (reference filezilla §3,
/// "Connection model"): each tab browsing it holds one, and the queue adds up to
/// `Number of Transfers` (2 when unknown), capped by the site's
/// `MaximumMultipleConnections` when that is above 0. An upper bound: with a cap,
/// FileZilla also counts the browsing tab against it.
fn site_connections(transfers: Option<i64>, site_cap: i64) -> Connections {
    let transfers = transfers.unwrap_or(2).max(1);
    let queue = if site_cap > 0 {
        transfers.min(site_cap)
    } else {
        transfers
    };
    Connections::BrowsingAndTransfers {
        transfers: queue,
        site_limit: site_cap > 0 && site_cap == queue,
    }
}

/// The short name of a file ("sitemanager.xml"), for messages.
fn file_name(files: &Files, id: FileId) -> String {
    files
        .get(id)
        .map(SourceFile::short_name)
        .unwrap_or_default()
}

impl Builder<'_> {
    /// Reports syntax errors, a DOCTYPE and a foreign root; returns the root when FileZilla
    /// would use the file.
    fn check_document<'p>(&mut self, p: &'p ParsedFile) -> Option<Element<'p>> {
        let name = file_name(self.files, p.file);
        if let Some(dt) = p.doc.doctype {
            self.profile.findings.push(
                FileFinding::new(
                    FileFindingKind::InvalidValue,
                    p.file,
                    dt,
                    "DOCTYPE",
                    format!("{name} has a DOCTYPE declaration: FileZilla's XML parser skips it, so entities it declares are never expanded (clientlint does not follow it either)"),
                )
                .help("remove the DOCTYPE; FileZilla never writes one"),
            );
        }
        if let Some(err) = &p.doc.error {
            self.profile.findings.push(
                FileFinding::new(
                    FileFindingKind::SyntaxError,
                    p.file,
                    err.span,
                    "XML error",
                    format!(
                        "{name} is not well-formed XML ({}): FileZilla shows \"Error loading xml file\" and falls back to {name}~ if that backup exists, otherwise to its defaults, so nothing in this file is used",
                        err.message
                    ),
                )
                .help("fix the XML (with FileZilla closed); FileZilla writes the file again on exit"),
            );
            return None;
        }
        let text_is_blank = self
            .files
            .get(p.file)
            .map(|f| f.text.trim().is_empty())
            .unwrap_or(true);
        match &p.doc.root {
            Some(root) if root.name == "FileZilla3" => Some(root.element()),
            Some(root) => {
                self.profile.findings.push(FileFinding::new(
                    FileFindingKind::SyntaxError,
                    p.file,
                    root.name_span,
                    "unknown root element",
                    format!("{name} has the root element `<{}>`, not `<FileZilla3>`: FileZilla reports \"Unknown root element, the file does not appear to be generated by FileZilla\" and does not use it", root.name),
                ));
                None
            }
            None if text_is_blank => None,
            None => {
                self.profile.findings.push(FileFinding::new(
                    FileFindingKind::SyntaxError,
                    p.file,
                    Span::empty(0),
                    "no root element",
                    format!("{name} has no root element: FileZilla shows \"Error loading xml file\" and falls back to the `~` backup or its defaults"),
                ));
                None
            }
        }
    }
}
