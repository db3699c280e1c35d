//! Kinesis sequence numbers for Sluice offsets.
//!
//! Real Kinesis sequence numbers are 56-digit decimals: 186-bit integers whose hex layout
//! (reverse-engineered by kinesalite, and consistent with AWS's documented examples) is
//!
//! ```text
//! '2' | 9 hex: shard creation, epoch s | 1 hex: shard index low nibble | 16 hex: sequence index |
//! '00' | 9 hex: arrival, epoch s | 8 hex: shard index | '2'
//! ```
//!
//! Sluice uses that layout with the sequence index set to the Kafka offset, so a sequence
//! number decodes back to (shard, offset): strictly increasing per shard (the offset field
//! outranks the arrival field), unique per stream (the shard index is in it), and shaped like
//! AWS's. The index of the record at offset o is o + 1; index 0 is the shard's starting number. A closed shard's ending sequence number uses the index 0x7fff_ffff_ffff_ffff.

/// The sequence index used for a closed shard's EndingSequenceNumber.
pub const ENDING_INDEX: u64 = 0x7fff_ffff_ffff_ffff;
const SECS_MASK: u64 = (1 << 36) - 1;

/// A 256-bit unsigned integer as four 64-bit limbs, most significant first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct U256([u64; 4]);

impl U256 {
    fn from_nibbles(nibbles: &[u8]) -> U256 {
        let mut v = U256([0; 4]);
        for &n in nibbles {
            v.shl4_add(n as u64);
        }
        v
    }

    fn shl4_add(&mut self, n: u64) {
        let l = &mut self.0;
        l[0] = (l[0] << 4) | (l[1] >> 60);
        l[1] = (l[1] << 4) | (l[2] >> 60);
        l[2] = (l[2] << 4) | (l[3] >> 60);
        l[3] = (l[3] << 4) | n;
    }

    /// self * 10 + d; None on overflow.
    fn mul10_add(self, d: u64) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut carry = d as u128;
        for i in (0..4).rev() {
            let x = self.0[i] as u128 * 10 + carry;
            out[i] = x as u64;
            carry = x >> 64;
        }
        (carry == 0).then_some(U256(out))
    }

    /// (self / d, self % d) for a small divisor.
    fn divrem(self, d: u64) -> (U256, u64) {
        let mut out = [0u64; 4];
        let mut rem: u128 = 0;
        for (o, &limb) in out.iter_mut().zip(&self.0) {
            let x = (rem << 64) | limb as u128;
            *o = (x / d as u128) as u64;
            rem = x % d as u128;
        }
        (U256(out), rem as u64)
    }

    fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    fn to_decimal(mut self) -> String {
        if self.is_zero() {
            return "0".into();
        }
        let mut chunks = Vec::new();
        while !self.is_zero() {
            let (q, r) = self.divrem(10_000_000_000_000_000_000);
            chunks.push(r);
            self = q;
        }
        let mut s = chunks.pop().unwrap().to_string();
        let mut buf = [0u8; 19];
        for &c in chunks.iter().rev() {
            // Zero-padded to 19 digits, without the formatting machinery (hot path).
            let mut c = c;
            for d in buf.iter_mut().rev() {
                *d = b'0' + (c % 10) as u8;
                c /= 10;
            }
            s.push_str(std::str::from_utf8(&buf).unwrap_or_default());
        }
        s
    }

    fn parse_decimal(s: &str) -> Option<U256> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let mut v = U256([0; 4]);
        for b in s.bytes() {
            v = v.mul10_add((b - b'0') as u64)?;
        }
        Some(v)
    }

    /// The hex digits, without leading zeros.
    fn nibbles(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        for limb in self.0 {
            for i in (0..16).rev() {
                out.push(((limb >> (i * 4)) & 0xf) as u8);
            }
        }
        let first = out.iter().position(|&n| n != 0).unwrap_or(out.len());
        out.split_off(first)
    }
}

fn push_hex(out: &mut Vec<u8>, value: u64, digits: usize) {
    for i in (0..digits).rev() {
        out.push(((value >> (i * 4)) & 0xf) as u8);
    }
}

/// The sequence number of the record at `offset` in shard `shard`, created at
/// `shard_created_ms`, that arrived at `arrival_ms`.
pub fn encode(shard: i32, shard_created_ms: i64, index: u64, arrival_ms: i64) -> String {
    let secs = |ms: i64| ((ms.max(0) / 1000) as u64).min(SECS_MASK);
    let shard = shard as u32 as u64;
    let mut n = Vec::with_capacity(47);
    n.push(2);
    push_hex(&mut n, secs(shard_created_ms), 9);
    push_hex(&mut n, shard & 0xf, 1);
    push_hex(&mut n, index, 16);
    push_hex(&mut n, 0, 2);
    push_hex(&mut n, secs(arrival_ms), 9);
    push_hex(&mut n, shard, 8);
    n.push(2);
    U256::from_nibbles(&n).to_decimal()
}

/// 2^80, one step of the sequence index (the 20 nibbles after the index field), in base-10^8
/// limbs, least significant first.
const INDEX_STEP: [u32; 4] = [74_706_176, 96_146_291, 20_892_581, 1];

/// Base of the limbs a [`Run`] keeps: 8 decimal digits each.
const LIMB: u32 = 100_000_000;

/// Limbs of a run: 8 × 8 = 64 digits hold any sequence number (at most 57 digits).
const LIMBS: usize = 8;

/// Writes sequence numbers for runs of records without redoing the 256-bit division for each:
/// the next record of the same shard, shard creation second and arrival second differs from
/// the last one written for that shard by exactly 2^80, which is added to the number in place.
/// One run is kept per shard (a PutRecords reply interleaves shards), up to
/// [`SeqEncoder::SHARDS`] of them; any other record is encoded in full. The text is exactly
/// [`for_record`]'s.
#[derive(Clone, Default)]
pub struct SeqEncoder {
    runs: Vec<Run>,
    /// The run replaced next once every slot is taken.
    evict: usize,
}

#[derive(Clone)]
struct Run {
    /// (shard, shard creation second, arrival second) of the number in `digits`.
    key: (i32, i64, i64),
    index: u64,
    /// The number in base-10^8 limbs, least significant first.
    limbs: [u32; LIMBS],
    /// Its decimal digits, right-aligned: `digits[start..]`. Limb `i` is rendered at
    /// `digits[DIGITS - 8 * (i + 1)..DIGITS - 8 * i]`.
    digits: [u8; DIGITS],
    start: usize,
}

const DIGITS: usize = 8 * LIMBS;

/// "00" through "99".
const PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

impl Run {
    fn add_step(&mut self) {
        let mut carry = 0u32;
        let mut i = 0;
        while i < LIMBS && (i < INDEX_STEP.len() || carry > 0) {
            let sum = self.limbs[i] + INDEX_STEP.get(i).copied().unwrap_or(0) + carry;
            (self.limbs[i], carry) = if sum >= LIMB {
                (sum - LIMB, 1)
            } else {
                (sum, 0)
            };
            self.render(i);
            i += 1;
        }
        self.start = self.start.min(self.first_digit());
    }

    /// Write limb `i`'s 8 digits, leading zeros included.
    fn render(&mut self, i: usize) {
        let mut v = self.limbs[i];
        let end = DIGITS - 8 * i;
        for pos in [end - 2, end - 4, end - 6, end - 8] {
            self.digits[pos..pos + 2].copy_from_slice(&PAIRS[(v % 100) as usize]);
            v /= 100;
        }
    }

    /// Where the number's first significant digit is in `digits`.
    fn first_digit(&self) -> usize {
        let Some(top) = self.limbs.iter().rposition(|&l| l != 0) else {
            return DIGITS - 1;
        };
        let width = self.limbs[top].ilog10() as usize + 1;
        DIGITS - 8 * top - width
    }

    fn set(&mut self, text: &str) {
        let text = text.as_bytes();
        self.limbs = [0; LIMBS];
        for (i, chunk) in text.rchunks(8).enumerate() {
            self.limbs[i] = chunk
                .iter()
                .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
            self.render(i);
        }
        self.start = self.first_digit();
    }
}

impl SeqEncoder {
    /// Shards whose runs are kept at once.
    pub const SHARDS: usize = 64;

    pub fn new() -> SeqEncoder {
        SeqEncoder::default()
    }

    /// The sequence number of the record at `offset` (as [`for_record`]), as ASCII digits.
    pub fn record(
        &mut self,
        shard: i32,
        shard_created_ms: i64,
        offset: i64,
        arrival_ms: i64,
    ) -> &[u8] {
        let index = (offset.max(-1) + 1) as u64;
        let key = (
            shard,
            shard_created_ms.max(0) / 1000,
            arrival_ms.max(0) / 1000,
        );
        let slot = match self.runs.iter().position(|r| r.key.0 == shard) {
            Some(i) => i,
            None if self.runs.len() < Self::SHARDS => {
                self.runs.push(Run {
                    key,
                    index: u64::MAX,
                    limbs: [0; LIMBS],
                    digits: [b'0'; DIGITS],
                    start: DIGITS,
                });
                self.runs.len() - 1
            }
            None => {
                let i = self.evict;
                self.evict = (self.evict + 1) % Self::SHARDS;
                self.runs[i].index = u64::MAX;
                i
            }
        };
        let run = &mut self.runs[slot];
        if run.key == key && run.index.checked_add(1) == Some(index) {
            run.add_step();
        } else {
            run.set(&encode(shard, shard_created_ms, index, arrival_ms));
            run.key = key;
        }
        run.index = index;
        &run.digits[run.start..]
    }
}

/// A decoded sequence number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub shard: i32,
    pub index: u64,
}

/// Decode a sequence number made by `encode`; None if it is not one.
pub fn decode(s: &str) -> Option<Decoded> {
    let v = U256::parse_decimal(s)?;
    let n = v.nibbles();
    if n.len() != 47 || n[0] != 2 || n[46] != 2 {
        return None;
    }
    let take = |from: usize, len: usize| {
        n[from..from + len]
            .iter()
            .fold(0u64, |acc, &d| (acc << 4) | d as u64)
    };
    let low_nibble = take(10, 1);
    let index = take(11, 16);
    let shard = take(38, 8);
    if shard & 0xf != low_nibble || shard > i32::MAX as u64 {
        return None;
    }
    Some(Decoded {
        shard: shard as i32,
        index,
    })
}

/// The sequence number of the record at `offset`. Record sequence indexes are offset + 1, so
/// index 0 (a shard's StartingSequenceNumber) sorts before every record: AFTER_SEQUENCE_NUMBER
/// with it starts at the shard's first record, as on AWS.
pub fn for_record(shard: i32, shard_created_ms: i64, offset: i64, arrival_ms: i64) -> String {
    encode(
        shard,
        shard_created_ms,
        (offset.max(-1) + 1) as u64,
        arrival_ms,
    )
}

/// The offset a decoded sequence number points at (-1 for a shard's starting number).
pub fn offset_of(d: &Decoded) -> i64 {
    i64::try_from(d.index).unwrap_or(i64::MAX).saturating_sub(1)
}

/// Whether `s` is a decimal sequence number at all (the API's `0|([1-9]\d{0,128})`).
pub fn is_well_formed(s: &str) -> bool {
    s == "0"
        || (!s.is_empty()
            && s.len() <= 129
            && s.as_bytes()[0] != b'0'
            && s.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_aws_documentation_example() {
        // From the Kinesis API reference; shard 0, sequence index 5501 (0x157d).
        let d = decode("49543463076548007577105092703039560359975228518395019266").unwrap();
        assert_eq!(
            d,
            Decoded {
                shard: 0,
                index: 5501
            }
        );
    }

    #[test]
    fn round_trips_and_orders() {
        let created = 1_795_000_000_000;
        let a = encode(3, created, 0, created + 10);
        let b = encode(3, created, 1, created);
        let c = encode(3, created, 1_000_000, created + 99_000);
        assert_eq!(a.len(), 56);
        assert_eq!(decode(&a), Some(Decoded { shard: 3, index: 0 }));
        assert_eq!(
            decode(&c),
            Some(Decoded {
                shard: 3,
                index: 1_000_000
            })
        );
        let num = |s: &str| U256::parse_decimal(s).unwrap().0;
        assert!(num(&a) < num(&b) && num(&b) < num(&c));
        let other_shard = encode(4, created, 0, created + 10);
        assert_ne!(other_shard, a);
        assert_eq!(decode(&other_shard).unwrap().shard, 4);
        let end = encode(17, created, ENDING_INDEX, created);
        assert_eq!(
            decode(&end),
            Some(Decoded {
                shard: 17,
                index: ENDING_INDEX
            })
        );
    }

    #[test]
    fn before_the_first_record_is_the_starting_number() {
        let created = 1_795_000_000_000;
        let start = encode(2, created, 0, created);
        assert_eq!(for_record(2, created, -1, created), start);
        assert_eq!(offset_of(&decode(&start).unwrap()), -1);
        assert_eq!(
            offset_of(&decode(&for_record(2, created, 7, created)).unwrap()),
            7
        );
    }

    #[test]
    fn encoder_matches_for_record() {
        let mut enc = SeqEncoder::new();
        let created = 1_795_000_000_123;
        let mut check = |shard: i32, offset: i64, arrival: i64| {
            let want = for_record(shard, created, offset, arrival);
            assert_eq!(
                enc.record(shard, created, offset, arrival),
                want.as_bytes(),
                "{shard} {offset} {arrival}"
            );
        };
        // Runs in one second, across seconds, shards, gaps, and across a digit carry.
        for o in 0..2_000 {
            check(1, o, created + o * 3);
        }
        for o in [5_000, 5_001, 5_002, 4_000, 4_001] {
            check(7, o, created);
        }
        for o in (i64::MAX - 2_000)..(i64::MAX - 1) {
            check(0, o, created);
        }
        for o in 0xffff_fff0..0x1_0000_0010 {
            check(i32::MAX, o, created + 999);
        }
        check(3, -1, created);
        check(3, 0, created);
        // Interleaved shards, as in a PutRecords reply, and more shards than runs kept.
        for o in 0..300 {
            for shard in 0..(SeqEncoder::SHARDS as i32 + 3) {
                check(shard, o, created + o * 7);
            }
        }
    }

    #[test]
    fn rejects_foreign_numbers() {
        assert_eq!(decode("0"), None);
        assert_eq!(decode("12345"), None);
        assert_eq!(decode("abc"), None);
        assert_eq!(decode(&"9".repeat(200)), None);
        assert!(is_well_formed("0"));
        assert!(!is_well_formed("01"));
        assert!(!is_well_formed("1a"));
    }

    #[test]
    fn decimal_conversion_round_trips() {
        for s in [
            "1",
            "10000000000000000000",
            "340282366920938463463374607431768211456",
        ] {
            assert_eq!(U256::parse_decimal(s).unwrap().to_decimal(), s);
        }
    }
}
