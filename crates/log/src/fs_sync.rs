//! One sync for many partitions: syncfs(2) makes every file and directory entry of a filesystem
//! durable in one call, so opening or closing thousands of partitions costs a constant number of
//! syncs instead of several fsyncs each (see [`crate::PartitionLog::open_deferred`],
//! [`crate::PartitionLog::prepare_close`] and [`crate::PartitionLog::finish_close`]).
//!
//! It is only offered where it can stand in for fsync: on Linux 5.8 or later, where syncfs
//! reports write-back errors. Elsewhere [`FilesystemSync::open`] and [`sync_filesystem`] fail
//! with `ErrorKind::Unsupported` and the caller keeps to the per-partition `open()`/`close()`.
//! Every partition directory covered must be on the filesystem of the path given.

use crate::sys;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

/// Whether a write inside the log is made durable where it happens or left to the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SyncMode {
    /// fsync the files (and directory) written before returning.
    Now,
    /// No sync: the caller syncs the filesystem before relying on the write (see
    /// [`crate::PartitionLog::open_deferred`] and [`crate::PartitionLog::finish_close`]).
    Caller,
}

/// A handle on the filesystem holding a directory. Keep it for as long as the data lives there:
/// syncfs reports every write-back error since the handle was opened, even one another process
/// has already been told about.
#[derive(Debug)]
pub struct FilesystemSync {
    dir: File,
    path: PathBuf,
}

impl FilesystemSync {
    /// Open a handle on `dir`'s filesystem; `Unsupported` where syncfs cannot report errors.
    pub fn open(dir: &Path) -> io::Result<FilesystemSync> {
        if !sys::syncfs_reports_errors() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "syncfs(2) reports write errors only on Linux 5.8 or later",
            ));
        }
        Ok(FilesystemSync {
            dir: File::open(dir)?,
            path: dir.to_path_buf(),
        })
    }

    /// Make everything written to the filesystem so far durable (data, metadata, directory
    /// entries). An error means some write since the handle was opened may be lost.
    pub fn sync(&self) -> io::Result<()> {
        crate::disk::syncfs(&self.dir).map_err(|e| {
            io::Error::new(e.kind(), format!("syncfs on {}: {e}", self.path.display()))
        })
    }
}

/// syncfs(2) on the filesystem holding `path`, with a handle opened for this call only (so an
/// error reported earlier to another syncfs caller is not seen again; keep a
/// [`FilesystemSync`] to see those too). `Unsupported` where syncfs cannot report errors.
pub fn sync_filesystem(path: &Path) -> io::Result<()> {
    FilesystemSync::open(path)?.sync()
}
