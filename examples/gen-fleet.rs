//! `cargo run --release --example gen-fleet -- --homes N [--unknown-options K] DIR`: writes
//! N realistic home directories (Thunderbird profile, FileZilla settings, unrelated files)
//! under DIR, for trying `clientlint --root DIR` at fleet scale; with K, each filezilla.xml
//! also holds K options of a newer FileZilla.
#![allow(clippy::print_stderr)] // a command-line helper reports on stderr

#[path = "../benches/support/fleet.rs"]
mod fleet;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |flag: &str| -> Result<Option<usize>, String> {
        match args.iter().position(|a| a == flag) {
            None => Ok(None),
            Some(at) => args
                .get(at + 1)
                .and_then(|n| n.parse().ok())
                .map(Some)
                .ok_or_else(|| format!("{flag} takes a number")),
        }
    };
    let parsed = number("--homes").and_then(|homes| Ok((homes, number("--unknown-options")?)));
    let dir = args
        .last()
        .filter(|d| !d.starts_with("--") && args.len() % 2 == 1);
    match (parsed, dir) {
        (Ok((Some(homes), unknown)), Some(dir)) => {
            let options = fleet::Fleet {
                unknown_options: unknown.unwrap_or(0),
            };
            match fleet::generate_with(std::path::Path::new(dir), homes, options) {
                Ok(()) => {
                    eprintln!("wrote {homes} homes under {dir}");
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("could not write the fleet: {e}");
                    std::process::ExitCode::from(2)
                }
            }
        }
        (Err(e), _) => {
            eprintln!("{e}");
            std::process::ExitCode::from(2)
        }
        _ => {
            eprintln!("usage: gen-fleet --homes N [--unknown-options K] DIR");
            std::process::ExitCode::from(2)
        }
    }
}
