//! The two small state files of a partition directory besides its segments: the clean-shutdown
//! marker and the recovery point. Both are versioned, and both are read conservatively: a file
//! that is missing, torn or of an unknown version means "assume the worst" (recover more).
//!
//! ```text
//! clean-shutdown (8 bytes)           recovery-point (20 bytes)
//!   0 4 magic "SLCS"                   0 4 magic "SLRP"
//!   4 1 version 1                      4 1 version 1
//!   5 3 reserved 0                     5 3 reserved 0
//!                                      8 8 offset (i64 BE)
//!                                     16 4 CRC-32C of bytes 0..16 (u32 BE)
//! ```
//!
//! `clean-shutdown` is written by `close()` after every file was fsynced, and cleared (and the
//! clearing made durable) by `open()` before anything is appended. Clearing overwrites the marker
//! with zeros in place (any content but the exact 8 bytes reads as absent), and writing it
//! overwrites the same file: a partition opened and closed again and again keeps one inode and
//! one block instead of allocating and freeing them each time, which is slow on some filesystems
//! (ext4 without a journal scans past recently freed inodes; `discard` makes every freed block a
//! synchronous discard). The recovery point is overwritten in place for the same reason (a torn
//! one fails its CRC). The batch variants
//! (`prepare_close`/`finish_close`, `open_deferred`) write and clear it without a sync of their
//! own and leave the syncs to their caller (one syncfs for all partitions), in the same order:
//! the marker is written only after the data it vouches for is durable, and its clearing is
//! durable before the first append.
//!
//! `recovery-point` names the base offset of the first segment that may hold bytes or index
//! entries not yet fsynced; every segment below it was fsynced whole. It is rewritten without
//! fsync when it advances (once per roll) and at a clean close (after the close's syncs): if that
//! write is lost the older, smaller value stays and recovery only checks more.

use crate::disk;
use crate::fs_sync::SyncMode;
use crate::Offset;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

pub(crate) const CLEAN_SHUTDOWN_FILE: &str = "clean-shutdown";
pub(crate) const RECOVERY_POINT_FILE: &str = "recovery-point";
const CLEAN_SHUTDOWN_MAGIC: [u8; 4] = *b"SLCS";
const RECOVERY_POINT_MAGIC: [u8; 4] = *b"SLRP";
const FORMAT_VERSION: u8 = 1;

fn versioned_header(magic: [u8; 4]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out[0..4].copy_from_slice(&magic);
    out[4] = FORMAT_VERSION;
    out
}

/// Whether the directory holds a well-formed clean-shutdown marker.
pub(crate) fn clean_marker_present(dir: &Path) -> io::Result<bool> {
    match std::fs::read(dir.join(CLEAN_SHUTDOWN_FILE)) {
        Ok(bytes) => Ok(bytes == versioned_header(CLEAN_SHUTDOWN_MAGIC)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Overwrite the start of `path` with `bytes` (creating it if missing) and cut anything after
/// them, without truncating first: the file keeps its inode and block.
fn overwrite_in_place(path: &Path, bytes: &[u8]) -> io::Result<File> {
    let file = File::options()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    disk::write_all_at(&file, bytes, 0)?;
    if file.metadata()?.len() > bytes.len() as u64 {
        disk::set_len(&file, bytes.len() as u64)?;
    }
    Ok(file)
}

/// Clear the marker: overwrite it with zeros in place if it holds the marker (see the module
/// docs). With `SyncMode::Now` the file is fsynced whenever it exists, even if it was already
/// clear (that clearing may not be durable yet): once this returns, a crash is seen as unclean.
/// With `SyncMode::Caller`, only once the caller has synced.
pub(crate) fn clear_clean_marker(dir: &Path, sync: SyncMode) -> io::Result<()> {
    let path = dir.join(CLEAN_SHUTDOWN_FILE);
    let file = match File::options().read(true).write(true).open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let marker = versioned_header(CLEAN_SHUTDOWN_MAGIC);
    let mut found = [0u8; 8];
    let holds_marker = file.metadata()?.len() == marker.len() as u64
        && file.read_exact_at(&mut found, 0).is_ok()
        && found == marker;
    if holds_marker {
        disk::write_all_at(&file, &[0u8; 8], 0)?;
    }
    if sync == SyncMode::Now {
        disk::sync_all(&file)?;
    }
    Ok(())
}

/// Write the marker, into the existing file if there is one (fsynced, with the directory, with
/// `SyncMode::Now`). A torn marker reads as absent, so one that is only partly written is
/// harmless.
pub(crate) fn write_clean_marker(dir: &Path, sync: SyncMode) -> io::Result<()> {
    let path = dir.join(CLEAN_SHUTDOWN_FILE);
    let file = overwrite_in_place(&path, &versioned_header(CLEAN_SHUTDOWN_MAGIC))?;
    if sync == SyncMode::Now {
        disk::sync_all(&file)?;
        disk::sync_dir(dir)?;
    }
    Ok(())
}

fn encode_recovery_point(point: Offset) -> [u8; 20] {
    let mut out = [0u8; 20];
    out[0..8].copy_from_slice(&versioned_header(RECOVERY_POINT_MAGIC));
    out[8..16].copy_from_slice(&point.0.to_be_bytes());
    let crc = crc32c::crc32c(&out[0..16]);
    out[16..20].copy_from_slice(&crc.to_be_bytes());
    out
}

fn decode_recovery_point(bytes: &[u8]) -> Option<Offset> {
    if bytes.len() != 20 || bytes[0..8] != versioned_header(RECOVERY_POINT_MAGIC) {
        return None;
    }
    let crc = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
    if crc32c::crc32c(&bytes[0..16]) != crc {
        return None;
    }
    let mut offset = [0u8; 8];
    offset.copy_from_slice(&bytes[8..16]);
    Some(Offset(i64::from_be_bytes(offset)))
}

/// The recovery point, or 0 ("check every segment") if there is no trustworthy one.
pub(crate) fn read_recovery_point(dir: &Path) -> Offset {
    std::fs::read(dir.join(RECOVERY_POINT_FILE))
        .ok()
        .and_then(|b| decode_recovery_point(&b))
        .unwrap_or_default()
}

/// Overwrite the recovery point in place (not fsynced; see the module docs for why that is safe).
pub(crate) fn write_recovery_point(dir: &Path, point: Offset) -> io::Result<()> {
    overwrite_in_place(
        &dir.join(RECOVERY_POINT_FILE),
        &encode_recovery_point(point),
    )
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_point_round_trips_and_a_torn_one_reads_as_zero() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(read_recovery_point(dir.path()), Offset(0));
        write_recovery_point(dir.path(), Offset(1234)).expect("write");
        assert_eq!(read_recovery_point(dir.path()), Offset(1234));
        write_recovery_point(dir.path(), Offset(7)).expect("overwrite");
        assert_eq!(read_recovery_point(dir.path()), Offset(7));
        let mut bytes = encode_recovery_point(Offset(99));
        bytes[9] ^= 1;
        std::fs::write(dir.path().join(RECOVERY_POINT_FILE), bytes).expect("tear");
        assert_eq!(read_recovery_point(dir.path()), Offset(0));
    }

    #[test]
    fn clean_marker_is_written_seen_and_cleared() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(!clean_marker_present(dir.path()).expect("read"));
        clear_clean_marker(dir.path(), SyncMode::Now).expect("clearing no marker");
        assert!(!dir.path().join(CLEAN_SHUTDOWN_FILE).exists());
        for sync in [SyncMode::Now, SyncMode::Caller] {
            write_clean_marker(dir.path(), sync).expect("write");
            assert!(clean_marker_present(dir.path()).expect("read"));
            clear_clean_marker(dir.path(), sync).expect("clear");
            assert!(!clean_marker_present(dir.path()).expect("read"));
            clear_clean_marker(dir.path(), sync).expect("clear again");
            assert!(!clean_marker_present(dir.path()).expect("read"));
        }
        std::fs::write(dir.path().join(CLEAN_SHUTDOWN_FILE), b"").expect("empty marker");
        assert!(
            !clean_marker_present(dir.path()).expect("read"),
            "an empty marker is not clean"
        );
        std::fs::write(
            dir.path().join(CLEAN_SHUTDOWN_FILE),
            b"SLCS\x01\0\0\0 and more",
        )
        .expect("long marker");
        assert!(!clean_marker_present(dir.path()).expect("read"));
        write_clean_marker(dir.path(), SyncMode::Caller).expect("write over it");
        assert!(clean_marker_present(dir.path()).expect("read"));
    }
}
