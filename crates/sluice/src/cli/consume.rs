//! `sluice consume`: resolves where each partition starts (ListOffsets), then loops on Fetch,
//! printing one line per record. Without `--follow` a partition is done once it reaches the high
//! watermark seen at start; with it the loop runs until `--max-messages` or Ctrl-C. This file owns
//! the cursor bookkeeping and the output format; batch decoding lives in `records`.

use super::conn::Connection;
use super::error::{check_code, cli_error, kafka_error, Result};
use super::metadata::{self, topic_name, TIMESTAMP_EARLIEST, TIMESTAMP_LATEST};
use super::records::{complete_batches, decode_batch};
use super::{ConsumeArgs, StartOffset};
use bytes::Bytes;
use kafka_protocol::messages::fetch_request::{FetchPartition, FetchTopic};
use kafka_protocol::messages::fetch_response::PartitionData;
use kafka_protocol::messages::{FetchRequest, FetchResponse};
use kafka_protocol::records::Record;
use std::collections::BTreeMap;
use std::io::Write;

const FETCH_VERSION_MAX: i16 = 12;
const FETCH_MAX_WAIT_MS: i32 = 500;
const FETCH_MIN_BYTES: i32 = 1;
const FETCH_PARTITION_BYTES_MAX: i32 = 1024 * 1024;
/// Response size limit across partitions (Kafka's `fetch.max.bytes` default).
const FETCH_BYTES_MAX: i32 = 50 * 1024 * 1024;
/// Without `--follow`, this many fetches in a row without progress is an error (~30 s).
const STALLED_FETCHES_MAX: u32 = 60;
const OFFSET_OUT_OF_RANGE: i16 = 1;

/// Where one partition is and where it stops.
#[derive(Debug, Clone, PartialEq)]
struct Cursor {
    position: i64,
    /// The high watermark seen at start; `None` with `--follow`.
    stop_at: Option<i64>,
}

impl Cursor {
    fn is_done(&self) -> bool {
        self.stop_at.is_some_and(|stop| self.position >= stop)
    }
}

pub async fn run(args: ConsumeArgs) -> Result<()> {
    let mut conn = Connection::connect(&args.connect.bootstrap).await?;
    let mut cursors = start_cursors(&mut conn, &args).await?;
    let version = conn.version::<FetchRequest>(FETCH_VERSION_MAX)?;
    let mut printer = Printer::new(&args);
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let mut stalled_fetches = 0u32;
    while !printer.is_full() && cursors.values().any(|c| !c.is_done()) {
        let request = fetch_request(&args.topic, &cursors);
        let response = tokio::select! {
            response = conn.call(&request, version) => response?,
            _ = &mut ctrl_c => break,
        };
        let before = cursors.clone();
        let absorbed = absorb(&args.topic, &response, &mut cursors, &mut printer);
        if printer.flush_or_closed()? {
            return Ok(()); // the reader went away (e.g. `| head`): nothing more to say
        }
        absorbed?;
        stalled_fetches = if cursors == before {
            stalled_fetches + 1
        } else {
            0
        };
        if !args.follow && stalled_fetches >= STALLED_FETCHES_MAX {
            return Err(stalled(&args.topic, &cursors));
        }
    }
    eprintln!("consumed {} records from {}", printer.printed, args.topic);
    Ok(())
}

/// One cursor per chosen partition, positioned per `--offset`.
async fn start_cursors(conn: &mut Connection, args: &ConsumeArgs) -> Result<BTreeMap<i32, Cursor>> {
    let topic = metadata::topic(conn, &args.topic).await?;
    let all: Vec<i32> = topic.partitions.iter().map(|p| p.index).collect();
    let chosen = match args.partition {
        Some(p) if !all.contains(&p) => {
            let (name, count) = (&args.topic, all.len());
            return Err(cli_error!(
                "topic '{name}' has {count} partitions; no partition {p}"
            ));
        }
        Some(p) => vec![p],
        None => all,
    };
    let starts = metadata::offsets(conn, &args.topic, &chosen, TIMESTAMP_EARLIEST).await?;
    let ends = metadata::offsets(conn, &args.topic, &chosen, TIMESTAMP_LATEST).await?;
    let mut cursors = BTreeMap::new();
    for p in chosen {
        let (start, end) = (starts[&p], ends[&p]);
        let position = match args.offset {
            StartOffset::Earliest => start,
            StartOffset::Latest => end,
            StartOffset::At(n) if n < start || n > end => {
                let context = format!("topic '{}' partition {p}: offset {n}", args.topic);
                let range = format!("log has offsets {start}..{end}");
                return Err(kafka_error(&context, OFFSET_OUT_OF_RANGE, Some(&range)));
            }
            StartOffset::At(n) => n,
        };
        let stop_at = (!args.follow).then_some(end);
        cursors.insert(p, Cursor { position, stop_at });
    }
    Ok(cursors)
}

/// A Fetch for every partition that is not done yet, by topic name (Fetch ≤ v12).
fn fetch_request(topic: &str, cursors: &BTreeMap<i32, Cursor>) -> FetchRequest {
    let partitions = cursors.iter().filter(|(_, c)| !c.is_done()).map(|(&p, c)| {
        FetchPartition::default()
            .with_partition(p)
            .with_fetch_offset(c.position)
            .with_partition_max_bytes(FETCH_PARTITION_BYTES_MAX)
    });
    let topic = FetchTopic::default()
        .with_topic(topic_name(topic))
        .with_partitions(partitions.collect());
    FetchRequest::default()
        .with_max_wait_ms(FETCH_MAX_WAIT_MS)
        .with_min_bytes(FETCH_MIN_BYTES)
        .with_max_bytes(FETCH_BYTES_MAX)
        .with_topics(vec![topic])
}

/// Prints the records of one Fetch response and advances the cursors past them.
fn absorb<W: Write>(
    topic: &str,
    response: &FetchResponse,
    cursors: &mut BTreeMap<i32, Cursor>,
    printer: &mut Printer<W>,
) -> Result<()> {
    check_code(
        &format!("fetch from topic '{topic}'"),
        response.error_code,
        None,
    )?;
    for t in response
        .responses
        .iter()
        .filter(|t| t.topic.as_str() == topic)
    {
        for p in &t.partitions {
            let Some(cursor) = cursors.get_mut(&p.partition_index) else {
                continue;
            };
            check_partition(topic, cursor, p)?;
            let records = p.records.clone().unwrap_or_default();
            absorb_records(topic, p.partition_index, records, cursor, printer)?;
            if printer.is_full() {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// A partition-level error ends the command; OFFSET_OUT_OF_RANGE says where the log is.
fn check_partition(topic: &str, cursor: &Cursor, p: &PartitionData) -> Result<()> {
    let context = format!("topic '{topic}' partition {}", p.partition_index);
    if p.error_code == OFFSET_OUT_OF_RANGE {
        let context = format!("{context}: offset {}", cursor.position);
        let range = format!(
            "log has offsets {}..{}",
            p.log_start_offset, p.high_watermark
        );
        return Err(kafka_error(&context, p.error_code, Some(&range)));
    }
    check_code(&context, p.error_code, None)
}

/// Prints the records at or past the cursor (and before its stop) from one partition's blob.
fn absorb_records<W: Write>(
    topic: &str,
    partition: i32,
    blob: Bytes,
    cursor: &mut Cursor,
    printer: &mut Printer<W>,
) -> Result<()> {
    let blob_bytes = blob.len();
    let (batches, _partial_bytes) = complete_batches(blob)?;
    if batches.is_empty() && blob_bytes > 0 {
        let (at, max) = (cursor.position, FETCH_PARTITION_BYTES_MAX);
        let context = format!("topic '{topic}' partition {partition}");
        return Err(cli_error!(
            "{context}: no complete batch at offset {at} within {max} bytes"
        ));
    }
    for batch in batches {
        let fetched = decode_batch(batch)
            .map_err(|e| cli_error!("topic '{topic}' partition {partition}: {e}"))?;
        for record in fetched.records.iter().filter(|r| wanted(cursor, r.offset)) {
            printer.print(partition, record);
            if printer.is_full() {
                cursor.position = record.offset + 1;
                return Ok(());
            }
        }
        cursor.position = cursor.position.max(fetched.next_offset);
    }
    Ok(())
}

/// Records below the cursor (a batch may start earlier) or at/after its stop are skipped.
fn wanted(cursor: &Cursor, offset: i64) -> bool {
    offset >= cursor.position && cursor.stop_at.is_none_or(|stop| offset < stop)
}

fn stalled(topic: &str, cursors: &BTreeMap<i32, Cursor>) -> super::error::CliError {
    let behind: Vec<String> = cursors
        .iter()
        .filter(|(_, c)| !c.is_done())
        .map(|(p, c)| {
            format!(
                "partition {p} at {} of {}",
                c.position,
                c.stop_at.unwrap_or(-1)
            )
        })
        .collect();
    cli_error!(
        "topic '{topic}': no progress after {STALLED_FETCHES_MAX} fetches ({})",
        behind.join(", ")
    )
}

/// Formats records as lines on stdout and counts them against `--max-messages`.
struct Printer<W: Write = std::io::BufWriter<std::io::Stdout>> {
    out: W,
    options: LineFormat,
    printed: u64,
    max_messages: Option<u64>,
    failed: Option<std::io::Error>,
}

impl Printer {
    fn new(args: &ConsumeArgs) -> Printer {
        Printer {
            out: std::io::BufWriter::new(std::io::stdout()),
            options: LineFormat {
                print_key: args.print_key,
                print_offset: args.print_offset,
                separator: args.key_separator.clone(),
            },
            printed: 0,
            max_messages: args.max_messages,
            failed: None,
        }
    }
}

impl<W: Write> Printer<W> {
    fn is_full(&self) -> bool {
        self.failed.is_some() || self.max_messages.is_some_and(|max| self.printed >= max)
    }

    fn print(&mut self, partition: i32, record: &Record) {
        let line = self.options.format(partition, record);
        match self.out.write_all(&line) {
            Ok(()) => self.printed += 1,
            Err(e) => self.failed = Some(e),
        }
    }

    /// Flushes stdout; `Ok(true)` when the reader went away (e.g. `| head`), which ends the run.
    fn flush_or_closed(&mut self) -> Result<bool> {
        let error = match self.failed.take() {
            Some(e) => Some(e),
            None => self.out.flush().err(),
        };
        match error {
            None => Ok(false),
            Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(true),
            Some(e) => Err(cli_error!("writing output: {e}")),
        }
    }
}

/// How one record becomes one line: `[partition:offset SEP][key SEP]value\n`.
struct LineFormat {
    print_key: bool,
    print_offset: bool,
    separator: String,
}

impl LineFormat {
    fn format(&self, partition: i32, record: &Record) -> Vec<u8> {
        let mut line = Vec::new();
        if self.print_offset {
            line.extend_from_slice(format!("{partition}:{}", record.offset).as_bytes());
            line.extend_from_slice(self.separator.as_bytes());
        }
        if self.print_key {
            line.extend_from_slice(lossy_or_null(record.key.as_ref()).as_bytes());
            line.extend_from_slice(self.separator.as_bytes());
        }
        line.extend_from_slice(lossy_or_null(record.value.as_ref()).as_bytes());
        line.push(b'\n');
        line
    }
}

/// UTF-8 (lossy) text of a key or value; a null one prints as `null`, as Kafka's tools do.
fn lossy_or_null(bytes: Option<&Bytes>) -> std::borrow::Cow<'_, str> {
    match bytes {
        Some(b) => String::from_utf8_lossy(b),
        None => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::records::{encode_batch, OutgoingRecord};
    use kafka_protocol::records::Compression;

    fn record(offset: i64, key: Option<&'static str>, value: &'static str) -> Record {
        let key = key.map(|k| Bytes::from_static(k.as_bytes()));
        let value = Bytes::from_static(value.as_bytes());
        let blob = encode_batch(&[OutgoingRecord { key, value }], 0, Compression::None).unwrap();
        let mut r = decode_batch(blob).unwrap().records.remove(0);
        r.offset = offset;
        r
    }

    /// Goal: the line format matches the flags; method: format one record every way.
    #[test]
    fn lines_carry_offset_key_and_value_as_asked() {
        let r = record(41, Some("k"), "v");
        let mut f = LineFormat {
            print_key: false,
            print_offset: false,
            separator: "\t".into(),
        };
        assert_eq!(f.format(3, &r), b"v\n");
        f.print_key = true;
        assert_eq!(f.format(3, &r), b"k\tv\n");
        f.print_offset = true;
        f.separator = " | ".into();
        assert_eq!(f.format(3, &r), b"3:41 | k | v\n");
        assert_eq!(f.format(3, &record(0, None, "x")), b"3:0 | null | x\n");
    }

    /// Goal: records before the requested offset and past the start-time high watermark are
    /// skipped while the cursor still moves past the whole batch; method: feed one batch of 5.
    #[test]
    fn records_outside_the_window_are_skipped() {
        let input: Vec<OutgoingRecord> = (0..5)
            .map(|i| OutgoingRecord {
                key: None,
                value: Bytes::from(format!("v{i}")),
            })
            .collect();
        let blob = encode_batch(&input, 0, Compression::None).unwrap();
        let mut printer = Printer {
            out: Vec::new(),
            options: LineFormat {
                print_key: false,
                print_offset: true,
                separator: " ".into(),
            },
            printed: 0,
            max_messages: None,
            failed: None,
        };
        let mut cursor = Cursor {
            position: 2,
            stop_at: Some(4),
        };
        absorb_records("t", 0, Bytes::new(), &mut cursor, &mut printer).unwrap();
        assert_eq!(cursor.position, 2, "an empty fetch leaves the cursor");
        absorb_records("t", 0, blob.clone(), &mut cursor, &mut printer).unwrap();
        assert_eq!(printer.out, b"0:2 v2\n0:3 v3\n");
        assert_eq!((cursor.position, cursor.is_done()), (5, true));
        assert!(absorb_records("t", 0, blob.slice(..20), &mut cursor, &mut printer).is_err());
    }

    /// Goal: --max-messages stops mid-batch and leaves the cursor after the last printed
    /// record; method: a limit of 2 over a batch of 5.
    #[test]
    fn max_messages_stops_mid_batch() {
        let input: Vec<OutgoingRecord> = (0..5)
            .map(|i| OutgoingRecord {
                key: None,
                value: Bytes::from(format!("v{i}")),
            })
            .collect();
        let blob = encode_batch(&input, 0, Compression::Zstd).unwrap();
        let mut printer = Printer {
            out: Vec::new(),
            options: LineFormat {
                print_key: false,
                print_offset: false,
                separator: "\t".into(),
            },
            printed: 0,
            max_messages: Some(2),
            failed: None,
        };
        let mut cursor = Cursor {
            position: 0,
            stop_at: None,
        };
        absorb_records("t", 0, blob, &mut cursor, &mut printer).unwrap();
        assert_eq!(printer.out, b"v0\nv1\n");
        assert_eq!((cursor.position, printer.is_full()), (2, true));
    }
}
