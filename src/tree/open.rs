//! Opening inside a root: `openat2` with `RESOLVE_BENEATH` or `RESOLVE_IN_ROOT` on Linux,
//! so the kernel resolves every link and `..` inside the root and a link swapped in during
//! the run cannot lead out; [`super::resolve`] and `O_NOFOLLOW` where `openat2` is missing
//! (other systems, kernels before 5.6, sandboxes that filter it).

use std::fs::File;
use std::io;
use std::path::Path;

use super::resolve::{self, Confine};

/// What an open is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Access {
    /// Reading a file's bytes (non-blocking, so a FIFO cannot make it wait).
    Read,
    /// Asking what is there, following links (a handle that reads nothing).
    Probe,
    /// Listing a directory, or writing in it.
    Dir,
}

/// The open directory handle of a root, made when first needed.
#[derive(Debug, Default)]
pub(super) struct RootHandle {
    #[cfg(target_os = "linux")]
    fd: std::sync::OnceLock<std::os::fd::OwnedFd>,
}

#[cfg(target_os = "linux")]
mod linux {
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::sync::atomic::{AtomicBool, Ordering};

    use rustix::fs::{OFlags, ResolveFlags};

    use super::{Access, Confine, RootHandle};

    /// Set once `openat2` is found missing: every later open takes the portable way.
    static NO_OPENAT2: AtomicBool = AtomicBool::new(false);

    impl RootHandle {
        pub(in crate::tree) fn fd(&self, dir: &std::path::Path) -> std::io::Result<BorrowedFd<'_>> {
            if self.fd.get().is_none() {
                let fd = rustix::fs::open(
                    dir,
                    OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
                    rustix::fs::Mode::empty(),
                )?;
                // Another thread may have opened it first; either handle will do.
                let _ = self.fd.set(fd);
            }
            self.fd
                .get()
                .map(AsFd::as_fd)
                .ok_or_else(|| std::io::Error::other("the tree's root could not be opened"))
        }
    }

    pub(in crate::tree) fn flags(access: Access) -> OFlags {
        match access {
            Access::Read => OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Access::Probe => OFlags::PATH | OFlags::CLOEXEC,
            Access::Dir => OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        }
    }

    /// `openat2` below `root`; `None` when the kernel lacks it.
    pub(in crate::tree) fn openat2(
        root: BorrowedFd<'_>,
        rel: &std::path::Path,
        how: Confine,
        access: Access,
        no_links: bool,
    ) -> Option<std::io::Result<OwnedFd>> {
        if NO_OPENAT2.load(Ordering::Relaxed) {
            return None;
        }
        let mut resolve = ResolveFlags::NO_MAGICLINKS;
        resolve |= match how {
            Confine::Beneath => ResolveFlags::BENEATH,
            Confine::InRoot => ResolveFlags::IN_ROOT,
        };
        if no_links {
            resolve |= ResolveFlags::NO_SYMLINKS;
        }
        let rel = if rel.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            rel
        };
        match rustix::fs::openat2(root, rel, flags(access), rustix::fs::Mode::empty(), resolve) {
            Err(e) if e == rustix::io::Errno::NOSYS => {
                NO_OPENAT2.store(true, Ordering::Relaxed);
                None
            }
            other => Some(other.map_err(std::io::Error::from)),
        }
    }
}

#[cfg(target_os = "linux")]
pub(super) use linux::openat2;

/// Opens `rel` inside `root` (whose handle is `handle`), confined as `how` says.
pub(super) fn open_in(
    root: &Path,
    handle: &RootHandle,
    rel: &Path,
    how: Confine,
    access: Access,
) -> io::Result<File> {
    #[cfg(target_os = "linux")]
    {
        let fd = handle.fd(root)?;
        match openat2(fd, rel, how, access, false) {
            // The kernel refuses every absolute link beneath a root, even one that stays
            // inside: resolve it here, then open what it names with no link allowed, so
            // a link swapped in since still cannot lead out.
            Some(Err(e)) if how == Confine::Beneath && resolve::is_escape(&e) => {
                let inside = resolve::resolve(root, rel, how)?;
                if let Some(result) = openat2(fd, &inside, how, access, true) {
                    return result.map(File::from);
                }
            }
            Some(result) => return result.map(File::from),
            None => {}
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = handle;
    let resolved = root.join(resolve::resolve(root, rel, how)?);
    open_plain(&resolved, access, true)
}

/// Opens a path of this machine (no root to stay in).
pub(super) fn open_host(path: &Path, access: Access) -> io::Result<File> {
    open_plain(path, access, false)
}

fn open_plain(path: &Path, access: Access, no_follow: bool) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut flags = libc::O_CLOEXEC;
        flags |= match access {
            Access::Read => libc::O_NONBLOCK | libc::O_NOCTTY,
            Access::Probe => libc::O_NONBLOCK | libc::O_NOCTTY,
            Access::Dir => libc::O_DIRECTORY,
        };
        if no_follow {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    #[cfg(not(unix))]
    let _ = (access, no_follow);
    options.open(path)
}

/// True when `file` (whose metadata is `meta`) lives on a pseudo file system (`/proc`,
/// `/sys` and their kin), whose "files" are the state of this machine
/// (`/proc/self/environ` holds CI tokens): never read, wherever a link or a path put them.
pub(super) fn is_pseudo(file: &File, meta: &std::fs::Metadata) -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        use std::sync::atomic::{AtomicU64, Ordering};
        // Block devices already found to hold a real file system: a fleet reads thousands
        // of files from one disk, and asking the kernel each time was a system call per
        // file. Only devices with a major number are remembered: every pseudo file system
        // sits on an anonymous device (major 0), whose numbers are recycled; a block
        // device is never one.
        static REAL: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
        let dev = meta.dev();
        let block = libc::major(dev) != 0;
        if block && REAL.iter().any(|d| d.load(Ordering::Relaxed) == dev) {
            return false;
        }
        let pseudo = statfs_says_pseudo(file);
        if block && !pseudo {
            if let Some(free) = REAL.iter().find(|d| d.load(Ordering::Relaxed) == 0) {
                // Two threads may both take the slot: each writes a real device's number.
                free.store(dev, Ordering::Relaxed);
            }
        }
        pseudo
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (file, meta);
        false
    }
}

/// What the file system under `file` says about itself: a pseudo file system's magic.
// `f_type`'s width differs between targets: the casts are needed on some.
#[cfg(target_os = "linux")]
#[allow(clippy::unnecessary_cast, clippy::cast_lossless)]
fn statfs_says_pseudo(file: &File) -> bool {
    const SYSFS_MAGIC: i64 = 0x6265_6572;
    const DEBUGFS_MAGIC: i64 = 0x6462_6720;
    const SECURITYFS_MAGIC: i64 = 0x7363_6673;
    const CGROUP2_MAGIC: i64 = 0x6367_7270;
    const CGROUP_MAGIC: i64 = 0x0027_e0eb;
    const TRACEFS_MAGIC: i64 = 0x7472_6163;
    const BPF_MAGIC: i64 = 0xcafe_4a11;
    const EFIVARFS_MAGIC: i64 = 0xde5e_81e4;
    match rustix::fs::fstatfs(file) {
        Ok(fs) => {
            let kind = fs.f_type as i64;
            kind == rustix::fs::PROC_SUPER_MAGIC as i64
                || [
                    SYSFS_MAGIC,
                    DEBUGFS_MAGIC,
                    SECURITYFS_MAGIC,
                    CGROUP2_MAGIC,
                    CGROUP_MAGIC,
                    TRACEFS_MAGIC,
                    BPF_MAGIC,
                    EFIVARFS_MAGIC,
                ]
                .contains(&kind)
        }
        Err(_) => true,
    }
}
