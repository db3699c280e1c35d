//! A group's timers, fired by `tick()` at the coordinator clock's time: KIP-394 pending ids
//! and member sessions expire (Kafka's `onExpireHeartbeat`), the join phase ends
//! (`DelayedJoin`, `InitialDelayedJoin`), and members that never sent SyncGroup are removed
//! (`DelayedSync`). A timer is due when its deadline is at or before now. Members waiting
//! for a join or sync answer are excused from their session (except a new member's first
//! join), so they add no deadline until they are answered.

use super::group::Group;
use super::state::Ctx;
use super::types::GroupState;

/// Firing a timer can arm another that is already due; this bounds the rounds per tick.
const FIRE_ROUNDS_MAX: usize = 8;

impl Group {
    /// The earliest moment one of this group's timers is due, if any.
    pub(super) fn next_deadline_ms(&self) -> Option<i64> {
        let pending = self.pending_members.values().copied();
        let sessions = self.members.values().filter_map(|m| m.expiry_ms());
        let join = self
            .join_timer
            .filter(|_| self.state == GroupState::PreparingRebalance)
            .map(|t| t.deadline_ms());
        let sync = self
            .sync_deadline_ms
            .filter(|_| !self.pending_sync.is_empty());
        pending.chain(sessions).chain(join).chain(sync).min()
    }

    /// Fire everything due at `cx.now_ms`.
    pub(super) fn fire_due(&mut self, cx: &mut Ctx) {
        for _ in 0..FIRE_ROUNDS_MAX {
            if !self.fire_round(cx) {
                break;
            }
        }
    }

    fn fire_round(&mut self, cx: &mut Ctx) -> bool {
        let pending = self.expire_pending_members(cx);
        let sessions = self.expire_sessions(cx);
        let join = self.fire_join_if_due(cx);
        let sync = self.expire_pending_sync(cx);
        pending || sessions || join || sync
    }

    fn expire_pending_members(&mut self, cx: &mut Ctx) -> bool {
        let now_ms = cx.now_ms;
        let before = self.pending_members.len();
        self.pending_members
            .retain(|_, expiry_ms| *expiry_ms > now_ms);
        let expired = self.pending_members.len() != before;
        if expired {
            tracing::info!(
                group = %self.id,
                count = before - self.pending_members.len(),
                "pending members expired",
            );
            self.try_complete_join(cx);
        }
        expired
    }

    fn expire_sessions(&mut self, cx: &mut Ctx) -> bool {
        let now_ms = cx.now_ms;
        let is_due = |g: &Group, id: &str| {
            g.members
                .get(id)
                .and_then(|m| m.expiry_ms())
                .is_some_and(|at| at <= now_ms)
        };
        let due: Vec<String> = self
            .ordered_ids()
            .into_iter()
            .filter(|id| is_due(self, id))
            .collect();
        let mut fired = false;
        for id in due {
            // An earlier removal may have answered this member's join or sync; look again.
            if is_due(self, &id) {
                self.remove_member_and_update(&id, cx, "session expired");
                fired = true;
            }
        }
        fired
    }

    fn fire_join_if_due(&mut self, cx: &mut Ctx) -> bool {
        let due = self.state == GroupState::PreparingRebalance
            && self
                .join_timer
                .is_some_and(|t| t.deadline_ms() <= cx.now_ms);
        if due {
            self.fire_join_timer(cx);
        }
        due
    }

    /// Kafka's `onExpirePendingSync`: members of this generation that never sent SyncGroup
    /// within the rebalance timeout are removed and the group rebalances.
    fn expire_pending_sync(&mut self, cx: &mut Ctx) -> bool {
        let Some(deadline_ms) = self.sync_deadline_ms else {
            return false;
        };
        if deadline_ms > cx.now_ms {
            return false;
        }
        self.sync_deadline_ms = None;
        let syncing = matches!(
            self.state,
            GroupState::CompletingRebalance | GroupState::Stable
        );
        if !syncing || self.pending_sync.is_empty() {
            return false;
        }
        let mut missing: Vec<String> = self.pending_sync.drain().collect();
        missing.sort();
        tracing::info!(
            group = %self.id,
            ?missing,
            "members did not send SyncGroup in time; removing them",
        );
        for id in &missing {
            self.remove(id);
        }
        self.prepare_rebalance(cx, "pending SyncGroup expired");
        true
    }
}
