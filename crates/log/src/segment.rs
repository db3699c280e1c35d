//! One segment: the files `{base_offset:020}.log`, `.index` and `.timeindex` of a partition
//! directory, and everything done to one segment: append (vectored positioned writes), index
//! upkeep, and finding batches by offset, by position limit and by timestamp.
//!
//! Contract, in the manner of Kafka's `LogSegment`:
//! - The `.log` holds whole Kafka v2 record batches back to back, exactly as producers sent them
//!   except for `base_offset` (assigned here) and `partition_leader_epoch` (set to 0). Offsets
//!   are dense: the first batch starts at the base offset in the file name and each batch starts
//!   one past the previous one's last offset. Only the bytes below `size_bytes` are valid; the
//!   log never serves bytes beyond it.
//! - The `.index` and `.timeindex` (formats in [`crate::index`]) are hints. Every lookup
//!   verifies the batch an entry points at and falls back to a scan from the segment start, and
//!   recovery rebuilds them when they look wrong.
//! - Only the partition's owner calls these methods, under its lock; `&self` methods only read
//!   (pread) and may run while other partitions append. File handles come from the shared
//!   [`FileBudget`] on every use, so a segment holds no descriptor of its own.
//!
//! What this module leaves to others: choosing when to roll or delete (the partition), fsync
//! (the broker's flusher via the partition's sync target), and validation of producer input
//! (`batch::validate`, called by the broker before append).

use crate::batch::{BatchHeader, BatchInfo};
use crate::disk;
use crate::files::{FileBudget, FileKey};
use crate::index::{self, Cadence, DueEntries, FilePosition, OffsetEntry, TimeEntry};
use crate::scan::{
    walk, BatchCursor, Step, WalkRules, CRC_WALK_BUFFER_BYTES, HEADER_WALK_BUFFER_BYTES,
};
use crate::Offset;
use std::fs::File;
use std::io::{self, IoSlice};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The three files of a segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Log,
    Index,
    TimeIndex,
}

impl FileKind {
    pub const ALL: [FileKind; 3] = [FileKind::Log, FileKind::Index, FileKind::TimeIndex];

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Log => "log",
            FileKind::Index => "index",
            FileKind::TimeIndex => "timeindex",
        }
    }
}

/// `{base_offset:020}.{log,index,timeindex}`.
pub fn file_name(base: Offset, kind: FileKind) -> String {
    format!("{:020}.{}", base.0, kind.extension())
}

/// The base offset and kind a segment file name encodes, if it is one.
pub fn parse_file_name(name: &str) -> Option<(Offset, FileKind)> {
    let (stem, extension) = name.split_once('.')?;
    let kind = FileKind::ALL
        .into_iter()
        .find(|k| k.extension() == extension)?;
    if stem.len() != 20 || !stem.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    stem.parse::<i64>().ok().map(|base| (Offset(base), kind))
}

/// A partition directory and the shared handle budget: how segments reach their files.
pub(crate) struct Storage {
    pub(crate) dir: PathBuf,
    pub(crate) budget: Arc<FileBudget>,
}

impl Storage {
    pub(crate) fn path(&self, base: Offset, kind: FileKind) -> PathBuf {
        self.dir.join(file_name(base, kind))
    }

    /// A handle on one of the segment's files, opened read-write on demand.
    pub(crate) fn file(&self, segment: &Segment, kind: FileKind) -> io::Result<Arc<File>> {
        let key = FileKey {
            segment_id: segment.id,
            kind,
        };
        let path = || self.path(segment.base, kind);
        self.budget
            .get_or_open(key, || File::options().read(true).write(true).open(path()))
    }

    /// Create the files of a new, empty segment at `base`. An empty `.log` left by an earlier
    /// attempt that failed half-way is reused; a non-empty one is an error.
    pub(crate) fn create_segment(&self, base: Offset) -> io::Result<Segment> {
        let path = self.path(base, FileKind::Log);
        let log = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        if log.metadata()?.len() != 0 {
            let message = format!("{} already exists and is not empty", path.display());
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, message));
        }
        let segment = Segment::empty(base, self.budget.next_segment_id());
        write_fresh_index::<OffsetEntry>(&self.path(base, FileKind::Index), &[], false)?;
        write_fresh_index::<TimeEntry>(&self.path(base, FileKind::TimeIndex), &[], false)?;
        Ok(segment)
    }

    /// Delete a segment's files (the `.log` first, so a crash leaves at worst orphan indexes,
    /// which the next open removes). Readers holding its `Arc<File>` keep reading.
    pub(crate) fn remove_segment(&self, segment: &Segment) -> io::Result<()> {
        self.budget.forget_segment(segment.id);
        for kind in FileKind::ALL {
            match disk::remove_file(&self.path(segment.base, kind)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Replace an index file's content with a header and `entries` (creating it if missing), in
/// place, so handles the budget already holds see the new content.
pub(crate) fn write_fresh_index<E: index::IndexEntry>(
    path: &Path,
    entries: &[u8],
    sync: bool,
) -> io::Result<()> {
    let file = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    index::write_fresh::<E>(&file, entries)?;
    if sync {
        disk::sync_data(&file)?;
    }
    Ok(())
}

/// In-memory state of one segment: a few dozen bytes, whatever the segment's size.
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    pub(crate) base: Offset,
    /// One past the last offset held (== base when empty).
    pub(crate) end: Offset,
    /// Valid bytes of the `.log`.
    pub(crate) size_bytes: u64,
    /// Largest batch max timestamp (append time for batches without one), -1 when empty.
    pub(crate) max_timestamp_ms: i64,
    pub(crate) index_entries: u32,
    pub(crate) time_entries: u32,
    /// The budget's key for this segment's files.
    pub(crate) id: u64,
    /// Set when the segment stopped being active in this session and its indexes are not yet
    /// fsynced: the number of the roll that sealed it.
    pub(crate) sealed_by_roll: Option<u64>,
}

/// Batches written per pwritev call; stack space for their rewritten header fields.
const BATCHES_PER_WRITE: usize = 64;
/// The partition leader epoch every stored batch carries.
const STORED_LEADER_EPOCH: [u8; 4] = 0i32.to_be_bytes();

impl Segment {
    pub(crate) fn empty(base: Offset, id: u64) -> Segment {
        Segment {
            base,
            end: base,
            size_bytes: 0,
            max_timestamp_ms: -1,
            index_entries: 0,
            time_entries: 0,
            id,
            sealed_by_roll: None,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.size_bytes == 0
    }

    fn relative(&self, offset: i64) -> u32 {
        u32::try_from(offset.saturating_sub(self.base.0)).unwrap_or(u32::MAX)
    }

    /// Write `batches` of `blob` at the end of the `.log` with offsets from `self.end`, then
    /// add the index entries `cadence` asks for. A failed write is cut off the file again.
    /// `batches` must lie inside `blob` (the partition checks).
    pub(crate) fn append(
        &mut self,
        storage: &Storage,
        blob: &[u8],
        batches: &[BatchInfo],
        cadence: &mut Cadence,
        now_ms: i64,
    ) -> io::Result<()> {
        let log = storage.file(self, FileKind::Log)?;
        if let Err(e) = write_batches(&log, self.size_bytes, blob, batches, self.end.0) {
            // Best effort: leave no partial batch behind the valid bytes.
            let _ = disk::set_len(&log, self.size_bytes);
            return Err(e);
        }
        for info in batches {
            let due = self.account(&info.header, cadence, now_ms);
            self.write_due_entries(storage, due);
        }
        Ok(())
    }

    /// Move `end`, `size_bytes` and the max timestamp past one appended batch.
    fn account(&mut self, header: &BatchHeader, cadence: &mut Cadence, now_ms: i64) -> DueEntries {
        let timestamp_ms = if header.max_timestamp >= 0 {
            header.max_timestamp
        } else {
            now_ms
        };
        let size = header.total_size() as u64;
        let position = FilePosition(u32::try_from(self.size_bytes).unwrap_or(u32::MAX));
        let due = cadence.observe(
            self.relative(self.end.0),
            position,
            size as u32,
            timestamp_ms,
        );
        self.end = Offset(self.end.0 + i64::from(header.last_offset_delta) + 1);
        self.size_bytes += size;
        self.max_timestamp_ms = self.max_timestamp_ms.max(timestamp_ms);
        due
    }

    /// Index entries are hints: a failed write is logged and the index just stays sparser.
    pub(crate) fn write_due_entries(&mut self, storage: &Storage, due: DueEntries) {
        if let Some(entry) = due.offset {
            match storage
                .file(self, FileKind::Index)
                .and_then(|f| index::write_entry(&f, self.index_entries, &entry))
            {
                Ok(()) => self.index_entries += 1,
                Err(e) => {
                    tracing::warn!(dir = %storage.dir.display(), base = %self.base, error = %e, "offset index write failed")
                }
            }
        }
        if let Some(entry) = due.time {
            match storage
                .file(self, FileKind::TimeIndex)
                .and_then(|f| index::write_entry(&f, self.time_entries, &entry))
            {
                Ok(()) => self.time_entries += 1,
                Err(e) => {
                    tracing::warn!(dir = %storage.dir.display(), base = %self.base, error = %e, "time index write failed")
                }
            }
        }
    }

    /// The `.log` handle and a header cursor over the valid bytes, starting at `hint` if the
    /// batch there really has the offset the hint claims, else at `fallback`.
    fn cursor_from_hint<'f>(
        &self,
        log: &'f File,
        hint: Option<OffsetEntry>,
        fallback: u64,
    ) -> io::Result<BatchCursor<'f>> {
        let mut cursor = BatchCursor::new(log, fallback, self.size_bytes, HEADER_WALK_BUFFER_BYTES);
        let Some(entry) = hint.filter(|e| u64::from(e.position.0) > fallback) else {
            return Ok(cursor);
        };
        cursor.seek(u64::from(entry.position.0));
        match cursor.peek()? {
            Step::Batch(h) if h.base_offset == self.base.0 + i64::from(entry.relative_offset) => {}
            _ => {
                tracing::warn!(base = %self.base, ?entry, "index entry does not match the log; scanning instead");
                cursor.seek(fallback);
            }
        }
        Ok(cursor)
    }

    /// The `.index` entry of the last batch starting at or before `offset`.
    fn offset_hint(&self, storage: &Storage, offset: i64) -> io::Result<Option<OffsetEntry>> {
        if self.index_entries == 0 || offset <= self.base.0 {
            return Ok(None);
        }
        let target = self.relative(offset);
        let file = storage.file(self, FileKind::Index)?;
        Ok(
            index::last_where::<OffsetEntry>(&file, self.index_entries, |e| {
                e.relative_offset <= target
            })?
            .map(|f| f.1),
        )
    }

    /// Position and header of the first batch whose last offset is >= `offset`; None if the
    /// segment ends first.
    pub(crate) fn locate(
        &self,
        storage: &Storage,
        log: &File,
        offset: i64,
    ) -> io::Result<Option<(u64, BatchHeader)>> {
        let hint = self.offset_hint(storage, offset)?;
        let mut cursor = self.cursor_from_hint(log, hint, 0)?;
        // Offsets are dense from the segment base (or from the index entry the cursor starts at,
        // which cursor_from_hint checked): a batch claiming another offset is damaged.
        let mut expected = match hint {
            Some(e) if cursor.position() > 0 => self.base.0 + i64::from(e.relative_offset),
            _ => self.base.0,
        };
        loop {
            match cursor.peek()? {
                Step::End => return Ok(None),
                Step::Bad(reason) => return Err(corrupt(cursor.position(), expected, reason)),
                Step::Batch(h) if h.base_offset != expected || h.last_offset() < h.base_offset => {
                    let reason = format!(
                        "base offset {} where {expected} was expected",
                        h.base_offset
                    );
                    return Err(corrupt(cursor.position(), expected, reason));
                }
                Step::Batch(h) if h.last_offset() >= offset => {
                    return Ok(Some((cursor.position(), h)))
                }
                Step::Batch(h) => {
                    expected = h.last_offset() + 1;
                    cursor.advance(&h);
                }
            }
        }
    }

    /// End position of the slice that starts with the batch `first` at `first_position`:
    /// following whole batches while the slice stays within `max_bytes` (the first batch always
    /// counts whole) and every last offset stays below `max_offset`.
    pub(crate) fn slice_end(
        &self,
        storage: &Storage,
        log: &File,
        (first_position, first): (u64, &BatchHeader),
        max_bytes: u32,
        max_offset: i64,
    ) -> io::Result<(u64, Option<i64>)> {
        let first_end = first_position + first.total_size() as u64;
        let limit = (first_position + u64::from(max_bytes)).max(first_end);
        if self.end.0 <= max_offset && self.size_bytes <= limit {
            return Ok((self.size_bytes, Some(self.end.0)));
        }
        let hint = self.limit_hint(storage, limit, max_offset)?;
        let mut cursor = self.cursor_from_hint(log, hint, first_end)?;
        let next = loop {
            match cursor.peek()? {
                Step::Batch(h) => {
                    if cursor.position() + h.total_size() as u64 > limit
                        || h.last_offset() >= max_offset
                    {
                        break Some(h.base_offset);
                    }
                    cursor.advance(&h);
                }
                Step::End => break Some(self.end.0),
                Step::Bad(_) => break None,
            }
        };
        Ok((cursor.position(), next))
    }

    /// The last `.index` entry at or below byte `limit` whose batch starts below `max_offset`:
    /// every batch before it fits, so the walk may start there.
    fn limit_hint(
        &self,
        storage: &Storage,
        limit: u64,
        max_offset: i64,
    ) -> io::Result<Option<OffsetEntry>> {
        if self.index_entries == 0 {
            return Ok(None);
        }
        let file = storage.file(self, FileKind::Index)?;
        let base = self.base.0;
        let fits = |e: &OffsetEntry| {
            u64::from(e.position.0) <= limit && base + i64::from(e.relative_offset) < max_offset
        };
        Ok(index::last_where::<OffsetEntry>(&file, self.index_entries, fits)?.map(|f| f.1))
    }

    /// Position and header of the first batch whose max timestamp is >= `timestamp_ms`.
    pub(crate) fn find_timestamp(
        &self,
        storage: &Storage,
        log: &File,
        timestamp_ms: i64,
    ) -> io::Result<Option<(u64, BatchHeader)>> {
        let mut start = self.base.0;
        if self.time_entries > 0 {
            let file = storage.file(self, FileKind::TimeIndex)?;
            let below = index::last_where::<TimeEntry>(&file, self.time_entries, |e| {
                e.timestamp_ms < timestamp_ms
            })?;
            if let Some((_, entry)) = below {
                start = self.base.0 + i64::from(entry.relative_offset);
            }
        }
        let Some((position, _)) = self.locate(storage, log, start)? else {
            return Ok(None);
        };
        let mut cursor = BatchCursor::new(log, position, self.size_bytes, HEADER_WALK_BUFFER_BYTES);
        loop {
            match cursor.peek()? {
                Step::End => return Ok(None),
                Step::Bad(reason) => return Err(corrupt(cursor.position(), start, reason)),
                Step::Batch(h) if h.max_timestamp >= timestamp_ms => {
                    return Ok(Some((cursor.position(), h)))
                }
                Step::Batch(h) => cursor.advance(&h),
            }
        }
    }

    /// Append to `out` every header from the batch holding `offset` to the segment's end.
    pub(crate) fn headers_from(
        &self,
        storage: &Storage,
        offset: i64,
        out: &mut Vec<BatchHeader>,
    ) -> io::Result<()> {
        let log = storage.file(self, FileKind::Log)?;
        let Some((position, _)) = self.locate(storage, &log, offset)? else {
            return Ok(());
        };
        let mut cursor =
            BatchCursor::new(&log, position, self.size_bytes, HEADER_WALK_BUFFER_BYTES);
        loop {
            match cursor.peek()? {
                Step::End => return Ok(()),
                Step::Bad(reason) => {
                    let expected = out.last().map_or(offset, |h| h.last_offset() + 1);
                    return Err(corrupt(cursor.position(), expected, reason));
                }
                Step::Batch(h) => {
                    out.push(h);
                    cursor.advance(&h);
                }
            }
        }
    }

    /// Check the whole batches of `[position, position + len)` as recovery does (framing,
    /// dense offsets from `first_offset`, CRC-32C) and return how many bytes from `position` are
    /// sound, with the offset after them. Err(CorruptAt) if the first batch is not.
    pub(crate) fn verify(
        &self,
        log: &File,
        position: u64,
        len: u32,
        first_offset: i64,
    ) -> io::Result<(u32, i64)> {
        thread_local! {
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let buf = BUFFER.with(|b| std::mem::take(&mut *b.borrow_mut()));
        let buf = if buf.is_empty() {
            vec![0u8; CRC_WALK_BUFFER_BYTES]
        } else {
            buf
        };
        let end = position + u64::from(len);
        let mut cursor = BatchCursor::with_buffer(log, position, end, buf);
        let rules = WalkRules {
            segment_base: self.base.0,
            verify_crc: true,
            step_over_crc_failures: false,
        };
        let walked = walk(&mut cursor, first_offset, rules, |_, _| {});
        BUFFER.with(|b| *b.borrow_mut() = cursor.into_buffer());
        let walked = walked?;
        match walked.bad {
            Some(reason) if walked.position == position => {
                Err(corrupt(position, walked.next_offset, reason))
            }
            _ => Ok(((walked.position - position) as u32, walked.next_offset)),
        }
    }
}

/// A batch that failed its checks when read: where, which offset it should have held, and why.
#[derive(Debug)]
pub(crate) struct CorruptAt {
    pub(crate) position: u64,
    pub(crate) offset: i64,
    pub(crate) reason: String,
}

impl std::fmt::Display for CorruptAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "corrupt batch at byte {} (offset {}): {}",
            self.position, self.offset, self.reason
        )
    }
}

impl std::error::Error for CorruptAt {}

fn corrupt(position: u64, offset: i64, reason: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        CorruptAt {
            position,
            offset,
            reason,
        },
    )
}

/// Write batches back to back at `position` with base offsets from `next_offset` and leader
/// epoch 0, gathering `[offset][blob 8..12][epoch][blob 16..end]` per batch so the record
/// bytes go from the caller's buffer to the kernel without a copy.
fn write_batches(
    log: &File,
    mut position: u64,
    blob: &[u8],
    batches: &[BatchInfo],
    mut next_offset: i64,
) -> io::Result<()> {
    for group in batches.chunks(BATCHES_PER_WRITE) {
        let mut offsets = [[0u8; 8]; BATCHES_PER_WRITE];
        for (slot, info) in offsets.iter_mut().zip(group) {
            *slot = next_offset.to_be_bytes();
            next_offset += i64::from(info.header.last_offset_delta) + 1;
        }
        let mut slices = [IoSlice::new(&[]); BATCHES_PER_WRITE * 4];
        let mut group_bytes = 0u64;
        for (i, info) in group.iter().enumerate() {
            let batch = batch_bytes(blob, info)?;
            slices[i * 4] = IoSlice::new(&offsets[i]);
            slices[i * 4 + 1] = IoSlice::new(&batch[8..12]);
            slices[i * 4 + 2] = IoSlice::new(&STORED_LEADER_EPOCH);
            slices[i * 4 + 3] = IoSlice::new(&batch[16..]);
            group_bytes += batch.len() as u64;
        }
        disk::pwritev_all(log, &mut slices[..group.len() * 4], position)?;
        position += group_bytes;
    }
    Ok(())
}

/// The bytes of one batch of `blob`, or an error if `info` does not describe one inside it.
pub(crate) fn batch_bytes<'b>(blob: &'b [u8], info: &BatchInfo) -> io::Result<&'b [u8]> {
    let size = info.header.total_size();
    blob.get(info.position..info.position.saturating_add(size))
        .filter(|b| b.len() >= crate::batch::HEADER_SIZE)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "batch info does not match the blob",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_round_trip_and_reject_strangers() {
        let name = file_name(Offset(42), FileKind::TimeIndex);
        assert_eq!(name, "00000000000000000042.timeindex");
        assert_eq!(
            parse_file_name(&name),
            Some((Offset(42), FileKind::TimeIndex))
        );
        assert_eq!(parse_file_name("00000000000000000042.txt"), None);
        assert_eq!(parse_file_name("42.log"), None);
        assert_eq!(parse_file_name("0000000000000000004x.log"), None);
        assert_eq!(parse_file_name("clean-shutdown"), None);
    }
}
