//! Helpers that more than one client uses and that name no client: the closest known
//! name for an unknown-setting finding ([`KnownNames`]), and what Regedit rejects or
//! overwrites as findings.

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

/// The longest name [`KnownNames::nearest`] looks at: every name a client knows is far
/// shorter, so a longer one is no typo of any.
const MAX_SUGGESTED_LEN: usize = 64;

/// The names a client knows, for "did you mean" in unknown-setting findings: lower-cased
/// once, and each distinct unknown name looked up once per run (a fleet repeats the same
/// few unknown names in every home). Build one per list, in a `static` `OnceLock`.
pub(crate) struct KnownNames {
    /// (lower-cased name, name), in the order given.
    lowered: Vec<(Box<[char]>, &'static str)>,
    memo: std::sync::Mutex<foldhash::HashMap<Box<str>, Option<&'static str>>>,
}

impl KnownNames {
    /// Distinct unknown names remembered; past it, names are looked up every time.
    const MEMO_SIZE: usize = 4096;

    pub(crate) fn new(names: impl IntoIterator<Item = &'static str>) -> KnownNames {
        KnownNames {
            lowered: names
                .into_iter()
                .map(|n| (n.chars().map(lower).collect(), n))
                .collect(),
            memo: Default::default(),
        }
    }

    /// The known name closest to `name`, when it is close enough to be a typo: a
    /// different case only, or a Levenshtein distance of at most 2 (3 for names over 12
    /// characters); of several as close, the first. Bounded and allocation-free: names
    /// whose length alone puts them out of reach are skipped, and the distance is computed
    /// in a band around the diagonal and stops as soon as it exceeds the best so far.
    pub(crate) fn nearest(&self, name: &str) -> Option<&'static str> {
        if let Some(hit) = self.memo.lock().ok().and_then(|m| m.get(name).copied()) {
            return hit;
        }
        let found = self.search(name);
        if let Ok(mut m) = self.memo.lock() {
            if m.len() < Self::MEMO_SIZE {
                m.insert(name.into(), found);
            }
        }
        found
    }

    /// [`KnownNames::nearest`], without the memo.
    fn search(&self, name: &str) -> Option<&'static str> {
        let mut chars = ['\0'; MAX_SUGGESTED_LEN];
        let mut len = 0;
        for c in name.chars() {
            let slot = chars.get_mut(len)?;
            *slot = lower(c);
            len += 1;
        }
        let chars = chars.get(..len)?;
        let max = if len > 12 { 3 } else { 2 };
        let mut best: Option<(usize, &'static str)> = None;
        for (known, original) in &self.lowered {
            let bound = best.map(|(d, _)| d.saturating_sub(1)).unwrap_or(max);
            if let Some(d) = bounded_levenshtein(chars, known, bound) {
                best = Some((d, original));
                if d == 0 {
                    break;
                }
            }
        }
        best.map(|(_, n)| n)
    }
}

/// A character lower-cased as names are compared (its first lower-case character).
fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The Levenshtein distance between `a` and `b` when it is at most `bound`, else `None`
/// (also when either is longer than [`MAX_SUGGESTED_LEN`]). Only the cells within `bound`
/// of the diagonal are computed (a path through any other costs more), in two rows on
/// the stack, and a row whose smallest cell exceeds `bound` ends the search.
fn bounded_levenshtein(a: &[char], b: &[char], bound: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if m > MAX_SUGGESTED_LEN || n > MAX_SUGGESTED_LEN || n.abs_diff(m) > bound {
        return None;
    }
    // Anything above `bound` is as good as infinite.
    let out = bound + 1;
    let mut prev = [out; MAX_SUGGESTED_LEN + 2];
    let mut cur = [out; MAX_SUGGESTED_LEN + 2];
    for (j, cell) in prev.iter_mut().enumerate().take(m.min(bound) + 1) {
        *cell = j;
    }
    for (i, ca) in (1..=n).zip(a) {
        let lo = i.saturating_sub(bound).max(1);
        let hi = (i + bound).min(m);
        // The column left of the band: column 0 is i deletions, anything else is out.
        cur[lo - 1] = if lo == 1 && i <= bound { i } else { out };
        let mut row_min = cur[lo - 1];
        for j in lo..=hi {
            let cell = (prev[j - 1] + usize::from(*ca != b[j - 1]))
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(out);
            cur[j] = cell;
            row_min = row_min.min(cell);
        }
        // The next row reads one column past this band.
        cur[hi + 1] = out;
        if row_min > bound {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[m];
    (d <= bound).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::{bounded_levenshtein, KnownNames};

    fn full(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    /// Strings near each other and far apart: edits of a few words.
    fn corpus() -> Vec<Vec<char>> {
        let words = [
            "timeout",
            "number of transfers",
            "keep-alive",
            "höst",
            "",
            "a",
            "ab",
        ];
        let mut out = Vec::new();
        for w in words {
            out.push(w.to_owned());
            out.push(format!("{w}x"));
            out.push(format!("x{w}yz"));
            out.push(w.chars().skip(1).collect());
            out.push(w.chars().rev().collect());
            out.push(w.replacen('e', "", 1));
        }
        out.into_iter().map(|s| s.chars().collect()).collect()
    }

    #[test]
    fn the_banded_distance_is_the_full_one_within_the_bound() {
        let corpus = corpus();
        for a in &corpus {
            for b in &corpus {
                let d = full(a, b);
                for bound in 0..=6 {
                    let want = (d <= bound).then_some(d);
                    assert_eq!(
                        bounded_levenshtein(a, b, bound),
                        want,
                        "{a:?} / {b:?} within {bound}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_first_nearest_name_within_reach_is_suggested() {
        let known = KnownNames::new(["Timeout", "Timeouts", "Number of Transfers", "Höst"]);
        assert_eq!(known.nearest("timeout"), Some("Timeout"));
        assert_eq!(known.nearest("Timeot"), Some("Timeout"));
        assert_eq!(known.nearest("TIMEOUTS"), Some("Timeouts"));
        assert_eq!(
            known.nearest("Number of transfer"),
            Some("Number of Transfers")
        );
        assert_eq!(known.nearest("HÖST"), Some("Höst"));
        assert_eq!(known.nearest("Completely different"), None);
        assert_eq!(known.nearest(""), None);
        assert_eq!(known.nearest(&"Timeout".repeat(20)), None);
        // Again, from the memo.
        assert_eq!(known.nearest("Timeot"), Some("Timeout"));
    }
}
