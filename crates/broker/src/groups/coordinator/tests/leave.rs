//! LeaveGroup: a v3+ batch with an answer per member, group-level errors, the last member
//! leaving, and a KIP-394 pending id leaving.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState, LeaveMember};

fn member(member_id: &str, instance: Option<&str>) -> LeaveMember {
    LeaveMember {
        member_id: member_id.to_string(),
        group_instance_id: instance.map(str::to_string),
        reason: None,
    }
}

#[test]
fn leave_group_batch_reports_each_member() {
    // Goal: per-member errors in one batch. Method: a dynamic member and two static ones;
    // leave by member id, by instance id alone, with a wrong member id for an instance, with
    // an unknown instance, and an unknown member id.
    let h = Harness::new();
    let join = |i: usize| match i {
        0 => join_req(GROUP, "", &[("range", "m0")]),
        _ => static_join("", &format!("i-{i}"), &[("range", &format!("m{i}"))]),
    };
    let (ids, _) = h.stable_with(3, join);
    let batch = vec![
        member(&ids[0], None),
        member("ghost", None),
        member("", Some("i-2")),
        member("not-its-id", Some("i-1")),
        member(&ids[1], Some("i-9")),
    ];
    let results = h.c.leave(GROUP, batch.clone()).unwrap();
    let errors: Vec<Option<GroupError>> = results.iter().map(|(_, e)| *e).collect();
    assert_eq!(
        errors,
        vec![
            None,
            Some(GroupError::UnknownMemberId),
            None,
            Some(GroupError::FencedInstanceId),
            Some(GroupError::UnknownMemberId)
        ]
    );
    assert_eq!(
        results.into_iter().map(|(m, _)| m).collect::<Vec<_>>(),
        batch
    );
    let left: Vec<String> =
        h.c.describe(GROUP)
            .members
            .into_iter()
            .map(|m| m.member_id)
            .collect();
    assert_eq!(left, vec![ids[1].clone()]);
    assert_eq!(h.state(), GroupState::PreparingRebalance);
}

#[test]
fn leave_of_an_unknown_group_answers_per_member_and_an_empty_group_id_is_invalid() {
    // Goal: Kafka's group-level answers. Method: leave an unknown group and the "" group.
    let h = Harness::new();
    let results = h.c.leave("nope", vec![member("a", None)]).unwrap();
    assert_eq!(results[0].1, Some(GroupError::UnknownMemberId));
    assert_eq!(
        h.c.leave("", vec![member("a", None)]).unwrap_err(),
        GroupError::InvalidGroupId
    );
}

#[test]
fn last_member_leaving_makes_the_group_empty_and_reports_it() {
    // Goal: an Empty group is a new generation with no members, recorded. Method: the only
    // member of a Stable group leaves.
    let h = Harness::new();
    let (ids, generation) = h.stable(1);
    h.sink.take();
    let results = h.c.leave(GROUP, vec![member(&ids[0], None)]).unwrap();
    assert_eq!(results[0].1, None);
    assert_eq!(h.state(), GroupState::Empty);
    let events = h.sink.take();
    let [Event::Changed(snapshot)] = &events[..] else {
        panic!("expected one snapshot, got {events:?}")
    };
    assert_eq!(
        (snapshot.generation_id, snapshot.members.len()),
        (generation + 1, 0)
    );
    assert_eq!(
        (
            snapshot.protocol_type.as_deref(),
            snapshot.protocol_name.as_deref()
        ),
        (Some("consumer"), None)
    );
}

#[test]
fn a_member_leaving_during_the_join_phase_lets_it_complete() {
    // Goal: the join phase stops waiting for a member that left. Method: the leader rejoins,
    // the follower leaves instead of rejoining.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    h.c.leave(GROUP, vec![member(&ids[1], None)]).unwrap();
    let answer = answered(&mut leader);
    assert_eq!(
        (answer.generation_id, answer.members.len()),
        (generation + 1, 1)
    );
}

#[test]
fn a_pending_member_id_that_leaves_is_forgotten() {
    // Goal: LeaveGroup with a KIP-394 id. Method: get an id, leave with it, rejoin with it.
    let h = Harness::new();
    let first = JoinGroup {
        require_known_member_id: true,
        ..join_req(GROUP, "", &[("range", "m")])
    };
    let id = ready(h.c.join(first)).member_id;
    assert_eq!(
        h.c.leave(GROUP, vec![member(&id, None)]).unwrap()[0].1,
        None
    );
    let rejoin = ready(h.c.join(join_req(GROUP, &id, &[("range", "m")])));
    assert_eq!(rejoin.error, Some(GroupError::UnknownMemberId));
}
