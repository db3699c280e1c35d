//! SyncGroup: errors in Kafka's order, followers waiting for the leader, members the leader
//! leaves out, a Stable group's answer, a rebalance cancelling waiting syncs, and members that
//! never sync.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState};

#[test]
fn sync_errors_are_unknown_member_then_illegal_generation_then_rebalance_in_progress() {
    // Goal: SyncGroup's error precedence. Method: bad member, bad group, bad generation, then
    // a right one while a rebalance is being prepared.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let sync_error = |group: &str, generation_id: i32, member: &str| {
        ready(h.c.sync(sync_req(group, generation_id, member, &[]))).error
    };
    assert_eq!(
        sync_error(GROUP, generation, "ghost"),
        Some(GroupError::UnknownMemberId)
    );
    assert_eq!(
        sync_error("nope", generation, &ids[0]),
        Some(GroupError::UnknownMemberId)
    );
    assert_eq!(
        sync_error("", generation, &ids[0]),
        Some(GroupError::InvalidGroupId)
    );
    assert_eq!(
        sync_error(GROUP, generation + 1, &ids[1]),
        Some(GroupError::IllegalGeneration)
    );
    let _third = waiting(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    assert_eq!(
        sync_error(GROUP, generation, &ids[1]),
        Some(GroupError::RebalanceInProgress)
    );
}

#[test]
fn sync_naming_another_protocol_type_or_name_is_inconsistent() {
    // Goal: SyncGroup v5's protocol checks. Method: a right sync with a wrong type, then a
    // wrong name, then both right.
    let h = Harness::new();
    let (ids, generation) = h.stable(1);
    let with = |protocol_type: &str, protocol_name: &str| SyncGroup {
        protocol_type: Some(protocol_type.to_string()),
        protocol_name: Some(protocol_name.to_string()),
        ..sync_req(GROUP, generation, &ids[0], &[])
    };
    assert_eq!(
        ready(h.c.sync(with("connect", "range"))).error,
        Some(GroupError::InconsistentGroupProtocol)
    );
    assert_eq!(
        ready(h.c.sync(with("consumer", "roundrobin"))).error,
        Some(GroupError::InconsistentGroupProtocol)
    );
    let right = ready(h.c.sync(with("consumer", "range")));
    assert_eq!(
        (right.error, right.protocol_type.as_deref()),
        (None, Some("consumer"))
    );
}

#[test]
fn members_the_leader_leaves_out_get_an_empty_assignment() {
    // Goal: missing members get empty assignments, invented ones are ignored. Method: three
    // members; the leader assigns itself, the second and a stranger.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")], &[("range", "m2")]]);
    let ids: Vec<&str> = joined.iter().map(|j| j.member_id.as_str()).collect();
    let mut left_out = waiting(h.c.sync(sync_req(GROUP, 1, ids[2], &[])));
    let assignments = [(ids[0], "x0"), (ids[1], "x1"), ("stranger", "x9")];
    assert_eq!(
        ready(h.c.sync(sync_req(GROUP, 1, ids[0], &assignments))).assignment,
        bytes("x0")
    );
    let left_out = answered(&mut left_out);
    assert_eq!((left_out.error, left_out.assignment), (None, Bytes::new()));
    assert_eq!(
        ready(h.c.sync(sync_req(GROUP, 1, ids[1], &[]))).assignment,
        bytes("x1")
    );
}

#[test]
fn follower_sync_waits_for_the_leader() {
    // Goal: a follower's sync is answered only when the leader's arrives. Method: follower
    // syncs and waits past its session (the leader heartbeats), then the leader syncs.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let (leader, follower) = (&joined[0].member_id, &joined[1].member_id);
    let mut rx = waiting(h.c.sync(sync_req(GROUP, 1, follower, &[])));
    for _ in 0..4 {
        h.advance(5_000);
        assert_eq!(h.heartbeat(1, leader), Ok(()));
    }
    assert!(
        still_waiting(&mut rx),
        "a member waiting for its sync answer is not expired"
    );
    ready(h.c.sync(sync_req(
        GROUP,
        1,
        leader,
        &[(leader, "l"), (follower, "f")],
    )));
    let answer = answered(&mut rx);
    assert_eq!((answer.error, answer.assignment), (None, bytes("f")));
}

#[test]
fn a_rebalance_while_completing_answers_waiting_syncs_with_rebalance_in_progress() {
    // Goal: Kafka's resetAndPropagateAssignmentError. Method: a follower waits in sync when a
    // new member joins.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let mut rx = waiting(h.c.sync(sync_req(GROUP, 1, &joined[1].member_id, &[])));
    let _new = waiting(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    assert_eq!(
        answered(&mut rx).error,
        Some(GroupError::RebalanceInProgress)
    );
    assert_eq!(h.state(), GroupState::PreparingRebalance);
}

#[test]
fn members_that_never_sync_are_removed_after_the_rebalance_timeout() {
    // Goal: Kafka 3.x's pending-sync expiry. Method: the leader syncs, the follower only
    // heartbeats; when the rebalance timeout passes the follower is removed and the group
    // rebalances without it.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let (leader, follower) = (&joined[0].member_id, &joined[1].member_id);
    ready(h.c.sync(sync_req(
        GROUP,
        1,
        leader,
        &[(leader, "l"), (follower, "f")],
    )));
    for _ in 0..(REBALANCE_MS / 5_000) {
        assert_eq!(h.state(), GroupState::Stable);
        assert_eq!(h.heartbeat(1, leader), Ok(()));
        assert_eq!(h.heartbeat(1, follower), Ok(()));
        h.advance(5_000);
    }
    assert_eq!(h.heartbeat(1, follower), Err(GroupError::UnknownMemberId));
    assert_eq!(h.heartbeat(1, leader), Err(GroupError::RebalanceInProgress));
}
