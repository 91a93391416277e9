//! The `clientlint` binary: parse arguments, run, map the outcome to an exit code.
#![allow(clippy::print_stderr)]

use std::process::ExitCode;

use clap::Parser;

// Parsing allocates many small strings and nodes; mimalloc is markedly faster than the
// system allocator at that and keeps per-thread heaps compact (see the benches).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use clientlint::cli::{run, Cli, ExitStatus};
use clientlint::escape::terminal;
use clientlint::settings::file::{render_error, ConfigError};

fn main() -> ExitCode {
    // SAFETY: the first statement of `main`: no other thread exists yet.
    unsafe { clientlint::memory::tune_allocator() };
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut err = std::io::stderr();
    match run(cli, &mut out, &mut err) {
        Ok(status) => ExitCode::from(status.code()),
        Err(e) => {
            // A closed pipe (`clientlint | head`) is not a failure; ripgrep does the same.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .map(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    .unwrap_or(false)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            // Configuration errors point into clientlint.toml: draw them.
            let config_error = e
                .downcast_ref::<Box<ConfigError>>()
                .map(|b| b.as_ref())
                .or_else(|| e.downcast_ref::<ConfigError>());
            if let Some(config_error) = config_error {
                eprint!("{}", render_error(config_error));
                return ExitCode::from(ExitStatus::Error.code());
            }
            eprintln!("clientlint failed: {}", terminal(&e.to_string()));
            for cause in e.chain().skip(1) {
                eprintln!("  cause: {}", terminal(&cause.to_string()));
            }
            ExitCode::from(ExitStatus::Error.code())
        }
    }
}
