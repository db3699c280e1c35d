//! Shared harness for the in-process Kafka front tests: a broker in a temp dir, handlers called
//! directly, replies materialized (file ranges read back) and decoded with kafka-protocol.
#![allow(dead_code)]

use bytes::{Buf, Bytes, BytesMut};
use kafka_protocol::messages::*;
use kafka_protocol::protocol::{Decodable, StrBytes};
use sluice_broker::{Broker, BrokerConfig, FlushPolicy, Metrics};
use sluice_kafka::handlers::{self, Handled};
use sluice_kafka::request::Request;
use sluice_kafka::response::{Frame, Part};
use sluice_kafka::{Context, KafkaConfig};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

pub fn context(dir: &std::path::Path) -> Arc<Context> {
    context_with(dir, |_| {})
}

pub fn context_with(dir: &std::path::Path, tweak: impl FnOnce(&mut BrokerConfig)) -> Arc<Context> {
    let mut c = BrokerConfig::new(dir.to_path_buf());
    c.flush = FlushPolicy::Always;
    tweak(&mut c);
    let (broker, _) = Broker::open(c, Arc::new(Metrics::new())).unwrap();
    Arc::new(Context {
        broker,
        config: KafkaConfig::new("127.0.0.1:9092".parse().unwrap()),
    })
}

pub fn materialize(frame: Frame) -> Bytes {
    let mut out = BytesMut::new();
    for p in frame.parts {
        match p {
            Part::Bytes(b) => out.extend_from_slice(&b),
            Part::File(f) => {
                let mut buf = vec![0; f.len as usize];
                f.file.read_exact_at(&mut buf, f.position).unwrap();
                out.extend_from_slice(&buf);
            }
        }
    }
    assert_eq!(out.len(), frame.len);
    out.freeze()
}

pub async fn call(ctx: &Arc<Context>, key: ApiKey, version: i16, body: RequestKind) -> Bytes {
    let header = RequestHeader::default()
        .with_request_api_key(key as i16)
        .with_request_api_version(version)
        .with_correlation_id(42);
    let frame = match handlers::handle(
        ctx,
        Request {
            header,
            api_key: key,
            body,
            client_host: "/127.0.0.1".into(),
        },
    ) {
        Handled::Now(f) => f,
        Handled::Later(fut) => fut
            .await
            .unwrap_or_else(|e| panic!("{key:?} v{version}: {e}")),
        Handled::Close(why) => panic!("{key:?} v{version} closed: {why}"),
    };
    let frame = frame.unwrap_or_else(|| panic!("{key:?} v{version}: no reply (encoding failed?)"));
    let mut bytes = materialize(frame);
    let size = bytes.get_i32() as usize;
    assert_eq!(size, bytes.len(), "{key:?} v{version}: size prefix");
    let header = ResponseHeader::decode(&mut bytes, key.response_header_version(version)).unwrap();
    assert_eq!(header.correlation_id, 42);
    bytes
}

pub fn decode<T: Decodable>(mut b: Bytes, version: i16) -> T {
    let v = T::decode(&mut b, version).unwrap();
    assert!(
        !b.has_remaining(),
        "trailing bytes after response at v{version}"
    );
    v
}

pub fn name(s: &str) -> TopicName {
    TopicName(StrBytes::from_string(s.to_string()))
}

pub fn batch() -> Bytes {
    Bytes::from(sluice_log::batch::build(
        &[(Some(&b"k"[..]), Some(&b"v"[..]), 1_000)],
        -1,
        -1,
        -1,
    ))
}
