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
/// the data directory is removed.
pub struct Running {
    pub kafka: Option<String>,
    pub kinesis: Option<String>,
    pub pid: Option<u32>,
    /// Seconds from spawn until the ports accepted connections.
    pub startup_s: Option<f64>,
    child: Option<Child>,
    dir: Option<PathBuf>,
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
                child: None,
                dir: None,
            }),
            TargetSpec::Sluice { flush } => {
                let dir = temp_dir(&progs.data_root, "sluice")?;
                let (k, n, a) = (port()?, port()?, port()?);
                let mut cmd = Command::new(&progs.sluice_bin);
                cmd.arg("serve")
                    .arg("--data-dir")
                    .arg(dir.join("data"))
                    .args(["--flush", flush])
                    .args(["--kafka-listen", &format!("127.0.0.1:{k}")])
                    .args(["--kinesis-listen", &format!("127.0.0.1:{n}")])
                    .args(["--admin-listen", &format!("127.0.0.1:{a}")])
                    .env("RUST_LOG", "warn");
                spawn(
                    cmd,
                    dir,
                    Some(format!("127.0.0.1:{k}")),
                    Some(format!("http://127.0.0.1:{n}")),
                    &[k, n],
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
                spawn(cmd, dir, None, Some(format!("http://127.0.0.1:{p}")), &[p])
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
                spawn(cmd, dir, None, Some(format!("http://127.0.0.1:{p}")), &[p])
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
                spawn(cmd, dir, Some(format!("127.0.0.1:{p}")), None, &[p])
            }
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

fn temp_dir(root: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = root.join(format!(
        "sluice-bench-{name}-{}-{}",
        std::process::id(),
        crate::stats::now_unix_nanos()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn spawn(
    mut cmd: Command,
    dir: PathBuf,
    kafka: Option<String>,
    kinesis: Option<String>,
    ports: &[u16],
) -> Result<Running, String> {
    let log = dir.join("server.log");
    let out = File::create(&log).map_err(|e| e.to_string())?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let started = Instant::now();
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(&dir);
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
        child: Some(child),
        dir: Some(dir),
    };
    let deadline = started + Duration::from_secs(60);
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
                    "{:?} did not listen on port {p} within 60 s",
                    cmd.get_program()
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    running.startup_s = Some(started.elapsed().as_secs_f64());
    Ok(running)
}

#[cfg(test)]
mod tests {
    use super::*;

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
