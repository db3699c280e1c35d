//! Kafka workloads with librdkafka (the `rdkafka` crate): produce, consume, end to end.
//!
//! Producers are `ThreadedProducer`s, one sending thread each (plus rdkafka's thread serving
//! delivery reports), whose delivery callback records the acknowledgement latency in a histogram (the send time travels as the delivery opaque, so no
//! allocation per record). Records go round-robin to explicit partitions, so every partition
//! has a batch filling at once. Consumers are `BaseConsumer`s with manual assignment (no group
//! rebalance in the measurement).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientContext, Offset, TopicPartitionList};

use crate::stats::{new_histogram, now_unix_nanos, record_us, Percentiles};
use crate::workload::{Meter, Metrics, Workload};

/// The shortest sleep of an open-loop producer between sends (see `produce_loop`), and its
/// sleep when librdkafka's queue is full.
///
/// Delivery reports are served by rdkafka's `ThreadedProducer` thread, which blocks in
/// librdkafka until one arrives, so an ack is timed when it comes. Not by the sending thread
/// calling `producer.poll(timeout)`: rdkafka hands librdkafka whole milliseconds (truncated)
/// and loops until its deadline, so every short wait spun through its last sub-millisecond
/// reading the clock. Open loop at 50 MB/s, that busy loop took a core of this 2-core machine
/// from the server (31% of the load generator's samples were clock reads).
const OPEN_LOOP_TICK: Duration = Duration::from_micros(250);

/// How long after the measured window producers get to drain their queues.
const DRAIN: Duration = Duration::from_secs(30);

pub fn create_topic(bootstrap: &str, topic: &str, partitions: i32) -> Result<(), String> {
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .create()
        .map_err(|e| format!("admin client: {e}"))?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let new = NewTopic::new(topic, partitions, TopicReplication::Fixed(1));
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(60)));
    let res = rt
        .block_on(async {
            tokio::time::timeout(Duration::from_secs(90), admin.create_topics([&new], &opts)).await
        })
        .map_err(|_| format!("creating topic {topic}: timed out"))?
        .map_err(|e| format!("creating topic {topic}: {e}"))?;
    for r in res {
        if let Err((t, code)) = r {
            if code != RDKafkaErrorCode::TopicAlreadyExists {
                return Err(format!("creating topic {t}: {code}"));
            }
        }
    }
    Ok(())
}

struct Delivery {
    base: Instant,
    hist: Mutex<Histogram<u64>>,
    delivered: AtomicU64,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
    last_ack: Mutex<Option<Instant>>,
    record_size: u64,
    meter: Arc<Meter>,
}

impl ClientContext for Delivery {}

impl ProducerContext for Delivery {
    /// Nanoseconds from `base` to when the record was sent (or scheduled, open loop).
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, sent_ns: usize) {
        match result {
            Ok(_) => {
                let now = Instant::now();
                let lat = (now - self.base).saturating_sub(Duration::from_nanos(sent_ns as u64));
                record_us(&mut self.hist.lock().unwrap(), lat);
                self.delivered.fetch_add(1, Ordering::Relaxed);
                self.meter.add(1, self.record_size);
                *self.last_ack.lock().unwrap() = Some(now);
            }
            Err((e, _)) => {
                self.errors.fetch_add(1, Ordering::Relaxed);
                let mut first = self.first_error.lock().unwrap();
                if first.is_none() {
                    *first = Some(e.to_string());
                }
            }
        }
    }
}

/// librdkafka's queue for one producer: 1,000,000 records and 1 GiB in all, divided among the
/// producers (at least 16,384 records and 16 MiB each), so many producers in closed loop cannot
/// queue many GiB between them.
fn queue_budget(producers: usize) -> (u64, u64) {
    let p = producers.max(1) as u64;
    ((1_000_000 / p).max(16_384), (1_048_576 / p).max(16_384))
}

fn producer_config(bootstrap: &str, w: &Workload) -> ClientConfig {
    let (queue_messages, queue_kbytes) = queue_budget(w.producers);
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap)
        .set("acks", &w.acks)
        .set("compression.type", &w.compression)
        .set("linger.ms", w.linger_ms.to_string())
        .set("batch.size", w.batch_size.to_string())
        .set("batch.num.messages", "1000000")
        .set("enable.idempotence", w.idempotence.to_string())
        .set("queue.buffering.max.messages", queue_messages.to_string())
        .set("queue.buffering.max.kbytes", queue_kbytes.to_string())
        .set("message.timeout.ms", "60000");
    c
}

/// The outcome of the produce phase.
pub struct Produced {
    pub delivered: u64,
    pub errors: u64,
    pub first_error: Option<String>,
    pub elapsed_s: f64,
    pub hist: Histogram<u64>,
}

/// Produces to `topic` with `w.producers` threads, bounded by `w.duration` and `count`.
/// Open loop when `w.rate > 0`. The window ends at the last acknowledgement.
pub fn produce(
    bootstrap: &str,
    topic: &str,
    w: &Workload,
    count: Option<u64>,
    meter: Arc<Meter>,
) -> Result<Produced, String> {
    // `base` is the reference for delivery opaques; the window starts after every producer
    // has connected and fetched the topic's metadata (so the first batch does not wait for it).
    let base = Instant::now();
    let producers = w.producers.max(1);
    let mut ready = Vec::new();
    for _ in 0..producers {
        let ctx = Delivery {
            base,
            hist: Mutex::new(new_histogram()),
            delivered: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            first_error: Mutex::new(None),
            last_ack: Mutex::new(None),
            record_size: w.record_size as u64,
            meter: meter.clone(),
        };
        let producer: ThreadedProducer<Delivery> = producer_config(bootstrap, w)
            .create_with_context(ctx)
            .map_err(|e| format!("producer: {e}"))?;
        producer
            .client()
            .fetch_metadata(Some(topic), Duration::from_secs(30))
            .map_err(|e| format!("metadata for {topic}: {e}"))?;
        ready.push(producer);
    }
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(w.duration);
    let mut handles = Vec::new();
    for (idx, producer) in ready.into_iter().enumerate() {
        let my_count =
            count.map(|n| n / producers as u64 + u64::from((idx as u64) < n % producers as u64));
        let interval = (w.rate > 0.0).then(|| Duration::from_secs_f64(producers as f64 / w.rate));
        let (topic, size, partitions) = (topic.to_string(), w.record_size, w.partitions.max(1));
        handles.push(std::thread::spawn(move || {
            produce_loop(
                &producer, &topic, size, partitions, idx, my_count, interval, base, start, deadline,
            );
            // Drain: bounded.
            let _ = producer.flush(DRAIN);
            let ctx = producer.context();
            let hist = std::mem::replace(&mut *ctx.hist.lock().unwrap(), new_histogram());
            (
                ctx.delivered.load(Ordering::Relaxed),
                ctx.errors.load(Ordering::Relaxed) + producer.in_flight_count().max(0) as u64,
                ctx.first_error.lock().unwrap().take(),
                *ctx.last_ack.lock().unwrap(),
                hist,
            )
        }));
    }
    let mut out = Produced {
        delivered: 0,
        errors: 0,
        first_error: None,
        elapsed_s: 0.0,
        hist: new_histogram(),
    };
    let mut last = start;
    for h in handles {
        let (d, e, fe, la, hist) = h.join().map_err(|_| "producer thread panicked")?;
        out.delivered += d;
        out.errors += e;
        out.first_error = out.first_error.or(fe);
        if let Some(la) = la {
            last = last.max(la);
        }
        out.hist.add(hist).map_err(|e| e.to_string())?;
    }
    out.elapsed_s = (last - start).as_secs_f64();
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn produce_loop(
    producer: &ThreadedProducer<Delivery>,
    topic: &str,
    size: usize,
    partitions: i32,
    idx: usize,
    count: Option<u64>,
    interval: Option<Duration>,
    base: Instant,
    start: Instant,
    deadline: Instant,
) {
    let mut payload = vec![b'x'; size];
    let mut i: u64 = 0;
    let mut partition = idx as i32 % partitions;
    // Payload timestamps are wall-clock nanoseconds derived from the monotonic clock.
    let unix_at_base = now_unix_nanos().saturating_sub(base.elapsed().as_nanos() as u64);
    let mut now = Instant::now();
    'outer: while count.is_none_or(|n| i < n) {
        // In closed loop the clock is read every 16 sends (a read costs about as much as a
        // third of librdkafka's produce call): a send time is then at most 15 sends early,
        // microseconds, which can only lengthen the latency measured.
        if interval.is_some() || i.is_multiple_of(16) {
            now = Instant::now();
        }
        if now >= deadline {
            break;
        }
        let sent = match interval {
            Some(iv) => {
                let due = start + iv.mul_f64(i as f64);
                if due > now {
                    // Sleep a tick: a wake-up per record (tens of thousands a second) would
                    // take a core of a 2-core machine from the server. Records due meanwhile
                    // go out together, late by up to the tick, which counts in their latency.
                    std::thread::sleep(OPEN_LOOP_TICK);
                    now = Instant::now();
                    if now < due {
                        continue;
                    }
                }
                due
            }
            None => now,
        };
        if size >= 8 {
            let stamp = unix_at_base + (now - base).as_nanos() as u64;
            payload[..8].copy_from_slice(&stamp.to_le_bytes());
        }
        let opaque = (sent - base).as_nanos() as usize;
        let mut record = BaseRecord::with_opaque_to(topic, opaque)
            .payload(&payload[..])
            .partition(partition);
        loop {
            match producer.send::<(), [u8]>(record) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                    record = r;
                    std::thread::sleep(OPEN_LOOP_TICK);
                    if Instant::now() >= deadline {
                        break 'outer;
                    }
                }
                Err((e, _)) => {
                    eprintln!("produce: {e}");
                    break 'outer;
                }
            }
        }
        i += 1;
        partition = (partition + 1) % partitions;
    }
}

fn consumer(bootstrap: &str) -> Result<BaseConsumer, String> {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("group.id", format!("sluice-bench-{}", now_unix_nanos()))
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("fetch.wait.max.ms", "100")
        .set("queued.min.messages", "1000000")
        .create()
        .map_err(|e| format!("consumer: {e}"))
}

/// Reads `topic` from the beginning with `consumers` threads until `target` records were read
/// in all (or `stop_after` once producers are done), or the deadline. Returns records, bytes,
/// the window (first record → last record) and the end-to-end latency histogram.
struct Consumed {
    records: u64,
    bytes: u64,
    elapsed_s: f64,
    e2e: Histogram<u64>,
}

#[allow(clippy::too_many_arguments)]
fn consume(
    bootstrap: &str,
    topic: &str,
    partitions: i32,
    consumers: usize,
    target: Arc<AtomicU64>,
    deadline: Instant,
    measure_e2e: bool,
    meter: Arc<Meter>,
    ready: Option<Arc<AtomicU64>>,
) -> Result<Consumed, String> {
    let total = Arc::new(AtomicU64::new(0));
    let first = Arc::new(Mutex::new(None::<Instant>));
    let mut handles = Vec::new();
    for c in 0..consumers.max(1) {
        let mut tpl = TopicPartitionList::new();
        for p in (0..partitions).filter(|p| *p as usize % consumers.max(1) == c) {
            tpl.add_partition_offset(topic, p, Offset::Beginning)
                .map_err(|e| e.to_string())?;
        }
        if tpl.count() == 0 {
            continue;
        }
        let consumer = consumer(bootstrap)?;
        consumer.assign(&tpl).map_err(|e| format!("assign: {e}"))?;
        let (total, target, first, meter, ready) = (
            total.clone(),
            target.clone(),
            first.clone(),
            meter.clone(),
            ready.clone(),
        );
        handles.push(std::thread::spawn(move || {
            let mut e2e = new_histogram();
            let (mut records, mut bytes, mut last) = (0u64, 0u64, None::<Instant>);
            if let Some(r) = &ready {
                r.fetch_add(1, Ordering::Relaxed);
            }
            while Instant::now() < deadline
                && total.load(Ordering::Relaxed) < target.load(Ordering::Relaxed)
            {
                match consumer.poll(Duration::from_millis(100)) {
                    Some(Ok(m)) => {
                        let now = Instant::now();
                        let payload = m.payload().unwrap_or(&[]);
                        if records == 0 {
                            first.lock().unwrap().get_or_insert(now);
                        }
                        if measure_e2e && payload.len() >= 8 {
                            let sent = u64::from_le_bytes(payload[..8].try_into().unwrap());
                            let lat = now_unix_nanos().saturating_sub(sent);
                            record_us(&mut e2e, Duration::from_nanos(lat));
                        }
                        records += 1;
                        bytes += payload.len() as u64;
                        last = Some(now);
                        total.fetch_add(1, Ordering::Relaxed);
                        meter.add(1, payload.len() as u64);
                    }
                    Some(Err(e)) => eprintln!("consume: {e}"),
                    None => {}
                }
            }
            (records, bytes, last, e2e)
        }));
    }
    let mut out = Consumed {
        records: 0,
        bytes: 0,
        elapsed_s: 0.0,
        e2e: new_histogram(),
    };
    let mut last_all = None::<Instant>;
    for h in handles {
        let (r, b, last, e2e) = h.join().map_err(|_| "consumer thread panicked")?;
        out.records += r;
        out.bytes += b;
        last_all = last_all.max(last);
        out.e2e.add(e2e).map_err(|e| e.to_string())?;
    }
    if let (Some(f), Some(l)) = (*first.lock().unwrap(), last_all) {
        out.elapsed_s = (l - f).as_secs_f64();
    }
    Ok(out)
}

pub fn topic_name() -> String {
    format!("bench-{}", now_unix_nanos())
}

/// Produce-only, to `topic` (created beforehand, outside the measured window).
pub fn run_produce(
    bootstrap: &str,
    topic: &str,
    w: &Workload,
    meter: Arc<Meter>,
) -> Result<Metrics, String> {
    let p = produce(bootstrap, topic, w, w.records, meter)?;
    if p.delivered == 0 {
        return Err(format!(
            "nothing acknowledged ({} errors; first: {})",
            p.errors,
            p.first_error.unwrap_or_default()
        ));
    }
    let mut m = Metrics {
        records: p.delivered,
        bytes: p.delivered * w.record_size as u64,
        elapsed_s: p.elapsed_s,
        errors: p.errors,
        offered_records_per_s: (w.rate > 0.0).then_some(w.rate),
        ack_latency_ms: Percentiles::of(&p.hist),
        ..Default::default()
    };
    m.finish_rates();
    Ok(m)
}

/// Fills a topic (acks=1, as fast as it goes; not measured) for a consume run.
pub fn prefill(bootstrap: &str, w: &Workload) -> Result<(String, u64), String> {
    let topic = topic_name();
    create_topic(bootstrap, &topic, w.partitions)?;
    let n = w.prefill_records();
    let mut fill = w.clone();
    fill.acks = "1".into();
    fill.rate = 0.0;
    fill.duration = 600.0;
    let p = produce(
        bootstrap,
        &topic,
        &fill,
        Some(n),
        Arc::new(Meter::default()),
    )?;
    if p.delivered < n {
        return Err(format!(
            "prefill: {} of {n} records acknowledged (first error: {})",
            p.delivered,
            p.first_error.unwrap_or_default()
        ));
    }
    Ok((topic, n))
}

/// Tries to drop the page cache; says what the consume reads from.
pub fn drop_caches() -> String {
    // SAFETY: sync(2) has no preconditions.
    unsafe { libc::sync() };
    match std::fs::write("/proc/sys/vm/drop_caches", "1\n") {
        Ok(()) => "disk".into(),
        Err(e) => format!("page cache only (drop_caches: {e})"),
    }
}

/// Consume-only: the measured phase reads what `prefill` wrote.
pub fn run_consume(
    bootstrap: &str,
    w: &Workload,
    topic: &str,
    n: u64,
    cache: String,
    meter: Arc<Meter>,
) -> Result<Metrics, String> {
    let deadline = Instant::now() + Duration::from_secs_f64(w.duration);
    let c = consume(
        bootstrap,
        topic,
        w.partitions,
        w.consumers,
        Arc::new(AtomicU64::new(n)),
        deadline,
        false,
        meter,
        None,
    )?;
    if c.records == 0 {
        return Err("consumed nothing".into());
    }
    let mut m = Metrics {
        records: c.records,
        bytes: c.bytes,
        elapsed_s: c.elapsed_s,
        cache: Some(cache),
        prefilled: Some(n),
        ..Default::default()
    };
    m.finish_rates();
    Ok(m)
}

/// End to end: consumers read while producers write; the payload carries the send time.
/// `topic` is created beforehand, outside the measured window.
pub fn run_e2e(
    bootstrap: &str,
    topic: &str,
    w: &Workload,
    meter: Arc<Meter>,
) -> Result<Metrics, String> {
    let topic = topic.to_string();
    let target = Arc::new(AtomicU64::new(u64::MAX));
    let ready = Arc::new(AtomicU64::new(0));
    let consumer_deadline = Instant::now() + Duration::from_secs_f64(w.duration) + DRAIN;
    let (b, t, w2, tg, rd) = (
        bootstrap.to_string(),
        topic.clone(),
        w.clone(),
        target.clone(),
        ready.clone(),
    );
    let consumers = std::thread::spawn(move || {
        consume(
            &b,
            &t,
            w2.partitions,
            w2.consumers,
            tg,
            consumer_deadline,
            true,
            Arc::new(Meter::default()),
            Some(rd),
        )
    });
    // Let the consumers connect and start fetching before the first record.
    let wait_until = Instant::now() + Duration::from_secs(10);
    while ready.load(Ordering::Relaxed) == 0 && Instant::now() < wait_until {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(500));
    let p = produce(bootstrap, &topic, w, w.records, meter);
    // Consumers stop once they have read everything acknowledged (or at their deadline).
    let delivered = p.as_ref().map(|p| p.delivered).unwrap_or(0);
    target.store(delivered, Ordering::Relaxed);
    let c = consumers.join().map_err(|_| "consumer panicked")??;
    let p = p?;
    if p.delivered == 0 || c.records == 0 {
        return Err(format!(
            "e2e: {} acknowledged, {} consumed (first error: {})",
            p.delivered,
            c.records,
            p.first_error.unwrap_or_default()
        ));
    }
    let mut m = Metrics {
        records: p.delivered,
        bytes: p.delivered * w.record_size as u64,
        elapsed_s: p.elapsed_s,
        errors: p.errors + p.delivered.saturating_sub(c.records),
        offered_records_per_s: (w.rate > 0.0).then_some(w.rate),
        ack_latency_ms: Percentiles::of(&p.hist),
        e2e_latency_ms: Percentiles::of(&c.e2e),
        ..Default::default()
    };
    m.finish_rates();
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_budget_is_shared_among_producers() {
        assert_eq!(queue_budget(1), (1_000_000, 1_048_576));
        assert_eq!(queue_budget(0), (1_000_000, 1_048_576));
        assert_eq!(queue_budget(4), (250_000, 262_144));
        assert_eq!(queue_budget(64), (16_384, 16_384));
        assert_eq!(queue_budget(1000), (16_384, 16_384));
    }
}
