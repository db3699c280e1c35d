//! InitProducerId for idempotent producers: a fresh producer id at epoch 0, as Kafka does for
//! any request without a transactional id (including KIP-360 epoch-bump requests). Transactional
//! ids are refused until transactions are implemented.

use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::{InitProducerIdRequest, InitProducerIdResponse, ProducerId};
use std::sync::Arc;

pub fn handle(ctx: &Arc<Context>, reply: Reply, req: InitProducerIdRequest) -> Handled {
    let failed = |e: ResponseError| {
        InitProducerIdResponse::default()
            .with_error_code(e.code())
            .with_producer_id(ProducerId(-1))
            .with_producer_epoch(-1)
    };
    let body = if req.transactional_id.is_some() {
        tracing::warn!(
            "InitProducerId with a transactional id: transactions are not supported yet"
        );
        failed(ResponseError::TransactionalIdAuthorizationFailed)
    } else {
        match ctx.broker.allocate_producer_id() {
            Ok(id) => InitProducerIdResponse::default()
                .with_producer_id(ProducerId(id))
                .with_producer_epoch(0),
            Err(e) => {
                tracing::error!(error = %e, "allocating a producer id failed");
                failed(ResponseError::KafkaStorageError)
            }
        }
    };
    reply.now(&body)
}
