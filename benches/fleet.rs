//! Fleet scale: 2,000 generated homes. Times (a) walking the tree and reading every file
//! without parsing, and (b) the full lint with JSON output, in the same run; prints both,
//! their ratio, and the peak memory of the `clientlint` binary doing (b).
//!
//! Run with `cargo bench --bench fleet` (`FLEET_HOMES=N` to change the size). The fleet
//! is written once to `target/fleet-bench-N` and reused.
#![allow(clippy::print_stdout)] // a bench reports on stdout

#[path = "support/fleet.rs"]
mod fleet;

// The same allocator as the shipped binary (src/main.rs), so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clientlint::settings::Settings;

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

fn time(iterations: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..iterations)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

/// The least any tool must do: visit every entry and read every regular file.
fn walk_and_read(root: &Path) -> (usize, usize) {
    let mut files = 0;
    let mut bytes = 0;
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            if let Ok(b) = std::fs::read(entry.path()) {
                files += 1;
                bytes += b.len();
            }
        }
    }
    (files, bytes)
}

fn full_lint(root: &Path) -> usize {
    // What `clientlint --format json --root` does: discover, then read, parse and lint in
    // batches, then render.
    let discovery = clientlint::engine::discover::discover(&[], &[], &[root.to_path_buf()]);
    let run = clientlint::engine::run(
        &discovery.units,
        &Settings::default(),
        clientlint::engine::Mode::Check,
        false,
    );
    // Written as the binary writes it to stdout, not collected into a string.
    let mut out = std::io::BufWriter::new(std::io::sink());
    let written = clientlint::report::json::write(&run.resolved.report(), &mut out);
    black_box(written.is_ok());
    run.resolved.findings.len()
}

/// Peak resident memory (KiB) of the `clientlint` binary linting the fleet, and its time.
fn child_peak_rss(root: &Path) -> Option<(i64, Duration)> {
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/clientlint");
    if !bin.is_file() {
        return None;
    }
    let start = Instant::now();
    let status = std::process::Command::new(&bin)
        .args(["--isolated", "--format", "json", "--root"])
        .arg(root)
        .stdout(std::process::Stdio::null())
        .status()
        .ok()?;
    let elapsed = start.elapsed();
    let _ = status;
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: see above.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    (rc == 0).then_some((usage.ru_maxrss, elapsed))
}

fn main() {
    let homes: usize = std::env::var("FLEET_HOMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let root =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/fleet-bench-{homes}"));
    if !root.join(format!("user{:05}", homes - 1)).is_dir() {
        let _ = std::fs::remove_dir_all(&root);
        if let Err(e) = fleet::generate(&root, homes) {
            println!("could not write the fleet: {e}");
            return;
        }
    }
    // Measured first: getrusage reports the largest descendant, and a child forked later
    // would start with this process's own (larger) resident set.
    let child = child_peak_rss(&root);
    let (files, bytes) = walk_and_read(&root);
    let walk = time(3, || {
        black_box(walk_and_read(&root));
    });
    let mut diagnostics = 0;
    let full = time(3, || diagnostics = full_lint(&root));
    println!(
        "fleet: {homes} homes, {files} files, {:.1} MiB; {diagnostics} diagnostics",
        bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "(a) walk + read every file:        {:>8.0} ms",
        walk.as_secs_f64() * 1e3
    );
    println!(
        "(b) full lint, JSON output:        {:>8.0} ms",
        full.as_secs_f64() * 1e3
    );
    println!(
        "ratio (b)/(a): {:.2}x   (threads: {})",
        full.as_secs_f64() / walk.as_secs_f64().max(1e-9),
        rayon::current_num_threads()
    );
    match child {
        Some((kib, t)) => println!(
            "clientlint --root (release binary): {:.0} ms, peak RSS {:.1} MiB",
            t.as_secs_f64() * 1e3,
            kib as f64 / 1024.0
        ),
        None => println!("peak RSS: build the release binary first (cargo build --release)"),
    }
}
