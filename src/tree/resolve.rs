//! Path arithmetic of confinement: lexical normalisation, and resolving a path inside a
//! root the way the kernel's `RESOLVE_BENEATH` / `RESOLVE_IN_ROOT` do, for systems (and
//! kernels) without `openat2`.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

/// How links and `..` may move in a root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Confine {
    /// Nothing may leave the root: `..` above it and absolute links are escapes.
    Beneath,
    /// The root is `/`: `..` stops at it, and absolute links start from it again.
    InRoot,
}

/// Links followed in one resolution before giving up, as Linux does (`ELOOP`).
const MAX_LINKS: usize = 40;

/// A path, or a link on it, leads out of its root.
#[derive(Debug)]
struct Escape;

impl std::fmt::Display for Escape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("it leads out of the tree")
    }
}

impl std::error::Error for Escape {}

/// The error of a path that leads out of its root.
pub(crate) fn escape_error() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, Escape)
}

/// True for the error [`escape_error`] makes, and for the kernel's (`EXDEV` from
/// `openat2` with `RESOLVE_BENEATH`).
pub(crate) fn is_escape(e: &io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EXDEV) {
        return true;
    }
    e.get_ref().is_some_and(|inner| inner.is::<Escape>())
}

/// `path` made absolute (against the working directory) with `.` and `..` taken away
/// lexically. Only used to decide which root a path belongs to; what it names inside that
/// root is resolved by the kernel or by [`resolve`].
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let joined;
    let path = if path.is_absolute() {
        path
    } else {
        // The working directory, asked once: every open of a run places its path.
        static CWD: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
        joined = CWD
            .get_or_init(|| std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/")))
            .join(path);
        &joined
    };
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if out.parent().is_some() {
                    out.pop();
                }
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Resolves `rel` inside `root` component by component, following links as `how` allows,
/// and returns the path it names relative to `root`, free of links (the last component
/// included when it is not a link). Beneath a root, an absolute link that names a place
/// inside it (a dotfiles repository's links) is followed, which the kernel's
/// `RESOLVE_BENEATH` refuses. An escape is [`escape_error`]; a loop is an error too.
pub(crate) fn resolve(root: &Path, rel: &Path, how: Confine) -> io::Result<PathBuf> {
    let mut done: Vec<OsString> = Vec::new();
    let mut pending: VecDeque<OsString> = VecDeque::new();
    let mut links = 0;
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    push_front(&mut pending, &mut done, rel, how)?;
    while let Some(part) = pending.pop_front() {
        if part == ".." {
            if done.pop().is_none() && how == Confine::Beneath {
                return Err(escape_error());
            }
            continue;
        }
        let mut candidate = root.to_path_buf();
        candidate.extend(&done);
        candidate.push(&part);
        match std::fs::symlink_metadata(&candidate) {
            Ok(meta) if meta.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(io::Error::other("too many levels of symbolic links"));
                }
                let mut target = std::fs::read_link(&candidate)?;
                if how == Confine::Beneath && target.has_root() {
                    let absolute = absolute(&target);
                    let inside = absolute
                        .strip_prefix(&real_root)
                        .or_else(|_| absolute.strip_prefix(root))
                        .map_err(|_| escape_error())?;
                    done.clear();
                    target = inside.to_path_buf();
                }
                push_front(&mut pending, &mut done, &target, how)?;
            }
            // A missing component is left for the open to report.
            _ => done.push(part),
        }
    }
    Ok(done.iter().collect())
}

/// Puts the components of `path` before what is pending; an absolute path starts again
/// from the root (in a root) or is an escape (beneath one).
fn push_front(
    pending: &mut VecDeque<OsString>,
    done: &mut Vec<OsString>,
    path: &Path,
    how: Confine,
) -> io::Result<()> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::RootDir | Component::Prefix(_) => {
                if how == Confine::Beneath {
                    return Err(escape_error());
                }
                done.clear();
                parts.clear();
            }
            Component::CurDir => {}
            Component::ParentDir => parts.push(OsString::from("..")),
            Component::Normal(p) => parts.push(p.to_os_string()),
        }
    }
    for p in parts.into_iter().rev() {
        pending.push_front(p);
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::{absolute, is_escape, resolve, Confine};
    use std::os::unix::fs::symlink;
    use std::path::Path;

    #[test]
    fn links_resolve_inside_and_escapes_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("img");
        std::fs::create_dir_all(root.join("home/a/real")).expect("dirs");
        std::fs::write(root.join("home/a/real/conf"), "x").expect("file");
        symlink("real", root.join("home/a/rel")).expect("link");
        symlink("/home/a/real", root.join("home/a/abs")).expect("link");
        symlink("../../../..", root.join("home/a/up")).expect("link");
        symlink("loop", root.join("home/a/loop")).expect("link");
        symlink(root.join("home/a/real"), root.join("home/a/inside")).expect("link");

        let r = |p: &str, how| resolve(&root, Path::new(p), how).map(|rel| root.join(rel));
        let inside = root.join("home/a/real/conf");
        assert_eq!(
            r("home/a/rel/conf", Confine::Beneath).ok(),
            Some(inside.clone())
        );
        // An absolute link is an image's own path: followed in a root, an escape beneath.
        assert_eq!(r("home/a/abs/conf", Confine::InRoot).ok(), Some(inside));
        assert!(r("home/a/abs/conf", Confine::Beneath).is_err_and(|e| is_escape(&e)));
        // Beneath a tree, an absolute link to a place inside it is followed.
        assert_eq!(
            r("home/a/inside/conf", Confine::Beneath).ok(),
            Some(root.join("home/a/real/conf"))
        );
        // `..` stops at the root of an image, and escapes a tree.
        assert_eq!(
            r("home/a/up/etc/passwd", Confine::InRoot).ok(),
            Some(root.join("etc/passwd"))
        );
        assert!(r("home/a/up/etc/passwd", Confine::Beneath).is_err_and(|e| is_escape(&e)));
        assert!(r("../x", Confine::Beneath).is_err_and(|e| is_escape(&e)));
        assert!(r("home/a/loop/x", Confine::InRoot).is_err());
    }

    #[test]
    fn absolute_paths_are_normalised_lexically() {
        assert_eq!(absolute(Path::new("/a/./b/../c")), Path::new("/a/c"));
        assert_eq!(absolute(Path::new("/../x")), Path::new("/x"));
    }
}
