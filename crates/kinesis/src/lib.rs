//! `sluice-kinesis`: the Kinesis Data Streams front. It serves `POST /` with
//! `X-Amz-Target: Kinesis_20131202.<Operation>` in AWS JSON 1.1 or CBOR 1.1, over HTTP/1.1 and
//! HTTP/2 (cleartext by prior knowledge too), and maps every operation onto the broker: a
//! stream is a topic, shard N is partition N, a sequence number encodes (shard, offset).
//!
//! Module map: `server` (HTTP, auth, content types, replies), `handlers` (one function per
//! operation), `model` / `validate` / `cbor` (shapes and constraints from botocore's service
//! model, Coral-style validation messages, CBOR <-> JSON form), `seqnum` (sequence numbers),
//! `iterator` (HMAC'd shard iterators), `records` (batches in and out of the log), `sigv4`
//! (signature verification), `eventstream` (SubscribeToShard framing), `limits` (optional
//! per-shard throughput emulation), `metrics` (CloudWatch-named counters).

pub mod cbor;
pub mod config;
pub mod error;
pub mod eventstream;
pub mod handlers;
pub mod iterator;
pub mod limits;
pub mod metrics;
pub mod model;
pub mod records;
pub mod seqnum;
pub mod server;
pub mod sigv4;
pub mod validate;

pub use config::KinesisConfig;
pub use server::{serve, Context};
