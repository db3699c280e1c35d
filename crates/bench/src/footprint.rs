//! `sluice-bench footprint`: memory and start-up of a Sluice the bench starts on a fresh data
//! directory (issue 5's memory and start-up targets).
//!
//! Steps, each bounded by `--step-timeout`: start (idle RSS after `--settle` seconds); create one
//! topic of `--partitions` partitions (time, RSS); produce `--produce-mb` to it with librdkafka,
//! at least one record per partition (time, RSS, bytes on disk); SIGTERM (time to exit); start
//! again on the same data (spawn → the Kafka port answers ApiVersions, what the server logged
//! on opening the data directory, RSS, the partitions' end offsets against what was
//! acknowledged); produce again; `kill -9`; start again (the recovery); SIGTERM.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::{Offset, TopicPartitionList};
use serde::{Deserialize, Serialize};

use crate::stats::{self, Machine, Memory};
use crate::target::{self, Programs, Running, SluicePorts};
use crate::workload::{Meter, Workload};

#[derive(clap::Args)]
pub struct FootprintArgs {
    /// Partitions of the one topic created.
    #[arg(long, default_value_t = 10_000)]
    partitions: i32,
    /// Payload megabytes produced before each restart (at least one record per partition).
    #[arg(long, default_value_t = 64.0)]
    produce_mb: f64,
    /// Payload bytes per record.
    #[arg(long, default_value_t = 1024)]
    record_size: usize,
    /// The server's flush policy: always, interval:MS, never.
    #[arg(long, default_value = "always")]
    flush: String,
    /// Seconds to wait after a start, a topic creation or a produce before reading memory.
    #[arg(long, default_value_t = 3.0)]
    settle: f64,
    /// Upper bound on each step (start, create, produce, stop), seconds.
    #[arg(long, default_value_t = 180.0)]
    step_timeout: f64,
    /// Keep the data directory and the server logs (they are removed by default).
    #[arg(long)]
    keep: bool,
    /// Name for the report [default: footprint-<partitions>-partitions].
    #[arg(long)]
    label: Option<String>,
    /// Write the JSON result here.
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Print the JSON result to stdout instead of the table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    programs: crate::ProgramArgs,
}

pub const KIND: &str = "footprint";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FootprintFile {
    pub schema: u32,
    /// Always "footprint" (how `report` tells this file from the others).
    pub kind: String,
    pub tool: String,
    pub label: String,
    pub created_unix: u64,
    pub git: Option<String>,
    pub machine: Machine,
    pub command: Vec<String>,
    pub params: Params,
    pub steps: Steps,
    /// The step that failed, if one did (the steps before it are kept).
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Params {
    pub partitions: i32,
    pub produce_mb: f64,
    pub record_size: usize,
    pub flush: String,
    pub settle_s: f64,
    pub step_timeout_s: f64,
    pub data_root: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Steps {
    /// Start on an empty data directory.
    pub fresh_start: Option<Start>,
    /// One topic of `partitions` partitions created through CreateTopics.
    pub create: Option<Create>,
    pub produce: Option<Produce>,
    /// SIGTERM → exit.
    pub clean_stop: Option<Stop>,
    /// Start after the clean shutdown.
    pub clean_restart: Option<Start>,
    pub produce_again: Option<Produce>,
    /// Start after `kill -9` (recovery).
    pub crash_restart: Option<Start>,
    pub final_stop: Option<Stop>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Start {
    /// Spawn → the Kafka and Kinesis ports accept connections, seconds.
    pub listen_s: f64,
    /// Spawn → the Kafka port answered an ApiVersions request, seconds.
    pub serving_s: f64,
    /// What the server logged on opening its data directory.
    pub opened: Option<Opened>,
    /// WARN and ERROR lines the server logged while starting, counted by message.
    pub log_warnings: BTreeMap<String, usize>,
    /// Memory `settle` seconds after serving.
    pub memory: Option<Memory>,
    /// Sum of the topic's partitions' end offsets (ListOffsets latest) after the start, and the
    /// records acknowledged before the stop: found ≥ acknowledged means nothing acked was lost.
    pub records_found: Option<u64>,
    pub records_acked_before: Option<u64>,
}

/// The server's "opened data directory" log line.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Opened {
    pub partitions: Option<u64>,
    pub unclean: Option<u64>,
    pub truncated_bytes: Option<u64>,
    pub elapsed_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Create {
    pub partitions: i32,
    /// CreateTopics request → response, seconds.
    pub seconds: f64,
    /// Memory `settle` seconds after.
    pub memory: Option<Memory>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Produce {
    pub records: u64,
    pub bytes: u64,
    pub errors: u64,
    /// First send → last acknowledgement, seconds.
    pub seconds: f64,
    pub records_per_s: f64,
    /// Memory `settle` seconds after.
    pub memory: Option<Memory>,
    /// The data directory: bytes allocated on disk and the files' total size.
    pub disk_allocated_bytes: u64,
    pub disk_file_bytes: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Stop {
    /// Signal → exit, seconds.
    pub seconds: f64,
    pub status: String,
    /// WARN and ERROR lines logged over the server's life, counted by message.
    pub log_warnings: BTreeMap<String, usize>,
}

const TOPIC: &str = "footprint";

pub fn main(a: FootprintArgs) -> Result<(), String> {
    let progs = a.programs.resolve();
    if !progs.sluice_bin.exists() {
        return Err(format!(
            "{} does not exist: build it first (cargo build --release -p sluice)",
            progs.sluice_bin.display()
        ));
    }
    let seconds_ok = |x: f64, min: f64| x.is_finite() && x >= min && x < 1e6;
    if a.partitions < 1
        || a.record_size < 1
        || !seconds_ok(a.step_timeout, 1.0)
        || !seconds_ok(a.settle, 0.0)
    {
        return Err(
            "--partitions and --record-size must be positive, --step-timeout at least 1 s, \
             --settle at least 0 s"
                .into(),
        );
    }
    let work = target::temp_dir(&progs.data_root, "footprint")?;
    let mut steps = Steps::default();
    let res = measure(&a, &progs, &work, &mut steps);
    if let Err(e) = &res {
        eprintln!("footprint: FAILED: {e}");
    }
    if a.keep {
        eprintln!("footprint: kept {}", work.display());
    } else {
        eprintln!(
            "footprint: removing {} (slow on some filesystems)",
            work.display()
        );
        let _ = std::fs::remove_dir_all(&work);
    }
    let file = FootprintFile {
        schema: crate::results::SCHEMA,
        kind: KIND.into(),
        tool: format!("sluice-bench {}", env!("CARGO_PKG_VERSION")),
        label: a
            .label
            .clone()
            .unwrap_or_else(|| format!("footprint-{}-partitions", a.partitions)),
        created_unix: stats::now_unix_nanos() / 1_000_000_000,
        git: stats::git_revision(&crate::repo_root()),
        machine: Machine::read(),
        command: std::env::args().collect(),
        params: Params {
            partitions: a.partitions,
            produce_mb: a.produce_mb,
            record_size: a.record_size,
            flush: a.flush.clone(),
            settle_s: a.settle,
            step_timeout_s: a.step_timeout,
            data_root: progs.data_root.display().to_string(),
        },
        steps,
        error: res.as_ref().err().cloned(),
    };
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    if let Some(out) = &a.out {
        crate::results::write_json(out, &json)?;
    }
    if a.json {
        println!("{json}");
    } else {
        print!("{}", table(&file));
    }
    res
}

fn measure(
    a: &FootprintArgs,
    progs: &Programs,
    work: &Path,
    steps: &mut Steps,
) -> Result<(), String> {
    let timeout = Duration::from_secs_f64(a.step_timeout);
    let settle = Duration::from_secs_f64(a.settle);
    let ports = SluicePorts::free()?;
    let addr = format!("127.0.0.1:{}", ports.kafka);
    let t_begin = Instant::now();
    let say = |s: String| eprintln!("footprint [{:6.1} s]: {s}", t_begin.elapsed().as_secs_f64());

    // A fresh start, then idle.
    let (mut server, st) = start(a, progs, work, ports, "1-fresh", None, None)?;
    say(format!(
        "fresh start: serving after {:.3} s; idle RSS {}",
        st.serving_s,
        mem_text(st.memory.as_ref())
    ));
    steps.fresh_start = Some(st);

    // One topic of N partitions.
    let t0 = Instant::now();
    crate::kafka::create_topic(&addr, TOPIC, a.partitions)?;
    let seconds = t0.elapsed().as_secs_f64();
    std::thread::sleep(settle);
    let memory = server.pid.and_then(Memory::read);
    say(format!(
        "created {} partitions in {seconds:.2} s; RSS {}",
        a.partitions,
        mem_text(memory.as_ref())
    ));
    steps.create = Some(Create {
        partitions: a.partitions,
        seconds,
        memory,
    });

    // Data in every partition, then a clean stop and start.
    let p = produce(a, &addr, &server, work, settle, timeout)?;
    let mut acked = p.records;
    say(format!(
        "produced {} records ({} errors) in {:.2} s; RSS {}; {:.1} MB on disk",
        p.records,
        p.errors,
        p.seconds,
        mem_text(p.memory.as_ref()),
        p.disk_allocated_bytes as f64 / 1e6
    ));
    steps.produce = Some(p);
    let stop = stop_server(&mut server, timeout)?;
    say(format!("SIGTERM → exit in {:.3} s", stop.seconds));
    steps.clean_stop = Some(stop);
    let (mut server, st) = start(
        a,
        progs,
        work,
        ports,
        "2-after-sigterm",
        Some(&addr),
        Some(acked),
    )?;
    say(format!(
        "restart after SIGTERM: serving after {:.3} s ({:?}); RSS {}; {:?} of {acked} records found",
        st.serving_s,
        st.opened,
        mem_text(st.memory.as_ref()),
        st.records_found
    ));
    steps.clean_restart = Some(st);

    // More data, then kill -9 and the recovery.
    let p = produce(a, &addr, &server, work, Duration::ZERO, timeout)?;
    acked += p.records;
    say(format!(
        "produced {} more records in {:.2} s; kill -9",
        p.records, p.seconds
    ));
    steps.produce_again = Some(p);
    server.kill9();
    let (mut server, st) = start(
        a,
        progs,
        work,
        ports,
        "3-after-kill9",
        Some(&addr),
        Some(acked),
    )?;
    say(format!(
        "restart after kill -9: serving after {:.3} s ({:?}); RSS {}; {:?} of {acked} records found; warnings {:?}",
        st.serving_s,
        st.opened,
        mem_text(st.memory.as_ref()),
        st.records_found,
        st.log_warnings
    ));
    steps.crash_restart = Some(st);
    let stop = stop_server(&mut server, timeout)?;
    say(format!("SIGTERM → exit in {:.3} s", stop.seconds));
    steps.final_stop = Some(stop);
    Ok(())
}

fn mem_text(m: Option<&Memory>) -> String {
    match m {
        Some(m) => format!(
            "{:.1} MiB (anon {:.1}, file {:.1})",
            m.rss_mib,
            m.rss_anon_mib.unwrap_or(f64::NAN),
            m.rss_file_mib.unwrap_or(f64::NAN)
        ),
        None => "?".into(),
    }
}

/// Starts Sluice on `work/data`, waits until it answers ApiVersions, reads what it logged,
/// and (after `settle`) its memory and, when the topic exists, its end offsets.
fn start(
    a: &FootprintArgs,
    progs: &Programs,
    work: &Path,
    ports: SluicePorts,
    name: &str,
    topic_at: Option<&str>,
    acked_before: Option<u64>,
) -> Result<(Running, Start), String> {
    let timeout = Duration::from_secs_f64(a.step_timeout);
    let server = Running::start_sluice_kept(
        progs,
        &a.flush,
        work,
        ports,
        &format!("server-{name}.log"),
        "info",
        timeout,
    )?;
    let listen_s = server.startup_s.unwrap_or_default();
    let addr = server.kafka.clone().unwrap_or_default();
    let serving_s = target::wait_kafka_serving(&addr, server.started, server.started + timeout)?;
    let log = read_log(&server);
    let records_found = match topic_at {
        Some(addr) => Some(end_offsets_total(addr, TOPIC, a.partitions, timeout)?),
        None => None,
    };
    std::thread::sleep(Duration::from_secs_f64(a.settle));
    let memory = server.pid.and_then(Memory::read);
    Ok((
        server,
        Start {
            listen_s,
            serving_s,
            opened: opened_line(&log),
            log_warnings: warnings(&log),
            memory,
            records_found,
            records_acked_before: acked_before,
        },
    ))
}

fn read_log(server: &Running) -> String {
    server
        .log
        .as_ref()
        .and_then(|l| std::fs::read_to_string(l).ok())
        .unwrap_or_default()
}

fn stop_server(server: &mut Running, timeout: Duration) -> Result<Stop, String> {
    let (seconds, status) = server.terminate(timeout)?;
    let log = read_log(server);
    Ok(Stop {
        seconds,
        status,
        log_warnings: warnings(&log),
    })
}

/// Produces `--produce-mb` (at least one record per partition) with one librdkafka producer,
/// acks=all, round-robin over the partitions; bounded by `timeout`.
fn produce(
    a: &FootprintArgs,
    addr: &str,
    server: &Running,
    work: &Path,
    settle: Duration,
    timeout: Duration,
) -> Result<Produce, String> {
    let n = ((a.produce_mb * 1e6 / a.record_size as f64).ceil() as u64).max(a.partitions as u64);
    let w = Workload {
        record_size: a.record_size,
        duration: timeout.as_secs_f64(),
        records: Some(n),
        prefill_mb: 0.0,
        partitions: a.partitions,
        concurrency: 1,
        ..Workload::defaults()
    };
    let p = crate::kafka::produce(addr, TOPIC, &w, Some(n), Arc::new(Meter::default()))?;
    if p.delivered == 0 {
        return Err(format!(
            "nothing acknowledged ({} errors; first: {})",
            p.errors,
            p.first_error.unwrap_or_default()
        ));
    }
    std::thread::sleep(settle);
    let memory = server.pid.and_then(Memory::read);
    let (alloc, len) = stats::disk_usage(&work.join("data"), 10_000_000);
    Ok(Produce {
        records: p.delivered,
        bytes: p.delivered * a.record_size as u64,
        errors: p.errors,
        seconds: p.elapsed_s,
        records_per_s: if p.elapsed_s > 0.0 {
            p.delivered as f64 / p.elapsed_s
        } else {
            0.0
        },
        memory,
        disk_allocated_bytes: alloc,
        disk_file_bytes: len,
    })
}

/// The sum of the end offsets of the topic's partitions, by one ListOffsets (latest) request.
fn end_offsets_total(
    addr: &str,
    topic: &str,
    partitions: i32,
    timeout: Duration,
) -> Result<u64, String> {
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", addr)
        .set("group.id", "sluice-bench-footprint")
        .create()
        .map_err(|e| format!("consumer: {e}"))?;
    let mut tpl = TopicPartitionList::new();
    for p in 0..partitions {
        tpl.add_partition_offset(topic, p, Offset::End)
            .map_err(|e| e.to_string())?;
    }
    let out = c
        .offsets_for_times(tpl, timeout)
        .map_err(|e| format!("ListOffsets: {e}"))?;
    let mut total = 0u64;
    for e in out.elements() {
        match e.offset() {
            Offset::Offset(o) if o >= 0 => total += o as u64,
            other => {
                return Err(format!(
                    "ListOffsets: partition {} has {other:?} ({:?})",
                    e.partition(),
                    e.error()
                ))
            }
        }
    }
    if out.count() != partitions as usize {
        return Err(format!(
            "ListOffsets: {} of {partitions} partitions answered",
            out.count()
        ));
    }
    Ok(total)
}

/// Fields of the server's "opened data directory" line (tracing's `key=value`).
fn opened_line(log: &str) -> Option<Opened> {
    let line = log.lines().find(|l| l.contains("opened data directory"))?;
    let field = |k: &str| {
        line.split_whitespace()
            .find_map(|t| t.strip_prefix(k)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
    };
    Some(Opened {
        partitions: field("partitions"),
        unclean: field("unclean"),
        truncated_bytes: field("truncated_bytes"),
        elapsed_ms: field("elapsed_ms"),
    })
}

/// WARN and ERROR lines counted by "LEVEL target: message" (the words before the first
/// `key=value` field).
fn warnings(log: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in log.lines() {
        let mut words = line.split_whitespace();
        // timestamp, level, target:, message..., fields...
        let (Some(_ts), Some(level)) = (words.next(), words.next()) else {
            continue;
        };
        if level != "WARN" && level != "ERROR" {
            continue;
        }
        let target = words.next().unwrap_or_default();
        let msg: Vec<&str> = words.take_while(|w| !is_field(w)).collect();
        *out.entry(format!("{level} {target} {}", msg.join(" ")))
            .or_insert(0) += 1;
    }
    out
}

fn is_field(word: &str) -> bool {
    word.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

fn mib(m: Option<&Memory>) -> String {
    m.map_or("–".into(), |m| format!("{:.1}", m.rss_mib))
}

fn anon_file(m: Option<&Memory>) -> String {
    match m {
        Some(Memory {
            rss_anon_mib: Some(a),
            rss_file_mib: Some(f),
            ..
        }) => format!("{a:.1} / {f:.1}"),
        _ => "–".into(),
    }
}

fn opened_text(o: Option<&Opened>) -> String {
    let Some(o) = o else {
        return String::new();
    };
    let n = |x: Option<u64>| x.map_or("?".into(), |v| crate::report::group(v as f64));
    format!(
        "server opened {} partitions in {} ms: {} unclean, {} bytes truncated",
        n(o.partitions),
        n(o.elapsed_ms),
        n(o.unclean),
        n(o.truncated_bytes)
    )
}

fn warnings_text(w: &BTreeMap<String, usize>) -> String {
    w.iter()
        .map(|(k, n)| format!("{n} × “{k}”"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The footprint table (markdown; also what the subcommand prints).
pub fn table(f: &FootprintFile) -> String {
    let s = &f.steps;
    let g = |x: f64| crate::report::group(x);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| step | time | RSS (MiB) | anon / file (MiB) | notes |\n|---|---:|---:|---:|---|"
    );
    let mut row = |step: String, time: String, m: Option<&Memory>, notes: String| {
        let _ = writeln!(
            out,
            "| {step} | {time} | {} | {} | {notes} |",
            mib(m),
            anon_file(m)
        );
    };
    let found = |st: &Start| match (st.records_found, st.records_acked_before) {
        (Some(found), Some(acked)) => format!(
            "; {} records found, {} acknowledged before{}",
            g(found as f64),
            g(acked as f64),
            if found >= acked {
                ""
            } else {
                " (ACKNOWLEDGED RECORDS LOST)"
            }
        ),
        _ => String::new(),
    };
    let warn = |w: &BTreeMap<String, usize>| {
        if w.is_empty() {
            String::new()
        } else {
            format!("; logged {}", warnings_text(w))
        }
    };
    if let Some(st) = &s.fresh_start {
        row(
            format!(
                "start on an empty data directory, idle {} s",
                f.params.settle_s
            ),
            format!("{:.3} s to serving", st.serving_s),
            st.memory.as_ref(),
            format!(
                "peak {} MiB",
                st.memory
                    .as_ref()
                    .and_then(|m| m.hwm_mib)
                    .map_or("–".into(), |h| format!("{h:.1}"))
            ),
        );
    }
    if let Some(c) = &s.create {
        row(
            format!("create a topic of {} partitions", g(c.partitions as f64)),
            format!("{:.2} s", c.seconds),
            c.memory.as_ref(),
            format!(
                "{:.1} KiB per partition over idle",
                match (
                    c.memory.as_ref(),
                    s.fresh_start.as_ref().and_then(|st| st.memory.as_ref())
                ) {
                    (Some(m), Some(idle)) =>
                        (m.rss_mib - idle.rss_mib) * 1024.0 / c.partitions.max(1) as f64,
                    _ => f64::NAN,
                }
            ),
        );
    }
    let produced = |p: &Produce, what: &str| {
        (
            format!(
                "{what} {} records of {} B (acks=all, round-robin)",
                g(p.records as f64),
                f.params.record_size
            ),
            format!("{:.2} s", p.seconds),
            format!(
                "{} records/s; {:.1} MB on disk ({:.1} MB in files){}",
                g(p.records_per_s),
                p.disk_allocated_bytes as f64 / 1e6,
                p.disk_file_bytes as f64 / 1e6,
                if p.errors > 0 {
                    format!("; {} errors", p.errors)
                } else {
                    String::new()
                }
            ),
        )
    };
    if let Some(p) = &s.produce {
        let (a, b, c) = produced(p, "produce");
        row(a, b, p.memory.as_ref(), c);
    }
    if let Some(st) = &s.clean_stop {
        row(
            "SIGTERM → exit (clean shutdown)".into(),
            format!("{:.3} s", st.seconds),
            None,
            format!("{}{}", st.status, warn(&st.log_warnings)),
        );
    }
    if let Some(st) = &s.clean_restart {
        row(
            "start after the clean shutdown".into(),
            format!("{:.3} s to serving", st.serving_s),
            st.memory.as_ref(),
            format!(
                "{}{}{}",
                opened_text(st.opened.as_ref()),
                found(st),
                warn(&st.log_warnings)
            ),
        );
    }
    if let Some(p) = &s.produce_again {
        let (a, b, c) = produced(p, "produce");
        row(a, b, p.memory.as_ref(), format!("{c}; then `kill -9`"));
    }
    if let Some(st) = &s.crash_restart {
        row(
            "start after `kill -9` (recovery)".into(),
            format!("{:.3} s to serving", st.serving_s),
            st.memory.as_ref(),
            format!(
                "{}{}{}",
                opened_text(st.opened.as_ref()),
                found(st),
                warn(&st.log_warnings)
            ),
        );
    }
    if let Some(st) = &s.final_stop {
        row(
            "SIGTERM → exit".into(),
            format!("{:.3} s", st.seconds),
            None,
            st.status.clone(),
        );
    }
    if let Some(e) = &f.error {
        let _ = writeln!(out, "\nFailed: {e}");
    }
    out
}

/// Issue 5's memory and start-up targets against a footprint run (markdown rows).
pub fn targets(f: &FootprintFile) -> String {
    let s = &f.steps;
    let mut out = String::new();
    let _ = writeln!(out, "| issue 5 target | measured | met? |\n|---|---:|---|");
    let mb = |m: &Memory| m.rss_mib * 1024.0 * 1024.0 / 1e6;
    let yes = |ok: bool| if ok { "yes" } else { "no" };
    if let Some(m) = s.fresh_start.as_ref().and_then(|st| st.memory.as_ref()) {
        let _ = writeln!(
            out,
            "| idle RSS ≤ 30 MB | {:.1} MB ({:.1} MiB) | {} |",
            mb(m),
            m.rss_mib,
            yes(mb(m) <= 30.0)
        );
    }
    let peak = [
        s.create.as_ref().and_then(|c| c.memory.as_ref()),
        s.produce.as_ref().and_then(|p| p.memory.as_ref()),
        s.clean_restart.as_ref().and_then(|st| st.memory.as_ref()),
        s.crash_restart.as_ref().and_then(|st| st.memory.as_ref()),
    ]
    .into_iter()
    .flatten()
    .map(mb)
    .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.max(x))));
    if let Some(p) = peak {
        let _ = writeln!(
            out,
            "| {} partitions at ≤ 300 MB RSS | {p:.1} MB (largest RSS after create, produce, restarts) | {} |",
            crate::report::group(f.params.partitions as f64),
            yes(p <= 300.0)
        );
    }
    if let Some(st) = &s.clean_restart {
        let _ = writeln!(
            out,
            "| {} partitions serving ≤ 2 s after a clean shutdown | {:.2} s | {} |",
            crate::report::group(f.params.partitions as f64),
            st.serving_s,
            yes(st.serving_s <= 2.0)
        );
    }
    if let Some(st) = &s.crash_restart {
        let _ = writeln!(
            out,
            "| after `kill -9`: recovery time reported | {:.2} s to serving | reported |",
            st.serving_s
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\
2026-11-22T08:52:44.010747Z  INFO sluice_broker::group_service: loaded consumer groups records=0 groups=0 offsets=0
2026-11-22T08:52:44.010993Z  WARN sluice_log::recovery: truncated a torn or corrupt log tail dir=/d/t-0 segment=/d/t-0/0.log position=10 bytes=20 reason=crc
2026-11-22T08:52:44.010993Z  WARN sluice_log::recovery: truncated a torn or corrupt log tail dir=/d/t-1 segment=/d/t-1/0.log position=10 bytes=20 reason=crc
2026-11-22T08:52:44.010993Z ERROR sluice_log::recovery: lost fsynced data dir=/d/t-2
2026-11-22T08:52:44.010993Z  INFO sluice::serve: opened data directory /tmp/fp/d1 partitions=10001 unclean=10000 truncated_bytes=40 elapsed_ms=1234
2026-11-22T08:52:44.018541Z  INFO sluice::serve: sluice is serving kafka=127.0.0.1:29092 flush=always
";

    #[test]
    fn reads_the_opened_line() {
        assert_eq!(
            opened_line(LOG),
            Some(Opened {
                partitions: Some(10001),
                unclean: Some(10000),
                truncated_bytes: Some(40),
                elapsed_ms: Some(1234),
            })
        );
        assert_eq!(opened_line("nothing"), None);
    }

    #[test]
    fn counts_warnings_by_message() {
        let w = warnings(LOG);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(
            w["WARN sluice_log::recovery: truncated a torn or corrupt log tail"],
            2
        );
        assert_eq!(w["ERROR sluice_log::recovery: lost fsynced data"], 1);
        assert!(is_field("bytes=20") && !is_field("=x") && !is_field("a-b=c"));
    }

    #[test]
    fn renders_a_partial_run() {
        let f = FootprintFile {
            schema: 1,
            kind: KIND.into(),
            tool: "t".into(),
            label: "l".into(),
            created_unix: 0,
            git: None,
            machine: Machine::default(),
            command: vec![],
            params: Params {
                partitions: 10_000,
                record_size: 1024,
                ..Default::default()
            },
            steps: Steps {
                fresh_start: Some(Start {
                    serving_s: 0.1,
                    memory: Some(Memory {
                        rss_mib: 8.0,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                create: Some(Create {
                    partitions: 10_000,
                    seconds: 12.0,
                    memory: Some(Memory {
                        rss_mib: 40.0,
                        ..Default::default()
                    }),
                }),
                ..Default::default()
            },
            error: Some("boom".into()),
        };
        let t = table(&f);
        assert!(
            t.contains("| create a topic of 10,000 partitions | 12.00 s | 40.0 |"),
            "{t}"
        );
        assert!(t.contains("3.3 KiB per partition"), "{t}");
        assert!(t.contains("Failed: boom"), "{t}");
        let g = targets(&f);
        assert!(
            g.contains("| idle RSS ≤ 30 MB | 8.4 MB (8.0 MiB) | yes |"),
            "{g}"
        );
        assert!(g.contains("at ≤ 300 MB RSS | 41.9 MB"), "{g}");
        // Round trip.
        let back: FootprintFile =
            serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back.steps.create.unwrap().partitions, 10_000);
    }
}
