//! Static membership (KIP-345): a restarted member takes a new id and fences the old one
//! without a rebalance, keeps its place through a rebalance it misses, and still fails by
//! session expiry.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState};

fn static_member(i: usize) -> JoinGroup {
    static_join("", &format!("i-{i}"), &[("range", &format!("m{i}"))])
}

fn as_instance(instance: &str, hb: Heartbeat) -> Heartbeat {
    Heartbeat {
        group_instance_id: Some(instance.to_string()),
        ..hb
    }
}

fn sync_as(instance: &str, sync: SyncGroup) -> SyncGroup {
    SyncGroup {
        group_instance_id: Some(instance.to_string()),
        ..sync
    }
}

#[test]
fn static_member_rejoining_with_a_new_id_fences_the_old_one_without_rebalance() {
    // Goal: Kafka's updateStaticMemberAndRebalance on a Stable group. Method: a static
    // follower restarts within its session and joins with no member id; the old id is
    // fenced, the new one gets the old assignment, and the sink records the new id.
    let h = Harness::new();
    let (ids, generation) = h.stable_with(2, static_member);
    h.sink.take();
    h.advance(SESSION_MS / 2);
    let rejoined = ready(h.c.join(static_member(1)));
    assert_eq!(rejoined.error, None);
    assert!(rejoined.member_id.starts_with("i-1-") && rejoined.member_id != ids[1]);
    assert_eq!(
        (rejoined.generation_id, rejoined.leader.as_str()),
        (generation, ids[0].as_str())
    );
    assert!(rejoined.members.is_empty());
    assert_eq!(h.state(), GroupState::Stable);

    let old_heartbeat = as_instance("i-1", hb(GROUP, generation, &ids[1]));
    assert_eq!(
        h.c.heartbeat(old_heartbeat),
        Err(GroupError::FencedInstanceId)
    );
    let old_sync = ready(h.c.sync(sync_as("i-1", sync_req(GROUP, generation, &ids[1], &[]))));
    assert_eq!(old_sync.error, Some(GroupError::FencedInstanceId));
    assert_eq!(
        h.c.validate_commit(GROUP, &ids[1], Some("i-1"), generation),
        Err(GroupError::FencedInstanceId)
    );
    let old_join = ready(h.c.join(static_join(&ids[1], "i-1", &[("range", "m1")])));
    assert_eq!(old_join.error, Some(GroupError::FencedInstanceId));

    let synced = ready(h.c.sync(sync_as(
        "i-1",
        sync_req(GROUP, generation, &rejoined.member_id, &[]),
    )));
    assert_eq!(
        (synced.error, synced.assignment),
        (None, bytes(&format!("a-{}", ids[1])))
    );
    let events = h.sink.take();
    let [Event::Changed(snapshot)] = &events[..] else {
        panic!("expected one snapshot, got {events:?}")
    };
    let members: Vec<&str> = snapshot
        .members
        .iter()
        .map(|m| m.member_id.as_str())
        .collect();
    assert_eq!(members, vec![ids[0].as_str(), rejoined.member_id.as_str()]);
    assert_eq!(snapshot.generation_id, generation);
}

#[test]
fn restarted_static_leader_is_told_the_old_leader_id() {
    // Goal: a replaced static leader must not run the assignor in a Stable group (pre-KIP-814
    // answer). Method: the leader restarts and rejoins; its answer names the old leader id.
    let h = Harness::new();
    let (ids, generation) = h.stable_with(2, static_member);
    let rejoined = ready(h.c.join(static_member(0)));
    assert_eq!((rejoined.error, rejoined.generation_id), (None, generation));
    assert_eq!(rejoined.leader, ids[0]);
    assert_ne!(rejoined.member_id, ids[0]);
    assert_eq!(h.state(), GroupState::Stable);
    let synced = ready(h.c.sync(sync_req(GROUP, generation, &rejoined.member_id, &[])));
    assert_eq!(synced.assignment, bytes(&format!("a-{}", ids[0])));
}

#[test]
fn static_member_that_misses_a_rebalance_keeps_its_place() {
    // Goal: static members that do not rejoin are not dropped at the join deadline (Kafka's
    // onCompleteJoin). Method: a dynamic leader and a static follower; a newcomer starts a
    // rebalance, the static member only heartbeats until the deadline.
    let h = Harness::new();
    let (ids, generation) = h.stable_with(2, |i| {
        if i == 0 {
            join_req(GROUP, "", &[("range", "m0")])
        } else {
            static_member(i)
        }
    });
    let mut newcomer = waiting(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    for _ in 0..(REBALANCE_MS / 5_000) {
        let heartbeat = as_instance("i-1", hb(GROUP, generation, &ids[1]));
        assert_eq!(
            h.c.heartbeat(heartbeat),
            Err(GroupError::RebalanceInProgress)
        );
        h.advance(5_000);
    }
    let leader = answered(&mut leader);
    assert_eq!(answered(&mut newcomer).generation_id, generation + 1);
    let members: Vec<&str> = leader
        .members
        .iter()
        .map(|m| m.member_id.as_str())
        .collect();
    assert_eq!(members.len(), 3);
    assert!(members.contains(&ids[1].as_str()));
    let heartbeat = as_instance("i-1", hb(GROUP, generation + 1, &ids[1]));
    assert_eq!(h.c.heartbeat(heartbeat), Ok(()));
}

#[test]
fn static_member_session_expiry_rebalances() {
    // Goal: a static member that stops heartbeating is removed and the group rebalances.
    // Method: a dynamic leader heartbeats, the static follower falls silent.
    let h = Harness::new();
    let (ids, generation) = h.stable_with(2, |i| {
        if i == 0 {
            join_req(GROUP, "", &[("range", "m0")])
        } else {
            static_member(i)
        }
    });
    h.advance(SESSION_MS / 2);
    assert_eq!(h.heartbeat(generation, &ids[0]), Ok(()));
    h.advance(SESSION_MS / 2);
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    let members: Vec<String> =
        h.c.describe(GROUP)
            .members
            .into_iter()
            .map(|m| m.member_id)
            .collect();
    assert_eq!(members, vec![ids[0].clone()]);
    let heartbeat = as_instance("i-1", hb(GROUP, generation, &ids[1]));
    assert_eq!(h.c.heartbeat(heartbeat), Err(GroupError::UnknownMemberId));
}

#[test]
fn static_rejoin_that_changes_the_chosen_protocol_rebalances() {
    // Goal: replacement without a rebalance only when the protocol would not change. Method:
    // a lone static member preferring range restarts preferring cooperative-sticky.
    let h = Harness::new();
    let (_, generation) = h.stable_with(1, |_| {
        static_join("", "i-0", &[("range", "r"), ("cooperative-sticky", "c")])
    });
    let rejoined = ready(h.c.join(static_join(
        "",
        "i-0",
        &[("cooperative-sticky", "c"), ("range", "r")],
    )));
    assert_eq!(
        (rejoined.error, rejoined.generation_id),
        (None, generation + 1)
    );
    assert_eq!(
        rejoined.protocol_name.as_deref(),
        Some("cooperative-sticky")
    );
    assert_eq!(rejoined.leader, rejoined.member_id);
    assert_eq!(h.state(), GroupState::CompletingRebalance);
}
