//! Record batches as the CLI sees them: encoding lines into one v2 batch for Produce, and cutting
//! a Fetch response's `records` blob into complete batches and decoding them. Pure functions over
//! bytes; the wire format itself is kafka-protocol's `RecordBatchEncoder`/`RecordBatchDecoder`.

use super::error::{cli_error, Result};
use bytes::{Buf, Bytes, BytesMut};
use kafka_protocol::indexmap::IndexMap;
use kafka_protocol::records::{
    Compression, Record, RecordBatchDecoder, RecordBatchEncoder, RecordEncodeOptions,
    TimestampType, NO_PARTITION_LEADER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, NO_SEQUENCE,
};

/// Bytes before the batch length field ends: base offset (8) + batch length (4).
const BATCH_LOG_OVERHEAD_BYTES: usize = 12;
/// The smallest v2 batch header, counted from the start of the base offset.
const BATCH_HEADER_BYTES: usize = 61;
/// Offset of the magic byte from the start of a batch.
const MAGIC_POSITION: usize = 16;
/// Offset of the last offset delta from the start of a batch.
const LAST_OFFSET_DELTA_POSITION: usize = 23;

/// A record to produce: an optional key and a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingRecord {
    pub key: Option<Bytes>,
    pub value: Bytes,
}

/// Encodes `records` as a single v2 batch with base offset 0, no producer id, and every
/// record stamped `timestamp_ms`.
pub fn encode_batch(
    records: &[OutgoingRecord],
    timestamp_ms: i64,
    compression: Compression,
) -> Result<Bytes> {
    let records: Vec<Record> = records
        .iter()
        .enumerate()
        .map(|(i, r)| to_record(i as i64, r, timestamp_ms))
        .collect();
    let options = RecordEncodeOptions {
        version: 2,
        compression,
    };
    let mut buf = BytesMut::new();
    RecordBatchEncoder::encode(&mut buf, &records, &options)
        .map_err(|e| cli_error!("cannot encode record batch: {e}"))?;
    Ok(buf.freeze())
}

/// The encoder keeps records in one batch only while `offset - sequence` stays constant, so the
/// sequence tracks the offset and the batch's base sequence comes out as `NO_SEQUENCE`.
fn to_record(offset: i64, r: &OutgoingRecord, timestamp_ms: i64) -> Record {
    Record {
        transactional: false,
        control: false,
        delete_horizon: false,
        partition_leader_epoch: NO_PARTITION_LEADER_EPOCH,
        producer_id: NO_PRODUCER_ID,
        producer_epoch: NO_PRODUCER_EPOCH,
        timestamp_type: TimestampType::Creation,
        offset,
        sequence: NO_SEQUENCE.wrapping_add(offset as i32),
        timestamp: timestamp_ms,
        key: r.key.clone(),
        value: Some(r.value.clone()),
        headers: IndexMap::new(),
    }
}

/// Splits a `records` blob into its complete batches. A trailing partial batch (a broker may cut
/// the response at the size limit) is dropped; its size is returned alongside.
pub fn complete_batches(mut blob: Bytes) -> Result<(Vec<Bytes>, usize)> {
    let mut batches = Vec::new();
    while blob.len() >= BATCH_LOG_OVERHEAD_BYTES {
        let batch_length = (&blob[8..12]).get_i32();
        if batch_length < (BATCH_HEADER_BYTES - BATCH_LOG_OVERHEAD_BYTES) as i32 {
            return Err(cli_error!(
                "record batch with impossible length {batch_length}"
            ));
        }
        let total = BATCH_LOG_OVERHEAD_BYTES + batch_length as usize;
        if blob.len() < total {
            break;
        }
        batches.push(blob.split_to(total));
    }
    Ok((batches, blob.len()))
}

/// One decoded batch: its records and the offset just past it (which may skip compacted-away
/// offsets, so it is read from the header rather than from the last record).
#[derive(Debug)]
pub struct FetchedBatch {
    pub next_offset: i64,
    pub records: Vec<Record>,
}

/// Decodes one complete batch (any compression); control records are left out.
pub fn decode_batch(batch: Bytes) -> Result<FetchedBatch> {
    if batch.len() < BATCH_HEADER_BYTES {
        return Err(cli_error!(
            "record batch of {} bytes is too short",
            batch.len()
        ));
    }
    let base_offset = (&batch[..8]).get_i64();
    let magic = batch[MAGIC_POSITION];
    if magic != 2 {
        return Err(cli_error!(
            "batch at offset {base_offset}: message format v{magic} is not supported"
        ));
    }
    let delta_bytes = &batch[LAST_OFFSET_DELTA_POSITION..LAST_OFFSET_DELTA_POSITION + 4];
    let last_offset_delta = (&delta_bytes[..]).get_i32();
    let set = RecordBatchDecoder::decode(&mut batch.clone())
        .map_err(|e| cli_error!("batch at offset {base_offset}: {e}"))?;
    let records = set.records.into_iter().filter(|r| !r.control).collect();
    Ok(FetchedBatch {
        next_offset: base_offset + i64::from(last_offset_delta) + 1,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<OutgoingRecord> {
        (0..n)
            .map(|i| OutgoingRecord {
                key: (i % 2 == 0).then(|| Bytes::from(format!("k{i}"))),
                value: Bytes::from(format!("value {i}")),
            })
            .collect()
    }

    /// Goal: every codec produces one batch that decodes back to the same keys and values;
    /// method: encode, cut and decode with our own helpers over kafka-protocol.
    #[test]
    fn batches_round_trip_for_every_codec() {
        let codecs = [
            Compression::None,
            Compression::Gzip,
            Compression::Snappy,
            Compression::Lz4,
            Compression::Zstd,
        ];
        for codec in codecs {
            let input = sample(7);
            let blob = encode_batch(&input, 1_700_000_000_000, codec).unwrap();
            let (batches, partial) = complete_batches(blob).unwrap();
            assert_eq!(
                (batches.len(), partial),
                (1, 0),
                "{codec:?} makes exactly one batch"
            );
            let fetched = decode_batch(batches[0].clone()).unwrap();
            assert_eq!(fetched.next_offset, 7);
            let keys: Vec<_> = fetched.records.iter().map(|r| r.key.clone()).collect();
            let values: Vec<_> = fetched.records.iter().map(|r| r.value.clone()).collect();
            assert_eq!(
                keys,
                input.iter().map(|r| r.key.clone()).collect::<Vec<_>>()
            );
            assert_eq!(
                values,
                input
                    .iter()
                    .map(|r| Some(r.value.clone()))
                    .collect::<Vec<_>>()
            );
        }
    }

    /// Goal: the header fields a broker validates are what Kafka expects from a plain producer;
    /// method: read them back with `decode_batch_info`.
    #[test]
    fn batch_header_has_no_producer_and_dense_offsets() {
        let blob = encode_batch(&sample(3), 42, Compression::None).unwrap();
        let info = RecordBatchDecoder::decode_batch_info(&mut blob.clone()).unwrap();
        assert_eq!(info.len(), 1);
        assert_eq!((info[0].record_count, info[0].min_offset), (3, 0));
        assert_eq!((info[0].producer_id, info[0].producer_epoch), (-1, -1));
        assert_eq!(info[0].base_sequence, -1);
        assert_eq!(info[0].min_timestamp, 42);
        assert_eq!((&blob[LAST_OFFSET_DELTA_POSITION..]).get_i32(), 2);
    }

    /// Goal: a fetch blob cut mid-batch yields only the complete batches; method: concatenate
    /// two batches and truncate the second.
    #[test]
    fn trailing_partial_batch_is_ignored() {
        let first = encode_batch(&sample(2), 1, Compression::None).unwrap();
        let second = encode_batch(&sample(3), 1, Compression::None).unwrap();
        let mut blob = BytesMut::from(&first[..]);
        blob.extend_from_slice(&second[..second.len() - 5]);
        let (batches, partial) = complete_batches(blob.freeze()).unwrap();
        assert_eq!(batches.len(), 1);
        assert_eq!(partial, second.len() - 5);
        let (none, tail) = complete_batches(Bytes::from_static(&[0, 0, 0])).unwrap();
        assert_eq!((none.len(), tail), (0, 3));
    }
}
