//! Which partition a produced record goes to, the way the Java client decides: an explicit
//! partition wins; a keyed record goes to `toPositive(murmur2(key)) % partitions`; keyless
//! records share one partition per batch, rotating round-robin from batch to batch.

/// Kafka's murmur2 (`org.apache.kafka.common.utils.Utils.murmur2`), seed 0x9747b28c.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let mut h: u32 = SEED ^ data.len() as u32;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate().rev() {
            h ^= u32::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// The Java client's default partition for a key.
pub fn key_partition(key: &[u8], partition_count: i32) -> i32 {
    debug_assert!(partition_count > 0);
    (murmur2(key) & 0x7fff_ffff) % partition_count
}

/// Chooses partitions for one producer run.
pub struct Partitioner {
    partition_count: i32,
    fixed: Option<i32>,
    round_robin_next: i32,
}

impl Partitioner {
    /// `round_robin_start` picks where keyless batches begin (callers pass something random).
    pub fn new(partition_count: i32, fixed: Option<i32>, round_robin_start: u32) -> Partitioner {
        assert!(partition_count > 0, "a topic has at least one partition");
        let start = (round_robin_start % partition_count as u32) as i32;
        Partitioner {
            partition_count,
            fixed,
            round_robin_next: start,
        }
    }

    /// The partition for keyless records of the next batch; advances the rotation.
    pub fn next_batch(&mut self) -> i32 {
        let p = self.round_robin_next;
        self.round_robin_next = (p + 1) % self.partition_count;
        p
    }

    /// The partition for one record of a batch whose keyless partition is `batch_partition`.
    pub fn partition(&self, key: Option<&[u8]>, batch_partition: i32) -> i32 {
        match (self.fixed, key) {
            (Some(p), _) => p,
            (None, Some(key)) => key_partition(key, self.partition_count),
            (None, None) => batch_partition,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Goal: hashes match the Java client bit for bit; method: vectors from Kafka's
    /// `UtilsTest.testMurmur2`.
    #[test]
    fn murmur2_matches_the_java_client() {
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (
                b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58_897_971,
            ),
            (b"abc", 479_470_107),
        ];
        for (key, hash) in cases {
            assert_eq!(murmur2(key), hash, "{}", String::from_utf8_lossy(key));
        }
    }

    /// Goal: keyed placement uses the positive hash modulo the count; method: a known key.
    #[test]
    fn keyed_records_use_positive_hash_modulo() {
        // (-790332482 & 0x7fffffff) = 1357151166; 1357151166 % 50 = 16.
        assert_eq!(key_partition(b"foobar", 50), 16);
        let p = Partitioner::new(50, None, 0);
        assert_eq!(p.partition(Some(b"foobar"), 3), 16);
    }

    /// Goal: explicit partitions win and keyless batches rotate; method: drive a Partitioner.
    #[test]
    fn keyless_batches_rotate_and_fixed_partition_wins() {
        let mut p = Partitioner::new(3, None, 7);
        let batches: Vec<i32> = (0..4).map(|_| p.next_batch()).collect();
        assert_eq!(batches, vec![1, 2, 0, 1]);
        assert_eq!(p.partition(None, 2), 2);
        let fixed = Partitioner::new(3, Some(1), 0);
        assert_eq!(fixed.partition(Some(b"foobar"), 0), 1);
        assert_eq!(fixed.partition(None, 0), 1);
    }
}
