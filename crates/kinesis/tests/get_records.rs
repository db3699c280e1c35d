//! GetRecords returns exactly what was put, in order, whatever the call's Limit: each call
//! reads the log in pieces sized from the records seen so far (`records::read`), and a wrong
//! estimate may only cost another read, never a record, a duplicate or more than the Limit.

mod common;
use base64::Engine as _;
use common::*;
use serde_json::{json, Value};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Record `i`'s data: its index, then a length that varies from 1 byte to about 2 KiB, so
/// batches differ in density from one PutRecords to the next.
fn data(i: usize) -> Vec<u8> {
    let len = 8 + (i * 7919) % 2048 * (i / 500 % 2);
    let mut d = (i as u64).to_be_bytes().to_vec();
    d.resize(len, (i % 251) as u8);
    d
}

async fn read_all(e: &Env, stream: &str, limit: usize) -> Vec<Vec<u8>> {
    let it = ok(
        e,
        "GetShardIterator",
        json!({"StreamName": stream, "ShardId": "shardId-000000000000", "ShardIteratorType": "TRIM_HORIZON"}),
    )
    .await;
    let mut iterator = it["ShardIterator"].as_str().unwrap().to_string();
    let mut out = Vec::new();
    // Bounded: every call but the last returns records.
    for _ in 0..10_000 {
        let r = ok(
            e,
            "GetRecords",
            json!({"ShardIterator": iterator, "Limit": limit}),
        )
        .await;
        let records = r["Records"].as_array().unwrap();
        assert!(
            records.len() <= limit,
            "{} records for Limit {limit}",
            records.len()
        );
        if records.is_empty() {
            assert_eq!(r["MillisBehindLatest"], 0);
            return out;
        }
        out.extend(
            records
                .iter()
                .map(|r| B64.decode(r["Data"].as_str().unwrap()).unwrap()),
        );
        iterator = r["NextShardIterator"].as_str().unwrap().to_string();
    }
    panic!("GetRecords did not drain the shard");
}

#[tokio::test]
async fn every_limit_reads_every_record_once_in_order() {
    let e = env();
    ok(
        &e,
        "CreateStream",
        json!({"StreamName": "s", "ShardCount": 1}),
    )
    .await;
    let total = 6 * 500;
    for call in 0..6 {
        let records: Vec<Value> = (call * 500..(call + 1) * 500)
            .map(|i| json!({"Data": B64.encode(data(i)), "PartitionKey": "k"}))
            .collect();
        let r = ok(
            &e,
            "PutRecords",
            json!({"StreamName": "s", "Records": records}),
        )
        .await;
        assert_eq!(r["FailedRecordCount"], 0, "{r}");
    }
    let want: Vec<Vec<u8>> = (0..total).map(data).collect();
    for limit in [1, 7, 499, 500, 501, 1234, 2999, 10_000] {
        let got = read_all(&e, "s", limit).await;
        assert_eq!(got.len(), total, "Limit {limit}");
        assert!(got == want, "Limit {limit}: records differ from those put");
    }
}
