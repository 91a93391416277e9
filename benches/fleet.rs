//! Fleet scale (issue 18): 2,000 generated homes linted by the release binary with JSON
//! output (`--format json --root`), next to two baselines measured in the same run: (a)
//! walking the tree and reading every file without parsing, and (b) `rg -uu -c
//! 'user_pref|<Setting|<Server>'` over the same tree when ripgrep is installed. Wall times
//! are medians of 5 warm runs; the binary's peak memory is the largest of them. The runs of
//! clientlint (both formats) and ripgrep alternate, so the ratio compares the same minutes.
//!
//! Two more lines say where the time goes: the same run with `--format concise` (lint
//! only: no fix is verified, no JSON written), and the JSON document of the same findings
//! serialized alone, in this process, into a sink (without the embedded connections
//! report, so a lower bound of what writing JSON costs).
//!
//! Last, the stages every JSON run must pass, timed in this process on the same tree, each
//! with the ones before it: discovery, reading the units' files, building the clients'
//! models, the rules, and verifying the fixes offered (JSON publishes only fixes `--fix`
//! would apply, so every unit with a fix is linted again with its fixes in). What the
//! binary adds to the last is resolving, merging, sorting and writing the report. These
//! floors say how far a change to one stage can move the total.
//!
//! Run with `cargo bench --bench fleet` (`FLEET_HOMES=N` to change the size). The fleet
//! is written once to `target/fleet-bench-N` and reused.
#![allow(clippy::print_stdout)] // a bench reports on stdout

// The same allocator as the shipped binary (src/main.rs), tuned the same way in `main`, so
// the in-process stages cost what they cost in the binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/fleet.rs"]
mod fleet;
#[path = "support/usage.rs"]
mod usage;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

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

fn median_time(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    all.sort();
    all.get(all.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The JSON document of a `--format json` run over `root`, serialized alone: median wall
/// time of 5 and the bytes written. The run itself is not timed.
fn json_alone(root: &Path) -> (Duration, usize) {
    use clientlint::engine::{self, discover, Mode};
    let discovery = discover::discover(&[], &[], &[root.to_path_buf()]);
    let settings = clientlint::settings::Settings::default();
    let run = engine::run(&discovery.units, &settings, Mode::Publish, false);
    let report = run.resolved.report();
    let mut bytes = 0;
    let time = median_time(5, || {
        let mut out = Counted(0);
        if clientlint::report::json::write(&report, &mut out).is_ok() {
            bytes = out.0;
        }
    });
    (time, bytes)
}

/// A sink that counts what is written to it.
struct Counted(usize);

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The stages of a JSON run, timed in this process (the thread pool the binary uses), each
/// with every stage before it: median wall time of 5 each.
fn stage_floors(root: &Path) -> Vec<(&'static str, Duration)> {
    use clientlint::engine::{discover, read_shared, Bytes, FileTable, Job};
    use clientlint::fix;
    use rayon::prelude::*;

    let settings = clientlint::settings::Settings::default();
    let rules: Vec<&'static dyn clientlint::rules::Rule> = clientlint::rules::ALL
        .iter()
        .copied()
        .filter(|r| settings.is_enabled(r.name()))
        .collect();
    let stages: [(&'static str, u8); 5] = [
        ("discovery", 0),
        ("+ read the units' files", 1),
        ("+ build the models (parse, layers)", 2),
        ("+ rules", 3),
        ("+ verify the offered fixes", 4),
    ];
    stages
        .into_iter()
        .map(|(name, depth)| {
            let time = median_time(5, || {
                let discovery = discover::discover(&[], &[], &[root.to_path_buf()]);
                if depth == 0 {
                    black_box(&discovery);
                    return;
                }
                let units = &discovery.units;
                let table = FileTable::of(units);
                let shared = read_shared(units);
                let job = Job {
                    settings: &settings,
                    probed: None,
                    rules: &rules,
                    ids: &table.ids,
                    bytes: Bytes::Disk { shared: &shared },
                };
                units.par_iter().for_each(|unit| {
                    let (files, errors) = job.read(unit);
                    black_box(&errors);
                    match depth {
                        1 => drop(black_box(files)),
                        2 => drop(black_box(unit.client.build(unit, &files))),
                        3 => drop(black_box(job.lint(unit, files))),
                        _ => {
                            let linted = job.lint(unit, files);
                            if linted.diagnostics.iter().any(|d| d.fix.is_some()) {
                                drop(black_box(fix::offer_verified(linted, &|files| {
                                    job.lint(unit, files)
                                })));
                            }
                        }
                    }
                });
            });
            (name, time)
        })
        .collect()
}

fn main() {
    // SAFETY: the first statement of `main`: no other thread exists yet.
    unsafe { clientlint::memory::tune_allocator() };
    let homes: usize = std::env::var("FLEET_HOMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let root = match usage::fleet_dir("fleet-bench", homes, |d| fleet::generate(d, homes)) {
        Ok(root) => root,
        Err(e) => {
            println!("could not write the fleet: {e}");
            return;
        }
    };
    let load_before = usage::load();
    let (files, bytes) = walk_and_read(&root);
    let walk = median_time(5, || {
        black_box(walk_and_read(&root));
    });
    // The lint and its baseline in the same minutes: their runs alternate.
    let pattern = ["-uu", "-c", "user_pref|<Setting|<Server>"];
    let json = ["--isolated", "--format", "json", "--root"];
    let concise = ["--isolated", "--format", "concise", "--root"];
    let mut jobs: Vec<usage::Job<'_>> = vec![
        (usage::clientlint(), &json, &root),
        (usage::clientlint(), &concise, &root),
    ];
    jobs.extend(usage::ripgrep().map(|rg| (rg, &pattern[..], root.as_path())));
    let measured = usage::medians_interleaved(5, &jobs);
    let lint = measured.first().copied().flatten();
    let concise = measured.get(1).copied().flatten();
    let rg = measured.get(2).copied().flatten();
    let (json_time, json_bytes) = json_alone(&root);
    println!(
        "fleet: {homes} homes, {files} files, {:.1} MiB; load {load_before} → {}; {} threads",
        bytes as f64 / (1024.0 * 1024.0),
        usage::load(),
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    );
    println!("(a) walk + read every file:          {:>8.0} ms", ms(walk));
    match rg {
        Some(rg) => println!(
            "(b) rg -uu -c 'user_pref|<Setting|<Server>': {:>8.0} ms wall, {:.0} ms CPU",
            ms(rg.wall),
            ms(rg.cpu)
        ),
        None => println!("(b) rg: not installed"),
    }
    let Some(lint) = lint else {
        println!("clientlint: the binary could not be run");
        return;
    };
    println!(
        "clientlint --format json --root:    {:>8.0} ms wall, {:.0} ms CPU, peak RSS {:.1} MiB, {:.1} MB of JSON (exit {})",
        ms(lint.wall),
        ms(lint.cpu),
        lint.peak_kib as f64 / 1024.0,
        lint.output as f64 / 1e6,
        lint.code
    );
    if let Some(c) = concise {
        println!(
            "  of which lint only (--format concise): {:>8.0} ms wall, {:.0} ms CPU",
            ms(c.wall),
            ms(c.cpu)
        );
    }
    println!(
        "  of which the JSON document alone:      {:>8.0} ms wall for {:.1} MB (in process, into a sink)",
        ms(json_time),
        json_bytes as f64 / 1e6
    );
    let ratio = |base: Duration| lint.wall.as_secs_f64() / base.as_secs_f64().max(1e-9);
    print!("ratio to (a): {:.2}x", ratio(walk));
    if let Some(rg) = rg {
        print!(
            "   ratio to (b) rg: {:.2}x (CPU {:.2}x)",
            ratio(rg.wall),
            lint.cpu.as_secs_f64() / rg.cpu.as_secs_f64().max(1e-9)
        );
    }
    println!("   (medians of 5 warm runs, the three programs' runs alternating)");
    println!("stages of a JSON run, in process, each with those before it (medians of 5):");
    for (name, time) in stage_floors(&root) {
        print!("  {name:<38} {:>8.0} ms", ms(time));
        match rg {
            Some(rg) => println!(
                "   {:.2}x rg",
                time.as_secs_f64() / rg.wall.as_secs_f64().max(1e-9)
            ),
            None => println!(),
        }
    }
}
