//! The clients clientlint reads, and the contract each one implements in its own folder.
//!
//! Everything that knows one client — where its files live, how to recognise them, how
//! they group into one client instance, how they become the model, which bytes are secret,
//! whether the client is running — lives in `clients/<client>/` behind [`Client`].
//! Discovery and the engine only ever ask [`CLIENTS`]; adding a client is one folder and
//! one line in that list (CONTRIBUTING.md).

mod common;
pub mod filezilla;
pub mod outlook;
pub mod thunderbird;
pub mod winscp;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{ClientId, Profile};
use crate::source::{FileId, Files, Span};
pub use crate::tree::Layout;
use crate::tree::Tree;
pub(crate) use common::{overwritten_finding, reg_error_finding, KnownNames};

/// Every client: the only list that names them all.
pub static CLIENTS: &[&dyn Client] = &[
    &thunderbird::THUNDERBIRD,
    &filezilla::FILEZILLA,
    &outlook::OUTLOOK,
    &winscp::WINSCP,
];

/// A file format a client reads; its name is the `format` of the JSON `files` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Format(pub &'static str);

impl Format {
    pub fn name(self) -> &'static str {
        self.0
    }
}

/// How sure a client is that a file is its own. When several clients claim a file, the
/// surest wins; clients equally sure all read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// A guess from content alone (a `.js` file that contains `user_pref`).
    Guess,
    /// The client's own file name, extension or content marker.
    Sure,
}

/// How a file reached the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Named on the command line: recognised by content even under another name.
    Named,
    /// Met while walking a directory: recognised by name first.
    Walked,
    /// Found in the client's default location under a home.
    Located,
}

/// A file a client recognised as its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recognised {
    pub path: PathBuf,
    pub format: Format,
    pub seen: Seen,
    /// For a machine-wide file: the set of layers it belongs to (a client install), named
    /// by the client.
    pub set: Option<Arc<str>>,
    /// The major version of that install, where the client says it (Thunderbird's
    /// `application.ini`): what a layer does can differ between versions.
    pub version: Option<u32>,
}

impl Recognised {
    /// A file of no particular set.
    pub fn new(path: PathBuf, format: Format, seen: Seen) -> Recognised {
        Recognised {
            path,
            format,
            seen,
            set: None,
            version: None,
        }
    }

    /// The unit file it becomes.
    pub fn unit_file(&self) -> UnitFile {
        UnitFile {
            path: self.path.clone(),
            format: self.format,
            set: self.set.clone(),
            version: self.version,
        }
    }
}

/// One file of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFile {
    pub path: PathBuf,
    pub format: Format,
    /// The set of machine-wide layers the file belongs to (see [`Recognised::set`]).
    pub set: Option<Arc<str>>,
    /// The major version of the install the file is a layer of (see
    /// [`Recognised::version`]).
    pub version: Option<u32>,
}

impl UnitFile {
    pub fn new(path: PathBuf, format: Format) -> UnitFile {
        UnitFile {
            path,
            format,
            set: None,
            version: None,
        }
    }
}

/// The files one client reads as one instance (a Thunderbird profile directory, a
/// FileZilla settings directory, a PRF): read, built, linted and fixed together.
#[derive(Clone)]
pub struct Unit {
    pub client: &'static dyn Client,
    /// Display name: the directory or file as given.
    pub name: String,
    /// The unit's own files, lowest-precedence layer first: linted and fixed here.
    pub files: Vec<UnitFile>,
    /// Machine-wide files the client reads under this unit (e.g. a system fzdefaults.xml).
    /// Another unit owns each of them: it is read once per run, reported and fixed there.
    pub shared: Vec<UnitFile>,
    /// Files the client looked for and did not find, which matters to it (an AutoConfig
    /// file a default prefs file names).
    pub absent: Vec<UnitFile>,
    /// True for a unit of machine-wide files discovery found on its own (system defaults,
    /// policies): reported, never written — only files a user names, or the trees they
    /// give, are fixed.
    pub machine_wide: bool,
    /// The tree the unit was found in: every read and write of it goes through it.
    pub tree: Tree,
}

impl Unit {
    /// A unit of `client` owning `files`, sharing nothing.
    pub fn new(client: &'static dyn Client, name: String, files: Vec<UnitFile>) -> Unit {
        Unit {
            client,
            name,
            files,
            shared: Vec::new(),
            absent: Vec::new(),
            machine_wide: false,
            tree: Tree::host(),
        }
    }

    /// One unit per file, for a client whose every file is an instance of its own (an
    /// Outlook PRF or export, a WinSCP.ini).
    pub fn one_per_file(client: &'static dyn Client, files: Vec<Recognised>) -> Vec<Unit> {
        files
            .into_iter()
            .map(|r| Unit::new(client, r.path.display().to_string(), vec![r.unit_file()]))
            .collect()
    }

    /// The unit's own files' paths, in order.
    pub fn owned_paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.path.as_path())
    }

    /// Every path the unit reads: its own, then the shared ones.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files
            .iter()
            .chain(&self.shared)
            .map(|f| f.path.as_path())
    }

    /// The format of one of the unit's files.
    pub fn format_of(&self, path: &Path) -> Option<Format> {
        self.files
            .iter()
            .chain(&self.shared)
            .find(|f| f.path == path)
            .map(|f| f.format)
    }

    /// Why a running client would overwrite edits to this unit, if it would.
    pub fn lock_held(&self) -> Option<String> {
        self.client.lock_held(self)
    }
}

impl PartialEq for Unit {
    fn eq(&self, other: &Unit) -> bool {
        self.client.id() == other.client.id()
            && self.files == other.files
            && self.shared == other.shared
    }
}

impl std::fmt::Debug for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit")
            .field("client", &self.client.id().name())
            .field("name", &self.name)
            .field("files", &self.files)
            .field("shared", &self.shared)
            .finish()
    }
}

/// What building a unit gives the engine.
#[derive(Debug, Default)]
pub struct Built {
    pub profiles: Vec<Profile>,
    /// Spans of secret values (passwords, tokens) per file. The engine registers them with
    /// the files before anything is rendered, so every output masks them.
    pub secrets: Vec<(FileId, Span)>,
    /// The format each file was read as.
    pub formats: Vec<(FileId, Format)>,
}

/// A home directory to search, in one layout.
#[derive(Debug, Clone, Copy)]
pub struct Home<'a> {
    pub dir: &'a Path,
    pub layout: Layout,
    /// `$XDG_CONFIG_HOME`, when it applies (this machine's own home only).
    pub xdg_config: Option<&'a Path>,
    /// `%APPDATA%` as the OS reports it (this machine's own Windows home only).
    pub appdata: Option<&'a Path>,
    /// The machine-wide files this client found ([`Client::locate_machine`]), for a
    /// client whose per-home locations depend on them (FileZilla's `Config Location`).
    pub machine: &'a [Recognised],
    /// The names directly in `dir`, when discovery listed it once; `None` probes every
    /// place (this machine's own home, listed or not).
    pub listing: Option<&'a HomeListing>,
}

/// The names directly in a home, listed once so that the places of every client in every
/// OS layout (a dozen per home, most of them absent) are probed only under names that
/// exist: on 2,000 homes that was 34,000 failing opens.
#[derive(Debug, Default)]
pub struct HomeListing {
    /// ASCII-lower-cased, so a case-insensitive file system finds what a probe would.
    names: foldhash::HashSet<Vec<u8>>,
}

impl HomeListing {
    /// The listing of these names.
    pub fn new<I: IntoIterator<Item = std::ffi::OsString>>(names: I) -> HomeListing {
        HomeListing {
            names: names
                .into_iter()
                .map(|n| n.as_encoded_bytes().to_ascii_lowercase())
                .collect(),
        }
    }

    fn holds(&self, name: &std::ffi::OsStr) -> bool {
        self.names
            .contains(&name.as_encoded_bytes().to_ascii_lowercase())
    }
}

impl Home<'_> {
    /// False only when `path` cannot exist: it lies under this home, which was listed,
    /// and its first name there is not in the listing. Anything else is probed.
    pub fn may_hold(&self, path: &Path) -> bool {
        let Some(listing) = self.listing else {
            return true;
        };
        match path
            .strip_prefix(self.dir)
            .ok()
            .and_then(|rest| rest.components().next())
        {
            Some(std::path::Component::Normal(first)) => listing.holds(first),
            _ => true,
        }
    }

    /// `%APPDATA%` of this home: the OS's answer, else `AppData\Roaming`.
    pub fn appdata(&self) -> PathBuf {
        self.appdata
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.dir.join("AppData").join("Roaming"))
    }
}

/// What locating and grouping found besides units.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<Recognised>,
    /// Places looked at, for the "nothing found" message.
    pub searched: Vec<PathBuf>,
    /// Files or directories that could not be read (the run is incomplete: exit 2).
    pub errors: Vec<String>,
    /// Paths left alone on purpose, said on stderr: a profiles.ini entry or a link that
    /// leads out of the tree the run was given.
    pub warnings: Vec<String>,
}

impl Found {
    /// Takes the places searched, errors and warnings of `other` (its files are the
    /// caller's to place: a client's own list, or the machine-wide one).
    pub fn absorb_messages(&mut self, other: &mut Found) {
        self.searched.append(&mut other.searched);
        self.errors.append(&mut other.errors);
        self.warnings.append(&mut other.warnings);
    }

    /// Says that `path`, where a client looks for a file, is a link that leads out of the
    /// tree (and so is not read), if it is.
    pub fn note_if_outside(&mut self, tree: &Tree, path: &Path) {
        if tree.is_link(path) && matches!(tree.check(path), Err(crate::source::ReadError::Outside))
        {
            self.warnings.push(outside_warning(path));
        }
    }
}

/// The warning for a path that leads out of the tree.
pub fn outside_warning(path: &Path) -> String {
    format!(
        "`{}` is a link that leads out of the tree clientlint was given; not followed",
        path.display()
    )
}

/// How much of a file is read to recognise it.
pub const SNIFF_BYTES: u64 = 64 * 1024;

/// The contract of a client: see the module documentation.
pub trait Client: Sync {
    /// The client's names, carried by its profiles and findings.
    fn id(&self) -> ClientId;

    /// The formats this client reads.
    fn formats(&self) -> &'static [Format];

    /// The files it reads, in words, for the notice that a tree holds none of them
    /// ("Thunderbird prefs.js, user.js, …").
    fn reads(&self) -> &'static str;

    /// True when a file met while walking may be this client's, by its path (its
    /// lower-cased name is `name`): only such files are opened to be recognised.
    fn wants_when_walking(&self, path: &Path, name: &str) -> bool;

    /// Recognises a file by its path (lower-cased name `name`) and its first bytes.
    fn recognise(
        &self,
        path: &Path,
        name: &str,
        head: &[u8],
        seen: Seen,
    ) -> Option<(Format, Confidence)>;

    /// Finds this client's files in their default locations under `home`.
    fn locate(&self, tree: &Tree, home: &Home<'_>, found: &mut Found);

    /// Finds this machine's system-wide files of this client (shared by all its units).
    fn locate_machine(&self, _tree: &Tree, _found: &mut Found) {}

    /// Groups the files recognised for this client into units. `machine` holds the
    /// system-wide files [`Client::locate_machine`] found.
    fn group(
        &self,
        tree: &Tree,
        files: Vec<Recognised>,
        machine: Vec<Recognised>,
        found: &mut Found,
    ) -> Vec<Unit>;

    /// Builds the model of a unit. `files` holds every file of the unit that could be
    /// read, own and shared, under the run's ids.
    fn build(&self, unit: &Unit, files: &Files) -> Built;

    /// Why a running client would overwrite edits to this unit's files, if it would.
    fn lock_held(&self, unit: &Unit) -> Option<String>;
}

/// What clientlint reads, every client's files in words.
pub fn what_is_read() -> String {
    CLIENTS
        .iter()
        .map(|c| c.reads())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The client with this stable name.
pub fn find(name: &str) -> Option<&'static dyn Client> {
    CLIENTS.iter().copied().find(|c| c.id().name() == name)
}

/// The lower-cased file name of `path`.
pub(crate) fn file_name(path: &Path) -> String {
    crate::source::file_name_lower(path)
}

#[cfg(test)]
mod home_listing_tests {
    use std::ffi::OsString;
    use std::path::Path;

    use super::{Home, HomeListing, Layout};

    fn home<'a>(dir: &'a Path, listing: Option<&'a HomeListing>) -> Home<'a> {
        Home {
            dir,
            layout: Layout::Linux,
            xdg_config: None,
            appdata: None,
            machine: &[],
            listing,
        }
    }

    #[test]
    fn a_listed_home_holds_only_places_under_its_names_in_any_case() {
        let listing = HomeListing::new([OsString::from(".config"), OsString::from("AppData")]);
        let dir = Path::new("/img/home/ann");
        let h = home(dir, Some(&listing));
        assert!(h.may_hold(&dir.join(".config/filezilla")));
        assert!(!h.may_hold(&dir.join(".thunderbird")));
        // A case-insensitive file system would find `appdata/Roaming`: so is it probed.
        assert!(h.may_hold(&dir.join("appdata/Roaming/FileZilla")));
        assert!(!h.may_hold(&dir.join("Library/Thunderbird")));
        // Outside the home (an XDG directory elsewhere) and the home itself: probed.
        assert!(h.may_hold(Path::new("/elsewhere/filezilla")));
        assert!(h.may_hold(dir));
    }

    #[test]
    fn an_unlisted_home_probes_everything() {
        let dir = Path::new("/home/ann");
        assert!(home(dir, None).may_hold(&dir.join(".thunderbird")));
    }
}
