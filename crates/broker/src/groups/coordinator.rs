//! The classic consumer-group coordinator: Kafka's pre-KIP-848 `GroupCoordinator` and
//! `GroupMetadata` state machine (Empty, PreparingRebalance, CompletingRebalance, Stable,
//! Dead) behind JoinGroup, SyncGroup, Heartbeat, LeaveGroup, the group checks of
//! OffsetCommit, and DescribeGroups/ListGroups/DeleteGroups. It does no I/O and never sleeps:
//! time comes from a `Clock`, timers fire when the server calls `tick()`, requests that must
//! wait (a join during a rebalance, a follower's sync) get a oneshot receiver, and durable
//! changes go to a `GroupSink` in the order they happened, outside the lock. Committed
//! offsets are not kept here (`offsets.rs`). The contract is docs/dev/groups-api.md.
//!
//! One mutex guards every group; answering a waiter is a oneshot send under it. The pieces:
//! `types` (the public vocabulary), `group` (one group's bookkeeping), `join`, `sync`,
//! `members` (heartbeat, leave, commit checks) and `timers` (what `tick()` fires), and `state`
//! (the map of groups and the checks made before a group is touched).

mod group;
mod join;
mod members;
mod state;
mod sync;
mod timers;
mod types;

#[cfg(test)]
mod tests;

pub use types::*;

use super::clock::Clock;
use state::{Ctx, SinkEvent, State};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use tokio::sync::oneshot;

pub struct GroupCoordinator {
    config: GroupConfig,
    clock: Arc<dyn Clock>,
    sink: Arc<dyn GroupSink>,
    state: Mutex<State>,
    /// Taken before the state lock is released and held while emitting, so sink calls keep
    /// the order of the changes they report.
    sink_order: Mutex<()>,
    /// No timer is due before this (it may be early, never late): `tick()` returns at once
    /// without the lock until then.
    next_deadline_ms: AtomicI64,
}

impl GroupCoordinator {
    pub fn new(config: GroupConfig, clock: Arc<dyn Clock>, sink: Arc<dyn GroupSink>) -> Self {
        GroupCoordinator {
            config,
            clock,
            sink,
            state: Mutex::new(State::default()),
            sink_order: Mutex::new(()),
            next_deadline_ms: AtomicI64::new(i64::MAX),
        }
    }

    /// Run `f` under the lock at the clock's time; then note any deadline it armed and emit
    /// its sink events, in order, after the lock is released.
    fn with_state<R>(&self, f: impl FnOnce(&mut State, &mut Ctx) -> R) -> R {
        let mut cx = Ctx::new(self.clock.now_ms(), &self.config);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let out = f(&mut state, &mut cx);
        self.next_deadline_ms
            .fetch_min(cx.next_deadline_ms, Ordering::AcqRel);
        if cx.events.is_empty() {
            return out;
        }
        let order = self
            .sink_order
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        drop(state);
        for event in cx.events {
            match event {
                SinkEvent::Changed(snapshot) => self.sink.group_changed(snapshot),
                SinkEvent::Deleted(group_id) => self.sink.group_deleted(&group_id),
            }
        }
        drop(order);
        out
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Restore groups at start-up (before serving): a group with members comes back Stable at
    /// its generation, each member's session restarting now; with none, Empty.
    pub fn restore(&self, groups: Vec<GroupSnapshot>) {
        self.with_state(|state, cx| state.restore(groups, cx));
    }

    pub fn join(&self, req: JoinGroup) -> Pending<JoinResult> {
        let (tx, rx) = oneshot::channel();
        self.with_state(|state, cx| state.join(req, tx, cx));
        settle(rx, |e| JoinResult::failed("", e))
    }

    pub fn sync(&self, req: SyncGroup) -> Pending<SyncResult> {
        let (tx, rx) = oneshot::channel();
        self.with_state(|state, cx| state.sync(req, tx, cx));
        settle(rx, SyncResult::failed)
    }

    pub fn heartbeat(&self, req: Heartbeat) -> Result<(), GroupError> {
        self.with_state(|state, cx| state.heartbeat(&req, cx))
    }

    /// LeaveGroup (v0-2: one member id; v3+: batch). Err for group-level errors, else per
    /// member, in order.
    pub fn leave(
        &self,
        group_id: &str,
        members: Vec<LeaveMember>,
    ) -> Result<Vec<(LeaveMember, Option<GroupError>)>, GroupError> {
        self.with_state(|state, cx| state.leave(group_id, members, cx))
    }

    /// Kafka's OffsetCommit checks (generation -1 with no member id on an Empty/unknown group
    /// is a "simple" commit and creates the group Empty if unknown; otherwise member, instance
    /// id and generation must match; CompletingRebalance -> RebalanceInProgress). Ok
    /// refreshes the member's session.
    pub fn validate_commit(
        &self,
        group_id: &str,
        member_id: &str,
        group_instance_id: Option<&str>,
        generation_id: i32,
    ) -> Result<(), GroupError> {
        self.with_state(|state, cx| {
            state.validate_commit(group_id, member_id, group_instance_id, generation_id, cx)
        })
    }

    /// Unknown: state Dead, no members.
    pub fn describe(&self, group_id: &str) -> GroupDescription {
        match self.lock().groups.get(group_id) {
            Some(group) => group.describe(),
            None => GroupDescription {
                group_id: group_id.to_string(),
                state: GroupState::Dead,
                protocol_type: String::new(),
                protocol_name: String::new(),
                members: Vec::new(),
            },
        }
    }

    /// (group id, protocol type, state) of every group, sorted by id.
    pub fn list(&self) -> Vec<(String, String, GroupState)> {
        let state = self.lock();
        let mut groups: Vec<_> = state
            .groups
            .values()
            .map(|g| {
                (
                    g.id.clone(),
                    g.protocol_type.clone().unwrap_or_default(),
                    g.state,
                )
            })
            .collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        groups
    }

    /// DeleteGroups: GroupIdNotFound if unknown or Dead, NonEmptyGroup unless Empty. Calls
    /// sink.group_deleted.
    pub fn delete(&self, group_id: &str) -> Result<(), GroupError> {
        self.with_state(|state, cx| state.delete(group_id, cx))
    }

    /// Does a group exist (any state but Dead)?
    pub fn exists(&self, group_id: &str) -> bool {
        self.lock()
            .groups
            .get(group_id)
            .is_some_and(|g| g.state != GroupState::Dead)
    }

    /// Fire due timers (join deadlines, session expiries, delayed initial rebalances, sync
    /// deadlines) at clock.now_ms(). Returns the next deadline in ms, if any. Cheap (no lock)
    /// while nothing is due.
    pub fn tick(&self) -> Option<i64> {
        let next_ms = self.next_deadline_ms.load(Ordering::Acquire);
        if self.clock.now_ms() < next_ms {
            return (next_ms != i64::MAX).then_some(next_ms);
        }
        self.with_state(|state, cx| {
            let next = state.fire_due(cx);
            self.next_deadline_ms
                .store(next.unwrap_or(i64::MAX), Ordering::Release);
            next
        })
    }

    /// Answer every pending join and sync with CoordinatorNotAvailable so no client waits
    /// forever; later requests get the same.
    pub fn shutdown(&self) {
        self.with_state(|state, _| state.shut_down());
        self.next_deadline_ms.store(i64::MAX, Ordering::Release);
    }
}

// Shared by every connection task.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<GroupCoordinator>();
};

/// The answer if it is already there, else the receiver to wait on.
fn settle<T>(mut rx: oneshot::Receiver<T>, failed: impl FnOnce(GroupError) -> T) -> Pending<T> {
    match rx.try_recv() {
        Ok(answer) => Pending::Ready(answer),
        Err(oneshot::error::TryRecvError::Empty) => Pending::Wait(rx),
        Err(oneshot::error::TryRecvError::Closed) => {
            Pending::Ready(failed(GroupError::CoordinatorNotAvailable))
        }
    }
}
