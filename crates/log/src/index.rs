//! The two per-segment index formats, `.index` (offset → file position) and `.timeindex`
//! (timestamp → offset): their bytes, their reader (binary search with pread), their writer,
//! and the rule that decides when the append path adds an entry ([`Cadence`]).
//!
//! Both files are sparse hints. They are never needed for correctness: a reader verifies the
//! batch an offset entry points at and falls back to scanning the segment, and recovery
//! rebuilds an index that is missing or fails its sanity check from the `.log` itself.
//!
//! ```text
//! header (8 bytes, both files)
//!   0  4 magic      "SLIX" for .index, "SLTX" for .timeindex
//!   4  1 version    1
//!   5  3 reserved   0 (room for flags, e.g. a future aborted-transaction index in use)
//! .index entry (8 bytes, big-endian)          .timeindex entry (12 bytes, big-endian)
//!   0  4 relative offset (u32)                  0  8 timestamp ms (i64)
//!   4  4 file position in the .log (u32)        8  4 relative offset (u32)
//! ```
//!
//! Relative offsets are `offset - segment base offset`. An `.index` entry names the base offset
//! of the batch that starts at that position; one is added for the first batch that starts at
//! least `index_interval_bytes` after the previous entry (or the segment start). A `.timeindex`
//! entry `(t, o)` says that every batch up to the point where it was written has a max timestamp
//! `<= t`, and that the batch at offset `o` holds `t`; one is added at the same moments as an
//! `.index` entry when the segment's max timestamp has grown since the last one, and once more
//! when the segment stops being active, so the last entry always holds the segment's max
//! timestamp. Entries grow strictly in both fields.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// Bytes in front of the first entry of either index file.
pub const HEADER_SIZE: usize = 8;
/// Version byte of both index formats.
pub const FORMAT_VERSION: u8 = 1;

/// A byte position in a segment's `.log` (segments are capped below 4 GiB).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FilePosition(pub u32);

/// One `.index` entry: the batch whose base offset is `segment base + relative_offset`
/// starts at `position`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OffsetEntry {
    pub relative_offset: u32,
    pub position: FilePosition,
}

/// One `.timeindex` entry: the max timestamp so far was `timestamp_ms`, held by the batch at
/// `segment base + relative_offset`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TimeEntry {
    pub timestamp_ms: i64,
    pub relative_offset: u32,
}

/// What the generic reader and writer need to know about an entry type.
pub trait IndexEntry: Copy {
    const SIZE: usize;
    const MAGIC: [u8; 4];
    fn encode_into(&self, out: &mut [u8]);
    fn decode(bytes: &[u8]) -> Self;
}

impl IndexEntry for OffsetEntry {
    const SIZE: usize = 8;
    const MAGIC: [u8; 4] = *b"SLIX";

    fn encode_into(&self, out: &mut [u8]) {
        out[0..4].copy_from_slice(&self.relative_offset.to_be_bytes());
        out[4..8].copy_from_slice(&self.position.0.to_be_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        OffsetEntry {
            relative_offset: be_u32(&bytes[0..4]),
            position: FilePosition(be_u32(&bytes[4..8])),
        }
    }
}

impl IndexEntry for TimeEntry {
    const SIZE: usize = 12;
    const MAGIC: [u8; 4] = *b"SLTX";

    fn encode_into(&self, out: &mut [u8]) {
        out[0..8].copy_from_slice(&self.timestamp_ms.to_be_bytes());
        out[8..12].copy_from_slice(&self.relative_offset.to_be_bytes());
    }

    fn decode(bytes: &[u8]) -> Self {
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&bytes[0..8]);
        TimeEntry {
            timestamp_ms: i64::from_be_bytes(ts),
            relative_offset: be_u32(&bytes[8..12]),
        }
    }
}

fn be_u32(bytes: &[u8]) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(bytes);
    u32::from_be_bytes(b)
}

/// The largest entry of either kind, for stack buffers.
const ENTRY_SIZE_MAX: usize = 12;
/// Binary search reads single entries until this many remain, then reads them in one pread.
const SEARCH_BLOCK_ENTRIES: usize = 256;

/// The header every index file of kind `E` starts with.
pub fn header<E: IndexEntry>() -> [u8; HEADER_SIZE] {
    let mut out = [0u8; HEADER_SIZE];
    out[0..4].copy_from_slice(&E::MAGIC);
    out[4] = FORMAT_VERSION;
    out
}

fn entry_position<E: IndexEntry>(n: u32) -> u64 {
    HEADER_SIZE as u64 + u64::from(n) * E::SIZE as u64
}

/// Check the header and length of an index file and return its entry count, or say what is
/// wrong with it (then the caller rebuilds it).
pub fn entry_count<E: IndexEntry>(file: &File) -> Result<u32, String> {
    let len = file
        .metadata()
        .map_err(|e| format!("stat failed: {e}"))?
        .len();
    let mut found = [0u8; HEADER_SIZE];
    if len < HEADER_SIZE as u64 {
        return Err(format!("{len} bytes, shorter than its header"));
    }
    file.read_exact_at(&mut found, 0)
        .map_err(|e| format!("header read failed: {e}"))?;
    if found != header::<E>() {
        return Err(format!("bad header {found:02x?}"));
    }
    let body = len - HEADER_SIZE as u64;
    if !body.is_multiple_of(E::SIZE as u64) {
        return Err(format!(
            "{body} entry bytes is not a multiple of {}",
            E::SIZE
        ));
    }
    u32::try_from(body / E::SIZE as u64).map_err(|_| format!("{body} entry bytes is too many"))
}

/// Entry `n` (0-based) of an index file.
pub fn read_entry<E: IndexEntry>(file: &File, n: u32) -> io::Result<E> {
    let mut buf = [0u8; ENTRY_SIZE_MAX];
    file.read_exact_at(&mut buf[..E::SIZE], entry_position::<E>(n))?;
    Ok(E::decode(&buf[..E::SIZE]))
}

/// Write entry `n` (0-based); the append path writes entry `count` to add one.
pub fn write_entry<E: IndexEntry>(file: &File, n: u32, entry: &E) -> io::Result<()> {
    let mut buf = [0u8; ENTRY_SIZE_MAX];
    entry.encode_into(&mut buf[..E::SIZE]);
    crate::disk::write_all_at(file, &buf[..E::SIZE], entry_position::<E>(n))
}

/// Replace the whole content of an index file with a header and `entries` (encoded entries).
pub fn write_fresh<E: IndexEntry>(file: &File, entries: &[u8]) -> io::Result<()> {
    crate::disk::set_len(file, 0)?;
    crate::disk::write_all_at(file, &header::<E>(), 0)?;
    crate::disk::write_all_at(file, entries, HEADER_SIZE as u64)
}

/// The last of the first `count` entries for which `pred` holds, assuming `pred` holds for a
/// prefix of the entries (true for "key <= target" on a well-formed index). On a damaged index
/// the answer is some entry or none, never a panic; callers verify what they use.
pub fn last_where<E: IndexEntry>(
    file: &File,
    count: u32,
    pred: impl Fn(&E) -> bool,
) -> io::Result<Option<(u32, E)>> {
    // Invariant: entries [0, lo) satisfy pred, entries [hi, count) do not.
    let (mut lo, mut hi) = (0u32, count);
    while (hi - lo) as usize > SEARCH_BLOCK_ENTRIES {
        let mid = lo + (hi - lo) / 2;
        if pred(&read_entry::<E>(file, mid)?) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut block = [0u8; SEARCH_BLOCK_ENTRIES * ENTRY_SIZE_MAX];
    let block = &mut block[..(hi - lo) as usize * E::SIZE];
    file.read_exact_at(block, entry_position::<E>(lo))?;
    let satisfied = block
        .chunks_exact(E::SIZE)
        .take_while(|bytes| pred(&E::decode(bytes)))
        .count() as u32;
    let found = lo + satisfied;
    if found == 0 {
        return Ok(None);
    }
    if satisfied > 0 {
        let at = (satisfied as usize - 1) * E::SIZE;
        return Ok(Some((found - 1, E::decode(&block[at..at + E::SIZE]))));
    }
    Ok(Some((found - 1, read_entry::<E>(file, found - 1)?)))
}

/// Encoded entries collected in memory while a segment is scanned, written in one go.
#[derive(Debug, Default)]
pub(crate) struct EntryBuffer {
    pub(crate) bytes: Vec<u8>,
    pub(crate) count: u32,
}

impl EntryBuffer {
    pub(crate) fn push<E: IndexEntry>(&mut self, entry: &E) {
        let mut buf = [0u8; ENTRY_SIZE_MAX];
        entry.encode_into(&mut buf[..E::SIZE]);
        self.bytes.extend_from_slice(&buf[..E::SIZE]);
        self.count += 1;
    }
}

/// Entries the cadence asks for after one batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DueEntries {
    pub(crate) offset: Option<OffsetEntry>,
    pub(crate) time: Option<TimeEntry>,
}

/// The rule for when index entries are added, shared by the append path and by rebuilds (a
/// rebuild replays it over the segment, so it writes the same entries the appends did).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cadence {
    interval_bytes: u64,
    bytes_since_entry: u64,
    max_timestamp_ms: i64,
    offset_of_max_timestamp: u32,
    last_time_entry_ms: i64,
}

impl Cadence {
    /// The cadence of an empty segment.
    pub(crate) fn new(interval_bytes: u32) -> Cadence {
        Cadence {
            interval_bytes: u64::from(interval_bytes),
            bytes_since_entry: 0,
            max_timestamp_ms: -1,
            offset_of_max_timestamp: 0,
            last_time_entry_ms: -1,
        }
    }

    /// The cadence of a segment loaded from disk whose last `.timeindex` entry is `last_time`
    /// and which has `bytes_since_entry` log bytes after its last `.index` entry.
    pub(crate) fn resume(
        interval_bytes: u32,
        bytes_since_entry: u64,
        last_time: Option<TimeEntry>,
    ) -> Cadence {
        let mut cadence = Cadence::new(interval_bytes);
        cadence.bytes_since_entry = bytes_since_entry;
        if let Some(last) = last_time {
            cadence.max_timestamp_ms = last.timestamp_ms;
            cadence.offset_of_max_timestamp = last.relative_offset;
            cadence.last_time_entry_ms = last.timestamp_ms;
        }
        cadence
    }

    pub(crate) fn set_interval_bytes(&mut self, interval_bytes: u32) {
        self.interval_bytes = u64::from(interval_bytes);
    }

    /// Largest max timestamp seen in the segment, -1 if none.
    pub(crate) fn max_timestamp_ms(&self) -> i64 {
        self.max_timestamp_ms
    }

    /// Account for one batch (at `position`, `size_bytes` long, base offset
    /// `relative_offset`, max timestamp `timestamp_ms`) and say which entries are due.
    pub(crate) fn observe(
        &mut self,
        relative_offset: u32,
        position: FilePosition,
        size_bytes: u32,
        timestamp_ms: i64,
    ) -> DueEntries {
        if timestamp_ms > self.max_timestamp_ms {
            self.max_timestamp_ms = timestamp_ms;
            self.offset_of_max_timestamp = relative_offset;
        }
        let mut due = DueEntries::default();
        if self.bytes_since_entry >= self.interval_bytes {
            due.offset = Some(OffsetEntry {
                relative_offset,
                position,
            });
            due.time = self.take_time_entry();
            self.bytes_since_entry = 0;
        }
        self.bytes_since_entry += u64::from(size_bytes);
        due
    }

    /// The entry that records the segment's max timestamp when it stops being active, unless
    /// the last entry already does.
    pub(crate) fn closing_entry(&mut self) -> Option<TimeEntry> {
        self.take_time_entry()
    }

    fn take_time_entry(&mut self) -> Option<TimeEntry> {
        if self.max_timestamp_ms <= self.last_time_entry_ms {
            return None;
        }
        self.last_time_entry_ms = self.max_timestamp_ms;
        Some(TimeEntry {
            timestamp_ms: self.max_timestamp_ms,
            relative_offset: self.offset_of_max_timestamp,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_file_with(entries: &[OffsetEntry]) -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.path().join("i"));
        let file = file.expect("open");
        let mut buffer = EntryBuffer::default();
        entries.iter().for_each(|e| buffer.push(e));
        write_fresh::<OffsetEntry>(&file, &buffer.bytes).expect("write");
        (dir, file)
    }

    fn entries(n: u32) -> Vec<OffsetEntry> {
        (0..n)
            .map(|i| OffsetEntry {
                relative_offset: i * 10,
                position: FilePosition(i * 100),
            })
            .collect()
    }

    #[test]
    fn binary_search_finds_the_last_entry_at_or_below_a_target() {
        // Goal: last_where agrees with a linear search on both sides of the block threshold.
        for n in [0u32, 1, 5, 256, 257, 1000, 5000] {
            let all = entries(n);
            let (_dir, file) = index_file_with(&all);
            assert_eq!(entry_count::<OffsetEntry>(&file), Ok(n));
            for target in [0u32, 5, 10, 15, 2555, 2560, 9990, 49_990, 60_000] {
                let found = last_where::<OffsetEntry>(&file, n, |e| e.relative_offset <= target)
                    .expect("search");
                let expected = all
                    .iter()
                    .enumerate()
                    .rev()
                    .find(|(_, e)| e.relative_offset <= target);
                assert_eq!(
                    found,
                    expected.map(|(i, e)| (i as u32, *e)),
                    "n={n} target={target}"
                );
            }
        }
    }

    #[test]
    fn entries_written_one_by_one_read_back() {
        let (_dir, file) = index_file_with(&[]);
        let entry = TimeEntry {
            timestamp_ms: 1_700_000_000_000,
            relative_offset: 42,
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let time_file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(dir.path().join("t"));
        let time_file = time_file.expect("open");
        write_fresh::<TimeEntry>(&time_file, &[]).expect("header");
        write_entry(&time_file, 0, &entry).expect("write");
        assert_eq!(entry_count::<TimeEntry>(&time_file), Ok(1));
        assert_eq!(read_entry::<TimeEntry>(&time_file, 0).expect("read"), entry);
        assert!(
            entry_count::<TimeEntry>(&file).is_err(),
            "an .index header is not a .timeindex header"
        );
    }

    #[test]
    fn an_index_of_odd_length_or_bad_header_is_reported() {
        let (_dir, file) = index_file_with(&entries(3));
        file.set_len((HEADER_SIZE + 3 * 8 + 3) as u64)
            .expect("grow");
        assert!(entry_count::<OffsetEntry>(&file).is_err());
        file.set_len(3).expect("shrink");
        assert!(entry_count::<OffsetEntry>(&file).is_err());
    }

    #[test]
    fn cadence_adds_offset_entries_every_interval_and_time_entries_when_max_grows() {
        let mut cadence = Cadence::new(100);
        let first = cadence.observe(0, FilePosition(0), 60, 5);
        assert_eq!(
            first,
            DueEntries::default(),
            "the segment start needs no entry"
        );
        assert_eq!(
            cadence.observe(1, FilePosition(60), 60, 3),
            DueEntries::default()
        );
        let due = cadence.observe(2, FilePosition(120), 60, 4);
        assert_eq!(
            due.offset,
            Some(OffsetEntry {
                relative_offset: 2,
                position: FilePosition(120)
            })
        );
        assert_eq!(
            due.time,
            Some(TimeEntry {
                timestamp_ms: 5,
                relative_offset: 0
            })
        );
        cadence.observe(3, FilePosition(180), 60, 4);
        let due = cadence.observe(4, FilePosition(240), 60, 4);
        assert!(
            due.offset.is_some() && due.time.is_none(),
            "max did not grow"
        );
        cadence.observe(5, FilePosition(300), 60, 9);
        assert_eq!(
            cadence.closing_entry(),
            Some(TimeEntry {
                timestamp_ms: 9,
                relative_offset: 5
            })
        );
        assert_eq!(cadence.closing_entry(), None);
    }
}
