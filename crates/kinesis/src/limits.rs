//! Optional emulation of Kinesis's per-shard provisioned limits (off by default): 1 MiB/s and
//! 1,000 records/s in, 2 MiB/s and 5 GetRecords calls/s out. Each limit is a token bucket
//! holding one second's worth, refilled continuously, so short bursts pass and sustained
//! overload is refused with ProvisionedThroughputExceededException, as on AWS.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

pub const PUT_BYTES_PER_SEC: f64 = 1_048_576.0;
pub const PUT_RECORDS_PER_SEC: f64 = 1000.0;
pub const GET_BYTES_PER_SEC: f64 = 2_097_152.0;
pub const GET_CALLS_PER_SEC: f64 = 5.0;

struct Bucket {
    tokens: f64,
    rate: f64,
    at: Instant,
}

impl Bucket {
    fn new(rate: f64, now: Instant) -> Bucket {
        Bucket {
            tokens: rate,
            rate,
            at: now,
        }
    }

    fn refill(&mut self, now: Instant) {
        let dt = now.duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(self.rate);
        self.at = now;
    }
}

struct ShardBuckets {
    put_bytes: Bucket,
    put_records: Bucket,
    get_bytes: Bucket,
    get_calls: Bucket,
}

#[derive(Default)]
pub struct ShardLimits {
    shards: Mutex<HashMap<(String, i32), ShardBuckets>>,
}

impl ShardLimits {
    fn with<T>(
        &self,
        stream: &str,
        shard: i32,
        f: impl FnOnce(&mut ShardBuckets, Instant) -> T,
    ) -> T {
        let now = Instant::now();
        let mut map = self.shards.lock().unwrap();
        let b = map
            .entry((stream.to_string(), shard))
            .or_insert_with(|| ShardBuckets {
                put_bytes: Bucket::new(PUT_BYTES_PER_SEC, now),
                put_records: Bucket::new(PUT_RECORDS_PER_SEC, now),
                get_bytes: Bucket::new(GET_BYTES_PER_SEC, now),
                get_calls: Bucket::new(GET_CALLS_PER_SEC, now),
            });
        f(b, now)
    }

    /// Admit (and charge) a put of `records` records totalling `bytes` to one shard.
    pub fn admit_put(&self, stream: &str, shard: i32, records: usize, bytes: usize) -> bool {
        self.with(stream, shard, |b, now| {
            b.put_bytes.refill(now);
            b.put_records.refill(now);
            if b.put_bytes.tokens < bytes as f64 || b.put_records.tokens < records as f64 {
                return false;
            }
            b.put_bytes.tokens -= bytes as f64;
            b.put_records.tokens -= records as f64;
            true
        })
    }

    /// Admit one GetRecords call; refused while the call rate or the read bytes are over limit.
    pub fn admit_get(&self, stream: &str, shard: i32) -> bool {
        self.with(stream, shard, |b, now| {
            b.get_calls.refill(now);
            b.get_bytes.refill(now);
            if b.get_calls.tokens < 1.0 || b.get_bytes.tokens < 0.0 {
                return false;
            }
            b.get_calls.tokens -= 1.0;
            true
        })
    }

    /// Charge the bytes a GetRecords call returned (may go negative: the next calls wait).
    pub fn charge_get(&self, stream: &str, shard: i32, bytes: usize) {
        self.with(stream, shard, |b, _| b.get_bytes.tokens -= bytes as f64)
    }

    pub fn forget_stream(&self, stream: &str) {
        self.shards.lock().unwrap().retain(|(s, _), _| s != stream);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn puts_over_a_second_of_quota_are_refused() {
        let l = ShardLimits::default();
        assert!(l.admit_put("s", 0, 500, 1000));
        assert!(l.admit_put("s", 0, 500, 1000));
        assert!(!l.admit_put("s", 0, 10, 10), "1,000 records/s used up");
        assert!(
            l.admit_put("s", 1, 10, 10),
            "other shards have their own quota"
        );
        assert!(!l.admit_put("t", 0, 1, 2 << 20), "over 1 MiB in one go");
    }

    #[test]
    fn five_gets_per_second() {
        let l = ShardLimits::default();
        for _ in 0..5 {
            assert!(l.admit_get("s", 0));
        }
        assert!(!l.admit_get("s", 0));
        let l = ShardLimits::default();
        assert!(l.admit_get("s", 0));
        l.charge_get("s", 0, 5 << 20);
        assert!(!l.admit_get("s", 0), "read bytes over quota");
    }
}
