//! `sluice serve`: settings from flags, environment variables (SLUICE_*) and an optional TOML
//! file (flags win, then environment, then the file, then the defaults in DESIGN.md); then
//! open the broker, declare configured topics, start the Kafka listener, the admin HTTP
//! listener and housekeeping, and shut down cleanly on SIGTERM or Ctrl-C.

use crate::admin;
use crate::settings::{Settings, TopicDecl};
use sluice_broker::{AdminError, Broker, Metrics, TopicConfigs};
use sluice_kafka::Context;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

#[derive(clap::Args, Debug, Default)]
pub struct ServeArgs {
    /// A TOML config file (see docs/CONFIG.md).
    #[arg(long, env = "SLUICE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where data lives [default: ./sluice-data].
    #[arg(long, env = "SLUICE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Kafka listener [default: 127.0.0.1:9092].
    #[arg(long, env = "SLUICE_KAFKA_LISTEN", value_name = "HOST:PORT")]
    pub kafka_listen: Option<String>,
    /// Host advertised to Kafka clients in Metadata [default: the listen IP; 127.0.0.1 for 0.0.0.0].
    #[arg(long, env = "SLUICE_KAFKA_ADVERTISED_HOST", value_name = "HOST")]
    pub kafka_advertised_host: Option<String>,
    /// Kinesis listener (HTTP/1.1 and HTTP/2) [default: 127.0.0.1:4567].
    #[arg(long, env = "SLUICE_KINESIS_LISTEN", value_name = "HOST:PORT")]
    pub kinesis_listen: Option<String>,
    /// Emulate Kinesis's per-shard throughput limits with ProvisionedThroughputExceeded
    /// [default: false].
    #[arg(long, env = "SLUICE_KINESIS_ENFORCE_SHARD_LIMITS", value_name = "BOOL")]
    pub kinesis_enforce_shard_limits: Option<bool>,
    /// Admin HTTP listener with /health and /metrics [default: 127.0.0.1:9644].
    #[arg(long, env = "SLUICE_ADMIN_LISTEN", value_name = "HOST:PORT")]
    pub admin_listen: Option<String>,
    /// When to fsync: always (default; acks wait for a shared fsync), interval:<ms>, never.
    #[arg(long, env = "SLUICE_FLUSH", value_name = "POLICY")]
    pub flush: Option<String>,
    /// Create topics on first use [default: true].
    #[arg(long, env = "SLUICE_AUTO_CREATE_TOPICS", value_name = "BOOL")]
    pub auto_create_topics: Option<bool>,
    /// Partitions of an auto-created topic [default: 4].
    #[arg(long, env = "SLUICE_NUM_PARTITIONS", value_name = "N")]
    pub num_partitions: Option<i32>,
    /// How long a new consumer group waits for more members before its first rebalance
    /// (Kafka's group.initial.rebalance.delay.ms) [default: 3000].
    #[arg(
        long,
        env = "SLUICE_GROUP_INITIAL_REBALANCE_DELAY_MS",
        value_name = "MS"
    )]
    pub group_initial_rebalance_delay_ms: Option<i32>,
}

pub fn main(args: ServeArgs) -> ExitCode {
    crate::logging::init();
    let settings = match Settings::resolve(&args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    sluice_log::records::set_max_decompressed_bytes(settings.batch_decompressed_bytes_max);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("sluice")
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(s: Settings) -> Result<(), String> {
    let metrics = Arc::new(Metrics::new());
    let broker_config = s.broker.clone();
    let (broker, report) =
        tokio::task::spawn_blocking(move || Broker::open(broker_config, metrics))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| {
                format!(
                    "cannot open the data directory {}: {e}",
                    s.broker.data_dir.display()
                )
            })?;
    tracing::info!(
        partitions = report.partitions,
        unclean = report.unclean_partitions,
        truncated_bytes = report.truncated_bytes,
        elapsed_ms = report.elapsed_ms as u64,
        "opened data directory {}",
        s.broker.data_dir.display()
    );
    declare_topics(&broker, &s.topics)
        .map_err(|e| format!("declaring topics from the config: {e}"))?;
    declare_streams(&broker, &s.streams)
        .map_err(|e| format!("declaring streams from the config: {e}"))?;
    let kafka_listener = tokio::net::TcpListener::bind(s.kafka.listen)
        .await
        .map_err(|e| format!("cannot listen for Kafka on {}: {e}", s.kafka.listen))?;
    let kinesis_listener = tokio::net::TcpListener::bind(s.kinesis.listen)
        .await
        .map_err(|e| format!("cannot listen for Kinesis on {}: {e}", s.kinesis.listen))?;
    let admin_listener = tokio::net::TcpListener::bind(s.admin_listen)
        .await
        .map_err(|e| format!("cannot listen for admin HTTP on {}: {e}", s.admin_listen))?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let ctx = Arc::new(Context {
        broker: broker.clone(),
        config: s.kafka.clone(),
    });
    let kafka = tokio::spawn(sluice_kafka::serve(kafka_listener, ctx, stop_rx.clone()));
    let kinesis_ctx =
        sluice_kinesis::Context::new(broker.clone(), s.kinesis.clone(), stop_rx.clone())
            .map_err(|e| format!("cannot set up the Kinesis front: {e}"))?;
    let kinesis = tokio::spawn(sluice_kinesis::serve(
        kinesis_listener,
        kinesis_ctx,
        stop_rx.clone(),
    ));
    let admin = tokio::spawn(admin::serve(
        admin_listener,
        broker.clone(),
        stop_rx.clone(),
    ));
    let housekeeping = tokio::spawn(housekeeping(broker.clone(), stop_rx.clone()));
    let group_timers = tokio::spawn(broker.clone().run_group_timers(stop_rx.clone()));
    tracing::info!(kafka = %s.kafka.listen, kinesis = %s.kinesis.listen, admin = %s.admin_listen, flush = %s.broker.flush, "sluice is serving");
    wait_for_signal().await;
    tracing::info!("shutting down: no new connections; finishing in-flight requests");
    let _ = stop_tx.send(true);
    if tokio::time::timeout(Duration::from_secs(20), kafka)
        .await
        .is_err()
    {
        tracing::warn!("connections did not finish within 20 s; closing anyway");
    }
    if tokio::time::timeout(Duration::from_secs(20), kinesis)
        .await
        .is_err()
    {
        tracing::warn!("Kinesis connections did not finish within 20 s; closing anyway");
    }
    let _ = admin.await;
    let _ = housekeeping.await;
    let _ = group_timers.await;
    tokio::task::spawn_blocking(move || broker.shutdown())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("clean shutdown complete");
    Ok(())
}

async fn wait_for_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

async fn housekeeping(broker: Arc<Broker>, mut stop: watch::Receiver<bool>) {
    let every = Duration::from_millis(broker.config().retention_check_interval_ms.max(100));
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let b = broker.clone();
                let _ = tokio::task::spawn_blocking(move || b.housekeeping()).await;
            }
            _ = stop.changed() => return,
        }
    }
}

/// Create the topics the config file declares; grow their partitions and apply their configs
/// if they already exist.
fn declare_streams(
    broker: &Broker,
    streams: &[crate::settings::StreamDecl],
) -> Result<(), AdminError> {
    use sluice_broker::streams::StreamMode;
    for d in streams {
        let mode = match d.mode.as_deref().unwrap_or("PROVISIONED") {
            "PROVISIONED" => StreamMode::Provisioned,
            "ON_DEMAND" => StreamMode::OnDemand,
            other => {
                return Err(AdminError::InvalidConfig(format!(
                    "stream {}: mode must be PROVISIONED or ON_DEMAND, not {other}",
                    d.name
                )))
            }
        };
        let hours = d.retention_hours.unwrap_or(24);
        if !(24..=8760).contains(&hours) {
            return Err(AdminError::InvalidConfig(format!(
                "stream {}: retention_hours must be between 24 and 8760",
                d.name
            )));
        }
        let retention = (hours * 3_600_000).to_string();
        let configs = TopicConfigs::from_pairs([("retention.ms", retention.as_str())])
            .map_err(AdminError::InvalidConfig)?;
        if broker.stream(&d.name).is_none() {
            let shards = d
                .shards
                .unwrap_or(if mode == StreamMode::OnDemand { 4 } else { 1 });
            broker.create_stream(&d.name, shards, mode, configs, 0)?;
        }
    }
    Ok(())
}

fn declare_topics(broker: &Broker, topics: &[TopicDecl]) -> Result<(), AdminError> {
    for t in topics {
        let configs =
            TopicConfigs::from_pairs(t.configs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .map_err(AdminError::InvalidConfig)?;
        match broker.topic(&t.name) {
            None => {
                broker.create_topic(&t.name, t.partitions, configs, false)?;
            }
            Some(existing) => {
                if let Some(n) = t.partitions.filter(|&n| n > existing.partition_count()) {
                    broker.create_partitions(&t.name, n, false)?;
                }
                if existing.configs() != configs {
                    broker.set_topic_configs(&t.name, configs)?;
                }
            }
        }
    }
    Ok(())
}
