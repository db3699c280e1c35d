//! The internal `__consumer_offsets` log's record formats: one committed offset or one group
//! snapshot per record, as a (key, value) byte pair, plus the wrapping of those pairs into Kafka
//! v2 record batches and back. This module owns the bytes and nothing else: which records to
//! write and when belongs to the broker (`group_service`), what they mean in memory to
//! [`super::offsets::OffsetStore`], and the batch header layout to `sluice_log::batch`.
//!
//! A value of `None` is a tombstone: the key's previous value is deleted (OffsetDelete,
//! DeleteGroups). Everything is big-endian, Kafka style. Both key and value start with a `u16`
//! version, so later versions can be added next to these; a reader refuses versions it does not
//! know rather than guessing.
//!
//! ```text
//! key, version 1                         offset value, version 1
//!   u16  key version (= 1)                 u16     value version (= 1)
//!   u8   record type: 1 offset, 2 group    i64     offset
//!   str  group id                          i32     leader epoch (-1 = none)
//!   -- type 1 (offset) only --             nstr    metadata
//!   str  topic                             i64     commit timestamp (ms)
//!   i32  partition
//!
//! group value, version 1                 member
//!   u16  value version (= 1)               str     member id
//!   i32  generation id                     nstr    group instance id (KIP-345)
//!   nstr protocol type                     str     client id
//!   nstr protocol name                     str     client host
//!   nstr leader member id                  i32     session timeout (ms)
//!   i32  member count                      i32     rebalance timeout (ms)
//!   ...  members                           i32     protocol count
//!                                          ...     protocols: str name, bytes metadata
//!                                          bytes   assignment
//!
//! str   = u16 length + UTF-8                 bytes = i32 length + bytes
//! nstr  = i16 length + UTF-8, -1 = null
//! ```
//!
//! The group id lives in the key only: a decoded snapshot's `group_id` is the key's. Trailing
//! bytes after the last field are an error. Lengths that do not fit their field (a key string
//! over 65,535 bytes, a nullable string over 32,767 bytes) are cut at a character boundary when
//! encoding; Kafka's own string fields are bounded by 32,767 bytes, so callers validate first
//! (see [`STRING_BYTES_MAX`], [`NULLABLE_STRING_BYTES_MAX`]). Decoding is pure over `&[u8]`,
//! never panics, and allocates no more than the bytes actually present. The committed fixture
//! `test-fixtures/internal-records-v1.hex` pins these bytes.

use crate::groups::coordinator::{GroupSnapshot, MemberSnapshot};
use crate::groups::offsets::CommittedOffset;
use bytes::Bytes;
use sluice_log::batch::{self, BatchHeader};

/// The key layout this module writes.
pub const KEY_VERSION: u16 = 1;
/// The value layout this module writes (offset and group values alike).
pub const VALUE_VERSION: u16 = 1;
/// Record type byte of a committed offset.
pub const RECORD_TYPE_OFFSET: u8 = 1;
/// Record type byte of a group snapshot.
pub const RECORD_TYPE_GROUP: u8 = 2;
/// Longest non-null string (`str`) the format holds, in bytes.
pub const STRING_BYTES_MAX: usize = u16::MAX as usize;
/// Longest nullable string (`nstr`) the format holds, in bytes.
pub const NULLABLE_STRING_BYTES_MAX: usize = i16::MAX as usize;

/// Fewest bytes one encoded member can take: four empty strings, three i32s and an empty
/// assignment. Bounds a declared member count by the bytes present.
const MEMBER_BYTES_MIN: usize = 2 + 2 + 2 + 2 + 4 + 4 + 4 + 4;
/// Fewest bytes one encoded protocol can take: an empty name and empty metadata.
const PROTOCOL_BYTES_MIN: usize = 2 + 4;
/// Largest count or byte length an `i32` field holds.
const I32_FIELD_MAX: usize = i32::MAX as usize;

/// The internal log's records: (key, value) byte pairs, value `None` = tombstone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InternalRecord {
    /// A committed offset; `None` = deleted (OffsetDelete / DeleteGroups).
    Offset {
        group_id: String,
        topic: String,
        partition: i32,
        value: Option<CommittedOffset>,
    },
    /// A group's membership after a generation; `None` = group deleted.
    Group {
        group_id: String,
        value: Option<GroupSnapshot>,
    },
}

impl InternalRecord {
    /// The group this record belongs to.
    pub fn group_id(&self) -> &str {
        match self {
            InternalRecord::Offset { group_id, .. } | InternalRecord::Group { group_id, .. } => {
                group_id
            }
        }
    }

    /// Encode as (key, value) in the current versions; `None` value = tombstone.
    pub fn encode(&self) -> (Vec<u8>, Option<Vec<u8>>) {
        match self {
            InternalRecord::Offset {
                group_id,
                topic,
                partition,
                value,
            } => {
                let mut key = Writer::with_version(KEY_VERSION);
                key.u8(RECORD_TYPE_OFFSET);
                key.string(group_id);
                key.string(topic);
                key.i32(*partition);
                (key.0, value.as_ref().map(encode_offset_value))
            }
            InternalRecord::Group { group_id, value } => {
                let mut key = Writer::with_version(KEY_VERSION);
                key.u8(RECORD_TYPE_GROUP);
                key.string(group_id);
                (key.0, value.as_ref().map(encode_group_value))
            }
        }
    }

    /// Decode a (key, value) pair written by [`InternalRecord::encode`]. Never panics: bad
    /// bytes give `Err` with the reason.
    pub fn decode(key: &[u8], value: Option<&[u8]>) -> Result<InternalRecord, String> {
        let mut k = Reader::new(key, "key");
        let version = k.u16("key version")?;
        if version != KEY_VERSION {
            return Err(format!("key: unknown key version {version}"));
        }
        match k.u8("record type")? {
            RECORD_TYPE_OFFSET => {
                let group_id = k.string("group id")?;
                let topic = k.string("topic")?;
                let partition = k.i32("partition")?;
                k.finish()?;
                let value = value.map(decode_offset_value).transpose()?;
                Ok(InternalRecord::Offset {
                    group_id,
                    topic,
                    partition,
                    value,
                })
            }
            RECORD_TYPE_GROUP => {
                let group_id = k.string("group id")?;
                k.finish()?;
                let value = value
                    .map(|v| decode_group_value(v, &group_id))
                    .transpose()?;
                Ok(InternalRecord::Group { group_id, value })
            }
            other => Err(format!("key: unknown record type {other}")),
        }
    }
}

fn encode_offset_value(value: &CommittedOffset) -> Vec<u8> {
    let mut w = Writer::with_version(VALUE_VERSION);
    w.i64(value.offset);
    w.i32(value.leader_epoch);
    w.nullable_string(value.metadata.as_deref());
    w.i64(value.commit_timestamp_ms);
    w.0
}

fn decode_offset_value(value: &[u8]) -> Result<CommittedOffset, String> {
    let mut r = Reader::new(value, "offset value");
    let version = r.u16("value version")?;
    if version != VALUE_VERSION {
        return Err(format!("offset value: unknown value version {version}"));
    }
    let offset = CommittedOffset {
        offset: r.i64("offset")?,
        leader_epoch: r.i32("leader epoch")?,
        metadata: r.nullable_string("metadata")?,
        commit_timestamp_ms: r.i64("commit timestamp")?,
    };
    r.finish()?;
    Ok(offset)
}

fn encode_group_value(group: &GroupSnapshot) -> Vec<u8> {
    let mut w = Writer::with_version(VALUE_VERSION);
    w.i32(group.generation_id);
    w.nullable_string(group.protocol_type.as_deref());
    w.nullable_string(group.protocol_name.as_deref());
    w.nullable_string(group.leader.as_deref());
    let members = &group.members[..group.members.len().min(I32_FIELD_MAX)];
    w.count(members.len());
    for member in members {
        w.string(&member.member_id);
        w.nullable_string(member.group_instance_id.as_deref());
        w.string(&member.client_id);
        w.string(&member.client_host);
        w.i32(member.session_timeout_ms);
        w.i32(member.rebalance_timeout_ms);
        let protocols = &member.protocols[..member.protocols.len().min(I32_FIELD_MAX)];
        w.count(protocols.len());
        for (name, metadata) in protocols {
            w.string(name);
            w.bytes(metadata);
        }
        w.bytes(&member.assignment);
    }
    w.0
}

fn decode_group_value(value: &[u8], group_id: &str) -> Result<GroupSnapshot, String> {
    let mut r = Reader::new(value, "group value");
    let version = r.u16("value version")?;
    if version != VALUE_VERSION {
        return Err(format!("group value: unknown value version {version}"));
    }
    let generation_id = r.i32("generation id")?;
    let protocol_type = r.nullable_string("protocol type")?;
    let protocol_name = r.nullable_string("protocol name")?;
    let leader = r.nullable_string("leader")?;
    let count = r.count("member count", MEMBER_BYTES_MIN)?;
    let mut members = Vec::with_capacity(count);
    for _ in 0..count {
        members.push(decode_member(&mut r)?);
    }
    r.finish()?;
    Ok(GroupSnapshot {
        group_id: group_id.to_string(),
        generation_id,
        protocol_type,
        protocol_name,
        leader,
        members,
    })
}

fn decode_member(r: &mut Reader<'_>) -> Result<MemberSnapshot, String> {
    let member_id = r.string("member id")?;
    let group_instance_id = r.nullable_string("group instance id")?;
    let client_id = r.string("client id")?;
    let client_host = r.string("client host")?;
    let session_timeout_ms = r.i32("session timeout")?;
    let rebalance_timeout_ms = r.i32("rebalance timeout")?;
    let count = r.count("protocol count", PROTOCOL_BYTES_MIN)?;
    let mut protocols = Vec::with_capacity(count);
    for _ in 0..count {
        let name = r.string("protocol name")?;
        let metadata = r.bytes("protocol metadata")?;
        protocols.push((name, metadata));
    }
    let assignment = r.bytes("assignment")?;
    Ok(MemberSnapshot {
        member_id,
        group_instance_id,
        client_id,
        client_host,
        session_timeout_ms,
        rebalance_timeout_ms,
        protocols,
        assignment,
    })
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Big-endian field writer.
struct Writer(Vec<u8>);

impl Writer {
    fn with_version(version: u16) -> Writer {
        let mut w = Writer(Vec::with_capacity(64));
        w.0.extend_from_slice(&version.to_be_bytes());
        w
    }

    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn i32(&mut self, v: i32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }

    /// A count already capped at [`I32_FIELD_MAX`] by the caller.
    fn count(&mut self, n: usize) {
        self.i32(i32::try_from(n).unwrap_or(i32::MAX));
    }

    fn string(&mut self, s: &str) {
        let s = clip(s, STRING_BYTES_MAX);
        self.0.extend_from_slice(&(s.len() as u16).to_be_bytes());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn nullable_string(&mut self, s: Option<&str>) {
        match s {
            None => self.0.extend_from_slice(&(-1i16).to_be_bytes()),
            Some(s) => {
                let s = clip(s, NULLABLE_STRING_BYTES_MAX);
                self.0.extend_from_slice(&(s.len() as i16).to_be_bytes());
                self.0.extend_from_slice(s.as_bytes());
            }
        }
    }

    fn bytes(&mut self, b: &[u8]) {
        let b = &b[..b.len().min(I32_FIELD_MAX)];
        self.count(b.len());
        self.0.extend_from_slice(b);
    }
}

/// Checked big-endian field reader: every read says what it was reading when it fails.
struct Reader<'a> {
    buf: &'a [u8],
    /// What is being decoded ("key", "group value"), for error messages.
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { buf, what }
    }

    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], String> {
        if n > self.buf.len() {
            return Err(format!(
                "{}: truncated at {field}: needs {n} bytes, {} left",
                self.what,
                self.buf.len()
            ));
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &str) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N, field)?);
        Ok(out)
    }

    fn u8(&mut self, field: &str) -> Result<u8, String> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u16(&mut self, field: &str) -> Result<u16, String> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }

    fn i16(&mut self, field: &str) -> Result<i16, String> {
        Ok(i16::from_be_bytes(self.array(field)?))
    }

    fn i32(&mut self, field: &str) -> Result<i32, String> {
        Ok(i32::from_be_bytes(self.array(field)?))
    }

    fn i64(&mut self, field: &str) -> Result<i64, String> {
        Ok(i64::from_be_bytes(self.array(field)?))
    }

    fn utf8(&mut self, len: usize, field: &str) -> Result<String, String> {
        let raw = self.take(len, field)?;
        match std::str::from_utf8(raw) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(format!("{}: {field} is not UTF-8: {e}", self.what)),
        }
    }

    fn string(&mut self, field: &str) -> Result<String, String> {
        let len = self.u16(field)?;
        self.utf8(usize::from(len), field)
    }

    fn nullable_string(&mut self, field: &str) -> Result<Option<String>, String> {
        match self.i16(field)? {
            -1 => Ok(None),
            len if len < 0 => Err(format!("{}: {field} has length {len}", self.what)),
            len => self.utf8(len as usize, field).map(Some),
        }
    }

    fn bytes(&mut self, field: &str) -> Result<Bytes, String> {
        let len = self.i32(field)?;
        let len =
            usize::try_from(len).map_err(|_| format!("{}: {field} has length {len}", self.what))?;
        Ok(Bytes::copy_from_slice(self.take(len, field)?))
    }

    /// A non-negative i32 count of items of at least `item_bytes_min` bytes each, refused if
    /// the bytes left cannot hold that many (so a count never sizes an allocation alone).
    fn count(&mut self, field: &str, item_bytes_min: usize) -> Result<usize, String> {
        let n = self.i32(field)?;
        let n = usize::try_from(n).map_err(|_| format!("{}: {field} is {n}", self.what))?;
        if n.saturating_mul(item_bytes_min) > self.buf.len() {
            return Err(format!(
                "{}: {field} {n} does not fit in the {} bytes left",
                self.what,
                self.buf.len()
            ));
        }
        Ok(n)
    }

    /// Kafka's zigzag varlong: at most 10 bytes.
    fn varlong(&mut self, field: &str) -> Result<i64, String> {
        let mut raw: u64 = 0;
        for i in 0..10 {
            let byte = self.u8(field)?;
            raw |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok((raw >> 1) as i64 ^ -((raw & 1) as i64));
            }
        }
        Err(format!("{}: {field} is a varint over 10 bytes", self.what))
    }

    /// Kafka's zigzag varint: a varlong that must fit an i32.
    fn varint(&mut self, field: &str) -> Result<i32, String> {
        let v = self.varlong(field)?;
        i32::try_from(v).map_err(|_| format!("{}: {field} {v} overflows an i32", self.what))
    }

    /// A varint-length byte field; length -1 = null.
    fn varbytes(&mut self, field: &str) -> Result<Option<&'a [u8]>, String> {
        match self.varint(field)? {
            -1 => Ok(None),
            len if len < 0 => Err(format!("{}: {field} has length {len}", self.what)),
            len => self.take(len as usize, field).map(Some),
        }
    }

    fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    fn finish(self) -> Result<(), String> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}: {} trailing bytes after the last field",
                self.what,
                self.buf.len()
            ))
        }
    }
}

/// (key, value, timestamp) as `sluice_log::batch::build` takes them.
type BuildRecord<'a> = (Option<&'a [u8]>, Option<&'a [u8]>, i64);

/// One uncompressed v2 batch holding `records` in order (offset deltas 0..n), every record
/// stamped `timestamp_ms`, non-idempotent (producer id/epoch/sequence -1), base offset 0 for the
/// log to rewrite. An empty slice gives an empty Vec: there is no batch to write.
pub fn to_batch(records: &[InternalRecord], timestamp_ms: i64) -> Vec<u8> {
    if records.is_empty() {
        return Vec::new();
    }
    let encoded: Vec<(Vec<u8>, Option<Vec<u8>>)> =
        records.iter().map(InternalRecord::encode).collect();
    let triples: Vec<BuildRecord<'_>> = encoded
        .iter()
        .map(|(key, value)| (Some(key.as_slice()), value.as_deref(), timestamp_ms))
        .collect();
    batch::build(&triples, -1, -1, -1)
}

/// Every record of a blob of concatenated v2 batches, with its log offset (base offset plus
/// the record's offset delta), in the order stored. Checks each batch's framing and CRC-32C;
/// a compressed batch, a record without a key or any undecodable record is an error (the
/// internal log holds only what [`to_batch`] writes). Control batches are skipped, as Kafka's
/// readers skip them. Never panics; allocates only the records it returns.
pub fn from_batches(blob: &[u8]) -> Result<Vec<(i64, InternalRecord)>, String> {
    let mut out = Vec::new();
    let mut position = 0;
    while position < blob.len() {
        let rest = &blob[position..];
        let header =
            batch::check_frame(rest).map_err(|e| format!("batch at byte {position}: {e}"))?;
        if !header.is_control() {
            let records = &rest[batch::HEADER_SIZE..header.total_size()];
            read_batch_records(&header, records, &mut out)
                .map_err(|e| format!("batch at offset {}: {e}", header.base_offset))?;
        }
        position += header.total_size();
    }
    Ok(out)
}

/// Parse the records region of one batch whose framing is already checked.
fn read_batch_records(
    header: &BatchHeader,
    records: &[u8],
    out: &mut Vec<(i64, InternalRecord)>,
) -> Result<(), String> {
    if header.compression() != 0 {
        return Err(format!(
            "compressed (codec {}): the internal log is written uncompressed",
            header.compression()
        ));
    }
    let count = usize::try_from(header.records_count)
        .map_err(|_| format!("records_count {}", header.records_count))?;
    let mut r = Reader::new(records, "batch records");
    for index in 0..count {
        let len = r.varint("record length")?;
        let len = usize::try_from(len).map_err(|_| format!("record {index} has length {len}"))?;
        let body = r.take(len, "record")?;
        let RawRecord {
            offset_delta,
            key,
            value,
        } = read_record(body).map_err(|e| format!("record {index}: {e}"))?;
        let offset = header
            .base_offset
            .checked_add(i64::from(offset_delta))
            .ok_or_else(|| format!("record {index}: offset overflows"))?;
        let key = key.ok_or_else(|| format!("record {index} at offset {offset} has no key"))?;
        let record = InternalRecord::decode(key, value)
            .map_err(|e| format!("record at offset {offset}: {e}"))?;
        out.push((offset, record));
    }
    if !r.is_empty() {
        return Err(format!("bytes left after {count} records"));
    }
    Ok(())
}

/// The fields of one v2 record that the internal log uses.
struct RawRecord<'a> {
    offset_delta: i32,
    key: Option<&'a [u8]>,
    value: Option<&'a [u8]>,
}

/// One v2 record body (after its length): attributes, timestamp delta, offset delta, key,
/// value, headers (skipped).
fn read_record(body: &[u8]) -> Result<RawRecord<'_>, String> {
    let mut b = Reader::new(body, "record");
    b.u8("attributes")?;
    b.varlong("timestamp delta")?;
    let offset_delta = b.varint("offset delta")?;
    let key = b.varbytes("key")?;
    let value = b.varbytes("value")?;
    let headers = b.varint("header count")?;
    if headers < 0 {
        return Err(format!("header count {headers}"));
    }
    for _ in 0..headers {
        b.varbytes("header key")?;
        b.varbytes("header value")?;
    }
    b.finish()?;
    Ok(RawRecord {
        offset_delta,
        key,
        value,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::fmt::Write as _;
    use std::path::Path;

    const FIXTURE: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/test-fixtures/internal-records-v1.hex"
    );

    fn offset(
        group: &str,
        topic: &str,
        partition: i32,
        value: Option<CommittedOffset>,
    ) -> InternalRecord {
        InternalRecord::Offset {
            group_id: group.to_string(),
            topic: topic.to_string(),
            partition,
            value,
        }
    }

    fn member(id: &str, instance: Option<&str>) -> MemberSnapshot {
        MemberSnapshot {
            member_id: id.to_string(),
            group_instance_id: instance.map(str::to_string),
            client_id: "rdkafka".to_string(),
            client_host: "/127.0.0.1".to_string(),
            session_timeout_ms: 45_000,
            rebalance_timeout_ms: 300_000,
            protocols: vec![
                (
                    "range".to_string(),
                    Bytes::from_static(b"\x00\x01range-meta"),
                ),
                ("roundrobin".to_string(), Bytes::new()),
            ],
            assignment: Bytes::from_static(b"\x00\x01\x00\x00\x00\x01"),
        }
    }

    /// The records the committed fixture holds, one of each shape, with a label each.
    fn fixture_records() -> Vec<(&'static str, InternalRecord)> {
        let stable = GroupSnapshot {
            group_id: "billing".to_string(),
            generation_id: 4,
            protocol_type: Some("consumer".to_string()),
            protocol_name: Some("range".to_string()),
            leader: Some("m-1".to_string()),
            members: vec![member("m-1", None), member("m-2", Some("pod-2"))],
        };
        let empty = GroupSnapshot {
            group_id: "idle".to_string(),
            generation_id: 0,
            protocol_type: None,
            protocol_name: None,
            leader: None,
            members: vec![],
        };
        vec![
            (
                "offset commit with metadata: billing/orders-3 = 42, epoch 7",
                offset(
                    "billing",
                    "orders",
                    3,
                    Some(CommittedOffset {
                        offset: 42,
                        leader_epoch: 7,
                        metadata: Some("checkpoint é".to_string()),
                        commit_timestamp_ms: 1_700_000_000_000,
                    }),
                ),
            ),
            (
                "offset commit, null metadata, no epoch: billing/orders-0 = 0",
                offset(
                    "billing",
                    "orders",
                    0,
                    Some(CommittedOffset {
                        offset: 0,
                        leader_epoch: -1,
                        metadata: None,
                        commit_timestamp_ms: 1_700_000_000_001,
                    }),
                ),
            ),
            (
                "offset tombstone: billing/payments-1",
                offset("billing", "payments", 1, None),
            ),
            (
                "group snapshot: billing, generation 4, two members",
                InternalRecord::Group {
                    group_id: "billing".to_string(),
                    value: Some(stable),
                },
            ),
            (
                "group snapshot: idle, empty, nulls",
                InternalRecord::Group {
                    group_id: "idle".to_string(),
                    value: Some(empty),
                },
            ),
            (
                "group tombstone: gone",
                InternalRecord::Group {
                    group_id: "gone".to_string(),
                    value: None,
                },
            ),
        ]
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    fn unhex(text: &str) -> Vec<u8> {
        assert!(text.len().is_multiple_of(2), "odd hex length");
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
            .collect()
    }

    /// The fixture file's text: a header, then per record a `#` label line and a
    /// `<key hex> <value hex | null>` line.
    fn render_fixture() -> String {
        let mut text = String::from(
            "# Internal-log records, key version 1, value version 1 (see groups/records.rs).\n\
             # Each record: a '#' label line, then '<key hex> <value hex | null>'.\n\
             # Regenerate only after a deliberate format change:\n\
             # cargo nextest run -p sluice-broker --run-ignored only regenerate_records_fixture\n",
        );
        for (label, record) in fixture_records() {
            let (key, value) = record.encode();
            let value = value.map_or_else(|| "null".to_string(), |v| hex(&v));
            let _ = write!(text, "# {label}\n{} {value}\n", hex(&key));
        }
        text
    }

    /// The (key, value) pairs of the committed fixture file.
    fn read_fixture() -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        let text = std::fs::read_to_string(FIXTURE).expect("read the committed fixture");
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|line| {
                let (key, value) = line.split_once(' ').expect("'<key> <value>'");
                let value = (value != "null").then(|| unhex(value));
                (unhex(key), value)
            })
            .collect()
    }

    #[test]
    #[ignore = "rewrites the committed fixture; run by hand after a deliberate format change"]
    fn regenerate_records_fixture() {
        std::fs::write(Path::new(FIXTURE), render_fixture()).expect("write fixture");
    }

    #[test]
    fn records_encode_byte_for_byte_to_the_committed_fixture() {
        // Goal: the v1 formats never drift. Method: encode fixed records, compare with the file.
        let fixture = read_fixture();
        let records = fixture_records();
        assert_eq!(fixture.len(), records.len());
        for ((label, record), (key, value)) in records.iter().zip(&fixture) {
            assert_eq!(&record.encode(), &(key.clone(), value.clone()), "{label}");
        }
    }

    #[test]
    fn committed_fixture_decodes_to_the_fixed_records() {
        // Goal: a reader of today decodes bytes written by v1. Method: decode each fixture pair.
        for ((label, record), (key, value)) in fixture_records().iter().zip(read_fixture()) {
            let decoded = InternalRecord::decode(&key, value.as_deref()).expect(label);
            assert_eq!(&decoded, record, "{label}");
        }
    }

    #[test]
    fn offset_record_has_the_documented_layout() {
        // Goal: the module docs describe the real bytes. Method: spell one record out by hand.
        let record = offset(
            "g",
            "t",
            2,
            Some(CommittedOffset {
                offset: 5,
                leader_epoch: -1,
                metadata: None,
                commit_timestamp_ms: 9,
            }),
        );
        let (key, value) = record.encode();
        assert_eq!(key, b"\x00\x01\x01\x00\x01g\x00\x01t\x00\x00\x00\x02");
        let mut expected = vec![0, 1];
        expected.extend_from_slice(&5i64.to_be_bytes());
        expected.extend_from_slice(&(-1i32).to_be_bytes());
        expected.extend_from_slice(&(-1i16).to_be_bytes());
        expected.extend_from_slice(&9i64.to_be_bytes());
        assert_eq!(value, Some(expected));
    }

    #[test]
    fn decode_refuses_unknown_versions_types_and_trailing_bytes() {
        // Goal: a reader never guesses at bytes it does not know. Method: alter a good pair.
        let (key, value) = fixture_records()[0].1.encode();
        let value = value.expect("value");
        let mut bad = key.clone();
        bad[1] = 2;
        assert!(InternalRecord::decode(&bad, Some(&value))
            .unwrap_err()
            .contains("key version"));
        let mut bad = key.clone();
        bad[2] = 9;
        assert!(InternalRecord::decode(&bad, Some(&value))
            .unwrap_err()
            .contains("record type"));
        let mut bad = value.clone();
        bad[1] = 0;
        assert!(InternalRecord::decode(&key, Some(&bad))
            .unwrap_err()
            .contains("value version"));
        let mut bad = value.clone();
        bad.push(0);
        assert!(InternalRecord::decode(&key, Some(&bad))
            .unwrap_err()
            .contains("trailing"));
        let err = InternalRecord::decode(&key, Some(&value[..value.len() - 1])).unwrap_err();
        assert!(err.contains("truncated at commit timestamp"), "{err}");
    }

    #[test]
    fn decode_refuses_a_member_count_the_bytes_cannot_hold() {
        // Goal: a declared count never sizes an allocation. Method: claim 2^31-1 members.
        let (key, _) = fixture_records()[4].1.encode();
        let mut value = vec![0, 1, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
        value.extend_from_slice(&i32::MAX.to_be_bytes());
        let err = InternalRecord::decode(&key, Some(&value)).unwrap_err();
        assert!(err.contains("member count"), "{err}");
    }

    #[test]
    fn overlong_strings_are_cut_at_a_character_boundary() {
        // Goal: encode never writes a length its field cannot hold. Method: 40,000 bytes of 'é'.
        let metadata = "é".repeat(20_000);
        let record = offset(
            "g",
            "t",
            0,
            Some(CommittedOffset {
                offset: 1,
                leader_epoch: 0,
                metadata: Some(metadata),
                commit_timestamp_ms: 0,
            }),
        );
        let (key, value) = record.encode();
        match InternalRecord::decode(&key, value.as_deref()).expect("decodes") {
            InternalRecord::Offset { value: Some(v), .. } => {
                let m = v.metadata.expect("metadata");
                assert!(
                    m.len() <= NULLABLE_STRING_BYTES_MAX
                        && m.len() >= NULLABLE_STRING_BYTES_MAX - 1
                );
                assert!(m.chars().all(|c| c == 'é'));
            }
            other => panic!("decoded {other:?}"),
        }
    }

    #[test]
    fn batch_round_trips_with_the_rewritten_base_offsets() {
        // Goal: to_batch/from_batches agree and take offsets from the log. Method: two batches,
        // base offsets rewritten as the log does on append, concatenated and read back.
        let records: Vec<InternalRecord> = fixture_records().into_iter().map(|(_, r)| r).collect();
        let mut first = to_batch(&records[..4], 1_000);
        first[0..8].copy_from_slice(&100i64.to_be_bytes());
        let mut second = to_batch(&records[4..], 2_000);
        second[0..8].copy_from_slice(&104i64.to_be_bytes());
        batch::validate(&first, usize::MAX).expect("a valid producer batch");
        let mut blob = first;
        blob.extend_from_slice(&second);
        let read = from_batches(&blob).expect("reads back");
        let offsets: Vec<i64> = read.iter().map(|(o, _)| *o).collect();
        assert_eq!(offsets, vec![100, 101, 102, 103, 104, 105]);
        let back: Vec<InternalRecord> = read.into_iter().map(|(_, r)| r).collect();
        assert_eq!(back, records);
    }

    #[test]
    fn to_batch_of_nothing_is_empty_and_reads_as_nothing() {
        // Goal: no invalid empty batch is ever built. Method: encode and read nothing.
        assert!(to_batch(&[], 0).is_empty());
        assert_eq!(from_batches(&[]).expect("empty blob"), vec![]);
    }

    fn reseal(blob: &mut [u8]) {
        let crc = crc32c::crc32c(&blob[batch::CRC_START..]);
        blob[17..batch::CRC_START].copy_from_slice(&crc.to_be_bytes());
    }

    #[test]
    fn from_batches_refuses_compressed_corrupt_and_keyless_batches() {
        // Goal: only what to_batch writes is accepted. Method: alter one batch three ways.
        let records = vec![fixture_records().remove(0).1];
        let good = to_batch(&records, 5);

        let mut compressed = good.clone();
        compressed[22] |= 1; // gzip
        reseal(&mut compressed);
        assert!(from_batches(&compressed)
            .unwrap_err()
            .contains("compressed"));

        let mut corrupt = good.clone();
        let last = corrupt.len() - 1;
        corrupt[last] ^= 0xff;
        assert!(from_batches(&corrupt).unwrap_err().contains("CRC"));

        let keyless = batch::build(&[(None, Some(b"v".as_slice()), 5)], -1, -1, -1);
        assert!(from_batches(&keyless).unwrap_err().contains("no key"));

        let mut truncated = good.clone();
        truncated.truncate(good.len() - 1);
        assert!(from_batches(&truncated).is_err());
    }

    #[test]
    fn from_batches_skips_control_batches() {
        // Goal: control batches are not records. Method: a control batch before a data batch.
        let mut control = batch::build(&[(Some(b"\x00\x00".as_slice()), None, 5)], -1, -1, -1);
        control[22] |= 0x20;
        reseal(&mut control);
        let mut blob = control;
        let mut data = to_batch(&[fixture_records().remove(2).1], 5);
        data[0..8].copy_from_slice(&1i64.to_be_bytes());
        blob.extend_from_slice(&data);
        let read = from_batches(&blob).expect("reads");
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].0, 1);
    }

    fn opt_string() -> impl Strategy<Value = Option<String>> {
        proptest::option::of("\\PC{0,12}")
    }

    fn any_bytes() -> impl Strategy<Value = Bytes> {
        proptest::collection::vec(any::<u8>(), 0..24).prop_map(Bytes::from)
    }

    fn any_member() -> impl Strategy<Value = MemberSnapshot> {
        (
            ("\\PC{0,12}", opt_string(), "\\PC{0,8}", "\\PC{0,8}"),
            (any::<i32>(), any::<i32>()),
            proptest::collection::vec(("\\PC{0,8}", any_bytes()), 0..3),
            any_bytes(),
        )
            .prop_map(
                |(
                    (member_id, group_instance_id, client_id, client_host),
                    (s, r),
                    protocols,
                    assignment,
                )| {
                    MemberSnapshot {
                        member_id,
                        group_instance_id,
                        client_id,
                        client_host,
                        session_timeout_ms: s,
                        rebalance_timeout_ms: r,
                        protocols,
                        assignment,
                    }
                },
            )
    }

    fn any_record() -> impl Strategy<Value = InternalRecord> {
        let committed = (any::<i64>(), any::<i32>(), opt_string(), any::<i64>()).prop_map(
            |(offset, leader_epoch, metadata, commit_timestamp_ms)| CommittedOffset {
                offset,
                leader_epoch,
                metadata,
                commit_timestamp_ms,
            },
        );
        let offset_record = (
            "\\PC{0,12}",
            "\\PC{0,12}",
            any::<i32>(),
            proptest::option::of(committed),
        )
            .prop_map(
                |(group_id, topic, partition, value)| InternalRecord::Offset {
                    group_id,
                    topic,
                    partition,
                    value,
                },
            );
        let snapshot = (
            any::<i32>(),
            opt_string(),
            opt_string(),
            opt_string(),
            proptest::collection::vec(any_member(), 0..4),
        );
        let group_record =
            ("\\PC{0,12}", proptest::option::of(snapshot)).prop_map(|(group_id, s)| {
                let value = s.map(
                    |(generation_id, protocol_type, protocol_name, leader, members)| {
                        GroupSnapshot {
                            group_id: group_id.clone(),
                            generation_id,
                            protocol_type,
                            protocol_name,
                            leader,
                            members,
                        }
                    },
                );
                InternalRecord::Group { group_id, value }
            });
        prop_oneof![offset_record, group_record]
    }

    proptest! {
        #[test]
        fn random_records_round_trip(record in any_record()) {
            let (key, value) = record.encode();
            prop_assert_eq!(InternalRecord::decode(&key, value.as_deref()), Ok(record));
        }

        #[test]
        fn random_records_round_trip_through_a_batch(
            records in proptest::collection::vec(any_record(), 1..6),
            base in 0i64..1 << 40,
        ) {
            let mut blob = to_batch(&records, 7);
            blob[0..8].copy_from_slice(&base.to_be_bytes());
            let read = from_batches(&blob).expect("reads back");
            let expected: Vec<(i64, InternalRecord)> =
                records.into_iter().enumerate().map(|(i, r)| (base + i as i64, r)).collect();
            prop_assert_eq!(read, expected);
        }

        #[test]
        fn decode_never_panics_on_random_bytes(
            key in proptest::collection::vec(any::<u8>(), 0..64),
            value in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..256)),
        ) {
            let _ = InternalRecord::decode(&key, value.as_deref());
        }

        #[test]
        fn decode_never_panics_on_a_mutated_record(
            record in any_record(),
            at in any::<usize>(),
            byte in any::<u8>(),
            cut in any::<usize>(),
        ) {
            // Random bytes rarely pass the version checks; mutating a real record reaches
            // every field's reader.
            let (key, value) = record.encode();
            let mut value = value.unwrap_or_else(|| vec![0, 1]);
            let at = at % value.len();
            value[at] = byte;
            value.truncate(value.len() - cut % value.len());
            let _ = InternalRecord::decode(&key, Some(&value));
            let mut key = key;
            let at2 = at % key.len();
            key[at2] = byte;
            let _ = InternalRecord::decode(&key, None);
        }

        #[test]
        fn from_batches_never_panics_on_a_mutated_batch(
            records in proptest::collection::vec(any_record(), 1..4),
            at in any::<usize>(),
            byte in any::<u8>(),
            reseal_crc in any::<bool>(),
        ) {
            let mut blob = to_batch(&records, 7);
            let at = at % blob.len();
            blob[at] = byte;
            if reseal_crc && blob.len() > batch::CRC_START {
                reseal(&mut blob);
            }
            let _ = from_batches(&blob);
        }

        #[test]
        fn from_batches_never_panics_on_random_bytes(
            bytes in proptest::collection::vec(any::<u8>(), 0..400),
        ) {
            let _ = from_batches(&bytes);
        }
    }
}
