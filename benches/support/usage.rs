//! Running the release binary once and measuring it: CPU time (user + system), peak RSS
//! and wall time of the child, from `wait4`.

use std::path::Path;
use std::time::{Duration, Instant};

/// CPU time (user + system), peak RSS (KiB) and wall time of one run of the binary.
pub(crate) struct Usage {
    pub(crate) cpu: Duration,
    pub(crate) peak_kib: i64,
    pub(crate) wall: Duration,
    pub(crate) code: i32,
}

/// Runs clientlint with `args` then `root`, output discarded.
pub(crate) fn run(args: &[&str], root: &Path) -> Option<Usage> {
    let start = Instant::now();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_clientlint"))
        .args(args)
        .arg(root)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let pid = libc::pid_t::try_from(child.id()).ok()?;
    let mut status = 0;
    // SAFETY: wait4 writes only into the status and the rusage we pass; the child is ours
    // and not waited for elsewhere.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: see above.
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if rc != pid {
        return None;
    }
    let wall = start.elapsed();
    let tv = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    Some(Usage {
        cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
        peak_kib: usage.ru_maxrss,
        wall,
        code: libc::WEXITSTATUS(status),
    })
}
