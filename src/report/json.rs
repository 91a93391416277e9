//! `--format json`: the stable, versioned document of RULES.md ("Output contract").
//!
//! Offsets are into the original file (BOM and UTF-16 included); lines and columns are
//! 1-based, columns counted in Unicode scalar values of the decoded text.

use std::io::Write;

use serde::Serialize;

use crate::report::{Finding, Report};

/// Bumped on any incompatible change of this document.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    client: &'static str,
    format: &'static str,
    /// Every client that read the file, when more than one did (additive: absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    readers: Vec<Reader>,
}

#[derive(Serialize)]
struct Reader {
    client: &'static str,
    format: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
    client: &'static str,
    account: Option<&'a str>,
    /// Only when a managing layer decides the value (additive: absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    managed_by: Option<&'a str>,
    /// Only where the client reports the problem on a line of its own (additive: absent
    /// otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    client_line: Option<usize>,
    fix: Option<Fix<'a>>,
    /// Other places the finding refers to (additive: absent when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<Related<'a>>,
}

/// A related location: where, what it says, and for a connection-budget finding the
/// connections it contributes.
#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_offset: usize,
    byte_length: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    connections: Option<i64>,
}

#[derive(Serialize)]
struct Fix<'a> {
    applicability: &'static str,
    description: &'a str,
    edits: Vec<Edit<'a>>,
}

#[derive(Serialize)]
struct Edit<'a> {
    path: &'a str,
    byte_offset: usize,
    byte_length: usize,
    replacement: &'a str,
}

fn view<'a>(report: &'a Report<'a>, f: &'a Finding) -> Diagnostic<'a> {
    Diagnostic {
        rule: f.rule,
        severity: f.severity.name(),
        message: &f.message,
        help: f.help.as_deref(),
        path: report.path_of(f.at.file),
        line: f.at.line,
        column: f.at.column,
        end_line: f.at.end_line,
        end_column: f.at.end_column,
        byte_offset: f.at.original.start,
        byte_length: f.at.original.len(),
        client: f.client.name(),
        account: f.account.as_deref(),
        managed_by: f.managed_by.as_deref(),
        client_line: f.client_line,
        fix: f.fix.as_ref().map(|fix| Fix {
            applicability: fix.applicability.name(),
            description: &fix.description,
            edits: fix
                .edits
                .iter()
                .map(|e| Edit {
                    path: report.path_of(e.file),
                    byte_offset: e.original.start,
                    byte_length: e.original.len(),
                    replacement: &e.replacement,
                })
                .collect(),
        }),
        related: f
            .notes
            .iter()
            .map(|n| Related {
                path: report.path_of(n.at.file),
                line: n.at.line,
                column: n.at.column,
                end_line: n.at.end_line,
                end_column: n.at.end_column,
                byte_offset: n.at.original.start,
                byte_length: n.at.original.len(),
                message: &n.text,
                connections: n.connections,
            })
            .collect(),
    }
}

/// Diagnostics rendered together on the worker threads while the window before is written:
/// enough to keep both cores busy, few enough that the two windows' text stays small. (With
/// the overlap, 2,048 wrote a 2,000-home fleet's 89 MB 11–25 ms sooner than 4,096 without
/// it, at the same peak memory; 4,096 with it cost 3 MiB more.)
const WINDOW: usize = 2048;

/// The most related places of a finding rendered in a window's buffer (see [`write`]).
const BUFFERED_NOTES: usize = 64;

/// Writes the document exactly as `serde_json::to_writer_pretty` writes [`Document`] (the
/// unit test below compares them), but renders the diagnostics in parallel windows, each
/// while the one before is written: on a fleet the document is tens of megabytes.
pub fn write(report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    write_with(report, &[], out)
}

/// [`write`], with `extra` fields after `diagnostics` (additions to the contract, such as
/// `clientlint probe`'s `probes`; schemas/clientlint.json documents each).
pub fn write_with(
    report: &Report<'_>,
    extra: &[(&str, serde_json::Value)],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    out.write_all(b"{\n")?;
    field(out, "version", &JSON_VERSION)?;
    field(out, "tool", &tool())?;
    field(out, "files", &files(report))?;
    out.write_all(b"  \"diagnostics\": ")?;
    if report.findings.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        // A finding with many related places (a budget over a fleet: one per profile) is
        // written straight out, not rendered into a buffer beside the window's.
        let render = |window: &[Box<Finding>]| -> Vec<Option<std::io::Result<Vec<u8>>>> {
            window
                .par_iter()
                .map(|f| (f.notes.len() <= BUFFERED_NOTES).then(|| indented(&view(report, f), 4)))
                .collect()
        };
        let mut windows = report.findings.chunks(WINDOW);
        let mut current = windows.next().map(|w| (w, render(w)));
        let mut first = true;
        while let Some((window, rendered)) = current.take() {
            // The pool renders the next window while this thread writes this one: writing
            // tens of megabytes to a pipe is not free, and the cores would wait for it.
            let next = windows.next();
            let mut next_rendered = None;
            let written = rayon::in_place_scope(|scope| {
                if let Some(w) = next {
                    scope.spawn(|_| next_rendered = Some(render(w)));
                }
                write_window(report, window, rendered, &mut first, out)
            });
            written?;
            current = next.zip(next_rendered);
        }
        out.write_all(b"\n  ]")?;
    }
    for (key, value) in extra {
        out.write_all(b",\n")?;
        write!(out, "  {}: ", serde_json::Value::from(*key))?;
        out.write_all(&indented(value, 2)?)?;
    }
    out.write_all(b",\n  \"summary\": ")?;
    out.write_all(&indented(&report.summary(), 2)?)?;
    if let Some(connections) = report.connections {
        out.write_all(b",\n  \"connections\": ")?;
        connections(out)?;
    }
    out.write_all(b"\n}\n")
}

/// Writes one window's rendered diagnostics, in order (those not rendered, straight).
fn write_window(
    report: &Report<'_>,
    window: &[Box<Finding>],
    rendered: Vec<Option<std::io::Result<Vec<u8>>>>,
    first: &mut bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for (f, r) in window.iter().zip(rendered) {
        out.write_all(if *first { b"\n    " } else { b",\n    " })?;
        match r {
            Some(r) => out.write_all(&r?)?,
            None => {
                let mut ser = serde_json::Serializer::with_formatter(&mut *out, Nested::new(4));
                view(report, f)
                    .serialize(&mut ser)
                    .map_err(std::io::Error::other)?;
            }
        }
        *first = false;
    }
    Ok(())
}

fn tool() -> Tool {
    Tool {
        name: "clientlint",
        version: env!("CARGO_PKG_VERSION"),
    }
}

fn files<'a>(report: &'a Report<'a>) -> Vec<File<'a>> {
    report
        .files
        .iter()
        .filter_map(|f| {
            let info = f.info?;
            let reader = |i: &crate::report::FileInfo| Reader {
                client: i.client.name(),
                format: i.format,
            };
            let readers = if f.also.is_empty() {
                Vec::new()
            } else {
                std::iter::once(&info).chain(&f.also).map(reader).collect()
            };
            Some(File {
                path: &f.path,
                client: info.client.name(),
                format: info.format,
                readers,
            })
        })
        .collect()
}

/// `"key": value,` one level into the document.
fn field<T: Serialize>(out: &mut dyn Write, key: &str, value: &T) -> std::io::Result<()> {
    write!(out, "  \"{key}\": ")?;
    out.write_all(&indented(value, 2)?)?;
    out.write_all(b",\n")
}

/// `value` pretty-printed as if nested `depth` spaces deep: its lines after the first are
/// indented. Written in one pass by [`Nested`], serde_json's pretty layout with a base
/// indentation.
fn indented<T: Serialize>(value: &T, depth: usize) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Nested::new(depth));
    value.serialize(&mut ser).map_err(std::io::Error::other)?;
    Ok(out)
}

/// serde_json's `PrettyFormatter` (two spaces a level) starting `base` spaces deep.
struct Nested {
    base: usize,
    level: usize,
    has_value: bool,
}

impl Nested {
    fn new(base: usize) -> Nested {
        Nested {
            base,
            level: 0,
            has_value: false,
        }
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W) -> std::io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        w.write_all(b"\n")?;
        let mut n = self.base + 2 * self.level;
        while n > 0 {
            let chunk = n.min(SPACES.len());
            w.write_all(SPACES.get(..chunk).unwrap_or(b""))?;
            n -= chunk;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document as one serde value: what `write` must print byte for byte.
    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        tool: Tool,
        files: Vec<File<'a>>,
        diagnostics: Vec<Diagnostic<'a>>,
        summary: crate::report::Summary,
    }

    fn reference(report: &Report<'_>) -> String {
        let doc = Document {
            version: JSON_VERSION,
            tool: tool(),
            files: files(report),
            diagnostics: report.findings.iter().map(|f| view(report, f)).collect(),
            summary: report.summary(),
        };
        serde_json::to_string_pretty(&doc).expect("serialises") + "\n"
    }

    fn written(report: &Report<'_>) -> String {
        let mut buf = Vec::new();
        write(report, &mut buf).expect("writes");
        String::from_utf8(buf).expect("utf-8")
    }

    #[test]
    fn parallel_writer_prints_what_serde_prints() {
        let settings = crate::settings::Settings::default();
        // An empty directory: empty `files` and `diagnostics` arrays.
        let empty = tempfile::tempdir().expect("tempdir");
        for (dir, at_least) in [
            (std::path::PathBuf::from("fixtures/rules"), 100),
            (std::path::PathBuf::from("fixtures/demo"), 5),
            (empty.path().to_path_buf(), 0),
        ] {
            let analysis = crate::lint_paths(std::slice::from_ref(&dir), &settings);
            let resolved = &analysis.resolved;
            let report = resolved.report();
            assert!(report.findings.len() >= at_least, "{dir:?}");
            assert_eq!(written(&report), reference(&report), "{dir:?}");
        }
        // More findings than two windows: a window is written while the next is rendered.
        let analysis = crate::lint_paths(&["fixtures/rules".into()], &settings);
        let resolved = &analysis.resolved;
        let mut many = Vec::new();
        while many.len() <= 2 * WINDOW {
            many.extend(resolved.findings.iter().cloned());
        }
        // And findings with more related places than a window buffers (written inline).
        for f in many.iter_mut().filter(|f| !f.notes.is_empty()).step_by(7) {
            let notes: Vec<_> = f
                .notes
                .iter()
                .cycle()
                .take(BUFFERED_NOTES * 2)
                .cloned()
                .collect();
            f.notes = notes.into_boxed_slice();
        }
        assert!(many.iter().any(|f| f.notes.len() > BUFFERED_NOTES));
        let report = Report {
            files: &resolved.files,
            findings: &many,
            connections: None,
        };
        assert_eq!(written(&report), reference(&report));
    }
}
