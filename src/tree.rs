//! The trees a run was given, and the one way clients and discovery look into them.
//!
//! Every existence check, directory listing and read that discovery and the clients make
//! goes through [`Tree`], so what a run may touch is decided in one place. Reads use the
//! checked readers of [`crate::source`]: regular files only, bounded in size, never a FIFO
//! or a device.

use std::path::{Path, PathBuf};

use crate::source::{self, ReadError};

/// A view of the file system for one run.
#[derive(Debug, Default)]
pub struct Tree {
    _private: (),
}

impl Tree {
    /// The view of this machine's file system.
    pub fn host() -> Tree {
        Tree::default()
    }

    /// True when `path` is a regular file (following a link).
    pub fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    /// True when `path` is a directory (following a link).
    pub fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
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
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(Result::ok)
            .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
            .map(|e| e.path())
            .collect();
        dirs.sort();
        Ok(dirs)
    }
}
