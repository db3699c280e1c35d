//! Record batches as producers send them and as the log stores them: the framing validator
//! (`batch::validate`, what produce and recovery trust) and the bounded records decoder
//! (`records::check` at produce time, `records::decode` for ListOffsets and Kinesis reads).
//!
//! The raw input rarely passes the CRC, so it is also used as the records region of a batch
//! with a valid header and CRC: the first byte picks the codec (0-7) and the declared record
//! count, the rest is the (possibly compressed) records.
#![no_main]
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_log::batch::{self, BatchHeader};
use sluice_log::records;

const CHECK_LIMIT: usize = 1 << 20;
/// Enough for any blob that passes the check (1 MiB of 7-byte records as decoded structs).
const DECODE_LIMIT_CHECKED: usize = 64 << 20;

fn exercise(blob: &[u8]) {
    let _ = batch::validate(blob, 1 << 20);
    let checked = records::check(blob, CHECK_LIMIT);
    let limit = if checked.is_ok() {
        DECODE_LIMIT_CHECKED
    } else {
        CHECK_LIMIT
    };
    let decoded = records::decode(&Bytes::copy_from_slice(blob), limit);
    if checked.is_ok() {
        // What passes the produce-time check must decode, each batch to its declared number of
        // records at consecutive offsets from its base offset.
        let recs = decoded.expect("a checked blob decodes");
        let mut at = 0;
        let mut next = 0;
        while at < blob.len() {
            let h = batch::check_frame(&blob[at..]).expect("a checked blob is framed");
            for k in 0..i64::from(h.records_count) {
                assert_eq!(recs[next].offset, h.base_offset + k);
                next += 1;
            }
            at += h.total_size();
        }
        assert_eq!(next, recs.len());
    }
}

fuzz_target!(|data: &[u8]| {
    exercise(data);
    if let Some((&selector, region)) = data.split_first() {
        let codec = selector & 0x07;
        let count = i32::from(selector >> 3) + 1;
        let template = batch::build(&vec![(None, None, 0); count as usize], -1, -1, -1);
        let blob = records::with_records_region(&template, codec, region);
        assert_eq!(
            BatchHeader::parse(&blob).map(|h| h.records_count),
            Some(count)
        );
        exercise(&blob);
    }
});
