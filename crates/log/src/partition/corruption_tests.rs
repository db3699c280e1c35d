//! Corruption at rest: bytes flipped inside a sealed segment and inside the active one after
//! they were written. Reads check every batch they serve (framing, dense offsets, CRC-32C), so
//! a damaged batch is never handed out: a read stops before it, a read starting at it fails with
//! `LogError::Corrupt` naming the segment file, position and offset, and batches after it stay
//! readable. Recovery never cuts a segment that was fsynced whole for a CRC mismatch: it keeps
//! the batch and reports it.

use super::*;
use std::os::unix::fs::FileExt;

const NOW_MS: i64 = 1_700_000_000_000;

fn config() -> LogConfig {
    LogConfig {
        segment_bytes: 2000,
        index_interval_bytes: 200,
        ..LogConfig::default()
    }
}

fn batch(records: usize, tag: u8) -> Vec<u8> {
    let values: Vec<Vec<u8>> = (0..records).map(|i| vec![tag ^ i as u8; 60]).collect();
    let rows: Vec<_> = values
        .iter()
        .map(|v| {
            (
                Some(b"key".as_slice()),
                Some(v.as_slice()),
                NOW_MS + i64::from(tag),
            )
        })
        .collect();
    batch::build(&rows, -1, -1, -1)
}

/// A log of 30 batches of 3 records over several segments; returns the batches' base offsets.
fn filled(dir: &Path) -> (PartitionLog, Vec<i64>) {
    let (mut log, _) = PartitionLog::open(dir, config(), FileBudget::new(16)).expect("open");
    let mut bases = Vec::new();
    for i in 0..30u8 {
        let blob = batch(3, i);
        let infos = batch::validate(&blob, usize::MAX).expect("valid");
        bases.push(
            log.append(&blob, &infos, NOW_MS)
                .expect("append")
                .base_offset
                .0,
        );
    }
    let target = log.sync_target().expect("target");
    for f in &target.files {
        f.sync_data().expect("sync");
    }
    log.mark_flushed(&target);
    assert!(log.segment_count() >= 3, "the test needs sealed segments");
    (log, bases)
}

/// (segment base, position in its file) of the batch at `offset`.
fn where_is(log: &PartitionLog, offset: i64) -> (PathBuf, u64) {
    let read = log.read(Offset(offset), 1, Offset(i64::MAX)).expect("read");
    let slice = read.slice.expect("slice");
    let segment = &log.segments[log.segment_index(offset)];
    (
        log.storage.path(segment.base, FileKind::Log),
        slice.position,
    )
}

fn flip(path: &Path, at: u64) {
    let file = File::options()
        .read(true)
        .write(true)
        .open(path)
        .expect("open");
    let mut b = [0u8; 1];
    file.read_exact_at(&mut b, at).expect("read");
    file.write_all_at(&[b[0] ^ 0x40], at).expect("write");
}

fn served_offsets(log: &PartitionLog, from: i64) -> Result<Vec<i64>, LogError> {
    let read = log.read(Offset(from), u32::MAX, Offset(i64::MAX))?;
    let Some(slice) = read.slice else {
        return Ok(Vec::new());
    };
    let mut bytes = vec![0u8; slice.len as usize];
    slice
        .file
        .read_exact_at(&mut bytes, slice.position)
        .expect("pread");
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let h = batch::check_frame(&bytes[at..]).expect("served batches are sound");
        assert!(batch::crc_matches(&bytes[at..at + h.total_size()], &h));
        out.push(h.base_offset);
        at += h.total_size();
    }
    Ok(out)
}

fn assert_corrupt_at(result: Result<Vec<i64>, LogError>, segment: &Path, offset: i64) {
    match result {
        Err(LogError::Corrupt {
            segment: s,
            offset: o,
            ..
        }) => {
            assert_eq!(s, segment);
            assert_eq!(o, Offset(offset));
        }
        other => panic!("expected a Corrupt error at offset {offset}, got {other:?}"),
    }
}

fn check_damage_is_fenced(log: &PartitionLog, bases: &[i64], k: usize, segment: &Path) {
    let bad = bases[k];
    // Starting at the damaged batch (or inside it): the error, naming file and offset.
    assert_corrupt_at(served_offsets(log, bad), segment, bad);
    assert_corrupt_at(served_offsets(log, bad + 2), segment, bad);
    // Starting before it in the same segment: served up to it, never past.
    let seg_start = log.segments[log.segment_index(bad)].base.0;
    let before = served_offsets(log, seg_start).expect("the batches before it");
    assert!(
        before.iter().all(|&o| o < bad),
        "{before:?} must stop before {bad}"
    );
    assert_eq!(
        before.last().copied(),
        bases.iter().copied().rfind(|&o| o < bad && o >= seg_start)
    );
    // After it: readable.
    let after = served_offsets(log, bases[k + 1]).expect("the batch after it");
    assert_eq!(after.first(), Some(&bases[k + 1]));
    // By timestamp: the damaged batch is never returned either.
    let ts = NOW_MS + k as i64;
    assert!(matches!(
        log.read_at_timestamp(ts),
        Err(LogError::Corrupt { .. })
    ));
}

#[test]
fn a_flipped_byte_in_a_sealed_segment_is_never_served_and_survives_restarts() {
    // Goal: damage in an old segment is caught by CRC on read, fenced, and never cut by a
    // restart (clean or not). Method: flip one record byte of a batch in segment 0, read
    // around it, close and reopen, then reopen after an unclean drop, and read again.
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, bases) = filled(dir.path());
    let k = 3;
    let (segment, position) = where_is(&log, bases[k]);
    assert_eq!(log.segment_index(bases[k]), 0);
    flip(&segment, position + 70); // inside the records, covered by the CRC only
    check_damage_is_fenced(&log, &bases, k, &segment);
    let end = log.log_end_offset();
    log.close().expect("close");
    let (log, report) =
        PartitionLog::open(dir.path(), config(), FileBudget::new(16)).expect("reopen");
    assert!(report.clean && report.truncated_bytes == 0);
    assert_eq!(log.log_end_offset(), end);
    check_damage_is_fenced(&log, &bases, k, &segment);
    drop(log); // unclean
    let (log, report) =
        PartitionLog::open(dir.path(), config(), FileBudget::new(16)).expect("reopen");
    assert!(!report.clean);
    assert_eq!(
        report.truncated_bytes, 0,
        "a segment fsynced whole is never cut for a CRC"
    );
    assert_eq!(log.log_end_offset(), end);
    check_damage_is_fenced(&log, &bases, k, &segment);
}

#[test]
fn a_flipped_byte_in_the_active_segment_is_never_served() {
    // Goal: the same at run time in the segment being appended to.
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut log, mut bases) = filled(dir.path());
    let last = log.segments.len() - 1;
    let active_base = log.segments[last].base.0;
    let k = bases
        .iter()
        .position(|&b| b > active_base)
        .expect("two batches in the active segment");
    let (segment, position) = where_is(&log, bases[k]);
    flip(&segment, position + 100);
    // One more append after the damage, so a batch follows it.
    let blob = batch(3, 99);
    let infos = batch::validate(&blob, usize::MAX).expect("valid");
    bases.push(
        log.append(&blob, &infos, NOW_MS)
            .expect("append")
            .base_offset
            .0,
    );
    check_damage_is_fenced(&log, &bases, k, &segment);
}

#[test]
fn a_flipped_base_offset_is_caught_although_no_crc_covers_it() {
    // Goal: bytes 0..8 (base offset) are outside the CRC; the dense-offset check catches them.
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, bases) = filled(dir.path());
    let k = 4;
    let (segment, position) = where_is(&log, bases[k]);
    flip(&segment, position + 7);
    assert_corrupt_at(served_offsets(&log, bases[k]), &segment, bases[k]);
    let before = served_offsets(&log, bases[k - 1]).expect("before");
    assert_eq!(before, vec![bases[k - 1]]);
}

#[test]
fn recovery_keeps_and_reports_a_damaged_batch_in_a_segment_fsynced_whole() {
    // Goal: when recovery has to validate a segment that was fsynced whole (here: its index is
    // garbage), a CRC mismatch is reported, not cut, and the segments after it are kept.
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, bases) = filled(dir.path());
    let k = 2;
    let (segment, position) = where_is(&log, bases[k]);
    let end = log.log_end_offset();
    log.close().expect("close");
    flip(&segment, position + 80);
    std::fs::write(segment.with_extension("index"), b"garbage").expect("spoil the index");
    let (log, report) =
        PartitionLog::open(dir.path(), config(), FileBudget::new(16)).expect("reopen");
    assert_eq!(report.truncated_bytes, 0);
    assert_eq!(
        report.corrupt_batches,
        vec![CorruptBatch {
            segment: segment.clone(),
            position,
            offset: Offset(bases[k]),
        }]
    );
    assert_eq!(log.log_end_offset(), end);
    check_damage_is_fenced(&log, &bases, k, &segment);
}

#[test]
fn a_damaged_batch_in_the_unsynced_tail_is_cut_and_reported_when_sound_batches_follow() {
    // Goal: after an unclean shutdown the active segment is validated; a CRC mismatch there
    // cannot be told from a torn write, so it is cut, but when sound batches follow it the cut
    // is reported as a corrupt batch (logged at error level and counted by the broker).
    let dir = tempfile::tempdir().expect("tempdir");
    let (log, bases) = filled(dir.path());
    let last = log.segments.len() - 1;
    let active_base = log.segments[last].base.0;
    let k = bases
        .iter()
        .position(|&b| b >= active_base)
        .expect("active batch");
    assert!(k + 1 < bases.len());
    let (segment, position) = where_is(&log, bases[k]);
    drop(log); // unclean
    flip(&segment, position + 90);
    let (log, report) =
        PartitionLog::open(dir.path(), config(), FileBudget::new(16)).expect("reopen");
    assert!(report.truncated_bytes > 0);
    assert_eq!(log.log_end_offset(), Offset(bases[k]));
    assert_eq!(report.corrupt_batches.len(), 1);
    assert_eq!(report.corrupt_batches[0].position, position);
}

#[test]
#[ignore = "a benchmark: cargo test -p sluice-log --release -- --ignored --nocapture read_verification_cost"]
fn read_verification_cost() {
    // What checking every served batch costs: 64 MiB of 16 KiB batches (in the page cache),
    // read back in 1 MiB fetches; the same walk without the CRC check for comparison.
    let dir = tempfile::tempdir().expect("tempdir");
    let config = LogConfig {
        segment_bytes: 1 << 30,
        ..LogConfig::default()
    };
    let (mut log, _) = PartitionLog::open(dir.path(), config, FileBudget::new(16)).expect("open");
    let value = vec![7u8; 16 << 10];
    let blob = batch::build(&[(None, Some(value.as_slice()), NOW_MS)], -1, -1, -1);
    let infos = batch::validate(&blob, usize::MAX).expect("valid");
    for _ in 0..4096 {
        log.append(&blob, &infos, NOW_MS).expect("append");
    }
    let total = log.size_bytes();
    let segment = log.segments[0].clone();
    let file = log.storage.file(&segment, FileKind::Log).expect("file");
    for round in 0..3 {
        let started = std::time::Instant::now();
        let mut served = 0u64;
        let mut offset = 0;
        while offset < log.log_end_offset().0 {
            let read = log
                .read(Offset(offset), 1 << 20, Offset(i64::MAX))
                .expect("read");
            served += u64::from(read.slice.expect("slice").len);
            offset = read.next_offset.expect("next").0;
        }
        let with_check = started.elapsed();
        let started = std::time::Instant::now();
        let mut position = 0;
        let mut buf = vec![0u8; 1 << 20];
        while position < total {
            let n = (total - position).min(1 << 20) as usize;
            file.read_exact_at(&mut buf[..n], position).expect("pread");
            std::hint::black_box(crc32c::crc32c(&buf[..n]));
            position += n as u64;
        }
        let pread_crc = started.elapsed();
        let mib = served as f64 / f64::from(1 << 20);
        println!(
            "round {round}: {mib:.0} MiB served by read() with checks in {:?} ({:.0} µs/MiB, {:.2} GB/s); \
             bare pread+crc32c of the same bytes {:?} ({:.0} µs/MiB)",
            with_check,
            with_check.as_secs_f64() * 1e6 / mib,
            served as f64 / with_check.as_secs_f64() / 1e9,
            pread_crc,
            pread_crc.as_secs_f64() * 1e6 / mib,
        );
    }
}
