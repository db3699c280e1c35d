//! What the broker says about topics, shared by every command: Metadata (which topics exist,
//! their ids, partitions and leaders) and ListOffsets (a partition's log start and end). It turns
//! per-topic and per-partition error codes into `CliError`s and leaves printing to the commands.

use super::conn::Connection;
use super::error::{check_code, cli_error, kafka_error, Result};
use kafka_protocol::messages::list_offsets_request::{ListOffsetsPartition, ListOffsetsTopic};
use kafka_protocol::messages::metadata_request::MetadataRequestTopic;
use kafka_protocol::messages::metadata_response::MetadataResponseTopic;
use kafka_protocol::messages::{
    BrokerId, ListOffsetsRequest, MetadataRequest, MetadataResponse, TopicName,
};
use kafka_protocol::protocol::StrBytes;
use std::collections::BTreeMap;
use std::time::Duration;

/// Highest Metadata version this client sends.
const METADATA_VERSION_MAX: i16 = 12;
/// Highest ListOffsets version this client sends.
const LIST_OFFSETS_VERSION_MAX: i16 = 7;
/// Metadata lookups of a topic that is still being created.
const METADATA_ATTEMPTS_MAX: u32 = 20;
const METADATA_RETRY_BACKOFF_MS: u64 = 100;
const LEADER_NOT_AVAILABLE: i16 = 5;
/// ListOffsets timestamp meaning "the log start offset".
pub const TIMESTAMP_EARLIEST: i64 = -2;
/// ListOffsets timestamp meaning "the log end offset" (high watermark).
pub const TIMESTAMP_LATEST: i64 = -1;

/// One topic as Metadata reports it; `partitions` is sorted by index.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicMetadata {
    pub name: String,
    pub topic_id: uuid::Uuid,
    pub partitions: Vec<PartitionMetadata>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PartitionMetadata {
    pub index: i32,
    pub leader_id: i32,
    pub error_code: i16,
}

/// Metadata for one topic; UNKNOWN_TOPIC_OR_PARTITION and friends become errors.
pub async fn topic(conn: &mut Connection, name: &str) -> Result<TopicMetadata> {
    topic_with(conn, name, AutoCreate::No).await
}

/// Whether a Metadata lookup asks the server to create a missing topic (if its policy allows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutoCreate {
    Yes,
    No,
}

/// Metadata for one topic; a topic that is still being created (LEADER_NOT_AVAILABLE) is asked
/// for again, up to `METADATA_ATTEMPTS_MAX` times.
pub async fn topic_with(
    conn: &mut Connection,
    name: &str,
    auto_create: AutoCreate,
) -> Result<TopicMetadata> {
    let wanted = MetadataRequestTopic::default().with_name(Some(topic_name(name)));
    for _attempt in 0..METADATA_ATTEMPTS_MAX {
        let response = metadata(conn, Some(vec![wanted.clone()]), auto_create).await?;
        let Some(found) = response.topics.into_iter().find(|t| name_is(&t.name, name)) else {
            return Err(cli_error!("topic '{name}': not in the Metadata response"));
        };
        if found.error_code != LEADER_NOT_AVAILABLE {
            check_code(&format!("topic '{name}'"), found.error_code, None)?;
            return Ok(to_topic_metadata(found));
        }
        tokio::time::sleep(Duration::from_millis(METADATA_RETRY_BACKOFF_MS)).await;
    }
    Err(kafka_error(
        &format!("topic '{name}'"),
        LEADER_NOT_AVAILABLE,
        None,
    ))
}

/// Metadata for every topic, sorted by name.
pub async fn all_topics(conn: &mut Connection) -> Result<Vec<TopicMetadata>> {
    let response = metadata(conn, None, AutoCreate::No).await?;
    let mut topics = Vec::with_capacity(response.topics.len());
    for t in response.topics {
        let name = name_of(&t.name);
        check_code(&format!("topic '{name}'"), t.error_code, None)?;
        topics.push(to_topic_metadata(t));
    }
    topics.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(topics)
}

async fn metadata(
    conn: &mut Connection,
    topics: Option<Vec<MetadataRequestTopic>>,
    auto_create: AutoCreate,
) -> Result<MetadataResponse> {
    let version = conn.version::<MetadataRequest>(METADATA_VERSION_MAX)?;
    // v0 spells "all topics" as an empty list; before v4 auto-creation is always requested.
    let topics = if version == 0 {
        Some(topics.unwrap_or_default())
    } else {
        topics
    };
    let request = MetadataRequest::default()
        .with_topics(topics)
        .with_allow_auto_topic_creation(version < 4 || auto_create == AutoCreate::Yes);
    conn.call(&request, version).await
}

fn to_topic_metadata(t: MetadataResponseTopic) -> TopicMetadata {
    let mut partitions: Vec<PartitionMetadata> = t
        .partitions
        .iter()
        .map(|p| PartitionMetadata {
            index: p.partition_index,
            leader_id: p.leader_id.0,
            error_code: p.error_code,
        })
        .collect();
    partitions.sort_by_key(|p| p.index);
    TopicMetadata {
        name: name_of(&t.name),
        topic_id: t.topic_id,
        partitions,
    }
}

/// The offset ListOffsets gives for `timestamp` (`TIMESTAMP_EARLIEST`/`_LATEST`) per partition.
pub async fn offsets(
    conn: &mut Connection,
    topic: &str,
    partitions: &[i32],
    timestamp: i64,
) -> Result<BTreeMap<i32, i64>> {
    let version = conn.version::<ListOffsetsRequest>(LIST_OFFSETS_VERSION_MAX)?;
    let wanted = partitions.iter().map(|&p| {
        ListOffsetsPartition::default()
            .with_partition_index(p)
            .with_current_leader_epoch(-1)
            .with_timestamp(timestamp)
    });
    let request = ListOffsetsRequest::default()
        .with_replica_id(BrokerId(-1))
        .with_topics(vec![ListOffsetsTopic::default()
            .with_name(topic_name(topic))
            .with_partitions(wanted.collect())]);
    let response = conn.call(&request, version).await?;
    let mut found = BTreeMap::new();
    for t in response.topics.iter().filter(|t| t.name.as_str() == topic) {
        for p in &t.partitions {
            let context = format!("topic '{topic}' partition {}", p.partition_index);
            check_code(&context, p.error_code, None)?;
            found.insert(p.partition_index, p.offset);
        }
    }
    if let Some(missing) = partitions.iter().find(|p| !found.contains_key(p)) {
        return Err(cli_error!(
            "topic '{topic}' partition {missing}: no ListOffsets answer"
        ));
    }
    Ok(found)
}

/// Whether a nullable topic name in a response is `name`.
pub fn name_is(found: &Option<TopicName>, name: &str) -> bool {
    found.as_ref().is_some_and(|n| n.as_str() == name)
}

fn name_of(found: &Option<TopicName>) -> String {
    found
        .as_ref()
        .map(|n| n.as_str().to_string())
        .unwrap_or_default()
}

pub fn topic_name(name: &str) -> TopicName {
    TopicName(StrBytes::from_string(name.to_string()))
}

/// Kafka's own rendering of a topic id: URL-safe base64 of the 16 bytes, without padding.
pub fn topic_id_base64(id: &uuid::Uuid) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = id.as_bytes();
    let mut out = String::with_capacity(22);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let sextets = chunk.len() + 1;
        for i in 0..sextets {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Goal: topic ids print the way Kafka's tools print them; method: known Uuid vectors.
    #[test]
    fn topic_id_prints_as_kafka_base64() {
        assert_eq!(
            topic_id_base64(&uuid::Uuid::nil()),
            "AAAAAAAAAAAAAAAAAAAAAA"
        );
        let id = uuid::Uuid::from_u128(0xfbff_ffff_ffff_ffff_ffff_ffff_ffff_ffff);
        assert_eq!(topic_id_base64(&id), "-____________________w");
        let id = uuid::Uuid::parse_str("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0").unwrap();
        assert_eq!(topic_id_base64(&id), "Dx4tPEtaaXiHlqW0w9Lh8A");
    }
}
