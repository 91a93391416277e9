//! `--statistics`: findings counted per rule, with how many are fixable.

use std::collections::BTreeMap;
use std::io::Write;

use crate::report::Report;

pub fn write(report: &Report<'_>, json: bool, out: &mut dyn Write) -> std::io::Result<()> {
    // rule → (count, fixable, severity of the first finding)
    let mut counts: BTreeMap<&str, (usize, usize, &'static str)> = BTreeMap::new();
    for d in report.findings {
        let entry = counts.entry(d.rule).or_insert((0, 0, d.severity.name()));
        entry.0 += 1;
        if d.fix.is_some() {
            entry.1 += 1;
        }
    }
    let mut rows: Vec<_> = counts.into_iter().collect();
    // Most frequent first, then by name, as ruff does.
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(rule, (count, fixable, severity))| {
                serde_json::json!({ "rule": rule, "severity": severity, "count": count, "fixable": fixable })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &list)?;
        return writeln!(out);
    }
    for (rule, (count, fixable, severity)) in rows {
        let fix = if fixable > 0 {
            format!("  [{fixable} fixable]")
        } else {
            String::new()
        };
        let line = format!("{count:>5}  {rule:<36} {severity:<8}{fix}");
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
