//! The group checks of OffsetCommit (Kafka's `validateOffsetCommit` and `doCommitOffsets`):
//! simple commits, member and generation checks, the states that refuse or allow a commit,
//! and commits keeping a session alive.

use super::*;
use crate::groups::coordinator::{GroupError, GroupState};

#[test]
fn simple_commit_to_an_unknown_group_creates_it_empty() {
    // Goal: a standalone consumer's commit (generation -1, no member) is accepted and the
    // group appears Empty. Method: commit, then look the group up.
    let h = Harness::new();
    assert!(!h.c.exists("solo"));
    assert_eq!(h.c.validate_commit("solo", "", None, -1), Ok(()));
    assert!(h.c.exists("solo"));
    assert_eq!(
        h.c.list(),
        vec![("solo".to_string(), String::new(), GroupState::Empty)]
    );
    assert_eq!(
        h.c.validate_commit("solo", "", None, -1),
        Ok(()),
        "and again on the Empty group"
    );
    assert_eq!(
        h.c.validate_commit("", "", None, -1),
        Ok(()),
        "Kafka allows the empty group id for commits"
    );
}

#[test]
fn commit_to_an_unknown_group_with_a_generation_or_member_is_refused_without_creating_it() {
    // Goal: only simple commits create groups. Method: a generation, then a member id.
    let h = Harness::new();
    assert_eq!(
        h.c.validate_commit("g1", "m", None, 3),
        Err(GroupError::IllegalGeneration)
    );
    assert_eq!(
        h.c.validate_commit("g1", "m", None, -1),
        Err(GroupError::UnknownMemberId)
    );
    assert!(!h.c.exists("g1"));
}

#[test]
fn commits_must_come_from_a_current_member_of_the_current_generation() {
    // Goal: member and generation mismatches. Method: commits to a Stable group.
    let h = Harness::new();
    let (ids, generation) = h.stable(2);
    assert_eq!(
        h.c.validate_commit(GROUP, "", None, -1),
        Err(GroupError::UnknownMemberId),
        "simple commit to a live group"
    );
    assert_eq!(
        h.c.validate_commit(GROUP, "ghost", None, generation),
        Err(GroupError::UnknownMemberId)
    );
    assert_eq!(
        h.c.validate_commit(GROUP, &ids[1], None, generation - 1),
        Err(GroupError::IllegalGeneration)
    );
    assert_eq!(
        h.c.validate_commit(GROUP, &ids[1], Some("i-none"), generation),
        Err(GroupError::UnknownMemberId)
    );
    assert_eq!(
        h.c.validate_commit(GROUP, &ids[1], None, generation),
        Ok(())
    );
}

#[test]
fn commit_while_completing_is_rebalance_in_progress_but_allowed_while_preparing() {
    // Goal: Kafka refuses commits between JoinGroup and SyncGroup but allows them from a
    // current member while the next rebalance is being prepared. Method: commit in both.
    let h = Harness::new();
    let joined = h.form(&[&[("range", "m0")], &[("range", "m1")]]);
    let ids: Vec<String> = joined.iter().map(|j| j.member_id.clone()).collect();
    assert_eq!(
        h.c.validate_commit(GROUP, &ids[1], None, 1),
        Err(GroupError::RebalanceInProgress)
    );
    h.sync_all(&ids, 1);
    let _newcomer = waiting(h.c.join(join_req(GROUP, "", &[("range", "m2")])));
    assert_eq!(h.state(), GroupState::PreparingRebalance);
    assert_eq!(h.c.validate_commit(GROUP, &ids[1], None, 1), Ok(()));
}

#[test]
fn commits_keep_a_session_alive() {
    // Goal: an accepted commit restarts the member's session. Method: commit instead of
    // heartbeating, just inside the timeout, twice.
    let h = Harness::new();
    let (ids, generation) = h.stable(1);
    for _ in 0..2 {
        h.advance(SESSION_MS - 1);
        assert_eq!(
            h.c.validate_commit(GROUP, &ids[0], None, generation),
            Ok(())
        );
    }
    h.advance(SESSION_MS - 1);
    assert_eq!(h.state(), GroupState::Stable);
}
