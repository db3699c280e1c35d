//! A profiling aid, not a benchmark: drive PutRecords (500 × 200-byte records) and GetRecords
//! through the whole request path in-process (no sockets), and print the CPU time per record.
//! Run under `perf record` or `valgrind --tool=callgrind` to see where the time goes:
//! `cargo run --release -p sluice-kinesis --example hotpath -- [batches]`.
//! Throughput figures belong to `sluice-bench` (docs/BENCHMARKS.md).

use bytes::Bytes;
use serde_json::{json, Value};
use sluice_broker::{Broker, BrokerConfig, FlushPolicy, Metrics};
use sluice_kinesis::server::{answer, ReplyBody};
use sluice_kinesis::{Context, KinesisConfig};
use std::sync::Arc;
use std::time::Instant;

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000";

async fn call(ctx: &Arc<Context>, op: &str, body: Bytes) -> Value {
    let b = call_raw(ctx, op, body).await;
    serde_json::from_slice(&b).unwrap()
}

/// The reply body, not parsed (parsing here would count against the server's figure).
async fn call_raw(ctx: &Arc<Context>, op: &str, body: Bytes) -> Bytes {
    let req = hyper::Request::post("http://127.0.0.1/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", format!("Kinesis_20131202.{op}"))
        .header("x-amz-date", "20261122T000000Z")
        .header("authorization", AUTH)
        .body(())
        .unwrap();
    let (parts, ()) = req.into_parts();
    let resp = answer(ctx.clone(), parts, body).await;
    assert_eq!(resp.status(), 200);
    match resp.into_body() {
        ReplyBody::Full(Some(b)) | ReplyBody::Budgeted(b, ..) => b,
        _ => Bytes::new(),
    }
}

fn cpu_seconds() -> f64 {
    let mut t = libc_timespec();
    // SAFETY: clock_gettime writes into the struct we own.
    unsafe { clock_gettime(2, &mut t) }; // CLOCK_PROCESS_CPUTIME_ID
    t.0 as f64 + t.1 as f64 / 1e9
}

#[repr(C)]
struct Timespec(i64, i64);
fn libc_timespec() -> Timespec {
    Timespec(0, 0)
}
extern "C" {
    fn clock_gettime(clock: i32, tp: *mut Timespec) -> i32;
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let batches: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().unwrap();
    let mut c = BrokerConfig::new(dir.path().to_path_buf());
    c.flush = FlushPolicy::Never;
    let (broker, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    let ctx = Context::new(broker, KinesisConfig::default(), stop_rx).unwrap();
    call(
        &ctx,
        "CreateStream",
        Bytes::from(json!({"StreamName": "hot", "ShardCount": 4}).to_string()),
    )
    .await;
    let data = base64_200();
    let records: Vec<Value> = (0..500)
        .map(|i| json!({"Data": data, "PartitionKey": format!("user-{i}")}))
        .collect();
    let body = Bytes::from(json!({"StreamName": "hot", "Records": records}).to_string());
    let (t0, c0) = (Instant::now(), cpu_seconds());
    for _ in 0..batches {
        let r = call_raw(&ctx, "PutRecords", body.clone()).await;
        assert!(r.starts_with(br#"{"FailedRecordCount":0,"#));
    }
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    let n = (batches * 500) as f64;
    println!(
        "PutRecords: {n} records, {:.2} µs CPU/record, {:.0} records/s",
        cpu / n * 1e6,
        n / wall
    );
    let (t0, c0) = (Instant::now(), cpu_seconds());
    let mut got = 0usize;
    for shard in 0..4 {
        let it = call(&ctx, "GetShardIterator", Bytes::from(json!({"StreamName": "hot", "ShardId": format!("shardId-{shard:012}"), "ShardIteratorType": "TRIM_HORIZON"}).to_string())).await;
        let mut it = it["ShardIterator"].as_str().unwrap().to_string();
        loop {
            let r = call_raw(
                &ctx,
                "GetRecords",
                Bytes::from(json!({"ShardIterator": it}).to_string()),
            )
            .await;
            let r: Page = serde_json::from_slice(&r).unwrap();
            got += r.records.len();
            if r.records.is_empty() {
                break;
            }
            it = r.next;
        }
    }
    let (wall, cpu) = (t0.elapsed().as_secs_f64(), cpu_seconds() - c0);
    assert_eq!(got, batches * 500);
    println!(
        "GetRecords: {got} records, {:.2} µs CPU/record, {:.0} records/s ",
        cpu / got as f64 * 1e6,
        got as f64 / wall
    );
}

/// Only what the loop needs from a GetRecords reply; the records are skipped, not built.
#[derive(serde::Deserialize)]
struct Page {
    #[serde(rename = "Records")]
    records: Vec<serde::de::IgnoredAny>,
    #[serde(rename = "NextShardIterator")]
    next: String,
}

fn base64_200() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode([7u8; 200])
}
