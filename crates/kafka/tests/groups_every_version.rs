//! Goal: every group and offset API answers at every advertised version, decodes back, and
//! behaves: a one-member group joins (with the KIP-394 member-id round trip from v4), syncs,
//! heartbeats, commits and fetches offsets, is described and listed, leaves, and is deleted.
//! Method: in-process broker (no initial rebalance delay), handlers called directly.

mod common;

use bytes::Bytes;
use common::*;
use kafka_protocol::messages::*;
use kafka_protocol::protocol::StrBytes;
use sluice_kafka::{versions, Context};
use std::sync::Arc;

#[global_allocator]
static A: sluice_kafka::alloc::LazyHugeAlloc = sluice_kafka::alloc::LazyHugeAlloc;

fn gid(s: &str) -> GroupId {
    GroupId(StrBytes::from_string(s.to_string()))
}

fn st(s: &str) -> StrBytes {
    StrBytes::from_string(s.to_string())
}

fn range(lo: i16, hi_cap: i16, key: ApiKey) -> std::ops::RangeInclusive<i16> {
    let (min, max) = versions::supported(key).unwrap_or_else(|| panic!("{key:?} not advertised"));
    assert!(min <= lo && max >= hi_cap.min(max));
    min..=max
}

/// Join (with the member-id round trip where the version has it) and sync a one-member group.
async fn join_and_sync(ctx: &Arc<Context>, group: &str, v: i16, sync_v: i16) -> (String, i32) {
    let protocol = join_group_request::JoinGroupRequestProtocol::default()
        .with_name(st("range"))
        .with_metadata(Bytes::from_static(b"meta"));
    let mut req = JoinGroupRequest::default()
        .with_group_id(gid(group))
        .with_session_timeout_ms(10_000)
        .with_rebalance_timeout_ms(10_000)
        .with_protocol_type(st("consumer"))
        .with_protocols(vec![protocol]);
    let r: JoinGroupResponse = decode(
        call(
            ctx,
            ApiKey::JoinGroup,
            v,
            RequestKind::JoinGroup(req.clone()),
        )
        .await,
        v,
    );
    let r = if v >= 4 {
        assert_eq!(r.error_code, 79, "MEMBER_ID_REQUIRED at v{v}");
        req.member_id = r.member_id.clone();
        decode::<JoinGroupResponse>(
            call(ctx, ApiKey::JoinGroup, v, RequestKind::JoinGroup(req)).await,
            v,
        )
    } else {
        r
    };
    assert_eq!(r.error_code, 0, "join v{v}");
    assert_eq!(r.leader, r.member_id, "a lone member leads");
    assert_eq!(r.members.len(), 1);
    assert_eq!(&r.members[0].metadata[..], b"meta");
    let member = r.member_id.to_string();
    let assignment = sync_group_request::SyncGroupRequestAssignment::default()
        .with_member_id(st(&member))
        .with_assignment(Bytes::from_static(b"assigned"));
    let mut sync = SyncGroupRequest::default()
        .with_group_id(gid(group))
        .with_generation_id(r.generation_id)
        .with_member_id(st(&member))
        .with_assignments(vec![assignment]);
    if sync_v >= 5 {
        sync.protocol_type = Some(st("consumer"));
        sync.protocol_name = Some(st("range"));
    }
    let s: SyncGroupResponse = decode(
        call(ctx, ApiKey::SyncGroup, sync_v, RequestKind::SyncGroup(sync)).await,
        sync_v,
    );
    assert_eq!(s.error_code, 0, "sync v{sync_v}");
    assert_eq!(&s.assignment[..], b"assigned");
    (member, r.generation_id)
}

fn ctx_without_delay(dir: &std::path::Path) -> Arc<Context> {
    context_with(dir, |c| c.groups.initial_rebalance_delay_ms = 0)
}

#[tokio::test]
async fn group_apis_answer_at_every_advertised_version() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = ctx_without_delay(dir.path());
    ctx.broker
        .create_topic("t", Some(2), Default::default(), false)
        .unwrap();

    for v in range(0, 4, ApiKey::FindCoordinator) {
        let mut req = FindCoordinatorRequest::default();
        if v >= 4 {
            req.coordinator_keys = vec![st("g1"), st("g2")];
        } else {
            req.key = st("g1");
        }
        let r: FindCoordinatorResponse = decode(
            call(
                &ctx,
                ApiKey::FindCoordinator,
                v,
                RequestKind::FindCoordinator(req),
            )
            .await,
            v,
        );
        if v >= 4 {
            assert_eq!(r.coordinators.len(), 2);
            assert!(r
                .coordinators
                .iter()
                .all(|c| c.error_code == 0 && c.port == 9092));
        } else {
            assert_eq!(
                (r.error_code, r.port, r.host.as_str()),
                (0, 9092, "127.0.0.1")
            );
        }
    }
    for v in range(0, 9, ApiKey::JoinGroup) {
        join_and_sync(&ctx, &format!("join-{v}"), v, 3).await;
    }
    for v in range(0, 5, ApiKey::SyncGroup) {
        join_and_sync(&ctx, &format!("sync-{v}"), 5, v).await;
    }
    let (member, generation) = join_and_sync(&ctx, "main", 9, 5).await;
    for v in range(0, 4, ApiKey::Heartbeat) {
        let req = HeartbeatRequest::default()
            .with_group_id(gid("main"))
            .with_generation_id(generation)
            .with_member_id(st(&member));
        let r: HeartbeatResponse = decode(
            call(&ctx, ApiKey::Heartbeat, v, RequestKind::Heartbeat(req)).await,
            v,
        );
        assert_eq!(r.error_code, 0, "heartbeat v{v}");
        let stale = HeartbeatRequest::default()
            .with_group_id(gid("main"))
            .with_generation_id(generation - 1)
            .with_member_id(st(&member));
        let r: HeartbeatResponse = decode(
            call(&ctx, ApiKey::Heartbeat, v, RequestKind::Heartbeat(stale)).await,
            v,
        );
        assert_eq!(r.error_code, 22, "ILLEGAL_GENERATION v{v}");
    }
    for v in range(2, 9, ApiKey::OffsetCommit) {
        let p = offset_commit_request::OffsetCommitRequestPartition::default()
            .with_partition_index(0)
            .with_committed_offset(100 + v as i64)
            .with_committed_metadata(Some(st("meta-data")));
        let t = offset_commit_request::OffsetCommitRequestTopic::default()
            .with_name(name("t"))
            .with_partitions(vec![p]);
        let req = OffsetCommitRequest::default()
            .with_group_id(gid("main"))
            .with_generation_id_or_member_epoch(generation)
            .with_member_id(st(&member))
            .with_topics(vec![t]);
        let r: OffsetCommitResponse = decode(
            call(
                &ctx,
                ApiKey::OffsetCommit,
                v,
                RequestKind::OffsetCommit(req),
            )
            .await,
            v,
        );
        assert_eq!(r.topics[0].partitions[0].error_code, 0, "commit v{v}");
        assert_eq!(
            ctx.broker.committed_offset("main", "t", 0).unwrap().offset,
            100 + v as i64
        );
    }
    let expected = ctx.broker.committed_offset("main", "t", 0).unwrap().offset;
    for v in range(1, 9, ApiKey::OffsetFetch) {
        let (offset, meta, other) = if v >= 8 {
            let t = offset_fetch_request::OffsetFetchRequestTopics::default()
                .with_name(name("t"))
                .with_partition_indexes(vec![0, 1]);
            let g = offset_fetch_request::OffsetFetchRequestGroup::default()
                .with_group_id(gid("main"))
                .with_topics(Some(vec![t]));
            let r: OffsetFetchResponse = decode(
                call(
                    &ctx,
                    ApiKey::OffsetFetch,
                    v,
                    RequestKind::OffsetFetch(OffsetFetchRequest::default().with_groups(vec![g])),
                )
                .await,
                v,
            );
            let ps = &r.groups[0].topics[0].partitions;
            (
                ps[0].committed_offset,
                ps[0].metadata.clone(),
                ps[1].committed_offset,
            )
        } else {
            let t = offset_fetch_request::OffsetFetchRequestTopic::default()
                .with_name(name("t"))
                .with_partition_indexes(vec![0, 1]);
            let req = OffsetFetchRequest::default()
                .with_group_id(gid("main"))
                .with_topics(Some(vec![t]));
            let r: OffsetFetchResponse = decode(
                call(&ctx, ApiKey::OffsetFetch, v, RequestKind::OffsetFetch(req)).await,
                v,
            );
            let ps = &r.topics[0].partitions;
            (
                ps[0].committed_offset,
                ps[0].metadata.clone(),
                ps[1].committed_offset,
            )
        };
        assert_eq!(offset, expected, "fetch v{v}");
        assert_eq!(
            meta.as_deref(),
            Some("meta-data"),
            "metadata round-trips at v{v}"
        );
        assert_eq!(other, -1, "no commit for partition 1");
    }
    for v in range(0, 5, ApiKey::DescribeGroups) {
        let req = DescribeGroupsRequest::default().with_groups(vec![gid("main"), gid("nope")]);
        let r: DescribeGroupsResponse = decode(
            call(
                &ctx,
                ApiKey::DescribeGroups,
                v,
                RequestKind::DescribeGroups(req),
            )
            .await,
            v,
        );
        assert_eq!(r.groups[0].group_state.as_str(), "Stable", "describe v{v}");
        assert_eq!(&r.groups[0].members[0].member_assignment[..], b"assigned");
        assert_eq!(r.groups[1].group_state.as_str(), "Dead");
    }
    for v in range(0, 5, ApiKey::ListGroups) {
        let mut req = ListGroupsRequest::default();
        if v >= 4 {
            req.states_filter = vec![st("stable")];
        }
        let r: ListGroupsResponse = decode(
            call(&ctx, ApiKey::ListGroups, v, RequestKind::ListGroups(req)).await,
            v,
        );
        assert!(
            r.groups.iter().any(|g| g.group_id.as_str() == "main"),
            "list v{v}"
        );
    }
    for v in range(0, 5, ApiKey::LeaveGroup) {
        let group = format!("leave-{v}");
        let (m, _) = join_and_sync(&ctx, &group, 9, 5).await;
        let mut req = LeaveGroupRequest::default().with_group_id(gid(&group));
        if v >= 3 {
            req.members = vec![
                leave_group_request::MemberIdentity::default().with_member_id(st(&m)),
                leave_group_request::MemberIdentity::default().with_member_id(st("ghost")),
            ];
        } else {
            req.member_id = st(&m);
        }
        let r: LeaveGroupResponse = decode(
            call(&ctx, ApiKey::LeaveGroup, v, RequestKind::LeaveGroup(req)).await,
            v,
        );
        assert_eq!(r.error_code, 0, "leave v{v}");
        if v >= 3 {
            assert_eq!((r.members[0].error_code, r.members[1].error_code), (0, 25));
        }
        assert_eq!(ctx.broker.groups().describe(&group).state.as_str(), "Empty");
    }
    for v in range(0, 0, ApiKey::OffsetDelete) {
        let p =
            offset_delete_request::OffsetDeleteRequestPartition::default().with_partition_index(0);
        let t = offset_delete_request::OffsetDeleteRequestTopic::default()
            .with_name(name("t"))
            .with_partitions(vec![p]);
        let req = OffsetDeleteRequest::default()
            .with_group_id(gid("main"))
            .with_topics(vec![t.clone()]);
        let r: OffsetDeleteResponse = decode(
            call(
                &ctx,
                ApiKey::OffsetDelete,
                v,
                RequestKind::OffsetDelete(req),
            )
            .await,
            v,
        );
        assert_eq!(
            r.topics[0].partitions[0].error_code, 0,
            "the member's metadata subscribes to nothing parseable"
        );
        assert!(ctx.broker.committed_offset("main", "t", 0).is_none());
    }
    for v in range(0, 2, ApiKey::DeleteGroups) {
        let group = format!("leave-{}", v + 2);
        let req = DeleteGroupsRequest::default().with_groups_names(vec![
            gid(&group),
            gid("main"),
            gid("never"),
        ]);
        let r: DeleteGroupsResponse = decode(
            call(
                &ctx,
                ApiKey::DeleteGroups,
                v,
                RequestKind::DeleteGroups(req),
            )
            .await,
            v,
        );
        let codes: Vec<i16> = r.results.iter().map(|x| x.error_code).collect();
        assert_eq!(
            codes,
            vec![0, 68, 69],
            "delete v{v}: empty ok, NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND"
        );
    }
}
