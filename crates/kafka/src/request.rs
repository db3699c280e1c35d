//! Bytes to request: split the connection's byte stream into size-prefixed frames (bounded),
//! read the request header, check the API and version against `versions`, and decode the body
//! with kafka-protocol. Decoding runs over the frame's own `Bytes`, so record blobs in Produce
//! stay slices of the frame (no copy). A decoder panic is caught and treated as a bad frame.

use bytes::{Buf, Bytes, BytesMut};
use kafka_protocol::messages::{ApiKey, RequestHeader, RequestKind};
use kafka_protocol::protocol::Decodable;

/// Outcome of looking for a frame in the read buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameStatus {
    /// A whole frame (without its 4-byte size prefix).
    Frame(Bytes),
    /// Need more bytes.
    Incomplete,
    /// The declared size is negative or over the bound: the connection must close.
    Invalid(i64),
}

/// Take one frame from the front of `buf` if it is complete.
pub fn take_frame(buf: &mut BytesMut, request_bytes_max: usize) -> FrameStatus {
    if buf.len() < 4 {
        return FrameStatus::Incomplete;
    }
    let declared = i32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as i64;
    if declared < 8 || declared as u64 > request_bytes_max as u64 {
        return FrameStatus::Invalid(declared);
    }
    let total = 4 + declared as usize;
    if buf.len() < total {
        buf.reserve(total - buf.len());
        return FrameStatus::Incomplete;
    }
    buf.advance(4);
    FrameStatus::Frame(buf.split_to(declared as usize).freeze())
}

/// What the connection must do with a frame that is not a servable request.
#[derive(Debug)]
pub enum BadRequest {
    /// ApiVersions at a version above ours: answer in v0 format with UNSUPPORTED_VERSION (KIP-511).
    ApiVersionsTooNew { correlation_id: i32 },
    /// Anything else (unknown key, unsupported version, undecodable): close the connection, as
    /// Kafka does. The string says why, for the log.
    Close(String),
}

pub struct Request {
    pub header: RequestHeader,
    pub api_key: ApiKey,
    pub body: RequestKind,
    /// The client's address, as DescribeGroups reports it (set by the connection).
    pub client_host: String,
}

/// Decode a frame into a request, or say why it cannot be served.
pub fn decode(frame: Bytes) -> Result<Request, BadRequest> {
    let mut peek = &frame[..];
    let key = peek.get_i16();
    let version = peek.get_i16();
    let correlation_id = peek.get_i32();
    let api_key =
        ApiKey::try_from(key).map_err(|_| BadRequest::Close(format!("unknown API key {key}")))?;
    if !crate::versions::is_supported(api_key, version) {
        if api_key == ApiKey::ApiVersions && version > 0 {
            return Err(BadRequest::ApiVersionsTooNew { correlation_id });
        }
        return Err(BadRequest::Close(format!(
            "unsupported version {version} of {api_key:?}"
        )));
    }
    catch_decode(frame, api_key, version)
        .map_err(|e| BadRequest::Close(format!("malformed {api_key:?} v{version} request: {e}")))
}

fn catch_decode(frame: Bytes, api_key: ApiKey, version: i16) -> Result<Request, String> {
    std::panic::catch_unwind(move || {
        let mut buf = frame;
        let header = RequestHeader::decode(&mut buf, api_key.request_header_version(version))
            .map_err(|e| e.to_string())?;
        let body = RequestKind::decode(api_key, &mut buf, version).map_err(|e| e.to_string())?;
        if buf.has_remaining() {
            return Err(format!(
                "{} bytes left over after the request body",
                buf.remaining()
            ));
        }
        Ok(Request {
            header,
            api_key,
            body,
            client_host: String::new(),
        })
    })
    .unwrap_or_else(|_| Err("the decoder panicked".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_split_only_when_complete() {
        let mut buf = BytesMut::from(&[0, 0, 0, 8, 1, 2, 3][..]);
        assert_eq!(take_frame(&mut buf, 1024), FrameStatus::Incomplete);
        buf.extend_from_slice(&[4, 5, 6, 7, 8, 0]);
        assert_eq!(
            take_frame(&mut buf, 1024),
            FrameStatus::Frame(Bytes::from_static(&[1, 2, 3, 4, 5, 6, 7, 8]))
        );
        assert_eq!(&buf[..], &[0]);
    }

    #[test]
    fn negative_tiny_and_oversized_frames_are_invalid() {
        let mut neg = BytesMut::from(&(-5i32).to_be_bytes()[..]);
        assert_eq!(take_frame(&mut neg, 1024), FrameStatus::Invalid(-5));
        let mut huge = BytesMut::from(&0x7fff_ffffi32.to_be_bytes()[..]);
        assert_eq!(
            take_frame(&mut huge, 1024),
            FrameStatus::Invalid(0x7fff_ffff)
        );
        let mut tiny = BytesMut::from(&3i32.to_be_bytes()[..]);
        assert_eq!(take_frame(&mut tiny, 1024), FrameStatus::Invalid(3));
    }

    #[test]
    fn unknown_api_keys_close_the_connection() {
        let frame = Bytes::from_static(&[0x03, 0xe7, 0, 0, 0, 0, 0, 1, 0xff, 0xff]);
        assert!(matches!(decode(frame), Err(BadRequest::Close(_))));
    }

    #[test]
    fn api_versions_above_ours_gets_the_kip_511_answer() {
        let frame = Bytes::from_static(&[0, 18, 0, 99, 0, 0, 0, 7, 0xff, 0xff, 0]);
        assert!(matches!(
            decode(frame),
            Err(BadRequest::ApiVersionsTooNew { correlation_id: 7 })
        ));
    }

    #[test]
    fn metadata_claiming_two_billion_topics_is_rejected_without_allocating() {
        // Metadata v0: header (key 3, v0, corr 1, client id null) + topics count 0x7fffffff.
        let frame =
            Bytes::from_static(&[0, 3, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff]);
        assert!(matches!(decode(frame), Err(BadRequest::Close(_))));
    }

    /// Valid requests of several APIs and versions, encoded by kafka-protocol, as fuzz seeds.
    fn seed_frames() -> Vec<Vec<u8>> {
        use kafka_protocol::messages::*;
        use kafka_protocol::protocol::{Encodable, StrBytes};
        let name = || TopicName(StrBytes::from_static_str("topic"));
        let mut out = Vec::new();
        let mut push = |key: ApiKey, version: i16, body: &dyn Fn(&mut Vec<u8>)| {
            let header = RequestHeader::default()
                .with_request_api_key(key as i16)
                .with_request_api_version(version)
                .with_correlation_id(7)
                .with_client_id(Some(StrBytes::from_static_str("fuzz")));
            let mut b = Vec::new();
            header
                .encode(&mut b, key.request_header_version(version))
                .unwrap();
            body(&mut b);
            out.push(b);
        };
        for v in [0i16, 4, 9, 12, 13] {
            let t = metadata_request::MetadataRequestTopic::default().with_name(Some(name()));
            let req = MetadataRequest::default().with_topics(Some(vec![t.clone(), t]));
            push(ApiKey::Metadata, v, &|b| req.encode(b, v).unwrap());
        }
        for v in [3i16, 8, 9, 11] {
            let p = produce_request::PartitionProduceData::default()
                .with_index(1)
                .with_records(Some(bytes::Bytes::from_static(&[1, 2, 3, 4])));
            let t = produce_request::TopicProduceData::default()
                .with_name(name())
                .with_partition_data(vec![p]);
            let req = ProduceRequest::default()
                .with_acks(-1)
                .with_topic_data(vec![t]);
            push(ApiKey::Produce, v, &|b| req.encode(b, v).unwrap());
        }
        for v in [4i16, 11, 12, 13, 16] {
            let p = fetch_request::FetchPartition::default().with_partition(0);
            let t = fetch_request::FetchTopic::default()
                .with_topic(if v < 13 { name() } else { Default::default() })
                .with_partitions(vec![p]);
            let req = FetchRequest::default().with_topics(vec![t]);
            push(ApiKey::Fetch, v, &|b| req.encode(b, v).unwrap());
        }
        for v in [2i16, 5, 7] {
            let t = create_topics_request::CreatableTopic::default()
                .with_name(name())
                .with_num_partitions(3);
            let req = CreateTopicsRequest::default().with_topics(vec![t]);
            push(ApiKey::CreateTopics, v, &|b| req.encode(b, v).unwrap());
        }
        out
    }

    #[test]
    fn every_seed_frame_decodes() {
        for f in seed_frames() {
            assert!(decode(Bytes::from(f)).is_ok());
        }
    }

    #[test]
    fn mutated_valid_requests_never_abort_the_decoder() {
        // Goal: the decoder boundary survives hostile input shaped like real requests. Method:
        // take valid frames, then truncate them, flip bytes, and plant huge or negative
        // 32-bit and varint counts anywhere (the trusted-length hazard).
        use proptest::prelude::*;
        let seeds = seed_frames();
        let n = seeds.len();
        proptest!(ProptestConfig::with_cases(4000), |(which in 0..n, at in 0usize..200, cut in 0usize..200,
                                                       flip in any::<u8>(), count in prop_oneof![Just(0x7fff_ffffu32), Just(0xffff_ffffu32), Just(0x8000_0000u32), any::<u32>()],
                                                       varint in any::<bool>(), truncate in any::<bool>())| {
            let mut f = seeds[which].clone();
            let at = 8 + at % (f.len() - 8).max(1);
            if varint {
                let v = [0xff, 0xff, 0xff, 0xff, 0x0f];
                for (i, b) in v.iter().enumerate() {
                    if at + i < f.len() { f[at + i] = *b; }
                }
            } else if flip == 0 {
                for (i, b) in count.to_be_bytes().iter().enumerate() {
                    if at + i < f.len() { f[at + i] = *b; }
                }
            } else {
                f[at] ^= flip;
            }
            if truncate {
                f.truncate(8 + cut % (f.len() - 7));
            }
            let _ = decode(Bytes::from(f));
        });
    }

    #[test]
    fn the_fuzz_corpus_replays_cleanly() {
        // The seeds (real client frames, fuzz/seeds.py) and any crash inputs kept as regressions
        // in fuzz/corpus/kafka_request: each decodes or is refused, never aborts.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus/kafka_request");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        let mut decoded = 0;
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).unwrap();
            if data.len() >= 8 && decode(Bytes::from(data)).is_ok() {
                decoded += 1;
            }
        }
        assert!(decoded > 0, "no seed in {} decodes", dir.display());
    }

    #[test]
    fn random_frames_never_abort_the_decoder() {
        use proptest::prelude::*;
        proptest!(ProptestConfig::with_cases(2000), |(key in 0i16..70, version in 0i16..20, body in proptest::collection::vec(any::<u8>(), 0..200))| {
            let mut f = Vec::new();
            f.extend_from_slice(&key.to_be_bytes());
            f.extend_from_slice(&version.to_be_bytes());
            f.extend_from_slice(&[0, 0, 0, 1]);
            f.extend_from_slice(&body);
            let _ = decode(Bytes::from(f));
        });
    }
}
