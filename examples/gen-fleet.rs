//! `cargo run --release --example gen-fleet -- --homes N DIR`: writes N realistic home
//! directories (Thunderbird profile, FileZilla settings, unrelated files) under DIR, for
//! trying `clientlint --root DIR` at fleet scale.
#![allow(clippy::print_stderr)] // a command-line helper reports on stderr

#[path = "../benches/support/fleet.rs"]
mod fleet;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (homes, dir) = match args.as_slice() {
        [flag, n, dir] if flag == "--homes" => match n.parse::<usize>() {
            Ok(n) => (n, std::path::PathBuf::from(dir)),
            Err(_) => {
                eprintln!("--homes takes a number");
                return std::process::ExitCode::from(2);
            }
        },
        _ => {
            eprintln!("usage: gen-fleet --homes N DIR");
            return std::process::ExitCode::from(2);
        }
    };
    match fleet::generate(&dir, homes) {
        Ok(()) => {
            eprintln!("wrote {homes} homes under {}", dir.display());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("could not write the fleet: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
