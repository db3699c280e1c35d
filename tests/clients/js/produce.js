// kafkajs against sluice: create a topic with the admin client, send keyed records with an
// idempotent producer (uncompressed and gzip batches), and print the high watermarks as JSON.
// Usage: node produce.js BROKER TOPIC PARTITIONS RECORDS
const { Kafka, logLevel, CompressionTypes, Partitioners } = require('kafkajs');

async function main() {
  const [broker, topic, partitions, records] = process.argv.slice(2);
  const kafka = new Kafka({ clientId: 'sluice-kafkajs-test', brokers: [broker], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: Number(partitions) }] });
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const n = Number(records);
  const half = Math.floor(n / 2);
  const batch = (from, to) => Array.from({ length: to - from }, (_, i) => ({ key: `k${(from + i) % 13}`, value: `kafkajs-${from + i}` }));
  await producer.send({ topic, acks: -1, messages: batch(0, half) });
  await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: batch(half, n) });
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  console.log(JSON.stringify({ partitions: meta.topics[0].partitions.length, offsets }));
}

main().catch((e) => { console.error(e); process.exit(1); });
