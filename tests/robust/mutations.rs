//! Always-on property tests: random byte mutations, truncations and splices of every
//! corpus and fixture file, read as the format it is. Whatever the bytes: no panic,
//! every diagnostic, note and fix-edit span inside its file and on char boundaries, the
//! JSON and SARIF output parse as JSON, and a fix plan only changes the bytes its edits
//! name. Bounded (a few hundred cases) so the suite stays fast; the fuzz targets in
//! `fuzz/` run the same checks for as long as one likes.

use std::path::PathBuf;
use std::sync::OnceLock;

use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::source::{Files, SourceFile};
use proptest::prelude::*;

use super::{assert_spans, files_under, format_of, unit_for};

/// Every corpus and fixture file, read once.
fn inputs() -> &'static [(PathBuf, Vec<u8>)] {
    static INPUTS: OnceLock<Vec<(PathBuf, Vec<u8>)>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        files_under(&["fixtures/corpus", "fixtures/rules", "fixtures/demo"])
            .into_iter()
            .filter_map(|p| Some((p.clone(), std::fs::read(&p).ok()?)))
            .collect()
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite bytes at these (relative) positions with these values.
    Flip(Vec<(f64, u8)>),
    /// Keep only the first fraction of the file.
    Truncate(f64),
    /// Insert a slice of another file at a position.
    Splice {
        other: usize,
        from: f64,
        len: usize,
        at: f64,
    },
    /// Remove a range.
    Delete { at: f64, len: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        proptest::collection::vec((0.0..1.0f64, any::<u8>()), 1..8).prop_map(Mutation::Flip),
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (any::<usize>(), 0.0..1.0f64, 1usize..400, 0.0..1.0f64).prop_map(
            |(other, from, len, at)| Mutation::Splice {
                other,
                from,
                len,
                at
            }
        ),
        (0.0..1.0f64, 1usize..200).prop_map(|(at, len)| Mutation::Delete { at, len }),
    ]
}

fn pos(len: usize, f: f64) -> usize {
    ((len as f64) * f) as usize
}

fn apply(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match m {
        Mutation::Flip(changes) => {
            for (at, value) in changes {
                if let Some(b) = out.get_mut(pos(bytes.len(), *at)) {
                    *b = *value;
                }
            }
        }
        Mutation::Truncate(f) => out.truncate(pos(bytes.len(), *f)),
        Mutation::Splice {
            other,
            from,
            len,
            at,
        } => {
            let all = inputs();
            let donor = &all[other % all.len()].1;
            let start = pos(donor.len(), *from);
            let end = (start + len).min(donor.len());
            let at = pos(out.len(), *at);
            out.splice(at..at, donor[start..end].iter().copied());
        }
        Mutation::Delete { at, len } => {
            let at = pos(out.len(), *at);
            let end = (at + len).min(out.len());
            out.drain(at..end);
        }
    }
    out
}

/// Lints `bytes` as the format of `path`, checks spans and both JSON outputs, then
/// plans every fix (unsafe ones too) and checks that each pass changed only its edits.
fn check(path: &std::path::Path, bytes: Vec<u8>) {
    let format = format_of(path, inputs_bytes(path));
    let unit = unit_for(path, format);
    let mut files = Files::default();
    files.add(SourceFile::new(path.to_path_buf(), bytes.clone()));
    let analysis = clientlint::analyze(std::slice::from_ref(&unit), files, &Settings::default());
    assert_spans(&analysis, &path.display().to_string());
    for format in [OutputFormat::Json, OutputFormat::Sarif] {
        let out = clientlint::render(&analysis, format);
        let json: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{format:?} is not JSON: {e}"));
        assert!(json.is_object());
    }

    let mut files = Files::default();
    files.add(SourceFile::new(path.to_path_buf(), bytes));
    let plan = clientlint::plan_fixes(&[unit], files, &Settings::default(), true);
    assert_spans(&plan.analysis, "after fixing");
    for pass in &plan.passes {
        let mut edits = pass.edits.clone();
        edits.sort_by_key(|(s, _)| (s.start, s.end));
        let mut rebuilt = Vec::new();
        let mut cursor = 0;
        for (span, replacement) in &edits {
            rebuilt.extend_from_slice(&pass.before[cursor..span.start]);
            rebuilt.extend_from_slice(replacement);
            cursor = span.end;
        }
        rebuilt.extend_from_slice(&pass.before[cursor..]);
        assert_eq!(rebuilt, pass.after, "a fix changed bytes outside its edits");
    }
}

/// The original bytes of an input, for recognising its format (a mutation may destroy
/// what recognised it).
fn inputs_bytes(path: &std::path::Path) -> &'static [u8] {
    inputs()
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, b)| b.as_slice())
        .unwrap_or_default()
}

#[test]
fn every_corpus_and_fixture_file_passes_unmutated() {
    assert!(inputs().len() > 200, "{} inputs", inputs().len());
    for (path, bytes) in inputs() {
        check(path, bytes.clone());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_never_panic_and_keep_spans_valid(
        index in any::<usize>(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let all = inputs();
        let (path, bytes) = &all[index % all.len()];
        let mut mutated = bytes.clone();
        for m in &mutations {
            mutated = apply(&mutated, m);
        }
        check(path, mutated);
    }
}
