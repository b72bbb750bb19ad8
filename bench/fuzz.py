"""Long fuzzing run: schemathesis's GraphQL mode against a live server.

    python -m bench.fuzz --url http://127.0.0.1:8000 --examples 500
    python -m bench.fuzz --examples 200       # starts its own server on DATABASE_URL

Exits non-zero and prints the failing documents on any 5xx or unmasked error.
"""

import argparse
import os
import sys
import time

from tests.support.fuzz import fuzz
from tests.support.server import live_server


def main() -> int:
    """Fuzz, print a summary, return 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running server; omitted: start one on DATABASE_URL")
    parser.add_argument("--examples", type=int, default=500, help="cases per root field")
    parser.add_argument("--random", action="store_true", help="new cases on every run")
    arguments = parser.parse_args()
    started = time.monotonic()
    if arguments.url:
        failures = fuzz(arguments.url, arguments.examples, derandomize=not arguments.random)
    else:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            print("set DATABASE_URL or pass --url", file=sys.stderr)
            return 2
        env = {"BRAINGAIN_BUDGET_CAPACITY": "100000000", "BRAINGAIN_BUDGET_RESTORE_RATE": "1e6"}
        with live_server(database_url, env) as server:
            failures = fuzz(server.url, arguments.examples, derandomize=not arguments.random)
    print(f"{len(failures)} failures in {time.monotonic() - started:.0f} s")
    for failure in failures[:20]:
        print(failure, end="\n\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
