//! Throughput of parsing plus linting a large prefs.js, side by side with a baseline that
//! only decodes the file and splits it into lines (the least any linter must do).
//!
//! Run with `cargo bench --bench throughput`. Prints the median of several runs for each.
#![allow(clippy::print_stdout)] // a bench reports on stdout

// The same allocator as the shipped binary (src/main.rs), so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::time::{Duration, Instant};

use clientlint::clients::thunderbird::PREFS_JS;
use clientlint::engine::discover::unit_for;
use clientlint::settings::Settings;
use clientlint::source::{Files, SourceFile};

/// A Thunderbird-style prefs.js of about `target` bytes: 20 IMAP accounts with SMTP
/// servers, then filler prefs as real profiles have (extensions, UI state).
fn prefs_js(target: usize) -> String {
    let mut out = String::from("// Mozilla User Preferences\n\n");
    let accounts: Vec<String> = (1..=20).map(|i| format!("account{i}")).collect();
    out.push_str(&format!(
        "user_pref(\"mail.accountmanager.accounts\", \"{}\");\n",
        accounts.join(",")
    ));
    for i in 1..=20 {
        out.push_str(&format!(
            "user_pref(\"mail.account.account{i}.server\", \"server{i}\");\n\
             user_pref(\"mail.server.server{i}.hostname\", \"imap{i}.example.com\");\n\
             user_pref(\"mail.server.server{i}.type\", \"imap\");\n\
             user_pref(\"mail.server.server{i}.socketType\", 3);\n\
             user_pref(\"mail.server.server{i}.check_time\", {});\n\
             user_pref(\"mail.smtpserver.smtp{i}.hostname\", \"smtp{i}.example.com\");\n",
            i % 15 + 1
        ));
    }
    let mut n = 0;
    while out.len() < target {
        out.push_str(&format!(
            "user_pref(\"extensions.some-addon.state.item{n}\", \"value with some text {n}\");\n\
             user_pref(\"browser.cache.entry{n}.size\", {n});\n\
             /* a comment */ user_pref(\"ui.flag{n}\", true);\n"
        ));
        n += 1;
    }
    out
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs.get(runs.len() / 2).copied().unwrap_or_default()
}

fn time(iterations: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm up
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

fn main() {
    let text = prefs_js(1 << 20);
    let bytes = text.into_bytes();
    let mb = bytes.len() as f64 / (1024.0 * 1024.0);
    let path = std::path::PathBuf::from("prefs.js");
    let units: Vec<_> = unit_for(&path, PREFS_JS).into_iter().collect();
    let settings = Settings::default();

    let baseline = time(30, || {
        let file = SourceFile::new(&path, bytes.clone());
        black_box(file.text.lines().count());
    });
    let mut diagnostics = 0;
    let full = time(30, || {
        let mut files = Files::default();
        files.add(SourceFile::new(&path, bytes.clone()));
        let analysis = clientlint::analyze(&units, files, &settings);
        diagnostics = analysis.diagnostics.len();
        black_box(&analysis.profiles);
    });

    let rate = |d: Duration| mb / d.as_secs_f64();
    println!("prefs.js: {mb:.2} MiB, {diagnostics} diagnostics");
    println!(
        "baseline (decode + split lines): {:>8.2} ms  {:>8.1} MiB/s",
        baseline.as_secs_f64() * 1e3,
        rate(baseline)
    );
    println!(
        "parse + model + lint:            {:>8.2} ms  {:>8.1} MiB/s",
        full.as_secs_f64() * 1e3,
        rate(full)
    );
    println!(
        "ratio full/baseline: {:.1}x",
        full.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
    );
}
