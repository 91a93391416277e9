//! Helpers that more than one client uses and that name no client: the closest known
//! name for an unknown-setting finding, and what Regedit rejects or overwrites as findings.

use crate::model::{FileFinding, FileFindingKind};
use crate::source::FileId;
use crate::syntax::reg::merge::Overwritten;
use crate::syntax::reg::{RegError, RegErrorKind};

/// A line Regedit rejects or imports differently, as a syntax-error or invalid-value
/// finding of file `id`.
pub(crate) fn reg_error_finding(id: FileId, e: &RegError) -> FileFinding {
    let kind = match e.kind {
        RegErrorKind::Syntax => FileFindingKind::SyntaxError,
        RegErrorKind::InvalidValue => FileFindingKind::InvalidValue,
    };
    FileFinding::new(kind, id, e.span, e.label.clone(), e.message.clone())
        .help("Regedit skips what it cannot read; correct the line")
}

/// A `.reg` value that a later value of the same name replaces (Regedit imports both,
/// the last one stays), as a duplicate-setting finding of file `id`.
pub(crate) fn overwritten_finding(id: FileId, o: &Overwritten<'_>) -> FileFinding {
    FileFinding::new(
        FileFindingKind::DuplicateSetting,
        id,
        o.value.name_span,
        "overwritten later",
        o.message(),
    )
    .help("delete the copies that do not count")
    .note(id, o.by.name_span, "a later value replaces it")
}

/// The name of `known` closest to `name`, when it is close enough to be a typo: a
/// different case only, or a Levenshtein distance of at most 2 (3 for names over 12
/// characters). For "did you mean" in unknown-setting findings.
pub(crate) fn nearest_name(
    name: &str,
    known: impl IntoIterator<Item = &'static str>,
) -> Option<&'static str> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for candidate in known {
        let candidate_lower = candidate.to_lowercase();
        let d = if candidate_lower == lower {
            0
        } else {
            levenshtein(&lower, &candidate_lower)
        };
        if best.map(|(bd, _)| d < bd).unwrap_or(true) {
            best = Some((d, candidate));
        }
    }
    let max = if name.chars().count() > 12 { 3 } else { 2 };
    best.filter(|(d, _)| *d <= max).map(|(_, n)| n)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            if let Some(c) = cur.get_mut(j + 1) {
                *c = sub.min(del).min(ins);
            }
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}
