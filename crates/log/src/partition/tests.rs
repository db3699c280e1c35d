//! Behaviour of `PartitionLog` through its public API: append and read, indexes, roll,
//! retention, timestamps, durability bookkeeping, the file budget, and recovery from damaged
//! directories. Every test runs in its own temporary directory with an injected clock.

use super::*;
use crate::batch::{BatchHeader, HEADER_SIZE};
use crate::index::{self, OffsetEntry, TimeEntry};
use std::os::unix::fs::FileExt;

const NOW_MS: i64 = 1_700_000_000_000;

fn small_config() -> LogConfig {
    LogConfig {
        segment_bytes: 1 << 20,
        index_interval_bytes: 256,
        ..LogConfig::default()
    }
}

fn open_with(dir: &Path, config: LogConfig) -> (PartitionLog, RecoveryReport) {
    PartitionLog::open(dir, config, FileBudget::new(64)).expect("open")
}

fn open(dir: &Path) -> PartitionLog {
    open_with(dir, small_config()).0
}

/// A batch of `records` records of `value_bytes` bytes each, all stamped `timestamp_ms`.
/// A log whose segments each hold one batch of `one` (a record of 100 bytes), and that batch.
fn rolling_after_every_batch(dir: &Path) -> (PartitionLog, Vec<u8>) {
    let one = batch_of(1, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64,
        ..small_config()
    };
    (open_with(dir, config).0, one)
}

fn batch_of(records: usize, value_bytes: usize, timestamp_ms: i64) -> Vec<u8> {
    let values: Vec<Vec<u8>> = (0..records)
        .map(|i| vec![(i % 251) as u8; value_bytes])
        .collect();
    let recs: Vec<_> = values
        .iter()
        .map(|v| (Some(b"key".as_slice()), Some(v.as_slice()), timestamp_ms))
        .collect();
    batch::build(&recs, -1, -1, -1)
}

fn append(log: &mut PartitionLog, blob: &[u8], now_ms: i64) -> AppendInfo {
    let infos = batch::validate(blob, log.config().max_message_bytes).expect("valid blob");
    log.append(blob, &infos, now_ms).expect("append")
}

fn bytes_of(slice: &FileSlice) -> Vec<u8> {
    let mut out = vec![0u8; slice.len as usize];
    slice
        .file
        .read_exact_at(&mut out, slice.position)
        .expect("read slice");
    out
}

/// Headers of the whole batches in `bytes`, each checked with the producer-side framing rules.
fn headers_in(bytes: &[u8]) -> Vec<BatchHeader> {
    let mut headers = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let header = batch::check_frame(&bytes[at..]).expect("served batches are whole and valid");
        headers.push(header);
        at += header.total_size();
    }
    headers
}

fn read_all(log: &PartitionLog, offset: i64) -> Vec<BatchHeader> {
    let read = log
        .read(Offset(offset), u32::MAX, Offset(i64::MAX))
        .expect("read");
    read.slice
        .map(|s| headers_in(&bytes_of(&s)))
        .unwrap_or_default()
}

fn log_path(dir: &Path, base: i64) -> PathBuf {
    dir.join(segment::file_name(Offset(base), FileKind::Log))
}

#[test]
fn appended_batches_read_back_with_assigned_offsets_and_producer_bytes() {
    // Goal: append assigns dense offsets and stores the producer's bytes. Method: append three
    // batches, read from 0, compare each stored batch with its input past the rewritten fields.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    let blobs = [
        batch_of(3, 10, NOW_MS),
        batch_of(1, 5, NOW_MS),
        batch_of(4, 20, NOW_MS),
    ];
    let mut infos = Vec::new();
    for blob in &blobs {
        infos.push(append(&mut log, blob, NOW_MS));
    }
    assert_eq!(
        infos
            .iter()
            .map(|i| (i.base_offset.0, i.last_offset.0))
            .collect::<Vec<_>>(),
        vec![(0, 2), (3, 3), (4, 7)]
    );
    assert_eq!(log.log_end_offset(), Offset(8));
    let read = log
        .read(Offset(0), u32::MAX, Offset(i64::MAX))
        .expect("read");
    let bytes = bytes_of(read.slice.as_ref().expect("data"));
    let mut at = 0;
    for (blob, info) in blobs.iter().zip(&infos) {
        let stored = &bytes[at..at + blob.len()];
        assert_eq!(
            &stored[0..8],
            &info.base_offset.0.to_be_bytes(),
            "base offset rewritten"
        );
        assert_eq!(&stored[12..16], &[0, 0, 0, 0], "leader epoch rewritten");
        assert_eq!(&stored[8..12], &blob[8..12]);
        assert_eq!(&stored[16..], &blob[16..], "record bytes and CRC as sent");
        at += blob.len();
    }
    assert_eq!(at, bytes.len());
    assert_eq!(
        (read.log_start_offset, read.log_end_offset),
        (Offset(0), Offset(8))
    );
}

#[test]
fn one_append_of_many_batches_is_written_in_order() {
    // Goal: a blob of more batches than one pwritev group keeps order and offsets.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    let mut blob = Vec::new();
    for i in 0..150 {
        blob.extend(batch_of(1 + i % 3, 7, NOW_MS + i as i64));
    }
    let info = append(&mut log, &blob, NOW_MS);
    let headers = read_all(&log, 0);
    assert_eq!(headers.len(), 150);
    assert_eq!(
        headers.last().map(|h| h.last_offset()),
        Some(info.last_offset.0)
    );
    assert!(headers
        .windows(2)
        .all(|w| w[1].base_offset == w[0].last_offset() + 1));
}

#[test]
fn append_refuses_batch_infos_that_do_not_describe_the_blob() {
    // Goal: nothing is written when the caller's headers and the bytes disagree.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    let blob = batch_of(3, 10, NOW_MS);
    let mut infos = batch::validate(&blob, 1 << 20).expect("valid");
    infos[0].header.last_offset_delta = 7;
    assert!(matches!(
        log.append(&blob, &infos, NOW_MS),
        Err(LogError::Io(_))
    ));
    infos[0].header.last_offset_delta = 2;
    infos[0].position = 5;
    assert!(matches!(
        log.append(&blob, &infos, NOW_MS),
        Err(LogError::Io(_))
    ));
    assert!(matches!(
        log.append(&blob, &[], NOW_MS),
        Err(LogError::Io(_))
    ));
    assert_eq!((log.log_end_offset(), log.size_bytes()), (Offset(0), 0));
}

#[test]
fn read_from_the_middle_of_a_batch_returns_the_whole_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    append(&mut log, &batch_of(5, 10, NOW_MS), NOW_MS);
    append(&mut log, &batch_of(5, 10, NOW_MS), NOW_MS);
    let headers = read_all(&log, 7);
    assert_eq!(
        headers.iter().map(|h| h.base_offset).collect::<Vec<_>>(),
        vec![5]
    );
    assert_eq!(headers[0].last_offset(), 9);
}

#[test]
fn read_stops_at_max_bytes_but_returns_a_first_batch_larger_than_it() {
    // Goal: KIP-74 and whole batches only. Method: 10 batches of known size, vary max_bytes.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    let one = batch_of(2, 50, NOW_MS);
    for _ in 0..10 {
        append(&mut log, &one, NOW_MS);
    }
    let size = one.len() as u32;
    let slice = |max_bytes| {
        log.read(Offset(4), max_bytes, Offset(i64::MAX))
            .expect("read")
            .slice
            .expect("data")
    };
    assert_eq!(
        slice(1).len,
        size,
        "a first batch over max_bytes comes whole"
    );
    assert_eq!(slice(size * 3 + 5).len, size * 3);
    assert_eq!(headers_in(&bytes_of(&slice(size * 3)))[0].base_offset, 4);
}

#[test]
fn read_never_includes_a_batch_at_or_past_max_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    for _ in 0..4 {
        append(&mut log, &batch_of(3, 10, NOW_MS), NOW_MS); // offsets 0-2, 3-5, 6-8, 9-11
    }
    let bases = |max_offset| {
        let read = log
            .read(Offset(0), u32::MAX, Offset(max_offset))
            .expect("read");
        read.slice.map(|s| {
            headers_in(&bytes_of(&s))
                .iter()
                .map(|h| h.base_offset)
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(bases(6), Some(vec![0, 3]));
    assert_eq!(
        bases(8),
        Some(vec![0, 3]),
        "the batch 6-8 crosses the high watermark"
    );
    assert_eq!(bases(2), None);
    assert!(log
        .read(Offset(3), 100, Offset(3))
        .expect("read")
        .slice
        .is_none());
}

#[test]
fn read_reports_the_offset_just_past_its_slice() {
    // Goal: readers learn where to continue (and metrics count records out). Method: four
    // 3-record batches; read with byte, high-watermark and end-of-log limits.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    let one = batch_of(3, 10, NOW_MS);
    for _ in 0..4 {
        append(&mut log, &one, NOW_MS); // offsets 0-2, 3-5, 6-8, 9-11
    }
    let next = |offset, max_bytes, max_offset| {
        log.read(Offset(offset), max_bytes, Offset(max_offset))
            .expect("read")
            .next_offset
    };
    assert_eq!(
        next(0, u32::MAX, i64::MAX),
        Some(Offset(12)),
        "to the log end"
    );
    assert_eq!(
        next(4, 1, i64::MAX),
        Some(Offset(6)),
        "one whole batch over max_bytes"
    );
    assert_eq!(next(0, one.len() as u32 * 2, i64::MAX), Some(Offset(6)));
    assert_eq!(
        next(0, u32::MAX, 10),
        Some(Offset(9)),
        "stops below the high watermark"
    );
    assert_eq!(next(12, u32::MAX, i64::MAX), None, "nothing to read");
}

#[test]
fn read_at_log_end_is_empty_and_past_it_is_out_of_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    append(&mut log, &batch_of(2, 10, NOW_MS), NOW_MS);
    let at_end = log
        .read(Offset(2), 1000, Offset(i64::MAX))
        .expect("read at end");
    assert!(at_end.slice.is_none());
    assert_eq!(at_end.log_end_offset, Offset(2));
    let past = log.read(Offset(3), 1000, Offset(i64::MAX));
    assert!(matches!(
        past,
        Err(LogError::OffsetOutOfRange {
            requested: Offset(3),
            ..
        })
    ));
}

/// (base offset, position) of every batch in a segment file, by walking it.
fn batch_positions(log_file: &Path) -> Vec<(i64, u32)> {
    let bytes = std::fs::read(log_file).expect("read log");
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let header = BatchHeader::parse(&bytes[at..]).expect("header");
        out.push((header.base_offset, at as u32));
        at += header.total_size();
    }
    out
}

#[test]
fn index_entries_point_at_their_batches_and_every_offset_is_found() {
    // Goal: .index entries are right and used. Method: 200 small batches with a 256-byte
    // interval; every entry must name a real batch position; every offset reads its batch.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    for i in 0..200 {
        append(
            &mut log,
            &batch_of(1 + i % 4, 30, NOW_MS + i as i64),
            NOW_MS,
        );
    }
    let positions = batch_positions(&log_path(dir.path(), 0));
    let index_file = File::open(
        dir.path()
            .join(segment::file_name(Offset(0), FileKind::Index)),
    )
    .expect("index");
    let count = index::entry_count::<OffsetEntry>(&index_file).expect("well-formed index");
    assert!(count > 20, "expected many entries, got {count}");
    let mut previous = None;
    for n in 0..count {
        let entry = index::read_entry::<OffsetEntry>(&index_file, n).expect("entry");
        assert!(
            positions.contains(&(i64::from(entry.relative_offset), entry.position.0)),
            "{entry:?}"
        );
        if let Some(p) = previous {
            assert!(
                entry.position.0 - p >= 256,
                "entries are at least an interval apart"
            );
        }
        previous = Some(entry.position.0);
    }
    for offset in 0..log.log_end_offset().0 {
        let read = log
            .read(Offset(offset), 1, Offset(i64::MAX))
            .expect("read")
            .slice
            .expect("data");
        let header = headers_in(&bytes_of(&read))[0];
        assert!(
            header.base_offset <= offset && offset <= header.last_offset(),
            "offset {offset}"
        );
        assert!(positions.contains(&(header.base_offset, read.position as u32)));
    }
}

#[test]
fn time_index_grows_with_max_timestamp_and_read_at_timestamp_finds_the_first_batch() {
    // Goal: read_at_timestamp returns the first batch whose max timestamp >= t. Method:
    // timestamps that rise with a dip, across two segments.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open_with(
        dir.path(),
        LogConfig {
            segment_bytes: 4000,
            ..small_config()
        },
    )
    .0;
    let stamps: Vec<i64> = (0..60)
        .map(|i| if i == 30 { 1000 } else { 1000 + i * 10 })
        .collect();
    for &ts in &stamps {
        append(&mut log, &batch_of(2, 40, ts), NOW_MS);
    }
    assert!(log.segment_count() > 1);
    for target in [0, 1000, 1001, 1295, 1300, 1301, 1590] {
        let found = log
            .read_at_timestamp(target)
            .expect("lookup")
            .map(|s| headers_in(&bytes_of(&s))[0]);
        let expected = stamps
            .iter()
            .position(|&ts| ts >= target)
            .map(|i| i as i64 * 2);
        assert_eq!(found.map(|h| h.base_offset), expected, "target {target}");
        assert_eq!(
            found.map(|h| headers_in(&bytes_of(
                &log.read(Offset(h.base_offset), 1, Offset(i64::MAX))
                    .unwrap()
                    .slice
                    .unwrap()
            ))
            .len()),
            found.map(|_| 1)
        );
    }
    assert!(log.read_at_timestamp(1591).expect("lookup").is_none());
}

#[test]
fn segment_rolls_when_the_next_append_would_pass_segment_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = batch_of(2, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64 * 3,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config).0;
    for _ in 0..7 {
        append(&mut log, &one, NOW_MS);
    }
    assert_eq!(log.segment_count(), 3);
    for base in [0, 6, 12] {
        assert!(log_path(dir.path(), base).exists(), "segment {base}");
    }
    assert_eq!(
        std::fs::metadata(log_path(dir.path(), 0))
            .expect("meta")
            .len(),
        one.len() as u64 * 3
    );
    let headers = read_all(&log, 0);
    assert_eq!(headers.len(), 3, "a slice never spans segments");
    assert_eq!(read_all(&log, 6)[0].base_offset, 6);
    assert_eq!(
        read_all(&log, 13)
            .iter()
            .map(|h| h.base_offset)
            .collect::<Vec<_>>(),
        vec![12]
    );
    assert_eq!(log.batch_headers(Offset(3)).expect("headers").len(), 6);
}

#[test]
fn segment_rolls_by_age_on_append_and_on_roll_if_old() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = LogConfig {
        segment_ms: 1000,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config).0;
    assert!(
        !log.roll_if_old(NOW_MS).expect("roll check"),
        "an empty segment never rolls"
    );
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS);
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS + 1000);
    assert_eq!(
        log.segment_count(),
        1,
        "exactly segment_ms old is not older"
    );
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS + 1001);
    assert_eq!(log.segment_count(), 2);
    assert!(!log.roll_if_old(NOW_MS + 1500).expect("roll check"));
    assert!(log.roll_if_old(NOW_MS + 2002).expect("roll check"));
    assert_eq!(log.segment_count(), 3);
    assert!(log_path(dir.path(), 3).exists());
    assert_eq!(log.log_end_offset(), Offset(3));
}

/// A log with 4 segments of 3 batches each; segment k's batches are stamped NOW_MS + k * 1000.
fn four_segments(dir: &Path, config: LogConfig) -> (PartitionLog, u64) {
    let one = batch_of(1, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64 * 3,
        ..config
    };
    let mut log = open_with(dir, config).0;
    for k in 0..4 {
        for _ in 0..3 {
            append(&mut log, &batch_of(1, 100, NOW_MS + k * 1000), NOW_MS);
        }
    }
    assert_eq!(log.segment_count(), 4);
    (log, one.len() as u64 * 3)
}

#[test]
fn retention_by_time_deletes_expired_segments_and_moves_log_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, segment_bytes) = four_segments(
        dir.path(),
        LogConfig {
            retention_ms: 1500,
            ..small_config()
        },
    );
    let report = log.enforce_retention(NOW_MS + 2600).expect("retention");
    assert_eq!(
        report,
        RetentionReport {
            segments_deleted: 2,
            bytes_deleted: 2 * segment_bytes,
            log_start_offset: Offset(6)
        }
    );
    assert_eq!(log.log_start_offset(), Offset(6));
    assert!(!log_path(dir.path(), 0).exists() && !log_path(dir.path(), 3).exists());
    let below = log.read(Offset(5), 100, Offset(i64::MAX));
    assert!(matches!(
        below,
        Err(LogError::OffsetOutOfRange {
            log_start: Offset(6),
            ..
        })
    ));
    assert_eq!(read_all(&log, 6)[0].base_offset, 6);
}

#[test]
fn retention_never_deletes_the_active_segment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, _) = four_segments(
        dir.path(),
        LogConfig {
            retention_ms: 0,
            ..small_config()
        },
    );
    let report = log
        .enforce_retention(NOW_MS + 1_000_000)
        .expect("retention");
    assert_eq!(report.segments_deleted, 3);
    assert_eq!(
        (log.log_start_offset(), log.log_end_offset()),
        (Offset(9), Offset(12))
    );
    assert_eq!(read_all(&log, 9).len(), 3);
}

#[test]
fn retention_by_size_keeps_at_least_retention_bytes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, segment_bytes) = four_segments(dir.path(), small_config());
    log.set_config(LogConfig {
        retention_bytes: (segment_bytes * 2 + 1) as i64,
        ..log.config().clone()
    });
    let report = log.enforce_retention(NOW_MS).expect("retention");
    assert_eq!(
        report.segments_deleted, 1,
        "deleting a second would leave less than retention_bytes"
    );
    assert_eq!(log.size_bytes(), segment_bytes * 3);
    assert_eq!(log.log_start_offset(), Offset(3));
    assert!(matches!(
        log.read(Offset(0), 1, Offset(i64::MAX)),
        Err(LogError::OffsetOutOfRange { .. })
    ));
}

#[test]
fn batches_without_timestamps_age_from_their_append_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = batch_of(1, 100, -1);
    let config = LogConfig {
        segment_bytes: one.len() as u64,
        retention_ms: 1000,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config).0;
    append(&mut log, &one, NOW_MS);
    append(&mut log, &one, NOW_MS + 5000);
    assert_eq!(
        log.enforce_retention(NOW_MS + 1000)
            .expect("retention")
            .segments_deleted,
        0
    );
    assert_eq!(
        log.enforce_retention(NOW_MS + 1001)
            .expect("retention")
            .segments_deleted,
        1
    );
}

#[test]
fn a_slice_stays_readable_after_retention_deletes_its_segment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, _) = four_segments(
        dir.path(),
        LogConfig {
            retention_ms: 0,
            ..small_config()
        },
    );
    let slice = log
        .read(Offset(0), u32::MAX, Offset(i64::MAX))
        .expect("read")
        .slice
        .expect("data");
    log.enforce_retention(NOW_MS + 1_000_000)
        .expect("retention");
    assert_eq!(headers_in(&bytes_of(&slice)).len(), 3);
}

#[test]
fn sync_target_covers_unflushed_data_and_rolled_segments_until_marked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = batch_of(1, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64 * 2,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config).0;
    assert!(
        log.sync_target().is_none(),
        "a fresh log has nothing to sync"
    );
    append(&mut log, &one, NOW_MS);
    let target = log.sync_target().expect("target");
    assert_eq!((target.files.len(), target.up_to), (1, Offset(1)));
    append(&mut log, &one, NOW_MS);
    append(&mut log, &one, NOW_MS); // rolls: segment 0 holds offsets 0-1
    let target = log.sync_target().expect("target");
    // active .log, sealed .log + .index + .timeindex, and the directory
    assert_eq!((target.files.len(), target.up_to), (5, Offset(3)));
    for file in &target.files {
        file.sync_data().expect("fdatasync");
    }
    log.mark_flushed(&target);
    assert_eq!(log.flushed_offset(), Offset(3));
    assert!(log.sync_target().is_none());
    assert_eq!(checkpoint::read_recovery_point(dir.path()), Offset(2));
    append(&mut log, &one, NOW_MS);
    assert_eq!(log.sync_target().expect("target").files.len(), 1);
}

#[test]
fn a_roll_after_a_target_was_taken_stays_in_the_next_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, one) = rolling_after_every_batch(dir.path());
    append(&mut log, &one, NOW_MS);
    let target = log.sync_target().expect("target");
    append(&mut log, &one, NOW_MS); // rolls after the target was handed out
    log.mark_flushed(&target);
    let next = log
        .sync_target()
        .expect("the sealed segment's indexes and the directory");
    assert_eq!(next.files.len(), 1 + 2 + 1);
}

#[test]
fn file_budget_bounds_open_files_across_many_partitions() {
    // Goal: many partitions share a small fd budget. Method: 40 partitions, budget 6, append
    // and read each in turn, check the bound, then read them all again (reopening on demand).
    let root = tempfile::tempdir().expect("tempdir");
    let budget = FileBudget::new(6);
    let mut logs = Vec::new();
    for p in 0..40 {
        let dir = root.path().join(format!("p{p}"));
        let mut log = PartitionLog::open(&dir, small_config(), budget.clone())
            .expect("open")
            .0;
        append(&mut log, &batch_of(2, 20, NOW_MS), NOW_MS);
        assert!(budget.open_count() <= 6);
        logs.push(log);
    }
    for log in &logs {
        assert_eq!(read_all(log, 0).len(), 1);
        assert!(budget.open_count() <= 6);
    }
    drop(logs);
    assert_eq!(
        budget.open_count(),
        0,
        "dropped partitions give their handles back"
    );
}

#[test]
fn an_idle_partition_keeps_no_handles_once_others_were_used() {
    let root = tempfile::tempdir().expect("tempdir");
    let budget = FileBudget::new(1);
    let mut first = PartitionLog::open(&root.path().join("a"), small_config(), budget.clone())
        .expect("open")
        .0;
    let mut second = PartitionLog::open(&root.path().join("b"), small_config(), budget.clone())
        .expect("open")
        .0;
    append(&mut first, &batch_of(1, 10, NOW_MS), NOW_MS);
    append(&mut second, &batch_of(1, 10, NOW_MS), NOW_MS);
    assert_eq!(budget.open_count(), 1);
    assert_eq!(read_all(&first, 0).len(), 1, "reopened on demand");
    assert!(std::mem::size_of::<PartitionLog>() < 512);
}

#[test]
fn reopen_after_clean_close_keeps_offsets_and_trusts_the_indexes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = four_segments(dir.path(), small_config());
    let config = log.config().clone();
    log.close().expect("close");
    let (mut log, report) = open_with(dir.path(), config);
    assert!(report.clean);
    assert_eq!((report.indexes_rebuilt, report.truncated_bytes), (0, 0));
    assert_eq!(
        (log.log_start_offset(), log.log_end_offset()),
        (Offset(0), Offset(12))
    );
    assert_eq!(
        append(&mut log, &batch_of(1, 100, NOW_MS), NOW_MS).base_offset,
        Offset(12)
    );
    assert_eq!(
        log.read_at_timestamp(NOW_MS + 3000)
            .expect("lookup")
            .map(|s| headers_in(&bytes_of(&s))[0].base_offset),
        Some(9)
    );
    drop(log);
    let (log, report) = open_with(dir.path(), small_config());
    assert!(
        !report.clean,
        "dropping without close is an unclean shutdown"
    );
    assert_eq!(log.log_end_offset(), Offset(13));
}

#[test]
fn a_batched_close_with_filesystem_syncs_reopens_clean_with_the_same_offsets() {
    // Goal: prepare_close + sync + finish_close + sync is as good as close(). Method: close a
    // log with several segments (rolled, never flushed) the batched way, reopen, and compare.
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, _) = four_segments(dir.path(), small_config());
    let config = log.config().clone();
    let before: Vec<BatchHeader> = read_all(&log, 0);
    log.prepare_close().expect("prepare");
    crate::sync_filesystem(dir.path()).expect("sync data");
    log.finish_close().expect("finish");
    crate::sync_filesystem(dir.path()).expect("sync marker");
    let (log, report) = open_with(dir.path(), config);
    assert!(report.clean, "{report:?}");
    assert_eq!(
        (
            report.indexes_rebuilt,
            report.truncated_bytes,
            report.reason
        ),
        (0, 0, None),
        "nothing is validated or rebuilt after a clean batched close"
    );
    assert_eq!(
        (log.log_start_offset(), log.log_end_offset()),
        (Offset(0), Offset(12))
    );
    assert_eq!(read_all(&log, 0), before);
    assert_eq!(
        log.read_at_timestamp(NOW_MS + 3000)
            .expect("lookup")
            .map(|s| headers_in(&bytes_of(&s))[0].base_offset),
        Some(9),
        "the active segment's closing time-index entry was written"
    );
}

#[test]
fn finish_close_refuses_without_prepare_close_or_after_an_append() {
    // Goal: the clean marker only ever vouches for the log prepare_close saw.
    let dir = tempfile::tempdir().expect("tempdir");
    let log = open(dir.path());
    assert!(log.finish_close().is_err(), "finish without prepare");
    let (log, report) = open_with(dir.path(), small_config());
    assert!(!report.clean, "no marker was written");
    let mut log = log;
    log.prepare_close().expect("prepare");
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS);
    assert!(log.finish_close().is_err(), "finish after an append");
    let (log, report) = open_with(dir.path(), small_config());
    assert!(!report.clean, "no marker was written");
    assert_eq!(log.log_end_offset(), Offset(1));
}

#[test]
fn a_deferred_open_then_append_and_crash_recovers_by_validation() {
    // Goal: open_deferred removes the stale clean marker (made durable by the caller's sync), so
    // a crash after appending is recovered by validating batch by batch. Method: close cleanly,
    // open deferred, sync, append, drop without close, then flip a byte inside the last batch's
    // records: only CRC validation can see that (a trusted segment's check walks headers only).
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    append(&mut log, &batch_of(2, 50, NOW_MS), NOW_MS);
    log.close().expect("close");
    let (mut log, report) =
        PartitionLog::open_deferred(dir.path(), small_config(), FileBudget::new(64))
            .expect("open deferred");
    assert!(report.clean);
    assert_eq!(log.log_end_offset(), Offset(2));
    crate::sync_filesystem(dir.path()).expect("sync before the first append");
    let first = batch_of(2, 50, NOW_MS).len() as u64;
    let last = batch_of(3, 60, NOW_MS + 1);
    append(&mut log, &last, NOW_MS);
    drop(log);
    let file = File::options()
        .read(true)
        .write(true)
        .open(log_path(dir.path(), 0))
        .expect("open");
    let at = first + last.len() as u64 - 5;
    let mut byte = [0u8];
    file.read_exact_at(&mut byte, at).expect("read");
    file.write_all_at(&[byte[0] ^ 0x10], at).expect("flip");
    let (log, report) = open_with(dir.path(), small_config());
    assert!(!report.clean, "the stale marker must be gone");
    assert_eq!(report.truncated_bytes, last.len() as u64);
    assert!(
        report.reason.as_deref().is_some_and(|r| r.contains("CRC")),
        "{report:?}"
    );
    assert_eq!(log.log_end_offset(), Offset(2));
}

#[test]
fn a_deferred_open_repairs_a_torn_tail_like_open() {
    // Goal: open_deferred skips only fsyncs; recovery itself is the same.
    let dir = tempfile::tempdir().expect("tempdir");
    let sizes = crashed_log(dir.path(), 3);
    let whole: u64 = sizes[..2].iter().map(|&s| s as u64).sum();
    let file = File::options()
        .write(true)
        .open(log_path(dir.path(), 0))
        .expect("open");
    file.set_len(whole + 20).expect("tear the last batch");
    let (mut log, report) =
        PartitionLog::open_deferred(dir.path(), small_config(), FileBudget::new(64))
            .expect("open deferred");
    assert_eq!((report.clean, report.truncated_bytes), (false, 20));
    assert_eq!(report.indexes_rebuilt, 1);
    crate::sync_filesystem(dir.path()).expect("sync");
    assert_eq!(
        append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS).base_offset,
        Offset(4)
    );
    assert_eq!(read_all(&log, 0).len(), 3);
}

#[test]
fn an_empty_directory_becomes_a_partition_at_offset_zero() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("topic-0");
    let (log, report) = open_with(&dir, small_config());
    assert_eq!(
        (
            log.log_start_offset(),
            log.log_end_offset(),
            log.size_bytes()
        ),
        (Offset(0), Offset(0), 0)
    );
    assert!(!report.clean && report.truncated_at.is_none());
    assert!(log_path(&dir, 0).exists());
    assert!(log
        .read(Offset(0), 100, Offset(i64::MAX))
        .expect("read")
        .slice
        .is_none());
    drop(log);
    let (log, _) = open_with(&dir, small_config());
    assert_eq!(log.log_end_offset(), Offset(0));
}

#[test]
fn delete_removes_the_partition_directory() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("gone");
    let mut log = open(&dir);
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS);
    log.delete().expect("delete");
    assert!(!dir.exists());
}

// ---- recovery ------------------------------------------------------------------------------

/// Append `count` batches and drop the log without close (a crash, as far as the files go).
fn crashed_log(dir: &Path, count: usize) -> Vec<usize> {
    let mut log = open(dir);
    let sizes: Vec<usize> = (0..count)
        .map(|i| {
            let blob = batch_of(2, 40 + i, NOW_MS + i as i64);
            append(&mut log, &blob, NOW_MS);
            blob.len()
        })
        .collect();
    drop(log);
    sizes
}

#[test]
fn torn_tail_is_truncated_on_recovery() {
    // Goal: a partial last batch is cut and appends continue after the last whole one.
    let dir = tempfile::tempdir().expect("tempdir");
    let sizes = crashed_log(dir.path(), 5);
    let whole: u64 = sizes[..4].iter().map(|&s| s as u64).sum();
    let file = File::options()
        .write(true)
        .open(log_path(dir.path(), 0))
        .expect("open");
    file.set_len(whole + 30).expect("tear the last batch");
    let (mut log, report) = open_with(dir.path(), small_config());
    assert!(!report.clean);
    assert_eq!(report.truncated_bytes, 30);
    assert_eq!(report.truncated_at, Some((log_path(dir.path(), 0), whole)));
    assert!(report.reason.is_some());
    assert_eq!(log.log_end_offset(), Offset(8));
    assert_eq!(
        std::fs::metadata(log_path(dir.path(), 0))
            .expect("meta")
            .len(),
        whole
    );
    assert_eq!(
        append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS).base_offset,
        Offset(8)
    );
    assert_eq!(read_all(&log, 0).len(), 5);
}

#[test]
fn a_flipped_byte_in_the_last_batch_is_truncated_and_never_served() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sizes = crashed_log(dir.path(), 3);
    let whole: u64 = sizes[..2].iter().map(|&s| s as u64).sum();
    let file = File::options()
        .read(true)
        .write(true)
        .open(log_path(dir.path(), 0))
        .expect("open");
    let at = whole + sizes[2] as u64 - 5;
    let mut byte = [0u8];
    file.read_exact_at(&mut byte, at).expect("read");
    file.write_all_at(&[byte[0] ^ 0x10], at).expect("flip");
    let (log, report) = open_with(dir.path(), small_config());
    assert_eq!(report.truncated_bytes, sizes[2] as u64);
    assert!(
        report.reason.as_deref().is_some_and(|r| r.contains("CRC")),
        "{report:?}"
    );
    assert_eq!(log.log_end_offset(), Offset(4));
    assert_eq!(read_all(&log, 0).len(), 2);
    assert!(matches!(
        log.read(Offset(4), 100, Offset(i64::MAX)),
        Ok(ReadSlice { slice: None, .. })
    ));
}

#[test]
fn a_flipped_base_offset_is_caught_by_the_offset_check() {
    // The CRC does not cover base_offset; recovery's dense-offset check does.
    let dir = tempfile::tempdir().expect("tempdir");
    let sizes = crashed_log(dir.path(), 3);
    let second = sizes[0] as u64;
    let file = File::options()
        .write(true)
        .open(log_path(dir.path(), 0))
        .expect("open");
    file.write_all_at(&77i64.to_be_bytes(), second)
        .expect("damage");
    let (log, report) = open_with(dir.path(), small_config());
    assert_eq!(report.truncated_at, Some((log_path(dir.path(), 0), second)));
    assert_eq!(log.log_end_offset(), Offset(2));
}

#[test]
fn missing_or_garbage_indexes_are_rebuilt_and_reads_still_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = four_segments(
        dir.path(),
        LogConfig {
            index_interval_bytes: 1,
            ..small_config()
        },
    );
    let config = log.config().clone();
    log.close().expect("close");
    let index_of = |base: i64, kind| dir.path().join(segment::file_name(Offset(base), kind));
    std::fs::remove_file(index_of(0, FileKind::Index)).expect("remove");
    std::fs::write(index_of(3, FileKind::TimeIndex), b"garbage!garbage").expect("garbage");
    std::fs::write(
        index_of(6, FileKind::Index),
        [index::header::<OffsetEntry>().as_slice(), &[0, 0, 0, 1]].concat(),
    )
    .expect("odd");
    let (log, report) = open_with(dir.path(), config.clone());
    assert!(report.clean);
    assert_eq!((report.indexes_rebuilt, report.truncated_bytes), (3, 0));
    for offset in 0..12 {
        assert_eq!(read_all(&log, offset)[0].base_offset, offset);
    }
    assert_eq!(
        log.read_at_timestamp(NOW_MS + 1000)
            .expect("lookup")
            .map(|s| headers_in(&bytes_of(&s))[0].base_offset),
        Some(3)
    );
    let rebuilt = File::open(index_of(0, FileKind::Index)).expect("rebuilt index");
    assert_eq!(index::entry_count::<OffsetEntry>(&rebuilt), Ok(2));
    log.close().expect("close");
    assert_eq!(
        open_with(dir.path(), config).1.indexes_rebuilt,
        0,
        "rebuilt indexes pass the next check"
    );
}

#[test]
fn an_index_entry_pointing_past_the_log_is_rebuilt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = four_segments(dir.path(), small_config());
    let config = log.config().clone();
    log.close().expect("close");
    let path = dir
        .path()
        .join(segment::file_name(Offset(0), FileKind::Index));
    let file = File::options()
        .read(true)
        .write(true)
        .open(&path)
        .expect("open");
    let count = index::entry_count::<OffsetEntry>(&file).expect("count");
    index::write_entry(
        &file,
        count,
        &OffsetEntry {
            relative_offset: 2,
            position: index::FilePosition(1 << 30),
        },
    )
    .expect("write");
    let time_path = dir
        .path()
        .join(segment::file_name(Offset(3), FileKind::TimeIndex));
    let time_file = File::options()
        .read(true)
        .write(true)
        .open(&time_path)
        .expect("open");
    let count = index::entry_count::<TimeEntry>(&time_file).expect("count");
    index::write_entry(
        &time_file,
        count,
        &TimeEntry {
            timestamp_ms: i64::MAX,
            relative_offset: 99,
        },
    )
    .expect("write");
    let (log, report) = open_with(dir.path(), config);
    assert_eq!(report.indexes_rebuilt, 2);
    assert_eq!(read_all(&log, 1)[0].base_offset, 1);
}

#[test]
fn a_wrong_index_entry_at_runtime_falls_back_to_a_scan() {
    // Goal: the index is only a hint even while running. Method: point an entry at the wrong
    // batch behind the log's back, then read every offset.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open_with(
        dir.path(),
        LogConfig {
            index_interval_bytes: 1,
            ..small_config()
        },
    )
    .0;
    for _ in 0..6 {
        append(&mut log, &batch_of(2, 30, NOW_MS), NOW_MS);
    }
    let path = dir
        .path()
        .join(segment::file_name(Offset(0), FileKind::Index));
    let file = File::options().write(true).open(&path).expect("open");
    index::write_entry(
        &file,
        2,
        &OffsetEntry {
            relative_offset: 6,
            position: index::FilePosition(3),
        },
    )
    .expect("write");
    for offset in 0..12 {
        assert_eq!(read_all(&log, offset)[0].base_offset, offset - offset % 2);
    }
}

#[test]
fn an_empty_last_segment_and_a_crash_right_after_a_roll_recover() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = batch_of(1, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config.clone()).0;
    append(&mut log, &one, NOW_MS);
    append(&mut log, &one, NOW_MS);
    drop(log);
    // As if the crash came between creating segment 2 and writing to it.
    File::create(log_path(dir.path(), 2)).expect("empty segment");
    let (mut log, report) = open_with(dir.path(), config);
    assert_eq!(report.truncated_bytes, 0);
    assert_eq!((log.segment_count(), log.log_end_offset()), (3, Offset(2)));
    assert_eq!(append(&mut log, &one, NOW_MS).base_offset, Offset(2));
}

#[test]
fn corruption_in_an_unsynced_earlier_segment_drops_the_segments_after_it() {
    // Goal: after a power cut, a rolled but never-fsynced segment is validated too, and the
    // segments after a cut are deleted so offsets stay dense.
    let dir = tempfile::tempdir().expect("tempdir");
    let one = batch_of(1, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64 * 2,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config.clone()).0;
    for _ in 0..5 {
        append(&mut log, &one, NOW_MS);
    }
    drop(log);
    let file = File::options()
        .write(true)
        .open(log_path(dir.path(), 0))
        .expect("open");
    file.set_len(one.len() as u64 + 10).expect("tear segment 0");
    let (log, report) = open_with(dir.path(), config);
    assert_eq!(
        report.truncated_at,
        Some((log_path(dir.path(), 0), one.len() as u64))
    );
    assert_eq!(report.truncated_bytes, 10 + 3 * one.len() as u64);
    assert_eq!((log.segment_count(), log.log_end_offset()), (1, Offset(1)));
    assert!(!log_path(dir.path(), 2).exists() && !log_path(dir.path(), 4).exists());
}

#[test]
fn segments_below_the_recovery_point_are_not_revalidated() {
    let dir = tempfile::tempdir().expect("tempdir");
    let one = batch_of(1, 100, NOW_MS);
    let config = LogConfig {
        segment_bytes: one.len() as u64 * 2,
        ..small_config()
    };
    let mut log = open_with(dir.path(), config.clone()).0;
    for _ in 0..5 {
        append(&mut log, &one, NOW_MS);
    }
    let target = log.sync_target().expect("target");
    target
        .files
        .iter()
        .for_each(|f| f.sync_data().expect("fdatasync"));
    log.mark_flushed(&target);
    drop(log);
    let (log, report) = open_with(dir.path(), config);
    assert_eq!(
        report.indexes_rebuilt, 1,
        "only the active segment is validated"
    );
    assert_eq!(log.log_end_offset(), Offset(5));
}

#[test]
fn stray_index_files_without_a_log_are_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    crashed_log(dir.path(), 1);
    let stray = dir
        .path()
        .join(segment::file_name(Offset(500), FileKind::Index));
    std::fs::write(&stray, b"x").expect("stray");
    let (log, _) = open_with(dir.path(), small_config());
    assert!(!stray.exists());
    assert_eq!(log.log_end_offset(), Offset(2));
}

#[test]
fn batch_headers_lists_every_batch_from_the_one_holding_an_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, _) = four_segments(dir.path(), small_config());
    let headers = log.batch_headers(Offset(4)).expect("headers");
    assert_eq!(
        headers.iter().map(|h| h.base_offset).collect::<Vec<_>>(),
        (4..12).collect::<Vec<_>>()
    );
    assert_eq!(log.batch_headers(Offset(12)).expect("headers").len(), 0);
    assert!(headers
        .iter()
        .all(|h| h.magic == 2 && h.partition_leader_epoch == 0));
    assert_eq!(HEADER_SIZE, 61);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 48, ..proptest::prelude::ProptestConfig::default() })]

    #[test]
    fn recovery_never_panics_and_never_serves_bad_bytes(
        garbage in proptest::collection::vec(proptest::num::u8::ANY, 0..600),
        keep in 0usize..3,
        flip_at in proptest::num::usize::ANY,
    ) {
        // Goal: whatever follows (or replaces part of) good batches, open() recovers and every
        // byte it serves is a whole valid batch. Method: good batches + random tail, optional
        // flipped byte, reopen, read everything.
        let dir = tempfile::tempdir().expect("tempdir");
        let sizes = crashed_log(dir.path(), 3);
        let path = log_path(dir.path(), 0);
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.truncate(sizes[..keep].iter().sum());
        bytes.extend(&garbage);
        if !bytes.is_empty() && flip_at % 2 == 0 {
            let at = flip_at % bytes.len();
            bytes[at] ^= 0x5a;
        }
        std::fs::write(&path, &bytes).expect("write");
        let (log, report) = open_with(dir.path(), small_config());
        let served = read_all(&log, 0);
        proptest::prop_assert_eq!(served.last().map_or(0, |h| h.last_offset() + 1), log.log_end_offset().0);
        proptest::prop_assert!(report.truncated_bytes <= bytes.len() as u64);
    }
}

// ---- committed fixtures ------------------------------------------------------------------

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/test-fixtures");

fn fixture_config() -> LogConfig {
    LogConfig {
        segment_bytes: 400,
        index_interval_bytes: 100,
        ..LogConfig::default()
    }
}

/// The log the `v1-clean` fixture holds: 12 batches of 1-3 records over several segments,
/// closed cleanly.
fn write_fixture_log(dir: &Path) {
    let mut log = open_with(dir, fixture_config()).0;
    for i in 0..12i64 {
        let value = format!("value-{i}");
        let records: Vec<_> = (0..1 + i % 3)
            .map(|r| {
                (
                    Some(b"k".as_slice()),
                    Some(value.as_bytes()),
                    1_000 + i * 10 + r,
                )
            })
            .collect();
        let blob = batch::build(&records, -1, -1, -1);
        append(&mut log, &blob, NOW_MS);
    }
    log.close().expect("close");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

fn sorted_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
#[ignore = "rewrites the committed fixtures; run by hand after a deliberate format change"]
fn regenerate_fixtures() {
    let clean = Path::new(FIXTURES).join("v1-clean");
    let _ = std::fs::remove_dir_all(&clean);
    write_fixture_log(&clean);
    let torn = Path::new(FIXTURES).join("v1-torn-tail");
    let _ = std::fs::remove_dir_all(&torn);
    copy_dir(&clean, &torn);
    std::fs::remove_file(torn.join(checkpoint::CLEAN_SHUTDOWN_FILE)).expect("unclean");
    let last = sorted_files(&torn)
        .into_iter()
        .rfind(|n| n.ends_with(".log"))
        .expect("a segment");
    let file = File::options()
        .write(true)
        .open(torn.join(last))
        .expect("open");
    let len = file.metadata().expect("meta").len();
    file.set_len(len - 7).expect("tear");
}

#[test]
fn this_code_writes_the_committed_v1_format_byte_for_byte() {
    // Goal: the on-disk format does not drift silently. Method: write the fixture's log again
    // and compare every file with the committed copy.
    let dir = tempfile::tempdir().expect("tempdir");
    write_fixture_log(dir.path());
    let committed = Path::new(FIXTURES).join("v1-clean");
    assert_eq!(sorted_files(dir.path()), sorted_files(&committed));
    for name in sorted_files(&committed) {
        let ours = std::fs::read(dir.path().join(&name)).expect("ours");
        assert_eq!(
            ours,
            std::fs::read(committed.join(&name)).expect("committed"),
            "{name} differs"
        );
    }
}

#[test]
fn committed_v1_partition_opens_clean_with_its_offsets_and_records() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&Path::new(FIXTURES).join("v1-clean"), dir.path());
    let (log, report) = open_with(dir.path(), fixture_config());
    assert!(report.clean);
    assert_eq!((report.indexes_rebuilt, report.truncated_bytes), (0, 0));
    assert!(log.segment_count() >= 3);
    assert_eq!(log.log_end_offset(), Offset(24));
    let headers = log.batch_headers(Offset(0)).expect("headers");
    assert_eq!(headers.len(), 12);
    assert_eq!(headers[11].max_timestamp, 1_112);
    // Batch 5 (offsets 9-11) is the first with a max timestamp >= 1050 (1050..=1052).
    assert_eq!(
        log.read_at_timestamp(1_050)
            .expect("lookup")
            .map(|s| headers_in(&bytes_of(&s))[0].base_offset),
        Some(9)
    );
}

#[test]
fn committed_torn_tail_partition_loses_only_its_partial_batch() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&Path::new(FIXTURES).join("v1-torn-tail"), dir.path());
    let (log, report) = open_with(dir.path(), fixture_config());
    assert!(!report.clean);
    assert!(report.truncated_bytes > 0 && report.truncated_at.is_some());
    assert_eq!(
        log.log_end_offset(),
        Offset(21),
        "the last batch (offsets 21-23) was torn"
    );
    assert_eq!(log.batch_headers(Offset(0)).expect("headers").len(), 11);
}

#[test]
#[ignore = "a rough throughput probe, run by hand with --release --nocapture"]
fn append_and_read_throughput_probe() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open_with(
        dir.path(),
        LogConfig {
            segment_bytes: 64 << 20,
            ..LogConfig::default()
        },
    )
    .0;
    let blob = batch_of(10, 100, NOW_MS);
    let infos = batch::validate(&blob, 1 << 20).expect("valid");
    let started = std::time::Instant::now();
    let count = 200_000;
    for _ in 0..count {
        log.append(&blob, &infos, NOW_MS).expect("append");
    }
    let elapsed = started.elapsed();
    let mb = (blob.len() * count) as f64 / 1e6;
    println!(
        "append: {count} batches, {mb:.0} MB in {elapsed:?} ({:.0} MB/s)",
        mb / elapsed.as_secs_f64()
    );
    let started = std::time::Instant::now();
    let mut offset = 0;
    while offset < log.log_end_offset().0 {
        let slice = log
            .read(Offset(offset), 1 << 20, Offset(i64::MAX))
            .expect("read")
            .slice
            .expect("data");
        let last = headers_in(&bytes_of(&slice))
            .last()
            .map(|h| h.last_offset())
            .expect("batch");
        offset = last + 1;
    }
    println!(
        "read back in {:?}, {} segments",
        started.elapsed(),
        log.segment_count()
    );
}

#[test]
fn a_rewritten_log_can_drop_every_segment_before_the_rewrite() {
    // Goal: compaction's primitives. Method: append, roll_now, append the "snapshot", delete
    // before it; the log start moves to the rewrite and later reads and appends still work.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut log = open(dir.path());
    for _ in 0..3 {
        append(&mut log, &batch_of(2, 10, NOW_MS), NOW_MS);
    }
    log.roll_now().expect("roll");
    log.roll_now()
        .expect("a second roll of an empty segment is a no-op");
    let base = log.log_end_offset();
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS);
    let report = log.delete_segments_before(base).expect("delete");
    assert_eq!(report.segments_deleted, 1);
    assert_eq!(log.log_start_offset(), base);
    assert!(
        log.read(Offset(0), 1024, Offset(i64::MAX)).is_err(),
        "below the start is out of range"
    );
    assert_eq!(read_all(&log, base.0).len(), 1);
    append(&mut log, &batch_of(1, 10, NOW_MS), NOW_MS);
    assert_eq!(log.log_end_offset(), Offset(base.0 + 2));
}

#[test]
fn targets_synced_concurrently_may_be_marked_in_any_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, one) = rolling_after_every_batch(dir.path());
    append(&mut log, &one, NOW_MS);
    let first = log.sync_target().expect("target");
    append(&mut log, &one, NOW_MS); // rolls after the first target was handed out
    let second = log.sync_target().expect("target");
    assert!(second.rolls > first.rolls);
    // The first sync to finish vouches only for what it covered: not the roll.
    log.mark_flushed(&first);
    assert_eq!(log.flushed_offset(), Offset(1));
    // The active .log, the sealed segment's indexes and the directory; not the sealed .log.
    assert_eq!(
        log.sync_target()
            .expect("the roll is still unsynced")
            .files
            .len(),
        1 + 2 + 1
    );
    log.mark_flushed(&second);
    assert_eq!(log.flushed_offset(), Offset(2));
    assert!(log.sync_target().is_none());
    // Marked the other way round, the older target moves nothing back.
    append(&mut log, &one, NOW_MS);
    let third = log.sync_target().expect("target");
    append(&mut log, &one, NOW_MS);
    let fourth = log.sync_target().expect("target");
    log.mark_flushed(&fourth);
    log.mark_flushed(&third);
    assert_eq!(log.flushed_offset(), Offset(4));
    assert!(log.sync_target().is_none());
}
