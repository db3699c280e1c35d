//! Power loss and full disks, through the storage seam's model ([`crate::disk::sim`]).
//!
//! Each case runs a random program of appends (of random batch counts and sizes, rolling small
//! segments), flushes done the way the broker's flusher does them (sync_target, fdatasync of
//! each file, mark_flushed) and clean close/reopen cycles, cuts the power after a random step,
//! materialises what the disk may hold (every unsynced byte dropped, writes torn at any byte,
//! or any subset of them kept), recovers, and checks:
//! - `flush=always` semantics: every batch acknowledged (covered by a completed flush) is read
//!   back byte for byte at its offset;
//! - `flush=never` (no syncs at all): the log recovers to a CRC-valid, contiguous prefix of
//!   what was appended;
//! - in both, recovery's own repairs are durable: after recovering, appending and flushing, a
//!   second cut loses nothing acknowledged either.
//!
//! Every read goes through `PartitionLog::read`, which checksums what it serves, so a corrupt
//! batch left by recovery fails the read and the case.

use super::*;
use crate::disk::sim::{self, Cut};
use std::os::unix::fs::FileExt;

const NOW_MS: i64 = 1_700_000_000_000;

fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 1500,
        index_interval_bytes: 100,
        ..LogConfig::default()
    }
}

fn batch(records: usize, value_bytes: usize, tag: u8) -> Vec<u8> {
    let values: Vec<Vec<u8>> = (0..records)
        .map(|i| vec![tag.wrapping_add(i as u8); value_bytes])
        .collect();
    let rows: Vec<_> = values
        .iter()
        .map(|v| (Some(b"k".as_slice()), Some(v.as_slice()), NOW_MS))
        .collect();
    batch::build(&rows, -1, -1, -1)
}

#[derive(Clone, Debug)]
enum Step {
    /// One append of `batches` batches.
    Append { batches: u8, records: u8, value: u8 },
    /// A flush round as the broker's flusher does it.
    Flush,
    /// A clean close and reopen.
    Reopen,
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        6 => (1u8..4, 1u8..6, 0u8..200).prop_map(|(batches, records, value)| Step::Append { batches, records, value }),
        3 => Just(Step::Flush),
        1 => Just(Step::Reopen),
    ]
}

fn cut() -> impl proptest::strategy::Strategy<Value = Cut> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Cut::DropUnsynced),
        any::<u64>().prop_map(|seed| Cut::Torn { seed }),
        any::<u64>().prop_map(|seed| Cut::Scrambled { seed }),
    ]
}

/// What was appended, by offset range, and what was acknowledged.
#[derive(Default)]
struct Ledger {
    /// (base offset, last offset, producer bytes).
    batches: Vec<(i64, i64, Vec<u8>)>,
    /// Offsets below this were covered by a completed flush.
    acked: i64,
}

impl Ledger {
    fn end(&self) -> i64 {
        self.batches.last().map_or(0, |b| b.1 + 1)
    }
}

fn open(dir: &Path) -> PartitionLog {
    PartitionLog::open(dir, config(), FileBudget::new(16))
        .expect("open")
        .0
}

fn flush(log: &mut PartitionLog) -> io::Result<Option<Offset>> {
    let Some(target) = log.sync_target() else {
        return Ok(None);
    };
    for file in &target.files {
        crate::disk::sync_data(file)?;
    }
    log.mark_flushed(&target);
    Ok(Some(target.up_to))
}

fn run(log: &mut PartitionLog, dir: &Path, steps: &[Step], ledger: &mut Ledger) {
    for (i, s) in steps.iter().enumerate() {
        match s {
            Step::Append {
                batches,
                records,
                value,
            } => {
                let mut blob = Vec::new();
                let mut parts = Vec::new();
                for b in 0..*batches {
                    let one = batch(*records as usize, *value as usize, (i as u8) ^ b);
                    blob.extend_from_slice(&one);
                    parts.push(one);
                }
                let infos = batch::validate(&blob, usize::MAX).expect("valid");
                let info = log.append(&blob, &infos, NOW_MS).expect("append");
                let mut base = info.base_offset.0;
                for one in parts {
                    let last = base + i64::from(*records) - 1;
                    ledger.batches.push((base, last, one));
                    base = last + 1;
                }
                assert_eq!(base, info.last_offset.0 + 1);
            }
            Step::Flush => {
                if let Some(up_to) = flush(log).expect("flush") {
                    ledger.acked = ledger.acked.max(up_to.0);
                }
            }
            Step::Reopen => {
                let old = std::mem::replace(log, open_placeholder());
                old.close().expect("close");
                *log = open(dir);
                // A clean close fsyncs everything: all of it is acknowledged.
                ledger.acked = ledger.end();
            }
        }
    }
}

/// A throwaway log to swap in while the real one is closed.
fn open_placeholder() -> PartitionLog {
    thread_local! {
        static SPARE: tempfile::TempDir = tempfile::tempdir().expect("tempdir");
    }
    // The spare directory lies outside the model's root, so the model ignores its files.
    SPARE.with(|d| {
        PartitionLog::open(d.path(), config(), FileBudget::new(1))
            .expect("spare")
            .0
    })
}

/// Read every batch of the log from its start, through the checksumming read path.
fn read_back(log: &PartitionLog) -> Vec<(i64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut offset = log.log_start_offset();
    while offset < log.log_end_offset() {
        let read = log
            .read(offset, 1 << 20, Offset(i64::MAX))
            .expect("a recovered log reads back without a corrupt batch");
        let slice = read.slice.expect("data below the log end");
        let mut bytes = vec![0u8; slice.len as usize];
        slice
            .file
            .read_exact_at(&mut bytes, slice.position)
            .expect("pread");
        let mut at = 0;
        while at < bytes.len() {
            let header = batch::check_frame(&bytes[at..]).expect("whole batches");
            out.push((
                header.base_offset,
                bytes[at..at + header.total_size()].to_vec(),
            ));
            offset = Offset(header.last_offset() + 1);
            at += header.total_size();
        }
    }
    out
}

/// The recovered log is a prefix of the ledger, byte for byte past the rewritten fields, and
/// holds at least every acknowledged offset. Returns the recovered end.
fn check_prefix(
    log: &PartitionLog,
    ledger: &Ledger,
) -> Result<i64, proptest::test_runner::TestCaseError> {
    let served = read_back(log);
    proptest::prop_assert_eq!(log.log_start_offset(), Offset(0));
    proptest::prop_assert!(
        served.len() <= ledger.batches.len(),
        "more batches than appended"
    );
    for ((base, stored), (want_base, _, sent)) in served.iter().zip(&ledger.batches) {
        proptest::prop_assert_eq!(base, want_base, "offsets contiguous from 0");
        proptest::prop_assert_eq!(&stored[8..12], &sent[8..12]);
        proptest::prop_assert_eq!(
            &stored[16..],
            &sent[16..],
            "producer bytes at offset {}",
            base
        );
    }
    let end = served.last().map_or(0, |(_, b)| {
        batch::BatchHeader::parse(b).expect("header").last_offset() + 1
    });
    proptest::prop_assert_eq!(log.log_end_offset(), Offset(end));
    proptest::prop_assert!(
        end >= ledger.acked,
        "acknowledged offsets below {} lost: recovered to {}",
        ledger.acked,
        end
    );
    Ok(end)
}

/// Cut the power now: write what the disk may hold into a new directory and start modelling it.
fn crash(root: &Path, into: &Path, how: Cut) {
    std::fs::create_dir_all(into).expect("mkdir");
    sim::crash_into(into, how).expect("materialise");
    sim::install(into).expect("model the recovered directory");
    let _ = root;
}

fn power_loss_case(
    steps: &[Step],
    crash_after: usize,
    how: Cut,
    then: &[Step],
    flush_always: bool,
) -> Result<(), proptest::test_runner::TestCaseError> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let first = tmp.path().join("p");
    std::fs::create_dir_all(&first).expect("mkdir");
    sim::install(&first).expect("install");
    let keep = |s: &&Step| flush_always || !matches!(s, Step::Flush | Step::Reopen);
    let steps: Vec<Step> = steps.iter().filter(keep).cloned().collect();
    let then: Vec<Step> = then.iter().filter(keep).cloned().collect();
    let mut ledger = Ledger::default();
    let mut log = open(&first);
    run(
        &mut log,
        &first,
        &steps[..crash_after.min(steps.len())],
        &mut ledger,
    );
    let second = tmp.path().join("after-first-cut");
    crash(&first, &second, how);
    drop(log); // no close: the process died with the power
    if !flush_always {
        ledger.acked = 0; // nothing is ever acknowledged as durable without syncs
    }
    let mut log = open(&second);
    let end = check_prefix(&log, &ledger)?;
    // Continue from what survived, then cut again: recovery's repairs must be durable too.
    ledger.batches.retain(|b| b.1 < end);
    ledger.acked = ledger.acked.min(end);
    run(&mut log, &second, &then, &mut ledger);
    let third = tmp.path().join("after-second-cut");
    crash(&second, &third, Cut::DropUnsynced);
    drop(log);
    let log = open(&third);
    check_prefix(&log, &ledger)?;
    drop(log);
    sim::uninstall();
    Ok(())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 128, ..proptest::prelude::ProptestConfig::default() })]

    /// Flush policy `always`: an append is acknowledged only after a flush covered it, and
    /// every acknowledged batch survives a power cut at any step, however the disk tears.
    #[test]
    fn under_flush_always_every_acknowledged_batch_survives_a_power_cut(
        steps in proptest::collection::vec(step(), 1..40),
        crash_after in 0usize..40,
        how in cut(),
        then in proptest::collection::vec(step(), 0..8),
    ) {
        power_loss_case(&steps, crash_after, how, &then, true)?;
    }

    /// Flush policy `never`: nothing is synced, and after a cut the log still recovers to a
    /// clean, CRC-valid, contiguous prefix of what was appended.
    #[test]
    fn under_flush_never_a_power_cut_leaves_a_clean_prefix(
        steps in proptest::collection::vec(step(), 1..40),
        crash_after in 0usize..40,
        how in cut(),
        then in proptest::collection::vec(step(), 0..8),
    ) {
        power_loss_case(&steps, crash_after, how, &then, false)?;
    }

    /// A full disk (ENOSPC after any number of bytes, so the write is torn at any byte) fails
    /// the append and leaves the log as it was: same end offset, the partial bytes cut off, the
    /// next append (once space is back) gets the next offset, and a later power cut after a
    /// flush loses nothing acknowledged.
    #[test]
    fn a_write_failing_part_way_leaves_the_log_consistent_and_appends_resume(
        before in 1usize..6,
        budget in 0u64..1200,
        records in 1u8..8,
    ) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("p");
        std::fs::create_dir_all(&dir).expect("mkdir");
        sim::install(&dir).expect("install");
        let mut ledger = Ledger::default();
        let mut log = open(&dir);
        let fill: Vec<Step> = (0..before)
            .map(|i| Step::Append { batches: 1 + (i % 3) as u8, records: 3, value: 40 })
            .chain([Step::Flush])
            .collect();
        run(&mut log, &dir, &fill, &mut ledger);
        let end_before = log.log_end_offset();
        let size_before = log.size_bytes();
        let blob = batch(records as usize, 90, 7);
        let infos = batch::validate(&blob, usize::MAX).expect("valid");
        sim::fail_writes_after(Some(budget));
        let failed = log.append(&blob, &infos, NOW_MS);
        sim::fail_writes_after(None);
        match failed {
            Err(_) => {
                proptest::prop_assert_eq!(log.log_end_offset(), end_before);
                proptest::prop_assert_eq!(log.size_bytes(), size_before);
                let active = log.active();
                let on_disk = log.storage.file(active, FileKind::Log).expect("file").metadata().expect("stat").len();
                proptest::prop_assert_eq!(on_disk, active.size_bytes, "partial write cut off");
            }
            Ok(info) => {
                // The batch fitted (an index entry may have failed: indexes are hints).
                ledger.batches.push((info.base_offset.0, info.last_offset.0, blob.clone()));
            }
        }
        check_prefix(&log, &ledger)?;
        run(&mut log, &dir, &[Step::Append { batches: 2, records: 2, value: 10 }, Step::Flush], &mut ledger);
        let crashed = tmp.path().join("crashed");
        crash(&dir, &crashed, Cut::DropUnsynced);
        drop(log);
        let log = open(&crashed);
        let end = check_prefix(&log, &ledger)?;
        proptest::prop_assert_eq!(end, ledger.end(), "everything was acknowledged");
        drop(log);
        sim::uninstall();
    }
}

#[test]
fn a_failed_sync_acknowledges_nothing() {
    // Goal: a flush whose fdatasync fails does not move the flushed offset (nothing is
    // acknowledged), and the data is still there for a later flush once syncs work again.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("p");
    std::fs::create_dir_all(&dir).expect("mkdir");
    sim::install(&dir).expect("install");
    let mut log = open(&dir);
    let blob = batch(3, 20, 1);
    let infos = batch::validate(&blob, usize::MAX).expect("valid");
    log.append(&blob, &infos, NOW_MS).expect("append");
    sim::fail_syncs(true);
    assert!(flush(&mut log).is_err());
    assert_eq!(log.flushed_offset(), Offset(0));
    sim::fail_syncs(false);
    assert_eq!(flush(&mut log).expect("flush"), Some(Offset(3)));
    assert_eq!(log.flushed_offset(), Offset(3));
    let stats = sim::uninstall();
    assert_eq!(stats.injected_sync_faults, 1);
}

#[test]
fn the_model_drops_unsynced_names_and_bytes() {
    // Goal: the model itself behaves as a disk would: a synced file keeps its synced bytes,
    // an unsynced write is dropped, and a file whose name was never synced disappears.
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("d");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("old"), b"durable").expect("seed");
    sim::install(&dir).expect("install");
    let old = File::options()
        .read(true)
        .write(true)
        .open(dir.join("old"))
        .expect("open");
    crate::disk::write_all_at(&old, b"DUR", 0).expect("write");
    let new = File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join("new"))
        .expect("create");
    crate::disk::write_all_at(&new, b"fresh", 0).expect("write");
    crate::disk::sync_data(&new).expect("fdatasync new"); // data synced, name not
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    sim::crash_into(&out, Cut::DropUnsynced).expect("cut");
    assert_eq!(std::fs::read(out.join("old")).expect("old"), b"durable");
    assert!(
        !out.join("new").exists(),
        "a name not synced in its directory is lost"
    );
    crate::disk::sync_dir(&dir).expect("sync dir");
    let out2 = tmp.path().join("out2");
    std::fs::create_dir_all(&out2).expect("mkdir");
    sim::crash_into(&out2, Cut::DropUnsynced).expect("cut");
    assert_eq!(std::fs::read(out2.join("new")).expect("new"), b"fresh");
    assert_eq!(std::fs::read(out2.join("old")).expect("old"), b"durable");
    sim::uninstall();
}
