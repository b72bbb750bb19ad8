"""The code stays ruff- and mypy --strict-clean: the suite fails otherwise."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["graph", "db", "tests", "bench"]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", *[t for t in TARGETS if (ROOT / t).exists()])
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy", "--strict", *[t for t in TARGETS if (ROOT / t).exists()])
    assert result.returncode == 0, result.stdout + result.stderr
