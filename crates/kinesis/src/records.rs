//! Records between Kinesis and the log. PutRecords appends one uncompressed v2 batch per shard
//! (key = partition key, value = data, timestamp = arrival time). GetRecords decodes whatever
//! batches are stored, Kafka-written and compressed ones included, with kafka-protocol's
//! decoder, which handles every codec.

use bytes::Bytes;
use kafka_protocol::records::RecordBatchDecoder;
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
    while offset < stop && records.len() < limit && bytes < max_bytes {
        let chunk = (max_bytes - bytes).clamp(64 << 10, 4 << 20) as u32;
        let read = match partition.read(Offset(offset), chunk) {
            Ok(r) => r,
            Err(ReadError::Log(LogError::OffsetOutOfRange { log_start, .. }))
                if log_start.0 > offset =>
            {
                offset = log_start.0;
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(slice) = read.slice else { break };
        let mut buf = vec![0u8; slice.len as usize];
        slice
            .file
            .read_exact_at(&mut buf, slice.position)
            .map_err(|e| ReadError::Log(LogError::Io(e)))?;
        let decoded = decode(Bytes::from(buf)).map_err(|e| {
            ReadError::Log(LogError::Io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                e,
            )))
        })?;
        let mut advanced = false;
        for r in decoded {
            if r.offset < offset {
                continue;
            }
            if r.offset >= stop || records.len() >= limit {
                break;
            }
            if r.timestamp_ms < min_timestamp_ms && records.is_empty() {
                offset = r.offset + 1;
                advanced = true;
                continue;
            }
            if !records.is_empty() && bytes + r.size() > max_bytes {
                break;
            }
            bytes += r.size();
            offset = r.offset + 1;
            advanced = true;
            records.push(r);
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

/// Decode every data record of a blob of whole batches, skipping control batches.
pub fn decode(mut bytes: Bytes) -> Result<Vec<StoredRecord>, String> {
    let sets = std::panic::catch_unwind(move || RecordBatchDecoder::decode_all(&mut bytes))
        .map_err(|_| "the record decoder panicked".to_string())?
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for set in sets {
        for r in set.records {
            if r.control {
                continue;
            }
            out.push(StoredRecord {
                offset: r.offset,
                timestamp_ms: r.timestamp,
                key: r.key,
                value: r.value,
            });
        }
    }
    Ok(out)
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
