//! JoinGroup: forming a group, choosing the protocol, KIP-394 member ids, the initial delay,
//! the size bound, rejoins in each state, the join deadline, and the cooperative (KIP-429)
//! double rebalance.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState, JoinedMember};

#[test]
fn single_member_join_is_answered_after_the_initial_delay_and_sync_makes_it_stable() {
    // Goal: one member forms a group. Method: join, wait out the delay, sync as leader.
    let h = Harness::new();
    let mut rx = waiting(h.c.join(join_req(GROUP, "", &[("range", "m0")])));
    h.advance(DELAY_MS - 1);
    assert!(still_waiting(&mut rx));
    h.advance(1);
    let joined = answered(&mut rx);
    assert_eq!(joined.error, None);
    assert_eq!(joined.generation_id, 1);
    assert_eq!(joined.leader, joined.member_id);
    assert!(joined.member_id.starts_with("client-"));
    assert_eq!(joined.protocol_type.as_deref(), Some("consumer"));
    assert_eq!(joined.protocol_name.as_deref(), Some("range"));
    let expected = JoinedMember {
        member_id: joined.member_id.clone(),
        group_instance_id: None,
        metadata: bytes("m0"),
    };
    assert_eq!(joined.members, vec![expected]);
    assert_eq!(h.state(), GroupState::CompletingRebalance);

    let synced = ready(h.c.sync(sync_req(
        GROUP,
        1,
        &joined.member_id,
        &[(&joined.member_id, "a0")],
    )));
    assert_eq!((synced.error, synced.assignment), (None, bytes("a0")));
    assert_eq!(synced.protocol_name.as_deref(), Some("range"));
    assert_eq!(h.state(), GroupState::Stable);
}

#[test]
fn without_initial_delay_a_first_join_is_answered_at_once() {
    // Goal: delay 0 behaves as Kafka's 0 ms InitialDelayedJoin. Method: one join, no tick.
    let h = Harness::with(config(0));
    let joined = ready(h.c.join(join_req(GROUP, "", &[("range", "m0")])));
    assert_eq!((joined.error, joined.generation_id), (None, 1));
    assert_eq!(joined.members.len(), 1);
}

#[test]
fn three_members_join_and_each_gets_its_own_assignment() {
    // Goal: the leader gets every member's metadata, followers none, every sync its own
    // assignment. Method: form three members, followers sync before the leader.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")], &[("range", "m2")]]);
    let ids: Vec<String> = joined.iter().map(|j| j.member_id.clone()).collect();
    assert!(joined
        .iter()
        .all(|j| j.generation_id == 1 && j.leader == ids[0] && j.error.is_none()));
    let metadata: Vec<(String, Bytes)> = joined[0]
        .members
        .iter()
        .map(|m| (m.member_id.clone(), m.metadata.clone()))
        .collect();
    assert_eq!(
        metadata,
        vec![
            (ids[0].clone(), bytes("m0")),
            (ids[1].clone(), bytes("m1")),
            (ids[2].clone(), bytes("m2"))
        ]
    );
    assert!(joined[1].members.is_empty() && joined[2].members.is_empty());

    let synced = h.sync_all(&ids, 1);
    for (id, result) in ids.iter().zip(&synced) {
        assert_eq!(
            (result.error, result.assignment.clone()),
            (None, bytes(&format!("a-{id}")))
        );
    }
    assert_eq!(h.state(), GroupState::Stable);
}

#[test]
fn protocol_is_chosen_by_votes_among_those_every_member_supports() {
    // Goal: Kafka's selectProtocol. Method: one group where only range is common, one where
    // cooperative-sticky wins two votes to one; the leader sees metadata for the winner.
    let h = Harness::new();
    let joined = h.form(&[
        &[("cooperative-sticky", "c0"), ("range", "r0")],
        &[("cooperative-sticky", "c1"), ("range", "r1")],
        &[("range", "r2")],
    ]);
    assert_eq!(joined[0].protocol_name.as_deref(), Some("range"));
    let metadata: Vec<Bytes> = joined[0]
        .members
        .iter()
        .map(|m| m.metadata.clone())
        .collect();
    assert_eq!(metadata, vec![bytes("r0"), bytes("r1"), bytes("r2")]);

    let h = Harness::new();
    let joined = h.form(&[
        &[("range", "r0"), ("cooperative-sticky", "c0")],
        &[("cooperative-sticky", "c1"), ("range", "r1")],
        &[("cooperative-sticky", "c2"), ("range", "r2")],
    ]);
    assert_eq!(
        joined[0].protocol_name.as_deref(),
        Some("cooperative-sticky")
    );
    let metadata: Vec<Bytes> = joined[0]
        .members
        .iter()
        .map(|m| m.metadata.clone())
        .collect();
    assert_eq!(metadata, vec![bytes("c0"), bytes("c1"), bytes("c2")]);
}

#[test]
fn joins_without_a_common_protocol_or_with_another_type_are_inconsistent() {
    // Goal: InconsistentGroupProtocol. Method: a range group; a roundrobin-only member, a
    // "connect" member, and a member with no protocols at all join it.
    let h = Harness::new();
    h.stable(1);
    let other = ready(h.c.join(join_req(GROUP, "", &[("roundrobin", "x")])));
    assert_eq!(other.error, Some(GroupError::InconsistentGroupProtocol));
    let connect = JoinGroup {
        protocol_type: "connect".into(),
        ..join_req(GROUP, "", &[("range", "x")])
    };
    assert_eq!(
        ready(h.c.join(connect)).error,
        Some(GroupError::InconsistentGroupProtocol)
    );
    let none = ready(h.c.join(join_req("fresh", "", &[])));
    assert_eq!(none.error, Some(GroupError::InconsistentGroupProtocol));
    assert_eq!(h.state(), GroupState::Stable);
}

#[test]
fn bad_session_timeouts_empty_group_ids_and_unknown_members_are_refused() {
    // Goal: request checks made before the group is touched. Method: one bad join of each kind.
    let h = Harness::new();
    let short = JoinGroup {
        session_timeout_ms: 5_999,
        ..join_req(GROUP, "", &[("range", "m")])
    };
    assert_eq!(
        ready(h.c.join(short)).error,
        Some(GroupError::InvalidSessionTimeout)
    );
    let long = JoinGroup {
        session_timeout_ms: 1_800_001,
        ..join_req(GROUP, "", &[("range", "m")])
    };
    assert_eq!(
        ready(h.c.join(long)).error,
        Some(GroupError::InvalidSessionTimeout)
    );
    assert_eq!(
        ready(h.c.join(join_req("", "", &[("range", "m")]))).error,
        Some(GroupError::InvalidGroupId)
    );
    let ghost = ready(h.c.join(join_req(GROUP, "ghost", &[("range", "m")])));
    assert_eq!(
        (ghost.error, ghost.member_id.as_str()),
        (Some(GroupError::UnknownMemberId), "ghost")
    );
    assert!(!h.c.exists(GROUP));
}

#[test]
fn member_id_required_round_trip() {
    // Goal: KIP-394. Method: a v4 join without an id gets MemberIdRequired and an id; the
    // rejoin with that id joins the group.
    let h = Harness::with(config(0));
    let first = JoinGroup {
        require_known_member_id: true,
        ..join_req(GROUP, "", &[("range", "m")])
    };
    let required = ready(h.c.join(first));
    assert_eq!(required.error, Some(GroupError::MemberIdRequired));
    assert_eq!(required.generation_id, -1);
    assert!(
        required.member_id.starts_with("client-") && required.member_id.len() > "client-".len()
    );
    assert_eq!(h.state(), GroupState::Empty);

    let again = JoinGroup {
        require_known_member_id: true,
        ..join_req(GROUP, &required.member_id, &[("range", "m")])
    };
    let joined = ready(h.c.join(again));
    assert_eq!(joined.error, None);
    assert_eq!(
        (joined.member_id, joined.generation_id),
        (required.member_id.clone(), 1)
    );
    assert_eq!(joined.leader, required.member_id);
}

#[test]
fn member_ids_are_unique() {
    // Goal: generated ids never repeat. Method: ask for many with KIP-394 and compare.
    let h = Harness::new();
    let ids: std::collections::HashSet<String> = (0..200)
        .map(|_| JoinGroup {
            require_known_member_id: true,
            ..join_req(GROUP, "", &[("range", "m")])
        })
        .map(|req| ready(h.c.join(req)).member_id)
        .collect();
    assert_eq!(ids.len(), 200);
}

#[test]
fn pending_member_id_expires_after_its_session_timeout() {
    // Goal: an id handed out with MemberIdRequired is forgotten if not used in time. Method:
    // let the session timeout pass, then rejoin with it.
    let h = Harness::new();
    let first = JoinGroup {
        require_known_member_id: true,
        ..join_req(GROUP, "", &[("range", "m")])
    };
    let id = ready(h.c.join(first)).member_id;
    h.advance(SESSION_MS);
    let late = ready(h.c.join(join_req(GROUP, &id, &[("range", "m")])));
    assert_eq!(late.error, Some(GroupError::UnknownMemberId));
}

#[test]
fn pending_member_id_holds_the_join_phase_until_it_rejoins() {
    // Goal: Kafka waits for members that were handed an id (hasAllMembersJoined). Method:
    // in a Stable group, a new member gets MemberIdRequired while the leader rejoins; the
    // join completes only when the new member comes back.
    let h = Harness::new();
    let (ids, generation) = h.stable(1);
    let first = JoinGroup {
        require_known_member_id: true,
        ..join_req(GROUP, "", &[("range", "n")])
    };
    let new_id = ready(h.c.join(first)).member_id;
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    assert!(still_waiting(&mut leader));
    let newcomer = ready(h.c.join(join_req(GROUP, &new_id, &[("range", "n")])));
    assert_eq!(
        (newcomer.error, newcomer.generation_id),
        (None, generation + 1)
    );
    assert_eq!(answered(&mut leader).members.len(), 2);
}

#[test]
fn initial_delay_is_extended_while_new_members_keep_arriving() {
    // Goal: Kafka's InitialDelayedJoin. Method: a second member arrives during the first
    // delay; the join phase runs one more delay and answers both together.
    let h = Harness::new();
    let mut a = waiting(h.c.join(join_req(GROUP, "", &[("range", "a")])));
    h.advance(1_000);
    let mut b = waiting(h.c.join(join_req(GROUP, "", &[("range", "b")])));
    h.advance(DELAY_MS - 1_000);
    assert!(still_waiting(&mut a) && still_waiting(&mut b));
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    h.advance(DELAY_MS);
    let (a, b) = (answered(&mut a), answered(&mut b));
    assert_eq!((a.generation_id, b.generation_id), (1, 1));
    assert_eq!(a.members.len(), 2);
}

#[test]
fn group_max_size_turns_away_extra_members() {
    // Goal: GroupMaxSizeReached for a new member of a full group; current members still
    // rejoin. Method: max size 2, a Stable group of 2, a third joins, a follower rejoins.
    let h = Harness::with(GroupConfig {
        group_max_size: 2,
        ..config(DELAY_MS)
    });
    let (ids, generation) = h.stable(2);
    let third = ready(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    assert_eq!(
        (third.error, third.member_id.as_str()),
        (Some(GroupError::GroupMaxSizeReached), "")
    );
    let follower = ready(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    assert_eq!((follower.error, follower.generation_id), (None, generation));
}

#[test]
fn member_missing_the_join_deadline_is_removed_and_the_others_proceed() {
    // Goal: the rebalance timeout ends the join phase without a member that keeps
    // heartbeating but never rejoins. Method: three members; the leader and one follower
    // rejoin, the third only heartbeats until the timeout.
    let h = Harness::new();
    let (ids, generation) = h.stable(3);
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    let mut second = waiting(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    for _ in 0..(REBALANCE_MS / 5_000) - 1 {
        h.advance(5_000);
        assert_eq!(
            h.heartbeat(generation, &ids[2]),
            Err(GroupError::RebalanceInProgress)
        );
        assert!(still_waiting(&mut leader));
    }
    h.advance(5_000);
    let (leader, second) = (answered(&mut leader), answered(&mut second));
    assert_eq!(
        (leader.generation_id, second.generation_id),
        (generation + 1, generation + 1)
    );
    let members: Vec<&str> = leader
        .members
        .iter()
        .map(|m| m.member_id.as_str())
        .collect();
    assert_eq!(members, vec![ids[0].as_str(), ids[1].as_str()]);
    assert_eq!(
        h.heartbeat(generation + 1, &ids[2]),
        Err(GroupError::UnknownMemberId)
    );
}

#[test]
fn rejoin_during_a_rebalance_joins_the_new_generation() {
    // Goal: members told RebalanceInProgress rejoin and the join phase completes once all
    // have. Method: a Stable group of two, a third member joins, both old members rejoin.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let mut third = waiting(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    assert_eq!(
        h.heartbeat(generation, &ids[0]),
        Err(GroupError::RebalanceInProgress)
    );
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    assert!(still_waiting(&mut third));
    let follower = ready(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    let (leader, third) = (answered(&mut leader), answered(&mut third));
    assert_eq!(follower.generation_id, generation + 1);
    assert_eq!(
        (leader.generation_id, third.generation_id),
        (generation + 1, generation + 1)
    );
    assert_eq!(
        leader.leader, ids[0],
        "the old leader rejoined, so it stays leader"
    );
    assert_eq!(leader.members.len(), 3);
    assert_eq!(h.state(), GroupState::CompletingRebalance);
}

#[test]
fn follower_rejoining_a_stable_group_unchanged_gets_the_current_generation() {
    // Goal: Kafka answers a follower's identical rejoin without a rebalance. Method: rejoin
    // with the same protocols, then sync for the same assignment.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let again = ready(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    assert_eq!(
        (again.error, again.generation_id, again.leader.as_str()),
        (None, generation, ids[0].as_str())
    );
    assert!(again.members.is_empty());
    assert_eq!(h.state(), GroupState::Stable);
    let synced = ready(h.c.sync(sync_req(GROUP, generation, &ids[1], &[])));
    assert_eq!(synced.assignment, bytes(&format!("a-{}", ids[1])));
}

#[test]
fn leader_or_changed_metadata_rejoining_a_stable_group_starts_a_rebalance() {
    // Goal: the leader's rejoin, or a follower's with new metadata, rebalances (Kafka).
    // Method: each case on its own Stable group of two.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    ready(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    assert_eq!(answered(&mut leader).generation_id, generation + 1);

    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let mut follower = waiting(h.c.join(join_req(GROUP, &ids[1], &[("range", "changed")])));
    ready(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    assert_eq!(answered(&mut follower).generation_id, generation + 1);
}

#[test]
fn identical_rejoin_while_completing_returns_the_generation_again() {
    // Goal: a member that lost its join answer gets it again (the leader with the member
    // list). Method: form two members, both rejoin unchanged before syncing.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let leader = ready(h.c.join(join_req(GROUP, &joined[0].member_id, &[("range", "m0")])));
    assert_eq!((leader.generation_id, leader.members.len()), (1, 2));
    let follower = ready(h.c.join(join_req(GROUP, &joined[1].member_id, &[("range", "m1")])));
    assert_eq!((follower.generation_id, follower.members.len()), (1, 0));
    assert_eq!(h.state(), GroupState::CompletingRebalance);
}

#[test]
fn cooperative_double_rebalance_ends_stable_two_generations_later() {
    // Goal: KIP-429's two rebalances go through. Method: a third member joins a Stable group;
    // after that generation syncs, every member rejoins at once with what it still owns, and
    // the next generation syncs too.
    let h = Harness::new();
    let (mut ids, generation) = h.stable(2);
    let coop = |i: usize, round: &str| format!("owned-{i}-{round}");
    let mut third = waiting(h.c.join(join_req(GROUP, "", &[("range", &coop(2, "first"))])));
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", &coop(0, "first"))])));
    let follower = ready(h.c.join(join_req(GROUP, &ids[1], &[("range", &coop(1, "first"))])));
    ids.push(answered(&mut third).member_id);
    assert_eq!(
        (answered(&mut leader).generation_id, follower.generation_id),
        (generation + 1, generation + 1)
    );
    h.sync_all(&ids, generation + 1);
    assert_eq!(h.state(), GroupState::Stable);

    let mut rejoins: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            h.c.join(join_req(GROUP, id, &[("range", &coop(i, "second"))]))
        })
        .collect();
    let answers: Vec<JoinResult> = rejoins
        .drain(..)
        .map(|p| match p {
            Pending::Ready(r) => r,
            Pending::Wait(mut rx) => answered(&mut rx),
        })
        .collect();
    assert!(answers
        .iter()
        .all(|a| a.error.is_none() && a.generation_id == generation + 2));
    let synced = h.sync_all(&ids, generation + 2);
    assert!(synced.iter().all(|s| s.error.is_none()));
    assert_eq!(h.state(), GroupState::Stable);
    assert_eq!(h.heartbeat(generation + 2, &ids[2]), Ok(()));
}
