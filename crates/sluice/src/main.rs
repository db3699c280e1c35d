//! The `sluice` binary: `serve` wires the log, broker and protocol fronts together; every other
//! subcommand is a client of a running server (see `cli`).

mod admin;
mod cli;
mod logging;
mod serve;
mod settings;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "sluice",
    version,
    about = "A durable, ordered, partitioned log that speaks Kafka and Kinesis"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve(serve::ServeArgs),
    /// Create, list, describe and delete topics on a running server.
    Topic {
        #[command(subcommand)]
        cmd: cli::TopicCmd,
    },
    /// Produce lines from stdin to a topic.
    Produce(cli::ProduceArgs),
    /// Print records of a topic.
    Consume(cli::ConsumeArgs),
    /// Consumer groups: list, describe (members, committed offsets, lag).
    Group {
        #[command(subcommand)]
        cmd: cli::GroupCmd,
    },
    /// Kinesis streams over the Kinesis endpoint: create, list, describe, delete, split, merge,
    /// scale.
    Stream {
        #[command(subcommand)]
        cmd: cli::StreamCmd,
    },
}

/// Makes a decoder's trusted-length allocations harmless (see `sluice_kafka::alloc`).
#[global_allocator]
static ALLOC: sluice_kafka::alloc::LazyHugeAlloc = sluice_kafka::alloc::LazyHugeAlloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => serve::main(args),
        Command::Topic { cmd } => cli::run(cli::Invocation::Topic(cmd)),
        Command::Produce(args) => cli::run(cli::Invocation::Produce(args)),
        Command::Consume(args) => cli::run(cli::Invocation::Consume(args)),
        Command::Group { cmd } => cli::run(cli::Invocation::Group(cmd)),
        Command::Stream { cmd } => cli::run(cli::Invocation::Stream(cmd)),
    }
}
