//! JoinGroup and the join phase of a rebalance, after Kafka's `GroupCoordinator`
//! (`handleJoinGroup`, `doNewMemberJoinGroup`, `doCurrentMemberJoinGroup`,
//! `updateStaticMemberAndRebalance`, `prepareRebalance`, `onCompleteJoin`) and
//! `InitialDelayedJoin`. A join either is answered at once or leaves its sender on the member;
//! every waiting join is answered together when the join phase completes. Validation of the
//! group id and session timeout, and group creation, are the caller's (`state`).

use super::group::{Group, JoinTimer, Member, NEW_MEMBER_JOIN_TIMEOUT_MS};
use super::state::Ctx;
use super::types::{GroupError, GroupState, JoinGroup, JoinResult};
use bytes::Bytes;
use tokio::sync::oneshot;

type JoinReply = oneshot::Sender<JoinResult>;

fn fail(tx: JoinReply, member_id: &str, error: GroupError) {
    let _ = tx.send(JoinResult::failed(member_id, error));
}

/// Kafka's `generateMemberId`: `{group.instance.id or client.id}-{uuid}`.
fn new_member_id(req: &JoinGroup) -> String {
    let prefix = req.group_instance_id.as_deref().unwrap_or(&req.client_id);
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

fn reason_of(req: &JoinGroup) -> &str {
    req.reason.as_deref().unwrap_or("not provided")
}

impl Group {
    /// One JoinGroup against this group (Kafka's `handleJoinGroup` once the group exists).
    pub(super) fn join(&mut self, req: JoinGroup, tx: JoinReply, cx: &mut Ctx) {
        if !self.accepts_joining_member(&req.member_id, cx.config.group_max_size) {
            self.remove(&req.member_id);
            fail(tx, "", GroupError::GroupMaxSizeReached);
        } else if req.member_id.is_empty() {
            self.join_new_member(req, tx, cx);
        } else {
            self.join_current_member(req, tx, cx);
        }
        self.try_complete_join(cx);
    }

    /// Kafka's `acceptJoiningMember`: the size bound counts members already waiting (and
    /// KIP-394 pending ones) while preparing, members otherwise.
    fn accepts_joining_member(&self, member_id: &str, max: usize) -> bool {
        match self.state {
            GroupState::Empty | GroupState::Dead => true,
            GroupState::PreparingRebalance => {
                let awaiting = self
                    .members
                    .get(member_id)
                    .is_some_and(Member::awaiting_join);
                awaiting || self.num_awaiting_join() + self.pending_members.len() < max
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                self.members.contains_key(member_id) || self.members.len() < max
            }
        }
    }

    fn join_new_member(&mut self, req: JoinGroup, tx: JoinReply, cx: &mut Ctx) {
        if !self.supports_protocols(&req.protocol_type, &req.protocols) {
            return fail(tx, "", GroupError::InconsistentGroupProtocol);
        }
        let new_id = new_member_id(&req);
        let old_static = req
            .group_instance_id
            .as_ref()
            .and_then(|i| self.static_members.get(i))
            .cloned();
        if let Some(old_id) = old_static {
            self.update_static_member_and_rebalance(&old_id, new_id, req, tx, cx);
        } else if req.group_instance_id.is_none() && req.require_known_member_id {
            // KIP-394: remember the id handed out; the member must come back with it.
            let expiry_ms = cx.now_ms + i64::from(req.session_timeout_ms);
            self.pending_members.insert(new_id.clone(), expiry_ms);
            fail(tx, &new_id, GroupError::MemberIdRequired);
        } else {
            self.add_member_and_rebalance(new_id, req, tx, cx);
        }
    }

    fn join_current_member(&mut self, req: JoinGroup, tx: JoinReply, cx: &mut Ctx) {
        let id = req.member_id.clone();
        let instance = req.group_instance_id.as_deref();
        if !self.supports_protocols(&req.protocol_type, &req.protocols) {
            fail(tx, &id, GroupError::InconsistentGroupProtocol);
        } else if self.pending_members.contains_key(&id) {
            // Pending ids are only ever handed to dynamic members (Kafka throws here).
            match instance {
                Some(_) => fail(tx, &id, GroupError::UnknownMemberId),
                None => self.add_member_and_rebalance(id, req, tx, cx),
            }
        } else if self.is_static_member_fenced(instance, &id) {
            fail(tx, &id, GroupError::FencedInstanceId);
        } else if !self.members.contains_key(&id)
            || instance.is_some_and(|i| !self.static_members.contains_key(i))
        {
            fail(tx, &id, GroupError::UnknownMemberId);
        } else {
            self.rejoin(req, tx, cx);
        }
    }

    /// A known member joins again (Kafka's `doCurrentMemberJoinGroup` by state): a follower
    /// with unchanged protocols gets the current generation back; the leader, or any member
    /// whose protocols changed, starts a rebalance.
    fn rejoin(&mut self, req: JoinGroup, tx: JoinReply, cx: &mut Ctx) {
        let id = req.member_id.clone();
        let leader = self.is_leader(&id);
        let Some(member) = self.members.get_mut(&id) else {
            return fail(tx, &id, GroupError::UnknownMemberId);
        };
        let unchanged = member.matches(&req.protocols);
        match self.state {
            GroupState::CompletingRebalance | GroupState::Stable if unchanged && !leader => {
                member.refresh_session(cx.now_ms);
                let _ = tx.send(self.join_result(&id, Vec::new(), None));
            }
            GroupState::CompletingRebalance if unchanged => {
                member.refresh_session(cx.now_ms);
                let _ = tx.send(self.join_result(&id, self.current_member_metadata(), None));
            }
            GroupState::PreparingRebalance
            | GroupState::CompletingRebalance
            | GroupState::Stable => {
                let reason = format!(
                    "member {id} rejoined in {}; client reason: {}",
                    self.state.as_str(),
                    reason_of(&req)
                );
                self.update_member_and_rebalance(req, tx, cx, &reason);
            }
            GroupState::Empty | GroupState::Dead => fail(tx, &id, GroupError::UnknownMemberId),
        }
    }

    fn update_member_and_rebalance(
        &mut self,
        req: JoinGroup,
        tx: JoinReply,
        cx: &mut Ctx,
        reason: &str,
    ) {
        if let Some(m) = self.members.get_mut(&req.member_id) {
            m.protocols = req.protocols;
            m.rebalance_timeout_ms = req.rebalance_timeout_ms;
            m.session_timeout_ms = req.session_timeout_ms;
            m.join_waiters.push(tx);
        }
        self.maybe_prepare_rebalance(cx, reason);
    }

    fn add_member_and_rebalance(
        &mut self,
        id: String,
        req: JoinGroup,
        tx: JoinReply,
        cx: &mut Ctx,
    ) {
        let reason = format!("adding new member {id}; client reason: {}", reason_of(&req));
        let member = Member {
            id,
            seq: self.next_seq(),
            instance_id: req.group_instance_id,
            client_id: req.client_id,
            client_host: req.client_host,
            session_timeout_ms: req.session_timeout_ms,
            rebalance_timeout_ms: req.rebalance_timeout_ms,
            protocols: req.protocols,
            assignment: Bytes::new(),
            join_waiters: vec![tx],
            sync_waiters: Vec::new(),
            is_new: true,
            deadline_ms: cx.now_ms + NEW_MEMBER_JOIN_TIMEOUT_MS,
        };
        if self.state == GroupState::PreparingRebalance && self.generation_id == 0 {
            self.new_member_added = true;
        }
        self.add(member, &req.protocol_type);
        self.maybe_prepare_rebalance(cx, &reason);
    }

    /// A static member rejoins with an empty member id: it takes a new id, the old one is
    /// fenced. A Stable group whose chosen protocol would not change keeps its generation and
    /// assignments; the answer names the previous leader so this member does not assign.
    fn update_static_member_and_rebalance(
        &mut self,
        old_id: &str,
        new_id: String,
        req: JoinGroup,
        tx: JoinReply,
        cx: &mut Ctx,
    ) {
        let instance = req.group_instance_id.clone().unwrap_or_default();
        let reason = format!(
            "static member {instance} rejoined as {new_id}; client reason: {}",
            reason_of(&req)
        );
        let previous_leader = self.leader.clone();
        self.replace_static_member(&instance, old_id, &new_id);
        let Some(m) = self.members.get_mut(&new_id) else {
            return fail(tx, "", GroupError::UnknownMemberId);
        };
        m.refresh_session(cx.now_ms);
        m.protocols = req.protocols;
        m.join_waiters.push(tx);
        match self.state {
            GroupState::Stable if self.select_protocol() == self.protocol_name => {
                tracing::info!(
                    group = %self.id,
                    %instance,
                    old = %old_id,
                    new = %new_id,
                    "static member replaced without rebalance",
                );
                cx.changed(self);
                let result = self.join_result(&new_id, Vec::new(), previous_leader.as_deref());
                if let Some(m) = self.members.get_mut(&new_id) {
                    m.answer_join(&result);
                }
            }
            GroupState::Stable | GroupState::CompletingRebalance => {
                self.prepare_rebalance(cx, &reason)
            }
            GroupState::PreparingRebalance => {}
            GroupState::Empty | GroupState::Dead => self.remove(&new_id),
        }
    }

    /// Kafka's `maybePrepareRebalance`.
    pub(super) fn maybe_prepare_rebalance(&mut self, cx: &mut Ctx, reason: &str) {
        if matches!(
            self.state,
            GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty
        ) {
            self.prepare_rebalance(cx, reason);
        }
    }

    /// Kafka's `prepareRebalance`: waiting syncs are told to rejoin, and the join phase starts
    /// (with the initial delay if the group was Empty).
    pub(super) fn prepare_rebalance(&mut self, cx: &mut Ctx, reason: &str) {
        if self.state == GroupState::CompletingRebalance {
            self.reset_and_propagate_assignment_error(GroupError::RebalanceInProgress, cx);
        }
        self.sync_deadline_ms = None;
        tracing::info!(
            group = %self.id,
            state = self.state.as_str(),
            generation = self.generation_id,
            %reason,
            "preparing to rebalance",
        );
        let from_empty = self.state == GroupState::Empty;
        self.state = GroupState::PreparingRebalance;
        let rebalance_timeout_ms = self.rebalance_timeout_ms();
        if from_empty {
            let delay_ms = i64::from(cx.config.initial_rebalance_delay_ms.max(0));
            let remaining_ms = (rebalance_timeout_ms - delay_ms).max(0);
            self.join_timer = Some(JoinTimer::Initial {
                deadline_ms: cx.now_ms + delay_ms,
                delay_ms,
                remaining_ms,
            });
            if delay_ms == 0 {
                self.fire_join_timer(cx);
            }
        } else {
            self.join_timer = Some(JoinTimer::Normal {
                deadline_ms: cx.now_ms + rebalance_timeout_ms,
            });
            self.try_complete_join(cx);
        }
    }

    /// Kafka's `tryCompleteJoin`: the join phase ends early once every member has rejoined
    /// (never during the initial delay).
    pub(super) fn try_complete_join(&mut self, cx: &mut Ctx) {
        let normal = matches!(self.join_timer, Some(JoinTimer::Normal { .. }));
        if self.state == GroupState::PreparingRebalance && normal && self.has_all_members_joined() {
            self.complete_join(cx);
        }
    }

    /// The join timer is due: complete the join phase, or extend the initial delay while new
    /// members keep arriving (Kafka's `InitialDelayedJoin.onComplete`).
    pub(super) fn fire_join_timer(&mut self, cx: &mut Ctx) {
        match self.join_timer.take() {
            Some(JoinTimer::Initial {
                delay_ms,
                remaining_ms,
                ..
            }) => {
                let configured_ms = i64::from(cx.config.initial_rebalance_delay_ms.max(0));
                if self.new_member_added && remaining_ms != 0 && configured_ms > 0 {
                    self.new_member_added = false;
                    let next_ms = configured_ms.min(remaining_ms);
                    let remaining_ms = (remaining_ms - delay_ms).max(0);
                    let deadline_ms = cx.now_ms + next_ms;
                    self.join_timer = Some(JoinTimer::Initial {
                        deadline_ms,
                        delay_ms: next_ms,
                        remaining_ms,
                    });
                } else {
                    self.complete_join(cx);
                }
            }
            Some(JoinTimer::Normal { .. }) => self.complete_join(cx),
            None => {}
        }
    }

    /// Kafka's `onCompleteJoin`: dynamic members that did not rejoin are removed (static ones
    /// keep their place), a leader is chosen among those that rejoined, the generation moves
    /// on and every waiting join is answered.
    pub(super) fn complete_join(&mut self, cx: &mut Ctx) {
        self.join_timer = None;
        let absent: Vec<String> = self
            .ordered()
            .into_iter()
            .filter(|m| !m.awaiting_join() && m.instance_id.is_none())
            .map(|m| m.id.clone())
            .collect();
        for id in absent {
            tracing::info!(
                group = %self.id,
                member = %id,
                "member did not rejoin before the rebalance timeout; removing it",
            );
            self.remove(&id);
        }
        if !self.elect_joined_leader() && !self.members.is_empty() {
            tracing::warn!(
                group = %self.id,
                "no member rejoined; waiting another rebalance timeout",
            );
            let deadline_ms = cx.now_ms + self.rebalance_timeout_ms();
            self.join_timer = Some(JoinTimer::Normal { deadline_ms });
            return;
        }
        self.init_next_generation();
        if self.state == GroupState::Empty {
            tracing::info!(group = %self.id, generation = self.generation_id, "group is now empty");
            cx.changed(self);
            return;
        }
        tracing::info!(
            group = %self.id,
            generation = self.generation_id,
            members = self.members.len(),
            "join phase complete",
        );
        self.answer_joins(cx);
    }

    /// Kafka's `maybeElectNewJoinedLeader`: keep the leader if it rejoined, else take the
    /// oldest member that did. False when nobody rejoined.
    fn elect_joined_leader(&mut self) -> bool {
        let Some(leader) = &self.leader else {
            return false;
        };
        if self.members.get(leader).is_some_and(Member::awaiting_join) {
            return true;
        }
        let joined = self
            .ordered()
            .into_iter()
            .find(|m| m.awaiting_join())
            .map(|m| m.id.clone());
        let elected = joined.is_some();
        if elected {
            self.leader = joined;
        }
        elected
    }

    fn init_next_generation(&mut self) {
        self.generation_id += 1;
        if self.members.is_empty() {
            self.protocol_name = None;
            self.state = GroupState::Empty;
        } else {
            self.protocol_name = self.select_protocol();
            self.state = GroupState::CompletingRebalance;
        }
        self.pending_sync.clear();
    }

    /// Answer every waiting join of the new generation (the leader gets every member's
    /// metadata), restart every session and start waiting for SyncGroups.
    fn answer_joins(&mut self, cx: &mut Ctx) {
        let leader_view = self.current_member_metadata();
        for id in self.ordered_ids() {
            let members = if self.is_leader(&id) {
                leader_view.clone()
            } else {
                Vec::new()
            };
            let result = self.join_result(&id, members, None);
            if let Some(m) = self.members.get_mut(&id) {
                m.answer_join(&result);
                m.refresh_session(cx.now_ms);
                m.is_new = false;
            }
            self.pending_sync.insert(id);
        }
        self.sync_deadline_ms = Some(cx.now_ms + self.rebalance_timeout_ms());
    }
}
