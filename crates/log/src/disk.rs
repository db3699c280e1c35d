//! The storage seam: every call through which the log changes what is on disk (positioned and
//! vectored writes, truncation, fdatasync/fsync of files and directories, syncfs, renames and
//! removals) goes through this module, and nothing else in the crate writes to a file.
//!
//! In a normal build each function is an `#[inline]` call of the std or libc function it names,
//! so the seam costs nothing: no trait object, no extra branch, no extra system call (the
//! vectored append stays one `pwritev(2)` per 64 batches, reads stay `pread`, fetches stay
//! `sendfile`). In this crate's own test build (`cfg(test)`) each call also reports to a
//! thread-local power-loss model when a test installed one ([`sim`]): the model keeps, per
//! inode, the content as of its last sync and the writes since, and per directory the names as
//! of its last sync, so a test can cut the power at any point and see what a disk may keep:
//! every unsynced byte dropped, or writes torn at any byte, or any subset of them kept. The
//! model can also make writes fail part-way (disk full) or syncs fail.

use std::fs::File;
use std::io::{self, IoSlice};
use std::os::unix::fs::FileExt;
use std::path::Path;

#[cfg(test)]
pub(crate) mod sim;

/// `pwrite` every byte of `buf` at `position`.
#[inline]
pub(crate) fn write_all_at(file: &File, buf: &[u8], position: u64) -> io::Result<()> {
    #[cfg(test)]
    if sim::active() {
        return sim::write(file, position, buf);
    }
    file.write_all_at(buf, position)
}

/// `pwritev` every byte of `slices` at `position` (see [`crate::sys::pwritev_all`]).
#[inline]
pub(crate) fn pwritev_all(
    file: &File,
    slices: &mut [IoSlice<'_>],
    position: u64,
) -> io::Result<()> {
    #[cfg(test)]
    if sim::active() {
        let joined: Vec<u8> = slices.iter().flat_map(|s| s.iter().copied()).collect();
        return sim::write(file, position, &joined);
    }
    crate::sys::pwritev_all(file, slices, position)
}

/// `ftruncate` to `len` bytes.
#[inline]
pub(crate) fn set_len(file: &File, len: u64) -> io::Result<()> {
    #[cfg(test)]
    if sim::active() {
        return sim::set_len(file, len);
    }
    file.set_len(len)
}

/// `fdatasync` (a directory handle too: that makes its entries durable).
#[inline]
pub fn sync_data(file: &File) -> io::Result<()> {
    #[cfg(test)]
    if sim::active() {
        return sim::sync(file);
    }
    file.sync_data()
}

/// `fsync`.
#[inline]
pub(crate) fn sync_all(file: &File) -> io::Result<()> {
    #[cfg(test)]
    if sim::active() {
        return sim::sync(file);
    }
    file.sync_all()
}

/// fsync a directory so the names created or removed in it survive a power cut.
#[inline]
pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
    sync_all(&File::open(dir)?)
}

/// syncfs(2) on the filesystem holding `file`.
#[inline]
pub(crate) fn syncfs(file: &File) -> io::Result<()> {
    #[cfg(test)]
    if sim::active() {
        return sim::sync_everything();
    }
    crate::sys::syncfs(file)
}

/// Remove a file's name (durable only once its directory is synced).
#[inline]
pub(crate) fn remove_file(path: &Path) -> io::Result<()> {
    std::fs::remove_file(path)
}

/// Rename (durable only once the directory is synced). The model sees renames through the
/// directory listings it takes at each directory sync.
#[inline]
#[allow(dead_code)] // the log renames nothing today; kept so a new rename goes through the seam
pub(crate) fn rename(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::rename(from, to)
}
