//! Measurements that are not workload-specific: latency percentiles, the server's CPU and memory
//! from /proc, the machine, the git revision.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
