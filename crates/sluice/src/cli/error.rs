//! The CLI's one error type: a single human-readable line, printed as `error: ...` by `run`.
//! Kafka error codes are rendered with their protocol names (`UNKNOWN_TOPIC_OR_PARTITION (3)`),
//! taken from kafka-protocol's `ResponseError` table; nothing here knows about sockets or commands.

use kafka_protocol::ResponseError;
use std::fmt;

/// A failure that ends the command; its text is the whole message after `error: `.
#[derive(Debug, PartialEq, Eq)]
pub struct CliError(pub String);

pub type Result<T> = std::result::Result<T, CliError>;

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        CliError(message.into())
    }
}

/// Builds a `CliError` with `format!` syntax.
macro_rules! cli_error {
    ($($arg:tt)*) => { $crate::cli::error::CliError::new(format!($($arg)*)) };
}
pub(crate) use cli_error;

/// The protocol name of a Kafka error code, e.g. `UNKNOWN_TOPIC_OR_PARTITION`.
pub fn error_code_name(code: i16) -> String {
    match ResponseError::try_from_code(code) {
        None => "NONE".to_string(),
        Some(ResponseError::Unknown(_)) => "UNKNOWN_ERROR_CODE".to_string(),
        Some(known) => screaming_snake(&known.to_string()),
    }
}

/// `UnknownTopicOrPartition` -> `UNKNOWN_TOPIC_OR_PARTITION`.
fn screaming_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 8);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Turns a non-zero Kafka error code into `CONTEXT: NAME (CODE)[: server message]`.
pub fn check_code(context: &str, code: i16, message: Option<&str>) -> Result<()> {
    if code == 0 {
        return Ok(());
    }
    Err(kafka_error(context, code, message))
}

/// The error for a non-zero Kafka error code; see `check_code`.
pub fn kafka_error(context: &str, code: i16, message: Option<&str>) -> CliError {
    let name = error_code_name(code);
    match message.filter(|m| !m.is_empty()) {
        Some(m) => cli_error!("{context}: {name} ({code}): {m}"),
        None => cli_error!("{context}: {name} ({code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Goal: error names match the Kafka protocol spelling; method: spot-check a few codes.
    #[test]
    fn error_codes_render_with_protocol_names() {
        assert_eq!(error_code_name(3), "UNKNOWN_TOPIC_OR_PARTITION");
        assert_eq!(error_code_name(1), "OFFSET_OUT_OF_RANGE");
        assert_eq!(error_code_name(-1), "UNKNOWN_SERVER_ERROR");
        assert_eq!(error_code_name(36), "TOPIC_ALREADY_EXISTS");
        assert_eq!(error_code_name(9999), "UNKNOWN_ERROR_CODE");
    }

    /// Goal: the one-line message format the brief asks for; method: format a known error.
    #[test]
    fn kafka_error_names_code_and_context() {
        let e = kafka_error("topic 'x'", 3, None);
        assert_eq!(e.to_string(), "topic 'x': UNKNOWN_TOPIC_OR_PARTITION (3)");
        let e = kafka_error("topic 'x'", 36, Some("already there"));
        assert_eq!(
            e.to_string(),
            "topic 'x': TOPIC_ALREADY_EXISTS (36): already there"
        );
        assert!(check_code("ctx", 0, Some("ignored")).is_ok());
    }
}
