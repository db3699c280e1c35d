use super::*;
use crate::batch::build;
use std::io::Write;

const LIMIT: usize = DEFAULT_MAX_DECOMPRESSED_BYTES;

fn three() -> Vec<u8> {
    build(
        &[
            (Some(b"k1"), Some(b"one"), 100),
            (None, Some(b"two"), 105),
            (Some(b"k3"), None, 103),
        ],
        -1,
        -1,
        -1,
    )
}

fn put_varint(out: &mut Vec<u8>, value: i64) {
    let mut z = ((value << 1) ^ (value >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// A record with explicit fields (offset delta and header bytes as given).
fn record(offset_delta: i64, key: Option<&[u8]>, value: Option<&[u8]>, extra: &[u8]) -> Vec<u8> {
    let mut body = vec![0u8];
    put_varint(&mut body, 0);
    put_varint(&mut body, offset_delta);
    for f in [key, value] {
        match f {
            None => put_varint(&mut body, -1),
            Some(b) => {
                put_varint(&mut body, b.len() as i64);
                body.extend_from_slice(b);
            }
        }
    }
    body.extend_from_slice(extra);
    let mut out = Vec::new();
    put_varint(&mut out, body.len() as i64);
    out.extend_from_slice(&body);
    out
}

fn vm_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn every_codec_decodes_to_the_same_records() {
    let plain = three();
    let want = decode(&Bytes::from(plain.clone()), LIMIT).unwrap();
    assert_eq!(want.len(), 3);
    assert_eq!(want[1].offset, 1);
    assert_eq!(want[1].timestamp, 105);
    assert_eq!(want[2].key, Some(Bytes::from_static(b"k3")));
    assert_eq!(want[2].value, None);
    for codec in 1..=4u8 {
        let batch = compress_batch(&plain, codec);
        assert_eq!(BatchHeader::parse(&batch).unwrap().compression(), codec);
        let got = decode(&Bytes::from(batch.clone()), LIMIT).unwrap();
        assert_eq!(got, want, "codec {codec}");
        check(&batch, LIMIT).unwrap();
    }
}

#[test]
fn raw_snappy_without_xerial_framing_decodes() {
    let plain = three();
    let raw = snap::raw::Encoder::new()
        .compress_vec(&plain[HEADER_SIZE..])
        .unwrap();
    let batch = with_records_region(&plain, 2, &raw);
    assert_eq!(decode(&Bytes::from(batch), LIMIT).unwrap().len(), 3);
}

#[test]
fn several_batches_decode_in_order() {
    let mut blob = three();
    let mut second = compress_batch(&build(&[(None, Some(b"x"), 7)], -1, -1, -1), 4);
    second[..8].copy_from_slice(&3i64.to_be_bytes());
    blob.extend_from_slice(&second);
    let offsets: Vec<i64> = decode(&Bytes::from(blob.clone()), LIMIT)
        .unwrap()
        .iter()
        .map(|r| r.offset)
        .collect();
    assert_eq!(offsets, vec![0, 1, 2, 3]);
    check(&blob, LIMIT).unwrap();
}

#[test]
fn log_append_time_batches_take_the_max_timestamp() {
    let mut batch = three();
    batch[22] |= 0x08;
    let batch = with_records_region(&batch.clone(), 0, &batch[HEADER_SIZE..]);
    let got = decode(&Bytes::from(batch), LIMIT).unwrap();
    assert!(got.iter().all(|r| r.timestamp == 105));
}

#[test]
fn headers_are_decoded() {
    let mut extra = Vec::new();
    put_varint(&mut extra, 2);
    put_varint(&mut extra, 1);
    extra.push(b'h');
    put_varint(&mut extra, -1);
    put_varint(&mut extra, 1);
    extra.push(b'g');
    put_varint(&mut extra, 2);
    extra.extend_from_slice(b"vv");
    let region = record(0, None, Some(b"v"), &extra);
    let batch = with_records_region(&build(&[(None, None, 1)], -1, -1, -1), 0, &region);
    let got = decode(&Bytes::from(batch.clone()), LIMIT).unwrap();
    assert_eq!(
        got[0].headers,
        vec![
            (Bytes::from_static(b"h"), None),
            (Bytes::from_static(b"g"), Some(Bytes::from_static(b"vv")))
        ]
    );
    check(&batch, LIMIT).unwrap();
}

/// The front of a record (length through value length) whose value is `zeros` zero bytes;
/// the value and a 0 header count follow.
fn zero_record_head(offset_delta: i64, zeros: usize) -> Vec<u8> {
    let mut fields = vec![0u8];
    put_varint(&mut fields, 0);
    put_varint(&mut fields, offset_delta);
    put_varint(&mut fields, -1);
    put_varint(&mut fields, zeros as i64);
    let mut head = Vec::new();
    put_varint(&mut head, (fields.len() + zeros + 1) as i64);
    head.extend_from_slice(&fields);
    head
}

/// Stream `records` records of `zeros` zero bytes each through `w` (never held in memory).
fn write_zero_records<W: Write>(w: &mut W, records: usize, zeros: usize) {
    let chunk = vec![0u8; 1 << 20];
    for i in 0..records {
        w.write_all(&zero_record_head(i as i64, zeros)).unwrap();
        let mut left = zeros;
        while left > 0 {
            let n = left.min(chunk.len());
            w.write_all(&chunk[..n]).unwrap();
            left -= n;
        }
        w.write_all(&[0]).unwrap(); // header count
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A gzip bomb: `records` records of 1 MiB of zeros, as concatenated gzip members (one per
/// record head, one shared member of the zeros), so 1 GiB takes milliseconds to build.
fn gzip_bomb(records: usize) -> Vec<u8> {
    let mut tail = vec![0u8; 1 << 20];
    tail.push(0);
    let tail = gzip(&tail);
    let mut region = Vec::new();
    for i in 0..records {
        region.extend(gzip(&zero_record_head(i as i64, 1 << 20)));
        region.extend_from_slice(&tail);
    }
    let template = build(&vec![(None, None, 0); records], -1, -1, -1);
    with_records_region(&template, 1, &region)
}

fn zstd_bomb(records: usize, zeros: usize) -> Vec<u8> {
    let mut e = zstd::stream::write::Encoder::new(Vec::new(), 1).unwrap();
    write_zero_records(&mut e, records, zeros);
    let region = e.finish().unwrap();
    let template = build(&vec![(None, None, 0); records], -1, -1, -1);
    with_records_region(&template, 4, &region)
}

#[test]
fn the_bomb_builders_make_valid_batches() {
    check(&gzip_bomb(3), LIMIT).unwrap();
    check(&zstd_bomb(3, 1000), LIMIT).unwrap();
    assert_eq!(decode(&Bytes::from(gzip_bomb(2)), LIMIT).unwrap().len(), 2);
}

#[test]
fn a_gigabyte_gzip_bomb_stops_at_the_limit_in_bounded_memory() {
    // Goal: 1 GiB of zeros (about 1 MiB of gzip) is refused with a clear error, and neither
    // check nor decode holds more than the limit. Method: 1024 records of 1 MiB of zeros each,
    // gzip; limit 16 MiB; compare the process's peak RSS before and after.
    let batch = gzip_bomb(1024);
    assert!(batch.len() < 2 << 20, "bomb is {} bytes", batch.len());
    let before = vm_kb("VmHWM:");
    let limit = 16 << 20;
    let e = check(&batch, limit).unwrap_err();
    assert!(
        matches!(e, RecordsError::TooLarge { limit: l, .. } if l == limit),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("decompresses to more than the limit of 16777216 bytes"),
        "{e}"
    );
    let e = decode(&Bytes::from(batch), limit).unwrap_err();
    assert!(matches!(e, RecordsError::TooLarge { .. }), "{e}");
    let grew_mb = vm_kb("VmHWM:").saturating_sub(before) / 1024;
    assert!(grew_mb < 64, "peak RSS grew by {grew_mb} MiB");
}

#[test]
fn a_gigabyte_zstd_bomb_in_one_record_is_refused_before_reading_it() {
    let batch = zstd_bomb(1, 1 << 30);
    assert!(batch.len() < 1 << 20, "bomb is {} bytes", batch.len());
    let before = vm_kb("VmHWM:");
    let e = decode(&Bytes::from(batch.clone()), LIMIT).unwrap_err();
    assert!(matches!(e, RecordsError::TooLarge { .. }), "{e}");
    let e = check(&batch, LIMIT).unwrap_err();
    assert!(matches!(e, RecordsError::TooLarge { .. }), "{e}");
    let grew_mb = vm_kb("VmHWM:").saturating_sub(before) / 1024;
    assert!(grew_mb < 64, "peak RSS grew by {grew_mb} MiB");
}

#[test]
fn snappy_declaring_a_huge_block_is_refused_without_allocating_it() {
    // Raw snappy starts with the uncompressed length as a varint: claim 4 GiB.
    let region = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x00];
    let batch = with_records_region(&three(), 2, &region);
    let e = decode(&Bytes::from(batch.clone()), LIMIT).unwrap_err();
    assert!(matches!(e, RecordsError::TooLarge { .. }), "{e}");
    // And xerial blocks that each fit but add up past the limit.
    let mut plain = Vec::new();
    write_zero_records(&mut plain, 20, 1 << 20);
    let template = build(&vec![(None, None, 0); 20], -1, -1, -1);
    let batch = compress_batch(&with_records_region(&template, 0, &plain), 2);
    check(&batch, LIMIT).unwrap();
    let e = check(&batch, 4 << 20).unwrap_err();
    assert!(matches!(e, RecordsError::TooLarge { .. }), "{e}");
}

#[test]
fn nested_compression_is_refused() {
    // Goal: a compressed batch whose payload is another (compressed or not) batch is refused by
    // name. Method: put a whole batch where the records belong, for each outer codec.
    for inner_codec in [0u8, 1, 4] {
        let inner = compress_batch(&three(), inner_codec);
        for outer in 1..=4u8 {
            let mut wrapper = with_records_region(&three(), 0, &inner);
            wrapper = compress_batch(&wrapper, outer);
            let e = check(&wrapper, LIMIT).unwrap_err();
            assert!(
                matches!(e, RecordsError::Nested { .. }),
                "inner {inner_codec} outer {outer}: {e}"
            );
            assert!(e.to_string().starts_with("nested compression"), "{e}");
            let e = decode(&Bytes::from(wrapper), LIMIT).unwrap_err();
            assert!(matches!(e, RecordsError::Nested { .. }), "{e}");
        }
    }
}

#[test]
fn wrong_record_offset_deltas_fail_the_check_but_still_decode() {
    let mut region = record(0, None, Some(b"a"), &[0]);
    region.extend(record(5, None, Some(b"b"), &[0]));
    let template = build(&[(None, None, 0), (None, None, 0)], -1, -1, -1);
    for codec in [0u8, 4] {
        let batch = compress_batch(&with_records_region(&template, 0, &region), codec);
        let e = check(&batch, LIMIT).unwrap_err();
        assert!(
            e.to_string()
                .contains("record 1 has offset delta 5; deltas must run 0, 1, 2"),
            "{e}"
        );
        let got = decode(&Bytes::from(batch), LIMIT).unwrap();
        assert_eq!(got[1].offset, 5);
    }
}

#[test]
fn record_count_must_match_the_header() {
    let template = build(&[(None, None, 0), (None, None, 0)], -1, -1, -1);
    let one = record(0, None, Some(b"a"), &[0]);
    let batch = with_records_region(&template, 0, &one);
    let e = check(&batch, LIMIT).unwrap_err();
    assert!(
        e.to_string()
            .contains("declares 2 records, the batch holds 1"),
        "{e}"
    );
    let mut three_recs = one.clone();
    three_recs.extend(record(1, None, None, &[0]));
    three_recs.extend(record(2, None, None, &[0]));
    let batch = with_records_region(&template, 0, &three_recs);
    let e = check(&batch, LIMIT).unwrap_err();
    assert!(e.to_string().contains("more records than the 2"), "{e}");
}

#[test]
fn lengths_past_the_record_or_the_data_are_refused() {
    let template = build(&[(None, None, 0)], -1, -1, -1);
    // A value length of 2^31-1 inside a 10-byte record.
    let mut body = vec![0u8, 0, 0, 1];
    put_varint(&mut body, i32::MAX as i64);
    let mut region = Vec::new();
    put_varint(&mut region, 10);
    region.extend_from_slice(&body);
    region.resize(region.len() + 5, 0);
    for codec in [0u8, 1] {
        let batch = compress_batch(&with_records_region(&template, 0, &region), codec);
        let e = check(&batch, LIMIT).unwrap_err();
        assert!(matches!(e, RecordsError::Invalid { .. }), "{e}");
        let e = decode(&Bytes::from(batch), LIMIT).unwrap_err();
        assert!(matches!(e, RecordsError::Invalid { .. }), "{e}");
    }
    // A negative record length, and bytes left over inside a record.
    let batch = with_records_region(&template, 0, &[0x01]);
    assert!(check(&batch, LIMIT).is_err());
    let mut padded = record(0, None, None, &[0, 0, 0]);
    padded[0] = padded[0].wrapping_add(0);
    let batch = with_records_region(&template, 0, &padded);
    let e = check(&batch, LIMIT).unwrap_err();
    assert!(e.to_string().contains("left over"), "{e}");
}

#[test]
fn a_declared_count_of_two_billion_allocates_nothing() {
    let mut batch = three();
    batch[57..61].copy_from_slice(&i32::MAX.to_be_bytes());
    let batch = with_records_region(&batch.clone(), 0, &batch[HEADER_SIZE..]);
    let e = decode(&Bytes::from(batch), LIMIT).unwrap_err();
    assert!(e.to_string().contains("declares 2147483647 records"), "{e}");
}

#[test]
fn corrupt_frames_and_garbage_codecs_are_errors() {
    let mut batch = three();
    let n = batch.len();
    batch[n - 1] ^= 1;
    assert!(matches!(
        decode(&Bytes::from(batch), LIMIT),
        Err(RecordsError::Frame(_))
    ));
    for codec in 1..=7u8 {
        let batch = with_records_region(&three(), codec, b"definitely not compressed data");
        let e = check(&batch, LIMIT).unwrap_err();
        assert!(
            matches!(
                e,
                RecordsError::Decompress { .. } | RecordsError::Invalid { .. }
            ),
            "codec {codec}: {e}"
        );
    }
}

#[test]
fn the_limit_counts_decoded_record_overhead() {
    // 10,000 empty records are 70 kB on the wire but far more as decoded structs.
    let batch = compress_batch(&build(&[(None, None, 0); 10_000], -1, -1, -1), 1);
    assert!(decode(&Bytes::from(batch.clone()), 1 << 20).is_err());
    assert_eq!(decode(&Bytes::from(batch), LIMIT).unwrap().len(), 10_000);
}

#[test]
fn the_fuzz_corpus_replays_cleanly() {
    // fuzz/corpus/record_batch: real producers' batches (fuzz/seeds.py) and any crash inputs kept
    // as regressions. The real batches pass the produce-time check and decode.
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/record_batch");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in entries.flatten() {
        let data = std::fs::read(e.path()).unwrap();
        let checked = check(&data, LIMIT);
        let decoded = decode(&Bytes::from(data), LIMIT);
        if e.file_name().to_string_lossy().starts_with("seed-") {
            checked.unwrap_or_else(|err| panic!("{}: {err}", e.path().display()));
            assert!(!decoded.unwrap().is_empty());
        }
    }
}

proptest::proptest! {
    #[test]
    fn decode_and_check_never_panic_on_mutated_batches(codec in 0u8..5, at in 0usize..400, value in proptest::num::u8::ANY, cut in 0usize..400) {
        let batch = compress_batch(&three(), codec);
        let mut region = batch[HEADER_SIZE..].to_vec();
        if !region.is_empty() {
            let i = at % region.len();
            region[i] = value;
            region.truncate(region.len() - cut % region.len());
        }
        let batch = with_records_region(&batch, codec, &region);
        let _ = check(&batch, 1 << 20);
        let _ = decode(&Bytes::from(batch), 1 << 20);
    }
}
