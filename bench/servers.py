"""The two HTTP servers under test, run as subprocesses in their own process groups."""

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


# The load comes from one address, far above the per-client cost budget (10,000 points, 100/s);
# and at concurrency 64 a slow query queues for longer than the 15 s request timeout. Both
# would measure the throttle, not the read path. Cost analysis and the budget (one spend
# statement per request, in PostgreSQL) still run.
UNTHROTTLED = {
    "BRAINGAIN_BUDGET_CAPACITY": str(10**12),
    "BRAINGAIN_BUDGET_RESTORE_RATE": str(10**12),
    "BRAINGAIN_REQUEST_TIMEOUT": "300",
}


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server process: how to start it, where it listens, where it logs."""

    name: str
    command: list[str]
    port: int
    environment: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    checkout: Path | None = None
    """Where the server's code is (another worktree, e.g. main for "before"); None: this one."""

    @property
    def url(self) -> str:
        """The GraphQL endpoint."""
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def pid(self) -> int:
        """Process id of the running server."""
        assert self.process is not None, f"{self.name} is not running"
        return self.process.pid

    def start(self) -> None:
        """Launch the process (its own session, so stop() can signal the whole group)."""
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                self.command,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                cwd=self.checkout or ROOT,
            )

    def wait_ready(self, timeout: float) -> None:
        """Poll GET /healthz until it answers 200; raise with the log's tail if the process dies."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        health = f"http://127.0.0.1:{self.port}/healthz"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log_tail()}")
            try:
                if httpx.get(health, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"{self.name} not ready after {timeout:.0f}s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM the process group (both servers shut down gracefully), SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the server printed."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def ours(port: int, database_url: str, scale: float, log_dir: Path, mode: str = "serve") -> Server:
    """Our GraphQL server, one worker: `braingain serve`, or plain uvicorn on graph.asgi:app."""
    if mode == "serve":
        command = [
            sys.executable,
            "-m",
            "graph.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
            "--scale",
            str(scale),
        ]
    else:
        command = uvicorn_command("graph.asgi:app", port)
    environment = dict(os.environ, DATABASE_URL=database_url, BRAINGAIN_LOG_LEVEL="WARNING")
    environment.update(UNTHROTTLED)
    return Server("ours", command, port, environment, log_dir / "ours.log")


def baseline(port: int, database_url: str, log_dir: Path) -> Server:
    """The hand-written asyncpg endpoint, one uvicorn worker."""
    environment = dict(os.environ, DATABASE_URL=database_url)
    return Server(
        "baseline",
        uvicorn_command("bench.baseline:app", port),
        port,
        environment,
        log_dir / "baseline.log",
    )


def uvicorn_command(app: str, port: int) -> list[str]:
    """uvicorn with the settings `braingain serve` uses (one worker, no access log)."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
    ]
