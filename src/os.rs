//! Is a client running on this profile? The OS-level lock probes that the clients
//! use to refuse writing while a client holds its profile (it would overwrite the fix when
//! it exits). Lock files are opened through the run's tree; the process probe reads this
//! machine's `/proc` and is only asked when the run is about this machine.

use std::path::Path;

use crate::tree::Tree;

/// True when another process holds a POSIX (fcntl) write lock on any byte of the regular
/// file at `path` (opened through `tree`: never a FIFO, never out of the tree). Gecko
/// locks `.parentlock` this way, FileZilla its `lockfile`.
#[cfg(unix)]
pub fn fcntl_lock_held(tree: &Tree, path: &Path) -> bool {
    use std::os::unix::io::AsRawFd;
    let Ok((file, _)) = tree.open_regular(path) else {
        return false;
    };
    // SAFETY: `flock` is a plain C struct for which all-zero bytes are a valid value, and
    // `F_GETLK` only writes into it. The descriptor is open for the whole call.
    let mut query: libc::flock = unsafe { std::mem::zeroed() };
    query.l_type = libc::F_WRLCK as libc::c_short;
    query.l_whence = libc::SEEK_SET as libc::c_short;
    query.l_start = 0;
    query.l_len = 0;
    // SAFETY: see above; `query` outlives the call.
    let rc = unsafe { libc::fcntl(file.as_raw_fd(), libc::F_GETLK, &mut query) };
    rc == 0 && query.l_type != libc::F_UNLCK as libc::c_short
}

/// On Windows a running client keeps its lock file open without sharing, so opening it
/// fails with a sharing violation.
#[cfg(windows)]
pub fn fcntl_lock_held(tree: &Tree, path: &Path) -> bool {
    const ERROR_SHARING_VIOLATION: i32 = 32;
    if tree.check(path).is_err() {
        return false;
    }
    match std::fs::OpenOptions::new().write(true).open(path) {
        Ok(_) => false,
        Err(e) => e.raw_os_error() == Some(ERROR_SHARING_VIOLATION),
    }
}

#[cfg(not(any(unix, windows)))]
pub fn fcntl_lock_held(_tree: &Tree, _path: &Path) -> bool {
    false
}

/// True when a process with this command name runs (Linux: `/proc/*/comm`). Other systems
/// answer false: there is no cheap, dependency-free way to ask.
pub fn process_running(name: &str) -> bool {
    if !cfg!(target_os = "linux") {
        return false;
    }
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        e.file_name()
            .to_string_lossy()
            .bytes()
            .all(|b| b.is_ascii_digit())
            && std::fs::read_to_string(e.path().join("comm"))
                .map(|c| c.trim() == name)
                .unwrap_or(false)
    })
}
