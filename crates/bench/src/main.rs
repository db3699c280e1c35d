//! `sluice-bench`: the load generator. Drives Sluice and its peers with real client libraries
//! (librdkafka through `rdkafka`, the AWS SDK for Rust), side by side, and writes JSON results
//! that `sluice-bench report` turns into docs/BENCHMARKS.md. See docs/BENCHMARKS.md.

mod footprint;
mod kafka;
mod kinesis;
mod limits;
mod report;
mod results;
mod stats;
mod target;
mod workload;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use crate::results::{ResultFile, RunRecord, Sweep};
use crate::target::{Programs, Running, TargetSpec};
use crate::workload::{Kind, Meter, Metrics, Progress, Workload};

#[derive(Parser)]
#[command(
    name = "sluice-bench",
    version,
    about = "Load generator for Sluice and its peers"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a workload against one or more targets (one round by default).
    Run(RunArgs),
    /// Run a workload against several targets interleaved A B A B for --rounds rounds (3 by
    /// default); report medians and ratios against the first target.
    Compare(RunArgs),
    /// Measure the machine's limits: fio sequential write with a sync per MiB, fsync latency,
    /// iperf3 loopback TCP.
    Limits(LimitsArgs),
    /// Memory and start-up of a Sluice this starts: idle RSS, a topic of --partitions
    /// partitions (create time, RSS), restart after SIGTERM and recovery after kill -9.
    Footprint(footprint::FootprintArgs),
    /// Regenerate docs/BENCHMARKS.md (between its markers) and SVG charts from result files.
    Report(report::ReportArgs),
    /// A short check that the tool works: starts Sluice, tiny Kafka and Kinesis workloads,
    /// asserts non-zero throughput and well-formed JSON (CI).
    Smoke(SmokeArgs),
}

#[derive(clap::Args, Clone)]
struct ProgramArgs {
    /// The sluice binary [default: `sluice` next to this binary, else target/release/sluice].
    #[arg(long)]
    sluice_bin: Option<PathBuf>,
    /// Where bench/install-peers.sh installed kinesalite and kinesis-local.
    #[arg(long)]
    peers_dir: Option<PathBuf>,
    /// The tansu binary [default: bench/peers/tansu/bin/tansu, else `tansu` on PATH].
    #[arg(long)]
    tansu_bin: Option<PathBuf>,
    /// Parent of the servers' fresh data directories (and of fio's files) [default: $TMPDIR].
    #[arg(long, env = "BENCH_DIR")]
    data_root: Option<PathBuf>,
}

#[derive(clap::Args, Clone)]
struct RunArgs {
    /// A target (repeatable): sluice[:always|:interval:MS|:never], kinesalite, kinesis-local,
    /// tansu, kafka=HOST:PORT[@PID], kinesis=URL[@PID].
    #[arg(long = "target", short = 't', default_value = "sluice")]
    targets: Vec<String>,
    /// Rounds; each round runs every target once, in order [run: 1, compare: 3].
    #[arg(long)]
    rounds: Option<usize>,
    /// Vary one parameter: KEY=V1,V2,... (record-size, partitions, rate, producers, ...).
    #[arg(long)]
    sweep: Option<String>,
    /// Also measure the machine's limits (fio, iperf3) in this run.
    #[arg(long)]
    limits: bool,
    /// Name for the report [default: from the workload].
    #[arg(long)]
    label: Option<String>,
    /// Write the JSON result here.
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
    /// Print the JSON result to stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Sample the server's VmRSS every this many milliseconds through each run; the series,
    /// its range and its flatness after warm-up go into the JSON (and a chart in the report).
    #[arg(long)]
    rss_sample_ms: Option<u64>,
    #[command(flatten)]
    programs: ProgramArgs,
    #[command(flatten)]
    workload: Workload,
}

#[derive(clap::Args)]
struct LimitsArgs {
    #[command(flatten)]
    programs: ProgramArgs,
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
}

#[derive(clap::Args)]
struct SmokeArgs {
    #[command(flatten)]
    programs: ProgramArgs,
    /// Write the smoke runs' JSON here.
    #[arg(long, short = 'o')]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let res = match cli.cmd {
        Cmd::Run(a) => run_cmd(a, 1),
        Cmd::Compare(a) => run_cmd(a, 3),
        Cmd::Limits(a) => limits_cmd(a),
        Cmd::Footprint(a) => footprint::main(a),
        Cmd::Report(a) => report::main(a),
        Cmd::Smoke(a) => smoke(a),
    };
    match res {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sluice-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn repo_root() -> PathBuf {
    // The crate is crates/bench in the repository; fall back to the working directory.
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if here.join("bench").is_dir() {
        here.canonicalize().unwrap_or(here)
    } else {
        PathBuf::from(".")
    }
}

impl ProgramArgs {
    fn resolve(&self) -> Programs {
        let root = repo_root();
        let sibling = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(|d| d.join("sluice")))
            .filter(|p| p.exists());
        // Servers start in their own directories: a relative path is made absolute here.
        let sluice_bin = self
            .sluice_bin
            .clone()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .or(sibling)
            .unwrap_or_else(|| root.join("target/release/sluice"));
        let peers_dir = self
            .peers_dir
            .clone()
            .map(|p| std::path::absolute(&p).unwrap_or(p))
            .unwrap_or_else(|| root.join("bench/peers"));
        let tansu_bin = self
            .tansu_bin
            .clone()
            .map(|p| std::path::absolute(&p).unwrap_or(p));
        let tansu_bin = tansu_bin.or_else(|| {
            let local = peers_dir.join("tansu/bin/tansu");
            if local.exists() {
                return Some(local);
            }
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join("tansu"))
                    .find(|p| p.is_file())
            })
        });
        Programs {
            sluice_bin,
            peers_dir,
            tansu_bin,
            data_root: self.data_root.clone().unwrap_or_else(std::env::temp_dir),
        }
    }
}

/// Runs one workload against one started target; measures the server over the window.
/// `rss_sample`: also sample the server's VmRSS at that interval through the run.
fn run_one(
    spec: &TargetSpec,
    progs: &Programs,
    w: &Workload,
    label: &str,
    quiet: bool,
    rss_sample: Option<std::time::Duration>,
) -> Result<Metrics, String> {
    if w.workload.is_kafka() && !spec.speaks_kafka() {
        return Err(format!("{spec:?} does not speak Kafka"));
    }
    if !w.workload.is_kafka() && !spec.speaks_kinesis() {
        return Err(format!("{spec:?} does not speak Kinesis"));
    }
    let mut server = Running::start(spec, progs)?;
    let kafka_addr = server.kafka.clone().unwrap_or_default();
    let kinesis_url = server.kinesis.clone().unwrap_or_default();
    let meter = Arc::new(Meter::default());
    let self_pid = std::process::id();

    // Unmeasured set-up (fills) first.
    let mut kafka_fill = None;
    let mut kinesis_fill = None;
    let mut cache = None;
    let mut topic = None;
    match w.workload {
        // Creating the topic (seconds for thousands of partitions) is not measured.
        Kind::KafkaProduce | Kind::KafkaE2e => {
            let t = kafka::topic_name();
            kafka::create_topic(&kafka_addr, &t, w.partitions)?;
            topic = Some(t);
        }
        Kind::KafkaConsume => {
            kafka_fill = Some(kafka::prefill(&kafka_addr, w)?);
            cache = Some(if w.drop_caches {
                kafka::drop_caches()
            } else {
                "page cache only".to_string()
            });
        }
        Kind::KinesisGet => kinesis_fill = Some(kinesis::prefill(&kinesis_url, w)?),
        _ => {}
    }

    let probe = server.pid.and_then(stats::UsageProbe::start);
    // Bounded by the run's own bounds (duration, drains, fills) with a wide margin.
    let sampler = stats::Sampler::start(
        server.pid,
        server.kafka.as_deref().and_then(stats::port_of),
        server.kinesis.as_deref().and_then(stats::port_of),
        rss_sample,
        std::time::Duration::from_secs_f64(w.duration + 900.0),
    );
    let client0 = stats::process_cpu_seconds(self_pid).unwrap_or(0.0);
    let progress = Progress::start(label.to_string(), w.duration, meter.clone(), quiet);
    let res = match w.workload {
        Kind::KafkaProduce => {
            kafka::run_produce(&kafka_addr, topic.as_deref().unwrap_or_default(), w, meter)
        }
        Kind::KafkaE2e => {
            kafka::run_e2e(&kafka_addr, topic.as_deref().unwrap_or_default(), w, meter)
        }
        Kind::KafkaConsume => {
            let (topic, n) = kafka_fill.take().expect("filled");
            kafka::run_consume(
                &kafka_addr,
                w,
                &topic,
                n,
                cache.take().unwrap_or_default(),
                meter,
            )
        }
        Kind::KinesisPut => kinesis::run_put(&kinesis_url, w, meter),
        Kind::KinesisGet => {
            let f = kinesis_fill.take().expect("filled");
            kinesis::run_get(&kinesis_url, w, &f, meter)
        }
    };
    drop(progress);
    let sampled = sampler.finish();
    let mut m = res?;
    m.rss_series = sampled.rss;
    m.connections = sampled.connections;
    m.client_cpu_s = stats::process_cpu_seconds(self_pid).unwrap_or(0.0) - client0;
    m.server = probe.map(|p| p.finish(m.records, m.bytes));
    m.startup_s = server.startup_s;
    server.stop();
    Ok(m)
}

fn parse_sweep(s: &str) -> Result<Sweep, String> {
    let (key, vals) = s
        .split_once('=')
        .ok_or_else(|| format!("--sweep {s:?}: expected KEY=V1,V2,..."))?;
    let values = vals
        .split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .map_err(|_| format!("--sweep: bad value {v:?}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sweep {
        key: key.to_string(),
        values,
    })
}

fn default_label(w: &Workload) -> String {
    let mut l = format!("{}-{}b", w.workload.name(), w.record_size);
    if w.workload.is_kafka() && w.workload != Kind::KafkaConsume {
        l.push_str(&format!("-acks{}", w.acks));
    }
    if w.rate > 0.0 {
        l.push_str(&format!("-rate{}", w.rate));
    }
    l
}

fn run_cmd(a: RunArgs, default_rounds: usize) -> Result<(), String> {
    let specs = a
        .targets
        .iter()
        .map(|t| TargetSpec::parse(t))
        .collect::<Result<Vec<_>, _>>()?;
    let progs = a.programs.resolve();
    let rounds = a.rounds.unwrap_or(default_rounds).max(1);
    let sweep = a.sweep.as_deref().map(parse_sweep).transpose()?;
    if let Some(s) = &sweep {
        a.workload.clone().set(&s.key, s.values[0])?;
    }
    let label = a
        .label
        .clone()
        .unwrap_or_else(|| default_label(&a.workload));
    let limits = a.limits.then(|| {
        eprintln!(
            "measuring limits (fio, iperf3) in {}",
            progs.data_root.display()
        );
        limits::measure(&progs.data_root)
    });
    let points: Vec<Option<f64>> = match &sweep {
        Some(s) => s.values.iter().map(|v| Some(*v)).collect(),
        None => vec![None],
    };
    let mut runs = Vec::new();
    for round in 1..=rounds {
        for point in &points {
            let mut w = a.workload.clone();
            if let (Some(s), Some(v)) = (&sweep, point) {
                w.set(&s.key, *v)?;
            }
            for (name, spec) in a.targets.iter().zip(&specs) {
                let tag = match point {
                    Some(v) => format!("{name} {}={v} r{round}", sweep.as_ref().unwrap().key),
                    None => format!("{name} r{round}"),
                };
                let rss = a.rss_sample_ms.map(std::time::Duration::from_millis);
                let res = run_one(spec, &progs, &w, &tag, a.quiet, rss);
                match &res {
                    Ok(m) => eprintln!("{tag}: {}", one_line(m)),
                    Err(e) => eprintln!("{tag}: FAILED: {e}"),
                }
                runs.push(RunRecord {
                    target: name.clone(),
                    round,
                    sweep_value: *point,
                    error: res.as_ref().err().cloned(),
                    metrics: res.ok(),
                });
            }
        }
    }
    let summary = results::summarize(&a.targets, sweep.as_ref(), &runs);
    let file = ResultFile {
        schema: results::SCHEMA,
        tool: format!("sluice-bench {}", env!("CARGO_PKG_VERSION")),
        label,
        created_unix: stats::now_unix_nanos() / 1_000_000_000,
        git: stats::git_revision(&repo_root()),
        machine: stats::Machine::read(),
        command: std::env::args().collect(),
        workload: a.workload.clone(),
        targets: a.targets.clone(),
        rounds,
        sweep,
        runs,
        summary,
        limits,
    };
    let json = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())?;
    if let Some(out) = &a.out {
        crate::results::write_json(out, &json)?;
    }
    if a.json {
        println!("{json}");
    } else {
        print!("{}", report::summary_table(&file));
    }
    if file.runs.iter().all(|r| r.metrics.is_none()) {
        return Err("every run failed".into());
    }
    Ok(())
}

fn one_line(m: &Metrics) -> String {
    let mut s = format!(
        "{:.0} rec/s, {:.1} MB/s, {} records in {:.2} s",
        m.records_per_s, m.mb_per_s, m.records, m.elapsed_s
    );
    if let Some(p) = &m.ack_latency_ms {
        s.push_str(&format!(", ack p50/p99 {:.2}/{:.2} ms", p.p50, p.p99));
    }
    if let Some(p) = &m.e2e_latency_ms {
        s.push_str(&format!(", e2e p50/p99 {:.2}/{:.2} ms", p.p50, p.p99));
    }
    if let Some(sv) = &m.server {
        s.push_str(&format!(", server {:.2} CPU s", sv.cpu_s));
        if let Some(us) = sv.cpu_us_per_record {
            s.push_str(&format!(" ({us:.2} µs/record)"));
        }
    }
    if let Some(n) = m
        .connections
        .as_ref()
        .and_then(|c| c.max())
        .filter(|n| *n > 0)
    {
        s.push_str(&format!(", {n} server connections at most"));
    }
    if let Some(r) = m.rss_series.as_ref().and_then(|r| r.summary.as_ref()) {
        s.push_str(&format!(
            ", RSS {:.1} → {:.1} MiB (range {:.1}–{:.1}; second half: median {:.1}, flatness {:.1}%, max deviation {:.1}%)",
            r.first_mib,
            r.last_mib,
            r.min_mib,
            r.max_mib,
            r.steady_median_mib,
            r.flatness * 100.0,
            r.max_deviation * 100.0
        ));
    }
    s
}

fn limits_cmd(a: LimitsArgs) -> Result<(), String> {
    let progs = a.programs.resolve();
    let l = limits::measure(&progs.data_root);
    let json = serde_json::to_string_pretty(&serde_json::json!({
        "schema": results::SCHEMA,
        "kind": "limits",
        "created_unix": stats::now_unix_nanos() / 1_000_000_000,
        "machine": stats::Machine::read(),
        "git": stats::git_revision(&repo_root()),
        "limits": l,
    }))
    .map_err(|e| e.to_string())?;
    if let Some(out) = &a.out {
        results::write_json(out, &json)?;
    }
    println!("{json}");
    Ok(())
}

/// The CI smoke: tiny versions of every workload against a Sluice this starts.
fn smoke(a: SmokeArgs) -> Result<(), String> {
    let progs = a.programs.resolve();
    if !progs.sluice_bin.exists() {
        return Err(format!(
            "{} does not exist: build it first (cargo build -p sluice)",
            progs.sluice_bin.display()
        ));
    }
    let spec = TargetSpec::Sluice {
        flush: "always".into(),
    };
    let base = Workload {
        duration: 3.0,
        records: Some(20_000),
        prefill_mb: 1.0,
        partitions: 2,
        kinesis_batch: 100,
        concurrency: 2,
        ..Workload::defaults()
    };
    let cases: Vec<(&str, Workload)> = vec![
        ("kafka-produce", base.clone()),
        (
            "kafka-produce-lz4-idempotent",
            Workload {
                compression: "lz4".into(),
                idempotence: true,
                records: Some(5_000),
                ..base.clone()
            },
        ),
        (
            "kafka-consume",
            Workload {
                workload: Kind::KafkaConsume,
                ..base.clone()
            },
        ),
        (
            "kafka-e2e",
            Workload {
                workload: Kind::KafkaE2e,
                rate: 2_000.0,
                records: Some(4_000),
                ..base.clone()
            },
        ),
        (
            "kinesis-put",
            Workload {
                workload: Kind::KinesisPut,
                record_size: 200,
                records: Some(5_000),
                ..base.clone()
            },
        ),
        (
            "kinesis-get",
            Workload {
                workload: Kind::KinesisGet,
                record_size: 200,
                records: Some(5_000),
                ..base.clone()
            },
        ),
    ];
    let (mut passed, mut failed) = (0, 0);
    let mut files = Vec::new();
    for (name, w) in cases {
        let t0 = std::time::Instant::now();
        let res = run_one(&spec, &progs, &w, name, true, None).and_then(|m| {
            check(&m, &w)?;
            let runs = vec![RunRecord {
                target: "sluice".into(),
                round: 1,
                sweep_value: None,
                metrics: Some(m.clone()),
                error: None,
            }];
            let file = ResultFile {
                schema: results::SCHEMA,
                tool: format!("sluice-bench {}", env!("CARGO_PKG_VERSION")),
                label: format!("smoke-{name}"),
                created_unix: stats::now_unix_nanos() / 1_000_000_000,
                git: stats::git_revision(&repo_root()),
                machine: stats::Machine::read(),
                command: std::env::args().collect(),
                workload: w.clone(),
                targets: vec!["sluice".into()],
                rounds: 1,
                sweep: None,
                summary: results::summarize(&["sluice".into()], None, &runs),
                runs,
                limits: None,
            };
            // Well-formed: serializes, parses back, and holds the figures.
            let json = serde_json::to_string(&file).map_err(|e| e.to_string())?;
            let back: ResultFile = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            let rps = back.summary[0].median.get("records_per_s").copied();
            if rps.is_none_or(|r| r <= 0.0) {
                return Err(format!("JSON round trip lost records_per_s: {rps:?}"));
            }
            let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            for key in ["machine", "git", "workload", "runs", "summary"] {
                if v.get(key).is_none() {
                    return Err(format!("JSON lacks {key:?}"));
                }
            }
            files.push(file);
            Ok(m)
        });
        match res {
            Ok(m) => {
                passed += 1;
                println!(
                    "smoke {name}: ok in {:.1} s: {}",
                    t0.elapsed().as_secs_f64(),
                    one_line(&m)
                );
            }
            Err(e) => {
                failed += 1;
                println!("smoke {name}: FAILED: {e}");
            }
        }
    }
    if let Some(out) = &a.out {
        let json = serde_json::to_string_pretty(&files).map_err(|e| e.to_string())?;
        results::write_json(out, &json)?;
    }
    println!("smoke: {passed} passed, {failed} failed");
    if failed > 0 {
        return Err(format!("{failed} smoke workloads failed"));
    }
    Ok(())
}

fn check(m: &Metrics, w: &Workload) -> Result<(), String> {
    if m.records == 0 || m.records_per_s <= 0.0 || m.mb_per_s <= 0.0 {
        return Err(format!("zero throughput: {m:?}"));
    }
    if let Some(n) = w.records {
        if m.records != n {
            return Err(format!("{} of {n} records", m.records));
        }
    }
    let wants_ack = matches!(
        w.workload,
        Kind::KafkaProduce | Kind::KafkaE2e | Kind::KinesisPut
    );
    if wants_ack && m.ack_latency_ms.is_none() {
        return Err("no acknowledgement latency".into());
    }
    if w.workload == Kind::KafkaE2e && m.e2e_latency_ms.is_none() {
        return Err("no end-to-end latency".into());
    }
    let s = m.server.as_ref().ok_or("no server usage")?;
    // CPU time counts in clock ticks (10 ms): a tiny run may use less than one, so zero is a
    // valid reading; the probe exists only if /proc/PID/stat was read.
    if s.cpu_s < 0.0 || s.peak_rss_mib.unwrap_or(0.0) <= 0.0 {
        return Err(format!("server usage not read: {s:?}"));
    }
    Ok(())
}
