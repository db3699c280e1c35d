//! A Kinesis JSON request body as the server reads it, for every operation: parse, check
//! against botocore's model (`validate::check_input`), normalise, then the parsers handlers
//! run on validated strings (sequence numbers, shard iterators, shard ids, ARNs).
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use sluice_kinesis::model::Operation;
use sluice_kinesis::{handlers, iterator, seqnum, validate};
use std::sync::OnceLock;

fn key() -> &'static iterator::IteratorKey {
    static KEY: OnceLock<iterator::IteratorKey> = OnceLock::new();
    KEY.get_or_init(iterator::IteratorKey::random)
}

pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let ops = Operation::all();
    let op = ops[selector as usize % ops.len()];
    let mut input = if body.is_empty() {
        Value::Object(Default::default())
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(v) => v,
            Err(_) => return,
        }
    };
    if validate::check_input(op, &input).is_err() {
        return;
    }
    validate::normalize(op, &mut input);
    let mut found = Vec::new();
    strings(&input, &mut found);
    for s in &found {
        if let Some(d) = seqnum::decode(s) {
            let _ = seqnum::offset_of(&d);
        }
        let _ = seqnum::is_well_formed(s);
        let _ = key().decode(s, 0);
        let _ = key().open_token(s, 0);
        let _ = handlers::shard_index(s);
        let _ = handlers::stream_name_from_arn(s);
    }
});
