//! Per-stream and per-shard Kinesis counters in CloudWatch's terms, registered in the broker's
//! registry (so `/metrics` shows them): IncomingBytes, IncomingRecords, GetRecords.Bytes,
//! GetRecords.Records, GetRecords.IteratorAgeMilliseconds, and throttled calls.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use sluice_broker::Metrics;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ShardLabels {
    pub stream: String,
    pub shard: String,
}

#[derive(Clone, Default)]
pub struct KinesisMetrics {
    incoming_bytes: Family<ShardLabels, Counter>,
    incoming_records: Family<ShardLabels, Counter>,
    get_records_bytes: Family<ShardLabels, Counter>,
    get_records_records: Family<ShardLabels, Counter>,
    iterator_age_ms: Family<ShardLabels, Gauge>,
    write_throttled: Family<ShardLabels, Counter>,
    read_throttled: Family<ShardLabels, Counter>,
}

fn labels(stream: &str, shard: i32) -> ShardLabels {
    ShardLabels {
        stream: stream.to_string(),
        shard: crate::handlers::shard_id(shard),
    }
}

impl KinesisMetrics {
    pub fn new(m: &Metrics) -> KinesisMetrics {
        let k = KinesisMetrics::default();
        m.register(
            "kinesis_incoming_bytes",
            "IncomingBytes: bytes (partition key + data) put to each shard",
            k.incoming_bytes.clone(),
        );
        m.register(
            "kinesis_incoming_records",
            "IncomingRecords: records put to each shard",
            k.incoming_records.clone(),
        );
        m.register(
            "kinesis_get_records_bytes",
            "GetRecords.Bytes: bytes returned by GetRecords and SubscribeToShard",
            k.get_records_bytes.clone(),
        );
        m.register(
            "kinesis_get_records_records",
            "GetRecords.Records: records returned by GetRecords and SubscribeToShard",
            k.get_records_records.clone(),
        );
        m.register(
            "kinesis_get_records_iterator_age_milliseconds",
            "GetRecords.IteratorAgeMilliseconds: age of the last record returned, 0 when caught up",
            k.iterator_age_ms.clone(),
        );
        m.register(
            "kinesis_write_provisioned_throughput_exceeded",
            "WriteProvisionedThroughputExceeded: records refused by the emulated shard limits",
            k.write_throttled.clone(),
        );
        m.register(
            "kinesis_read_provisioned_throughput_exceeded",
            "ReadProvisionedThroughputExceeded: GetRecords calls refused by the emulated shard limits",
            k.read_throttled.clone(),
        );
        k
    }

    pub fn incoming(&self, stream: &str, shard: i32, records: usize, bytes: usize) {
        let l = labels(stream, shard);
        self.incoming_records
            .get_or_create(&l)
            .inc_by(records as u64);
        self.incoming_bytes.get_or_create(&l).inc_by(bytes as u64);
    }

    pub fn get_records(&self, stream: &str, shard: i32, records: usize, bytes: usize, age_ms: i64) {
        let l = labels(stream, shard);
        self.get_records_records
            .get_or_create(&l)
            .inc_by(records as u64);
        self.get_records_bytes
            .get_or_create(&l)
            .inc_by(bytes as u64);
        self.iterator_age_ms.get_or_create(&l).set(age_ms);
    }

    pub fn throttled_put(&self, stream: &str, shard: i32, records: usize) {
        self.write_throttled
            .get_or_create(&labels(stream, shard))
            .inc_by(records as u64);
    }

    pub fn throttled_get(&self, stream: &str, shard: i32) {
        self.read_throttled
            .get_or_create(&labels(stream, shard))
            .inc();
    }

    /// Drop a deleted stream's series.
    pub fn forget_stream(&self, stream: &str, shards: usize) {
        for i in 0..shards {
            let l = labels(stream, i as i32);
            self.incoming_bytes.remove(&l);
            self.incoming_records.remove(&l);
            self.get_records_bytes.remove(&l);
            self.get_records_records.remove(&l);
            self.iterator_age_ms.remove(&l);
            self.write_throttled.remove(&l);
            self.read_throttled.remove(&l);
        }
    }
}
