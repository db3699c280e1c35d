//! `application/vnd.amazon.eventstream` framing for SubscribeToShard.
//!
//! Each message is `[total_len u32][headers_len u32][prelude_crc u32][headers][payload]
//! [message_crc u32]`, big-endian, with CRC-32 (IEEE). `aws-smithy-eventstream` does the encoding.
//! Headers are all strings, in the order the Smithy event-stream spec lists them:
//!
//! | message | headers |
//! |---|---|
//! | [`initial_response`] | `:message-type=event`, `:event-type=initial-response`, `:content-type`|
//! | [`event`] | `:message-type=event`, `:event-type=<member>`, `:content-type` |
//! | [`exception`] | `:message-type=exception`, `:exception-type=<member>`, `:content-type` |
//! | [`error`] | `:message-type=error`, `:error-code`, `:error-message` (no payload) |
//!
//! Clients and what they need:
//!
//! * botocore (boto3, AWS CLI) requires the first message to be `initial-response`. Otherwise
//!   it raises "First event was not of type initial-response". It parses the payloads as JSON
//!   and ignores `:content-type`.
//! * The Java SDK v2 (KCL) parses payloads with the client's protocol factory: JSON, or CBOR
//!   when CBOR is enabled (its default for Kinesis). It also ignores `:content-type`. It maps
//!   `exception` messages through `:exception-type` and `error` messages through `:error-code`
//!   and `:error-message`.
//!
//! The HTTP response itself is `200` with `Content-Type: application/vnd.amazon.eventstream`
//! ([`CONTENT_TYPE`]).

use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use bytes::Bytes;

/// The HTTP `Content-Type` of a SubscribeToShard response.
pub const CONTENT_TYPE: &str = "application/vnd.amazon.eventstream";

/// Header values are length-prefixed with a u16, but the spec caps them at 2^15 - 1 bytes.
const MAX_HEADER_VALUE: usize = (1 << 15) - 1;

/// The first message of the stream, the one boto3 waits for:
/// `:message-type=event`, `:event-type=initial-response`, `:content-type=<content_type>`.
/// The payload is the (empty) SubscribeToShard output without its event stream: `{}` for JSON,
/// or an empty CBOR map (`0xa0`) when `content_type` names CBOR.
pub fn initial_response(content_type: &str) -> Bytes {
    let payload: &[u8] = if content_type.contains("cbor") {
        &[0xa0]
    } else {
        b"{}"
    };
    encode(
        &[
            (":message-type", "event"),
            (":event-type", "initial-response"),
            (":content-type", content_type),
        ],
        payload,
    )
}

/// A data event: `:message-type=event`, `:event-type=<event_type>` (e.g.
/// `SubscribeToShardEvent`), `:content-type=<content_type>`, then the payload.
pub fn event(event_type: &str, content_type: &str, payload: &[u8]) -> Bytes {
    encode(
        &[
            (":message-type", "event"),
            (":event-type", event_type),
            (":content-type", content_type),
        ],
        payload,
    )
}

/// A modeled exception mid-stream: `:message-type=exception`, `:exception-type=<exception_type>`
/// (e.g. `ResourceNotFoundException`), `:content-type=<content_type>`, payload such as
/// `{"message":"..."}`. botocore raises `EventStreamError` with that code and message.
pub fn exception(exception_type: &str, content_type: &str, payload: &[u8]) -> Bytes {
    encode(
        &[
            (":message-type", "exception"),
            (":exception-type", exception_type),
            (":content-type", content_type),
        ],
        payload,
    )
}

/// An unmodeled error mid-stream: `:message-type=error`, `:error-code`, `:error-message`, no
/// payload. A message longer than a header allows is cut at a character boundary.
pub fn error(code: &str, message: &str) -> Bytes {
    encode(
        &[
            (":message-type", "error"),
            (":error-code", code),
            (":error-message", message),
        ],
        b"",
    )
}

fn encode(headers: &[(&'static str, &str)], payload: &[u8]) -> Bytes {
    let headers = headers
        .iter()
        .map(|(name, value)| {
            Header::new(
                *name,
                HeaderValue::String(truncate(value, MAX_HEADER_VALUE).to_string().into()),
            )
        })
        .collect();
    let message = Message::new_from_parts(headers, Bytes::copy_from_slice(payload));
    let mut out = Vec::with_capacity(payload.len() + 128);
    // Only fails for a message over 4 GiB, far beyond any Kinesis event (at most 10 MiB or so);
    // header names are static and values are cut to size above.
    write_message_to(&message, &mut out).expect("event-stream message within size limits");
    Bytes::from(out)
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_eventstream::frame::{read_message_from, DecodedFrame, MessageFrameDecoder};

    /// Independent CRC-32 (IEEE, reflected, poly 0xEDB88320) to check the framing by hand.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn be32(b: &[u8]) -> u32 {
        u32::from_be_bytes(b[..4].try_into().unwrap())
    }

    /// Checks the prelude and message CRCs and lengths by hand; returns the header bytes and
    /// payload.
    fn check_frame(frame: &[u8]) -> (&[u8], &[u8]) {
        let total = be32(&frame[0..]) as usize;
        let headers_len = be32(&frame[4..]) as usize;
        assert_eq!(total, frame.len(), "total length");
        assert_eq!(be32(&frame[8..]), crc32(&frame[..8]), "prelude CRC");
        assert_eq!(
            be32(&frame[total - 4..]),
            crc32(&frame[..total - 4]),
            "message CRC"
        );
        (
            &frame[12..12 + headers_len],
            &frame[12 + headers_len..total - 4],
        )
    }

    fn string_headers(m: &Message) -> Vec<(String, String)> {
        m.headers()
            .iter()
            .map(|h| {
                (
                    h.name().as_str().to_string(),
                    h.value().as_string().unwrap().as_str().to_string(),
                )
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn initial_response_json_and_cbor() {
        let frame = initial_response("application/json");
        let (_, payload) = check_frame(&frame);
        assert_eq!(payload, b"{}");
        let m = read_message_from(frame.clone()).unwrap();
        assert_eq!(
            string_headers(&m),
            pairs(&[
                (":message-type", "event"),
                (":event-type", "initial-response"),
                (":content-type", "application/json"),
            ])
        );

        let frame = initial_response("application/x-amz-cbor-1.1");
        let (_, payload) = check_frame(&frame);
        assert_eq!(payload, [0xa0]);
        let m = read_message_from(frame).unwrap();
        assert_eq!(string_headers(&m)[2].1, "application/x-amz-cbor-1.1");
    }

    #[test]
    fn exact_bytes_of_a_small_frame() {
        // Built by hand from the spec: 3 string headers, payload `{}`.
        let frame = initial_response("application/json");
        let mut headers = Vec::new();
        for (k, v) in [
            (":message-type", "event"),
            (":event-type", "initial-response"),
            (":content-type", "application/json"),
        ] {
            headers.push(k.len() as u8);
            headers.extend_from_slice(k.as_bytes());
            headers.push(7);
            headers.extend_from_slice(&(v.len() as u16).to_be_bytes());
            headers.extend_from_slice(v.as_bytes());
        }
        let total = 12 + headers.len() + 2 + 4;
        let mut expected = Vec::new();
        expected.extend_from_slice(&(total as u32).to_be_bytes());
        expected.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        expected.extend_from_slice(&crc32(&expected).to_be_bytes());
        expected.extend_from_slice(&headers);
        expected.extend_from_slice(b"{}");
        expected.extend_from_slice(&crc32(&expected).to_be_bytes());
        assert_eq!(frame.as_ref(), expected.as_slice());
        assert_eq!(total, 104);
    }

    #[test]
    fn event_exception_and_error_decode() {
        let payload = br#"{"Records":[],"ContinuationSequenceNumber":"1","MillisBehindLatest":0}"#;
        let e = event("SubscribeToShardEvent", "application/json", payload);
        check_frame(&e);
        let m = read_message_from(e).unwrap();
        assert_eq!(
            string_headers(&m),
            pairs(&[
                (":message-type", "event"),
                (":event-type", "SubscribeToShardEvent"),
                (":content-type", "application/json"),
            ])
        );
        assert_eq!(m.payload().as_ref(), payload);

        let x = exception(
            "ResourceNotFoundException",
            "application/json",
            br#"{"message":"gone"}"#,
        );
        check_frame(&x);
        let m = read_message_from(x).unwrap();
        assert_eq!(
            string_headers(&m),
            pairs(&[
                (":message-type", "exception"),
                (":exception-type", "ResourceNotFoundException"),
                (":content-type", "application/json"),
            ])
        );
        assert_eq!(m.payload().as_ref(), br#"{"message":"gone"}"#);

        let long = "é".repeat(20_000);
        let er = error("InternalFailure", &long);
        let (_, payload) = check_frame(&er);
        assert!(payload.is_empty());
        let m = read_message_from(er).unwrap();
        let h = string_headers(&m);
        assert_eq!(h[0], (":message-type".into(), "error".into()));
        assert_eq!(h[1], (":error-code".into(), "InternalFailure".into()));
        assert_eq!(h[2].1.len(), 32_766); // cut at a char boundary under 2^15 - 1
    }

    #[test]
    fn streaming_decoder_over_split_chunks() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let frames = [
            initial_response("application/json"),
            event("SubscribeToShardEvent", "application/json", b"{\"a\":1}"),
            event("SubscribeToShardEvent", "application/cbor", &big),
            exception("ResourceInUseException", "application/json", b"{}"),
        ];
        let stream: Vec<u8> = frames.iter().flat_map(|f| f.iter().copied()).collect();
        for chunk_size in [1, 7, 4096, stream.len()] {
            let mut decoder = MessageFrameDecoder::new();
            let mut buf = bytes::BytesMut::new();
            let mut decoded = Vec::new();
            for chunk in stream.chunks(chunk_size) {
                buf.extend_from_slice(chunk);
                while let DecodedFrame::Complete(m) = decoder.decode_frame(&mut buf).unwrap() {
                    decoded.push(m);
                }
            }
            assert!(buf.is_empty());
            assert_eq!(decoded.len(), 4, "chunk size {chunk_size}");
            assert_eq!(decoded[2].payload().as_ref(), big.as_slice());
            assert_eq!(string_headers(&decoded[3])[1].1, "ResourceInUseException");
        }
    }

    #[test]
    fn corrupted_frame_is_rejected() {
        let mut f = event("SubscribeToShardEvent", "application/json", b"{}").to_vec();
        let n = f.len();
        f[n - 6] ^= 1; // flip a payload bit
        assert!(read_message_from(Bytes::from(f)).is_err());
    }

    /// Writes a JSON SubscribeToShard stream to `$SLUICE_EVENTSTREAM_DUMP` for the botocore
    /// interop check (see the module report); does nothing when the variable is unset.
    #[test]
    fn dump_for_botocore_interop() {
        let Ok(path) = std::env::var("SLUICE_EVENTSTREAM_DUMP") else {
            return;
        };
        let ct = "application/json";
        let records = serde_json::json!({
            "Records": [
                {
                    "SequenceNumber": "49590338271490256608559692538361571095921575989136588898",
                    "ApproximateArrivalTimestamp": 1715938215.123,
                    "Data": "aGVsbG8gd29ybGQ=",
                    "PartitionKey": "pk-1"
                },
                {
                    "SequenceNumber": "49590338271490256608559692540925702759324208523137515618",
                    "ApproximateArrivalTimestamp": 1715938216.5,
                    "Data": "AAEC/w==",
                    "PartitionKey": "pk-2",
                    "EncryptionType": "NONE"
                }
            ],
            "ContinuationSequenceNumber":
                "49590338271490256608559692540925702759324208523137515618",
            "MillisBehindLatest": 42
        });
        let heartbeat = serde_json::json!({
            "Records": [],
            "ContinuationSequenceNumber":
                "49590338271490256608559692540925702759324208523137515618",
            "MillisBehindLatest": 0,
            "ChildShards": [{
                "ShardId": "shardId-000000000001",
                "ParentShards": ["shardId-000000000000"],
                "HashKeyRange": {
                    "StartingHashKey": "0",
                    "EndingHashKey": "340282366920938463463374607431768211455"
                }
            }]
        });
        let mut out = Vec::new();
        out.extend_from_slice(&initial_response("application/x-amz-json-1.1"));
        out.extend_from_slice(&event(
            "SubscribeToShardEvent",
            ct,
            records.to_string().as_bytes(),
        ));
        out.extend_from_slice(&event(
            "SubscribeToShardEvent",
            ct,
            heartbeat.to_string().as_bytes(),
        ));
        out.extend_from_slice(&exception(
            "ResourceInUseException",
            ct,
            br#"{"message":"Another active subscription exists for this consumer"}"#,
        ));
        std::fs::write(&path, out).unwrap();
    }
}
