//! Opening a partition directory: list its segments, decide how much to trust each one, and
//! bring every segment back to a state the append path could have produced.
//!
//! Trust comes in two levels. A segment is *checked* when the last shutdown was clean or when it
//! lies below the recovery point (it was fsynced whole): its indexes must pass a sanity check
//! (header, length a multiple of the entry size, last `.index` entry pointing at the batch it
//! names, a `.timeindex` entry for a non-empty log, headers walking cleanly from the last index
//! entry to the end of the file). Anything else is *validated*: every batch is replayed through
//! the append path's own checks (framing, magic 2, CRC-32C, dense offsets), the file is
//! truncated at the first bad or partial batch, its indexes are rebuilt from the walk, and the
//! result is fsynced (under `open_deferred`, left to the caller's filesystem sync, which must come
//! before the partition is read or appended to). A checked segment that fails its sanity check
//! is validated too. A clean open with sound indexes writes nothing.
//!
//! Truncating a segment that is not the last would leave a hole in the offsets, so the
//! segments after it are deleted (that data was never fsynced, hence never acknowledged under
//! the default policy). Empty segments other than the last are removed. An empty directory
//! becomes a new partition with one empty segment at offset 0; since retention never deletes the
//! active segment, a directory always keeps a segment whose base offset records where the log
//! starts, and no separate log-start checkpoint is needed.

use crate::batch::{BatchHeader, HEADER_SIZE};
use crate::checkpoint;
use crate::fs_sync::SyncMode;
use crate::index::{self, Cadence, EntryBuffer, FilePosition, OffsetEntry, TimeEntry};
use crate::partition::{CorruptBatch, LogConfig, LogError, RecoveryReport};
use crate::scan::{walk, BatchCursor, WalkRules, CRC_WALK_BUFFER_BYTES, HEADER_WALK_BUFFER_BYTES};
use crate::segment::{self, FileKind, Segment, Storage};
use crate::sys;
use crate::Offset;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// A partition directory brought to a consistent state.
pub(crate) struct Loaded {
    /// By base offset, never empty; the last is the active segment.
    pub(crate) segments: Vec<Segment>,
    /// Index cadence of the active segment, resumed where its files left off.
    pub(crate) cadence: Cadence,
    /// When the active segment got its first batch (-1 if empty), for roll by age.
    pub(crate) first_append_ms: i64,
    /// The recovery point found on disk.
    pub(crate) recovery_point: Offset,
    pub(crate) report: RecoveryReport,
}

/// One segment after loading.
struct SegmentLoad {
    segment: Segment,
    cadence: Cadence,
    /// Bytes cut off the end: (file position, bytes, why).
    cut: Option<(u64, u64, String)>,
    /// Batches kept despite a CRC mismatch (trusted segments only): (position, base offset).
    crc_failures: Vec<(u64, i64)>,
    /// The cut batch was whole and followed by a sound one: more like damage in the middle of
    /// the log than a torn write at its end.
    damaged_mid_log: bool,
    validated: bool,
}

/// Load and repair a partition directory; `sync` says whether repairs are fsynced here.
pub(crate) fn load(
    storage: &Storage,
    config: &LogConfig,
    sync: SyncMode,
) -> Result<Loaded, LogError> {
    std::fs::create_dir_all(&storage.dir)?;
    let bases = list_segments(storage)?;
    let clean = checkpoint::clean_marker_present(&storage.dir)?;
    let recovery_point = checkpoint::read_recovery_point(&storage.dir);
    let mut report = RecoveryReport {
        partition_dir: storage.dir.clone(),
        clean,
        truncated_bytes: 0,
        truncated_at: None,
        indexes_rebuilt: 0,
        reason: None,
        corrupt_batches: Vec::new(),
    };
    if bases.is_empty() {
        let segment = storage.create_segment(Offset(0))?;
        if sync == SyncMode::Now {
            // The new names (the segment's files, and the directory itself if it is new) must
            // be durable before the first append is acknowledged: the flusher only syncs the
            // directory after a roll. Under SyncMode::Caller the caller's syncfs covers them.
            crate::disk::sync_dir(&storage.dir)?;
            if let Some(parent) = storage.dir.parent() {
                crate::disk::sync_dir(parent)?;
            }
        }
        let cadence = Cadence::new(config.index_interval_bytes);
        return Ok(Loaded {
            segments: vec![segment],
            cadence,
            first_append_ms: -1,
            recovery_point,
            report,
        });
    }
    let trust = Trust {
        clean,
        recovery_point,
    };
    let (mut segments, cadence) = load_all(storage, config, &bases, trust, sync, &mut report)?;
    remove_empty_inner_segments(storage, &mut segments)?;
    check_order(storage, &segments)?;
    if sync == SyncMode::Now && (segments.len() != bases.len() || report.truncated_bytes > 0) {
        // Segments deleted by recovery must stay deleted: if a power cut brought a deleted
        // segment's name back, its stale batches would follow on from the new ones written at
        // the same offsets. (Found by power_tests: an acknowledged-looking old tail came back.)
        // Under SyncMode::Caller the caller's syncfs covers the names.
        crate::disk::sync_dir(&storage.dir)?;
    }
    let first_append_ms = match segments.last() {
        Some(active) => first_append_ms(storage, active)?,
        None => -1,
    };
    Ok(Loaded {
        segments,
        cadence,
        first_append_ms,
        recovery_point,
        report,
    })
}

/// What the directory's state files say about how far its segments can be trusted.
#[derive(Clone, Copy)]
struct Trust {
    clean: bool,
    recovery_point: Offset,
}

/// Load every segment in order; stop (deleting the rest) after one that had to be cut or ends
/// short of the next one's base, so offsets stay dense.
fn load_all(
    storage: &Storage,
    config: &LogConfig,
    bases: &[Offset],
    trust: Trust,
    sync: SyncMode,
    report: &mut RecoveryReport,
) -> Result<(Vec<Segment>, Cadence), LogError> {
    let mut segments = Vec::with_capacity(bases.len());
    let mut cadence = Cadence::new(config.index_interval_bytes);
    for (i, &base) in bases.iter().enumerate() {
        let next_base = bases.get(i + 1).copied();
        let trusted = trust.clean || (base < trust.recovery_point && next_base.is_some());
        let how = LoadHow {
            trusted,
            interval_bytes: config.index_interval_bytes,
            sync,
        };
        let loaded = load_segment(storage, base, how, report)?;
        let broken_chain =
            loaded.validated && next_base.is_some_and(|next| loaded.segment.end != next);
        cadence = loaded.cadence;
        segments.push(loaded.segment);
        if loaded.cut.is_some() || broken_chain {
            drop_segments_after(storage, &bases[i + 1..], report)?;
            break;
        }
    }
    Ok((segments, cadence))
}

/// How to load one segment.
#[derive(Clone, Copy)]
struct LoadHow {
    /// Check it (and validate only if the check fails) rather than validate it.
    trusted: bool,
    interval_bytes: u32,
    /// Whether a validated segment is fsynced here.
    sync: SyncMode,
}

/// Load one segment, checked if trusted and it passes, else validated.
fn load_segment(
    storage: &Storage,
    base: Offset,
    how: LoadHow,
    report: &mut RecoveryReport,
) -> Result<SegmentLoad, LogError> {
    let LoadHow {
        trusted,
        interval_bytes,
        sync,
    } = how;
    let segment = Segment::empty(base, storage.budget.next_segment_id());
    let why = if trusted {
        match check_segment(storage, segment.clone(), interval_bytes)? {
            Ok(loaded) => return Ok(loaded),
            Err(why) => why,
        }
    } else {
        "unclean shutdown: validating batch by batch".to_string()
    };
    if trusted {
        tracing::warn!(dir = %storage.dir.display(), segment = %file_path(storage, base), reason = %why, "rebuilding segment indexes");
        report.reason.get_or_insert_with(|| why.clone());
    }
    let loaded = validate_segment(storage, segment, interval_bytes, sync, trusted)?;
    report.indexes_rebuilt += 1;
    for &(position, offset) in &loaded.crc_failures {
        tracing::error!(
            dir = %storage.dir.display(),
            segment = %file_path(storage, base),
            position,
            offset,
            "corrupt batch (CRC-32C mismatch) in a segment that was fsynced whole: kept in place, \
             reads of the partition stop there with a storage error"
        );
        report.corrupt_batches.push(CorruptBatch {
            segment: storage.path(base, FileKind::Log),
            position,
            offset: Offset(offset),
        });
    }
    if let Some((position, bytes, reason)) = &loaded.cut {
        if !trusted && loaded.damaged_mid_log {
            // Not fsynced whole, so this may be a torn write (pages reach the disk in any
            // order) and the cut stands, but sound batches follow: say so loudly.
            tracing::error!(
                dir = %storage.dir.display(),
                segment = %file_path(storage, base),
                position,
                bytes,
                reason = %reason,
                "damaged batch followed by sound ones in the unsynced tail: cutting there (the \
                 bytes after it were never known to be fsynced, so they may be a torn write)"
            );
            report.corrupt_batches.push(CorruptBatch {
                segment: storage.path(base, FileKind::Log),
                position: *position,
                offset: loaded.segment.end,
            });
        }
        if trusted {
            // Framing damage in data that was fsynced: nothing after it can be found, so it
            // must go, but this is lost acknowledged data, not a torn write.
            tracing::error!(
                dir = %storage.dir.display(),
                segment = %file_path(storage, base),
                position,
                bytes,
                reason = %reason,
                "corrupt batch framing in a segment that was fsynced whole: cutting it and the segments after it"
            );
            report.corrupt_batches.push(CorruptBatch {
                segment: storage.path(base, FileKind::Log),
                position: *position,
                offset: loaded.segment.end,
            });
        }
        record_cut(storage, base, *position, *bytes, reason, report);
    }
    Ok(loaded)
}

fn file_path(storage: &Storage, base: Offset) -> String {
    storage.path(base, FileKind::Log).display().to_string()
}

fn record_cut(
    storage: &Storage,
    base: Offset,
    position: u64,
    bytes: u64,
    reason: &str,
    report: &mut RecoveryReport,
) {
    tracing::warn!(
        dir = %storage.dir.display(),
        segment = %file_path(storage, base),
        position,
        bytes,
        reason,
        "truncated a torn or corrupt log tail"
    );
    report.truncated_bytes += bytes;
    report
        .truncated_at
        .get_or_insert_with(|| (storage.path(base, FileKind::Log), position));
    report.reason.get_or_insert_with(|| reason.to_string());
}

/// The segment files' base offsets, in order; removes index files whose `.log` is gone.
fn list_segments(storage: &Storage) -> io::Result<Vec<Offset>> {
    let mut logs = Vec::new();
    let mut indexes = Vec::new();
    for entry in std::fs::read_dir(&storage.dir)? {
        let name = entry?.file_name();
        match segment::parse_file_name(&name.to_string_lossy()) {
            Some((base, FileKind::Log)) => logs.push(base),
            Some((base, kind)) => indexes.push((base, kind)),
            None => {}
        }
    }
    logs.sort();
    for (base, kind) in indexes
        .into_iter()
        .filter(|(base, _)| logs.binary_search(base).is_err())
    {
        tracing::warn!(dir = %storage.dir.display(), base = %base, "removing an index without its log");
        crate::disk::remove_file(&storage.path(base, kind))?;
    }
    Ok(logs)
}

/// Delete segments that can no longer follow on densely.
fn drop_segments_after(
    storage: &Storage,
    bases: &[Offset],
    report: &mut RecoveryReport,
) -> io::Result<()> {
    for &base in bases {
        let bytes = std::fs::metadata(storage.path(base, FileKind::Log))
            .map(|m| m.len())
            .unwrap_or(0);
        tracing::warn!(dir = %storage.dir.display(), segment = %file_path(storage, base), bytes, "deleting a segment that follows a truncated one");
        storage.remove_segment(&Segment::empty(base, 0))?;
        report.truncated_bytes += bytes;
    }
    if !bases.is_empty() {
        let note = format!("deleted {} segment(s) after a truncated one", bases.len());
        report.reason = Some(
            report
                .reason
                .take()
                .map_or(note.clone(), |r| format!("{r}; {note}")),
        );
    }
    Ok(())
}

fn remove_empty_inner_segments(storage: &Storage, segments: &mut Vec<Segment>) -> io::Result<()> {
    let mut i = 0;
    while i + 1 < segments.len() {
        if segments[i].is_empty() {
            tracing::warn!(dir = %storage.dir.display(), base = %segments[i].base, "removing an empty segment that is not the last");
            storage.remove_segment(&segments.remove(i))?;
        } else {
            i += 1;
        }
    }
    Ok(())
}

/// Offsets may have gaps between checked segments (warned) but never overlap.
fn check_order(storage: &Storage, segments: &[Segment]) -> Result<(), LogError> {
    for pair in segments.windows(2) {
        let (this, next) = (&pair[0], &pair[1]);
        if this.end > next.base {
            let message = format!(
                "{}: segment {} ends at offset {} past the next segment's base {}",
                storage.dir.display(),
                this.base,
                this.end,
                next.base
            );
            return Err(io::Error::new(io::ErrorKind::InvalidData, message).into());
        }
        if this.end < next.base {
            tracing::warn!(dir = %storage.dir.display(), from = %this.end, to = %next.base, "offset gap between segments");
        }
    }
    Ok(())
}

/// Open an index file for checking; a missing one is a defect, not an error.
fn open_index(
    storage: &Storage,
    segment: &Segment,
    kind: FileKind,
) -> io::Result<Result<std::sync::Arc<File>, String>> {
    match storage.file(segment, kind) {
        Ok(file) => Ok(Ok(file)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Ok(Err(format!(".{} is missing", kind.extension())))
        }
        Err(e) => Err(e),
    }
}

/// Sanity-check a trusted segment's indexes and tail; `Err(why)` if it must be validated.
fn check_segment(
    storage: &Storage,
    mut segment: Segment,
    interval_bytes: u32,
) -> io::Result<Result<SegmentLoad, String>> {
    let log = storage.file(&segment, FileKind::Log)?;
    let log_len = log.metadata()?.len();
    let (offsets, times) = match (
        open_index(storage, &segment, FileKind::Index)?,
        open_index(storage, &segment, FileKind::TimeIndex)?,
    ) {
        (Ok(offsets), Ok(times)) => (offsets, times),
        (Err(why), _) | (_, Err(why)) => return Ok(Err(why)),
    };
    let counts = index::entry_count::<OffsetEntry>(&offsets)
        .map_err(|why| format!(".index {why}"))
        .and_then(|o| {
            index::entry_count::<TimeEntry>(&times)
                .map(|t| (o, t))
                .map_err(|why| format!(".timeindex {why}"))
        });
    let (offset_count, time_count) = match counts {
        Ok(counts) => counts,
        Err(why) => return Ok(Err(why)),
    };
    let last_offset_entry = last_entry::<OffsetEntry>(&offsets, offset_count)?;
    let last_time_entry = last_entry::<TimeEntry>(&times, time_count)?;
    let tail = match check_tail(&log, &segment, log_len, last_offset_entry)? {
        Ok(tail) => tail,
        Err(why) => return Ok(Err(why)),
    };
    if log_len == 0 && offset_count > 0 {
        return Ok(Err(".index has entries for an empty log".to_string()));
    }
    if let Err(why) = check_time_index(&segment, log_len, tail.next_offset, last_time_entry) {
        return Ok(Err(why));
    }
    segment.end = Offset(tail.next_offset);
    segment.size_bytes = log_len;
    segment.max_timestamp_ms = last_time_entry.map_or(-1, |t| t.timestamp_ms);
    segment.index_entries = offset_count;
    segment.time_entries = time_count;
    let cadence = Cadence::resume(
        interval_bytes,
        log_len - tail.start_position,
        last_time_entry,
    );
    Ok(Ok(SegmentLoad {
        segment,
        cadence,
        cut: None,
        crc_failures: Vec::new(),
        damaged_mid_log: false,
        validated: false,
    }))
}

fn last_entry<E: index::IndexEntry>(file: &File, count: u32) -> io::Result<Option<E>> {
    if count == 0 {
        return Ok(None);
    }
    index::read_entry::<E>(file, count - 1).map(Some)
}

struct Tail {
    start_position: u64,
    next_offset: i64,
}

/// Walk the headers from the last `.index` entry (which must name the batch it points at) to
/// the end of the file; they must end exactly at the end of the file.
fn check_tail(
    log: &File,
    segment: &Segment,
    log_len: u64,
    last: Option<OffsetEntry>,
) -> io::Result<Result<Tail, String>> {
    let (start_position, start_offset) = match last {
        Some(e) => (
            u64::from(e.position.0),
            segment.base.0 + i64::from(e.relative_offset),
        ),
        None => (0, segment.base.0),
    };
    if start_position > log_len {
        return Ok(Err(format!(
            ".index entry points to byte {start_position} past the log's {log_len} bytes"
        )));
    }
    let mut cursor = BatchCursor::new(log, start_position, log_len, HEADER_WALK_BUFFER_BYTES);
    let rules = WalkRules {
        segment_base: segment.base.0,
        verify_crc: false,
        step_over_crc_failures: false,
    };
    let end = walk(&mut cursor, start_offset, rules, |_, _| {})?;
    match end.bad {
        Some(why) => Ok(Err(format!(
            "log walk from the last index entry at byte {}: {why}",
            end.position
        ))),
        None => Ok(Ok(Tail {
            start_position,
            next_offset: end.next_offset,
        })),
    }
}

/// The last `.timeindex` entry holds the segment's max timestamp, so a non-empty segment needs
/// one, pointing inside the segment.
fn check_time_index(
    segment: &Segment,
    log_len: u64,
    next_offset: i64,
    last: Option<TimeEntry>,
) -> Result<(), String> {
    match last {
        None if log_len > 0 => Err(".timeindex is empty for a non-empty log".to_string()),
        Some(_) if log_len == 0 => Err(".timeindex has entries for an empty log".to_string()),
        Some(e) if segment.base.0 + i64::from(e.relative_offset) >= next_offset => Err(format!(
            ".timeindex entry names offset {} past the log end {next_offset}",
            segment.base.0 + i64::from(e.relative_offset)
        )),
        _ => Ok(()),
    }
}

/// Replay every batch through the append path's checks, cut the file at the first bad one,
/// rebuild both indexes from the walk, and fsync the result (with `SyncMode::Now`).
fn validate_segment(
    storage: &Storage,
    mut segment: Segment,
    interval_bytes: u32,
    sync: SyncMode,
    fsynced_whole: bool,
) -> io::Result<SegmentLoad> {
    let log = storage.file(&segment, FileKind::Log)?;
    let log_len = log.metadata()?.len();
    let fallback_ms = sys::modified_ms(&log).unwrap_or(0);
    let mut rebuild = Rebuild::new(segment.base, interval_bytes);
    let mut cursor = BatchCursor::new(&log, 0, log_len, CRC_WALK_BUFFER_BYTES);
    let rules = WalkRules {
        segment_base: segment.base.0,
        verify_crc: true,
        step_over_crc_failures: fsynced_whole,
    };
    let end = walk(&mut cursor, segment.base.0, rules, |position, header| {
        rebuild.observe(position, header, fallback_ms)
    })?;
    let cut = end
        .bad
        .map(|why| (end.position, log_len - end.position, why));
    let mut damaged_mid_log = false;
    if cut.is_some() {
        damaged_mid_log = sound_batch_follows(&mut cursor, segment.base.0)?;
        crate::disk::set_len(&log, end.position)?;
    }
    let sync_now = sync == SyncMode::Now;
    if sync_now {
        crate::disk::sync_data(&log)?;
    }
    if let Some(entry) = rebuild.cadence.closing_entry() {
        rebuild.times.push(&entry);
    }
    segment::write_fresh_index::<OffsetEntry>(
        &storage.path(segment.base, FileKind::Index),
        &rebuild.offsets.bytes,
        sync_now,
    )?;
    segment::write_fresh_index::<TimeEntry>(
        &storage.path(segment.base, FileKind::TimeIndex),
        &rebuild.times.bytes,
        sync_now,
    )?;
    segment.end = Offset(end.next_offset);
    segment.size_bytes = end.position;
    segment.max_timestamp_ms = rebuild.cadence.max_timestamp_ms();
    segment.index_entries = rebuild.offsets.count;
    segment.time_entries = rebuild.times.count;
    Ok(SegmentLoad {
        segment,
        cadence: rebuild.cadence,
        cut,
        crc_failures: end.crc_failures,
        damaged_mid_log,
        validated: true,
    })
}

/// Whether the batch at the cursor is whole (framing sound) and the one after it is a sound
/// batch with the next offset and a matching CRC: the signature of a damaged batch in the middle
/// of the log rather than a torn write at its end (where nothing sound follows).
fn sound_batch_follows(cursor: &mut BatchCursor<'_>, segment_base: i64) -> io::Result<bool> {
    let crate::scan::Step::Batch(bad) = cursor.peek()? else {
        return Ok(false);
    };
    cursor.advance(&bad);
    let rules = WalkRules {
        segment_base,
        verify_crc: true,
        step_over_crc_failures: false,
    };
    let mut sound = 0u32;
    walk(cursor, bad.last_offset() + 1, rules, |_, _| sound += 1)?;
    Ok(sound > 0)
}

/// Index entries collected while a segment is walked, by the append path's own cadence.
struct Rebuild {
    base: i64,
    cadence: Cadence,
    offsets: EntryBuffer,
    times: EntryBuffer,
}

impl Rebuild {
    fn new(base: Offset, interval_bytes: u32) -> Rebuild {
        let (offsets, times) = (EntryBuffer::default(), EntryBuffer::default());
        Rebuild {
            base: base.0,
            cadence: Cadence::new(interval_bytes),
            offsets,
            times,
        }
    }

    fn observe(&mut self, position: u64, header: &BatchHeader, fallback_ms: i64) {
        let timestamp_ms = if header.max_timestamp >= 0 {
            header.max_timestamp
        } else {
            fallback_ms
        };
        // The walk checked that relative offsets and positions fit a u32.
        let relative = (header.base_offset - self.base) as u32;
        let due = self.cadence.observe(
            relative,
            FilePosition(position as u32),
            header.total_size() as u32,
            timestamp_ms,
        );
        if let Some(entry) = due.offset {
            self.offsets.push(&entry);
        }
        if let Some(entry) = due.time {
            self.times.push(&entry);
        }
    }
}

/// For roll by age after a restart: the first batch's max timestamp (Kafka's rule), or the
/// file's modification time if the batch has none.
fn first_append_ms(storage: &Storage, active: &Segment) -> io::Result<i64> {
    if active.is_empty() {
        return Ok(-1);
    }
    let log = storage.file(active, FileKind::Log)?;
    let mut header = [0u8; HEADER_SIZE];
    log.read_exact_at(&mut header, 0)?;
    match BatchHeader::parse(&header) {
        Some(h) if h.max_timestamp >= 0 => Ok(h.max_timestamp),
        _ => sys::modified_ms(&log),
    }
}
