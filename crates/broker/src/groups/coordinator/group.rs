//! One group's state, as Kafka's `GroupMetadata` and `MemberMetadata` hold it: members with
//! their protocols, waiters and session deadlines, the static-member map, members pending a
//! KIP-394 rejoin, the members still owing a SyncGroup, and the running timers. This file has
//! the bookkeeping only (add, remove, replace, protocol votes, snapshots, descriptions); the
//! protocol's moves live in `join`, `sync`, `members` and `timers`.

use super::types::{
    GroupDescription, GroupError, GroupSnapshot, GroupState, JoinResult, JoinedMember,
    MemberDescription, MemberSnapshot, SyncResult,
};
use bytes::Bytes;
use std::collections::{HashMap, HashSet};
use tokio::sync::oneshot;

/// Kafka's `NewMemberJoinTimeoutMs`: a new member whose first join is still unanswered after
/// this long is dropped (it cannot heartbeat, and may have given up and retried).
pub(super) const NEW_MEMBER_JOIN_TIMEOUT_MS: i64 = 5 * 60 * 1_000;

pub(super) struct Member {
    pub id: String,
    /// Join order; the oldest member becomes leader when the leader goes.
    pub seq: u64,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub client_host: String,
    pub session_timeout_ms: i32,
    pub rebalance_timeout_ms: i32,
    pub protocols: Vec<(String, Bytes)>,
    pub assignment: Bytes,
    /// JoinGroup requests waiting for the rebalance (more than one only if a client retried).
    pub join_waiters: Vec<oneshot::Sender<JoinResult>>,
    /// SyncGroup requests waiting for the leader's assignment.
    pub sync_waiters: Vec<oneshot::Sender<SyncResult>>,
    /// Joined but not yet answered for the first time (Kafka's `isNew`).
    pub is_new: bool,
    /// When the session (or, while new, the first join) expires.
    pub deadline_ms: i64,
}

impl Member {
    pub fn awaiting_join(&self) -> bool {
        !self.join_waiters.is_empty()
    }

    pub fn awaiting_sync(&self) -> bool {
        !self.sync_waiters.is_empty()
    }

    /// Same protocols, same order, same metadata (Kafka's `MemberMetadata.matches`).
    pub fn matches(&self, protocols: &[(String, Bytes)]) -> bool {
        self.protocols == protocols
    }

    pub fn metadata(&self, protocol: &str) -> Bytes {
        self.protocols
            .iter()
            .find(|(name, _)| name == protocol)
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    pub fn supports(&self, protocol: &str) -> bool {
        self.protocols.iter().any(|(name, _)| name == protocol)
    }

    /// When the session expires, unless the member is excused: a member waiting for a join
    /// or sync answer satisfies its heartbeat, except a new member (Kafka's
    /// `hasSatisfiedHeartbeat`).
    pub fn expiry_ms(&self) -> Option<i64> {
        let excused = !self.is_new && (self.awaiting_join() || self.awaiting_sync());
        (!excused).then_some(self.deadline_ms)
    }

    pub fn refresh_session(&mut self, now_ms: i64) {
        self.deadline_ms = now_ms + i64::from(self.session_timeout_ms);
    }

    pub fn answer_join(&mut self, result: &JoinResult) {
        for waiter in self.join_waiters.drain(..) {
            let _ = waiter.send(result.clone());
        }
    }

    pub fn answer_sync(&mut self, result: &SyncResult) {
        for waiter in self.sync_waiters.drain(..) {
            let _ = waiter.send(result.clone());
        }
    }

    fn snapshot(&self) -> MemberSnapshot {
        MemberSnapshot {
            member_id: self.id.clone(),
            group_instance_id: self.instance_id.clone(),
            client_id: self.client_id.clone(),
            client_host: self.client_host.clone(),
            session_timeout_ms: self.session_timeout_ms,
            rebalance_timeout_ms: self.rebalance_timeout_ms,
            protocols: self.protocols.clone(),
            assignment: self.assignment.clone(),
        }
    }

    pub fn from_snapshot(m: &MemberSnapshot, seq: u64, now_ms: i64) -> Self {
        let mut member = Member {
            id: m.member_id.clone(),
            seq,
            instance_id: m.group_instance_id.clone(),
            client_id: m.client_id.clone(),
            client_host: m.client_host.clone(),
            session_timeout_ms: m.session_timeout_ms,
            rebalance_timeout_ms: m.rebalance_timeout_ms,
            protocols: m.protocols.clone(),
            assignment: m.assignment.clone(),
            join_waiters: Vec::new(),
            sync_waiters: Vec::new(),
            is_new: false,
            deadline_ms: 0,
        };
        member.refresh_session(now_ms);
        member
    }
}

/// The pending join phase of a rebalance: Kafka's `DelayedJoin` (completes early once every
/// member has rejoined) or `InitialDelayedJoin` (an Empty group waits a fixed delay, extended
/// while new members keep arriving, never early).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum JoinTimer {
    Normal {
        deadline_ms: i64,
    },
    Initial {
        deadline_ms: i64,
        delay_ms: i64,
        remaining_ms: i64,
    },
}

impl JoinTimer {
    pub fn deadline_ms(&self) -> i64 {
        match *self {
            JoinTimer::Normal { deadline_ms } | JoinTimer::Initial { deadline_ms, .. } => {
                deadline_ms
            }
        }
    }
}

pub(super) struct Group {
    pub id: String,
    pub state: GroupState,
    pub generation_id: i32,
    pub protocol_type: Option<String>,
    pub protocol_name: Option<String>,
    pub leader: Option<String>,
    pub members: HashMap<String, Member>,
    /// group.instance.id -> its current member id (KIP-345).
    pub static_members: HashMap<String, String>,
    /// Member ids handed out with MemberIdRequired, not yet rejoined -> expiry (KIP-394).
    pub pending_members: HashMap<String, i64>,
    /// Members of this generation that have not sent SyncGroup yet.
    pub pending_sync: HashSet<String>,
    pub join_timer: Option<JoinTimer>,
    /// When members still in `pending_sync` are removed (Kafka's `DelayedSync`).
    pub sync_deadline_ms: Option<i64>,
    /// A member joined during the initial delay of generation 0 (extends the delay).
    pub new_member_added: bool,
    next_seq: u64,
}

impl Group {
    pub fn new(id: &str) -> Self {
        Group {
            id: id.to_string(),
            state: GroupState::Empty,
            generation_id: 0,
            protocol_type: None,
            protocol_name: None,
            leader: None,
            members: HashMap::new(),
            static_members: HashMap::new(),
            pending_members: HashMap::new(),
            pending_sync: HashSet::new(),
            join_timer: None,
            sync_deadline_ms: None,
            new_member_added: false,
            next_seq: 0,
        }
    }

    pub fn next_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn is_leader(&self, member_id: &str) -> bool {
        self.leader.as_deref() == Some(member_id)
    }

    /// Members in join order.
    pub fn ordered(&self) -> Vec<&Member> {
        let mut members: Vec<&Member> = self.members.values().collect();
        members.sort_by_key(|m| m.seq);
        members
    }

    pub fn ordered_ids(&self) -> Vec<String> {
        self.ordered().into_iter().map(|m| m.id.clone()).collect()
    }

    pub fn num_awaiting_join(&self) -> usize {
        self.members.values().filter(|m| m.awaiting_join()).count()
    }

    /// Kafka's `hasAllMembersJoined`: every member rejoined and no KIP-394 member outstanding.
    pub fn has_all_members_joined(&self) -> bool {
        self.members.len() == self.num_awaiting_join() && self.pending_members.is_empty()
    }

    /// The longest rebalance timeout of any member (Kafka's `rebalanceTimeoutMs`).
    pub fn rebalance_timeout_ms(&self) -> i64 {
        self.members
            .values()
            .map(|m| i64::from(m.rebalance_timeout_ms))
            .max()
            .unwrap_or(0)
    }

    /// Kafka's `supportsProtocols`: an Empty group takes any non-empty type and protocol list;
    /// otherwise the type must match and one protocol must be supported by every member.
    pub fn supports_protocols(&self, protocol_type: &str, protocols: &[(String, Bytes)]) -> bool {
        if self.state == GroupState::Empty {
            return !protocol_type.is_empty() && !protocols.is_empty();
        }
        self.protocol_type.as_deref() == Some(protocol_type)
            && protocols
                .iter()
                .any(|(name, _)| self.members.values().all(|m| m.supports(name)))
    }

    /// Kafka's `selectProtocol`: among the protocols every member supports, each member votes
    /// for its most preferred; the most votes wins (ties: the earliest voter's choice).
    pub fn select_protocol(&self) -> Option<String> {
        let members = self.ordered();
        let candidate = |name: &str| members.iter().all(|m| m.supports(name));
        let mut tally: Vec<(&str, usize)> = Vec::new();
        for m in &members {
            let Some((vote, _)) = m.protocols.iter().find(|(name, _)| candidate(name)) else {
                continue;
            };
            match tally.iter_mut().find(|(name, _)| name == vote) {
                Some((_, votes)) => *votes += 1,
                None => tally.push((vote, 1)),
            }
        }
        let most = tally.iter().map(|(_, votes)| *votes).max()?;
        tally
            .into_iter()
            .find(|(_, votes)| *votes == most)
            .map(|(name, _)| name.to_string())
    }

    /// Kafka's `GroupMetadata.add`.
    pub fn add(&mut self, member: Member, protocol_type: &str) {
        if self.members.is_empty() {
            self.protocol_type = Some(protocol_type.to_string());
        }
        if let Some(instance) = &member.instance_id {
            self.static_members
                .insert(instance.clone(), member.id.clone());
        }
        if self.leader.is_none() {
            self.leader = Some(member.id.clone());
        }
        self.pending_members.remove(&member.id);
        self.members.insert(member.id.clone(), member);
    }

    /// Kafka's `GroupMetadata.remove`. Any request the member still has waiting is answered
    /// with UnknownMemberId so no client waits forever.
    pub fn remove(&mut self, member_id: &str) {
        if let Some(mut m) = self.members.remove(member_id) {
            if let Some(instance) = &m.instance_id {
                if self.static_members.get(instance).map(String::as_str) == Some(member_id) {
                    self.static_members.remove(instance);
                }
            }
            m.answer_join(&JoinResult::failed("", GroupError::UnknownMemberId));
            m.answer_sync(&SyncResult::failed(GroupError::UnknownMemberId));
        }
        if self.is_leader(member_id) {
            self.leader = self.ordered().first().map(|m| m.id.clone());
        }
        self.pending_members.remove(member_id);
        self.pending_sync.remove(member_id);
    }

    /// Kafka's `replaceStaticMember`: the member keeps its place under a new id; whatever the
    /// old id still had waiting is answered FencedInstanceId.
    pub fn replace_static_member(&mut self, instance: &str, old_id: &str, new_id: &str) {
        let Some(mut m) = self.members.remove(old_id) else {
            return;
        };
        m.answer_join(&JoinResult::failed(old_id, GroupError::FencedInstanceId));
        m.answer_sync(&SyncResult::failed(GroupError::FencedInstanceId));
        m.id = new_id.to_string();
        self.members.insert(new_id.to_string(), m);
        if self.is_leader(old_id) {
            self.leader = Some(new_id.to_string());
        }
        if self.pending_sync.remove(old_id) {
            self.pending_sync.insert(new_id.to_string());
        }
        self.static_members
            .insert(instance.to_string(), new_id.to_string());
    }

    /// Kafka's `isStaticMemberFenced`: the instance id is known under another member id.
    pub fn is_static_member_fenced(&self, instance: Option<&str>, member_id: &str) -> bool {
        instance
            .and_then(|i| self.static_members.get(i))
            .is_some_and(|id| id != member_id)
    }

    /// The leader's view of the members: metadata for the chosen protocol.
    pub fn current_member_metadata(&self) -> Vec<JoinedMember> {
        let protocol = self.protocol_name.clone().unwrap_or_default();
        self.ordered()
            .into_iter()
            .map(|m| JoinedMember {
                member_id: m.id.clone(),
                group_instance_id: m.instance_id.clone(),
                metadata: m.metadata(&protocol),
            })
            .collect()
    }

    /// A successful join answer for the current generation.
    pub fn join_result(
        &self,
        member_id: &str,
        members: Vec<JoinedMember>,
        leader: Option<&str>,
    ) -> JoinResult {
        JoinResult {
            error: None,
            generation_id: self.generation_id,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            leader: leader
                .or(self.leader.as_deref())
                .unwrap_or_default()
                .to_string(),
            member_id: member_id.to_string(),
            members,
            skip_assignment: false,
        }
    }

    pub fn snapshot(&self) -> GroupSnapshot {
        GroupSnapshot {
            group_id: self.id.clone(),
            generation_id: self.generation_id,
            protocol_type: self.protocol_type.clone(),
            protocol_name: self.protocol_name.clone(),
            leader: self.leader.clone(),
            members: self.ordered().into_iter().map(Member::snapshot).collect(),
        }
    }

    /// Kafka's `GroupMetadata.summary`: metadata and assignments only while Stable.
    pub fn describe(&self) -> GroupDescription {
        let stable = self.state == GroupState::Stable;
        let protocol = if stable {
            self.protocol_name.clone().unwrap_or_default()
        } else {
            String::new()
        };
        let members = self
            .ordered()
            .into_iter()
            .map(|m| MemberDescription {
                member_id: m.id.clone(),
                group_instance_id: m.instance_id.clone(),
                client_id: m.client_id.clone(),
                client_host: m.client_host.clone(),
                metadata: if stable {
                    m.metadata(&protocol)
                } else {
                    Bytes::new()
                },
                assignment: if stable {
                    m.assignment.clone()
                } else {
                    Bytes::new()
                },
            })
            .collect();
        GroupDescription {
            group_id: self.id.clone(),
            state: self.state,
            protocol_type: self.protocol_type.clone().unwrap_or_default(),
            protocol_name: protocol,
            members,
        }
    }

    /// A group as restored at start-up: Stable at its generation with every session
    /// restarting now, or Empty when it has no members.
    pub fn from_snapshot(s: &GroupSnapshot, now_ms: i64) -> Self {
        let mut g = Group::new(&s.group_id);
        g.generation_id = s.generation_id;
        g.protocol_type = s.protocol_type.clone();
        for m in &s.members {
            let seq = g.next_seq();
            let member = Member::from_snapshot(m, seq, now_ms);
            if let Some(instance) = &member.instance_id {
                g.static_members.insert(instance.clone(), member.id.clone());
            }
            g.members.insert(member.id.clone(), member);
        }
        if g.members.is_empty() {
            return g;
        }
        g.state = GroupState::Stable;
        g.protocol_name = s.protocol_name.clone().or_else(|| g.select_protocol());
        g.leader = s
            .leader
            .clone()
            .filter(|l| g.members.contains_key(l))
            .or_else(|| g.ordered_ids().first().cloned());
        g
    }
}
