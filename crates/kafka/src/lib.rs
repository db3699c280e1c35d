//! `sluice-kafka`: the Kafka front. Bytes in (`request`: frames, headers, bounded decoding with
//! kafka-protocol), requests to broker calls (`handlers`, one module per API), replies out
//! (`response`: encoding with record data spliced from segment files and sent with sendfile),
//! and the TCP listener with per-connection ordering and bounds (`server`). `versions` is the
//! single table of what is implemented and advertised. Only this crate knows the Kafka wire.

pub mod alloc;
pub mod handlers;
pub mod records;
pub mod request;
pub mod response;
pub mod server;
pub mod versions;

pub use server::{serve, Context, KafkaConfig};

#[cfg(test)]
#[global_allocator]
static TEST_ALLOC: alloc::LazyHugeAlloc = alloc::LazyHugeAlloc;
