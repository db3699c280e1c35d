//! The classic consumer-group APIs: FindCoordinator (this broker, for every group), JoinGroup,
//! SyncGroup, Heartbeat, LeaveGroup, DescribeGroups, ListGroups and DeleteGroups, mapped onto
//! the broker's `GroupCoordinator`. Joins and syncs that must wait for the rest of the group
//! wait without blocking the connection's reader.

use super::{Handled, Reply};
use crate::server::Context;
use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::delete_groups_response::DeletableGroupResult;
use kafka_protocol::messages::describe_groups_response::{DescribedGroup, DescribedGroupMember};
use kafka_protocol::messages::find_coordinator_response::Coordinator;
use kafka_protocol::messages::join_group_response::JoinGroupResponseMember;
use kafka_protocol::messages::leave_group_response::MemberResponse;
use kafka_protocol::messages::list_groups_response::ListedGroup;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use sluice_broker::groups::{
    GroupError, GroupState, Heartbeat, JoinGroup, JoinResult, LeaveMember, Pending, SyncGroup,
    SyncResult,
};
use std::sync::Arc;

const KEY_TYPE_GROUP: i8 = 0;

fn s(v: impl Into<String>) -> StrBytes {
    StrBytes::from_string(v.into())
}

fn opt(v: Option<&StrBytes>) -> Option<String> {
    v.map(|x| x.to_string())
}

/// The Kafka error code of a coordinator error.
pub fn group_code(e: GroupError) -> ResponseError {
    match e {
        GroupError::InvalidGroupId => ResponseError::InvalidGroupId,
        GroupError::UnknownMemberId => ResponseError::UnknownMemberId,
        GroupError::InvalidSessionTimeout => ResponseError::InvalidSessionTimeout,
        GroupError::RebalanceInProgress => ResponseError::RebalanceInProgress,
        GroupError::IllegalGeneration => ResponseError::IllegalGeneration,
        GroupError::InconsistentGroupProtocol => ResponseError::InconsistentGroupProtocol,
        GroupError::GroupIdNotFound => ResponseError::GroupIdNotFound,
        GroupError::NonEmptyGroup => ResponseError::NonEmptyGroup,
        GroupError::MemberIdRequired => ResponseError::MemberIdRequired,
        GroupError::FencedInstanceId => ResponseError::FencedInstanceId,
        GroupError::GroupMaxSizeReached => ResponseError::GroupMaxSizeReached,
        GroupError::CoordinatorNotAvailable => ResponseError::CoordinatorNotAvailable,
    }
}

fn code(e: Option<GroupError>) -> i16 {
    e.map_or(0, |e| group_code(e).code())
}

pub fn find_coordinator(ctx: &Arc<Context>, reply: Reply, req: FindCoordinatorRequest) -> Handled {
    let keys: Vec<StrBytes> = if reply.version >= 4 {
        req.coordinator_keys.clone()
    } else {
        vec![req.key.clone()]
    };
    let (host, port, node) = (
        s(ctx.config.advertised_host.clone()),
        ctx.config.advertised_port as i32,
        BrokerId(ctx.config.node_id),
    );
    let unsupported = req.key_type != KEY_TYPE_GROUP;
    let answer = |key: StrBytes| -> Coordinator {
        let c = Coordinator::default().with_key(key);
        if unsupported {
            c.with_error_code(ResponseError::InvalidRequest.code())
                .with_error_message(Some(s("Sluice coordinates consumer groups only (key type 0); transactions are not supported yet.")))
                .with_node_id(BrokerId(-1))
                .with_port(-1)
        } else {
            c.with_node_id(node).with_host(host.clone()).with_port(port)
        }
    };
    let mut answers: Vec<Coordinator> = keys.into_iter().map(answer).collect();
    let body = if reply.version >= 4 {
        FindCoordinatorResponse::default().with_coordinators(answers)
    } else {
        let c = answers.pop().unwrap_or_default();
        let mut r = FindCoordinatorResponse::default()
            .with_error_code(c.error_code)
            .with_node_id(c.node_id)
            .with_host(c.host)
            .with_port(c.port);
        if reply.version >= 1 {
            r.error_message = c.error_message;
        }
        r
    };
    reply.now(&body)
}

pub fn join_group(
    ctx: &Arc<Context>,
    reply: Reply,
    req: JoinGroupRequest,
    client_id: String,
    client_host: String,
) -> Handled {
    let v = reply.version;
    let join = JoinGroup {
        group_id: req.group_id.to_string(),
        member_id: req.member_id.to_string(),
        group_instance_id: opt(req.group_instance_id.as_ref()),
        protocol_type: req.protocol_type.to_string(),
        protocols: req
            .protocols
            .iter()
            .map(|p| (p.name.to_string(), p.metadata.clone()))
            .collect(),
        session_timeout_ms: req.session_timeout_ms,
        rebalance_timeout_ms: if v >= 1 {
            req.rebalance_timeout_ms
        } else {
            req.session_timeout_ms
        },
        client_id,
        client_host,
        require_known_member_id: v >= 4,
        reason: opt(req.reason.as_ref()),
    };
    match ctx.broker.groups().join(join) {
        Pending::Ready(r) => reply.now(&join_response(v, r)),
        Pending::Wait(rx) => Handled::Later(Box::pin(async move {
            let r = rx
                .await
                .unwrap_or_else(|_| JoinResult::failed("", GroupError::CoordinatorNotAvailable));
            reply
                .encode(&join_response(v, r), Default::default())
                .map(Some)
        })),
    }
}

fn join_response(v: i16, r: JoinResult) -> JoinGroupResponse {
    let members = r
        .members
        .into_iter()
        .map(|m| {
            let mut x = JoinGroupResponseMember::default()
                .with_member_id(s(m.member_id))
                .with_metadata(m.metadata);
            if v >= 5 {
                x.group_instance_id = m.group_instance_id.map(s);
            }
            x
        })
        .collect();
    let mut out = JoinGroupResponse::default()
        .with_error_code(code(r.error))
        .with_generation_id(r.generation_id)
        .with_leader(s(r.leader))
        .with_member_id(s(r.member_id))
        .with_members(members);
    out.protocol_name = match (r.protocol_name, v >= 7) {
        (Some(n), _) => Some(s(n)),
        (None, true) => None,
        (None, false) => Some(StrBytes::default()),
    };
    if v >= 7 {
        out.protocol_type = r.protocol_type.map(s);
    }
    if v >= 9 {
        out.skip_assignment = r.skip_assignment;
    }
    out
}

pub fn sync_group(ctx: &Arc<Context>, reply: Reply, req: SyncGroupRequest) -> Handled {
    let v = reply.version;
    let sync = SyncGroup {
        group_id: req.group_id.to_string(),
        generation_id: req.generation_id,
        member_id: req.member_id.to_string(),
        group_instance_id: opt(req.group_instance_id.as_ref()),
        protocol_type: opt(req.protocol_type.as_ref()),
        protocol_name: opt(req.protocol_name.as_ref()),
        assignments: req
            .assignments
            .iter()
            .map(|a| (a.member_id.to_string(), a.assignment.clone()))
            .collect(),
    };
    match ctx.broker.groups().sync(sync) {
        Pending::Ready(r) => reply.now(&sync_response(v, r)),
        Pending::Wait(rx) => Handled::Later(Box::pin(async move {
            let r = rx
                .await
                .unwrap_or_else(|_| SyncResult::failed(GroupError::CoordinatorNotAvailable));
            reply
                .encode(&sync_response(v, r), Default::default())
                .map(Some)
        })),
    }
}

fn sync_response(v: i16, r: SyncResult) -> SyncGroupResponse {
    let mut out = SyncGroupResponse::default()
        .with_error_code(code(r.error))
        .with_assignment(r.assignment);
    if v >= 5 {
        out.protocol_type = r.protocol_type.map(s);
        out.protocol_name = r.protocol_name.map(s);
    }
    out
}

pub fn heartbeat(ctx: &Arc<Context>, reply: Reply, req: HeartbeatRequest) -> Handled {
    let hb = Heartbeat {
        group_id: req.group_id.to_string(),
        generation_id: req.generation_id,
        member_id: req.member_id.to_string(),
        group_instance_id: opt(req.group_instance_id.as_ref()),
    };
    let err = ctx.broker.groups().heartbeat(hb).err();
    reply.now(&HeartbeatResponse::default().with_error_code(code(err)))
}

pub fn leave_group(ctx: &Arc<Context>, reply: Reply, req: LeaveGroupRequest) -> Handled {
    let v = reply.version;
    let members = if v >= 3 {
        req.members
            .iter()
            .map(|m| LeaveMember {
                member_id: m.member_id.to_string(),
                group_instance_id: opt(m.group_instance_id.as_ref()),
                reason: opt(m.reason.as_ref()),
            })
            .collect()
    } else {
        vec![LeaveMember {
            member_id: req.member_id.to_string(),
            group_instance_id: None,
            reason: None,
        }]
    };
    let body = match ctx.broker.groups().leave(&req.group_id, members) {
        Err(e) => LeaveGroupResponse::default().with_error_code(group_code(e).code()),
        Ok(results) if v >= 3 => {
            let members = results
                .into_iter()
                .map(|(m, e)| {
                    MemberResponse::default()
                        .with_member_id(s(m.member_id))
                        .with_group_instance_id(m.group_instance_id.map(s))
                        .with_error_code(code(e))
                })
                .collect();
            LeaveGroupResponse::default().with_members(members)
        }
        Ok(results) => LeaveGroupResponse::default()
            .with_error_code(code(results.into_iter().next().and_then(|(_, e)| e))),
    };
    reply.now(&body)
}

pub fn describe_groups(ctx: &Arc<Context>, reply: Reply, req: DescribeGroupsRequest) -> Handled {
    let v = reply.version;
    let groups = req
        .groups
        .iter()
        .map(|g| {
            let d = ctx.broker.groups().describe(g);
            let members = d
                .members
                .into_iter()
                .map(|m| {
                    let mut x = DescribedGroupMember::default()
                        .with_member_id(s(m.member_id))
                        .with_client_id(s(m.client_id))
                        .with_client_host(s(m.client_host))
                        .with_member_metadata(m.metadata)
                        .with_member_assignment(m.assignment);
                    if v >= 4 {
                        x.group_instance_id = m.group_instance_id.map(s);
                    }
                    x
                })
                .collect();
            let mut out = DescribedGroup::default()
                .with_group_id(g.clone())
                .with_group_state(StrBytes::from_static_str(d.state.as_str()))
                .with_protocol_type(s(d.protocol_type))
                .with_protocol_data(s(d.protocol_name))
                .with_members(members);
            if v >= 3 {
                out.authorized_operations = if req.include_authorized_operations {
                    GROUP_OPS_ALL
                } else {
                    i32::MIN
                };
            }
            if g.is_empty() {
                out.error_code = ResponseError::InvalidGroupId.code();
            } else if v >= 6 && d.state == GroupState::Dead {
                out.error_code = ResponseError::GroupIdNotFound.code();
                out.error_message = Some(s(format!("Group {} not found.", &**g)));
            }
            out
        })
        .collect();
    reply.now(&DescribeGroupsResponse::default().with_groups(groups))
}

/// READ, DELETE, DESCRIBE (Kafka's AclOperation 3, 6, 8): all a group allows, without ACLs.
const GROUP_OPS_ALL: i32 = (1 << 3) | (1 << 6) | (1 << 8);

pub fn list_groups(ctx: &Arc<Context>, reply: Reply, req: ListGroupsRequest) -> Handled {
    let v = reply.version;
    let states: Vec<GroupState> = req
        .states_filter
        .iter()
        .filter_map(|s| GroupState::parse(s))
        .collect();
    let unknown_state = req
        .states_filter
        .iter()
        .any(|s| GroupState::parse(s).is_none());
    let types: Vec<String> = req.types_filter.iter().map(|t| t.to_lowercase()).collect();
    let classic_only = types.is_empty() || types.iter().any(|t| t == "classic");
    let groups = ctx
        .broker
        .groups()
        .list()
        .into_iter()
        .filter(|(_, _, st)| !unknown_state && (states.is_empty() || states.contains(st)))
        .filter(|_| classic_only)
        .map(|(id, protocol_type, st)| {
            let mut g = ListedGroup::default()
                .with_group_id(GroupId(s(id)))
                .with_protocol_type(s(protocol_type));
            if v >= 4 {
                g.group_state = StrBytes::from_static_str(st.as_str());
            }
            if v >= 5 {
                g.group_type = StrBytes::from_static_str("Classic");
            }
            g
        })
        .collect();
    reply.now(&ListGroupsResponse::default().with_groups(groups))
}

pub fn delete_groups(ctx: &Arc<Context>, reply: Reply, req: DeleteGroupsRequest) -> Handled {
    let pending: Vec<_> = req
        .groups_names
        .into_iter()
        .map(|g| {
            let outcome = if g.is_empty() {
                Err(GroupError::InvalidGroupId)
            } else {
                ctx.broker.delete_group(&g)
            };
            (g, outcome)
        })
        .collect();
    Handled::Later(Box::pin(async move {
        let mut results = Vec::with_capacity(pending.len());
        for (g, outcome) in pending {
            let err = match outcome {
                Err(e) => group_code(e).code(),
                Ok(stored) => match stored.await {
                    Ok(()) => 0,
                    Err(_) => ResponseError::CoordinatorNotAvailable.code(),
                },
            };
            results.push(
                DeletableGroupResult::default()
                    .with_group_id(g)
                    .with_error_code(err),
            );
        }
        reply
            .encode(
                &DeleteGroupsResponse::default().with_results(results),
                Default::default(),
            )
            .map(Some)
    }))
}
