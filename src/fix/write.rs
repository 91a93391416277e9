//! Writing a fixed file: inside the run's tree, atomically, keeping everything the file
//! was but its bytes, and never over a change made since it was read.
//!
//! The file is resolved once through the tree ([`Tree::write_target`]): links inside the
//! tree lead to the file they name, which is what is written, so a link stays a link; the
//! directory is held open, so nothing later redirects the write. Then, on Linux:
//! 1. refuse a read-only file, and a file with several hard links unless
//!    `--break-hardlinks` (the other names would keep the old bytes);
//! 2. take an advisory lock (`flock`) on the file, so two runs cannot lose each other's
//!    fixes, and check under it that the name still names the file read and its bytes are
//!    still the ones read;
//! 3. with `--backup`, write the original bytes to a new file with the file's mode and
//!    rename it over `FILE.clientlint.bak` (an existing backup, even a link, is replaced,
//!    never followed);
//! 4. write the new bytes to an unnamed temporary file (`O_TMPFILE`: a killed run leaves
//!    nothing behind) with the file's owner, mode and extended attributes (POSIX ACLs and
//!    SELinux labels are extended attributes), sync it, check once more, and rename it
//!    over the file. Where `O_TMPFILE` is missing, a named `.FILE.clientlint-XXXXXX` is
//!    used and removed on SIGINT, SIGTERM and SIGHUP.
//!
//! Other systems write through `atomic-write-file` (mode and owner kept).

use std::path::Path;

use crate::source::ReadError;
use crate::tree::Tree;

/// How fixed files are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Keep `FILE.clientlint.bak` with the original bytes.
    pub backup: bool,
    /// Write even though the client holds its profile lock.
    pub force: bool,
    /// Write a file that has several hard links, making it a file of its own.
    pub break_hardlinks: bool,
}

/// Environment variable naming a failure point, for tests of interrupted writes:
/// `after-temp-write` fails after the temporary file is written and before it replaces
/// the original; `before-rename` waits (for a signal) with a named temporary file in place.
pub const FAILPOINT_ENV: &str = "CLIENTLINT_FAILPOINT";

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{path}` is read-only; it was left untouched")]
    ReadOnly { path: String },
    #[error("`{path}` changed on disk since it was read; it was left untouched (run again)")]
    Changed { path: String },
    #[error("{reason}; `{path}` was left untouched (close the client first, or use --force)")]
    Locked { path: String, reason: String },
    #[error("`{path}` is being written by another process (it holds a lock on it); it was left untouched (run again)")]
    Busy { path: String },
    #[error("`{path}` has {links} hard links: a fixed copy would leave the other names with the old content; it was left untouched (use --break-hardlinks to write it as a file of its own)")]
    HardLink { path: String, links: u64 },
    #[error("`{path}` leads out of the tree clientlint was given; it was left untouched")]
    Outside { path: String },
    #[error("could not keep the extended attribute `{attribute}` of `{path}` ({source}); it was left untouched")]
    Metadata {
        path: String,
        attribute: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not write `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes one fixed file atomically in place of `path`, inside `tree` (through a link
/// inside the tree, to its target), keeping its permissions, owner and extended
/// attributes.
pub fn write_file(
    tree: &Tree,
    path: &Path,
    before: &[u8],
    after: &[u8],
    options: WriteOptions,
) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let target = match tree.write_target(path) {
        Ok(t) => t,
        Err(ReadError::Outside) => return Err(WriteError::Outside { path: shown }),
        Err(ReadError::Io(source)) => {
            return Err(WriteError::Io {
                path: shown,
                source,
            })
        }
        Err(other) => {
            return Err(WriteError::Io {
                path: shown,
                source: std::io::Error::other(other.to_string()),
            })
        }
    };
    #[cfg(target_os = "linux")]
    {
        linux::replace(&target, before, after, options, &shown)
    }
    #[cfg(not(target_os = "linux"))]
    {
        portable::replace(&target.path, before, after, options, &shown)
    }
}

/// True for the name of a temporary copy a `--fix` of `name` leaves when it is killed:
/// `.NAME.clientlint-XXXXXX`, or `.NAME.XXXXXX` (six letters or digits) from versions
/// that wrote through `atomic-write-file`.
pub fn is_leftover_temp_of(candidate: &str, name: &str) -> bool {
    let Some(rest) = candidate
        .strip_prefix('.')
        .and_then(|c| c.strip_prefix(name))
        .and_then(|c| c.strip_prefix('.'))
    else {
        return false;
    };
    let suffix = rest.strip_prefix("clientlint-").unwrap_or(rest);
    suffix.len() == 6 && suffix.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A name for a temporary file next to `name`: `.NAME.clientlint-XXXXXX`.
fn temp_name(name: &std::ffi::OsStr, attempt: u32) -> std::ffi::OsString {
    use std::hash::{BuildHasher as _, Hasher as _};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
    h.write_u32(std::process::id());
    h.write_u32(attempt);
    let mut n = h.finish();
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut suffix = String::with_capacity(6);
    for _ in 0..6 {
        let i = usize::try_from(n % ALPHABET.len() as u64).unwrap_or(0);
        suffix.push(char::from(ALPHABET.get(i).copied().unwrap_or(b'x')));
        n /= ALPHABET.len() as u64;
    }
    let mut out = std::ffi::OsString::from(".");
    out.push(name);
    out.push(".clientlint-");
    out.push(suffix);
    out
}

#[cfg(target_os = "linux")]
mod linux {
    use std::ffi::{OsStr, OsString};
    use std::fs::File;
    use std::io::Write as _;
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileExt as _;

    use rustix::fs::{AtFlags, FlockOperation, Mode, OFlags, Stat};
    use rustix::io::Errno;

    use super::{temp_name, WriteError, WriteOptions, FAILPOINT_ENV};
    use crate::tree::WriteTarget;

    /// How long a run waits for another one's lock on the same file.
    const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

    pub(super) fn replace(
        target: &WriteTarget,
        before: &[u8],
        after: &[u8],
        options: WriteOptions,
        shown: &str,
    ) -> Result<(), WriteError> {
        let io = |source: std::io::Error| WriteError::Io {
            path: shown.to_owned(),
            source,
        };
        let errno = |e: Errno| io(e.into());
        let st = rustix::fs::fstat(&target.file).map_err(errno)?;
        if st.st_mode & 0o222 == 0 {
            return Err(WriteError::ReadOnly {
                path: shown.to_owned(),
            });
        }
        if st.st_nlink > 1 && !options.break_hardlinks {
            return Err(WriteError::HardLink {
                path: shown.to_owned(),
                links: st.st_nlink,
            });
        }
        lock(&target.file, shown)?;
        unchanged(target, &st, before, shown)?;
        if options.backup {
            let mut bak = target.name.clone();
            bak.push(".clientlint.bak");
            let tmp = Temp::create(target, &st).map_err(io)?;
            tmp.fill(before, &target.file, &st, shown)?;
            tmp.publish(target, &bak).map_err(io)?;
        }
        let tmp = Temp::create(target, &st).map_err(io)?;
        tmp.fill(after, &target.file, &st, shown)?;
        if std::env::var(FAILPOINT_ENV).as_deref() == Ok("after-temp-write") {
            // Dropping the temporary file removes it.
            drop(tmp);
            return Err(io(std::io::Error::other("failpoint after-temp-write")));
        }
        // Last check before the rename: the file may have changed while we wrote.
        unchanged(target, &st, before, shown)?;
        tmp.publish(target, &target.name).map_err(io)?;
        rustix::fs::fsync(&target.dir).map_err(errno)
    }

    /// Takes the advisory lock, waiting a little for another clientlint to finish.
    fn lock(file: &File, shown: &str) -> Result<(), WriteError> {
        let start = std::time::Instant::now();
        loop {
            match rustix::fs::flock(file, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => return Ok(()),
                Err(Errno::WOULDBLOCK) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(Errno::WOULDBLOCK) => {
                    return Err(WriteError::Busy {
                        path: shown.to_owned(),
                    })
                }
                // A file system without flock (some network ones): the content checks
                // still guard the write.
                Err(_) => return Ok(()),
            }
        }
    }

    /// The name still names the file read, and the file still holds `before`.
    fn unchanged(
        target: &WriteTarget,
        st: &Stat,
        before: &[u8],
        shown: &str,
    ) -> Result<(), WriteError> {
        let changed = || WriteError::Changed {
            path: shown.to_owned(),
        };
        let now = rustix::fs::statat(
            &target.dir,
            target.name.as_os_str(),
            AtFlags::SYMLINK_NOFOLLOW,
        )
        .map_err(|_| changed())?;
        if now.st_ino != st.st_ino || now.st_dev != st.st_dev {
            return Err(changed());
        }
        let mut current = vec![0u8; before.len() + 1];
        let mut filled = 0;
        while filled < current.len() {
            let Some(buf) = current.get_mut(filled..) else {
                break;
            };
            match target.file.read_at(buf, filled as u64) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(changed()),
            }
        }
        if current.get(..filled) == Some(before) {
            Ok(())
        } else {
            Err(changed())
        }
    }

    /// A new file in the target's directory: unnamed until published where the file
    /// system allows it, else named and removed if the run stops before publishing.
    struct Temp<'t> {
        file: File,
        dir: &'t File,
        name: Option<OsString>,
    }

    impl<'t> Temp<'t> {
        fn create(target: &'t WriteTarget, st: &Stat) -> std::io::Result<Temp<'t>> {
            let mode = Mode::from_raw_mode(st.st_mode & 0o7777);
            let flags = OFlags::WRONLY | OFlags::CLOEXEC;
            match rustix::fs::openat(&target.dir, ".", flags | OFlags::TMPFILE, mode) {
                Ok(fd) => {
                    return Ok(Temp {
                        file: File::from(fd),
                        dir: &target.dir,
                        name: None,
                    })
                }
                Err(Errno::OPNOTSUPP | Errno::ISDIR | Errno::INVAL | Errno::NOENT) => {}
                Err(e) => return Err(e.into()),
            }
            for attempt in 0..100 {
                let name = temp_name(&target.name, attempt);
                let create = flags | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW;
                match rustix::fs::openat(&target.dir, name.as_os_str(), create, mode) {
                    Ok(fd) => {
                        cleanup::register(target.path.with_file_name(&name));
                        return Ok(Temp {
                            file: File::from(fd),
                            dir: &target.dir,
                            name: Some(name),
                        });
                    }
                    Err(Errno::EXIST) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            Err(std::io::Error::other("no free temporary file name"))
        }

        /// Writes `bytes` and gives the file the original's owner, mode and extended
        /// attributes, then syncs it.
        fn fill(
            &self,
            bytes: &[u8],
            original: &File,
            st: &Stat,
            shown: &str,
        ) -> Result<(), WriteError> {
            let io = |source: std::io::Error| WriteError::Io {
                path: shown.to_owned(),
                source,
            };
            (&self.file).write_all(bytes).map_err(io)?;
            // The owner where we may (root, or our own file); the mode after it, since a
            // change of owner clears set-id bits.
            let _ = rustix::fs::fchown(
                &self.file,
                Some(rustix::fs::Uid::from_raw(st.st_uid)),
                Some(rustix::fs::Gid::from_raw(st.st_gid)),
            );
            rustix::fs::fchmod(&self.file, Mode::from_raw_mode(st.st_mode & 0o7777))
                .map_err(|e| io(e.into()))?;
            copy_xattrs(original, &self.file, shown)?;
            rustix::fs::fsync(&self.file).map_err(|e| io(e.into()))
        }

        /// Gives the file `name` in the directory, replacing what is there (a link there
        /// is replaced, not followed).
        fn publish(mut self, target: &WriteTarget, name: &OsStr) -> std::io::Result<()> {
            let dir = self.dir;
            let staged = match &self.name {
                Some(staged) => staged.clone(),
                None => self.link_unnamed(target)?,
            };
            if std::env::var(FAILPOINT_ENV).as_deref() == Ok("before-rename") {
                // For the interruption tests: a named temporary file exists now.
                std::thread::sleep(std::time::Duration::from_secs(30));
            }
            let renamed = rustix::fs::renameat(dir, staged.as_os_str(), dir, name);
            cleanup::unregister(&target.path.with_file_name(&staged));
            if renamed.is_err() {
                let _ = rustix::fs::unlinkat(dir, staged.as_os_str(), AtFlags::empty());
            }
            // Published (or removed above): nothing left for drop to remove.
            self.name = None;
            renamed.map_err(Into::into)
        }

        /// Links an unnamed file into the directory under a fresh temporary name.
        fn link_unnamed(&self, target: &WriteTarget) -> std::io::Result<OsString> {
            use std::os::fd::AsRawFd as _;
            let proc_path = format!("/proc/self/fd/{}", self.file.as_raw_fd());
            for attempt in 0..100 {
                let name = temp_name(&target.name, attempt);
                cleanup::register(target.path.with_file_name(&name));
                match rustix::fs::linkat(
                    rustix::fs::CWD,
                    proc_path.as_str(),
                    self.dir,
                    name.as_os_str(),
                    AtFlags::SYMLINK_FOLLOW,
                ) {
                    Ok(()) => return Ok(name),
                    Err(Errno::EXIST) => {
                        cleanup::unregister(&target.path.with_file_name(&name));
                        continue;
                    }
                    Err(e) => {
                        cleanup::unregister(&target.path.with_file_name(&name));
                        return Err(e.into());
                    }
                }
            }
            Err(std::io::Error::other("no free temporary file name"))
        }
    }

    impl Drop for Temp<'_> {
        fn drop(&mut self) {
            if let Some(name) = &self.name {
                let _ = rustix::fs::unlinkat(self.dir, name.as_os_str(), AtFlags::empty());
            }
        }
    }

    /// Copies every extended attribute of `from` that `to` lacks or has otherwise.
    fn copy_xattrs(from: &File, to: &File, shown: &str) -> Result<(), WriteError> {
        let names = match list_xattrs(from) {
            Ok(names) => names,
            // No extended attributes on this file system.
            Err(Errno::OPNOTSUPP) => return Ok(()),
            Err(e) => {
                return Err(WriteError::Io {
                    path: shown.to_owned(),
                    source: e.into(),
                })
            }
        };
        for name in names {
            let failed = |source: Errno| WriteError::Metadata {
                path: shown.to_owned(),
                attribute: name.to_string_lossy().into_owned(),
                source: source.into(),
            };
            let value = get_xattr(from, &name).map_err(failed)?;
            if get_xattr(to, &name).ok().as_deref() == Some(value.as_slice()) {
                continue;
            }
            rustix::fs::fsetxattr(to, name.as_c_str(), &value, rustix::fs::XattrFlags::empty())
                .map_err(failed)?;
        }
        Ok(())
    }

    fn list_xattrs(file: &File) -> Result<Vec<std::ffi::CString>, Errno> {
        let len = rustix::fs::flistxattr_query(file.as_fd())?;
        let mut buf = vec![0u8; len];
        let len = rustix::fs::flistxattr(file.as_fd(), &mut buf[..])?;
        buf.truncate(len);
        Ok(buf
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .filter_map(|n| std::ffi::CString::new(n).ok())
            .collect())
    }

    fn get_xattr(file: &File, name: &std::ffi::CStr) -> Result<Vec<u8>, Errno> {
        let len = rustix::fs::fgetxattr_query(file.as_fd(), name)?;
        let mut buf = vec![0u8; len];
        let len = rustix::fs::fgetxattr(file.as_fd(), name, &mut buf[..])?;
        buf.truncate(len);
        Ok(buf)
    }

    /// Named temporary files to remove if the run is stopped by a signal.
    pub(super) mod cleanup {
        use std::path::{Path, PathBuf};
        use std::sync::{Mutex, Once};

        static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
        static HANDLER: Once = Once::new();

        pub(in crate::fix) fn register(path: PathBuf) {
            HANDLER.call_once(install);
            if let Ok(mut pending) = PENDING.lock() {
                pending.push(path);
            }
        }

        pub(in crate::fix) fn unregister(path: &Path) {
            if let Ok(mut pending) = PENDING.lock() {
                pending.retain(|p| p != path);
            }
        }

        /// A thread that waits for SIGINT, SIGTERM or SIGHUP, removes the pending files,
        /// and then lets the signal do what it would have done.
        fn install() {
            use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
            let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            else {
                return;
            };
            let _ = std::thread::Builder::new()
                .name("clientlint-cleanup".to_owned())
                .spawn(move || {
                    if let Some(signal) = signals.forever().next() {
                        if let Ok(pending) = PENDING.lock() {
                            for p in pending.iter() {
                                let _ = std::fs::remove_file(p);
                            }
                        }
                        let _ = signal_hook::low_level::emulate_default_handler(signal);
                    }
                });
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod portable {
    use std::io::Write as _;
    use std::path::Path;

    use super::{WriteError, WriteOptions, FAILPOINT_ENV};

    pub(super) fn replace(
        target: &Path,
        before: &[u8],
        after: &[u8],
        options: WriteOptions,
        shown: &str,
    ) -> Result<(), WriteError> {
        let io = |source| WriteError::Io {
            path: shown.to_owned(),
            source,
        };
        let meta = std::fs::metadata(target).map_err(io)?;
        if meta.permissions().readonly() {
            return Err(WriteError::ReadOnly {
                path: shown.to_owned(),
            });
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            if meta.nlink() > 1 && !options.break_hardlinks {
                return Err(WriteError::HardLink {
                    path: shown.to_owned(),
                    links: meta.nlink(),
                });
            }
        }
        if std::fs::read(target).map_err(io)? != before {
            return Err(WriteError::Changed {
                path: shown.to_owned(),
            });
        }
        if options.backup {
            let mut name = target.file_name().unwrap_or_default().to_os_string();
            name.push(".clientlint.bak");
            // Written to a temporary file and renamed over the backup: an existing
            // backup (or a link there) is replaced, never followed.
            let mut bak = atomic_write_file::AtomicWriteFile::options()
                .open(target.with_file_name(name))
                .map_err(io)?;
            bak.write_all(before).map_err(io)?;
            bak.as_file()
                .set_permissions(meta.permissions())
                .map_err(io)?;
            bak.commit().map_err(io)?;
        }
        let mut file = atomic_write_file::AtomicWriteFile::options()
            .open(target)
            .map_err(io)?;
        file.write_all(after).map_err(io)?;
        if std::env::var(FAILPOINT_ENV).as_deref() == Ok("after-temp-write") {
            drop(file);
            return Err(io(std::io::Error::other("failpoint after-temp-write")));
        }
        if std::fs::read(target).map_err(io)? != before {
            drop(file);
            return Err(WriteError::Changed {
                path: shown.to_owned(),
            });
        }
        file.commit().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::is_leftover_temp_of;

    #[test]
    fn leftover_temporary_copies_are_told_by_name() {
        assert!(is_leftover_temp_of(
            ".prefs.js.clientlint-a1B2c3",
            "prefs.js"
        ));
        assert!(is_leftover_temp_of(".prefs.js.a1B2c3", "prefs.js"));
        assert!(!is_leftover_temp_of(".prefs.js.a1B2c", "prefs.js"));
        assert!(!is_leftover_temp_of(".user.js.a1B2c3", "prefs.js"));
        assert!(!is_leftover_temp_of("prefs.js.a1B2c3", "prefs.js"));
        assert!(!is_leftover_temp_of(".prefs.js.clientlint.bak", "prefs.js"));
    }
}
