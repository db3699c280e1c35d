//! Idempotent-producer state of one partition: for each producer id, its epoch and the metadata
//! of its last five batches, following Kafka's `ProducerStateManager` rules. Pure data; the
//! partition applies it under its lock and rebuilds it from the log's batch headers at start-up.

use sluice_log::batch::BatchHeader;
use std::collections::{HashMap, VecDeque};

/// Kafka keeps this many batches per producer to recognise retried duplicates (max in-flight 5).
pub const BATCHES_PER_PRODUCER_MAX: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct BatchMeta {
    first_seq: i32,
    last_seq: i32,
    first_offset: i64,
    last_offset: i64,
}

#[derive(Clone, Debug, Default)]
struct ProducerEntry {
    epoch: i16,
    batches: VecDeque<BatchMeta>,
}

/// The verdict on one idempotent batch before it is appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SequenceCheck {
    /// New data in sequence (or from a producer this partition has no state for): append it.
    Append,
    /// A retry of a batch already in the log: answer with its original offsets, append nothing.
    Duplicate { first_offset: i64, last_offset: i64 },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SequenceError {
    #[error("producer {producer_id} epoch {got} is older than the current epoch {current}")]
    FencedEpoch {
        producer_id: i64,
        got: i16,
        current: i16,
    },
    #[error(
        "producer {producer_id}: out of order sequence number: expected {expected}, got {got}"
    )]
    OutOfOrder {
        producer_id: i64,
        expected: i32,
        got: i32,
    },
}

#[derive(Debug, Default)]
pub struct ProducerStates {
    producers: HashMap<i64, ProducerEntry>,
}

const SNAPSHOT_MAGIC: &[u8; 4] = b"SLPS";
const SNAPSHOT_VERSION: u8 = 1;

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (a, b) = self.0.split_at_checked(n)?;
        self.0 = b;
        Some(a)
    }
    fn i64(&mut self) -> Option<i64> {
        Some(i64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
}

fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    next_seq == last_seq.wrapping_add(1) || (last_seq == i32::MAX && next_seq == 0)
}

impl ProducerStates {
    pub fn len(&self) -> usize {
        self.producers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.producers.is_empty()
    }

    /// Check an idempotent batch (producer_id >= 0) against the producer's state.
    pub fn check(&self, h: &BatchHeader) -> Result<SequenceCheck, SequenceError> {
        let Some(entry) = self.producers.get(&h.producer_id) else {
            // Kafka accepts any sequence from a producer it has no state for (new, or expired).
            return Ok(SequenceCheck::Append);
        };
        if h.producer_epoch < entry.epoch {
            return Err(SequenceError::FencedEpoch {
                producer_id: h.producer_id,
                got: h.producer_epoch,
                current: entry.epoch,
            });
        }
        if h.producer_epoch > entry.epoch {
            // A bumped epoch restarts the sequence at 0.
            return match h.base_sequence {
                0 => Ok(SequenceCheck::Append),
                got => Err(SequenceError::OutOfOrder {
                    producer_id: h.producer_id,
                    expected: 0,
                    got,
                }),
            };
        }
        let last_seq = h.last_sequence();
        if let Some(b) = entry
            .batches
            .iter()
            .find(|b| b.first_seq == h.base_sequence && b.last_seq == last_seq)
        {
            return Ok(SequenceCheck::Duplicate {
                first_offset: b.first_offset,
                last_offset: b.last_offset,
            });
        }
        match entry.batches.back() {
            Some(b) if !in_sequence(b.last_seq, h.base_sequence) => {
                Err(SequenceError::OutOfOrder {
                    producer_id: h.producer_id,
                    expected: b.last_seq.wrapping_add(1),
                    got: h.base_sequence,
                })
            }
            _ => Ok(SequenceCheck::Append),
        }
    }

    /// Record an appended idempotent batch (also used when replaying the log at start-up).
    pub fn record(&mut self, h: &BatchHeader, first_offset: i64, last_offset: i64) {
        if h.producer_id < 0 {
            return;
        }
        let entry = self.producers.entry(h.producer_id).or_default();
        if h.producer_epoch != entry.epoch {
            entry.epoch = h.producer_epoch;
            entry.batches.clear();
        }
        if entry.batches.len() == BATCHES_PER_PRODUCER_MAX {
            entry.batches.pop_front();
        }
        entry.batches.push_back(BatchMeta {
            first_seq: h.base_sequence,
            last_seq: h.last_sequence(),
            first_offset,
            last_offset,
        });
    }

    /// Encode a snapshot of the state as of `offset` (the log end when it was taken).
    /// Format v1: "SLPS", version u8, offset i64, producer count u32, per producer
    /// (id i64, epoch i16, batch count u8, per batch first_seq i32, last_seq i32,
    /// first_offset i64, last_offset i64), then CRC-32C of everything before it. Big-endian.
    pub fn snapshot(&self, offset: i64) -> Vec<u8> {
        let mut b = Vec::with_capacity(17 + self.producers.len() * 64);
        b.extend_from_slice(SNAPSHOT_MAGIC);
        b.push(SNAPSHOT_VERSION);
        b.extend_from_slice(&offset.to_be_bytes());
        b.extend_from_slice(&(self.producers.len() as u32).to_be_bytes());
        for (id, e) in &self.producers {
            b.extend_from_slice(&id.to_be_bytes());
            b.extend_from_slice(&e.epoch.to_be_bytes());
            b.push(e.batches.len() as u8);
            for m in &e.batches {
                b.extend_from_slice(&m.first_seq.to_be_bytes());
                b.extend_from_slice(&m.last_seq.to_be_bytes());
                b.extend_from_slice(&m.first_offset.to_be_bytes());
                b.extend_from_slice(&m.last_offset.to_be_bytes());
            }
        }
        let crc = crc32c::crc32c(&b);
        b.extend_from_slice(&crc.to_be_bytes());
        b
    }

    /// Decode a snapshot: the state and the offset it was taken at. None if it is not a valid
    /// v1 snapshot (wrong magic or version, bad CRC, truncated); the caller then replays the log.
    pub fn from_snapshot(bytes: &[u8]) -> Option<(ProducerStates, i64)> {
        let (body, crc) = bytes.split_at_checked(bytes.len().checked_sub(4)?)?;
        if crc32c::crc32c(body).to_be_bytes() != crc {
            return None;
        }
        let mut r = Reader(body);
        if r.take(4)? != SNAPSHOT_MAGIC || r.take(1)?[0] != SNAPSHOT_VERSION {
            return None;
        }
        let offset = r.i64()?;
        let count = r.u32()?;
        let mut states = ProducerStates::default();
        for _ in 0..count {
            let id = r.i64()?;
            let epoch = i16::from_be_bytes(r.take(2)?.try_into().ok()?);
            let n = r.take(1)?[0] as usize;
            let mut batches = VecDeque::with_capacity(n.min(BATCHES_PER_PRODUCER_MAX));
            for _ in 0..n {
                let first_seq = r.u32()? as i32;
                let last_seq = r.u32()? as i32;
                let first_offset = r.i64()?;
                let last_offset = r.i64()?;
                batches.push_back(BatchMeta {
                    first_seq,
                    last_seq,
                    first_offset,
                    last_offset,
                });
            }
            states
                .producers
                .insert(id, ProducerEntry { epoch, batches });
        }
        if !r.0.is_empty() {
            return None;
        }
        Some((states, offset))
    }

    /// The largest producer id seen, so new ids are allocated above it.
    pub fn max_producer_id(&self) -> Option<i64> {
        self.producers.keys().copied().max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(pid: i64, epoch: i16, seq: i32, count: i32) -> BatchHeader {
        let bytes = sluice_log::batch::build(
            &vec![(None, Some(&b"v"[..]), 0i64); count as usize],
            pid,
            epoch,
            seq,
        );
        BatchHeader::parse(&bytes).unwrap()
    }

    #[test]
    fn in_sequence_batches_append_and_retries_are_duplicates() {
        let mut s = ProducerStates::default();
        let a = header(7, 0, 0, 3);
        assert_eq!(s.check(&a), Ok(SequenceCheck::Append));
        s.record(&a, 10, 12);
        let b = header(7, 0, 3, 2);
        assert_eq!(s.check(&b), Ok(SequenceCheck::Append));
        s.record(&b, 13, 14);
        assert_eq!(
            s.check(&a),
            Ok(SequenceCheck::Duplicate {
                first_offset: 10,
                last_offset: 12
            })
        );
    }

    #[test]
    fn a_gap_is_out_of_order() {
        let mut s = ProducerStates::default();
        s.record(&header(7, 0, 0, 3), 0, 2);
        assert!(matches!(
            s.check(&header(7, 0, 5, 1)),
            Err(SequenceError::OutOfOrder {
                expected: 3,
                got: 5,
                ..
            })
        ));
    }

    #[test]
    fn an_older_epoch_is_fenced_and_a_new_epoch_restarts_at_zero() {
        let mut s = ProducerStates::default();
        s.record(&header(7, 2, 0, 1), 0, 0);
        assert!(matches!(
            s.check(&header(7, 1, 1, 1)),
            Err(SequenceError::FencedEpoch { .. })
        ));
        assert_eq!(s.check(&header(7, 3, 0, 1)), Ok(SequenceCheck::Append));
        assert!(matches!(
            s.check(&header(7, 3, 4, 1)),
            Err(SequenceError::OutOfOrder { .. })
        ));
    }

    #[test]
    fn a_snapshot_round_trips_and_a_damaged_one_is_refused() {
        let mut s = ProducerStates::default();
        s.record(&header(7, 1, 0, 3), 10, 12);
        s.record(&header(7, 1, 3, 2), 13, 14);
        s.record(&header(9, 0, 0, 1), 15, 15);
        let bytes = s.snapshot(16);
        let (back, offset) = ProducerStates::from_snapshot(&bytes).unwrap();
        assert_eq!(offset, 16);
        assert_eq!(back.len(), 2);
        assert_eq!(
            back.check(&header(7, 1, 3, 2)),
            Ok(SequenceCheck::Duplicate {
                first_offset: 13,
                last_offset: 14
            })
        );
        assert_eq!(back.check(&header(7, 1, 5, 1)), Ok(SequenceCheck::Append));
        for i in 0..bytes.len() {
            let mut bad = bytes.clone();
            bad[i] ^= 0x40;
            assert!(
                ProducerStates::from_snapshot(&bad).is_none(),
                "flip at {i} accepted"
            );
        }
        assert!(ProducerStates::from_snapshot(&bytes[..bytes.len() - 1]).is_none());
    }

    #[test]
    fn only_the_last_five_batches_are_remembered() {
        let mut s = ProducerStates::default();
        for i in 0..7 {
            s.record(&header(1, 0, i, 1), i as i64, i as i64);
        }
        // The first batch fell out of the window: a retry of it is now out of order.
        assert!(s.check(&header(1, 0, 0, 1)).is_err());
        assert!(matches!(
            s.check(&header(1, 0, 6, 1)),
            Ok(SequenceCheck::Duplicate { .. })
        ));
    }
}
