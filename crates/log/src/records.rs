//! The records inside stored v2 batches, decoded with bounds: the one place the server looks
//! inside a batch (ListOffsets by timestamp, Kinesis GetRecords, the produce-time record check).
//!
//! A batch's records region is either plain records or one compressed stream of them (gzip,
//! snappy raw or xerial-framed, lz4 frame, zstd). Decompression is streaming and bounded: the
//! decoder never produces more than `limit` bytes (a zip bomb of 1 GiB of zeros stops at the
//! limit with [`RecordsError::TooLarge`]), declared lengths and counts are checked against the
//! bytes present and the limit before anything is allocated, and decoded records are charged
//! their in-memory size against the same limit. A compressed batch whose payload is itself a
//! batch (nested compression, a v0/v1 idea v2 does not have) is refused with
//! [`RecordsError::Nested`].
//!
//! Record layout (all lengths and deltas zigzag varints):
//!
//! ```text
//! length | attributes (i8) | timestamp_delta | offset_delta | key_len key | value_len value |
//! header_count (key_len key value_len value)*
//! ```
//!
//! [`check`] is the produce-time walk: records parse exactly (count, lengths, no trailing bytes)
//! and offset deltas run 0, 1, 2, ...; it keeps no record bytes. [`decode`] returns records for
//! readers and does not insist on the deltas (stored data is served as it was accepted).

use crate::batch::{self, BatchError, BatchHeader, HEADER_SIZE, MAGIC_POSITION, MAGIC_V2};
use bytes::Bytes;
use std::io::{BufRead, BufReader, Read};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Default bound on what one batch may decompress (and decode) to.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: usize = 64 << 20;

static MAX_DECOMPRESSED: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_DECOMPRESSED_BYTES);

/// The process-wide bound on what one batch may decompress to (set once at start-up from the
/// server's settings; [`DEFAULT_MAX_DECOMPRESSED_BYTES`] otherwise).
pub fn max_decompressed_bytes() -> usize {
    MAX_DECOMPRESSED.load(Ordering::Relaxed)
}

/// Set the bound [`max_decompressed_bytes`] returns.
pub fn set_max_decompressed_bytes(limit: usize) {
    MAX_DECOMPRESSED.store(limit.max(1), Ordering::Relaxed);
}

const ATTR_TIMESTAMP_TYPE: i16 = 0x08;

/// One record of a stored batch, offsets and timestamps made absolute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<Bytes>,
    pub value: Option<Bytes>,
    pub headers: Vec<(Bytes, Option<Bytes>)>,
    /// From a control batch (transaction markers); readers usually skip these.
    pub control: bool,
}

/// Why a batch's records could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    /// The batch itself is malformed (framing, CRC, magic): see [`batch::check_frame`].
    #[error(transparent)]
    Frame(#[from] BatchError),
    /// The compressed records region does not decompress.
    #[error("record batch at offset {base_offset} does not decompress ({codec}): {message}")]
    Decompress {
        base_offset: i64,
        codec: &'static str,
        message: String,
    },
    /// Records that do not parse, or disagree with the header (count, offset deltas).
    #[error("invalid records in the batch at offset {base_offset}: {message}")]
    Invalid { base_offset: i64, message: String },
    /// A compressed batch whose payload is another batch.
    #[error("nested compression: the {codec} batch at offset {base_offset} holds a record batch, not records")]
    Nested {
        base_offset: i64,
        codec: &'static str,
    },
    /// The batch decompresses or decodes to more than the limit.
    #[error(
        "record batch at offset {base_offset} decompresses to more than the limit of {limit} bytes"
    )]
    TooLarge { base_offset: i64, limit: usize },
}

/// Codec name of a batch's compression id.
pub fn codec_name(id: u8) -> &'static str {
    match id {
        0 => "none",
        1 => "gzip",
        2 => "snappy",
        3 => "lz4",
        4 => "zstd",
        _ => "unknown",
    }
}

/// Decode every record of a blob of whole batches, in order, within `limit` bytes per batch.
pub fn decode(blob: &Bytes, limit: usize) -> Result<Vec<Record>, RecordsError> {
    let mut out = Vec::new();
    walk(blob, limit, &mut Mode::Decode(&mut out))?;
    Ok(out)
}

/// The produce-time check of a blob of whole batches: every batch's records parse exactly, their
/// count matches the header, offset deltas run 0..count, and each batch decompresses within
/// `limit` bytes. Keeps no record bytes, so its memory does not depend on the input.
pub fn check(blob: &[u8], limit: usize) -> Result<(), RecordsError> {
    walk_slice(blob, limit)
}

enum Mode<'a> {
    Decode(&'a mut Vec<Record>),
    Check,
}

fn walk(blob: &Bytes, limit: usize, mode: &mut Mode<'_>) -> Result<(), RecordsError> {
    let mut position = 0;
    while position < blob.len() {
        let header = batch::check_frame(&blob[position..])?;
        let end = position + header.total_size();
        let payload = blob.slice(position + HEADER_SIZE..end);
        decode_batch(&header, payload, limit, mode)?;
        position = end;
    }
    Ok(())
}

fn walk_slice(blob: &[u8], limit: usize) -> Result<(), RecordsError> {
    let mut position = 0;
    while position < blob.len() {
        let header = batch::check_frame(&blob[position..])?;
        let end = position + header.total_size();
        let payload = &blob[position + HEADER_SIZE..end];
        match header.compression() {
            0 => {
                let mut input = SliceInput {
                    buf: payload,
                    pos: 0,
                    base_offset: header.base_offset,
                };
                parse_records(&header, &mut input, &mut Mode::Check, limit)?;
            }
            codec => {
                let reader = decompressor(&header, codec, payload, limit)?;
                parse_compressed(&header, codec, reader, &mut Mode::Check, limit)?;
            }
        }
        position = end;
    }
    Ok(())
}

fn decode_batch(
    header: &BatchHeader,
    payload: Bytes,
    limit: usize,
    mode: &mut Mode<'_>,
) -> Result<(), RecordsError> {
    match header.compression() {
        0 => {
            let mut input = BytesInput {
                buf: payload,
                base_offset: header.base_offset,
            };
            parse_records(header, &mut input, mode, limit)
        }
        codec => {
            let reader = decompressor(header, codec, &payload, limit)?;
            parse_compressed(header, codec, reader, mode, limit)
        }
    }
}

/// A streaming, bounded decompressor over a batch's records region.
fn decompressor<'a>(
    header: &BatchHeader,
    codec: u8,
    payload: &'a [u8],
    limit: usize,
) -> Result<Box<dyn BufRead + 'a>, RecordsError> {
    let fail = |message: String| RecordsError::Decompress {
        base_offset: header.base_offset,
        codec: codec_name(codec),
        message,
    };
    let reader: Box<dyn BufRead + 'a> = match codec {
        1 => Box::new(BufReader::with_capacity(
            64 << 10,
            flate2::bufread::MultiGzDecoder::new(payload),
        )),
        2 => Box::new(BufReader::with_capacity(
            64 << 10,
            SnappyReader::new(payload, limit).map_err(fail)?,
        )),
        3 => Box::new(BufReader::with_capacity(
            64 << 10,
            lz4::Decoder::new(payload).map_err(|e| fail(e.to_string()))?,
        )),
        4 => Box::new(BufReader::with_capacity(
            64 << 10,
            zstd::stream::read::Decoder::with_buffer(payload).map_err(|e| fail(e.to_string()))?,
        )),
        other => {
            return Err(RecordsError::Invalid {
                base_offset: header.base_offset,
                message: format!("unknown compression codec {other}"),
            })
        }
    };
    Ok(reader)
}

/// Parse the records of a decompressed stream; on a parse failure, say "nested compression" if
/// the stream starts like a v2 batch.
fn parse_compressed(
    header: &BatchHeader,
    codec: u8,
    reader: Box<dyn BufRead + '_>,
    mode: &mut Mode<'_>,
    limit: usize,
) -> Result<(), RecordsError> {
    let mut input = StreamInput {
        reader,
        total: 0,
        limit,
        head: Vec::with_capacity(HEADER_SIZE),
        base_offset: header.base_offset,
        codec,
    };
    match parse_records(header, &mut input, mode, limit) {
        Err(RecordsError::Invalid { .. }) | Err(RecordsError::Decompress { .. })
            if looks_like_batch(&input.fill_head()) =>
        {
            Err(RecordsError::Nested {
                base_offset: header.base_offset,
                codec: codec_name(codec),
            })
        }
        other => other,
    }
}

fn looks_like_batch(head: &[u8]) -> bool {
    head.len() > MAGIC_POSITION
        && head[MAGIC_POSITION] as i8 == MAGIC_V2
        && BatchHeader::parse(head).is_none_or(|h| h.batch_length >= batch::MIN_BATCH_LENGTH)
}

/// Where record bytes come from: the batch itself, or a decompressor.
trait Input {
    /// The next byte, or `None` at the end of the records.
    fn next(&mut self) -> Result<Option<u8>, RecordsError>;
    /// The next `n` bytes (kept only if `keep`); an error if fewer remain.
    fn take(&mut self, n: usize, keep: bool) -> Result<Option<Bytes>, RecordsError>;
    /// The batch's base offset, for error messages.
    fn base_offset(&self) -> i64;
    /// Bytes left, where known (not for a decompressor's output).
    fn remaining(&self) -> Option<usize> {
        None
    }
}

struct BytesInput {
    buf: Bytes,
    base_offset: i64,
}

impl Input for BytesInput {
    fn next(&mut self) -> Result<Option<u8>, RecordsError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let b = self.buf[0];
        // `advance` moves the view; `slice` would clone and drop the shared handle (two atomic
        // operations) for every byte of every varint.
        bytes::Buf::advance(&mut self.buf, 1);
        Ok(Some(b))
    }

    fn take(&mut self, n: usize, keep: bool) -> Result<Option<Bytes>, RecordsError> {
        if n > self.buf.len() {
            return Err(truncated(self.base_offset, n, self.buf.len()));
        }
        let taken = self.buf.split_to(n);
        Ok(keep.then_some(taken))
    }

    fn base_offset(&self) -> i64 {
        self.base_offset
    }

    fn remaining(&self) -> Option<usize> {
        Some(self.buf.len())
    }
}

struct SliceInput<'a> {
    buf: &'a [u8],
    pos: usize,
    base_offset: i64,
}

impl Input for SliceInput<'_> {
    fn next(&mut self) -> Result<Option<u8>, RecordsError> {
        let b = self.buf.get(self.pos).copied();
        self.pos += usize::from(b.is_some());
        Ok(b)
    }

    fn take(&mut self, n: usize, keep: bool) -> Result<Option<Bytes>, RecordsError> {
        let left = self.buf.len() - self.pos;
        if n > left {
            return Err(truncated(self.base_offset, n, left));
        }
        let taken = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(keep.then(|| Bytes::copy_from_slice(taken)))
    }

    fn base_offset(&self) -> i64 {
        self.base_offset
    }

    fn remaining(&self) -> Option<usize> {
        Some(self.buf.len() - self.pos)
    }
}

fn truncated(base_offset: i64, want: usize, have: usize) -> RecordsError {
    RecordsError::Invalid {
        base_offset,
        message: format!(
            "a record field of {want} bytes runs past the end of the records ({have} left)"
        ),
    }
}

/// A decompressor's output, counted against the limit. Keeps the first bytes for the
/// nested-compression diagnosis.
struct StreamInput<'a> {
    reader: Box<dyn BufRead + 'a>,
    total: usize,
    limit: usize,
    head: Vec<u8>,
    base_offset: i64,
    codec: u8,
}

impl StreamInput<'_> {
    fn io_error(&self, e: std::io::Error) -> RecordsError {
        if e.get_ref().is_some_and(|inner| inner.is::<TooLong>()) {
            return RecordsError::TooLarge {
                base_offset: self.base_offset,
                limit: self.limit,
            };
        }
        RecordsError::Decompress {
            base_offset: self.base_offset,
            codec: codec_name(self.codec),
            message: e.to_string(),
        }
    }

    /// The first bytes of the stream (up to a batch header's worth), reading on if the parse
    /// stopped before them.
    fn fill_head(&mut self) -> Vec<u8> {
        while self.head.len() < HEADER_SIZE && self.total < self.limit {
            match self.next() {
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        std::mem::take(&mut self.head)
    }

    fn count(&mut self, n: usize) -> Result<(), RecordsError> {
        self.total += n;
        if self.total > self.limit {
            return Err(RecordsError::TooLarge {
                base_offset: self.base_offset,
                limit: self.limit,
            });
        }
        Ok(())
    }
}

impl Input for StreamInput<'_> {
    fn next(&mut self) -> Result<Option<u8>, RecordsError> {
        let buf = match self.reader.fill_buf() {
            Ok(b) => b,
            Err(e) => return Err(self.io_error(e)),
        };
        let Some(&b) = buf.first() else {
            return Ok(None);
        };
        self.reader.consume(1);
        if self.head.len() < HEADER_SIZE {
            self.head.push(b);
        }
        self.count(1)?;
        Ok(Some(b))
    }

    fn take(&mut self, n: usize, keep: bool) -> Result<Option<Bytes>, RecordsError> {
        if n > self.limit.saturating_sub(self.total) {
            return Err(RecordsError::TooLarge {
                base_offset: self.base_offset,
                limit: self.limit,
            });
        }
        let mut kept = keep.then(Vec::new);
        let mut left = n;
        while left > 0 {
            let buf = match self.reader.fill_buf() {
                Ok(b) => b,
                Err(e) => return Err(self.io_error(e)),
            };
            if buf.is_empty() {
                return Err(truncated(self.base_offset, n, n - left));
            }
            let k = buf.len().min(left);
            if let Some(v) = kept.as_mut() {
                v.extend_from_slice(&buf[..k]);
            }
            if self.head.len() < HEADER_SIZE {
                let room = (HEADER_SIZE - self.head.len()).min(k);
                self.head.extend_from_slice(&buf[..room]);
            }
            self.reader.consume(k);
            self.count(k)?;
            left -= k;
        }
        Ok(kept.map(Bytes::from))
    }

    fn base_offset(&self) -> i64 {
        self.base_offset
    }
}

/// Read a zigzag varint of up to 10 bytes (Kafka's varlong; varints are range-checked by the
/// caller). `first` is a byte already read.
fn varlong<I: Input>(
    input: &mut I,
    first: Option<u8>,
    used: &mut usize,
) -> Result<i64, RecordsError> {
    let mut value: u64 = 0;
    let mut shift = 0;
    let mut pending = first;
    loop {
        let b = match pending.take() {
            Some(b) => b,
            None => input.next()?.ok_or_else(|| RecordsError::Invalid {
                base_offset: input.base_offset(),
                message: "the records end inside a varint".to_string(),
            })?,
        };
        *used += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Ok(((value >> 1) as i64) ^ -((value & 1) as i64));
        }
        shift += 7;
        if shift > 63 {
            return Err(RecordsError::Invalid {
                base_offset: input.base_offset(),
                message: "a varint longer than 10 bytes".to_string(),
            });
        }
    }
}

/// Bytes a decoded record is charged against the limit besides its key and value.
const RECORD_OVERHEAD: usize = std::mem::size_of::<Record>();
const HEADER_OVERHEAD: usize = std::mem::size_of::<(Bytes, Option<Bytes>)>();

fn parse_records<I: Input>(
    header: &BatchHeader,
    input: &mut I,
    mode: &mut Mode<'_>,
    limit: usize,
) -> Result<(), RecordsError> {
    let base_offset = header.base_offset;
    let invalid = |message: String| RecordsError::Invalid {
        base_offset,
        message,
    };
    let keep = matches!(mode, Mode::Decode(_));
    let log_append_time = header.attributes & ATTR_TIMESTAMP_TYPE != 0;
    let mut charged = 0usize;
    let mut count: i64 = 0;
    while let Some(first) = input.next()? {
        if count >= i64::from(header.records_count) {
            return Err(invalid(format!(
                "more records than the {} the header declares",
                header.records_count
            )));
        }
        let length = varlong(input, Some(first), &mut 0)?;
        let length = usize::try_from(length)
            .ok()
            .filter(|&l| l <= i32::MAX as usize)
            .ok_or_else(|| invalid(format!("record {count}: length {length}")))?;
        if let Some(left) = input.remaining().filter(|&left| length > left) {
            return Err(invalid(format!(
                "record {count}: length {length} runs past the end of the records ({left} bytes left)"
            )));
        }
        let mut r = RecordReader {
            input: &mut *input,
            used: 0,
            length,
            keep,
            index: count,
        };
        r.next()?; // attributes, unused in v2
        let timestamp_delta = r.varlong()?;
        let offset_delta = r.varint("offset delta")?;
        let key = r.field("key length")?;
        let value = r.field("value length")?;
        let header_count = r.varint("header count")?;
        if header_count < 0 {
            return Err(invalid(format!(
                "record {count}: header count {header_count}"
            )));
        }
        let mut headers = Vec::new();
        for _ in 0..header_count {
            let k = r
                .field("header key length")?
                .ok_or_else(|| invalid(format!("record {count}: a null header key")))?;
            let v = r.field("header value length")?;
            if keep {
                charged = charged.saturating_add(HEADER_OVERHEAD);
                headers.push((k, v));
            }
        }
        if r.used != length {
            return Err(invalid(format!(
                "record {count}: {} bytes left over inside its length {length}",
                length - r.used
            )));
        }
        match mode {
            Mode::Check => {
                if i64::from(offset_delta) != count {
                    return Err(invalid(format!(
                        "record {count} has offset delta {offset_delta}; deltas must run 0, 1, 2, ..."
                    )));
                }
            }
            Mode::Decode(out) => {
                charged = charged
                    .saturating_add(RECORD_OVERHEAD)
                    .saturating_add(key.as_ref().map_or(0, Bytes::len))
                    .saturating_add(value.as_ref().map_or(0, Bytes::len));
                if charged > limit {
                    return Err(RecordsError::TooLarge { base_offset, limit });
                }
                let timestamp = if log_append_time {
                    header.max_timestamp
                } else {
                    header.first_timestamp.wrapping_add(timestamp_delta)
                };
                out.push(Record {
                    offset: base_offset.wrapping_add(i64::from(offset_delta)),
                    timestamp,
                    key,
                    value,
                    headers,
                    control: header.is_control(),
                });
            }
        }
        count += 1;
    }
    if count != i64::from(header.records_count) {
        return Err(invalid(format!(
            "the header declares {} records, the batch holds {count}",
            header.records_count
        )));
    }
    Ok(())
}

/// The fields of one record, never reading past its declared length.
struct RecordReader<'a, I: Input> {
    input: &'a mut I,
    used: usize,
    length: usize,
    keep: bool,
    index: i64,
}

impl<I: Input> RecordReader<'_, I> {
    fn invalid(&self, message: String) -> RecordsError {
        RecordsError::Invalid {
            base_offset: self.input.base_offset(),
            message: format!("record {}: {message}", self.index),
        }
    }

    fn within(&self, what: &str) -> Result<(), RecordsError> {
        if self.used > self.length {
            return Err(self.invalid(format!("{what} runs past its length {}", self.length)));
        }
        Ok(())
    }

    fn next(&mut self) -> Result<u8, RecordsError> {
        self.used += 1;
        self.within("a field")?;
        match self.input.next()? {
            Some(b) => Ok(b),
            None => Err(self.invalid("truncated".to_string())),
        }
    }

    fn varlong(&mut self) -> Result<i64, RecordsError> {
        let v = varlong(self.input, None, &mut self.used)?;
        self.within("a varint")?;
        Ok(v)
    }

    fn varint(&mut self, what: &str) -> Result<i32, RecordsError> {
        let v = self.varlong()?;
        i32::try_from(v).map_err(|_| self.invalid(format!("{what} {v} is out of the 32-bit range")))
    }

    fn field(&mut self, what: &str) -> Result<Option<Bytes>, RecordsError> {
        let len = self.varint(what)?;
        if len < -1 {
            return Err(self.invalid(format!("{what} {len}")));
        }
        if len == -1 {
            return Ok(None);
        }
        let len = len as usize;
        self.used += len;
        self.within(what)?;
        Ok(Some(self.input.take(len, self.keep)?.unwrap_or_default()))
    }
}

/// Snappy as Kafka producers write it: raw snappy, or xerial framing (a 16-byte magic header,
/// then blocks of `u32 length` + raw snappy). Block by block, each declared size checked
/// against what is left of the limit before it is allocated.
struct SnappyReader<'a> {
    rest: &'a [u8],
    xerial: bool,
    block: Vec<u8>,
    pos: usize,
    budget: usize,
}

const XERIAL_MAGIC: &[u8; 8] = b"\x82SNAPPY\x00";
const XERIAL_HEADER: usize = 16;

impl<'a> SnappyReader<'a> {
    fn new(payload: &'a [u8], limit: usize) -> Result<SnappyReader<'a>, String> {
        if payload.is_empty() {
            return Err("no snappy data".to_string());
        }
        let xerial = payload.len() >= XERIAL_HEADER && payload.starts_with(XERIAL_MAGIC);
        Ok(SnappyReader {
            rest: if xerial {
                &payload[XERIAL_HEADER..]
            } else {
                payload
            },
            xerial,
            block: Vec::new(),
            pos: 0,
            // One byte over the limit is enough for the caller to see it was exceeded.
            budget: limit.saturating_add(1),
        })
    }

    fn next_block(&mut self) -> std::io::Result<bool> {
        let bad = |m: String| std::io::Error::new(std::io::ErrorKind::InvalidData, m);
        if self.rest.is_empty() {
            return Ok(false);
        }
        let compressed = if self.xerial {
            if self.rest.len() < 4 {
                return Err(bad("truncated xerial block length".to_string()));
            }
            let n = u32::from_be_bytes([self.rest[0], self.rest[1], self.rest[2], self.rest[3]])
                as usize;
            if n > self.rest.len() - 4 {
                return Err(bad(format!(
                    "xerial block of {n} bytes, {} present",
                    self.rest.len() - 4
                )));
            }
            let block = &self.rest[4..4 + n];
            self.rest = &self.rest[4 + n..];
            block
        } else {
            std::mem::take(&mut self.rest)
        };
        let len = snap::raw::decompress_len(compressed).map_err(|e| bad(e.to_string()))?;
        // Stop at the budget: the caller turns a stream longer than the limit into TooLarge.
        if len > self.budget {
            return Err(std::io::Error::other(TooLong));
        }
        self.budget -= len;
        self.block.resize(len, 0);
        snap::raw::Decoder::new()
            .decompress(compressed, &mut self.block)
            .map_err(|e| bad(e.to_string()))?;
        self.pos = 0;
        Ok(true)
    }
}

/// Marker error: a snappy block would take the stream past the limit.
#[derive(Debug)]
struct TooLong;

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("decompressed size over the limit")
    }
}

impl std::error::Error for TooLong {}

impl Read for SnappyReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.pos == self.block.len() {
            if !self.next_block()? {
                return Ok(0);
            }
        }
        let n = out.len().min(self.block.len() - self.pos);
        out[..n].copy_from_slice(&self.block[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// For tests and tools: the uncompressed v2 batch `batch` with its records region compressed
/// with `codec` (1 gzip, 2 snappy in xerial framing, 3 lz4 frame, 4 zstd) and the CRC redone.
pub fn compress_batch(batch: &[u8], codec: u8) -> Vec<u8> {
    use std::io::Write;
    let records = &batch[HEADER_SIZE..];
    let compressed = match codec {
        1 => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(records).expect("gzip to memory");
            e.finish().expect("gzip to memory")
        }
        2 => {
            let mut out = Vec::from(&b"\x82SNAPPY\x00\x00\x00\x00\x01\x00\x00\x00\x01"[..]);
            for block in records.chunks(32 << 10) {
                let c = snap::raw::Encoder::new()
                    .compress_vec(block)
                    .expect("snappy to memory");
                out.extend_from_slice(&(c.len() as u32).to_be_bytes());
                out.extend_from_slice(&c);
            }
            out
        }
        3 => {
            let mut e = lz4::EncoderBuilder::new()
                .build(Vec::new())
                .expect("lz4 encoder");
            e.write_all(records).expect("lz4 to memory");
            let (out, result) = e.finish();
            result.expect("lz4 to memory");
            out
        }
        4 => zstd::bulk::compress(records, 1).expect("zstd to memory"),
        _ => records.to_vec(),
    };
    with_records_region(batch, codec, &compressed)
}

/// For tests and tools: `batch`'s header with `region` as its records region, compression
/// attribute `codec`, length and CRC fixed up.
pub fn with_records_region(batch: &[u8], codec: u8, region: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_SIZE + region.len());
    out.extend_from_slice(&batch[..HEADER_SIZE]);
    out.extend_from_slice(region);
    let length = (out.len() - batch::LOG_OVERHEAD) as i32;
    out[8..12].copy_from_slice(&length.to_be_bytes());
    let attributes = (i16::from_be_bytes([out[21], out[22]]) & !0x07) | i16::from(codec & 0x07);
    out[21..23].copy_from_slice(&attributes.to_be_bytes());
    let crc = crc32c::crc32c(&out[batch::CRC_START..]);
    out[17..21].copy_from_slice(&crc.to_be_bytes());
    out
}

#[cfg(test)]
mod tests;
