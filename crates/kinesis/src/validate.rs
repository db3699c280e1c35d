//! Request checking against the service model, with the messages AWS (Coral) gives.
//!
//! A request is checked in two passes, as Coral does: first deserialization, where a member of
//! the wrong JSON type fails the whole request with a `SerializationException`, then
//! constraint validation, which collects every violated constraint into one
//! `ValidationException` text:
//!
//! ```text
//! 2 validation errors detected: Value null at 'shardIterator' failed to satisfy constraint:
//! Member must not be null; Value '0' at 'limit' failed to satisfy constraint: Member must have
//! value greater than or equal to 1
//! ```
//!
//! Facts followed here, from kinesalite's AWS-recorded tests (`test/helpers.js`,
//! `validations/index.js`, `test/*.js`):
//! - Serialization texts: `class java.lang.String can not be converted to an Integer`,
//!   `class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an
//!   String`, `Start of structure or map found where not expected.`, `Start of list found where
//!   not expected`, `Expected list or null`, `Expected map or null`, `Expected null` (a scalar
//!   where a structure belongs), `... can not be converted to milliseconds since epoch`, and
//!   for blobs `'x' can not be converted to a Blob: <reason>` (the misspelt "dectected" is
//!   AWS's). `null` members count as absent; unknown members are ignored.
//! - Numbers for integer members are floored, and clamped to the Java type's range
//!   (`ShardCount: 100000000000` is reported as `Value '2147483647'`).
//! - Paths are lowerCamelCase; list elements are `records.1.member` (1-based), map values
//!   `tags.<key>.member`. Lists print Java-style (`[a, b]`, structures as
//!   `com.amazonaws.kinesis.v20131202.<Shape>@<hash>`), maps as `{k=v, k2=v2}`, blobs as
//!   `java.nio.HeapByteBuffer[pos=0 lim=N cap=N]`.
//! - Constraints of a list's scalar members are reported once, on the list:
//!   `Member must satisfy constraint: [Member must have length less than or equal to 128,
//!   Member must have length greater than or equal to 1]`; of a map's keys and values as
//!   `Map keys must satisfy constraint: [...]` / `Map value must satisfy constraint: [...]`.
//! - At most 10 violations are reported (AWS answered a 501-record PutRecords with exactly
//!   "10 validation errors detected"); the count in the text is the number listed.
//!
//! Order: members in the model's order, depth first; per member: not-null, enum, pattern,
//! length min, length max (kinesalite's order for strings), value min, value max. AWS's own
//! order is not stable (kinesalite's tests compare the violations as a set), except that a
//! list's own constraint comes before its elements'.
//!
//! String lengths count Unicode code points (`chars()`), as Smithy's `@length` defines them;
//! Java's `String.length()` would count UTF-16 units, which differ only for characters outside
//! the Basic Multilingual Plane. Patterns are the model's Java regexes matched against the
//! whole value (`Matcher.matches`) by the small non-backtracking matcher at the end of this
//! file, which covers every construct the Kinesis model uses.

use crate::model::{self, Operation, Shape, ShapeKind};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// Why a request was refused before reaching a handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// `SerializationException`: the body does not deserialize into the input shape. An empty
    /// message means AWS sends none (a body that is not a JSON/CBOR object at all).
    Serialization(String),
    /// `ValidationException`: the Coral constraint-violation text.
    Validation(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Serialization(m) => write!(f, "SerializationException: {m}"),
            InputError::Validation(m) => write!(f, "ValidationException: {m}"),
        }
    }
}

impl std::error::Error for InputError {}

/// The most violations one ValidationException lists.
pub const MAX_REPORTED_VIOLATIONS: usize = 10;

/// Check a request (as decoded from JSON; CBOR requests are converted to the same JSON form
/// first: blobs are base64 strings, timestamps are numbers of epoch seconds) against the
/// operation's input shape.
pub fn check_input(op: Operation, input: &Value) -> Result<(), InputError> {
    match model::input_shape(op) {
        Some(shape) => check_shape(shape, input),
        None => Ok(()),
    }
}

/// [`check_input`] against any structure shape of the model.
pub fn check_shape(shape: &Shape, input: &Value) -> Result<(), InputError> {
    let Value::Object(obj) = input else {
        return Err(InputError::Serialization(String::new()));
    };
    check_struct_types(shape, obj).map_err(InputError::Serialization)?;
    let mut found = Violations::default();
    validate_struct(shape, obj, "", &mut found);
    found.into_result()
}

/// Rewrite a request that passed [`check_input`] into the values AWS's deserializer reads:
/// `null` members are dropped, and numbers for integer/long members become integers (floored,
/// clamped to the Java type's range). Handlers can then read them with `as_i64`.
pub fn normalize(op: Operation, input: &mut Value) {
    if let Some(shape) = model::input_shape(op) {
        normalize_value(shape, input);
    }
}

fn normalize_value(shape: &Shape, v: &mut Value) {
    match (&shape.kind, v) {
        (ShapeKind::Structure(members), Value::Object(obj)) => {
            obj.retain(|_, v| !v.is_null());
            for m in members.iter() {
                if let Some(child) = obj.get_mut(m.name) {
                    normalize_value(m.shape, child);
                }
            }
        }
        (ShapeKind::List(member), Value::Array(items)) => {
            for item in items {
                normalize_value(member, item);
            }
        }
        (ShapeKind::Map(_, value), Value::Object(obj)) => {
            for item in obj.values_mut() {
                normalize_value(value, item);
            }
        }
        (ShapeKind::Integer | ShapeKind::Long, v @ Value::Number(_)) => {
            if let Value::Number(n) = &*v {
                let i = int_value(shape, n);
                *v = Value::from(i);
            }
        }
        _ => {}
    }
}

// ---- pass 1: JSON types (SerializationException) ----

const TRUNCATING: &str = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber";
const START_OF_LIST: &str = "Start of list found where not expected";
const START_OF_STRUCT: &str = "Start of structure or map found where not expected.";

fn check_struct_types(shape: &Shape, obj: &Map<String, Value>) -> Result<(), String> {
    for m in shape.members() {
        if let Some(v) = obj.get(m.name) {
            check_type(m.shape, v)?;
        }
    }
    Ok(())
}

fn check_type(shape: &Shape, v: &Value) -> Result<(), String> {
    if v.is_null() {
        return Ok(());
    }
    let aggregate = |v: &Value| match v {
        Value::Array(_) => START_OF_LIST.to_string(),
        _ => START_OF_STRUCT.to_string(),
    };
    match &shape.kind {
        ShapeKind::String => match v {
            Value::String(_) => Ok(()),
            Value::Bool(_) => {
                Err("class java.lang.Boolean can not be converted to an String".into())
            }
            Value::Number(_) => Err(format!("{TRUNCATING} can not be converted to an String")),
            _ => Err(aggregate(v)),
        },
        ShapeKind::Boolean => match v {
            Value::Bool(_) => Ok(()),
            Value::Number(_) => Err(format!("{TRUNCATING} can not be converted to an Boolean")),
            Value::String(s) => Err(format!(
                "'{}' can not be converted to an Boolean",
                s.to_uppercase()
            )),
            _ => Err(aggregate(v)),
        },
        ShapeKind::Integer | ShapeKind::Long | ShapeKind::Double | ShapeKind::Float => {
            let java = match shape.kind {
                ShapeKind::Integer => "Integer",
                ShapeKind::Long => "Long",
                ShapeKind::Double => "Double",
                _ => "Float",
            };
            match v {
                Value::Number(_) => Ok(()),
                Value::Bool(_) => Err(format!(
                    "class java.lang.Boolean can not be converted to an {java}"
                )),
                Value::String(_) => Err(format!(
                    "class java.lang.String can not be converted to an {java}"
                )),
                _ => Err(aggregate(v)),
            }
        }
        ShapeKind::Timestamp => match v {
            Value::Number(_) => Ok(()),
            Value::Bool(_) => Err(
                "class java.lang.Boolean can not be converted to milliseconds since epoch".into(),
            ),
            Value::String(_) => Err(
                "class java.lang.String can not be converted to milliseconds since epoch".into(),
            ),
            _ => Err(aggregate(v)),
        },
        ShapeKind::Blob => match v {
            Value::String(s) => check_base64(s),
            Value::Bool(_) => Err("class java.lang.Boolean can not be converted to a Blob".into()),
            Value::Number(_) => Err(format!("{TRUNCATING} can not be converted to a Blob")),
            _ => Err(aggregate(v)),
        },
        ShapeKind::List(member) => match v {
            Value::Array(items) => items.iter().try_for_each(|i| check_type(member, i)),
            Value::Object(_) => Err(START_OF_STRUCT.into()),
            _ => Err("Expected list or null".into()),
        },
        ShapeKind::Map(_, value) => match v {
            Value::Object(obj) => obj.values().try_for_each(|i| check_type(value, i)),
            Value::Array(_) => Err(START_OF_LIST.into()),
            _ => Err("Expected map or null".into()),
        },
        ShapeKind::Structure(_) => match v {
            Value::Object(obj) => check_struct_types(shape, obj),
            Value::Array(_) => Err(START_OF_LIST.into()),
            _ => Err("Expected null".into()),
        },
    }
}

/// Coral's checks on a base64 blob, in its order (texts from kinesalite's AWS-recorded tests).
fn check_base64(s: &str) -> Result<(), String> {
    use base64::Engine;
    // Java measures the string in UTF-16 units.
    let len = s.encode_utf16().count();
    if !len.is_multiple_of(4) {
        return Err(format!(
            "'{s}' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: {len}"
        ));
    }
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let valid = c.is_ascii_alphanumeric() || c == '+' || c == '/' || c == '=';
        let pad_in_middle = c == '=' && chars.peek().is_some_and(|&n| n != '=');
        if !valid || pad_in_middle {
            return Err(format!(
                "'{s}' can not be converted to a Blob: Invalid Base64 character: '{c}'"
            ));
        }
    }
    if base64::engine::general_purpose::STANDARD.decode(s).is_err() {
        return Err(format!(
            "'{s}' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"
        ));
    }
    Ok(())
}

/// Bytes in a (valid, padded) base64 text.
fn base64_len(s: &str) -> usize {
    let pad = s.bytes().rev().take_while(|&b| b == b'=').count().min(2);
    (s.len() / 4 * 3).saturating_sub(pad)
}

// ---- pass 2: constraints (ValidationException) ----

#[derive(Default)]
struct Violations {
    list: Vec<String>,
}

impl Violations {
    fn full(&self) -> bool {
        self.list.len() >= MAX_REPORTED_VIOLATIONS
    }

    /// Record a violation; `value` is the rendered value, `None` for null.
    fn push(&mut self, value: Option<String>, path: &str, constraint: &str) {
        if self.full() {
            return;
        }
        let value = match value {
            Some(v) => format!("'{v}'"),
            None => "null".to_string(),
        };
        self.list.push(format!(
            "Value {value} at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    fn into_result(self) -> Result<(), InputError> {
        match self.list.len() {
            0 => Ok(()),
            1 => Err(InputError::Validation(format!(
                "1 validation error detected: {}",
                self.list[0]
            ))),
            n => Err(InputError::Validation(format!(
                "{n} validation errors detected: {}",
                self.list.join("; ")
            ))),
        }
    }
}

fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn child_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

fn validate_struct(shape: &Shape, obj: &Map<String, Value>, path: &str, found: &mut Violations) {
    for m in shape.members() {
        if found.full() {
            return;
        }
        let p = child_path(path, &lower_first(m.name));
        match obj.get(m.name).filter(|v| !v.is_null()) {
            None if m.required => found.push(None, &p, "Member must not be null"),
            None => {}
            Some(v) => validate_value(m.shape, v, &p, found),
        }
    }
}

/// The constraint texts one scalar value may break, each with whether it holds.
fn scalar_checks(shape: &Shape, v: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    match &shape.kind {
        ShapeKind::String => {
            let Some(s) = v.as_str() else { return out };
            if !shape.enum_values.is_empty() {
                out.push((
                    format!(
                        "Member must satisfy enum value set: [{}]",
                        enum_display(shape).join(", ")
                    ),
                    shape.enum_values.contains(&s),
                ));
            }
            if let Some(p) = shape.pattern {
                out.push((
                    format!("Member must satisfy regular expression pattern: {p}"),
                    pattern_matches(p, s),
                ));
            }
            let len = s.chars().count() as i64;
            length_checks(shape, len, &mut out);
        }
        ShapeKind::Blob => {
            let Some(s) = v.as_str() else { return out };
            length_checks(shape, base64_len(s) as i64, &mut out);
        }
        ShapeKind::Integer | ShapeKind::Long => {
            let Some(n) = v.as_number() else { return out };
            let i = int_value(shape, n);
            if let Some(min) = shape.min {
                out.push((
                    format!("Member must have value greater than or equal to {min}"),
                    i >= min,
                ));
            }
            if let Some(max) = shape.max {
                out.push((
                    format!("Member must have value less than or equal to {max}"),
                    i <= max,
                ));
            }
        }
        _ => {}
    }
    out
}

fn length_checks(shape: &Shape, len: i64, out: &mut Vec<(String, bool)>) {
    if let Some(min) = shape.min {
        out.push((
            format!("Member must have length greater than or equal to {min}"),
            len >= min,
        ));
    }
    if let Some(max) = shape.max {
        out.push((
            format!("Member must have length less than or equal to {max}"),
            len <= max,
        ));
    }
}

/// A list member's or map key's/value's constraints as Coral lists them inside
/// `must satisfy constraint: [...]`: maximum before minimum (as AWS printed them for
/// TagKeys and tag values), then pattern and enum.
fn nested_constraints(shape: &Shape) -> Vec<String> {
    let mut out = Vec::new();
    let (unit, scalar) = match shape.kind {
        ShapeKind::String | ShapeKind::Blob => ("length", true),
        ShapeKind::Integer | ShapeKind::Long => ("value", true),
        _ => ("", false),
    };
    if !scalar {
        return out;
    }
    if let Some(max) = shape.max {
        out.push(format!(
            "Member must have {unit} less than or equal to {max}"
        ));
    }
    if let Some(min) = shape.min {
        out.push(format!(
            "Member must have {unit} greater than or equal to {min}"
        ));
    }
    if let Some(p) = shape.pattern {
        out.push(format!(
            "Member must satisfy regular expression pattern: {p}"
        ));
    }
    if !shape.enum_values.is_empty() {
        out.push(format!(
            "Member must satisfy enum value set: [{}]",
            enum_display(shape).join(", ")
        ));
    }
    out
}

fn is_scalar(shape: &Shape) -> bool {
    !matches!(
        shape.kind,
        ShapeKind::List(_) | ShapeKind::Map(..) | ShapeKind::Structure(_)
    )
}

fn scalar_ok(shape: &Shape, v: &Value) -> bool {
    scalar_checks(shape, v).iter().all(|(_, ok)| *ok)
}

fn validate_value(shape: &Shape, v: &Value, path: &str, found: &mut Violations) {
    if found.full() {
        return;
    }
    match &shape.kind {
        ShapeKind::Structure(_) => {
            if let Value::Object(obj) = v {
                validate_struct(shape, obj, path, found);
            }
        }
        ShapeKind::List(member) => {
            let Value::Array(items) = v else { return };
            let len = items.len() as i64;
            if let Some(min) = shape.min {
                if len < min {
                    let c = format!("Member must have length greater than or equal to {min}");
                    found.push(Some(render(shape, v)), path, &c);
                }
            }
            if let Some(max) = shape.max {
                if len > max {
                    let c = format!("Member must have length less than or equal to {max}");
                    found.push(Some(render(shape, v)), path, &c);
                }
            }
            if is_scalar(member) {
                let bad = items.iter().any(|i| !i.is_null() && !scalar_ok(member, i));
                if bad {
                    let c = format!(
                        "Member must satisfy constraint: [{}]",
                        nested_constraints(member).join(", ")
                    );
                    found.push(Some(render(shape, v)), path, &c);
                }
            }
            for (i, item) in items.iter().enumerate() {
                if found.full() {
                    return;
                }
                let p = format!("{path}.{}.member", i + 1);
                if item.is_null() {
                    found.push(None, &p, "Member must not be null");
                } else if !is_scalar(member) {
                    validate_value(member, item, &p, found);
                }
            }
        }
        ShapeKind::Map(key, value) => {
            let Value::Object(obj) = v else { return };
            let len = obj.len() as i64;
            if let Some(min) = shape.min {
                if len < min {
                    let c = format!("Member must have length greater than or equal to {min}");
                    found.push(Some(render(shape, v)), path, &c);
                }
            }
            if let Some(max) = shape.max {
                if len > max {
                    let c = format!("Member must have length less than or equal to {max}");
                    found.push(Some(render(shape, v)), path, &c);
                }
            }
            if obj
                .keys()
                .any(|k| !scalar_ok(key, &Value::String(k.clone())))
            {
                let c = format!(
                    "Map keys must satisfy constraint: [{}]",
                    nested_constraints(key).join(", ")
                );
                found.push(Some(render(shape, v)), path, &c);
            }
            if is_scalar(value) && obj.values().any(|i| !i.is_null() && !scalar_ok(value, i)) {
                let c = format!(
                    "Map value must satisfy constraint: [{}]",
                    nested_constraints(value).join(", ")
                );
                found.push(Some(render(shape, v)), path, &c);
            }
            for (k, item) in obj {
                if found.full() {
                    return;
                }
                let p = format!("{path}.{k}.member");
                if item.is_null() {
                    found.push(None, &p, "Member must not be null");
                } else if !is_scalar(value) {
                    validate_value(value, item, &p, found);
                }
            }
        }
        _ => {
            for (c, ok) in scalar_checks(shape, v) {
                if !ok {
                    found.push(Some(render(shape, v)), path, &c);
                }
            }
        }
    }
}

/// Enum values in the order AWS prints them. AWS's order is its own (a hash order), not the
/// model's; where kinesalite recorded it we use it, elsewhere the model's order.
fn enum_display(shape: &Shape) -> Vec<&'static str> {
    match shape.name {
        // Recorded from AWS by kinesalite (test/getShardIterator.js).
        "ShardIteratorType" => vec![
            "AFTER_SEQUENCE_NUMBER",
            "LATEST",
            "AT_TIMESTAMP",
            "AT_SEQUENCE_NUMBER",
            "TRIM_HORIZON",
        ],
        _ => shape.enum_values.to_vec(),
    }
}

/// The integer Coral reads from a JSON number for an Integer/Long member: floored, clamped.
fn int_value(shape: &Shape, n: &Number) -> i64 {
    let (lo, hi) = match shape.kind {
        ShapeKind::Integer => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    if let Some(i) = n.as_i64() {
        i.clamp(lo, hi)
    } else if n.as_u64().is_some() {
        hi
    } else {
        let f = n.as_f64().unwrap_or(0.0).floor();
        if f.is_nan() {
            0
        } else if f >= hi as f64 {
            hi
        } else if f <= lo as f64 {
            lo
        } else {
            f as i64
        }
    }
}

/// A value as Coral's messages print it (Java `toString` of the deserialized value).
fn render(shape: &Shape, v: &Value) -> String {
    match (&shape.kind, v) {
        (_, Value::Null) => "null".to_string(),
        (ShapeKind::Blob, Value::String(s)) => {
            let n = base64_len(s);
            format!("java.nio.HeapByteBuffer[pos=0 lim={n} cap={n}]")
        }
        (ShapeKind::Integer | ShapeKind::Long, Value::Number(n)) => int_value(shape, n).to_string(),
        (ShapeKind::List(member), Value::Array(items)) => {
            let parts: Vec<String> = items.iter().map(|i| render(member, i)).collect();
            format!("[{}]", parts.join(", "))
        }
        (ShapeKind::Map(key, value), Value::Object(obj)) => {
            let parts: Vec<String> = obj
                .iter()
                .map(|(k, i)| {
                    format!(
                        "{}={}",
                        render(key, &Value::String(k.clone())),
                        render(value, i)
                    )
                })
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        (ShapeKind::Structure(_), _) => {
            // Java's Object.toString: class name and hash code. The hash is Coral's own; ours is
            // a stable hash of the member values.
            let mut h: u32 = 0;
            for b in v.to_string().bytes() {
                h = h.wrapping_mul(31).wrapping_add(u32::from(b));
            }
            format!("com.amazonaws.kinesis.v20131202.{}@{h:x}", shape.name)
        }
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

// ---- patterns ----

/// Compiled model patterns (`None`: not compilable), by pattern text.
type PatternCache = HashMap<&'static str, Option<Arc<Regex>>>;

/// Whether `value` matches the model pattern `pattern` as a whole (Java `matches`). A pattern
/// the matcher cannot compile counts as matched (the model's patterns all compile; a test
/// checks it).
pub fn pattern_matches(pattern: &'static str, value: &str) -> bool {
    static CACHE: OnceLock<Mutex<PatternCache>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let re = {
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(pattern)
            .or_insert_with(|| Regex::new(pattern).ok().map(Arc::new))
            .clone()
    };
    match re {
        Some(re) => re.is_match(value),
        None => true,
    }
}

/// A compiled Java-style regular expression, matched against whole strings by a Thompson NFA
/// simulation (linear in the input, no backtracking). Supported: literals, `.`, escapes
/// (`\d \D \s \S \w \W`, escaped punctuation, `\n \t \r \f`), character classes with ranges and
/// negation, groups `(...)` / `(?:...)`, alternation `|`, quantifiers `* + ? {n} {n,} {n,m}`
/// (lazy/possessive suffixes are accepted; they do not change whether a whole string
/// matches), and the anchors `^` / `$`.
#[derive(Debug)]
pub struct Regex {
    insts: Vec<Inst>,
}

#[derive(Debug, Clone)]
enum Inst {
    Char(CharSet),
    Split(usize, usize),
    Jmp(usize),
    AssertStart,
    AssertEnd,
    Match,
}

#[derive(Debug, Clone)]
struct CharSet {
    negated: bool,
    items: Vec<ClassItem>,
}

#[derive(Debug, Clone, Copy)]
enum ClassItem {
    Range(char, char),
    Digit(bool),
    Space(bool),
    Word(bool),
    /// `.`: anything but a line terminator.
    Dot,
}

impl ClassItem {
    fn matches(self, c: char) -> bool {
        match self {
            ClassItem::Range(a, b) => a <= c && c <= b,
            ClassItem::Digit(neg) => c.is_ascii_digit() != neg,
            ClassItem::Space(neg) => matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r') != neg,
            ClassItem::Word(neg) => (c.is_ascii_alphanumeric() || c == '_') != neg,
            ClassItem::Dot => !matches!(c, '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'),
        }
    }
}

impl CharSet {
    fn one(item: ClassItem) -> CharSet {
        CharSet {
            negated: false,
            items: vec![item],
        }
    }

    fn matches(&self, c: char) -> bool {
        self.items.iter().any(|i| i.matches(c)) != self.negated
    }
}

#[derive(Debug, Clone)]
enum Ast {
    Set(CharSet),
    Concat(Vec<Ast>),
    Alt(Vec<Ast>),
    Repeat(Box<Ast>, u32, Option<u32>),
    Start,
    End,
}

/// Counted repetitions above this are refused (the model's largest is `{0,128}`).
const MAX_REPEAT: u32 = 1000;

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn err(&self, what: &str) -> String {
        format!("bad pattern {:?} at {}: {what}", self.src, self.pos)
    }

    fn alt(&mut self) -> Result<Ast, String> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Ast::Concat(Vec::new()))
        } else {
            Ast::Alt(branches)
        })
    }

    fn concat(&mut self) -> Result<Ast, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Ast::Concat(items))
    }

    fn atom(&mut self) -> Result<Ast, String> {
        let c = self.next().ok_or_else(|| self.err("unexpected end"))?;
        Ok(match c {
            '(' => {
                if self.peek() == Some('?') {
                    self.pos += 1;
                    if self.next() != Some(':') {
                        return Err(self.err("only (?:...) groups are supported"));
                    }
                }
                let inner = self.alt()?;
                if self.next() != Some(')') {
                    return Err(self.err("missing )"));
                }
                inner
            }
            '[' => Ast::Set(self.class()?),
            '.' => Ast::Set(CharSet::one(ClassItem::Dot)),
            '^' => Ast::Start,
            '$' => Ast::End,
            '\\' => {
                let e = self.next().ok_or_else(|| self.err("trailing \\"))?;
                Ast::Set(CharSet::one(escape_item(e)))
            }
            '*' | '+' | '?' => return Err(self.err("dangling quantifier")),
            c => Ast::Set(CharSet::one(ClassItem::Range(c, c))),
        })
    }

    fn class(&mut self) -> Result<CharSet, String> {
        let mut set = CharSet {
            negated: false,
            items: Vec::new(),
        };
        if self.peek() == Some('^') {
            self.pos += 1;
            set.negated = true;
        }
        let mut first = true;
        loop {
            let c = self.next().ok_or_else(|| self.err("missing ]"))?;
            if c == ']' && !first {
                break;
            }
            first = false;
            let item = if c == '\\' {
                escape_item(self.next().ok_or_else(|| self.err("trailing \\"))?)
            } else {
                ClassItem::Range(c, c)
            };
            // A range `a-z`; a `-` before `]` is a literal.
            if let ClassItem::Range(lo, _) = item {
                if self.peek() == Some('-') && self.chars.get(self.pos + 1) != Some(&']') {
                    self.pos += 1;
                    let hi = match self.next().ok_or_else(|| self.err("missing ]"))? {
                        '\\' => {
                            match escape_item(self.next().ok_or_else(|| self.err("bad range"))?) {
                                ClassItem::Range(h, _) => h,
                                _ => return Err(self.err("class escape as range end")),
                            }
                        }
                        h => h,
                    };
                    if hi < lo {
                        return Err(self.err("reversed range"));
                    }
                    set.items.push(ClassItem::Range(lo, hi));
                    continue;
                }
            }
            set.items.push(item);
        }
        Ok(set)
    }

    fn quantified(&mut self, atom: Ast) -> Result<Ast, String> {
        let mut atom = atom;
        loop {
            let (min, max) = match self.peek() {
                Some('*') => {
                    self.pos += 1;
                    (0, None)
                }
                Some('+') => {
                    self.pos += 1;
                    (1, None)
                }
                Some('?') => {
                    self.pos += 1;
                    (0, Some(1))
                }
                Some('{') => match self.counted() {
                    Some(q) => q,
                    None => return Ok(atom),
                },
                _ => return Ok(atom),
            };
            if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
                return Err(self.err("bad repetition"));
            }
            // Lazy (`?`) and possessive (`+`) suffixes do not change a whole-string match for
            // the patterns in the model.
            if matches!(self.peek(), Some('?') | Some('+')) {
                self.pos += 1;
            }
            atom = Ast::Repeat(Box::new(atom), min, max);
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor; `None` (cursor unmoved) if it is not one.
    fn counted(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.pos;
        self.pos += 1;
        let number = |p: &mut Self| -> Option<u32> {
            let from = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            let digits: String = p.chars[from..p.pos].iter().collect();
            digits.parse().ok()
        };
        let result = (|| {
            let min = number(self)?;
            let max = match self.next()? {
                '}' => return Some((min, Some(min))),
                ',' => {
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(number(self)?)
                    }
                }
                _ => return None,
            };
            (self.next()? == '}').then_some((min, max))
        })();
        if result.is_none() {
            self.pos = start;
        }
        result
    }
}

fn escape_item(e: char) -> ClassItem {
    match e {
        'd' => ClassItem::Digit(false),
        'D' => ClassItem::Digit(true),
        's' => ClassItem::Space(false),
        'S' => ClassItem::Space(true),
        'w' => ClassItem::Word(false),
        'W' => ClassItem::Word(true),
        'n' => ClassItem::Range('\n', '\n'),
        't' => ClassItem::Range('\t', '\t'),
        'r' => ClassItem::Range('\r', '\r'),
        'f' => ClassItem::Range('\x0C', '\x0C'),
        c => ClassItem::Range(c, c),
    }
}

impl Regex {
    /// Compile a pattern; `Err` describes what is unsupported or malformed.
    pub fn new(pattern: &str) -> Result<Regex, String> {
        let mut p = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            src: pattern,
        };
        let ast = p.alt()?;
        if p.pos != p.chars.len() {
            return Err(p.err("unbalanced )"));
        }
        let mut insts = Vec::new();
        compile(&ast, &mut insts);
        insts.push(Inst::Match);
        Ok(Regex { insts })
    }

    /// Whether the whole of `s` matches.
    pub fn is_match(&self, s: &str) -> bool {
        let n = self.insts.len();
        let mut current = ThreadList::new(n);
        let mut next = ThreadList::new(n);
        let len = s.chars().count();
        self.add(&mut current, 0, 0, len);
        for (pos, c) in s.chars().enumerate() {
            if current.dense.is_empty() {
                return false;
            }
            next.clear();
            for i in 0..current.dense.len() {
                let pc = current.dense[i];
                if let Inst::Char(set) = &self.insts[pc] {
                    if set.matches(c) {
                        self.add(&mut next, pc + 1, pos + 1, len);
                    }
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        current
            .dense
            .iter()
            .any(|&pc| matches!(self.insts[pc], Inst::Match))
    }

    /// Add the thread at `pc` and everything reachable from it without consuming input.
    fn add(&self, list: &mut ThreadList, pc: usize, pos: usize, len: usize) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if !list.insert(pc) {
                continue;
            }
            match self.insts[pc] {
                Inst::Jmp(t) => stack.push(t),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::AssertStart => {
                    if pos == 0 {
                        stack.push(pc + 1);
                    }
                }
                Inst::AssertEnd => {
                    if pos == len {
                        stack.push(pc + 1);
                    }
                }
                Inst::Char(_) | Inst::Match => {}
            }
        }
    }
}

/// A sparse set of instruction indexes.
struct ThreadList {
    dense: Vec<usize>,
    sparse: Vec<usize>,
}

impl ThreadList {
    fn new(n: usize) -> ThreadList {
        ThreadList {
            dense: Vec::with_capacity(n),
            sparse: vec![0; n],
        }
    }

    fn insert(&mut self, pc: usize) -> bool {
        let i = self.sparse[pc];
        if i < self.dense.len() && self.dense[i] == pc {
            return false;
        }
        self.sparse[pc] = self.dense.len();
        self.dense.push(pc);
        true
    }

    fn clear(&mut self) {
        self.dense.clear();
    }
}

fn compile(ast: &Ast, out: &mut Vec<Inst>) {
    match ast {
        Ast::Set(set) => out.push(Inst::Char(set.clone())),
        Ast::Start => out.push(Inst::AssertStart),
        Ast::End => out.push(Inst::AssertEnd),
        Ast::Concat(items) => {
            for i in items {
                compile(i, out);
            }
        }
        Ast::Alt(branches) => {
            // split L1, next; L1: a; jmp end; next: split L2, ...; last branch; end:
            let mut jumps = Vec::new();
            for (i, b) in branches.iter().enumerate() {
                if i + 1 < branches.len() {
                    let split = out.len();
                    out.push(Inst::Split(split + 1, 0));
                    compile(b, out);
                    jumps.push(out.len());
                    out.push(Inst::Jmp(0));
                    let next = out.len();
                    out[split] = Inst::Split(split + 1, next);
                } else {
                    compile(b, out);
                }
            }
            let end = out.len();
            for j in jumps {
                out[j] = Inst::Jmp(end);
            }
        }
        Ast::Repeat(inner, min, max) => {
            for _ in 0..*min {
                compile(inner, out);
            }
            match max {
                None => {
                    // loop: split body, exit; body; jmp loop
                    let split = out.len();
                    out.push(Inst::Split(split + 1, 0));
                    compile(inner, out);
                    out.push(Inst::Jmp(split));
                    let exit = out.len();
                    out[split] = Inst::Split(split + 1, exit);
                }
                Some(max) => {
                    // (inner (inner (...)?)?)? for the optional copies
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(out.len());
                        out.push(Inst::Split(0, 0));
                        compile(inner, out);
                    }
                    let exit = out.len();
                    for s in splits {
                        out[s] = Inst::Split(s + 1, exit);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(op: Operation, v: Value) -> Result<(), InputError> {
        check_input(op, &v)
    }

    fn validation(op: Operation, v: Value) -> String {
        match check(op, v) {
            Err(InputError::Validation(m)) => m,
            other => panic!("expected a ValidationException, got {other:?}"),
        }
    }

    fn serialization(op: Operation, v: Value) -> String {
        match check(op, v) {
            Err(InputError::Serialization(m)) => m,
            other => panic!("expected a SerializationException, got {other:?}"),
        }
    }

    const STREAM_PATTERN: &str = "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";

    #[test]
    fn valid_requests_pass() {
        assert_eq!(check(Operation::ListStreams, json!({})), Ok(()));
        assert_eq!(
            check(
                Operation::PutRecords,
                json!({"StreamName": "s", "Records": [{"Data": "aGk=", "PartitionKey": "k"}]})
            ),
            Ok(())
        );
        assert_eq!(
            check(
                Operation::GetShardIterator,
                json!({"StreamName": "s", "ShardId": "shardId-000000000000",
                       "ShardIteratorType": "AT_TIMESTAMP", "Timestamp": 1795311402.842})
            ),
            Ok(())
        );
        // Unknown members and nulls are ignored.
        assert_eq!(
            check(
                Operation::DescribeStream,
                json!({"StreamName": "s", "Bogus": [1, 2], "Limit": null})
            ),
            Ok(())
        );
        assert_eq!(
            check(
                Operation::AddTagsToStream,
                json!({"StreamName": "s", "Tags": {"a": "", "b": "c"}})
            ),
            Ok(())
        );
    }

    #[test]
    fn every_operation_checks_an_empty_object_without_panicking() {
        for &op in Operation::all() {
            assert!(model::input_shape(op).is_some(), "{}", op.name());
            match check(op, json!({})) {
                Ok(()) | Err(InputError::Validation(_)) => {}
                Err(e) => panic!("{}: {e}", op.name()),
            }
        }
    }

    #[test]
    fn top_level_must_be_an_object() {
        for v in [json!([]), json!(1), json!("x"), json!(null), json!(true)] {
            assert_eq!(
                check(Operation::ListStreams, v),
                Err(InputError::Serialization(String::new()))
            );
        }
    }

    #[test]
    fn serialization_messages() {
        let op = Operation::PutRecord;
        let cases = [
            (json!({"StreamName": true}), "class java.lang.Boolean can not be converted to an String"),
            (json!({"StreamName": 23}), "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"),
            (json!({"StreamName": 34.56}), "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"),
            (json!({"StreamName": []}), "Start of list found where not expected"),
            (json!({"StreamName": {}}), "Start of structure or map found where not expected."),
            (json!({"Data": true}), "class java.lang.Boolean can not be converted to a Blob"),
            (json!({"Data": 23}), "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to a Blob"),
            (json!({"Data": "23456"}), "'23456' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 5"),
            (json!({"Data": "=+/="}), "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='"),
            (json!({"Data": "ab*="}), "'ab*=' can not be converted to a Blob: Invalid Base64 character: '*'"),
            (json!({"Data": "+/+="}), "'+/+=' can not be converted to a Blob: Invalid last non-pad Base64 character dectected"),
            (json!({"DryRun": "yes"}), "'YES' can not be converted to an Boolean"),
            (json!({"DryRun": 1}), "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Boolean"),
        ];
        for (input, msg) in cases {
            assert_eq!(serialization(op, input.clone()), msg, "{input}");
        }
        let op = Operation::GetRecords;
        assert_eq!(
            serialization(op, json!({"Limit": "23"})),
            "class java.lang.String can not be converted to an Integer"
        );
        assert_eq!(
            serialization(op, json!({"Limit": false})),
            "class java.lang.Boolean can not be converted to an Integer"
        );
        assert_eq!(
            serialization(op, json!({"Limit": {}})),
            "Start of structure or map found where not expected."
        );
        let op = Operation::GetShardIterator;
        assert_eq!(
            serialization(op, json!({"Timestamp": "23"})),
            "class java.lang.String can not be converted to milliseconds since epoch"
        );
        assert_eq!(
            serialization(op, json!({"Timestamp": true})),
            "class java.lang.Boolean can not be converted to milliseconds since epoch"
        );
        let op = Operation::PutRecords;
        assert_eq!(
            serialization(op, json!({"Records": "23"})),
            "Expected list or null"
        );
        assert_eq!(
            serialization(op, json!({"Records": 2})),
            "Expected list or null"
        );
        assert_eq!(
            serialization(op, json!({"Records": {}})),
            "Start of structure or map found where not expected."
        );
        assert_eq!(serialization(op, json!({"Records": [23]})), "Expected null");
        assert_eq!(
            serialization(op, json!({"Records": [[]]})),
            "Start of list found where not expected"
        );
        assert_eq!(
            serialization(op, json!({"Records": [{"PartitionKey": 1}]})),
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
        );
        let op = Operation::AddTagsToStream;
        assert_eq!(
            serialization(op, json!({"Tags": "23"})),
            "Expected map or null"
        );
        assert_eq!(
            serialization(op, json!({"Tags": []})),
            "Start of list found where not expected"
        );
        assert_eq!(
            serialization(op, json!({"Tags": {"a": 1}})),
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
        );
        // Types are checked before constraints.
        assert_eq!(
            serialization(op, json!({"StreamName": "", "Tags": {"a": 1}})),
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
        );
    }

    #[test]
    fn single_violations() {
        assert_eq!(
            validation(Operation::GetRecords, json!({})),
            "1 validation error detected: Value null at 'shardIterator' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(
            validation(Operation::GetRecords, json!({"ShardIterator": "x", "Limit": 10001})),
            "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"
        );
        // Fractions are floored, out-of-range numbers clamped to the Java type.
        assert_eq!(
            validation(Operation::GetRecords, json!({"ShardIterator": "x", "Limit": 0.9})),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        assert_eq!(
            validation(
                Operation::GetRecords,
                json!({"ShardIterator": "x", "Limit": 100000000000u64})
            ),
            "1 validation error detected: Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000"
        );
        assert_eq!(
            validation(
                Operation::CreateStream,
                json!({"StreamName": "s", "ShardCount": -100000000000i64})
            ),
            "1 validation error detected: Value '-2147483648' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1"
        );
        let name = "a".repeat(129);
        assert_eq!(
            validation(Operation::DescribeStreamSummary, json!({"StreamName": name})),
            format!("1 validation error detected: Value '{name}' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128")
        );
        assert_eq!(
            validation(Operation::DescribeStreamSummary, json!({"StreamName": "a b"})),
            format!("1 validation error detected: Value 'a b' at 'streamName' failed to satisfy constraint: {STREAM_PATTERN}")
        );
        assert_eq!(
            validation(
                Operation::GetShardIterator,
                json!({"StreamName": "s", "ShardId": "shardId-0", "ShardIteratorType": "FIRST"})
            ),
            "1 validation error detected: Value 'FIRST' at 'shardIteratorType' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]"
        );
        assert_eq!(
            validation(
                Operation::UpdateStreamMode,
                json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
                       "StreamModeDetails": {"StreamMode": "FAST"}})
            ),
            "1 validation error detected: Value 'FAST' at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]"
        );
        assert_eq!(
            validation(
                Operation::UpdateStreamMode,
                json!({"StreamARN": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
                       "StreamModeDetails": {}})
            ),
            "1 validation error detected: Value null at 'streamModeDetails.streamMode' failed to satisfy constraint: Member must not be null"
        );
        assert_eq!(
            validation(
                Operation::ListStreamConsumers,
                json!({"StreamARN": "arn:aws:kinesis:us-east-1:12345:stream/s"})
            ),
            "1 validation error detected: Value 'arn:aws:kinesis:us-east-1:12345:stream/s' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+"
        );
        // A blob prints as Java's ByteBuffer; its length is in bytes.
        let big = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            vec![0u8; 10 * 1024 * 1024 + 1],
        );
        assert_eq!(
            validation(Operation::PutRecord, json!({"StreamName": "s", "PartitionKey": "k", "Data": big})),
            "1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=10485761 cap=10485761]' at 'data' failed to satisfy constraint: Member must have length less than or equal to 10485760"
        );
        // Lengths count characters, not bytes.
        let key = "\u{e9}".repeat(256);
        assert_eq!(
            check(
                Operation::PutRecord,
                json!({"Data": "", "PartitionKey": key})
            ),
            Ok(())
        );
    }

    #[test]
    fn several_violations_in_model_order() {
        assert_eq!(
            validation(Operation::ListShards, json!({"StreamName": "", "NextToken": "", "MaxResults": 0, "ExclusiveStartShardId": ""})),
            format!(
                "6 validation errors detected: \
                 Value '' at 'streamName' failed to satisfy constraint: {STREAM_PATTERN}; \
                 Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1; \
                 Value '' at 'nextToken' failed to satisfy constraint: Member must have length greater than or equal to 1; \
                 Value '' at 'exclusiveStartShardId' failed to satisfy constraint: {STREAM_PATTERN}; \
                 Value '' at 'exclusiveStartShardId' failed to satisfy constraint: Member must have length greater than or equal to 1; \
                 Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )
        );
        assert_eq!(
            validation(Operation::MergeShards, json!({})),
            "2 validation errors detected: \
             Value null at 'shardToMerge' failed to satisfy constraint: Member must not be null; \
             Value null at 'adjacentShardToMerge' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn nested_list_paths() {
        assert_eq!(
            validation(
                Operation::PutRecords,
                json!({"StreamName": "", "Records": [
                    {"PartitionKey": "", "Data": "", "ExplicitHashKey": ""},
                    {"PartitionKey": "k"},
                    null,
                ]})
            ),
            format!(
                "6 validation errors detected: \
                 Value '' at 'records.1.member.explicitHashKey' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(0|([1-9]\\d{{0,38}}))$; \
                 Value '' at 'records.1.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1; \
                 Value null at 'records.2.member.data' failed to satisfy constraint: Member must not be null; \
                 Value null at 'records.3.member' failed to satisfy constraint: Member must not be null; \
                 Value '' at 'streamName' failed to satisfy constraint: {STREAM_PATTERN}; \
                 Value '' at 'streamName' failed to satisfy constraint: Member must have length greater than or equal to 1"
            )
        );
    }

    #[test]
    fn at_most_ten_violations_list_first() {
        let records: Vec<Value> = (0..501)
            .map(|_| json!({"PartitionKey": "", "Data": ""}))
            .collect();
        let msg = validation(
            Operation::PutRecords,
            json!({"StreamName": "", "Records": records}),
        );
        let entries = vec!["com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@"; 501];
        assert!(msg.starts_with("10 validation errors detected: Value '[com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@"), "{msg}");
        assert!(msg.contains("]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500; Value '' at 'records.1.member.partitionKey'"));
        assert!(msg.ends_with("Value '' at 'records.9.member.partitionKey' failed to satisfy constraint: Member must have length greater than or equal to 1"), "{msg}");
        assert_eq!(msg.matches("; Value ").count(), 9);
        assert_eq!(
            msg.matches("PutRecordsRequestEntry@").count(),
            entries.len()
        );
        assert_eq!(
            validation(Operation::PutRecords, json!({"StreamName": "s", "Records": []})),
            "1 validation error detected: Value '[]' at 'records' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
    }

    #[test]
    fn list_and_map_member_constraints() {
        let long = "a".repeat(129);
        assert_eq!(
            validation(Operation::RemoveTagsFromStream, json!({"StreamName": "s", "TagKeys": ["a", long, "b"]})),
            format!("1 validation error detected: Value '[a, {long}, b]' at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
        );
        let keys: Vec<String> = (1..=51).map(|i| i.to_string()).collect();
        let msg = validation(
            Operation::RemoveTagsFromStream,
            json!({"StreamName": "s", "TagKeys": keys}),
        );
        assert_eq!(
            msg,
            format!("1 validation error detected: Value '[{}]' at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50", keys.join(", "))
        );
        assert_eq!(
            validation(Operation::AddTagsToStream, json!({"StreamName": "s", "Tags": {}})),
            "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1"
        );
        assert_eq!(
            validation(Operation::AddTagsToStream, json!({"StreamName": "s", "Tags": {"a": "1", long.clone(): "3"}})),
            format!("1 validation error detected: Value '{{a=1, {long}=3}}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
        );
        let value = "v".repeat(257);
        assert_eq!(
            validation(Operation::AddTagsToStream, json!({"StreamName": "s", "Tags": {"c": value}})),
            format!("1 validation error detected: Value '{{c={value}}}' at 'tags' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]")
        );
        assert_eq!(
            validation(Operation::EnableEnhancedMonitoring, json!({"StreamName": "s", "ShardLevelMetrics": ["ALL", "Nope"]})),
            "1 validation error detected: Value '[ALL, Nope]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]"
        );
    }

    #[test]
    fn normalize_floors_clamps_and_drops_nulls() {
        let mut v = json!({"ShardIterator": "x", "Limit": 12.7, "StreamARN": null});
        normalize(Operation::GetRecords, &mut v);
        assert_eq!(v, json!({"ShardIterator": "x", "Limit": 12}));
        let mut v = json!({"StreamName": "s", "ShardCount": 1e12});
        normalize(Operation::CreateStream, &mut v);
        assert_eq!(v, json!({"StreamName": "s", "ShardCount": 2147483647}));
    }

    #[test]
    fn every_model_pattern_compiles() {
        let mut n = 0;
        for s in model::all_shapes() {
            if let Some(p) = s.pattern {
                Regex::new(p).unwrap_or_else(|e| panic!("{}: {e}", s.name));
                n += 1;
            }
        }
        assert!(n > 10);
    }

    #[test]
    fn pattern_matching() {
        let m = |p: &'static str, s: &str| pattern_matches(p, s);
        assert!(m("[a-zA-Z0-9_.-]+", "my-stream_1.0"));
        assert!(!m("[a-zA-Z0-9_.-]+", ""));
        assert!(!m("[a-zA-Z0-9_.-]+", "a/b"));
        let seq = "^(0|([1-9]\\d{0,128}))$";
        assert!(m(seq, "0"));
        assert!(m(
            seq,
            "49543463076548007577105092703039560359975228518395019266"
        ));
        assert!(!m(seq, "01"));
        assert!(!m(seq, ""));
        assert!(m(seq, &format!("1{}", "0".repeat(128))));
        assert!(!m(seq, &format!("1{}", "0".repeat(129))));
        let hash = "^(0|([1-9]\\d{0,38}))$";
        assert!(m(hash, "340282366920938463463374607431768211455"));
        assert!(!m(hash, "3402823669209384634633746074317682114550"));
        let stream_arn = "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+";
        assert!(m(
            stream_arn,
            "arn:aws:kinesis:us-east-1:123456789012:stream/s"
        ));
        assert!(m(
            stream_arn,
            "arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s"
        ));
        assert!(!m(
            stream_arn,
            "arn:aws:kinesis:us-east-1:123456789012:stream/"
        ));
        assert!(!m(
            stream_arn,
            "arn:aws:kinesis:us-east-1:123456789012:stream/a b"
        ));
        let consumer = "^(arn):aws.*:kinesis:.*:\\d{12}:.*stream\\/[a-zA-Z0-9_.-]+\\/consumer\\/[a-zA-Z0-9_.-]+:[0-9]+";
        assert!(m(
            consumer,
            "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c:1700000000"
        ));
        assert!(!m(
            consumer,
            "arn:aws:kinesis:us-east-1:123456789012:stream/s/consumer/c"
        ));
        let resource = "arn:aws.*:kinesis:.*:\\d{12}:.*(stream|channel|queue)/\\S+";
        assert!(m(
            resource,
            "arn:aws:kinesis:us-east-1:123456789012:queue/q"
        ));
        assert!(!m(
            resource,
            "arn:aws:kinesis:us-east-1:123456789012:table/q"
        ));
        assert!(m("[^:*]*", ""));
        assert!(!m("[^:*]*", "a:b"));
        assert!(m("[0-9A-Za-z!\\-_'.*()\\/]+", "a-b_c'd.e*(f)/g!"));
        assert!(!m("[0-9A-Za-z!\\-_'.*()\\/]+", "a b"));
        assert!(m(
            "arn:aws[-a-z0-9]*:s3:::[a-z0-9._-]{3,63}",
            "arn:aws:s3:::my-bucket"
        ));
        assert!(!m(
            "arn:aws[-a-z0-9]*:s3:::[a-z0-9._-]{3,63}",
            "arn:aws:s3:::ab"
        ));
        assert!(m("[a-z0-9]{20}-[a-z0-9]{3}", "abcdefghij0123456789-abc"));
        // `.` stops at line terminators; `\\S` at whitespace.
        assert!(!m("a.b", "a\nb"));
        // Matching is per character (code point), not per byte.
        assert!(m("a.b", "a\u{e9}b"));
        assert!(!m("a..b", "a\u{e9}b"));
        // A long non-matching value stays fast (no backtracking).
        let long = format!("arn:aws:kinesis:{}", ":".repeat(20000));
        assert!(!m(resource, &long));
    }

    #[test]
    fn regex_constructs() {
        let r = |p: &str| Regex::new(p).unwrap();
        assert!(r("ab|cd").is_match("cd"));
        assert!(!r("ab|cd").is_match("abcd"));
        assert!(r("(?:ab)+c?").is_match("ababab"));
        assert!(r("x{2,}").is_match("xxxx"));
        assert!(!r("x{2,}").is_match("x"));
        assert!(r("x{3}").is_match("xxx"));
        assert!(r("[^a-c]\\w\\s\\D").is_match("d_ x"));
        assert!(r("a{1,2}b{").is_match("aab{"));
        assert!(r("()*").is_match(""));
        assert!(Regex::new("(ab").is_err());
        assert!(Regex::new("ab)").is_err());
        assert!(Regex::new("[ab").is_err());
        assert!(Regex::new("*a").is_err());
    }
}
