//! The Kinesis Data Streams API as data: every operation and every shape of the service
//! model (members, required flags, min/max, patterns, enums), written from the facts in
//! botocore's `kinesis/2013-12-02/service-2.json` (apiVersion 2013-12-02, 57 operations, 311 shapes).
//!
//! Shapes are statics that refer to each other directly; look one up by name with [`shape`],
//! or start from an operation with [`input_shape`] / [`output_shape`]. `min`/`max` bound the
//! length of strings, blobs, lists and maps and the value of integers and longs, as in the
//! model. Patterns are the model's Java regexes, verbatim (see `validate` for the matcher).
//!
//! The shape tables below are generated from the model; edit the generator, not the tables.

/// Every Kinesis operation, named as in `X-Amz-Target: Kinesis_20131202.<name>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    AcknowledgeDeadLetterQueueRecords,
    AcknowledgeQueueRecords,
    AddTagsToStream,
    CreateChannel,
    CreateQueue,
    CreateStream,
    DecreaseStreamRetentionPeriod,
    DeleteChannel,
    DeleteQueue,
    DeleteResourcePolicy,
    DeleteStream,
    DeregisterStreamConsumer,
    DescribeAccountSettings,
    DescribeChannel,
    DescribeLimits,
    DescribeQueue,
    DescribeStream,
    DescribeStreamConsumer,
    DescribeStreamSummary,
    DisableEnhancedMonitoring,
    EnableEnhancedMonitoring,
    GetRecords,
    GetResourcePolicy,
    GetShardIterator,
    IncreaseStreamRetentionPeriod,
    ListChannels,
    ListQueues,
    ListShards,
    ListStreamConsumers,
    ListStreams,
    ListTagsForResource,
    ListTagsForStream,
    MergeShards,
    PutRecord,
    PutRecords,
    PutResourcePolicy,
    ReceiveDeadLetterQueueRecords,
    ReceiveQueueRecords,
    RegisterStreamConsumer,
    RemoveTagsFromStream,
    RestoreDeadLetterQueueRecords,
    SplitShard,
    StartStreamEncryption,
    StopStreamEncryption,
    SubscribeToShard,
    TagResource,
    UntagResource,
    UpdateAccountSettings,
    UpdateChannel,
    UpdateDeadLetterQueueRecordsVisibility,
    UpdateMaxRecordSize,
    UpdateQueue,
    UpdateQueueRecordsVisibility,
    UpdateShardCount,
    UpdateStreamMode,
    UpdateStreamRecordDistributionStrategy,
    UpdateStreamWarmThroughput,
}

const ALL_OPERATIONS: [Operation; 57] = [
    Operation::AcknowledgeDeadLetterQueueRecords,
    Operation::AcknowledgeQueueRecords,
    Operation::AddTagsToStream,
    Operation::CreateChannel,
    Operation::CreateQueue,
    Operation::CreateStream,
    Operation::DecreaseStreamRetentionPeriod,
    Operation::DeleteChannel,
    Operation::DeleteQueue,
    Operation::DeleteResourcePolicy,
    Operation::DeleteStream,
    Operation::DeregisterStreamConsumer,
    Operation::DescribeAccountSettings,
    Operation::DescribeChannel,
    Operation::DescribeLimits,
    Operation::DescribeQueue,
    Operation::DescribeStream,
    Operation::DescribeStreamConsumer,
    Operation::DescribeStreamSummary,
    Operation::DisableEnhancedMonitoring,
    Operation::EnableEnhancedMonitoring,
    Operation::GetRecords,
    Operation::GetResourcePolicy,
    Operation::GetShardIterator,
    Operation::IncreaseStreamRetentionPeriod,
    Operation::ListChannels,
    Operation::ListQueues,
    Operation::ListShards,
    Operation::ListStreamConsumers,
    Operation::ListStreams,
    Operation::ListTagsForResource,
    Operation::ListTagsForStream,
    Operation::MergeShards,
    Operation::PutRecord,
    Operation::PutRecords,
    Operation::PutResourcePolicy,
    Operation::ReceiveDeadLetterQueueRecords,
    Operation::ReceiveQueueRecords,
    Operation::RegisterStreamConsumer,
    Operation::RemoveTagsFromStream,
    Operation::RestoreDeadLetterQueueRecords,
    Operation::SplitShard,
    Operation::StartStreamEncryption,
    Operation::StopStreamEncryption,
    Operation::SubscribeToShard,
    Operation::TagResource,
    Operation::UntagResource,
    Operation::UpdateAccountSettings,
    Operation::UpdateChannel,
    Operation::UpdateDeadLetterQueueRecordsVisibility,
    Operation::UpdateMaxRecordSize,
    Operation::UpdateQueue,
    Operation::UpdateQueueRecordsVisibility,
    Operation::UpdateShardCount,
    Operation::UpdateStreamMode,
    Operation::UpdateStreamRecordDistributionStrategy,
    Operation::UpdateStreamWarmThroughput,
];

impl Operation {
    /// The operation named `name` (the part after `Kinesis_20131202.`), exactly as spelled.
    pub fn from_name(name: &str) -> Option<Operation> {
        ALL_OPERATIONS
            .binary_search_by(|o| o.name().cmp(name))
            .ok()
            .map(|i| ALL_OPERATIONS[i])
    }

    /// The wire name, e.g. `"PutRecords"`.
    pub fn name(self) -> &'static str {
        match self {
            Operation::AcknowledgeDeadLetterQueueRecords => "AcknowledgeDeadLetterQueueRecords",
            Operation::AcknowledgeQueueRecords => "AcknowledgeQueueRecords",
            Operation::AddTagsToStream => "AddTagsToStream",
            Operation::CreateChannel => "CreateChannel",
            Operation::CreateQueue => "CreateQueue",
            Operation::CreateStream => "CreateStream",
            Operation::DecreaseStreamRetentionPeriod => "DecreaseStreamRetentionPeriod",
            Operation::DeleteChannel => "DeleteChannel",
            Operation::DeleteQueue => "DeleteQueue",
            Operation::DeleteResourcePolicy => "DeleteResourcePolicy",
            Operation::DeleteStream => "DeleteStream",
            Operation::DeregisterStreamConsumer => "DeregisterStreamConsumer",
            Operation::DescribeAccountSettings => "DescribeAccountSettings",
            Operation::DescribeChannel => "DescribeChannel",
            Operation::DescribeLimits => "DescribeLimits",
            Operation::DescribeQueue => "DescribeQueue",
            Operation::DescribeStream => "DescribeStream",
            Operation::DescribeStreamConsumer => "DescribeStreamConsumer",
            Operation::DescribeStreamSummary => "DescribeStreamSummary",
            Operation::DisableEnhancedMonitoring => "DisableEnhancedMonitoring",
            Operation::EnableEnhancedMonitoring => "EnableEnhancedMonitoring",
            Operation::GetRecords => "GetRecords",
            Operation::GetResourcePolicy => "GetResourcePolicy",
            Operation::GetShardIterator => "GetShardIterator",
            Operation::IncreaseStreamRetentionPeriod => "IncreaseStreamRetentionPeriod",
            Operation::ListChannels => "ListChannels",
            Operation::ListQueues => "ListQueues",
            Operation::ListShards => "ListShards",
            Operation::ListStreamConsumers => "ListStreamConsumers",
            Operation::ListStreams => "ListStreams",
            Operation::ListTagsForResource => "ListTagsForResource",
            Operation::ListTagsForStream => "ListTagsForStream",
            Operation::MergeShards => "MergeShards",
            Operation::PutRecord => "PutRecord",
            Operation::PutRecords => "PutRecords",
            Operation::PutResourcePolicy => "PutResourcePolicy",
            Operation::ReceiveDeadLetterQueueRecords => "ReceiveDeadLetterQueueRecords",
            Operation::ReceiveQueueRecords => "ReceiveQueueRecords",
            Operation::RegisterStreamConsumer => "RegisterStreamConsumer",
            Operation::RemoveTagsFromStream => "RemoveTagsFromStream",
            Operation::RestoreDeadLetterQueueRecords => "RestoreDeadLetterQueueRecords",
            Operation::SplitShard => "SplitShard",
            Operation::StartStreamEncryption => "StartStreamEncryption",
            Operation::StopStreamEncryption => "StopStreamEncryption",
            Operation::SubscribeToShard => "SubscribeToShard",
            Operation::TagResource => "TagResource",
            Operation::UntagResource => "UntagResource",
            Operation::UpdateAccountSettings => "UpdateAccountSettings",
            Operation::UpdateChannel => "UpdateChannel",
            Operation::UpdateDeadLetterQueueRecordsVisibility => {
                "UpdateDeadLetterQueueRecordsVisibility"
            }
            Operation::UpdateMaxRecordSize => "UpdateMaxRecordSize",
            Operation::UpdateQueue => "UpdateQueue",
            Operation::UpdateQueueRecordsVisibility => "UpdateQueueRecordsVisibility",
            Operation::UpdateShardCount => "UpdateShardCount",
            Operation::UpdateStreamMode => "UpdateStreamMode",
            Operation::UpdateStreamRecordDistributionStrategy => {
                "UpdateStreamRecordDistributionStrategy"
            }
            Operation::UpdateStreamWarmThroughput => "UpdateStreamWarmThroughput",
        }
    }

    /// Every operation, sorted by name.
    pub fn all() -> &'static [Operation] {
        &ALL_OPERATIONS
    }

    /// The operation's input structure.
    pub fn input_shape(self) -> Option<&'static Shape> {
        match self {
            Operation::AcknowledgeDeadLetterQueueRecords => {
                Some(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_INPUT)
            }
            Operation::AcknowledgeQueueRecords => Some(&ACKNOWLEDGE_QUEUE_RECORDS_INPUT),
            Operation::AddTagsToStream => Some(&ADD_TAGS_TO_STREAM_INPUT),
            Operation::CreateChannel => Some(&CREATE_CHANNEL_INPUT),
            Operation::CreateQueue => Some(&CREATE_QUEUE_INPUT),
            Operation::CreateStream => Some(&CREATE_STREAM_INPUT),
            Operation::DecreaseStreamRetentionPeriod => {
                Some(&DECREASE_STREAM_RETENTION_PERIOD_INPUT)
            }
            Operation::DeleteChannel => Some(&DELETE_CHANNEL_INPUT),
            Operation::DeleteQueue => Some(&DELETE_QUEUE_INPUT),
            Operation::DeleteResourcePolicy => Some(&DELETE_RESOURCE_POLICY_INPUT),
            Operation::DeleteStream => Some(&DELETE_STREAM_INPUT),
            Operation::DeregisterStreamConsumer => Some(&DEREGISTER_STREAM_CONSUMER_INPUT),
            Operation::DescribeAccountSettings => Some(&DESCRIBE_ACCOUNT_SETTINGS_INPUT),
            Operation::DescribeChannel => Some(&DESCRIBE_CHANNEL_INPUT),
            Operation::DescribeLimits => Some(&DESCRIBE_LIMITS_INPUT),
            Operation::DescribeQueue => Some(&DESCRIBE_QUEUE_INPUT),
            Operation::DescribeStream => Some(&DESCRIBE_STREAM_INPUT),
            Operation::DescribeStreamConsumer => Some(&DESCRIBE_STREAM_CONSUMER_INPUT),
            Operation::DescribeStreamSummary => Some(&DESCRIBE_STREAM_SUMMARY_INPUT),
            Operation::DisableEnhancedMonitoring => Some(&DISABLE_ENHANCED_MONITORING_INPUT),
            Operation::EnableEnhancedMonitoring => Some(&ENABLE_ENHANCED_MONITORING_INPUT),
            Operation::GetRecords => Some(&GET_RECORDS_INPUT),
            Operation::GetResourcePolicy => Some(&GET_RESOURCE_POLICY_INPUT),
            Operation::GetShardIterator => Some(&GET_SHARD_ITERATOR_INPUT),
            Operation::IncreaseStreamRetentionPeriod => {
                Some(&INCREASE_STREAM_RETENTION_PERIOD_INPUT)
            }
            Operation::ListChannels => Some(&LIST_CHANNELS_INPUT),
            Operation::ListQueues => Some(&LIST_QUEUES_INPUT),
            Operation::ListShards => Some(&LIST_SHARDS_INPUT),
            Operation::ListStreamConsumers => Some(&LIST_STREAM_CONSUMERS_INPUT),
            Operation::ListStreams => Some(&LIST_STREAMS_INPUT),
            Operation::ListTagsForResource => Some(&LIST_TAGS_FOR_RESOURCE_INPUT),
            Operation::ListTagsForStream => Some(&LIST_TAGS_FOR_STREAM_INPUT),
            Operation::MergeShards => Some(&MERGE_SHARDS_INPUT),
            Operation::PutRecord => Some(&PUT_RECORD_INPUT),
            Operation::PutRecords => Some(&PUT_RECORDS_INPUT),
            Operation::PutResourcePolicy => Some(&PUT_RESOURCE_POLICY_INPUT),
            Operation::ReceiveDeadLetterQueueRecords => {
                Some(&RECEIVE_DEAD_LETTER_QUEUE_RECORDS_INPUT)
            }
            Operation::ReceiveQueueRecords => Some(&RECEIVE_QUEUE_RECORDS_INPUT),
            Operation::RegisterStreamConsumer => Some(&REGISTER_STREAM_CONSUMER_INPUT),
            Operation::RemoveTagsFromStream => Some(&REMOVE_TAGS_FROM_STREAM_INPUT),
            Operation::RestoreDeadLetterQueueRecords => {
                Some(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_INPUT)
            }
            Operation::SplitShard => Some(&SPLIT_SHARD_INPUT),
            Operation::StartStreamEncryption => Some(&START_STREAM_ENCRYPTION_INPUT),
            Operation::StopStreamEncryption => Some(&STOP_STREAM_ENCRYPTION_INPUT),
            Operation::SubscribeToShard => Some(&SUBSCRIBE_TO_SHARD_INPUT),
            Operation::TagResource => Some(&TAG_RESOURCE_INPUT),
            Operation::UntagResource => Some(&UNTAG_RESOURCE_INPUT),
            Operation::UpdateAccountSettings => Some(&UPDATE_ACCOUNT_SETTINGS_INPUT),
            Operation::UpdateChannel => Some(&UPDATE_CHANNEL_INPUT),
            Operation::UpdateDeadLetterQueueRecordsVisibility => {
                Some(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_INPUT)
            }
            Operation::UpdateMaxRecordSize => Some(&UPDATE_MAX_RECORD_SIZE_INPUT),
            Operation::UpdateQueue => Some(&UPDATE_QUEUE_INPUT),
            Operation::UpdateQueueRecordsVisibility => Some(&UPDATE_QUEUE_RECORDS_VISIBILITY_INPUT),
            Operation::UpdateShardCount => Some(&UPDATE_SHARD_COUNT_INPUT),
            Operation::UpdateStreamMode => Some(&UPDATE_STREAM_MODE_INPUT),
            Operation::UpdateStreamRecordDistributionStrategy => {
                Some(&UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_INPUT)
            }
            Operation::UpdateStreamWarmThroughput => Some(&UPDATE_STREAM_WARM_THROUGHPUT_INPUT),
        }
    }

    /// The operation's output structure; `None` for operations that answer with an empty body.
    pub fn output_shape(self) -> Option<&'static Shape> {
        match self {
            Operation::AcknowledgeDeadLetterQueueRecords => {
                Some(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT)
            }
            Operation::AcknowledgeQueueRecords => Some(&ACKNOWLEDGE_QUEUE_RECORDS_OUTPUT),
            Operation::AddTagsToStream => None,
            Operation::CreateChannel => Some(&CREATE_CHANNEL_OUTPUT),
            Operation::CreateQueue => Some(&CREATE_QUEUE_OUTPUT),
            Operation::CreateStream => None,
            Operation::DecreaseStreamRetentionPeriod => None,
            Operation::DeleteChannel => None,
            Operation::DeleteQueue => None,
            Operation::DeleteResourcePolicy => None,
            Operation::DeleteStream => None,
            Operation::DeregisterStreamConsumer => None,
            Operation::DescribeAccountSettings => Some(&DESCRIBE_ACCOUNT_SETTINGS_OUTPUT),
            Operation::DescribeChannel => Some(&DESCRIBE_CHANNEL_OUTPUT),
            Operation::DescribeLimits => Some(&DESCRIBE_LIMITS_OUTPUT),
            Operation::DescribeQueue => Some(&DESCRIBE_QUEUE_OUTPUT),
            Operation::DescribeStream => Some(&DESCRIBE_STREAM_OUTPUT),
            Operation::DescribeStreamConsumer => Some(&DESCRIBE_STREAM_CONSUMER_OUTPUT),
            Operation::DescribeStreamSummary => Some(&DESCRIBE_STREAM_SUMMARY_OUTPUT),
            Operation::DisableEnhancedMonitoring => Some(&ENHANCED_MONITORING_OUTPUT),
            Operation::EnableEnhancedMonitoring => Some(&ENHANCED_MONITORING_OUTPUT),
            Operation::GetRecords => Some(&GET_RECORDS_OUTPUT),
            Operation::GetResourcePolicy => Some(&GET_RESOURCE_POLICY_OUTPUT),
            Operation::GetShardIterator => Some(&GET_SHARD_ITERATOR_OUTPUT),
            Operation::IncreaseStreamRetentionPeriod => None,
            Operation::ListChannels => Some(&LIST_CHANNELS_OUTPUT),
            Operation::ListQueues => Some(&LIST_QUEUES_OUTPUT),
            Operation::ListShards => Some(&LIST_SHARDS_OUTPUT),
            Operation::ListStreamConsumers => Some(&LIST_STREAM_CONSUMERS_OUTPUT),
            Operation::ListStreams => Some(&LIST_STREAMS_OUTPUT),
            Operation::ListTagsForResource => Some(&LIST_TAGS_FOR_RESOURCE_OUTPUT),
            Operation::ListTagsForStream => Some(&LIST_TAGS_FOR_STREAM_OUTPUT),
            Operation::MergeShards => None,
            Operation::PutRecord => Some(&PUT_RECORD_OUTPUT),
            Operation::PutRecords => Some(&PUT_RECORDS_OUTPUT),
            Operation::PutResourcePolicy => None,
            Operation::ReceiveDeadLetterQueueRecords => {
                Some(&RECEIVE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT)
            }
            Operation::ReceiveQueueRecords => Some(&RECEIVE_QUEUE_RECORDS_OUTPUT),
            Operation::RegisterStreamConsumer => Some(&REGISTER_STREAM_CONSUMER_OUTPUT),
            Operation::RemoveTagsFromStream => None,
            Operation::RestoreDeadLetterQueueRecords => {
                Some(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT)
            }
            Operation::SplitShard => None,
            Operation::StartStreamEncryption => None,
            Operation::StopStreamEncryption => None,
            Operation::SubscribeToShard => Some(&SUBSCRIBE_TO_SHARD_OUTPUT),
            Operation::TagResource => None,
            Operation::UntagResource => None,
            Operation::UpdateAccountSettings => Some(&UPDATE_ACCOUNT_SETTINGS_OUTPUT),
            Operation::UpdateChannel => Some(&UPDATE_CHANNEL_OUTPUT),
            Operation::UpdateDeadLetterQueueRecordsVisibility => {
                Some(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_OUTPUT)
            }
            Operation::UpdateMaxRecordSize => None,
            Operation::UpdateQueue => Some(&UPDATE_QUEUE_OUTPUT),
            Operation::UpdateQueueRecordsVisibility => {
                Some(&UPDATE_QUEUE_RECORDS_VISIBILITY_OUTPUT)
            }
            Operation::UpdateShardCount => Some(&UPDATE_SHARD_COUNT_OUTPUT),
            Operation::UpdateStreamMode => None,
            Operation::UpdateStreamRecordDistributionStrategy => None,
            Operation::UpdateStreamWarmThroughput => Some(&UPDATE_STREAM_WARM_THROUGHPUT_OUTPUT),
        }
    }

    /// The modeled errors (exception shapes) the operation may return.
    pub fn errors(self) -> &'static [&'static Shape] {
        match self {
            Operation::AcknowledgeDeadLetterQueueRecords => {
                &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERRORS
            }
            Operation::AcknowledgeQueueRecords => &ACKNOWLEDGE_QUEUE_RECORDS_ERRORS,
            Operation::AddTagsToStream => &ADD_TAGS_TO_STREAM_ERRORS,
            Operation::CreateChannel => &CREATE_CHANNEL_ERRORS,
            Operation::CreateQueue => &CREATE_QUEUE_ERRORS,
            Operation::CreateStream => &CREATE_STREAM_ERRORS,
            Operation::DecreaseStreamRetentionPeriod => &DECREASE_STREAM_RETENTION_PERIOD_ERRORS,
            Operation::DeleteChannel => &DELETE_CHANNEL_ERRORS,
            Operation::DeleteQueue => &DELETE_QUEUE_ERRORS,
            Operation::DeleteResourcePolicy => &DELETE_RESOURCE_POLICY_ERRORS,
            Operation::DeleteStream => &DELETE_STREAM_ERRORS,
            Operation::DeregisterStreamConsumer => &DEREGISTER_STREAM_CONSUMER_ERRORS,
            Operation::DescribeAccountSettings => &DESCRIBE_ACCOUNT_SETTINGS_ERRORS,
            Operation::DescribeChannel => &DESCRIBE_CHANNEL_ERRORS,
            Operation::DescribeLimits => &DESCRIBE_LIMITS_ERRORS,
            Operation::DescribeQueue => &DESCRIBE_QUEUE_ERRORS,
            Operation::DescribeStream => &DESCRIBE_STREAM_ERRORS,
            Operation::DescribeStreamConsumer => &DESCRIBE_STREAM_CONSUMER_ERRORS,
            Operation::DescribeStreamSummary => &DESCRIBE_STREAM_SUMMARY_ERRORS,
            Operation::DisableEnhancedMonitoring => &DISABLE_ENHANCED_MONITORING_ERRORS,
            Operation::EnableEnhancedMonitoring => &ENABLE_ENHANCED_MONITORING_ERRORS,
            Operation::GetRecords => &GET_RECORDS_ERRORS,
            Operation::GetResourcePolicy => &GET_RESOURCE_POLICY_ERRORS,
            Operation::GetShardIterator => &GET_SHARD_ITERATOR_ERRORS,
            Operation::IncreaseStreamRetentionPeriod => &INCREASE_STREAM_RETENTION_PERIOD_ERRORS,
            Operation::ListChannels => &LIST_CHANNELS_ERRORS,
            Operation::ListQueues => &LIST_QUEUES_ERRORS,
            Operation::ListShards => &LIST_SHARDS_ERRORS,
            Operation::ListStreamConsumers => &LIST_STREAM_CONSUMERS_ERRORS,
            Operation::ListStreams => &LIST_STREAMS_ERRORS,
            Operation::ListTagsForResource => &LIST_TAGS_FOR_RESOURCE_ERRORS,
            Operation::ListTagsForStream => &LIST_TAGS_FOR_STREAM_ERRORS,
            Operation::MergeShards => &MERGE_SHARDS_ERRORS,
            Operation::PutRecord => &PUT_RECORD_ERRORS,
            Operation::PutRecords => &PUT_RECORDS_ERRORS,
            Operation::PutResourcePolicy => &PUT_RESOURCE_POLICY_ERRORS,
            Operation::ReceiveDeadLetterQueueRecords => &RECEIVE_DEAD_LETTER_QUEUE_RECORDS_ERRORS,
            Operation::ReceiveQueueRecords => &RECEIVE_QUEUE_RECORDS_ERRORS,
            Operation::RegisterStreamConsumer => &REGISTER_STREAM_CONSUMER_ERRORS,
            Operation::RemoveTagsFromStream => &REMOVE_TAGS_FROM_STREAM_ERRORS,
            Operation::RestoreDeadLetterQueueRecords => &RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERRORS,
            Operation::SplitShard => &SPLIT_SHARD_ERRORS,
            Operation::StartStreamEncryption => &START_STREAM_ENCRYPTION_ERRORS,
            Operation::StopStreamEncryption => &STOP_STREAM_ENCRYPTION_ERRORS,
            Operation::SubscribeToShard => &SUBSCRIBE_TO_SHARD_ERRORS,
            Operation::TagResource => &TAG_RESOURCE_ERRORS,
            Operation::UntagResource => &UNTAG_RESOURCE_ERRORS,
            Operation::UpdateAccountSettings => &UPDATE_ACCOUNT_SETTINGS_ERRORS,
            Operation::UpdateChannel => &UPDATE_CHANNEL_ERRORS,
            Operation::UpdateDeadLetterQueueRecordsVisibility => {
                &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERRORS
            }
            Operation::UpdateMaxRecordSize => &UPDATE_MAX_RECORD_SIZE_ERRORS,
            Operation::UpdateQueue => &UPDATE_QUEUE_ERRORS,
            Operation::UpdateQueueRecordsVisibility => &UPDATE_QUEUE_RECORDS_VISIBILITY_ERRORS,
            Operation::UpdateShardCount => &UPDATE_SHARD_COUNT_ERRORS,
            Operation::UpdateStreamMode => &UPDATE_STREAM_MODE_ERRORS,
            Operation::UpdateStreamRecordDistributionStrategy => {
                &UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_ERRORS
            }
            Operation::UpdateStreamWarmThroughput => &UPDATE_STREAM_WARM_THROUGHPUT_ERRORS,
        }
    }
}

/// The operation's input structure (every operation has one).
pub fn input_shape(op: Operation) -> Option<&'static Shape> {
    op.input_shape()
}

/// The operation's output structure, if it has one.
pub fn output_shape(op: Operation) -> Option<&'static Shape> {
    op.output_shape()
}

/// The shape named `name` in the model (e.g. `"SubscribeToShardEvent"`, `"StreamName"`).
pub fn shape(name: &str) -> Option<&'static Shape> {
    SHAPES
        .binary_search_by(|s| s.name.cmp(name))
        .ok()
        .map(|i| SHAPES[i])
}

/// Every shape in the model, sorted by name.
pub fn all_shapes() -> &'static [&'static Shape] {
    SHAPES
}

/// What a shape holds. Aggregates refer to their member shapes.
#[derive(Debug)]
pub enum ShapeKind {
    String,
    Blob,
    Boolean,
    Integer,
    Long,
    Double,
    Float,
    Timestamp,
    List(&'static Shape),
    /// Key shape, value shape.
    Map(&'static Shape, &'static Shape),
    Structure(&'static [Member]),
}

/// One member of a structure: its wire name (PascalCase, as in the model), its shape, and
/// whether the model lists it as required.
#[derive(Debug)]
pub struct Member {
    pub name: &'static str,
    pub shape: &'static Shape,
    pub required: bool,
}

/// A named shape of the model.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub kind: ShapeKind,
    /// Length (string in characters, blob in bytes, list/map in entries) or value (integer,
    /// long) lower bound.
    pub min: Option<i64>,
    /// Upper bound, like `min`.
    pub max: Option<i64>,
    /// Java regular expression the whole string must match.
    pub pattern: Option<&'static str>,
    /// Allowed values of an enum string, in the model's order; empty when not an enum.
    pub enum_values: &'static [&'static str],
    /// An error shape (`exception` in the model).
    pub exception: bool,
    /// A server fault (`fault`), i.e. a 5xx error shape.
    pub fault: bool,
    /// An event of an event stream (`event`).
    pub event: bool,
    /// An event-stream union (`eventstream`).
    pub event_stream: bool,
}

impl Shape {
    const fn new(name: &'static str, kind: ShapeKind) -> Shape {
        Shape {
            name,
            kind,
            min: None,
            max: None,
            pattern: None,
            enum_values: &[],
            exception: false,
            fault: false,
            event: false,
            event_stream: false,
        }
    }

    const fn min(mut self, v: i64) -> Shape {
        self.min = Some(v);
        self
    }

    const fn max(mut self, v: i64) -> Shape {
        self.max = Some(v);
        self
    }

    const fn pattern(mut self, p: &'static str) -> Shape {
        self.pattern = Some(p);
        self
    }

    const fn enums(mut self, values: &'static [&'static str]) -> Shape {
        self.enum_values = values;
        self
    }

    const fn exception(mut self) -> Shape {
        self.exception = true;
        self
    }

    const fn fault(mut self) -> Shape {
        self.fault = true;
        self
    }

    const fn event(mut self) -> Shape {
        self.event = true;
        self
    }

    const fn event_stream(mut self) -> Shape {
        self.event_stream = true;
        self
    }

    /// The members of a structure (empty for other kinds).
    pub fn members(&self) -> &'static [Member] {
        match self.kind {
            ShapeKind::Structure(m) => m,
            _ => &[],
        }
    }

    /// The structure member with wire name `name`.
    pub fn member(&self, name: &str) -> Option<&'static Member> {
        self.members().iter().find(|m| m.name == name)
    }

    /// Whether the shape is a structure (including exceptions and events).
    pub fn is_structure(&self) -> bool {
        matches!(self.kind, ShapeKind::Structure(_))
    }
}

const fn req(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        shape,
        required: true,
    }
}

const fn opt(name: &'static str, shape: &'static Shape) -> Member {
    Member {
        name,
        shape,
        required: false,
    }
}

static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERRORS: [&Shape; 5] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static ACKNOWLEDGE_QUEUE_RECORDS_ERRORS: [&Shape; 5] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static ADD_TAGS_TO_STREAM_ERRORS: [&Shape; 5] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static CREATE_CHANNEL_ERRORS: [&Shape; 12] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static CREATE_QUEUE_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static CREATE_STREAM_ERRORS: [&Shape; 4] = [
    &RESOURCE_IN_USE_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &VALIDATION_EXCEPTION,
];
static DECREASE_STREAM_RETENTION_PERIOD_ERRORS: [&Shape; 5] = [
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static DELETE_CHANNEL_ERRORS: [&Shape; 5] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static DELETE_QUEUE_ERRORS: [&Shape; 6] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static DELETE_RESOURCE_POLICY_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static DELETE_STREAM_ERRORS: [&Shape; 5] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static DEREGISTER_STREAM_CONSUMER_ERRORS: [&Shape; 3] = [
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
];
static DESCRIBE_ACCOUNT_SETTINGS_ERRORS: [&Shape; 1] = [&LIMIT_EXCEEDED_EXCEPTION];
static DESCRIBE_CHANNEL_ERRORS: [&Shape; 5] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static DESCRIBE_LIMITS_ERRORS: [&Shape; 1] = [&LIMIT_EXCEEDED_EXCEPTION];
static DESCRIBE_QUEUE_ERRORS: [&Shape; 6] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static DESCRIBE_STREAM_ERRORS: [&Shape; 4] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static DESCRIBE_STREAM_CONSUMER_ERRORS: [&Shape; 3] = [
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
];
static DESCRIBE_STREAM_SUMMARY_ERRORS: [&Shape; 4] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static DISABLE_ENHANCED_MONITORING_ERRORS: [&Shape; 5] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static ENABLE_ENHANCED_MONITORING_ERRORS: [&Shape; 5] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static GET_RECORDS_ERRORS: [&Shape; 13] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION,
    &EXPIRED_ITERATOR_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &DRY_RUN_OPERATION_EXCEPTION,
];
static GET_RESOURCE_POLICY_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static GET_SHARD_ITERATOR_ERRORS: [&Shape; 6] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &DRY_RUN_OPERATION_EXCEPTION,
];
static INCREASE_STREAM_RETENTION_PERIOD_ERRORS: [&Shape; 5] = [
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static LIST_CHANNELS_ERRORS: [&Shape; 5] = [
    &VALIDATION_EXCEPTION,
    &EXPIRED_NEXT_TOKEN_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static LIST_QUEUES_ERRORS: [&Shape; 6] = [
    &VALIDATION_EXCEPTION,
    &EXPIRED_NEXT_TOKEN_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static LIST_SHARDS_ERRORS: [&Shape; 6] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &EXPIRED_NEXT_TOKEN_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static LIST_STREAM_CONSUMERS_ERRORS: [&Shape; 5] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &EXPIRED_NEXT_TOKEN_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
];
static LIST_STREAMS_ERRORS: [&Shape; 3] = [
    &LIMIT_EXCEEDED_EXCEPTION,
    &EXPIRED_NEXT_TOKEN_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
];
static LIST_TAGS_FOR_RESOURCE_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static LIST_TAGS_FOR_STREAM_ERRORS: [&Shape; 4] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static MERGE_SHARDS_ERRORS: [&Shape; 6] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &VALIDATION_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static PUT_RECORD_ERRORS: [&Shape; 12] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &DRY_RUN_OPERATION_EXCEPTION,
];
static PUT_RECORDS_ERRORS: [&Shape; 12] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &DRY_RUN_OPERATION_EXCEPTION,
];
static PUT_RESOURCE_POLICY_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static RECEIVE_DEAD_LETTER_QUEUE_RECORDS_ERRORS: [&Shape; 11] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static RECEIVE_QUEUE_RECORDS_ERRORS: [&Shape; 11] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static REGISTER_STREAM_CONSUMER_ERRORS: [&Shape; 4] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
];
static REMOVE_TAGS_FROM_STREAM_ERRORS: [&Shape; 5] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERRORS: [&Shape; 5] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static SPLIT_SHARD_ERRORS: [&Shape; 6] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &VALIDATION_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static START_STREAM_ENCRYPTION_ERRORS: [&Shape; 11] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static STOP_STREAM_ENCRYPTION_ERRORS: [&Shape; 5] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static SUBSCRIBE_TO_SHARD_ERRORS: [&Shape; 6] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &DRY_RUN_OPERATION_EXCEPTION,
];
static TAG_RESOURCE_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static UNTAG_RESOURCE_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static UPDATE_ACCOUNT_SETTINGS_ERRORS: [&Shape; 3] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &VALIDATION_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
];
static UPDATE_CHANNEL_ERRORS: [&Shape; 6] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERRORS: [&Shape; 5] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static UPDATE_MAX_RECORD_SIZE_ERRORS: [&Shape; 6] = [
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &VALIDATION_EXCEPTION,
];
static UPDATE_QUEUE_ERRORS: [&Shape; 7] = [
    &VALIDATION_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
];
static UPDATE_QUEUE_RECORDS_VISIBILITY_ERRORS: [&Shape; 5] = [
    &ACCESS_DENIED_EXCEPTION,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &THROTTLING_EXCEPTION,
];
static UPDATE_SHARD_COUNT_ERRORS: [&Shape; 6] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &VALIDATION_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
];
static UPDATE_STREAM_MODE_ERRORS: [&Shape; 5] = [
    &INVALID_ARGUMENT_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &VALIDATION_EXCEPTION,
];
static UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_ERRORS: [&Shape; 6] = [
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &ACCESS_DENIED_EXCEPTION,
    &VALIDATION_EXCEPTION,
];
static UPDATE_STREAM_WARM_THROUGHPUT_ERRORS: [&Shape; 6] = [
    &ACCESS_DENIED_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &LIMIT_EXCEEDED_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &RESOURCE_IN_USE_EXCEPTION,
    &VALIDATION_EXCEPTION,
];

static SHAPES: &[&Shape] = &[
    &ACCESS_DENIED_EXCEPTION,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_LIST,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_INPUT,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_LIST,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY,
    &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_LIST,
    &ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY,
    &ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY_LIST,
    &ACKNOWLEDGE_QUEUE_RECORDS_INPUT,
    &ACKNOWLEDGE_QUEUE_RECORDS_OUTPUT,
    &ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY,
    &ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY_LIST,
    &ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY,
    &ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY_LIST,
    &ADD_TAGS_TO_STREAM_INPUT,
    &APPROXIMATE_ARRIVAL_TIMESTAMP,
    &BOOLEAN_OBJECT,
    &BUCKET_ARN,
    &CHANNEL_ARN,
    &CHANNEL_COUNT_OBJECT,
    &CHANNEL_DESCRIPTION,
    &CHANNEL_DESTINATION_TYPE,
    &CHANNEL_ENCRYPTION_CONFIGURATION,
    &CHANNEL_ENCRYPTION_TYPE,
    &CHANNEL_ID,
    &CHANNEL_LOGGING_CONFIGURATION,
    &CHANNEL_LOGGING_UPDATE_INPUT,
    &CHANNEL_NAME,
    &CHANNEL_STATUS,
    &CHANNEL_STATUS_REASON,
    &CHANNEL_STREAM_CONFIGURATION,
    &CHANNEL_STREAM_CONFIGURATION_LIST,
    &CHANNEL_STREAM_DESCRIPTION,
    &CHANNEL_STREAM_DESCRIPTION_LIST,
    &CHANNEL_STREAM_IDENTIFIER,
    &CHANNEL_STREAM_IDENTIFIER_LIST,
    &CHANNEL_SUMMARY,
    &CHANNEL_SUMMARY_LIST,
    &CHILD_SHARD,
    &CHILD_SHARD_LIST,
    &CLOUD_WATCH_LOG_GROUP_NAME,
    &CLOUD_WATCH_LOG_STREAM_NAME,
    &CLOUD_WATCH_LOGS,
    &CLOUD_WATCH_LOGS_UPDATE_INPUT,
    &CONSUMER,
    &CONSUMER_ARN,
    &CONSUMER_COUNT_OBJECT,
    &CONSUMER_DESCRIPTION,
    &CONSUMER_LIST,
    &CONSUMER_NAME,
    &CONSUMER_STATUS,
    &CREATE_CHANNEL_INPUT,
    &CREATE_CHANNEL_OUTPUT,
    &CREATE_QUEUE_INPUT,
    &CREATE_QUEUE_OUTPUT,
    &CREATE_STREAM_INPUT,
    &DATA,
    &DATA_FRESHNESS_IN_SECONDS,
    &DEAD_LETTER_CONFIGURATION,
    &DEAD_LETTER_QUEUE_S3_CONFIGURATION,
    &DECREASE_STREAM_RETENTION_PERIOD_INPUT,
    &DELETE_CHANNEL_INPUT,
    &DELETE_QUEUE_INPUT,
    &DELETE_RESOURCE_POLICY_INPUT,
    &DELETE_STREAM_INPUT,
    &DEREGISTER_STREAM_CONSUMER_INPUT,
    &DESCRIBE_ACCOUNT_SETTINGS_INPUT,
    &DESCRIBE_ACCOUNT_SETTINGS_OUTPUT,
    &DESCRIBE_CHANNEL_INPUT,
    &DESCRIBE_CHANNEL_OUTPUT,
    &DESCRIBE_LIMITS_INPUT,
    &DESCRIBE_LIMITS_OUTPUT,
    &DESCRIBE_QUEUE_INPUT,
    &DESCRIBE_QUEUE_OUTPUT,
    &DESCRIBE_STREAM_CONSUMER_INPUT,
    &DESCRIBE_STREAM_CONSUMER_OUTPUT,
    &DESCRIBE_STREAM_INPUT,
    &DESCRIBE_STREAM_INPUT_LIMIT,
    &DESCRIBE_STREAM_OUTPUT,
    &DESCRIBE_STREAM_SUMMARY_INPUT,
    &DESCRIBE_STREAM_SUMMARY_OUTPUT,
    &DISABLE_ENHANCED_MONITORING_INPUT,
    &DRY_RUN_OPERATION_EXCEPTION,
    &ENABLE_ENHANCED_MONITORING_INPUT,
    &ENCRYPTION_TYPE,
    &ENHANCED_METRICS,
    &ENHANCED_MONITORING_LIST,
    &ENHANCED_MONITORING_OUTPUT,
    &ERROR_CODE,
    &ERROR_MESSAGE,
    &EXPECTED_BUCKET_OWNER,
    &EXPIRED_ITERATOR_EXCEPTION,
    &EXPIRED_NEXT_TOKEN_EXCEPTION,
    &FIRST_RECEIVE_TIMESTAMP,
    &GSR_SCHEMA_ARN,
    &GET_RECORDS_INPUT,
    &GET_RECORDS_INPUT_LIMIT,
    &GET_RECORDS_OUTPUT,
    &GET_RESOURCE_POLICY_INPUT,
    &GET_RESOURCE_POLICY_OUTPUT,
    &GET_SHARD_ITERATOR_INPUT,
    &GET_SHARD_ITERATOR_OUTPUT,
    &HASH_KEY,
    &HASH_KEY_RANGE,
    &INCREASE_STREAM_RETENTION_PERIOD_INPUT,
    &INTERNAL_FAILURE_EXCEPTION,
    &INVALID_ARGUMENT_EXCEPTION,
    &KMS_ACCESS_DENIED_EXCEPTION,
    &KMS_DISABLED_EXCEPTION,
    &KMS_INVALID_STATE_EXCEPTION,
    &KMS_NOT_FOUND_EXCEPTION,
    &KMS_OPT_IN_REQUIRED,
    &KMS_THROTTLING_EXCEPTION,
    &KEY_ID,
    &LIMIT_EXCEEDED_EXCEPTION,
    &LIST_CHANNELS_INPUT,
    &LIST_CHANNELS_INPUT_LIMIT,
    &LIST_CHANNELS_OUTPUT,
    &LIST_QUEUES_INPUT,
    &LIST_QUEUES_INPUT_LIMIT,
    &LIST_QUEUES_OUTPUT,
    &LIST_SHARDS_INPUT,
    &LIST_SHARDS_INPUT_LIMIT,
    &LIST_SHARDS_OUTPUT,
    &LIST_STREAM_CONSUMERS_INPUT,
    &LIST_STREAM_CONSUMERS_INPUT_LIMIT,
    &LIST_STREAM_CONSUMERS_OUTPUT,
    &LIST_STREAMS_INPUT,
    &LIST_STREAMS_INPUT_LIMIT,
    &LIST_STREAMS_OUTPUT,
    &LIST_TAGS_FOR_RESOURCE_INPUT,
    &LIST_TAGS_FOR_RESOURCE_OUTPUT,
    &LIST_TAGS_FOR_STREAM_INPUT,
    &LIST_TAGS_FOR_STREAM_INPUT_LIMIT,
    &LIST_TAGS_FOR_STREAM_OUTPUT,
    &MAX_RECEIVE_COUNT,
    &MAX_RECORD_SIZE_IN_KI_B,
    &MERGE_SHARDS_INPUT,
    &METRICS_NAME,
    &METRICS_NAME_LIST,
    &MILLIS_BEHIND_LATEST,
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT,
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT_STATUS,
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT,
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT_STATUS,
    &NATURAL_INTEGER_OBJECT,
    &NEXT_TOKEN,
    &ON_DEMAND_STREAM_COUNT_LIMIT_OBJECT,
    &ON_DEMAND_STREAM_COUNT_OBJECT,
    &PARTITION_FIELD,
    &PARTITION_FIELD_LIST,
    &PARTITION_KEY,
    &PARTITION_SOURCE_NAME,
    &PARTITION_SPEC,
    &PARTITION_TRANSFORM,
    &POLICY,
    &POSITIVE_INTEGER_OBJECT,
    &PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION,
    &PUT_RECORD_INPUT,
    &PUT_RECORD_OUTPUT,
    &PUT_RECORDS_INPUT,
    &PUT_RECORDS_OUTPUT,
    &PUT_RECORDS_REQUEST_ENTRY,
    &PUT_RECORDS_REQUEST_ENTRY_LIST,
    &PUT_RECORDS_RESULT_ENTRY,
    &PUT_RECORDS_RESULT_ENTRY_LIST,
    &PUT_RESOURCE_POLICY_INPUT,
    &QUEUE_ARN,
    &QUEUE_ATTRIBUTES,
    &QUEUE_COUNT_OBJECT,
    &QUEUE_DESCRIPTION,
    &QUEUE_NAME,
    &QUEUE_RECORD,
    &QUEUE_RECORD_LIST,
    &QUEUE_STARTING_POSITION,
    &QUEUE_STARTING_POSITION_TYPE,
    &QUEUE_STATUS,
    &QUEUE_STREAM_CONFIGURATION,
    &QUEUE_STREAM_CONFIGURATION_LIST,
    &QUEUE_STREAM_FILTER,
    &QUEUE_STREAM_FILTER_LIST,
    &QUEUE_STREAM_IDENTIFIER,
    &QUEUE_STREAM_IDENTIFIER_LIST,
    &QUEUE_SUMMARY,
    &QUEUE_SUMMARY_LIST,
    &RECEIPT_HANDLE,
    &RECEIVE_COUNT,
    &RECEIVE_DEAD_LETTER_QUEUE_RECORDS_INPUT,
    &RECEIVE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT,
    &RECEIVE_QUEUE_RECORDS_INPUT,
    &RECEIVE_QUEUE_RECORDS_INPUT_LIMIT,
    &RECEIVE_QUEUE_RECORDS_OUTPUT,
    &RECEIVE_QUEUE_RECORDS_WAIT_TIME_SECONDS,
    &RECORD,
    &RECORD_CONFIGURATION,
    &RECORD_DISTRIBUTION_STRATEGY,
    &RECORD_FORMAT_TYPE,
    &RECORD_ID,
    &RECORD_LIST,
    &REGISTER_STREAM_CONSUMER_INPUT,
    &REGISTER_STREAM_CONSUMER_OUTPUT,
    &REMOVE_TAGS_FROM_STREAM_INPUT,
    &RESOURCE_ARN,
    &RESOURCE_IN_USE_EXCEPTION,
    &RESOURCE_NOT_FOUND_EXCEPTION,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_LIST,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_INPUT,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_LIST,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY,
    &RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_LIST,
    &RETENTION_PERIOD_HOURS,
    &ROLE_ARN,
    &S3_COMPRESSION_TYPE,
    &S3_DESTINATION_CONFIGURATION,
    &S3_DESTINATION_DESCRIPTION,
    &S3_DESTINATION_UPDATE_INPUT,
    &S3_ERROR_OUTPUT_PREFIX,
    &S3_OUTPUT_KEY_TEMPLATE,
    &S3_STORAGE_CLASS,
    &S3_STORAGE_CONFIGURATION,
    &S3_TABLES_COMPRESSION_TYPE,
    &S3_TABLES_CONFIGURATION,
    &S3_TABLES_CONFIGURATION_LIST,
    &S3_TABLES_DESTINATION_CONFIGURATION,
    &S3_TABLES_DESTINATION_DESCRIPTION,
    &S3_TABLES_DESTINATION_UPDATE_INPUT,
    &S3_TABLES_NAMESPACE,
    &S3_TABLES_TABLE_NAME,
    &SCALING_TYPE,
    &SEQUENCE_NUMBER,
    &SEQUENCE_NUMBER_RANGE,
    &SHARD,
    &SHARD_COUNT_OBJECT,
    &SHARD_FILTER,
    &SHARD_FILTER_TYPE,
    &SHARD_ID,
    &SHARD_ID_LIST,
    &SHARD_ITERATOR,
    &SHARD_ITERATOR_TYPE,
    &SHARD_LIST,
    &SPLIT_SHARD_INPUT,
    &START_STREAM_ENCRYPTION_INPUT,
    &STARTING_POSITION,
    &STOP_STREAM_ENCRYPTION_INPUT,
    &STREAM_ARN,
    &STREAM_DESCRIPTION,
    &STREAM_DESCRIPTION_SUMMARY,
    &STREAM_FILTER,
    &STREAM_FILTER_LIST,
    &STREAM_ID,
    &STREAM_MODE,
    &STREAM_MODE_DETAILS,
    &STREAM_NAME,
    &STREAM_NAME_LIST,
    &STREAM_STATUS,
    &STREAM_SUMMARY,
    &STREAM_SUMMARY_LIST,
    &SUBSCRIBE_TO_SHARD_EVENT,
    &SUBSCRIBE_TO_SHARD_EVENT_STREAM,
    &SUBSCRIBE_TO_SHARD_INPUT,
    &SUBSCRIBE_TO_SHARD_OUTPUT,
    &TABLE_BUCKET_ARN,
    &TAG,
    &TAG_KEY,
    &TAG_KEY_LIST,
    &TAG_LIST,
    &TAG_MAP,
    &TAG_RESOURCE_INPUT,
    &TAG_VALUE,
    &TARGET_TYPE,
    &THROTTLING_EXCEPTION,
    &TIMESTAMP,
    &UNTAG_RESOURCE_INPUT,
    &UPDATE_ACCOUNT_SETTINGS_INPUT,
    &UPDATE_ACCOUNT_SETTINGS_OUTPUT,
    &UPDATE_CHANNEL_INPUT,
    &UPDATE_CHANNEL_OUTPUT,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_LIST,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_INPUT,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_OUTPUT,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_LIST,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY,
    &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_LIST,
    &UPDATE_MAX_RECORD_SIZE_INPUT,
    &UPDATE_QUEUE_INPUT,
    &UPDATE_QUEUE_OUTPUT,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_LIST,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_INPUT,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_OUTPUT,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_LIST,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY,
    &UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_LIST,
    &UPDATE_SHARD_COUNT_INPUT,
    &UPDATE_SHARD_COUNT_OUTPUT,
    &UPDATE_STREAM_MODE_INPUT,
    &UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_INPUT,
    &UPDATE_STREAM_WARM_THROUGHPUT_INPUT,
    &UPDATE_STREAM_WARM_THROUGHPUT_OUTPUT,
    &VALIDATION_EXCEPTION,
    &VISIBILITY_TIMEOUT_SECONDS,
    &WARM_THROUGHPUT_OBJECT,
];

static ACCESS_DENIED_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static ACCESS_DENIED_EXCEPTION: Shape = Shape::new(
    "AccessDeniedException",
    ShapeKind::Structure(&ACCESS_DENIED_EXCEPTION_MEMBERS),
)
.exception();
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_MEMBERS: [Member; 3] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("ErrorCode", &ERROR_CODE),
    opt("ErrorMessage", &ERROR_MESSAGE),
];
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsErrorEntry",
    ShapeKind::Structure(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_MEMBERS),
);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_LIST: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsErrorEntryList",
    ShapeKind::List(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY),
);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_INPUT_MEMBERS: [Member; 2] = [
    req("QueueARN", &QUEUE_ARN),
    req(
        "Entries",
        &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_LIST,
    ),
];
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_INPUT: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsInput",
    ShapeKind::Structure(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_INPUT_MEMBERS),
);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT_MEMBERS: [Member; 2] = [
    req(
        "Successful",
        &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_LIST,
    ),
    req(
        "Failed",
        &ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_LIST,
    ),
];
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsOutput",
    ShapeKind::Structure(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT_MEMBERS),
);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsRequestEntry",
    ShapeKind::Structure(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_MEMBERS),
);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_LIST: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsRequestEntryList",
    ShapeKind::List(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY),
)
.min(1)
.max(10);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsResultEntry",
    ShapeKind::Structure(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_MEMBERS),
);
static ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_LIST: Shape = Shape::new(
    "AcknowledgeDeadLetterQueueRecordsResultEntryList",
    ShapeKind::List(&ACKNOWLEDGE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY),
);
static ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY_MEMBERS: [Member; 3] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("ErrorCode", &ERROR_CODE),
    opt("ErrorMessage", &ERROR_MESSAGE),
];
static ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY: Shape = Shape::new(
    "AcknowledgeQueueRecordsErrorEntry",
    ShapeKind::Structure(&ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY_MEMBERS),
);
static ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY_LIST: Shape = Shape::new(
    "AcknowledgeQueueRecordsErrorEntryList",
    ShapeKind::List(&ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY),
);
static ACKNOWLEDGE_QUEUE_RECORDS_INPUT_MEMBERS: [Member; 2] = [
    req("QueueARN", &QUEUE_ARN),
    req("Entries", &ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY_LIST),
];
static ACKNOWLEDGE_QUEUE_RECORDS_INPUT: Shape = Shape::new(
    "AcknowledgeQueueRecordsInput",
    ShapeKind::Structure(&ACKNOWLEDGE_QUEUE_RECORDS_INPUT_MEMBERS),
);
static ACKNOWLEDGE_QUEUE_RECORDS_OUTPUT_MEMBERS: [Member; 2] = [
    req("Successful", &ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY_LIST),
    req("Failed", &ACKNOWLEDGE_QUEUE_RECORDS_ERROR_ENTRY_LIST),
];
static ACKNOWLEDGE_QUEUE_RECORDS_OUTPUT: Shape = Shape::new(
    "AcknowledgeQueueRecordsOutput",
    ShapeKind::Structure(&ACKNOWLEDGE_QUEUE_RECORDS_OUTPUT_MEMBERS),
);
static ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY: Shape = Shape::new(
    "AcknowledgeQueueRecordsRequestEntry",
    ShapeKind::Structure(&ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY_MEMBERS),
);
static ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY_LIST: Shape = Shape::new(
    "AcknowledgeQueueRecordsRequestEntryList",
    ShapeKind::List(&ACKNOWLEDGE_QUEUE_RECORDS_REQUEST_ENTRY),
)
.min(1)
.max(10);
static ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY: Shape = Shape::new(
    "AcknowledgeQueueRecordsResultEntry",
    ShapeKind::Structure(&ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY_MEMBERS),
);
static ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY_LIST: Shape = Shape::new(
    "AcknowledgeQueueRecordsResultEntryList",
    ShapeKind::List(&ACKNOWLEDGE_QUEUE_RECORDS_RESULT_ENTRY),
);
static ADD_TAGS_TO_STREAM_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    req("Tags", &TAG_MAP),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static ADD_TAGS_TO_STREAM_INPUT: Shape = Shape::new(
    "AddTagsToStreamInput",
    ShapeKind::Structure(&ADD_TAGS_TO_STREAM_INPUT_MEMBERS),
);
static APPROXIMATE_ARRIVAL_TIMESTAMP: Shape =
    Shape::new("ApproximateArrivalTimestamp", ShapeKind::Timestamp);
static BOOLEAN_OBJECT: Shape = Shape::new("BooleanObject", ShapeKind::Boolean);
static BUCKET_ARN: Shape = Shape::new("BucketARN", ShapeKind::String)
    .min(1)
    .max(2048)
    .pattern(r#"arn:aws[-a-z0-9]*:s3:::[a-z0-9._-]{3,63}"#);
static CHANNEL_ARN: Shape = Shape::new("ChannelARN", ShapeKind::String)
    .min(1)
    .max(2048)
    .pattern(r#"arn:aws.*:kinesis:.*:\d{12}:channel/\S+"#);
static CHANNEL_COUNT_OBJECT: Shape = Shape::new("ChannelCountObject", ShapeKind::Integer)
    .min(0)
    .max(1000000);
static CHANNEL_DESCRIPTION_MEMBERS: [Member; 12] = [
    req("ChannelName", &CHANNEL_NAME),
    req("ChannelARN", &CHANNEL_ARN),
    req("ChannelId", &CHANNEL_ID),
    req("ChannelStatus", &CHANNEL_STATUS),
    opt("ChannelStatusReason", &CHANNEL_STATUS_REASON),
    req("ChannelCreationTimestamp", &TIMESTAMP),
    req("ServiceExecutionRoleARN", &ROLE_ARN),
    req("StreamConfigurationList", &CHANNEL_STREAM_DESCRIPTION_LIST),
    opt("S3DestinationConfiguration", &S3_DESTINATION_DESCRIPTION),
    opt(
        "S3TablesDestinationConfiguration",
        &S3_TABLES_DESTINATION_DESCRIPTION,
    ),
    opt("EncryptionConfiguration", &CHANNEL_ENCRYPTION_CONFIGURATION),
    req("LoggingConfiguration", &CHANNEL_LOGGING_CONFIGURATION),
];
static CHANNEL_DESCRIPTION: Shape = Shape::new(
    "ChannelDescription",
    ShapeKind::Structure(&CHANNEL_DESCRIPTION_MEMBERS),
);
static CHANNEL_DESTINATION_TYPE: Shape =
    Shape::new("ChannelDestinationType", ShapeKind::String).enums(&["S3", "S3_TABLES"]);
static CHANNEL_ENCRYPTION_CONFIGURATION_MEMBERS: [Member; 2] = [
    req("EncryptionType", &CHANNEL_ENCRYPTION_TYPE),
    req("KeyId", &KEY_ID),
];
static CHANNEL_ENCRYPTION_CONFIGURATION: Shape = Shape::new(
    "ChannelEncryptionConfiguration",
    ShapeKind::Structure(&CHANNEL_ENCRYPTION_CONFIGURATION_MEMBERS),
);
static CHANNEL_ENCRYPTION_TYPE: Shape =
    Shape::new("ChannelEncryptionType", ShapeKind::String).enums(&["KMS"]);
static CHANNEL_ID: Shape = Shape::new("ChannelId", ShapeKind::String).min(1).max(64);
static CHANNEL_LOGGING_CONFIGURATION_MEMBERS: [Member; 1] =
    [req("CloudWatchLogs", &CLOUD_WATCH_LOGS)];
static CHANNEL_LOGGING_CONFIGURATION: Shape = Shape::new(
    "ChannelLoggingConfiguration",
    ShapeKind::Structure(&CHANNEL_LOGGING_CONFIGURATION_MEMBERS),
);
static CHANNEL_LOGGING_UPDATE_INPUT_MEMBERS: [Member; 1] =
    [req("CloudWatchLogs", &CLOUD_WATCH_LOGS_UPDATE_INPUT)];
static CHANNEL_LOGGING_UPDATE_INPUT: Shape = Shape::new(
    "ChannelLoggingUpdateInput",
    ShapeKind::Structure(&CHANNEL_LOGGING_UPDATE_INPUT_MEMBERS),
);
static CHANNEL_NAME: Shape = Shape::new("ChannelName", ShapeKind::String)
    .min(1)
    .max(128)
    .pattern(r#"[a-zA-Z0-9_.-]+"#);
static CHANNEL_STATUS: Shape = Shape::new("ChannelStatus", ShapeKind::String)
    .enums(&["CREATING", "ACTIVE", "UPDATING", "DELETING", "FAILED"]);
static CHANNEL_STATUS_REASON: Shape = Shape::new("ChannelStatusReason", ShapeKind::String)
    .min(1)
    .max(2048);
static CHANNEL_STREAM_CONFIGURATION_MEMBERS: [Member; 2] = [
    req("StreamARN", &STREAM_ARN),
    req("RecordConfiguration", &RECORD_CONFIGURATION),
];
static CHANNEL_STREAM_CONFIGURATION: Shape = Shape::new(
    "ChannelStreamConfiguration",
    ShapeKind::Structure(&CHANNEL_STREAM_CONFIGURATION_MEMBERS),
);
static CHANNEL_STREAM_CONFIGURATION_LIST: Shape = Shape::new(
    "ChannelStreamConfigurationList",
    ShapeKind::List(&CHANNEL_STREAM_CONFIGURATION),
)
.min(1)
.max(10000);
static CHANNEL_STREAM_DESCRIPTION_MEMBERS: [Member; 3] = [
    req("StreamARN", &STREAM_ARN),
    req("StreamCreationTimestamp", &TIMESTAMP),
    req("RecordConfiguration", &RECORD_CONFIGURATION),
];
static CHANNEL_STREAM_DESCRIPTION: Shape = Shape::new(
    "ChannelStreamDescription",
    ShapeKind::Structure(&CHANNEL_STREAM_DESCRIPTION_MEMBERS),
);
static CHANNEL_STREAM_DESCRIPTION_LIST: Shape = Shape::new(
    "ChannelStreamDescriptionList",
    ShapeKind::List(&CHANNEL_STREAM_DESCRIPTION),
)
.min(1)
.max(10000);
static CHANNEL_STREAM_IDENTIFIER_MEMBERS: [Member; 2] = [
    req("StreamARN", &STREAM_ARN),
    req("StreamCreationTimestamp", &TIMESTAMP),
];
static CHANNEL_STREAM_IDENTIFIER: Shape = Shape::new(
    "ChannelStreamIdentifier",
    ShapeKind::Structure(&CHANNEL_STREAM_IDENTIFIER_MEMBERS),
);
static CHANNEL_STREAM_IDENTIFIER_LIST: Shape = Shape::new(
    "ChannelStreamIdentifierList",
    ShapeKind::List(&CHANNEL_STREAM_IDENTIFIER),
)
.min(1)
.max(10000);
static CHANNEL_SUMMARY_MEMBERS: [Member; 8] = [
    req("ChannelName", &CHANNEL_NAME),
    req("ChannelARN", &CHANNEL_ARN),
    req("ChannelId", &CHANNEL_ID),
    req("ChannelStatus", &CHANNEL_STATUS),
    opt("ChannelStatusReason", &CHANNEL_STATUS_REASON),
    req("ChannelCreationTimestamp", &TIMESTAMP),
    req("ChannelDestinationType", &CHANNEL_DESTINATION_TYPE),
    req("Streams", &CHANNEL_STREAM_IDENTIFIER_LIST),
];
static CHANNEL_SUMMARY: Shape = Shape::new(
    "ChannelSummary",
    ShapeKind::Structure(&CHANNEL_SUMMARY_MEMBERS),
);
static CHANNEL_SUMMARY_LIST: Shape =
    Shape::new("ChannelSummaryList", ShapeKind::List(&CHANNEL_SUMMARY));
static CHILD_SHARD_MEMBERS: [Member; 3] = [
    req("ShardId", &SHARD_ID),
    req("ParentShards", &SHARD_ID_LIST),
    req("HashKeyRange", &HASH_KEY_RANGE),
];
static CHILD_SHARD: Shape = Shape::new("ChildShard", ShapeKind::Structure(&CHILD_SHARD_MEMBERS));
static CHILD_SHARD_LIST: Shape = Shape::new("ChildShardList", ShapeKind::List(&CHILD_SHARD));
static CLOUD_WATCH_LOG_GROUP_NAME: Shape = Shape::new("CloudWatchLogGroupName", ShapeKind::String)
    .min(1)
    .max(512)
    .pattern(r#"[\.\-_/#A-Za-z0-9]+"#);
static CLOUD_WATCH_LOG_STREAM_NAME: Shape =
    Shape::new("CloudWatchLogStreamName", ShapeKind::String)
        .min(1)
        .max(512)
        .pattern(r#"[^:*]*"#);
static CLOUD_WATCH_LOGS_MEMBERS: [Member; 3] = [
    req("Enabled", &BOOLEAN_OBJECT),
    opt("LogGroupName", &CLOUD_WATCH_LOG_GROUP_NAME),
    opt("LogStreamName", &CLOUD_WATCH_LOG_STREAM_NAME),
];
static CLOUD_WATCH_LOGS: Shape = Shape::new(
    "CloudWatchLogs",
    ShapeKind::Structure(&CLOUD_WATCH_LOGS_MEMBERS),
);
static CLOUD_WATCH_LOGS_UPDATE_INPUT_MEMBERS: [Member; 3] = [
    req("Enabled", &BOOLEAN_OBJECT),
    opt("LogGroupName", &CLOUD_WATCH_LOG_GROUP_NAME),
    opt("LogStreamName", &CLOUD_WATCH_LOG_STREAM_NAME),
];
static CLOUD_WATCH_LOGS_UPDATE_INPUT: Shape = Shape::new(
    "CloudWatchLogsUpdateInput",
    ShapeKind::Structure(&CLOUD_WATCH_LOGS_UPDATE_INPUT_MEMBERS),
);
static CONSUMER_MEMBERS: [Member; 4] = [
    req("ConsumerName", &CONSUMER_NAME),
    req("ConsumerARN", &CONSUMER_ARN),
    req("ConsumerStatus", &CONSUMER_STATUS),
    req("ConsumerCreationTimestamp", &TIMESTAMP),
];
static CONSUMER: Shape = Shape::new("Consumer", ShapeKind::Structure(&CONSUMER_MEMBERS));
static CONSUMER_ARN: Shape = Shape::new("ConsumerARN", ShapeKind::String).min(1).max(2048).pattern(r#"^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+"#);
static CONSUMER_COUNT_OBJECT: Shape = Shape::new("ConsumerCountObject", ShapeKind::Integer)
    .min(0)
    .max(1000000);
static CONSUMER_DESCRIPTION_MEMBERS: [Member; 5] = [
    req("ConsumerName", &CONSUMER_NAME),
    req("ConsumerARN", &CONSUMER_ARN),
    req("ConsumerStatus", &CONSUMER_STATUS),
    req("ConsumerCreationTimestamp", &TIMESTAMP),
    req("StreamARN", &STREAM_ARN),
];
static CONSUMER_DESCRIPTION: Shape = Shape::new(
    "ConsumerDescription",
    ShapeKind::Structure(&CONSUMER_DESCRIPTION_MEMBERS),
);
static CONSUMER_LIST: Shape = Shape::new("ConsumerList", ShapeKind::List(&CONSUMER));
static CONSUMER_NAME: Shape = Shape::new("ConsumerName", ShapeKind::String)
    .min(1)
    .max(128)
    .pattern(r#"[a-zA-Z0-9_.-]+"#);
static CONSUMER_STATUS: Shape =
    Shape::new("ConsumerStatus", ShapeKind::String).enums(&["CREATING", "DELETING", "ACTIVE"]);
static CREATE_CHANNEL_INPUT_MEMBERS: [Member; 8] = [
    req("ChannelName", &CHANNEL_NAME),
    req("ServiceExecutionRoleARN", &ROLE_ARN),
    req(
        "StreamConfigurationList",
        &CHANNEL_STREAM_CONFIGURATION_LIST,
    ),
    opt("S3DestinationConfiguration", &S3_DESTINATION_CONFIGURATION),
    opt(
        "S3TablesDestinationConfiguration",
        &S3_TABLES_DESTINATION_CONFIGURATION,
    ),
    opt("EncryptionConfiguration", &CHANNEL_ENCRYPTION_CONFIGURATION),
    opt("Tags", &TAG_MAP),
    opt("LoggingConfiguration", &CHANNEL_LOGGING_CONFIGURATION),
];
static CREATE_CHANNEL_INPUT: Shape = Shape::new(
    "CreateChannelInput",
    ShapeKind::Structure(&CREATE_CHANNEL_INPUT_MEMBERS),
);
static CREATE_CHANNEL_OUTPUT_MEMBERS: [Member; 1] =
    [req("ChannelDescription", &CHANNEL_DESCRIPTION)];
static CREATE_CHANNEL_OUTPUT: Shape = Shape::new(
    "CreateChannelOutput",
    ShapeKind::Structure(&CREATE_CHANNEL_OUTPUT_MEMBERS),
);
static CREATE_QUEUE_INPUT_MEMBERS: [Member; 4] = [
    req("QueueName", &QUEUE_NAME),
    req("StreamConfigurationList", &QUEUE_STREAM_CONFIGURATION_LIST),
    opt("QueueAttributes", &QUEUE_ATTRIBUTES),
    opt("Tags", &TAG_MAP),
];
static CREATE_QUEUE_INPUT: Shape = Shape::new(
    "CreateQueueInput",
    ShapeKind::Structure(&CREATE_QUEUE_INPUT_MEMBERS),
);
static CREATE_QUEUE_OUTPUT_MEMBERS: [Member; 1] = [req("QueueDescription", &QUEUE_DESCRIPTION)];
static CREATE_QUEUE_OUTPUT: Shape = Shape::new(
    "CreateQueueOutput",
    ShapeKind::Structure(&CREATE_QUEUE_OUTPUT_MEMBERS),
);
static CREATE_STREAM_INPUT_MEMBERS: [Member; 7] = [
    req("StreamName", &STREAM_NAME),
    opt("ShardCount", &POSITIVE_INTEGER_OBJECT),
    opt("StreamModeDetails", &STREAM_MODE_DETAILS),
    opt("Tags", &TAG_MAP),
    opt("WarmThroughputMiBps", &NATURAL_INTEGER_OBJECT),
    opt("MaxRecordSizeInKiB", &MAX_RECORD_SIZE_IN_KI_B),
    opt("RecordDistributionStrategy", &RECORD_DISTRIBUTION_STRATEGY),
];
static CREATE_STREAM_INPUT: Shape = Shape::new(
    "CreateStreamInput",
    ShapeKind::Structure(&CREATE_STREAM_INPUT_MEMBERS),
);
static DATA: Shape = Shape::new("Data", ShapeKind::Blob).min(0).max(10485760);
static DATA_FRESHNESS_IN_SECONDS: Shape = Shape::new("DataFreshnessInSeconds", ShapeKind::Integer);
static DEAD_LETTER_CONFIGURATION_MEMBERS: [Member; 2] = [
    req("TargetType", &TARGET_TYPE),
    opt("MaxReceiveCount", &MAX_RECEIVE_COUNT),
];
static DEAD_LETTER_CONFIGURATION: Shape = Shape::new(
    "DeadLetterConfiguration",
    ShapeKind::Structure(&DEAD_LETTER_CONFIGURATION_MEMBERS),
);
static DEAD_LETTER_QUEUE_S3_CONFIGURATION_MEMBERS: [Member; 3] = [
    req("BucketARN", &BUCKET_ARN),
    req("ExpectedBucketOwner", &EXPECTED_BUCKET_OWNER),
    opt("ErrorOutputPrefix", &S3_ERROR_OUTPUT_PREFIX),
];
static DEAD_LETTER_QUEUE_S3_CONFIGURATION: Shape = Shape::new(
    "DeadLetterQueueS3Configuration",
    ShapeKind::Structure(&DEAD_LETTER_QUEUE_S3_CONFIGURATION_MEMBERS),
);
static DECREASE_STREAM_RETENTION_PERIOD_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    req("RetentionPeriodHours", &RETENTION_PERIOD_HOURS),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static DECREASE_STREAM_RETENTION_PERIOD_INPUT: Shape = Shape::new(
    "DecreaseStreamRetentionPeriodInput",
    ShapeKind::Structure(&DECREASE_STREAM_RETENTION_PERIOD_INPUT_MEMBERS),
);
static DELETE_CHANNEL_INPUT_MEMBERS: [Member; 1] = [req("ChannelARN", &CHANNEL_ARN)];
static DELETE_CHANNEL_INPUT: Shape = Shape::new(
    "DeleteChannelInput",
    ShapeKind::Structure(&DELETE_CHANNEL_INPUT_MEMBERS),
);
static DELETE_QUEUE_INPUT_MEMBERS: [Member; 1] = [req("QueueARN", &QUEUE_ARN)];
static DELETE_QUEUE_INPUT: Shape = Shape::new(
    "DeleteQueueInput",
    ShapeKind::Structure(&DELETE_QUEUE_INPUT_MEMBERS),
);
static DELETE_RESOURCE_POLICY_INPUT_MEMBERS: [Member; 2] = [
    req("ResourceARN", &RESOURCE_ARN),
    opt("StreamId", &STREAM_ID),
];
static DELETE_RESOURCE_POLICY_INPUT: Shape = Shape::new(
    "DeleteResourcePolicyInput",
    ShapeKind::Structure(&DELETE_RESOURCE_POLICY_INPUT_MEMBERS),
);
static DELETE_STREAM_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    opt("EnforceConsumerDeletion", &BOOLEAN_OBJECT),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static DELETE_STREAM_INPUT: Shape = Shape::new(
    "DeleteStreamInput",
    ShapeKind::Structure(&DELETE_STREAM_INPUT_MEMBERS),
);
static DEREGISTER_STREAM_CONSUMER_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamARN", &STREAM_ARN),
    opt("ConsumerName", &CONSUMER_NAME),
    opt("ConsumerARN", &CONSUMER_ARN),
    opt("StreamId", &STREAM_ID),
];
static DEREGISTER_STREAM_CONSUMER_INPUT: Shape = Shape::new(
    "DeregisterStreamConsumerInput",
    ShapeKind::Structure(&DEREGISTER_STREAM_CONSUMER_INPUT_MEMBERS),
);
static DESCRIBE_ACCOUNT_SETTINGS_INPUT_MEMBERS: [Member; 0] = [];
static DESCRIBE_ACCOUNT_SETTINGS_INPUT: Shape = Shape::new(
    "DescribeAccountSettingsInput",
    ShapeKind::Structure(&DESCRIBE_ACCOUNT_SETTINGS_INPUT_MEMBERS),
);
static DESCRIBE_ACCOUNT_SETTINGS_OUTPUT_MEMBERS: [Member; 1] = [opt(
    "MinimumThroughputBillingCommitment",
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT,
)];
static DESCRIBE_ACCOUNT_SETTINGS_OUTPUT: Shape = Shape::new(
    "DescribeAccountSettingsOutput",
    ShapeKind::Structure(&DESCRIBE_ACCOUNT_SETTINGS_OUTPUT_MEMBERS),
);
static DESCRIBE_CHANNEL_INPUT_MEMBERS: [Member; 1] = [req("ChannelARN", &CHANNEL_ARN)];
static DESCRIBE_CHANNEL_INPUT: Shape = Shape::new(
    "DescribeChannelInput",
    ShapeKind::Structure(&DESCRIBE_CHANNEL_INPUT_MEMBERS),
);
static DESCRIBE_CHANNEL_OUTPUT_MEMBERS: [Member; 1] =
    [req("ChannelDescription", &CHANNEL_DESCRIPTION)];
static DESCRIBE_CHANNEL_OUTPUT: Shape = Shape::new(
    "DescribeChannelOutput",
    ShapeKind::Structure(&DESCRIBE_CHANNEL_OUTPUT_MEMBERS),
);
static DESCRIBE_LIMITS_INPUT_MEMBERS: [Member; 0] = [];
static DESCRIBE_LIMITS_INPUT: Shape = Shape::new(
    "DescribeLimitsInput",
    ShapeKind::Structure(&DESCRIBE_LIMITS_INPUT_MEMBERS),
);
static DESCRIBE_LIMITS_OUTPUT_MEMBERS: [Member; 6] = [
    req("ShardLimit", &SHARD_COUNT_OBJECT),
    req("OpenShardCount", &SHARD_COUNT_OBJECT),
    req("OnDemandStreamCount", &ON_DEMAND_STREAM_COUNT_OBJECT),
    req(
        "OnDemandStreamCountLimit",
        &ON_DEMAND_STREAM_COUNT_LIMIT_OBJECT,
    ),
    opt("ChannelCount", &CHANNEL_COUNT_OBJECT),
    opt("ChannelCountLimit", &CHANNEL_COUNT_OBJECT),
];
static DESCRIBE_LIMITS_OUTPUT: Shape = Shape::new(
    "DescribeLimitsOutput",
    ShapeKind::Structure(&DESCRIBE_LIMITS_OUTPUT_MEMBERS),
);
static DESCRIBE_QUEUE_INPUT_MEMBERS: [Member; 1] = [req("QueueARN", &QUEUE_ARN)];
static DESCRIBE_QUEUE_INPUT: Shape = Shape::new(
    "DescribeQueueInput",
    ShapeKind::Structure(&DESCRIBE_QUEUE_INPUT_MEMBERS),
);
static DESCRIBE_QUEUE_OUTPUT_MEMBERS: [Member; 1] = [req("QueueDescription", &QUEUE_DESCRIPTION)];
static DESCRIBE_QUEUE_OUTPUT: Shape = Shape::new(
    "DescribeQueueOutput",
    ShapeKind::Structure(&DESCRIBE_QUEUE_OUTPUT_MEMBERS),
);
static DESCRIBE_STREAM_CONSUMER_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamARN", &STREAM_ARN),
    opt("ConsumerName", &CONSUMER_NAME),
    opt("ConsumerARN", &CONSUMER_ARN),
    opt("StreamId", &STREAM_ID),
];
static DESCRIBE_STREAM_CONSUMER_INPUT: Shape = Shape::new(
    "DescribeStreamConsumerInput",
    ShapeKind::Structure(&DESCRIBE_STREAM_CONSUMER_INPUT_MEMBERS),
);
static DESCRIBE_STREAM_CONSUMER_OUTPUT_MEMBERS: [Member; 1] =
    [req("ConsumerDescription", &CONSUMER_DESCRIPTION)];
static DESCRIBE_STREAM_CONSUMER_OUTPUT: Shape = Shape::new(
    "DescribeStreamConsumerOutput",
    ShapeKind::Structure(&DESCRIBE_STREAM_CONSUMER_OUTPUT_MEMBERS),
);
static DESCRIBE_STREAM_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    opt("Limit", &DESCRIBE_STREAM_INPUT_LIMIT),
    opt("ExclusiveStartShardId", &SHARD_ID),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static DESCRIBE_STREAM_INPUT: Shape = Shape::new(
    "DescribeStreamInput",
    ShapeKind::Structure(&DESCRIBE_STREAM_INPUT_MEMBERS),
);
static DESCRIBE_STREAM_INPUT_LIMIT: Shape =
    Shape::new("DescribeStreamInputLimit", ShapeKind::Integer)
        .min(1)
        .max(10000);
static DESCRIBE_STREAM_OUTPUT_MEMBERS: [Member; 1] =
    [req("StreamDescription", &STREAM_DESCRIPTION)];
static DESCRIBE_STREAM_OUTPUT: Shape = Shape::new(
    "DescribeStreamOutput",
    ShapeKind::Structure(&DESCRIBE_STREAM_OUTPUT_MEMBERS),
);
static DESCRIBE_STREAM_SUMMARY_INPUT_MEMBERS: [Member; 3] = [
    opt("StreamName", &STREAM_NAME),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static DESCRIBE_STREAM_SUMMARY_INPUT: Shape = Shape::new(
    "DescribeStreamSummaryInput",
    ShapeKind::Structure(&DESCRIBE_STREAM_SUMMARY_INPUT_MEMBERS),
);
static DESCRIBE_STREAM_SUMMARY_OUTPUT_MEMBERS: [Member; 1] =
    [req("StreamDescriptionSummary", &STREAM_DESCRIPTION_SUMMARY)];
static DESCRIBE_STREAM_SUMMARY_OUTPUT: Shape = Shape::new(
    "DescribeStreamSummaryOutput",
    ShapeKind::Structure(&DESCRIBE_STREAM_SUMMARY_OUTPUT_MEMBERS),
);
static DISABLE_ENHANCED_MONITORING_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    req("ShardLevelMetrics", &METRICS_NAME_LIST),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static DISABLE_ENHANCED_MONITORING_INPUT: Shape = Shape::new(
    "DisableEnhancedMonitoringInput",
    ShapeKind::Structure(&DISABLE_ENHANCED_MONITORING_INPUT_MEMBERS),
);
static DRY_RUN_OPERATION_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static DRY_RUN_OPERATION_EXCEPTION: Shape = Shape::new(
    "DryRunOperationException",
    ShapeKind::Structure(&DRY_RUN_OPERATION_EXCEPTION_MEMBERS),
)
.exception();
static ENABLE_ENHANCED_MONITORING_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    req("ShardLevelMetrics", &METRICS_NAME_LIST),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static ENABLE_ENHANCED_MONITORING_INPUT: Shape = Shape::new(
    "EnableEnhancedMonitoringInput",
    ShapeKind::Structure(&ENABLE_ENHANCED_MONITORING_INPUT_MEMBERS),
);
static ENCRYPTION_TYPE: Shape =
    Shape::new("EncryptionType", ShapeKind::String).enums(&["NONE", "KMS"]);
static ENHANCED_METRICS_MEMBERS: [Member; 1] = [opt("ShardLevelMetrics", &METRICS_NAME_LIST)];
static ENHANCED_METRICS: Shape = Shape::new(
    "EnhancedMetrics",
    ShapeKind::Structure(&ENHANCED_METRICS_MEMBERS),
);
static ENHANCED_MONITORING_LIST: Shape =
    Shape::new("EnhancedMonitoringList", ShapeKind::List(&ENHANCED_METRICS));
static ENHANCED_MONITORING_OUTPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    opt("CurrentShardLevelMetrics", &METRICS_NAME_LIST),
    opt("DesiredShardLevelMetrics", &METRICS_NAME_LIST),
    opt("StreamARN", &STREAM_ARN),
];
static ENHANCED_MONITORING_OUTPUT: Shape = Shape::new(
    "EnhancedMonitoringOutput",
    ShapeKind::Structure(&ENHANCED_MONITORING_OUTPUT_MEMBERS),
);
static ERROR_CODE: Shape = Shape::new("ErrorCode", ShapeKind::String);
static ERROR_MESSAGE: Shape = Shape::new("ErrorMessage", ShapeKind::String);
static EXPECTED_BUCKET_OWNER: Shape = Shape::new("ExpectedBucketOwner", ShapeKind::String)
    .min(12)
    .max(12)
    .pattern(r#"\d{12}"#);
static EXPIRED_ITERATOR_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static EXPIRED_ITERATOR_EXCEPTION: Shape = Shape::new(
    "ExpiredIteratorException",
    ShapeKind::Structure(&EXPIRED_ITERATOR_EXCEPTION_MEMBERS),
)
.exception();
static EXPIRED_NEXT_TOKEN_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static EXPIRED_NEXT_TOKEN_EXCEPTION: Shape = Shape::new(
    "ExpiredNextTokenException",
    ShapeKind::Structure(&EXPIRED_NEXT_TOKEN_EXCEPTION_MEMBERS),
)
.exception();
static FIRST_RECEIVE_TIMESTAMP: Shape = Shape::new("FirstReceiveTimestamp", ShapeKind::Timestamp);
static GSR_SCHEMA_ARN: Shape = Shape::new("GSRSchemaARN", ShapeKind::String)
    .min(1)
    .max(512)
    .pattern(
        r#"arn:aws[-a-z0-9]*:glue:[-a-z0-9]+:\d{12}:schema/[-a-zA-Z0-9_$#.]+/[-a-zA-Z0-9_$#.]+"#,
    );
static GET_RECORDS_INPUT_MEMBERS: [Member; 5] = [
    req("ShardIterator", &SHARD_ITERATOR),
    opt("Limit", &GET_RECORDS_INPUT_LIMIT),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    opt("DryRun", &BOOLEAN_OBJECT),
];
static GET_RECORDS_INPUT: Shape = Shape::new(
    "GetRecordsInput",
    ShapeKind::Structure(&GET_RECORDS_INPUT_MEMBERS),
);
static GET_RECORDS_INPUT_LIMIT: Shape = Shape::new("GetRecordsInputLimit", ShapeKind::Integer)
    .min(1)
    .max(10000);
static GET_RECORDS_OUTPUT_MEMBERS: [Member; 4] = [
    req("Records", &RECORD_LIST),
    opt("NextShardIterator", &SHARD_ITERATOR),
    opt("MillisBehindLatest", &MILLIS_BEHIND_LATEST),
    opt("ChildShards", &CHILD_SHARD_LIST),
];
static GET_RECORDS_OUTPUT: Shape = Shape::new(
    "GetRecordsOutput",
    ShapeKind::Structure(&GET_RECORDS_OUTPUT_MEMBERS),
);
static GET_RESOURCE_POLICY_INPUT_MEMBERS: [Member; 2] = [
    req("ResourceARN", &RESOURCE_ARN),
    opt("StreamId", &STREAM_ID),
];
static GET_RESOURCE_POLICY_INPUT: Shape = Shape::new(
    "GetResourcePolicyInput",
    ShapeKind::Structure(&GET_RESOURCE_POLICY_INPUT_MEMBERS),
);
static GET_RESOURCE_POLICY_OUTPUT_MEMBERS: [Member; 1] = [req("Policy", &POLICY)];
static GET_RESOURCE_POLICY_OUTPUT: Shape = Shape::new(
    "GetResourcePolicyOutput",
    ShapeKind::Structure(&GET_RESOURCE_POLICY_OUTPUT_MEMBERS),
);
static GET_SHARD_ITERATOR_INPUT_MEMBERS: [Member; 8] = [
    opt("StreamName", &STREAM_NAME),
    req("ShardId", &SHARD_ID),
    req("ShardIteratorType", &SHARD_ITERATOR_TYPE),
    opt("StartingSequenceNumber", &SEQUENCE_NUMBER),
    opt("Timestamp", &TIMESTAMP),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    opt("DryRun", &BOOLEAN_OBJECT),
];
static GET_SHARD_ITERATOR_INPUT: Shape = Shape::new(
    "GetShardIteratorInput",
    ShapeKind::Structure(&GET_SHARD_ITERATOR_INPUT_MEMBERS),
);
static GET_SHARD_ITERATOR_OUTPUT_MEMBERS: [Member; 1] = [opt("ShardIterator", &SHARD_ITERATOR)];
static GET_SHARD_ITERATOR_OUTPUT: Shape = Shape::new(
    "GetShardIteratorOutput",
    ShapeKind::Structure(&GET_SHARD_ITERATOR_OUTPUT_MEMBERS),
);
static HASH_KEY: Shape =
    Shape::new("HashKey", ShapeKind::String).pattern(r#"^(0|([1-9]\d{0,38}))$"#);
static HASH_KEY_RANGE_MEMBERS: [Member; 2] = [
    req("StartingHashKey", &HASH_KEY),
    req("EndingHashKey", &HASH_KEY),
];
static HASH_KEY_RANGE: Shape = Shape::new(
    "HashKeyRange",
    ShapeKind::Structure(&HASH_KEY_RANGE_MEMBERS),
);
static INCREASE_STREAM_RETENTION_PERIOD_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    req("RetentionPeriodHours", &RETENTION_PERIOD_HOURS),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static INCREASE_STREAM_RETENTION_PERIOD_INPUT: Shape = Shape::new(
    "IncreaseStreamRetentionPeriodInput",
    ShapeKind::Structure(&INCREASE_STREAM_RETENTION_PERIOD_INPUT_MEMBERS),
);
static INTERNAL_FAILURE_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static INTERNAL_FAILURE_EXCEPTION: Shape = Shape::new(
    "InternalFailureException",
    ShapeKind::Structure(&INTERNAL_FAILURE_EXCEPTION_MEMBERS),
)
.exception()
.fault();
static INVALID_ARGUMENT_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static INVALID_ARGUMENT_EXCEPTION: Shape = Shape::new(
    "InvalidArgumentException",
    ShapeKind::Structure(&INVALID_ARGUMENT_EXCEPTION_MEMBERS),
)
.exception();
static KMS_ACCESS_DENIED_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static KMS_ACCESS_DENIED_EXCEPTION: Shape = Shape::new(
    "KMSAccessDeniedException",
    ShapeKind::Structure(&KMS_ACCESS_DENIED_EXCEPTION_MEMBERS),
)
.exception();
static KMS_DISABLED_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static KMS_DISABLED_EXCEPTION: Shape = Shape::new(
    "KMSDisabledException",
    ShapeKind::Structure(&KMS_DISABLED_EXCEPTION_MEMBERS),
)
.exception();
static KMS_INVALID_STATE_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static KMS_INVALID_STATE_EXCEPTION: Shape = Shape::new(
    "KMSInvalidStateException",
    ShapeKind::Structure(&KMS_INVALID_STATE_EXCEPTION_MEMBERS),
)
.exception();
static KMS_NOT_FOUND_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static KMS_NOT_FOUND_EXCEPTION: Shape = Shape::new(
    "KMSNotFoundException",
    ShapeKind::Structure(&KMS_NOT_FOUND_EXCEPTION_MEMBERS),
)
.exception();
static KMS_OPT_IN_REQUIRED_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static KMS_OPT_IN_REQUIRED: Shape = Shape::new(
    "KMSOptInRequired",
    ShapeKind::Structure(&KMS_OPT_IN_REQUIRED_MEMBERS),
)
.exception();
static KMS_THROTTLING_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static KMS_THROTTLING_EXCEPTION: Shape = Shape::new(
    "KMSThrottlingException",
    ShapeKind::Structure(&KMS_THROTTLING_EXCEPTION_MEMBERS),
)
.exception();
static KEY_ID: Shape = Shape::new("KeyId", ShapeKind::String).min(1).max(2048);
static LIMIT_EXCEEDED_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static LIMIT_EXCEEDED_EXCEPTION: Shape = Shape::new(
    "LimitExceededException",
    ShapeKind::Structure(&LIMIT_EXCEEDED_EXCEPTION_MEMBERS),
)
.exception();
static LIST_CHANNELS_INPUT_MEMBERS: [Member; 3] = [
    opt("StreamFilter", &STREAM_FILTER_LIST),
    opt("MaxResults", &LIST_CHANNELS_INPUT_LIMIT),
    opt("NextToken", &NEXT_TOKEN),
];
static LIST_CHANNELS_INPUT: Shape = Shape::new(
    "ListChannelsInput",
    ShapeKind::Structure(&LIST_CHANNELS_INPUT_MEMBERS),
);
static LIST_CHANNELS_INPUT_LIMIT: Shape = Shape::new("ListChannelsInputLimit", ShapeKind::Integer)
    .min(1)
    .max(10000);
static LIST_CHANNELS_OUTPUT_MEMBERS: [Member; 2] = [
    req("ChannelSummaries", &CHANNEL_SUMMARY_LIST),
    opt("NextToken", &NEXT_TOKEN),
];
static LIST_CHANNELS_OUTPUT: Shape = Shape::new(
    "ListChannelsOutput",
    ShapeKind::Structure(&LIST_CHANNELS_OUTPUT_MEMBERS),
);
static LIST_QUEUES_INPUT_MEMBERS: [Member; 3] = [
    opt("MaxResults", &LIST_QUEUES_INPUT_LIMIT),
    opt("NextToken", &NEXT_TOKEN),
    opt("StreamFilter", &QUEUE_STREAM_FILTER_LIST),
];
static LIST_QUEUES_INPUT: Shape = Shape::new(
    "ListQueuesInput",
    ShapeKind::Structure(&LIST_QUEUES_INPUT_MEMBERS),
);
static LIST_QUEUES_INPUT_LIMIT: Shape = Shape::new("ListQueuesInputLimit", ShapeKind::Integer)
    .min(1)
    .max(10000);
static LIST_QUEUES_OUTPUT_MEMBERS: [Member; 2] = [
    req("QueueSummaries", &QUEUE_SUMMARY_LIST),
    opt("NextToken", &NEXT_TOKEN),
];
static LIST_QUEUES_OUTPUT: Shape = Shape::new(
    "ListQueuesOutput",
    ShapeKind::Structure(&LIST_QUEUES_OUTPUT_MEMBERS),
);
static LIST_SHARDS_INPUT_MEMBERS: [Member; 8] = [
    opt("StreamName", &STREAM_NAME),
    opt("NextToken", &NEXT_TOKEN),
    opt("ExclusiveStartShardId", &SHARD_ID),
    opt("MaxResults", &LIST_SHARDS_INPUT_LIMIT),
    opt("StreamCreationTimestamp", &TIMESTAMP),
    opt("ShardFilter", &SHARD_FILTER),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static LIST_SHARDS_INPUT: Shape = Shape::new(
    "ListShardsInput",
    ShapeKind::Structure(&LIST_SHARDS_INPUT_MEMBERS),
);
static LIST_SHARDS_INPUT_LIMIT: Shape = Shape::new("ListShardsInputLimit", ShapeKind::Integer)
    .min(1)
    .max(10000);
static LIST_SHARDS_OUTPUT_MEMBERS: [Member; 2] =
    [opt("Shards", &SHARD_LIST), opt("NextToken", &NEXT_TOKEN)];
static LIST_SHARDS_OUTPUT: Shape = Shape::new(
    "ListShardsOutput",
    ShapeKind::Structure(&LIST_SHARDS_OUTPUT_MEMBERS),
);
static LIST_STREAM_CONSUMERS_INPUT_MEMBERS: [Member; 5] = [
    req("StreamARN", &STREAM_ARN),
    opt("NextToken", &NEXT_TOKEN),
    opt("MaxResults", &LIST_STREAM_CONSUMERS_INPUT_LIMIT),
    opt("StreamCreationTimestamp", &TIMESTAMP),
    opt("StreamId", &STREAM_ID),
];
static LIST_STREAM_CONSUMERS_INPUT: Shape = Shape::new(
    "ListStreamConsumersInput",
    ShapeKind::Structure(&LIST_STREAM_CONSUMERS_INPUT_MEMBERS),
);
static LIST_STREAM_CONSUMERS_INPUT_LIMIT: Shape =
    Shape::new("ListStreamConsumersInputLimit", ShapeKind::Integer)
        .min(1)
        .max(10000);
static LIST_STREAM_CONSUMERS_OUTPUT_MEMBERS: [Member; 2] = [
    opt("Consumers", &CONSUMER_LIST),
    opt("NextToken", &NEXT_TOKEN),
];
static LIST_STREAM_CONSUMERS_OUTPUT: Shape = Shape::new(
    "ListStreamConsumersOutput",
    ShapeKind::Structure(&LIST_STREAM_CONSUMERS_OUTPUT_MEMBERS),
);
static LIST_STREAMS_INPUT_MEMBERS: [Member; 3] = [
    opt("Limit", &LIST_STREAMS_INPUT_LIMIT),
    opt("ExclusiveStartStreamName", &STREAM_NAME),
    opt("NextToken", &NEXT_TOKEN),
];
static LIST_STREAMS_INPUT: Shape = Shape::new(
    "ListStreamsInput",
    ShapeKind::Structure(&LIST_STREAMS_INPUT_MEMBERS),
);
static LIST_STREAMS_INPUT_LIMIT: Shape = Shape::new("ListStreamsInputLimit", ShapeKind::Integer)
    .min(1)
    .max(10000);
static LIST_STREAMS_OUTPUT_MEMBERS: [Member; 4] = [
    req("StreamNames", &STREAM_NAME_LIST),
    req("HasMoreStreams", &BOOLEAN_OBJECT),
    opt("NextToken", &NEXT_TOKEN),
    opt("StreamSummaries", &STREAM_SUMMARY_LIST),
];
static LIST_STREAMS_OUTPUT: Shape = Shape::new(
    "ListStreamsOutput",
    ShapeKind::Structure(&LIST_STREAMS_OUTPUT_MEMBERS),
);
static LIST_TAGS_FOR_RESOURCE_INPUT_MEMBERS: [Member; 2] = [
    req("ResourceARN", &RESOURCE_ARN),
    opt("StreamId", &STREAM_ID),
];
static LIST_TAGS_FOR_RESOURCE_INPUT: Shape = Shape::new(
    "ListTagsForResourceInput",
    ShapeKind::Structure(&LIST_TAGS_FOR_RESOURCE_INPUT_MEMBERS),
);
static LIST_TAGS_FOR_RESOURCE_OUTPUT_MEMBERS: [Member; 1] = [opt("Tags", &TAG_LIST)];
static LIST_TAGS_FOR_RESOURCE_OUTPUT: Shape = Shape::new(
    "ListTagsForResourceOutput",
    ShapeKind::Structure(&LIST_TAGS_FOR_RESOURCE_OUTPUT_MEMBERS),
);
static LIST_TAGS_FOR_STREAM_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    opt("ExclusiveStartTagKey", &TAG_KEY),
    opt("Limit", &LIST_TAGS_FOR_STREAM_INPUT_LIMIT),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static LIST_TAGS_FOR_STREAM_INPUT: Shape = Shape::new(
    "ListTagsForStreamInput",
    ShapeKind::Structure(&LIST_TAGS_FOR_STREAM_INPUT_MEMBERS),
);
static LIST_TAGS_FOR_STREAM_INPUT_LIMIT: Shape =
    Shape::new("ListTagsForStreamInputLimit", ShapeKind::Integer)
        .min(1)
        .max(50);
static LIST_TAGS_FOR_STREAM_OUTPUT_MEMBERS: [Member; 2] =
    [req("Tags", &TAG_LIST), req("HasMoreTags", &BOOLEAN_OBJECT)];
static LIST_TAGS_FOR_STREAM_OUTPUT: Shape = Shape::new(
    "ListTagsForStreamOutput",
    ShapeKind::Structure(&LIST_TAGS_FOR_STREAM_OUTPUT_MEMBERS),
);
static MAX_RECEIVE_COUNT: Shape = Shape::new("MaxReceiveCount", ShapeKind::Integer)
    .min(1)
    .max(1000);
static MAX_RECORD_SIZE_IN_KI_B: Shape = Shape::new("MaxRecordSizeInKiB", ShapeKind::Integer)
    .min(1024)
    .max(10240);
static MERGE_SHARDS_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    req("ShardToMerge", &SHARD_ID),
    req("AdjacentShardToMerge", &SHARD_ID),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static MERGE_SHARDS_INPUT: Shape = Shape::new(
    "MergeShardsInput",
    ShapeKind::Structure(&MERGE_SHARDS_INPUT_MEMBERS),
);
static METRICS_NAME: Shape = Shape::new("MetricsName", ShapeKind::String).enums(&[
    "IncomingBytes",
    "IncomingRecords",
    "OutgoingBytes",
    "OutgoingRecords",
    "WriteProvisionedThroughputExceeded",
    "ReadProvisionedThroughputExceeded",
    "IteratorAgeMilliseconds",
    "ALL",
]);
static METRICS_NAME_LIST: Shape = Shape::new("MetricsNameList", ShapeKind::List(&METRICS_NAME))
    .min(1)
    .max(7);
static MILLIS_BEHIND_LATEST: Shape = Shape::new("MillisBehindLatest", ShapeKind::Long).min(0);
static MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT_MEMBERS: [Member; 1] = [req(
    "Status",
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT_STATUS,
)];
static MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT: Shape = Shape::new(
    "MinimumThroughputBillingCommitmentInput",
    ShapeKind::Structure(&MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT_MEMBERS),
);
static MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT_STATUS: Shape = Shape::new(
    "MinimumThroughputBillingCommitmentInputStatus",
    ShapeKind::String,
)
.enums(&["ENABLED", "DISABLED"]);
static MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT_MEMBERS: [Member; 4] = [
    req(
        "Status",
        &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT_STATUS,
    ),
    opt("StartedAt", &TIMESTAMP),
    opt("EndedAt", &TIMESTAMP),
    opt("EarliestAllowedEndAt", &TIMESTAMP),
];
static MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT: Shape = Shape::new(
    "MinimumThroughputBillingCommitmentOutput",
    ShapeKind::Structure(&MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT_MEMBERS),
);
static MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT_STATUS: Shape = Shape::new(
    "MinimumThroughputBillingCommitmentOutputStatus",
    ShapeKind::String,
)
.enums(&["ENABLED", "DISABLED", "ENABLED_UNTIL_EARLIEST_ALLOWED_END"]);
static NATURAL_INTEGER_OBJECT: Shape =
    Shape::new("NaturalIntegerObject", ShapeKind::Integer).min(0);
static NEXT_TOKEN: Shape = Shape::new("NextToken", ShapeKind::String)
    .min(1)
    .max(1048576);
static ON_DEMAND_STREAM_COUNT_LIMIT_OBJECT: Shape =
    Shape::new("OnDemandStreamCountLimitObject", ShapeKind::Integer)
        .min(0)
        .max(1000000);
static ON_DEMAND_STREAM_COUNT_OBJECT: Shape =
    Shape::new("OnDemandStreamCountObject", ShapeKind::Integer)
        .min(0)
        .max(1000000);
static PARTITION_FIELD_MEMBERS: [Member; 2] = [
    req("Transform", &PARTITION_TRANSFORM),
    req("SourceName", &PARTITION_SOURCE_NAME),
];
static PARTITION_FIELD: Shape = Shape::new(
    "PartitionField",
    ShapeKind::Structure(&PARTITION_FIELD_MEMBERS),
);
static PARTITION_FIELD_LIST: Shape =
    Shape::new("PartitionFieldList", ShapeKind::List(&PARTITION_FIELD))
        .min(1)
        .max(10);
static PARTITION_KEY: Shape = Shape::new("PartitionKey", ShapeKind::String)
    .min(1)
    .max(256);
static PARTITION_SOURCE_NAME: Shape = Shape::new("PartitionSourceName", ShapeKind::String)
    .min(1)
    .max(255)
    .pattern(r#"[a-zA-Z0-9\.\_]+"#);
static PARTITION_SPEC_MEMBERS: [Member; 1] = [req("PartitionFields", &PARTITION_FIELD_LIST)];
static PARTITION_SPEC: Shape = Shape::new(
    "PartitionSpec",
    ShapeKind::Structure(&PARTITION_SPEC_MEMBERS),
);
static PARTITION_TRANSFORM: Shape =
    Shape::new("PartitionTransform", ShapeKind::String).enums(&["TIME_HOUR"]);
static POLICY: Shape = Shape::new("Policy", ShapeKind::String);
static POSITIVE_INTEGER_OBJECT: Shape =
    Shape::new("PositiveIntegerObject", ShapeKind::Integer).min(1);
static PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION_MEMBERS: [Member; 1] =
    [opt("message", &ERROR_MESSAGE)];
static PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION: Shape = Shape::new(
    "ProvisionedThroughputExceededException",
    ShapeKind::Structure(&PROVISIONED_THROUGHPUT_EXCEEDED_EXCEPTION_MEMBERS),
)
.exception();
static PUT_RECORD_INPUT_MEMBERS: [Member; 8] = [
    opt("StreamName", &STREAM_NAME),
    req("Data", &DATA),
    opt("PartitionKey", &PARTITION_KEY),
    opt("ExplicitHashKey", &HASH_KEY),
    opt("SequenceNumberForOrdering", &SEQUENCE_NUMBER),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    opt("DryRun", &BOOLEAN_OBJECT),
];
static PUT_RECORD_INPUT: Shape = Shape::new(
    "PutRecordInput",
    ShapeKind::Structure(&PUT_RECORD_INPUT_MEMBERS),
);
static PUT_RECORD_OUTPUT_MEMBERS: [Member; 3] = [
    req("ShardId", &SHARD_ID),
    req("SequenceNumber", &SEQUENCE_NUMBER),
    opt("EncryptionType", &ENCRYPTION_TYPE),
];
static PUT_RECORD_OUTPUT: Shape = Shape::new(
    "PutRecordOutput",
    ShapeKind::Structure(&PUT_RECORD_OUTPUT_MEMBERS),
);
static PUT_RECORDS_INPUT_MEMBERS: [Member; 5] = [
    req("Records", &PUT_RECORDS_REQUEST_ENTRY_LIST),
    opt("StreamName", &STREAM_NAME),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    opt("DryRun", &BOOLEAN_OBJECT),
];
static PUT_RECORDS_INPUT: Shape = Shape::new(
    "PutRecordsInput",
    ShapeKind::Structure(&PUT_RECORDS_INPUT_MEMBERS),
);
static PUT_RECORDS_OUTPUT_MEMBERS: [Member; 3] = [
    opt("FailedRecordCount", &POSITIVE_INTEGER_OBJECT),
    req("Records", &PUT_RECORDS_RESULT_ENTRY_LIST),
    opt("EncryptionType", &ENCRYPTION_TYPE),
];
static PUT_RECORDS_OUTPUT: Shape = Shape::new(
    "PutRecordsOutput",
    ShapeKind::Structure(&PUT_RECORDS_OUTPUT_MEMBERS),
);
static PUT_RECORDS_REQUEST_ENTRY_MEMBERS: [Member; 3] = [
    req("Data", &DATA),
    opt("ExplicitHashKey", &HASH_KEY),
    opt("PartitionKey", &PARTITION_KEY),
];
static PUT_RECORDS_REQUEST_ENTRY: Shape = Shape::new(
    "PutRecordsRequestEntry",
    ShapeKind::Structure(&PUT_RECORDS_REQUEST_ENTRY_MEMBERS),
);
static PUT_RECORDS_REQUEST_ENTRY_LIST: Shape = Shape::new(
    "PutRecordsRequestEntryList",
    ShapeKind::List(&PUT_RECORDS_REQUEST_ENTRY),
)
.min(1)
.max(500);
static PUT_RECORDS_RESULT_ENTRY_MEMBERS: [Member; 4] = [
    opt("SequenceNumber", &SEQUENCE_NUMBER),
    opt("ShardId", &SHARD_ID),
    opt("ErrorCode", &ERROR_CODE),
    opt("ErrorMessage", &ERROR_MESSAGE),
];
static PUT_RECORDS_RESULT_ENTRY: Shape = Shape::new(
    "PutRecordsResultEntry",
    ShapeKind::Structure(&PUT_RECORDS_RESULT_ENTRY_MEMBERS),
);
static PUT_RECORDS_RESULT_ENTRY_LIST: Shape = Shape::new(
    "PutRecordsResultEntryList",
    ShapeKind::List(&PUT_RECORDS_RESULT_ENTRY),
)
.min(1)
.max(500);
static PUT_RESOURCE_POLICY_INPUT_MEMBERS: [Member; 3] = [
    req("ResourceARN", &RESOURCE_ARN),
    opt("StreamId", &STREAM_ID),
    req("Policy", &POLICY),
];
static PUT_RESOURCE_POLICY_INPUT: Shape = Shape::new(
    "PutResourcePolicyInput",
    ShapeKind::Structure(&PUT_RESOURCE_POLICY_INPUT_MEMBERS),
);
static QUEUE_ARN: Shape = Shape::new("QueueARN", ShapeKind::String)
    .min(1)
    .max(2048)
    .pattern(r#"arn:aws.*:kinesis:.*:\d{12}:queue/\S+"#);
static QUEUE_ATTRIBUTES_MEMBERS: [Member; 2] = [
    opt("VisibilityTimeoutSeconds", &VISIBILITY_TIMEOUT_SECONDS),
    opt("DeadLetterConfiguration", &DEAD_LETTER_CONFIGURATION),
];
static QUEUE_ATTRIBUTES: Shape = Shape::new(
    "QueueAttributes",
    ShapeKind::Structure(&QUEUE_ATTRIBUTES_MEMBERS),
);
static QUEUE_COUNT_OBJECT: Shape = Shape::new("QueueCountObject", ShapeKind::Integer)
    .min(0)
    .max(1000000);
static QUEUE_DESCRIPTION_MEMBERS: [Member; 6] = [
    req("QueueName", &QUEUE_NAME),
    req("QueueARN", &QUEUE_ARN),
    req("QueueStatus", &QUEUE_STATUS),
    req("QueueCreationTimestamp", &TIMESTAMP),
    req("StreamConfigurationList", &QUEUE_STREAM_CONFIGURATION_LIST),
    opt("QueueAttributes", &QUEUE_ATTRIBUTES),
];
static QUEUE_DESCRIPTION: Shape = Shape::new(
    "QueueDescription",
    ShapeKind::Structure(&QUEUE_DESCRIPTION_MEMBERS),
);
static QUEUE_NAME: Shape = Shape::new("QueueName", ShapeKind::String)
    .min(1)
    .max(128)
    .pattern(r#"[a-zA-Z0-9_.-]+"#);
static QUEUE_RECORD_MEMBERS: [Member; 7] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("RecordId", &RECORD_ID),
    opt("PartitionKey", &PARTITION_KEY),
    req("Data", &DATA),
    req(
        "ApproximateArrivalTimestamp",
        &APPROXIMATE_ARRIVAL_TIMESTAMP,
    ),
    req("FirstReceiveTimestamp", &FIRST_RECEIVE_TIMESTAMP),
    req("ReceiveCount", &RECEIVE_COUNT),
];
static QUEUE_RECORD: Shape = Shape::new("QueueRecord", ShapeKind::Structure(&QUEUE_RECORD_MEMBERS));
static QUEUE_RECORD_LIST: Shape = Shape::new("QueueRecordList", ShapeKind::List(&QUEUE_RECORD));
static QUEUE_STARTING_POSITION_MEMBERS: [Member; 2] = [
    req("Type", &QUEUE_STARTING_POSITION_TYPE),
    opt("Timestamp", &TIMESTAMP),
];
static QUEUE_STARTING_POSITION: Shape = Shape::new(
    "QueueStartingPosition",
    ShapeKind::Structure(&QUEUE_STARTING_POSITION_MEMBERS),
);
static QUEUE_STARTING_POSITION_TYPE: Shape =
    Shape::new("QueueStartingPositionType", ShapeKind::String).enums(&[
        "TRIM_HORIZON",
        "LATEST",
        "AT_TIMESTAMP",
    ]);
static QUEUE_STATUS: Shape = Shape::new("QueueStatus", ShapeKind::String)
    .enums(&["CREATING", "ACTIVE", "UPDATING", "DELETING"]);
static QUEUE_STREAM_CONFIGURATION_MEMBERS: [Member; 2] = [
    req("StreamARN", &STREAM_ARN),
    opt("StartingPosition", &QUEUE_STARTING_POSITION),
];
static QUEUE_STREAM_CONFIGURATION: Shape = Shape::new(
    "QueueStreamConfiguration",
    ShapeKind::Structure(&QUEUE_STREAM_CONFIGURATION_MEMBERS),
);
static QUEUE_STREAM_CONFIGURATION_LIST: Shape = Shape::new(
    "QueueStreamConfigurationList",
    ShapeKind::List(&QUEUE_STREAM_CONFIGURATION),
)
.min(1)
.max(10000);
static QUEUE_STREAM_FILTER_MEMBERS: [Member; 2] = [
    req("StreamARN", &STREAM_ARN),
    opt("StreamCreationTimestamp", &TIMESTAMP),
];
static QUEUE_STREAM_FILTER: Shape = Shape::new(
    "QueueStreamFilter",
    ShapeKind::Structure(&QUEUE_STREAM_FILTER_MEMBERS),
);
static QUEUE_STREAM_FILTER_LIST: Shape = Shape::new(
    "QueueStreamFilterList",
    ShapeKind::List(&QUEUE_STREAM_FILTER),
)
.min(1)
.max(10000);
static QUEUE_STREAM_IDENTIFIER_MEMBERS: [Member; 2] = [
    req("StreamARN", &STREAM_ARN),
    req("StreamCreationTimestamp", &TIMESTAMP),
];
static QUEUE_STREAM_IDENTIFIER: Shape = Shape::new(
    "QueueStreamIdentifier",
    ShapeKind::Structure(&QUEUE_STREAM_IDENTIFIER_MEMBERS),
);
static QUEUE_STREAM_IDENTIFIER_LIST: Shape = Shape::new(
    "QueueStreamIdentifierList",
    ShapeKind::List(&QUEUE_STREAM_IDENTIFIER),
)
.min(1)
.max(10000);
static QUEUE_SUMMARY_MEMBERS: [Member; 5] = [
    req("QueueName", &QUEUE_NAME),
    req("QueueARN", &QUEUE_ARN),
    req("QueueStatus", &QUEUE_STATUS),
    req("QueueCreationTimestamp", &TIMESTAMP),
    req("Streams", &QUEUE_STREAM_IDENTIFIER_LIST),
];
static QUEUE_SUMMARY: Shape =
    Shape::new("QueueSummary", ShapeKind::Structure(&QUEUE_SUMMARY_MEMBERS));
static QUEUE_SUMMARY_LIST: Shape = Shape::new("QueueSummaryList", ShapeKind::List(&QUEUE_SUMMARY));
static RECEIPT_HANDLE: Shape = Shape::new("ReceiptHandle", ShapeKind::String)
    .min(1)
    .max(1024);
static RECEIVE_COUNT: Shape = Shape::new("ReceiveCount", ShapeKind::Integer).min(0);
static RECEIVE_DEAD_LETTER_QUEUE_RECORDS_INPUT_MEMBERS: [Member; 4] = [
    req("QueueARN", &QUEUE_ARN),
    opt("Limit", &RECEIVE_QUEUE_RECORDS_INPUT_LIMIT),
    opt("WaitTimeSeconds", &RECEIVE_QUEUE_RECORDS_WAIT_TIME_SECONDS),
    opt("VisibilityTimeoutSeconds", &VISIBILITY_TIMEOUT_SECONDS),
];
static RECEIVE_DEAD_LETTER_QUEUE_RECORDS_INPUT: Shape = Shape::new(
    "ReceiveDeadLetterQueueRecordsInput",
    ShapeKind::Structure(&RECEIVE_DEAD_LETTER_QUEUE_RECORDS_INPUT_MEMBERS),
);
static RECEIVE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT_MEMBERS: [Member; 1] =
    [req("QueueRecords", &QUEUE_RECORD_LIST)];
static RECEIVE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT: Shape = Shape::new(
    "ReceiveDeadLetterQueueRecordsOutput",
    ShapeKind::Structure(&RECEIVE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT_MEMBERS),
);
static RECEIVE_QUEUE_RECORDS_INPUT_MEMBERS: [Member; 4] = [
    req("QueueARN", &QUEUE_ARN),
    opt("Limit", &RECEIVE_QUEUE_RECORDS_INPUT_LIMIT),
    opt("WaitTimeSeconds", &RECEIVE_QUEUE_RECORDS_WAIT_TIME_SECONDS),
    opt("VisibilityTimeoutSeconds", &VISIBILITY_TIMEOUT_SECONDS),
];
static RECEIVE_QUEUE_RECORDS_INPUT: Shape = Shape::new(
    "ReceiveQueueRecordsInput",
    ShapeKind::Structure(&RECEIVE_QUEUE_RECORDS_INPUT_MEMBERS),
);
static RECEIVE_QUEUE_RECORDS_INPUT_LIMIT: Shape =
    Shape::new("ReceiveQueueRecordsInputLimit", ShapeKind::Integer)
        .min(1)
        .max(10);
static RECEIVE_QUEUE_RECORDS_OUTPUT_MEMBERS: [Member; 1] =
    [req("QueueRecords", &QUEUE_RECORD_LIST)];
static RECEIVE_QUEUE_RECORDS_OUTPUT: Shape = Shape::new(
    "ReceiveQueueRecordsOutput",
    ShapeKind::Structure(&RECEIVE_QUEUE_RECORDS_OUTPUT_MEMBERS),
);
static RECEIVE_QUEUE_RECORDS_WAIT_TIME_SECONDS: Shape =
    Shape::new("ReceiveQueueRecordsWaitTimeSeconds", ShapeKind::Integer)
        .min(1)
        .max(20);
static RECORD_MEMBERS: [Member; 5] = [
    req("SequenceNumber", &SEQUENCE_NUMBER),
    opt("ApproximateArrivalTimestamp", &TIMESTAMP),
    req("Data", &DATA),
    opt("PartitionKey", &PARTITION_KEY),
    opt("EncryptionType", &ENCRYPTION_TYPE),
];
static RECORD: Shape = Shape::new("Record", ShapeKind::Structure(&RECORD_MEMBERS));
static RECORD_CONFIGURATION_MEMBERS: [Member; 2] = [
    req("RecordFormatType", &RECORD_FORMAT_TYPE),
    opt("GSRSchemaARN", &GSR_SCHEMA_ARN),
];
static RECORD_CONFIGURATION: Shape = Shape::new(
    "RecordConfiguration",
    ShapeKind::Structure(&RECORD_CONFIGURATION_MEMBERS),
);
static RECORD_DISTRIBUTION_STRATEGY: Shape =
    Shape::new("RecordDistributionStrategy", ShapeKind::String)
        .enums(&["AUTO", "USER_PARTITION_KEY"]);
static RECORD_FORMAT_TYPE: Shape = Shape::new("RecordFormatType", ShapeKind::String).enums(&[
    "GSR_JSON",
    "JSON",
    "STRING",
    "BYTE_ARRAY",
]);
static RECORD_ID: Shape = Shape::new("RecordId", ShapeKind::String)
    .min(1)
    .max(64)
    .pattern(r#"^[a-z0-9]+$"#);
static RECORD_LIST: Shape = Shape::new("RecordList", ShapeKind::List(&RECORD));
static REGISTER_STREAM_CONSUMER_INPUT_MEMBERS: [Member; 4] = [
    req("StreamARN", &STREAM_ARN),
    req("ConsumerName", &CONSUMER_NAME),
    opt("StreamId", &STREAM_ID),
    opt("Tags", &TAG_MAP),
];
static REGISTER_STREAM_CONSUMER_INPUT: Shape = Shape::new(
    "RegisterStreamConsumerInput",
    ShapeKind::Structure(&REGISTER_STREAM_CONSUMER_INPUT_MEMBERS),
);
static REGISTER_STREAM_CONSUMER_OUTPUT_MEMBERS: [Member; 1] = [req("Consumer", &CONSUMER)];
static REGISTER_STREAM_CONSUMER_OUTPUT: Shape = Shape::new(
    "RegisterStreamConsumerOutput",
    ShapeKind::Structure(&REGISTER_STREAM_CONSUMER_OUTPUT_MEMBERS),
);
static REMOVE_TAGS_FROM_STREAM_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    req("TagKeys", &TAG_KEY_LIST),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static REMOVE_TAGS_FROM_STREAM_INPUT: Shape = Shape::new(
    "RemoveTagsFromStreamInput",
    ShapeKind::Structure(&REMOVE_TAGS_FROM_STREAM_INPUT_MEMBERS),
);
static RESOURCE_ARN: Shape = Shape::new("ResourceARN", ShapeKind::String)
    .min(1)
    .max(2048)
    .pattern(r#"arn:aws.*:kinesis:.*:\d{12}:.*(stream|channel|queue)/\S+"#);
static RESOURCE_IN_USE_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static RESOURCE_IN_USE_EXCEPTION: Shape = Shape::new(
    "ResourceInUseException",
    ShapeKind::Structure(&RESOURCE_IN_USE_EXCEPTION_MEMBERS),
)
.exception();
static RESOURCE_NOT_FOUND_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static RESOURCE_NOT_FOUND_EXCEPTION: Shape = Shape::new(
    "ResourceNotFoundException",
    ShapeKind::Structure(&RESOURCE_NOT_FOUND_EXCEPTION_MEMBERS),
)
.exception();
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_MEMBERS: [Member; 3] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("ErrorCode", &ERROR_CODE),
    opt("ErrorMessage", &ERROR_MESSAGE),
];
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsErrorEntry",
    ShapeKind::Structure(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_MEMBERS),
);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_LIST: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsErrorEntryList",
    ShapeKind::List(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY),
);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_INPUT_MEMBERS: [Member; 2] = [
    req("QueueARN", &QUEUE_ARN),
    req(
        "Entries",
        &RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_LIST,
    ),
];
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_INPUT: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsInput",
    ShapeKind::Structure(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_INPUT_MEMBERS),
);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT_MEMBERS: [Member; 2] = [
    req(
        "Successful",
        &RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_LIST,
    ),
    req(
        "Failed",
        &RESTORE_DEAD_LETTER_QUEUE_RECORDS_ERROR_ENTRY_LIST,
    ),
];
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsOutput",
    ShapeKind::Structure(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_OUTPUT_MEMBERS),
);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsRequestEntry",
    ShapeKind::Structure(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_MEMBERS),
);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY_LIST: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsRequestEntryList",
    ShapeKind::List(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_REQUEST_ENTRY),
)
.min(1)
.max(10);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsResultEntry",
    ShapeKind::Structure(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_MEMBERS),
);
static RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY_LIST: Shape = Shape::new(
    "RestoreDeadLetterQueueRecordsResultEntryList",
    ShapeKind::List(&RESTORE_DEAD_LETTER_QUEUE_RECORDS_RESULT_ENTRY),
);
static RETENTION_PERIOD_HOURS: Shape = Shape::new("RetentionPeriodHours", ShapeKind::Integer);
static ROLE_ARN: Shape = Shape::new("RoleARN", ShapeKind::String)
    .min(1)
    .max(512)
    .pattern(r#"arn:aws[-a-z0-9]*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+"#);
static S3_COMPRESSION_TYPE: Shape =
    Shape::new("S3CompressionType", ShapeKind::String).enums(&["NONE", "GZIP", "ZSTD"]);
static S3_DESTINATION_CONFIGURATION_MEMBERS: [Member; 3] = [
    opt("DataFreshnessInSeconds", &DATA_FRESHNESS_IN_SECONDS),
    opt(
        "DeadLetterQueueS3Configuration",
        &DEAD_LETTER_QUEUE_S3_CONFIGURATION,
    ),
    req("StorageConfiguration", &S3_STORAGE_CONFIGURATION),
];
static S3_DESTINATION_CONFIGURATION: Shape = Shape::new(
    "S3DestinationConfiguration",
    ShapeKind::Structure(&S3_DESTINATION_CONFIGURATION_MEMBERS),
);
static S3_DESTINATION_DESCRIPTION_MEMBERS: [Member; 3] = [
    req("DataFreshnessInSeconds", &DATA_FRESHNESS_IN_SECONDS),
    req(
        "DeadLetterQueueS3Configuration",
        &DEAD_LETTER_QUEUE_S3_CONFIGURATION,
    ),
    req("StorageConfiguration", &S3_STORAGE_CONFIGURATION),
];
static S3_DESTINATION_DESCRIPTION: Shape = Shape::new(
    "S3DestinationDescription",
    ShapeKind::Structure(&S3_DESTINATION_DESCRIPTION_MEMBERS),
);
static S3_DESTINATION_UPDATE_INPUT_MEMBERS: [Member; 1] =
    [req("DataFreshnessInSeconds", &DATA_FRESHNESS_IN_SECONDS)];
static S3_DESTINATION_UPDATE_INPUT: Shape = Shape::new(
    "S3DestinationUpdateInput",
    ShapeKind::Structure(&S3_DESTINATION_UPDATE_INPUT_MEMBERS),
);
static S3_ERROR_OUTPUT_PREFIX: Shape = Shape::new("S3ErrorOutputPrefix", ShapeKind::String)
    .min(1)
    .max(512)
    .pattern(r#"[0-9A-Za-z!\-_'.*()\/]+"#);
static S3_OUTPUT_KEY_TEMPLATE: Shape = Shape::new("S3OutputKeyTemplate", ShapeKind::String)
    .min(1)
    .max(1024)
    .pattern(r#"[0-9A-Za-z!\-_'.*()\/=:{}]+"#);
static S3_STORAGE_CLASS: Shape = Shape::new("S3StorageClass", ShapeKind::String).enums(&[
    "STANDARD",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
]);
static S3_STORAGE_CONFIGURATION_MEMBERS: [Member; 5] = [
    req("BucketARN", &BUCKET_ARN),
    req("ExpectedBucketOwner", &EXPECTED_BUCKET_OWNER),
    opt("OutputKeyTemplate", &S3_OUTPUT_KEY_TEMPLATE),
    opt("StorageClass", &S3_STORAGE_CLASS),
    req("CompressionType", &S3_COMPRESSION_TYPE),
];
static S3_STORAGE_CONFIGURATION: Shape = Shape::new(
    "S3StorageConfiguration",
    ShapeKind::Structure(&S3_STORAGE_CONFIGURATION_MEMBERS),
);
static S3_TABLES_COMPRESSION_TYPE: Shape =
    Shape::new("S3TablesCompressionType", ShapeKind::String).enums(&["NONE", "ZSTD", "SNAPPY"]);
static S3_TABLES_CONFIGURATION_MEMBERS: [Member; 5] = [
    req("TableBucketARN", &TABLE_BUCKET_ARN),
    req("Namespace", &S3_TABLES_NAMESPACE),
    req("TableName", &S3_TABLES_TABLE_NAME),
    req("CompressionType", &S3_TABLES_COMPRESSION_TYPE),
    opt("PartitionSpec", &PARTITION_SPEC),
];
static S3_TABLES_CONFIGURATION: Shape = Shape::new(
    "S3TablesConfiguration",
    ShapeKind::Structure(&S3_TABLES_CONFIGURATION_MEMBERS),
);
static S3_TABLES_CONFIGURATION_LIST: Shape = Shape::new(
    "S3TablesConfigurationList",
    ShapeKind::List(&S3_TABLES_CONFIGURATION),
)
.min(1)
.max(10000);
static S3_TABLES_DESTINATION_CONFIGURATION_MEMBERS: [Member; 3] = [
    opt("DataFreshnessInSeconds", &DATA_FRESHNESS_IN_SECONDS),
    req(
        "DeadLetterQueueS3Configuration",
        &DEAD_LETTER_QUEUE_S3_CONFIGURATION,
    ),
    req("S3TablesConfigurationList", &S3_TABLES_CONFIGURATION_LIST),
];
static S3_TABLES_DESTINATION_CONFIGURATION: Shape = Shape::new(
    "S3TablesDestinationConfiguration",
    ShapeKind::Structure(&S3_TABLES_DESTINATION_CONFIGURATION_MEMBERS),
);
static S3_TABLES_DESTINATION_DESCRIPTION_MEMBERS: [Member; 3] = [
    req("DataFreshnessInSeconds", &DATA_FRESHNESS_IN_SECONDS),
    req(
        "DeadLetterQueueS3Configuration",
        &DEAD_LETTER_QUEUE_S3_CONFIGURATION,
    ),
    req("S3TablesConfigurationList", &S3_TABLES_CONFIGURATION_LIST),
];
static S3_TABLES_DESTINATION_DESCRIPTION: Shape = Shape::new(
    "S3TablesDestinationDescription",
    ShapeKind::Structure(&S3_TABLES_DESTINATION_DESCRIPTION_MEMBERS),
);
static S3_TABLES_DESTINATION_UPDATE_INPUT_MEMBERS: [Member; 1] =
    [req("DataFreshnessInSeconds", &DATA_FRESHNESS_IN_SECONDS)];
static S3_TABLES_DESTINATION_UPDATE_INPUT: Shape = Shape::new(
    "S3TablesDestinationUpdateInput",
    ShapeKind::Structure(&S3_TABLES_DESTINATION_UPDATE_INPUT_MEMBERS),
);
static S3_TABLES_NAMESPACE: Shape = Shape::new("S3TablesNamespace", ShapeKind::String)
    .min(1)
    .max(255)
    .pattern(r#"[0-9a-z_]+"#);
static S3_TABLES_TABLE_NAME: Shape = Shape::new("S3TablesTableName", ShapeKind::String)
    .min(1)
    .max(255)
    .pattern(r#"[0-9a-z_]+"#);
static SCALING_TYPE: Shape =
    Shape::new("ScalingType", ShapeKind::String).enums(&["UNIFORM_SCALING"]);
static SEQUENCE_NUMBER: Shape =
    Shape::new("SequenceNumber", ShapeKind::String).pattern(r#"^(0|([1-9]\d{0,128}))$"#);
static SEQUENCE_NUMBER_RANGE_MEMBERS: [Member; 2] = [
    req("StartingSequenceNumber", &SEQUENCE_NUMBER),
    opt("EndingSequenceNumber", &SEQUENCE_NUMBER),
];
static SEQUENCE_NUMBER_RANGE: Shape = Shape::new(
    "SequenceNumberRange",
    ShapeKind::Structure(&SEQUENCE_NUMBER_RANGE_MEMBERS),
);
static SHARD_MEMBERS: [Member; 5] = [
    req("ShardId", &SHARD_ID),
    opt("ParentShardId", &SHARD_ID),
    opt("AdjacentParentShardId", &SHARD_ID),
    req("HashKeyRange", &HASH_KEY_RANGE),
    req("SequenceNumberRange", &SEQUENCE_NUMBER_RANGE),
];
static SHARD: Shape = Shape::new("Shard", ShapeKind::Structure(&SHARD_MEMBERS));
static SHARD_COUNT_OBJECT: Shape = Shape::new("ShardCountObject", ShapeKind::Integer)
    .min(0)
    .max(1000000);
static SHARD_FILTER_MEMBERS: [Member; 3] = [
    req("Type", &SHARD_FILTER_TYPE),
    opt("ShardId", &SHARD_ID),
    opt("Timestamp", &TIMESTAMP),
];
static SHARD_FILTER: Shape = Shape::new("ShardFilter", ShapeKind::Structure(&SHARD_FILTER_MEMBERS));
static SHARD_FILTER_TYPE: Shape = Shape::new("ShardFilterType", ShapeKind::String).enums(&[
    "AFTER_SHARD_ID",
    "AT_TRIM_HORIZON",
    "FROM_TRIM_HORIZON",
    "AT_LATEST",
    "AT_TIMESTAMP",
    "FROM_TIMESTAMP",
]);
static SHARD_ID: Shape = Shape::new("ShardId", ShapeKind::String)
    .min(1)
    .max(128)
    .pattern(r#"[a-zA-Z0-9_.-]+"#);
static SHARD_ID_LIST: Shape = Shape::new("ShardIdList", ShapeKind::List(&SHARD_ID));
static SHARD_ITERATOR: Shape = Shape::new("ShardIterator", ShapeKind::String)
    .min(1)
    .max(512);
static SHARD_ITERATOR_TYPE: Shape = Shape::new("ShardIteratorType", ShapeKind::String).enums(&[
    "AT_SEQUENCE_NUMBER",
    "AFTER_SEQUENCE_NUMBER",
    "TRIM_HORIZON",
    "LATEST",
    "AT_TIMESTAMP",
]);
static SHARD_LIST: Shape = Shape::new("ShardList", ShapeKind::List(&SHARD));
static SPLIT_SHARD_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    req("ShardToSplit", &SHARD_ID),
    req("NewStartingHashKey", &HASH_KEY),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static SPLIT_SHARD_INPUT: Shape = Shape::new(
    "SplitShardInput",
    ShapeKind::Structure(&SPLIT_SHARD_INPUT_MEMBERS),
);
static START_STREAM_ENCRYPTION_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    req("EncryptionType", &ENCRYPTION_TYPE),
    req("KeyId", &KEY_ID),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static START_STREAM_ENCRYPTION_INPUT: Shape = Shape::new(
    "StartStreamEncryptionInput",
    ShapeKind::Structure(&START_STREAM_ENCRYPTION_INPUT_MEMBERS),
);
static STARTING_POSITION_MEMBERS: [Member; 3] = [
    req("Type", &SHARD_ITERATOR_TYPE),
    opt("SequenceNumber", &SEQUENCE_NUMBER),
    opt("Timestamp", &TIMESTAMP),
];
static STARTING_POSITION: Shape = Shape::new(
    "StartingPosition",
    ShapeKind::Structure(&STARTING_POSITION_MEMBERS),
);
static STOP_STREAM_ENCRYPTION_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    req("EncryptionType", &ENCRYPTION_TYPE),
    req("KeyId", &KEY_ID),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static STOP_STREAM_ENCRYPTION_INPUT: Shape = Shape::new(
    "StopStreamEncryptionInput",
    ShapeKind::Structure(&STOP_STREAM_ENCRYPTION_INPUT_MEMBERS),
);
static STREAM_ARN: Shape = Shape::new("StreamARN", ShapeKind::String)
    .min(1)
    .max(2048)
    .pattern(r#"arn:aws.*:kinesis:.*:\d{12}:stream/\S+"#);
static STREAM_DESCRIPTION_MEMBERS: [Member; 11] = [
    req("StreamName", &STREAM_NAME),
    req("StreamARN", &STREAM_ARN),
    req("StreamStatus", &STREAM_STATUS),
    opt("StreamModeDetails", &STREAM_MODE_DETAILS),
    req("Shards", &SHARD_LIST),
    req("HasMoreShards", &BOOLEAN_OBJECT),
    req("RetentionPeriodHours", &RETENTION_PERIOD_HOURS),
    req("StreamCreationTimestamp", &TIMESTAMP),
    req("EnhancedMonitoring", &ENHANCED_MONITORING_LIST),
    opt("EncryptionType", &ENCRYPTION_TYPE),
    opt("KeyId", &KEY_ID),
];
static STREAM_DESCRIPTION: Shape = Shape::new(
    "StreamDescription",
    ShapeKind::Structure(&STREAM_DESCRIPTION_MEMBERS),
);
static STREAM_DESCRIPTION_SUMMARY_MEMBERS: [Member; 17] = [
    req("StreamName", &STREAM_NAME),
    req("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    req("StreamStatus", &STREAM_STATUS),
    opt("StreamModeDetails", &STREAM_MODE_DETAILS),
    req("RetentionPeriodHours", &RETENTION_PERIOD_HOURS),
    req("StreamCreationTimestamp", &TIMESTAMP),
    req("EnhancedMonitoring", &ENHANCED_MONITORING_LIST),
    opt("EncryptionType", &ENCRYPTION_TYPE),
    opt("KeyId", &KEY_ID),
    req("OpenShardCount", &SHARD_COUNT_OBJECT),
    opt("ConsumerCount", &CONSUMER_COUNT_OBJECT),
    opt("WarmThroughput", &WARM_THROUGHPUT_OBJECT),
    opt("MaxRecordSizeInKiB", &MAX_RECORD_SIZE_IN_KI_B),
    opt("ChannelCount", &CHANNEL_COUNT_OBJECT),
    opt("RecordDistributionStrategy", &RECORD_DISTRIBUTION_STRATEGY),
    opt("QueueCount", &QUEUE_COUNT_OBJECT),
];
static STREAM_DESCRIPTION_SUMMARY: Shape = Shape::new(
    "StreamDescriptionSummary",
    ShapeKind::Structure(&STREAM_DESCRIPTION_SUMMARY_MEMBERS),
);
static STREAM_FILTER_MEMBERS: [Member; 2] = [
    req("StreamARN", &STREAM_ARN),
    opt("StreamCreationTimestamp", &TIMESTAMP),
];
static STREAM_FILTER: Shape =
    Shape::new("StreamFilter", ShapeKind::Structure(&STREAM_FILTER_MEMBERS));
static STREAM_FILTER_LIST: Shape = Shape::new("StreamFilterList", ShapeKind::List(&STREAM_FILTER))
    .min(1)
    .max(10000);
static STREAM_ID: Shape = Shape::new("StreamId", ShapeKind::String)
    .min(1)
    .max(24)
    .pattern(r#"[a-z0-9]{20}-[a-z0-9]{3}"#);
static STREAM_MODE: Shape =
    Shape::new("StreamMode", ShapeKind::String).enums(&["PROVISIONED", "ON_DEMAND"]);
static STREAM_MODE_DETAILS_MEMBERS: [Member; 1] = [req("StreamMode", &STREAM_MODE)];
static STREAM_MODE_DETAILS: Shape = Shape::new(
    "StreamModeDetails",
    ShapeKind::Structure(&STREAM_MODE_DETAILS_MEMBERS),
);
static STREAM_NAME: Shape = Shape::new("StreamName", ShapeKind::String)
    .min(1)
    .max(128)
    .pattern(r#"[a-zA-Z0-9_.-]+"#);
static STREAM_NAME_LIST: Shape = Shape::new("StreamNameList", ShapeKind::List(&STREAM_NAME));
static STREAM_STATUS: Shape = Shape::new("StreamStatus", ShapeKind::String)
    .enums(&["CREATING", "DELETING", "ACTIVE", "UPDATING"]);
static STREAM_SUMMARY_MEMBERS: [Member; 5] = [
    req("StreamName", &STREAM_NAME),
    req("StreamARN", &STREAM_ARN),
    req("StreamStatus", &STREAM_STATUS),
    opt("StreamModeDetails", &STREAM_MODE_DETAILS),
    opt("StreamCreationTimestamp", &TIMESTAMP),
];
static STREAM_SUMMARY: Shape = Shape::new(
    "StreamSummary",
    ShapeKind::Structure(&STREAM_SUMMARY_MEMBERS),
);
static STREAM_SUMMARY_LIST: Shape =
    Shape::new("StreamSummaryList", ShapeKind::List(&STREAM_SUMMARY));
static SUBSCRIBE_TO_SHARD_EVENT_MEMBERS: [Member; 4] = [
    req("Records", &RECORD_LIST),
    req("ContinuationSequenceNumber", &SEQUENCE_NUMBER),
    req("MillisBehindLatest", &MILLIS_BEHIND_LATEST),
    opt("ChildShards", &CHILD_SHARD_LIST),
];
static SUBSCRIBE_TO_SHARD_EVENT: Shape = Shape::new(
    "SubscribeToShardEvent",
    ShapeKind::Structure(&SUBSCRIBE_TO_SHARD_EVENT_MEMBERS),
)
.event();
static SUBSCRIBE_TO_SHARD_EVENT_STREAM_MEMBERS: [Member; 10] = [
    req("SubscribeToShardEvent", &SUBSCRIBE_TO_SHARD_EVENT),
    opt("ResourceNotFoundException", &RESOURCE_NOT_FOUND_EXCEPTION),
    opt("ResourceInUseException", &RESOURCE_IN_USE_EXCEPTION),
    opt("KMSDisabledException", &KMS_DISABLED_EXCEPTION),
    opt("KMSInvalidStateException", &KMS_INVALID_STATE_EXCEPTION),
    opt("KMSAccessDeniedException", &KMS_ACCESS_DENIED_EXCEPTION),
    opt("KMSNotFoundException", &KMS_NOT_FOUND_EXCEPTION),
    opt("KMSOptInRequired", &KMS_OPT_IN_REQUIRED),
    opt("KMSThrottlingException", &KMS_THROTTLING_EXCEPTION),
    opt("InternalFailureException", &INTERNAL_FAILURE_EXCEPTION),
];
static SUBSCRIBE_TO_SHARD_EVENT_STREAM: Shape = Shape::new(
    "SubscribeToShardEventStream",
    ShapeKind::Structure(&SUBSCRIBE_TO_SHARD_EVENT_STREAM_MEMBERS),
)
.event_stream();
static SUBSCRIBE_TO_SHARD_INPUT_MEMBERS: [Member; 5] = [
    req("ConsumerARN", &CONSUMER_ARN),
    opt("StreamId", &STREAM_ID),
    req("ShardId", &SHARD_ID),
    req("StartingPosition", &STARTING_POSITION),
    opt("DryRun", &BOOLEAN_OBJECT),
];
static SUBSCRIBE_TO_SHARD_INPUT: Shape = Shape::new(
    "SubscribeToShardInput",
    ShapeKind::Structure(&SUBSCRIBE_TO_SHARD_INPUT_MEMBERS),
);
static SUBSCRIBE_TO_SHARD_OUTPUT_MEMBERS: [Member; 1] =
    [req("EventStream", &SUBSCRIBE_TO_SHARD_EVENT_STREAM)];
static SUBSCRIBE_TO_SHARD_OUTPUT: Shape = Shape::new(
    "SubscribeToShardOutput",
    ShapeKind::Structure(&SUBSCRIBE_TO_SHARD_OUTPUT_MEMBERS),
);
static TABLE_BUCKET_ARN: Shape = Shape::new("TableBucketARN", ShapeKind::String)
    .min(1)
    .max(2048)
    .pattern(r#"arn:aws[-a-z0-9]*:s3tables:[-a-z0-9]+:\d{12}:bucket/[a-z0-9_-]{3,63}"#);
static TAG_MEMBERS: [Member; 2] = [req("Key", &TAG_KEY), opt("Value", &TAG_VALUE)];
static TAG: Shape = Shape::new("Tag", ShapeKind::Structure(&TAG_MEMBERS));
static TAG_KEY: Shape = Shape::new("TagKey", ShapeKind::String).min(1).max(128);
static TAG_KEY_LIST: Shape = Shape::new("TagKeyList", ShapeKind::List(&TAG_KEY))
    .min(1)
    .max(50);
static TAG_LIST: Shape = Shape::new("TagList", ShapeKind::List(&TAG)).min(0).max(200);
static TAG_MAP: Shape = Shape::new("TagMap", ShapeKind::Map(&TAG_KEY, &TAG_VALUE))
    .min(1)
    .max(200);
static TAG_RESOURCE_INPUT_MEMBERS: [Member; 3] = [
    req("Tags", &TAG_MAP),
    req("ResourceARN", &RESOURCE_ARN),
    opt("StreamId", &STREAM_ID),
];
static TAG_RESOURCE_INPUT: Shape = Shape::new(
    "TagResourceInput",
    ShapeKind::Structure(&TAG_RESOURCE_INPUT_MEMBERS),
);
static TAG_VALUE: Shape = Shape::new("TagValue", ShapeKind::String).min(0).max(256);
static TARGET_TYPE: Shape =
    Shape::new("TargetType", ShapeKind::String).enums(&["BUILT_IN", "NONE"]);
static THROTTLING_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static THROTTLING_EXCEPTION: Shape = Shape::new(
    "ThrottlingException",
    ShapeKind::Structure(&THROTTLING_EXCEPTION_MEMBERS),
)
.exception();
static TIMESTAMP: Shape = Shape::new("Timestamp", ShapeKind::Timestamp);
static UNTAG_RESOURCE_INPUT_MEMBERS: [Member; 3] = [
    req("TagKeys", &TAG_KEY_LIST),
    req("ResourceARN", &RESOURCE_ARN),
    opt("StreamId", &STREAM_ID),
];
static UNTAG_RESOURCE_INPUT: Shape = Shape::new(
    "UntagResourceInput",
    ShapeKind::Structure(&UNTAG_RESOURCE_INPUT_MEMBERS),
);
static UPDATE_ACCOUNT_SETTINGS_INPUT_MEMBERS: [Member; 1] = [req(
    "MinimumThroughputBillingCommitment",
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_INPUT,
)];
static UPDATE_ACCOUNT_SETTINGS_INPUT: Shape = Shape::new(
    "UpdateAccountSettingsInput",
    ShapeKind::Structure(&UPDATE_ACCOUNT_SETTINGS_INPUT_MEMBERS),
);
static UPDATE_ACCOUNT_SETTINGS_OUTPUT_MEMBERS: [Member; 1] = [opt(
    "MinimumThroughputBillingCommitment",
    &MINIMUM_THROUGHPUT_BILLING_COMMITMENT_OUTPUT,
)];
static UPDATE_ACCOUNT_SETTINGS_OUTPUT: Shape = Shape::new(
    "UpdateAccountSettingsOutput",
    ShapeKind::Structure(&UPDATE_ACCOUNT_SETTINGS_OUTPUT_MEMBERS),
);
static UPDATE_CHANNEL_INPUT_MEMBERS: [Member; 4] = [
    req("ChannelARN", &CHANNEL_ARN),
    opt("S3DestinationConfiguration", &S3_DESTINATION_UPDATE_INPUT),
    opt(
        "S3TablesDestinationConfiguration",
        &S3_TABLES_DESTINATION_UPDATE_INPUT,
    ),
    opt("LoggingConfiguration", &CHANNEL_LOGGING_UPDATE_INPUT),
];
static UPDATE_CHANNEL_INPUT: Shape = Shape::new(
    "UpdateChannelInput",
    ShapeKind::Structure(&UPDATE_CHANNEL_INPUT_MEMBERS),
);
static UPDATE_CHANNEL_OUTPUT_MEMBERS: [Member; 1] =
    [req("ChannelDescription", &CHANNEL_DESCRIPTION)];
static UPDATE_CHANNEL_OUTPUT: Shape = Shape::new(
    "UpdateChannelOutput",
    ShapeKind::Structure(&UPDATE_CHANNEL_OUTPUT_MEMBERS),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_MEMBERS: [Member; 3] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("ErrorCode", &ERROR_CODE),
    opt("ErrorMessage", &ERROR_MESSAGE),
];
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityErrorEntry",
    ShapeKind::Structure(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_MEMBERS),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_LIST: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityErrorEntryList",
    ShapeKind::List(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_INPUT_MEMBERS: [Member; 2] = [
    req("QueueARN", &QUEUE_ARN),
    req(
        "Entries",
        &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_LIST,
    ),
];
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_INPUT: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityInput",
    ShapeKind::Structure(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_INPUT_MEMBERS),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_OUTPUT_MEMBERS: [Member; 2] = [
    req(
        "Successful",
        &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_LIST,
    ),
    req(
        "Failed",
        &UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_LIST,
    ),
];
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_OUTPUT: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityOutput",
    ShapeKind::Structure(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_OUTPUT_MEMBERS),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_MEMBERS: [Member; 2] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("VisibilityTimeoutSeconds", &VISIBILITY_TIMEOUT_SECONDS),
];
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityRequestEntry",
    ShapeKind::Structure(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_MEMBERS),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_LIST: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityRequestEntryList",
    ShapeKind::List(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY),
)
.min(1)
.max(10);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityResultEntry",
    ShapeKind::Structure(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_MEMBERS),
);
static UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_LIST: Shape = Shape::new(
    "UpdateDeadLetterQueueRecordsVisibilityResultEntryList",
    ShapeKind::List(&UPDATE_DEAD_LETTER_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY),
);
static UPDATE_MAX_RECORD_SIZE_INPUT_MEMBERS: [Member; 3] = [
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    req("MaxRecordSizeInKiB", &MAX_RECORD_SIZE_IN_KI_B),
];
static UPDATE_MAX_RECORD_SIZE_INPUT: Shape = Shape::new(
    "UpdateMaxRecordSizeInput",
    ShapeKind::Structure(&UPDATE_MAX_RECORD_SIZE_INPUT_MEMBERS),
);
static UPDATE_QUEUE_INPUT_MEMBERS: [Member; 2] = [
    req("QueueARN", &QUEUE_ARN),
    req("QueueAttributes", &QUEUE_ATTRIBUTES),
];
static UPDATE_QUEUE_INPUT: Shape = Shape::new(
    "UpdateQueueInput",
    ShapeKind::Structure(&UPDATE_QUEUE_INPUT_MEMBERS),
);
static UPDATE_QUEUE_OUTPUT_MEMBERS: [Member; 1] = [req("QueueDescription", &QUEUE_DESCRIPTION)];
static UPDATE_QUEUE_OUTPUT: Shape = Shape::new(
    "UpdateQueueOutput",
    ShapeKind::Structure(&UPDATE_QUEUE_OUTPUT_MEMBERS),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_MEMBERS: [Member; 3] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("ErrorCode", &ERROR_CODE),
    opt("ErrorMessage", &ERROR_MESSAGE),
];
static UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityErrorEntry",
    ShapeKind::Structure(&UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_MEMBERS),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_LIST: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityErrorEntryList",
    ShapeKind::List(&UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_INPUT_MEMBERS: [Member; 2] = [
    req("QueueARN", &QUEUE_ARN),
    req(
        "Entries",
        &UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_LIST,
    ),
];
static UPDATE_QUEUE_RECORDS_VISIBILITY_INPUT: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityInput",
    ShapeKind::Structure(&UPDATE_QUEUE_RECORDS_VISIBILITY_INPUT_MEMBERS),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_OUTPUT_MEMBERS: [Member; 2] = [
    req(
        "Successful",
        &UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_LIST,
    ),
    req("Failed", &UPDATE_QUEUE_RECORDS_VISIBILITY_ERROR_ENTRY_LIST),
];
static UPDATE_QUEUE_RECORDS_VISIBILITY_OUTPUT: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityOutput",
    ShapeKind::Structure(&UPDATE_QUEUE_RECORDS_VISIBILITY_OUTPUT_MEMBERS),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_MEMBERS: [Member; 2] = [
    req("ReceiptHandle", &RECEIPT_HANDLE),
    req("VisibilityTimeoutSeconds", &VISIBILITY_TIMEOUT_SECONDS),
];
static UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityRequestEntry",
    ShapeKind::Structure(&UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_MEMBERS),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY_LIST: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityRequestEntryList",
    ShapeKind::List(&UPDATE_QUEUE_RECORDS_VISIBILITY_REQUEST_ENTRY),
)
.min(1)
.max(10);
static UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_MEMBERS: [Member; 1] =
    [req("ReceiptHandle", &RECEIPT_HANDLE)];
static UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityResultEntry",
    ShapeKind::Structure(&UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_MEMBERS),
);
static UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY_LIST: Shape = Shape::new(
    "UpdateQueueRecordsVisibilityResultEntryList",
    ShapeKind::List(&UPDATE_QUEUE_RECORDS_VISIBILITY_RESULT_ENTRY),
);
static UPDATE_SHARD_COUNT_INPUT_MEMBERS: [Member; 5] = [
    opt("StreamName", &STREAM_NAME),
    req("TargetShardCount", &POSITIVE_INTEGER_OBJECT),
    req("ScalingType", &SCALING_TYPE),
    opt("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
];
static UPDATE_SHARD_COUNT_INPUT: Shape = Shape::new(
    "UpdateShardCountInput",
    ShapeKind::Structure(&UPDATE_SHARD_COUNT_INPUT_MEMBERS),
);
static UPDATE_SHARD_COUNT_OUTPUT_MEMBERS: [Member; 4] = [
    opt("StreamName", &STREAM_NAME),
    opt("CurrentShardCount", &POSITIVE_INTEGER_OBJECT),
    opt("TargetShardCount", &POSITIVE_INTEGER_OBJECT),
    opt("StreamARN", &STREAM_ARN),
];
static UPDATE_SHARD_COUNT_OUTPUT: Shape = Shape::new(
    "UpdateShardCountOutput",
    ShapeKind::Structure(&UPDATE_SHARD_COUNT_OUTPUT_MEMBERS),
);
static UPDATE_STREAM_MODE_INPUT_MEMBERS: [Member; 4] = [
    req("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    req("StreamModeDetails", &STREAM_MODE_DETAILS),
    opt("WarmThroughputMiBps", &NATURAL_INTEGER_OBJECT),
];
static UPDATE_STREAM_MODE_INPUT: Shape = Shape::new(
    "UpdateStreamModeInput",
    ShapeKind::Structure(&UPDATE_STREAM_MODE_INPUT_MEMBERS),
);
static UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_INPUT_MEMBERS: [Member; 3] = [
    req("StreamARN", &STREAM_ARN),
    opt("StreamId", &STREAM_ID),
    req("RecordDistributionStrategy", &RECORD_DISTRIBUTION_STRATEGY),
];
static UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_INPUT: Shape = Shape::new(
    "UpdateStreamRecordDistributionStrategyInput",
    ShapeKind::Structure(&UPDATE_STREAM_RECORD_DISTRIBUTION_STRATEGY_INPUT_MEMBERS),
);
static UPDATE_STREAM_WARM_THROUGHPUT_INPUT_MEMBERS: [Member; 4] = [
    opt("StreamARN", &STREAM_ARN),
    opt("StreamName", &STREAM_NAME),
    opt("StreamId", &STREAM_ID),
    req("WarmThroughputMiBps", &NATURAL_INTEGER_OBJECT),
];
static UPDATE_STREAM_WARM_THROUGHPUT_INPUT: Shape = Shape::new(
    "UpdateStreamWarmThroughputInput",
    ShapeKind::Structure(&UPDATE_STREAM_WARM_THROUGHPUT_INPUT_MEMBERS),
);
static UPDATE_STREAM_WARM_THROUGHPUT_OUTPUT_MEMBERS: [Member; 3] = [
    opt("StreamARN", &STREAM_ARN),
    opt("StreamName", &STREAM_NAME),
    opt("WarmThroughput", &WARM_THROUGHPUT_OBJECT),
];
static UPDATE_STREAM_WARM_THROUGHPUT_OUTPUT: Shape = Shape::new(
    "UpdateStreamWarmThroughputOutput",
    ShapeKind::Structure(&UPDATE_STREAM_WARM_THROUGHPUT_OUTPUT_MEMBERS),
);
static VALIDATION_EXCEPTION_MEMBERS: [Member; 1] = [opt("message", &ERROR_MESSAGE)];
static VALIDATION_EXCEPTION: Shape = Shape::new(
    "ValidationException",
    ShapeKind::Structure(&VALIDATION_EXCEPTION_MEMBERS),
)
.exception();
static VISIBILITY_TIMEOUT_SECONDS: Shape =
    Shape::new("VisibilityTimeoutSeconds", ShapeKind::Integer)
        .min(0)
        .max(43200);
static WARM_THROUGHPUT_OBJECT_MEMBERS: [Member; 2] = [
    opt("TargetMiBps", &NATURAL_INTEGER_OBJECT),
    opt("CurrentMiBps", &NATURAL_INTEGER_OBJECT),
];
static WARM_THROUGHPUT_OBJECT: Shape = Shape::new(
    "WarmThroughputObject",
    ShapeKind::Structure(&WARM_THROUGHPUT_OBJECT_MEMBERS),
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_round_trip_and_are_sorted() {
        let all = Operation::all();
        assert_eq!(all.len(), 57);
        for w in all.windows(2) {
            assert!(w[0].name() < w[1].name());
        }
        for &op in all {
            assert_eq!(Operation::from_name(op.name()), Some(op));
        }
        assert_eq!(
            Operation::from_name("PutRecords"),
            Some(Operation::PutRecords)
        );
        assert_eq!(Operation::from_name("putRecords"), None);
        assert_eq!(Operation::from_name(""), None);
    }

    #[test]
    fn every_operation_has_an_input_structure() {
        for &op in Operation::all() {
            let s = input_shape(op).unwrap_or_else(|| panic!("{} has no input", op.name()));
            assert!(s.is_structure(), "{}", op.name());
            if let Some(o) = output_shape(op) {
                assert!(o.is_structure(), "{}", op.name());
            }
        }
        assert!(output_shape(Operation::CreateStream).is_none());
        assert_eq!(
            output_shape(Operation::GetRecords).map(|s| s.name),
            Some("GetRecordsOutput")
        );
    }

    #[test]
    fn shapes_are_sorted_and_found_by_name() {
        for w in SHAPES.windows(2) {
            assert!(w[0].name < w[1].name);
        }
        for s in SHAPES {
            assert!(std::ptr::eq(shape(s.name).unwrap(), *s));
        }
        assert!(shape("NoSuchShape").is_none());
    }

    #[test]
    fn model_facts() {
        let name = shape("StreamName").unwrap();
        assert!(matches!(name.kind, ShapeKind::String));
        assert_eq!((name.min, name.max), (Some(1), Some(128)));
        assert_eq!(name.pattern, Some("[a-zA-Z0-9_.-]+"));

        let entry = shape("PutRecordsRequestEntry").unwrap();
        let names: Vec<_> = entry.members().iter().map(|m| m.name).collect();
        assert_eq!(names, ["Data", "ExplicitHashKey", "PartitionKey"]);
        assert!(entry.member("Data").unwrap().required);
        assert!(matches!(
            entry.member("Data").unwrap().shape.kind,
            ShapeKind::Blob
        ));

        let input = input_shape(Operation::PutRecords).unwrap();
        match input.member("Records").unwrap().shape.kind {
            ShapeKind::List(m) => assert_eq!(m.name, "PutRecordsRequestEntry"),
            _ => panic!("Records is a list"),
        }
        let tags = shape("TagMap").unwrap();
        match tags.kind {
            ShapeKind::Map(k, v) => assert_eq!((k.name, v.name), ("TagKey", "TagValue")),
            _ => panic!("TagMap is a map"),
        }
        let it = shape("ShardIteratorType").unwrap();
        assert!(it.enum_values.contains(&"AT_TIMESTAMP"));
        let ev = shape("SubscribeToShardEvent").unwrap();
        assert!(ev.event && ev.member("ContinuationSequenceNumber").unwrap().required);
        assert!(shape("SubscribeToShardEventStream").unwrap().event_stream);
        assert!(shape("InternalFailureException").unwrap().fault);
        assert!(shape("ResourceNotFoundException").unwrap().exception);
        assert!(Operation::PutRecords
            .errors()
            .iter()
            .any(|e| e.name == "ProvisionedThroughputExceededException"));
    }
}
