//! ApiVersions: the table in `versions`, and the KIP-511 answer to a version above ours (a v0
//! body with UNSUPPORTED_VERSION and our ranges, so the client can retry with one we support).

use super::{Handled, Reply};
use crate::response::Splicer;
use crate::versions::SUPPORTED;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::api_versions_response::ApiVersion;
use kafka_protocol::messages::{ApiKey, ApiVersionsRequest, ApiVersionsResponse};

fn api_list() -> Vec<ApiVersion> {
    SUPPORTED
        .iter()
        .map(|&(key, _, lo, hi)| {
            ApiVersion::default()
                .with_api_key(key as i16)
                .with_min_version(lo)
                .with_max_version(hi)
        })
        .collect()
}

pub fn handle(reply: Reply, _req: ApiVersionsRequest) -> Handled {
    let body = ApiVersionsResponse::default().with_api_keys(api_list());
    reply.now(&body)
}

/// The reply to ApiVersions at a version Sluice does not know: always encoded as v0.
pub fn api_versions_too_new(correlation_id: i32) -> Result<crate::response::Frame, String> {
    let body = ApiVersionsResponse::default()
        .with_error_code(ResponseError::UnsupportedVersion.code())
        .with_api_keys(api_list());
    let reply = Reply {
        api_key: ApiKey::ApiVersions,
        version: 0,
        correlation_id,
    };
    reply.encode(&body, Splicer::default())
}
