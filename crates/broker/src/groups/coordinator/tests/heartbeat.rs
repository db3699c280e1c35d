//! Heartbeats and sessions: Kafka's error precedence in each state, sessions kept alive and
//! expiring, members excused while they wait for a join answer, and what `tick()` reports.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState};

#[test]
fn heartbeat_errors_follow_kafka_in_each_state() {
    // Goal: UnknownMemberId, IllegalGeneration, RebalanceInProgress where Kafka gives them.
    // Method: walk one group through CompletingRebalance, Stable, PreparingRebalance, Empty.
    let h = Harness::new();
    assert_eq!(
        h.heartbeat(0, "ghost"),
        Err(GroupError::UnknownMemberId),
        "unknown group"
    );
    assert_eq!(
        h.c.heartbeat(hb("", 0, "x")),
        Err(GroupError::InvalidGroupId)
    );
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let (leader, follower) = (joined[0].member_id.clone(), joined[1].member_id.clone());
    assert_eq!(h.state(), GroupState::CompletingRebalance);
    assert_eq!(h.heartbeat(1, &follower), Ok(()));
    assert_eq!(
        h.heartbeat(0, &follower),
        Err(GroupError::IllegalGeneration)
    );
    assert_eq!(h.heartbeat(1, "ghost"), Err(GroupError::UnknownMemberId));

    h.sync_all(&[leader.clone(), follower.clone()], 1);
    assert_eq!(h.heartbeat(1, &follower), Ok(()));
    assert_eq!(
        h.heartbeat(2, &follower),
        Err(GroupError::IllegalGeneration)
    );

    let _rejoin = waiting(h.c.join(join_req(GROUP, &leader, &[("range", "m0")])));
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    assert_eq!(
        h.heartbeat(1, &follower),
        Err(GroupError::RebalanceInProgress)
    );
    assert_eq!(
        h.heartbeat(0, &follower),
        Err(GroupError::IllegalGeneration),
        "generation before state"
    );
    assert_eq!(
        h.heartbeat(1, "ghost"),
        Err(GroupError::UnknownMemberId),
        "member before generation"
    );

    let left =
        h.c.leave(GROUP, vec![leave(&leader), leave(&follower)])
            .unwrap();
    assert!(left.iter().all(|(_, e)| e.is_none()));
    assert_eq!(h.state(), GroupState::Empty);
    assert_eq!(h.heartbeat(2, &follower), Err(GroupError::UnknownMemberId));
}

fn leave(member_id: &str) -> crate::groups::coordinator::LeaveMember {
    crate::groups::coordinator::LeaveMember {
        member_id: member_id.to_string(),
        group_instance_id: None,
        reason: None,
    }
}

#[test]
fn heartbeats_keep_a_session_alive_and_silence_ends_it() {
    // Goal: each heartbeat restarts the session; a silent member expires. Method: heartbeat
    // just inside the timeout twice, then fall silent for a whole timeout.
    let h = Harness::new();
    let (ids, generation) = h.stable(1);
    h.sink.take();
    for _ in 0..2 {
        h.advance(SESSION_MS - 1);
        assert_eq!(h.heartbeat(generation, &ids[0]), Ok(()));
    }
    h.advance(SESSION_MS - 1);
    assert_eq!(h.state(), GroupState::Stable);
    h.advance(1);
    assert_eq!(h.state(), GroupState::Empty);
    let Some(Event::Changed(empty)) = h.sink.take().pop() else {
        panic!("the empty group was not reported")
    };
    assert_eq!(
        (empty.generation_id, empty.members.len()),
        (generation + 1, 0)
    );
}

#[test]
fn stable_member_session_expiry_rebalances_and_survivors_get_a_new_generation() {
    // Goal: a failed member triggers a rebalance the others complete. Method: three members,
    // two heartbeat, one falls silent; the two rejoin when told.
    let h = Harness::new();
    let (ids, generation) = h.stable(3);
    h.advance(SESSION_MS / 2);
    assert_eq!(h.heartbeat(generation, &ids[0]), Ok(()));
    assert_eq!(h.heartbeat(generation, &ids[1]), Ok(()));
    h.advance(SESSION_MS / 2);
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    assert_eq!(
        h.heartbeat(generation, &ids[2]),
        Err(GroupError::UnknownMemberId)
    );
    assert_eq!(
        h.heartbeat(generation, &ids[1]),
        Err(GroupError::RebalanceInProgress)
    );
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    let follower = ready(h.c.join(join_req(GROUP, &ids[1], &[("range", "m1")])));
    let leader = answered(&mut leader);
    assert_eq!(
        (leader.generation_id, follower.generation_id),
        (generation + 1, generation + 1)
    );
    assert_eq!(leader.members.len(), 2);
}

#[test]
fn member_awaiting_a_join_answer_outlives_its_session_but_not_the_rebalance_timeout() {
    // Goal: Kafka's isAwaitingJoin excuses heartbeats; the join deadline still ends the wait.
    // Method: the leader rejoins and waits twice its session while the follower heartbeats
    // without rejoining; then the rebalance timeout passes.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    let mut leader = waiting(h.c.join(join_req(GROUP, &ids[0], &[("range", "m0")])));
    for _ in 0..4 {
        h.advance(SESSION_MS / 2);
        assert_eq!(
            h.heartbeat(generation, &ids[1]),
            Err(GroupError::RebalanceInProgress)
        );
    }
    assert!(still_waiting(&mut leader));
    assert_eq!(
        h.c.describe(GROUP).members.len(),
        2,
        "the waiting leader was not expired"
    );
    h.advance(REBALANCE_MS - SESSION_MS * 2);
    let answer = answered(&mut leader);
    assert_eq!(
        (answer.error, answer.generation_id, answer.members.len()),
        (None, generation + 1, 1)
    );
}

#[test]
fn tick_is_idle_until_the_next_deadline() {
    // Goal: tick reports the next deadline and fires nothing early. Method: no groups, then
    // one Stable member whose session deadline is reported and kept until it passes.
    let h = Harness::new();
    assert_eq!(h.c.tick(), None);
    let (ids, generation) = h.stable(1);
    let expiry = h.now() + i64::from(SESSION_MS);
    assert_eq!(h.c.tick(), Some(expiry));
    h.advance(SESSION_MS - 1);
    assert_eq!(h.c.tick(), Some(expiry));
    assert_eq!(h.heartbeat(generation, &ids[0]), Ok(()));
    h.advance(1);
    assert_eq!(
        h.c.tick(),
        Some(expiry + i64::from(SESSION_MS) - 1),
        "a scan moved the deadline to the heartbeat's"
    );
    assert_eq!(h.state(), GroupState::Stable);
}
