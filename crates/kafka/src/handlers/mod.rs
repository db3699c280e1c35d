//! Request to response: one module per Kafka API (or family of admin APIs). Each handler does
//! its immediate work synchronously, in request order (so pipelined produces append in order),
//! and returns either the encoded reply or a future for the part that waits (durability for
//! Produce, long polling for Fetch).

mod api_versions;
mod configs;
mod fetch;
mod groups;
mod init_producer_id;
mod list_offsets;
mod metadata;
mod offsets;
mod produce;
mod topics;

pub use api_versions::api_versions_too_new;

use crate::request::Request;
use crate::response::{self, Frame, Splicer};
use crate::server::Context;
use kafka_protocol::messages::{ApiKey, RequestKind};
use kafka_protocol::protocol::Encodable;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// What a waiting handler finally yields: a reply, no reply (acks=0), or Err to close the
/// connection (a reply that cannot be encoded must never leave the client waiting).
pub type Outcome = Result<Option<Frame>, String>;
pub type BoxFuture = Pin<Box<dyn Future<Output = Outcome> + Send + 'static>>;

/// What a handler hands back to the connection.
pub enum Handled {
    /// The reply now (None: no reply at all, as for acks=0 produce).
    Now(Option<Frame>),
    /// The reply once this future completes.
    Later(BoxFuture),
    /// Close the connection (the request cannot be served), saying why.
    Close(String),
}

/// The request's identity, needed to encode its reply.
#[derive(Clone, Copy)]
pub struct Reply {
    pub api_key: ApiKey,
    pub version: i16,
    pub correlation_id: i32,
}

impl Reply {
    /// Encode a response body with the right header version for this request.
    pub fn encode<R: Encodable>(&self, body: &R, splicer: Splicer) -> Result<Frame, String> {
        let header_version = self.api_key.response_header_version(self.version);
        response::encode(self.correlation_id, header_version, body, self.version, splicer).map_err(|e| {
            tracing::error!(api = ?self.api_key, version = self.version, error = %e, "could not encode a response");
            format!("could not encode the {:?} v{} response: {e}", self.api_key, self.version)
        })
    }

    /// The reply now, or a closed connection if it cannot be encoded.
    pub fn now<R: Encodable>(&self, body: &R) -> Handled {
        self.finish(body, Splicer::default())
    }

    pub fn finish<R: Encodable>(&self, body: &R, splicer: Splicer) -> Handled {
        match self.encode(body, splicer) {
            Ok(f) => Handled::Now(Some(f)),
            Err(e) => Handled::Close(e),
        }
    }
}

pub fn handle(ctx: &Arc<Context>, req: Request) -> Handled {
    let reply = Reply {
        api_key: req.api_key,
        version: req.header.request_api_version,
        correlation_id: req.header.correlation_id,
    };
    match req.body {
        RequestKind::ApiVersions(r) => api_versions::handle(reply, r),
        RequestKind::Metadata(r) => metadata::handle(ctx, reply, r),
        RequestKind::Produce(r) => produce::handle(ctx, reply, r),
        RequestKind::Fetch(r) => fetch::handle(ctx, reply, r),
        RequestKind::ListOffsets(r) => list_offsets::handle(ctx, reply, r),
        RequestKind::InitProducerId(r) => init_producer_id::handle(ctx, reply, r),
        RequestKind::CreateTopics(r) => topics::create_topics(ctx, reply, r),
        RequestKind::DeleteTopics(r) => topics::delete_topics(ctx, reply, r),
        RequestKind::CreatePartitions(r) => topics::create_partitions(ctx, reply, r),
        RequestKind::DescribeConfigs(r) => configs::describe_configs(ctx, reply, r),
        RequestKind::FindCoordinator(r) => groups::find_coordinator(ctx, reply, r),
        RequestKind::JoinGroup(r) => {
            let client_id = req
                .header
                .client_id
                .as_ref()
                .map(|c| c.to_string())
                .unwrap_or_default();
            groups::join_group(ctx, reply, r, client_id, req.client_host)
        }
        RequestKind::SyncGroup(r) => groups::sync_group(ctx, reply, r),
        RequestKind::Heartbeat(r) => groups::heartbeat(ctx, reply, r),
        RequestKind::LeaveGroup(r) => groups::leave_group(ctx, reply, r),
        RequestKind::DescribeGroups(r) => groups::describe_groups(ctx, reply, r),
        RequestKind::ListGroups(r) => groups::list_groups(ctx, reply, r),
        RequestKind::DeleteGroups(r) => groups::delete_groups(ctx, reply, r),
        RequestKind::OffsetCommit(r) => offsets::offset_commit(ctx, reply, r),
        RequestKind::OffsetFetch(r) => offsets::offset_fetch(ctx, reply, r),
        RequestKind::OffsetDelete(r) => offsets::offset_delete(ctx, reply, r),
        // `request::decode` only lets through what `versions::SUPPORTED` lists.
        other => Handled::Close(format!("no handler for {other:?}")),
    }
}
