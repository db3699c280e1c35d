//! Group commit. The flusher's threads (one by default, `flush_threads`) own every fsync of
//! segment data. Appends queue their partition
//! (and, under `flush=always`, a waiter); each round takes everything queued so far, fdatasyncs
//! each dirty partition once, advances flushed offsets (and high watermarks), and answers every
//! waiter of the round together. While a round's fsyncs run, the next round's requests pile up,
//! so one fsync is shared by every producer that wrote in that window; with more threads, an
//! idle one takes them at once and runs its own round beside. Under `flush=interval:<ms>` a
//! thread sleeps before each round and nobody waits.
//!
//! A round with many dirty partitions makes them durable with one syncfs(2) of the data
//! directory's filesystem instead of one fdatasync each (where syncfs reports write-back
//! errors: [`sluice_log::FilesystemSync`]). Each fdatasync ends in a device cache flush of its
//! own; syncfs writes every dirty file back and flushes once. What each partition had written
//! when the round began (its sync target) is durable once syncfs returns Ok. If syncfs fails,
//! the error may belong to any file on the filesystem, so the round falls back to fdatasync per
//! partition, which reports exactly the partitions whose own data was lost.

use crate::config::FlushPolicy;
use crate::metrics::Metrics;
use crate::partition::Partition;
use sluice_log::FilesystemSync;
use std::collections::HashMap;
use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, Notify};

/// A durability waiter gets Ok once its data is fsynced, or the I/O error's text.
pub type FlushReply = Result<(), String>;

struct FlushRequest {
    partition: Arc<Partition>,
    waiter: Option<oneshot::Sender<FlushReply>>,
}

pub struct Flusher {
    tx: Option<mpsc::Sender<FlushRequest>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    policy: FlushPolicy,
}

impl Flusher {
    /// `threads` rounds may run at once (at least 1). `syncfs`: the data directory, whose
    /// filesystem each thread opens a handle on, and the number of dirty partitions from which
    /// a round uses it instead of fdatasync per partition (None: always fdatasync).
    pub(crate) fn start(
        policy: FlushPolicy,
        metrics: Arc<Metrics>,
        data_arrived: Arc<Notify>,
        threads: usize,
        syncfs: Option<(&Path, usize)>,
    ) -> Flusher {
        let (tx, rx) = mpsc::channel::<FlushRequest>();
        let rx = Arc::new(Mutex::new(rx));
        let threads = (0..threads.max(1))
            .map(|i| {
                let (rx, metrics, data_arrived) =
                    (rx.clone(), metrics.clone(), data_arrived.clone());
                // Each thread its own handle: syncfs reports a write-back error once per
                // handle, so a round running beside another cannot miss one the other saw.
                let syncfs = syncfs
                    .and_then(|(dir, min)| FilesystemSync::open(dir).ok().map(|fs| (fs, min)));
                std::thread::Builder::new()
                    .name(format!("sluice-flusher-{i}"))
                    .spawn(move || run(&rx, policy, &metrics, &data_arrived, syncfs.as_ref()))
                    .expect("spawning a flusher thread")
            })
            .collect();
        Flusher {
            tx: Some(tx),
            threads,
            policy,
        }
    }

    /// Note that `partition` has unsynced data. Under `flush=always`, returns a receiver that
    /// completes once it is fsynced; otherwise None (the data is already acknowledged).
    pub(crate) fn dirty(
        &self,
        partition: &Arc<Partition>,
        wait: bool,
    ) -> Option<oneshot::Receiver<FlushReply>> {
        if self.policy == FlushPolicy::Never {
            return None;
        }
        let wait = wait && self.policy == FlushPolicy::Always;
        let Some(tx) = self.tx.as_ref() else {
            // Shut down: nobody will fsync this, so a waiter must hear so, never a false ack.
            return wait.then(|| oneshot::channel().1);
        };
        if !wait
            && partition
                .flush_queued
                .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            return None;
        }
        let (waiter, rx) = if wait {
            let (t, r) = oneshot::channel();
            (Some(t), Some(r))
        } else {
            (None, None)
        };
        let _ = tx.send(FlushRequest {
            partition: partition.clone(),
            waiter,
        });
        rx
    }

    /// Finish the queued rounds and stop the threads.
    pub(crate) fn shutdown(&mut self) {
        self.tx.take();
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// One flusher thread: takes everything queued (while another thread's round is in its
/// fsyncs, this one takes the requests that arrive meanwhile) and runs it as a round.
fn run(
    rx: &Mutex<mpsc::Receiver<FlushRequest>>,
    policy: FlushPolicy,
    metrics: &Metrics,
    data_arrived: &Notify,
    syncfs: Option<&(FilesystemSync, usize)>,
) {
    let interval = match policy {
        FlushPolicy::Interval { interval_ms } => Some(Duration::from_millis(interval_ms)),
        _ => None,
    };
    loop {
        let round = {
            let Ok(rx) = rx.lock() else { return };
            let Ok(first) = rx.recv() else { return };
            if let Some(iv) = interval {
                std::thread::sleep(iv);
            }
            let mut round = vec![first];
            round.extend(rx.try_iter());
            round
        };
        flush_round(round, metrics, syncfs);
        data_arrived.notify_waiters();
    }
}

fn flush_round(
    round: Vec<FlushRequest>,
    metrics: &Metrics,
    syncfs: Option<&(FilesystemSync, usize)>,
) {
    metrics.flush_rounds.inc();
    let mut by_partition: HashMap<
        *const Partition,
        (Arc<Partition>, Vec<oneshot::Sender<FlushReply>>),
    > = HashMap::new();
    for req in round {
        let e = by_partition
            .entry(Arc::as_ptr(&req.partition))
            .or_insert_with(|| (req.partition.clone(), Vec::new()));
        e.1.extend(req.waiter);
    }
    for (partition, _) in by_partition.values() {
        partition
            .flush_queued
            .store(false, std::sync::atomic::Ordering::Release);
    }
    // Partitions made durable by this round's syncfs, if it used one.
    let mut synced = std::collections::HashSet::new();
    if let Some((fs, min)) = syncfs {
        if by_partition.len() >= *min {
            let targets: Vec<_> = by_partition
                .iter()
                .filter(|(_, (p, _))| !p.storage_failed())
                .map(|(k, (p, _))| (*k, p.clone(), p.sync_target()))
                .collect();
            let started = Instant::now();
            let res = fs.sync();
            metrics.fsyncs.inc();
            metrics
                .fsync_seconds
                .observe(started.elapsed().as_secs_f64());
            match res {
                Ok(()) => {
                    for (k, p, target) in targets {
                        if let Some(target) = target {
                            p.mark_flushed(&target);
                        }
                        synced.insert(k);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "syncfs failed; falling back to fdatasync per partition");
                }
            }
        }
    }
    for (k, (partition, waiters)) in by_partition {
        let reply = if synced.contains(&k) {
            Ok(())
        } else {
            flush_partition(&partition, metrics)
        };
        for w in waiters {
            let _ = w.send(reply.clone());
        }
    }
}

fn flush_partition(partition: &Partition, metrics: &Metrics) -> FlushReply {
    // One sync of a partition at a time: two threads' fdatasyncs of one file could see a
    // write-back error once between them, and the other would acknowledge lost data. Taken
    // second, a sync starts after the first failed the partition, and reports that.
    let _one_at_a_time = partition
        .sync_lock
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if partition.storage_failed() {
        // A later fsync succeeding would prove nothing about the pages the failed one lost.
        return Err("the partition is offline for writes after a failed fsync".into());
    }
    let Some(target) = partition.sync_target() else {
        return Ok(());
    };
    for file in &target.files {
        let started = Instant::now();
        let res = sluice_log::disk::sync_data(file);
        metrics.fsyncs.inc();
        metrics
            .fsync_seconds
            .observe(started.elapsed().as_secs_f64());
        if let Err(e) = res {
            metrics.storage_errors.inc();
            partition.fail_storage(&e);
            return Err(e.to_string());
        }
    }
    partition.mark_flushed(&target);
    Ok(())
}
