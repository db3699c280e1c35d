//! Kinesis errors as the wire carries them: an exception type (`__type`), a message and an HTTP
//! status. Every modeled Kinesis error is a 400; InternalFailure is 500 and ServiceUnavailable
//! 503 (AWS's Common Errors page).

use sluice_broker::{AdminError, ProduceError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KinesisError {
    pub kind: &'static str,
    pub message: String,
    pub status: u16,
}

impl KinesisError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> KinesisError {
        KinesisError {
            kind,
            message: message.into(),
            status: 400,
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> KinesisError {
        KinesisError::new("InvalidArgumentException", message)
    }

    pub fn validation(message: impl Into<String>) -> KinesisError {
        KinesisError::new("ValidationException", message)
    }

    pub fn serialization(message: impl Into<String>) -> KinesisError {
        KinesisError::new("SerializationException", message)
    }

    pub fn not_found(message: impl Into<String>) -> KinesisError {
        KinesisError::new("ResourceNotFoundException", message)
    }

    pub fn in_use(message: impl Into<String>) -> KinesisError {
        KinesisError::new("ResourceInUseException", message)
    }

    pub fn limit_exceeded(message: impl Into<String>) -> KinesisError {
        KinesisError::new("LimitExceededException", message)
    }

    pub fn internal(message: impl Into<String>) -> KinesisError {
        KinesisError {
            kind: "InternalFailure",
            message: message.into(),
            status: 500,
        }
    }

    pub fn unavailable(message: impl Into<String>) -> KinesisError {
        KinesisError {
            kind: "ServiceUnavailable",
            message: message.into(),
            status: 503,
        }
    }

    pub fn stream_not_found(name: &str, account: &str) -> KinesisError {
        KinesisError::not_found(format!("Stream {name} under account {account} not found."))
    }

    /// Map a broker error met while changing a stream.
    pub fn from_admin(e: AdminError, stream: &str, account: &str) -> KinesisError {
        match e {
            AdminError::UnknownTopic => KinesisError::stream_not_found(stream, account),
            AdminError::TopicExists(_) => KinesisError::in_use(format!(
                "Stream {stream} under account {account} already exists."
            )),
            AdminError::InvalidTopic(m)
            | AdminError::InvalidConfig(m)
            | AdminError::InvalidRequest(m)
            | AdminError::InvalidReplicationFactor(m) => KinesisError::invalid_argument(m),
            AdminError::InvalidPartitions(m) => KinesisError::limit_exceeded(m),
            AdminError::Storage(m) => {
                tracing::warn!(stream, error = %m, "Kinesis admin call failed on storage");
                KinesisError::internal("Internal service failure.")
            }
        }
    }

    /// Map a broker error met while appending (PutRecord). Disk trouble is the server's fault:
    /// InternalFailure, as AWS reports its own failures.
    pub fn from_produce(e: ProduceError) -> KinesisError {
        match e {
            ProduceError::Storage(m) => {
                tracing::warn!(error = %m, "Kinesis append failed on storage");
                KinesisError::internal("Internal service failure.")
            }
            ProduceError::TooLarge { size, max } => KinesisError::invalid_argument(format!(
                "The record batch is {size} bytes, more than the shard's limit of {max} bytes."
            )),
            ProduceError::ShardClosed => KinesisError::invalid_argument(
                "The shard is closed after a split or merge and takes no new records.",
            ),
            other => {
                tracing::warn!(error = %other, "Kinesis append refused");
                KinesisError::internal("Internal service failure.")
            }
        }
    }
}

impl std::fmt::Display for KinesisError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for KinesisError {}

pub type KResult<T> = Result<T, KinesisError>;
