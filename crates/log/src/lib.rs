//! Sluice's storage engine: one partition is a directory of segments holding Kafka v2 record
//! batches exactly as producers sent them, with sparse indexes, crash recovery and group-commit
//! friendly durability.
//!
//! This crate knows nothing about the Kafka or Kinesis wire protocols, sockets, topics or
//! consumer groups: it stores and returns bytes by offset and timestamp. The broker owns the
//! locks (one per partition), the clock (every time-dependent call takes `now_ms`) and the fsync
//! thread (it asks [`PartitionLog::sync_target`] what to sync and reports back with
//! [`PartitionLog::mark_flushed`]).
//!
//! Layers, bytes to state: [`batch`] (one record batch) → [`index`] (the `.index` and
//! `.timeindex` formats) → [`segment`] (one `{base_offset:020}` file set) → [`partition`]
//! (a directory of segments: append, read, retention, recovery). [`records`] decodes the
//! records inside stored batches, every codec bounded, for the few places the server looks
//! inside one. [`files`] bounds the number of open file handles across every partition of the
//! process. [`FilesystemSync`] lets a caller
//! that opens or closes many partitions make them durable with one syncfs(2) instead of fsyncs
//! per partition.

pub mod batch;
pub mod disk;
pub mod files;
pub mod index;
pub mod partition;
pub mod records;
pub mod segment;

mod checkpoint;
mod fs_sync;
mod recovery;
mod scan;
mod sys;

pub use files::FileBudget;
pub use fs_sync::{sync_filesystem, FilesystemSync};
pub use partition::{
    AppendInfo, CorruptBatch, FileSlice, LogConfig, LogError, PartitionLog, ReadSlice,
    RecoveryReport, RetentionReport, SyncTarget,
};

/// A record's position in a partition's log: dense, starting at 0, never reused.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Offset(pub i64);

impl std::fmt::Display for Offset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}
