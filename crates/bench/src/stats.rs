//! Measurements that are not workload-specific: latency percentiles, the server's CPU and memory
//! from /proc, the machine, the git revision.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// A latency histogram in microseconds, 1 µs to 10 min, 3 significant digits.
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 600_000_000, 3).expect("valid histogram bounds")
}

pub fn record_us(h: &mut Histogram<u64>, d: Duration) {
    h.saturating_record((d.as_micros() as u64).max(1));
}

/// Percentiles of a latency distribution, in milliseconds.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Percentiles {
    pub count: u64,
    pub mean: f64,
    pub p50: f64,
    pub p99: f64,
    pub p999: f64,
    pub max: f64,
}

impl Percentiles {
    pub fn of(h: &Histogram<u64>) -> Option<Percentiles> {
        if h.is_empty() {
            return None;
        }
        let ms = |us: u64| us as f64 / 1000.0;
        Some(Percentiles {
            count: h.len(),
            mean: h.mean() / 1000.0,
            p50: ms(h.value_at_quantile(0.50)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
        })
    }
}

/// Wall-clock nanoseconds since the Unix epoch (what goes into payloads for end-to-end latency).
pub fn now_unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

/// CPU time (user + system) of a process so far, in seconds, from /proc/<pid>/stat.
pub fn process_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after it start past the last ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // rest starts at field 3 (state); utime is field 14, stime field 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / clock_ticks())
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 {
        t as f64
    } else {
        100.0
    }
}

/// A field of /proc/<pid>/status in kB (VmHWM, VmRSS), as MiB.
pub fn process_status_mib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kb(&status, field).map(|kb| kb as f64 / 1024.0)
}

pub fn parse_status_kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|l| {
        let v = l.strip_prefix(field)?.strip_prefix(':')?;
        v.split_whitespace().next()?.parse().ok()
    })
}

/// A process's memory from /proc/<pid>/status, MiB.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Memory {
    /// Resident set (VmRSS).
    pub rss_mib: f64,
    /// Anonymous (heap, stacks) and file-backed parts of it (RssAnon, RssFile).
    pub rss_anon_mib: Option<f64>,
    pub rss_file_mib: Option<f64>,
    /// Peak resident set since the process started (VmHWM).
    pub hwm_mib: Option<f64>,
    pub threads: Option<u64>,
}

impl Memory {
    pub fn read(pid: u32) -> Option<Memory> {
        Memory::parse(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
    }

    pub fn parse(status: &str) -> Option<Memory> {
        let mib = |f: &str| parse_status_kb(status, f).map(|kb| kb as f64 / 1024.0);
        Some(Memory {
            rss_mib: mib("VmRSS")?,
            rss_anon_mib: mib("RssAnon"),
            rss_file_mib: mib("RssFile"),
            hwm_mib: mib("VmHWM"),
            threads: parse_status_kb(status, "Threads"),
        })
    }
}

/// The server's VmRSS sampled through a run (`--rss-sample-ms`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RssSeries {
    pub interval_ms: u64,
    /// Seconds since the window started, one per sample.
    pub t_s: Vec<f64>,
    /// VmRSS, MiB, one per sample.
    pub rss_mib: Vec<f64>,
    pub summary: Option<RssSummary>,
}

/// What the RSS series says about flatness. Warm-up is the first half of the window; the
/// steady state is the second half.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct RssSummary {
    pub samples: usize,
    pub first_mib: f64,
    pub last_mib: f64,
    pub min_mib: f64,
    pub max_mib: f64,
    /// Samples at or after this time (s) are the steady state.
    pub steady_from_s: f64,
    pub steady_samples: usize,
    pub steady_min_mib: f64,
    pub steady_max_mib: f64,
    pub steady_median_mib: f64,
    /// (max − min) / median of the steady-state samples.
    pub flatness: f64,
    /// Largest |sample − median| / median in the steady state (issue 5 asks ≤ 0.10).
    pub max_deviation: f64,
}

/// The flatness statistics of an RSS series (`t` in seconds, ascending; `rss` in MiB).
pub fn rss_summary(t: &[f64], rss: &[f64]) -> Option<RssSummary> {
    let n = t.len().min(rss.len());
    if n == 0 {
        return None;
    }
    let (t, rss) = (&t[..n], &rss[..n]);
    let min = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
    let max = |xs: &[f64]| xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let from = (t[0] + t[n - 1]) / 2.0;
    let steady: Vec<f64> = t
        .iter()
        .zip(rss)
        .filter(|(ts, _)| **ts >= from)
        .map(|(_, r)| *r)
        .collect();
    let med = median(steady.clone())?;
    let (smin, smax) = (min(&steady), max(&steady));
    let dev = steady
        .iter()
        .map(|r| (r - med).abs())
        .fold(0.0f64, f64::max);
    let ratio = |x: f64| if med > 0.0 { x / med } else { 0.0 };
    Some(RssSummary {
        samples: n,
        first_mib: rss[0],
        last_mib: rss[n - 1],
        min_mib: min(rss),
        max_mib: max(rss),
        steady_from_s: from,
        steady_samples: steady.len(),
        steady_min_mib: smin,
        steady_max_mib: smax,
        steady_median_mib: med,
        flatness: ratio(smax - smin),
        max_deviation: ratio(dev),
    })
}

/// Established TCP connections on the server's side of its listeners, counted from
/// /proc/net/tcp{,6} (sockets whose local port is the listener's), sampled through a run.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Connections {
    /// Most connections seen at once on the Kafka port / the Kinesis port.
    pub kafka_max: Option<usize>,
    pub kinesis_max: Option<usize>,
    /// Median over the samples that saw any connection.
    pub kafka_median: Option<f64>,
    pub kinesis_median: Option<f64>,
    pub samples: usize,
}

impl Connections {
    pub fn max(&self) -> Option<usize> {
        self.kafka_max.max(self.kinesis_max)
    }
}

/// ESTABLISHED sockets whose local port is `port` in a /proc/net/tcp or tcp6 table.
pub fn count_established(table: &str, port: u16) -> usize {
    table
        .lines()
        .skip(1)
        .filter(|l| {
            let mut f = l.split_whitespace();
            let (Some(local), Some(_remote), Some(state)) = (f.nth(1), f.next(), f.next()) else {
                return false;
            };
            let lport = local
                .rsplit_once(':')
                .and_then(|(_, p)| u16::from_str_radix(p, 16).ok());
            state == "01" && lport == Some(port)
        })
        .count()
}

/// Established connections to local listeners on `ports` (this network namespace), one count
/// per port, reading each table once: a read walks the kernel's whole established hash
/// (262,144 buckets here, about 7 ms of system time), whatever few sockets it holds.
pub fn established_on(ports: &[u16]) -> Option<Vec<usize>> {
    let mut n = None;
    for f in ["/proc/net/tcp", "/proc/net/tcp6"] {
        if let Ok(t) = std::fs::read_to_string(f) {
            let counts = n.get_or_insert_with(|| vec![0; ports.len()]);
            for (c, port) in counts.iter_mut().zip(ports) {
                *c += count_established(&t, *port);
            }
        }
    }
    n
}

/// The port of `HOST:PORT` or `http://HOST:PORT[/...]`.
pub fn port_of(addr: &str) -> Option<u16> {
    let a = addr.split_once("://").map_or(addr, |(_, rest)| rest);
    let a = a.split('/').next()?;
    a.rsplit_once(':')?.1.parse().ok()
}

/// How often a `Sampler` counts connections: each count costs the kernel a walk of its TCP
/// hash tables, and connection counts in a run change slowly.
const CONNECTIONS_EVERY: Duration = Duration::from_secs(1);

/// What a `Sampler` saw.
pub struct Sampled {
    pub rss: Option<RssSeries>,
    pub connections: Option<Connections>,
}

/// A thread that samples the server through a run: its VmRSS every `rss_interval` (when given)
/// and the established connections on its ports (every `CONNECTIONS_EVERY`). Bounded: it stops when asked, when the server is gone, or at `max`.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Sampled>>,
}

impl Sampler {
    pub fn start(
        pid: Option<u32>,
        kafka_port: Option<u16>,
        kinesis_port: Option<u16>,
        rss_interval: Option<Duration>,
        max: Duration,
    ) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let thread = std::thread::spawn(move || {
            let t0 = Instant::now();
            let ports: Vec<u16> = kafka_port.into_iter().chain(kinesis_port).collect();
            let rss_every = rss_interval.map(|r| r.max(Duration::from_millis(1)));
            let mut series = rss_every.map(|r| RssSeries {
                interval_ms: r.as_millis() as u64,
                ..Default::default()
            });
            let (mut kafka, mut kinesis) = (Vec::<usize>::new(), Vec::<usize>::new());
            let (mut next_rss, mut next_conn) = (t0, t0);
            // At most a million samples, whatever the interval.
            let mut budget = 1_000_000u32;
            loop {
                let now = Instant::now();
                if now >= next_conn {
                    next_conn += CONNECTIONS_EVERY;
                    if let Some(n) = established_on(&ports) {
                        let mut n = n.into_iter();
                        if kafka_port.is_some() {
                            kafka.extend(n.next());
                        }
                        if kinesis_port.is_some() {
                            kinesis.extend(n.next());
                        }
                    }
                }
                if let (Some(ser), Some(every), Some(pid)) = (series.as_mut(), rss_every, pid) {
                    if now >= next_rss {
                        next_rss += every;
                        match process_status_mib(pid, "VmRSS") {
                            Some(r) => {
                                ser.t_s.push(now.duration_since(t0).as_secs_f64());
                                ser.rss_mib.push(r);
                            }
                            None => break, // the server is gone
                        }
                    }
                }
                budget = budget.saturating_sub(1);
                if s.load(Ordering::Relaxed) || t0.elapsed() >= max || budget == 0 {
                    break;
                }
                let due = if series.is_some() {
                    next_rss.min(next_conn)
                } else {
                    next_conn
                };
                let wait = due.saturating_duration_since(Instant::now());
                std::thread::sleep(wait.min(Duration::from_millis(20)));
            }
            if let Some(ser) = series.as_mut() {
                ser.summary = rss_summary(&ser.t_s, &ser.rss_mib);
            }
            let seen =
                |xs: &[usize]| median(xs.iter().filter(|n| **n > 0).map(|n| *n as f64).collect());
            let connections =
                (kafka_port.is_some() || kinesis_port.is_some()).then(|| Connections {
                    kafka_max: kafka.iter().copied().max(),
                    kinesis_max: kinesis.iter().copied().max(),
                    kafka_median: seen(&kafka),
                    kinesis_median: seen(&kinesis),
                    samples: kafka.len().max(kinesis.len()),
                });
            Sampled {
                rss: series,
                connections,
            }
        });
        Sampler {
            stop,
            thread: Some(thread),
        }
    }

    pub fn finish(mut self) -> Sampled {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or(Sampled {
                rss: None,
                connections: None,
            })
    }
}

impl Drop for Sampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Bytes allocated on disk under `dir` (st_blocks), and the files' apparent size, walking at
/// most `max_entries` entries.
pub fn disk_usage(dir: &Path, max_entries: usize) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    let (mut alloc, mut len, mut seen) = (0u64, 0u64, 0usize);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            seen += 1;
            if seen > max_entries {
                return (alloc, len);
            }
            let Ok(m) = e.metadata() else { continue };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                alloc += m.blocks() * 512;
                len += m.len();
            }
        }
    }
    (alloc, len)
}

/// The server process's resource use over a measurement window.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ServerUsage {
    pub pid: u32,
    /// User + system CPU seconds spent by the server in the window.
    pub cpu_s: f64,
    /// CPU seconds per GB (1e9 bytes) of payload moved in the window.
    pub cpu_s_per_gb: Option<f64>,
    /// CPU microseconds per record moved in the window.
    pub cpu_us_per_record: Option<f64>,
    /// Peak resident set since the server started (VmHWM), MiB.
    pub peak_rss_mib: Option<f64>,
    /// Resident set at the end of the window (VmRSS), MiB.
    pub rss_end_mib: Option<f64>,
    /// Resident set when the window started, MiB.
    pub rss_start_mib: Option<f64>,
}

pub struct UsageProbe {
    pid: u32,
    cpu0: f64,
    rss0: Option<f64>,
}

impl UsageProbe {
    pub fn start(pid: u32) -> Option<UsageProbe> {
        Some(UsageProbe {
            pid,
            cpu0: process_cpu_seconds(pid)?,
            rss0: process_status_mib(pid, "VmRSS"),
        })
    }

    pub fn finish(&self, records: u64, bytes: u64) -> ServerUsage {
        let cpu_s = process_cpu_seconds(self.pid).map_or(0.0, |c| c - self.cpu0);
        ServerUsage {
            pid: self.pid,
            cpu_s,
            cpu_s_per_gb: (bytes > 0).then(|| cpu_s / (bytes as f64 / 1e9)),
            cpu_us_per_record: (records > 0).then(|| cpu_s * 1e6 / records as f64),
            peak_rss_mib: process_status_mib(self.pid, "VmHWM"),
            rss_end_mib: process_status_mib(self.pid, "VmRSS"),
            rss_start_mib: self.rss0,
        }
    }
}

/// Facts about the machine the run happened on.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu_model: String,
    pub kernel: String,
    pub memory_gib: f64,
    pub hostname: String,
}

impl Machine {
    pub fn read() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let mem_kb = parse_status_kb(&meminfo, "MemTotal").unwrap_or(0);
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model,
            kernel: uname(),
            memory_gib: mem_kb as f64 / 1024.0 / 1024.0,
            hostname: read_trim("/proc/sys/kernel/hostname"),
        }
    }
}

fn read_trim(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// `uname -srm`, from uname(2).
fn uname() -> String {
    // SAFETY: utsname is plain old data; uname fills it with NUL-terminated strings.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return read_trim("/proc/sys/kernel/osrelease");
        }
        let s = |f: &[libc::c_char]| {
            std::ffi::CStr::from_ptr(f.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        format!("{} {} {}", s(&u.sysname), s(&u.release), s(&u.machine))
    }
}

/// The git revision of the working tree the bench runs from, with "-dirty" if it has changes.
pub fn git_revision(dir: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(dir)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let rev = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let dirty = std::process::Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .current_dir(dir)
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    Some(if dirty { format!("{rev}-dirty") } else { rev })
}

/// Median of a list of numbers (the mean of the two middle ones for an even count).
pub fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.retain(|x| x.is_finite());
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(|a, b| a.total_cmp(b));
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields() {
        let s = "Name:\tsluice\nVmHWM:\t   12345 kB\nVmRSS:\t    2048 kB\n";
        assert_eq!(parse_status_kb(s, "VmHWM"), Some(12345));
        assert_eq!(parse_status_kb(s, "VmRSS"), Some(2048));
        assert_eq!(parse_status_kb(s, "VmSwap"), None);
    }

    #[test]
    fn own_process_is_readable() {
        let pid = std::process::id();
        assert!(process_cpu_seconds(pid).is_some());
        assert!(process_status_mib(pid, "VmHWM").unwrap() > 0.0);
    }

    #[test]
    fn memory_fields() {
        let s = "Name:\tsluice\nVmHWM:\t   20480 kB\nVmRSS:\t   10240 kB\nRssAnon:\t    8192 kB\n\
                 RssFile:\t    2048 kB\nThreads:\t7\n";
        let m = Memory::parse(s).unwrap();
        assert_eq!(m.rss_mib, 10.0);
        assert_eq!(m.rss_anon_mib, Some(8.0));
        assert_eq!(m.rss_file_mib, Some(2.0));
        assert_eq!(m.hwm_mib, Some(20.0));
        assert_eq!(m.threads, Some(7));
        assert!(Memory::parse("Name:\tx\n").is_none());
        assert!(Memory::read(std::process::id()).unwrap().rss_mib > 0.0);
    }

    #[test]
    fn rss_flatness_is_measured_after_warm_up() {
        // 0..=10 s: a ramp from 10 to 50 MiB in the first half, then 98..102 around 100.
        let t: Vec<f64> = (0..=10).map(f64::from).collect();
        let rss = [
            10.0, 20.0, 30.0, 40.0, 50.0, 98.0, 100.0, 102.0, 100.0, 99.0, 101.0,
        ];
        let s = rss_summary(&t, &rss).unwrap();
        assert_eq!((s.first_mib, s.last_mib), (10.0, 101.0));
        assert_eq!((s.min_mib, s.max_mib), (10.0, 102.0));
        assert_eq!(s.steady_from_s, 5.0);
        assert_eq!(s.steady_samples, 6);
        assert_eq!(s.steady_median_mib, 100.0);
        assert!((s.flatness - 0.04).abs() < 1e-12, "{s:?}");
        assert!((s.max_deviation - 0.02).abs() < 1e-12, "{s:?}");
        // A flat line is perfectly flat; one sample is its own steady state; none is nothing.
        let flat = rss_summary(&[0.0, 1.0, 2.0], &[7.0, 7.0, 7.0]).unwrap();
        assert_eq!((flat.flatness, flat.max_deviation), (0.0, 0.0));
        let one = rss_summary(&[3.0], &[5.0]).unwrap();
        assert_eq!((one.steady_samples, one.flatness), (1, 0.0));
        assert!(rss_summary(&[], &[]).is_none());
        // Mismatched lengths use the common prefix.
        assert_eq!(rss_summary(&[0.0, 1.0], &[1.0]).unwrap().samples, 1);
    }

    #[test]
    fn established_connections_by_local_port() {
        // Port 0x2382 = 9090: two established server-side sockets, one listener (0A), one
        // client-side socket (remote port 9090), one established on another port.
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:2382 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 0100007F:2382 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 2 1
   2: 0100007F:2382 0100007F:D432 01 00000000:00000000 00:00000000 00000000     0        0 3 1
   3: 0100007F:D431 0100007F:2382 01 00000000:00000000 00:00000000 00000000     0        0 4 1
   4: 0100007F:1F90 0100007F:D433 01 00000000:00000000 00:00000000 00000000     0        0 5 1
";
        assert_eq!(count_established(table, 9090), 2);
        assert_eq!(count_established(table, 8080), 1);
        assert_eq!(count_established(table, 1), 0);
        let v6 =
            "  sl  local_address                         remote_address                        st
   0: 00000000000000000000000001000000:2382 00000000000000000000000001000000:D431 01 0
";
        assert_eq!(count_established(v6, 9090), 1);
    }

    #[test]
    fn counts_real_loopback_connections() {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let clients: Vec<_> = (0..3)
            .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        let accepted: Vec<_> = (0..3).map(|_| l.accept().unwrap()).collect();
        assert_eq!(established_on(&[port, 1]), Some(vec![3, 0]));
        drop((clients, accepted));
    }

    #[test]
    fn ports_of_addresses() {
        assert_eq!(port_of("127.0.0.1:9092"), Some(9092));
        assert_eq!(port_of("http://127.0.0.1:4567"), Some(4567));
        assert_eq!(port_of("http://localhost:4567/"), Some(4567));
        assert_eq!(port_of("nowhere"), None);
    }

    #[test]
    fn sampler_reads_rss_and_stops() {
        let s = Sampler::start(
            Some(std::process::id()),
            None,
            None,
            Some(Duration::from_millis(10)),
            Duration::from_secs(10),
        );
        std::thread::sleep(Duration::from_millis(120));
        let out = s.finish();
        let rss = out.rss.unwrap();
        assert!(rss.t_s.len() >= 3, "{rss:?}");
        assert_eq!(rss.t_s.len(), rss.rss_mib.len());
        assert!(rss.summary.unwrap().min_mib > 0.0);
        assert!(out.connections.is_none());
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }

    #[test]
    fn percentiles() {
        let mut h = new_histogram();
        for ms in 1..=1000u64 {
            record_us(&mut h, Duration::from_millis(ms));
        }
        let p = Percentiles::of(&h).unwrap();
        assert_eq!(p.count, 1000);
        assert!((p.p50 - 500.0).abs() < 2.0, "{p:?}");
        assert!((p.p99 - 990.0).abs() < 2.0, "{p:?}");
        assert!((p.max - 1000.0).abs() < 2.0, "{p:?}");
    }
}
