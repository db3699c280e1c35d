//! Records between Kinesis and the log. PutRecords appends one uncompressed v2 batch per shard
//! (key = partition key, value = data, timestamp = arrival time). GetRecords decodes whatever
//! batches are stored, Kafka-written and compressed ones included, with the log's bounded
//! decoder (`sluice_log::records`), which handles every codec.

use bytes::Bytes;
use sluice_broker::{Partition, ReadError};
use sluice_log::{LogError, Offset};
use std::os::unix::fs::FileExt;

/// One stored record as Kinesis readers see it.
#[derive(Clone, Debug)]
pub struct StoredRecord {
    pub offset: i64,
    pub timestamp_ms: i64,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
}

impl StoredRecord {
    /// Bytes this record counts against GetRecords' size limit (partition key + data).
    pub fn size(&self) -> usize {
        self.key.as_ref().map_or(0, Bytes::len) + self.value.as_ref().map_or(0, Bytes::len)
    }
}

/// What one read gathered.
pub struct ReadOutcome {
    pub records: Vec<StoredRecord>,
    /// Where the next read continues.
    pub next_offset: i64,
    /// The offset below which readers may be served (high watermark) when the read ended.
    pub high_watermark: i64,
}

/// The first read of a GetRecords, and the least of any.
const READ_FIRST_BYTES: usize = 64 << 10;
/// The most one read of a GetRecords takes from the log.
const READ_MAX_BYTES: usize = 4 << 20;

/// Read up to `limit` records and about `max_bytes` (at least one record) from `from`, never at
/// or past `stop` (the high watermark, or a closed shard's end). A start below the log start
/// (trimmed by retention) moves up to the log start. Records older than `min_timestamp_ms`
/// (past the stream's retention period but still in a segment not yet deleted) are skipped, so
/// data past retention is unreadable at once, as on Kinesis.
pub fn read(
    partition: &Partition,
    from: i64,
    limit: usize,
    max_bytes: usize,
    stop: i64,
    min_timestamp_ms: i64,
) -> Result<ReadOutcome, ReadError> {
    let mut offset = from.max(partition.log_start_offset().0);
    let mut records = Vec::new();
    let mut bytes = 0usize;
    let hw = partition.high_watermark().0;
    let stop = stop.min(hw);
    // Stored bytes and records seen so far: each read after the first is sized to what `limit`
    // still wants at that density (an eighth more), not to `max_bytes`. Sized to `max_bytes`,
    // a GetRecords of 10,000 200-byte records read, checked and copied 4 MiB to use 2.3.
    let (mut seen_bytes, mut seen_records) = (0usize, 0usize);
    while offset < stop && records.len() < limit && bytes < max_bytes {
        let wanted = match seen_records {
            0 => READ_FIRST_BYTES,
            n => (seen_bytes / n).saturating_mul(limit - records.len()) / 8 * 9,
        };
        let chunk = wanted
            .min(max_bytes - bytes)
            .clamp(READ_FIRST_BYTES, READ_MAX_BYTES) as u32;
        let read = match partition.read(Offset(offset), chunk) {
            Ok(r) => r,
            Err(ReadError::Log(LogError::OffsetOutOfRange { log_start, .. }))
                if log_start.0 > offset =>
            {
                offset = log_start.0;
                continue;
            }
            // A damaged batch (never served): return what came before it; the next call starts
            // at it and fails, so the reader stops there instead of skipping records.
            Err(ReadError::Log(LogError::Corrupt { .. })) if !records.is_empty() => break,
            Err(e) => return Err(e),
        };
        let Some(slice) = read.slice else { break };
        let mut buf = vec![0u8; slice.len as usize];
        slice
            .file
            .read_exact_at(&mut buf, slice.position)
            .map_err(|e| ReadError::Log(LogError::Io(e)))?;
        let invalid = |e: String| {
            ReadError::Log(LogError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e,
            )))
        };
        // Batch by batch, so a read of a few MiB for a call that wants fewer records decodes
        // only the batches it uses.
        let blob = Bytes::from(buf);
        let mut position = 0;
        let mut advanced = false;
        'batches: while position < blob.len() {
            let header = sluice_log::batch::check_frame(&blob[position..])
                .map_err(|e| invalid(e.to_string()))?;
            let end = position + header.total_size();
            let decoded = decode(blob.slice(position..end)).map_err(invalid)?;
            seen_bytes += header.total_size();
            seen_records += decoded.len();
            position = end;
            for r in decoded {
                if r.offset < offset {
                    continue;
                }
                if r.offset >= stop || records.len() >= limit {
                    break 'batches;
                }
                if r.timestamp_ms < min_timestamp_ms && records.is_empty() {
                    offset = r.offset + 1;
                    advanced = true;
                    continue;
                }
                if !records.is_empty() && bytes + r.size() > max_bytes {
                    break 'batches;
                }
                bytes += r.size();
                offset = r.offset + 1;
                advanced = true;
                records.push(r);
            }
        }
        if records.len() >= limit || bytes >= max_bytes || offset >= stop {
            break;
        }
        // Skip batches with no records past `offset` (control batches, compacted gaps).
        if let Some(next) = read.next_offset {
            if next.0 > offset {
                offset = next.0.min(stop);
                continue;
            }
        }
        if !advanced {
            break;
        }
    }
    Ok(ReadOutcome {
        records,
        next_offset: offset,
        high_watermark: hw,
    })
}

/// Decode every data record of a blob of whole batches, skipping control batches, within the
/// decompression limit (`sluice_log::records`, shared with the Kafka front).
pub fn decode(bytes: Bytes) -> Result<Vec<StoredRecord>, String> {
    let limit = sluice_log::records::max_decompressed_bytes();
    let records = sluice_log::records::decode(&bytes, limit).map_err(|e| e.to_string())?;
    Ok(records
        .into_iter()
        .filter(|r| !r.control)
        .map(|r| StoredRecord {
            offset: r.offset,
            timestamp_ms: r.timestamp,
            key: r.key,
            value: r.value,
        })
        .collect())
}

/// The first offset at or after `from` whose record timestamp is >= `ts`, or the high watermark
/// (stop) if there is none.
pub fn offset_for_timestamp(partition: &Partition, ts: i64, stop: i64) -> Result<i64, ReadError> {
    let start = partition.log_start_offset().0;
    let Some(slice) = partition.read_at_timestamp(ts)? else {
        return Ok(stop);
    };
    let mut buf = vec![0u8; slice.len as usize];
    slice
        .file
        .read_exact_at(&mut buf, slice.position)
        .map_err(|e| ReadError::Log(LogError::Io(e)))?;
    let records = decode(Bytes::from(buf)).map_err(|e| {
        ReadError::Log(LogError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            e,
        )))
    })?;
    Ok(records
        .iter()
        .find(|r| r.timestamp_ms >= ts && r.offset >= start)
        .map_or(stop, |r| r.offset.min(stop)))
}
