//! The HTTP side: one listener serving HTTP/1.1 and HTTP/2 (hyper-util's auto builder detects
//! the HTTP/2 preface, so cleartext HTTP/2 by prior knowledge works), request parsing by
//! content type, authentication, dispatch, and replies in the request's encoding.

use crate::error::KinesisError;
use crate::handlers::{self, Reply, RequestCtx};
use crate::iterator::IteratorKey;
use crate::model::Operation;
use crate::{cbor, sigv4, validate, KinesisConfig};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::{Body, Frame, Incoming};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use sluice_broker::metrics::ApiLabels;
use sluice_broker::Broker;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, OwnedSemaphorePermit, Semaphore};

/// Everything a request needs.
pub struct Context {
    pub broker: Arc<Broker>,
    pub config: KinesisConfig,
    pub iterators: IteratorKey,
    pub metrics: crate::metrics::KinesisMetrics,
    pub limits: crate::limits::ShardLimits,
    pub subscriptions: handlers::consumers::Subscriptions,
    /// Flips to true at shutdown; long-lived responses (SubscribeToShard) end on it.
    pub stop: watch::Receiver<bool>,
    /// Bytes of GetRecords replies not yet taken by their clients (`reply_bytes_inflight_max`).
    pub reply_budget: Arc<Semaphore>,
}

impl Context {
    pub fn new(
        broker: Arc<Broker>,
        config: KinesisConfig,
        stop: watch::Receiver<bool>,
    ) -> std::io::Result<Arc<Context>> {
        let iterators = IteratorKey::load_or_create(&broker.config().data_dir.join("kinesis"))?;
        let metrics = crate::metrics::KinesisMetrics::new(broker.metrics());
        let reply_budget = Arc::new(Semaphore::new(reply_budget_bytes(&config)));
        Ok(Arc::new(Context {
            reply_budget,
            broker,
            config,
            iterators,
            metrics,
            limits: crate::limits::ShardLimits::default(),
            subscriptions: Default::default(),
            stop,
        }))
    }
}

/// The reply budget in bytes: at least one largest GetRecords reply (10 MiB of data, base64).
fn reply_budget_bytes(config: &KinesisConfig) -> usize {
    config
        .reply_bytes_inflight_max
        .clamp(16 << 20, Semaphore::MAX_PERMITS)
}

/// The response body: a whole buffer, a buffer holding reply budget, or a stream of
/// event-stream frames.
pub enum ReplyBody {
    Full(Option<Bytes>),
    /// Handed to hyper in pieces, so the unsent rest stays here, holding its budget until
    /// the client has taken it or the connection is gone.
    Budgeted(Bytes, Option<OwnedSemaphorePermit>, Option<Watched>),
    Stream(mpsc::Receiver<Bytes>),
}

impl ReplyBody {
    /// Let the connection see whether this body's client is taking it (budgeted bodies only).
    fn watched(self, progress: &Arc<Progress>) -> ReplyBody {
        match self {
            ReplyBody::Budgeted(rest, permit, None) => {
                progress.pending.fetch_add(1, Ordering::Relaxed);
                progress.touch();
                ReplyBody::Budgeted(rest, permit, Some(Watched(progress.clone())))
            }
            other => other,
        }
    }
}

/// Per connection: budgeted replies unfinished, and when one last handed a piece to hyper.
#[derive(Default)]
pub struct Progress {
    pending: AtomicUsize,
    last_ms: AtomicU64,
}

impl Progress {
    fn touch(&self) {
        self.last_ms
            .store(sluice_broker::now_ms() as u64, Ordering::Relaxed);
    }

    /// Returns once a budgeted reply has waited `stall` for its client to read anything.
    async fn stalled(&self, stall: Duration) {
        let every = (stall / 4).max(Duration::from_millis(100));
        loop {
            tokio::time::sleep(every).await;
            let idle = (sluice_broker::now_ms() as u64)
                .saturating_sub(self.last_ms.load(Ordering::Relaxed));
            if self.pending.load(Ordering::Relaxed) > 0 && idle >= stall.as_millis() as u64 {
                return;
            }
        }
    }
}

/// Counts a budgeted body as pending on its connection until it is finished or dropped.
pub struct Watched(Arc<Progress>);

impl Drop for Watched {
    fn drop(&mut self) {
        self.0.pending.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The piece size of a budgeted body.
const BUDGETED_CHUNK: usize = 64 << 10;

impl Body for ReplyBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            ReplyBody::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            ReplyBody::Budgeted(rest, permit, watched) => {
                if rest.is_empty() {
                    permit.take();
                    watched.take();
                    return Poll::Ready(None);
                }
                if let Some(w) = watched {
                    w.0.touch();
                }
                let piece = rest.split_to(rest.len().min(BUDGETED_CHUNK));
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
            ReplyBody::Stream(rx) => rx.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            ReplyBody::Full(b) => b.is_none(),
            ReplyBody::Budgeted(rest, ..) => rest.is_empty(),
            ReplyBody::Stream(_) => false,
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            ReplyBody::Full(Some(b)) => hyper::body::SizeHint::with_exact(b.len() as u64),
            ReplyBody::Full(None) => hyper::body::SizeHint::with_exact(0),
            ReplyBody::Budgeted(rest, ..) => hyper::body::SizeHint::with_exact(rest.len() as u64),
            ReplyBody::Stream(_) => hyper::body::SizeHint::default(),
        }
    }
}

/// Accept connections until `stop` flips; then stop accepting, give open connections a moment
/// to finish, and return.
pub async fn serve(listener: TcpListener, ctx: Arc<Context>, mut stop: watch::Receiver<bool>) {
    let mut conns = tokio::task::JoinSet::new();
    let permits = Arc::new(Semaphore::new(ctx.config.connections_max));
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // EMFILE and the like: do not spin on a listener that cannot accept.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let Ok(permit) = permits.clone().try_acquire_owned() else {
                    tracing::warn!(%peer, limit = ctx.config.connections_max, "Kinesis connection limit reached; closing new connection");
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let ctx = ctx.clone();
                let mut conn_stop = stop.clone();
                conns.spawn(async move {
                    let gauge = ctx.broker.metrics().connections.get_or_create(
                        &sluice_broker::metrics::ProtocolLabels { protocol: "kinesis" },
                    ).clone();
                    gauge.inc();
                    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    builder.http2().max_concurrent_streams(ctx.config.inflight_per_connection_max.max(1));
                    let stall = Duration::from_millis(ctx.config.reply_stall_timeout_ms.max(100));
                    let progress = Arc::new(Progress::default());
                    let seen = progress.clone();
                    let svc = hyper::service::service_fn(move |req| {
                        let ctx = ctx.clone();
                        let seen = seen.clone();
                        async move {
                            Ok::<_, Infallible>(handle(ctx, req).await.map(|b| b.watched(&seen)))
                        }
                    });
                    let conn = builder.serve_connection(TokioIo::new(stream), svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = progress.stalled(stall) => {
                            tracing::warn!(%peer, ?stall, "client has not read its GetRecords reply; closing connection");
                        }
                        _ = conn_stop.changed() => {
                            conn.as_mut().graceful_shutdown();
                            let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
                        }
                    }
                    gauge.dec();
                    drop(permit);
                });
                while conns.try_join_next().is_some() {}
            }
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while conns.join_next().await.is_some() {}
    })
    .await;
}

/// The encodings a request can come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Json,
    Cbor,
}

impl Encoding {
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Json => "application/x-amz-json-1.1",
            Encoding::Cbor => "application/x-amz-cbor-1.1",
        }
    }
}

fn encoding_of(headers: &HeaderMap) -> Option<Encoding> {
    let ct = headers
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let base = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match base.as_str() {
        "application/x-amz-json-1.1" | "application/x-amz-json-1.0" | "application/json" => {
            Some(Encoding::Json)
        }
        "application/x-amz-cbor-1.1" => Some(Encoding::Cbor),
        _ => None,
    }
}

pub(crate) fn request_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn response(status: u16, content_type: &str, body: ReplyBody) -> Response<ReplyBody> {
    let mut r = Response::new(body);
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let h = r.headers_mut();
    if let Ok(v) = content_type.parse() {
        h.insert(hyper::header::CONTENT_TYPE, v);
    }
    if let Ok(v) = request_id().parse() {
        h.insert("x-amzn-RequestId", v);
    }
    let id2 = {
        use base64::Engine;
        let mut raw = [0u8; 48];
        raw[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        raw[16..32].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        raw[32..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        base64::engine::general_purpose::STANDARD.encode(raw)
    };
    if let Ok(v) = id2.parse() {
        h.insert("x-amz-id-2", v);
    }
    r
}

/// An error reply in the request's encoding (JSON when unknown).
pub fn error_response(e: &KinesisError, enc: Encoding) -> Response<ReplyBody> {
    let body = match enc {
        Encoding::Json => {
            // SerializationException uses a capitalised `Message`, as AWS sends it.
            let key = if e.kind == "SerializationException" {
                "Message"
            } else {
                "message"
            };
            let mut m = serde_json::Map::new();
            m.insert("__type".into(), e.kind.into());
            m.insert(key.into(), e.message.clone().into());
            Bytes::from(serde_json::to_vec(&m).unwrap_or_default())
        }
        Encoding::Cbor => Bytes::from(cbor::encode_error(e.kind, &e.message)),
    };
    response(e.status, enc.content_type(), ReplyBody::Full(Some(body)))
}

fn xml_error(status: u16, kind: &str, message: &str) -> Response<ReplyBody> {
    let body = format!(
        "<{kind}>\n  <Message>{message}</Message>\n</{kind}>\n",
        kind = kind,
        message = message
    );
    response(
        status,
        "application/xml",
        ReplyBody::Full(Some(Bytes::from(body))),
    )
}

async fn handle(ctx: Arc<Context>, req: Request<Incoming>) -> Response<ReplyBody> {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let Some(enc) = encoding_of(&parts.headers) else {
        // Not a Kinesis request at all (a browser, a health check, a wrong content type): AWS
        // answers these with an XML 403 before any Kinesis logic runs.
        let kind = if parts.headers.contains_key(hyper::header::AUTHORIZATION) {
            "AccessDeniedException"
        } else {
            "MissingAuthenticationTokenException"
        };
        let msg = if kind == "AccessDeniedException" {
            "Unable to determine service/operation name to be authorized"
        } else {
            "Missing Authentication Token"
        };
        return xml_error(403, kind, msg);
    };
    if parts.method != Method::POST {
        return xml_error(
            403,
            "AccessDeniedException",
            "Unable to determine service/operation name to be authorized",
        );
    }
    let limit = ctx.config.max_request_bytes / 3 * 4 + (1 << 20);
    let body = match Limited::new(body, limit).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            let e = KinesisError::invalid_argument(format!(
                "The request body is larger than the limit of {limit} bytes."
            ));
            return error_response(&e, enc);
        }
    };
    respond(ctx, parts, enc, body, started).await
}

/// Answer a Kinesis request whose body has been read: authenticate, parse, validate, dispatch.
pub async fn answer(
    ctx: Arc<Context>,
    parts: hyper::http::request::Parts,
    body: Bytes,
) -> Response<ReplyBody> {
    let Some(enc) = encoding_of(&parts.headers) else {
        return xml_error(
            403,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
    };
    respond(ctx, parts, enc, body, Instant::now()).await
}

async fn respond(
    ctx: Arc<Context>,
    parts: hyper::http::request::Parts,
    enc: Encoding,
    body: Bytes,
    started: Instant,
) -> Response<ReplyBody> {
    // Authentication comes before the operation is looked at, as AWS does.
    let signed = if ctx.config.credentials.is_empty() {
        sigv4::check_well_formed(&parts.method, &parts.uri, &parts.headers)
    } else {
        let creds = &ctx.config.credentials;
        sigv4::verify(
            &parts.method,
            &parts.uri,
            &parts.headers,
            &body,
            |id| creds.iter().find(|(k, _)| k == id).map(|(_, s)| s.clone()),
            sluice_broker::now_ms() / 1000,
        )
    };
    let signed = match signed {
        Ok(s) => s,
        Err(e) => {
            let err = KinesisError {
                kind: e.code,
                message: e.message,
                status: e.status,
            };
            return error_response(&err, enc);
        }
    };
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let op = target
        .strip_prefix("Kinesis_20131202.")
        .and_then(Operation::from_name);
    let Some(op) = op else {
        let e = KinesisError::new("UnknownOperationException", "");
        return error_response(&e, enc);
    };
    let labels = ApiLabels {
        protocol: "kinesis",
        api: op.name(),
    };
    let m = ctx.broker.metrics();
    m.requests.get_or_create(&labels).inc();
    let rctx = RequestCtx {
        region: if signed.region.is_empty() {
            ctx.config.default_region.clone()
        } else {
            signed.region.clone()
        },
        account: ctx.config.account_id.clone(),
        encoding: enc,
    };
    // The hot paths take well-formed JSON requests directly; anything they do not take (any
    // doubt about validity) goes the general way, which words every error exactly.
    if enc == Encoding::Json && op == Operation::PutRecords {
        if let Some(result) = handlers::data::put_records_fast(&ctx, &rctx, &body).await {
            return finish(&ctx, op, enc, labels, started, result);
        }
    }
    // Admission: a GetRecords that could not get budget for a largest reply is refused before
    // it reads and encodes anything; what it finally holds is its reply's size (finish).
    let admitted = match op {
        Operation::GetRecords => match ctx.reply_budget.try_acquire_many(GET_RECORDS_RESERVE) {
            Ok(p) => Some(p),
            Err(_) => {
                return finish(
                    &ctx,
                    op,
                    enc,
                    labels,
                    started,
                    Err(reply_budget_exceeded(&ctx)),
                )
            }
        },
        _ => None,
    };
    let input = match enc {
        Encoding::Json => parse_json(&body),
        Encoding::Cbor => cbor::decode_request(op, &body).map_err(input_error),
    };
    let result = match input {
        Ok(mut input) => match validate::check_input(op, &input) {
            Ok(()) => {
                validate::normalize(op, &mut input);
                handlers::dispatch(&ctx, &rctx, op, input).await
            }
            Err(e) => Err(input_error(e)),
        },
        Err(e) => Err(e),
    };
    drop(admitted);
    finish(&ctx, op, enc, labels, started, result)
}

fn finish(
    ctx: &Context,
    op: Operation,
    enc: Encoding,
    labels: ApiLabels,
    started: Instant,
    result: Result<Reply, KinesisError>,
) -> Response<ReplyBody> {
    let m = ctx.broker.metrics();
    let encoded = result.and_then(|r| match r {
        Reply::RawJson(body) => Ok((enc.content_type(), reply_body(ctx, op, body)?)),
        Reply::Json(v) => {
            let body = match enc {
                Encoding::Json => Bytes::from(serde_json::to_vec(&v).unwrap_or_default()),
                Encoding::Cbor => Bytes::from(cbor::encode_output(op, &v)),
            };
            Ok((enc.content_type(), reply_body(ctx, op, body)?))
        }
        Reply::EventStream(rx) => Ok(("application/vnd.amazon.eventstream", ReplyBody::Stream(rx))),
    });
    let reply = match encoded {
        Ok((content_type, body)) => response(200, content_type, body),
        Err(e) => {
            m.request_errors.get_or_create(&labels).inc();
            if e.status >= 500 {
                tracing::warn!(op = op.name(), error = %e, "kinesis request failed");
            }
            error_response(&e, enc)
        }
    };
    m.request_seconds
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    reply
}

/// A reply's body. GetRecords replies (the only large ones, and free of side effects, so
/// refusing one loses nothing) hold reply budget until their client has read them; past the
/// budget the call is refused with ProvisionedThroughputExceededException, which SDKs retry.
fn reply_body(ctx: &Context, op: Operation, body: Bytes) -> Result<ReplyBody, KinesisError> {
    if op != Operation::GetRecords {
        return Ok(ReplyBody::Full(Some(body)));
    }
    let want = body.len().clamp(1, reply_budget_bytes(&ctx.config)) as u32;
    match ctx.reply_budget.clone().try_acquire_many_owned(want) {
        Ok(permit) => Ok(ReplyBody::Budgeted(body, Some(permit), None)),
        Err(_) => Err(reply_budget_exceeded(ctx)),
    }
}

/// Budget a GetRecords must find free before it runs: more than its largest reply (10 MiB of
/// data as base64 plus the per-record fields).
const GET_RECORDS_RESERVE: u32 = 16 << 20;

fn reply_budget_exceeded(ctx: &Context) -> KinesisError {
    KinesisError::new(
        "ProvisionedThroughputExceededException",
        format!(
            "Rate exceeded: GetRecords replies not yet read by their clients hold the server's \
             reply budget of {} bytes (kinesis.reply_bytes_inflight_max); retry later.",
            reply_budget_bytes(&ctx.config)
        ),
    )
}

fn parse_json(body: &[u8]) -> Result<serde_json::Value, KinesisError> {
    if body.is_empty() {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    serde_json::from_slice(body)
        .map_err(|e| KinesisError::serialization(format!("Failed to parse the request body: {e}")))
}

fn input_error(e: validate::InputError) -> KinesisError {
    match e {
        validate::InputError::Serialization(m) => KinesisError::serialization(m),
        validate::InputError::Validation(m) => KinesisError::validation(m),
    }
}
