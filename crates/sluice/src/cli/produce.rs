//! `sluice produce`: lines from stdin become records, grouped into batches of at most
//! `--batch-records` lines and about 1 MB (or whatever arrived within a short linger), one
//! Produce request per batch, every partition's error code checked before the next. Line
//! reading and batching, partitioning and batch encoding live in `lines`, `partition`, `records`.

use super::conn::Connection;
use super::error::{check_code, cli_error, Result};
use super::lines::{split_key, stdin_reader, LineBatcher, LineReader};
use super::metadata::{self, topic_name, AutoCreate};
use super::partition::Partitioner;
use super::records::{encode_batch, OutgoingRecord};
use super::{Acks, ProduceArgs};
use bytes::Bytes;
use kafka_protocol::messages::produce_request::{PartitionProduceData, TopicProduceData};
use kafka_protocol::messages::{ProduceRequest, ProduceResponse};
use kafka_protocol::records::Compression;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::AsyncRead;

const PRODUCE_VERSION_MAX: i16 = 11;
/// How long the broker may wait for acknowledgements.
const PRODUCE_TIMEOUT_MS: i32 = 30_000;
/// How long a started batch waits for more lines before it is sent anyway.
const LINGER_MS: u64 = 100;
/// The longest input line accepted (a memory bound; the server enforces its own record limit).
const LINE_BYTES_MAX: usize = 16 * 1024 * 1024;
/// Payload bytes per Produce request, so that a partition's batch stays under Kafka's default
/// `max.message.bytes` (1048588) with room for record and batch overhead. A single larger line
/// still goes alone, and the server decides.
const BATCH_BYTES_MAX: usize = 1_000_000;

pub async fn run(args: ProduceArgs) -> Result<()> {
    let mut conn = Connection::connect(&args.connect.bootstrap).await?;
    // Like Kafka's producer, ask for the topic to be created if the server allows that.
    let topic = metadata::topic_with(&mut conn, &args.topic, AutoCreate::Yes).await?;
    let partition_count = topic.partitions.len() as i32;
    if let Some(p) = args.partition.filter(|&p| p >= partition_count) {
        let name = &args.topic;
        return Err(cli_error!(
            "topic '{name}' has {partition_count} partitions; no partition {p}"
        ));
    }
    let version = conn.version::<ProduceRequest>(PRODUCE_VERSION_MAX)?;
    let start = uuid::Uuid::new_v4().as_u128() as u32;
    let mut producer = Producer {
        conn,
        version,
        args: &args,
        partitioner: Partitioner::new(partition_count, args.partition, start),
    };
    let lines = LineReader::new(stdin_reader(), LINE_BYTES_MAX);
    let linger = Duration::from_millis(LINGER_MS);
    let mut batcher = LineBatcher::new(lines, args.batch_records as usize, BATCH_BYTES_MAX, linger);
    let produced = producer.produce_all(&mut batcher).await?;
    eprintln!("produced {produced} records to {}", args.topic);
    Ok(())
}

struct Producer<'a> {
    conn: Connection,
    version: i16,
    args: &'a ProduceArgs,
    partitioner: Partitioner,
}

impl Producer<'_> {
    /// Produces every line the batcher yields; returns how many records were sent.
    async fn produce_all<R: AsyncRead + Unpin>(
        &mut self,
        batcher: &mut LineBatcher<R>,
    ) -> Result<u64> {
        let mut produced = 0u64;
        loop {
            let first_line = batcher.lines_taken() + 1;
            let batch = batcher.next_batch().await?;
            if batch.is_empty() {
                return Ok(produced);
            }
            let separator = self.args.key_separator.as_deref().map(str::as_bytes);
            let records = to_records(batch, separator, first_line)?;
            produced += records.len() as u64;
            self.send(records).await?;
        }
    }

    /// Sends one batch of records, split by partition, as one Produce request.
    async fn send(&mut self, records: Vec<OutgoingRecord>) -> Result<()> {
        let batch_partition = self.partitioner.next_batch();
        let mut by_partition: BTreeMap<i32, Vec<OutgoingRecord>> = BTreeMap::new();
        for record in records {
            let p = self
                .partitioner
                .partition(record.key.as_deref(), batch_partition);
            by_partition.entry(p).or_default().push(record);
        }
        let compression = self.args.compression.codec();
        let timestamp_ms = now_ms();
        let mut blobs = BTreeMap::new();
        for (p, records) in &by_partition {
            blobs.insert(*p, encode_batch(records, timestamp_ms, compression)?);
        }
        let request = produce_request(&self.args.topic, self.args.acks, blobs);
        if self.args.acks == Acks::None {
            return self.conn.send_only(&request, self.version).await;
        }
        let response = self.conn.call(&request, self.version).await?;
        check_response(&self.args.topic, &by_partition, &response)
    }
}

/// Lines to records; with a separator every line must contain it (`first_line` numbers errors).
fn to_records(
    lines: Vec<Bytes>,
    separator: Option<&[u8]>,
    first_line: u64,
) -> Result<Vec<OutgoingRecord>> {
    let Some(separator) = separator else {
        return Ok(lines
            .into_iter()
            .map(|value| OutgoingRecord { key: None, value })
            .collect());
    };
    let mut records = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let Some((key, value)) = split_key(line, separator) else {
            let n = first_line + i as u64;
            let sep = String::from_utf8_lossy(separator);
            return Err(cli_error!("line {n} has no key separator {sep:?}"));
        };
        records.push(OutgoingRecord {
            key: Some(key),
            value,
        });
    }
    Ok(records)
}

fn produce_request(topic: &str, acks: Acks, blobs: BTreeMap<i32, Bytes>) -> ProduceRequest {
    let partitions = blobs.into_iter().map(|(index, records)| {
        PartitionProduceData::default()
            .with_index(index)
            .with_records(Some(records))
    });
    let topic_data = TopicProduceData::default()
        .with_name(topic_name(topic))
        .with_partition_data(partitions.collect());
    ProduceRequest::default()
        .with_acks(acks.wire_value())
        .with_timeout_ms(PRODUCE_TIMEOUT_MS)
        .with_topic_data(vec![topic_data])
}

/// Every partition we sent must come back, and come back without an error.
fn check_response(
    topic: &str,
    sent: &BTreeMap<i32, Vec<OutgoingRecord>>,
    response: &ProduceResponse,
) -> Result<()> {
    let mut answered = Vec::new();
    for t in response
        .responses
        .iter()
        .filter(|t| t.name.as_str() == topic)
    {
        for p in &t.partition_responses {
            let context = format!("produce to topic '{topic}' partition {}", p.index);
            let detail = p
                .record_errors
                .iter()
                .find_map(|e| e.batch_index_error_message.as_deref());
            check_code(
                &context,
                p.error_code,
                p.error_message.as_deref().or(detail),
            )?;
            answered.push(p.index);
        }
    }
    match sent.keys().find(|p| !answered.contains(p)) {
        Some(p) => Err(cli_error!(
            "produce to topic '{topic}' partition {p}: no answer from server"
        )),
        None => Ok(()),
    }
}

fn now_ms() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.as_millis() as i64
}

impl Acks {
    /// The `acks` field of a Produce request.
    pub fn wire_value(self) -> i16 {
        match self {
            Acks::All => -1,
            Acks::Leader => 1,
            Acks::None => 0,
        }
    }
}

impl super::CompressionArg {
    pub fn codec(self) -> Compression {
        match self {
            super::CompressionArg::None => Compression::None,
            super::CompressionArg::Gzip => Compression::Gzip,
            super::CompressionArg::Snappy => Compression::Snappy,
            super::CompressionArg::Lz4 => Compression::Lz4,
            super::CompressionArg::Zstd => Compression::Zstd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::records::{complete_batches, decode_batch};
    use kafka_protocol::protocol::{Decodable, Encodable};

    /// Goal: a produce request survives kafka-protocol's broker-side decoder with its acks,
    /// partitions and records intact; method: encode at v11, decode, decode the batches.
    #[test]
    fn produce_request_round_trips_through_the_decoder() {
        let records = to_records(
            vec![Bytes::from_static(b"k1=v1"), Bytes::from_static(b"k2=v=2")],
            Some(b"="),
            1,
        )
        .unwrap();
        let blob = encode_batch(&records, 1_000, Compression::Lz4).unwrap();
        let request = produce_request("t", Acks::All, BTreeMap::from([(2, blob)]));
        let mut buf = bytes::BytesMut::new();
        request.encode(&mut buf, 11).unwrap();
        let decoded = ProduceRequest::decode(&mut buf.freeze(), 11).unwrap();
        assert_eq!(
            (decoded.acks, decoded.topic_data[0].name.as_str()),
            (-1, "t")
        );
        let partition = &decoded.topic_data[0].partition_data[0];
        assert_eq!(partition.index, 2);
        let (batches, _) = complete_batches(partition.records.clone().unwrap()).unwrap();
        let fetched = decode_batch(batches[0].clone()).unwrap();
        let values: Vec<_> = fetched
            .records
            .iter()
            .map(|r| r.value.clone().unwrap())
            .collect();
        assert_eq!(values, vec!["v1", "v=2"]);
        assert_eq!(fetched.records[1].key.as_deref(), Some(&b"k2"[..]));
    }

    /// Goal: a keyed line without the separator names its line number; method: third line bad.
    #[test]
    fn missing_separator_names_the_line() {
        let lines = vec![Bytes::from_static(b"a:1"), Bytes::from_static(b"b")];
        let err = to_records(lines, Some(b":"), 2).unwrap_err();
        assert_eq!(err.0, "line 3 has no key separator \":\"");
        let keyless = to_records(vec![Bytes::from_static(b"a:1")], None, 1).unwrap();
        assert_eq!(keyless[0].key, None);
    }

    /// Goal: a partition left out of the response is an error, not silent success; method:
    /// check an empty response.
    #[test]
    fn unanswered_partition_is_an_error() {
        let sent = BTreeMap::from([(0, vec![])]);
        let err = check_response("t", &sent, &ProduceResponse::default()).unwrap_err();
        assert!(err.0.contains("partition 0: no answer"), "{err}");
    }
}
