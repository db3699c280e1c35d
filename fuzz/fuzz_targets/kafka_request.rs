//! The Kafka request path from bytes: split a connection's byte stream into frames (bounded),
//! then decode each frame (header, API/version check, body) as the server does. Anything may
//! come back as an error; nothing may panic, abort or allocate without bound.
#![no_main]
use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use sluice_kafka::request::{decode, take_frame, FrameStatus};

// As in the binary: huge declared-count allocations become untouched reservations.
#[global_allocator]
static ALLOC: sluice_kafka::alloc::LazyHugeAlloc = sluice_kafka::alloc::LazyHugeAlloc;

fuzz_target!(|data: &[u8]| {
    // The input as one frame body (the common case for a mutated request).
    if data.len() >= 8 {
        let _ = decode(Bytes::copy_from_slice(data));
    }
    // The input as a byte stream of size-prefixed frames.
    let mut buf = BytesMut::from(data);
    while let FrameStatus::Frame(frame) = take_frame(&mut buf, 1 << 20) {
        let _ = decode(frame);
    }
});
