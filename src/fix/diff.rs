//! The unified diff `--diff` prints: every changed file, with secrets masked on both
//! sides.

use crate::source::{SourceFile, Span};

/// A unified diff of one file, from `before` (masked with the secrets the parser found in
/// it) to `after` (masked with its own).
pub fn unified(after: &SourceFile, before: &[u8], before_secrets: &[Span]) -> String {
    // Re-read the original through the same decoder, with the secrets the parser found
    // then, so masked spans line up.
    let mut old = SourceFile::new(after.path.clone(), before.to_vec());
    old.secrets = before_secrets.to_vec();
    let name = crate::escape::terminal(&after.display_path()).into_owned();
    similar::TextDiff::from_lines(&old.masked_text(), &after.masked_text())
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}
