//! `--format github`: GitHub Actions workflow commands, shown inline on pull requests.
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=clientlint (rule)::message`.
//! Never coloured; paths relative to the working directory where possible.

use std::io::Write;

use crate::diagnostic::Severity;
use crate::escape::terminal;
use crate::report::Report;

/// Escapes a message (the part after `::`) by the Actions rules. Text from files goes
/// through [`terminal`] first: the log viewer interprets escape sequences, and a newline of
/// a value must not become a line of the message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value (`file=`, `title=`), which comes from a path: made visible,
/// then escaped by the Actions rules.
pub fn escape_property(s: &str) -> String {
    escape_data(&terminal(s))
        .replace(':', "%3A")
        .replace(',', "%2C")
}

fn relative(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        if let Ok(cwd) = std::env::current_dir() {
            if let Ok(rel) = p.strip_prefix(&cwd) {
                return rel.display().to_string();
            }
        }
    }
    path.to_owned()
}

pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    for f in report.findings {
        let (line, col) = (f.at.line, f.at.column);
        let (end_line, end_col) = (f.at.end_line, f.at.end_column);
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut message = terminal(&f.message).into_owned();
        if let Some(help) = &f.help {
            message.push('\n');
            message.push_str(&terminal(help));
        }
        writeln!(
            out,
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            escape_property(&relative(report.path_of(f.at.file))),
            escape_property(&format!("clientlint ({})", f.rule)),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn escapes_newlines_percent_and_property_separators() {
        assert_eq!(escape_data("a\nb%c\r"), "a%0Ab%25c%0D");
        assert_eq!(escape_property("x:y,z"), "x%3Ay%2Cz");
        // A path with a newline cannot end the command and start another.
        assert_eq!(
            escape_property("a\n::error title=x::y"),
            "a\\n%3A%3Aerror title=x%3A%3Ay"
        );
    }
}
