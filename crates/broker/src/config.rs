//! Broker-wide settings and per-topic settings: what each means, its default, and how a topic's
//! `key=value` configs (as Kafka clients send them) are parsed and validated. No I/O here.

use sluice_log::LogConfig;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::str::FromStr;

/// When appended bytes are fsynced, and so when a produce is acknowledged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlushPolicy {
    /// Acknowledge acks=1/all only after an fsync; one fsync is shared by every producer that
    /// wrote while the previous one ran (group commit). Readers see only fsynced data.
    Always,
    /// Acknowledge after the write to the page cache; fsync dirty partitions every N ms.
    Interval { interval_ms: u64 },
    /// Leave syncing to the OS (and to segment roll and clean shutdown).
    Never,
}

impl FromStr for FlushPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "always" => Ok(FlushPolicy::Always),
            "never" => Ok(FlushPolicy::Never),
            _ => match s.strip_prefix("interval:") {
                Some(ms) => match ms.parse::<u64>() {
                    Ok(interval_ms) if interval_ms > 0 => Ok(FlushPolicy::Interval { interval_ms }),
                    _ => Err(format!(
                        "flush interval must be a positive number of ms, got '{ms}'"
                    )),
                },
                None => Err(format!(
                    "flush must be 'always', 'interval:<ms>' or 'never', got '{s}'"
                )),
            },
        }
    }
}

impl std::fmt::Display for FlushPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlushPolicy::Always => write!(f, "always"),
            FlushPolicy::Interval { interval_ms } => write!(f, "interval:{interval_ms}"),
            FlushPolicy::Never => write!(f, "never"),
        }
    }
}

/// Settings of the broker core. Protocol fronts have their own.
#[derive(Clone, Debug)]
pub struct BrokerConfig {
    pub data_dir: PathBuf,
    pub flush: FlushPolicy,
    pub auto_create_topics: bool,
    pub num_partitions_default: i32,
    /// Defaults for every topic; a topic's own configs override them.
    pub log_defaults: LogConfig,
    /// Bound on open segment file handles across all partitions.
    pub open_files_max: usize,
    /// How often retention and age-based segment roll are checked.
    pub retention_check_interval_ms: u64,
    /// Bound on partitions a topic may have (and so on CreateTopics/CreatePartitions requests).
    pub partitions_per_topic_max: i32,
    /// Consumer-group settings (session timeout bounds, initial rebalance delay, size).
    pub groups: crate::groups::GroupConfig,
    /// Size at which the internal `__consumer_offsets` partition is rewritten to its live state.
    pub offsets_compact_bytes: u64,
    /// A flush round with at least this many dirty partitions makes them durable with one
    /// syncfs(2) instead of an fdatasync each (where syncfs reports errors); 0 never does.
    pub flush_syncfs_min_partitions: usize,
    /// Flush rounds that may run at once (each on its own thread); at least 1.
    pub flush_threads: usize,
}

impl BrokerConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        BrokerConfig {
            data_dir,
            flush: FlushPolicy::Always,
            auto_create_topics: true,
            num_partitions_default: 4,
            log_defaults: LogConfig::default(),
            open_files_max: 1024,
            retention_check_interval_ms: 60_000,
            partitions_per_topic_max: 100_000,
            groups: crate::groups::GroupConfig {
                session_timeout_min_ms: 6_000,
                session_timeout_max_ms: 1_800_000,
                initial_rebalance_delay_ms: 3_000,
                group_max_size: usize::MAX,
            },
            offsets_compact_bytes: 16 << 20,
            flush_syncfs_min_partitions: 2,
            flush_threads: 1,
        }
    }
}

/// The topic-level configs Sluice implements, as Kafka names them.
pub const TOPIC_CONFIG_KEYS: &[&str] = &[
    "cleanup.policy",
    "max.message.bytes",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.ms",
    "segment.index.bytes",
    "index.interval.bytes",
    "message.timestamp.type",
    "min.insync.replicas",
];

/// Kafka's documentation of each config, shown by DescribeConfigs v3+.
pub fn config_doc(key: &str) -> &'static str {
    match key {
        "cleanup.policy" => "Retention policy for old log segments. Sluice supports 'delete'.",
        "max.message.bytes" => "The largest record batch size allowed, after compression.",
        "retention.bytes" => {
            "Delete old segments when the partition is larger than this; -1 for no limit."
        }
        "retention.ms" => {
            "Delete old segments whose newest record is older than this; -1 for no limit."
        }
        "segment.bytes" => "The segment file size: a new segment is rolled when this is reached.",
        "segment.ms" => "Roll a new segment after this long even if the current one is not full.",
        "segment.index.bytes" => "Accepted for compatibility; Sluice's index files grow as needed.",
        "index.interval.bytes" => "How often (in log bytes) an offset index entry is added.",
        "message.timestamp.type" => "Sluice stores the producer's CreateTime.",
        "min.insync.replicas" => "Sluice is a single replica; only 1 is accepted.",
        _ => "",
    }
}

/// A topic's explicitly set configs, validated. Unset keys take the broker defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TopicConfigs(pub BTreeMap<String, String>);

impl TopicConfigs {
    /// Validate one key/value as Kafka would, with Kafka-like messages.
    pub fn validate(key: &str, value: &str) -> Result<(), String> {
        let int = |min: i64| -> Result<(), String> {
            match value.parse::<i64>() {
                Ok(v) if v >= min => Ok(()),
                _ => Err(format!(
                    "Invalid value {value} for configuration {key}: must be an integer >= {min}"
                )),
            }
        };
        match key {
            "cleanup.policy" => match value {
                "delete" => Ok(()),
                "compact" | "compact,delete" | "delete,compact" => Err(format!(
                    "Invalid value {value} for configuration {key}: log compaction is not implemented yet"
                )),
                _ => Err(format!(
                    "Invalid value {value} for configuration {key}: String must be one of: compact, delete"
                )),
            },
            "max.message.bytes" => int(0),
            "retention.bytes" | "retention.ms" => int(-1),
            "segment.bytes" => int(14),
            "segment.ms" | "segment.index.bytes" => int(1),
            "index.interval.bytes" => int(0),
            "message.timestamp.type" => match value {
                "CreateTime" => Ok(()),
                _ => Err(format!(
                    "Invalid value {value} for configuration {key}: only CreateTime is supported"
                )),
            },
            "min.insync.replicas" => match value {
                "1" => Ok(()),
                _ => Err(format!(
                    "Invalid value {value} for configuration {key}: Sluice has one replica"
                )),
            },
            _ => Err(format!("Unknown topic config name: {key}")),
        }
    }

    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<TopicConfigs, String> {
        let mut map = BTreeMap::new();
        for (k, v) in pairs {
            Self::validate(k, v)?;
            map.insert(k.to_string(), v.to_string());
        }
        Ok(TopicConfigs(map))
    }

    /// The log settings for this topic: broker defaults overridden by explicit configs.
    pub fn log_config(&self, defaults: &LogConfig) -> LogConfig {
        let mut c = defaults.clone();
        let get = |k: &str| self.0.get(k).and_then(|v| v.parse::<i64>().ok());
        if let Some(v) = get("segment.bytes") {
            c.segment_bytes = v as u64;
        }
        if let Some(v) = get("segment.ms") {
            c.segment_ms = v;
        }
        if let Some(v) = get("retention.ms") {
            c.retention_ms = v;
        }
        if let Some(v) = get("retention.bytes") {
            c.retention_bytes = v;
        }
        if let Some(v) = get("index.interval.bytes") {
            c.index_interval_bytes = v as u32;
        }
        if let Some(v) = get("max.message.bytes") {
            c.max_message_bytes = v as usize;
        }
        c
    }

    /// Every implemented config with its effective value and whether it was set on the topic.
    pub fn effective(&self, defaults: &LogConfig) -> Vec<(&'static str, String, bool)> {
        let c = self.log_config(defaults);
        TOPIC_CONFIG_KEYS
            .iter()
            .map(|&k| {
                let default = match k {
                    "cleanup.policy" => "delete".to_string(),
                    "max.message.bytes" => c.max_message_bytes.to_string(),
                    "retention.bytes" => c.retention_bytes.to_string(),
                    "retention.ms" => c.retention_ms.to_string(),
                    "segment.bytes" => c.segment_bytes.to_string(),
                    "segment.ms" => c.segment_ms.to_string(),
                    "segment.index.bytes" => "10485760".to_string(),
                    "index.interval.bytes" => c.index_interval_bytes.to_string(),
                    "message.timestamp.type" => "CreateTime".to_string(),
                    _ => "1".to_string(),
                };
                match self.0.get(k) {
                    Some(v) => (k, v.clone(), true),
                    None => (k, default, false),
                }
            })
            .collect()
    }
}

/// Kafka's rule for topic names: 1..=249 chars of [a-zA-Z0-9._-], not "." or "..".
pub fn validate_topic_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("Topic name is illegal, it can't be empty".into());
    }
    if name == "__consumer_offsets" || name == "__transaction_state" {
        return Err(format!(
            "Topic name \"{name}\" is reserved for Sluice's internal use"
        ));
    }
    if name == "." || name == ".." {
        return Err("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.len() > 249 {
        return Err(format!(
            "Topic name is illegal, it can't be longer than 249 characters, topic name: {name}"
        ));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
    {
        return Err(format!(
            "Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flush_policy_parses_every_form() {
        assert_eq!("always".parse::<FlushPolicy>(), Ok(FlushPolicy::Always));
        assert_eq!("never".parse::<FlushPolicy>(), Ok(FlushPolicy::Never));
        assert_eq!(
            "interval:50".parse::<FlushPolicy>(),
            Ok(FlushPolicy::Interval { interval_ms: 50 })
        );
        assert!("interval:0".parse::<FlushPolicy>().is_err());
        assert!("sometimes".parse::<FlushPolicy>().is_err());
    }

    #[test]
    fn topic_names_follow_kafka_rules() {
        assert!(validate_topic_name("clickstream-events.v1_x").is_ok());
        assert!(validate_topic_name("").is_err());
        assert!(validate_topic_name("..").is_err());
        assert!(validate_topic_name("has space").is_err());
        assert!(validate_topic_name(&"a".repeat(250)).is_err());
    }

    #[test]
    fn unknown_and_unimplemented_configs_are_rejected() {
        assert!(TopicConfigs::from_pairs([("retention.ms", "1000")]).is_ok());
        assert!(TopicConfigs::from_pairs([("retention.ms", "abc")]).is_err());
        assert!(TopicConfigs::from_pairs([("no.such.key", "1")]).is_err());
        assert!(TopicConfigs::from_pairs([("cleanup.policy", "compact")]).is_err());
    }

    #[test]
    fn explicit_configs_override_log_defaults() {
        let t =
            TopicConfigs::from_pairs([("segment.bytes", "1024"), ("retention.ms", "-1")]).unwrap();
        let c = t.log_config(&LogConfig::default());
        assert_eq!(c.segment_bytes, 1024);
        assert_eq!(c.retention_ms, -1);
        let eff = t.effective(&LogConfig::default());
        assert!(eff.contains(&("segment.bytes", "1024".to_string(), true)));
    }
}
