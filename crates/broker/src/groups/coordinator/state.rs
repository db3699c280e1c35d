//! Everything behind the coordinator's lock: the groups by id, the shut-down flag, and the
//! request-level checks Kafka makes before a group is touched (`validateGroupStatus`: group
//! id, coordinator active; session timeout bounds; which requests create a group and which
//! answer for an unknown one). `Ctx` carries one call's time, config, the sink events to emit
//! after the lock is released, and the earliest deadline the call armed.

use super::group::Group;
use super::types::{
    GroupConfig, GroupError, GroupSnapshot, GroupState, Heartbeat, JoinGroup, JoinResult,
    LeaveMember, SyncGroup, SyncResult,
};
use std::collections::HashMap;
use tokio::sync::oneshot;

pub(super) enum SinkEvent {
    Changed(GroupSnapshot),
    Deleted(String),
}

pub(super) struct Ctx<'a> {
    pub now_ms: i64,
    pub config: &'a GroupConfig,
    pub events: Vec<SinkEvent>,
    /// The earliest deadline of any group this call touched (i64::MAX: none).
    pub next_deadline_ms: i64,
}

impl<'a> Ctx<'a> {
    pub fn new(now_ms: i64, config: &'a GroupConfig) -> Self {
        Ctx {
            now_ms,
            config,
            events: Vec::new(),
            next_deadline_ms: i64::MAX,
        }
    }

    /// Report the group's current state to the sink (Kafka's `storeGroup`).
    pub fn changed(&mut self, group: &Group) {
        self.events.push(SinkEvent::Changed(group.snapshot()));
    }

    fn note(&mut self, group: &Group) {
        if let Some(at) = group.next_deadline_ms() {
            self.next_deadline_ms = self.next_deadline_ms.min(at);
        }
    }
}

#[derive(Default)]
pub(super) struct State {
    pub groups: HashMap<String, Group>,
    pub shut_down: bool,
}

/// Kafka's `validateGroupStatus` for the APIs that need a non-empty group id.
fn check_request(shut_down: bool, group_id: &str) -> Result<(), GroupError> {
    if group_id.is_empty() {
        Err(GroupError::InvalidGroupId)
    } else if shut_down {
        Err(GroupError::CoordinatorNotAvailable)
    } else {
        Ok(())
    }
}

impl State {
    pub fn join(&mut self, req: JoinGroup, tx: oneshot::Sender<JoinResult>, cx: &mut Ctx) {
        if let Err(e) = self.check_join(&req, cx.config) {
            let _ = tx.send(JoinResult::failed(&req.member_id, e));
            return;
        }
        let group = match self.groups.get_mut(&req.group_id) {
            Some(group) => group,
            None if req.member_id.is_empty() => self
                .groups
                .entry(req.group_id.clone())
                .or_insert_with(|| Group::new(&req.group_id)),
            None => {
                let _ = tx.send(JoinResult::failed(
                    &req.member_id,
                    GroupError::UnknownMemberId,
                ));
                return;
            }
        };
        group.join(req, tx, cx);
        cx.note(group);
    }

    fn check_join(&self, req: &JoinGroup, config: &GroupConfig) -> Result<(), GroupError> {
        check_request(self.shut_down, &req.group_id)?;
        let bounds = config.session_timeout_min_ms..=config.session_timeout_max_ms;
        if !bounds.contains(&req.session_timeout_ms) {
            return Err(GroupError::InvalidSessionTimeout);
        }
        Ok(())
    }

    pub fn sync(&mut self, req: SyncGroup, tx: oneshot::Sender<SyncResult>, cx: &mut Ctx) {
        let checked = check_request(self.shut_down, &req.group_id);
        match (checked, self.groups.get_mut(&req.group_id)) {
            (Err(e), _) => {
                let _ = tx.send(SyncResult::failed(e));
            }
            (Ok(()), None) => {
                let _ = tx.send(SyncResult::failed(GroupError::UnknownMemberId));
            }
            (Ok(()), Some(group)) => {
                group.sync(req, tx, cx);
                cx.note(group);
            }
        }
    }

    pub fn heartbeat(&mut self, req: &Heartbeat, cx: &mut Ctx) -> Result<(), GroupError> {
        check_request(self.shut_down, &req.group_id)?;
        let group = self
            .groups
            .get_mut(&req.group_id)
            .ok_or(GroupError::UnknownMemberId)?;
        let outcome = group.heartbeat(req, cx.now_ms);
        cx.note(group);
        outcome
    }

    pub fn leave(
        &mut self,
        group_id: &str,
        members: Vec<LeaveMember>,
        cx: &mut Ctx,
    ) -> Result<Vec<(LeaveMember, Option<GroupError>)>, GroupError> {
        check_request(self.shut_down, group_id)?;
        let Some(group) = self.groups.get_mut(group_id) else {
            return Ok(members
                .into_iter()
                .map(|m| (m, Some(GroupError::UnknownMemberId)))
                .collect());
        };
        let results = members
            .into_iter()
            .map(|m| (group.leave(&m, cx), m))
            .map(|(e, m)| (m, e))
            .collect();
        cx.note(group);
        Ok(results)
    }

    /// OffsetCommit's group checks (an empty group id is allowed, as Kafka allows it for
    /// commits). An unknown group is created Empty by a simple commit that passes them.
    pub fn validate_commit(
        &mut self,
        group_id: &str,
        member_id: &str,
        instance: Option<&str>,
        generation_id: i32,
        cx: &mut Ctx,
    ) -> Result<(), GroupError> {
        if self.shut_down {
            return Err(GroupError::CoordinatorNotAvailable);
        }
        if let Some(group) = self.groups.get_mut(group_id) {
            let outcome = group.validate_commit(member_id, instance, generation_id, cx.now_ms);
            cx.note(group);
            return outcome;
        }
        if generation_id >= 0 {
            return Err(GroupError::IllegalGeneration);
        }
        let mut group = Group::new(group_id);
        group.validate_commit(member_id, instance, generation_id, cx.now_ms)?;
        self.groups.insert(group_id.to_string(), group);
        Ok(())
    }

    /// Kafka's `handleDeleteGroups` for one group: only an Empty group goes.
    pub fn delete(&mut self, group_id: &str, cx: &mut Ctx) -> Result<(), GroupError> {
        let state = self
            .groups
            .get(group_id)
            .map(|g| g.state)
            .ok_or(GroupError::GroupIdNotFound)?;
        match state {
            GroupState::Empty => {
                self.groups.remove(group_id);
                cx.events.push(SinkEvent::Deleted(group_id.to_string()));
                Ok(())
            }
            GroupState::Dead => Err(GroupError::GroupIdNotFound),
            GroupState::PreparingRebalance
            | GroupState::CompletingRebalance
            | GroupState::Stable => Err(GroupError::NonEmptyGroup),
        }
    }

    pub fn restore(&mut self, snapshots: Vec<GroupSnapshot>, cx: &mut Ctx) {
        for snapshot in snapshots {
            let group = Group::from_snapshot(&snapshot, cx.now_ms);
            cx.note(&group);
            self.groups.insert(snapshot.group_id, group);
        }
    }

    /// Fire every due timer; returns the earliest deadline left.
    pub fn fire_due(&mut self, cx: &mut Ctx) -> Option<i64> {
        if self.shut_down {
            return None;
        }
        let mut next_ms = i64::MAX;
        for group in self.groups.values_mut() {
            let due = group.next_deadline_ms().is_some_and(|at| at <= cx.now_ms);
            if due {
                group.fire_due(cx);
            }
            next_ms = next_ms.min(group.next_deadline_ms().unwrap_or(i64::MAX));
        }
        (next_ms != i64::MAX).then_some(next_ms)
    }

    /// Answer every waiting join and sync with CoordinatorNotAvailable (Kafka's
    /// `onGroupUnloaded`, which answers NotCoordinator); later requests get the same.
    pub fn shut_down(&mut self) {
        self.shut_down = true;
        let join = JoinResult::failed("", GroupError::CoordinatorNotAvailable);
        let sync = super::types::SyncResult::failed(GroupError::CoordinatorNotAvailable);
        for group in self.groups.values_mut() {
            for m in group.members.values_mut() {
                m.answer_join(&JoinResult {
                    member_id: m.id.clone(),
                    ..join.clone()
                });
                m.answer_sync(&sync);
            }
            group.join_timer = None;
            group.sync_deadline_ms = None;
        }
    }
}
