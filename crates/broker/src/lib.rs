//! `sluice-broker`: the protocol-neutral core between the wire fronts and the log. It owns the
//! catalogue of topics (durable), the partitions and their idempotent-producer state, group
//! commit (the flusher thread), housekeeping (retention, segment roll by age) and the metrics
//! registry. It knows no wire format and touches no sockets; the Kafka and Kinesis fronts call
//! it, and it calls `sluice-log`.

pub mod broker;
pub mod config;
pub mod error;
pub mod flusher;
pub mod group_service;
pub mod groups;
pub mod meta;
pub mod metrics;
pub mod partition;
pub mod producer_state;
pub mod streams;

pub use broker::{now_ms, Broker, StartupReport, Topic};
pub use config::{BrokerConfig, FlushPolicy, TopicConfigs};
pub use error::{AdminError, ProduceError};
pub use metrics::Metrics;
pub use partition::{AppendOutcome, Partition, ReadError};
