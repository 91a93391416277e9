//! `--format concise`: one line per diagnostic, for grep and editors.

use std::io::Write;

use crate::report::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for f in report.findings {
        let d = &f.diagnostic;
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            report.path_of(d.file),
            f.at.line,
            f.at.column,
            d.severity.name(),
            d.rule,
            d.message
        )?;
    }
    Ok(())
}
