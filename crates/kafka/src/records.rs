//! Decoding stored record batches where the server itself needs records (ListOffsets by
//! timestamp). Everything else serves batches as stored. Uses kafka-protocol's decoder, which
//! handles every compression codec, raw and xerial-framed snappy included.

use bytes::Bytes;
use kafka_protocol::records::{Record, RecordBatchDecoder};
use sluice_log::FileSlice;
use std::os::unix::fs::FileExt;

/// Read and decode every record of the whole batches in `slice`, in offset order.
pub fn decode_slice(slice: &FileSlice) -> Result<Vec<Record>, String> {
    let mut buf = vec![0u8; slice.len as usize];
    slice
        .file
        .read_exact_at(&mut buf, slice.position)
        .map_err(|e| e.to_string())?;
    decode(Bytes::from(buf))
}

/// Decode every record of a blob of whole batches.
pub fn decode(mut bytes: Bytes) -> Result<Vec<Record>, String> {
    let sets = std::panic::catch_unwind(move || RecordBatchDecoder::decode_all(&mut bytes))
        .map_err(|_| "the record decoder panicked".to_string())?
        .map_err(|e| e.to_string())?;
    Ok(sets.into_iter().flat_map(|s| s.records).collect())
}
