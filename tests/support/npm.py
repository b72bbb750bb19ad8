"""Install a test directory's npm dependencies from its committed package-lock.json."""

import shutil
import subprocess
from pathlib import Path


def npm_ci(directory: Path) -> None:
    """`npm ci` in `directory` unless its node_modules already matches the lock file."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is required for this test (Node.js 20+): install nodejs and npm")
    lock = directory / "package-lock.json"
    marker = directory / "node_modules" / ".package-lock.json"
    if marker.exists() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory,
        check=True,
        timeout=300,
    )
