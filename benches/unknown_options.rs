//! Options a newer FileZilla writes (issue 18): a fleet whose filezilla.xml files each hold
//! 20 options this clientlint does not know, next to the same fleet without them, both
//! linted by the release binary with JSON output (median of 5 warm runs each; CPU time
//! too, steadier than wall time on a shared machine). Every
//! unknown option is an `unknown-setting` finding whose "did you mean" is worked out when
//! it is reported; with the rule deselected, not at all.
//!
//! Run with `cargo bench --bench unknown_options` (`FLEET_UNKNOWN_HOMES=N`, default 300;
//! `FLEET_UNKNOWN_OPTIONS=K`, default 20). The fleets are written once under `target/`.
#![allow(clippy::print_stdout)] // a bench reports on stdout

#[path = "support/fleet.rs"]
mod fleet;
#[path = "support/usage.rs"]
mod usage;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let homes = env("FLEET_UNKNOWN_HOMES", 300);
    let unknown = env("FLEET_UNKNOWN_OPTIONS", 20);
    let write = |name: &str, options: usize| {
        let spec = fleet::Fleet {
            unknown_options: options,
        };
        usage::fleet_dir(name, homes, |d| fleet::generate_with(d, homes, spec))
    };
    let (plain, newer) = match (
        write("fleet-known-options", 0),
        write(&format!("fleet-{unknown}-unknown-options"), unknown),
    ) {
        (Ok(plain), Ok(newer)) => (plain, newer),
        (Err(e), _) | (_, Err(e)) => {
            println!("could not write the fleets: {e}");
            return;
        }
    };
    let load_before = usage::load();
    let bin = usage::clientlint();
    let json = ["--isolated", "--format", "json", "--root"];
    let without_rule = [
        "--isolated",
        "--ignore",
        "unknown-setting",
        "--format",
        "json",
        "--root",
    ];
    // The three in the same minutes: their runs alternate.
    let measured = usage::medians_interleaved(
        5,
        &[
            (bin, &json, &plain),
            (bin, &json, &newer),
            (bin, &without_rule, &newer),
        ],
    );
    let runs = [
        "without unknown options",
        "with them, unknown-setting reported",
        "with them, unknown-setting ignored",
    ]
    .into_iter()
    .zip(measured)
    .collect::<Vec<_>>();
    println!(
        "{homes} homes, {unknown} unknown FileZilla options each; load {load_before} → {}",
        usage::load()
    );
    let Some(base) = runs.first().and_then(|r| r.1) else {
        println!("the binary could not be run");
        return;
    };
    let percent = |x: std::time::Duration, base: std::time::Duration| {
        (x.as_secs_f64() / base.as_secs_f64().max(1e-9) - 1.0) * 100.0
    };
    for (what, usage) in runs {
        match usage {
            Some(u) => println!(
                "  {what:<38} {:>6.0} ms wall ({:>+6.1} %) {:>6.0} ms CPU ({:>+6.1} %)  {:.1} MB of JSON",
                u.wall.as_secs_f64() * 1e3,
                percent(u.wall, base.wall),
                u.cpu.as_secs_f64() * 1e3,
                percent(u.cpu, base.cpu),
                u.output as f64 / 1e6,
            ),
            None => println!("  {what}: the binary could not be run"),
        }
    }
}
