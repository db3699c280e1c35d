//! Kafka's v2 record-batch header: parse it, validate whole batches (CRC-32C) and build them.
//!
//! This module owns the byte layout of one batch as the Kafka protocol defines it and nothing
//! else: it does not know about files, offsets assignment or partitions. Everything here is pure
//! over `&[u8]`. The segment stores batches exactly as a producer sent them, so this is also the
//! on-disk format of a `.log` file.
//!
//! ```text
//! pos len field                      pos len field
//!   0   8 base_offset        (i64)    27   8 first_timestamp  (i64)
//!   8   4 batch_length       (i32)    35   8 max_timestamp    (i64)
//!  12   4 partition_leader_epoch      43   8 producer_id      (i64)
//!  16   1 magic (= 2)                 51   2 producer_epoch   (i16)
//!  17   4 crc (CRC-32C of 21..end)    53   4 base_sequence    (i32)
//!  21   2 attributes         (i16)    57   4 records_count    (i32)
//!  23   4 last_offset_delta  (i32)    61   .. records
//! ```
//!
//! `batch_length` counts the bytes after itself, so a batch occupies `batch_length + 12` bytes.
//! The CRC does not cover `base_offset`, `batch_length` or `partition_leader_epoch`; the log
//! rewrites the first and last of those on append without touching the checksum.

/// Size of the fixed v2 batch header; records start here.
pub const HEADER_SIZE: usize = 61;
/// The record-batch format version this log stores.
pub const MAGIC_V2: i8 = 2;
/// Bytes in front of the region `batch_length` counts (base offset and the length itself).
pub const LOG_OVERHEAD: usize = 12;
/// Smallest legal `batch_length`: a header with no record bytes.
pub const MIN_BATCH_LENGTH: i32 = (HEADER_SIZE - LOG_OVERHEAD) as i32;
/// Position of the magic byte; the same in every Kafka message format, so old formats are
/// recognised (and refused) before their different layout is parsed.
pub const MAGIC_POSITION: usize = 16;
/// First byte covered by the CRC (the attributes field).
pub const CRC_START: usize = 21;

const ATTR_COMPRESSION_MASK: i16 = 0x07;
const ATTR_TRANSACTIONAL: i16 = 0x10;
const ATTR_CONTROL: i16 = 0x20;

/// The fixed fields at the front of a v2 record batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchHeader {
    pub base_offset: i64,
    pub batch_length: i32,
    pub partition_leader_epoch: i32,
    pub magic: i8,
    pub crc: u32,
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub first_timestamp: i64,
    pub max_timestamp: i64,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub records_count: i32,
}

/// Big-endian field readers over a buffer already known to hold a whole header.
fn be_i64(buf: &[u8], at: usize) -> i64 {
    let mut b = [0u8; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    i64::from_be_bytes(b)
}

fn be_i32(buf: &[u8], at: usize) -> i32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&buf[at..at + 4]);
    i32::from_be_bytes(b)
}

fn be_i16(buf: &[u8], at: usize) -> i16 {
    i16::from_be_bytes([buf[at], buf[at + 1]])
}

impl BatchHeader {
    /// Parse the header at the front of `buf`; `None` if fewer than [`HEADER_SIZE`] bytes.
    /// Does not check anything: see [`validate`] for that.
    pub fn parse(buf: &[u8]) -> Option<BatchHeader> {
        if buf.len() < HEADER_SIZE {
            return None;
        }
        Some(BatchHeader {
            base_offset: be_i64(buf, 0),
            batch_length: be_i32(buf, 8),
            partition_leader_epoch: be_i32(buf, 12),
            magic: buf[MAGIC_POSITION] as i8,
            crc: be_i32(buf, 17) as u32,
            attributes: be_i16(buf, 21),
            last_offset_delta: be_i32(buf, 23),
            first_timestamp: be_i64(buf, 27),
            max_timestamp: be_i64(buf, 35),
            producer_id: be_i64(buf, 43),
            producer_epoch: be_i16(buf, 51),
            base_sequence: be_i32(buf, 53),
            records_count: be_i32(buf, 57),
        })
    }

    /// Bytes the whole batch occupies: `batch_length + 12` (a negative length counts as 0).
    pub fn total_size(&self) -> usize {
        usize::try_from(self.batch_length).unwrap_or(0) + LOG_OVERHEAD
    }

    /// Offset of the batch's last record: `base_offset + last_offset_delta`.
    pub fn last_offset(&self) -> i64 {
        self.base_offset
            .wrapping_add(i64::from(self.last_offset_delta))
    }

    /// Compression codec id: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd.
    pub fn compression(&self) -> u8 {
        (self.attributes & ATTR_COMPRESSION_MASK) as u8
    }

    pub fn is_transactional(&self) -> bool {
        self.attributes & ATTR_TRANSACTIONAL != 0
    }

    pub fn is_control(&self) -> bool {
        self.attributes & ATTR_CONTROL != 0
    }

    /// Sequence number of the last record, wrapping past `i32::MAX` to 0 as Kafka does;
    /// -1 when the batch carries no sequence.
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence < 0 {
            return -1;
        }
        let delta = self.last_offset_delta.max(0);
        if self.base_sequence > i32::MAX - delta {
            return delta - (i32::MAX - self.base_sequence) - 1;
        }
        self.base_sequence + delta
    }
}

/// What append() needs to know about each batch of a produce request's records blob.
#[derive(Clone, Copy, Debug)]
pub struct BatchInfo {
    /// Byte position of the batch in the blob.
    pub position: usize,
    pub header: BatchHeader,
}

/// Why a blob of batches was refused; each variant maps to one Kafka error code.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// Bad CRC, bad length, truncated batch -> Kafka CORRUPT_MESSAGE.
    #[error("corrupt record batch: {0}")]
    Corrupt(String),
    /// A batch over max_message_bytes -> MESSAGE_TOO_LARGE.
    #[error("record batch of {size} bytes exceeds the limit of {max} bytes")]
    TooLarge { size: usize, max: usize },
    /// Count 0, last_offset_delta != count-1, control batch from a client -> INVALID_RECORD.
    #[error("invalid record batch: {0}")]
    Invalid(String),
    /// magic != 2 -> UNSUPPORTED_FOR_MESSAGE_FORMAT.
    #[error("unsupported record batch magic {0} (only v2 is stored)")]
    UnsupportedMagic(i8),
}

/// CRC-32C (Castagnoli) of a whole batch's checksummed region, compared with its header.
pub fn crc_matches(batch: &[u8], header: &BatchHeader) -> bool {
    batch.len() >= HEADER_SIZE && crc32c::crc32c(&batch[CRC_START..]) == header.crc
}

/// Check the layout of the batch at the front of `rest`: magic first (so older formats get
/// their own error), then a whole header, a sane `batch_length`, and the whole batch present.
fn check_layout(rest: &[u8]) -> Result<BatchHeader, BatchError> {
    if rest.len() <= MAGIC_POSITION {
        return Err(BatchError::Corrupt(format!(
            "{} trailing bytes are not a batch",
            rest.len()
        )));
    }
    let magic = rest[MAGIC_POSITION] as i8;
    if magic != MAGIC_V2 {
        return Err(BatchError::UnsupportedMagic(magic));
    }
    let header = BatchHeader::parse(rest).ok_or_else(|| {
        BatchError::Corrupt(format!(
            "truncated batch header: {} of {HEADER_SIZE} bytes",
            rest.len()
        ))
    })?;
    if header.batch_length < MIN_BATCH_LENGTH {
        return Err(BatchError::Corrupt(format!(
            "batch_length {} too small",
            header.batch_length
        )));
    }
    if header.total_size() > rest.len() {
        return Err(BatchError::Corrupt(format!(
            "truncated batch: {} bytes declared, {} present",
            header.total_size(),
            rest.len()
        )));
    }
    Ok(header)
}

/// Check the framing of the batch at the front of `rest`: magic, length sanity, that the
/// whole batch is present, and its CRC. What recovery also checks, minus the offsets.
pub fn check_frame(rest: &[u8]) -> Result<BatchHeader, BatchError> {
    let header = check_layout(rest)?;
    if !crc_matches(&rest[..header.total_size()], &header) {
        return Err(BatchError::Corrupt("CRC-32C mismatch".to_string()));
    }
    Ok(header)
}

/// The producer-facing rules on top of the framing: record count, offset delta, and no
/// control batches (only the broker writes those).
fn check_producer_rules(header: &BatchHeader) -> Result<(), BatchError> {
    if header.records_count < 1 {
        return Err(BatchError::Invalid(format!(
            "records_count {}",
            header.records_count
        )));
    }
    if header.last_offset_delta != header.records_count - 1 {
        return Err(BatchError::Invalid(format!(
            "last_offset_delta {} with {} records",
            header.last_offset_delta, header.records_count
        )));
    }
    if header.is_control() {
        return Err(BatchError::Invalid(
            "control batch from a client".to_string(),
        ));
    }
    Ok(())
}

/// Validate a blob of one or more concatenated v2 batches exactly as received from a producer:
/// each batch's length fits the blob (no trailing partial batch), magic == 2, CRC-32C (Castagnoli,
/// over attributes..end, i.e. bytes 21..) matches, records_count >= 1, last_offset_delta ==
/// records_count-1, batch size <= max_message_bytes. Pure over &[u8]; allocates only the
/// returned Vec.
pub fn validate(blob: &[u8], max_message_bytes: usize) -> Result<Vec<BatchInfo>, BatchError> {
    if blob.is_empty() {
        return Err(BatchError::Invalid("no record batches".to_string()));
    }
    let mut infos = Vec::with_capacity(1);
    let mut position = 0;
    while position < blob.len() {
        let rest = &blob[position..];
        let header = check_layout(rest)?;
        // Size before CRC: do not checksum a megabyte that is refused anyway.
        if header.total_size() > max_message_bytes {
            return Err(BatchError::TooLarge {
                size: header.total_size(),
                max: max_message_bytes,
            });
        }
        if !crc_matches(&rest[..header.total_size()], &header) {
            return Err(BatchError::Corrupt("CRC-32C mismatch".to_string()));
        }
        check_producer_rules(&header)?;
        infos.push(BatchInfo { position, header });
        position += header.total_size();
    }
    Ok(infos)
}

/// Append a zigzag varint (Kafka's record-field encoding).
fn put_varint(out: &mut Vec<u8>, value: i64) {
    let mut zigzag = ((value << 1) ^ (value >> 63)) as u64;
    while zigzag >= 0x80 {
        out.push((zigzag as u8) | 0x80);
        zigzag >>= 7;
    }
    out.push(zigzag as u8);
}

fn put_bytes_field(out: &mut Vec<u8>, field: Option<&[u8]>) {
    match field {
        None => put_varint(out, -1),
        Some(bytes) => {
            put_varint(out, bytes.len() as i64);
            out.extend_from_slice(bytes);
        }
    }
}

/// Bytes `put_varint` writes for `value`.
fn varint_len(value: i64) -> usize {
    let zigzag = ((value << 1) ^ (value >> 63)) as u64;
    (64 - (zigzag | 1).leading_zeros() as usize).div_ceil(7)
}

/// Bytes `put_bytes_field` writes for `field`.
fn bytes_field_len(field: Option<&[u8]>) -> usize {
    match field {
        None => varint_len(-1),
        Some(bytes) => varint_len(bytes.len() as i64) + bytes.len(),
    }
}

/// The length of one v2 record's body (what its length prefix counts).
fn record_body_len(
    offset_delta: usize,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) -> usize {
    1 + varint_len(timestamp_delta)
        + varint_len(offset_delta as i64)
        + bytes_field_len(key)
        + bytes_field_len(value)
        + varint_len(0)
}

/// One v2 record: length, attributes, timestamp delta, offset delta, key, value, no headers.
/// Written straight into `out`: the length prefix is computed, not measured.
fn put_record(
    out: &mut Vec<u8>,
    offset_delta: usize,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
) {
    let len = record_body_len(offset_delta, timestamp_delta, key, value);
    put_varint(out, len as i64);
    let start = out.len();
    out.push(0); // record attributes, unused
    put_varint(out, timestamp_delta);
    put_varint(out, offset_delta as i64);
    put_bytes_field(out, key);
    put_bytes_field(out, value);
    put_varint(out, 0); // header count
    debug_assert_eq!(out.len() - start, len);
}

/// Builder for tests and tools: an uncompressed v2 batch of (key, value, timestamp_ms) records
/// with base offset 0, a correct CRC, producer id/epoch/sequence given (use -1/-1/-1 for
/// non-idempotent). An empty `records` gives a (invalid) batch with records_count 0.
#[allow(clippy::type_complexity)] // the signature the broker and tools code against
pub fn build(
    records: &[(Option<&[u8]>, Option<&[u8]>, i64)],
    producer_id: i64,
    producer_epoch: i16,
    base_sequence: i32,
) -> Vec<u8> {
    let first_timestamp = records.first().map_or(-1, |r| r.2);
    let max_timestamp = records.iter().map(|r| r.2).max().unwrap_or(-1);
    // One buffer of the exact size: the header, then each record written in place.
    let body_len: usize = records
        .iter()
        .enumerate()
        .map(|(i, (key, value, timestamp))| {
            let len = record_body_len(i, timestamp - first_timestamp, *key, *value);
            varint_len(len as i64) + len
        })
        .sum();
    let count = records.len() as i32;
    let mut out = Vec::with_capacity(HEADER_SIZE + body_len);
    out.extend_from_slice(&0i64.to_be_bytes());
    out.extend_from_slice(&(MIN_BATCH_LENGTH + body_len as i32).to_be_bytes());
    out.extend_from_slice(&0i32.to_be_bytes()); // partition leader epoch
    out.push(MAGIC_V2 as u8);
    out.extend_from_slice(&0u32.to_be_bytes()); // crc, filled below
    out.extend_from_slice(&0i16.to_be_bytes()); // attributes: no compression, CreateTime
    out.extend_from_slice(&(count - 1).to_be_bytes());
    out.extend_from_slice(&first_timestamp.to_be_bytes());
    out.extend_from_slice(&max_timestamp.to_be_bytes());
    out.extend_from_slice(&producer_id.to_be_bytes());
    out.extend_from_slice(&producer_epoch.to_be_bytes());
    out.extend_from_slice(&base_sequence.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    for (i, (key, value, timestamp)) in records.iter().enumerate() {
        put_record(&mut out, i, timestamp - first_timestamp, *key, *value);
    }
    debug_assert_eq!(out.len(), HEADER_SIZE + body_len);
    let crc = crc32c::crc32c(&out[CRC_START..]);
    out[17..CRC_START].copy_from_slice(&crc.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: usize = 1_048_588;

    fn one_record_batch(value: &[u8], timestamp_ms: i64) -> Vec<u8> {
        build(&[(Some(b"k"), Some(value), timestamp_ms)], -1, -1, -1)
    }

    #[test]
    fn built_batch_parses_back_to_its_fields() {
        // Goal: build() and BatchHeader::parse agree. Method: build, parse, compare fields.
        let batch = build(
            &[
                (None, Some(b"a"), 10),
                (Some(b"k"), None, 30),
                (None, None, 20),
            ],
            7,
            3,
            100,
        );
        let header = BatchHeader::parse(&batch).expect("header");
        assert_eq!(header.total_size(), batch.len());
        assert_eq!(header.records_count, 3);
        assert_eq!(header.last_offset_delta, 2);
        assert_eq!(header.first_timestamp, 10);
        assert_eq!(header.max_timestamp, 30);
        assert_eq!(
            (
                header.producer_id,
                header.producer_epoch,
                header.base_sequence
            ),
            (7, 3, 100)
        );
        assert_eq!(header.last_sequence(), 102);
        assert_eq!(header.compression(), 0);
        assert!(!header.is_control() && !header.is_transactional());
    }

    #[test]
    fn parse_needs_a_whole_header() {
        let batch = one_record_batch(b"v", 1);
        assert!(BatchHeader::parse(&batch[..HEADER_SIZE - 1]).is_none());
        assert!(BatchHeader::parse(&batch[..HEADER_SIZE]).is_some());
    }

    #[test]
    fn last_sequence_wraps_at_i32_max_like_kafka() {
        let mut header = BatchHeader::parse(&one_record_batch(b"v", 1)).expect("header");
        header.base_sequence = i32::MAX - 1;
        header.last_offset_delta = 3;
        assert_eq!(header.last_sequence(), 1);
        header.base_sequence = -1;
        assert_eq!(header.last_sequence(), -1);
    }

    #[test]
    fn validate_accepts_several_concatenated_batches() {
        let mut blob = one_record_batch(b"first", 1);
        let second_at = blob.len();
        blob.extend(build(
            &[(None, Some(b"x"), 2), (None, Some(b"y"), 3)],
            -1,
            -1,
            -1,
        ));
        let infos = validate(&blob, MAX).expect("valid");
        assert_eq!(infos.len(), 2);
        assert_eq!((infos[0].position, infos[1].position), (0, second_at));
        assert_eq!(infos[1].header.records_count, 2);
    }

    #[test]
    fn validate_rejects_a_bad_crc() {
        let mut blob = one_record_batch(b"value", 1);
        let last = blob.len() - 1;
        blob[last] ^= 0x01;
        assert!(matches!(validate(&blob, MAX), Err(BatchError::Corrupt(_))));
    }

    #[test]
    fn validate_rejects_a_truncated_batch() {
        let mut blob = one_record_batch(b"one", 1);
        blob.extend(one_record_batch(b"two", 2));
        blob.truncate(blob.len() - 3);
        assert!(matches!(validate(&blob, MAX), Err(BatchError::Corrupt(_))));
        assert!(matches!(
            validate(&blob[..30], MAX),
            Err(BatchError::Corrupt(_))
        ));
    }

    #[test]
    fn validate_rejects_magic_other_than_two() {
        let mut blob = one_record_batch(b"value", 1);
        blob[MAGIC_POSITION] = 1;
        assert!(matches!(
            validate(&blob, MAX),
            Err(BatchError::UnsupportedMagic(1))
        ));
    }

    #[test]
    fn validate_rejects_a_batch_over_the_size_limit() {
        let blob = one_record_batch(&[7u8; 500], 1);
        let result = validate(&blob, 200);
        assert!(
            matches!(result, Err(BatchError::TooLarge { size, max: 200 }) if size == blob.len())
        );
    }

    #[test]
    fn validate_rejects_zero_records() {
        let blob = build(&[], -1, -1, -1);
        assert!(matches!(validate(&blob, MAX), Err(BatchError::Invalid(_))));
    }

    #[test]
    fn validate_rejects_an_empty_blob_and_a_control_batch() {
        assert!(matches!(validate(&[], MAX), Err(BatchError::Invalid(_))));
        let mut blob = one_record_batch(b"v", 1);
        blob[22] |= ATTR_CONTROL as u8;
        let crc = crc32c::crc32c(&blob[CRC_START..]);
        blob[17..CRC_START].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(validate(&blob, MAX), Err(BatchError::Invalid(_))));
    }

    #[test]
    fn validate_rejects_offset_delta_that_disagrees_with_count() {
        let mut blob = build(&[(None, Some(b"a"), 1), (None, Some(b"b"), 1)], -1, -1, -1);
        blob[23..27].copy_from_slice(&5i32.to_be_bytes());
        let crc = crc32c::crc32c(&blob[CRC_START..]);
        blob[17..CRC_START].copy_from_slice(&crc.to_be_bytes());
        assert!(matches!(validate(&blob, MAX), Err(BatchError::Invalid(_))));
    }

    type Row<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, i64);

    /// A zigzag varint from the front of `buf`, and the rest.
    fn take_varint(buf: &[u8]) -> (i64, &[u8]) {
        let (mut value, mut shift, mut used) = (0u64, 0, 0);
        loop {
            let b = buf[used];
            used += 1;
            value |= u64::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                break;
            }
        }
        (((value >> 1) as i64) ^ -((value & 1) as i64), &buf[used..])
    }

    fn take_bytes_field(buf: &[u8]) -> (Option<Vec<u8>>, &[u8]) {
        let (len, rest) = take_varint(buf);
        if len < 0 {
            return (None, rest);
        }
        let (field, rest) = rest.split_at(len as usize);
        (Some(field.to_vec()), rest)
    }

    proptest::proptest! {
        #[test]
        fn varint_len_is_what_put_varint_writes(value in proptest::num::i64::ANY, shift in 0u32..64) {
            for v in [value, value >> shift, (value >> shift).wrapping_neg()] {
                let mut out = Vec::new();
                put_varint(&mut out, v);
                proptest::prop_assert_eq!(varint_len(v), out.len(), "value {}", v);
                proptest::prop_assert_eq!(take_varint(&out), (v, &[][..]));
            }
        }

        #[test]
        fn built_records_decode_to_their_fields(
            records in proptest::collection::vec(
                (
                    proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..200)),
                    proptest::option::of(proptest::collection::vec(proptest::num::u8::ANY, 0..20_000)),
                    0i64..10_000_000,
                ),
                1..40,
            )
        ) {
            // Goal: build() writes each record's length prefix and fields exactly (lengths
            // across the one-, two- and three-byte varint boundaries), with a valid CRC.
            let rows: Vec<Row<'_>> = records
                .iter()
                .map(|(k, v, t)| (k.as_deref(), v.as_deref(), *t))
                .collect();
            let blob = build(&rows, -1, -1, -1);
            let infos = validate(&blob, usize::MAX).expect("valid batch");
            proptest::prop_assert_eq!(infos.len(), 1);
            let header = infos[0].header;
            proptest::prop_assert_eq!(header.total_size(), blob.len());
            proptest::prop_assert_eq!(header.records_count as usize, records.len());
            let mut rest = &blob[HEADER_SIZE..];
            for (i, (key, value, timestamp)) in records.iter().enumerate() {
                let (len, after_len) = take_varint(rest);
                let (body, after) = after_len.split_at(len as usize);
                proptest::prop_assert_eq!(body[0], 0);
                let (timestamp_delta, b) = take_varint(&body[1..]);
                let (offset_delta, b) = take_varint(b);
                let (k, b) = take_bytes_field(b);
                let (v, b) = take_bytes_field(b);
                let (headers, b) = take_varint(b);
                proptest::prop_assert_eq!(header.first_timestamp + timestamp_delta, *timestamp);
                proptest::prop_assert_eq!(offset_delta, i as i64);
                proptest::prop_assert_eq!(&k, key);
                proptest::prop_assert_eq!(&v, value);
                proptest::prop_assert_eq!(headers, 0);
                proptest::prop_assert!(b.is_empty(), "record {} has {} bytes left", i, b.len());
                rest = after;
            }
            proptest::prop_assert!(rest.is_empty());
        }

        #[test]
        fn validate_never_panics_on_random_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let _ = validate(&bytes, MAX);
        }

        #[test]
        fn validate_never_panics_on_a_mutated_batch(at in 0usize..200, value in proptest::num::u8::ANY, cut in 0usize..200) {
            let mut blob = one_record_batch(&[3u8; 100], 5);
            let at = at % blob.len();
            blob[at] = value;
            blob.truncate(blob.len() - cut % blob.len());
            let _ = validate(&blob, MAX);
        }
    }
}
