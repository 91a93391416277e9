//! Thunderbird's profiles.ini: which profile directories exist (reference thunderbird §2.1).
//!
//! Used twice: by discovery, to find profile directories under a Thunderbird root, and by
//! the linter, to report lines Thunderbird cannot read and profiles whose directory is
//! missing.

use std::path::{Path, PathBuf};

use crate::model::{FileFinding, FileFindingKind, Profile};
use crate::source::{FileId, SourceFile};
use crate::syntax::ini;
use crate::tree::Tree;

/// A `[ProfileN]` entry resolved to a directory.
#[derive(Debug, Clone)]
pub(crate) struct ProfileEntry {
    pub name: String,
    pub dir: PathBuf,
    pub path_span: crate::source::Span,
}

/// The profile directories a profiles.ini at `ini_path` lists. An absolute `Path` is the
/// machine's own: inside an image it is found in the image (the tree decides later whether
/// it may be read at all).
pub(crate) fn profile_dirs(tree: &Tree, ini_path: &Path, text: &str) -> Vec<ProfileEntry> {
    let root = ini_path.parent().unwrap_or(Path::new(""));
    let parsed = ini::parse(text);
    parsed
        .sections
        .iter()
        .filter(|s| {
            s.name.len() > "Profile".len()
                && s.name
                    .get(.."Profile".len())
                    .map(|p| p.eq_ignore_ascii_case("Profile"))
                    .unwrap_or(false)
        })
        .filter_map(|s| {
            let path = s.get("Path")?;
            let relative = s.get("IsRelative").map(|v| v.value == "1").unwrap_or(true);
            let dir = if relative {
                // Paths are written with `/` on every OS.
                path.value
                    .split('/')
                    .fold(root.to_path_buf(), |acc, part| acc.join(part))
            } else {
                tree.configured_path(root, Path::new(&path.value))
            };
            Some(ProfileEntry {
                name: s.get("Name").map(|n| n.value.clone()).unwrap_or_default(),
                dir,
                path_span: path.value_span,
            })
        })
        .collect()
}

/// The findings of one profiles.ini.
pub(super) fn build_profile(tree: &Tree, id: FileId, file: &SourceFile) -> Profile {
    let mut profile = Profile::new(super::ID, file.display_path());
    profile.files.push(id);
    for err in ini::parse(&file.text).errors {
        profile.findings.push(FileFinding {
            kind: FileFindingKind::SyntaxError,
            file: id,
            span: err.span,
            label: "not understood".to_owned(),
            message: format!("{}: Thunderbird ignores this line", err.message),
            help: None,
            notes: Vec::new(),
            account: None,
            deferred: None,
            client_line: None,
        });
    }
    for entry in profile_dirs(tree, &file.path, &file.text) {
        // A directory out of the tree is not looked at (discovery says so); only one
        // that is not there is the file's problem.
        if matches!(tree.check(&entry.dir), Err(e) if e.is_not_found()) {
            profile.findings.push(FileFinding {
                kind: FileFindingKind::InvalidValue,
                file: id,
                span: entry.path_span,
                label: "no such directory".to_owned(),
                message: format!(
                    "profile `{}` points to `{}`, which does not exist: Thunderbird creates an empty profile there or shows the profile manager",
                    entry.name,
                    entry.dir.display()
                ),
                help: Some("fix the Path, or remove the [Profile] section".to_owned()),
                notes: Vec::new(),
                account: None,
                deferred: None,
                client_line: None,
            });
        }
    }
    profile
}
