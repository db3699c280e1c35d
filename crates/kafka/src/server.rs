//! The Kafka listener: accept connections (bounded), and per connection read frames, dispatch
//! requests in order, and write replies in order. Requests pipelined on one connection are
//! handled in arrival order (so appends keep their order), their waiting parts run concurrently,
//! and their replies go out in request order. At most `inflight_per_connection_max` requests per
//! connection are outstanding; past that the connection is not read (backpressure). Across all
//! connections, the request bytes read and not yet answered are bounded by
//! `request_bytes_inflight_max`: a connection whose next frame does not fit waits, unread,
//! until replies have gone out.

use crate::handlers::{self, Handled};
use crate::request::{self, BadRequest, FrameStatus};
use crate::response::{self, Frame};
use bytes::{Bytes, BytesMut};
use sluice_broker::metrics::{ApiLabels, ProtocolLabels};
use sluice_broker::Broker;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;

/// Settings of the Kafka front.
#[derive(Clone, Debug)]
pub struct KafkaConfig {
    pub listen: SocketAddr,
    /// What Metadata tells clients to connect to.
    pub advertised_host: String,
    pub advertised_port: u16,
    pub node_id: i32,
    /// Largest request frame accepted (Kafka's socket.request.max.bytes).
    pub request_bytes_max: usize,
    pub inflight_per_connection_max: usize,
    /// Request bytes read and not yet answered, over all connections (a frame larger than
    /// this is taken alone).
    pub request_bytes_inflight_max: usize,
    pub connections_max: usize,
    /// Cap on a Fetch response's size, whatever the client asks.
    pub fetch_response_bytes_max: usize,
}

impl KafkaConfig {
    pub fn new(listen: SocketAddr) -> KafkaConfig {
        KafkaConfig {
            listen,
            advertised_host: listen.ip().to_string(),
            advertised_port: listen.port(),
            node_id: 0,
            request_bytes_max: 100 << 20,
            inflight_per_connection_max: 64,
            request_bytes_inflight_max: 128 << 20,
            connections_max: 10_000,
            fetch_response_bytes_max: 64 << 20,
        }
    }
}

pub struct Context {
    pub broker: Arc<Broker>,
    pub config: KafkaConfig,
}

/// A reply slot, in request order.
enum Slot {
    Ready(Option<Frame>),
    Pending(JoinHandle<handlers::Outcome>),
}

/// Serve until `shutdown` turns true; then stop accepting, let every connection finish the
/// requests it has read, and return.
pub async fn serve(listener: TcpListener, ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let permits = Arc::new(Semaphore::new(ctx.config.connections_max));
    let budget = Arc::new(Semaphore::new(budget_permits(&ctx.config) as usize));
    let mut conns = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let Ok(permit) = permits.clone().try_acquire_owned() else {
                        tracing::warn!(%peer, limit = ctx.config.connections_max, "connection limit reached; closing new connection");
                        continue;
                    };
                    let ctx = ctx.clone();
                    let shutdown = shutdown.clone();
                    let budget = budget.clone();
                    conns.spawn(async move {
                        connection(stream, ctx, budget, shutdown).await;
                        drop(permit);
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}

/// The request-bytes budget in semaphore permits (bytes, at most u32::MAX).
fn budget_permits(config: &KafkaConfig) -> u32 {
    config
        .request_bytes_inflight_max
        .clamp(1, u32::MAX as usize) as u32
}

async fn connection(
    stream: TcpStream,
    ctx: Arc<Context>,
    budget: Arc<Semaphore>,
    mut shutdown: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let peer = stream.peer_addr().ok();
    let gauge = ctx
        .broker
        .metrics()
        .connections
        .get_or_create(&ProtocolLabels { protocol: "kafka" })
        .clone();
    gauge.inc();
    let (mut rd, wr) = stream.into_split();
    let (tx, rx) = mpsc::channel::<(Slot, OwnedSemaphorePermit)>(
        ctx.config.inflight_per_connection_max.max(1),
    );
    let mut writer = tokio::spawn(write_replies(wr, rx));
    let mut buf = BytesMut::with_capacity(16 * 1024);
    'conn: loop {
        loop {
            match request::take_frame(&mut buf, ctx.config.request_bytes_max) {
                FrameStatus::Incomplete => break,
                FrameStatus::Invalid(n) => {
                    tracing::warn!(
                        ?peer,
                        declared = n,
                        max = ctx.config.request_bytes_max,
                        "invalid request size; closing connection"
                    );
                    break 'conn;
                }
                FrameStatus::Frame(frame) => {
                    // The frame's bytes count against the budget until its reply is written;
                    // while they do not fit, this connection is not read further.
                    let want =
                        (frame.len() as u64).clamp(1, u64::from(budget_permits(&ctx.config)));
                    let held = match budget.clone().try_acquire_many_owned(want as u32) {
                        Ok(p) => p,
                        Err(_) => tokio::select! {
                            p = budget.clone().acquire_many_owned(want as u32) => match p {
                                Ok(p) => p,
                                Err(_) => break 'conn,
                            },
                            _ = shutdown.changed() => break 'conn,
                        },
                    };
                    match dispatch(&ctx, frame, peer) {
                        // A full queue (a client not reading its replies) must not keep the
                        // connection from seeing shutdown; a reply dropped here was never sent.
                        Ok(slot) => tokio::select! {
                            sent = tx.send((slot, held)) => if sent.is_err() {
                                break 'conn;
                            },
                            _ = shutdown.changed() => break 'conn,
                        },
                        Err(why) => {
                            tracing::warn!(?peer, %why, "closing connection");
                            break 'conn;
                        }
                    }
                }
            }
        }
        tokio::select! {
            read = rd.read_buf(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            },
            _ = shutdown.changed() => break,
        }
    }
    drop(tx);
    // Replies already being produced get SHUTDOWN_GRACE after shutdown to go out; a client
    // that does not take them then is cut off rather than holding the shutdown.
    tokio::select! {
        _ = &mut writer => {}
        _ = async {
            let _ = shutdown.wait_for(|stop| *stop).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            tracing::warn!(?peer, "replies not taken within {SHUTDOWN_GRACE:?} of shutdown; closing connection");
            writer.abort();
        }
    }
    gauge.dec();
}

/// How long a connection's pending replies may take to go out once shutdown begins.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

async fn write_replies(
    mut wr: tokio::net::tcp::OwnedWriteHalf,
    mut rx: mpsc::Receiver<(Slot, OwnedSemaphorePermit)>,
) {
    // Each request's budget is given back once its reply has been written (or dropped).
    while let Some((slot, _held)) = rx.recv().await {
        let frame = match slot {
            Slot::Ready(f) => f,
            Slot::Pending(h) => match h.await {
                Ok(Ok(f)) => f,
                Ok(Err(why)) => {
                    tracing::warn!(%why, "closing connection");
                    break;
                }
                Err(e) => {
                    tracing::error!(error = %e, "request task failed; closing connection");
                    break;
                }
            },
        };
        if let Some(frame) = frame {
            if let Err(e) = response::write_frame(&mut wr, frame).await {
                tracing::debug!(error = %e, "write failed; closing connection");
                break;
            }
        }
    }
    let _ = wr.shutdown().await;
}

/// Decode and handle one request; Err closes the connection.
fn dispatch(ctx: &Arc<Context>, frame: Bytes, peer: Option<SocketAddr>) -> Result<Slot, String> {
    let started = Instant::now();
    let mut req = match request::decode(frame) {
        Ok(r) => r,
        Err(BadRequest::ApiVersionsTooNew { correlation_id }) => {
            return handlers::api_versions_too_new(correlation_id).map(|f| Slot::Ready(Some(f)))
        }
        Err(BadRequest::Close(why)) => return Err(why),
    };
    req.client_host = peer.map(|p| format!("/{}", p.ip())).unwrap_or_default();
    let labels = ApiLabels {
        protocol: "kafka",
        api: crate::versions::name(req.api_key),
    };
    let metrics = ctx.broker.metrics().clone();
    metrics.requests.get_or_create(&labels).inc();
    match handlers::handle(ctx, req) {
        Handled::Now(f) => {
            metrics
                .request_seconds
                .get_or_create(&labels)
                .observe(started.elapsed().as_secs_f64());
            Ok(Slot::Ready(f))
        }
        Handled::Later(fut) => Ok(Slot::Pending(tokio::spawn(async move {
            let f = fut.await;
            metrics
                .request_seconds
                .get_or_create(&labels)
                .observe(started.elapsed().as_secs_f64());
            f
        }))),
        Handled::Close(why) => Err(why),
    }
}
