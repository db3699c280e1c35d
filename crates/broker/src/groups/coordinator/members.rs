//! What a member does between rebalances, after Kafka's `GroupCoordinator`: Heartbeat
//! (`handleHeartbeat`), LeaveGroup (`handleLeaveGroup`), the group checks of OffsetCommit
//! (`validateOffsetCommit`, `doCommitOffsets`) and the removal of a member that left or
//! failed (`removeMemberAndUpdateGroup`). Each accepted request restarts the member's session.

use super::group::Group;
use super::state::Ctx;
use super::types::{GroupError, GroupState, Heartbeat, JoinResult, LeaveMember};

impl Group {
    /// Kafka's `validateCurrentMember`: with an instance id it must be known and mapped to
    /// this member id (else FencedInstanceId); without, the member id must be known.
    pub(super) fn validate_current_member(
        &self,
        member_id: &str,
        instance: Option<&str>,
    ) -> Result<(), GroupError> {
        match instance.map(|i| self.static_members.get(i)) {
            Some(Some(id)) if id != member_id => Err(GroupError::FencedInstanceId),
            Some(Some(_)) => Ok(()),
            Some(None) => Err(GroupError::UnknownMemberId),
            None if self.members.contains_key(member_id) => Ok(()),
            None => Err(GroupError::UnknownMemberId),
        }
    }

    fn refresh_session(&mut self, member_id: &str, now_ms: i64) {
        if let Some(m) = self.members.get_mut(member_id) {
            m.refresh_session(now_ms);
        }
    }

    /// Member, then generation, then state: a rebalance being prepared answers
    /// RebalanceInProgress (the member must rejoin); CompletingRebalance and Stable are fine.
    pub(super) fn heartbeat(&mut self, req: &Heartbeat, now_ms: i64) -> Result<(), GroupError> {
        if self.state == GroupState::Dead {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        self.validate_current_member(&req.member_id, req.group_instance_id.as_deref())?;
        if req.generation_id != self.generation_id {
            return Err(GroupError::IllegalGeneration);
        }
        let outcome = match self.state {
            GroupState::Empty => return Err(GroupError::UnknownMemberId),
            GroupState::Dead => return Err(GroupError::CoordinatorNotAvailable),
            GroupState::PreparingRebalance => Err(GroupError::RebalanceInProgress),
            GroupState::CompletingRebalance | GroupState::Stable => Ok(()),
        };
        self.refresh_session(&req.member_id, now_ms);
        outcome
    }

    /// One member of a LeaveGroup: by instance id alone (administrative removal), a KIP-394
    /// pending id, or a current member (with its instance id checked).
    pub(super) fn leave(&mut self, leaving: &LeaveMember, cx: &mut Ctx) -> Option<GroupError> {
        let reason = format!(
            "member left; client reason: {}",
            leaving.reason.as_deref().unwrap_or("not provided")
        );
        if leaving.member_id.is_empty() {
            let current = leaving
                .group_instance_id
                .as_ref()
                .and_then(|i| self.static_members.get(i))
                .cloned();
            let Some(id) = current else {
                return Some(GroupError::UnknownMemberId);
            };
            self.remove_member_and_update(&id, cx, &reason);
            None
        } else if self.pending_members.remove(&leaving.member_id).is_some() {
            self.try_complete_join(cx);
            None
        } else if let Err(e) =
            self.validate_current_member(&leaving.member_id, leaving.group_instance_id.as_deref())
        {
            Some(e)
        } else {
            self.remove_member_and_update(&leaving.member_id, cx, &reason);
            None
        }
    }

    /// Kafka's `removeMemberAndUpdateGroup`: a join still waiting is told UnknownMemberId, the
    /// member goes, and the group rebalances (or its join phase may now complete).
    pub(super) fn remove_member_and_update(&mut self, member_id: &str, cx: &mut Ctx, reason: &str) {
        tracing::info!(group = %self.id, member = %member_id, %reason, "removing member");
        if let Some(m) = self.members.get_mut(member_id) {
            m.answer_join(&JoinResult::failed("", GroupError::UnknownMemberId));
        }
        self.remove(member_id);
        match self.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.maybe_prepare_rebalance(cx, reason)
            }
            GroupState::PreparingRebalance => self.try_complete_join(cx),
            GroupState::Empty | GroupState::Dead => {}
        }
    }

    /// Kafka's OffsetCommit checks. A "simple" commit (generation < 0, no member id, no
    /// instance id) is allowed only while the group is Empty; anything else must come from a
    /// current member of the current generation, and not while CompletingRebalance.
    pub(super) fn validate_commit(
        &mut self,
        member_id: &str,
        instance: Option<&str>,
        generation_id: i32,
        now_ms: i64,
    ) -> Result<(), GroupError> {
        if self.state == GroupState::Dead {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        if generation_id >= 0 || !member_id.is_empty() || instance.is_some() {
            self.validate_current_member(member_id, instance)?;
            if generation_id != self.generation_id {
                return Err(GroupError::IllegalGeneration);
            }
        } else if self.state != GroupState::Empty {
            return Err(GroupError::UnknownMemberId);
        }
        match self.state {
            GroupState::Empty => Ok(()),
            GroupState::Stable | GroupState::PreparingRebalance => {
                self.refresh_session(member_id, now_ms);
                Ok(())
            }
            GroupState::CompletingRebalance => Err(GroupError::RebalanceInProgress),
            GroupState::Dead => Err(GroupError::CoordinatorNotAvailable),
        }
    }
}
