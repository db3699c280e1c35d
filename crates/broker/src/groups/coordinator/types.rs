//! The coordinator's public vocabulary (docs/dev/groups-api.md): requests as the Kafka front
//! decodes them, results as it encodes them, errors (one per Kafka error code), the group
//! states with Kafka's names, the snapshots written to the internal log, and the sink they go
//! to. No behaviour lives here beyond naming and the two result constructors.

use bytes::Bytes;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("The configured groupId is invalid.")]
    InvalidGroupId,
    #[error("The coordinator is not aware of this member.")]
    UnknownMemberId,
    #[error("The session timeout is not within the range allowed by the broker.")]
    InvalidSessionTimeout,
    #[error("The group is rebalancing, so a rejoin is needed.")]
    RebalanceInProgress,
    #[error("Specified group generation id is not valid.")]
    IllegalGeneration,
    #[error(
        "The group member's supported protocols are incompatible with those of existing members."
    )]
    InconsistentGroupProtocol,
    #[error("The group id does not exist.")]
    GroupIdNotFound,
    #[error("The group is not empty.")]
    NonEmptyGroup,
    #[error("The group member needs to have a valid member id before actually entering a consumer group.")]
    MemberIdRequired,
    #[error("The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id.")]
    FencedInstanceId,
    #[error("The consumer group has reached its max size.")]
    GroupMaxSizeReached,
    #[error("The coordinator is not available.")]
    CoordinatorNotAvailable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

const STATES: [GroupState; 5] = [
    GroupState::Empty,
    GroupState::PreparingRebalance,
    GroupState::CompletingRebalance,
    GroupState::Stable,
    GroupState::Dead,
];

impl GroupState {
    /// Kafka's name for the state (DescribeGroups, ListGroups).
    pub fn as_str(&self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }

    /// The state named `s`, ignoring case (ListGroups' states filter).
    pub fn parse(s: &str) -> Option<Self> {
        STATES
            .into_iter()
            .find(|st| st.as_str().eq_ignore_ascii_case(s))
    }
}

#[derive(Clone, Debug)]
pub struct GroupConfig {
    /// Kafka's `group.min.session.timeout.ms`.
    pub session_timeout_min_ms: i32,
    /// Kafka's `group.max.session.timeout.ms`.
    pub session_timeout_max_ms: i32,
    /// Kafka's `group.initial.rebalance.delay.ms` (Kafka defaults to 3 000).
    pub initial_rebalance_delay_ms: i32,
    /// Kafka's `group.max.size`.
    pub group_max_size: usize,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            session_timeout_min_ms: 6_000,
            session_timeout_max_ms: 1_800_000,
            initial_rebalance_delay_ms: 0,
            group_max_size: usize::MAX,
        }
    }
}

#[derive(Clone, Debug)]
pub struct JoinGroup {
    pub group_id: String,
    /// "" for a member joining for the first time.
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub protocol_type: String,
    /// (protocol name, metadata), in the member's order of preference.
    pub protocols: Vec<(String, Bytes)>,
    pub session_timeout_ms: i32,
    /// JoinGroup v0 has none: the front passes the session timeout.
    pub rebalance_timeout_ms: i32,
    pub client_id: String,
    pub client_host: String,
    /// True from JoinGroup v4 (KIP-394).
    pub require_known_member_id: bool,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JoinedMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub metadata: Bytes,
}

#[derive(Clone, Debug)]
pub struct JoinResult {
    pub error: Option<GroupError>,
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub leader: String,
    pub member_id: String,
    /// Only for the leader: every member with its metadata for the chosen protocol.
    pub members: Vec<JoinedMember>,
    /// KIP-814: always false here (no static-leader skip).
    pub skip_assignment: bool,
}

impl JoinResult {
    /// A failed join, shaped as Kafka's `JoinGroupResult(memberId, error)`.
    pub fn failed(member_id: &str, error: GroupError) -> Self {
        JoinResult {
            error: Some(error),
            generation_id: -1,
            protocol_type: None,
            protocol_name: None,
            leader: String::new(),
            member_id: member_id.to_string(),
            members: Vec::new(),
            skip_assignment: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SyncGroup {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    /// v5+: checked against the group's (InconsistentGroupProtocol).
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    /// Only from the leader: (member id, assignment).
    pub assignments: Vec<(String, Bytes)>,
}

#[derive(Clone, Debug)]
pub struct SyncResult {
    pub error: Option<GroupError>,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub assignment: Bytes,
}

impl SyncResult {
    pub fn failed(error: GroupError) -> Self {
        SyncResult {
            error: Some(error),
            protocol_type: None,
            protocol_name: None,
            assignment: Bytes::new(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Heartbeat {
    pub group_id: String,
    pub generation_id: i32,
    pub member_id: String,
    pub group_instance_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaveMember {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub reason: Option<String>,
}

/// An answer now, or a receiver the answer will arrive on (a join waiting for the rebalance,
/// a follower's sync waiting for the leader's). Dropping the receiver abandons the request.
#[derive(Debug)]
pub enum Pending<T> {
    Ready(T),
    Wait(oneshot::Receiver<T>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberDescription {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    /// For the chosen protocol; empty unless the group is Stable.
    pub metadata: Bytes,
    /// Empty unless the group is Stable.
    pub assignment: Bytes,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupDescription {
    pub group_id: String,
    pub state: GroupState,
    pub protocol_type: String,
    /// The chosen protocol; "" unless the group is Stable.
    pub protocol_name: String,
    pub members: Vec<MemberDescription>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberSnapshot {
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub session_timeout_ms: i32,
    pub rebalance_timeout_ms: i32,
    pub protocols: Vec<(String, Bytes)>,
    pub assignment: Bytes,
}

/// Everything needed to restore a group after a restart (written when a generation completes
/// SyncGroup, when the group becomes Empty, and on deletion as a tombstone).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSnapshot {
    pub group_id: String,
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub leader: Option<String>,
    pub members: Vec<MemberSnapshot>,
}

/// Where the coordinator reports durable-state changes (the lead implements it over the
/// internal log). Calls arrive in the order the changes happened, never under the
/// coordinator's lock; a sink must not call back into the coordinator.
pub trait GroupSink: Send + Sync + 'static {
    fn group_changed(&self, snapshot: GroupSnapshot);
    fn group_deleted(&self, group_id: &str);
}
