//! The machine's physical limits, measured in the same run: buffered writes into new page-cache
//! pages, sequential write with a fdatasync per MiB and fsync latency (fio), loopback TCP
//! bandwidth (iperf3).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Limits {
    /// Directory the disk figures were measured in (the data root).
    pub dir: String,
    /// fio: 1 GiB of buffered sequential 1 MiB writes into a new file, no sync: how fast the
    /// kernel fills new page-cache pages, MB/s (1e6 bytes). Every appended byte pays this
    /// before any disk work; on a VM whose free memory goes back to the host it can be the
    /// bound. Measured after the other fio jobs, whose files are small or were freed long
    /// enough before: a file freed just before hands its still-mapped pages on, and a job
    /// that reuses them runs twice as fast here (800 against 450 MB/s with a sync per MiB).
    #[serde(default)]
    pub pagecache_write_mb_s: Option<f64>,
    /// The CPU fio spent on it (user + system), seconds per GB written.
    #[serde(default)]
    pub pagecache_write_cpu_s_per_gb: Option<f64>,
    /// fio: sequential 1 MiB writes with a fdatasync after each (a sync per MiB), MiB/s.
    pub seq_write_sync_mib_s: Option<f64>,
    /// The same in MB/s (1e6 bytes), to compare with produce MB/s.
    pub seq_write_sync_mb_s: Option<f64>,
    /// fio: fdatasync latency after 4 KiB appends, ms.
    pub fsync_p50_ms: Option<f64>,
    pub fsync_p99_ms: Option<f64>,
    pub fsync_p999_ms: Option<f64>,
    pub fsync_max_ms: Option<f64>,
    /// iperf3 over 127.0.0.1, one stream, receiver side, MB/s (1e6 bytes).
    pub loopback_tcp_mb_s: Option<f64>,
    /// Why a figure is missing.
    pub notes: Vec<String>,
    pub fio_version: Option<String>,
    pub iperf3_version: Option<String>,
}

fn have(program: &str) -> Option<String> {
    let out = Command::new(program).arg("--version").output().ok()?;
    let s = String::from_utf8_lossy(&out.stdout);
    Some(s.lines().next().unwrap_or("").trim().to_string())
}

/// Runs a command with a time bound; returns its stdout.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Result<String, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{:?}: {e}", cmd.get_program()))?;
    let deadline = Instant::now() + limit;
    loop {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{:?} timed out", cmd.get_program()));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn fio(dir: &Path, args: &[&str]) -> Result<Value, String> {
    let out = run_bounded(
        Command::new("fio")
            .arg(format!("--directory={}", dir.display()))
            .args(["--ioengine=psync", "--unlink=1", "--output-format=json"])
            .args(args),
        Duration::from_secs(120),
    )?;
    // fio may print notes before the JSON.
    let json = &out[out.find('{').ok_or("fio printed no JSON")?..];
    serde_json::from_str(json).map_err(|e| format!("fio JSON: {e}"))
}

pub fn measure(dir: &Path) -> Limits {
    let mut l = Limits {
        dir: dir.display().to_string(),
        ..Default::default()
    };
    l.fio_version = have("fio");
    l.iperf3_version = have("iperf3");
    if l.fio_version.is_some() {
        match fio(
            dir,
            &[
                "--name=seqwrite-sync-per-mib",
                "--rw=write",
                "--bs=1M",
                "--size=1G",
                "--fdatasync=1",
                "--runtime=20",
            ],
        ) {
            Ok(v) => {
                if let Some(bw) = v["jobs"][0]["write"]["bw_bytes"].as_f64() {
                    l.seq_write_sync_mib_s = Some(bw / 1048576.0);
                    l.seq_write_sync_mb_s = Some(bw / 1e6);
                }
            }
            Err(e) => l.notes.push(format!("fio sequential write: {e}")),
        }
        match fio(
            dir,
            &[
                "--name=fdatasync-latency",
                "--rw=write",
                "--bs=4k",
                "--size=256M",
                "--fdatasync=1",
                "--runtime=5",
                "--time_based",
            ],
        ) {
            Ok(v) => {
                let s = &v["jobs"][0]["sync"]["lat_ns"];
                let ms = |x: &Value| x.as_f64().map(|ns| ns / 1e6);
                l.fsync_p50_ms = ms(&s["percentile"]["50.000000"]);
                l.fsync_p99_ms = ms(&s["percentile"]["99.000000"]);
                l.fsync_p999_ms = ms(&s["percentile"]["99.900000"]);
                l.fsync_max_ms = ms(&s["max"]);
                if l.fsync_p50_ms.is_none() {
                    l.notes
                        .push("fio printed no sync latency percentiles".to_string());
                }
            }
            Err(e) => l.notes.push(format!("fio fsync latency: {e}")),
        }
        match fio(
            dir,
            &[
                "--name=pagecache-write",
                "--rw=write",
                "--bs=1M",
                "--size=1G",
                "--runtime=20",
            ],
        ) {
            Ok(v) => {
                let job = &v["jobs"][0];
                let bytes = job["write"]["io_bytes"].as_f64();
                l.pagecache_write_mb_s = job["write"]["bw_bytes"].as_f64().map(|b| b / 1e6);
                let cpu_pct = job["usr_cpu"].as_f64().zip(job["sys_cpu"].as_f64());
                let runtime_s = job["job_runtime"].as_f64().map(|ms| ms / 1e3);
                if let (Some((usr, sys)), Some(secs), Some(bytes)) = (cpu_pct, runtime_s, bytes) {
                    if bytes > 0.0 {
                        l.pagecache_write_cpu_s_per_gb =
                            Some((usr + sys) / 100.0 * secs / (bytes / 1e9));
                    }
                }
            }
            Err(e) => l.notes.push(format!("fio page-cache write: {e}")),
        }
    } else {
        l.notes
            .push("fio not installed (scripts/setup.sh installs it)".to_string());
    }
    if l.iperf3_version.is_some() {
        match iperf3() {
            Ok(mb) => l.loopback_tcp_mb_s = Some(mb),
            Err(e) => l.notes.push(format!("iperf3: {e}")),
        }
    } else {
        l.notes
            .push("iperf3 not installed (scripts/setup.sh installs it)".to_string());
    }
    l
}

fn iperf3() -> Result<f64, String> {
    let port = crate::target::free_port().map_err(|e| e.to_string())?;
    // No -1 and no probe connection: a probe would count as iperf3's client. The client
    // retries while the server starts; the server is killed afterwards.
    let mut server = Command::new("iperf3")
        .args(["-s", "-B", "127.0.0.1", "-p", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut res = Err(String::new());
    for _ in 0..10 {
        std::thread::sleep(Duration::from_millis(200));
        res = run_bounded(
            Command::new("iperf3").args([
                "-c",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-t",
                "5",
                "-J",
            ]),
            Duration::from_secs(30),
        );
        if res.is_ok() {
            break;
        }
    }
    let _ = server.kill();
    let _ = server.wait();
    let v: Value = serde_json::from_str(&res?).map_err(|e| format!("iperf3 JSON: {e}"))?;
    v["end"]["sum_received"]["bits_per_second"]
        .as_f64()
        .map(|b| b / 8.0 / 1e6)
        .ok_or_else(|| "iperf3 printed no bits_per_second".to_string())
}
