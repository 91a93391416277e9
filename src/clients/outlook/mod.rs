//! Outlook: PRF profile files and `.reg` exports of Outlook profiles. Both are imported by
//! an administrator (`outlook.exe /importprf`, `reg import`) rather than rewritten by a
//! running Outlook, so a file is its own unit and no lock applies. What the accounts'
//! numbers mean is in [`values`]; how an account becomes servers, once for both syntaxes,
//! in [`account`]; what each syntax supplies to it (spellings, lookups, insertions) and
//! its own structure (the PRF's mapping sections, the export's keys) in [`prf`] and
//! [`reg`] (reference outlook.md).

mod account;
mod prf;
mod reg;
mod values;

use crate::clients::{Built, Client, Confidence, Format, Found, Home, Recognised, Seen, Unit};
use crate::model::ClientId;
use crate::source::{Files, SourceFile};
use crate::tree::Tree;

/// The Outlook client.
pub struct Outlook;

/// The one instance, listed in [`crate::clients::CLIENTS`].
pub static OUTLOOK: Outlook = Outlook;

const ID: ClientId = ClientId::new("outlook", "Outlook");

/// An Outlook PRF file.
pub const PRF: Format = Format("prf");
/// A Regedit export, read for Outlook account keys.
pub const REG: Format = Format("reg");

impl Client for Outlook {
    fn id(&self) -> ClientId {
        ID
    }

    fn formats(&self) -> &'static [Format] {
        &[PRF, REG]
    }

    fn reads(&self) -> &'static str {
        "Outlook profile files (*.prf) and registry exports (*.reg)"
    }

    fn wants_when_walking(&self, _path: &std::path::Path, name: &str) -> bool {
        name.ends_with(".prf") || name.ends_with(".reg")
    }

    /// A PRF or `.reg` export by its extension, else by its start: a Regedit header, or a
    /// PRF's `[Internet Account List]`. Both are often UTF-16LE, so the start is decoded.
    /// Walking is stricter than naming a file: a `.reg` must carry a Regedit header.
    fn recognise(
        &self,
        _path: &std::path::Path,
        name: &str,
        head: &[u8],
        seen: Seen,
    ) -> Option<(Format, Confidence)> {
        let start = SourceFile::new("", head.get(..4096).unwrap_or(head).to_vec());
        let text = start.text.trim_start();
        let is_reg = text.starts_with("Windows Registry Editor Version 5.00")
            || text.starts_with("REGEDIT4");
        let format = if name.ends_with(".prf") {
            PRF
        } else if name.ends_with(".reg") || is_reg {
            if seen == Seen::Walked && !is_reg {
                return None;
            }
            // A `.reg` export may hold any program's keys: it is surely Outlook's only when
            // Outlook's profile keys are in it; otherwise a client whose keys it holds is
            // surer (Outlook still reads it when no client claims it).
            let all = SourceFile::new("", head.to_vec());
            let lower = all.text.to_ascii_lowercase();
            let outlook = lower.contains("\\microsoft\\office\\")
                || lower.contains("\\windows messaging subsystem\\");
            let confidence = if outlook {
                Confidence::Sure
            } else {
                Confidence::Guess
            };
            return Some((REG, confidence));
        } else {
            let lower = text.to_ascii_lowercase();
            let prf = lower.contains("[internet account list]")
                || lower.starts_with(";automatically generated prf file");
            if !prf || seen == Seen::Walked {
                return None;
            }
            PRF
        };
        Some((format, Confidence::Sure))
    }

    fn locate(&self, _tree: &Tree, _home: &Home<'_>, _found: &mut Found) {
        // Outlook keeps its profiles in the registry, not in files under the home: only
        // PRF files and exports named or met while walking are read.
    }

    fn group(
        &self,
        _tree: &Tree,
        files: Vec<Recognised>,
        _machine: Vec<Recognised>,
        _found: &mut Found,
    ) -> Vec<Unit> {
        Unit::one_per_file(&OUTLOOK, files)
    }

    fn build(&self, unit: &Unit, files: &Files) -> Built {
        let mut built = Built::default();
        for f in &unit.files {
            let Some(id) = files.find(&f.path) else {
                continue;
            };
            let Some(file) = files.get(id) else { continue };
            built.formats.push((id, f.format));
            if f.format == PRF {
                let parsed = prf::parse(file);
                built
                    .secrets
                    .extend(prf::secrets(&parsed).into_iter().map(|s| (id, s)));
                built.profiles.push(prf::build_profile(id, file, &parsed));
            } else {
                let parsed = crate::syntax::reg::parse(&file.text);
                built
                    .secrets
                    .extend(reg::secrets(file, &parsed).into_iter().map(|s| (id, s)));
                built.profiles.push(reg::build_profile(id, file, &parsed));
            }
        }
        built
    }

    fn lock_held(&self, _unit: &Unit) -> Option<String> {
        // PRF files and .reg exports are imported by an admin, not rewritten by a running
        // client.
        None
    }
}
