//! Walking the batches of one `.log` file header by header with pread, through a small buffer.
//!
//! Reads (find the batch holding an offset), index rebuilds and recovery all walk segments the
//! same way, so they share this cursor and its checks: a whole header, magic 2, a sane length
//! that stays inside the valid bytes, dense offsets, and (for recovery) the CRC-32C. The cursor
//! never trusts a length further than the end it was given and never allocates beyond its
//! buffer, so damaged files cost at most a bounded read and produce a [`Step::Bad`], not a panic.

use crate::batch::{BatchHeader, CRC_START, HEADER_SIZE, MAGIC_V2, MIN_BATCH_LENGTH};
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// Buffer for walks that only read headers (reads, index lookups).
pub(crate) const HEADER_WALK_BUFFER_BYTES: usize = 4096;
/// Buffer for walks that checksum every byte (recovery).
pub(crate) const CRC_WALK_BUFFER_BYTES: usize = 256 * 1024;

/// What lies at the cursor's position.
#[derive(Debug)]
pub(crate) enum Step {
    Batch(BatchHeader),
    /// Exactly at the end of the valid bytes.
    End,
    /// Not a batch this log could have written; the reason says why.
    Bad(String),
}

pub(crate) struct BatchCursor<'f> {
    file: &'f File,
    end: u64,
    position: u64,
    buf: Vec<u8>,
    buf_start: u64,
    buf_len: usize,
}

impl<'f> BatchCursor<'f> {
    /// A cursor over `file`'s bytes `[position, end)`.
    pub(crate) fn new(
        file: &'f File,
        position: u64,
        end: u64,
        buffer_bytes: usize,
    ) -> BatchCursor<'f> {
        BatchCursor::with_buffer(
            file,
            position,
            end,
            vec![0u8; buffer_bytes.max(HEADER_SIZE)],
        )
    }

    /// A cursor over `file`'s bytes `[position, end)` reading through `buf` (at least
    /// [`HEADER_SIZE`] bytes; its content is ignored), which [`BatchCursor::into_buffer`] gives
    /// back: readers that walk on every request reuse one buffer instead of allocating.
    pub(crate) fn with_buffer(
        file: &'f File,
        position: u64,
        end: u64,
        mut buf: Vec<u8>,
    ) -> BatchCursor<'f> {
        if buf.len() < HEADER_SIZE {
            buf.resize(HEADER_SIZE, 0);
        }
        BatchCursor {
            file,
            end,
            position,
            buf,
            buf_start: 0,
            buf_len: 0,
        }
    }

    pub(crate) fn into_buffer(self) -> Vec<u8> {
        self.buf
    }

    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    /// Move to another batch boundary (found through an index).
    pub(crate) fn seek(&mut self, position: u64) {
        self.position = position;
    }

    /// The header at the cursor, checked for framing; does not move.
    pub(crate) fn peek(&mut self) -> io::Result<Step> {
        let remaining = self.end.saturating_sub(self.position);
        if remaining == 0 {
            return Ok(Step::End);
        }
        if remaining < HEADER_SIZE as u64 {
            return Ok(Step::Bad(format!(
                "partial batch header of {remaining} bytes"
            )));
        }
        let bytes = self.window(self.position, HEADER_SIZE)?;
        let Some(header) = BatchHeader::parse(bytes) else {
            return Ok(Step::Bad("unreadable batch header".to_string()));
        };
        Ok(check_header(&header, remaining).map_or(Step::Batch(header), Step::Bad))
    }

    /// Step over the batch at the cursor (whose header `peek` returned).
    pub(crate) fn advance(&mut self, header: &BatchHeader) {
        self.position += header.total_size() as u64;
    }

    /// Whether the CRC-32C of the batch at the cursor matches its header.
    pub(crate) fn crc_matches(&mut self, header: &BatchHeader) -> io::Result<bool> {
        let stop = self.position + header.total_size() as u64;
        let mut at = self.position + CRC_START as u64;
        let mut crc = 0u32;
        while at < stop {
            let chunk = (stop - at).min(self.buf.len() as u64) as usize;
            crc = crc32c::crc32c_append(crc, self.window(at, chunk)?);
            at += chunk as u64;
        }
        Ok(crc == header.crc)
    }

    /// Bytes `[at, at + len)`, from the buffer or read into it. `at + len <= end` and
    /// `len <= buffer size` are the caller's promise.
    fn window(&mut self, at: u64, len: usize) -> io::Result<&[u8]> {
        let buffered_end = self.buf_start + self.buf_len as u64;
        if at < self.buf_start || at + len as u64 > buffered_end {
            let want = (self.end - at).min(self.buf.len() as u64) as usize;
            self.file.read_exact_at(&mut self.buf[..want], at)?;
            self.buf_start = at;
            self.buf_len = want;
        }
        let from = (at - self.buf_start) as usize;
        Ok(&self.buf[from..from + len])
    }
}

/// Framing checks on a header with `remaining` valid bytes from its start.
fn check_header(header: &BatchHeader, remaining: u64) -> Option<String> {
    if header.magic != MAGIC_V2 {
        return Some(format!("magic {} where 2 was expected", header.magic));
    }
    if header.batch_length < MIN_BATCH_LENGTH {
        return Some(format!(
            "batch_length {} is below the minimum",
            header.batch_length
        ));
    }
    if header.total_size() as u64 > remaining {
        return Some(format!(
            "batch of {} bytes runs past the end ({remaining} bytes left)",
            header.total_size()
        ));
    }
    None
}

/// How a walk checks each batch beyond its framing.
#[derive(Clone, Copy, Debug)]
pub(crate) struct WalkRules {
    /// Base offset of the segment; relative offsets must fit a u32.
    pub(crate) segment_base: i64,
    /// Checksum every batch (recovery) or trust the bytes (index rebuild of a synced segment).
    pub(crate) verify_crc: bool,
    /// With `verify_crc`: step over a batch whose framing and offsets are sound but whose CRC
    /// fails, and list it in [`WalkEnd::crc_failures`], instead of stopping there. For segments
    /// known to have been fsynced whole: a bad CRC there is damage at rest, not a torn write, and
    /// cutting would drop every acknowledged batch after it.
    pub(crate) step_over_crc_failures: bool,
}

/// Where a walk stopped.
#[derive(Debug)]
pub(crate) struct WalkEnd {
    /// End of the last good batch.
    pub(crate) position: u64,
    /// Offset the next batch would have had.
    pub(crate) next_offset: i64,
    /// Why the walk stopped before the end, if it did.
    pub(crate) bad: Option<String>,
    /// Batches stepped over for a CRC mismatch: (position, base offset).
    pub(crate) crc_failures: Vec<(u64, i64)>,
}

/// Walk every batch from the cursor to its end, expecting dense offsets from `next_offset`,
/// and hand each good one to `visit(position, header)`. Stops at the first bad batch.
pub(crate) fn walk(
    cursor: &mut BatchCursor<'_>,
    mut next_offset: i64,
    rules: WalkRules,
    mut visit: impl FnMut(u64, &BatchHeader),
) -> io::Result<WalkEnd> {
    let mut crc_failures = Vec::new();
    loop {
        let header = match cursor.peek()? {
            Step::End => {
                return Ok(WalkEnd {
                    position: cursor.position(),
                    next_offset,
                    bad: None,
                    crc_failures,
                })
            }
            Step::Bad(reason) => {
                return Ok(WalkEnd {
                    position: cursor.position(),
                    next_offset,
                    bad: Some(reason),
                    crc_failures,
                })
            }
            Step::Batch(header) => header,
        };
        let mut bad = offsets_problem(&header, next_offset, rules.segment_base, cursor.position());
        if bad.is_none() && rules.verify_crc && !cursor.crc_matches(&header)? {
            if rules.step_over_crc_failures {
                crc_failures.push((cursor.position(), header.base_offset));
            } else {
                bad = Some("CRC-32C mismatch".to_string());
            }
        }
        if let Some(reason) = bad {
            return Ok(WalkEnd {
                position: cursor.position(),
                next_offset,
                bad: Some(reason),
                crc_failures,
            });
        }
        visit(cursor.position(), &header);
        next_offset = header.last_offset() + 1;
        cursor.advance(&header);
    }
}

/// Offsets must be dense, increasing, relative to the segment within u32, and the batch must
/// end below 4 GiB (index positions are u32).
fn offsets_problem(
    header: &BatchHeader,
    expected: i64,
    segment_base: i64,
    position: u64,
) -> Option<String> {
    if header.base_offset != expected {
        return Some(format!(
            "base offset {} where {expected} was expected",
            header.base_offset
        ));
    }
    if header.last_offset_delta < 0 {
        return Some(format!(
            "negative last_offset_delta {}",
            header.last_offset_delta
        ));
    }
    if header.last_offset() - segment_base > i64::from(u32::MAX) {
        return Some(format!(
            "offset {} too far from segment base {segment_base}",
            header.last_offset()
        ));
    }
    if position + header.total_size() as u64 > u64::from(u32::MAX) {
        return Some("batch ends beyond 4 GiB into the segment".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::build;

    fn batch_at(base_offset: i64, records: usize) -> Vec<u8> {
        let values: Vec<Vec<u8>> = (0..records).map(|i| vec![i as u8; 10]).collect();
        let recs: Vec<_> = values
            .iter()
            .map(|v| (None, Some(v.as_slice()), 1000))
            .collect();
        let mut batch = build(&recs, -1, -1, -1);
        batch[0..8].copy_from_slice(&base_offset.to_be_bytes());
        batch
    }

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, File) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("log"), bytes).expect("write");
        let file = File::open(dir.path().join("log")).expect("open");
        (dir, file)
    }

    #[test]
    fn walk_visits_dense_batches_and_stops_at_a_gap() {
        // Goal: the walk checks offset density. Method: batches at 0 (3 records), 3, then 9.
        let mut bytes = batch_at(0, 3);
        bytes.extend(batch_at(3, 2));
        let good_end = bytes.len() as u64;
        bytes.extend(batch_at(9, 1));
        let (_dir, file) = file_with(&bytes);
        let mut cursor = BatchCursor::new(&file, 0, bytes.len() as u64, 64);
        let mut seen = Vec::new();
        let rules = WalkRules {
            segment_base: 0,
            verify_crc: true,
            step_over_crc_failures: false,
        };
        let end = walk(&mut cursor, 0, rules, |pos, h| {
            seen.push((pos, h.base_offset))
        })
        .expect("walk");
        assert_eq!(seen.iter().map(|s| s.1).collect::<Vec<_>>(), vec![0, 3]);
        assert_eq!((end.position, end.next_offset), (good_end, 5));
        assert!(end.bad.expect("stopped").contains("expected"));
    }

    #[test]
    fn crc_check_spans_more_than_one_buffer() {
        let bytes = batch_at(0, 40);
        let (_dir, file) = file_with(&bytes);
        let mut cursor = BatchCursor::new(&file, 0, bytes.len() as u64, HEADER_SIZE);
        let Step::Batch(header) = cursor.peek().expect("peek") else {
            panic!("expected a batch")
        };
        assert!(cursor.crc_matches(&header).expect("crc"));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x80;
        let (_dir2, file2) = file_with(&flipped);
        let mut cursor = BatchCursor::new(&file2, 0, flipped.len() as u64, HEADER_SIZE);
        assert!(!cursor.crc_matches(&header).expect("crc"));
    }
}
