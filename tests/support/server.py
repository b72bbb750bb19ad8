"""Run the real app under uvicorn in a subprocess, for tests that need a live server."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    """A TCP port on the loopback interface nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class LiveServer:
    """A running server process and its base URL."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path


@contextmanager
def live_server(
    database_url: str, env: Mapping[str, str] | None = None, log_dir: Path | None = None
) -> Iterator[LiveServer]:
    """uvicorn serving `graph.asgi:app` on a free port until the block ends."""
    port = free_port()
    log = (log_dir or Path(os.environ.get("TMPDIR", "/tmp"))) / f"braingain-server-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BRAINGAIN_ENV": "development",
        "PYTHONPATH": str(ROOT),
        **(env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "graph.asgi:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(url, process, log)
        yield LiveServer(url=url, process=process, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not become ready:\n{log.read_text()}")
