//! Protocol-neutral errors of the broker. Each front maps them to its own wire codes
//! (Kafka error codes, Kinesis exception types) and messages.

use crate::producer_state::SequenceError;
use sluice_log::batch::BatchError;
use sluice_log::LogError;

#[derive(Debug, thiserror::Error)]
pub enum ProduceError {
    #[error("This server does not host this topic-partition.")]
    UnknownTopicOrPartition,
    #[error("{0}")]
    Corrupt(String),
    #[error("The record batch is {size} bytes, larger than the maximum of {max} bytes (max.message.bytes).")]
    TooLarge { size: usize, max: usize },
    #[error("{0}")]
    InvalidRecord(String),
    #[error("Record batch magic {0} is not supported; only v2 record batches are accepted.")]
    UnsupportedMagic(i8),
    #[error("{0}")]
    FencedEpoch(String),
    #[error("{0}")]
    OutOfOrderSequence(String),
    #[error("Transactional produce is not supported yet.")]
    TransactionsUnsupported,
    #[error("Disk error while appending: {0}")]
    Storage(String),
    #[error("The shard is closed after a split or merge and takes no new records; write to the stream's open shards.")]
    ShardClosed,
}

impl From<BatchError> for ProduceError {
    fn from(e: BatchError) -> Self {
        match e {
            BatchError::Corrupt(m) => ProduceError::Corrupt(m),
            BatchError::TooLarge { size, max } => ProduceError::TooLarge { size, max },
            BatchError::Invalid(m) => ProduceError::InvalidRecord(m),
            BatchError::UnsupportedMagic(m) => ProduceError::UnsupportedMagic(m),
        }
    }
}

impl From<SequenceError> for ProduceError {
    fn from(e: SequenceError) -> Self {
        match e {
            SequenceError::FencedEpoch { .. } => ProduceError::FencedEpoch(e.to_string()),
            SequenceError::OutOfOrder { .. } => ProduceError::OutOfOrderSequence(e.to_string()),
        }
    }
}

impl ProduceError {
    pub(crate) fn from_log(e: LogError) -> Self {
        ProduceError::Storage(e.to_string())
    }
}

/// Errors of topic administration, worded as Kafka words them.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("Topic '{0}' already exists.")]
    TopicExists(String),
    #[error("This server does not host this topic-partition.")]
    UnknownTopic,
    #[error("{0}")]
    InvalidTopic(String),
    #[error("{0}")]
    InvalidPartitions(String),
    #[error("{0}")]
    InvalidReplicationFactor(String),
    #[error("{0}")]
    InvalidConfig(String),
    #[error("{0}")]
    InvalidRequest(String),
    #[error("Disk error: {0}")]
    Storage(String),
}

impl From<std::io::Error> for AdminError {
    fn from(e: std::io::Error) -> Self {
        AdminError::Storage(e.to_string())
    }
}

impl From<LogError> for AdminError {
    fn from(e: LogError) -> Self {
        AdminError::Storage(e.to_string())
    }
}
