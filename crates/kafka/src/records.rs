//! Decoding stored record batches where the server itself needs records (ListOffsets by
//! timestamp). Everything else serves batches as stored. Uses the log's bounded decoder
//! (`sluice_log::records`), which handles every codec, raw and xerial-framed snappy included,
//! and stops any batch that decompresses past the configured limit.

use bytes::Bytes;
use sluice_log::records::{self, Record};
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

/// Decode every record of a blob of whole batches, within the decompression limit.
pub fn decode(bytes: Bytes) -> Result<Vec<Record>, String> {
    records::decode(&bytes, records::max_decompressed_bytes()).map_err(|e| e.to_string())
}
