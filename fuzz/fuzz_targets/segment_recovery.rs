//! Segment recovery over arbitrary bytes: the input is written as a partition's only segment
//! (no clean-shutdown marker, so the whole tail is validated) and the partition is opened.
//! (`open_deferred`: the same recovery, with the syncs left to the caller, so it runs faster.)
//! Opening must not panic, and what the log then serves must be a CRC-valid prefix: whole v2
//! batches, each passing `batch::check_frame`, at contiguous offsets up to the log end.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sluice_log::{batch, FileBudget, LogConfig, Offset, PartitionLog};
use std::os::unix::fs::FileExt;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().expect("temp dir");
    let part = dir.path().join("t-0");
    std::fs::create_dir(&part).expect("partition dir");
    std::fs::write(part.join(format!("{:020}.log", 0)), data).expect("segment");
    let Ok((log, _report)) =
        PartitionLog::open_deferred(&part, LogConfig::default(), FileBudget::new(8))
    else {
        return;
    };
    let end = log.log_end_offset();
    let mut next = log.log_start_offset();
    while next < end {
        let read = log
            .read(next, 1 << 20, end)
            .expect("read below the log end");
        let Some(slice) = read.slice else {
            panic!("no batch at {next} below the log end {end}");
        };
        let mut buf = vec![0u8; slice.len as usize];
        slice
            .file
            .read_exact_at(&mut buf, slice.position)
            .expect("read");
        let mut at = 0;
        while at < buf.len() {
            let h = batch::check_frame(&buf[at..]).expect("served batches are CRC-valid");
            assert!(
                h.base_offset <= next.0 && h.last_offset() >= next.0 || h.base_offset == next.0,
                "batch {}..={} served for offset {next}",
                h.base_offset,
                h.last_offset()
            );
            next = Offset(h.last_offset() + 1);
            at += h.total_size();
        }
    }
    assert_eq!(next, end, "the served batches end at the log end");
});
