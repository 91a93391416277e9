//! How `--fix` scales with the number of profiles (issue 14): generated fleets of 2,000
//! and 8,000 homes (each a Thunderbird profile and a FileZilla settings directory with
//! fixable findings), fixed by the release binary; CPU time and peak memory of the child,
//! next to a plain lint of the same tree. Linear is 4× from 2,000 to 8,000 homes.
//!
//! Run with `cargo bench --bench fix_scaling` (`FIX_SCALING_HOMES=500,2000` to change the
//! sizes). Each fleet is written once under `target/fix-bench-N` and copied before each
//! `--fix`, which changes it.
#![allow(clippy::print_stdout)] // a bench reports on stdout

#[path = "support/fleet.rs"]
mod fleet;
#[path = "support/usage.rs"]
mod usage;

use usage::run;

use std::path::{Path, PathBuf};

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(to);
    let status = std::process::Command::new("cp")
        .arg("-r")
        .arg(from)
        .arg(to)
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other("cp -r failed"))
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::var("FIX_SCALING_HOMES")
        .unwrap_or_else(|_| "2000,8000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let mut rows = Vec::new();
    for &homes in &sizes {
        let source = target.join(format!("fix-bench-{homes}"));
        if !source.join(format!("user{:05}", homes - 1)).is_dir() {
            let _ = std::fs::remove_dir_all(&source);
            if let Err(e) = fleet::generate(&source, homes) {
                println!("could not write the fleet: {e}");
                return;
            }
        }
        let work = target.join(format!("fix-bench-{homes}-work"));
        let lint = run(&["--isolated", "--format", "json", "--root"], &source);
        if let Err(e) = copy_tree(&source, &work) {
            println!("could not copy the fleet: {e}");
            return;
        }
        let fix = run(
            &[
                "--isolated",
                "--fix",
                "--unsafe-fixes",
                "--force",
                "--format",
                "json",
                "--root",
            ],
            &work,
        );
        let _ = std::fs::remove_dir_all(&work);
        match (lint, fix) {
            (Some(lint), Some(fix)) => {
                println!(
                    "{homes:>6} homes: lint {:>7.2} s CPU, {:>6.1} MiB peak (exit {}); --fix {:>7.2} s CPU ({:.2} s wall), {:>6.1} MiB peak (exit {})",
                    lint.cpu.as_secs_f64(),
                    lint.peak_kib as f64 / 1024.0,
                    lint.code,
                    fix.cpu.as_secs_f64(),
                    fix.wall.as_secs_f64(),
                    fix.peak_kib as f64 / 1024.0,
                    fix.code,
                );
                rows.push((homes, fix.cpu));
            }
            _ => println!("{homes} homes: the binary could not be run"),
        }
    }
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        if last.0 > first.0 {
            println!(
                "--fix CPU grows {:.2}x for {:.1}x the homes (linear: {:.1}x)",
                last.1.as_secs_f64() / first.1.as_secs_f64().max(1e-9),
                last.0 as f64 / first.0 as f64,
                last.0 as f64 / first.0 as f64,
            );
        }
    }
}
