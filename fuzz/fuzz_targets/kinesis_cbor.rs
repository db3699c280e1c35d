//! A Kinesis CBOR request body (as the Java SDK sends them), for every operation: decode to the
//! JSON form by the model (`cbor::decode_request`), check and normalise it as the JSON path
//! does, and encode the result back as CBOR (the reply path's encoder over hostile values).
#![no_main]
use libfuzzer_sys::fuzz_target;
use sluice_kinesis::model::Operation;
use sluice_kinesis::{cbor, validate};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let ops = Operation::all();
    let op = ops[selector as usize % ops.len()];
    let Ok(mut input) = cbor::decode_request(op, body) else {
        return;
    };
    if validate::check_input(op, &input).is_ok() {
        validate::normalize(op, &mut input);
    }
    let _ = cbor::encode_output(op, &input);
    if let Some(shape) = op.input_shape() {
        let encoded = cbor::encode_shape(shape.name, &input);
        let _ = cbor::decode_request(op, &encoded);
    }
});
