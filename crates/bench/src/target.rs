//! Targets: servers the bench starts itself (Sluice with a flush policy, kinesalite,
//! kinesis-local, Tansu) on free loopback ports and fresh data directories, or external
//! addresses given on the command line.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

/// Where the bench finds the programs it starts.
#[derive(Clone, Debug, Serialize)]
pub struct Programs {
    pub sluice_bin: PathBuf,
    pub peers_dir: PathBuf,
    pub tansu_bin: Option<PathBuf>,
    pub data_root: PathBuf,
}

/// A target as named on the command line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TargetSpec {
    /// `sluice`, `sluice:always`, `sluice:interval:100`, `sluice:never`.
    Sluice { flush: String },
    /// `kinesalite`: in memory.
    Kinesalite,
    /// `kinesis-local`: kinesis-mock compiled to JavaScript, in memory.
    KinesisLocal,
    /// `tansu`: its in-memory storage engine.
    Tansu,
    /// `kafka=HOST:PORT[@PID]` or `kinesis=http://HOST:PORT[@PID]`: a server already running;
    /// with a pid, its CPU and memory are reported too.
    External {
        kafka: Option<String>,
        kinesis: Option<String>,
        pid: Option<u32>,
    },
}

impl TargetSpec {
    pub fn parse(s: &str) -> Result<TargetSpec, String> {
        let (addr, pid) = match s.rsplit_once('@') {
            Some((a, p)) if s.contains('=') => (
                a,
                Some(p.parse::<u32>().map_err(|_| format!("bad pid in {s:?}"))?),
            ),
            _ => (s, None),
        };
        if let Some(a) = addr.strip_prefix("kafka=") {
            return Ok(TargetSpec::External {
                kafka: Some(a.to_string()),
                kinesis: None,
                pid,
            });
        }
        if let Some(a) = addr.strip_prefix("kinesis=") {
            let url = if a.starts_with("http") {
                a.to_string()
            } else {
                format!("http://{a}")
            };
            return Ok(TargetSpec::External {
                kafka: None,
                kinesis: Some(url),
                pid,
            });
        }
        match s {
            "sluice" => Ok(TargetSpec::Sluice {
                flush: "always".into(),
            }),
            "kinesalite" => Ok(TargetSpec::Kinesalite),
            "kinesis-local" => Ok(TargetSpec::KinesisLocal),
            "tansu" => Ok(TargetSpec::Tansu),
            _ => match s.strip_prefix("sluice:") {
                Some(f) if f == "always" || f == "never" || f.starts_with("interval:") => {
                    Ok(TargetSpec::Sluice { flush: f.into() })
                }
                _ => Err(format!(
                    "unknown target {s:?}: expected sluice[:always|:interval:MS|:never], kinesalite, \
                     kinesis-local, tansu, kafka=HOST:PORT[@PID] or kinesis=URL[@PID]"
                )),
            },
        }
    }

    pub fn speaks_kafka(&self) -> bool {
        match self {
            TargetSpec::Sluice { .. } | TargetSpec::Tansu => true,
            TargetSpec::External { kafka, .. } => kafka.is_some(),
            _ => false,
        }
    }

    pub fn speaks_kinesis(&self) -> bool {
        match self {
            TargetSpec::Sluice { .. } | TargetSpec::Kinesalite | TargetSpec::KinesisLocal => true,
            TargetSpec::External { kinesis, .. } => kinesis.is_some(),
            _ => false,
        }
    }
}

/// A started (or external) target. Stopping is on drop: SIGTERM, then SIGKILL after 15 s, and
/// the data directory is removed (unless the caller owns it: `start_sluice_kept`).
pub struct Running {
    pub kafka: Option<String>,
    pub kinesis: Option<String>,
    pub pid: Option<u32>,
    /// Seconds from spawn until the ports accepted connections.
    pub startup_s: Option<f64>,
    /// When the process was spawned.
    pub started: Instant,
    /// The server's stdout and stderr.
    pub log: Option<PathBuf>,
    child: Option<Child>,
    /// Removed on stop (None: external, or a directory the caller keeps).
    dir: Option<PathBuf>,
}

/// The loopback ports of a Sluice the bench starts (kept across restarts).
#[derive(Clone, Copy, Debug)]
pub struct SluicePorts {
    pub kafka: u16,
    pub kinesis: u16,
    pub admin: u16,
}

impl SluicePorts {
    pub fn free() -> Result<SluicePorts, String> {
        // The three listeners are held until all are picked: picked one at a time, the kernel
        // may hand out the same port twice.
        let bind = || TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"));
        let held = [bind()?, bind()?, bind()?];
        let port = |i: usize| {
            held[i]
                .local_addr()
                .map(|a| a.port())
                .map_err(|e| format!("no free port: {e}"))
        };
        Ok(SluicePorts {
            kafka: port(0)?,
            kinesis: port(1)?,
            admin: port(2)?,
        })
    }
}

/// `sluice serve` on `data_dir` with a flush policy, on the given loopback ports.
fn sluice_command(
    progs: &Programs,
    flush: &str,
    data_dir: &Path,
    p: SluicePorts,
    rust_log: &str,
) -> Command {
    let mut cmd = Command::new(&progs.sluice_bin);
    cmd.arg("serve")
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--flush", flush])
        .args(["--kafka-listen", &format!("127.0.0.1:{}", p.kafka)])
        .args(["--kinesis-listen", &format!("127.0.0.1:{}", p.kinesis)])
        .args(["--admin-listen", &format!("127.0.0.1:{}", p.admin)])
        .env("RUST_LOG", rust_log)
        // Plain log lines in the file (tracing-subscriber honours NO_COLOR).
        .env("NO_COLOR", "1");
    cmd
}

pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Running {
    pub fn start(spec: &TargetSpec, progs: &Programs) -> Result<Running, String> {
        match spec {
            TargetSpec::External {
                kafka,
                kinesis,
                pid,
            } => Ok(Running {
                kafka: kafka.clone(),
                kinesis: kinesis.clone(),
                pid: *pid,
                startup_s: None,
                started: Instant::now(),
                log: None,
                child: None,
                dir: None,
            }),
            TargetSpec::Sluice { flush } => {
                let dir = temp_dir(&progs.data_root, "sluice")?;
                let p = SluicePorts::free()?;
                let cmd = sluice_command(progs, flush, &dir.join("data"), p, "warn");
                spawn(
                    cmd,
                    &dir,
                    "server.log",
                    true,
                    Some(format!("127.0.0.1:{}", p.kafka)),
                    Some(format!("http://127.0.0.1:{}", p.kinesis)),
                    &[p.kafka, p.kinesis],
                    Duration::from_secs(60),
                )
            }
            TargetSpec::Kinesalite => {
                let dir = temp_dir(&progs.data_root, "kinesalite")?;
                let module = progs.peers_dir.join("node_modules/kinesalite");
                if !module.exists() {
                    return Err(format!(
                        "{} is missing: run bench/install-peers.sh",
                        module.display()
                    ));
                }
                let p = port()?;
                let script = format!(
                    "require({:?})({{createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, \
                     shardLimit: 10000}}).listen({p}, '127.0.0.1')",
                    module.display().to_string()
                );
                let mut cmd = Command::new("node");
                cmd.args(["-e", &script]);
                spawn(
                    cmd,
                    &dir,
                    "server.log",
                    true,
                    None,
                    Some(format!("http://127.0.0.1:{p}")),
                    &[p],
                    Duration::from_secs(60),
                )
            }
            TargetSpec::KinesisLocal => {
                let dir = temp_dir(&progs.data_root, "kinesis-local")?;
                let main = progs
                    .peers_dir
                    .join("node_modules/kinesis-local/main-loopback.js");
                if !main.exists() {
                    return Err(format!(
                        "{} is missing: run bench/install-peers.sh",
                        main.display()
                    ));
                }
                let (p, t) = (port()?, port()?);
                let mut cmd = Command::new("node");
                cmd.arg(main)
                    .env("KINESIS_MOCK_PLAIN_PORT", p.to_string())
                    .env("KINESIS_MOCK_TLS_PORT", t.to_string())
                    .env("SHARD_LIMIT", "10000")
                    .env("CREATE_STREAM_DURATION", "0ms")
                    .env("DELETE_STREAM_DURATION", "0ms")
                    .env("LOG_LEVEL", "WARN")
                    // It reads server.json (its TLS key) from the working directory.
                    .current_dir(progs.peers_dir.join("node_modules/kinesis-local"));
                spawn(
                    cmd,
                    &dir,
                    "server.log",
                    true,
                    None,
                    Some(format!("http://127.0.0.1:{p}")),
                    &[p],
                    Duration::from_secs(60),
                )
            }
            TargetSpec::Tansu => {
                let bin = progs.tansu_bin.clone().ok_or(
                    "no tansu binary: put `tansu` on PATH, pass --tansu-bin, or run \
                     INSTALL_TANSU=1 bench/install-peers.sh",
                )?;
                let dir = temp_dir(&progs.data_root, "tansu")?;
                let p = port()?;
                let url = format!("tcp://127.0.0.1:{p}");
                let mut cmd = Command::new(bin);
                cmd.args(["broker", "--listener-url", &url])
                    .args(["--advertised-listener-url", &url])
                    .args(["--storage-engine", "memory://tansu/"])
                    .env("RUST_LOG", "warn");
                spawn(
                    cmd,
                    &dir,
                    "server.log",
                    true,
                    Some(format!("127.0.0.1:{p}")),
                    None,
                    &[p],
                    Duration::from_secs(60),
                )
            }
        }
    }

    /// Sluice on `work/data`, a directory the caller owns and that stays after the server
    /// stops (for restarts on the same data); its output goes to `work/<log_name>`. Waits
    /// (bounded by `timeout`) until the Kafka and Kinesis ports accept connections.
    pub fn start_sluice_kept(
        progs: &Programs,
        flush: &str,
        work: &Path,
        ports: SluicePorts,
        log_name: &str,
        rust_log: &str,
        timeout: Duration,
    ) -> Result<Running, String> {
        let cmd = sluice_command(progs, flush, &work.join("data"), ports, rust_log);
        spawn(
            cmd,
            work,
            log_name,
            false,
            Some(format!("127.0.0.1:{}", ports.kafka)),
            Some(format!("http://127.0.0.1:{}", ports.kinesis)),
            &[ports.kafka, ports.kinesis],
            timeout,
        )
    }

    /// SIGTERM, then waits for the exit (bounded; SIGKILL at the deadline). Returns the seconds
    /// from the signal to the exit, and the exit status; an error if it had to be killed.
    pub fn terminate(&mut self, timeout: Duration) -> Result<(f64, String), String> {
        let Some(mut child) = self.child.take() else {
            return Err("no process to stop".into());
        };
        let t0 = Instant::now();
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        loop {
            match child.try_wait() {
                Ok(Some(status)) => return Ok((t0.elapsed().as_secs_f64(), status.to_string())),
                Ok(None) if t0.elapsed() < timeout => std::thread::sleep(Duration::from_millis(5)),
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "did not exit within {:.0} s of SIGTERM; killed",
                        timeout.as_secs_f64()
                    ));
                }
                Err(e) => return Err(format!("waiting for the server: {e}")),
            }
        }
    }

    /// SIGKILL (`kill -9`) and reap: no clean shutdown.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops the server and removes its data directory.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: kill(2) on our own child's pid.
            unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                match child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20))
                    }
                    _ => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break;
                    }
                }
            }
        }
        if let Some(dir) = self.dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

fn port() -> Result<u16, String> {
    free_port().map_err(|e| format!("no free port: {e}"))
}

pub fn temp_dir(root: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = root.join(format!(
        "sluice-bench-{name}-{}-{}",
        std::process::id(),
        crate::stats::now_unix_nanos()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

/// Starts `cmd` in `dir` with its output in `dir/log_name`, and waits until every port accepts
/// connections (bounded by `timeout`). `owned`: `dir` is removed when the server stops.
#[allow(clippy::too_many_arguments)]
fn spawn(
    mut cmd: Command,
    dir: &Path,
    log_name: &str,
    owned: bool,
    kafka: Option<String>,
    kinesis: Option<String>,
    ports: &[u16],
    timeout: Duration,
) -> Result<Running, String> {
    let log = dir.join(log_name);
    let out = File::create(&log).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let started = Instant::now();
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(dir);
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", cmd.get_program()))?;
    let mut running = Running {
        kafka,
        kinesis,
        pid: Some(child.id()),
        startup_s: None,
        started,
        log: Some(log.clone()),
        child: Some(child),
        dir: owned.then(|| dir.to_path_buf()),
    };
    let deadline = started + timeout;
    for &p in ports {
        loop {
            if TcpStream::connect(("127.0.0.1", p)).is_ok() {
                break;
            }
            let child = running.child.as_mut().expect("spawned");
            if let Ok(Some(status)) = child.try_wait() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(format!(
                    "{:?} exited ({status}) before listening:\n{text}",
                    cmd.get_program()
                ));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{:?} did not listen on port {p} within {:.0} s",
                    cmd.get_program(),
                    timeout.as_secs_f64()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    running.startup_s = Some(started.elapsed().as_secs_f64());
    Ok(running)
}

/// One Kafka ApiVersions v0 request over a fresh connection; returns how many APIs the server
/// advertised. Every step is bounded by `timeout`.
pub fn kafka_api_versions(addr: &str, timeout: Duration) -> Result<usize, String> {
    use std::io::{Read, Write};
    let sock: std::net::SocketAddr = addr.parse().map_err(|e| format!("{addr}: {e}"))?;
    let mut s = TcpStream::connect_timeout(&sock, timeout).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    s.write_all(&api_versions_request(7))
        .map_err(|e| e.to_string())?;
    let mut len = [0u8; 4];
    s.read_exact(&mut len).map_err(|e| e.to_string())?;
    let len = u32::from_be_bytes(len) as usize;
    if !(10..=1 << 20).contains(&len) {
        return Err(format!("ApiVersions: response of {len} bytes"));
    }
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).map_err(|e| e.to_string())?;
    parse_api_versions_response(&body, 7)
}

/// ApiVersions v0 (key 18): size, key, version, correlation id, client id.
fn api_versions_request(correlation_id: i32) -> Vec<u8> {
    let client = b"sluice-bench";
    let mut body = Vec::new();
    body.extend_from_slice(&18i16.to_be_bytes());
    body.extend_from_slice(&0i16.to_be_bytes());
    body.extend_from_slice(&correlation_id.to_be_bytes());
    body.extend_from_slice(&(client.len() as i16).to_be_bytes());
    body.extend_from_slice(client);
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(&body);
    frame
}

/// ApiVersions v0 response body: correlation id, error code, [api key, min, max].
fn parse_api_versions_response(body: &[u8], correlation_id: i32) -> Result<usize, String> {
    let i32_at = |i: usize| {
        body.get(i..i + 4)
            .map(|b| i32::from_be_bytes(b.try_into().unwrap()))
    };
    let cid = i32_at(0).ok_or("ApiVersions: short response")?;
    if cid != correlation_id {
        return Err(format!("ApiVersions: correlation id {cid}"));
    }
    let code = body
        .get(4..6)
        .map(|b| i16::from_be_bytes([b[0], b[1]]))
        .ok_or("ApiVersions: short response")?;
    if code != 0 {
        return Err(format!("ApiVersions: error code {code}"));
    }
    let n = i32_at(6).ok_or("ApiVersions: short response")?;
    if n < 1 || body.len() < 10 + n as usize * 6 {
        return Err(format!("ApiVersions: {n} APIs in {} bytes", body.len()));
    }
    Ok(n as usize)
}

/// Polls ApiVersions until the server answers or `deadline`; returns the seconds since
/// `started` at the first answer (the server is serving Kafka then).
pub fn wait_kafka_serving(addr: &str, started: Instant, deadline: Instant) -> Result<f64, String> {
    loop {
        match kafka_api_versions(addr, Duration::from_secs(5)) {
            Ok(_) => return Ok(started.elapsed().as_secs_f64()),
            Err(e) if Instant::now() >= deadline => {
                return Err(format!("{addr} did not answer ApiVersions: {e}"))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions_frames() {
        let f = api_versions_request(7);
        assert_eq!(&f[..4], &((f.len() - 4) as u32).to_be_bytes());
        assert_eq!(&f[4..8], &[0, 18, 0, 0]);
        let mut resp = 7i32.to_be_bytes().to_vec();
        resp.extend_from_slice(&0i16.to_be_bytes());
        resp.extend_from_slice(&2i32.to_be_bytes());
        resp.extend_from_slice(&[0, 0, 0, 0, 0, 9, 0, 1, 0, 0, 0, 12]);
        assert_eq!(parse_api_versions_response(&resp, 7), Ok(2));
        assert!(parse_api_versions_response(&resp, 8).is_err());
        resp[5] = 35; // UNSUPPORTED_VERSION
        assert!(parse_api_versions_response(&resp, 7).is_err());
        assert!(parse_api_versions_response(&resp[..3], 7).is_err());
    }

    #[test]
    fn parse_targets() {
        assert_eq!(
            TargetSpec::parse("sluice").unwrap(),
            TargetSpec::Sluice {
                flush: "always".into()
            }
        );
        assert_eq!(
            TargetSpec::parse("sluice:interval:100").unwrap(),
            TargetSpec::Sluice {
                flush: "interval:100".into()
            }
        );
        assert_eq!(
            TargetSpec::parse("kafka=127.0.0.1:9092@42").unwrap(),
            TargetSpec::External {
                kafka: Some("127.0.0.1:9092".into()),
                kinesis: None,
                pid: Some(42)
            }
        );
        assert_eq!(
            TargetSpec::parse("kinesis=127.0.0.1:4567").unwrap(),
            TargetSpec::External {
                kafka: None,
                kinesis: Some("http://127.0.0.1:4567".into()),
                pid: None
            }
        );
        assert!(TargetSpec::parse("sluice:sometimes").is_err());
        assert!(TargetSpec::parse("redis").is_err());
    }
}
