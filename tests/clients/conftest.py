"""Fixtures that run the real `sluice` binary on free 127.0.0.1 ports over a temporary data dir.

`SluiceServer` owns one server process: start, wait for /health, kill -9, SIGTERM, restart on the
same data dir and ports. Its stdout/stderr go to a log file whose tail is attached to the report
of any failing test that used it. Fixtures: `server` (per test) and `module_server` (per module).
"""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_BIN = REPO_ROOT / "target" / "debug" / "sluice"

HEALTH_TIMEOUT_S = 30.0
TERM_TIMEOUT_S = 20.0
KILL_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 200
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

# Ignore any http(s)_proxy in the environment: everything here is on 127.0.0.1.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http_get(url, timeout=5.0):
    """GET url; return (status, body bytes). HTTP errors return their status, not raise."""
    try:
        with _HTTP.open(url, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def free_port():
    """A port that was free on 127.0.0.1 a moment ago (the kernel picks it)."""
    return free_ports(1)[0]


def free_ports(n):
    """`n` distinct ports that were free on 127.0.0.1 a moment ago. The sockets are held until
    all are picked: one at a time, the kernel may hand out the same port twice."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            socks.append(s)
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def sluice_bin():
    path = Path(os.environ.get("SLUICE_BIN", DEFAULT_BIN))
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.fail(f"sluice binary not found at {path}: run `cargo build -p sluice` "
                    f"or set SLUICE_BIN", pytrace=False)
    return path


_HELP_CACHE = {}


def serve_help(binary):
    """`sluice serve --help` text, cached: used to pass optional flags only when they exist."""
    key = str(binary)
    if key not in _HELP_CACHE:
        out = subprocess.run([binary, "serve", "--help"], capture_output=True, text=True,
                             timeout=30, stdin=subprocess.DEVNULL)
        _HELP_CACHE[key] = out.stdout + out.stderr
    return _HELP_CACHE[key]


class SluiceServer:
    """One `sluice serve` process on free ports; survives kill -9 / restart on the same dir."""

    def __init__(self, binary, workdir, name="sluice", extra_args=()):
        self.binary = Path(binary)
        self.name = name
        self.workdir = Path(workdir)
        self.data_dir = self.workdir / "data"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.workdir / "sluice.log"
        self.kafka_port, self.admin_port, kinesis_port = free_ports(3)
        self.extra_args = list(extra_args)
        self.proc = None
        self.starts = 0
        self.optional_args = []
        help_text = serve_help(self.binary)
        # Keep parallel servers (and a developer's own `sluice serve`) apart: if the binary has a
        # Kinesis listener, give it a free port too rather than the fixed default.
        if "--kinesis-listen" in help_text:
            self.kinesis_port = kinesis_port
            self.optional_args += ["--kinesis-listen", f"127.0.0.1:{self.kinesis_port}"]
        else:
            self.kinesis_port = None

    # --- addresses ---------------------------------------------------------------------------
    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def admin_url(self):
        return f"http://127.0.0.1:{self.admin_port}"

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def argv(self):
        return [str(self.binary), "serve",
                "--data-dir", str(self.data_dir),
                "--kafka-listen", self.bootstrap,
                "--admin-listen", f"127.0.0.1:{self.admin_port}",
                *self.optional_args, *self.extra_args]

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self):
        assert not self.running(), "server already running"
        self.starts += 1
        with open(self.log_path, "ab") as log:
            log.write(f"\n===== start #{self.starts}: {' '.join(self.argv())}\n".encode())
            log.flush()
            # Flags only: drop SLUICE_* settings (SLUICE_CONFIG, SLUICE_DATA_DIR, ...) a shell
            # may have exported, so the server runs exactly as argv() says.
            env = {k: v for k, v in os.environ.items() if not k.startswith("SLUICE_")}
            env.setdefault("RUST_BACKTRACE", "1")
            self.proc = subprocess.Popen(self.argv(), stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env,
                                         start_new_session=True)
        self.wait_ready()
        return self

    def wait_ready(self, timeout=HEALTH_TIMEOUT_S):
        """Wait until /health answers 200 and the Kafka port accepts connections."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sluice exited with {self.proc.returncode} during start-up; "
                                   f"log tail:\n{self.log_tail(50)}")
            try:
                status, _ = http_get(self.admin_url + "/health", timeout=1.0)
                last = f"status {status}"
                if status == 200 and self._kafka_port_open():
                    return
            except OSError as e:
                last = repr(e)
            time.sleep(0.1)
        raise RuntimeError(f"sluice not ready within {timeout}s (last /health: {last}); "
                           f"log tail:\n{self.log_tail(50)}")

    def _kafka_port_open(self):
        try:
            with socket.create_connection(("127.0.0.1", self.kafka_port), timeout=1.0):
                return True
        except OSError:
            return False

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        """SIGKILL the server and reap it."""
        assert self.running(), "kill9 on a server that is not running"
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=KILL_TIMEOUT_S)

    def terminate(self):
        """SIGTERM; assert a clean exit (status 0) within 20 s."""
        assert self.running(), "terminate on a server that is not running"
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=TERM_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=KILL_TIMEOUT_S)
            raise AssertionError(f"sluice did not exit within {TERM_TIMEOUT_S}s of SIGTERM")
        assert code == 0, f"sluice exited with status {code} after SIGTERM, want 0"

    def restart(self):
        """Start again on the same data dir and ports (after kill9/terminate, or stops first)."""
        if self.running():
            self.terminate()
        return self.start()

    def stop(self):
        """Teardown: SIGTERM, then SIGKILL if needed. Never raises; notes problems in the log."""
        if not self.running():
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=TERM_TIMEOUT_S)
            note = f"exited with {code} after SIGTERM"
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=KILL_TIMEOUT_S)
            note = f"did not exit within {TERM_TIMEOUT_S}s of SIGTERM; killed"
        with open(self.log_path, "ab") as log:
            log.write(f"===== teardown: {note}\n".encode())

    # --- observation -------------------------------------------------------------------------
    def status_kb(self, field):
        """A `kB` field of /proc/PID/status (VmRSS, VmHWM, ...) of the running server."""
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        raise KeyError(field)

    def health_status(self):
        try:
            return http_get(self.admin_url + "/health", timeout=5.0)[0]
        except OSError as e:
            return repr(e)

    def log_tail(self, n=LOG_TAIL_LINES):
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no log)"
        return _ANSI.sub("", "\n".join(lines[-n:]))


def _start_server(tmp_dir, name):
    srv = SluiceServer(sluice_bin(), tmp_dir, name=name)
    try:
        srv.start()
    except Exception:
        srv.stop()
        raise
    return srv


@pytest.fixture
def server(tmp_path, request):
    """A fresh server for one test."""
    srv = _start_server(tmp_path / "sluice", request.node.name)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def module_server(tmp_path_factory, request):
    """One server shared by the tests of a module."""
    srv = _start_server(tmp_path_factory.mktemp("sluice"), request.module.__name__)
    yield srv
    srv.stop()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Attach the log tail of every server a failing test used to its report."""
    outcome = yield
    rep = outcome.get_result()
    if not rep.failed:
        return
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, SluiceServer):
            rep.sections.append((f"sluice log {value.log_path}",
                                 value.log_tail()))
