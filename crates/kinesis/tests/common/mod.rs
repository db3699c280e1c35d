//! The Kinesis front driven in process: a fresh broker in a temporary directory, and requests
//! through the whole request path (authentication, parsing, validation, dispatch).
#![allow(dead_code)] // each test binary uses some of these

use bytes::Bytes;
use serde_json::{json, Value};
use sluice_broker::{Broker, BrokerConfig, Metrics};
use sluice_kinesis::server::{answer, ReplyBody};
use sluice_kinesis::{Context, KinesisConfig};
use std::sync::Arc;

pub struct Env {
    pub ctx: Arc<Context>,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::watch::Sender<bool>,
}

pub fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let c = BrokerConfig::new(dir.path().to_path_buf());
    let (broker, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
    let config = KinesisConfig {
        shard_limit: 12,
        on_demand_stream_limit: 1,
        consumers_per_stream: 2,
        ..KinesisConfig::default()
    };
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let ctx = Context::new(broker, config, stop_rx).unwrap();
    Env {
        ctx,
        _dir: dir,
        _stop: stop,
    }
}

pub const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20261122/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000";

pub async fn raw(env: &Env, target: &str, body: Bytes) -> (u16, Value) {
    let req = hyper::Request::post("http://127.0.0.1/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", target)
        .header("x-amz-date", "20261122T000000Z")
        .header("authorization", AUTH)
        .body(())
        .unwrap();
    let (parts, ()) = req.into_parts();
    let resp = answer(env.ctx.clone(), parts, body).await;
    let status = resp.status().as_u16();
    let body = match resp.into_body() {
        ReplyBody::Full(Some(b)) => b,
        ReplyBody::Full(None) => Bytes::new(),
        ReplyBody::Budgeted(b, ..) => b,
        ReplyBody::Stream(_) => return (status, json!({"stream": true})),
    };
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

pub async fn call(env: &Env, op: &str, body: Value) -> (u16, Value) {
    raw(
        env,
        &format!("Kinesis_20131202.{op}"),
        Bytes::from(body.to_string()),
    )
    .await
}

pub async fn ok(env: &Env, op: &str, body: Value) -> Value {
    let (status, v) = call(env, op, body.clone()).await;
    assert_eq!(status, 200, "{op} {body}: {v}");
    v
}

/// Expect an error of `kind`; returns its message.
pub async fn err(env: &Env, op: &str, body: Value, kind: &str) -> String {
    let (status, v) = call(env, op, body.clone()).await;
    assert_eq!(v["__type"], kind, "{op} {body}: {v}");
    let expected_status = if kind == "InternalFailure" { 500 } else { 400 };
    assert_eq!(status, expected_status, "{op}: {v}");
    v["message"]
        .as_str()
        .or(v["Message"].as_str())
        .unwrap_or("")
        .to_string()
}

pub fn arn(name: &str) -> String {
    format!("arn:aws:kinesis:us-east-1:000000000000:stream/{name}")
}
