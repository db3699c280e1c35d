//! Describe, list, delete, restore, the sink's record, shutdown, and state names.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState, LeaveMember};

#[test]
fn delete_refuses_a_group_with_members_and_removes_an_empty_one() {
    // Goal: DeleteGroups per Kafka. Method: delete an unknown group, a Stable one, then the
    // same group once its member has left, then again.
    let h = Harness::new();
    assert_eq!(h.c.delete(GROUP), Err(GroupError::GroupIdNotFound));
    let (ids, _) = h.stable(1);
    assert_eq!(h.c.delete(GROUP), Err(GroupError::NonEmptyGroup));
    let leave = LeaveMember {
        member_id: ids[0].clone(),
        group_instance_id: None,
        reason: None,
    };
    h.c.leave(GROUP, vec![leave]).unwrap();
    h.sink.take();
    assert_eq!(h.c.delete(GROUP), Ok(()));
    assert!(!h.c.exists(GROUP));
    assert_eq!(h.c.describe(GROUP).state, GroupState::Dead);
    assert_eq!(h.sink.take(), vec![Event::Deleted(GROUP.to_string())]);
    assert_eq!(h.c.delete(GROUP), Err(GroupError::GroupIdNotFound));
}

#[test]
fn describe_shows_metadata_and_assignments_only_when_stable() {
    // Goal: Kafka's GroupMetadata.summary. Method: describe a Stable group, the same group
    // rebalancing, and an unknown group.
    let h = Harness::new();
    let (ids, _) = h.stable(2);
    let stable = h.c.describe(GROUP);
    assert_eq!(
        (
            stable.state,
            stable.protocol_type.as_str(),
            stable.protocol_name.as_str()
        ),
        (GroupState::Stable, "consumer", "range")
    );
    let shown: Vec<(String, Bytes, Bytes, String)> = stable
        .members
        .iter()
        .map(|m| {
            (
                m.member_id.clone(),
                m.metadata.clone(),
                m.assignment.clone(),
                m.client_id.clone(),
            )
        })
        .collect();
    let expected: Vec<(String, Bytes, Bytes, String)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            (
                id.clone(),
                bytes(&format!("m{i}")),
                bytes(&format!("a-{id}")),
                "client".to_string(),
            )
        })
        .collect();
    assert_eq!(shown, expected);
    assert_eq!(stable.members[0].client_host, "/127.0.0.1");

    let _newcomer = waiting(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    let rebalancing = h.c.describe(GROUP);
    assert_eq!(
        (rebalancing.state, rebalancing.protocol_name.as_str()),
        (GroupState::PreparingRebalance, "")
    );
    assert_eq!(rebalancing.members.len(), 3);
    assert!(rebalancing
        .members
        .iter()
        .all(|m| m.metadata.is_empty() && m.assignment.is_empty()));

    let unknown = h.c.describe("nope");
    assert_eq!(
        (
            unknown.state,
            unknown.protocol_type.as_str(),
            unknown.members.len()
        ),
        (GroupState::Dead, "", 0)
    );
}

#[test]
fn list_reports_every_group_with_its_type_and_state() {
    // Goal: ListGroups' view. Method: a Stable group and a simple-commit group.
    let h = Harness::new();
    h.stable(1);
    h.c.validate_commit("solo", "", None, -1).unwrap();
    let expected = vec![
        (
            GROUP.to_string(),
            "consumer".to_string(),
            GroupState::Stable,
        ),
        ("solo".to_string(), String::new(), GroupState::Empty),
    ];
    assert_eq!(h.c.list(), expected);
}

#[test]
fn sink_sees_group_changed_when_a_generation_is_stable() {
    // Goal: the snapshot written when SyncGroup completes holds what restore needs. Method:
    // form a Stable group and read the one snapshot.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let events = h.sink.take();
    let [Event::Changed(snapshot)] = &events[..] else {
        panic!("expected one snapshot, got {events:?}")
    };
    assert_eq!(
        (snapshot.group_id.as_str(), snapshot.generation_id),
        (GROUP, generation)
    );
    assert_eq!(
        (
            snapshot.protocol_type.as_deref(),
            snapshot.protocol_name.as_deref()
        ),
        (Some("consumer"), Some("range"))
    );
    assert_eq!(snapshot.leader.as_deref(), Some(ids[0].as_str()));
    let member = &snapshot.members[1];
    assert_eq!(
        (member.member_id.as_str(), member.assignment.clone()),
        (ids[1].as_str(), bytes(&format!("a-{}", ids[1])))
    );
    assert_eq!(member.protocols, protocols(&[("range", "m1")]));
    assert_eq!(
        (member.session_timeout_ms, member.rebalance_timeout_ms),
        (SESSION_MS, REBALANCE_MS)
    );
}

#[test]
fn restore_brings_a_group_back_stable_with_sessions_restarting() {
    // Goal: a restart keeps generations and assignments. Method: take a Stable group's
    // snapshot, restore it in a new coordinator an hour later, heartbeat and sync there, and
    // let a session lapse.
    let before = Harness::new();
    let (ids, generation) = before.stable(2);
    let Some(Event::Changed(snapshot)) = before.sink.take().pop() else {
        panic!("no snapshot")
    };
    let empty = GroupSnapshot {
        group_id: "idle".into(),
        members: Vec::new(),
        protocol_name: None,
        leader: None,
        ..snapshot.clone()
    };

    let h = Harness::new();
    h.clock.set(START_MS + 3_600_000);
    h.c.restore(vec![snapshot, empty]);
    assert_eq!(h.state(), GroupState::Stable);
    assert_eq!(h.c.describe("idle").state, GroupState::Empty);
    assert_eq!(h.heartbeat(generation, &ids[1]), Ok(()));
    let synced = ready(h.c.sync(sync_req(GROUP, generation, &ids[1], &[])));
    assert_eq!(synced.assignment, bytes(&format!("a-{}", ids[1])));
    let rejoin = ready(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    assert_eq!(
        (rejoin.generation_id, rejoin.leader.as_str()),
        (generation, ids[0].as_str())
    );

    h.advance(SESSION_MS - 1);
    assert_eq!(h.heartbeat(generation, &ids[1]), Ok(()));
    h.advance(1);
    assert_eq!(
        h.state(),
        GroupState::PreparingRebalance,
        "the leader never came back"
    );
}

#[test]
fn shutdown_answers_pending_joins_and_syncs_and_refuses_new_requests() {
    // Goal: no client waits forever on a stopping coordinator. Method: one join and one sync
    // waiting, shut down, then try each request.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let mut sync = waiting(h.c.sync(sync_req(GROUP, 1, &joined[1].member_id, &[])));
    let mut join = waiting(h.c.join(join_req("other", "", &[("range", "x")])));
    h.c.shutdown();
    assert_eq!(
        answered(&mut sync).error,
        Some(GroupError::CoordinatorNotAvailable)
    );
    assert_eq!(
        answered(&mut join).error,
        Some(GroupError::CoordinatorNotAvailable)
    );
    assert_eq!(
        ready(h.c.join(join_req(GROUP, "", &[("range", "m")]))).error,
        Some(GroupError::CoordinatorNotAvailable)
    );
    assert_eq!(
        h.heartbeat(1, &joined[0].member_id),
        Err(GroupError::CoordinatorNotAvailable)
    );
    assert_eq!(
        h.c.validate_commit(GROUP, &joined[0].member_id, None, 1),
        Err(GroupError::CoordinatorNotAvailable)
    );
    assert_eq!(h.c.tick(), None);
}

#[test]
fn state_names_are_kafkas_and_parse_ignoring_case() {
    // Goal: DescribeGroups/ListGroups names. Method: round trip every state, odd case, junk.
    for state in [
        GroupState::Empty,
        GroupState::PreparingRebalance,
        GroupState::CompletingRebalance,
        GroupState::Stable,
        GroupState::Dead,
    ] {
        assert_eq!(GroupState::parse(state.as_str()), Some(state));
    }
    assert_eq!(
        GroupState::parse("completingrebalance"),
        Some(GroupState::CompletingRebalance)
    );
    assert_eq!(GroupState::parse("STABLE"), Some(GroupState::Stable));
    assert_eq!(GroupState::parse("AwaitingSync"), None);
}
