//! The Kafka APIs and versions Sluice implements, the single source for the ApiVersions reply
//! and for the version check every request passes. An API is listed only when every listed
//! version is fully implemented; ranges start at the Kafka 4.x minimum so clients see no gaps.

use kafka_protocol::messages::ApiKey;

/// (API, its name in metrics and logs, min version, max version).
pub const SUPPORTED: &[(ApiKey, &str, i16, i16)] = &[
    (ApiKey::Produce, "Produce", 3, 11),
    (ApiKey::Fetch, "Fetch", 4, 16),
    (ApiKey::ListOffsets, "ListOffsets", 1, 8),
    (ApiKey::Metadata, "Metadata", 0, 13),
    (ApiKey::ApiVersions, "ApiVersions", 0, 4),
    (ApiKey::CreateTopics, "CreateTopics", 2, 7),
    (ApiKey::DeleteTopics, "DeleteTopics", 1, 6),
    (ApiKey::InitProducerId, "InitProducerId", 0, 4),
    (ApiKey::DescribeConfigs, "DescribeConfigs", 1, 4),
    (ApiKey::CreatePartitions, "CreatePartitions", 0, 3),
    (ApiKey::FindCoordinator, "FindCoordinator", 0, 4),
    (ApiKey::JoinGroup, "JoinGroup", 0, 9),
    (ApiKey::SyncGroup, "SyncGroup", 0, 5),
    (ApiKey::Heartbeat, "Heartbeat", 0, 4),
    (ApiKey::LeaveGroup, "LeaveGroup", 0, 5),
    (ApiKey::OffsetCommit, "OffsetCommit", 2, 9),
    (ApiKey::OffsetFetch, "OffsetFetch", 1, 9),
    (ApiKey::OffsetDelete, "OffsetDelete", 0, 0),
    (ApiKey::DescribeGroups, "DescribeGroups", 0, 5),
    (ApiKey::ListGroups, "ListGroups", 0, 5),
    (ApiKey::DeleteGroups, "DeleteGroups", 0, 2),
];

/// The supported range for an API key, if Sluice implements it.
pub fn supported(key: ApiKey) -> Option<(i16, i16)> {
    SUPPORTED
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|&(_, _, lo, hi)| (lo, hi))
}

/// The API's name for metrics ("Unknown" for keys Sluice does not implement).
pub fn name(key: ApiKey) -> &'static str {
    SUPPORTED
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|&(_, n, _, _)| n)
        .unwrap_or("Unknown")
}

pub fn is_supported(key: ApiKey, version: i16) -> bool {
    supported(key).is_some_and(|(lo, hi)| (lo..=hi).contains(&version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_advertised_range_is_one_the_codec_can_decode_and_encode() {
        for &(key, _, lo, hi) in SUPPORTED {
            let valid = key.valid_versions();
            assert!(lo <= hi, "{key:?}");
            assert!(
                valid.min <= lo && hi <= valid.max,
                "{key:?} {lo}..{hi} vs {valid:?}"
            );
        }
    }
}
