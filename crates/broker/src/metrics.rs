//! Prometheus metrics shared by the broker and the protocol fronts, with the `prometheus-client`
//! crate. Per-topic and per-partition handles are created once and kept on the topic/partition,
//! so the hot path only bumps atomics.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Mutex;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TopicLabels {
    pub topic: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PartitionLabels {
    pub topic: String,
    pub partition: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ApiLabels {
    pub protocol: &'static str,
    pub api: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ProtocolLabels {
    pub protocol: &'static str,
}

fn latency_histogram() -> Histogram {
    // 50 µs .. ~3.3 s, doubling.
    Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
        0.000_05, 2.0, 17,
    ))
}

pub struct Metrics {
    registry: Mutex<Registry>,
    pub bytes_in: Family<TopicLabels, Counter>,
    pub records_in: Family<TopicLabels, Counter>,
    pub bytes_out: Family<TopicLabels, Counter>,
    pub records_out: Family<TopicLabels, Counter>,
    pub log_end_offset: Family<PartitionLabels, Gauge>,
    pub log_start_offset: Family<PartitionLabels, Gauge>,
    pub requests: Family<ApiLabels, Counter>,
    pub request_errors: Family<ApiLabels, Counter>,
    pub request_seconds: Family<ApiLabels, Histogram, fn() -> Histogram>,
    pub connections: Family<ProtocolLabels, Gauge>,
    pub fsyncs: Counter,
    pub fsync_seconds: Histogram,
    pub flush_rounds: Counter,
    pub storage_errors: Counter,
    pub recovery_truncated_bytes: Counter,
    /// Distinct stored batches found damaged (CRC, framing or offsets) by reads or recovery.
    pub corrupt_batches: Family<PartitionLabels, Counter>,
    pub open_files: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let m = Metrics {
            registry: Mutex::new(Registry::with_prefix("sluice")),
            bytes_in: Family::default(),
            records_in: Family::default(),
            bytes_out: Family::default(),
            records_out: Family::default(),
            log_end_offset: Family::default(),
            log_start_offset: Family::default(),
            requests: Family::default(),
            request_errors: Family::default(),
            request_seconds: Family::new_with_constructor(latency_histogram),
            connections: Family::default(),
            fsyncs: Counter::default(),
            fsync_seconds: latency_histogram(),
            flush_rounds: Counter::default(),
            storage_errors: Counter::default(),
            recovery_truncated_bytes: Counter::default(),
            corrupt_batches: Family::default(),
            open_files: Gauge::default(),
        };
        {
            let mut r = m.registry.lock().unwrap();
            r.register(
                "topic_bytes_in",
                "Record batch bytes appended, per topic",
                m.bytes_in.clone(),
            );
            r.register(
                "topic_records_in",
                "Records appended, per topic",
                m.records_in.clone(),
            );
            r.register(
                "topic_bytes_out",
                "Record batch bytes served to readers, per topic",
                m.bytes_out.clone(),
            );
            r.register(
                "topic_records_out",
                "Records served to readers at or after their fetch offset, per topic",
                m.records_out.clone(),
            );
            r.register(
                "partition_log_end_offset",
                "Next offset to be written, per partition",
                m.log_end_offset.clone(),
            );
            r.register(
                "partition_log_start_offset",
                "First offset still retained, per partition",
                m.log_start_offset.clone(),
            );
            r.register(
                "requests",
                "Requests handled, per protocol and API",
                m.requests.clone(),
            );
            r.register(
                "request_errors",
                "Requests answered with an error, per protocol and API",
                m.request_errors.clone(),
            );
            r.register(
                "request_duration_seconds",
                "Request latency, per protocol and API",
                m.request_seconds.clone(),
            );
            r.register(
                "connections",
                "Open client connections, per protocol",
                m.connections.clone(),
            );
            r.register(
                "fsyncs",
                "fdatasync calls on segment files",
                m.fsyncs.clone(),
            );
            r.register(
                "fsync_duration_seconds",
                "Latency of one fdatasync",
                m.fsync_seconds.clone(),
            );
            r.register(
                "flush_rounds",
                "Group-commit rounds (each shared by every waiting producer)",
                m.flush_rounds.clone(),
            );
            r.register(
                "storage_errors",
                "I/O errors on the data directory",
                m.storage_errors.clone(),
            );
            r.register(
                "recovery_truncated_bytes",
                "Bytes truncated from torn or corrupt log tails at start-up",
                m.recovery_truncated_bytes.clone(),
            );
            r.register(
                "corrupt_batches",
                "Distinct stored record batches found damaged at rest (CRC-32C, framing or offsets), per partition; reads stop before them",
                m.corrupt_batches.clone(),
            );
            r.register(
                "open_segment_files",
                "Segment files currently open",
                m.open_files.clone(),
            );
        }
        m
    }

    /// Add metrics computed at scrape time (e.g. consumer lag).
    /// Register a metric family owned by another crate (a protocol front).
    pub fn register(
        &self,
        name: &str,
        help: &str,
        metric: impl prometheus_client::registry::Metric,
    ) {
        self.registry.lock().unwrap().register(name, help, metric);
    }

    pub fn register_collector(&self, c: Box<dyn prometheus_client::collector::Collector>) {
        self.registry.lock().unwrap().register_collector(c);
    }

    /// Prometheus text exposition of every metric.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let r = self.registry.lock().unwrap();
        // Encoding into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &r);
        out
    }

    /// Drop every series of a deleted topic.
    pub fn forget_topic(&self, topic: &str, partitions: i32) {
        let t = TopicLabels {
            topic: topic.to_string(),
        };
        self.bytes_in.remove(&t);
        self.records_in.remove(&t);
        self.bytes_out.remove(&t);
        self.records_out.remove(&t);
        for p in 0..partitions {
            let l = PartitionLabels {
                topic: topic.to_string(),
                partition: p.to_string(),
            };
            self.log_end_offset.remove(&l);
            self.log_start_offset.remove(&l);
        }
    }
}
