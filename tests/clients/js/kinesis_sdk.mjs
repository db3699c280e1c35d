// The AWS SDK for JavaScript v3 (@aws-sdk/client-kinesis) against sluice's Kinesis front.
// The Kinesis client sends every call, SubscribeToShard included, over HTTP/2 through
// NodeHttp2Handler (cleartext HTTP/2 by prior knowledge on an http:// endpoint); it is set up
// here explicitly, as the SDK docs describe, with bounded timeouts.
//
// Creates a 2-shard stream, PutRecords, ListShards, GetShardIterator + GetRecords on every
// shard, checks a missing stream gives ResourceNotFoundException, registers a consumer and
// reads shard 0 with SubscribeToShard (old records, then one written while subscribed), then
// deletes the stream. Prints one JSON line with what it saw; exits non-zero on any mismatch.
// Usage: node kinesis_sdk.mjs ENDPOINT STREAM
import {
  KinesisClient,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  RegisterStreamConsumerCommand,
  SubscribeToShardCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttp2Handler } from '@smithy/node-http-handler';

const RECORDS = 200;
const OVERALL_TIMEOUT_MS = 60_000;

const [endpoint, stream] = process.argv.slice(2);
if (!endpoint || !stream) {
  console.error('usage: node kinesis_sdk.mjs ENDPOINT STREAM');
  process.exit(2);
}
setTimeout(() => {
  console.error(`kinesis_sdk.mjs: not done after ${OVERALL_TIMEOUT_MS} ms`);
  process.exit(3);
}, OVERALL_TIMEOUT_MS).unref();

const client = new KinesisClient({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
  requestHandler: new NodeHttp2Handler({
    requestTimeout: 20_000,
    sessionTimeout: 30_000,
    disableConcurrentStreams: true,
  }),
});

const dec = new TextDecoder();
const enc = new TextEncoder();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

async function until(what, fn, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function readShard(shardId) {
  let it = (await client.send(new GetShardIteratorCommand({
    StreamName: stream, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON',
  }))).ShardIterator;
  const out = [];
  let idle = 0;
  for (let calls = 0; it && calls < 200; calls++) {
    const r = await client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
    check(typeof r.MillisBehindLatest === 'number', 'GetRecords has MillisBehindLatest');
    out.push(...r.Records);
    it = r.NextShardIterator;
    if (r.Records.length === 0 && r.MillisBehindLatest === 0 && ++idle >= 2) return out;
    if (r.Records.length) idle = 0;
  }
  return out;
}

async function main() {
  await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
  const summary = await until('ACTIVE', async () => {
    const s = (await client.send(new DescribeStreamSummaryCommand({ StreamName: stream })))
      .StreamDescriptionSummary;
    return s.StreamStatus === 'ACTIVE' ? s : null;
  });
  check(summary.OpenShardCount === 2, `OpenShardCount ${summary.OpenShardCount}`);

  const records = Array.from({ length: RECORDS }, (_, i) => ({
    Data: enc.encode(`js-${i}`), PartitionKey: `k${i % 17}`,
  }));
  const put = await client.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
  check(put.FailedRecordCount === 0, `FailedRecordCount ${put.FailedRecordCount}`);
  const sent = new Map();   // data -> [shard, seq, key]
  put.Records.forEach((res, i) => sent.set(`js-${i}`, [res.ShardId, res.SequenceNumber, `k${i % 17}`]));

  const shards = (await client.send(new ListShardsCommand({ StreamName: stream }))).Shards;
  check(shards.length === 2, `ListShards gave ${shards.length} shards`);
  let read = 0;
  for (const sh of shards) {
    const recs = await readShard(sh.ShardId);
    for (const r of recs) {
      const data = dec.decode(r.Data);
      const want = sent.get(data);
      check(want, `unknown record ${data}`);
      check(want[0] === sh.ShardId && want[1] === r.SequenceNumber && want[2] === r.PartitionKey,
        `record ${data} read as ${sh.ShardId}/${r.SequenceNumber}/${r.PartitionKey}, put as ${want}`);
      check(r.ApproximateArrivalTimestamp instanceof Date, 'ApproximateArrivalTimestamp is a Date');
      read++;
    }
  }
  check(read === RECORDS, `read ${read} of ${RECORDS}`);

  let missing = null;
  try {
    await client.send(new DescribeStreamSummaryCommand({ StreamName: `${stream}-missing` }));
  } catch (e) {
    missing = e.name;
  }
  check(missing === 'ResourceNotFoundException', `missing stream gave ${missing}`);

  // Enhanced fan-out over HTTP/2.
  const consumer = (await client.send(new RegisterStreamConsumerCommand({
    StreamARN: summary.StreamARN, ConsumerName: 'js-consumer',
  }))).Consumer;
  await until('consumer ACTIVE', async () => (await client.send(new DescribeStreamConsumerCommand({
    ConsumerARN: consumer.ConsumerARN,
  }))).ConsumerDescription.ConsumerStatus === 'ACTIVE');
  const shard0 = shards[0].ShardId;
  const want0 = [...sent.entries()].filter(([, v]) => v[0] === shard0).map(([d]) => d);
  const abort = new AbortController();
  const sub = await client.send(new SubscribeToShardCommand({
    ConsumerARN: consumer.ConsumerARN, ShardId: shard0, StartingPosition: { Type: 'TRIM_HORIZON' },
  }), { abortSignal: abort.signal });
  const got = [];
  let events = 0;
  let continuation = null;
  let live = null;
  const deadline = Date.now() + 20_000;
  for await (const ev of sub.EventStream) {
    check(ev.SubscribeToShardEvent, `unexpected event ${JSON.stringify(Object.keys(ev))}`);
    const e = ev.SubscribeToShardEvent;
    events++;
    check(typeof e.ContinuationSequenceNumber === 'string', 'ContinuationSequenceNumber');
    check(typeof e.MillisBehindLatest === 'number', 'MillisBehindLatest');
    continuation = e.ContinuationSequenceNumber;
    for (const r of e.Records) got.push(dec.decode(r.Data));
    if (got.length >= want0.length && live === null) {
      // Everything old has arrived: write one more while subscribed.
      live = (await client.send(new PutRecordCommand({
        StreamName: stream, Data: enc.encode('js-live'), PartitionKey: 'live',
        ExplicitHashKey: shards[0].HashKeyRange.StartingHashKey,
      }))).SequenceNumber;
    }
    if (got.includes('js-live') || Date.now() > deadline) break;
  }
  abort.abort();
  check(JSON.stringify(got) === JSON.stringify([...want0, 'js-live']),
    `SubscribeToShard gave ${got.length} records, want ${want0.length} + 1 live`);
  check(continuation === live, `last ContinuationSequenceNumber ${continuation}, live record ${live}`);

  await client.send(new DeleteStreamCommand({ StreamName: stream, EnforceConsumerDeletion: true }));
  console.log(JSON.stringify({
    put: RECORDS, read, shards: shards.length, subscribed: got.length, events, live: true,
  }));
}

main().then(() => {
  client.destroy();
  process.exit(0);
}).catch((e) => {
  console.error(e);
  client.destroy();
  process.exit(1);
});
