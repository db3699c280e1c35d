//! The command-line client: `sluice topic|produce|consume|group` talk to a running server over
//! the Kafka protocol, like a tiny kcat; `sluice stream` talks to its Kinesis endpoint (AWS JSON
//! 1.1 over HTTP/1.1). This file owns the argument types `main.rs` plugs into clap and `run`,
//! which builds a current-thread runtime, runs one command and turns its error into a one-line
//! `error: ...` and exit code 1. It never touches the log or broker crates directly.
//!
//! Layers, bytes first: `conn` (frames, headers, ApiVersions) → `metadata` (Metadata,
//! ListOffsets) and `records` (batch encode/decode) → the commands `topic`, `produce`, `consume`,
//! `group`. `stream` is self-contained: its HTTP client, requests and rendering.

mod conn;
mod consume;
mod error;
mod group;
mod lines;
mod metadata;
mod partition;
mod produce;
mod records;
mod stream;
mod topic;

use std::process::ExitCode;

/// Largest `--batch-records` accepted.
const BATCH_RECORDS_MAX: u32 = 100_000;

// Where to connect; every command takes it. (A `///` doc here would replace the about text of
// every command that flattens it.)
#[derive(clap::Args, Debug, Clone)]
pub struct ConnectArgs {
    /// Broker to talk to.
    #[arg(
        long,
        env = "SLUICE_BOOTSTRAP",
        default_value = "127.0.0.1:9092",
        value_name = "HOST:PORT"
    )]
    pub bootstrap: String,
}

#[derive(clap::Subcommand, Debug)]
pub enum TopicCmd {
    /// Create a topic.
    Create {
        /// Topic name.
        name: String,
        /// Number of partitions.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(i32).range(1..))]
        partitions: i32,
        /// A topic config, e.g. `retention.ms=86400000`; repeatable.
        #[arg(long = "config", value_name = "KEY=VALUE", value_parser = parse_config)]
        configs: Vec<(String, String)>,
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// List topics, one `NAME<TAB>PARTITIONS` line each, sorted by name.
    List {
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// Show a topic's id, partitions (leader, log start and end offsets) and configs.
    Describe {
        /// Topic name.
        name: String,
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// Delete a topic.
    Delete {
        /// Topic name.
        name: String,
        #[command(flatten)]
        connect: ConnectArgs,
    },
}

// Where the Kinesis endpoint is; every `stream` command takes it.
#[derive(clap::Args, Debug, Clone)]
pub struct KinesisArgs {
    /// Kinesis endpoint to talk to (plain HTTP; an `http://` prefix is accepted).
    #[arg(
        long,
        env = "SLUICE_KINESIS",
        default_value = "127.0.0.1:4567",
        value_name = "HOST:PORT",
        value_parser = parse_kinesis_endpoint
    )]
    pub kinesis: String,
}

#[derive(clap::Subcommand, Debug)]
pub enum StreamCmd {
    /// Create a stream (provisioned with --shards, or on-demand).
    Create {
        /// Stream name.
        name: String,
        /// Number of shards; required unless --on-demand.
        #[arg(
            long,
            required_unless_present = "on_demand",
            value_parser = clap::value_parser!(i32).range(1..)
        )]
        shards: Option<i32>,
        /// Create an on-demand stream (the server picks its shard count).
        #[arg(long)]
        on_demand: bool,
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
    /// List streams, one `NAME<TAB>STATUS<TAB>MODE<TAB>OPEN_SHARDS` line each, sorted by name.
    List {
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
    /// Show a stream's status, mode and retention, and a table of its shards (parents, hash key
    /// range, sequence number range, open or closed).
    Describe {
        /// Stream name.
        name: String,
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
    /// Delete a stream.
    Delete {
        /// Stream name.
        name: String,
        /// Also delete its registered enhanced fan-out consumers (otherwise refused).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
    /// Split an open shard in two; the parent closes and two children take its range.
    Split {
        /// Stream name.
        name: String,
        /// Shard to split: `shardId-000000000001` or just `1`.
        #[arg(value_parser = parse_shard_id)]
        shard: String,
        /// First hash key of the upper child [default: the middle of the shard's range].
        #[arg(long, value_name = "HASHKEY", value_parser = clap::value_parser!(u128))]
        at: Option<u128>,
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
    /// Merge two open shards with adjacent hash key ranges into one.
    Merge {
        /// Stream name.
        name: String,
        /// First shard: `shardId-000000000001` or just `1`.
        #[arg(value_parser = parse_shard_id)]
        shard_a: String,
        /// The shard adjacent to it.
        #[arg(value_parser = parse_shard_id)]
        shard_b: String,
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
    /// Reshard to N open shards with even hash key ranges (UpdateShardCount, UNIFORM_SCALING;
    /// N within half to double the open shard count).
    Scale {
        /// Stream name.
        name: String,
        /// Target number of open shards.
        #[arg(value_parser = clap::value_parser!(i32).range(1..))]
        shards: i32,
        #[command(flatten)]
        endpoint: KinesisArgs,
    },
}

#[derive(clap::Subcommand, Debug)]
pub enum GroupCmd {
    /// List consumer groups, one `GROUP<TAB>STATE<TAB>PROTOCOL_TYPE` line each, sorted by id.
    List {
        /// Only groups in this state (e.g. Stable, Empty); repeatable or comma-separated.
        #[arg(
            long = "state",
            value_name = "STATE",
            value_delimiter = ',',
            value_parser = group::parse_state
        )]
        states: Vec<String>,
        #[command(flatten)]
        connect: ConnectArgs,
    },
    /// Show a group's state and members, and its committed offsets with log end and lag.
    Describe {
        /// Group id.
        group: String,
        #[command(flatten)]
        connect: ConnectArgs,
    },
}

#[derive(clap::Args, Debug)]
pub struct ProduceArgs {
    /// Topic to write to.
    pub topic: String,
    /// Send every record to this partition (default: by key hash, else round-robin per batch).
    #[arg(long, value_parser = clap::value_parser!(i32).range(0..))]
    pub partition: Option<i32>,
    /// Each line is `KEY<SEP>VALUE`, split at the first SEP (default: no key).
    #[arg(long, value_name = "SEP", value_parser = parse_separator)]
    pub key_separator: Option<String>,
    /// Acknowledgements to wait for.
    #[arg(long, value_enum, default_value = "all")]
    pub acks: Acks,
    /// Compression codec for record batches.
    #[arg(long, value_enum, default_value = "none")]
    pub compression: CompressionArg,
    /// Most lines per Produce request.
    #[arg(
        long,
        default_value_t = 500,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(BATCH_RECORDS_MAX))
    )]
    pub batch_records: u32,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(clap::Args, Debug)]
pub struct ConsumeArgs {
    /// Topic to read.
    pub topic: String,
    /// Only read this partition (default: all partitions).
    #[arg(long, value_parser = clap::value_parser!(i32).range(0..))]
    pub partition: Option<i32>,
    /// Where to start: earliest, latest, or an offset.
    #[arg(
        long,
        default_value = "earliest",
        value_name = "earliest|latest|N",
        value_parser = parse_start_offset
    )]
    pub offset: StartOffset,
    /// Keep waiting for new records instead of stopping at the end.
    #[arg(long)]
    pub follow: bool,
    /// Stop after this many records.
    #[arg(long, value_name = "N")]
    pub max_messages: Option<u64>,
    /// Print the key before the value.
    #[arg(long)]
    pub print_key: bool,
    /// Separator printed after the offset and the key.
    #[arg(long, value_name = "SEP", default_value = "\t")]
    pub key_separator: String,
    /// Print `partition:offset` before the record.
    #[arg(long)]
    pub print_offset: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// `--acks`: how many acknowledgements a Produce waits for.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acks {
    #[value(name = "all", alias = "-1")]
    All,
    #[value(name = "1")]
    Leader,
    #[value(name = "0")]
    None,
}

/// `--compression`: the record batch codec.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressionArg {
    None,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

/// `--offset`: where consumption starts in each partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartOffset {
    Earliest,
    Latest,
    At(i64),
}

pub enum Invocation {
    Topic(TopicCmd),
    Produce(ProduceArgs),
    Consume(ConsumeArgs),
    Group(GroupCmd),
    Stream(StreamCmd),
}

/// Runs one client command on a current-thread runtime; errors print as one line and exit 1.
pub fn run(inv: Invocation) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(dispatch(inv));
    // Nothing spawned may outlive the command; do not wait for stragglers.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(inv: Invocation) -> error::Result<()> {
    match inv {
        Invocation::Topic(cmd) => topic::run(cmd).await,
        Invocation::Produce(args) => produce::run(args).await,
        Invocation::Consume(args) => consume::run(args).await,
        Invocation::Group(cmd) => group::run(cmd).await,
        Invocation::Stream(cmd) => stream::run(cmd).await,
    }
}

fn parse_config(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_string(), value.to_string())),
        _ => Err(format!("expected KEY=VALUE, got '{s}'")),
    }
}

fn parse_separator(s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err("the separator must not be empty".to_string());
    }
    Ok(s.to_string())
}

/// `--kinesis`: `HOST:PORT`, or `http://HOST:PORT[/]`. TLS is not spoken.
fn parse_kinesis_endpoint(s: &str) -> Result<String, String> {
    let trimmed = s.trim();
    if trimmed.starts_with("https://") {
        return Err("https is not supported: the Kinesis endpoint speaks plain HTTP".to_string());
    }
    let hostport = trimmed.strip_prefix("http://").unwrap_or(trimmed);
    let hostport = hostport.strip_suffix('/').unwrap_or(hostport);
    if hostport.is_empty() || hostport.contains(['/', ' ']) || !hostport.contains(':') {
        return Err(format!("expected HOST:PORT, got '{s}'"));
    }
    Ok(hostport.to_string())
}

/// A shard id as the server spells it: `shardId-` and 12 digits. Accepts the bare number too.
fn parse_shard_id(s: &str) -> Result<String, String> {
    let digits = s.strip_prefix("shardId-").unwrap_or(s);
    let index = match digits.bytes().all(|b| b.is_ascii_digit()) {
        true => digits.parse::<i32>().ok(),
        false => None,
    };
    match index {
        Some(i) => Ok(format!("shardId-{i:012}")),
        None => Err(format!(
            "expected a shard id like shardId-000000000001 or its number, got '{s}'"
        )),
    }
}

fn parse_start_offset(s: &str) -> Result<StartOffset, String> {
    match s {
        "earliest" => Ok(StartOffset::Earliest),
        "latest" => Ok(StartOffset::Latest),
        _ => match s.parse::<i64>() {
            Ok(n) if n >= 0 => Ok(StartOffset::At(n)),
            _ => Err(format!(
                "expected earliest, latest or an offset >= 0, got '{s}'"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Mirrors main.rs's command tree so parsing can be tested here.
    #[derive(clap::Parser, Debug)]
    struct TestCli {
        #[command(subcommand)]
        command: TestCommand,
    }

    #[derive(clap::Subcommand, Debug)]
    enum TestCommand {
        Topic {
            #[command(subcommand)]
            cmd: TopicCmd,
        },
        Produce(ProduceArgs),
        Consume(ConsumeArgs),
        Group {
            #[command(subcommand)]
            cmd: GroupCmd,
        },
        Stream {
            #[command(subcommand)]
            cmd: StreamCmd,
        },
    }

    fn parse(args: &[&str]) -> Result<TestCommand, clap::Error> {
        TestCli::try_parse_from(std::iter::once("sluice").chain(args.iter().copied()))
            .map(|cli| cli.command)
    }

    /// Goal: produce flags parse with the documented defaults; method: parse bare and full forms.
    #[test]
    fn produce_arguments_parse_with_defaults() {
        let Ok(TestCommand::Produce(bare)) = parse(&["produce", "t"]) else {
            panic!()
        };
        assert_eq!(
            (bare.acks, bare.compression, bare.batch_records),
            (Acks::All, CompressionArg::None, 500)
        );
        assert_eq!((bare.partition, bare.key_separator), (None, None));
        assert!(!bare.connect.bootstrap.is_empty());
        let full = [
            "produce",
            "t",
            "--partition",
            "2",
            "--key-separator",
            "::",
            "--acks",
            "0",
            "--compression",
            "zstd",
            "--batch-records",
            "10",
            "--bootstrap",
            "h:1",
        ];
        let Ok(TestCommand::Produce(full)) = parse(&full) else {
            panic!()
        };
        assert_eq!(
            (full.partition, full.key_separator.as_deref()),
            (Some(2), Some("::"))
        );
        assert_eq!(
            (full.acks, full.compression, full.batch_records),
            (Acks::None, CompressionArg::Zstd, 10)
        );
        assert_eq!(full.connect.bootstrap, "h:1");
        assert!(parse(&["produce", "t", "--acks", "2"]).is_err());
        assert!(parse(&["produce", "t", "--batch-records", "0"]).is_err());
        assert!(parse(&["produce", "t", "--key-separator", ""]).is_err());
    }

    /// Goal: consume flags parse, including every --offset form; method: parse several lines.
    #[test]
    fn consume_arguments_parse() {
        let Ok(TestCommand::Consume(bare)) = parse(&["consume", "t"]) else {
            panic!()
        };
        assert_eq!(
            (bare.offset, bare.follow, bare.max_messages),
            (StartOffset::Earliest, false, None)
        );
        assert_eq!(bare.key_separator, "\t");
        let full = [
            "consume",
            "t",
            "--partition",
            "1",
            "--offset",
            "42",
            "--follow",
            "--max-messages",
            "5",
            "--print-key",
            "--print-offset",
            "--key-separator",
            "=",
        ];
        let Ok(TestCommand::Consume(full)) = parse(&full) else {
            panic!()
        };
        assert_eq!(
            (full.partition, full.offset, full.max_messages),
            (Some(1), StartOffset::At(42), Some(5))
        );
        assert!(full.follow && full.print_key && full.print_offset);
        let Ok(TestCommand::Consume(latest)) = parse(&["consume", "t", "--offset", "latest"])
        else {
            panic!()
        };
        assert_eq!(latest.offset, StartOffset::Latest);
        assert!(parse(&["consume", "t", "--offset", "-3"]).is_err());
        assert!(parse(&["consume", "t", "--offset", "soon"]).is_err());
    }

    /// Goal: topic subcommands parse, configs split at the first '='; method: parse create.
    #[test]
    fn topic_create_parses_configs() {
        let args = [
            "topic",
            "create",
            "t",
            "--partitions",
            "3",
            "--config",
            "a=b=c",
            "--config",
            "x=",
        ];
        let Ok(TestCommand::Topic {
            cmd:
                TopicCmd::Create {
                    name,
                    partitions,
                    configs,
                    ..
                },
        }) = parse(&args)
        else {
            panic!()
        };
        assert_eq!((name.as_str(), partitions), ("t", 3));
        let expected = vec![
            ("a".to_string(), "b=c".to_string()),
            ("x".to_string(), String::new()),
        ];
        assert_eq!(configs, expected);
        assert!(parse(&["topic", "create", "t", "--partitions", "0"]).is_err());
        assert!(parse(&["topic", "create", "t", "--config", "novalue"]).is_err());
        assert!(matches!(
            parse(&["topic", "list"]),
            Ok(TestCommand::Topic {
                cmd: TopicCmd::List { .. }
            })
        ));
    }

    /// Goal: group subcommands parse, --state repeats, splits at commas and takes Kafka's
    /// spelling; method: parse list and describe lines.
    #[test]
    fn group_arguments_parse() {
        let args = [
            "group",
            "list",
            "--state",
            "stable",
            "--state",
            "empty,Dead",
        ];
        let Ok(TestCommand::Group {
            cmd: GroupCmd::List { states, connect },
        }) = parse(&args)
        else {
            panic!()
        };
        assert_eq!(states, ["Stable", "Empty", "Dead"]);
        assert!(!connect.bootstrap.is_empty());
        let Ok(TestCommand::Group {
            cmd: GroupCmd::List { states, .. },
        }) = parse(&["group", "list"])
        else {
            panic!()
        };
        assert!(states.is_empty());
        assert!(parse(&["group", "list", "--state", "running"]).is_err());
        let args = ["group", "describe", "g1", "--bootstrap", "h:1"];
        let Ok(TestCommand::Group {
            cmd: GroupCmd::Describe { group, connect },
        }) = parse(&args)
        else {
            panic!()
        };
        assert_eq!((group.as_str(), connect.bootstrap.as_str()), ("g1", "h:1"));
        assert!(parse(&["group", "describe"]).is_err());
    }

    /// Goal: stream subcommands parse with the documented defaults, shard ids normalise and
    /// bad values are refused at parse time; method: parse every subcommand.
    #[test]
    fn stream_arguments_parse() {
        let stream = |args: &[&str]| match parse(args) {
            Ok(TestCommand::Stream { cmd }) => Ok(cmd),
            Ok(other) => panic!("{other:?}"),
            Err(e) => Err(e),
        };
        let Ok(StreamCmd::Create {
            name,
            shards,
            on_demand,
            endpoint,
        }) = stream(&["stream", "create", "s", "--shards", "3"])
        else {
            panic!()
        };
        assert_eq!((name.as_str(), shards, on_demand), ("s", Some(3), false));
        assert!(!endpoint.kinesis.is_empty());
        let Ok(StreamCmd::Create {
            shards, on_demand, ..
        }) = stream(&["stream", "create", "s", "--on-demand"])
        else {
            panic!()
        };
        assert_eq!((shards, on_demand), (None, true));
        assert!(
            stream(&["stream", "create", "s"]).is_err(),
            "needs --shards"
        );
        assert!(stream(&["stream", "create", "s", "--shards", "0"]).is_err());
        let args = [
            "stream",
            "split",
            "s",
            "7",
            "--at",
            "340282366920938463463374607431768211455",
        ];
        let Ok(StreamCmd::Split { shard, at, .. }) = stream(&args) else {
            panic!()
        };
        assert_eq!(
            (shard.as_str(), at),
            ("shardId-000000000007", Some(u128::MAX))
        );
        let args = ["stream", "split", "s", "shardId-000000000001"];
        let Ok(StreamCmd::Split { shard, at, .. }) = stream(&args) else {
            panic!()
        };
        assert_eq!((shard.as_str(), at), ("shardId-000000000001", None));
        let too_big = [
            "stream",
            "split",
            "s",
            "1",
            "--at",
            "340282366920938463463374607431768211456",
        ];
        assert!(stream(&too_big).is_err());
        assert!(stream(&["stream", "split", "s", "shard-1"]).is_err());
        let args = [
            "stream",
            "merge",
            "s",
            "shardId-2",
            "3",
            "--kinesis",
            "http://h:1/",
        ];
        let Ok(StreamCmd::Merge {
            shard_a,
            shard_b,
            endpoint,
            ..
        }) = stream(&args)
        else {
            panic!()
        };
        assert_eq!(shard_a, "shardId-000000000002");
        assert_eq!(shard_b, "shardId-000000000003");
        assert_eq!(endpoint.kinesis, "h:1");
        let Ok(StreamCmd::Scale { name, shards, .. }) = stream(&["stream", "scale", "s", "4"])
        else {
            panic!()
        };
        assert_eq!((name.as_str(), shards), ("s", 4));
        assert!(stream(&["stream", "scale", "s", "0"]).is_err());
        let Ok(StreamCmd::Delete { force, .. }) = stream(&["stream", "delete", "s", "--force"])
        else {
            panic!()
        };
        assert!(force);
        assert!(matches!(
            stream(&["stream", "list"]),
            Ok(StreamCmd::List { .. })
        ));
        assert!(stream(&["stream", "describe", "s", "--kinesis", "https://h:1"]).is_err());
        assert!(stream(&["stream", "describe", "s", "--kinesis", "nohost"]).is_err());
    }

    /// Goal: endpoint and shard id parsers accept the spellings users type; method: table.
    #[test]
    fn endpoint_and_shard_id_parsers() {
        assert_eq!(
            parse_kinesis_endpoint("127.0.0.1:4567").unwrap(),
            "127.0.0.1:4567"
        );
        assert_eq!(
            parse_kinesis_endpoint("http://[::1]:4567/").unwrap(),
            "[::1]:4567"
        );
        assert!(parse_kinesis_endpoint("http://h:1/path").is_err());
        assert!(parse_kinesis_endpoint("").is_err());
        assert_eq!(parse_shard_id("0").unwrap(), "shardId-000000000000");
        assert_eq!(
            parse_shard_id("shardId-000000000012").unwrap(),
            "shardId-000000000012"
        );
        assert!(parse_shard_id("shardId-").is_err());
        assert!(parse_shard_id("-1").is_err());
        assert!(parse_shard_id("99999999999").is_err());
    }
}
