//! `sluice stream create|list|describe|delete|split|merge|scale`: Kinesis stream administration
//! against a running server's Kinesis endpoint. Unlike the Kafka commands this speaks the
//! Kinesis Data Streams API: AWS JSON 1.1 over HTTP/1.1 (`POST /`, `X-Amz-Target:
//! Kinesis_20131202.<Operation>`), one keep-alive connection per command. It owns that small
//! client (`Client`), the error bodies (`ApiError`), the requests of each command and the text
//! they print; output is rendered into a string first so tests can check it.

use super::error::{cli_error, CliError, Result};
use super::StreamCmd;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::net::TcpStream;

/// The AWS JSON 1.1 target prefix of every Kinesis operation.
const TARGET_PREFIX: &str = "Kinesis_20131202.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// How long a connect attempt may take.
const CONNECT_TIMEOUT_MS: u64 = 10_000;
/// How long one request may wait for its whole response.
const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Largest response body accepted; ListShards pages of 1,000 shards are far below it.
const RESPONSE_BYTES_MAX: usize = 64 << 20;
/// Page sizes asked of ListStreams and ListShards.
const LIST_STREAMS_LIMIT: i64 = 100;
const LIST_SHARDS_MAX_RESULTS: i64 = 1_000;
/// Bound on pages followed in one listing, so a server that always answers "more" cannot keep
/// the command running forever.
const PAGES_MAX: usize = 100_000;
/// Region and access key named in the credential scope; the server only checks the shape.
const REGION: &str = "us-east-1";
const ACCESS_KEY: &str = "sluice";

pub async fn run(cmd: StreamCmd) -> Result<()> {
    let out = execute(cmd).await?;
    print!("{out}");
    Ok(())
}

/// Runs one command and returns what it prints.
async fn execute(cmd: StreamCmd) -> Result<String> {
    match cmd {
        StreamCmd::Create {
            name,
            shards,
            on_demand,
            endpoint,
        } => {
            create(
                &mut Client::new(&endpoint.kinesis),
                &name,
                shards,
                on_demand,
            )
            .await
        }
        StreamCmd::List { endpoint } => list(&mut Client::new(&endpoint.kinesis)).await,
        StreamCmd::Describe { name, endpoint } => {
            describe(&mut Client::new(&endpoint.kinesis), &name).await
        }
        StreamCmd::Delete {
            name,
            force,
            endpoint,
        } => delete(&mut Client::new(&endpoint.kinesis), &name, force).await,
        StreamCmd::Split {
            name,
            shard,
            at,
            endpoint,
        } => split(&mut Client::new(&endpoint.kinesis), &name, &shard, at).await,
        StreamCmd::Merge {
            name,
            shard_a,
            shard_b,
            endpoint,
        } => {
            merge(
                &mut Client::new(&endpoint.kinesis),
                &name,
                &shard_a,
                &shard_b,
            )
            .await
        }
        StreamCmd::Scale {
            name,
            shards,
            endpoint,
        } => scale(&mut Client::new(&endpoint.kinesis), &name, shards).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Commands

fn stream_context(name: &str) -> String {
    format!("stream '{name}'")
}

async fn create(
    client: &mut Client,
    name: &str,
    shards: Option<i32>,
    on_demand: bool,
) -> Result<String> {
    let ctx = stream_context(name);
    let mut input = json!({ "StreamName": name });
    if let Some(n) = shards {
        input["ShardCount"] = n.into();
    }
    if on_demand {
        input["StreamModeDetails"] = json!({ "StreamMode": "ON_DEMAND" });
    }
    client
        .call("CreateStream", &input)
        .await
        .map_err(|e| e.context(&ctx))?;
    if !on_demand {
        let n = shards.unwrap_or(1);
        return Ok(format!("created stream {name} with {n} shards\n"));
    }
    // The server chooses an on-demand stream's shard count; report it if it can be read.
    match summary(client, name).await {
        Ok(s) => Ok(format!(
            "created on-demand stream {name} with {} shards\n",
            s.open_shards
        )),
        Err(_) => Ok(format!("created on-demand stream {name}\n")),
    }
}

async fn list(client: &mut Client) -> Result<String> {
    let mut rows = Vec::new();
    for name in stream_names(client).await? {
        match summary(client, &name).await {
            Ok(s) => rows.push(s),
            // Deleted between the listing and the summary: it is gone, leave it out.
            Err(CallError::Api(e)) if e.kind == "ResourceNotFoundException" => {}
            Err(e) => return Err(e.context(&stream_context(&name))),
        }
    }
    Ok(render_list(&rows))
}

fn render_list(rows: &[Summary]) -> String {
    rows.iter()
        .map(|s| format!("{}\t{}\t{}\t{}\n", s.name, s.status, s.mode, s.open_shards))
        .collect()
}

/// Every stream name, sorted, following ListStreams pages.
async fn stream_names(client: &mut Client) -> Result<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    let mut input = json!({ "Limit": LIST_STREAMS_LIMIT });
    for _page in 0..PAGES_MAX {
        let out = client
            .call("ListStreams", &input)
            .await
            .map_err(|e| e.context("ListStreams"))?;
        let page: Vec<String> = out
            .get("StreamNames")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let more = out.get("HasMoreStreams").and_then(Value::as_bool) == Some(true);
        let token = out.get("NextToken").and_then(Value::as_str);
        let last = page.last().cloned();
        names.extend(page);
        input = match (more, token, last) {
            (false, _, _) => break,
            (true, Some(t), _) => json!({ "NextToken": t, "Limit": LIST_STREAMS_LIMIT }),
            // Servers older than NextToken page by the last name seen.
            (true, None, Some(last)) => {
                json!({ "ExclusiveStartStreamName": last, "Limit": LIST_STREAMS_LIMIT })
            }
            (true, None, None) => {
                return Err(cli_error!(
                    "ListStreams: the server says there are more streams but gives no way to \
                     ask for them"
                ))
            }
        };
    }
    names.sort();
    names.dedup();
    Ok(names)
}

/// What DescribeStreamSummary tells about a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Summary {
    name: String,
    arn: String,
    status: String,
    mode: String,
    open_shards: u64,
    retention_hours: u64,
    consumers: u64,
}

async fn summary(client: &mut Client, name: &str) -> std::result::Result<Summary, CallError> {
    let out = client
        .call("DescribeStreamSummary", &json!({ "StreamName": name }))
        .await?;
    let d = out.get("StreamDescriptionSummary").unwrap_or(&Value::Null);
    let text = |key: &str| {
        d.get(key)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string()
    };
    let number = |key: &str| d.get(key).and_then(Value::as_u64).unwrap_or(0);
    let mode = d
        .get("StreamModeDetails")
        .and_then(|m| m.get("StreamMode"))
        .and_then(Value::as_str)
        .unwrap_or("PROVISIONED");
    Ok(Summary {
        name: d
            .get("StreamName")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_string(),
        arn: text("StreamARN"),
        status: text("StreamStatus"),
        mode: mode.to_string(),
        open_shards: number("OpenShardCount"),
        retention_hours: number("RetentionPeriodHours"),
        consumers: number("ConsumerCount"),
    })
}

/// One shard as ListShards describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Shard {
    id: String,
    parent: Option<String>,
    adjacent_parent: Option<String>,
    start_hash: String,
    end_hash: String,
    start_seq: String,
    /// Set once the shard is closed (split or merged).
    end_seq: Option<String>,
}

impl Shard {
    fn from_json(v: &Value) -> Option<Shard> {
        let text = |v: &Value, key: &str| v.get(key).and_then(Value::as_str).map(String::from);
        let hash = v.get("HashKeyRange")?;
        let seq = v.get("SequenceNumberRange")?;
        Some(Shard {
            id: text(v, "ShardId")?,
            parent: text(v, "ParentShardId"),
            adjacent_parent: text(v, "AdjacentParentShardId"),
            start_hash: text(hash, "StartingHashKey")?,
            end_hash: text(hash, "EndingHashKey")?,
            start_seq: text(seq, "StartingSequenceNumber")?,
            end_seq: text(seq, "EndingSequenceNumber"),
        })
    }

    fn is_open(&self) -> bool {
        self.end_seq.is_none()
    }
}

/// Every shard ListShards shows (closed shards included until they expire), following pages.
async fn shards(client: &mut Client, name: &str) -> Result<Vec<Shard>> {
    let ctx = stream_context(name);
    let mut all = Vec::new();
    let mut input = json!({ "StreamName": name, "MaxResults": LIST_SHARDS_MAX_RESULTS });
    for _page in 0..PAGES_MAX {
        let out = client
            .call("ListShards", &input)
            .await
            .map_err(|e| e.context(&ctx))?;
        for v in out
            .get("Shards")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let shard = Shard::from_json(v)
                .ok_or_else(|| cli_error!("{ctx}: malformed shard in ListShards: {v}"))?;
            all.push(shard);
        }
        match out.get("NextToken").and_then(Value::as_str) {
            Some(t) => input = json!({ "NextToken": t, "MaxResults": LIST_SHARDS_MAX_RESULTS }),
            None => return Ok(all),
        }
    }
    Err(cli_error!(
        "{ctx}: ListShards did not finish after {PAGES_MAX} pages"
    ))
}

async fn describe(client: &mut Client, name: &str) -> Result<String> {
    let s = summary(client, name)
        .await
        .map_err(|e| e.context(&stream_context(name)))?;
    let shards = shards(client, name).await?;
    Ok(render_describe(&s, &shards))
}

/// The `describe` text: a `Key: value` header in the style of `topic describe`, then one
/// aligned row per shard.
fn render_describe(s: &Summary, shards: &[Shard]) -> String {
    let mut out = format!(
        "Stream: {}\tStatus: {}\tMode: {}\tOpenShards: {}\tRetentionHours: {}\tConsumers: {}\n",
        s.name, s.status, s.mode, s.open_shards, s.retention_hours, s.consumers
    );
    out += &format!("StreamARN: {}\n", s.arn);
    let header = [
        "SHARD_ID",
        "PARENT",
        "ADJACENT_PARENT",
        "HASH_KEY_RANGE",
        "STARTING_SEQUENCE_NUMBER",
        "ENDING_SEQUENCE_NUMBER",
        "STATE",
    ];
    let mut rows: Vec<[String; 7]> = vec![header.map(String::from)];
    for sh in shards {
        rows.push([
            sh.id.clone(),
            sh.parent.clone().unwrap_or_else(|| "-".into()),
            sh.adjacent_parent.clone().unwrap_or_else(|| "-".into()),
            format!("{}-{}", sh.start_hash, sh.end_hash),
            sh.start_seq.clone(),
            sh.end_seq.clone().unwrap_or_else(|| "-".into()),
            if sh.is_open() { "open" } else { "closed" }.into(),
        ]);
    }
    out + &table(&rows)
}

/// Left-aligned columns two spaces apart; the last column is not padded.
fn table<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if i + 1 == N {
                out += cell;
            } else {
                out += &format!("{cell:<width$}  ", width = widths[i]);
            }
        }
        out += "\n";
    }
    out
}

async fn delete(client: &mut Client, name: &str, force: bool) -> Result<String> {
    let input = json!({ "StreamName": name, "EnforceConsumerDeletion": force });
    client
        .call("DeleteStream", &input)
        .await
        .map_err(|e| e.context(&stream_context(name)))?;
    Ok(format!("deleted stream {name}\n"))
}

async fn split(client: &mut Client, name: &str, shard: &str, at: Option<u128>) -> Result<String> {
    let ctx = stream_context(name);
    let key = match at {
        Some(key) => key,
        None => {
            let all = shards(client, name).await?;
            let Some(sh) = all.iter().find(|s| s.id == shard) else {
                return Err(cli_error!("{ctx}: shard {shard} does not exist"));
            };
            let start = parse_hash_key(&sh.start_hash, &ctx)?;
            let end = parse_hash_key(&sh.end_hash, &ctx)?;
            middle_hash_key(start, end).ok_or_else(|| {
                cli_error!(
                    "{ctx}: shard {shard} covers the single hash key {start} and cannot be split"
                )
            })?
        }
    };
    let input = json!({
        "StreamName": name,
        "ShardToSplit": shard,
        "NewStartingHashKey": key.to_string(),
    });
    client
        .call("SplitShard", &input)
        .await
        .map_err(|e| e.context(&ctx))?;
    Ok(format!(
        "split {shard} of stream {name} at hash key {key}\n"
    ))
}

fn parse_hash_key(s: &str, ctx: &str) -> Result<u128> {
    s.parse()
        .map_err(|_| cli_error!("{ctx}: the server sent an invalid hash key '{s}'"))
}

/// Where to split `[start, end]` in two halves: the first hash key of the upper half, so the
/// lower child gets `[start, key - 1]` and the upper `[key, end]` (the lower one is the larger
/// by one key when the count is odd). A split of an evenly split range lands on the same
/// boundaries CreateStream would give twice as many shards. `None` for a single-key range.
fn middle_hash_key(start: u128, end: u128) -> Option<u128> {
    if end <= start {
        return None;
    }
    // (end - start) / 2 + 1 never overflows, even for the whole [0, 2^128 - 1] range.
    Some(start + (end - start) / 2 + 1)
}

async fn merge(client: &mut Client, name: &str, a: &str, b: &str) -> Result<String> {
    let input = json!({
        "StreamName": name,
        "ShardToMerge": a,
        "AdjacentShardToMerge": b,
    });
    client
        .call("MergeShards", &input)
        .await
        .map_err(|e| e.context(&stream_context(name)))?;
    Ok(format!("merged {a} and {b} of stream {name}\n"))
}

async fn scale(client: &mut Client, name: &str, target: i32) -> Result<String> {
    let input = json!({
        "StreamName": name,
        "TargetShardCount": target,
        "ScalingType": "UNIFORM_SCALING",
    });
    let out = client
        .call("UpdateShardCount", &input)
        .await
        .map_err(|e| e.context(&stream_context(name)))?;
    let count = |key: &str| out.get(key).and_then(Value::as_i64);
    Ok(match count("CurrentShardCount") {
        Some(from) => {
            let to = count("TargetShardCount").unwrap_or(i64::from(target));
            format!("scaled stream {name} from {from} to {to} open shards\n")
        }
        None => format!("scaled stream {name} to {target} open shards\n"),
    })
}

// ---------------------------------------------------------------------------------------------
// The client

/// Why a call failed: the server's Kinesis error, or anything else (connect, timeout, garbage).
#[derive(Debug)]
enum CallError {
    Api(ApiError),
    Other(CliError),
}

impl CallError {
    /// The CLI error, with `context` (e.g. `stream 'x'`) before a server error; transport
    /// errors already name the endpoint.
    fn context(self, context: &str) -> CliError {
        match self {
            CallError::Api(e) if AUTH_ERRORS.contains(&e.kind.as_str()) => cli_error!(
                "{context}: {e} (sluice stream sends unsigned requests, which only a server \
                 without [[kinesis.credentials]] accepts)"
            ),
            CallError::Api(e) => cli_error!("{context}: {e}"),
            CallError::Other(e) => e,
        }
    }
}

/// The errors a server verifying signatures gives an unsigned request.
const AUTH_ERRORS: [&str; 4] = [
    "MissingAuthenticationTokenException",
    "IncompleteSignatureException",
    "InvalidSignatureException",
    "UnrecognizedClientException",
];

/// A Kinesis error reply: `__type` (without any `namespace#` prefix) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ApiError {
    kind: String,
    message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message.is_empty() {
            true => f.write_str(&self.kind),
            false => write!(f, "{}: {}", self.kind, self.message),
        }
    }
}

impl ApiError {
    /// Reads an error reply: Kinesis's JSON (`{"__type": ..., "message"|"Message": ...}`), the
    /// XML 403 an AWS front sends for requests it cannot route, or, failing both, the status and
    /// the start of the body.
    fn from_body(status: u16, body: &[u8]) -> ApiError {
        if let Ok(v) = serde_json::from_slice::<Value>(body) {
            if let Some(kind) = v.get("__type").and_then(Value::as_str) {
                let message = ["message", "Message"]
                    .iter()
                    .find_map(|k| v.get(*k).and_then(Value::as_str))
                    .unwrap_or("");
                // AWS may send `namespace#Type`; some fronts append `:detail` to the type.
                let kind = kind.rsplit('#').next().unwrap_or(kind);
                let kind = kind.split(':').next().unwrap_or(kind);
                return ApiError {
                    kind: kind.to_string(),
                    message: message.to_string(),
                };
            }
        }
        let text = String::from_utf8_lossy(body);
        if let Some(e) = ApiError::from_xml(&text) {
            return e;
        }
        let mut snippet: String = text.trim().chars().take(200).collect();
        if text.trim().chars().count() > 200 {
            snippet += "...";
        }
        ApiError {
            kind: format!("HTTP {status}"),
            message: snippet,
        }
    }

    /// `<Kind><Message>m</Message></Kind>`, or AWS's `<ErrorResponse><Error><Code>Kind</Code>
    /// <Message>m</Message>...`.
    fn from_xml(text: &str) -> Option<ApiError> {
        let between = |open: &str, close: &str| {
            let from = text.find(open)? + open.len();
            let to = from + text[from..].find(close)?;
            Some(text[from..to].trim().to_string())
        };
        let mut rest = text.trim_start();
        if rest.starts_with("<?") {
            rest = rest[rest.find("?>")? + 2..].trim_start();
        }
        let root = rest.strip_prefix('<')?;
        let root_end = root.find(|c: char| c == '>' || c == '/' || c.is_whitespace())?;
        let kind = match between("<Code>", "</Code>") {
            Some(code) => code,
            None => root[..root_end].to_string(),
        };
        if kind.is_empty() {
            return None;
        }
        Some(ApiError {
            kind,
            message: between("<Message>", "</Message>").unwrap_or_default(),
        })
    }
}

/// One keep-alive HTTP/1.1 connection to the Kinesis endpoint, opened on first use and again if
/// the server closed it between calls.
struct Client {
    /// `HOST:PORT`, also sent as the Host header.
    addr: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Client {
    fn new(addr: &str) -> Client {
        Client {
            addr: addr.to_string(),
            sender: None,
        }
    }

    async fn connect(&self) -> std::result::Result<SendRequest<Full<Bytes>>, CliError> {
        let addr = &self.addr;
        let timeout = Duration::from_millis(CONNECT_TIMEOUT_MS);
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Err(cli_error!("cannot connect to {addr}: {e}")),
            Err(_) => return Err(cli_error!("cannot connect to {addr}: timed out")),
        };
        stream.set_nodelay(true).ok();
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| cli_error!("{addr}: {e}"))?;
        // Drives the connection; `run` shuts the runtime down without waiting for it.
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    /// Calls operation `op` with `input`; a 200 reply's JSON object, or the error.
    async fn call(&mut self, op: &str, input: &Value) -> std::result::Result<Value, CallError> {
        let addr = self.addr.clone();
        let timeout = Duration::from_millis(REQUEST_TIMEOUT_MS);
        let request = build_request(&addr, op, input, SystemTime::now());
        let exchange = async {
            let reused = match self.sender.take() {
                Some(mut s) => s.ready().await.is_ok().then_some(s),
                None => None,
            };
            let mut sender = match reused {
                Some(s) => s,
                None => {
                    let mut s = self.connect().await?;
                    s.ready().await.map_err(|e| cli_error!("{addr}: {e}"))?;
                    s
                }
            };
            let response = sender
                .send_request(request)
                .await
                .map_err(|e| cli_error!("{addr}: {op}: {e}"))?;
            let status = response.status().as_u16();
            let body = Limited::new(response.into_body(), RESPONSE_BYTES_MAX)
                .collect()
                .await
                .map_err(|e| cli_error!("{addr}: {op}: reading the response: {e}"))?
                .to_bytes();
            self.sender = Some(sender);
            Ok::<_, CliError>((status, body))
        };
        let (status, body) = match tokio::time::timeout(timeout, exchange).await {
            Ok(Ok(reply)) => reply,
            Ok(Err(e)) => return Err(CallError::Other(e)),
            Err(_) => {
                let secs = REQUEST_TIMEOUT_MS / 1000;
                return Err(CallError::Other(cli_error!(
                    "{addr}: {op}: no response within {secs} s"
                )));
            }
        };
        if status != 200 {
            return Err(CallError::Api(ApiError::from_body(status, &body)));
        }
        if body.is_empty() {
            return Ok(Value::Object(Default::default()));
        }
        serde_json::from_slice(&body).map_err(|e| {
            CallError::Other(cli_error!("{addr}: {op}: the response is not JSON: {e}"))
        })
    }
}

/// `POST /` with the AWS JSON 1.1 headers and an SigV4-shaped `Authorization` header.
///
/// The request is NOT signed: the signature is 64 zeros. That works only while the server does
/// not verify signatures (its default; with `[[kinesis.credentials]]` configured it answers
/// InvalidSignatureException or UnrecognizedClientException).
fn build_request(
    host: &str,
    op: &str,
    input: &Value,
    now: SystemTime,
) -> hyper::Request<Full<Bytes>> {
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (date, stamp) = amz_date(secs);
    let body = Bytes::from(input.to_string());
    let request = hyper::Request::builder()
        .method(hyper::Method::POST)
        .uri("/")
        .header(hyper::header::HOST, host)
        .header(hyper::header::CONTENT_TYPE, CONTENT_TYPE)
        .header(hyper::header::CONTENT_LENGTH, body.len())
        .header(
            hyper::header::USER_AGENT,
            concat!("sluice-cli/", env!("CARGO_PKG_VERSION")),
        )
        .header("X-Amz-Target", format!("{TARGET_PREFIX}{op}"))
        .header("X-Amz-Date", &stamp)
        .header(hyper::header::AUTHORIZATION, authorization(&date))
        .body(Full::new(body));
    // Every part above is a valid header value (the host was checked by clap), so this holds.
    request.unwrap_or_else(|e| unreachable!("request for {op} did not build: {e}"))
}

/// A well-formed but unsigned SigV4 `Authorization` value for the day `date` (`YYYYMMDD`).
fn authorization(date: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{date}/{REGION}/kinesis/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature={}",
        "0".repeat(64)
    )
}

/// `(YYYYMMDD, YYYYMMDDTHHMMSSZ)` in UTC for a Unix time, as SigV4 spells them.
fn amz_date(unix_secs: u64) -> (String, String) {
    let days = unix_secs / 86_400;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days as i64);
    let date = format!("{y:04}{m:02}{d:02}");
    let stamp = format!(
        "{date}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    );
    (date, stamp)
}

/// The proleptic Gregorian (year, month, day) of a count of days since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::KinesisArgs;

    /// Goal: the default split point halves a range exactly like an even split, at both ends of
    /// the key space; method: check ranges with known answers.
    #[test]
    fn middle_of_range() {
        let half = 1u128 << 127;
        assert_eq!(middle_hash_key(0, u128::MAX), Some(half));
        assert_eq!(middle_hash_key(0, half - 1), Some(1u128 << 126));
        assert_eq!(
            middle_hash_key(half, u128::MAX),
            Some(half + (1u128 << 126))
        );
        assert_eq!(middle_hash_key(u128::MAX - 1, u128::MAX), Some(u128::MAX));
        assert_eq!(middle_hash_key(0, 1), Some(1));
        assert_eq!(middle_hash_key(10, 12), Some(12)); // [10, 11] and [12, 12]
        assert_eq!(middle_hash_key(7, 7), None);
        // Always a valid NewStartingHashKey: start < key <= end.
        for (s, e) in [(0u128, 2u128), (5, 1000), (u128::MAX - 7, u128::MAX)] {
            let k = middle_hash_key(s, e).unwrap();
            assert!(s < k && k <= e);
            assert!(
                (k - s).abs_diff(e - k + 1) <= 1,
                "halves differ by at most one key"
            );
        }
    }

    /// Goal: error replies print as `__type: message` whatever shape they come in; method:
    /// parse JSON (both message spellings, namespaced types), XML and plain bodies.
    #[test]
    fn error_bodies_parse() {
        let e = ApiError::from_body(
            400,
            br#"{"__type":"ResourceNotFoundException","message":"Stream x under account 000000000000 not found."}"#,
        );
        assert_eq!(
            e.to_string(),
            "ResourceNotFoundException: Stream x under account 000000000000 not found."
        );
        let e = ApiError::from_body(
            400,
            br#"{"__type":"SerializationException","Message":"bad"}"#,
        );
        assert_eq!(e.to_string(), "SerializationException: bad");
        let e = ApiError::from_body(
            400,
            br#"{"__type":"com.amazonaws.kinesis.v20131202#LimitExceededException","message":"m"}"#,
        );
        assert_eq!(
            (e.kind.as_str(), e.message.as_str()),
            ("LimitExceededException", "m")
        );
        let e = ApiError::from_body(400, br#"{"__type":"UnknownOperationException"}"#);
        assert_eq!(e.to_string(), "UnknownOperationException");
        let xml = b"<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized</Message>\n</AccessDeniedException>\n";
        assert_eq!(
            ApiError::from_body(403, xml).to_string(),
            "AccessDeniedException: Unable to determine service/operation name to be authorized"
        );
        let xml = b"<?xml version=\"1.0\"?><ErrorResponse><Error><Code>Throttling</Code><Message>slow down</Message></Error></ErrorResponse>";
        assert_eq!(
            ApiError::from_body(400, xml).to_string(),
            "Throttling: slow down"
        );
        assert_eq!(
            ApiError::from_body(502, b"  bad gateway\n").to_string(),
            "HTTP 502: bad gateway"
        );
        assert_eq!(ApiError::from_body(500, b"").to_string(), "HTTP 500");
        let long = vec![b'x'; 500];
        assert_eq!(ApiError::from_body(500, &long).message.len(), 203);
        let e = CallError::Api(ApiError::from_body(400, br#"{"__type":"T","message":"m"}"#));
        assert_eq!(e.context("stream 's'").to_string(), "stream 's': T: m");
        let body = br#"{"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."}"#;
        let e = CallError::Api(ApiError::from_body(400, body)).context("ListStreams");
        assert_eq!(
            e.to_string(),
            "ListStreams: UnrecognizedClientException: The security token included in the \
             request is invalid. (sluice stream sends unsigned requests, which only a server \
             without [[kinesis.credentials]] accepts)"
        );
    }

    /// Goal: requests carry the AWS JSON 1.1 headers and a SigV4-shaped Authorization for
    /// the current UTC day; method: build one at a known time and inspect it.
    #[test]
    fn request_headers() {
        let t = UNIX_EPOCH + Duration::from_secs(1_709_210_096); // 2024-02-29T12:34:56Z
        let r = build_request("h:1", "ListStreams", &json!({"Limit": 1}), t);
        let h = |k: &str| r.headers().get(k).unwrap().to_str().unwrap().to_string();
        assert_eq!((r.method().as_str(), r.uri().path()), ("POST", "/"));
        assert_eq!(h("host"), "h:1");
        assert_eq!(h("content-type"), "application/x-amz-json-1.1");
        assert_eq!(h("x-amz-target"), "Kinesis_20131202.ListStreams");
        assert_eq!(h("x-amz-date"), "20240229T123456Z");
        assert_eq!(h("content-length"), r#"{"Limit":1}"#.len().to_string());
        let expected = format!(
            "AWS4-HMAC-SHA256 Credential=sluice/20240229/us-east-1/kinesis/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature={}",
            "0".repeat(64)
        );
        assert_eq!(h("authorization"), expected);
    }

    /// Goal: UTC dates are right across epochs, leap days and centuries; method: known dates.
    #[test]
    fn amz_dates() {
        assert_eq!(amz_date(0), ("19700101".into(), "19700101T000000Z".into()));
        assert_eq!(amz_date(1_767_225_600).1, "20260101T000000Z");
        assert_eq!(amz_date(951_782_400).0, "20000229"); // 2000 is a leap year
        assert_eq!(amz_date(4_107_542_399).1, "21000228T235959Z");
        assert_eq!(amz_date(4_107_542_400).0, "21000301"); // 2100 is not
    }

    /// Goal: describe shows the summary and one aligned row per shard, closed shards with
    /// their ending sequence number; method: render a hand-built stream.
    #[test]
    fn describe_renders_a_shard_table() {
        let s = Summary {
            name: "orders".into(),
            arn: "arn:aws:kinesis:us-east-1:000000000000:stream/orders".into(),
            status: "ACTIVE".into(),
            mode: "PROVISIONED".into(),
            open_shards: 2,
            retention_hours: 24,
            consumers: 0,
        };
        let shard =
            |id: &str, parent: Option<&str>, range: (&str, &str), end: Option<&str>| Shard {
                id: id.into(),
                parent: parent.map(String::from),
                adjacent_parent: None,
                start_hash: range.0.into(),
                end_hash: range.1.into(),
                start_seq: "100".into(),
                end_seq: end.map(String::from),
            };
        let shards = [
            shard("shardId-0", None, ("0", "9"), Some("199")),
            shard("shardId-1", Some("shardId-0"), ("0", "4"), None),
            shard("shardId-2", Some("shardId-0"), ("5", "9"), None),
        ];
        let expected = "Stream: orders\tStatus: ACTIVE\tMode: PROVISIONED\tOpenShards: 2\t\
            RetentionHours: 24\tConsumers: 0\n\
            StreamARN: arn:aws:kinesis:us-east-1:000000000000:stream/orders\n\
            SHARD_ID   PARENT     ADJACENT_PARENT  HASH_KEY_RANGE  STARTING_SEQUENCE_NUMBER  ENDING_SEQUENCE_NUMBER  STATE\n\
            shardId-0  -          -                0-9             100                       199                     closed\n\
            shardId-1  shardId-0  -                0-4             100                       -                       open\n\
            shardId-2  shardId-0  -                5-9             100                       -                       open\n";
        assert_eq!(render_describe(&s, &shards), expected);
        let mut on_demand = s.clone();
        on_demand.name = "b".into();
        on_demand.mode = "ON_DEMAND".into();
        on_demand.open_shards = 4;
        assert_eq!(
            render_list(&[s, on_demand]),
            "orders\tACTIVE\tPROVISIONED\t2\nb\tACTIVE\tON_DEMAND\t4\n"
        );
    }

    /// A Kinesis front over a fresh broker on 127.0.0.1:0, as `serve` wires it.
    struct TestServer {
        addr: String,
        stop: tokio::sync::watch::Sender<bool>,
        task: tokio::task::JoinHandle<()>,
        _dir: tempfile::TempDir,
    }

    impl TestServer {
        async fn start() -> TestServer {
            use sluice_broker::{Broker, BrokerConfig, Metrics};
            let dir = tempfile::tempdir().unwrap();
            let config = BrokerConfig::new(dir.path().to_path_buf());
            let (broker, _) = Broker::open(config, std::sync::Arc::new(Metrics::new())).unwrap();
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let config = sluice_kinesis::KinesisConfig {
                listen: addr,
                ..Default::default()
            };
            let (stop, stop_rx) = tokio::sync::watch::channel(false);
            let ctx = sluice_kinesis::Context::new(broker, config, stop_rx.clone()).unwrap();
            let task = tokio::spawn(sluice_kinesis::serve(listener, ctx, stop_rx));
            TestServer {
                addr: addr.to_string(),
                stop,
                task,
                _dir: dir,
            }
        }

        fn endpoint(&self) -> KinesisArgs {
            KinesisArgs {
                kinesis: self.addr.clone(),
            }
        }

        async fn stop(self) {
            let _ = self.stop.send(true);
            let _ = self.task.await;
        }
    }

    fn open_ranges(describe: &str) -> Vec<String> {
        describe
            .lines()
            .filter(|l| l.ends_with("  open"))
            .map(|l| l.split_whitespace().nth(3).unwrap_or("").to_string())
            .collect()
    }

    /// Goal: every command works end to end against the real Kinesis front and errors come
    /// back as `stream 'x': __type: message`; method: create, describe, split (default and
    /// --at), merge, scale, list and delete a stream over HTTP on 127.0.0.1:0.
    #[tokio::test]
    async fn commands_end_to_end() {
        let server = TestServer::start().await;
        let endpoint = server.endpoint();
        let name = || "orders".to_string();
        let half = 1u128 << 127;
        let quarter = 1u128 << 126;
        let max = u128::MAX;

        let create = StreamCmd::Create {
            name: name(),
            shards: Some(2),
            on_demand: false,
            endpoint: endpoint.clone(),
        };
        let out = execute(create).await.unwrap();
        assert_eq!(out, "created stream orders with 2 shards\n");
        let describe = || StreamCmd::Describe {
            name: name(),
            endpoint: endpoint.clone(),
        };
        let d = execute(describe()).await.unwrap();
        assert!(d.starts_with("Stream: orders\tStatus: ACTIVE\tMode: PROVISIONED\tOpenShards: 2"));
        assert_eq!(
            open_ranges(&d),
            [format!("0-{}", half - 1), format!("{half}-{max}")]
        );

        // Default split point: the middle of shard 0, giving shards 2 and 3.
        let split = |shard: &str, at| StreamCmd::Split {
            name: name(),
            shard: shard.to_string(),
            at,
            endpoint: endpoint.clone(),
        };
        let out = execute(split("shardId-000000000000", None)).await.unwrap();
        assert_eq!(
            out,
            format!("split shardId-000000000000 of stream orders at hash key {quarter}\n")
        );
        let d = execute(describe()).await.unwrap();
        assert_eq!(
            open_ranges(&d),
            [
                format!("{half}-{max}"),
                format!("0-{}", quarter - 1),
                format!("{quarter}-{}", half - 1)
            ]
        );
        let row = |d: &str, id: &str| {
            let line = d.lines().find(|l| l.starts_with(id)).unwrap().to_string();
            line.split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>()
        };
        let r0 = row(&d, "shardId-000000000000");
        assert_eq!(r0[6], "closed");
        assert_ne!(r0[5], "-", "a closed shard has an ending sequence number");
        let r3 = row(&d, "shardId-000000000003");
        assert_eq!(
            (r3[1].as_str(), r3[2].as_str()),
            ("shardId-000000000000", "-")
        );

        // Splitting the closed parent again is the server's error, printed as type: message.
        let err = execute(split("shardId-000000000000", None))
            .await
            .unwrap_err();
        assert!(
            err.to_string().starts_with(
                "stream 'orders': InvalidArgumentException: Shard shardId-000000000000"
            ),
            "{err}"
        );
        let err = execute(split("shardId-000000000042", None))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "stream 'orders': shard shardId-000000000042 does not exist"
        );

        let merge = StreamCmd::Merge {
            name: name(),
            shard_a: "shardId-000000000002".into(),
            shard_b: "shardId-000000000003".into(),
            endpoint: endpoint.clone(),
        };
        let out = execute(merge).await.unwrap();
        assert_eq!(
            out,
            "merged shardId-000000000002 and shardId-000000000003 of stream orders\n"
        );
        let d = execute(describe()).await.unwrap();
        let r4 = row(&d, "shardId-000000000004");
        assert_eq!(
            r4[..4],
            [
                "shardId-000000000004".to_string(),
                "shardId-000000000002".into(),
                "shardId-000000000003".into(),
                format!("0-{}", half - 1)
            ]
        );

        // An explicit split point.
        let at = half + 5;
        let out = execute(split("shardId-000000000001", Some(at)))
            .await
            .unwrap();
        assert!(out.ends_with(&format!("at hash key {at}\n")), "{out}");

        let scale = |shards| StreamCmd::Scale {
            name: name(),
            shards,
            endpoint: endpoint.clone(),
        };
        let out = execute(scale(4)).await.unwrap();
        assert_eq!(out, "scaled stream orders from 3 to 4 open shards\n");
        let d = execute(describe()).await.unwrap();
        let mut ranges = open_ranges(&d);
        ranges.sort();
        let mut even: Vec<String> = (0..4u128)
            .map(|i| {
                let end = if i == 3 { max } else { quarter * (i + 1) - 1 };
                format!("{}-{end}", quarter * i)
            })
            .collect();
        even.sort();
        assert_eq!(ranges, even);
        let err = execute(scale(9)).await.unwrap_err().to_string();
        assert!(
            err.starts_with(
                "stream 'orders': LimitExceededException: UpdateShardCount cannot scale up"
            ),
            "{err}"
        );

        let on_demand = StreamCmd::Create {
            name: "auto".into(),
            shards: None,
            on_demand: true,
            endpoint: endpoint.clone(),
        };
        let out = execute(on_demand).await.unwrap();
        assert_eq!(out, "created on-demand stream auto with 4 shards\n");
        let dup = StreamCmd::Create {
            name: name(),
            shards: Some(1),
            on_demand: false,
            endpoint: endpoint.clone(),
        };
        let err = execute(dup).await.unwrap_err().to_string();
        assert!(
            err.starts_with("stream 'orders': ResourceInUseException: Stream orders"),
            "{err}"
        );

        let list = || StreamCmd::List {
            endpoint: endpoint.clone(),
        };
        let out = execute(list()).await.unwrap();
        assert_eq!(
            out,
            "auto\tACTIVE\tON_DEMAND\t4\norders\tACTIVE\tPROVISIONED\t4\n"
        );

        for stream in ["orders", "auto"] {
            let delete = StreamCmd::Delete {
                name: stream.into(),
                force: false,
                endpoint: endpoint.clone(),
            };
            assert_eq!(
                execute(delete).await.unwrap(),
                format!("deleted stream {stream}\n")
            );
        }
        assert_eq!(execute(list()).await.unwrap(), "");
        let err = execute(describe()).await.unwrap_err().to_string();
        assert_eq!(
            err,
            "stream 'orders': ResourceNotFoundException: Stream orders under account \
             000000000000 not found."
        );
        server.stop().await;
    }

    /// Goal: an endpoint nobody listens on is a one-line connect error; method: bind a port,
    /// free it, and call it.
    #[tokio::test]
    async fn unreachable_endpoint_is_a_connect_error() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        drop(listener);
        let cmd = StreamCmd::List {
            endpoint: KinesisArgs {
                kinesis: addr.clone(),
            },
        };
        let err = execute(cmd).await.unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("cannot connect to {addr}: ")),
            "{err}"
        );
    }
}
