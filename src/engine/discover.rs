//! Finding what to lint: the paths on the command line, homes (`--home`, `--root`), or this
//! machine's default client locations, turned into units by asking every client.
//!
//! Discovery knows no client. A named file is offered to every client, which recognises it
//! by name and first bytes; a walked tree offers each file only to the clients that want
//! its name; a home is searched by each client in each OS layout. Each client then groups
//! what it recognised into units. Everything is looked at through one [`Tree`], which keeps
//! the run inside what it was given (see `crate::tree`): directory links are never followed
//! and file links only when they stay inside the tree (one leading out is said, not
//! followed), so loops cannot happen; FIFOs and devices are never opened; unreadable
//! entries are reported once and the walk goes on.

use std::path::{Path, PathBuf};

use crate::clients::{
    file_name, Confidence, Found, Home, HomeListing, Layout, Recognised, Seen, Unit, CLIENTS,
    SNIFF_BYTES,
};
use crate::source::ReadError;
use crate::tree::Tree;

/// The outcome of discovery.
#[derive(Debug, Default)]
pub struct Discovery {
    pub units: Vec<Unit>,
    /// Paths that could not be used or read (a tool error, exit 2).
    pub errors: Vec<String>,
    /// Files named explicitly that are not a configuration clientlint reads.
    pub unsupported: Vec<PathBuf>,
    /// Places looked at when no path was given.
    pub searched: Vec<PathBuf>,
    /// Paths left alone on purpose (they lead out of the tree): said, not an error.
    pub warnings: Vec<String>,
}

/// Directories that hold mail stores, caches or code, never client configuration: not
/// descended into, which keeps walking a home directory cheap.
const SKIPPED_DIRS: &[&str] = &[
    "ImapMail",
    "Mail",
    "News",
    "cache2",
    "startupCache",
    "node_modules",
    ".git",
    ".hg",
    ".svn",
];

/// Files recognised per client, then grouped.
struct Collector<'t> {
    tree: &'t Tree,
    /// Per client (in [`CLIENTS`] order): the files it recognised, and its machine-wide
    /// files.
    recognised: Vec<(Vec<Recognised>, Vec<Recognised>)>,
    found: Found,
    unsupported: Vec<PathBuf>,
}

impl<'t> Collector<'t> {
    fn new(tree: &'t Tree) -> Self {
        Collector {
            tree,
            recognised: CLIENTS.iter().map(|_| Default::default()).collect(),
            found: Found::default(),
            unsupported: Vec::new(),
        }
    }

    /// Offers a file to the clients; the surest claim wins, equally sure claims all
    /// count. Returns false when no client wants it.
    fn offer(&mut self, path: &Path, head: &[u8], seen: Seen) -> bool {
        let name = file_name(path);
        let claims: Vec<(usize, crate::clients::Format, Confidence)> = CLIENTS
            .iter()
            .enumerate()
            .filter(|(_, c)| seen == Seen::Named || c.wants_when_walking(path, &name))
            .filter_map(|(i, c)| {
                c.recognise(path, &name, head, seen)
                    .map(|(format, confidence)| (i, format, confidence))
            })
            .collect();
        let Some(best) = claims.iter().map(|c| c.2).max() else {
            return false;
        };
        for (i, format, _) in claims.into_iter().filter(|c| c.2 == best) {
            if let Some(slot) = self.recognised.get_mut(i) {
                slot.0
                    .push(Recognised::new(path.to_path_buf(), format, seen));
            }
        }
        true
    }

    /// Takes in what a client located (under a home, or machine-wide).
    fn take_located(&mut self, client: usize, mut found: Found, machine: bool) {
        if let Some(slot) = self.recognised.get_mut(client) {
            if machine {
                slot.1.append(&mut found.files);
            } else {
                slot.0.append(&mut found.files);
            }
        }
        self.found.absorb_messages(&mut found);
    }

    /// A file named on the command line.
    fn named_file(&mut self, path: &Path) {
        match self.tree.read_head(path, SNIFF_BYTES) {
            Ok(head) => {
                if !self.offer(path, &head, Seen::Named) {
                    self.unsupported.push(path.to_path_buf());
                }
            }
            Err(e) => self
                .found
                .errors
                .push(format!("cannot read `{}`: {e}", path.display())),
        }
    }

    /// Walks `root` without following directory links. Only regular files are looked at
    /// (and file links whose target stays inside the tree): a FIFO, socket or device under
    /// a configuration file's name is never opened (that could block), a symlink loop is
    /// never entered, and mail stores are not descended into. A directory that cannot be
    /// read is reported and the walk goes on.
    fn walk(&mut self, root: &Path) {
        let walker = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                !(e.depth() > 0
                    && e.file_type().is_dir()
                    && SKIPPED_DIRS.iter().any(|s| e.file_name() == *s))
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(root).display().to_string();
                    let reason = e
                        .io_error()
                        .map(ToString::to_string)
                        .unwrap_or_else(|| e.to_string());
                    self.found
                        .errors
                        .push(format!("cannot read `{path}`: {reason}"));
                    continue;
                }
            };
            let file_type = entry.file_type();
            let path = entry.path();
            if file_type.is_symlink() {
                // Follow a file link only when it stays inside the tree (a dotfiles
                // repository's user.js, say); never a directory link.
                if !self.tree.is_file(path) {
                    let name = file_name(path);
                    let wanted = CLIENTS.iter().any(|c| c.wants_when_walking(path, &name));
                    if wanted && matches!(self.tree.check(path), Err(ReadError::Outside)) {
                        self.found
                            .warnings
                            .push(crate::clients::outside_warning(path));
                    }
                    continue;
                }
            } else if !file_type.is_file() {
                // Directories are descended into by walkdir; FIFOs, sockets and devices
                // are never opened.
                continue;
            }
            self.walked_file(path);
        }
    }

    fn walked_file(&mut self, path: &Path) {
        let name = file_name(path);
        if !CLIENTS.iter().any(|c| c.wants_when_walking(path, &name)) {
            return;
        }
        match self.tree.read_head(path, SNIFF_BYTES) {
            Ok(head) => {
                self.offer(path, &head, Seen::Walked);
            }
            Err(e) => self
                .found
                .errors
                .push(format!("cannot read `{}`: {e}", path.display())),
        }
    }

    /// Every client's files under one home, in the given layouts.
    fn home(&mut self, home: &Path, layouts: &[Layout]) {
        let listing = listing(self.tree, home);
        for &layout in layouts {
            let home = Home {
                dir: home,
                layout,
                xdg_config: None,
                appdata: None,
                machine: &[],
                listing: listing.as_ref(),
            };
            self.locate(&home);
        }
    }

    /// Every client's files under `home`, each client given the machine-wide files it
    /// found (located first).
    fn locate(&mut self, home: &Home<'_>) {
        let found = locate_home(self.tree, home, &self.recognised);
        for (i, found) in found.into_iter().enumerate() {
            self.take_located(i, found, false);
        }
    }

    /// Groups each client's files into units, sorted by their paths.
    fn finish(self) -> Discovery {
        let Collector {
            tree,
            recognised,
            mut found,
            unsupported,
        } = self;
        // Clients group their files side by side (Thunderbird reads every profiles.ini,
        // FileZilla sorts its directories), each into a `Found` of its own, taken in
        // client order, so the result does not depend on threads.
        use rayon::prelude::*;
        let grouped: Vec<(Vec<Unit>, Found)> = CLIENTS
            .par_iter()
            .zip(recognised)
            .map(|(client, (files, machine))| {
                let mut local = Found::default();
                if files.is_empty() && machine.is_empty() {
                    return (Vec::new(), local);
                }
                (client.group(tree, files, machine, &mut local), local)
            })
            .collect();
        let mut units = Vec::new();
        for (client_units, mut local) in grouped {
            units.extend(client_units);
            found.absorb_messages(&mut local);
        }
        units.sort_by(|a, b| a.paths().cmp(b.paths()));
        units.dedup();
        for unit in &mut units {
            unit.tree = tree.clone();
        }
        // Layouts share places (FileZilla's `.config/filezilla` is both Linux's and
        // macOS's): each is named once, in the order first searched. Compared as they are
        // spelt (every place is joined onto the same home), hashing bytes rather than
        // path components and copying none: a fleet searches tens of thousands.
        let mut searched = found.searched;
        let first_time: Vec<bool> = {
            let mut named = std::collections::HashSet::with_capacity(searched.len());
            searched
                .iter()
                .map(|p| named.insert(p.as_os_str()))
                .collect()
        };
        let mut first_time = first_time.into_iter();
        searched.retain(|_| first_time.next().unwrap_or(true));
        Discovery {
            units,
            errors: found.errors,
            unsupported,
            searched,
            warnings: found.warnings,
        }
    }
}

/// The names in `home`, listed once for all clients and layouts; `None` (probe every
/// place) when it cannot be listed.
fn listing(tree: &Tree, home: &Path) -> Option<HomeListing> {
    let names = tree.names_in(home).ok()?;
    Some(HomeListing::new(names))
}

/// Every client's files under one home, in [`CLIENTS`] order: each client is given the
/// machine-wide files it found.
fn locate_home(
    tree: &Tree,
    home: &Home<'_>,
    recognised: &[(Vec<Recognised>, Vec<Recognised>)],
) -> Vec<Found> {
    CLIENTS
        .iter()
        .enumerate()
        .map(|(i, client)| {
            let machine = recognised.get(i).map(|r| r.1.as_slice()).unwrap_or(&[]);
            let home = Home { machine, ..*home };
            let mut found = Found::default();
            client.locate(tree, &home, &mut found);
            found
        })
        .collect()
}

/// Turns command-line paths into units.
pub fn from_paths(paths: &[PathBuf]) -> Discovery {
    discover(paths, &[], &[])
}

/// The tree of a run given paths, homes and roots: only beneath each directory named,
/// and, for a file named, beneath its directory (its profile's siblings are read too).
pub fn bounded_tree(paths: &[PathBuf], homes: &[PathBuf], roots: &[PathBuf]) -> Tree {
    let bounds: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                match p.parent() {
                    Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
                    _ => PathBuf::from("."),
                }
            }
        })
        .chain(homes.iter().cloned())
        .chain(roots.iter().cloned())
        .collect();
    Tree::bounded(&bounds)
}

fn add_paths(c: &mut Collector<'_>, paths: &[PathBuf]) {
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                c.found
                    .errors
                    .push(format!("cannot read `{}`: {e}", path.display()));
                continue;
            }
        };
        if meta.is_dir() {
            c.walk(path);
        } else if !meta.is_file() {
            // Named explicitly but a FIFO or device: opening it could block forever.
            c.found.errors.push(format!(
                "cannot read `{}`: not a regular file",
                path.display()
            ));
        } else {
            c.named_file(path);
        }
    }
}

/// Units for the clients of one home directory — of a mounted image or another user
/// (`--home`): every OS layout is searched, since an image may come from another system.
pub fn from_home(home: &Path) -> Discovery {
    let tree = Tree::bounded(&[home.to_path_buf()]);
    let mut c = Collector::new(&tree);
    c.home(home, &Layout::ALL);
    c.finish()
}

/// Units for every home under `root` (`/home`, an image's `Users`): each subdirectory is a
/// home, in every layout.
pub fn from_root(root: &Path) -> Discovery {
    let tree = Tree::bounded(&[root.to_path_buf()]);
    let mut c = Collector::new(&tree);
    add_root(&mut c, root);
    c.finish()
}

fn add_root(c: &mut Collector<'_>, root: &Path) {
    let homes = match c.tree.subdirectories(root) {
        Ok(h) => h,
        Err(e) => {
            c.found
                .errors
                .push(format!("cannot read `{}`: {e}", root.display()));
            return;
        }
    };
    // Homes in parallel (probing a home is dozens of stats and a few small reads), taken
    // in home order so the result does not depend on threads.
    use rayon::prelude::*;
    let tree = c.tree;
    let recognised = &c.recognised;
    let located: Vec<Vec<Found>> = homes
        .par_iter()
        .map(|home| {
            let mut per_client = Vec::new();
            let listing = listing(tree, home);
            for &layout in &Layout::ALL {
                let home = Home {
                    dir: home,
                    layout,
                    xdg_config: None,
                    appdata: None,
                    machine: &[],
                    listing: listing.as_ref(),
                };
                per_client.extend(locate_home(tree, &home, recognised));
            }
            per_client
        })
        .collect();
    for per_home in located {
        for (i, found) in per_home.into_iter().enumerate() {
            c.take_located(i % CLIENTS.len(), found, false);
        }
    }
}

/// Units for this machine's default locations: the user's clients and the machine-wide
/// files (a system fzdefaults.xml).
pub fn from_default_locations() -> Discovery {
    let tree = Tree::host();
    let mut c = Collector::new(&tree);
    // The machine's own layers first (a client's per-home locations may depend on them);
    // tests point them at a directory of their own, so that what this machine has
    // installed does not change their results.
    let machine = match std::env::var_os(MACHINE_ROOT_ENV) {
        Some(root) => Tree::image(Path::new(&root)),
        None => Tree::host(),
    };
    for (i, client) in CLIENTS.iter().enumerate() {
        let mut found = Found::default();
        client.locate_machine(&machine, &mut found);
        c.take_located(i, found, true);
    }
    if let Some(dir) = dirs::home_dir() {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let layout = Layout::current();
        // %APPDATA% may be redirected: ask the OS rather than assume the layout.
        let appdata = (layout == Layout::Windows).then(dirs::config_dir).flatten();
        let home = Home {
            dir: &dir,
            layout,
            xdg_config: xdg.as_deref(),
            appdata: appdata.as_deref(),
            machine: &[],
            // `$XDG_CONFIG_HOME` and `%APPDATA%` may lie outside; few places to probe.
            listing: None,
        };
        c.locate(&home);
    }
    c.finish()
}

/// Environment variable naming the directory that stands for this machine's `/` when
/// machine-wide layers are looked for without a path (for tests).
pub const MACHINE_ROOT_ENV: &str = "CLIENTLINT_MACHINE_ROOT";

/// What the command line names: `--sysroot` with paths inside the image, or paths, homes
/// and roots (with none, this machine's default locations).
pub fn from_args(
    paths: &[PathBuf],
    homes: &[PathBuf],
    roots: &[PathBuf],
    sysroot: Option<&Path>,
) -> Discovery {
    match sysroot {
        Some(root) => from_sysroot(root, paths),
        None => discover(paths, homes, roots),
    }
}

/// A whole machine's image: its machine-wide layers, and either the paths given (paths
/// inside the image) or every home in it (`home/*`, `root`, `Users/*`).
pub fn from_sysroot(root: &Path, paths: &[PathBuf]) -> Discovery {
    let tree = Tree::image(root);
    let mut c = Collector::new(&tree);
    if !tree.is_dir(root) {
        c.found
            .errors
            .push(format!("cannot read `{}`: not a directory", root.display()));
        return c.finish();
    }
    for (i, client) in CLIENTS.iter().enumerate() {
        let mut found = Found::default();
        client.locate_machine(&tree, &mut found);
        c.take_located(i, found, true);
    }
    if paths.is_empty() {
        for homes in ["/home", "/Users"] {
            let dir = tree.machine_path(homes);
            if tree.is_dir(&dir) {
                add_root(&mut c, &dir);
            }
        }
        let root_home = tree.machine_path("/root");
        if tree.is_dir(&root_home) {
            c.home(&root_home, &Layout::ALL);
        }
    } else {
        let inside: Vec<PathBuf> = paths
            .iter()
            .map(|p| tree.machine_path(&p.to_string_lossy()))
            .collect();
        add_paths(&mut c, &inside);
    }
    c.finish()
}

/// Everything a command line names: paths, `--home` and `--root` directories; with none,
/// this machine's default locations.
pub fn discover(paths: &[PathBuf], homes: &[PathBuf], roots: &[PathBuf]) -> Discovery {
    if paths.is_empty() && homes.is_empty() && roots.is_empty() {
        return from_default_locations();
    }
    let tree = bounded_tree(paths, homes, roots);
    let mut c = Collector::new(&tree);
    add_paths(&mut c, paths);
    for home in homes {
        if tree.is_dir(home) {
            c.home(home, &Layout::ALL);
        } else {
            c.found
                .errors
                .push(format!("cannot read `{}`: not a directory", home.display()));
        }
    }
    for root in roots {
        add_root(&mut c, root);
    }
    c.finish()
}

/// The format a file named on the command line is read as, as discovery would recognise
/// it (the surest claim; the first client's when several are equally sure).
pub fn recognise(path: &Path, head: &[u8]) -> Option<crate::clients::Format> {
    let name = file_name(path);
    let mut best: Option<(crate::clients::Format, Confidence)> = None;
    for c in CLIENTS {
        if let Some((format, confidence)) = c.recognise(path, &name, head, Seen::Named) {
            if best.map(|(_, b)| confidence > b).unwrap_or(true) {
                best = Some((format, confidence));
            }
        }
    }
    best.map(|(format, _)| format)
}

/// The unit its client makes of one file read as `format` (as if met while walking, so
/// no sibling is looked for): for linting bytes held in memory.
pub fn unit_for(path: &Path, format: crate::clients::Format) -> Option<Unit> {
    let client = CLIENTS.iter().find(|c| c.formats().contains(&format))?;
    let file = Recognised::new(path.to_path_buf(), format, Seen::Walked);
    let mut found = Found::default();
    client
        .group(&Tree::host(), vec![file], Vec::new(), &mut found)
        .into_iter()
        .find(|u| u.owned_paths().any(|p| p == path))
}
