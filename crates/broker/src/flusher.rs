//! Group commit. One thread owns every fsync of segment data. Appends queue their partition
//! (and, under `flush=always`, a waiter); each round takes everything queued so far, fdatasyncs
//! each dirty partition once, advances flushed offsets (and high watermarks), and answers every
//! waiter of the round together. While a round's fsyncs run, the next round's requests pile up,
//! so one fsync is shared by every producer that wrote in that window. Under
//! `flush=interval:<ms>` the thread sleeps between rounds and nobody waits.

use crate::config::FlushPolicy;
use crate::metrics::Metrics;
use crate::partition::Partition;
use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::Arc;
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
    thread: Option<std::thread::JoinHandle<()>>,
    policy: FlushPolicy,
}

impl Flusher {
    pub(crate) fn start(
        policy: FlushPolicy,
        metrics: Arc<Metrics>,
        data_arrived: Arc<Notify>,
    ) -> Flusher {
        let (tx, rx) = mpsc::channel::<FlushRequest>();
        let thread = std::thread::Builder::new()
            .name("sluice-flusher".into())
            .spawn(move || run(rx, policy, &metrics, &data_arrived))
            .expect("spawning the flusher thread");
        Flusher {
            tx: Some(tx),
            thread: Some(thread),
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

    /// Finish the queued rounds and stop the thread.
    pub(crate) fn shutdown(&mut self) {
        self.tx.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(
    rx: mpsc::Receiver<FlushRequest>,
    policy: FlushPolicy,
    metrics: &Metrics,
    data_arrived: &Notify,
) {
    let interval = match policy {
        FlushPolicy::Interval { interval_ms } => Some(Duration::from_millis(interval_ms)),
        _ => None,
    };
    while let Ok(first) = rx.recv() {
        if let Some(iv) = interval {
            std::thread::sleep(iv);
        }
        let mut round = vec![first];
        round.extend(rx.try_iter());
        flush_round(round, metrics);
        data_arrived.notify_waiters();
    }
}

fn flush_round(round: Vec<FlushRequest>, metrics: &Metrics) {
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
    for (_, (partition, waiters)) in by_partition {
        partition
            .flush_queued
            .store(false, std::sync::atomic::Ordering::Release);
        let reply = flush_partition(&partition, metrics);
        for w in waiters {
            let _ = w.send(reply.clone());
        }
    }
}

fn flush_partition(partition: &Partition, metrics: &Metrics) -> FlushReply {
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
    partition.mark_flushed(target.up_to);
    Ok(())
}
