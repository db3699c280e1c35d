//! `application/x-amz-cbor-1.1` bodies, translated to and from the JSON form the rest of the
//! crate works in (blobs as base64 strings, timestamps as epoch seconds with a millisecond
//! fraction), guided by the model's shapes.
//!
//! What the Java SDKs (the CBOR users: v1 since 1.11, v2 by default) put on the wire, from
//! their sources:
//! - Timestamps: `SdkCborGenerator.writeValue` (v1 `com.amazonaws.protocol.json`, v2
//!   `software.amazon.awssdk.protocols.cbor.internal`) writes CBOR tag 1 followed by an
//!   *integer of epoch milliseconds* (`date.getTime()` / `instant.toEpochMilli()`), despite
//!   RFC 7049 defining tag 1 as seconds. v2's `AwsCborProtocolFactory` sets the payload
//!   timestamp format to `UNIX_TIMESTAMP_MILLIS`, and its reader does
//!   `Instant.ofEpochMilli(parser.getLongValue())`, where Jackson's CBOR parser ignores the
//!   tag (v1's `DateCborUnmarshaller` likewise reads `getLongValue()`). So responses carry
//!   timestamps as tag 1 + integer milliseconds (an integer: a float would break the v2
//!   JSON-node path, which parses the number's text as a long). kinesis-mock encodes CBOR
//!   timestamps as integer milliseconds too, and LocalStack's `test_get_records` expects
//!   milliseconds.
//! - Requests: the same generator, so timestamps arrive as tag 1 + integer milliseconds.
//!   Generic CBOR encoders (RFC 7049 tag 1) send seconds, integer or float. Decoding tells
//!   the two apart by magnitude: a number of at least 1e11 is milliseconds (1e11 seconds is
//!   the year 5138; 1e11 milliseconds is March 1973, before Kinesis existed), anything
//!   smaller is seconds. Tagged or not, integer or float of any width.
//! - Blobs are byte strings (major type 2), definite or indefinite (chunked). A text string
//!   for a blob member is taken as base64, as the SDK's reader does.
//! - Maps, arrays, text and byte strings may be definite or indefinite length; integers any
//!   width; floats half, single or double. Other tags are ignored (Jackson does the same).
//!
//! Decoding only reshapes; checking types and constraints is `validate`'s job on the JSON form,
//! so CBOR and JSON requests get the same SerializationException / ValidationException texts.

use crate::model::{self, Operation, Shape, ShapeKind};
use crate::validate::InputError;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ciborium::value::{Integer, Value as Cbor};
use serde_json::{Map, Number, Value as Json};

/// Timestamp numbers at least this large are epoch milliseconds, smaller ones epoch seconds.
pub const MILLIS_THRESHOLD: f64 = 1e11;

/// Decode a CBOR request body (application/x-amz-cbor-1.1) into the JSON form the JSON protocol
/// would carry: byte strings for blob members → base64 strings; timestamps → JSON numbers of
/// epoch seconds (with millisecond fraction); everything else as is. Uses the op's input shape.
/// Malformed CBOR or wrong types → InputError::Serialization. An empty body is `{}`.
pub fn decode_request(op: Operation, body: &[u8]) -> Result<Json, InputError> {
    decode_shape(model::input_shape(op), body)
}

/// [`decode_request`] for any shape (`None`: no shape guidance, blobs still become base64).
pub fn decode_shape(shape: Option<&'static Shape>, body: &[u8]) -> Result<Json, InputError> {
    if body.is_empty() {
        return Ok(Json::Object(Map::new()));
    }
    let mut rest = body;
    let value: Cbor = ciborium::de::from_reader(&mut rest).map_err(|e| {
        InputError::Serialization(format!("Failed to parse the CBOR request body: {e}"))
    })?;
    if !rest.is_empty() {
        return Err(InputError::Serialization(format!(
            "Failed to parse the CBOR request body: {} bytes after the end of the value",
            rest.len()
        )));
    }
    to_json(value, shape).map_err(InputError::Serialization)
}

/// Encode a response value given in JSON form (blobs as base64 strings, timestamps as
/// epoch-second numbers) as CBOR for the op's output shape.
pub fn encode_output(op: Operation, value: &Json) -> Vec<u8> {
    encode(model::output_shape(op), value)
}

/// Same for a named shape (e.g. "SubscribeToShardEvent" payloads inside the event stream). An
/// unknown name encodes the value without shape guidance.
pub fn encode_shape(shape_name: &str, value: &Json) -> Vec<u8> {
    encode(model::shape(shape_name), value)
}

/// An error body: {"__type": .., "message": ..} as CBOR. As in the JSON protocol,
/// SerializationException spells the key `Message`; an empty message is left out (AWS sends a
/// bare `{"__type": "SerializationException"}` for an unparseable body).
pub fn encode_error(error_type: &str, message: &str) -> Vec<u8> {
    let mut pairs = vec![(
        Cbor::Text("__type".into()),
        Cbor::Text(error_type.to_string()),
    )];
    if !message.is_empty() {
        let key = if error_type == "SerializationException" {
            "Message"
        } else {
            "message"
        };
        pairs.push((Cbor::Text(key.into()), Cbor::Text(message.to_string())));
    }
    write(&Cbor::Map(pairs))
}

fn encode(shape: Option<&'static Shape>, value: &Json) -> Vec<u8> {
    write(&to_cbor(value, shape))
}

fn write(value: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing a Value into a Vec cannot fail.
    if ciborium::ser::into_writer(value, &mut out).is_err() {
        out.clear();
    }
    out
}

// ---- CBOR -> JSON form ----

fn to_json(v: Cbor, shape: Option<&'static Shape>) -> Result<Json, String> {
    let kind = shape.map(|s| &s.kind);
    if let Some(ShapeKind::Timestamp) = kind {
        return timestamp_to_json(v);
    }
    Ok(match v {
        Cbor::Tag(_, inner) => to_json(*inner, shape)?,
        Cbor::Null => Json::Null,
        Cbor::Bool(b) => Json::Bool(b),
        Cbor::Integer(i) => integer_to_json(i),
        Cbor::Float(f) => float_to_json(f)?,
        // Jackson's getText() on a byte string is its base64; a blob member wants exactly that.
        Cbor::Bytes(b) => Json::String(BASE64.encode(b)),
        Cbor::Text(s) => Json::String(s),
        Cbor::Array(items) => {
            let member = match kind {
                Some(ShapeKind::List(m)) => Some(*m),
                _ => None,
            };
            Json::Array(
                items
                    .into_iter()
                    .map(|i| to_json(i, member))
                    .collect::<Result<_, _>>()?,
            )
        }
        Cbor::Map(pairs) => {
            let mut out = Map::new();
            for (k, v) in pairs {
                let key = match k {
                    Cbor::Text(s) => s,
                    Cbor::Integer(i) => i128::from(i).to_string(),
                    _ => return Err("CBOR map keys must be text strings".to_string()),
                };
                let child = match (shape, kind) {
                    (Some(s), Some(ShapeKind::Structure(_))) => s.member(&key).map(|m| m.shape),
                    (_, Some(ShapeKind::Map(_, value))) => Some(*value),
                    _ => None,
                };
                let v = to_json(v, child)?;
                out.insert(key, v);
            }
            Json::Object(out)
        }
        _ => return Err("Unsupported CBOR value".to_string()),
    })
}

fn integer_to_json(i: Integer) -> Json {
    let i = i128::from(i);
    if let Ok(v) = i64::try_from(i) {
        Json::from(v)
    } else if let Ok(v) = u64::try_from(i) {
        Json::from(v)
    } else {
        Number::from_f64(i as f64).map_or(Json::Null, Json::Number)
    }
}

fn float_to_json(f: f64) -> Result<Json, String> {
    Number::from_f64(f)
        .map(Json::Number)
        .ok_or_else(|| format!("{f} is not a number a request can carry"))
}

/// A timestamp member: a number (tagged or not) becomes epoch seconds with a millisecond
/// fraction; anything else is passed on for `validate` to refuse with Coral's message.
fn timestamp_to_json(v: Cbor) -> Result<Json, String> {
    let x = match v {
        Cbor::Tag(_, inner) => return timestamp_to_json(*inner),
        Cbor::Integer(i) => i128::from(i) as f64,
        Cbor::Float(f) => f,
        other => return to_json(other, None),
    };
    if !x.is_finite() {
        return Err(format!("{x} is not a valid timestamp"));
    }
    let ms = if x.abs() >= MILLIS_THRESHOLD {
        x
    } else {
        x * 1000.0
    };
    float_to_json(ms.round() / 1000.0)
}

// ---- JSON form -> CBOR ----

fn to_cbor(v: &Json, shape: Option<&'static Shape>) -> Cbor {
    let kind = shape.map(|s| &s.kind);
    match (kind, v) {
        (_, Json::Null) => Cbor::Null,
        (_, Json::Bool(b)) => Cbor::Bool(*b),
        (Some(ShapeKind::Blob), Json::String(s)) => match BASE64.decode(s) {
            Ok(bytes) => Cbor::Bytes(bytes),
            Err(_) => Cbor::Text(s.clone()),
        },
        (_, Json::String(s)) => Cbor::Text(s.clone()),
        (Some(ShapeKind::Timestamp), Json::Number(n)) => {
            let secs = n.as_f64().unwrap_or(0.0);
            Cbor::Tag(1, Box::new(int_cbor((secs * 1000.0).round() as i64)))
        }
        (Some(ShapeKind::Integer | ShapeKind::Long), Json::Number(n)) => match number_int(n) {
            Some(i) => i,
            None => int_cbor(n.as_f64().unwrap_or(0.0).trunc() as i64),
        },
        (Some(ShapeKind::Double | ShapeKind::Float), Json::Number(n)) => {
            Cbor::Float(n.as_f64().unwrap_or(0.0))
        }
        (_, Json::Number(n)) => {
            number_int(n).unwrap_or_else(|| Cbor::Float(n.as_f64().unwrap_or(0.0)))
        }
        (_, Json::Array(items)) => {
            let member = match kind {
                Some(ShapeKind::List(m)) => Some(*m),
                _ => None,
            };
            Cbor::Array(items.iter().map(|i| to_cbor(i, member)).collect())
        }
        (_, Json::Object(obj)) => {
            let pairs = obj
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let child = match (shape, kind) {
                        (Some(s), Some(ShapeKind::Structure(_))) => s.member(k).map(|m| m.shape),
                        (_, Some(ShapeKind::Map(_, value))) => Some(*value),
                        _ => None,
                    };
                    (Cbor::Text(k.clone()), to_cbor(v, child))
                })
                .collect();
            Cbor::Map(pairs)
        }
    }
}

fn int_cbor(i: i64) -> Cbor {
    Cbor::Integer(Integer::from(i))
}

fn number_int(n: &Number) -> Option<Cbor> {
    if let Some(i) = n.as_i64() {
        Some(Cbor::Integer(Integer::from(i)))
    } else {
        n.as_u64().map(|u| Cbor::Integer(Integer::from(u)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::check_input;
    use serde_json::json;

    fn cbor(v: &Cbor) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::ser::into_writer(v, &mut out).unwrap();
        out
    }

    fn parse(bytes: &[u8]) -> Cbor {
        ciborium::de::from_reader(bytes).unwrap()
    }

    fn text(s: &str) -> Cbor {
        Cbor::Text(s.into())
    }

    fn map(pairs: Vec<(&str, Cbor)>) -> Cbor {
        Cbor::Map(pairs.into_iter().map(|(k, v)| (text(k), v)).collect())
    }

    fn get<'a>(v: &'a Cbor, key: &str) -> &'a Cbor {
        match v {
            Cbor::Map(pairs) => {
                &pairs
                    .iter()
                    .find(|(k, _)| k == &text(key))
                    .unwrap_or_else(|| panic!("no {key}"))
                    .1
            }
            _ => panic!("not a map: {v:?}"),
        }
    }

    #[test]
    fn put_record_from_a_java_style_body() {
        let body = cbor(&map(vec![
            ("StreamName", text("s")),
            ("Data", Cbor::Bytes(vec![0, 1, 2, 255])),
            ("PartitionKey", text("k")),
        ]));
        let v = decode_request(Operation::PutRecord, &body).unwrap();
        assert_eq!(
            v,
            json!({"StreamName": "s", "Data": "AAEC/w==", "PartitionKey": "k"})
        );
        assert_eq!(check_input(Operation::PutRecord, &v), Ok(()));
    }

    #[test]
    fn put_records_nested_blobs() {
        let records = Cbor::Array(vec![
            map(vec![
                ("Data", Cbor::Bytes(b"hi".to_vec())),
                ("PartitionKey", text("a")),
            ]),
            map(vec![
                ("Data", Cbor::Bytes(vec![])),
                ("PartitionKey", text("b")),
            ]),
        ]);
        let body = cbor(&map(vec![("StreamName", text("s")), ("Records", records)]));
        let v = decode_request(Operation::PutRecords, &body).unwrap();
        assert_eq!(
            v,
            json!({"StreamName": "s", "Records": [
                {"Data": "aGk=", "PartitionKey": "a"},
                {"Data": "", "PartitionKey": "b"},
            ]})
        );
    }

    #[test]
    fn indefinite_lengths_and_integer_widths() {
        // {_ "StreamName": (_ "my", "-s"), "Limit": 1000 (two-byte int),
        //   "ShardIterator": "it", "Bogus": [_ h'01' (_ h'02', h'03')] }
        let mut body = vec![0xbf];
        body.extend([0x6a]);
        body.extend(b"StreamName");
        body.extend([0x7f, 0x62]);
        body.extend(b"my");
        body.extend([0x62]);
        body.extend(b"-s");
        body.push(0xff);
        body.extend([0x65]);
        body.extend(b"Limit");
        body.extend([0x19, 0x03, 0xe8]);
        body.extend([0x6d]);
        body.extend(b"ShardIterator");
        body.extend([0x62]);
        body.extend(b"it");
        body.extend([0x65]);
        body.extend(b"Bogus");
        body.extend([0x9f, 0x41, 0x01, 0x5f, 0x41, 0x02, 0x41, 0x03, 0xff, 0xff]);
        body.push(0xff);
        let v = decode_request(Operation::GetRecords, &body).unwrap();
        assert_eq!(
            v,
            json!({"StreamName": "my-s", "Limit": 1000, "ShardIterator": "it",
                   "Bogus": ["AQ==", "AgM="]})
        );
        for (bytes, n) in [
            (vec![0x17], 23u64),
            (vec![0x18, 0xff], 255),
            (vec![0x1a, 0, 1, 0, 0], 65536),
            (vec![0x1b, 0, 0, 0, 1, 0, 0, 0, 0], 1 << 32),
        ] {
            let mut body = vec![0xa1, 0x65];
            body.extend(b"Limit");
            body.extend(bytes);
            let v = decode_request(Operation::GetRecords, &body).unwrap();
            assert_eq!(v, json!({ "Limit": n }));
        }
        // A negative integer.
        let body = [0xa1, 0x65, b'L', b'i', b'm', b'i', b't', 0x20];
        assert_eq!(
            decode_request(Operation::GetRecords, &body).unwrap(),
            json!({"Limit": -1})
        );
    }

    #[test]
    fn timestamps_in_every_form() {
        let decode = |ts: Cbor| {
            let body = cbor(&map(vec![
                ("StreamName", text("s")),
                ("ShardId", text("shardId-000000000000")),
                ("ShardIteratorType", text("AT_TIMESTAMP")),
                ("Timestamp", ts),
            ]));
            let v = decode_request(Operation::GetShardIterator, &body).unwrap();
            assert_eq!(check_input(Operation::GetShardIterator, &v), Ok(()));
            v["Timestamp"].clone()
        };
        let ms = 1_795_311_402_842i64;
        // The Java SDK: tag 1 + integer milliseconds.
        let java = Cbor::Tag(1, Box::new(Cbor::Integer(ms.into())));
        assert_eq!(decode(java), json!(1795311402.842));
        // Untagged integer milliseconds.
        assert_eq!(decode(Cbor::Integer(ms.into())), json!(1795311402.842));
        // RFC 7049 tag 1 with seconds, integer or float.
        let secs = Cbor::Tag(1, Box::new(Cbor::Integer(1_795_311_402.into())));
        assert_eq!(decode(secs), json!(1795311402.0));
        let frac = Cbor::Tag(1, Box::new(Cbor::Float(1795311402.842)));
        assert_eq!(decode(frac), json!(1795311402.842));
        assert_eq!(decode(Cbor::Float(1795311402.5)), json!(1795311402.5));
        // A single-precision float of seconds (fa 4eca a7e2 = 1700000000.0f).
        let mut body = vec![0xa1, 0x69];
        body.extend(b"Timestamp");
        body.extend([0xfa, 0x4e, 0xca, 0xa7, 0xe2]);
        let v = decode_request(Operation::GetShardIterator, &body).unwrap();
        assert_eq!(v, json!({"Timestamp": 1700000000.0}));
        // A half-precision float (f9 3c00 = 1.0 second).
        let mut body = vec![0xa1, 0x69];
        body.extend(b"Timestamp");
        body.extend([0xf9, 0x3c, 0x00]);
        let v = decode_request(Operation::GetShardIterator, &body).unwrap();
        assert_eq!(v, json!({"Timestamp": 1.0}));
        // A nested timestamp (ListShards' ShardFilter).
        let body = cbor(&map(vec![(
            "ShardFilter",
            map(vec![
                ("Type", text("AT_TIMESTAMP")),
                (
                    "Timestamp",
                    Cbor::Tag(1, Box::new(Cbor::Integer(ms.into()))),
                ),
            ]),
        )]));
        let v = decode_request(Operation::ListShards, &body).unwrap();
        assert_eq!(v["ShardFilter"]["Timestamp"], json!(1795311402.842));
        // A string is passed on, and refused with Coral's text.
        let body = cbor(&map(vec![("Timestamp", text("yesterday"))]));
        let v = decode_request(Operation::GetShardIterator, &body).unwrap();
        assert_eq!(
            check_input(Operation::GetShardIterator, &v),
            Err(InputError::Serialization(
                "class java.lang.String can not be converted to milliseconds since epoch".into()
            ))
        );
    }

    #[test]
    fn wrong_types_get_the_json_messages() {
        let body = cbor(&map(vec![
            ("ShardIterator", text("x")),
            ("Limit", text("23")),
        ]));
        let v = decode_request(Operation::GetRecords, &body).unwrap();
        assert_eq!(
            check_input(Operation::GetRecords, &v),
            Err(InputError::Serialization(
                "class java.lang.String can not be converted to an Integer".into()
            ))
        );
        // A base64 text for a blob is accepted, as the SDK's reader accepts it.
        let body = cbor(&map(vec![
            ("Data", text("aGk=")),
            ("PartitionKey", text("k")),
        ]));
        let v = decode_request(Operation::PutRecord, &body).unwrap();
        assert_eq!(v["Data"], json!("aGk="));
    }

    #[test]
    fn malformed_bodies() {
        let serialization = |body: &[u8]| match decode_request(Operation::ListStreams, body) {
            Err(InputError::Serialization(m)) => m,
            other => panic!("expected a SerializationException, got {other:?}"),
        };
        // Truncated map, a lone break, trailing bytes, a non-text key, a reserved simple value.
        assert!(!serialization(&[0xa1, 0x65, b'L', b'i']).is_empty());
        assert!(!serialization(&[0xff]).is_empty());
        assert!(serialization(&[0xa0, 0x00]).contains("1 bytes after the end"));
        assert_eq!(
            serialization(&[0xa1, 0x41, 0x01, 0x00]),
            "CBOR map keys must be text strings"
        );
        assert!(!serialization(&[0xa1, 0x61, b'a', 0xf8, 0x20]).is_empty());
        // NaN cannot be carried into the JSON form.
        assert!(
            !serialization(&[0xa1, 0x65, b'L', b'i', b'm', b'i', b't', 0xf9, 0x7e, 0x00])
                .is_empty()
        );
        // An empty body is an empty request, like `{}`; a non-map is not a request.
        assert_eq!(decode_request(Operation::ListStreams, &[]), Ok(json!({})));
        let v = decode_request(Operation::ListStreams, &[0x01]).unwrap();
        assert_eq!(
            check_input(Operation::ListStreams, &v),
            Err(InputError::Serialization(String::new()))
        );
    }

    #[test]
    fn get_records_output() {
        let out = json!({
            "Records": [{
                "SequenceNumber": "49543463076548007577105092703039560359975228518395019266",
                "ApproximateArrivalTimestamp": 1795311402.842,
                "Data": "AAEC/w==",
                "PartitionKey": "k",
            }],
            "NextShardIterator": "AAAAAAAAAAE=",
            "MillisBehindLatest": 0,
            "ChildShards": null,
        });
        let bytes = encode_output(Operation::GetRecords, &out);
        let v = parse(&bytes);
        let record = match get(&v, "Records") {
            Cbor::Array(r) => &r[0],
            other => panic!("{other:?}"),
        };
        assert_eq!(get(record, "Data"), &Cbor::Bytes(vec![0, 1, 2, 255]));
        assert_eq!(
            get(record, "ApproximateArrivalTimestamp"),
            &Cbor::Tag(1, Box::new(Cbor::Integer(1_795_311_402_842i64.into())))
        );
        assert_eq!(get(&v, "MillisBehindLatest"), &Cbor::Integer(0.into()));
        assert_eq!(get(&v, "NextShardIterator"), &text("AAAAAAAAAAE="));
        // Null members are left out.
        assert!(matches!(&v, Cbor::Map(p) if p.len() == 3));
        // Raw bytes: tag 1 (c1) then a 64-bit integer (1b).
        let needle = [0xc1, 0x1b];
        assert!(bytes.windows(2).any(|w| w == needle));
    }

    #[test]
    fn event_round_trips_through_the_decoder() {
        let event = json!({
            "Records": [{
                "SequenceNumber": "1",
                "ApproximateArrivalTimestamp": 1700000000.001,
                "Data": "aGk=",
                "PartitionKey": "k",
            }],
            "ContinuationSequenceNumber": "1",
            "MillisBehindLatest": 1234,
            "ChildShards": [{
                "ShardId": "shardId-000000000001",
                "ParentShards": ["shardId-000000000000"],
                "HashKeyRange": {"StartingHashKey": "0", "EndingHashKey": "10"},
            }],
        });
        let bytes = encode_shape("SubscribeToShardEvent", &event);
        let back = decode_shape(model::shape("SubscribeToShardEvent"), &bytes).unwrap();
        assert_eq!(back, event);
        // Output shapes round-trip too.
        let out = json!({"StreamDescriptionSummary": {
            "StreamName": "s", "StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
            "StreamStatus": "ACTIVE", "RetentionPeriodHours": 24,
            "StreamCreationTimestamp": 1700000000.0, "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
            "OpenShardCount": 2, "StreamModeDetails": {"StreamMode": "PROVISIONED"},
        }});
        let bytes = encode_output(Operation::DescribeStreamSummary, &out);
        let back = decode_shape(
            model::output_shape(Operation::DescribeStreamSummary),
            &bytes,
        );
        assert_eq!(back.unwrap(), out);
    }

    #[test]
    fn requests_round_trip() {
        let req = json!({"StreamName": "s", "Records": [
            {"Data": "AAEC/w==", "PartitionKey": "k", "ExplicitHashKey": "12"}]});
        let shape = model::input_shape(Operation::PutRecords);
        let bytes = encode(shape, &req);
        assert_eq!(decode_request(Operation::PutRecords, &bytes).unwrap(), req);
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse(&encode_error(
                "ResourceNotFoundException",
                "Stream s not found."
            )),
            map(vec![
                ("__type", text("ResourceNotFoundException")),
                ("message", text("Stream s not found.")),
            ])
        );
        assert_eq!(
            parse(&encode_error("SerializationException", "Expected null")),
            map(vec![
                ("__type", text("SerializationException")),
                ("Message", text("Expected null")),
            ])
        );
        assert_eq!(
            parse(&encode_error("SerializationException", "")),
            map(vec![("__type", text("SerializationException"))])
        );
    }

    #[test]
    fn unknown_shapes_encode_generically() {
        let v = json!({"a": 1, "b": [1.5, "x", true], "c": null});
        let back = parse(&encode_shape("NoSuchShape", &v));
        assert_eq!(
            back,
            map(vec![
                ("a", Cbor::Integer(1.into())),
                (
                    "b",
                    Cbor::Array(vec![Cbor::Float(1.5), text("x"), Cbor::Bool(true)])
                ),
            ])
        );
        // Operations without an output encode an empty map.
        assert_eq!(
            parse(&encode_output(Operation::CreateStream, &json!({}))),
            Cbor::Map(vec![])
        );
    }
}
