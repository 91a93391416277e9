//! How the connection budget's output grows with a fleet (issue 18): every home's
//! Thunderbird profile sends mail through the same SMTP servers, so each is one over-limit
//! group with a contributor per home. The budget findings alone (`--select
//! server-connection-budget-exceeded`), in JSON (every contributor a related location) and
//! text (the first few, then "… and N more"), at 300 and at 2,000 homes: linear output
//! means the same bytes per home in JSON, and about the same bytes in all in text.
//!
//! Run with `cargo bench --bench budget_output` (`BUDGET_HOMES=300,2000`). The fleets are
//! the ones `benches/fleet.rs` writes, under `target/fleet-bench-N`.
#![allow(clippy::print_stdout)] // a bench reports on stdout

#[path = "support/fleet.rs"]
mod fleet;
#[path = "support/usage.rs"]
mod usage;

fn main() {
    let sizes: Vec<usize> = std::env::var("BUDGET_HOMES")
        .unwrap_or_else(|_| "300,2000".to_owned())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    println!("load {}", usage::load());
    let mut rows = Vec::new();
    for &homes in &sizes {
        let root = match usage::fleet_dir("fleet-bench", homes, |d| fleet::generate(d, homes)) {
            Ok(root) => root,
            Err(e) => {
                println!("could not write the fleet: {e}");
                return;
            }
        };
        let budget = |format: &str| {
            let args = [
                "--isolated",
                "--select",
                "server-connection-budget-exceeded",
                "--format",
                format,
                "--root",
            ];
            usage::run(&args, &root)
        };
        let (Some(json), Some(text)) = (budget("json"), budget("text")) else {
            println!("{homes} homes: the binary could not be run");
            return;
        };
        println!(
            "{homes:>6} homes: JSON {:>10} bytes ({:>6.0} per home), text {:>8} bytes; {:.0} ms",
            json.output,
            json.output as f64 / homes as f64,
            text.output,
            json.wall.as_secs_f64() * 1e3,
        );
        rows.push((homes, json.output, text.output));
    }
    if let (Some(a), Some(b)) = (rows.first(), rows.last()) {
        if b.0 > a.0 {
            println!(
                "{:.2}x the homes: JSON {:.2}x (linear: {:.2}x), text {:.2}x",
                b.0 as f64 / a.0 as f64,
                b.1 as f64 / a.1.max(1) as f64,
                b.0 as f64 / a.0 as f64,
                b.2 as f64 / a.2.max(1) as f64,
            );
        }
    }
}
