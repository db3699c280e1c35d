//! Workload parameters, the metrics one run produces, and the progress bar.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use crate::stats::{Connections, Percentiles, RssSeries, ServerUsage};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Kafka produce only (librdkafka): ack latency, throughput.
    KafkaProduce,
    /// Kafka consume only, from a topic filled first (not measured).
    KafkaConsume,
    /// Kafka produce and consume at once: ack latency and end-to-end latency (timestamp in the
    /// payload).
    KafkaE2e,
    /// Kinesis PutRecords (AWS SDK for Rust).
    KinesisPut,
    /// Kinesis GetRecords from a stream filled first (not measured).
    KinesisGet,
}

impl Kind {
    pub fn is_kafka(self) -> bool {
        matches!(
            self,
            Kind::KafkaProduce | Kind::KafkaConsume | Kind::KafkaE2e
        )
    }
    pub fn name(self) -> &'static str {
        match self {
            Kind::KafkaProduce => "kafka-produce",
            Kind::KafkaConsume => "kafka-consume",
            Kind::KafkaE2e => "kafka-e2e",
            Kind::KinesisPut => "kinesis-put",
            Kind::KinesisGet => "kinesis-get",
        }
    }
}

/// Everything that defines a workload; recorded in full in the JSON output.
#[derive(clap::Args, Clone, Debug, Serialize, Deserialize)]
pub struct Workload {
    /// What to run.
    #[arg(long, value_enum, default_value = "kafka-produce")]
    pub workload: Kind,
    /// Payload bytes per record (the first 8 hold a send timestamp when ≥ 8).
    #[arg(long, default_value_t = 1024)]
    pub record_size: usize,
    /// Upper bound on the measured phase, seconds (every loop is bounded by it).
    #[arg(long, default_value_t = 10.0)]
    pub duration: f64,
    /// Upper bound on records produced (produce, e2e) or the records filled and then read
    /// (consume, get). Default for consume/get: --prefill-mb worth.
    #[arg(long)]
    pub records: Option<u64>,
    /// Megabytes to fill before a consume or get run when --records is not given.
    #[arg(long, default_value_t = 256.0)]
    pub prefill_mb: f64,
    /// Kafka producer instances (each its own thread and connections).
    #[arg(long, default_value_t = 1)]
    pub producers: usize,
    /// Kafka consumer instances (partitions are divided among them).
    #[arg(long, default_value_t = 1)]
    pub consumers: usize,
    /// Partitions of the Kafka topic / shards of the Kinesis stream.
    #[arg(long, default_value_t = 4)]
    pub partitions: i32,
    /// Kafka acks: 0, 1 or all.
    #[arg(long, default_value = "all")]
    pub acks: String,
    /// Kafka compression: none, gzip, snappy, lz4, zstd.
    #[arg(long, default_value = "none")]
    pub compression: String,
    /// librdkafka linger.ms.
    #[arg(long, default_value_t = 5)]
    pub linger_ms: u64,
    /// librdkafka batch.size (bytes; at most 1,000,000, librdkafka's message.max.bytes).
    #[arg(long, default_value_t = 1_000_000)]
    pub batch_size: u64,
    /// librdkafka enable.idempotence.
    #[arg(long, default_value_t = false)]
    pub idempotence: bool,
    /// Target offered load in records/s over all producers (open loop: sends are scheduled and
    /// latency counts from the scheduled time); 0 = as fast as the client goes (closed loop).
    #[arg(long, default_value_t = 0.0)]
    pub rate: f64,
    /// Before a consume run, try `echo 1 > /proc/sys/vm/drop_caches` (needs root) to read from
    /// disk; the result says whether it worked ("disk") or not ("page cache only").
    #[arg(long, default_value_t = false)]
    pub drop_caches: bool,
    /// Kinesis records per PutRecords call (at most 500).
    #[arg(long, default_value_t = 500)]
    pub kinesis_batch: usize,
    /// Kinesis requests in flight (PutRecords tasks; GetRecords reads one task per shard).
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// Records per GetRecords call (at most 10,000).
    #[arg(long, default_value_t = 10_000)]
    pub get_limit: i32,
}

impl Workload {
    /// Every parameter at its command-line default (the one place defaults are written).
    pub fn defaults() -> Workload {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            w: Workload,
        }
        <Only as clap::Parser>::parse_from(["sluice-bench"]).w
    }

    /// Records to fill before a consume or get run.
    pub fn prefill_records(&self) -> u64 {
        self.records
            .unwrap_or(((self.prefill_mb * 1e6) / self.record_size.max(1) as f64).ceil() as u64)
            .max(1)
    }

    /// Sets a parameter by its command-line name (for sweeps).
    pub fn set(&mut self, key: &str, value: f64) -> Result<(), String> {
        match key {
            "record-size" => self.record_size = value as usize,
            "partitions" => self.partitions = value as i32,
            "rate" => self.rate = value,
            "producers" => self.producers = value as usize,
            "consumers" => self.consumers = value as usize,
            "concurrency" => self.concurrency = value as usize,
            "kinesis-batch" => self.kinesis_batch = value as usize,
            "linger-ms" => self.linger_ms = value as u64,
            "batch-size" => self.batch_size = value as u64,
            _ => {
                return Err(format!(
                    "cannot sweep {key:?}: one of record-size, partitions, rate, producers, \
                     consumers, concurrency, kinesis-batch, linger-ms, batch-size"
                ))
            }
        }
        Ok(())
    }
}

/// What one run measured.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Metrics {
    /// Records acknowledged (produce) or read (consume).
    pub records: u64,
    /// Payload bytes of those records.
    pub bytes: u64,
    /// The measured window, seconds.
    pub elapsed_s: f64,
    pub records_per_s: f64,
    /// Payload megabytes (1e6 bytes) per second.
    pub mb_per_s: f64,
    /// Records that failed (produce errors, FailedRecordCount).
    pub errors: u64,
    /// Target load, records/s, when open loop.
    pub offered_records_per_s: Option<f64>,
    /// Produce acknowledgement latency (Kafka: send → delivery report; Kinesis: PutRecords
    /// request → response).
    pub ack_latency_ms: Option<Percentiles>,
    /// End-to-end latency: timestamp in the payload → consumer.
    pub e2e_latency_ms: Option<Percentiles>,
    /// Consume request latency (Kinesis GetRecords).
    pub request_latency_ms: Option<Percentiles>,
    /// Server CPU and memory in the window (when its pid is known).
    pub server: Option<ServerUsage>,
    /// This process's CPU seconds in the window (the client shares the machine).
    pub client_cpu_s: f64,
    /// Consume: "page cache only" or "disk" (caches dropped).
    pub cache: Option<String>,
    /// Seconds from starting the server until it listened.
    pub startup_s: Option<f64>,
    /// Records filled before a consume or get run.
    pub prefilled: Option<u64>,
    /// The server's VmRSS through the run (`--rss-sample-ms`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rss_series: Option<RssSeries>,
    /// Established connections on the server's ports through the run (/proc/net/tcp).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connections: Option<Connections>,
}

impl Metrics {
    pub fn finish_rates(&mut self) {
        if self.elapsed_s > 0.0 {
            self.records_per_s = self.records as f64 / self.elapsed_s;
            self.mb_per_s = self.bytes as f64 / 1e6 / self.elapsed_s;
        }
    }

    /// The figures that medians and ratios are computed over, by name.
    pub fn figures(&self) -> Vec<(&'static str, Option<f64>)> {
        let p = |p: &Option<Percentiles>, f: fn(&Percentiles) -> f64| p.as_ref().map(f);
        let s = self.server.as_ref();
        let summary = self.rss_series.as_ref().and_then(|r| r.summary.as_ref());
        let rss = |f: fn(&crate::stats::RssSummary) -> f64| summary.map(f);
        vec![
            ("records_per_s", Some(self.records_per_s)),
            ("mb_per_s", Some(self.mb_per_s)),
            ("ack_p50_ms", p(&self.ack_latency_ms, |p| p.p50)),
            ("ack_p99_ms", p(&self.ack_latency_ms, |p| p.p99)),
            ("ack_p999_ms", p(&self.ack_latency_ms, |p| p.p999)),
            ("ack_max_ms", p(&self.ack_latency_ms, |p| p.max)),
            ("e2e_p50_ms", p(&self.e2e_latency_ms, |p| p.p50)),
            ("e2e_p99_ms", p(&self.e2e_latency_ms, |p| p.p99)),
            ("e2e_p999_ms", p(&self.e2e_latency_ms, |p| p.p999)),
            ("e2e_max_ms", p(&self.e2e_latency_ms, |p| p.max)),
            ("req_p50_ms", p(&self.request_latency_ms, |p| p.p50)),
            ("req_p99_ms", p(&self.request_latency_ms, |p| p.p99)),
            ("server_cpu_s_per_gb", s.and_then(|s| s.cpu_s_per_gb)),
            (
                "server_cpu_us_per_record",
                s.and_then(|s| s.cpu_us_per_record),
            ),
            ("server_peak_rss_mib", s.and_then(|s| s.peak_rss_mib)),
            ("client_cpu_s", Some(self.client_cpu_s)),
            ("errors", Some(self.errors as f64)),
            (
                "server_connections_max",
                self.connections
                    .as_ref()
                    .and_then(|c| c.max())
                    .map(|n| n as f64),
            ),
            ("rss_last_mib", rss(|s| s.last_mib)),
            ("rss_steady_median_mib", rss(|s| s.steady_median_mib)),
            ("rss_flatness", rss(|s| s.flatness)),
            ("rss_max_deviation", rss(|s| s.max_deviation)),
        ]
    }
}

/// Counters shared by a workload's threads and the progress bar.
#[derive(Default)]
pub struct Meter {
    pub records: AtomicU64,
    pub bytes: AtomicU64,
}

impl Meter {
    pub fn add(&self, records: u64, bytes: u64) {
        self.records.fetch_add(records, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// A progress bar over the measured window (hidden when stderr is not a terminal or --quiet).
pub struct Progress {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    pub fn start(label: String, duration: f64, meter: Arc<Meter>, quiet: bool) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if quiet {
            return Progress { stop, thread: None };
        }
        let bar = ProgressBar::with_draw_target(
            Some((duration * 1000.0) as u64),
            ProgressDrawTarget::stderr_with_hz(5),
        );
        bar.set_style(
            ProgressStyle::with_template("{prefix:>28} [{bar:30}] {elapsed:>4} {msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix(label);
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let t0 = Instant::now();
            while !s.load(Ordering::Relaxed) {
                let el = t0.elapsed().as_secs_f64();
                let r = meter.records.load(Ordering::Relaxed);
                let b = meter.bytes.load(Ordering::Relaxed);
                bar.set_position((el * 1000.0) as u64);
                bar.set_message(format!(
                    "{:>10.0} rec/s {:>8.1} MB/s",
                    r as f64 / el.max(1e-3),
                    b as f64 / 1e6 / el.max(1e-3)
                ));
                std::thread::sleep(Duration::from_millis(200));
            }
            bar.finish_and_clear();
        });
        Progress {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_command_line_defaults() {
        let w = Workload::defaults();
        assert_eq!(w.workload, Kind::KafkaProduce);
        assert_eq!((w.record_size, w.duration, w.records), (1024, 10.0, None));
        assert_eq!(
            (w.prefill_mb, w.producers, w.consumers, w.partitions),
            (256.0, 1, 1, 4)
        );
        assert_eq!((w.acks.as_str(), w.compression.as_str()), ("all", "none"));
        assert_eq!(
            (w.linger_ms, w.batch_size, w.idempotence),
            (5, 1_000_000, false)
        );
        assert_eq!((w.rate, w.drop_caches), (0.0, false));
        assert_eq!(
            (w.kinesis_batch, w.concurrency, w.get_limit),
            (500, 4, 10_000)
        );
    }
}
