//! The input shapes that were quadratic (issue 16, item 5), each at doubling sizes so the
//! growth shows: linear is 2x per doubling.
//! - text output of one sorted prefs.js whose accounts all have findings on neighbouring
//!   lines (2,000 / 4,000 / 8,000 accounts);
//! - text output of one large sitemanager.xml (10,000 / 20,000 / 40,000 sites; a file over
//!   clientlint's 32 MiB cap is refused, not read);
//! - `--fix` over many profiles is `benches/fix_scaling.rs`.
//!
//! Run with `cargo bench --bench shapes`. CPU time of the release binary (best of three),
//! next to a plain read of the same file as the floor.
#![allow(clippy::print_stdout)] // a bench reports on stdout

#[path = "support/usage.rs"]
mod usage;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn prefs_with_accounts(n: usize) -> String {
    let mut out = String::from("// Mozilla User Preferences\n");
    let accounts: Vec<String> = (0..n).map(|i| format!("account{i}")).collect();
    let _ = writeln!(
        out,
        "user_pref(\"mail.accountmanager.accounts\", \"{}\");",
        accounts.join(",")
    );
    let mut lines = Vec::new();
    for i in 0..n {
        lines.push(format!(
            "user_pref(\"mail.account.account{i}.server\", \"server{i}\");"
        ));
        lines.push(format!(
            "user_pref(\"mail.server.server{i}.check_time\", 1);"
        ));
        lines.push(format!(
            "user_pref(\"mail.server.server{i}.hostname\", \"imap{i}.example.com\");"
        ));
        lines.push(format!(
            "user_pref(\"mail.server.server{i}.socketType\", 3);"
        ));
        lines.push(format!(
            "user_pref(\"mail.server.server{i}.type\", \"imap\");"
        ));
    }
    // Gecko writes prefs.js sorted.
    lines.sort();
    for l in lines {
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn sitemanager_with_sites(n: usize) -> String {
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3>\n<Servers>\n");
    for i in 0..n {
        let _ = writeln!(
            out,
            "<Server><Host>ftp{i}.example.com</Host><Port>21</Port><Protocol>0</Protocol><Type>0</Type><User>u{i}</User><Logontype>1</Logontype><MaximumMultipleConnections>9</MaximumMultipleConnections><Name>site {i}</Name></Server>"
        );
    }
    out.push_str("</Servers>\n</FileZilla3>\n");
    out
}

fn best_of_three(args: &[&str], path: &Path) -> Option<usage::Usage> {
    (0..3)
        .filter_map(|_| usage::run(args, path))
        .min_by_key(|u| u.cpu)
}

fn shape(name: &str, sizes: &[usize], file: &str, make: fn(usize) -> String) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/shapes-bench");
    let mut rows: Vec<(usize, Duration)> = Vec::new();
    for &n in sizes {
        let case = dir.join(format!("{name}-{n}"));
        let path = case.join(file);
        if std::fs::create_dir_all(&case).is_err() || std::fs::write(&path, make(n)).is_err() {
            println!("could not write {}", path.display());
            return;
        }
        let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let read = {
            let start = std::time::Instant::now();
            let _ = std::fs::read(&path);
            start.elapsed()
        };
        match best_of_three(
            &["--isolated", "--format", "text", "--color", "never"],
            &path,
        ) {
            Some(u) => {
                let cpu = u.cpu;
                let growth = rows
                    .last()
                    .map(|(m, prev)| {
                        format!(
                            "  ({:.2}x for {:.0}x the input)",
                            cpu.as_secs_f64() / prev.as_secs_f64().max(1e-9),
                            n as f64 / *m as f64
                        )
                    })
                    .unwrap_or_default();
                println!(
                    "{name:<22} {n:>6}: {:>8.3} s CPU ({:.3} s wall, {:.1} MiB peak, exit {}), {:>6.1} MB; plain read {:>6.3} ms{growth}",
                    cpu.as_secs_f64(),
                    u.wall.as_secs_f64(),
                    u.peak_kib as f64 / 1024.0,
                    u.code,
                    bytes as f64 / 1e6,
                    read.as_secs_f64() * 1e3
                );
                rows.push((n, cpu));
            }
            None => println!("{name} {n}: the binary could not be run"),
        }
    }
}

fn main() {
    shape(
        "prefs.js accounts",
        &[2000, 4000, 8000],
        "prefs.js",
        prefs_with_accounts,
    );
    shape(
        "sitemanager.xml sites",
        &[10_000, 20_000, 40_000],
        "sitemanager.xml",
        sitemanager_with_sites,
    );
}
