//! `--format concise`: one line per diagnostic, for grep and editors.

use std::io::Write;

use crate::report::Report;

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for d in report.diagnostics {
        let (line, col) = report
            .files
            .get(d.file)
            .map(|f| f.line_col(d.span.start))
            .unwrap_or((1, 1));
        writeln!(
            out,
            "{}:{line}:{col}: {} [{}] {}",
            report.path_of(d.file),
            d.severity.name(),
            d.rule,
            d.message
        )?;
    }
    Ok(())
}
