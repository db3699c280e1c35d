//! The SubscribeToShard event-stream encoder over arbitrary strings and payloads: every
//! message it writes must decode with AWS's own decoder (aws-smithy-eventstream) to the same
//! headers (values cut at 32 KiB on a character boundary) and payload.
#![no_main]
use aws_smithy_eventstream::frame::read_message_from;
use aws_smithy_types::event_stream::HeaderValue;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use sluice_kinesis::eventstream;

/// Split the input into three strings and a payload at 0xff bytes (lossy UTF-8).
fn parts(data: &[u8]) -> (String, String, String, Vec<u8>) {
    let mut it = data.splitn(4, |&b| b == 0xff);
    let mut s = || String::from_utf8_lossy(it.next().unwrap_or_default()).into_owned();
    let (a, b, c) = (s(), s(), s());
    (a, b, c, it.next().unwrap_or_default().to_vec())
}

fn header<'a>(m: &'a aws_smithy_types::event_stream::Message, name: &str) -> &'a str {
    let h = m
        .headers()
        .iter()
        .find(|h| h.name().as_str() == name)
        .unwrap_or_else(|| panic!("header {name} missing"));
    match h.value() {
        HeaderValue::String(s) => s.as_str(),
        other => panic!("header {name} is {other:?}"),
    }
}

fn cut(s: &str) -> &str {
    let mut end = s.len().min((1 << 15) - 1);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fuzz_target!(|data: &[u8]| {
    let (a, b, c, payload) = parts(data);
    let messages = [
        eventstream::event(&a, &b, &payload),
        eventstream::exception(&a, &b, &payload),
        eventstream::error(&a, &c),
        eventstream::initial_response(&b),
    ];
    for m in &messages {
        let mut buf = m.clone();
        let decoded = read_message_from(&mut buf).expect("our frame decodes");
        assert!(buf.is_empty(), "one frame, nothing after it");
        let bytes = decoded.payload().clone();
        let kind = header(&decoded, ":message-type");
        match kind {
            "event" if header(&decoded, ":event-type") == "initial-response" => {
                assert_eq!(header(&decoded, ":content-type"), cut(&b));
            }
            "event" => {
                assert_eq!(header(&decoded, ":event-type"), cut(&a));
                assert_eq!(header(&decoded, ":content-type"), cut(&b));
                assert_eq!(&bytes[..], &payload[..]);
            }
            "exception" => {
                assert_eq!(header(&decoded, ":exception-type"), cut(&a));
                assert_eq!(&bytes[..], &payload[..]);
            }
            "error" => {
                assert_eq!(header(&decoded, ":error-code"), cut(&a));
                assert_eq!(header(&decoded, ":error-message"), cut(&c));
                assert!(bytes.is_empty());
            }
            other => panic!("message type {other}"),
        }
    }
    // And AWS's decoder over the raw input, as a client would meet a hostile stream.
    let mut raw = Bytes::copy_from_slice(data);
    let _ = read_message_from(&mut raw);
});
