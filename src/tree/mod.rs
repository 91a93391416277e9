//! The trees a run was given, and the one way discovery, the clients and fixes touch them.
//!
//! Trees may be images of other people's machines, scanned as root. Every existence check,
//! directory listing, read and write of a run goes through [`Tree`], which knows the run's
//! roots and keeps it inside them:
//!
//! | scope | reads | writes |
//! |---|---|---|
//! | this machine (no path) | anywhere a client's own files lead (profiles.ini may point anywhere) | the files found |
//! | paths, `--home`, `--root` ([`Tree::bounded`]) | only beneath them: an absolute path or a link leading out is reported, not followed | only beneath them |
//! | `--sysroot DIR` ([`Tree::image`]) | the image as if DIR were `/`: absolute paths and links resolved inside it | only beneath DIR |
//!
//! On Linux the kernel resolves paths inside a root (`openat2` with `RESOLVE_BENEATH` or
//! `RESOLVE_IN_ROOT`), so a link swapped in during the run cannot lead out either. In every
//! scope only regular files are read (never a FIFO or a device), and never a file of
//! `/proc`, `/sys` or their kin, wherever a link put it.

mod open;
pub(crate) mod resolve;

use std::ffi::OsString;
use std::fs::File;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::source::{self, ReadError};
use open::{Access, RootHandle};
use resolve::Confine;

/// The operating-system layouts a home directory may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Linux,
    MacOs,
    Windows,
}

impl Layout {
    /// Every layout: an image may come from any system.
    pub const ALL: [Layout; 3] = [Layout::Linux, Layout::MacOs, Layout::Windows];

    /// The layout of the machine clientlint runs on.
    pub fn current() -> Layout {
        if cfg!(windows) {
            Layout::Windows
        } else if cfg!(target_os = "macos") {
            Layout::MacOs
        } else {
            Layout::Linux
        }
    }
}

/// A view of the file system for one run. Cheap to clone: the roots are shared.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    scope: Scope,
}

#[derive(Debug, Clone, Default)]
enum Scope {
    /// This machine.
    #[default]
    Host,
    /// Only beneath these directories.
    Bounded(Arc<[Root]>),
    /// A machine image: this directory is its `/`.
    Image(Arc<Root>),
}

/// A directory a run may not leave.
#[derive(Debug)]
struct Root {
    /// As given (what paths under it start with).
    given: PathBuf,
    /// Absolute and normalised, to tell whether a path lies under it.
    absolute: PathBuf,
    handle: RootHandle,
}

impl Root {
    fn new(dir: &Path) -> Root {
        Root {
            given: dir.to_path_buf(),
            absolute: resolve::absolute(dir),
            handle: RootHandle::default(),
        }
    }
}

/// Where a path is, for the tree.
enum Place<'t> {
    /// On this machine, as it is.
    Host(&'t Path),
    /// Inside a root, at this relative path.
    Inside(&'t Root, PathBuf, Confine),
}

/// A file about to be replaced by a fix: the open file (to lock and re-read), the
/// directory it is in (to create the new file and rename it there) and its name in it,
/// resolved once inside the tree, so nothing later can redirect the write.
#[derive(Debug)]
pub struct WriteTarget {
    pub file: File,
    pub dir: File,
    pub name: OsString,
    /// The file's real path, for messages (and the rename on systems without `renameat`).
    pub path: PathBuf,
}

impl Tree {
    /// This machine's file system.
    pub fn host() -> Tree {
        Tree::default()
    }

    /// An image of a whole machine: `root` is its `/`.
    pub fn image(root: &Path) -> Tree {
        Tree {
            scope: Scope::Image(Arc::new(Root::new(root))),
        }
    }

    /// Only beneath `roots` (the directories named on the command line, `--home`,
    /// `--root`, and the directory of each file named).
    pub fn bounded(roots: &[PathBuf]) -> Tree {
        Tree {
            scope: Scope::Bounded(roots.iter().map(|r| Root::new(r)).collect()),
        }
    }

    /// True for this machine's own file system (no path given): only then may a client
    /// ask this machine's state, such as whether it runs the client right now.
    pub fn is_host(&self) -> bool {
        matches!(self.scope, Scope::Host)
    }

    /// The image's root, when the tree is an image.
    pub fn image_root(&self) -> Option<&Path> {
        match &self.scope {
            Scope::Image(root) => Some(&root.given),
            _ => None,
        }
    }

    /// Where a path of the machine is: `/etc/thunderbird` itself on this machine,
    /// `DIR/etc/thunderbird` in an image. `..` cannot climb above the image's root.
    pub fn machine_path(&self, absolute: &str) -> PathBuf {
        let Some(root) = self.image_root() else {
            return PathBuf::from(absolute);
        };
        let mut out = root.to_path_buf();
        let mut depth = 0usize;
        for c in Path::new(absolute).components() {
            match c {
                Component::Normal(part) => {
                    out.push(part);
                    depth += 1;
                }
                Component::ParentDir if depth > 0 => {
                    out.pop();
                    depth -= 1;
                }
                _ => {}
            }
        }
        out
    }

    /// The path of the machine that `path` (a path of the run) is: itself on this
    /// machine, `/etc/x` for `DIR/etc/x` in an image (with `/` separators), and `None` in a
    /// bounded tree, which is no machine (its absolute paths mean nothing there) or for a
    /// path outside the image.
    pub fn path_in_machine(&self, path: &Path) -> Option<String> {
        match &self.scope {
            Scope::Host => Some(path.to_string_lossy().into_owned()),
            Scope::Bounded(_) => None,
            Scope::Image(root) => {
                let rel = resolve::absolute(path)
                    .strip_prefix(&root.absolute)
                    .ok()?
                    .to_path_buf();
                let parts: Vec<String> = rel
                    .components()
                    .filter_map(|c| match c {
                        Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
                        _ => None,
                    })
                    .collect();
                Some(format!("/{}", parts.join("/")))
            }
        }
    }

    /// The path a configuration file names (profiles.ini's `Path`, FileZilla's
    /// `Config Location`): relative to `base`, or absolute — which in an image is the
    /// image's own path. Whether the tree lets it be read is decided when it is read.
    pub fn configured_path(&self, base: &Path, value: &Path) -> PathBuf {
        if value.is_absolute() || value.has_root() {
            self.machine_path(&value.to_string_lossy())
        } else {
            base.join(value)
        }
    }

    /// The OS layouts the machine may have: this machine's own, or every layout for an
    /// image or a tree (it may come from any system).
    pub fn layouts(&self) -> Vec<Layout> {
        match self.scope {
            Scope::Host => vec![Layout::current()],
            _ => Layout::ALL.to_vec(),
        }
    }

    fn place<'t>(&'t self, path: &'t Path) -> Result<Place<'t>, ReadError> {
        match &self.scope {
            Scope::Host => Ok(Place::Host(path)),
            Scope::Image(root) => within(root, path, Confine::InRoot).ok_or(ReadError::Outside),
            Scope::Bounded(roots) => roots
                .iter()
                .find_map(|root| within(root, path, Confine::Beneath))
                .ok_or(ReadError::Outside),
        }
    }

    /// Opens `path` for `access`, inside the tree.
    fn open(&self, path: &Path, access: Access) -> Result<File, ReadError> {
        let file = match self.place(path)? {
            Place::Host(p) => open::open_host(p, access),
            Place::Inside(root, rel, how) => {
                open::open_in(&root.absolute, &root.handle, &rel, how, access)
            }
        };
        file.map_err(|e| {
            if resolve::is_escape(&e) {
                ReadError::Outside
            } else {
                ReadError::Io(e)
            }
        })
    }

    /// Why `path` may not be read, if it may not: it leads out of the tree, or is not
    /// there.
    pub fn check(&self, path: &Path) -> Result<(), ReadError> {
        self.open(path, Access::Probe).map(drop)
    }

    /// A regular file at `path`, opened for reading (never a FIFO, a device or a
    /// `/proc` file), with its size.
    pub fn open_regular(&self, path: &Path) -> Result<(File, u64), ReadError> {
        let file = self.open(path, Access::Read)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular);
        }
        if open::is_pseudo(&file, &meta) {
            return Err(ReadError::Pseudo);
        }
        Ok((file, meta.len()))
    }

    /// True when `path` is a regular file (following links inside the tree).
    pub fn is_file(&self, path: &Path) -> bool {
        self.probe(path).is_some_and(|m| m.is_file())
    }

    /// True when `path` is a directory (following links inside the tree).
    pub fn is_dir(&self, path: &Path) -> bool {
        self.probe(path).is_some_and(|m| m.is_dir())
    }

    fn probe(&self, path: &Path) -> Option<std::fs::Metadata> {
        match self.place(path).ok()? {
            Place::Host(p) => std::fs::metadata(p).ok(),
            Place::Inside(..) => self.open(path, Access::Probe).ok()?.metadata().ok(),
        }
    }

    /// True when something is at `path`, even a link that leads nowhere.
    pub fn exists(&self, path: &Path) -> bool {
        self.probe(path).is_some() || self.is_link(path)
    }

    /// True when a link is at `path`, even one that leads nowhere (or out of the tree):
    /// Thunderbird's old-style profile `lock`.
    pub fn is_link(&self, path: &Path) -> bool {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return false;
        };
        // The directory opened inside the tree, then the name looked at without following
        // it: two calls, whatever the depth.
        #[cfg(target_os = "linux")]
        if !self.is_host() {
            return self.open(parent, Access::Probe).is_ok_and(|dir| {
                rustix::fs::statat(&dir, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW).is_ok_and(
                    |st| {
                        rustix::fs::FileType::from_raw_mode(st.st_mode)
                            == rustix::fs::FileType::Symlink
                    },
                )
            });
        }
        let dir = match self.place(parent) {
            Ok(Place::Host(p)) => p.to_path_buf(),
            Ok(Place::Inside(root, rel, how)) => {
                match resolve::resolve(&root.absolute, &rel, how) {
                    Ok(dir) => root.absolute.join(dir),
                    Err(_) => return false,
                }
            }
            Err(_) => return false,
        };
        std::fs::symlink_metadata(dir.join(name)).is_ok_and(|m| m.file_type().is_symlink())
    }

    /// The first `len` bytes of a regular file.
    pub fn read_head(&self, path: &Path, len: u64) -> Result<Vec<u8>, ReadError> {
        let (file, size) = self.open_regular(path)?;
        source::read_head(file, size, len)
    }

    /// A whole configuration file (size-capped).
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        let (file, size) = self.open_regular(path)?;
        source::read_whole(file, size)
    }

    /// The subdirectories of `dir`, sorted by name (links to directories are not
    /// followed).
    pub fn subdirectories(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        Ok(self
            .entries(dir)?
            .into_iter()
            .filter(|(_, kind)| *kind == Kind::Dir)
            .map(|(p, _)| p)
            .collect())
    }

    /// The regular files of `dir`, and links to regular files inside the tree, sorted by
    /// name.
    pub fn files_in(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        Ok(self
            .entries(dir)?
            .into_iter()
            .filter(|(p, kind)| match kind {
                Kind::File => true,
                Kind::Link => self.is_file(p),
                _ => false,
            })
            .map(|(p, _)| p)
            .collect())
    }

    /// The names directly in `dir` (links and all; nothing followed).
    pub fn names_in(&self, dir: &Path) -> std::io::Result<Vec<OsString>> {
        Ok(self
            .entries(dir)?
            .into_iter()
            .filter_map(|(p, _)| p.file_name().map(ToOwned::to_owned))
            .collect())
    }

    fn entries(&self, dir: &Path) -> std::io::Result<Vec<(PathBuf, Kind)>> {
        let to_io = |e: ReadError| match e {
            ReadError::Io(e) => e,
            other => std::io::Error::new(std::io::ErrorKind::PermissionDenied, other.to_string()),
        };
        let listed = match self.place(dir).map_err(to_io)? {
            Place::Host(p) => list_path(p)?,
            #[cfg(target_os = "linux")]
            Place::Inside(..) => list_open(self.open(dir, Access::Dir).map_err(to_io)?)?,
            #[cfg(not(target_os = "linux"))]
            Place::Inside(root, rel, how) => list_path(&root.absolute.join(resolve::resolve(
                &root.absolute,
                &rel,
                how,
            )?))?,
        };
        let mut out: Vec<(PathBuf, Kind)> = listed
            .into_iter()
            .map(|(name, kind)| (dir.join(name), kind))
            .collect();
        out.sort();
        Ok(out)
    }

    /// The file at `path`, resolved inside the tree for replacing it: links are followed
    /// (inside the tree) to the file they name, which is what gets written.
    pub fn write_target(&self, path: &Path) -> Result<WriteTarget, ReadError> {
        let file = self.open(path, Access::Read)?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(ReadError::NotRegular);
        }
        if open::is_pseudo(&file, &meta) {
            return Err(ReadError::Pseudo);
        }
        let real = real_path(&file, path)?;
        let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
            return Err(ReadError::NotRegular);
        };
        // The directory is opened by the real path, refusing any link on the way, and
        // must still be inside the tree: what the file's handle says is where it is.
        let dir = self.open_dir_exactly(parent)?;
        Ok(WriteTarget {
            file,
            dir,
            name: name.to_os_string(),
            path: real,
        })
    }

    /// Removes the regular file at `path` (never through a link: a link there is not
    /// what this removes), inside the tree: a temporary copy an interrupted run left.
    pub fn remove_file(&self, path: &Path) -> Result<(), ReadError> {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(ReadError::NotRegular);
        };
        let dir = self.open(parent, Access::Dir)?;
        let real = real_path(&dir, parent)?;
        let dir = self.open_dir_exactly(&real)?;
        #[cfg(target_os = "linux")]
        {
            let st = rustix::fs::statat(&dir, name, rustix::fs::AtFlags::SYMLINK_NOFOLLOW)
                .map_err(std::io::Error::from)?;
            if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile
            {
                return Err(ReadError::NotRegular);
            }
            rustix::fs::unlinkat(&dir, name, rustix::fs::AtFlags::empty())
                .map_err(std::io::Error::from)?;
            Ok(())
        }
        #[cfg(not(target_os = "linux"))]
        {
            drop(dir);
            let target = real.join(name);
            if !std::fs::symlink_metadata(&target)?.is_file() {
                return Err(ReadError::NotRegular);
            }
            Ok(std::fs::remove_file(target)?)
        }
    }

    fn open_dir_exactly(&self, dir: &Path) -> Result<File, ReadError> {
        let outside = |_| ReadError::Outside;
        match &self.scope {
            Scope::Host => open::open_host(dir, Access::Dir).map_err(ReadError::Io),
            Scope::Image(root) => exact_in(root, dir).map_err(outside)?,
            Scope::Bounded(roots) => roots
                .iter()
                .find_map(|root| exact_in(root, dir).ok())
                .ok_or(ReadError::Outside)?,
        }
    }
}

/// `path` inside `root`, when it lies under it (lexically).
fn within<'t>(root: &'t Root, path: &Path, how: Confine) -> Option<Place<'t>> {
    let absolute = resolve::absolute(path);
    let rel = absolute.strip_prefix(&root.absolute).ok()?;
    Some(Place::Inside(root, rel.to_path_buf(), how))
}

/// Opens directory `dir` (a real path, no links) inside `root`, refusing links, so a
/// directory swapped for a link since cannot redirect the write.
fn exact_in(root: &Root, dir: &Path) -> Result<Result<File, ReadError>, ()> {
    let real_root = std::fs::canonicalize(&root.absolute).map_err(drop)?;
    let rel = dir.strip_prefix(&real_root).map_err(drop)?;
    #[cfg(target_os = "linux")]
    {
        let fd = root.handle.fd(&root.absolute).map_err(drop)?;
        if let Some(result) = open::openat2(fd, rel, Confine::Beneath, Access::Dir, true) {
            return Ok(result.map(File::from).map_err(ReadError::Io));
        }
    }
    Ok(
        open::open_in(&real_root, &root.handle, rel, Confine::Beneath, Access::Dir)
            .map_err(ReadError::Io),
    )
}

/// The path an open file really has (every link resolved).
fn real_path(file: &File, path: &Path) -> Result<PathBuf, ReadError> {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd as _;
        let _ = path;
        Ok(std::fs::read_link(format!(
            "/proc/self/fd/{}",
            file.as_raw_fd()
        ))?)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
        Ok(std::fs::canonicalize(path)?)
    }
}

/// What a directory entry is, without following it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Dir,
    File,
    Link,
    Other,
}

fn kind_of(t: std::fs::FileType) -> Kind {
    if t.is_dir() {
        Kind::Dir
    } else if t.is_file() {
        Kind::File
    } else if t.is_symlink() {
        Kind::Link
    } else {
        Kind::Other
    }
}

fn list_path(dir: &Path) -> std::io::Result<Vec<(OsString, Kind)>> {
    Ok(std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| {
            let kind = e.file_type().map(kind_of).unwrap_or(Kind::Other);
            (e.file_name(), kind)
        })
        .collect())
}

/// Lists an open directory (so the listing is of the directory that was resolved inside
/// the tree, even if its path changed since).
#[cfg(target_os = "linux")]
fn list_open(dir: File) -> std::io::Result<Vec<(OsString, Kind)>> {
    {
        use std::os::unix::ffi::OsStrExt as _;
        let mut out = Vec::new();
        // The directory was opened for this listing alone, so the stream takes its
        // handle: `Dir::read_from` would open `.` again (and ask its flags) to leave the
        // caller's handle alone, three system calls more per directory of a fleet.
        let mut entries = rustix::fs::Dir::new(std::os::fd::OwnedFd::from(dir))?;
        while let Some(entry) = entries.next() {
            let entry = entry?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            let name = std::ffi::OsStr::from_bytes(name).to_os_string();
            let kind = match entry.file_type() {
                rustix::fs::FileType::Directory => Kind::Dir,
                rustix::fs::FileType::RegularFile => Kind::File,
                rustix::fs::FileType::Symlink => Kind::Link,
                rustix::fs::FileType::Unknown => {
                    match entries.fd().and_then(|dir| {
                        rustix::fs::statat(
                            dir,
                            name.as_os_str(),
                            rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
                        )
                    }) {
                        Ok(st) => match rustix::fs::FileType::from_raw_mode(st.st_mode) {
                            rustix::fs::FileType::Directory => Kind::Dir,
                            rustix::fs::FileType::RegularFile => Kind::File,
                            rustix::fs::FileType::Symlink => Kind::Link,
                            _ => Kind::Other,
                        },
                        Err(_) => Kind::Other,
                    }
                }
                _ => Kind::Other,
            };
            out.push((name, kind));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::Tree;
    use std::path::PathBuf;

    /// The pseudo-file-system check remembers block devices found real; `/proc` stays
    /// refused however many real files were read before and after it.
    #[cfg(target_os = "linux")]
    #[test]
    fn proc_is_refused_before_and_after_real_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("prefs.js");
        std::fs::write(&real, "user_pref(\"a\", 1);\n").expect("write");
        let host = Tree::host();
        let proc_file = std::path::Path::new("/proc/self/status");
        for _ in 0..3 {
            assert!(matches!(
                host.read(proc_file),
                Err(super::ReadError::Pseudo)
            ));
            assert_eq!(host.read(&real).expect("reads"), b"user_pref(\"a\", 1);\n");
        }
    }

    #[test]
    fn machine_paths_stay_inside_an_image() {
        let t = Tree::image(std::path::Path::new("/img"));
        assert_eq!(
            t.machine_path("/etc/thunderbird"),
            PathBuf::from("/img/etc/thunderbird")
        );
        assert_eq!(t.machine_path("/../../etc/x"), PathBuf::from("/img/etc/x"));
        assert_eq!(t.machine_path("/a/../../b"), PathBuf::from("/img/b"));
        assert_eq!(Tree::host().machine_path("/etc/x"), PathBuf::from("/etc/x"));
    }

    #[test]
    fn paths_of_an_image_are_named_as_its_machine_names_them() {
        let t = Tree::image(std::path::Path::new("/img"));
        let p = |s: &str| t.path_in_machine(std::path::Path::new(s));
        assert_eq!(p("/img/etc/filezilla").as_deref(), Some("/etc/filezilla"));
        assert_eq!(p("/img").as_deref(), Some("/"));
        assert_eq!(p("/elsewhere"), None);
        let bounded = Tree::bounded(&[PathBuf::from("/img")]);
        assert_eq!(
            bounded.path_in_machine(std::path::Path::new("/img/x")),
            None
        );
    }
}
