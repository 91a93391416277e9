//! Running a program (the release binary, or a baseline such as ripgrep) and measuring
//! it: CPU time (user + system), peak RSS and wall time of the child, from `wait4`, and
//! how many bytes it wrote; medians of warm runs; and where the fleet benches keep their
//! generated trees. Not every bench uses every helper.
#![allow(dead_code)]

use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// CPU time (user + system), peak RSS (KiB) and wall time of one run, its exit code and
/// the bytes it wrote to stdout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Usage {
    pub(crate) cpu: Duration,
    pub(crate) peak_kib: i64,
    pub(crate) wall: Duration,
    pub(crate) code: i32,
    pub(crate) output: usize,
}

/// Runs clientlint with `args` then `root`, output counted and discarded.
pub(crate) fn run(args: &[&str], root: &Path) -> Option<Usage> {
    run_program(clientlint(), args, root)
}

/// Runs `program` with `args` then `root`, output counted and discarded.
pub(crate) fn run_program(program: &Path, args: &[&str], root: &Path) -> Option<Usage> {
    let start = Instant::now();
    let mut child = std::process::Command::new(program)
        .args(args)
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut output = 0;
    if let Some(mut stdout) = child.stdout.take() {
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            output += n;
        }
    }
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
        output,
    })
}

/// `runs` runs after one to warm the cache: the median wall and CPU time, the largest peak
/// memory, and the last run's exit code and output size.
pub(crate) fn median_of(runs: usize, program: &Path, args: &[&str], root: &Path) -> Option<Usage> {
    medians_interleaved(runs, &[(program, args, root)])
        .into_iter()
        .next()
        .flatten()
}

/// One run of a comparison: the program, its arguments, and the tree given last.
pub(crate) type Job<'a> = (&'a Path, &'a [&'a str], &'a Path);

/// Each job run once to warm the cache, then `runs` rounds that run every job once, in
/// alternating order, so that all are measured in the same minutes (on a shared machine
/// the same binary drifts by a tenth within the hour, and a ratio of runs made minutes
/// apart drifts with it). Per job, as [`median_of`] gives it; `None` for a job that could
/// not be run.
pub(crate) fn medians_interleaved(runs: usize, jobs: &[Job<'_>]) -> Vec<Option<Usage>> {
    let mut all: Vec<Option<Vec<Usage>>> = jobs
        .iter()
        .map(|(program, args, root)| run_program(program, args, root).map(|_| Vec::new()))
        .collect();
    for round in 0..runs {
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let (Some(slot), Some((program, args, root))) = (all.get_mut(i), jobs.get(i)) else {
                continue;
            };
            if let Some(done) = slot {
                match run_program(program, args, root) {
                    Some(usage) => done.push(usage),
                    None => *slot = None,
                }
            }
        }
    }
    all.into_iter().map(|runs| summarise(runs?)).collect()
}

/// The median wall and CPU time of `all`, the largest peak memory, and the last run's exit
/// code and output size.
fn summarise(mut all: Vec<Usage>) -> Option<Usage> {
    let peak_kib = all.iter().map(|u| u.peak_kib).max().unwrap_or(0);
    let last = *all.last()?;
    all.sort_by_key(|u| u.wall);
    let wall = all.get(all.len() / 2)?.wall;
    all.sort_by_key(|u| u.cpu);
    let cpu = all.get(all.len() / 2)?.cpu;
    Some(Usage {
        wall,
        cpu,
        peak_kib,
        ..last
    })
}

/// The clientlint binary built with the benches.
pub(crate) fn clientlint() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_clientlint"))
}

/// `ripgrep` when it is installed.
pub(crate) fn ripgrep() -> Option<&'static Path> {
    let rg = Path::new("rg");
    std::process::Command::new(rg)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())
        .map(|_| rg)
}

/// The system load (1-minute average), to print with the figures.
pub(crate) fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

/// `dir` holding `homes` homes written by `write`, written once and reused.
pub(crate) fn fleet_dir(
    name: &str,
    homes: usize,
    write: impl FnOnce(&Path) -> std::io::Result<()>,
) -> std::io::Result<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("{name}-{homes}"));
    if !dir
        .join(format!("user{:05}", homes.saturating_sub(1)))
        .is_dir()
    {
        let _ = std::fs::remove_dir_all(&dir);
        write(&dir)?;
    }
    Ok(dir)
}
