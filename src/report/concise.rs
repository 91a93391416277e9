//! `--format concise`: one line per diagnostic, for grep and editors.

use std::io::Write;

use crate::escape::terminal;
use crate::report::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for f in report.findings {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            terminal(report.path_of(f.at.file)),
            f.at.line,
            f.at.column,
            f.severity.name(),
            f.rule,
            terminal(&f.message)
        )?;
    }
    Ok(())
}
