//! Shard iterators: opaque, tamper-evident and expiring.
//!
//! An iterator is base64 of `00 00 00 00 00 00 00 01` (the header AWS's iterators start with)
//! followed by version, stream (topic) id, shard, offset and creation time, and the first 16
//! bytes of an HMAC-SHA256 over all of it. The key is 32 random bytes kept in the data
//! directory, so iterators stay valid across a restart (within their 5 minutes) and a changed
//! byte is rejected. Iterators are never stored.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

const HEADER: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 1];
const VERSION: u8 = 1;
const MAC_LEN: usize = 16;
const BODY_LEN: usize = 8 + 1 + 16 + 4 + 8 + 8;
/// Iterators expire five minutes after they are handed out.
pub const ITERATOR_TTL_MS: i64 = 300_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub stream: uuid::Uuid,
    pub shard: i32,
    pub offset: i64,
    pub created_ms: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum IteratorError {
    /// Not an iterator this server made (bad shape or signature).
    Invalid,
    /// Made here, but more than five minutes ago.
    Expired { created_ms: i64 },
}

pub struct IteratorKey([u8; 32]);

impl IteratorKey {
    /// Load the key from `dir/iterator.key`, creating it on first use.
    pub fn load_or_create(dir: &Path) -> std::io::Result<IteratorKey> {
        use std::io::Write;
        std::fs::create_dir_all(dir)?;
        let path = dir.join("iterator.key");
        match std::fs::read(&path) {
            Ok(bytes) if bytes.len() == 32 => {
                let mut k = [0u8; 32];
                k.copy_from_slice(&bytes);
                return Ok(IteratorKey(k));
            }
            Ok(_) => {
                tracing::warn!(path = %path.display(), "iterator key has the wrong size; making a new one")
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
        let key = IteratorKey::random();
        let tmp = dir.join("iterator.key.tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&key.0)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(dir)?.sync_all()?;
        Ok(key)
    }

    pub fn random() -> IteratorKey {
        let mut k = [0u8; 32];
        k[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        k[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        IteratorKey(k)
    }

    fn mac(&self, body: &[u8]) -> [u8; MAC_LEN] {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key size");
        m.update(body);
        let full = m.finalize().into_bytes();
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(&full[..MAC_LEN]);
        out
    }

    /// A signed, expiring pagination token carrying `payload` (for NextToken).
    pub fn sign_token(&self, payload: &str, now_ms: i64) -> String {
        let mut b = Vec::with_capacity(payload.len() + 8 + MAC_LEN);
        b.extend_from_slice(&now_ms.to_be_bytes());
        b.extend_from_slice(payload.as_bytes());
        let mac = self.mac(&b);
        b.extend_from_slice(&mac);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
    }

    /// The payload of a token made by `sign_token`.
    pub fn open_token(&self, token: &str, now_ms: i64) -> Result<String, IteratorError> {
        let b = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token)
            .map_err(|_| IteratorError::Invalid)?;
        if b.len() < 8 + MAC_LEN {
            return Err(IteratorError::Invalid);
        }
        let (body, mac) = b.split_at(b.len() - MAC_LEN);
        if self
            .mac(body)
            .iter()
            .zip(mac)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            != 0
        {
            return Err(IteratorError::Invalid);
        }
        let created_ms = i64::from_be_bytes(body[..8].try_into().unwrap());
        if now_ms - created_ms > ITERATOR_TTL_MS {
            return Err(IteratorError::Expired { created_ms });
        }
        String::from_utf8(body[8..].to_vec()).map_err(|_| IteratorError::Invalid)
    }

    pub fn encode(&self, p: &Position) -> String {
        let mut b = Vec::with_capacity(BODY_LEN + MAC_LEN);
        b.extend_from_slice(&HEADER);
        b.push(VERSION);
        b.extend_from_slice(p.stream.as_bytes());
        b.extend_from_slice(&p.shard.to_be_bytes());
        b.extend_from_slice(&p.offset.to_be_bytes());
        b.extend_from_slice(&p.created_ms.to_be_bytes());
        let mac = self.mac(&b);
        b.extend_from_slice(&mac);
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    pub fn decode(&self, s: &str, now_ms: i64) -> Result<Position, IteratorError> {
        let b = base64::engine::general_purpose::STANDARD
            .decode(s)
            .map_err(|_| IteratorError::Invalid)?;
        if b.len() != BODY_LEN + MAC_LEN || b[..8] != HEADER || b[8] != VERSION {
            return Err(IteratorError::Invalid);
        }
        let (body, mac) = b.split_at(BODY_LEN);
        let want = self.mac(body);
        // Constant-time comparison.
        if want.iter().zip(mac).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0 {
            return Err(IteratorError::Invalid);
        }
        let stream = uuid::Uuid::from_slice(&body[9..25]).map_err(|_| IteratorError::Invalid)?;
        let shard = i32::from_be_bytes(body[25..29].try_into().unwrap());
        let offset = i64::from_be_bytes(body[29..37].try_into().unwrap());
        let created_ms = i64::from_be_bytes(body[37..45].try_into().unwrap());
        if now_ms - created_ms > ITERATOR_TTL_MS {
            return Err(IteratorError::Expired { created_ms });
        }
        Ok(Position {
            stream,
            shard,
            offset,
            created_ms,
        })
    }
}

/// Java's `Date.toString()` form in UTC, as AWS's expired-iterator message prints times:
/// `Thu Jan 22 01:22:02 UTC 2015`.
pub fn java_date(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(mo - 1) as usize],
        d,
        h,
        m,
        s,
        y
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(created_ms: i64) -> Position {
        Position {
            stream: uuid::Uuid::new_v4(),
            shard: 7,
            offset: 1234,
            created_ms,
        }
    }

    #[test]
    fn round_trips_until_expiry() {
        let k = IteratorKey::random();
        let p = pos(1_000_000);
        let s = k.encode(&p);
        assert!(s.starts_with("AAAAAAAAAAE"));
        assert_eq!(k.decode(&s, 1_000_000 + ITERATOR_TTL_MS), Ok(p));
        assert_eq!(
            k.decode(&s, 1_000_001 + ITERATOR_TTL_MS),
            Err(IteratorError::Expired {
                created_ms: 1_000_000
            })
        );
    }

    #[test]
    fn tampering_and_foreign_keys_are_rejected() {
        let k = IteratorKey::random();
        let s = k.encode(&pos(5));
        let mut raw = base64::engine::general_purpose::STANDARD
            .decode(&s)
            .unwrap();
        for i in 8..raw.len() {
            raw[i] ^= 1;
            let t = base64::engine::general_purpose::STANDARD.encode(&raw);
            assert_eq!(k.decode(&t, 5), Err(IteratorError::Invalid), "byte {i}");
            raw[i] ^= 1;
        }
        assert_eq!(
            IteratorKey::random().decode(&s, 5),
            Err(IteratorError::Invalid)
        );
        assert_eq!(k.decode("not base64!", 5), Err(IteratorError::Invalid));
        assert_eq!(k.decode("", 5), Err(IteratorError::Invalid));
    }

    #[test]
    fn key_persists() {
        let dir = tempfile::tempdir().unwrap();
        let a = IteratorKey::load_or_create(dir.path()).unwrap();
        let b = IteratorKey::load_or_create(dir.path()).unwrap();
        assert_eq!(a.0, b.0);
    }

    #[test]
    fn java_dates() {
        assert_eq!(java_date(1_421_889_722_000), "Thu Jan 22 01:22:02 UTC 2015");
        assert_eq!(java_date(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(java_date(1_795_311_402_842), "Sun Nov 22 01:36:42 UTC 2026");
    }
}
