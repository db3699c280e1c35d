//! Settings of the Kinesis front, with Kinesis's defaults.

use std::net::SocketAddr;

#[derive(Clone, Debug)]
pub struct KinesisConfig {
    pub listen: SocketAddr,
    /// The account id in ARNs and messages.
    pub account_id: String,
    /// The region used when a request carries none (unsigned requests).
    pub default_region: String,
    /// How long a new stream (or consumer) reports CREATING before ACTIVE.
    pub create_delay_ms: u64,
    /// How long a stream reports UPDATING after resharding or a mode change.
    pub update_delay_ms: u64,
    /// Open shards across all streams (AWS's account shard limit).
    pub shard_limit: usize,
    /// On-demand streams per account.
    pub on_demand_stream_limit: usize,
    /// Shards of a new on-demand stream.
    pub on_demand_shards: i32,
    /// Enhanced fan-out consumers per stream.
    pub consumers_per_stream: usize,
    /// Largest request body accepted (PutRecords carries up to 10 MiB of records).
    pub max_request_bytes: usize,
    /// Records per PutRecords call (Kinesis's 500; may be lowered, not raised).
    pub put_records_max: usize,
    /// Largest record (partition key + data).
    pub max_record_bytes: usize,
    /// Access keys (id -> secret) whose signatures are verified; empty accepts any well-formed
    /// credentials, as local emulators do.
    pub credentials: Vec<(String, String)>,
    /// Emulate the per-shard provisioned limits (1 MiB/s and 1,000 records/s in; 2 MiB/s and 5
    /// GetRecords/s out) with ProvisionedThroughputExceededException.
    pub enforce_shard_limits: bool,
    /// How long a SubscribeToShard session lasts.
    pub subscription_ms: u64,
    /// Connections beyond this are closed on accept.
    pub connections_max: usize,
    /// Requests one HTTP/2 connection may have in flight (its max concurrent streams; an
    /// HTTP/1.1 connection has one at a time).
    pub inflight_per_connection_max: u32,
    /// GetRecords reply bytes, across all connections, that may be waiting to be read by
    /// clients; a GetRecords that would pass it gets ProvisionedThroughputExceededException.
    pub reply_bytes_inflight_max: usize,
    /// A connection whose client has not read any of a pending GetRecords reply for this long
    /// is closed (freeing the reply's budget).
    pub reply_stall_timeout_ms: u64,
}

impl Default for KinesisConfig {
    fn default() -> Self {
        KinesisConfig {
            listen: "127.0.0.1:4567".parse().unwrap(),
            account_id: "000000000000".into(),
            default_region: "us-east-1".into(),
            create_delay_ms: 0,
            update_delay_ms: 0,
            shard_limit: 500,
            on_demand_stream_limit: 50,
            on_demand_shards: 4,
            consumers_per_stream: 20,
            max_request_bytes: 10 << 20,
            put_records_max: 500,
            max_record_bytes: 1 << 20,
            credentials: Vec::new(),
            enforce_shard_limits: false,
            subscription_ms: 300_000,
            connections_max: 10_000,
            inflight_per_connection_max: 200,
            reply_bytes_inflight_max: 256 << 20,
            reply_stall_timeout_ms: 30_000,
        }
    }
}
