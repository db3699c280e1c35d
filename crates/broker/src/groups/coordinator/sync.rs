//! SyncGroup, after Kafka's `doSyncGroup` and `validateSyncGroup`: followers wait for the
//! leader while the group is CompletingRebalance; the leader's assignments (empty for members
//! it left out) make the group Stable and answer every waiting sync, and the new generation is
//! reported to the sink. In a Stable group a sync is answered with the member's assignment.

use super::group::Group;
use super::state::Ctx;
use super::types::{GroupError, GroupState, SyncGroup, SyncResult};
use bytes::Bytes;
use std::collections::HashMap;
use tokio::sync::oneshot;

type SyncReply = oneshot::Sender<SyncResult>;

impl Group {
    pub(super) fn sync(&mut self, req: SyncGroup, tx: SyncReply, cx: &mut Ctx) {
        if let Err(e) = self.validate_sync(&req) {
            let _ = tx.send(SyncResult::failed(e));
            return;
        }
        match self.state {
            GroupState::Empty => {
                let _ = tx.send(SyncResult::failed(GroupError::UnknownMemberId));
            }
            GroupState::PreparingRebalance => {
                let _ = tx.send(SyncResult::failed(GroupError::RebalanceInProgress));
            }
            GroupState::CompletingRebalance => self.sync_completing(req, tx, cx),
            GroupState::Stable => {
                self.synced(&req.member_id);
                let result = self.member_assignment(&req.member_id);
                if let Some(m) = self.members.get_mut(&req.member_id) {
                    m.refresh_session(cx.now_ms);
                }
                let _ = tx.send(result);
            }
            GroupState::Dead => {
                let _ = tx.send(SyncResult::failed(GroupError::CoordinatorNotAvailable));
            }
        }
    }

    /// Kafka's `validateSyncGroup`: member (and instance id), generation, then the v5
    /// protocol type and name.
    fn validate_sync(&self, req: &SyncGroup) -> Result<(), GroupError> {
        if self.state == GroupState::Dead {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        self.validate_current_member(&req.member_id, req.group_instance_id.as_deref())?;
        if req.generation_id != self.generation_id {
            return Err(GroupError::IllegalGeneration);
        }
        let type_differs = req.protocol_type.is_some() && req.protocol_type != self.protocol_type;
        let name_differs = req.protocol_name.is_some() && req.protocol_name != self.protocol_name;
        if type_differs || name_differs {
            return Err(GroupError::InconsistentGroupProtocol);
        }
        Ok(())
    }

    /// The member owes no more SyncGroup for this generation.
    fn synced(&mut self, member_id: &str) {
        self.pending_sync.remove(member_id);
        if self.pending_sync.is_empty() {
            self.sync_deadline_ms = None;
        }
    }

    fn member_assignment(&self, member_id: &str) -> SyncResult {
        SyncResult {
            error: None,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            assignment: self
                .members
                .get(member_id)
                .map(|m| m.assignment.clone())
                .unwrap_or_default(),
        }
    }

    fn sync_completing(&mut self, req: SyncGroup, tx: SyncReply, cx: &mut Ctx) {
        if let Some(m) = self.members.get_mut(&req.member_id) {
            m.sync_waiters.push(tx);
        }
        self.synced(&req.member_id);
        if self.is_leader(&req.member_id) {
            self.install_assignment(req.assignments, cx);
        }
    }

    /// The leader's assignment: stored (members it left out get an empty one, members it
    /// invented are ignored), the group is Stable, reported, and every waiting sync answered.
    fn install_assignment(&mut self, assignments: Vec<(String, Bytes)>, cx: &mut Ctx) {
        let assigned: HashMap<String, Bytes> = assignments.into_iter().collect();
        let missing: Vec<&String> = self
            .members
            .keys()
            .filter(|id| !assigned.contains_key(*id))
            .collect();
        if !missing.is_empty() {
            tracing::warn!(
                group = %self.id,
                generation = self.generation_id,
                ?missing,
                "leader left members out; they get an empty assignment",
            );
        }
        for m in self.members.values_mut() {
            m.assignment = assigned.get(&m.id).cloned().unwrap_or_default();
        }
        self.state = GroupState::Stable;
        tracing::info!(
            group = %self.id,
            generation = self.generation_id,
            members = self.members.len(),
            "assignment received from the leader; group is stable",
        );
        cx.changed(self);
        self.propagate_assignment(None, cx);
    }

    /// Kafka's `propagateAssignment`: answer every waiting sync with its own assignment (or
    /// the error) and restart its session.
    pub(super) fn propagate_assignment(&mut self, error: Option<GroupError>, cx: &mut Ctx) {
        let (protocol_type, protocol_name) = match error {
            None => (self.protocol_type.clone(), self.protocol_name.clone()),
            Some(_) => (None, None),
        };
        for m in self.members.values_mut().filter(|m| m.awaiting_sync()) {
            let result = SyncResult {
                error,
                protocol_type: protocol_type.clone(),
                protocol_name: protocol_name.clone(),
                assignment: m.assignment.clone(),
            };
            m.answer_sync(&result);
            m.refresh_session(cx.now_ms);
        }
    }

    /// Kafka's `resetAndPropagateAssignmentError`.
    pub(super) fn reset_and_propagate_assignment_error(&mut self, error: GroupError, cx: &mut Ctx) {
        for m in self.members.values_mut() {
            m.assignment = Bytes::new();
        }
        self.propagate_assignment(Some(error), cx);
    }
}
