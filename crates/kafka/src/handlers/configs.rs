//! DescribeConfigs for topics (every topic-level setting Sluice implements, with its effective
//! value and source) and for the broker (the settings it really runs with, all read-only).

use super::topics::{SOURCE_DEFAULT, SOURCE_TOPIC};
use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::describe_configs_response::{
    DescribeConfigsResourceResult, DescribeConfigsResult, DescribeConfigsSynonym,
};
use kafka_protocol::messages::{DescribeConfigsRequest, DescribeConfigsResponse};
use kafka_protocol::protocol::StrBytes;
use sluice_broker::config::config_doc;
use std::sync::Arc;

const RESOURCE_TOPIC: i8 = 2;
const RESOURCE_BROKER: i8 = 4;
const SOURCE_STATIC_BROKER: i8 = 4;

// Kafka's ConfigType codes.
const TYPE_BOOLEAN: i8 = 1;
const TYPE_STRING: i8 = 2;
const TYPE_INT: i8 = 3;
const TYPE_LONG: i8 = 5;
const TYPE_LIST: i8 = 7;

struct Entry {
    name: &'static str,
    value: String,
    source: i8,
    read_only: bool,
    config_type: i8,
    doc: &'static str,
}

pub fn describe_configs(ctx: &Arc<Context>, reply: Reply, req: DescribeConfigsRequest) -> Handled {
    let results = req
        .resources
        .into_iter()
        .map(|r| {
            let base = DescribeConfigsResult::default()
                .with_resource_type(r.resource_type)
                .with_resource_name(r.resource_name.clone());
            let entries = match r.resource_type {
                RESOURCE_TOPIC => topic_entries(ctx, &r.resource_name),
                RESOURCE_BROKER => broker_entries(ctx, &r.resource_name),
                other => Err((
                    ResponseError::InvalidRequest,
                    format!("Unsupported resource type {other}"),
                )),
            };
            match entries {
                Err((code, m)) => base
                    .with_error_code(code.code())
                    .with_error_message(Some(StrBytes::from_string(m))),
                Ok(entries) => {
                    let keys = r.configuration_keys.as_ref();
                    let configs = entries
                        .into_iter()
                        .filter(|e| {
                            keys.is_none_or(|k| k.is_empty() || k.iter().any(|k| &**k == e.name))
                        })
                        .map(|e| encode_entry(e, req.include_synonyms, req.include_documentation))
                        .collect();
                    base.with_configs(configs)
                }
            }
        })
        .collect();
    reply.now(&DescribeConfigsResponse::default().with_results(results))
}

fn encode_entry(e: Entry, synonyms: bool, docs: bool) -> DescribeConfigsResourceResult {
    let value = Some(StrBytes::from_string(e.value.clone()));
    let mut out = DescribeConfigsResourceResult::default()
        .with_name(StrBytes::from_static_str(e.name))
        .with_value(value.clone())
        .with_read_only(e.read_only)
        .with_config_source(e.source)
        .with_config_type(e.config_type);
    if synonyms {
        out.synonyms = vec![DescribeConfigsSynonym::default()
            .with_name(StrBytes::from_static_str(e.name))
            .with_value(value)
            .with_source(e.source)];
    }
    if docs {
        out.documentation = Some(StrBytes::from_static_str(e.doc));
    }
    out
}

fn type_of(key: &str) -> i8 {
    match key {
        "cleanup.policy" => TYPE_LIST,
        "message.timestamp.type" => TYPE_STRING,
        "retention.bytes" | "retention.ms" | "segment.ms" => TYPE_LONG,
        _ => TYPE_INT,
    }
}

fn topic_entries(ctx: &Context, name: &str) -> Result<Vec<Entry>, (ResponseError, String)> {
    let topic = ctx.broker.topic(name).ok_or((
        ResponseError::UnknownTopicOrPartition,
        format!("Topic {name} does not exist."),
    ))?;
    let effective = topic.configs().effective(&ctx.broker.config().log_defaults);
    Ok(effective
        .into_iter()
        .map(|(k, v, set)| Entry {
            name: k,
            value: v,
            source: if set { SOURCE_TOPIC } else { SOURCE_DEFAULT },
            read_only: false,
            config_type: type_of(k),
            doc: config_doc(k),
        })
        .collect())
}

fn broker_entries(ctx: &Context, name: &str) -> Result<Vec<Entry>, (ResponseError, String)> {
    let node = ctx.config.node_id.to_string();
    if !name.is_empty() && name != node {
        return Err((
            ResponseError::InvalidRequest,
            format!("Broker {name} is not this broker ({node})."),
        ));
    }
    let b = ctx.broker.config();
    let d = &b.log_defaults;
    let fixed = |name, value: String, config_type, doc| Entry {
        name,
        value,
        source: SOURCE_STATIC_BROKER,
        read_only: true,
        config_type,
        doc,
    };
    Ok(vec![
        fixed("node.id", node.clone(), TYPE_INT, "The id of this broker."),
        fixed("broker.id", node, TYPE_INT, "The id of this broker."),
        fixed("listeners", format!("PLAINTEXT://{}", ctx.config.listen), TYPE_LIST, "The Kafka listener."),
        fixed("advertised.listeners", format!("PLAINTEXT://{}:{}", ctx.config.advertised_host, ctx.config.advertised_port), TYPE_LIST, "The address clients are told to connect to."),
        fixed("log.dirs", b.data_dir.display().to_string(), TYPE_STRING, "The data directory."),
        fixed("num.partitions", b.num_partitions_default.to_string(), TYPE_INT, "Partitions of an auto-created topic."),
        fixed("auto.create.topics.enable", b.auto_create_topics.to_string(), TYPE_BOOLEAN, "Create a topic on its first Metadata request."),
        fixed("log.segment.bytes", d.segment_bytes.to_string(), TYPE_INT, "Default segment.bytes."),
        fixed("log.roll.ms", d.segment_ms.to_string(), TYPE_LONG, "Default segment.ms."),
        fixed("log.retention.ms", d.retention_ms.to_string(), TYPE_LONG, "Default retention.ms."),
        fixed("log.retention.bytes", d.retention_bytes.to_string(), TYPE_LONG, "Default retention.bytes."),
        fixed("log.index.interval.bytes", d.index_interval_bytes.to_string(), TYPE_INT, "Default index.interval.bytes."),
        fixed("message.max.bytes", d.max_message_bytes.to_string(), TYPE_INT, "Default max.message.bytes."),
        fixed("socket.request.max.bytes", ctx.config.request_bytes_max.to_string(), TYPE_INT, "The largest request accepted."),
        fixed("sluice.flush", b.flush.to_string(), TYPE_STRING, "When appended data is fsynced: always (group commit before acknowledging), interval:<ms>, or never."),
        fixed("default.replication.factor", "1".into(), TYPE_INT, "Sluice keeps one replica."),
        fixed("min.insync.replicas", "1".into(), TYPE_INT, "Sluice keeps one replica."),
    ])
}
