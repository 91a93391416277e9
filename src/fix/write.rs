//! Writing a fixed file: atomically (temporary file in the same directory, fsync,
//! rename), through a symlink to its target, keeping permissions, and never over a file
//! that changed since it was read.

use std::io::Write as _;
use std::path::Path;

/// How fixed files are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Keep `FILE.clientlint.bak` with the original bytes.
    pub backup: bool,
    /// Write even though the client holds its profile lock.
    pub force: bool,
}

/// Environment variable naming a failure point, for tests of interrupted writes:
/// `after-temp-write` fails after the temporary file is written and before it replaces
/// the original.
pub const FAILPOINT_ENV: &str = "CLIENTLINT_FAILPOINT";

/// Why a file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("`{path}` is read-only; it was left untouched")]
    ReadOnly { path: String },
    #[error("`{path}` changed on disk since it was read; it was left untouched (run again)")]
    Changed { path: String },
    #[error("{reason}; `{path}` was left untouched (close the client first, or use --force)")]
    Locked { path: String, reason: String },
    #[error("could not write `{path}`: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes one fixed file atomically, in place of `path` (through a symlink to its target),
/// keeping its permissions and, where possible, its owner.
pub fn write_file(
    path: &Path,
    before: &[u8],
    after: &[u8],
    options: WriteOptions,
) -> Result<(), WriteError> {
    let shown = path.display().to_string();
    let io = |source| WriteError::Io {
        path: shown.clone(),
        source,
    };
    // Write the link's target, so the link stays a link.
    let target = std::fs::canonicalize(path).map_err(io)?;
    let meta = std::fs::metadata(&target).map_err(io)?;
    if meta.permissions().readonly() {
        return Err(WriteError::ReadOnly { path: shown });
    }
    let current = std::fs::read(&target).map_err(io)?;
    if current != before {
        return Err(WriteError::Changed { path: shown });
    }
    if options.backup {
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".clientlint.bak");
        std::fs::write(target.with_file_name(name), before).map_err(io)?;
    }
    let mut file = atomic_write_file::AtomicWriteFile::options()
        .open(&target)
        .map_err(io)?;
    file.write_all(after).map_err(io)?;
    if std::env::var(FAILPOINT_ENV).as_deref() == Ok("after-temp-write") {
        // Dropping the uncommitted file removes the temporary copy.
        drop(file);
        return Err(io(std::io::Error::other("failpoint after-temp-write")));
    }
    // Last check before the rename: the file may have changed while we wrote.
    let current = std::fs::read(&target).map_err(io)?;
    if current != before {
        drop(file);
        return Err(WriteError::Changed { path: shown });
    }
    file.commit().map_err(io)
}
