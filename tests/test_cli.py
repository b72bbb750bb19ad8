"""The `braingain` command: schema export, chapter checks, and the one-command server."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from graph.cli import main
from graph.schema import schema


def test_schema_export_writes_the_sdl(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    assert main(["schema", "export", "-o", str(target)]) == 0
    assert target.read_text() == schema.as_str() + "\n"


def test_chapters_check_accepts_the_shipped_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chapters", "check"]) == 0
    assert "ok  gulf-uae" in capsys.readouterr().out


def test_chapters_check_rejects_a_typo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = Path(__file__).resolve().parent.parent / "chapters_config" / "gulf-uae.toml"
    (tmp_path / "gulf-uae.toml").write_text(shipped.read_text().replace("timezone", "timezon", 1))
    monkeypatch.setenv("BRAINGAIN_CHAPTERS_DIR", str(tmp_path))
    assert main(["chapters", "check"]) == 1
    error = capsys.readouterr().err
    assert "gulf-uae.toml" in error
    assert "timezon" in error


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(data_dir: Path, port: int) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment["BRAINGAIN_DATA_DIR"] = str(data_dir)
    return subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "serve", "--port", str(port), "--scale", "0.02"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _query(port: int, document: str) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": document}).encode(),
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(json.loads(response.read()))


def _wait_ready(process: subprocess.Popen[str], port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("server did not come up")


def _postgres_running(data_dir: Path) -> bool:
    return any(
        str(data_dir) in " ".join(process.info["cmdline"] or [])
        for process in psutil.process_iter(["name", "cmdline"])
        if process.info["name"] == "postgres"
    )


def test_serve_starts_embedded_database_seeds_once_and_stops_on_sigterm(tmp_path: Path) -> None:
    # Given no DATABASE_URL, when the server starts for the first time
    port = _free_port()
    first = _start(tmp_path, port)
    try:
        _wait_ready(first, port)
        # Then it serves seeded demo data
        body = _query(
            port, "{ engineers(first: 1) { totalCount } chapters(first: 1) { totalCount } }"
        )
        data = body["data"]
        assert isinstance(data, dict)
        engineers = data["engineers"]["totalCount"]
        assert engineers >= 40
        assert data["chapters"]["totalCount"] >= 8
    finally:
        first.send_signal(signal.SIGTERM)
        output, _ = first.communicate(timeout=30)
    # And SIGTERM stops both the API and the embedded database
    assert first.returncode is not None
    assert _postgres_running(tmp_path) is False
    assert "seeded" in output

    # When it starts again, it reuses the data instead of seeding twice
    second = _start(tmp_path, port)
    try:
        _wait_ready(second, port)
        data = _query(port, "{ engineers(first: 1) { totalCount } }")["data"]
        assert isinstance(data, dict)
        assert data["engineers"]["totalCount"] == engineers
    finally:
        second.send_signal(signal.SIGINT)
        output, _ = second.communicate(timeout=30)
    assert "nothing seeded" in output
    assert _postgres_running(tmp_path) is False
