//! Resolving `serve` settings: the TOML file's shape, its merge with environment variables and
//! flags (flags and SLUICE_* variables win over the file), validation, and the defaults.

use crate::serve::ServeArgs;
use serde::Deserialize;
use sluice_broker::BrokerConfig;
#[cfg(test)]
use sluice_broker::FlushPolicy;
use sluice_kafka::KafkaConfig;
use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// The config file. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub flush: Option<String>,
    pub auto_create_topics: Option<bool>,
    pub num_partitions: Option<i32>,
    pub open_files_max: Option<usize>,
    pub retention_check_interval_ms: Option<u64>,
    pub offsets_compact_bytes: Option<u64>,
    pub flush_syncfs_min_partitions: Option<usize>,
    pub flush_threads: Option<usize>,
    #[serde(default)]
    pub kafka: KafkaSection,
    #[serde(default)]
    pub admin: AdminSection,
    #[serde(default)]
    pub kinesis: KinesisSection,
    #[serde(default)]
    pub log: LogSection,
    #[serde(default)]
    pub groups: GroupsSection,
    #[serde(default, rename = "topic")]
    pub topics: Vec<TopicDecl>,
    #[serde(default, rename = "stream")]
    pub streams: Vec<StreamDecl>,
}

/// The Kinesis listener and its account-level settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KinesisSection {
    pub listen: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub create_delay_ms: Option<u64>,
    pub update_delay_ms: Option<u64>,
    pub shard_limit: Option<usize>,
    pub on_demand_stream_limit: Option<usize>,
    pub consumers_per_stream: Option<usize>,
    pub request_bytes_max: Option<usize>,
    /// Records per PutRecords call, at most 500 (Kinesis's limit).
    pub put_records_max: Option<usize>,
    pub record_bytes_max: Option<usize>,
    pub connections_max: Option<usize>,
    pub inflight_per_connection_max: Option<u32>,
    pub reply_bytes_inflight_max: Option<usize>,
    pub reply_stall_timeout_ms: Option<u64>,
    pub enforce_shard_limits: Option<bool>,
    /// Access keys whose signatures are verified: `credentials = [{ access_key_id = "...",
    /// secret_access_key = "..." }]`. Without any, well-formed credentials are accepted.
    #[serde(default)]
    pub credentials: Vec<CredentialDecl>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialDecl {
    pub access_key_id: String,
    pub secret_access_key: String,
}

/// A Kinesis stream that must exist at start-up: `[[stream]] name = "x" shards = 2`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StreamDecl {
    pub name: String,
    pub shards: Option<i32>,
    /// PROVISIONED (default) or ON_DEMAND.
    pub mode: Option<String>,
    pub retention_hours: Option<i64>,
}

/// Consumer-group settings (Kafka's group.* broker settings).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupsSection {
    pub initial_rebalance_delay_ms: Option<i32>,
    pub session_timeout_min_ms: Option<i32>,
    pub session_timeout_max_ms: Option<i32>,
    pub max_size: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaSection {
    pub listen: Option<String>,
    pub advertised_host: Option<String>,
    pub node_id: Option<i32>,
    pub request_bytes_max: Option<usize>,
    pub inflight_per_connection_max: Option<usize>,
    pub request_bytes_inflight_max: Option<usize>,
    pub connections_max: Option<usize>,
    pub fetch_response_bytes_max: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSection {
    pub listen: Option<String>,
}

/// Broker-wide defaults of the topic-level settings (Kafka's log.* settings).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSection {
    pub segment_bytes: Option<u64>,
    pub segment_ms: Option<i64>,
    pub retention_ms: Option<i64>,
    pub retention_bytes: Option<i64>,
    pub index_interval_bytes: Option<u32>,
    pub max_message_bytes: Option<usize>,
    /// Bound on what one stored batch may decompress to (`sluice_log::records`).
    pub batch_decompressed_bytes_max: Option<usize>,
}

/// A topic that must exist at start-up: `[[topic]] name = "x" partitions = 6 configs = {...}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDecl {
    pub name: String,
    pub partitions: Option<i32>,
    #[serde(default)]
    pub configs: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub broker: BrokerConfig,
    pub kafka: KafkaConfig,
    pub kinesis: sluice_kinesis::KinesisConfig,
    pub streams: Vec<StreamDecl>,
    pub admin_listen: SocketAddr,
    pub topics: Vec<TopicDecl>,
    /// What one record batch may decompress to when the server looks inside it.
    pub batch_decompressed_bytes_max: usize,
}

fn addr(s: &str, what: &str) -> Result<SocketAddr, String> {
    s.to_socket_addrs()
        .map_err(|e| format!("{what} '{s}': {e}"))?
        .next()
        .ok_or_else(|| format!("{what} '{s}' resolves to no address"))
}

impl Settings {
    pub fn resolve(args: &ServeArgs) -> Result<Settings, String> {
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("reading {}: {e}", path.display()))?;
                toml::from_str::<FileConfig>(&text)
                    .map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        Self::merge(args, file)
    }

    fn merge(args: &ServeArgs, f: FileConfig) -> Result<Settings, String> {
        let data_dir = args
            .data_dir
            .clone()
            .or(f.data_dir)
            .unwrap_or_else(|| PathBuf::from("./sluice-data"));
        let mut broker = BrokerConfig::new(data_dir);
        if let Some(p) = args.flush.as_deref().or(f.flush.as_deref()) {
            broker.flush = p.parse()?;
        }
        broker.auto_create_topics = args
            .auto_create_topics
            .or(f.auto_create_topics)
            .unwrap_or(true);
        broker.num_partitions_default = args.num_partitions.or(f.num_partitions).unwrap_or(4);
        if broker.num_partitions_default < 1 {
            return Err("num_partitions must be at least 1".into());
        }
        if let Some(n) = f.open_files_max {
            broker.open_files_max = n.max(16);
        }
        if let Some(n) = f.offsets_compact_bytes {
            broker.offsets_compact_bytes = n;
        }
        if let Some(n) = f.flush_syncfs_min_partitions {
            broker.flush_syncfs_min_partitions = n;
        }
        if let Some(n) = f.flush_threads {
            broker.flush_threads = n.max(1);
        }
        if let Some(ms) = f.retention_check_interval_ms {
            broker.retention_check_interval_ms = ms;
        }
        apply_log(&mut broker.log_defaults, &f.log);
        let g = &mut broker.groups;
        if let Some(v) = args
            .group_initial_rebalance_delay_ms
            .or(f.groups.initial_rebalance_delay_ms)
        {
            g.initial_rebalance_delay_ms = v.max(0);
        }
        g.session_timeout_min_ms = f
            .groups
            .session_timeout_min_ms
            .unwrap_or(g.session_timeout_min_ms);
        g.session_timeout_max_ms = f
            .groups
            .session_timeout_max_ms
            .unwrap_or(g.session_timeout_max_ms);
        g.group_max_size = f.groups.max_size.unwrap_or(g.group_max_size);
        let listen = args
            .kafka_listen
            .clone()
            .or(f.kafka.listen.clone())
            .unwrap_or_else(|| "127.0.0.1:9092".into());
        let mut kafka = KafkaConfig::new(addr(&listen, "kafka listen address")?);
        kafka.advertised_host = args
            .kafka_advertised_host
            .clone()
            .or(f.kafka.advertised_host.clone())
            .unwrap_or_else(|| advertise(&kafka.listen));
        let k = &f.kafka;
        kafka.node_id = k.node_id.unwrap_or(0);
        kafka.request_bytes_max = k.request_bytes_max.unwrap_or(kafka.request_bytes_max);
        kafka.inflight_per_connection_max = k
            .inflight_per_connection_max
            .unwrap_or(kafka.inflight_per_connection_max);
        kafka.request_bytes_inflight_max = k
            .request_bytes_inflight_max
            .unwrap_or(kafka.request_bytes_inflight_max)
            .max(1);
        kafka.connections_max = k.connections_max.unwrap_or(kafka.connections_max);
        kafka.fetch_response_bytes_max = k
            .fetch_response_bytes_max
            .unwrap_or(kafka.fetch_response_bytes_max);
        let admin = args
            .admin_listen
            .clone()
            .or(f.admin.listen)
            .unwrap_or_else(|| "127.0.0.1:9644".into());
        let kinesis = kinesis_config(args, &f.kinesis)?;
        Ok(Settings {
            broker,
            kafka,
            kinesis,
            streams: f.streams,
            admin_listen: addr(&admin, "admin listen address")?,
            topics: f.topics,
            batch_decompressed_bytes_max: f
                .log
                .batch_decompressed_bytes_max
                .unwrap_or(sluice_log::records::DEFAULT_MAX_DECOMPRESSED_BYTES)
                .max(1 << 20),
        })
    }
}

fn kinesis_config(
    args: &ServeArgs,
    k: &KinesisSection,
) -> Result<sluice_kinesis::KinesisConfig, String> {
    let mut c = sluice_kinesis::KinesisConfig::default();
    let listen = args
        .kinesis_listen
        .clone()
        .or(k.listen.clone())
        .unwrap_or_else(|| "127.0.0.1:4567".into());
    c.listen = addr(&listen, "kinesis listen address")?;
    if let Some(a) = &k.account_id {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("kinesis.account_id '{a}' must be 12 digits"));
        }
        c.account_id = a.clone();
    }
    if let Some(r) = &k.region {
        c.default_region = r.clone();
    }
    c.create_delay_ms = k.create_delay_ms.unwrap_or(c.create_delay_ms);
    c.update_delay_ms = k.update_delay_ms.unwrap_or(c.update_delay_ms);
    c.shard_limit = k.shard_limit.unwrap_or(c.shard_limit);
    c.on_demand_stream_limit = k.on_demand_stream_limit.unwrap_or(c.on_demand_stream_limit);
    c.consumers_per_stream = k.consumers_per_stream.unwrap_or(c.consumers_per_stream);
    c.max_request_bytes = k.request_bytes_max.unwrap_or(c.max_request_bytes);
    if let Some(n) = k.put_records_max {
        if !(1..=500).contains(&n) {
            return Err(format!(
                "kinesis.put_records_max {n} must be between 1 and 500"
            ));
        }
        c.put_records_max = n;
    }
    c.max_record_bytes = k.record_bytes_max.unwrap_or(c.max_record_bytes);
    c.connections_max = k.connections_max.unwrap_or(c.connections_max);
    c.inflight_per_connection_max = k
        .inflight_per_connection_max
        .unwrap_or(c.inflight_per_connection_max);
    c.reply_bytes_inflight_max = k
        .reply_bytes_inflight_max
        .unwrap_or(c.reply_bytes_inflight_max);
    c.reply_stall_timeout_ms = k.reply_stall_timeout_ms.unwrap_or(c.reply_stall_timeout_ms);
    c.enforce_shard_limits = args
        .kinesis_enforce_shard_limits
        .or(k.enforce_shard_limits)
        .unwrap_or(false);
    c.credentials = k
        .credentials
        .iter()
        .map(|d| (d.access_key_id.clone(), d.secret_access_key.clone()))
        .collect();
    Ok(c)
}

/// A wildcard listen address is advertised as 127.0.0.1 (reachable, and never `localhost`,
/// which some resolvers turn into ::1 first).
fn advertise(listen: &SocketAddr) -> String {
    if listen.ip().is_unspecified() {
        "127.0.0.1".into()
    } else {
        listen.ip().to_string()
    }
}

fn apply_log(c: &mut sluice_log::LogConfig, l: &LogSection) {
    if let Some(v) = l.segment_bytes {
        c.segment_bytes = v;
    }
    if let Some(v) = l.segment_ms {
        c.segment_ms = v;
    }
    if let Some(v) = l.retention_ms {
        c.retention_ms = v;
    }
    if let Some(v) = l.retention_bytes {
        c.retention_bytes = v;
    }
    if let Some(v) = l.index_interval_bytes {
        c.index_interval_bytes = v;
    }
    if let Some(v) = l.max_message_bytes {
        c.max_message_bytes = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_design_brief() {
        let s = Settings::merge(&ServeArgs::default(), FileConfig::default()).unwrap();
        assert_eq!(s.kafka.listen.to_string(), "127.0.0.1:9092");
        assert_eq!(s.kafka.advertised_host, "127.0.0.1");
        assert_eq!(s.admin_listen.to_string(), "127.0.0.1:9644");
        assert_eq!(s.broker.data_dir, PathBuf::from("./sluice-data"));
        assert_eq!(s.broker.flush, FlushPolicy::Always);
        assert!(s.broker.auto_create_topics);
        assert_eq!(s.broker.num_partitions_default, 4);
    }

    #[test]
    fn flags_override_the_file_and_topics_are_declared() {
        let file: FileConfig = toml::from_str(
            r#"
            data_dir = "/from/file"
            flush = "never"
            [kafka]
            listen = "0.0.0.0:19092"
            [log]
            retention_ms = 1000
            [[topic]]
            name = "orders"
            partitions = 6
            configs = { "retention.ms" = "60000" }
            "#,
        )
        .unwrap();
        let args = ServeArgs {
            flush: Some("interval:5".into()),
            ..Default::default()
        };
        let s = Settings::merge(&args, file).unwrap();
        assert_eq!(s.broker.data_dir, PathBuf::from("/from/file"));
        assert_eq!(s.broker.flush, FlushPolicy::Interval { interval_ms: 5 });
        assert_eq!(s.kafka.advertised_host, "127.0.0.1");
        assert_eq!(s.broker.log_defaults.retention_ms, 1000);
        assert_eq!(s.topics[0].name, "orders");
        assert_eq!(s.topics[0].partitions, Some(6));
    }

    #[test]
    fn unknown_keys_in_the_file_are_errors() {
        assert!(toml::from_str::<FileConfig>("no_such_key = 1").is_err());
    }
}
