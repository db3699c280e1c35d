//! Committed offsets and stored group snapshots in memory: the state of the internal
//! `__consumer_offsets` log, rebuilt by applying its records in offset order. This module owns
//! the rule that decides which record of a key is current and the records that regenerate the
//! state (compaction); the byte formats belong to [`super::records`], writing the log and
//! deciding when a commit is durable to the broker (`group_service`), and group membership to
//! the coordinator.
//!
//! Every key (an offset's (group, topic, partition), or a group id for snapshots) keeps the
//! record with the highest log offset applied so far. Commits can become durable, and so be
//! applied, out of log order; applying a record older than the stored one is a no-op, so the
//! result is the same as replaying the log in order. A tombstone deletes its key but leaves a
//! marker with its log offset, so an older commit applied later cannot bring the key back;
//! [`OffsetStore::prune_tombstones`] drops markers once no older record can still arrive.
//! Offsets and snapshots are independent keys: a group tombstone deletes the snapshot only (the
//! offsets have their own tombstones, see [`OffsetStore::tombstones_for_group`]).

use crate::groups::coordinator::GroupSnapshot;
use crate::groups::records::InternalRecord;
use std::collections::{BTreeMap, BTreeSet};

/// One committed offset as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommittedOffset {
    pub offset: i64,
    pub leader_epoch: i32,
    pub metadata: Option<String>,
    pub commit_timestamp_ms: i64,
}

/// The current record of one key: its value (`None` after a tombstone) and the log offset of
/// the record that set it.
#[derive(Clone, Debug)]
struct Slot<T> {
    value: Option<T>,
    log_offset: i64,
}

impl<T> Slot<T> {
    fn live(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

/// Key of one committed offset: (group id, topic, partition).
type OffsetKey = (String, String, i32);

/// Put `value` at `key` if `log_offset` is newer than what the key holds. Returns the change
/// in the number of live values: -1, 0 or 1.
fn apply_slot<K: Ord, T>(
    map: &mut BTreeMap<K, Slot<T>>,
    key: K,
    value: Option<T>,
    log_offset: i64,
) -> isize {
    let now_live = isize::from(value.is_some());
    match map.get_mut(&key) {
        Some(slot) if slot.log_offset >= log_offset => 0,
        Some(slot) => {
            let was_live = isize::from(slot.value.is_some());
            *slot = Slot { value, log_offset };
            now_live - was_live
        }
        None => {
            map.insert(key, Slot { value, log_offset });
            now_live
        }
    }
}

/// Committed offsets in memory: the state of the internal log, replayed in offset order.
///
/// Two stores are equal when they hold the same live offsets and snapshots, whatever the log
/// offsets that put them there and whatever tombstone markers they keep.
#[derive(Clone, Debug, Default)]
pub struct OffsetStore {
    offsets: BTreeMap<OffsetKey, Slot<CommittedOffset>>,
    groups: BTreeMap<String, Slot<GroupSnapshot>>,
    /// Live entries in `offsets` (slots whose value is `Some`).
    offsets_live: usize,
}

impl OffsetStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Apply one record read or written at `log_offset` in the internal log. Later log offsets
    /// win; applying an older one than what is stored is a no-op (commits may complete out of
    /// order). A group snapshot is stored under the record's group id.
    pub fn apply(&mut self, record: &InternalRecord, log_offset: i64) {
        match record {
            InternalRecord::Offset {
                group_id,
                topic,
                partition,
                value,
            } => {
                let key = (group_id.clone(), topic.clone(), *partition);
                let change = apply_slot(&mut self.offsets, key, value.clone(), log_offset);
                self.offsets_live = self.offsets_live.saturating_add_signed(change);
            }
            InternalRecord::Group { group_id, value } => {
                let value = value.as_ref().map(|snapshot| GroupSnapshot {
                    group_id: group_id.clone(),
                    ..snapshot.clone()
                });
                apply_slot(&mut self.groups, group_id.clone(), value, log_offset);
            }
        }
    }

    pub fn get(&self, group_id: &str, topic: &str, partition: i32) -> Option<&CommittedOffset> {
        self.offsets
            .get(&(group_id.to_string(), topic.to_string(), partition))
            .and_then(Slot::live)
    }

    /// Every live offset with its key, in key order.
    fn live_offsets(&self) -> impl Iterator<Item = (&OffsetKey, &CommittedOffset)> {
        self.offsets
            .iter()
            .filter_map(|(key, slot)| slot.live().map(|v| (key, v)))
    }

    /// Every slot of a group's offsets, live or not, in (topic, partition) order.
    fn group_slots<'a>(
        &'a self,
        group_id: &'a str,
    ) -> impl Iterator<Item = (&'a OffsetKey, &'a Slot<CommittedOffset>)> + 'a {
        let from = (group_id.to_string(), String::new(), i32::MIN);
        self.offsets
            .range(from..)
            .take_while(move |((group, _, _), _)| group == group_id)
    }

    /// All committed offsets of a group, sorted by (topic, partition).
    pub fn group_offsets(&self, group_id: &str) -> Vec<(String, i32, CommittedOffset)> {
        self.group_slots(group_id)
            .filter_map(|((_, topic, partition), slot)| {
                slot.live().map(|v| (topic.clone(), *partition, v.clone()))
            })
            .collect()
    }

    /// Group ids that have offsets or a stored group snapshot, sorted.
    pub fn groups(&self) -> Vec<String> {
        let mut ids: BTreeSet<&str> = BTreeSet::new();
        ids.extend(
            self.offsets
                .iter()
                .filter(|(_, slot)| slot.value.is_some())
                .map(|((group, _, _), _)| group.as_str()),
        );
        ids.extend(
            self.groups
                .iter()
                .filter(|(_, slot)| slot.value.is_some())
                .map(|(group, _)| group.as_str()),
        );
        ids.into_iter().map(str::to_string).collect()
    }

    /// Every stored group snapshot, sorted by group id.
    pub fn group_snapshots(&self) -> Vec<GroupSnapshot> {
        self.groups
            .values()
            .filter_map(Slot::live)
            .cloned()
            .collect()
    }

    /// The records that rebuild the current state exactly (for compaction: written to a fresh
    /// segment, after which everything before it can be deleted). Group snapshots first, then
    /// offsets, each in key order; no tombstones (an empty log deletes nothing).
    pub fn live_records(&self) -> Vec<InternalRecord> {
        let groups = self.groups.iter().filter_map(|(group_id, slot)| {
            slot.live().map(|snapshot| InternalRecord::Group {
                group_id: group_id.clone(),
                value: Some(snapshot.clone()),
            })
        });
        let offsets = self
            .offsets
            .iter()
            .filter_map(|((group_id, topic, partition), slot)| {
                slot.live().map(|v| InternalRecord::Offset {
                    group_id: group_id.clone(),
                    topic: topic.clone(),
                    partition: *partition,
                    value: Some(v.clone()),
                })
            });
        groups.chain(offsets).collect()
    }

    /// Tombstones for every offset of a group (DeleteGroups), in (topic, partition) order. The
    /// group snapshot's tombstone is the coordinator's to write (`GroupSink::group_deleted`).
    pub fn tombstones_for_group(&self, group_id: &str) -> Vec<InternalRecord> {
        self.group_slots(group_id)
            .filter(|(_, slot)| slot.value.is_some())
            .map(|((group_id, topic, partition), _)| offset_tombstone(group_id, topic, *partition))
            .collect()
    }

    /// Tombstones for the given partitions of a group (OffsetDelete): one per listed partition
    /// that holds an offset, in the order listed, duplicates once.
    pub fn tombstones_for_partitions(
        &self,
        group_id: &str,
        partitions: &[(String, i32)],
    ) -> Vec<InternalRecord> {
        let mut seen = BTreeSet::new();
        partitions
            .iter()
            .filter(|(topic, partition)| self.get(group_id, topic, *partition).is_some())
            .filter(|key| seen.insert(*key))
            .map(|(topic, partition)| offset_tombstone(group_id, topic, *partition))
            .collect()
    }

    /// Number of committed offsets held (tombstoned keys not counted).
    pub fn len(&self) -> usize {
        self.offsets_live
    }

    /// No committed offsets held (there may still be group snapshots).
    pub fn is_empty(&self) -> bool {
        self.offsets_live == 0
    }

    /// Forget tombstone markers set by records below `log_offset`. Call it once no record
    /// older than `log_offset` can still be applied: after the start-up replay with
    /// `i64::MAX`, or with the lowest log offset of the appends still waiting to be applied.
    pub fn prune_tombstones(&mut self, log_offset: i64) {
        self.offsets
            .retain(|_, slot| slot.value.is_some() || slot.log_offset >= log_offset);
        self.groups
            .retain(|_, slot| slot.value.is_some() || slot.log_offset >= log_offset);
    }
}

fn offset_tombstone(group_id: &str, topic: &str, partition: i32) -> InternalRecord {
    InternalRecord::Offset {
        group_id: group_id.to_string(),
        topic: topic.to_string(),
        partition,
        value: None,
    }
}

impl PartialEq for OffsetStore {
    fn eq(&self, other: &Self) -> bool {
        self.live_offsets().eq(other.live_offsets())
            && self.group_snapshots() == other.group_snapshots()
    }
}

impl Eq for OffsetStore {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::groups::coordinator::MemberSnapshot;
    use crate::groups::records;

    fn committed(offset: i64) -> CommittedOffset {
        CommittedOffset {
            offset,
            leader_epoch: 3,
            metadata: Some(format!("m{offset}")),
            commit_timestamp_ms: 1_000 + offset,
        }
    }

    fn commit(group: &str, topic: &str, partition: i32, offset: i64) -> InternalRecord {
        InternalRecord::Offset {
            group_id: group.to_string(),
            topic: topic.to_string(),
            partition,
            value: Some(committed(offset)),
        }
    }

    fn delete(group: &str, topic: &str, partition: i32) -> InternalRecord {
        offset_tombstone(group, topic, partition)
    }

    fn snapshot(group: &str, generation_id: i32) -> GroupSnapshot {
        GroupSnapshot {
            group_id: group.to_string(),
            generation_id,
            protocol_type: Some("consumer".to_string()),
            protocol_name: Some("range".to_string()),
            leader: Some("m-1".to_string()),
            members: vec![MemberSnapshot {
                member_id: "m-1".to_string(),
                group_instance_id: None,
                client_id: "c".to_string(),
                client_host: "/10.0.0.1".to_string(),
                session_timeout_ms: 10_000,
                rebalance_timeout_ms: 30_000,
                protocols: vec![("range".to_string(), bytes::Bytes::from_static(b"meta"))],
                assignment: bytes::Bytes::from_static(b"assigned"),
            }],
        }
    }

    fn group(group: &str, value: Option<GroupSnapshot>) -> InternalRecord {
        InternalRecord::Group {
            group_id: group.to_string(),
            value,
        }
    }

    /// A store with every record applied at log offsets 0, 1, 2, … in order.
    fn replayed(records: &[InternalRecord]) -> OffsetStore {
        let mut store = OffsetStore::new();
        for (at, record) in records.iter().enumerate() {
            store.apply(record, at as i64);
        }
        store
    }

    #[test]
    fn commits_applied_in_order_keep_the_latest() {
        // Goal: a later commit replaces the earlier. Method: three commits over two keys.
        let store = replayed(&[
            commit("g", "t", 0, 5),
            commit("g", "t", 1, 7),
            commit("g", "t", 0, 9),
        ]);
        assert_eq!(store.get("g", "t", 0), Some(&committed(9)));
        assert_eq!(store.get("g", "t", 1), Some(&committed(7)));
        assert_eq!(store.get("g", "t", 2), None);
        assert_eq!(store.get("other", "t", 0), None);
        assert_eq!(store.len(), 2);
    }

    #[test]
    fn an_older_commit_applied_late_is_ignored() {
        // Goal: out-of-order completion ends where an in-order replay ends. Method: apply log
        // offset 8 then 4 for one key, and compare with the in-order store.
        let mut store = OffsetStore::new();
        store.apply(&commit("g", "t", 0, 80), 8);
        store.apply(&commit("g", "t", 0, 40), 4);
        assert_eq!(store.get("g", "t", 0), Some(&committed(80)));
        let mut in_order = OffsetStore::new();
        in_order.apply(&commit("g", "t", 0, 40), 4);
        in_order.apply(&commit("g", "t", 0, 80), 8);
        assert_eq!(store, in_order);
    }

    #[test]
    fn an_older_commit_cannot_resurrect_a_deleted_offset() {
        // Goal: a tombstone applied before an older commit still wins. Method: delete at 6,
        // then the commit from 5 completes; then a newer commit at 7 does bring it back.
        let mut store = OffsetStore::new();
        store.apply(&commit("g", "t", 0, 1), 1);
        store.apply(&delete("g", "t", 0), 6);
        store.apply(&commit("g", "t", 0, 50), 5);
        assert_eq!(store.get("g", "t", 0), None);
        assert_eq!(store.len(), 0);
        assert!(store.groups().is_empty());
        store.apply(&commit("g", "t", 0, 70), 7);
        assert_eq!(store.get("g", "t", 0), Some(&committed(70)));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn group_snapshots_keep_the_latest_and_tombstones_delete_them() {
        // Goal: snapshots follow the newest-wins rule. Method: generations 2, 1 (late), tombstone.
        let mut store = OffsetStore::new();
        store.apply(&group("g", Some(snapshot("g", 2))), 10);
        store.apply(&group("g", Some(snapshot("g", 1))), 9);
        assert_eq!(store.group_snapshots(), vec![snapshot("g", 2)]);
        assert_eq!(store.groups(), vec!["g".to_string()]);
        store.apply(&group("g", None), 11);
        assert!(store.group_snapshots().is_empty());
        assert!(store.groups().is_empty());
        store.apply(&group("g", Some(snapshot("g", 3))), 10);
        assert!(
            store.group_snapshots().is_empty(),
            "older than the tombstone"
        );
    }

    #[test]
    fn a_snapshot_is_stored_under_its_record_group_id() {
        // Goal: the key names the group, as decode does. Method: a snapshot whose id disagrees.
        let store = replayed(&[group("right", Some(snapshot("wrong", 1)))]);
        assert_eq!(store.group_snapshots(), vec![snapshot("right", 1)]);
    }

    #[test]
    fn a_group_tombstone_leaves_its_offsets() {
        // Goal: snapshot and offsets are independent keys. Method: tombstone the group only.
        let store = replayed(&[
            group("g", Some(snapshot("g", 1))),
            commit("g", "t", 0, 3),
            group("g", None),
        ]);
        assert!(store.group_snapshots().is_empty());
        assert_eq!(store.get("g", "t", 0), Some(&committed(3)));
        assert_eq!(store.groups(), vec!["g".to_string()]);
    }

    #[test]
    fn tombstones_for_group_delete_every_offset_of_that_group_only() {
        // Goal: DeleteGroups' tombstones cover the group and nothing else. Method: two groups
        // whose ids share a prefix, apply the tombstones, look at what is left.
        let mut store = replayed(&[
            commit("g", "a", 0, 1),
            commit("g", "b", 3, 2),
            commit("g2", "a", 0, 3),
            commit("f", "a", 0, 4),
            delete("g", "c", 0),
        ]);
        let tombstones = store.tombstones_for_group("g");
        assert_eq!(tombstones, vec![delete("g", "a", 0), delete("g", "b", 3)]);
        for (i, t) in tombstones.iter().enumerate() {
            store.apply(t, 100 + i as i64);
        }
        assert!(store.group_offsets("g").is_empty());
        assert_eq!(store.groups(), vec!["f".to_string(), "g2".to_string()]);
        assert_eq!(store.len(), 2);
        assert!(store.tombstones_for_group("g").is_empty());
        assert!(store.tombstones_for_group("nobody").is_empty());
    }

    #[test]
    fn tombstones_for_partitions_cover_only_listed_partitions_with_offsets() {
        // Goal: OffsetDelete's tombstones. Method: list held, unheld and repeated partitions.
        let mut store = replayed(&[
            commit("g", "a", 0, 1),
            commit("g", "a", 1, 2),
            commit("g", "b", 0, 3),
        ]);
        let asked = [
            ("a".to_string(), 1),
            ("zzz".to_string(), 0),
            ("a".to_string(), 1),
            ("b".to_string(), 0),
        ];
        let tombstones = store.tombstones_for_partitions("g", &asked);
        assert_eq!(tombstones, vec![delete("g", "a", 1), delete("g", "b", 0)]);
        for t in &tombstones {
            store.apply(t, 50);
        }
        assert_eq!(
            store.group_offsets("g"),
            vec![("a".to_string(), 0, committed(1))]
        );
        assert!(store.tombstones_for_partitions("other", &asked).is_empty());
    }

    #[test]
    fn group_offsets_are_sorted_by_topic_then_partition() {
        // Goal: the ordering OffsetFetch relies on. Method: commit in scrambled order, list.
        let store = replayed(&[
            commit("g", "b", 2, 1),
            commit("g", "a", 10, 2),
            commit("g", "b", -1, 3),
            commit("g", "a", 2, 4),
            commit("h", "a", 0, 5),
        ]);
        let keys: Vec<(String, i32)> = store
            .group_offsets("g")
            .into_iter()
            .map(|(t, p, _)| (t, p))
            .collect();
        let expected = [("a", 2), ("a", 10), ("b", -1), ("b", 2)];
        assert_eq!(keys, expected.map(|(t, p)| (t.to_string(), p)));
    }

    #[test]
    fn groups_lists_each_group_with_offsets_or_a_snapshot_once() {
        // Goal: live groups listed once. Method: offsets, snapshots and deleted keys mixed.
        let store = replayed(&[
            commit("b", "t", 0, 1),
            commit("b", "t", 1, 1),
            group("a", Some(snapshot("a", 1))),
            group("b", Some(snapshot("b", 1))),
            commit("c", "t", 0, 1),
            delete("c", "t", 0),
            group("d", None),
        ]);
        assert_eq!(store.groups(), vec!["a".to_string(), "b".to_string()]);
    }

    /// A history with replaced commits, out-of-order keys, deletes and group changes.
    fn history() -> Vec<InternalRecord> {
        vec![
            group("g", Some(snapshot("g", 1))),
            commit("g", "t", 0, 1),
            commit("g", "t", 1, 1),
            commit("h", "u", 0, 9),
            commit("g", "t", 0, 2),
            group("h", Some(snapshot("h", 1))),
            delete("g", "t", 1),
            group("g", Some(snapshot("g", 2))),
            group("h", None),
            commit("i", "t", 5, 3),
            delete("i", "t", 5),
            commit("g", "t", 1, 4),
        ]
    }

    #[test]
    fn live_records_replayed_into_a_fresh_store_give_an_equal_store() {
        // Goal: compaction keeps exactly the state. Method: replay a history, replay its live
        // records into a new store, compare; the live records hold no tombstones.
        let store = replayed(&history());
        let live = store.live_records();
        assert!(live.iter().all(|r| match r {
            InternalRecord::Offset { value, .. } => value.is_some(),
            InternalRecord::Group { value, .. } => value.is_some(),
        }));
        assert_eq!(live.len(), store.len() + store.group_snapshots().len());
        let rebuilt = replayed(&live);
        assert_eq!(rebuilt, store);
        assert_eq!(rebuilt.live_records(), live);
        assert_eq!(rebuilt.get("g", "t", 1), Some(&committed(4)));
        assert_eq!(rebuilt.group_snapshots(), vec![snapshot("g", 2)]);
    }

    #[test]
    fn a_store_rebuilt_from_the_encoded_log_equals_the_original() {
        // Goal: the records' bytes carry the whole state. Method: write the history as batches
        // (base offsets rewritten as the log does), read them back, replay, compare.
        let history = history();
        let original = replayed(&history);
        let mut log = Vec::new();
        for (at, chunk) in history.chunks(5).enumerate() {
            let mut blob = records::to_batch(chunk, 1_000);
            blob[0..8].copy_from_slice(&((at * 5) as i64).to_be_bytes());
            log.extend_from_slice(&blob);
        }
        let mut rebuilt = OffsetStore::new();
        for (offset, record) in records::from_batches(&log).expect("the log reads back") {
            rebuilt.apply(&record, offset);
        }
        assert_eq!(rebuilt, original);
        assert_eq!(rebuilt.groups(), original.groups());
    }

    #[test]
    fn equality_ignores_log_offsets_and_tombstone_markers() {
        // Goal: equality means same state. Method: equal state via different offsets and markers.
        let mut a = OffsetStore::new();
        a.apply(&commit("g", "t", 0, 1), 100);
        a.apply(&delete("g", "t", 9), 101);
        let b = replayed(&[commit("g", "t", 0, 1)]);
        assert_eq!(a, b);
        assert_ne!(a, replayed(&[commit("g", "t", 0, 2)]));
        assert_ne!(
            b,
            replayed(&[commit("g", "t", 0, 1), group("g", Some(snapshot("g", 1)))])
        );
    }

    #[test]
    fn pruned_tombstones_are_forgotten_and_newer_ones_kept() {
        // Goal: prune_tombstones drops only markers below the bound. Method: two deletes.
        let mut store = OffsetStore::new();
        store.apply(&delete("g", "t", 0), 5);
        store.apply(&delete("g", "t", 1), 9);
        store.apply(&group("g", None), 6);
        store.prune_tombstones(8);
        store.apply(&commit("g", "t", 0, 1), 3);
        store.apply(&commit("g", "t", 1, 1), 3);
        store.apply(&group("g", Some(snapshot("g", 1))), 3);
        assert_eq!(
            store.get("g", "t", 0),
            Some(&committed(1)),
            "marker at 5 was pruned"
        );
        assert_eq!(store.get("g", "t", 1), None, "marker at 9 was kept");
        assert_eq!(store.group_snapshots().len(), 1);
    }
}
