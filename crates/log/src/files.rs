//! `FileBudget`: the process-wide bound on open segment file handles, shared by every partition.
//!
//! Partitions never keep a `File` of their own. Each segment file is named by a [`FileKey`]
//! (a process-unique segment id and the file's kind) and fetched through the budget, which keeps
//! at most `max_open_files` handles in an LRU and opens a file again on demand after its handle
//! was closed. An idle partition therefore holds no file descriptors once the LRU has moved on,
//! and thousands of partitions cost at most `max_open_files` descriptors between them.
//!
//! Handles are `Arc<File>`: evicting one only drops the budget's reference, so a reader that
//! was given the `Arc` (for sendfile) or a flusher holding it for fdatasync keeps a valid
//! descriptor until it lets go. Those borrowed handles are outside the bound, for as long as the
//! borrowers keep them.
//!
//! The budget does not know paths or open modes; the caller passes the opener on a miss.

use crate::segment::FileKind;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// Names one file of one segment for the budget's cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FileKey {
    pub(crate) segment_id: u64,
    pub(crate) kind: FileKind,
}

struct Slot {
    file: Arc<File>,
    last_use: u64,
}

/// LRU state: `slots` by key, `by_last_use` orders keys from least recently used.
#[derive(Default)]
struct Lru {
    clock: u64,
    slots: HashMap<FileKey, Slot>,
    by_last_use: BTreeMap<u64, FileKey>,
}

impl Lru {
    fn touch(&mut self, key: FileKey) -> Option<Arc<File>> {
        self.clock += 1;
        let now = self.clock;
        let slot = self.slots.get_mut(&key)?;
        self.by_last_use.remove(&slot.last_use);
        slot.last_use = now;
        self.by_last_use.insert(now, key);
        Some(slot.file.clone())
    }

    fn insert(&mut self, key: FileKey, file: Arc<File>) {
        self.clock += 1;
        let now = self.clock;
        if let Some(old) = self.slots.insert(
            key,
            Slot {
                file,
                last_use: now,
            },
        ) {
            self.by_last_use.remove(&old.last_use);
        }
        self.by_last_use.insert(now, key);
    }

    fn remove(&mut self, key: &FileKey) {
        if let Some(old) = self.slots.remove(key) {
            self.by_last_use.remove(&old.last_use);
        }
    }

    fn evict_down_to(&mut self, max_open_files: usize) {
        while self.slots.len() > max_open_files {
            let Some((_, key)) = self.by_last_use.pop_first() else {
                break;
            };
            self.slots.remove(&key);
        }
    }
}

/// Process-wide bound on open segment file handles (LRU). Idle partitions hold no fds.
pub struct FileBudget {
    max_open_files: usize,
    next_segment_id: AtomicU64,
    lru: Mutex<Lru>,
}

impl std::fmt::Debug for FileBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileBudget")
            .field("max_open_files", &self.max_open_files)
            .field("open_count", &self.open_count())
            .finish()
    }
}

impl FileBudget {
    /// A budget that keeps at most `max_open_files` handles open (0 caches nothing: every use
    /// opens the file and the handle closes when its user drops it).
    pub fn new(max_open_files: usize) -> Arc<FileBudget> {
        Arc::new(FileBudget {
            max_open_files,
            next_segment_id: AtomicU64::new(1),
            lru: Mutex::new(Lru::default()),
        })
    }

    /// Handles the budget currently keeps open (not counting `Arc`s lent to readers).
    pub fn open_count(&self) -> usize {
        self.lock().slots.len()
    }

    pub fn max_open_files(&self) -> usize {
        self.max_open_files
    }

    /// A process-unique id for a segment's files.
    pub(crate) fn next_segment_id(&self) -> u64 {
        self.next_segment_id.fetch_add(1, Ordering::Relaxed)
    }

    /// The cached handle for `key`, or a fresh one from `open` (called without the lock held),
    /// closing the least recently used handles beyond the bound.
    pub(crate) fn get_or_open(
        &self,
        key: FileKey,
        open: impl FnOnce() -> io::Result<File>,
    ) -> io::Result<Arc<File>> {
        if let Some(file) = self.lock().touch(key) {
            return Ok(file);
        }
        let file = Arc::new(open()?);
        let mut lru = self.lock();
        if let Some(raced) = lru.touch(key) {
            return Ok(raced);
        }
        lru.insert(key, file.clone());
        lru.evict_down_to(self.max_open_files);
        Ok(file)
    }

    /// Close the budget's handles for every file of a segment.
    pub(crate) fn forget_segment(&self, segment_id: u64) {
        let mut lru = self.lock();
        for kind in FileKind::ALL {
            lru.remove(&FileKey { segment_id, kind });
        }
    }

    fn lock(&self) -> MutexGuard<'_, Lru> {
        // The LRU holds no invariant a panic elsewhere could break half-way.
        self.lru
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(segment_id: u64) -> FileKey {
        FileKey {
            segment_id,
            kind: FileKind::Log,
        }
    }

    #[test]
    fn least_recently_used_handle_is_closed_first() {
        // Goal: the LRU evicts the coldest key. Method: 3 keys, bound 2, touch the first again.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"x").expect("write");
        let budget = FileBudget::new(2);
        let open = || File::open(&path);
        budget.get_or_open(key(1), open).expect("open 1");
        budget.get_or_open(key(2), open).expect("open 2");
        budget.get_or_open(key(1), open).expect("touch 1");
        let lent = budget.get_or_open(key(3), open).expect("open 3");
        assert_eq!(budget.open_count(), 2);
        let lru = budget.lock();
        assert!(lru.slots.contains_key(&key(1)) && lru.slots.contains_key(&key(3)));
        assert!(!lru.slots.contains_key(&key(2)));
        drop(lru);
        budget.forget_segment(3);
        assert_eq!(budget.open_count(), 1);
        assert!(
            lent.metadata().is_ok(),
            "a lent handle outlives its eviction"
        );
    }

    #[test]
    fn zero_budget_caches_nothing_but_still_opens() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"x").expect("write");
        let budget = FileBudget::new(0);
        let file = budget
            .get_or_open(key(1), || File::open(&path))
            .expect("open");
        assert_eq!(budget.open_count(), 0);
        assert_eq!(file.metadata().expect("metadata").len(), 1);
    }
}
