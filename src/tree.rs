//! The trees a run was given, and the one way clients and discovery look into them.
//!
//! Every existence check, directory listing and read that discovery and the clients make
//! goes through [`Tree`], so what a run may touch is decided in one place. Reads use the
//! checked readers of [`crate::source`]: regular files only, bounded in size, never a FIFO
//! or a device. A tree is this machine, or an image of another machine (`--sysroot DIR`),
//! where the machine's absolute paths (`/etc/thunderbird`) are found under DIR.

use std::path::{Component, Path, PathBuf};

use crate::source::{self, ReadError};

/// The operating-system layouts a home directory may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Linux,
    MacOs,
    Windows,
}

impl Layout {
    /// Every layout: an image may come from any system.
    pub const ALL: [Layout; 3] = [Layout::Linux, Layout::MacOs, Layout::Windows];

    /// The layout of the machine clientlint runs on.
    pub fn current() -> Layout {
        if cfg!(windows) {
            Layout::Windows
        } else if cfg!(target_os = "macos") {
            Layout::MacOs
        } else {
            Layout::Linux
        }
    }
}

/// A view of the file system for one run.
#[derive(Debug, Default, Clone)]
pub struct Tree {
    /// The root of a machine image; `None` for this machine.
    image: Option<PathBuf>,
}

impl Tree {
    /// This machine's file system.
    pub fn host() -> Tree {
        Tree::default()
    }

    /// An image of a whole machine: `root` is its `/`.
    pub fn image(root: &Path) -> Tree {
        Tree {
            image: Some(root.to_path_buf()),
        }
    }

    /// The image's root, when the tree is an image.
    pub fn image_root(&self) -> Option<&Path> {
        self.image.as_deref()
    }

    /// Where a path of the machine is: `/etc/thunderbird` itself on this machine,
    /// `DIR/etc/thunderbird` in an image. `..` cannot climb above the image's root.
    pub fn machine_path(&self, absolute: &str) -> PathBuf {
        let Some(root) = &self.image else {
            return PathBuf::from(absolute);
        };
        let mut out = root.clone();
        let mut depth = 0usize;
        for c in Path::new(absolute).components() {
            match c {
                Component::Normal(part) => {
                    out.push(part);
                    depth += 1;
                }
                Component::ParentDir if depth > 0 => {
                    out.pop();
                    depth -= 1;
                }
                _ => {}
            }
        }
        out
    }

    /// The OS layouts the machine may have: this machine's own, or every layout for an
    /// image (it may come from any system).
    pub fn layouts(&self) -> Vec<Layout> {
        match self.image {
            Some(_) => Layout::ALL.to_vec(),
            None => vec![Layout::current()],
        }
    }

    /// True when `path` is a regular file (following a link).
    pub fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    /// True when `path` is a directory (following a link).
    pub fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    /// True when something is at `path`, even a link that leads nowhere.
    pub fn exists(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }

    /// The first `len` bytes of a regular file.
    pub fn read_head(&self, path: &Path, len: u64) -> Result<Vec<u8>, ReadError> {
        source::read_config_head(path, len)
    }

    /// A whole configuration file (size-capped).
    pub fn read(&self, path: &Path) -> Result<Vec<u8>, ReadError> {
        source::read_config_file(path)
    }

    /// The subdirectories of `dir`, sorted by name.
    pub fn subdirectories(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        self.entries(dir, |t| t.is_dir())
    }

    /// The regular files (or links to them) of `dir`, sorted by name.
    pub fn files_in(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        let mut files = self.entries(dir, |t| t.is_file() || t.is_symlink())?;
        files.retain(|p| p.is_file());
        Ok(files)
    }

    fn entries(
        &self,
        dir: &Path,
        keep: impl Fn(std::fs::FileType) -> bool,
    ) -> std::io::Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().map(&keep).unwrap_or(false))
            .map(|e| e.path())
            .collect();
        out.sort();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::Tree;
    use std::path::PathBuf;

    #[test]
    fn machine_paths_stay_inside_an_image() {
        let t = Tree::image(std::path::Path::new("/img"));
        assert_eq!(
            t.machine_path("/etc/thunderbird"),
            PathBuf::from("/img/etc/thunderbird")
        );
        assert_eq!(t.machine_path("/../../etc/x"), PathBuf::from("/img/etc/x"));
        assert_eq!(t.machine_path("/a/../../b"), PathBuf::from("/img/b"));
        assert_eq!(Tree::host().machine_path("/etc/x"), PathBuf::from("/etc/x"));
    }
}
