//! The allocator's tuning for a run's heap (mimalloc, installed by `src/main.rs`): the
//! binary and the benches that report its figures apply the same.

/// `mi_option_purge_delay` in mimalloc v3's `mimalloc.h` (libmimalloc-sys does not name
/// it): how long freed pages stay resident before they are returned to the OS (default
/// 1000 ms).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Fits the allocator to a run's heap: many small, short-lived parse trees and strings,
/// freed a batch at a time while the next batch allocates. Medians of 7 runs of a
/// 2,000-home `--format json` run (benches/fleet.rs tree; closing notes of issue 18):
/// transparent huge pages on and a 1 ms purge delay: 0.95 s wall, 1.67 s CPU, 96 MiB peak;
/// huge pages off and 10 ms: 0.80 s, 1.41 s, 90 MiB.
/// The benches that report the binary's figures apply it too.
///
/// # Safety
///
/// Call it before any other thread of the process exists (first in `main`), as
/// `mi_option_set` requires.
pub unsafe fn tune_allocator() {
    // With huge pages every first touch of a fresh 2 MiB region makes the kernel zero all
    // of it (`clear_page_erms` was 9 % of a run's samples) and counts it as resident,
    // however little of it the heap uses. Only this process (and what it spawns) is
    // affected; a kernel without the option returns an error, which changes nothing.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
    // Return freed pages after 10 ms instead of a second. With the default a 2,000-home
    // run kept ~12 MB more resident; at 0 every free went back to the kernel at once
    // (verifying the fixes JSON publishes then spent 4.8 s of 8 s CPU in madvise); at 1 ms
    // the run spent ~0.25 s more CPU faulting pages back in than at 10 ms, for 7 MiB less
    // peak (sweep of 1, 3, 5, 10, 20, 50, 100, 1000 ms with huge pages off: 10 was
    // fastest, 90 MiB peak against 102 MiB at 1000).
    // SAFETY: the caller calls this before any other thread exists (see # Safety).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
}

#[cfg(test)]
mod tests {
    /// Pins the option index: the purge delay defaults to 1000 ms (mimalloc v3
    /// `src/options.c`; the header's comment still says 10), and the neighbouring options
    /// default to other values (eager_commit_delay 1, use_numa_nodes 0). Runs in the library's
    /// test binary, where nothing calls [`tune_allocator`].
    #[test]
    fn purge_delay_option_index_matches_mimalloc() {
        // SAFETY: reads an option; no other test changes it.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(super::MI_OPTION_PURGE_DELAY), 1000);
        assert_ne!(get(super::MI_OPTION_PURGE_DELAY - 1), 1000);
        assert_ne!(get(super::MI_OPTION_PURGE_DELAY + 1), 1000);
    }
}
