//! Tests of the coordinator through its public API only: a `ManualClock` moves time (then
//! `tick()` fires what is due), a recording sink captures what would be written, and waiting
//! requests are checked with `try_recv` right after the event that should answer them. No
//! runtime, no sleeps. This file holds the harness; each sibling covers one part of the
//! protocol.

mod admin;
mod commit;
mod heartbeat;
mod join;
mod leave;
mod statics;
mod sync;

use super::{
    GroupConfig, GroupCoordinator, GroupSink, GroupSnapshot, Heartbeat, JoinGroup, JoinResult,
    Pending, SyncGroup, SyncResult,
};
use crate::groups::clock::ManualClock;
use bytes::Bytes;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot::{self, error::TryRecvError};

pub(super) const GROUP: &str = "g";
pub(super) const SESSION_MS: i32 = 10_000;
pub(super) const REBALANCE_MS: i32 = 30_000;
pub(super) const DELAY_MS: i32 = 3_000;
pub(super) const START_MS: i64 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Event {
    Changed(GroupSnapshot),
    Deleted(String),
}

#[derive(Default)]
pub(super) struct RecordingSink {
    events: Mutex<Vec<Event>>,
}

impl RecordingSink {
    pub fn take(&self) -> Vec<Event> {
        std::mem::take(&mut *self.events.lock().unwrap())
    }
}

impl GroupSink for RecordingSink {
    fn group_changed(&self, snapshot: GroupSnapshot) {
        self.events.lock().unwrap().push(Event::Changed(snapshot));
    }
    fn group_deleted(&self, group_id: &str) {
        self.events
            .lock()
            .unwrap()
            .push(Event::Deleted(group_id.to_string()));
    }
}

pub(super) fn config(initial_rebalance_delay_ms: i32) -> GroupConfig {
    GroupConfig {
        initial_rebalance_delay_ms,
        ..GroupConfig::default()
    }
}

pub(super) struct Harness {
    pub c: GroupCoordinator,
    pub clock: Arc<ManualClock>,
    pub sink: Arc<RecordingSink>,
}

impl Harness {
    /// A coordinator with Kafka's 3 s initial rebalance delay, so tests can gather members.
    pub fn new() -> Self {
        Harness::with(config(DELAY_MS))
    }

    pub fn with(config: GroupConfig) -> Self {
        let clock = Arc::new(ManualClock::new(START_MS));
        let sink = Arc::new(RecordingSink::default());
        let c = GroupCoordinator::new(config, clock.clone(), sink.clone());
        Harness { c, clock, sink }
    }

    pub fn now(&self) -> i64 {
        crate::groups::clock::Clock::now_ms(&*self.clock)
    }

    /// Move time on and fire what is due.
    pub fn advance(&self, ms: i32) {
        self.clock.advance(i64::from(ms));
        self.c.tick();
    }

    /// Join `protocols` as new dynamic members of GROUP; see `form_requests`.
    pub fn form(&self, members: &[&[(&str, &str)]]) -> Vec<JoinResult> {
        self.form_requests(members.iter().map(|p| join_req(GROUP, "", p)).collect())
    }

    /// Send every join (all wait), let the initial delay pass (extended while members keep
    /// coming); every join is answered, in order.
    pub fn form_requests(&self, requests: Vec<JoinGroup>) -> Vec<JoinResult> {
        let count = requests.len();
        let mut waiting: Vec<_> = requests
            .into_iter()
            .map(|req| waiting(self.c.join(req)))
            .collect();
        for _ in 0..=count {
            if waiting.iter().all(|rx| !rx.is_empty()) {
                break;
            }
            self.advance(DELAY_MS);
        }
        waiting.iter_mut().map(answered).collect()
    }

    /// A Stable GROUP of `n` dynamic members on "range" (metadata "m{i}"); see `stable_with`.
    pub fn stable(&self, n: usize) -> (Vec<String>, i32) {
        self.stable_with(n, |i| join_req(GROUP, "", &[("range", &format!("m{i}"))]))
    }

    /// A Stable GROUP of the `n` members `join(i)` asks for, each assigned "a-{member id}".
    /// Returns the member ids in join order (the first is the leader) and the generation.
    pub fn stable_with(&self, n: usize, join: impl Fn(usize) -> JoinGroup) -> (Vec<String>, i32) {
        let joined = self.form_requests((0..n).map(join).collect());
        let ids: Vec<String> = joined.iter().map(|j| j.member_id.clone()).collect();
        assert_eq!(joined[0].leader, ids[0]);
        self.sync_all(&ids, joined[0].generation_id);
        (ids, joined[0].generation_id)
    }

    /// Followers sync (and wait), then the leader `ids[0]` assigns "a-{id}" to every member.
    pub fn sync_all(&self, ids: &[String], generation_id: i32) -> Vec<SyncResult> {
        let mut followers: Vec<_> = ids[1..]
            .iter()
            .map(|id| self.c.sync(sync_req(GROUP, generation_id, id, &[])))
            .collect();
        let assignments: Vec<(String, String)> = ids
            .iter()
            .map(|id| (id.clone(), format!("a-{id}")))
            .collect();
        let pairs: Vec<(&str, &str)> = assignments
            .iter()
            .map(|(m, a)| (m.as_str(), a.as_str()))
            .collect();
        let leader = ready(self.c.sync(sync_req(GROUP, generation_id, &ids[0], &pairs)));
        let mut results = vec![leader];
        for pending in followers.drain(..) {
            results.push(match pending {
                Pending::Ready(r) => r,
                Pending::Wait(mut rx) => answered(&mut rx),
            });
        }
        results
    }

    pub fn heartbeat(&self, generation_id: i32, member_id: &str) -> Result<(), super::GroupError> {
        self.c.heartbeat(hb(GROUP, generation_id, member_id))
    }

    pub fn state(&self) -> super::GroupState {
        self.c.describe(GROUP).state
    }
}

pub(super) fn protocols(list: &[(&str, &str)]) -> Vec<(String, Bytes)> {
    list.iter()
        .map(|(name, metadata)| (name.to_string(), Bytes::from(metadata.to_string())))
        .collect()
}

pub(super) fn join_req(group: &str, member_id: &str, list: &[(&str, &str)]) -> JoinGroup {
    JoinGroup {
        group_id: group.to_string(),
        member_id: member_id.to_string(),
        group_instance_id: None,
        protocol_type: "consumer".to_string(),
        protocols: protocols(list),
        session_timeout_ms: SESSION_MS,
        rebalance_timeout_ms: REBALANCE_MS,
        client_id: "client".to_string(),
        client_host: "/127.0.0.1".to_string(),
        require_known_member_id: false,
        reason: None,
    }
}

pub(super) fn static_join(member_id: &str, instance: &str, list: &[(&str, &str)]) -> JoinGroup {
    JoinGroup {
        group_instance_id: Some(instance.to_string()),
        ..join_req(GROUP, member_id, list)
    }
}

pub(super) fn sync_req(
    group: &str,
    generation_id: i32,
    member_id: &str,
    assignments: &[(&str, &str)],
) -> SyncGroup {
    SyncGroup {
        group_id: group.to_string(),
        generation_id,
        member_id: member_id.to_string(),
        group_instance_id: None,
        protocol_type: None,
        protocol_name: None,
        assignments: protocols(assignments),
    }
}

pub(super) fn hb(group: &str, generation_id: i32, member_id: &str) -> Heartbeat {
    Heartbeat {
        group_id: group.to_string(),
        generation_id,
        member_id: member_id.to_string(),
        group_instance_id: None,
    }
}

pub(super) fn ready<T: Debug>(pending: Pending<T>) -> T {
    match pending {
        Pending::Ready(answer) => answer,
        Pending::Wait(_) => panic!("expected an answer at once, the request waits"),
    }
}

pub(super) fn waiting<T: Debug>(pending: Pending<T>) -> oneshot::Receiver<T> {
    match pending {
        Pending::Wait(rx) => rx,
        Pending::Ready(answer) => panic!("expected the request to wait, got {answer:?}"),
    }
}

pub(super) fn answered<T>(rx: &mut oneshot::Receiver<T>) -> T {
    match rx.try_recv() {
        Ok(answer) => answer,
        Err(TryRecvError::Empty) => panic!("expected an answer, still waiting"),
        Err(TryRecvError::Closed) => panic!("the request was dropped unanswered"),
    }
}

pub(super) fn still_waiting<T>(rx: &mut oneshot::Receiver<T>) -> bool {
    matches!(rx.try_recv(), Err(TryRecvError::Empty))
}

pub(super) fn bytes(s: &str) -> Bytes {
    Bytes::from(s.to_string())
}
