//! Kinesis workloads with the AWS SDK for Rust: PutRecords and GetRecords.
//!
//! The client is built without aws-config: static credentials, a fixed region, the target's
//! endpoint, and smithy's hyper 1 client for plain HTTP (no TLS stack is linked).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_kinesis::config::timeout::TimeoutConfig;
use aws_sdk_kinesis::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::{PutRecordsRequestEntry, ShardIteratorType, StreamStatus};
use aws_sdk_kinesis::Client;
use hdrhistogram::Histogram;

use crate::stats::{new_histogram, now_unix_nanos, record_us, Percentiles};
use crate::workload::{Meter, Metrics, Workload};

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

pub fn client(endpoint: &str) -> Client {
    let http = aws_smithy_http_client::Builder::new().build_http();
    let conf = aws_sdk_kinesis::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "AKIDSLUICEBENCH",
            "sluice-bench-secret",
            None,
            None,
            "sluice-bench",
        ))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(60))
                .build(),
        )
        .http_client(http)
        .build();
    Client::from_conf(conf)
}

fn err<E: std::error::Error>(what: &str, e: E) -> String {
    // The SDK's Display is terse; the source chain says what the service answered.
    let mut s = format!("{what}: {e}");
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(&format!(": {x}"));
        src = x.source();
    }
    s
}

/// Creates a stream and waits (bounded) until it is ACTIVE; returns its shard ids.
async fn create_stream(c: &Client, name: &str, shards: i32) -> Result<Vec<String>, String> {
    c.create_stream()
        .stream_name(name)
        .shard_count(shards)
        .send()
        .await
        .map_err(|e| err("CreateStream", e))?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let d = c
            .describe_stream_summary()
            .stream_name(name)
            .send()
            .await
            .map_err(|e| err("DescribeStreamSummary", e))?;
        if d.stream_description_summary()
            .map(|s| s.stream_status() == &StreamStatus::Active)
            .unwrap_or(false)
        {
            break;
        }
        if Instant::now() > deadline {
            return Err(format!("stream {name} not ACTIVE after 60 s"));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shards = c
        .list_shards()
        .stream_name(name)
        .send()
        .await
        .map_err(|e| err("ListShards", e))?;
    Ok(shards
        .shards()
        .iter()
        .map(|s| s.shard_id().to_string())
        .collect())
}

struct Put {
    records: u64,
    failed: u64,
    hist: Histogram<u64>,
    elapsed_s: f64,
}

/// PutRecords with `w.concurrency` tasks, bounded by `w.duration` and `count`.
async fn put(
    c: &Client,
    stream: &str,
    w: &Workload,
    count: Option<u64>,
    meter: Arc<Meter>,
) -> Result<Put, String> {
    let issued = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(w.duration);
    let batch = w.kinesis_batch.clamp(1, 500) as u64;
    let tasks = w.concurrency.max(1);
    // Open loop: each task sends a batch every `interval`.
    let interval =
        (w.rate > 0.0).then(|| Duration::from_secs_f64(tasks as f64 * batch as f64 / w.rate));
    let keys: Arc<Vec<String>> = Arc::new((0..4096).map(|i| format!("key-{i}")).collect());
    let mut set = tokio::task::JoinSet::new();
    for t in 0..tasks {
        let (c, stream, issued, meter, keys) = (
            c.clone(),
            stream.to_string(),
            issued.clone(),
            meter.clone(),
            keys.clone(),
        );
        let size = w.record_size;
        set.spawn(async move {
            let mut hist = new_histogram();
            let (mut ok, mut failed, mut last) = (0u64, 0u64, start);
            let mut payload = vec![b'x'; size];
            let mut k = t * 997;
            for i in 0u64.. {
                let sent = match interval {
                    Some(iv) => {
                        let due = start + iv.mul_f64(i as f64);
                        tokio::time::sleep_until(due.into()).await;
                        due
                    }
                    None => Instant::now(),
                };
                if Instant::now() >= deadline {
                    break;
                }
                let first = issued.fetch_add(batch, Ordering::Relaxed);
                let n = match count {
                    Some(cnt) if first >= cnt => break,
                    Some(cnt) => batch.min(cnt - first),
                    None => batch,
                };
                let mut entries = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    if size >= 8 {
                        payload[..8].copy_from_slice(&now_unix_nanos().to_le_bytes());
                    }
                    k = (k + 1) % keys.len();
                    entries.push(
                        PutRecordsRequestEntry::builder()
                            .data(Blob::new(payload.clone()))
                            .partition_key(keys[k].clone())
                            .build()
                            .map_err(|e| e.to_string())?,
                    );
                }
                let out = c
                    .put_records()
                    .stream_name(&stream)
                    .set_records(Some(entries))
                    .send()
                    .await
                    .map_err(|e| err("PutRecords", e))?;
                let now = Instant::now();
                record_us(&mut hist, now - sent);
                let f = out.failed_record_count().unwrap_or(0).max(0) as u64;
                ok += n - f;
                failed += f;
                last = now;
                meter.add(n - f, (n - f) * size as u64);
            }
            Ok::<_, String>((ok, failed, hist, last))
        });
    }
    let mut out = Put {
        records: 0,
        failed: 0,
        hist: new_histogram(),
        elapsed_s: 0.0,
    };
    let mut last = start;
    while let Some(r) = set.join_next().await {
        let (ok, failed, hist, l) = r.map_err(|e| e.to_string())??;
        out.records += ok;
        out.failed += failed;
        out.hist.add(hist).map_err(|e| e.to_string())?;
        last = last.max(l);
    }
    out.elapsed_s = (last - start).as_secs_f64();
    Ok(out)
}

fn stream_name() -> String {
    format!("bench-{}", now_unix_nanos())
}

/// PutRecords only.
pub fn run_put(endpoint: &str, w: &Workload, meter: Arc<Meter>) -> Result<Metrics, String> {
    let rt = runtime()?;
    rt.block_on(async {
        let c = client(endpoint);
        let stream = stream_name();
        create_stream(&c, &stream, w.partitions).await?;
        let p = put(&c, &stream, w, w.records, meter).await?;
        if p.records == 0 {
            return Err(format!("PutRecords: nothing stored ({} failed)", p.failed));
        }
        let mut m = Metrics {
            records: p.records,
            bytes: p.records * w.record_size as u64,
            elapsed_s: p.elapsed_s,
            errors: p.failed,
            offered_records_per_s: (w.rate > 0.0).then_some(w.rate),
            ack_latency_ms: Percentiles::of(&p.hist),
            ..Default::default()
        };
        m.finish_rates();
        Ok(m)
    })
}

/// A filled stream for a GetRecords run.
pub struct Filled {
    stream: String,
    shards: Vec<String>,
    pub records: u64,
}

/// Fills a stream (as fast as it goes; not measured).
pub fn prefill(endpoint: &str, w: &Workload) -> Result<Filled, String> {
    let rt = runtime()?;
    rt.block_on(async {
        let c = client(endpoint);
        let stream = stream_name();
        let shards = create_stream(&c, &stream, w.partitions).await?;
        let n = w.prefill_records();
        let mut fill = w.clone();
        fill.rate = 0.0;
        fill.duration = 600.0;
        let p = put(&c, &stream, &fill, Some(n), Arc::new(Meter::default())).await?;
        if p.records < n {
            return Err(format!(
                "prefill: {} of {n} records stored ({} failed)",
                p.records, p.failed
            ));
        }
        Ok(Filled {
            stream,
            shards,
            records: n,
        })
    })
}

/// GetRecords: one reader per shard from TRIM_HORIZON until the shard is drained, all records
/// were read, or the deadline.
pub fn run_get(
    endpoint: &str,
    w: &Workload,
    filled: &Filled,
    meter: Arc<Meter>,
) -> Result<Metrics, String> {
    let rt = runtime()?;
    rt.block_on(async {
        let c = client(endpoint);
        // Each shard's iterator first, outside the window: the window measures GetRecords, and
        // with the few requests per shard of a short run, set-up would weigh on the rate.
        let mut iterators = Vec::new();
        for shard in &filled.shards {
            let it = c
                .get_shard_iterator()
                .stream_name(&filled.stream)
                .shard_id(shard)
                .shard_iterator_type(ShardIteratorType::TrimHorizon)
                .send()
                .await
                .map_err(|e| err("GetShardIterator", e))?
                .shard_iterator()
                .map(str::to_string);
            iterators.push(it);
        }
        let start = Instant::now();
        let deadline = start + Duration::from_secs_f64(w.duration);
        let total = Arc::new(AtomicU64::new(0));
        let target = filled.records;
        let mut set = tokio::task::JoinSet::new();
        for mut it in iterators {
            let (c, total, meter) = (c.clone(), total.clone(), meter.clone());
            let limit = w.get_limit.clamp(1, 10_000);
            set.spawn(async move {
                let mut hist = new_histogram();
                let (mut records, mut bytes, mut last) = (0u64, 0u64, start);
                while let Some(iter) = it.take() {
                    if Instant::now() >= deadline || total.load(Ordering::Relaxed) >= target {
                        break;
                    }
                    let t0 = Instant::now();
                    let out = c
                        .get_records()
                        .shard_iterator(iter)
                        .limit(limit)
                        .send()
                        .await
                        .map_err(|e| err("GetRecords", e))?;
                    let now = Instant::now();
                    record_us(&mut hist, now - t0);
                    let n = out.records().len() as u64;
                    let b: u64 = out
                        .records()
                        .iter()
                        .map(|r| r.data().as_ref().len() as u64)
                        .sum();
                    records += n;
                    bytes += b;
                    total.fetch_add(n, Ordering::Relaxed);
                    meter.add(n, b);
                    if n > 0 {
                        last = now;
                    } else if out.millis_behind_latest().unwrap_or(0) == 0 {
                        break; // drained
                    }
                    it = out.next_shard_iterator().map(str::to_string);
                }
                Ok::<_, String>((records, bytes, hist, last))
            });
        }
        let mut m = Metrics::default();
        let mut hist = new_histogram();
        let mut last = start;
        while let Some(r) = set.join_next().await {
            let (n, b, h, l) = r.map_err(|e| e.to_string())??;
            m.records += n;
            m.bytes += b;
            hist.add(h).map_err(|e| e.to_string())?;
            last = last.max(l);
        }
        if m.records == 0 {
            return Err("GetRecords: read nothing".into());
        }
        m.elapsed_s = (last - start).as_secs_f64();
        m.request_latency_ms = Percentiles::of(&hist);
        m.prefilled = Some(target);
        m.finish_rates();
        Ok(m)
    })
}
